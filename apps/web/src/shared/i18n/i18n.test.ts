// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { enUS } from './en-US.ts'
import { zhCN } from './zh-CN.ts'

type Tree = { [key: string]: string | Tree }

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (typeof v === 'string') out.set(key, v)
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv)
  }
  return out
}

const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort()

describe('message catalogs', () => {
  const zh = flatten(zhCN)
  const en = flatten(enUS)

  it('zh-CN and en-US have exactly the same keys', () => {
    expect([...en.keys()].sort()).toEqual([...zh.keys()].sort())
  })

  it('have no empty messages', () => {
    for (const [catalog, entries] of [
      ['zh-CN', zh],
      ['en-US', en],
    ] as const)
      for (const [key, text] of entries) expect(text.trim(), `${catalog} ${key}`).not.toBe('')
  })

  it('use the same {{placeholders}} in both languages', () => {
    for (const [key, text] of zh) expect(placeholders(en.get(key) ?? ''), key).toEqual(placeholders(text))
  })

  it('zh-CN messages are in Chinese', () => {
    const latinOnly = [...zh].filter(([, text]) => !/[\u4e00-\u9fff]/.test(text)).map(([k]) => k)
    expect(latinOnly).toEqual([])
  })
})

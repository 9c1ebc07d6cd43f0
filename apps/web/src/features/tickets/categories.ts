// The category tree from the flat list the API gives (each node names its parent).
import type { TicketCategory } from '@aftercare/contracts'

export interface CategoryNode {
  value: string
  title: string
  label: string
  category: TicketCategory
  children?: CategoryNode[]
}

/** Active categories as a tree, siblings by sort order then name; `typeId` keeps those open to that type. */
export function categoryTree(
  categories: readonly TicketCategory[],
  opts: { typeId?: string; includeInactive?: boolean } = {},
): CategoryNode[] {
  const usable = categories.filter((c) => (opts.includeInactive || c.active) && (!opts.typeId || !c.typeId || c.typeId === opts.typeId))
  const ids = new Set(usable.map((c) => c.id))
  const byParent = new Map<string | null, TicketCategory[]>()
  for (const c of usable) {
    const parent = c.parentId && ids.has(c.parentId) ? c.parentId : null
    byParent.set(parent, [...(byParent.get(parent) ?? []), c])
  }
  const build = (parent: string | null): CategoryNode[] =>
    (byParent.get(parent) ?? [])
      .sort((a, b) => a.sortOrder - b.sortOrder || a.name.localeCompare(b.name, 'zh-CN'))
      .map((c) => {
        const children = build(c.id)
        return { value: c.id, title: c.name, label: c.name, category: c, ...(children.length ? { children } : {}) }
      })
  return build(null)
}

/** Ids from the root down to `id` (what a Cascader takes as its value). */
export function categoryPath(categories: readonly TicketCategory[], id: string | null | undefined): string[] {
  const byId = new Map(categories.map((c) => [c.id, c]))
  const path: string[] = []
  let cur = id ? byId.get(id) : undefined
  while (cur && path.length < 20) {
    path.unshift(cur.id)
    cur = cur.parentId ? byId.get(cur.parentId) : undefined
  }
  return path
}

/** `Hardware / Printer / Paper jam`. */
export function categoryLabel(categories: readonly TicketCategory[], id: string | null | undefined): string | null {
  if (!id) return null
  const byId = new Map(categories.map((c) => [c.id, c]))
  const names = categoryPath(categories, id).map((p) => byId.get(p)?.name ?? '')
  return names.length ? names.join(' / ') : null
}

import { describe, expect, it } from 'vitest'
import { maskEmail, maskName, maskPhone, maskStreet, maskText } from './masking.ts'

describe('masking personal data', () => {
  it('keeps the first 3 and last 4 digits of a mobile number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678')
    expect(maskPhone('+4915123456789')).toBe('+49*******6789')
    expect(maskPhone('12345')).toBe('***45')
  })

  it('keeps the first and last letter of an email name and the domain', () => {
    expect(maskEmail('zhangsan@example.com')).toBe('z***n@example.com')
    expect(maskEmail('li@example.cn')).toBe('l***@example.cn')
  })

  it('masks a WeChat id in the middle', () => {
    expect(maskText('wxid_zhang88')).toBe('wx***88')
    expect(maskText('abcd')).toBe('a**d')
  })

  it('keeps the road of a street address and drops house numbers', () => {
    expect(maskStreet('碧波路690号3栋501室')).toBe('碧波路***')
    expect(maskStreet('张江高科技园区某某大厦')).toBe('张江高科技***')
    expect(maskStreet('88号')).toBe('***')
    expect(maskStreet('张江路 665 号 3 号楼')).toBe('张江路***')
  })

  it('masks a name so the public QR page shows no one in full', () => {
    expect(maskName('陈先生')).toBe('陈**')
    expect(maskName('华东精密制造有限公司')).toBe('华东******公司')
    expect(maskName('王')).toBe('*')
  })
})

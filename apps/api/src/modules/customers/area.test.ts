import { describe, expect, it } from 'vitest'
import { checkRegion, regionFromText, regionLabel, resolveRegion } from './area.ts'

describe('regions from @vant/area-data', () => {
  it('resolves three consistent codes to names', () => {
    expect(checkRegion({ provinceCode: '310000', cityCode: '310100', districtCode: '310115' })).toEqual({
      provinceCode: '310000',
      provinceName: '上海市',
      cityCode: '310100',
      cityName: '上海市',
      districtCode: '310115',
      districtName: '浦东新区',
    })
  })

  it('names the first code that does not belong', () => {
    expect(checkRegion({ provinceCode: '999999', cityCode: '310100', districtCode: '310115' })).toMatchObject({ field: 'provinceCode' })
    expect(checkRegion({ provinceCode: '440000', cityCode: '310100', districtCode: '310115' })).toMatchObject({ field: 'cityCode' })
    expect(checkRegion({ provinceCode: '310000', cityCode: '310100', districtCode: '440305' })).toMatchObject({ field: 'districtCode' })
    expect(() => resolveRegion({ provinceCode: '310000', cityCode: '310100', districtCode: '440305' }, 'installPlace')).toThrow(
      /installPlace.districtCode/,
    )
  })

  it('reads names as people type them, with or without the 省/市/区 suffix', () => {
    expect(regionFromText('广东', '深圳', '南山')).toMatchObject({ districtCode: '440305', districtName: '南山区' })
    expect(regionFromText('上海市', '上海市', '浦东新区')).toMatchObject({ districtCode: '310115' })
    expect(regionFromText('广东省', '深圳市', '浦东新区')).toMatchObject({ field: 'districtCode' })
  })

  it('writes a municipality once in an address line', () => {
    expect(regionLabel({ provinceName: '上海市', cityName: '上海市', districtName: '浦东新区' })).toBe('上海市浦东新区')
    expect(regionLabel({ provinceName: '广东省', cityName: '深圳市', districtName: '南山区' })).toBe('广东省深圳市南山区')
  })
})

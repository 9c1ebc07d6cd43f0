// Mainland China regions (province / city / district) from @vant/area-data, the same data
// the web cascader shows. Codes are the 6-digit administrative codes; a city shares its
// province's first two digits, a district its city's first four.
import { areaList } from '@vant/area-data'
import { ValidationError } from '../../platform/errors.ts'

export interface Region {
  provinceCode: string
  provinceName: string
  cityCode: string
  cityName: string
  districtCode: string
  districtName: string
}

export interface RegionCodes {
  provinceCode: string
  cityCode: string
  districtCode: string
}

export type RegionProblem = { field: 'provinceCode' | 'cityCode' | 'districtCode'; message: string }

/** The region named by three codes, or the first code at fault. */
export function checkRegion(codes: RegionCodes): Region | RegionProblem {
  const provinceName = areaList.province_list[codes.provinceCode]
  if (!provinceName) return { field: 'provinceCode', message: `${codes.provinceCode} is not a province code` }
  const cityName = areaList.city_list[codes.cityCode]
  if (!cityName || codes.cityCode.slice(0, 2) !== codes.provinceCode.slice(0, 2))
    return { field: 'cityCode', message: `${codes.cityCode} is not a city of ${provinceName}` }
  const districtName = areaList.county_list[codes.districtCode]
  if (!districtName || codes.districtCode.slice(0, 4) !== codes.cityCode.slice(0, 4))
    return { field: 'districtCode', message: `${codes.districtCode} is not a district of ${cityName}` }
  return { ...codes, provinceName, cityName, districtName }
}

export const isRegionProblem = (r: Region | RegionProblem): r is RegionProblem => 'field' in r

/** The region named by three codes; a 422 naming the field (`${path}.cityCode`) otherwise. */
export function resolveRegion(codes: RegionCodes, path: string): Region {
  const r = checkRegion(codes)
  if (isRegionProblem(r)) throw ValidationError.field(path ? `${path}.${r.field}` : r.field, r.message)
  return r
}

function pick(list: Record<string, string>, prefix: string, text: string): string | undefined {
  const wanted = text.trim()
  if (/^\d{6}$/.test(wanted)) return list[wanted] !== undefined && wanted.startsWith(prefix) ? wanted : undefined
  const inScope = Object.entries(list).filter(([code]) => code.startsWith(prefix))
  const exact = inScope.find(([, name]) => name === wanted)
  if (exact) return exact[0]
  // "上海" for 上海市, "浦东" for 浦东新区: accepted when only one name starts that way
  const partial = wanted.length >= 2 ? inScope.filter(([, name]) => name.startsWith(wanted)) : []
  return partial.length === 1 ? partial[0]![0] : undefined
}

/** A region from names or codes as people type them in a spreadsheet (`上海` / `上海市` / `310000`). */
export function regionFromText(province: string, city: string, district: string): Region | RegionProblem {
  const provinceCode = pick(areaList.province_list, '', province)
  if (!provinceCode) return { field: 'provinceCode', message: `unknown province "${province}"` }
  const cityCode = pick(areaList.city_list, provinceCode.slice(0, 2), city)
  if (!cityCode) return { field: 'cityCode', message: `"${city}" is not a city of ${areaList.province_list[provinceCode]}` }
  const districtCode = pick(areaList.county_list, cityCode.slice(0, 4), district)
  if (!districtCode) return { field: 'districtCode', message: `"${district}" is not a district of ${areaList.city_list[cityCode]}` }
  return checkRegion({ provinceCode, cityCode, districtCode })
}

/** `上海市 上海市 浦东新区` reads badly: municipalities show their name once. */
export function regionLabel(r: Pick<Region, 'provinceName' | 'cityName' | 'districtName'>): string {
  const city = r.cityName === r.provinceName ? '' : r.cityName
  return `${r.provinceName}${city}${r.districtName}`
}

// Per-category custom fields: the template's own consistency, and values checked against it.
// Pure; errors name the field (`customFields.<key>`, `form.<i>.<prop>`).
import { AddressValue, type CustomFieldDef, type CustomFieldValues } from '@aftercare/contracts'
import { areaList } from '@vant/area-data'

export interface FieldIssue {
  path: string
  message: string
}

/** Problems of a form template an admin saved (duplicate keys, a select without options, min > max). */
export function formTemplateIssues(form: readonly CustomFieldDef[]): FieldIssue[] {
  const issues: FieldIssue[] = []
  const seen = new Set<string>()
  form.forEach((f, i) => {
    if (seen.has(f.key)) issues.push({ path: `form.${i}.key`, message: `duplicate key ${f.key}` })
    seen.add(f.key)
    const choice = f.type === 'select' || f.type === 'multi_select'
    if (choice && !f.options?.length) issues.push({ path: `form.${i}.options`, message: `a ${f.type} field needs options` })
    if (!choice && f.options?.length) issues.push({ path: `form.${i}.options`, message: `only select fields have options` })
    if (f.options && new Set(f.options.map((o) => o.value)).size !== f.options.length)
      issues.push({ path: `form.${i}.options`, message: 'option values must be unique' })
    if (f.min !== undefined && f.max !== undefined && f.min > f.max)
      issues.push({ path: `form.${i}.min`, message: 'min is greater than max' })
  })
  return issues
}

const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/
function isRealDate(s: string): boolean {
  const m = isoDate.exec(s)
  if (!m) return false
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return d.toISOString().slice(0, 10) === s
}
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** One value against its definition: the normalised value, or the problem. */
function checkValue(f: CustomFieldDef, v: unknown): { value: unknown } | { problem: string } {
  switch (f.type) {
    case 'text': {
      if (typeof v !== 'string') return { problem: 'must be text' }
      const t = v.trim()
      const max = f.maxLength ?? 2000
      if (t.length > max) return { problem: `must be at most ${max} characters` }
      return { value: t }
    }
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return { problem: 'must be a number' }
      if (f.min !== undefined && v < f.min) return { problem: `must be at least ${f.min}` }
      if (f.max !== undefined && v > f.max) return { problem: `must be at most ${f.max}` }
      return { value: v }
    }
    case 'select': {
      if (typeof v !== 'string' || !f.options?.some((o) => o.value === v))
        return { problem: `must be one of ${(f.options ?? []).map((o) => o.value).join(', ')}` }
      return { value: v }
    }
    case 'multi_select': {
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return { problem: 'must be a list of option values' }
      const bad = v.filter((x) => !f.options?.some((o) => o.value === x))
      if (bad.length) return { problem: `unknown option ${String(bad[0])}` }
      return { value: [...new Set(v as string[])] }
    }
    case 'date': {
      if (typeof v !== 'string' || !isRealDate(v)) return { problem: 'must be a date YYYY-MM-DD' }
      return { value: v }
    }
    case 'file': {
      if (!Array.isArray(v) || v.length > 20 || v.some((x) => typeof x !== 'string' || !uuid.test(x)))
        return { problem: 'must be a list of attachment ids' }
      return { value: v }
    }
    case 'address': {
      const parsed = AddressValue.safeParse(v)
      if (!parsed.success) return { problem: 'must be {provinceCode, cityCode, districtCode, detail}' }
      const a = parsed.data
      if (!areaList.province_list[a.provinceCode]) return { problem: `unknown province ${a.provinceCode}` }
      if (a.cityCode && (!areaList.city_list[a.cityCode] || a.cityCode.slice(0, 2) !== a.provinceCode.slice(0, 2)))
        return { problem: `city ${a.cityCode} is not in province ${a.provinceCode}` }
      if (a.districtCode && (!a.cityCode || !areaList.county_list[a.districtCode] || a.districtCode.slice(0, 4) !== a.cityCode.slice(0, 4)))
        return { problem: `district ${a.districtCode} is not in city ${a.cityCode ?? '(none)'}` }
      return { value: a }
    }
  }
}

const isEmpty = (v: unknown) =>
  v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0)

/**
 * Checks values against a category's form and returns them normalised. `audience: 'customer'`
 * hides staff-only fields (sending one is an error; their `required` does not apply).
 * Unknown keys are refused. A key given as null removes the value.
 */
export function validateCustomFields(
  form: readonly CustomFieldDef[],
  values: CustomFieldValues,
  audience: 'staff' | 'customer',
): { values: CustomFieldValues; issues: FieldIssue[] } {
  const fields = form.filter((f) => audience === 'staff' || f.visibleToCustomer)
  const issues: FieldIssue[] = []
  const out: CustomFieldValues = {}
  for (const key of Object.keys(values))
    if (!fields.some((f) => f.key === key)) issues.push({ path: `customFields.${key}`, message: 'is not a field of this category' })
  for (const f of fields) {
    const v = values[f.key]
    if (isEmpty(v)) {
      if (f.required) issues.push({ path: `customFields.${f.key}`, message: `${f.label} is required` })
      continue
    }
    const r = checkValue(f, v)
    if ('problem' in r) issues.push({ path: `customFields.${f.key}`, message: `${f.label} ${r.problem}` })
    else out[f.key] = r.value
  }
  return { values: out, issues }
}

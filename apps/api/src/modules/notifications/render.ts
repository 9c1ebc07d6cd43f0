// The template language: `{{ path }}` placeholders and nothing else. Values are a flat map of dotted
// paths to strings, so a template can only read what the notification center put there (no property
// walking, no prototype access, no code).

/** Variable values by dotted path: `{ 'ticket.number': 'SR-2026-000123' }`. */
export type TemplateValues = Readonly<Record<string, string>>

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w-]*(?:\.[\w-]+)*)\s*\}\}/g

export interface Rendered {
  text: string
  /** Placeholders without a value (rendered empty). */
  unknown: string[]
}

/** Replaces every `{{ path }}`; unknown paths render empty and are reported. */
export function render(template: string, values: TemplateValues): Rendered {
  const unknown = new Set<string>()
  const text = template.replace(PLACEHOLDER, (_, path: string) => {
    if (Object.hasOwn(values, path)) return values[path] ?? ''
    unknown.add(path)
    return ''
  })
  return { text, unknown: [...unknown] }
}

/** The placeholders a template uses. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))]
}

/** Renders each value of a parameter map (SMS TemplateParam, WeChat data keys). */
export function renderParams(
  params: Readonly<Record<string, string>>,
  values: TemplateValues,
): { params: Record<string, string>; unknown: string[] } {
  const out: Record<string, string> = {}
  const unknown = new Set<string>()
  for (const [key, template] of Object.entries(params)) {
    const r = render(template, values)
    out[key] = r.text
    for (const u of r.unknown) unknown.add(u)
  }
  return { params: out, unknown: [...unknown] }
}

const MAX_DEPTH = 6
const MAX_KEYS = 2000

/**
 * Flattens a JSON document into dotted paths (`order.items.0.sku`) for templates over foreign data
 * (inbound webhooks). Own keys only, bounded depth and size; objects and arrays are not values.
 */
export function flatten(doc: unknown, prefix = '', out: Record<string, string> = {}, depth = 0): Record<string, string> {
  if (Object.keys(out).length >= MAX_KEYS || depth > MAX_DEPTH) return out
  if (doc === null || doc === undefined) {
    if (prefix) out[prefix] = ''
    return out
  }
  if (typeof doc === 'object') {
    for (const [key, value] of Object.entries(doc)) {
      if (!/^[\w-]{1,64}$/.test(key) || key === '__proto__' || key === 'constructor' || key === 'prototype') continue
      flatten(value, prefix ? `${prefix}.${key}` : key, out, depth + 1)
    }
    return out
  }
  if (prefix) out[prefix] = String(doc)
  return out
}

// The import pipeline shared by customers, contacts and devices: read the sheet, check every
// row (no writes), then — only when asked and only when no row has an error — apply all rows
// in the same transaction. A preview and a commit run the same checks.
import type { ImportBody, ImportIssue, ImportKind, ImportResult } from '@aftercare/contracts'
import type { z } from 'zod'
import type { Database, DbOrTx } from '../../platform/db/index.ts'
import { AppError } from '../../platform/errors.ts'
import { readSheet, type SheetColumn, type SheetRow } from './spreadsheet.ts'

export const PREVIEW_ROWS = 20

/** One row's checks: the value to apply, or issues; `update` tells the preview what would happen. */
export type RowOutcome<V> = { ok: true; value: V; update: boolean } | { ok: false; issues: Omit<ImportIssue, 'row' | 'column'>[] }

export interface ImportSession<V> {
  check(row: SheetRow): Promise<RowOutcome<V>>
  apply(values: V[]): Promise<void>
}

export interface ImportSpec<V> {
  kind: ImportKind
  columns: readonly SheetColumn[]
  /** Lookups that need their own transactions, done before the import's one (e.g. users by email). */
  prepare?(rows: readonly SheetRow[]): Promise<void>
  /** Starts a session inside the tenant transaction (lookups, in-file duplicate tracking). */
  begin(tx: DbOrTx): ImportSession<V>
}

/** Reads and checks a file; with `commit`, imports every row or — on any error — none (422). */
export async function runImport<V>(database: Database, tenantId: string, spec: ImportSpec<V>, body: ImportBody): Promise<ImportResult> {
  const bytes = Buffer.from(body.contentBase64, 'base64')
  const sheet = await readSheet(bytes, body.fileName, spec.columns)
  const headerOf = new Map(spec.columns.map((c) => [c.key, c.header]))
  const errors: ImportIssue[] = sheet.missing.map((c) => ({
    row: 1,
    field: c.key,
    column: c.header,
    code: 'missing_column',
    message: `the column ${c.header} is missing`,
  }))
  if (errors.length === 0) await spec.prepare?.(sheet.rows)
  let created = 0
  let updated = 0
  let validRows = 0
  await database.withTenant(tenantId, async (tx) => {
    const session = spec.begin(tx)
    const values: V[] = []
    if (errors.length === 0)
      for (const row of sheet.rows) {
        const out = await session.check(row)
        if (out.ok) {
          validRows++
          values.push(out.value)
          if (out.update) updated++
          else created++
        } else for (const i of out.issues) errors.push({ ...i, row: row.row, column: headerOf.get(i.field) ?? i.field })
      }
    if (body.commit && errors.length === 0 && sheet.rows.length > 0) await session.apply(values)
  })
  if (body.commit && errors.length) {
    throw new AppError(
      422,
      'import_invalid',
      `Nothing was imported: ${errors.length} problem(s), the first in row ${errors[0]!.row} (${errors[0]!.column}): ${errors[0]!.message}`,
      {
        issues: errors.slice(0, 500).map((e) => ({ path: `rows.${e.row}.${e.field}`, message: e.message, code: e.code })),
      },
    )
  }
  if (body.commit && sheet.rows.length === 0) throw new AppError(422, 'import_empty', 'The file has no data rows under the header')
  return {
    kind: spec.kind,
    fileName: body.fileName,
    totalRows: sheet.rows.length,
    validRows,
    columns: spec.columns.map((c) => ({ key: c.key, header: c.header })),
    preview: sheet.rows.slice(0, PREVIEW_ROWS),
    errors: errors.slice(0, 1000),
    committed: body.commit,
    created,
    updated,
  }
}

// Cell readers: each returns the parsed value or pushes an issue naming the field.

export type Issues = Omit<ImportIssue, 'row' | 'column'>[]

export function cell<S extends z.ZodType>(issues: Issues, field: string, raw: string, schema: S): z.output<S> | undefined {
  if (raw === '') return undefined
  const r = schema.safeParse(raw)
  if (r.success) return r.data as z.output<S>
  issues.push({ field, code: 'invalid', message: r.error.issues[0]?.message ?? 'invalid' })
  return undefined
}

export function required(issues: Issues, field: string, raw: string): string | undefined {
  if (raw === '') issues.push({ field, code: 'required', message: 'is required' })
  return raw || undefined
}

/** A value from a fixed list, by its Chinese label or its API name. */
export function choice<T extends string>(issues: Issues, field: string, raw: string, labels: Record<T, string>): T | undefined {
  if (raw === '') return undefined
  const hit = (Object.entries(labels) as [T, string][]).find(([key, label]) => label === raw || key === raw.toLowerCase())
  if (!hit) issues.push({ field, code: 'invalid', message: `must be one of ${Object.values(labels).join(' / ')}` })
  return hit?.[0]
}

/** `2026-05-01`, `2026/5/1` or `2026.5.1` → `2026-05-01`. */
export function dateCell(issues: Issues, field: string, raw: string): string | undefined {
  if (raw === '') return undefined
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(raw)
  const iso = m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}` : ''
  const d = new Date(`${iso}T00:00:00Z`)
  if (!m || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso) {
    issues.push({ field, code: 'invalid_date', message: 'must be a date like 2026-05-01' })
    return undefined
  }
  return iso
}

export function numberCell(issues: Issues, field: string, raw: string, min: number, max: number): number | undefined {
  if (raw === '') return undefined
  const n = Number(raw)
  if (!Number.isFinite(n) || n < min || n > max) {
    issues.push({ field, code: 'invalid', message: `must be a number from ${min} to ${max}` })
    return undefined
  }
  return n
}

export const yesNo = { yes: '是', no: '否' } as const

// Keyset ("cursor") pagination for list endpoints: an opaque base64url cursor over (sort key, id).
// Unlike limit/offset, a row inserted or deleted while a client walks the pages neither repeats nor
// hides another row. The sort key travels as the database's own text form (`::text`), so timestamps
// keep their microseconds and compare exactly when cast back.
import { sql, type Column, type SQL } from 'drizzle-orm'
import { AppError } from '../errors.ts'

/** How the sort key is cast back from its text form; also how a forged key is recognised. */
export type SortKeyKind = 'text' | 'integer' | 'date' | 'timestamp'

/** The position after which the next page starts: the last row's sort key and id. */
export interface KeysetPosition {
  key: string | null
  id: string
}

const castTo: Record<SortKeyKind, SQL> = {
  text: sql.raw('text'),
  integer: sql.raw('integer'),
  date: sql.raw('date'),
  timestamp: sql.raw('timestamptz'),
}
const keyShape: Record<SortKeyKind, RegExp> = {
  text: /^[\s\S]{0,400}$/,
  integer: /^-?\d{1,10}$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  timestamp: /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)?$/,
}
const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** 400 naming `cursor`, like a schema failure of the query string. */
export function invalidCursor(message = 'is not a cursor from this list'): AppError {
  return new AppError(400, 'invalid_input', `querystring.cursor: ${message}`, { issues: [{ path: 'querystring.cursor', message }] })
}

/** The cursor for the page after `position`, bound to the sort it was read under. */
export function encodeCursor(sort: string, position: KeysetPosition): string {
  return Buffer.from(JSON.stringify({ s: sort, k: position.key, i: position.id })).toString('base64url')
}

/** Reads a cursor back; anything not made by `encodeCursor` for this sort answers 400 naming `cursor`. */
export function decodeCursor(cursor: string, sort: string, kind: SortKeyKind): KeysetPosition {
  let parsed: unknown
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalidCursor()
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw invalidCursor()
  }
  const c = parsed as { s?: unknown; k?: unknown; i?: unknown }
  if (typeof parsed !== 'object' || parsed === null || typeof c.i !== 'string' || !uuidShape.test(c.i)) throw invalidCursor()
  if (c.k !== null && (typeof c.k !== 'string' || !keyShape[kind].test(c.k))) throw invalidCursor()
  if (c.s !== sort) throw invalidCursor(`was made for sort "${String(c.s)}"; ask again without a cursor`)
  return { key: c.k, id: c.i }
}

/** The position a list query asks to continue from: none without a cursor; a cursor and an offset together are refused. */
export function positionOf(
  q: { cursor?: string | undefined; offset?: number; sort: string },
  kind: SortKeyKind,
): KeysetPosition | undefined {
  if (q.cursor === undefined) return undefined
  if (q.offset) throw invalidCursor('cannot be combined with offset')
  return decodeCursor(q.cursor, q.sort, kind)
}

/** The sort expression in its text form, to select beside each row. */
export const sortKeyText = (expr: SQL | Column): SQL<string | null> => sql<string | null>`(${expr})::text`

/**
 * Rows strictly after `after` in the order `expr asc|desc nulls last, id asc` — the order every
 * paginated list uses, so rows with the same (or no) sort key are still ordered by id.
 */
export function keysetAfter(expr: SQL | Column, id: Column, order: { descending: boolean; kind: SortKeyKind }, after: KeysetPosition): SQL {
  if (after.key === null) return sql`(${expr} is null and ${id} > ${after.id})`
  const key = sql`cast(${after.key} as ${castTo[order.kind]})`
  const beyond = order.descending ? sql`${expr} < ${key}` : sql`${expr} > ${key}`
  return sql`(${beyond} or (${expr} = ${key} and ${id} > ${after.id}) or ${expr} is null)`
}

/**
 * Cuts the `limit + 1` rows a repository read into one page: the rows to show and the cursor for
 * the next page (null on the last one).
 */
export function cutPage<T extends { id: string }>(
  rows: readonly { row: T; sortKey: string | null }[],
  limit: number,
  sort: string,
): { items: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return {
    items: page.map((r) => r.row),
    nextCursor: rows.length > limit && last ? encodeCursor(sort, { key: last.sortKey, id: last.row.id }) : null,
  }
}

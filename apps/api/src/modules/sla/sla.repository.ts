// All SQL of the SLA module; the transaction is always the first argument; no business rules.
import { randomUUID } from 'node:crypto'
import { and, asc, count, desc, eq, inArray, isNull, lte, ne, or, sql, type SQL } from 'drizzle-orm'
import { cachedQuery, rows, type DbOrTx } from '../../platform/db/index.ts'
import {
  slaCalendarDays,
  slaCalendars,
  slaClocks,
  slaCompensations,
  slaComplaints,
  slaCreditAccounts,
  slaCreditLedger,
  slaDisputes,
  slaPolicies,
  slaSettings,
  slaTickets,
  type CalendarDayRow,
  type CalendarRow,
  type ClockRow,
  type NewClockRow,
  type PolicyRow,
  type SubjectType,
} from './sla.tables.ts'

// the selects the worker runs for every ticket event, built once
const calendarById = cachedQuery((db) =>
  db
    .select()
    .from(slaCalendars)
    .where(eq(slaCalendars.id, sql.placeholder('id')))
    .limit(1),
)
const defaultCalendar = cachedQuery((db) => db.select().from(slaCalendars).where(eq(slaCalendars.isDefault, true)).limit(1))
const activePolicies = cachedQuery((db) =>
  db.select().from(slaPolicies).where(eq(slaPolicies.active, true)).orderBy(asc(slaPolicies.rank), asc(slaPolicies.createdAt)),
)
const slaTicketById = cachedQuery((db) =>
  db
    .select()
    .from(slaTickets)
    .where(eq(slaTickets.ticketId, sql.placeholder('ticketId')))
    .limit(1),
)

export const calendarRepository = {
  list: (db: DbOrTx) => db.select().from(slaCalendars).orderBy(desc(slaCalendars.isDefault), asc(slaCalendars.name)),

  async find(db: DbOrTx, id: string): Promise<CalendarRow | undefined> {
    return (await calendarById(db, { id }))[0]
  },

  async findDefault(db: DbOrTx): Promise<CalendarRow | undefined> {
    return (await defaultCalendar(db, {}))[0]
  },

  async findByName(db: DbOrTx, name: string): Promise<CalendarRow | undefined> {
    const [row] = await db.select().from(slaCalendars).where(eq(slaCalendars.name, name)).limit(1)
    return row
  },

  async insert(db: DbOrTx, values: typeof slaCalendars.$inferInsert): Promise<CalendarRow> {
    const [row] = await db.insert(slaCalendars).values(values).returning()
    return row!
  },

  /** Updates and bumps the version; undefined when `expectedVersion` is given and differs. */
  async update(
    db: DbOrTx,
    id: string,
    values: Partial<typeof slaCalendars.$inferInsert>,
    expectedVersion?: number,
  ): Promise<CalendarRow | undefined> {
    const cond =
      expectedVersion === undefined ? eq(slaCalendars.id, id) : and(eq(slaCalendars.id, id), eq(slaCalendars.version, expectedVersion))
    const [row] = await db
      .update(slaCalendars)
      .set({ ...values, version: sql`${slaCalendars.version} + 1` })
      .where(cond)
      .returning()
    return row
  },

  async clearDefault(db: DbOrTx) {
    await db.update(slaCalendars).set({ isDefault: false }).where(eq(slaCalendars.isDefault, true))
  },

  async delete(db: DbOrTx, id: string) {
    await db.delete(slaCalendars).where(eq(slaCalendars.id, id))
  },

  days: (db: DbOrTx, calendarId: string): Promise<CalendarDayRow[]> =>
    db.select().from(slaCalendarDays).where(eq(slaCalendarDays.calendarId, calendarId)).orderBy(asc(slaCalendarDays.date)),

  async daysOf(db: DbOrTx, calendarIds: string[]): Promise<CalendarDayRow[]> {
    if (calendarIds.length === 0) return []
    return db.select().from(slaCalendarDays).where(inArray(slaCalendarDays.calendarId, calendarIds)).orderBy(asc(slaCalendarDays.date))
  },

  async replaceDays(
    db: DbOrTx,
    tenantId: string,
    calendarId: string,
    days: Omit<CalendarDayRow, 'tenantId' | 'calendarId'>[],
    range?: { from: string; to: string },
  ) {
    const where = range
      ? and(eq(slaCalendarDays.calendarId, calendarId), sql`${slaCalendarDays.date} between ${range.from} and ${range.to}`)
      : eq(slaCalendarDays.calendarId, calendarId)
    await db.delete(slaCalendarDays).where(where)
    if (days.length) await db.insert(slaCalendarDays).values(days.map((d) => ({ ...d, tenantId, calendarId })))
  },

  async addDaysKeepingExisting(db: DbOrTx, tenantId: string, calendarId: string, days: Omit<CalendarDayRow, 'tenantId' | 'calendarId'>[]) {
    if (days.length)
      await db
        .insert(slaCalendarDays)
        .values(days.map((d) => ({ ...d, tenantId, calendarId })))
        .onConflictDoNothing()
  },

  async upsertDay(db: DbOrTx, day: CalendarDayRow) {
    await db
      .insert(slaCalendarDays)
      .values(day)
      .onConflictDoUpdate({
        target: [slaCalendarDays.calendarId, slaCalendarDays.date],
        set: { kind: day.kind, name: day.name, hours: day.hours },
      })
  },

  async deleteDay(db: DbOrTx, calendarId: string, date: string): Promise<boolean> {
    const res = await db
      .delete(slaCalendarDays)
      .where(and(eq(slaCalendarDays.calendarId, calendarId), eq(slaCalendarDays.date, date)))
      .returning({ date: slaCalendarDays.date })
    return res.length > 0
  },

  async isUsed(db: DbOrTx, id: string): Promise<boolean> {
    const [p] = await db.select({ n: count() }).from(slaPolicies).where(eq(slaPolicies.calendarId, id))
    const [c] = await db.select({ n: count() }).from(slaClocks).where(eq(slaClocks.calendarId, id))
    const [s] = await db.select({ n: count() }).from(slaSettings).where(eq(slaSettings.calendarId, id))
    return (p?.n ?? 0) + (c?.n ?? 0) + (s?.n ?? 0) > 0
  },
}

export const policyRepository = {
  list: (db: DbOrTx) => db.select().from(slaPolicies).orderBy(asc(slaPolicies.rank), asc(slaPolicies.createdAt)),

  active: (db: DbOrTx) => activePolicies(db, {}),

  async find(db: DbOrTx, id: string): Promise<PolicyRow | undefined> {
    const [row] = await db.select().from(slaPolicies).where(eq(slaPolicies.id, id)).limit(1)
    return row
  },

  async insert(db: DbOrTx, values: typeof slaPolicies.$inferInsert): Promise<PolicyRow> {
    const [row] = await db.insert(slaPolicies).values(values).returning()
    return row!
  },

  async update(
    db: DbOrTx,
    id: string,
    values: Partial<typeof slaPolicies.$inferInsert>,
    expectedVersion?: number,
  ): Promise<PolicyRow | undefined> {
    const cond =
      expectedVersion === undefined ? eq(slaPolicies.id, id) : and(eq(slaPolicies.id, id), eq(slaPolicies.version, expectedVersion))
    const [row] = await db
      .update(slaPolicies)
      .set({ ...values, version: sql`${slaPolicies.version} + 1` })
      .where(cond)
      .returning()
    return row
  },

  async delete(db: DbOrTx, id: string) {
    await db.delete(slaPolicies).where(eq(slaPolicies.id, id))
  },

  async isUsed(db: DbOrTx, id: string): Promise<boolean> {
    const [c] = await db.select({ n: count() }).from(slaClocks).where(eq(slaClocks.policyId, id))
    return (c?.n ?? 0) > 0
  },
}

export const settingsRepository = {
  async find(db: DbOrTx) {
    const [row] = await db.select().from(slaSettings).limit(1)
    return row
  },
  /** Inserts the settings row; false when another transaction did first. */
  async insertOnce(db: DbOrTx, values: typeof slaSettings.$inferInsert): Promise<boolean> {
    const res = await db.insert(slaSettings).values(values).onConflictDoNothing().returning({ t: slaSettings.tenantId })
    return res.length > 0
  },
  async update(db: DbOrTx, values: Partial<typeof slaSettings.$inferInsert>) {
    const [row] = await db
      .update(slaSettings)
      .set({ ...values, version: sql`${slaSettings.version} + 1` })
      .returning()
    return row!
  },
}

export const ticketRepository = {
  async find(db: DbOrTx, ticketId: string, opts: { lock?: boolean } = {}) {
    if (!opts.lock) return (await slaTicketById(db, { ticketId }))[0]
    const [row] = await db.select().from(slaTickets).where(eq(slaTickets.ticketId, ticketId)).limit(1).for('update')
    return row
  },
  /** Inserts the tickets SLA does not know yet; returns the ids inserted. */
  async insertOnceMany(db: DbOrTx, values: (typeof slaTickets.$inferInsert)[]): Promise<Set<string>> {
    if (!values.length) return new Set()
    const res = await db.insert(slaTickets).values(values).onConflictDoNothing().returning({ id: slaTickets.ticketId })
    return new Set(res.map((r) => r.id))
  },
  async update(db: DbOrTx, ticketId: string, values: Partial<typeof slaTickets.$inferInsert>) {
    await db
      .update(slaTickets)
      .set({ ...values, updatedAt: sql`now()` })
      .where(eq(slaTickets.ticketId, ticketId))
  },
  findMany: (db: DbOrTx, ids: string[]) =>
    ids.length ? db.select().from(slaTickets).where(inArray(slaTickets.ticketId, ids)) : Promise.resolve([]),
  byPolicy: (db: DbOrTx, policyId: string) => db.select().from(slaTickets).where(eq(slaTickets.policyId, policyId)),
  /** Every unfinished ticket on a device (the daily contract-period check), in a stable order. */
  openOnAnyDevice: (db: DbOrTx) =>
    db
      .select()
      .from(slaTickets)
      .where(and(sql`${slaTickets.deviceId} is not null`, sql`${slaTickets.status} not in ('resolved', 'closed', 'cancelled')`))
      .orderBy(asc(slaTickets.ticketId)),
  /** Unfinished tickets on a device of the customer (or on one of `deviceIds`), locked, in a stable order. */
  openOnDevicesOf: (db: DbOrTx, customerId: string, deviceIds: string[]) =>
    db
      .select()
      .from(slaTickets)
      .where(
        and(
          or(
            and(eq(slaTickets.customerId, customerId), sql`${slaTickets.deviceId} is not null`),
            deviceIds.length ? inArray(slaTickets.deviceId, deviceIds) : undefined,
          ),
          sql`${slaTickets.status} not in ('resolved', 'closed', 'cancelled')`,
        ),
      )
      .orderBy(asc(slaTickets.ticketId))
      .for('update'),
}

export const clockRepository = {
  bySubject: (db: DbOrTx, subjectType: SubjectType, subjectId: string, opts: { lock?: boolean } = {}): Promise<ClockRow[]> => {
    const q = db
      .select()
      .from(slaClocks)
      .where(and(eq(slaClocks.subjectType, subjectType), eq(slaClocks.subjectId, subjectId)))
      .orderBy(asc(slaClocks.startedAt), asc(slaClocks.target))
    return opts.lock ? q.for('update') : q
  },

  bySubjects: (db: DbOrTx, subjectType: SubjectType, ids: string[]): Promise<ClockRow[]> =>
    ids.length
      ? db
          .select()
          .from(slaClocks)
          .where(and(eq(slaClocks.subjectType, subjectType), inArray(slaClocks.subjectId, ids)))
          .orderBy(asc(slaClocks.startedAt), asc(slaClocks.target))
      : Promise.resolve([]),

  async find(db: DbOrTx, id: string, opts: { lock?: boolean } = {}): Promise<ClockRow | undefined> {
    const q = db.select().from(slaClocks).where(eq(slaClocks.id, id)).limit(1)
    const [row] = opts.lock ? await q.for('update') : await q
    return row
  },

  async insert(db: DbOrTx, values: NewClockRow): Promise<ClockRow> {
    const [row] = await db.insert(slaClocks).values(values).returning()
    return row!
  },
  /** One statement; the rows come back in the order given (matched by id). */
  async insertMany(db: DbOrTx, values: NewClockRow[]): Promise<ClockRow[]> {
    const withIds = values.map((v) => ({ ...v, id: v.id ?? randomUUID() }))
    const inserted = await db.insert(slaClocks).values(withIds).returning()
    const byId = new Map(inserted.map((r) => [r.id, r]))
    return withIds.map((v) => byId.get(v.id)!)
  },

  async update(db: DbOrTx, id: string, values: Partial<NewClockRow>): Promise<ClockRow> {
    const [row] = await db
      .update(slaClocks)
      .set({ ...values, updatedAt: sql`now()`, version: sql`${slaClocks.version} + 1` })
      .where(eq(slaClocks.id, id))
      .returning()
    return row!
  },

  /** Ticket clocks at risk: not stopped, and due within the horizon or already warned / breached. */
  async atRisk(
    db: DbOrTx,
    horizon: Date,
    state: 'all' | 'warning' | 'breached',
    limit: number,
    scope: { kind: 'all' } | { kind: 'customer'; customerId: string } | { kind: 'assigned'; userId: string },
  ) {
    const open = and(
      eq(slaClocks.subjectType, 'ticket'),
      ne(slaClocks.state, 'stopped'),
      scope.kind === 'customer' ? eq(slaTickets.customerId, scope.customerId) : undefined,
      scope.kind === 'assigned' ? eq(slaTickets.assigneeId, scope.userId) : undefined,
    )
    const risk: SQL | undefined =
      state === 'breached'
        ? sql`${slaClocks.breachedAt} is not null`
        : state === 'warning'
          ? and(sql`${slaClocks.warnedAt} is not null`, isNull(slaClocks.breachedAt))
          : or(lte(slaClocks.dueAt, horizon), sql`${slaClocks.warnedAt} is not null`, sql`${slaClocks.breachedAt} is not null`)
    return db
      .select({ clock: slaClocks, ticket: slaTickets, policyName: slaPolicies.name })
      .from(slaClocks)
      .innerJoin(slaTickets, eq(slaTickets.ticketId, slaClocks.subjectId))
      .leftJoin(slaPolicies, eq(slaPolicies.id, slaClocks.policyId))
      .where(and(open, risk))
      .orderBy(sql`${slaClocks.dueAt} asc nulls last`, asc(slaClocks.id))
      .limit(limit)
  },

  /** Open clocks on a calendar, in id order after `afterId` (keyset batches for recomputation). */
  openOnCalendar: (db: DbOrTx, calendarId: string, afterId: string | null, limit: number) =>
    db
      .select({
        id: slaClocks.id,
        spec: slaClocks.spec,
        targetMs: slaClocks.targetMs,
        warningFraction: slaClocks.warningFraction,
        startedAt: slaClocks.startedAt,
        segments: slaClocks.segments,
        stoppedAt: slaClocks.stoppedAt,
        dueAt: slaClocks.dueAt,
        warnAt: slaClocks.warnAt,
      })
      .from(slaClocks)
      .where(
        and(eq(slaClocks.calendarId, calendarId), ne(slaClocks.state, 'stopped'), afterId ? sql`${slaClocks.id} > ${afterId}` : undefined),
      )
      .orderBy(asc(slaClocks.id))
      .limit(limit),

  /** Writes recomputed targets and due / warn instants for many clocks in one statement. */
  async updateInstants(db: DbOrTx, items: { id: string; targetMs: number; dueAt: Date | null; warnAt: Date | null }[]) {
    if (items.length === 0) return
    const values = JSON.stringify(
      items.map((i) => ({
        id: i.id,
        target_ms: i.targetMs,
        due_at: i.dueAt?.toISOString() ?? null,
        warn_at: i.warnAt?.toISOString() ?? null,
      })),
    )
    await db.execute(sql`update sla_clocks c set target_ms = v.target_ms, due_at = v.due_at, warn_at = v.warn_at, updated_at = now(), version = c.version + 1
      from jsonb_to_recordset(${values}::jsonb) as v(id uuid, target_ms bigint, due_at timestamptz, warn_at timestamptz)
      where c.id = v.id`)
  },

  /** Records a threshold once per clock, cycle and kind; false when it already was. */
  async recordThresholdOnce(
    db: DbOrTx,
    tenantId: string,
    clockId: string,
    cycle: number,
    kind: 'warning' | 'breach',
    at: Date,
  ): Promise<boolean> {
    const res = await rows<{ id: string }>(
      db,
      sql`insert into sla_clock_events (tenant_id, clock_id, cycle, kind, at) values (${tenantId}, ${clockId}, ${cycle}, ${kind}, ${at.toISOString()})
        on conflict (clock_id, cycle, kind) do nothing returning id`,
    )
    return res.length > 0
  },
}

export const compensationRepository = {
  async insertOnce(db: DbOrTx, values: typeof slaCompensations.$inferInsert) {
    const [row] = await db.insert(slaCompensations).values(values).onConflictDoNothing().returning()
    return row
  },
  async find(db: DbOrTx, id: string, opts: { lock?: boolean } = {}) {
    const q = db.select().from(slaCompensations).where(eq(slaCompensations.id, id)).limit(1)
    const [row] = opts.lock ? await q.for('update') : await q
    return row
  },
  async update(db: DbOrTx, id: string, values: Partial<typeof slaCompensations.$inferInsert>) {
    const [row] = await db
      .update(slaCompensations)
      .set({ ...values, version: sql`${slaCompensations.version} + 1` })
      .where(eq(slaCompensations.id, id))
      .returning()
    return row!
  },
  async list(db: DbOrTx, f: { status?: string; customerId?: string; limit: number; offset: number }) {
    const where: SQL[] = []
    if (f.status) where.push(eq(slaCompensations.status, f.status as 'proposed'))
    if (f.customerId) where.push(eq(slaCompensations.customerId, f.customerId))
    const cond = where.length ? and(...where) : undefined
    const items = await db
      .select()
      .from(slaCompensations)
      .where(cond)
      .orderBy(desc(slaCompensations.createdAt), asc(slaCompensations.id))
      .limit(f.limit)
      .offset(f.offset)
    const [total] = await db.select({ n: count() }).from(slaCompensations).where(cond)
    return { items, total: total?.n ?? 0 }
  },
  byClock: (db: DbOrTx, clockId: string) => db.select().from(slaCompensations).where(eq(slaCompensations.clockId, clockId)),
}

export const creditRepository = {
  async account(db: DbOrTx, customerId: string, opts: { lock?: boolean } = {}) {
    const q = db.select().from(slaCreditAccounts).where(eq(slaCreditAccounts.customerId, customerId)).limit(1)
    const [row] = opts.lock ? await q.for('update') : await q
    return row
  },
  /** The account, created empty if missing, locked for the caller's transaction. */
  async ensureLocked(db: DbOrTx, tenantId: string, customerId: string) {
    await db
      .insert(slaCreditAccounts)
      .values({ customerId, tenantId, currency: 'CNY', amountCents: 0, points: 0, serviceHours: 0 })
      .onConflictDoNothing()
    return (await creditRepository.account(db, customerId, { lock: true }))!
  },
  async updateAccount(db: DbOrTx, customerId: string, values: Partial<typeof slaCreditAccounts.$inferInsert>) {
    const [row] = await db
      .update(slaCreditAccounts)
      .set({ ...values, updatedAt: sql`now()`, version: sql`${slaCreditAccounts.version} + 1` })
      .where(eq(slaCreditAccounts.customerId, customerId))
      .returning()
    return row!
  },
  async append(db: DbOrTx, values: typeof slaCreditLedger.$inferInsert) {
    const [row] = await db.insert(slaCreditLedger).values(values).returning()
    return row!
  },
  entries: (db: DbOrTx, customerId: string, limit: number) =>
    db.select().from(slaCreditLedger).where(eq(slaCreditLedger.customerId, customerId)).orderBy(desc(slaCreditLedger.seq)).limit(limit),
}

export const complaintRepository = {
  async insert(db: DbOrTx, values: typeof slaComplaints.$inferInsert) {
    const [row] = await db.insert(slaComplaints).values(values).returning()
    return row!
  },
  async find(db: DbOrTx, id: string, opts: { lock?: boolean } = {}) {
    const q = db.select().from(slaComplaints).where(eq(slaComplaints.id, id)).limit(1)
    const [row] = opts.lock ? await q.for('update') : await q
    return row
  },
  async update(db: DbOrTx, id: string, values: Partial<typeof slaComplaints.$inferInsert>) {
    const [row] = await db
      .update(slaComplaints)
      .set({ ...values, version: sql`${slaComplaints.version} + 1` })
      .where(eq(slaComplaints.id, id))
      .returning()
    return row!
  },
  async list(db: DbOrTx, f: { status?: string; grade?: string; customerId?: string; limit: number; offset: number }) {
    const where: SQL[] = []
    if (f.customerId) where.push(eq(slaComplaints.customerId, f.customerId))
    if (f.status) where.push(eq(slaComplaints.status, f.status as 'open'))
    if (f.grade) where.push(eq(slaComplaints.grade, f.grade as 'A'))
    const cond = where.length ? and(...where) : undefined
    const items = await db
      .select()
      .from(slaComplaints)
      .where(cond)
      .orderBy(desc(slaComplaints.createdAt), asc(slaComplaints.id))
      .limit(f.limit)
      .offset(f.offset)
    const [total] = await db.select({ n: count() }).from(slaComplaints).where(cond)
    return { items, total: total?.n ?? 0 }
  },
}

export const disputeRepository = {
  async insert(db: DbOrTx, values: typeof slaDisputes.$inferInsert) {
    const [row] = await db.insert(slaDisputes).values(values).returning()
    return row!
  },
  async find(db: DbOrTx, id: string, opts: { lock?: boolean } = {}) {
    const q = db.select().from(slaDisputes).where(eq(slaDisputes.id, id)).limit(1)
    const [row] = opts.lock ? await q.for('update') : await q
    return row
  },
  async update(db: DbOrTx, id: string, values: Partial<typeof slaDisputes.$inferInsert>) {
    const [row] = await db
      .update(slaDisputes)
      .set({ ...values, version: sql`${slaDisputes.version} + 1` })
      .where(eq(slaDisputes.id, id))
      .returning()
    return row!
  },
  async list(db: DbOrTx, f: { stage?: string; customerId?: string; complaintId?: string; limit: number; offset: number }) {
    const where: SQL[] = []
    if (f.customerId) where.push(eq(slaDisputes.customerId, f.customerId))
    if (f.complaintId) where.push(eq(slaDisputes.complaintId, f.complaintId))
    if (f.stage) where.push(eq(slaDisputes.stage, f.stage as 'review'))
    const cond = where.length ? and(...where) : undefined
    const items = await db
      .select()
      .from(slaDisputes)
      .where(cond)
      .orderBy(desc(slaDisputes.createdAt), asc(slaDisputes.id))
      .limit(f.limit)
      .offset(f.offset)
    const [total] = await db.select({ n: count() }).from(slaDisputes).where(cond)
    return { items, total: total?.n ?? 0 }
  },
}

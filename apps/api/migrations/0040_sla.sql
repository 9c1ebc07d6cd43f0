-- SLA (R4): business calendars, policies, per-ticket clocks, warnings and breaches raised
-- exactly once, compensation with a per-customer credit ledger, complaints and disputes.

create table sla_calendars (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  name text not null check (length(name) between 1 and 100),
  time_zone text not null,
  always_open boolean not null default false,
  week jsonb not null,
  make_up_hours jsonb,
  is_default boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version int not null default 1,
  unique (tenant_id, name)
);
-- At most one default calendar per tenant.
create unique index sla_calendars_default on sla_calendars (tenant_id) where is_default;

-- Dated exceptions: holidays (no work or reduced hours) and make-up working days (调休).
create table sla_calendar_days (
  tenant_id uuid not null references tenants(id),
  calendar_id uuid not null references sla_calendars(id) on delete cascade,
  date date not null,
  kind text not null check (kind in ('holiday', 'workday')),
  name text,
  hours jsonb,
  primary key (calendar_id, date)
);

create table sla_policies (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  name text not null check (length(name) between 1 and 100),
  description text,
  tiers text[] not null default '{}',
  category_ids uuid[] not null default '{}',
  type_ids uuid[] not null default '{}',
  rank int not null default 100,
  calendar_id uuid not null references sla_calendars(id),
  warning_fraction numeric(4, 3) not null default 0.8 check (warning_fraction > 0 and warning_fraction < 1),
  pause_statuses text[] not null default '{pending_customer}',
  targets jsonb not null,
  escalations jsonb not null default '[]',
  compensation jsonb,
  active boolean not null default true,
  preset text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version int not null default 1,
  unique (tenant_id, name)
);
create index sla_policies_rank on sla_policies (tenant_id, rank, created_at) where active;

-- Per-tenant settings: complaint / dispute targets; its existence marks the defaults as installed.
create table sla_settings (
  tenant_id uuid primary key references tenants(id),
  complaint_targets jsonb not null,
  dispute_targets jsonb not null,
  calendar_id uuid references sla_calendars(id),
  version int not null default 1
);

-- What SLA knows of a ticket (from ticket events): enough to choose a policy and recompute.
create table sla_tickets (
  ticket_id uuid primary key,
  tenant_id uuid not null references tenants(id),
  number text,
  customer_id uuid,
  customer_tier text,
  -- SLA tier of a service contract covering the ticket's device, when there is one
  contract_tier text,
  device_id uuid,
  type_id uuid,
  category_id uuid,
  queue_id uuid,
  assignee_id uuid,
  priority text not null,
  status text not null,
  policy_id uuid references sla_policies(id),
  created_at timestamptz not null,
  first_response_at timestamptz,
  updated_at timestamptz not null default now()
);
create index sla_tickets_policy on sla_tickets (tenant_id, policy_id);

-- One clock per subject and target. Segments are the wall-clock spans it ran ([{from,to}] in
-- epoch ms); due_at / warn_at are derived from them, the target and the calendar.
create table sla_clocks (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  subject_type text not null check (subject_type in ('ticket', 'complaint', 'dispute')),
  subject_id uuid not null,
  target text not null,
  cycle int not null default 1,
  policy_id uuid references sla_policies(id),
  calendar_id uuid not null references sla_calendars(id),
  spec jsonb not null,
  target_ms bigint not null,
  warning_fraction numeric(4, 3) not null,
  started_at timestamptz not null,
  segments jsonb not null,
  state text not null check (state in ('running', 'paused', 'stopped')),
  stopped_at timestamptz,
  stop_reason text,
  due_at timestamptz,
  warn_at timestamptz,
  warned_at timestamptz,
  breached_at timestamptz,
  met boolean,
  updated_at timestamptz not null default now(),
  version int not null default 1,
  unique (subject_type, subject_id, target)
);
create index sla_clocks_due on sla_clocks (due_at) where state = 'running' and breached_at is null;
create index sla_clocks_warn on sla_clocks (warn_at) where state = 'running' and warned_at is null;
create index sla_clocks_calendar on sla_clocks (tenant_id, calendar_id) where state <> 'stopped';
create index sla_clocks_subject on sla_clocks (tenant_id, subject_id);

-- The exactly-once register: one row per clock, cycle and threshold. The job (or sweep) that
-- inserts the row publishes the event in the same transaction; a second worker or a retried job
-- conflicts and publishes nothing.
create table sla_clock_events (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  clock_id uuid not null references sla_clocks(id),
  cycle int not null,
  kind text not null check (kind in ('warning', 'breach')),
  at timestamptz not null,
  created_at timestamptz not null default now(),
  unique (clock_id, cycle, kind)
);

-- Events already applied by an SLA listener (delivery is at least once).
create table sla_processed_events (
  tenant_id uuid not null references tenants(id),
  event_id uuid not null,
  listener text not null,
  processed_at timestamptz not null default now(),
  primary key (event_id, listener)
);

create table sla_credit_accounts (
  customer_id uuid primary key,
  tenant_id uuid not null references tenants(id),
  monthly_fee_cents bigint check (monthly_fee_cents >= 0),
  currency text not null default 'CNY',
  amount_cents bigint not null default 0 check (amount_cents >= 0),
  points bigint not null default 0 check (points >= 0),
  service_hours numeric(12, 2) not null default 0 check (service_hours >= 0),
  updated_at timestamptz not null default now(),
  version int not null default 1
);

create table sla_compensations (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  clock_id uuid not null references sla_clocks(id),
  cycle int not null,
  customer_id uuid not null,
  ticket_id uuid,
  ticket_number text,
  clock_target text not null,
  kind text not null check (kind in ('percent_per_hour', 'major_fault', 'service_extension', 'credit_points')),
  hours numeric(12, 2) not null,
  amount_cents bigint,
  points bigint,
  service_hours numeric(12, 2),
  formula text not null,
  status text not null default 'proposed' check (status in ('proposed', 'approved', 'rejected')),
  decided_by uuid,
  decided_at timestamptz,
  decision_note text,
  created_at timestamptz not null default now(),
  version int not null default 1,
  unique (clock_id, cycle, kind)
);
create index sla_compensations_status on sla_compensations (tenant_id, status, created_at desc);
create index sla_compensations_customer on sla_compensations (tenant_id, customer_id, created_at desc);

create table sla_credit_ledger (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  customer_id uuid not null references sla_credit_accounts(customer_id),
  kind text not null check (kind in ('amount', 'points', 'service_hours')),
  delta numeric(16, 2) not null,
  balance_after numeric(16, 2) not null,
  compensation_id uuid references sla_compensations(id),
  note text,
  actor_id uuid,
  created_at timestamptz not null default now(),
  seq bigint generated always as identity
);
create index sla_credit_ledger_customer on sla_credit_ledger (tenant_id, customer_id, seq desc);

create table sla_complaints (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  customer_id uuid not null,
  ticket_id uuid,
  grade text not null check (grade in ('A', 'B', 'C')),
  summary text not null,
  status text not null default 'open' check (status in ('open', 'responded', 'planned', 'closed')),
  response text,
  plan text,
  responded_at timestamptz,
  planned_at timestamptz,
  created_by uuid,
  created_at timestamptz not null default now(),
  version int not null default 1
);
create index sla_complaints_list on sla_complaints (tenant_id, created_at desc);

create table sla_disputes (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  customer_id uuid not null,
  ticket_id uuid,
  compensation_id uuid references sla_compensations(id),
  summary text not null,
  evidence jsonb not null default '[]',
  stage text not null default 'review' check (stage in ('review', 'investigation', 'decided', 'arbitration', 'closed')),
  decision text,
  history jsonb not null default '[]',
  created_by uuid,
  created_at timestamptz not null default now(),
  version int not null default 1
);
create index sla_disputes_list on sla_disputes (tenant_id, created_at desc);

do $$
declare t text;
begin
  foreach t in array array['sla_calendars', 'sla_calendar_days', 'sla_policies', 'sla_settings', 'sla_tickets', 'sla_clocks',
    'sla_clock_events', 'sla_processed_events', 'sla_credit_accounts', 'sla_compensations', 'sla_credit_ledger',
    'sla_complaints', 'sla_disputes']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('create policy tenant_isolation on %I using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id())', t);
    execute format('grant select, insert, update, delete on %I to aftercare_app', t);
  end loop;
end $$;
-- The credit ledger and the exactly-once register are append-only for the application.
revoke update, delete on sla_credit_ledger, sla_clock_events from aftercare_app;

-- Escalation actions carried out on warning / breach (notify supervisors, raise the tier, reassign
-- to a queue, raise the priority): the exactly-once register and its outcome. One row per ticket
-- clock, cycle, threshold and action; the listener that inserts the row acts in the same
-- transaction, a redelivered or duplicated request conflicts and does nothing.
create table sla_escalations (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  ticket_id uuid not null,
  clock_id uuid not null references sla_clocks(id),
  target text not null,
  cycle int not null,
  trigger text not null check (trigger in ('warning', 'breach')),
  action text not null check (action in ('notify_supervisor', 'raise_tier', 'reassign_queue', 'raise_priority')),
  outcome text not null check (outcome in ('done', 'skipped')),
  -- what changed ({from, to}, notified user ids) or why nothing was done ({reason})
  detail jsonb not null default '{}',
  created_at timestamptz not null default now(),
  unique (clock_id, cycle, trigger, action)
);
create index sla_escalations_ticket on sla_escalations (tenant_id, ticket_id, created_at);

alter table sla_escalations enable row level security;
create policy tenant_isolation on sla_escalations using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
grant select, insert, update on sla_escalations to aftercare_app;

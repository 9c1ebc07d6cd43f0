-- Audit log and transactional outbox (platform).

-- Entries are inserted in the business transaction (unsealed: seq and hash null)
-- and sealed into one hash chain per tenant by the worker, in commit order.
create table audit_log (
  id bigint generated always as identity primary key,
  tenant_id uuid not null references tenants(id),
  occurred_at timestamptz not null default now(),
  actor_type text not null check (actor_type in ('user', 'token', 'system', 'customer', 'anonymous')),
  actor_id uuid,
  action text not null,
  entity_type text not null,
  entity_id text,
  before jsonb,
  after jsonb,
  request_id text,
  ip text,
  seq bigint,
  prev_hash text,
  hash text,
  sealed_at timestamptz,
  unique (tenant_id, seq)
);
create index audit_log_unsealed on audit_log (id) where seq is null;
create index audit_log_entity on audit_log (tenant_id, entity_type, entity_id);
alter table audit_log enable row level security;
create policy tenant_isolation on audit_log using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
-- The application role may add and read entries, never change or remove them.
revoke update, delete, truncate on audit_log from aftercare_app;

create table outbox (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  type text not null,
  aggregate_type text,
  aggregate_id text,
  payload jsonb not null default '{}'::jsonb,
  actor_id uuid,
  created_at timestamptz not null default now(),
  -- delivery bookkeeping, owned by the worker
  available_at timestamptz not null default now(),
  attempts int not null default 0,
  delivered_at timestamptz,
  last_error text
);
create index outbox_pending on outbox (available_at) where delivered_at is null;
alter table outbox enable row level security;
create policy tenant_isolation on outbox using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
revoke update, delete, truncate on outbox from aftercare_app;

-- Realtime (platform): messages too large for a NOTIFY payload (8000 bytes) are stored here and
-- the notification carries their id; each server reads the row once, and rows older than ten
-- minutes are pruned when the next large message is stored.
create table realtime_messages (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  topic text not null,
  message jsonb not null,
  created_at timestamptz not null default now()
);
create index realtime_messages_created on realtime_messages (created_at);
alter table realtime_messages enable row level security;
create policy tenant_isolation on realtime_messages using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());

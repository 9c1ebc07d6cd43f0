-- Webhooks (R14): outgoing subscriptions to domain events with a delivery log, and inbound sources
-- that turn signed JSON from other systems into tickets.

create table webhook_subscriptions (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  name text not null check (length(name) between 1 and 100),
  url text not null check (length(url) <= 500),
  events text[] not null check (cardinality(events) between 1 and 50),
  -- sealed signing secret (AES-256-GCM, row id as associated data)
  secret_sealed text not null,
  enabled boolean not null default true,
  disabled_reason text,
  consecutive_failures int not null default 0,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  version int not null default 1,
  unique (tenant_id, id)
);
create index webhook_subscriptions_enabled on webhook_subscriptions (tenant_id) where enabled;

create table webhook_deliveries (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  subscription_id uuid not null,
  event_id uuid,
  event_type text not null,
  -- the exact JSON body sent (replays send it again, byte for byte, with a fresh signature)
  body text not null,
  dedupe_key text not null,
  status text not null default 'queued' check (status in ('queued', 'sending', 'sent', 'retrying', 'failed', 'dead')),
  attempts int not null default 0,
  max_attempts int not null default 8,
  next_attempt_at timestamptz,
  lease_until timestamptz,
  last_attempt_at timestamptz,
  response_status int,
  last_error text,
  replay_of uuid,
  sent_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (tenant_id, dedupe_key),
  foreign key (tenant_id, subscription_id) references webhook_subscriptions (tenant_id, id) on delete cascade
);
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status in ('queued', 'retrying');
create index webhook_deliveries_leased on webhook_deliveries (lease_until) where status = 'sending';
create index webhook_deliveries_list on webhook_deliveries (tenant_id, subscription_id, created_at desc, id desc);

create table webhook_inbound_sources (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  name text not null check (length(name) between 1 and 100),
  secret_sealed text not null,
  customer_id uuid not null,
  type_id uuid not null,
  queue_id uuid,
  default_priority text not null check (default_priority in ('P0', 'P1', 'P2', 'P3', 'P4')),
  channel text not null,
  mapping jsonb not null,
  enabled boolean not null default true,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  version int not null default 1,
  unique (tenant_id, id)
);

-- One row per accepted document: the external id makes a retried push answer with the same ticket.
create table webhook_inbound_events (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  source_id uuid not null,
  external_id text not null,
  ticket_id uuid not null,
  ticket_number text not null,
  received_at timestamptz not null,
  unique (tenant_id, source_id, external_id),
  foreign key (tenant_id, source_id) references webhook_inbound_sources (tenant_id, id) on delete cascade
);

alter table webhook_subscriptions enable row level security;
alter table webhook_deliveries enable row level security;
alter table webhook_inbound_sources enable row level security;
alter table webhook_inbound_events enable row level security;
create policy tenant_isolation on webhook_subscriptions using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
create policy tenant_isolation on webhook_deliveries using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
create policy tenant_isolation on webhook_inbound_sources using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
create policy tenant_isolation on webhook_inbound_events using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
grant select, insert, update, delete on webhook_subscriptions, webhook_inbound_sources, webhook_inbound_events to aftercare_app;
grant select, insert, update on webhook_deliveries to aftercare_app;
revoke delete, truncate on webhook_deliveries from aftercare_app;

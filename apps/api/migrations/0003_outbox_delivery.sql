-- Outbox delivery (platform): the worker fans every committed event out into one delivery per
-- listener that hears it, and tracks each delivery on its own (attempts, backoff, lease, dead
-- letter), so one failing listener never makes the others run again.

-- Insertion order of events (within a transaction, the order they were published): deliveries of
-- one aggregate reach each listener in this order.
alter table outbox add column seq bigint generated always as identity;
-- Set when the worker has created the event's deliveries.
alter table outbox add column dispatched_at timestamptz;
create index outbox_undispatched on outbox (seq) where dispatched_at is null;

create table outbox_deliveries (
  event_id uuid not null references outbox(id) on delete cascade,
  listener text not null,
  tenant_id uuid not null references tenants(id),
  event_seq bigint not null,
  -- `aggregate_type:aggregate_id`; null for events about no aggregate (no ordering between them)
  aggregate_key text,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'dead')),
  attempts int not null default 0,
  available_at timestamptz not null,
  -- a worker holds a claimed delivery until then; after a crash another worker takes it over
  locked_until timestamptz,
  locked_by text,
  last_error text,
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (event_id, listener)
);
create index outbox_deliveries_due on outbox_deliveries (available_at) where status = 'pending';
create index outbox_deliveries_order on outbox_deliveries (listener, aggregate_key, event_seq) where status = 'pending';
create index outbox_deliveries_dead on outbox_deliveries (tenant_id, listener) where status = 'dead';
alter table outbox_deliveries enable row level security;
create policy tenant_isolation on outbox_deliveries using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
-- Only the worker (owner connection) writes deliveries; tenant administrators may read them.
revoke insert, update, delete, truncate on outbox_deliveries from aftercare_app;

-- Listeners record here, in the transaction of their effect, which events they have handled, so a
-- redelivered event does nothing twice (platform/events/idempotency.ts).
create table processed_events (
  tenant_id uuid not null references tenants(id),
  listener text not null,
  event_id uuid not null,
  processed_at timestamptz not null default now(),
  primary key (listener, event_id)
);
alter table processed_events enable row level security;
create policy tenant_isolation on processed_events using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
revoke update, truncate on processed_events from aftercare_app;

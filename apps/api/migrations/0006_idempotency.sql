-- Idempotency-Key for POST (platform/http/idempotency.ts): the first answer to a key is kept per
-- tenant, actor and key for 24 hours and replayed when the same request is retried.
create table idempotency_keys (
  tenant_id uuid not null references tenants(id),
  actor_id uuid not null,
  key text not null check (length(key) between 1 and 255),
  -- sha256 of method, URL and canonical JSON body: a reused key with another request is refused
  request_hash text not null,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  -- while the first request runs; a request that died without answering is taken over after this
  locked_until timestamptz not null,
  response_status int,
  response_headers jsonb,
  response_body bytea,
  primary key (tenant_id, actor_id, key)
);
create index idempotency_keys_expires on idempotency_keys (expires_at);
alter table idempotency_keys enable row level security;
create policy tenant_isolation on idempotency_keys using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());

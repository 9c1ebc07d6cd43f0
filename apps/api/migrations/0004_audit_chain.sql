-- Audit chain heads (platform): the last sealed entry of each tenant's hash chain. The worker seals
-- new audit_log entries after it under a lock on this row; verification compares the chain's end
-- with it (a removed last entry changes nothing else). See docs/decisions/0004-audit-hash-chain.md.
create table audit_chain_heads (
  tenant_id uuid primary key references tenants(id),
  seq bigint not null,
  hash text not null,
  updated_at timestamptz not null default now()
);
alter table audit_chain_heads enable row level security;
create policy tenant_isolation on audit_chain_heads using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
-- Only the worker (owner connection) moves a head; tenant administrators may read theirs (to export it).
revoke insert, update, delete, truncate on audit_chain_heads from aftercare_app;

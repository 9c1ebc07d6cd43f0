-- Customers (R9): organisations and individual customers of a tenant. Contacts, addresses,
-- devices and contracts come with the customers & devices issue.
create table customers (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  kind text not null default 'organisation' check (kind in ('organisation', 'individual')),
  name text not null check (length(name) between 1 and 200),
  tier text not null default 'standard' check (tier in ('standard', 'silver', 'gold', 'strategic')),
  account_manager_id uuid,
  tags text[] not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version int not null default 1
);
create index customers_tenant_name on customers (tenant_id, name);
create index customers_name_trgm on customers using gin (name gin_trgm_ops);
alter table customers enable row level security;
create policy tenant_isolation on customers using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());

-- Macros (宏 / 快捷回复): saved replies with variables ({{customer.name}} …) and optional actions
-- (set status, add tags, move to a queue). Shared macros (owner_id null) are the desk's, managed by
-- those who configure tickets; personal ones belong to one agent and are seen by nobody else.
create table ticket_macros (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  owner_id uuid,
  name text not null check (length(name) between 1 and 100),
  body text not null check (length(body) <= 10000),
  actions jsonb not null default '{}'::jsonb,
  created_by uuid,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  version integer not null default 1,
  unique (tenant_id, id),
  foreign key (tenant_id, owner_id) references users (tenant_id, id) on delete cascade
);
-- one name per owner (and one among the shared ones); the database enforces it, the API answers 409
create unique index ticket_macros_owner_name on ticket_macros (tenant_id, coalesce(owner_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name));

alter table ticket_macros enable row level security;
create policy tenant_isolation on ticket_macros using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
grant select, insert, update, delete on ticket_macros to aftercare_app;

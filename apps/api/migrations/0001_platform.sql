-- Platform foundation: the application role, tenants, and the helper every
-- row-level security policy uses.

-- Extensions the schema uses (PGlite loads the same ones on every open: platform/db/database.ts).
create extension if not exists pg_trgm;
create extension if not exists btree_gin;

-- Business queries run as aftercare_app (SET LOCAL ROLE inside a tenant
-- transaction) so that row-level security applies: the owner bypasses it.
do $$ begin
  if not exists (select 1 from pg_roles where rolname = 'aftercare_app') then
    create role aftercare_app nologin;
  end if;
end $$;

grant usage on schema public to aftercare_app;
alter default privileges in schema public grant select, insert, update, delete on tables to aftercare_app;
alter default privileges in schema public grant usage, select on sequences to aftercare_app;

-- The tenant of the current transaction, or null outside a tenant scope
-- (then every policy below matches zero rows).
create or replace function app_tenant_id() returns uuid
  language sql stable
  as $$ select nullif(current_setting('app.tenant_id', true), '')::uuid $$;

create table tenants (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text not null,
  settings jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
grant select on tenants to aftercare_app;
alter table tenants enable row level security;
create policy tenant_self on tenants using (id = app_tenant_id());

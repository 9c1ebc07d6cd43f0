-- Stored files (platform/files): one row per object in the file storage, owned by a business
-- record (`owner_type` + `owner_id`, e.g. 'ticket' + the ticket's id). The bytes live in
-- STORAGE_URL under `storage_key`; the owner's module decides who may see them.
create table files (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  owner_type text not null check (owner_type ~ '^[a-z][a-z0-9_]{0,39}$'),
  owner_id uuid not null,
  storage_key text not null unique check (length(storage_key) between 1 and 512),
  file_name text not null check (length(file_name) between 1 and 255),
  content_type text not null check (length(content_type) between 3 and 255),
  size_bytes bigint not null check (size_bytes >= 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  created_by uuid,
  created_at timestamptz not null default now()
);
create index files_owner on files (tenant_id, owner_type, owner_id, created_at);
alter table files enable row level security;
create policy tenant_isolation on files using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());

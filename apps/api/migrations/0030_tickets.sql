-- Tickets (R2): configuration (settings, number counters, types, category tree with form
-- templates, queues), the tickets themselves, their conversation, attachments, watchers, links,
-- timeline, and saved list views. Every table is tenant-owned (tenant_id + row-level security);
-- composite foreign keys (tenant_id, id) keep references inside one tenant. Customers, devices and
-- users belong to other modules: their ids are checked by the service, not by foreign keys.

-- Per-tenant settings; a row is written with the defaults the first time a tenant needs one.
create table ticket_settings (
  tenant_id uuid primary key references tenants(id),
  number_format text not null default 'SR-{year}-{seq:6}' check (length(number_format) between 1 and 60),
  reopen_days int not null default 7 check (reopen_days between 0 and 365),
  max_attachment_bytes bigint not null default 52428800 check (max_attachment_bytes > 0),
  max_ticket_attachment_bytes bigint not null default 209715200 check (max_ticket_attachment_bytes > 0),
  -- 5 rows (impact 1–5) × 3 columns (urgency 1–3) of 'P0'…'P4'
  priority_matrix jsonb not null,
  updated_at timestamptz not null,
  version int not null default 1
);

-- Ticket numbers: one counter row per tenant and period (the year when the format has {year}),
-- incremented in the creating transaction, so numbers are unique and — among committed
-- transactions — gapless (a rolled-back create rolls its increment back too).
create table ticket_number_counters (
  tenant_id uuid not null references tenants(id),
  period text not null,
  last_value bigint not null,
  primary key (tenant_id, period)
);

create table ticket_types (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  code text not null check (code ~ '^[a-z][a-z0-9_]{0,39}$'),
  name text not null check (length(name) between 1 and 100),
  description text check (description is null or length(description) <= 500),
  active boolean not null default true,
  sort_order int not null default 0,
  created_at timestamptz not null,
  unique (tenant_id, id),
  unique (tenant_id, code)
);

create table ticket_queues (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  name text not null check (length(name) between 1 and 100),
  description text check (description is null or length(description) <= 500),
  tier text not null default 'L1' check (tier in ('L1', 'L2', 'L3')),
  active boolean not null default true,
  created_at timestamptz not null,
  unique (tenant_id, id)
);
create unique index ticket_queues_tenant_name on ticket_queues (tenant_id, lower(name));

create table ticket_queue_members (
  tenant_id uuid not null references tenants(id),
  queue_id uuid not null,
  user_id uuid not null,
  primary key (queue_id, user_id),
  foreign key (tenant_id, queue_id) references ticket_queues (tenant_id, id) on delete cascade,
  foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
create index ticket_queue_members_user on ticket_queue_members (tenant_id, user_id);

-- Category tree (问题分类); `form` is the category's custom-field template (JSON array of field definitions).
create table ticket_categories (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  parent_id uuid,
  name text not null check (length(name) between 1 and 100),
  type_id uuid,
  default_queue_id uuid,
  form jsonb not null default '[]'::jsonb check (jsonb_typeof(form) = 'array'),
  active boolean not null default true,
  sort_order int not null default 0,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  version int not null default 1,
  unique (tenant_id, id),
  check (parent_id is null or parent_id <> id),
  foreign key (tenant_id, parent_id) references ticket_categories (tenant_id, id),
  foreign key (tenant_id, type_id) references ticket_types (tenant_id, id),
  foreign key (tenant_id, default_queue_id) references ticket_queues (tenant_id, id)
);
create unique index ticket_categories_sibling_name on ticket_categories (tenant_id, coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name));

create table tickets (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  number text not null check (length(number) between 1 and 80),
  subject text not null check (length(subject) between 1 and 200),
  description text not null default '' check (length(description) <= 20000),
  status text not null check (status in ('new', 'assigned', 'in_progress', 'pending_customer', 'pending_parts', 'pending_third_party', 'resolved', 'closed', 'cancelled')),
  priority text not null check (priority in ('P0', 'P1', 'P2', 'P3', 'P4')),
  impact smallint not null check (impact between 1 and 5),
  urgency smallint not null check (urgency between 1 and 3),
  tier text not null default 'L1' check (tier in ('L1', 'L2', 'L3')),
  channel text not null check (channel in ('workbench', 'portal', 'email', 'phone', 'chat', 'wechat', 'qr', 'web_form', 'api', 'iot')),
  type_id uuid not null,
  category_id uuid,
  customer_id uuid not null,
  device_id uuid,
  queue_id uuid,
  assignee_id uuid,
  requester_id uuid,
  requester_name text check (requester_name is null or length(requester_name) <= 100),
  requester_phone text check (requester_phone is null or length(requester_phone) <= 20),
  requester_email text check (requester_email is null or length(requester_email) <= 254),
  tags text[] not null default '{}',
  custom_fields jsonb not null default '{}'::jsonb check (jsonb_typeof(custom_fields) = 'object'),
  -- {cause, actions, suggestions} once resolved
  resolution jsonb,
  merged_into_id uuid,
  reopen_count int not null default 0,
  created_by uuid,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  first_response_at timestamptz,
  resolved_at timestamptz,
  closed_at timestamptz,
  version int not null default 1,
  -- Keyword search: jieba tokens (cutForSearch, lower-cased) written by the application.
  -- search_public: subject, description, public replies; search_internal: internal notes.
  search_public text not null default '',
  search_internal text not null default '',
  tsv_public tsvector generated always as (to_tsvector('simple', search_public)) stored,
  tsv_internal tsvector generated always as (to_tsvector('simple', search_internal)) stored,
  unique (tenant_id, id),
  unique (tenant_id, number),
  check (merged_into_id is null or merged_into_id <> id),
  foreign key (tenant_id, type_id) references ticket_types (tenant_id, id),
  foreign key (tenant_id, category_id) references ticket_categories (tenant_id, id),
  foreign key (tenant_id, queue_id) references ticket_queues (tenant_id, id),
  foreign key (tenant_id, merged_into_id) references tickets (tenant_id, id)
);
-- List queries: every filter is tenant-scoped and ordered by a time column (cursor pagination).
create index tickets_updated on tickets (tenant_id, updated_at desc, id desc);
create index tickets_created on tickets (tenant_id, created_at desc, id desc);
create index tickets_status on tickets (tenant_id, status, updated_at desc);
create index tickets_assignee on tickets (tenant_id, assignee_id, status);
create index tickets_queue on tickets (tenant_id, queue_id, status);
create index tickets_customer on tickets (tenant_id, customer_id, created_at desc);
create index tickets_device on tickets (tenant_id, device_id) where device_id is not null;
create index tickets_tags on tickets using gin (tags);
create index tickets_tsv_public on tickets using gin (tsv_public);
create index tickets_tsv_internal on tickets using gin (tsv_internal);

create table ticket_watchers (
  tenant_id uuid not null references tenants(id),
  ticket_id uuid not null,
  user_id uuid not null,
  created_at timestamptz not null,
  primary key (ticket_id, user_id),
  foreign key (tenant_id, ticket_id) references tickets (tenant_id, id) on delete cascade,
  foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
create index ticket_watchers_user on ticket_watchers (tenant_id, user_id);

create table ticket_messages (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  ticket_id uuid not null,
  body text not null check (length(body) between 1 and 20000),
  visibility text not null check (visibility in ('public', 'internal')),
  author_type text not null check (author_type in ('agent', 'customer', 'system')),
  author_id uuid,
  author_name text,
  mention_user_ids uuid[] not null default '{}',
  created_at timestamptz not null,
  unique (tenant_id, id),
  foreign key (tenant_id, ticket_id) references tickets (tenant_id, id) on delete cascade
);
create index ticket_messages_ticket on ticket_messages (tenant_id, ticket_id, created_at);

create table ticket_attachments (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  ticket_id uuid not null,
  message_id uuid,
  -- the platform storage's key of the bytes
  storage_key text not null,
  file_name text not null check (length(file_name) between 1 and 255),
  content_type text not null,
  size bigint not null check (size >= 0),
  visibility text not null default 'public' check (visibility in ('public', 'internal')),
  uploaded_by uuid,
  created_at timestamptz not null,
  unique (tenant_id, id),
  foreign key (tenant_id, ticket_id) references tickets (tenant_id, id) on delete cascade,
  foreign key (tenant_id, message_id) references ticket_messages (tenant_id, id) on delete set null (message_id)
);
create index ticket_attachments_ticket on ticket_attachments (tenant_id, ticket_id);

-- Links: kind 'parent_child' (from = parent, to = child; a child has one parent) or 'related'.
create table ticket_links (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  from_ticket_id uuid not null,
  to_ticket_id uuid not null,
  kind text not null check (kind in ('parent_child', 'related')),
  created_by uuid,
  created_at timestamptz not null,
  check (from_ticket_id <> to_ticket_id),
  unique (tenant_id, from_ticket_id, to_ticket_id),
  foreign key (tenant_id, from_ticket_id) references tickets (tenant_id, id) on delete cascade,
  foreign key (tenant_id, to_ticket_id) references tickets (tenant_id, id) on delete cascade
);
create unique index ticket_links_one_parent on ticket_links (tenant_id, to_ticket_id) where kind = 'parent_child';
create index ticket_links_to on ticket_links (tenant_id, to_ticket_id);

-- The ticket's timeline: every message, field change, assignment, attachment … with actor and time.
create table ticket_timeline (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  ticket_id uuid not null,
  kind text not null,
  visibility text not null check (visibility in ('public', 'internal')),
  actor_type text not null check (actor_type in ('agent', 'customer', 'system')),
  actor_id uuid,
  actor_name text,
  data jsonb not null default '{}'::jsonb,
  at timestamptz not null,
  seq bigint generated always as identity,
  foreign key (tenant_id, ticket_id) references tickets (tenant_id, id) on delete cascade
);
create index ticket_timeline_ticket on ticket_timeline (tenant_id, ticket_id, at, seq);

create table ticket_views (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  owner_id uuid not null,
  name text not null check (length(name) between 1 and 100),
  shared boolean not null default false,
  filters jsonb not null default '{}'::jsonb,
  sort text not null default 'updatedAt',
  sort_order text not null default 'desc' check (sort_order in ('asc', 'desc')),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  foreign key (tenant_id, owner_id) references users (tenant_id, id) on delete cascade
);
create index ticket_views_owner on ticket_views (tenant_id, owner_id);

do $$
declare t text;
begin
  foreach t in array array['ticket_settings', 'ticket_number_counters', 'ticket_types', 'ticket_queues', 'ticket_queue_members',
    'ticket_categories', 'tickets', 'ticket_watchers', 'ticket_messages', 'ticket_attachments', 'ticket_links', 'ticket_timeline', 'ticket_views']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('create policy tenant_isolation on %I using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id())', t);
    execute format('grant select, insert, update, delete on %I to aftercare_app', t);
  end loop;
end $$;
-- The timeline is append-only for the application.
revoke update on ticket_timeline from aftercare_app;

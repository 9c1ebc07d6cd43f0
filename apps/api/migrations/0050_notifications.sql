-- Notification center (R14): templates, channel configuration, preferences, in-app notifications
-- and the delivery log of every outgoing message (email, SMS, WeChat, robots, webhooks).

-- A tenant's own templates; built-in defaults live in the code and apply where none is stored.
create table notification_templates (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  event_type text not null,
  channel text not null check (channel in ('in_app', 'email', 'sms', 'wechat_mp', 'wecom_robot', 'dingtalk_robot', 'webhook')),
  locale text not null check (locale in ('zh-CN', 'en-US')),
  audience text not null check (audience in ('staff', 'customer')),
  subject text not null default '' check (length(subject) <= 200),
  body text not null check (length(body) <= 5000),
  external_id text check (external_id is null or length(external_id) <= 100),
  params jsonb not null default '{}'::jsonb,
  active boolean not null default true,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  version int not null default 1,
  unique (tenant_id, event_type, channel, locale, audience)
);

-- Channels configured by the tenant's admin. Secrets are sealed (AES-256-GCM, key from SECRET_KEY,
-- the row id as associated data) and never leave the server.
create table notification_channels (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  kind text not null check (kind in ('email', 'sms', 'wechat_mp', 'wecom_robot', 'dingtalk_robot', 'webhook')),
  name text not null check (length(name) between 1 and 100),
  settings jsonb not null default '{}'::jsonb,
  secrets_sealed text,
  secret_keys text[] not null default '{}',
  events text[] not null default '{}',
  enabled boolean not null default true,
  -- the unguessable part of the SMS receipt URL
  receipt_token text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  version int not null default 1,
  unique (tenant_id, id)
);
create index notification_channels_kind on notification_channels (tenant_id, kind) where enabled;
create unique index notification_channels_receipt on notification_channels (receipt_token) where receipt_token is not null;

create table notification_preferences (
  tenant_id uuid not null references tenants(id),
  user_id uuid not null,
  -- event type → personal channels; events absent here use the defaults
  events jsonb not null default '{}'::jsonb,
  quiet_start text check (quiet_start is null or quiet_start ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  quiet_end text check (quiet_end is null or quiet_end ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  quiet_time_zone text,
  wechat_open_id text,
  updated_at timestamptz not null,
  version int not null default 1,
  primary key (tenant_id, user_id),
  check ((quiet_start is null) = (quiet_end is null))
);

-- The bell. One row per (event, user): the dedupe key makes a redelivered event harmless.
create table notifications (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  user_id uuid not null,
  event_id uuid,
  event_type text not null,
  title text not null,
  body text not null,
  link text,
  ticket_id uuid,
  dedupe_key text not null,
  read_at timestamptz,
  created_at timestamptz not null,
  unique (tenant_id, dedupe_key)
);
create index notifications_user on notifications (tenant_id, user_id, created_at desc, id desc);
create index notifications_unread on notifications (tenant_id, user_id) where read_at is null;

-- Every outgoing message. The dedupe key (event, recipient, channel) is unique: an event heard twice
-- never queues a second message. A claim moves the row to 'sending' with a lease; a lease that runs
-- out means the process died between sending and recording the outcome.
create table notification_deliveries (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  event_id uuid,
  event_type text not null,
  channel text not null check (channel in ('email', 'sms', 'wechat_mp', 'wecom_robot', 'dingtalk_robot', 'webhook')),
  channel_id uuid,
  recipient_kind text not null check (recipient_kind in ('user', 'contact', 'address', 'group')),
  recipient_id uuid,
  address text,
  locale text not null,
  subject text not null default '',
  body text not null default '',
  -- what the adapter needs besides subject/body: template params, threading, links
  payload jsonb not null default '{}'::jsonb,
  dedupe_key text not null,
  status text not null default 'queued' check (status in ('queued', 'sending', 'sent', 'retrying', 'failed', 'dead')),
  attempts int not null default 0,
  max_attempts int not null default 6,
  next_attempt_at timestamptz,
  lease_until timestamptz,
  last_attempt_at timestamptz,
  last_error text,
  provider_ref text,
  receipt text,
  receipt_at timestamptz,
  sent_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (tenant_id, dedupe_key)
);
create index notification_deliveries_due on notification_deliveries (next_attempt_at) where status in ('queued', 'retrying');
create index notification_deliveries_leased on notification_deliveries (lease_until) where status = 'sending';
create index notification_deliveries_list on notification_deliveries (tenant_id, created_at desc, id desc);
-- robots allow 20 messages a minute: attempts are counted per channel over the last minute
create index notification_deliveries_rate on notification_deliveries (channel_id, last_attempt_at) where channel_id is not null;
create index notification_deliveries_provider on notification_deliveries (tenant_id, provider_ref) where provider_ref is not null;

alter table notification_templates enable row level security;
alter table notification_channels enable row level security;
alter table notification_preferences enable row level security;
alter table notifications enable row level security;
alter table notification_deliveries enable row level security;
create policy tenant_isolation on notification_templates using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
create policy tenant_isolation on notification_channels using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
create policy tenant_isolation on notification_preferences using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
create policy tenant_isolation on notifications using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
create policy tenant_isolation on notification_deliveries using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
grant select, insert, update, delete on notification_templates, notification_channels, notification_preferences, notifications to aftercare_app;
-- the delivery log is kept: the application adds and updates rows, never deletes them
grant select, insert, update on notification_deliveries to aftercare_app;
revoke delete, truncate on notification_deliveries from aftercare_app;

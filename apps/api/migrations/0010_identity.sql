-- Identity: users, teams, cookie sessions and API tokens.
-- Every table is tenant-owned (tenant_id + row-level security). Composite foreign
-- keys (tenant_id, id) make a row's references stay inside its own tenant.
-- Times are written by the application (its clock), not by now() defaults, so
-- expiry rules can be tested by moving the clock.

create table users (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  -- stored as entered (domain lower-cased by the API); unique per tenant case-insensitively
  email text not null check (length(email) between 3 and 254),
  name text not null check (length(name) between 1 and 100),
  phone text,
  roles text[] not null default '{}',
  status text not null default 'active' check (status in ('active', 'disabled')),
  locale text not null default 'zh-CN' check (locale in ('zh-CN', 'en-US')),
  -- argon2id PHC string ($argon2id$v=19$m=19456,t=2,p=1$…)
  password_hash text not null,
  password_changed_at timestamptz,
  -- AES-256-GCM sealed base32 TOTP secret (key derived from SECRET_KEY); never returned by the API
  totp_secret text,
  -- an enrolment in progress: becomes totp_secret when the user confirms a code
  totp_pending_secret text,
  totp_enabled_at timestamptz,
  -- last accepted RFC 6238 time step: a code of this step or earlier is refused (no reuse)
  totp_last_step bigint,
  failed_logins int not null default 0,
  -- consecutive lockouts since the last successful login (the lock doubles, up to a cap)
  lockouts int not null default 0,
  locked_until timestamptz,
  last_login_at timestamptz,
  -- the customer organisation of a customer contact (customers module; no FK on purpose)
  customer_org_id uuid,
  version int not null default 1,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (tenant_id, id)
);
create unique index users_tenant_email on users (tenant_id, lower(email));
-- login without a tenant slug looks the email up across tenants (owner connection)
create index users_email on users (lower(email));

create table teams (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  name text not null check (length(name) between 1 and 100),
  description text,
  created_at timestamptz not null,
  unique (tenant_id, id)
);
create unique index teams_tenant_name on teams (tenant_id, lower(name));

create table team_members (
  tenant_id uuid not null references tenants(id),
  team_id uuid not null,
  user_id uuid not null,
  primary key (team_id, user_id),
  foreign key (tenant_id, team_id) references teams (tenant_id, id) on delete cascade,
  foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
create index team_members_user on team_members (user_id);

create table sessions (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  user_id uuid not null,
  -- sha256 of the 32-byte random cookie value; the value itself is never stored
  token_hash text not null unique,
  csrf_token text not null,
  created_at timestamptz not null,
  last_seen_at timestamptz not null,
  -- absolute expiry (SESSION_TTL_HOURS); the idle limit is checked against last_seen_at
  expires_at timestamptz not null,
  ip text,
  user_agent text,
  revoked_at timestamptz,
  foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
create index sessions_user on sessions (tenant_id, user_id);

create table api_tokens (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  user_id uuid not null,
  name text not null,
  -- the first characters of the token, shown in lists and usable by secret scanners
  prefix text not null,
  token_hash text not null unique,
  scopes text[] not null,
  created_at timestamptz not null,
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz,
  foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
create index api_tokens_user on api_tokens (tenant_id, user_id);

alter table users enable row level security;
create policy tenant_isolation on users using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
alter table teams enable row level security;
create policy tenant_isolation on teams using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
alter table team_members enable row level security;
create policy tenant_isolation on team_members using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
alter table sessions enable row level security;
create policy tenant_isolation on sessions using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
alter table api_tokens enable row level security;
create policy tenant_isolation on api_tokens using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());

-- default privileges cover these already; explicit so a different migrating role cannot miss them
grant select, insert, update, delete on users, teams, team_members, sessions, api_tokens to aftercare_app;

-- One-time sign-in codes of the customer portal (R1.1): a contact enters a mobile number or email,
-- receives a 6-digit code, and signs in with it. A row is written for every request, also when the
-- target matches nobody (the code is then never sent), so that rate limits and answers are the same
-- for known and unknown targets. Only hashes are stored: of the target and of the code.
--
-- Not tenant-owned: the code is requested before any tenant is known (like the login lookup), so the
-- table is read and written only through the owner connection; the application role has no access.

create table portal_login_codes (
  id uuid primary key,
  -- HMAC-SHA256 of the normalised target (lower-case email or 11-digit mobile), keyed with the server secret
  target_hash text not null,
  channel text not null check (channel in ('sms', 'email')),
  -- set when the target names a portal contact; null for unknown targets
  tenant_id uuid references tenants(id) on delete cascade,
  user_id uuid,
  contact_id uuid,
  customer_id uuid,
  -- HMAC-SHA256 of the code, keyed with the server secret and this row's id
  code_hash text not null,
  expires_at timestamptz not null,
  attempts int not null default 0,
  used_at timestamptz,
  ip text,
  created_at timestamptz not null
);
create index portal_login_codes_target on portal_login_codes (target_hash, created_at);
create index portal_login_codes_ip on portal_login_codes (ip, created_at);

revoke all on portal_login_codes from aftercare_app;

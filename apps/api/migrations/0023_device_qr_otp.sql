-- One-time codes for reporting a fault by scanning a device's QR code without an account
-- (R1.2). Only a hash of the code is stored; a code lives 10 minutes and allows 5 attempts.

create table device_report_codes (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  device_id uuid not null,
  contact_id uuid not null,
  channel text not null check (channel in ('sms', 'email')),
  -- HMAC-SHA256 of the code (keyed with the server secret and this row's id)
  code_hash text not null,
  expires_at timestamptz not null,
  attempts int not null default 0,
  verified_at timestamptz,
  -- set when the verified code was used to submit a report (one report per code)
  used_at timestamptz,
  ip text,
  created_at timestamptz not null,
  unique (tenant_id, id),
  foreign key (tenant_id, device_id) references devices (tenant_id, id) on delete cascade,
  foreign key (tenant_id, contact_id) references customer_contacts (tenant_id, id) on delete cascade
);
create index device_report_codes_device on device_report_codes (tenant_id, device_id, created_at);

alter table device_report_codes enable row level security;
create policy tenant_isolation on device_report_codes using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
grant select, insert, update, delete on device_report_codes to aftercare_app;

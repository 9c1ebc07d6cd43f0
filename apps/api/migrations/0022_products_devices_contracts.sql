-- Device archive (R9): products, the devices customers own, and service contracts.
-- A device's effective warranty end is written by the application (purchase date, else
-- installation date, plus the product's warranty months; or an explicit override) so lists
-- can filter on it with an index.

create table products (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  model text not null check (length(model) between 1 and 100),
  name text not null check (length(name) between 1 and 200),
  category text not null check (length(category) between 1 and 100),
  warranty_months int not null check (warranty_months between 0 and 240),
  description text check (description is null or length(description) <= 2000),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  version int not null default 1,
  unique (tenant_id, id)
);
create unique index products_tenant_model on products (tenant_id, lower(model));

create table devices (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  serial_number text not null check (length(serial_number) between 1 and 100),
  product_id uuid not null,
  customer_id uuid not null,
  purchased_on date,
  installed_on date,
  install_province_code text check (install_province_code ~ '^[0-9]{6}$'),
  install_province_name text,
  install_city_code text check (install_city_code ~ '^[0-9]{6}$'),
  install_city_name text,
  install_district_code text check (install_district_code ~ '^[0-9]{6}$'),
  install_district_name text,
  install_detail text check (install_detail is null or length(install_detail) between 1 and 200),
  latitude double precision check (latitude is null or latitude between -90 and 90),
  longitude double precision check (longitude is null or longitude between -180 and 180),
  -- the effective end (computed or overridden) and whether a person set it
  warranty_ends_on date,
  warranty_overridden boolean not null default false,
  -- the code printed in the device's QR label (signed in the URL); unique across tenants
  -- because a scan arrives without a tenant
  qr_code text not null unique check (qr_code ~ '^[0-9a-z]{10,16}$'),
  notes text check (notes is null or length(notes) <= 2000),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  version int not null default 1,
  unique (tenant_id, id),
  foreign key (tenant_id, product_id) references products (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id),
  check ((latitude is null) = (longitude is null)),
  check ((install_province_code is null) = (install_detail is null))
);
create unique index devices_tenant_serial on devices (tenant_id, lower(serial_number));
create index devices_customer on devices (tenant_id, customer_id);
create index devices_product on devices (tenant_id, product_id);
create index devices_warranty on devices (tenant_id, warranty_ends_on);
create index devices_serial_trgm on devices using gin (serial_number gin_trgm_ops);

create table service_contracts (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  customer_id uuid not null,
  code text check (code is null or length(code) between 1 and 40),
  name text not null check (length(name) between 1 and 200),
  starts_on date not null,
  ends_on date not null,
  sla_tier text not null check (sla_tier in ('standard', 'silver', 'gold', 'strategic')),
  covered_services text[] not null default '{}',
  included_visits int not null default 0 check (included_visits between 0 and 10000),
  notes text check (notes is null or length(notes) <= 2000),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  version int not null default 1,
  unique (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id),
  check (ends_on >= starts_on)
);
create index service_contracts_customer on service_contracts (tenant_id, customer_id);
create unique index service_contracts_tenant_code on service_contracts (tenant_id, lower(code)) where code is not null;

create table service_contract_devices (
  tenant_id uuid not null references tenants(id),
  contract_id uuid not null,
  device_id uuid not null,
  primary key (contract_id, device_id),
  foreign key (tenant_id, contract_id) references service_contracts (tenant_id, id) on delete cascade,
  foreign key (tenant_id, device_id) references devices (tenant_id, id) on delete cascade
);
create index service_contract_devices_device on service_contract_devices (tenant_id, device_id);

alter table products enable row level security;
create policy tenant_isolation on products using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
alter table devices enable row level security;
create policy tenant_isolation on devices using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
alter table service_contracts enable row level security;
create policy tenant_isolation on service_contracts using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
alter table service_contract_devices enable row level security;
create policy tenant_isolation on service_contract_devices using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());

grant select, insert, update, delete on products, devices, service_contracts, service_contract_devices to aftercare_app;

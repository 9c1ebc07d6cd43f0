-- Customers (R9), second part: a customer number, notes, contacts and addresses.
-- Contacts and addresses belong to one customer of the same tenant (composite foreign keys).
-- Region codes are the 6-digit administrative codes of @vant/area-data; the names beside them
-- are written by the application from the same data so lists and exports need no lookup.

alter table customers add column code text check (code is null or length(code) between 1 and 40);
alter table customers add column notes text check (notes is null or length(notes) <= 2000);
alter table customers add constraint customers_tenant_id_key unique (tenant_id, id);
create unique index customers_tenant_code on customers (tenant_id, lower(code)) where code is not null;
create index customers_tags on customers using gin (tags);

create table customer_contacts (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  customer_id uuid not null,
  name text not null check (length(name) between 1 and 100),
  -- normalised: 11-digit mainland mobile, or +<country><number>
  mobile text check (mobile is null or mobile ~ '^(1[3-9][0-9]{9}|\+[0-9]{6,15})$'),
  email text check (email is null or length(email) between 3 and 254),
  wechat_id text check (wechat_id is null or length(wechat_id) between 1 and 40),
  title text check (title is null or length(title) <= 100),
  is_primary boolean not null default false,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  version int not null default 1,
  unique (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id) on delete cascade
);
create index customer_contacts_customer on customer_contacts (tenant_id, customer_id);
create index customer_contacts_mobile on customer_contacts (tenant_id, mobile);
create index customer_contacts_email on customer_contacts (tenant_id, lower(email));
-- at most one primary contact per customer
create unique index customer_contacts_one_primary on customer_contacts (customer_id) where is_primary;

create table customer_addresses (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  customer_id uuid not null,
  label text check (label is null or length(label) <= 50),
  province_code text not null check (province_code ~ '^[0-9]{6}$'),
  province_name text not null,
  city_code text not null check (city_code ~ '^[0-9]{6}$'),
  city_name text not null,
  district_code text not null check (district_code ~ '^[0-9]{6}$'),
  district_name text not null,
  detail text not null check (length(detail) between 1 and 200),
  postal_code text check (postal_code is null or postal_code ~ '^[0-9]{6}$'),
  latitude double precision check (latitude is null or latitude between -90 and 90),
  longitude double precision check (longitude is null or longitude between -180 and 180),
  is_default boolean not null default false,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  version int not null default 1,
  unique (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id) on delete cascade,
  check ((latitude is null) = (longitude is null))
);
create index customer_addresses_customer on customer_addresses (tenant_id, customer_id);
create unique index customer_addresses_one_default on customer_addresses (customer_id) where is_default;

alter table customer_contacts enable row level security;
create policy tenant_isolation on customer_contacts using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
alter table customer_addresses enable row level security;
create policy tenant_isolation on customer_addresses using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());

grant select, insert, update, delete on customer_contacts, customer_addresses to aftercare_app;

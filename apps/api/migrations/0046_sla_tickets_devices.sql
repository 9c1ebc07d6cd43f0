-- The contract listener (sla.contract-tiers) looks up a customer's unfinished tickets on devices, and
-- the tickets on the devices a contract covers; without these it read every SLA ticket of the tenant.
create index sla_tickets_customer_devices on sla_tickets (tenant_id, customer_id) where device_id is not null;
create index sla_tickets_device on sla_tickets (tenant_id, device_id) where device_id is not null;

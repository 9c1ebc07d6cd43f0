-- A dispute may appeal a complaint's outcome: it keeps the complaint it was opened from.
alter table sla_disputes add column complaint_id uuid references sla_complaints(id);
create index sla_disputes_complaint on sla_disputes (tenant_id, complaint_id, created_at) where complaint_id is not null;

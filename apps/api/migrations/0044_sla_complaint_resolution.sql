-- A complaint ends resolved, with the resolution given to the customer, who resolved it and when.
-- The former end state 'closed' recorded no text; such complaints become resolved without one.
alter table sla_complaints add column resolution text;
alter table sla_complaints add column resolved_at timestamptz;
alter table sla_complaints add column resolved_by uuid;
alter table sla_complaints drop constraint sla_complaints_status_check;
update sla_complaints c set status = 'resolved', resolved_at = coalesce(
    (select max(k.stopped_at) from sla_clocks k where k.subject_type = 'complaint' and k.subject_id = c.id), c.created_at)
  where c.status = 'closed';
alter table sla_complaints add constraint sla_complaints_status_check check (status in ('open', 'responded', 'planned', 'resolved'));

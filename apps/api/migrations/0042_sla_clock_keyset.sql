-- Recomputing a calendar's open clocks walks them in id order (keyset batches): an index in that
-- order keeps every batch a range scan instead of a sort of all remaining clocks.
create index sla_clocks_calendar_open on sla_clocks (calendar_id, id) where state <> 'stopped';
drop index sla_clocks_calendar;

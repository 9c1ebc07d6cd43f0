-- SLA listeners record applied events in the platform's processed_events (0003) like every
-- other listener; the module's own register from 0040 is no longer used.
drop table sla_processed_events;

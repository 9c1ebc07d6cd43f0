-- Ticket attachments live in the platform's files table (owner 'ticket'): a ticket attachment row
-- is that file's ticket-side facts (which message, who may see it) under the same id. The name,
-- type, size and storage key are the files row's.
delete from ticket_attachments;
alter table ticket_attachments drop column storage_key;
alter table ticket_attachments drop column file_name;
alter table ticket_attachments drop column content_type;
alter table ticket_attachments drop column size;
alter table ticket_attachments add constraint ticket_attachments_file foreign key (id) references files (id) on delete cascade;

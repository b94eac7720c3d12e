-- 010 (PostgreSQL): how far each server's audit journal
-- (http/audit_journal.h) has been appended to the chain; as
-- ../010_audit_journal.sql. OFFSET is a reserved word in PostgreSQL, so the
-- column is "offset", quoted, in every query that names it (SQLite accepts
-- the quotes too, so the query text can be shared).
CREATE TABLE audit_journal (
    name     TEXT PRIMARY KEY, -- the journal file's name: HOST-PID-STARTMS
    "offset" BIGINT NOT NULL   -- bytes of it already in the chain
);

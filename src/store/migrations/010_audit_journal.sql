-- 010: how far each server's audit journal (http/audit_journal.h) has been
-- appended to the chain. A server writes a read's record to its journal
-- file before the answer leaves; its flusher appends the journal's records
-- to `audit` in batches and, in the same transaction, the byte offset it
-- reached here. A server that finds a dead server's journal appends what
-- follows that offset, so no record is lost or appended twice.
CREATE TABLE audit_journal (
    name   TEXT PRIMARY KEY, -- the journal file's name: HOST-PID-STARTMS
    offset INTEGER NOT NULL  -- bytes of it already in the chain
);

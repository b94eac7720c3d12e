-- 017: the access audit's two hashes as their 32 bytes (BLOB) instead of
-- 64 hex digits (TEXT). They were 128 of a read record's ~190 bytes, and
-- every byte of a row is written twice (the WAL, then the database at a
-- checkpoint): this halves what each audited request writes. The chain is
-- the same (domain/audit.c still hashes the previous hash as its hex
-- digits, so a chain written before verifies after); only how the store
-- keeps it changes. postroom_unhex is the store's own (sqlite_audit.c):
-- SQLite 3.40 has no unhex(). prev_hash stays: a record's own copy of the
-- hash before it is what lets `audit verify` say where a moved record
-- belongs ("reordered"), not only that the chain breaks.

CREATE TABLE audit_017 (
    seq              INTEGER PRIMARY KEY, -- 1, 2, 3...
    time             INTEGER NOT NULL,    -- Unix ms
    server_id        TEXT NOT NULL,
    request_id       TEXT NOT NULL,
    principal_tenant INTEGER NOT NULL,
    principal_id     TEXT NOT NULL,       -- key:3, user:5, operator:NAME
    data_tenant      INTEGER NOT NULL,
    action           TEXT NOT NULL,       -- order.read, order.create, ...
    objects          TEXT NOT NULL,       -- order:1001,1002
    prev_hash        BLOB NOT NULL,       -- 32 bytes (SHA-256)
    hash             BLOB NOT NULL        -- 32 bytes
);
INSERT INTO audit_017
    SELECT seq, time, server_id, request_id, principal_tenant, principal_id, data_tenant, action,
           objects, postroom_unhex(prev_hash), postroom_unhex(hash)
    FROM audit ORDER BY seq;
DROP TABLE audit;
ALTER TABLE audit_017 RENAME TO audit;
-- as migration 009 made it (DROP TABLE took it)
CREATE INDEX audit_cross_tenant ON audit(time) WHERE principal_tenant != data_tenant;

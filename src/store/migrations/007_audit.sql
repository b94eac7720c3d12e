-- 007: the access audit (issue 10). One row per recorded access, in one
-- global order (seq), each hashing the one before it (domain/audit.c), so
-- an edit, a deletion or a reordering is found by re-walking the chain;
-- signed checkpoints kept outside the database catch the rest. Ids and
-- action names only: never personal data.

CREATE TABLE audit (
    seq              INTEGER PRIMARY KEY, -- 1, 2, 3...
    time             INTEGER NOT NULL,    -- Unix ms
    server_id        TEXT NOT NULL,
    request_id       TEXT NOT NULL,
    principal_tenant INTEGER NOT NULL,
    principal_id     TEXT NOT NULL,       -- key:3, user:5, operator:NAME
    data_tenant      INTEGER NOT NULL,
    action           TEXT NOT NULL,       -- order.read, order.create, ...
    objects          TEXT NOT NULL,       -- order:1001,1002
    prev_hash        TEXT NOT NULL,
    hash             TEXT NOT NULL
);

-- 007 (PostgreSQL): the access audit (issue 10), as ../007_audit.sql. One
-- row per recorded access, in one global order (seq, which the writer
-- chooses: it is hashed into the record, so it is no identity column), each
-- hashing the one before it (domain/audit.c). Ids and action names only:
-- never personal data.

CREATE TABLE audit (
    seq              BIGINT PRIMARY KEY, -- 1, 2, 3...
    time             BIGINT NOT NULL,    -- Unix ms
    server_id        TEXT NOT NULL,
    request_id       TEXT NOT NULL,
    principal_tenant BIGINT NOT NULL,
    principal_id     TEXT NOT NULL,      -- key:3, user:5, operator:NAME
    data_tenant      BIGINT NOT NULL,
    action           TEXT NOT NULL,      -- order.read, order.create, ...
    objects          TEXT NOT NULL,      -- order:1001,1002
    prev_hash        TEXT NOT NULL,
    hash             TEXT NOT NULL
);

-- 006 (PostgreSQL): the kill switch (issue 10), as ../006_killswitch.sql.
-- One row per switch ever set: its scope is every tenant (tenant_id 0) or
-- one tenant, and every feature ('') or one of api, web, labels, imports,
-- exports. Switching off keeps the row (active 0, cleared_at). active stays
-- an INTEGER (0/1), as the code binds it.

CREATE TABLE killswitches (
    tenant_id  BIGINT NOT NULL,  -- 0: every tenant
    feature    TEXT NOT NULL,    -- '': every feature
    active     INTEGER NOT NULL,
    reason     TEXT NOT NULL,
    set_by     TEXT NOT NULL,
    set_at     BIGINT NOT NULL,
    cleared_at BIGINT,
    PRIMARY KEY (tenant_id, feature)
);

CREATE INDEX killswitches_active ON killswitches(active, tenant_id, feature);

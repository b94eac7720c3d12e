-- 006: the kill switch (issue 10). One row per switch ever set: its scope is
-- every tenant (tenant_id 0) or one tenant, and every feature ('') or one of
-- api, web, labels, imports, exports. Switching off keeps the row (active 0,
-- cleared_at) so the last reason and who set it stay readable. Every running
-- server reads the active rows a few times a second, so the table stays tiny
-- and the read is one index scan.

CREATE TABLE killswitches (
    tenant_id  INTEGER NOT NULL, -- 0: every tenant
    feature    TEXT NOT NULL,    -- '': every feature
    active     INTEGER NOT NULL,
    reason     TEXT NOT NULL,
    set_by     TEXT NOT NULL,
    set_at     INTEGER NOT NULL,
    cleared_at INTEGER,
    PRIMARY KEY (tenant_id, feature)
) WITHOUT ROWID;

CREATE INDEX killswitches_active ON killswitches(active, tenant_id, feature);

-- 014 (PostgreSQL): the automatic daily manifest (issue 11), as
-- ../014_manifest_daily.sql. last_day is claimed with
-- one conditional UPDATE, so a second server never runs a day twice; here
-- that UPDATE runs under READ COMMITTED, where the second server's UPDATE
-- waits for the first and then re-checks the condition: it finds the day
-- taken and changes nothing.
CREATE TABLE manifest_daily (
    tenant_id     BIGINT PRIMARY KEY REFERENCES tenants(tenant_id),
    enabled       INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
    at_minute     INTEGER NOT NULL DEFAULT 1110 CHECK (at_minute BETWEEN 0 AND 1439),
    working_days  INTEGER NOT NULL DEFAULT 1 CHECK (working_days IN (0, 1)),
    last_day      TEXT,
    last_at       BIGINT,
    last_manifest BIGINT,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX manifest_daily_pending ON manifest_daily(enabled, last_day);

CREATE INDEX postage_ledger_by_at ON postage_ledger(tenant_id, at);

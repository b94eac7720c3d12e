-- 014: the automatic daily manifest (issue 11, Click & Drop's 18:30), and
-- an index for the dashboard's postage spend per day.
-- at_minute is a Europe/London wall-clock time (minutes after midnight),
-- kept as the business set it; last_day is the London day ("YYYY-MM-DD")
-- the manifest last ran for, claimed with one conditional UPDATE so that a
-- restart, or a second server on the same database, never runs a day twice.
CREATE TABLE manifest_daily (
    tenant_id     INTEGER PRIMARY KEY REFERENCES tenants(tenant_id),
    enabled       INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
    at_minute     INTEGER NOT NULL DEFAULT 1110 CHECK (at_minute BETWEEN 0 AND 1439),
    working_days  INTEGER NOT NULL DEFAULT 1 CHECK (working_days IN (0, 1)),
    last_day      TEXT,
    last_at       INTEGER,
    last_manifest INTEGER,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX manifest_daily_pending ON manifest_daily(enabled, last_day);

CREATE INDEX postage_ledger_by_at ON postage_ledger(tenant_id, at);

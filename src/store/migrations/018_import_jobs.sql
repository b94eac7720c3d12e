-- 018: imports as background jobs (issue 13). A file of any size is read
-- chunk by chunk; each chunk's valid orders are staged (import_staged) in a
-- short transaction of its own, so other businesses' writers are never held
-- up for long, and one final transaction moves the staged rows into orders
-- (INSERT .. SELECT) and marks the job done: an import is applied whole or
-- not at all, and a job that says done is one whose orders exist.
CREATE TABLE import_jobs (
    tenant_id      INTEGER NOT NULL REFERENCES tenants(tenant_id),
    job_id         INTEGER NOT NULL, -- per tenant, from 1, never reused
    state          TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    source         TEXT NOT NULL CHECK (source IN ('cli', 'api', 'web')),
    format         TEXT NOT NULL,    -- what was asked for: auto, clickanddrop, shopify...
    format_name    TEXT,             -- what the file turned out to be ("Click & Drop")
    skip_bad_rows  INTEGER NOT NULL DEFAULT 0,
    skip_existing  INTEGER NOT NULL DEFAULT 0,
    default_grams  INTEGER NOT NULL DEFAULT 0,
    default_package TEXT,
    file_path      TEXT,             -- the spooled upload (api, web); NULL for the CLI's own file
    file_bytes     INTEGER NOT NULL DEFAULT 0,
    principal_id   TEXT NOT NULL,    -- who asked: "key:3", "user:5", "cli:NAME" (for the audit)
    request_id     TEXT NOT NULL,
    runner         TEXT,             -- host:pid of the process running it
    lease_until    INTEGER,          -- the runner renews it; past it, another may take the job
    attempts       INTEGER NOT NULL DEFAULT 0,
    bytes_read     INTEGER NOT NULL DEFAULT 0,
    rows_read      INTEGER NOT NULL DEFAULT 0,
    orders_staged  INTEGER NOT NULL DEFAULT 0,
    problems       INTEGER NOT NULL DEFAULT 0,
    left_out       INTEGER NOT NULL DEFAULT 0,
    orders_created INTEGER NOT NULL DEFAULT 0,
    orders_held    INTEGER NOT NULL DEFAULT 0,
    first_order_id INTEGER,
    last_order_id  INTEGER,
    outcome        TEXT,             -- a code: imported, rejected, unreadable, interrupted, failed
    message        TEXT,             -- plain English, no personal data
    created_at     INTEGER NOT NULL,
    started_at     INTEGER,
    finished_at    INTEGER,
    PRIMARY KEY (tenant_id, job_id)
) WITHOUT ROWID;
-- The workers' one look across businesses, before a tenant is known (as
-- api_keys_by_hash is for keys): the jobs still to run or running.
CREATE INDEX import_jobs_open ON import_jobs(state, tenant_id, job_id)
    WHERE state IN ('queued', 'running');

-- What a job found wrong, line by line: a line number, the column and a
-- message that never quotes a cell (no personal data).
CREATE TABLE import_problems (
    tenant_id   INTEGER NOT NULL,
    job_id      INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    line        INTEGER NOT NULL,
    column_name TEXT,
    message     TEXT NOT NULL,
    PRIMARY KEY (tenant_id, job_id, seq),
    FOREIGN KEY (tenant_id, job_id) REFERENCES import_jobs(tenant_id, job_id) ON DELETE CASCADE
) WITHOUT ROWID;

-- A job's validated orders, waiting for the final swap; gone once it ran
-- (or the job failed). order_id and held_by are set inside the swap.
CREATE TABLE import_staged (
    tenant_id       INTEGER NOT NULL,
    job_id          INTEGER NOT NULL,
    seq             INTEGER NOT NULL, -- the order's place in the file
    line            INTEGER NOT NULL,
    order_ref       TEXT,
    order_date      INTEGER,
    package_count   INTEGER NOT NULL,
    doc             TEXT NOT NULL,
    channel         TEXT,
    service_code    TEXT,
    postage_pence   INTEGER,
    tracking_number TEXT,
    history         TEXT,             -- the shipping rule's history line, if one applied
    order_id        INTEGER,
    held_by         INTEGER,          -- the order already holding the reference (skip_existing)
    PRIMARY KEY (tenant_id, job_id, seq),
    FOREIGN KEY (tenant_id, job_id) REFERENCES import_jobs(tenant_id, job_id) ON DELETE CASCADE
) WITHOUT ROWID;

-- What a finished job made, line by line: the order created, or the one
-- that already held the reference (held = 1). The result page lists them.
CREATE TABLE import_job_orders (
    tenant_id INTEGER NOT NULL,
    job_id    INTEGER NOT NULL,
    line      INTEGER NOT NULL,
    order_id  INTEGER NOT NULL,
    held      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, job_id, line, order_id),
    FOREIGN KEY (tenant_id, job_id) REFERENCES import_jobs(tenant_id, job_id) ON DELETE CASCADE
) WITHOUT ROWID;

ALTER TABLE tenants ADD COLUMN next_import_job_id INTEGER NOT NULL DEFAULT 1;

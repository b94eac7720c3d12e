-- 018 (PostgreSQL): imports as background jobs (issue 13), as
-- ../018_import_jobs.sql: staged chunk by chunk, swapped into orders in one
-- final transaction.
CREATE TABLE import_jobs (
    tenant_id      BIGINT NOT NULL REFERENCES tenants(tenant_id),
    job_id         BIGINT NOT NULL, -- per tenant, from 1, never reused
    state          TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    source         TEXT NOT NULL CHECK (source IN ('cli', 'api', 'web')),
    format         TEXT NOT NULL,    -- what was asked for: auto, clickanddrop, shopify...
    format_name    TEXT,             -- what the file turned out to be ("Click & Drop")
    skip_bad_rows  BIGINT NOT NULL DEFAULT 0,
    skip_existing  BIGINT NOT NULL DEFAULT 0,
    default_grams  BIGINT NOT NULL DEFAULT 0,
    default_package TEXT,
    file_path      TEXT,             -- the spooled upload (api, web); NULL for the CLI's own file
    file_bytes     BIGINT NOT NULL DEFAULT 0,
    principal_id   TEXT NOT NULL,    -- who asked: "key:3", "user:5", "cli:NAME" (for the audit)
    request_id     TEXT NOT NULL,
    runner         TEXT,             -- host:pid of the process running it
    lease_until    BIGINT,          -- the runner renews it; past it, another may take the job
    attempts       BIGINT NOT NULL DEFAULT 0,
    bytes_read     BIGINT NOT NULL DEFAULT 0,
    rows_read      BIGINT NOT NULL DEFAULT 0,
    orders_staged  BIGINT NOT NULL DEFAULT 0,
    problems       BIGINT NOT NULL DEFAULT 0,
    left_out       BIGINT NOT NULL DEFAULT 0,
    orders_created BIGINT NOT NULL DEFAULT 0,
    orders_held    BIGINT NOT NULL DEFAULT 0,
    first_order_id BIGINT,
    last_order_id  BIGINT,
    outcome        TEXT,             -- a code: imported, rejected, unreadable, interrupted, failed
    message        TEXT,             -- plain English, no personal data
    created_at     BIGINT NOT NULL,
    started_at     BIGINT,
    finished_at    BIGINT,
    PRIMARY KEY (tenant_id, job_id)
);
-- The workers' one look across businesses, before a tenant is known (as
-- api_keys_by_hash is for keys): the jobs still to run or running.
CREATE INDEX import_jobs_open ON import_jobs(state, tenant_id, job_id)
    WHERE state IN ('queued', 'running');

-- What a job found wrong, line by line: a line number, the column and a
-- message that never quotes a cell (no personal data).
CREATE TABLE import_problems (
    tenant_id   BIGINT NOT NULL,
    job_id      BIGINT NOT NULL,
    seq         BIGINT NOT NULL,
    line        BIGINT NOT NULL,
    column_name TEXT,
    message     TEXT NOT NULL,
    PRIMARY KEY (tenant_id, job_id, seq),
    FOREIGN KEY (tenant_id, job_id) REFERENCES import_jobs(tenant_id, job_id) ON DELETE CASCADE
);

-- A job's validated orders, waiting for the final swap; gone once it ran
-- (or the job failed). order_id and held_by are set inside the swap.
CREATE TABLE import_staged (
    tenant_id       BIGINT NOT NULL,
    job_id          BIGINT NOT NULL,
    seq             BIGINT NOT NULL, -- the order's place in the file
    line            BIGINT NOT NULL,
    order_ref       TEXT,
    order_date      BIGINT,
    package_count   BIGINT NOT NULL,
    doc             TEXT NOT NULL,
    channel         TEXT,
    service_code    TEXT,
    postage_pence   BIGINT,
    tracking_number TEXT,
    history         TEXT,             -- the shipping rule's history line, if one applied
    order_id        BIGINT,
    held_by         BIGINT,          -- the order already holding the reference (skip_existing)
    PRIMARY KEY (tenant_id, job_id, seq),
    FOREIGN KEY (tenant_id, job_id) REFERENCES import_jobs(tenant_id, job_id) ON DELETE CASCADE
);

-- What a finished job made, line by line: the order created, or the one
-- that already held the reference (held = 1). The result page lists them.
CREATE TABLE import_job_orders (
    tenant_id BIGINT NOT NULL,
    job_id    BIGINT NOT NULL,
    line      BIGINT NOT NULL,
    order_id  BIGINT NOT NULL,
    held      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, job_id, line, order_id),
    FOREIGN KEY (tenant_id, job_id) REFERENCES import_jobs(tenant_id, job_id) ON DELETE CASCADE
);

ALTER TABLE tenants ADD COLUMN next_import_job_id BIGINT NOT NULL DEFAULT 1;

-- 001: tenants, identity directory, orders.
-- The tenant wall in the schema: tenant_id leads every primary key, foreign
-- key, unique constraint and index of tenant data, so a row of one tenant
-- cannot point at a row of another.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
);

CREATE TABLE tenants (
    tenant_id     INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    next_order_id INTEGER NOT NULL DEFAULT 1001
);

CREATE TABLE users (
    tenant_id  INTEGER NOT NULL REFERENCES tenants(tenant_id),
    user_id    INTEGER NOT NULL,
    email      TEXT NOT NULL,
    pw_hash    TEXT NOT NULL,
    role       INTEGER NOT NULL CHECK (role IN (1, 2)),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, user_id),
    UNIQUE (tenant_id, email)
) WITHOUT ROWID;

-- Directory: sign-in names are global (an e-mail finds its tenant). This is
-- the identity lookup auth/ does before any tenant is known.
CREATE TABLE logins (
    email     TEXT PRIMARY KEY,
    tenant_id INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, user_id) ON DELETE CASCADE
) WITHOUT ROWID;

-- API keys are looked up by the SHA-256 of the key; the key itself is never stored.
CREATE TABLE api_keys (
    tenant_id  INTEGER NOT NULL REFERENCES tenants(tenant_id),
    key_id     INTEGER NOT NULL,
    key_hash   BLOB NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    revoked_at INTEGER,
    PRIMARY KEY (tenant_id, key_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX api_keys_by_hash ON api_keys(key_hash);

CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    tenant_id  INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    csrf       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    seen_at    INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, user_id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions(tenant_id, user_id);

-- Failed sign-ins, by subject (a hash of the account name, or the address).
CREATE TABLE auth_failures (
    subject TEXT NOT NULL,
    at      INTEGER NOT NULL
);
CREATE INDEX auth_failures_by_subject ON auth_failures(subject, at);

CREATE TABLE orders (
    tenant_id       INTEGER NOT NULL REFERENCES tenants(tenant_id),
    order_id        INTEGER NOT NULL,
    order_ref       TEXT,
    status          TEXT NOT NULL DEFAULT 'new',
    created_on      INTEGER NOT NULL,
    updated_on      INTEGER NOT NULL,
    order_date      INTEGER,
    postage_applied_on INTEGER,
    printed_on      INTEGER,
    manifested_on   INTEGER,
    shipped_on      INTEGER,
    other_courier_on INTEGER,
    tracking_number TEXT,
    carrier         TEXT,
    carrier_service TEXT,
    package_count   INTEGER NOT NULL DEFAULT 0,
    doc             TEXT NOT NULL, -- the validated order, known fields only, money in pence
    PRIMARY KEY (tenant_id, order_id)
) WITHOUT ROWID;
CREATE INDEX orders_by_ref ON orders(tenant_id, order_ref);
CREATE INDEX orders_by_created ON orders(tenant_id, created_on, order_id);

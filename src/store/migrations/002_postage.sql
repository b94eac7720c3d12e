-- 002: postage, tracking numbers, the postage ledger, manifests, tenant settings.

ALTER TABLE orders ADD COLUMN service_code TEXT;
ALTER TABLE orders ADD COLUMN postage_pence INTEGER;
ALTER TABLE orders ADD COLUMN manifest_no INTEGER;
CREATE INDEX orders_by_manifest ON orders(tenant_id, manifest_no);
CREATE INDEX orders_by_status ON orders(tenant_id, status, order_id);

ALTER TABLE tenants ADD COLUMN next_manifest_no INTEGER NOT NULL DEFAULT 1001;

-- The S10 register is the postal operator's, not a tenant's: one serial
-- counter per two-letter prefix, and every number ever issued, so none is
-- issued twice or reused after it is voided.
CREATE TABLE s10_serials (
    prefix      TEXT PRIMARY KEY,
    next_serial INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE tracking_numbers (
    tracking_number TEXT PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(tenant_id),
    order_id        INTEGER NOT NULL,
    issued_at       INTEGER NOT NULL,
    voided_at       INTEGER
) WITHOUT ROWID;
CREATE INDEX tracking_numbers_by_order ON tracking_numbers(tenant_id, order_id);

-- What each business was charged and refunded for postage, in pence.
CREATE TABLE postage_ledger (
    tenant_id       INTEGER NOT NULL REFERENCES tenants(tenant_id),
    entry_id        INTEGER NOT NULL,
    order_id        INTEGER NOT NULL,
    tracking_number TEXT,
    kind            TEXT NOT NULL CHECK (kind IN ('charge', 'refund')),
    amount_pence    INTEGER NOT NULL,
    at              INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, entry_id)
) WITHOUT ROWID;

CREATE TABLE manifests (
    tenant_id   INTEGER NOT NULL REFERENCES tenants(tenant_id),
    manifest_no INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    order_count INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, manifest_no)
) WITHOUT ROWID;

-- Per-business settings: the sender and return address on labels, and the
-- label layout ('6x4' thermal, or 'A4' sheets).
CREATE TABLE tenant_settings (
    tenant_id     INTEGER PRIMARY KEY REFERENCES tenants(tenant_id),
    label_layout  TEXT NOT NULL DEFAULT '6x4' CHECK (label_layout IN ('6x4', 'A4')),
    trading_name  TEXT,
    address_line1 TEXT,
    address_line2 TEXT,
    city          TEXT,
    postcode      TEXT,
    country_code  TEXT NOT NULL DEFAULT 'GB',
    phone         TEXT
);

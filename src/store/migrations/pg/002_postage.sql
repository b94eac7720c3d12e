-- 002 (PostgreSQL): postage, tracking numbers, the postage ledger,
-- manifests, tenant settings. As ../002_postage.sql.

ALTER TABLE orders ADD COLUMN service_code TEXT;
ALTER TABLE orders ADD COLUMN postage_pence BIGINT;
ALTER TABLE orders ADD COLUMN manifest_no BIGINT;
CREATE INDEX orders_by_manifest ON orders(tenant_id, manifest_no);
CREATE INDEX orders_by_status ON orders(tenant_id, status, order_id);

ALTER TABLE tenants ADD COLUMN next_manifest_no BIGINT NOT NULL DEFAULT 1001;

-- The S10 register is the postal operator's, not a tenant's: one serial
-- counter per two-letter prefix, and every number ever issued, so none is
-- issued twice or reused after it is voided.
CREATE TABLE s10_serials (
    prefix      TEXT PRIMARY KEY,
    next_serial BIGINT NOT NULL
);

CREATE TABLE tracking_numbers (
    tracking_number TEXT PRIMARY KEY,
    tenant_id       BIGINT NOT NULL REFERENCES tenants(tenant_id),
    order_id        BIGINT NOT NULL,
    issued_at       BIGINT NOT NULL,
    voided_at       BIGINT
);
CREATE INDEX tracking_numbers_by_order ON tracking_numbers(tenant_id, order_id);

-- What each business was charged and refunded for postage, in pence.
CREATE TABLE postage_ledger (
    tenant_id       BIGINT NOT NULL REFERENCES tenants(tenant_id),
    entry_id        BIGINT NOT NULL,
    order_id        BIGINT NOT NULL,
    tracking_number TEXT,
    kind            TEXT NOT NULL CHECK (kind IN ('charge', 'refund')),
    amount_pence    BIGINT NOT NULL,
    at              BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, entry_id)
);

CREATE TABLE manifests (
    tenant_id   BIGINT NOT NULL REFERENCES tenants(tenant_id),
    manifest_no BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    order_count BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, manifest_no)
);

-- Per-business settings: the sender and return address on labels, and the
-- label layout ('6x4' thermal, or 'A4' sheets).
CREATE TABLE tenant_settings (
    tenant_id     BIGINT PRIMARY KEY REFERENCES tenants(tenant_id),
    label_layout  TEXT NOT NULL DEFAULT '6x4' CHECK (label_layout IN ('6x4', 'A4')),
    trading_name  TEXT,
    address_line1 TEXT,
    address_line2 TEXT,
    city          TEXT,
    postcode      TEXT,
    country_code  TEXT NOT NULL DEFAULT 'GB',
    phone         TEXT
);

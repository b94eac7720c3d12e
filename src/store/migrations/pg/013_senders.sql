-- 013 (PostgreSQL): a business's trading names and sender addresses
-- (issue 11), as ../013_senders.sql. is_default stays
-- an INTEGER (0/1), as the code binds it.
CREATE TABLE senders (
    tenant_id     BIGINT NOT NULL REFERENCES tenants(tenant_id),
    sender_id     BIGINT NOT NULL, -- per tenant, from 1, never reused
    trading_name  TEXT NOT NULL,
    address_line1 TEXT NOT NULL,
    address_line2 TEXT,
    city          TEXT NOT NULL,
    postcode      TEXT,
    country_code  TEXT NOT NULL DEFAULT 'GB',
    phone         TEXT,
    email         TEXT,
    is_default    INTEGER NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    removed_at    BIGINT, -- removed senders keep their number, never reused
    PRIMARY KEY (tenant_id, sender_id)
);

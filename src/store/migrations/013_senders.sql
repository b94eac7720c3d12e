-- 013: a business's trading names and sender addresses (issue 11). Several
-- per business, one of them the default; an order names the one it ships
-- from by the postroom field "senderId" of its document (docs/api.md). A
-- business with none prints its account address (tenant_settings), as
-- before. tenant_id leads every key, as for orders.

CREATE TABLE senders (
    tenant_id     INTEGER NOT NULL REFERENCES tenants(tenant_id),
    sender_id     INTEGER NOT NULL, -- per tenant, from 1, never reused
    trading_name  TEXT NOT NULL,
    address_line1 TEXT NOT NULL,
    address_line2 TEXT,
    city          TEXT NOT NULL,
    postcode      TEXT,
    country_code  TEXT NOT NULL DEFAULT 'GB',
    phone         TEXT,
    email         TEXT,
    is_default    INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    removed_at    INTEGER, -- removed senders keep their number, never reused
    PRIMARY KEY (tenant_id, sender_id)
) WITHOUT ROWID;

-- 005 (PostgreSQL): returns (POST /returns) and the order history they
-- write to. As ../005_returns.sql: tenant_id leads every key, as for
-- orders. No foreign key ties a return to the order: a return stands when
-- its order is later deleted (identifiers are never reused, so the number
-- keeps meaning that order).

CREATE TABLE returns (
    tenant_id          BIGINT NOT NULL REFERENCES tenants(tenant_id),
    return_id          BIGINT NOT NULL, -- per tenant, from 1
    created_on         BIGINT NOT NULL,
    service_code       TEXT NOT NULL,
    tracking_number    TEXT NOT NULL,   -- S10, unique system-wide by its reservation
    unique_item_id     TEXT NOT NULL,
    customer_reference TEXT,
    order_id           BIGINT,          -- the linked order, NULL when none
    doc                TEXT NOT NULL,   -- the validated request: service and addresses
    PRIMARY KEY (tenant_id, return_id),
    UNIQUE (tenant_id, tracking_number)
);
CREATE INDEX returns_by_order ON returns(tenant_id, order_id);

-- What happened to an order, oldest first; written in the same transaction
-- as what it records. Deleting the order deletes its history.
CREATE TABLE order_history (
    tenant_id BIGINT NOT NULL,
    order_id  BIGINT NOT NULL,
    event_id  BIGINT NOT NULL, -- per order, from 1
    at        BIGINT NOT NULL,
    kind      TEXT NOT NULL,   -- e.g. 'returnCreated'
    text      TEXT NOT NULL,   -- what a person reads, no personal data
    return_id BIGINT,          -- the return it records, if any
    PRIMARY KEY (tenant_id, order_id, event_id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders(tenant_id, order_id) ON DELETE CASCADE
);

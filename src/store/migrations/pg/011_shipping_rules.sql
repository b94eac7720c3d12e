-- 011 (PostgreSQL): shipping rules (issue 11), as ../011_shipping_rules.sql
--. enabled stays an INTEGER (0/1), as the code binds it.
CREATE TABLE shipping_rules (
    tenant_id      BIGINT NOT NULL REFERENCES tenants(tenant_id),
    rule_id        BIGINT NOT NULL, -- per tenant, from 1
    priority       BIGINT NOT NULL,
    name           TEXT NOT NULL,
    enabled        INTEGER NOT NULL DEFAULT 1,
    countries      TEXT,            -- alpha-2 codes, one space apart ('GB JE')
    zone           TEXT CHECK (zone IN ('UK', 'EU', 'WORLD')),
    min_grams      BIGINT,
    max_grams      BIGINT,
    min_pence      BIGINT,
    max_pence      BIGINT,
    value_of       TEXT NOT NULL DEFAULT 'total' CHECK (value_of IN ('total', 'subtotal')),
    channel        TEXT,            -- orders.channel, as the doors write it
    service_code   TEXT NOT NULL,
    package_format TEXT,            -- for packages of format 'undefined'
    created_on     BIGINT NOT NULL,
    updated_on     BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, rule_id),
    UNIQUE (tenant_id, priority)
);

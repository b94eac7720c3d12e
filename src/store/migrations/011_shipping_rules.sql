-- 011: shipping rules (issue 11), as Click & Drop has them. Each business
-- keeps its own, tenant_id leading every key; priority orders them (lower
-- first) and is unique per business, so "the first rule that matches" has
-- one answer. A NULL condition column is no condition: any country, no
-- lower or upper bound, any channel.
CREATE TABLE shipping_rules (
    tenant_id      INTEGER NOT NULL REFERENCES tenants(tenant_id),
    rule_id        INTEGER NOT NULL, -- per tenant, from 1
    priority       INTEGER NOT NULL,
    name           TEXT NOT NULL,
    enabled        INTEGER NOT NULL DEFAULT 1,
    countries      TEXT,             -- alpha-2 codes, one space apart ('GB JE')
    zone           TEXT CHECK (zone IN ('UK', 'EU', 'WORLD')),
    min_grams      INTEGER,
    max_grams      INTEGER,
    min_pence      INTEGER,
    max_pence      INTEGER,
    value_of       TEXT NOT NULL DEFAULT 'total' CHECK (value_of IN ('total', 'subtotal')),
    channel        TEXT,             -- orders.channel, as the doors write it
    service_code   TEXT NOT NULL,
    package_format TEXT,             -- for packages of format 'undefined'
    created_on     INTEGER NOT NULL,
    updated_on     INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, rule_id),
    UNIQUE (tenant_id, priority)
) WITHOUT ROWID;


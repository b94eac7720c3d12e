-- 019 (PostgreSQL): a business's own column mappings (issue 13), as
-- ../019_import_mappings.sql.
CREATE TABLE import_mappings (
    tenant_id  BIGINT NOT NULL REFERENCES tenants(tenant_id),
    mapping_id BIGINT NOT NULL, -- per tenant, from 1
    name       TEXT NOT NULL,
    spec       TEXT NOT NULL,
    headers    TEXT NOT NULL,
    created_on BIGINT NOT NULL,
    updated_on BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, mapping_id),
    UNIQUE (tenant_id, name)
);

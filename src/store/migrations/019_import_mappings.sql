-- 019: a business's own column mappings for spreadsheet layouts postroom
-- does not know (issue 13): which header fills which field (spec, a JSON
-- text formats/import_mapping.c writes and reads), and the file's header
-- row it was made from (headers, lower-cased: a file with exactly these
-- columns is recognised as this mapping). Tenant data: tenant_id leads
-- every key, and a business's names are its own.
CREATE TABLE import_mappings (
    tenant_id  INTEGER NOT NULL REFERENCES tenants(tenant_id),
    mapping_id INTEGER NOT NULL, -- per tenant, from 1
    name       TEXT NOT NULL,
    spec       TEXT NOT NULL,
    headers    TEXT NOT NULL,
    created_on INTEGER NOT NULL,
    updated_on INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, mapping_id),
    UNIQUE (tenant_id, name)
) WITHOUT ROWID;

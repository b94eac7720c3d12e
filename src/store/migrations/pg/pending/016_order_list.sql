-- 016 (PostgreSQL): what the web app's orders list sorts and searches by,
-- as ../016_order_list.sql (branch h-orders). PostgreSQL 15 has STORED
-- generated columns only (SQLite's are VIRTUAL): the values are kept in the
-- row, still computed by the database from doc, never written by the code.
-- doc is TEXT holding JSON; #>> reads the path as text.
ALTER TABLE orders ADD COLUMN list_name TEXT GENERATED ALWAYS AS
    (lower(COALESCE(doc::jsonb #>> '{recipient,address,fullName}', ''))) STORED;
ALTER TABLE orders ADD COLUMN list_postcode TEXT GENERATED ALWAYS AS
    (lower(COALESCE(doc::jsonb #>> '{recipient,address,postcode}', ''))) STORED;
ALTER TABLE orders ADD COLUMN list_ref TEXT GENERATED ALWAYS AS
    (lower(COALESCE(order_ref, ''))) STORED;
CREATE INDEX orders_by_status_created ON orders(tenant_id, status, created_on, order_id);
CREATE INDEX orders_by_name ON orders(tenant_id, list_name, order_id);
CREATE INDEX orders_by_list_ref ON orders(tenant_id, list_ref, order_id);
CREATE INDEX orders_by_status_channel ON orders(tenant_id, status, channel);

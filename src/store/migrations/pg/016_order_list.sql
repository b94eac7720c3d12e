-- 016 (PostgreSQL): what the web app's orders list sorts and searches by,
-- as ../016_order_list.sql. PostgreSQL 15 has STORED
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
-- The tabs' counts per status, and the channels the filter offers, kept as
-- the orders change: one row per tenant, status and channel, kept by
-- triggers, so no write path can forget it. The triggers run as the role
-- writing the order (the app, with the order's tenant set), so the tenant
-- wall holds for the counts too.
CREATE TABLE order_counts (
    tenant_id BIGINT NOT NULL,
    status    TEXT NOT NULL,
    channel   TEXT NOT NULL,
    n         BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, status, channel)
);
INSERT INTO order_counts SELECT tenant_id, status, channel, COUNT(*) FROM orders
    GROUP BY tenant_id, status, channel;
CREATE OR REPLACE FUNCTION order_counts_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE order_counts SET n = n - 1
         WHERE tenant_id = OLD.tenant_id AND status = OLD.status AND channel = OLD.channel;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO order_counts VALUES (NEW.tenant_id, NEW.status, NEW.channel, 1)
            ON CONFLICT (tenant_id, status, channel) DO UPDATE SET n = order_counts.n + 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER order_counts_insert AFTER INSERT ON orders
    FOR EACH ROW EXECUTE FUNCTION order_counts_keep();
CREATE TRIGGER order_counts_update AFTER UPDATE OF status, channel ON orders
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
                       OR OLD.channel IS DISTINCT FROM NEW.channel)
    EXECUTE FUNCTION order_counts_keep();
CREATE TRIGGER order_counts_delete AFTER DELETE ON orders
    FOR EACH ROW EXECUTE FUNCTION order_counts_keep();

-- 020: the twin of ../020_order_counts_batch.sql. PostgreSQL keeps the
-- counts of new orders with one trigger a statement, over the statement's
-- new rows (a transition table), instead of one a row: the counts are the
-- same, whichever insert path writes the orders, and a batch costs one
-- upsert for each status and channel. Changes and deletes keep 016's row
-- triggers.
CREATE OR REPLACE FUNCTION order_counts_insert_batch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO order_counts
        SELECT tenant_id, status, channel, COUNT(*) FROM new_orders
         GROUP BY tenant_id, status, channel
        ON CONFLICT (tenant_id, status, channel) DO UPDATE SET n = order_counts.n + EXCLUDED.n;
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS order_counts_insert ON orders;
CREATE TRIGGER order_counts_insert AFTER INSERT ON orders
    REFERENCING NEW TABLE AS new_orders
    FOR EACH STATEMENT EXECUTE FUNCTION order_counts_insert_batch();

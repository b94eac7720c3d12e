-- 020: the orders list's counts (016) for new orders are kept by the
-- store's insert (sqlite_orders.c), one upsert a batch for each status and
-- channel, instead of a trigger on every row: with the trigger every
-- insert was a statement that could fail after a write, so SQLite kept a
-- statement journal for each order, most of an order's insert cost. Changes
-- of status or channel and deletes are still counted by 016's triggers; the
-- counts are the same as before.
DROP TRIGGER IF EXISTS order_counts_insert;

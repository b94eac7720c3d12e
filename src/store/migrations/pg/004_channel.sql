-- 004 (PostgreSQL): where an order came from, as Click & Drop's
-- GetOrderDetailsResource reports it in `channel`: "API" for POST /orders,
-- "Spreadsheet import" for Click & Drop's own layout, the marketplace's name
-- for its export. As ../004_channel.sql.
ALTER TABLE orders ADD COLUMN channel TEXT NOT NULL DEFAULT 'API';

-- 016: what the web app's orders list (sqlite_orderlist.c) sorts and searches
-- by. The recipient's name and postcode live in the validated order (doc):
-- generated columns read them (lower case, for a sort and a search that
-- ignore case), so an index can keep the list sorted by name. Virtual
-- columns are computed, never stored: the doc stays the one copy.
ALTER TABLE orders ADD COLUMN list_name TEXT GENERATED ALWAYS AS
    (lower(COALESCE(json_extract(doc, '$.recipient.address.fullName'), ''))) VIRTUAL;
ALTER TABLE orders ADD COLUMN list_postcode TEXT GENERATED ALWAYS AS
    (lower(COALESCE(json_extract(doc, '$.recipient.address.postcode'), ''))) VIRTUAL;
ALTER TABLE orders ADD COLUMN list_ref TEXT GENERATED ALWAYS AS
    (lower(COALESCE(order_ref, ''))) VIRTUAL;
-- a status tab, newest first: the page's rows straight from the index
CREATE INDEX orders_by_status_created ON orders(tenant_id, status, created_on, order_id);
CREATE INDEX orders_by_name ON orders(tenant_id, list_name, order_id);
CREATE INDEX orders_by_list_ref ON orders(tenant_id, list_ref, order_id);
-- The tabs' counts per status, and the channels the filter offers, kept as
-- the orders change (counting 10,000 orders on every page was most of the
-- page's time): one row per tenant, status and channel, kept by triggers,
-- so no write path can forget it.
CREATE TABLE order_counts (
    tenant_id INTEGER NOT NULL,
    status    TEXT NOT NULL,
    channel   TEXT NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, status, channel)
) WITHOUT ROWID;
INSERT INTO order_counts SELECT tenant_id, status, channel, COUNT(*) FROM orders
    GROUP BY tenant_id, status, channel;
CREATE TRIGGER order_counts_insert AFTER INSERT ON orders BEGIN
    INSERT INTO order_counts VALUES (NEW.tenant_id, NEW.status, NEW.channel, 1)
        ON CONFLICT (tenant_id, status, channel) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER order_counts_update AFTER UPDATE OF status, channel ON orders
    WHEN OLD.status IS NOT NEW.status OR OLD.channel IS NOT NEW.channel BEGIN
    UPDATE order_counts SET n = n - 1
        WHERE tenant_id = OLD.tenant_id AND status = OLD.status AND channel = OLD.channel;
    INSERT INTO order_counts VALUES (NEW.tenant_id, NEW.status, NEW.channel, 1)
        ON CONFLICT (tenant_id, status, channel) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER order_counts_delete AFTER DELETE ON orders BEGIN
    UPDATE order_counts SET n = n - 1
        WHERE tenant_id = OLD.tenant_id AND status = OLD.status AND channel = OLD.channel;
END;

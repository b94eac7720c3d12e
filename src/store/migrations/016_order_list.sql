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
-- the tabs' counts per status and the channels the filter offers, from the
-- index alone (without it, one read of every order's row per page)
CREATE INDEX orders_by_status_channel ON orders(tenant_id, status, channel);

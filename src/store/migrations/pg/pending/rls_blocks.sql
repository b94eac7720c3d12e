-- Blocks for ../rls.sql, for the tables of pending/011, 012, 014, 016 (013 and 015 are
-- merged: their blocks are in ../rls.sql): paste them in
-- (before "tables of no tenant") when those SQLite migrations are merged.
-- DRAFT: the tenant walls are certain; the app's grants are what the
-- branches' pages appear to need, and must be checked against their store
-- functions (only what the app needs).

-- 011: rules are listed, added, edited, reordered and removed on the web.
SELECT pg_temp.tenant_wall('shipping_rules', 'tenant_id');
GRANT SELECT, INSERT, UPDATE, DELETE ON shipping_rules TO postroom_app;

-- 012: customs defaults are read and saved by the business. The session
-- trigger updates users.last_signin_at as the app; the settings page lists
-- users with it, and keys with their last use (never key_hash).
SELECT pg_temp.tenant_wall('customs_defaults', 'tenant_id');
GRANT SELECT, INSERT, UPDATE ON customs_defaults TO postroom_app;
GRANT SELECT (last_signin_at), UPDATE (last_signin_at) ON users TO postroom_app;
GRANT SELECT (tenant_id, key_id, name, created_at, revoked_at, last_used_at),
    UPDATE (last_used_at) ON api_keys TO postroom_app;
GRANT SELECT (last_signin_at) ON users TO postroom_operator;

-- 014: a business sets its daily manifest; the job that runs it for every
-- business finds the pending ones across tenants: an operator call.
SELECT pg_temp.tenant_wall('manifest_daily', 'tenant_id');
GRANT SELECT, INSERT, UPDATE ON manifest_daily TO postroom_app;
GRANT SELECT (tenant_id, enabled, at_minute, working_days, last_day) ON manifest_daily
    TO postroom_operator;
SELECT pg_temp.cross_tenant('manifest_daily', 'postroom_operator', 'SELECT');

-- 016: the orders list's counts, kept by triggers on orders that run as the
-- app under the order's tenant.
SELECT pg_temp.tenant_wall('order_counts', 'tenant_id');
GRANT SELECT, INSERT, UPDATE ON order_counts TO postroom_app;

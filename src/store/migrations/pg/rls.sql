-- rls.sql (PostgreSQL): the second wall between tenants, and who may do
-- what. Applied by the owner (postroom_owner) after the numbered
-- migrations, every time the store opens, in the same transaction; every
-- statement here may run again (README.md). A migration that adds a table
-- adds its block here; a table with a tenant column and no block fails
-- tests/pg/test_rls.py.
--
-- The roles (created by scripts/pg.sh, or by whoever runs the cluster):
--   postroom_owner     owns every table and this file's functions' schema;
--                      runs migrations. FORCE below holds it to the
--                      policies too: owning a table is no way round them.
--   postroom_app       what the server's requests run as: owns nothing, no
--                      BYPASSRLS; each transaction of a business begins with
--                      set_config('app.tenant_id', $1, true) (local to the
--                      transaction, so a pooled connection forgets it at
--                      COMMIT or ROLLBACK) and sees that business's rows only.
--   postroom_operator  the store_operator_* calls and the operators' own
--                      realm (operators, operator_sessions, the breach
--                      register, the kill switch list every server polls):
--                      a separate connection; it crosses tenants only where a
--                      policy below names it, table by table.
--   postroom_directory NOLOGIN: owns the postroom_dir_* functions.
--
-- The tenant policy, on every table with a tenant column:
--     tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::bigint
-- current_setting(..., true) is NULL when the setting was never made and ''
-- once a transaction that set it has ended; NULLIF turns '' into NULL too,
-- and a comparison with NULL is never true: no tenant set, no rows, for
-- reading (USING) and for writing (WITH CHECK). The policy is for PUBLIC, so
-- it is the rule for every role that no other policy names.
--
-- Before any tenant is known (an API key by its hash, a sign-in by e-mail, a
-- session cookie by its hash) the app must find the one credential row and
-- nothing else. It cannot read logins, api_keys, sessions or users.pw_hash
-- itself; instead it may EXECUTE SECURITY DEFINER functions owned by
-- postroom_directory, a NOLOGIN role whose only rights are reading the
-- credential tables (and touching or deleting a session) through policies
-- that name it. Each function takes the exact key (an equality on a unique
-- column) and returns the credential's ids and role, so the app can look up
-- a credential it holds, never list them. Chosen over a separate directory
-- login role because the narrowing is in the function bodies, where a
-- reviewer sees it, and the app needs no second connection for it.

-- A table's tenant policy, made the same way for every table. A function
-- rather than repeated text, so the expression cannot drift between tables.
CREATE OR REPLACE FUNCTION pg_temp.tenant_wall(tbl text, col text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', tbl);
    EXECUTE format('DROP POLICY IF EXISTS tenant_wall ON %I', tbl);
    EXECUTE format('CREATE POLICY tenant_wall ON %I FOR ALL TO PUBLIC '
                   'USING (%I = NULLIF(current_setting(''app.tenant_id'', true), '''')::bigint) '
                   'WITH CHECK (%I = NULLIF(current_setting(''app.tenant_id'', true), '''')::bigint)',
                   tbl, col, col);
END
$$;

-- A policy letting one role past the tenant wall of one table (for the
-- commands its grants allow).
CREATE OR REPLACE FUNCTION pg_temp.cross_tenant(tbl text, role text, cmd text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('DROP POLICY IF EXISTS %I ON %I', role || '_' || lower(cmd), tbl);
    IF cmd IN ('SELECT', 'DELETE') THEN
        EXECUTE format('CREATE POLICY %I ON %I FOR %s TO %I USING (true)',
                       role || '_' || lower(cmd), tbl, cmd, role);
    ELSIF cmd = 'INSERT' THEN
        EXECUTE format('CREATE POLICY %I ON %I FOR INSERT TO %I WITH CHECK (true)',
                       role || '_' || lower(cmd), tbl, role);
    ELSE
        EXECUTE format('CREATE POLICY %I ON %I FOR %s TO %I USING (true) WITH CHECK (true)',
                       role || '_' || lower(cmd), tbl, cmd, role);
    END IF;
END
$$;

-- Grants are remade from nothing each time, so one taken away here is gone.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, postroom_app, postroom_operator, postroom_directory;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC, postroom_app, postroom_operator, postroom_directory;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO postroom_app, postroom_operator, postroom_directory;

-- ---- tenant tables: the wall, then who may do what ------------------------

SELECT pg_temp.tenant_wall('tenants', 'tenant_id');
GRANT SELECT, UPDATE (next_order_id, next_manifest_no, next_import_job_id) ON tenants TO postroom_app; -- name; numbering
GRANT SELECT, INSERT ON tenants TO postroom_operator;                 -- tenant create/find, counts
SELECT pg_temp.cross_tenant('tenants', 'postroom_operator', 'SELECT');
SELECT pg_temp.cross_tenant('tenants', 'postroom_operator', 'INSERT');

SELECT pg_temp.tenant_wall('users', 'tenant_id');
-- The account page (store_account_get, _password_set) reads and sets a
-- user's own password hash, under the wall like any other column; before a
-- tenant is known only postroom_dir_login reads one. The users page
-- (sqlite_users.c) adds, re-roles and removes a business's users; a
-- removed user's logins and sessions go by ON DELETE CASCADE. The session
-- trigger (012) sets last_signin_at as the app, under the session's tenant.
GRANT SELECT, INSERT, UPDATE (pw_hash, role, last_signin_at), DELETE ON users TO postroom_app;
GRANT SELECT, INSERT, UPDATE ON users TO postroom_operator;          -- user add, set password
SELECT pg_temp.cross_tenant('users', 'postroom_operator', 'SELECT');
SELECT pg_temp.cross_tenant('users', 'postroom_operator', 'INSERT');
SELECT pg_temp.cross_tenant('users', 'postroom_operator', 'UPDATE');
GRANT SELECT (tenant_id, user_id, role, pw_hash, email) ON users TO postroom_directory;
SELECT pg_temp.cross_tenant('users', 'postroom_directory', 'SELECT');

SELECT pg_temp.tenant_wall('logins', 'tenant_id');
-- A user added on the users page gets its sign-in name, under the wall.
-- Whether an address is taken by any business is asked of
-- postroom_dir_login_taken, which answers yes or no and nothing else.
GRANT INSERT ON logins TO postroom_app;
GRANT SELECT, INSERT ON logins TO postroom_operator;                 -- user add
SELECT pg_temp.cross_tenant('logins', 'postroom_operator', 'SELECT');
SELECT pg_temp.cross_tenant('logins', 'postroom_operator', 'INSERT');
GRANT SELECT ON logins TO postroom_directory;
SELECT pg_temp.cross_tenant('logins', 'postroom_directory', 'SELECT');

SELECT pg_temp.tenant_wall('api_keys', 'tenant_id');
-- The keys page lists a business's keys (never their hashes), makes and
-- revokes them; store_directory_apikey_used records the last use, with the
-- key's tenant known.
GRANT SELECT (tenant_id, key_id, name, created_at, revoked_at, last_used_at),
    INSERT, UPDATE (revoked_at, last_used_at) ON api_keys TO postroom_app;
GRANT SELECT, INSERT, UPDATE ON api_keys TO postroom_operator;       -- key add, revoke
SELECT pg_temp.cross_tenant('api_keys', 'postroom_operator', 'SELECT');
SELECT pg_temp.cross_tenant('api_keys', 'postroom_operator', 'INSERT');
SELECT pg_temp.cross_tenant('api_keys', 'postroom_operator', 'UPDATE');
GRANT SELECT (tenant_id, key_id, key_hash, revoked_at) ON api_keys TO postroom_directory;
SELECT pg_temp.cross_tenant('api_keys', 'postroom_directory', 'SELECT');

SELECT pg_temp.tenant_wall('sessions', 'tenant_id');
-- A session is made once the password matched: its tenant is known, so the
-- app inserts it under the wall. Finding, touching and ending one by its
-- hash go through postroom_dir_session and postroom_dir_session_delete. A
-- password change ends the user's other sessions (DELETE ... WHERE
-- tenant_id, user_id, token_hash), so the app reads those columns, under
-- the wall; never csrf.
GRANT INSERT, DELETE, SELECT (tenant_id, user_id, token_hash) ON sessions TO postroom_app;
GRANT SELECT, DELETE ON sessions TO postroom_operator;               -- sessions revoke
SELECT pg_temp.cross_tenant('sessions', 'postroom_operator', 'SELECT');
SELECT pg_temp.cross_tenant('sessions', 'postroom_operator', 'DELETE');
GRANT SELECT, UPDATE (seen_at), DELETE ON sessions TO postroom_directory;
SELECT pg_temp.cross_tenant('sessions', 'postroom_directory', 'SELECT');
SELECT pg_temp.cross_tenant('sessions', 'postroom_directory', 'UPDATE');
SELECT pg_temp.cross_tenant('sessions', 'postroom_directory', 'DELETE');

SELECT pg_temp.tenant_wall('orders', 'tenant_id');
GRANT SELECT, INSERT, UPDATE, DELETE ON orders TO postroom_app;
GRANT SELECT (tenant_id, order_id) ON orders TO postroom_operator;   -- order counts
SELECT pg_temp.cross_tenant('orders', 'postroom_operator', 'SELECT');

SELECT pg_temp.tenant_wall('tracking_numbers', 'tenant_id');
GRANT SELECT, INSERT, UPDATE ON tracking_numbers TO postroom_app;

SELECT pg_temp.tenant_wall('postage_ledger', 'tenant_id');
GRANT SELECT, INSERT ON postage_ledger TO postroom_app;

SELECT pg_temp.tenant_wall('manifests', 'tenant_id');
GRANT SELECT, INSERT ON manifests TO postroom_app;

SELECT pg_temp.tenant_wall('tenant_settings', 'tenant_id');
GRANT SELECT ON tenant_settings TO postroom_app;
GRANT SELECT, INSERT, UPDATE ON tenant_settings TO postroom_operator; -- settings set
SELECT pg_temp.cross_tenant('tenant_settings', 'postroom_operator', 'SELECT');
SELECT pg_temp.cross_tenant('tenant_settings', 'postroom_operator', 'INSERT');
SELECT pg_temp.cross_tenant('tenant_settings', 'postroom_operator', 'UPDATE');

SELECT pg_temp.tenant_wall('returns', 'tenant_id');
GRANT SELECT, INSERT ON returns TO postroom_app;

SELECT pg_temp.tenant_wall('order_history', 'tenant_id');
GRANT SELECT, INSERT ON order_history TO postroom_app;

-- 013: a business's senders: listed, saved, made default, removed (an
-- UPDATE: removed senders keep their number).
SELECT pg_temp.tenant_wall('senders', 'tenant_id');
GRANT SELECT, INSERT, UPDATE ON senders TO postroom_app;

-- 015: a user's TOTP secret, set up, turned on and off on the account page
-- and its step recorded at sign-in, always with the tenant known.
SELECT pg_temp.tenant_wall('user_totp', 'tenant_id');
GRANT SELECT, INSERT, UPDATE, DELETE ON user_totp TO postroom_app;
GRANT SELECT (tenant_id, user_id, secret, last_step, enabled_at) ON user_totp
    TO postroom_directory;
SELECT pg_temp.cross_tenant('user_totp', 'postroom_directory', 'SELECT');
-- A pending sign-in is made once the password matched (tenant known) and
-- ended with the code (tenant known); between, it is found by its token's
-- hash through postroom_dir_signin_pending. The prune of expired ones that
-- store_directory_signin_pending_create runs reaches, under the wall, the
-- expired ones of that business only: the others go with their own.
SELECT pg_temp.tenant_wall('signin_pending', 'tenant_id');
GRANT INSERT, DELETE, SELECT (tenant_id, user_id, token_hash, expires_at) ON signin_pending
    TO postroom_app;
GRANT SELECT ON signin_pending TO postroom_directory;
SELECT pg_temp.cross_tenant('signin_pending', 'postroom_directory', 'SELECT');

-- 011: rules are listed, added, edited, reordered and removed on the web.
SELECT pg_temp.tenant_wall('shipping_rules', 'tenant_id');
GRANT SELECT, INSERT, UPDATE, DELETE ON shipping_rules TO postroom_app;

-- 019: a business's column mappings for its own spreadsheet layouts: saved
-- from the import page, read at every import, renamed and deleted by its
-- administrators. No one else needs them.
SELECT pg_temp.tenant_wall('import_mappings', 'tenant_id');
GRANT SELECT, INSERT, UPDATE, DELETE ON import_mappings TO postroom_app;

-- 012: customs defaults are read and saved by the business (the users and
-- keys pages' grants are with users and api_keys above).
SELECT pg_temp.tenant_wall('customs_defaults', 'tenant_id');
GRANT SELECT, INSERT, UPDATE ON customs_defaults TO postroom_app;
-- The labels page saves the business's label layout (store_users_labels_set):
-- that one column of tenant_settings (its row made when missing), none of
-- the others, which stay the operator's `tenant set`.
GRANT INSERT (tenant_id, label_layout), UPDATE (label_layout) ON tenant_settings TO postroom_app;
GRANT SELECT (last_signin_at) ON users TO postroom_operator;

-- 014: a business sets its daily manifest, and the job claims and records
-- each business's day under its tenant; finding the businesses whose day is
-- due is store_operator_manifest_daily_pending, across tenants.
SELECT pg_temp.tenant_wall('manifest_daily', 'tenant_id');
GRANT SELECT, INSERT, UPDATE ON manifest_daily TO postroom_app;
GRANT SELECT (tenant_id, enabled, at_minute, working_days, last_day) ON manifest_daily
    TO postroom_operator;
SELECT pg_temp.cross_tenant('manifest_daily', 'postroom_operator', 'SELECT');

-- 016: the orders list's counts, kept by triggers on orders that run as the
-- app under the order's tenant.
SELECT pg_temp.tenant_wall('order_counts', 'tenant_id');
GRANT SELECT, INSERT, UPDATE ON order_counts TO postroom_app;
-- The console's counts per business and status (store_operator_order_counts)
-- read these rows rather than count every business's orders.
GRANT SELECT ON order_counts TO postroom_operator;
SELECT pg_temp.cross_tenant('order_counts', 'postroom_operator', 'SELECT');

-- 018: import jobs. The business's job, its problems, its staged orders
-- and what it made are written and read under its tenant (the worker runs
-- each job as the job's business); the one look across businesses is the
-- workers' list of jobs still open (store_operator_import_jobs_open),
-- which names ids, states and runners only.
SELECT pg_temp.tenant_wall('import_jobs', 'tenant_id');
GRANT SELECT, INSERT, UPDATE ON import_jobs TO postroom_app;
-- created_at too: the workers take the oldest open job first (it orders
-- the list, and is no one's data).
GRANT SELECT (tenant_id, job_id, state, runner, lease_until, created_at) ON import_jobs TO postroom_operator;
SELECT pg_temp.cross_tenant('import_jobs', 'postroom_operator', 'SELECT');
SELECT pg_temp.tenant_wall('import_problems', 'tenant_id');
-- A job taken again (its runner gone) starts over: the take forgets the
-- problems the earlier attempt recorded (store_import_job_take).
GRANT SELECT, INSERT, DELETE ON import_problems TO postroom_app;
SELECT pg_temp.tenant_wall('import_staged', 'tenant_id');
GRANT SELECT, INSERT, UPDATE, DELETE ON import_staged TO postroom_app;
SELECT pg_temp.tenant_wall('import_job_orders', 'tenant_id');
GRANT SELECT, INSERT ON import_job_orders TO postroom_app;

-- tenant_id 0 is "every tenant": such a row belongs to no business, so the
-- tenant wall shows it to none. The switches are set, cleared and listed
-- (every server polls the list) by operator calls only.
SELECT pg_temp.tenant_wall('killswitches', 'tenant_id');
GRANT SELECT, INSERT, UPDATE ON killswitches TO postroom_operator;
SELECT pg_temp.cross_tenant('killswitches', 'postroom_operator', 'SELECT');
SELECT pg_temp.cross_tenant('killswitches', 'postroom_operator', 'INSERT');
SELECT pg_temp.cross_tenant('killswitches', 'postroom_operator', 'UPDATE');

SELECT pg_temp.tenant_wall('data_reports', 'tenant_id');
-- A report's id comes back from its insert (RETURNING needs SELECT on the
-- column): the id alone, under the wall.
GRANT INSERT (tenant_id, user_id, page, category, details, created_at), SELECT (report_id)
    ON data_reports TO postroom_app;
GRANT SELECT, UPDATE (handled_at, handled_by) ON data_reports TO postroom_operator;
SELECT pg_temp.cross_tenant('data_reports', 'postroom_operator', 'SELECT');
SELECT pg_temp.cross_tenant('data_reports', 'postroom_operator', 'UPDATE');

-- The blast radius: a business reads its own part (store_breach_notices);
-- its tenant column is data_tenant.
SELECT pg_temp.tenant_wall('breach_records', 'data_tenant');
GRANT SELECT ON breach_records TO postroom_app;
GRANT SELECT, INSERT, DELETE ON breach_records TO postroom_operator;
SELECT pg_temp.cross_tenant('breach_records', 'postroom_operator', 'SELECT');
SELECT pg_temp.cross_tenant('breach_records', 'postroom_operator', 'INSERT');
SELECT pg_temp.cross_tenant('breach_records', 'postroom_operator', 'DELETE');

-- ---- tables of no tenant ---------------------------------------------------

-- The server's secret and other settings of the installation.
GRANT SELECT, INSERT ON meta TO postroom_app, postroom_operator;
-- Failed sign-ins, by a hash of the name or the address: before any tenant.
GRANT SELECT, INSERT, DELETE ON auth_failures TO postroom_app;
-- The S10 register is the postal operator's, shared by every business.
GRANT SELECT, INSERT, UPDATE ON s10_serials TO postroom_app;
-- The audit chain: the app appends and reads only the head (seq and hash),
-- never another business's records; operators read it whole (verify, blast
-- radius) and append their own.
GRANT INSERT ON audit TO postroom_app;
GRANT SELECT (seq, hash) ON audit TO postroom_app;
GRANT SELECT, INSERT ON audit TO postroom_operator;
GRANT SELECT, INSERT, UPDATE, DELETE ON audit_journal TO postroom_app;
-- The operators' realm.
GRANT SELECT, INSERT, UPDATE, DELETE ON operators, operator_sessions TO postroom_operator;
GRANT SELECT, INSERT ON security_events TO postroom_operator;
GRANT SELECT, INSERT, UPDATE ON breaches TO postroom_operator;
GRANT SELECT, INSERT ON breach_updates TO postroom_operator;
GRANT SELECT, INSERT, UPDATE, DELETE ON status_posts TO postroom_operator;
-- Identity columns draw from their sequences.
GRANT USAGE ON SEQUENCE tenants_tenant_id_seq, operators_operator_id_seq,
    security_events_id_seq, breaches_id_seq TO postroom_operator;
GRANT USAGE ON SEQUENCE data_reports_report_id_seq TO postroom_app;

-- ---- the directory, before any tenant is known ----------------------------
-- Created by the owner, then handed to postroom_directory (which needs CREATE
-- on the schema for that moment only). search_path is fixed, so nothing a
-- caller puts on its path is called with the definer's rights.

GRANT CREATE ON SCHEMA public TO postroom_directory;

-- The live key with that hash: its tenant and id.
CREATE OR REPLACE FUNCTION postroom_dir_apikey(p_hash bytea)
RETURNS TABLE (tenant_id bigint, key_id bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT k.tenant_id, k.key_id FROM api_keys k
    WHERE k.key_hash = p_hash AND k.revoked_at IS NULL
$$;

-- The user signing in with that address: ids, role and the hash to check.
CREATE OR REPLACE FUNCTION postroom_dir_login(p_email text)
RETURNS TABLE (tenant_id bigint, user_id bigint, role integer, pw_hash text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT u.tenant_id, u.user_id, u.role, u.pw_hash FROM logins l
    JOIN users u ON u.tenant_id = l.tenant_id AND u.user_id = l.user_id
    WHERE l.email = p_email
$$;

-- The live session with that hash, touched (seen_at) as SQLite's
-- Q_DIR_SESSION and Q_DIR_SESSION_TOUCH do, in one statement.
CREATE OR REPLACE FUNCTION postroom_dir_session(p_hash bytea, p_now bigint, p_idle_ms bigint)
RETURNS TABLE (tenant_id bigint, user_id bigint, role integer, csrf text)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    WITH hit AS (
        SELECT s.tenant_id, s.user_id, u.role, s.csrf FROM sessions s
        JOIN users u ON u.tenant_id = s.tenant_id AND u.user_id = s.user_id
        WHERE s.token_hash = p_hash AND s.expires_at > p_now AND s.seen_at > p_now - p_idle_ms
    ), touch AS (
        UPDATE sessions SET seen_at = p_now
        WHERE token_hash = p_hash AND EXISTS (SELECT 1 FROM hit)
    )
    SELECT * FROM hit
$$;

-- Signing out: ends the session with that hash; how many ended (0 or 1).
CREATE OR REPLACE FUNCTION postroom_dir_session_delete(p_hash bytea)
RETURNS bigint
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    WITH gone AS (DELETE FROM sessions WHERE token_hash = p_hash RETURNING 1)
    SELECT count(*) FROM gone
$$;

-- The live pending sign-in with that hash, of a user whose two-factor is
-- on: what the code step needs (SQLite's sq_pending).
CREATE OR REPLACE FUNCTION postroom_dir_signin_pending(p_hash bytea, p_now bigint)
RETURNS TABLE (tenant_id bigint, user_id bigint, role integer, email text, secret text,
               last_step bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT p.tenant_id, p.user_id, u.role, u.email, t.secret, t.last_step
    FROM signin_pending p
    JOIN users u ON u.tenant_id = p.tenant_id AND u.user_id = p.user_id
    JOIN user_totp t ON t.tenant_id = p.tenant_id AND t.user_id = p.user_id
        AND t.enabled_at IS NOT NULL
    WHERE p.token_hash = p_hash AND p.expires_at > p_now
$$;

-- Whether any business's user signs in with that address (case folded, as
-- SQLite's COLLATE NOCASE): the users page's check before adding one.
CREATE OR REPLACE FUNCTION postroom_dir_login_taken(p_email text)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM logins WHERE lower(email) = lower(p_email))
$$;

ALTER FUNCTION postroom_dir_apikey(bytea) OWNER TO postroom_directory;
ALTER FUNCTION postroom_dir_login_taken(text) OWNER TO postroom_directory;
ALTER FUNCTION postroom_dir_signin_pending(bytea, bigint) OWNER TO postroom_directory;
ALTER FUNCTION postroom_dir_login(text) OWNER TO postroom_directory;
ALTER FUNCTION postroom_dir_session(bytea, bigint, bigint) OWNER TO postroom_directory;
ALTER FUNCTION postroom_dir_session_delete(bytea) OWNER TO postroom_directory;
REVOKE CREATE ON SCHEMA public FROM postroom_directory;
REVOKE ALL ON FUNCTION postroom_dir_apikey(bytea), postroom_dir_login(text),
    postroom_dir_session(bytea, bigint, bigint), postroom_dir_session_delete(bytea),
    postroom_dir_signin_pending(bytea, bigint), postroom_dir_login_taken(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION postroom_dir_apikey(bytea), postroom_dir_login(text),
    postroom_dir_session(bytea, bigint, bigint), postroom_dir_session_delete(bytea),
    postroom_dir_signin_pending(bytea, bigint), postroom_dir_login_taken(text) TO postroom_app;

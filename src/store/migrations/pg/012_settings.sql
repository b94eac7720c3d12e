-- 012 (PostgreSQL): what the administrators' settings pages show and keep
-- (issue 11), as ../012_settings.sql.

-- When each user last signed in: set by the database as the session is
-- made. The trigger runs as the role inserting the session (the app, with
-- the session's tenant set), so the tenant wall holds for its UPDATE too.
ALTER TABLE users ADD COLUMN last_signin_at BIGINT;
CREATE OR REPLACE FUNCTION users_last_signin() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE users SET last_signin_at = NEW.created_at
     WHERE tenant_id = NEW.tenant_id AND user_id = NEW.user_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER users_last_signin AFTER INSERT ON sessions
    FOR EACH ROW EXECUTE FUNCTION users_last_signin();

-- When each API key was last used (auth/apikey_usage.c). Not in
-- api_keys_by_hash, so writing it leaves the lookup's index alone.
ALTER TABLE api_keys ADD COLUMN last_used_at BIGINT;

-- A business's customs defaults. SQLite's GLOB '[A-Z][A-Z]' is the regular
-- expression ^[A-Z]{2}$ here.
CREATE TABLE customs_defaults (
    tenant_id      BIGINT PRIMARY KEY REFERENCES tenants(tenant_id),
    category       TEXT CHECK (category IN ('commercialSaleOfGoods', 'gift', 'commercialSample',
                                            'documents', 'returnedGoods', 'other')),
    origin_country TEXT CHECK (origin_country ~ '^[A-Z][A-Z]$')
);

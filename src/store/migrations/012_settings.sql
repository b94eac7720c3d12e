-- 012: what the administrators' settings pages show and keep (issue 11).
--
-- When each user last signed in: set by the database as the session is
-- made, so no sign-in path can forget it.
ALTER TABLE users ADD COLUMN last_signin_at INTEGER;
CREATE TRIGGER users_last_signin AFTER INSERT ON sessions
BEGIN
    UPDATE users SET last_signin_at = NEW.created_at
     WHERE tenant_id = NEW.tenant_id AND user_id = NEW.user_id;
END;

-- When each API key was last used, written at most once a minute per key
-- and server (auth/apikey_usage.c), never on a request's own path. Not in
-- api_keys_by_hash, so writing it leaves the lookup's index alone.
ALTER TABLE api_keys ADD COLUMN last_used_at INTEGER;

-- A business's customs defaults: what its CN22/CN23 declarations say when
-- an order's items leave it out. category is the declaration's box
-- (Click & Drop's customsDeclarationCategory values); origin_country the
-- ISO 3166-1 alpha-2 code printed for an item that names none.
CREATE TABLE customs_defaults (
    tenant_id      INTEGER PRIMARY KEY REFERENCES tenants(tenant_id),
    category       TEXT CHECK (category IN ('commercialSaleOfGoods', 'gift', 'commercialSample',
                                            'documents', 'returnedGoods', 'other')),
    origin_country TEXT CHECK (origin_country GLOB '[A-Z][A-Z]')
);

-- 003 (PostgreSQL): API keys are resolved on every API request; an index
-- that holds what the lookup returns answers it from the index alone (an
-- index-only scan). SQLite's version makes the four columns the key; here
-- the key stays key_hash alone and the rest ride along (INCLUDE), so a hash
-- still names at most one key, as 001 had it.
DROP INDEX api_keys_by_hash;
CREATE UNIQUE INDEX api_keys_by_hash ON api_keys(key_hash) INCLUDE (tenant_id, key_id, revoked_at);

-- 003: API keys are resolved on every API request; an index that holds what
-- the lookup returns answers it from one b-tree, without visiting the table.
DROP INDEX api_keys_by_hash;
CREATE UNIQUE INDEX api_keys_by_hash ON api_keys(key_hash, tenant_id, key_id, revoked_at);

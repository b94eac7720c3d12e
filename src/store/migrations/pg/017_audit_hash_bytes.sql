-- 017 (PostgreSQL): the access audit's two hashes as their 32 bytes (BYTEA)
-- instead of 64 hex digits, as ../017_audit_hash_bytes.sql (why: there).
-- The table keeps its name, columns, order and index, so the USING
-- conversion is enough.

ALTER TABLE audit
    ALTER COLUMN prev_hash TYPE BYTEA USING decode(prev_hash, 'hex'),
    ALTER COLUMN hash TYPE BYTEA USING decode(hash, 'hex');

-- 015 (PostgreSQL): the user account's two-factor sign-in (issue 11), as
-- ../015_account.sql.
CREATE TABLE user_totp (
    tenant_id   BIGINT NOT NULL,
    user_id     BIGINT NOT NULL,
    secret      TEXT NOT NULL,
    last_step   BIGINT NOT NULL DEFAULT 0, -- the last accepted time step: never twice
    created_at  BIGINT NOT NULL,
    enabled_at  BIGINT,
    PRIMARY KEY (tenant_id, user_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, user_id) ON DELETE CASCADE
);

-- A sign-in whose password held, waiting for its code (its token's SHA-256).
CREATE TABLE signin_pending (
    token_hash  BYTEA PRIMARY KEY,
    tenant_id   BIGINT NOT NULL,
    user_id     BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, user_id) ON DELETE CASCADE
);
CREATE INDEX signin_pending_by_user ON signin_pending(tenant_id, user_id);

-- 015: the user account (issue 11): optional two-factor sign-in for a
-- business's users, and the half-signed-in state between the password and
-- the code.

-- A user's TOTP secret (RFC 6238: SHA-1, 30 s, 6 digits), kept as the
-- operators' is (migration 008): base32, never logged, never audited, never
-- shown again once confirmed. A row with enabled_at NULL is a secret shown
-- and not yet confirmed with a code: it does not ask for a code at sign-in.
CREATE TABLE user_totp (
    tenant_id   INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    secret      TEXT NOT NULL,
    last_step   INTEGER NOT NULL DEFAULT 0, -- the last accepted time step: never twice
    created_at  INTEGER NOT NULL,
    enabled_at  INTEGER,
    PRIMARY KEY (tenant_id, user_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, user_id) ON DELETE CASCADE
) WITHOUT ROWID;

-- A sign-in whose password held, waiting for its code: a short-lived token
-- (its SHA-256 only, like sessions) in its own cookie. It is no session: it
-- opens no page, and the code turns it into one.
CREATE TABLE signin_pending (
    token_hash  BLOB PRIMARY KEY,
    tenant_id   INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, user_id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX signin_pending_by_user ON signin_pending(tenant_id, user_id);

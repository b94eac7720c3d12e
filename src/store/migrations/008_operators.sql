-- 008: operators, a realm apart (issue 10), and the business's reports of a
-- data problem. Operators are not users of any business: they have no
-- tenant_id, their sign-in name is not in logins, and their sessions are
-- not in sessions, so no business credential can name an operator and no
-- operator credential can name a business.

CREATE TABLE operators (
    operator_id  INTEGER PRIMARY KEY,
    email        TEXT NOT NULL UNIQUE,
    pw_hash      TEXT NOT NULL,
    totp_secret  TEXT NOT NULL,           -- base32, RFC 6238 (SHA-1, 30 s, 6 digits)
    totp_last_step INTEGER NOT NULL DEFAULT 0, -- the last accepted time step: never twice
    created_at   INTEGER NOT NULL,
    disabled_at  INTEGER                  -- NULL: may sign in
);

-- Stored as the SHA-256 of the token, like the business sessions.
CREATE TABLE operator_sessions (
    token_hash  BLOB PRIMARY KEY,
    operator_id INTEGER NOT NULL REFERENCES operators(operator_id) ON DELETE CASCADE,
    csrf        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    seen_at     INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX operator_sessions_by_operator ON operator_sessions(operator_id);

-- "Report a data problem" (web/report.c): the page path (no query string),
-- when, who (tenant and user ids) and a category; the optional text is
-- stored for the operators and never logged.
CREATE TABLE data_reports (
    report_id   INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(tenant_id),
    user_id     INTEGER NOT NULL,
    page        TEXT NOT NULL,
    category    TEXT NOT NULL CHECK (category IN ('wrong_data', 'other_business', 'other')),
    details     TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    handled_at  INTEGER,
    handled_by  INTEGER                   -- operator_id
);
CREATE INDEX data_reports_by_time ON data_reports(created_at);

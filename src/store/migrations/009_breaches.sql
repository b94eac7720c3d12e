-- 009: the breach register, the tripwire's security events and the status
-- site posts the app made (issue 10). Ids, times and an operator's own words
-- only: never a name, an address or anything else of a business's customers.

-- Every tenant_mismatch the egress wall caught: who asked (principal), whose
-- records the store handed to that request (exposed_tenant) and which
-- (records, "order:2001,2002"). One row per exposed tenant of a request.
CREATE TABLE security_events (
    id               INTEGER PRIMARY KEY,
    time             INTEGER NOT NULL, -- Unix ms
    kind             TEXT NOT NULL,    -- tenant_mismatch
    request_id       TEXT NOT NULL,
    route            TEXT NOT NULL,
    principal_tenant INTEGER NOT NULL,
    principal_id     TEXT NOT NULL,    -- key:3, user:5
    exposed_tenant   INTEGER NOT NULL,
    records          TEXT NOT NULL     -- order:2001,2002 (withheld)
);
CREATE INDEX security_events_time ON security_events(time);

-- The access audit's cross-tenant records, which the blast radius reads:
-- a partial index holds only them (almost none), so appends pay nothing.
CREATE INDEX audit_cross_tenant ON audit(time) WHERE principal_tenant != data_tenant;

-- The register (UK GDPR Art. 33(5)): every breach, reported or not, with the
-- ICO's fields. Times are UTC Unix ms. window_from..window_to is where its
-- blast radius is looked for (window_to NULL: up to now, while open).
CREATE TABLE breaches (
    id              INTEGER PRIMARY KEY,
    opened_at       INTEGER NOT NULL,
    opened_by       TEXT NOT NULL,    -- an operator's login, or tripwire
    window_from     INTEGER NOT NULL,
    window_to       INTEGER,
    aware_at        INTEGER NOT NULL, -- the 72 hours run from here
    nature          TEXT NOT NULL,
    subjects        TEXT NOT NULL,    -- categories of people
    record_kinds    TEXT NOT NULL,    -- categories of records
    approx_people   INTEGER,          -- NULL: counted from the blast radius
    approx_records  INTEGER,
    consequences    TEXT NOT NULL,
    measures        TEXT NOT NULL,
    contact         TEXT NOT NULL,
    decision        TEXT,             -- NULL pending, notify, no-notify
    decision_reason TEXT,
    decided_by      TEXT,
    decided_at      INTEGER,
    notified_at     INTEGER,
    closed_at       INTEGER,          -- NULL: open (the tripwire adds to it)
    status_incident INTEGER           -- the status site's incident, if posted
);

-- Later facts (Art. 33(4)), oldest first.
CREATE TABLE breach_updates (
    breach_id INTEGER NOT NULL REFERENCES breaches(id),
    seq       INTEGER NOT NULL,
    time      INTEGER NOT NULL,
    author    TEXT NOT NULL,
    note      TEXT NOT NULL,
    PRIMARY KEY (breach_id, seq)
) WITHOUT ROWID;

-- A breach's blast radius as last computed: one row per record of a
-- business (data_tenant) that one principal was handed. Keyed by the
-- business first: its notice page reads only its own rows.
CREATE TABLE breach_records (
    data_tenant      INTEGER NOT NULL,
    breach_id        INTEGER NOT NULL REFERENCES breaches(id),
    object           TEXT NOT NULL,    -- order:2001
    principal_tenant INTEGER NOT NULL,
    principal_id     TEXT NOT NULL,
    actions          TEXT NOT NULL,    -- order.read,egress.withheld
    first_at         INTEGER NOT NULL,
    last_at          INTEGER NOT NULL,
    times            INTEGER NOT NULL,
    withheld         INTEGER NOT NULL, -- of those, answers the egress wall withheld
    PRIMARY KEY (data_tenant, breach_id, object, principal_tenant, principal_id)
) WITHOUT ROWID;
CREATE INDEX breach_records_breach ON breach_records(breach_id);

-- The status site's incidents this app posted, by what they are about
-- ("killswitch:0:", "breach:3"), so switching off updates the right one.
CREATE TABLE status_posts (
    subject     TEXT PRIMARY KEY,
    incident_id INTEGER NOT NULL,
    posted_at   INTEGER NOT NULL
) WITHOUT ROWID;

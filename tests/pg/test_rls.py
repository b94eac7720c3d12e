#!/usr/bin/python3
"""PostgreSQL's wall between tenants (issue 12), checked from the catalogue.

Starts a private cluster (scripts/pg.sh), applies src/store/migrations/pg as
the owner, and writes rows for two businesses, A and B, into every table
with a tenant column, generated from information_schema (NOT NULL columns,
CHECK lists and foreign keys included), so a table added later is covered
without this file knowing it. Then, connected as the app role:
  - with no tenant set (and with it set to '', as a pooled connection has it
    after a transaction) every tenant table shows zero rows;
  - with A set it shows A's rows only, cannot insert a row of B's, cannot
    update or delete B's rows (0 rows affected or refused) and cannot move
    one of A's rows to B; where the app may write, it can write A's rows
    (so the wall is not just a refusal of everything);
  - afterwards B's rows are byte for byte as they were.
From pg_class and pg_policy: every tenant table has ROW LEVEL SECURITY
enabled and FORCEd and the tenant policy, and no other policy opens it to
the app; a scratch database with a tenant table lacking each of these
proves the check finds it. Tables of no tenant: the app holds exactly the
privileges listed in APP_UNTENANTED and none on any other. And the
PostgreSQL migrations mirror the SQLite ones (numbers, tables, columns,
keys, index names), read with Python's sqlite3 from ../*.sql. And
docs/scaling.md's Citus plan places every table exactly once.

Usage: test_rls.py [CLUSTER_DIR]   (CTest passes one in the build tree)
"""
import hashlib
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys

SRC = os.environ.get("POSTROOM_SOURCE_DIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PGSH = os.path.join(SRC, "scripts", "pg.sh")
MIGRATIONS = os.path.join(SRC, "src", "store", "migrations", "pg")
A, B = 101, 202

# A table's tenant column is tenant_id, except where the table is keyed by
# the business under another name.
TENANT_COLUMN_OTHER = {"breach_records": "data_tenant"}

# What the app may do to the tables that belong to no tenant: anything else
# (another table, another privilege) fails the test. audit: it appends, and
# reads only the chain's head (seq, hash), never another business's record.
APP_UNTENANTED = {
    "meta": {"SELECT", "INSERT"},
    "auth_failures": {"SELECT", "INSERT", "DELETE"},
    "s10_serials": {"SELECT", "INSERT", "UPDATE"},
    "audit": {"INSERT", "SELECT(seq)", "SELECT(hash)"},
    "audit_journal": {"SELECT", "INSERT", "UPDATE", "DELETE"},
}

OMIT = object()  # row_for: leave the column to its default (or NULL)
failures = []
fail_word = "FAIL"  # "caught" while the scratch proof expects failures


def fail(msg):
    failures.append(msg)
    print("%-4s %s" % (fail_word, msg), flush=True)


def ok(msg):
    print("ok   " + msg, flush=True)


def pgsh(*args):
    r = subprocess.run([PGSH, *args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("pg.sh %s failed: %s" % (" ".join(args), r.stderr.strip()))
    env = {}
    for line in r.stdout.splitlines():
        m = re.match(r"^(\w+)='(.*)'$", line)
        if m:
            env[m.group(1)] = m.group(2)
    return env


def psql(url, sql):
    """Runs sql in one session; (ok, stdout lines, stderr)."""
    r = subprocess.run(["psql", url, "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1"],
                       input=sql, capture_output=True, text=True)
    return r.returncode == 0, r.stdout.splitlines(), r.stderr.strip()


def must(url, sql):
    good, out, err = psql(url, sql)
    if not good:
        sys.exit("unexpected error: %s\n-- in:\n%s" % (err, sql[:2000]))
    return out


def in_tenant(tenant, sql):
    """sql as one transaction with the tenant set, as the store will send it."""
    setting = "" if tenant is None else str(tenant)
    return ("BEGIN;\nSELECT set_config('app.tenant_id', '%s', true) \\g /dev/null\n%s\nCOMMIT;\n"
            % (setting, sql))


def lit(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, bytes):
        return "'\\x%s'::bytea" % v.hex()
    return "'" + str(v).replace("'", "''") + "'"


def apply_migrations(owner):
    files = sorted(f for f in os.listdir(MIGRATIONS) if re.match(r"^\d{3}_.*\.sql$", f))
    sql = "SET client_min_messages = warning;\nBEGIN;\n"
    for f in files + ["rls.sql"]:
        with open(os.path.join(MIGRATIONS, f)) as fh:
            sql += fh.read() + "\n"
    must(owner, sql + "COMMIT;\n")
    return files


# ---- the catalogue ----------------------------------------------------------

class Catalogue:
    def __init__(self, url, schema="public"):
        q = lambda sql: [l.split("\t") for l in must(url, sql)]
        self.columns = {}  # table -> [(name, type, notnull, default, identity)]
        for t, c, ty, nn, dflt, ident in q(
                "SELECT table_name, column_name, data_type, is_nullable = 'NO', "
                "coalesce(column_default, ''), is_identity FROM information_schema.columns "
                "WHERE table_schema = '%s' ORDER BY table_name, ordinal_position" % schema):
            self.columns.setdefault(t, []).append((c, ty, nn == "t", dflt, ident == "YES"))
        kinds = dict(q("SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n "
                       "ON n.oid = c.relnamespace WHERE n.nspname = '%s'" % schema))
        self.tables = sorted(t for t in self.columns if kinds.get(t) == "r")
        self.checks = {}  # (table, column) -> first allowed value
        for t, d in q("SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM "
                      "pg_constraint WHERE contype = 'c' AND connamespace = '%s'::regnamespace"
                      % schema):
            m = re.search(r"\(\((\w+) = ANY \(ARRAY\[([^\],]+)", d)
            if m:
                v = m.group(2).split("::")[0].strip()
                self.checks[(t.split(".")[-1], m.group(1))] = (
                    v.strip("'") if v.startswith("'") else int(v))
            else:  # a range or a pattern: the column's default, or NULL
                for c in re.findall(r"\b([a-z_][a-z0-9_]*)\b", d):
                    self.checks.setdefault((t.split(".")[-1], c), OMIT)
        self.generated = {tuple(r) for r in q(
            "SELECT table_name, column_name FROM information_schema.columns WHERE "
            "table_schema = '%s' AND is_generated = 'ALWAYS'" % schema)}
        # Columns a generated column is computed from (orders.doc, JSON):
        # '{}' is valid for any expression that reads a path of it.
        self.sources = {tuple(r) for r in q(
            "SELECT table_name, column_name FROM information_schema.column_column_usage "
            "WHERE table_schema = '%s'" % schema)}
        self.fks = {}  # table -> [(ref table, [(col, ref col)])]
        for t, rt, cols, rcols in q(
                "SELECT conrelid::regclass::text, confrelid::regclass::text, "
                "(SELECT string_agg(attname, ',' ORDER BY k.i) FROM unnest(conkey) WITH "
                "ORDINALITY k(a, i) JOIN pg_attribute ON attrelid = conrelid AND attnum = k.a), "
                "(SELECT string_agg(attname, ',' ORDER BY k.i) FROM unnest(confkey) WITH "
                "ORDINALITY k(a, i) JOIN pg_attribute ON attrelid = confrelid AND attnum = k.a) "
                "FROM pg_constraint WHERE contype = 'f' AND connamespace = '%s'::regnamespace"
                % schema):
            self.fks.setdefault(t.split(".")[-1], []).append(
                (rt.split(".")[-1], list(zip(cols.split(","), rcols.split(",")))))

    def tenant_column(self, table):
        names = [c[0] for c in self.columns[table]]
        other = TENANT_COLUMN_OTHER.get(table)
        if other and other in names:
            return other
        return "tenant_id" if "tenant_id" in names else None

    def tenant_tables(self):
        return [t for t in self.tables if self.tenant_column(t)]

    def insert_order(self):
        """The tenant tables and what they reference, parents first."""
        need, todo = set(), list(self.tenant_tables())
        while todo:
            t = todo.pop()
            if t not in need:
                need.add(t)
                todo += [rt for rt, _ in self.fks.get(t, []) if rt != t]
        done = []
        while len(done) < len(need):
            ready = sorted(t for t in need - set(done)
                           if all(rt in done or rt == t for rt, _ in self.fks.get(t, [])))
            if not ready:
                sys.exit("foreign keys form a cycle among %s" % sorted(need - set(done)))
            done += ready
        return done


def row_for(cat, rows, table, tenant, k, only=None):
    """A row of tenant's for table (k keeps unique columns unique): the
    tenant column, foreign keys from the parent rows already made, CHECK
    lists' first value, and a made-up value of the column's type."""
    tcol = cat.tenant_column(table)
    row = {}
    for rt, pairs in cat.fks.get(table, []):
        parent = rows[(rt, tenant if cat.tenant_column(rt) else None)]
        for c, rc in pairs:
            row[c] = parent[rc]
    for c, ty, nn, dflt, ident in cat.columns[table]:
        if only is not None and c not in only:
            row.pop(c, None)
            continue
        if (table, c) in cat.generated:
            continue
        if c == tcol:
            row[c] = tenant
        elif c in row:
            pass
        elif cat.checks.get((table, c)) is OMIT:
            if dflt or ident:
                continue  # the default satisfies its own CHECK
            if not nn:
                row[c] = None
            else:
                sys.exit("%s.%s: NOT NULL, no default, a CHECK this test cannot satisfy: give "
                         "the column a default or teach row_for its values" % (table, c))
        elif (table, c) in cat.checks:
            row[c] = cat.checks[(table, c)]
        elif (table, c) in cat.sources and ty == "text":
            row[c] = "{}"
        elif ty in ("bigint", "integer", "smallint"):
            row[c] = (tenant or 7) * 1000 + k
        elif ty == "boolean":
            row[c] = True
        elif ty == "bytea":
            row[c] = hashlib.sha256(("%s.%s.%s.%d" % (table, c, tenant, k)).encode()).digest()
        else:
            row[c] = "%s.%s.t%s.%d" % (table, c, tenant, k)
    return row


def insert_sql(table, row):
    cols = list(row)
    return "INSERT INTO %s (%s) VALUES (%s);" % (
        table, ", ".join('"%s"' % c for c in cols), ", ".join(lit(row[c]) for c in cols))


def make_fixtures(cat, owner):
    """One row per tenant in every tenant table (one in each table they
    reference that has no tenant), written by the owner under the wall."""
    rows = {}
    for t in cat.insert_order():
        for tenant in ([A, B] if cat.tenant_column(t) else [None]):
            row = row_for(cat, rows, t, tenant, 1)
            must(owner, in_tenant(tenant, insert_sql(t, row)) if tenant else insert_sql(t, row))
            rows[(t, tenant)] = row
    return rows


def snapshot(super_url, table, tcol, tenant):
    return must(super_url, "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY "
                "t::text), '')) FROM %s t WHERE %s = %d;" % (table, tcol, tenant))


# ---- the checks -------------------------------------------------------------

def catalogue_problems(url, schema="public"):
    """Every tenant table (from the catalogue) without RLS, without FORCE,
    without the tenant policy, or with another policy open to the app."""
    cat = Catalogue(url, schema)
    problems = []
    for t in cat.tenant_tables():
        col = cat.tenant_column(t)
        rls, force = must(url, "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE "
                          "oid = '%s.%s'::regclass;" % (schema, t))[0].split("\t")
        if rls != "t":
            problems.append((t, "row level security is not enabled"))
        if force != "t":
            problems.append((t, "row level security is not forced (the owner passes)"))
        want = ("(%s = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::bigint)"
                % col)
        walls, others = 0, []
        for name, cmd, roles, qual, check in [l.split("\t") for l in must(url, (
                "SELECT polname, polcmd, array_to_string(ARRAY(SELECT CASE WHEN r = 0 THEN "
                "'public' ELSE r::regrole::text END FROM unnest(polroles) r), ','), "
                "coalesce(pg_get_expr(polqual, polrelid), ''), "
                "coalesce(pg_get_expr(polwithcheck, polrelid), '') FROM pg_policy "
                "WHERE polrelid = '%s.%s'::regclass;") % (schema, t))]:
            roles = set(roles.split(","))
            if (cmd == "*" and roles == {"public"} and qual == want and check == want):
                walls += 1
            elif roles & {"public", "postroom_app"}:
                others.append(name)
        if walls != 1:
            problems.append((t, "no tenant policy %s for every role" % want))
        for name in others:
            problems.append((t, "policy %s opens it to the app" % name))
    return problems


def app_privileges(url):
    """table -> the app's privileges, as 'SELECT' or 'SELECT(col)'."""
    out = {}
    for t, p in [l.split("\t") for l in must(url, (
            "SELECT table_name, privilege_type FROM information_schema.table_privileges "
            "WHERE grantee = 'postroom_app' AND table_schema = 'public';"))]:
        out.setdefault(t, set()).add(p)
    for t, c, p in [l.split("\t") for l in must(url, (
            "SELECT table_name, column_name, privilege_type FROM "
            "information_schema.column_privileges WHERE grantee = 'postroom_app' "
            "AND table_schema = 'public';"))]:
        if p not in out.get(t, set()):
            out.setdefault(t, set()).add("%s(%s)" % (p, c))
    return out


def column_privileged(privs, table, priv, col):
    return priv in privs or ("%s(%s)" % (priv, col)) in privs


def refused(err):
    return ("permission denied" in err or "violates row-level security" in err)


def check_tables(cat, urls, rows, tables):
    """The app role against each table, one by one (failures go to fail)."""
    app, sup = urls["POSTROOM_PG_APP"], urls["POSTROOM_PG_SUPER"]
    privs_all = app_privileges(sup)
    for t in tables:
        tcol = cat.tenant_column(t)
        privs = privs_all.get(t, set())
        before_b = snapshot(sup, t, tcol, B)
        before_a = snapshot(sup, t, tcol, A)
        can_read = column_privileged(privs, t, "SELECT", tcol)
        count = "SELECT count(%s) FROM %s;" % (tcol, t)

        # No tenant, and an emptied setting: nothing.
        for label, sql in (("no tenant set", count),
                           ("app.tenant_id ''", in_tenant(None, count))):
            good, out, err = psql(app, sql)
            if good and out == ["0"]:
                ok("%s: %s: 0 rows" % (t, label))
            elif not good and not can_read and refused(err):
                ok("%s: %s: refused (%s)" % (t, label, err.splitlines()[0]))
            else:
                fail("%s: %s: %s" % (t, label, out or err))

        # A set: A's rows, none of B's.
        sql = in_tenant(A, "SELECT count(*) FILTER (WHERE %s = %d), count(*) FILTER (WHERE %s "
                        "<> %d OR %s IS NULL) FROM %s;" % (tcol, A, tcol, A, tcol, t))
        good, out, err = psql(app, sql)
        if can_read:
            # as many as the superuser counts (a trigger may have added some)
            a_rows = int(before_a[0].split("\t")[0])
            if good and out == ["%d\t0" % a_rows] and a_rows >= 1:
                ok("%s: tenant A sees its %d row(s) and none of B's" % (t, a_rows))
            else:
                fail("%s: tenant A reads %s (want %d of A's, 0 others)" % (t, out or err, a_rows))
        elif not good and refused(err):
            ok("%s: tenant A may not read it (refused)" % t)
        else:
            fail("%s: the app may not read %s, yet: %s" % (t, tcol, out or err))

        # Inserting a row of B's while A is set.
        ins_cols = {c[0] for c in cat.columns[t] if "INSERT(%s)" % c[0] in privs} or None
        can_insert = "INSERT" in privs or ins_cols is not None
        if "INSERT" in privs:
            ins_cols = None  # every column
        elif ins_cols is not None and any(nn and not dflt and not ident and c not in ins_cols
                                          for c, _, nn, dflt, ident in cat.columns[t]):
            can_insert = False  # a required column it may not set: it cannot insert at all
        b_row = row_for(cat, rows, t, B, 2, ins_cols)
        good, out, err = psql(app, in_tenant(A, insert_sql(t, b_row)))
        if good:
            fail("%s: tenant A inserted a row of B's" % t)
        elif can_insert and "violates row-level security" not in err:
            fail("%s: inserting B's row failed, but not by the wall: %s" % (t, err))
        elif not can_insert and "permission denied" not in err:
            fail("%s: inserting B's row failed, but not by the grants: %s" % (t, err))
        else:
            ok("%s: tenant A cannot insert B's row (%s)" % (t, err.splitlines()[0]))
        if can_insert:
            good, out, err = psql(app, in_tenant(A, insert_sql(t, row_for(cat, rows, t, A, 3,
                                                                           ins_cols))))
            if good:
                ok("%s: tenant A inserts its own row" % t)
                before_a = None  # it changed, as it should
            elif "duplicate key value" in err:
                # One row per business (the key is the tenant, or its user's):
                # the unique index is checked after the policy, so the row
                # passed the wall.
                ok("%s: tenant A's own row passes the wall (its key is taken)" % t)
            else:
                fail("%s: tenant A cannot insert its own row: %s" % (t, err))

        # Updating and deleting B's rows, and moving A's to B.
        upd = [c[0] for c in cat.columns[t] if column_privileged(privs, t, "UPDATE", c[0])]
        col = upd[0] if upd else tcol
        for label, sql, want_tag in (
                ("update B's rows", "UPDATE %s SET \"%s\" = \"%s\" WHERE %s = %d;"
                 % (t, col, col, tcol, B), "UPDATE 0"),
                ("delete B's rows", "DELETE FROM %s WHERE %s = %d;" % (t, tcol, B), "DELETE 0")):
            r = subprocess.run(["psql", app, "-X", "-v", "ON_ERROR_STOP=1"],
                               input=in_tenant(A, sql), capture_output=True, text=True)
            tags = [l for l in r.stdout.splitlines() if l.startswith(want_tag.split()[0])]
            if r.returncode == 0 and tags == [want_tag]:
                ok("%s: tenant A cannot %s (%s)" % (t, label, want_tag))
            elif r.returncode != 0 and refused(r.stderr):
                ok("%s: tenant A cannot %s (refused)" % (t, label))
            else:
                fail("%s: tenant A tried to %s: %s" % (t, label, tags or r.stderr.strip()))
        if upd:
            r = subprocess.run(["psql", app, "-X", "-v", "ON_ERROR_STOP=1"], capture_output=True,
                               text=True, input=in_tenant(A, "UPDATE %s SET \"%s\" = \"%s\" "
                                                          "WHERE %s = %d;" % (t, col, col, tcol, A)))
            if r.returncode == 0 and re.search(r"^UPDATE [1-9]", r.stdout, re.M):
                ok("%s: tenant A updates its own row" % t)
            else:
                fail("%s: tenant A cannot update its own row: %s" % (t, r.stdout + r.stderr))
        good, out, err = psql(app, in_tenant(A, "UPDATE %s SET %s = %d WHERE %s = %d;"
                                             % (t, tcol, B, tcol, A)))
        if good:
            fail("%s: tenant A moved its row to B" % t)
        elif refused(err):
            ok("%s: tenant A cannot move its row to B" % t)
        else:
            fail("%s: moving A's row to B failed oddly: %s" % (t, err))

        if snapshot(sup, t, tcol, B) == before_b:
            ok("%s: B's rows unchanged" % t)
        else:
            fail("%s: B's rows changed" % t)
        if before_a is not None and snapshot(sup, t, tcol, A) != before_a:
            fail("%s: A's rows changed" % t)


def check_untenanted(cat, urls):
    privs = app_privileges(urls["POSTROOM_PG_SUPER"])
    tenant = set(cat.tenant_tables())
    for t in cat.tables:
        if t in tenant:
            continue
        have, want = privs.get(t, set()), APP_UNTENANTED.get(t, set())
        if have == want:
            ok("%s (no tenant): the app holds %s" % (t, ", ".join(sorted(have)) or "nothing"))
        else:
            fail("%s (no tenant): the app holds %s, expected %s" % (t, sorted(have), sorted(want)))
    good, out, err = psql(urls["POSTROOM_PG_APP"], "SELECT objects FROM audit;")
    if not good and "permission denied" in err:
        ok("audit: the app cannot read the records, only the head")
    else:
        fail("audit: the app reads records: %s" % (out or err))
    # The chain is append-only for every role the servers run as: no edit,
    # no deletion, whatever a request gets the server to send (the rows
    # exist: a refusal here is the grant's, not an empty table's).
    sup = urls["POSTROOM_PG_SUPER"]
    must(sup, "INSERT INTO audit(seq, time, server_id, request_id, principal_tenant, principal_id, "
              "data_tenant, action, objects, prev_hash, hash) VALUES (900001, 1, 's', 'r', %d, "
              "'key:1', %d, 'order.read', 'order:7', '', '') ON CONFLICT DO NOTHING;" % (A, A))
    before = must(sup, "SELECT seq, objects FROM audit ORDER BY seq;")
    for role in ("POSTROOM_PG_APP", "POSTROOM_PG_OPERATOR"):
        for sql in ("UPDATE audit SET objects = 'order:1';", "DELETE FROM audit;",
                    "TRUNCATE audit;"):
            good, out, err = psql(urls[role], sql)
            if not good and "permission denied" in err:
                ok("audit: %s may not run %s" % (role[12:].lower(), sql))
            else:
                fail("audit: %s ran %s: %s" % (role[12:].lower(), sql, out or err))
    if must(sup, "SELECT seq, objects FROM audit ORDER BY seq;") == before:
        ok("audit: the records are as they were")
    else:
        fail("audit: a record changed or went")


def check_roles(urls):
    sup = urls["POSTROOM_PG_SUPER"]
    for role in ("postroom_app", "postroom_operator", "postroom_directory", "postroom_owner"):
        r = must(sup, "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = '%s';" % role)
        if r == ["f\tf"]:
            ok("%s: not superuser, no BYPASSRLS" % role)
        else:
            fail("%s: superuser or BYPASSRLS: %s" % (role, r))
    for role in ("postroom_app", "postroom_operator"):
        n = must(sup, "SELECT count(*) FROM pg_class WHERE relowner = '%s'::regrole;" % role)
        if n == ["0"]:
            ok("%s owns nothing" % role)
        else:
            fail("%s owns %s relations" % (role, n))
    r = must(sup, "SELECT rolcanlogin FROM pg_roles WHERE rolname = 'postroom_directory';")
    if r == ["f"]:
        ok("postroom_directory cannot log in")
    else:
        fail("postroom_directory can log in")


def check_directory(cat, urls, rows):
    """The lookups before a tenant is known: the one credential, nothing else."""
    app, sup = urls["POSTROOM_PG_APP"], urls["POSTROOM_PG_SUPER"]
    for sql in ("SELECT * FROM logins;", "SELECT * FROM api_keys;", "SELECT * FROM sessions;",
                "SELECT * FROM signin_pending;"):
        good, out, err = psql(app, sql)
        if not good and "permission denied" in err:
            ok("directory: the app may not run %s" % sql)
        else:
            fail("directory: the app ran %s: %s" % (sql, out or err))
    # The account page reads its own user's hash, under the wall only.
    if must(app, "SELECT count(pw_hash) FROM users;") == ["0"]:
        ok("directory: no password hash without a tenant")
    else:
        fail("directory: the app reads password hashes with no tenant set")
    user, login = rows[("users", B)], rows[("logins", B)]
    key, sess = rows[("api_keys", B)], rows[("sessions", B)]
    assert key["revoked_at"] is not None  # the fixtures fill every column
    for label, sql, want in (
            ("sign-in by e-mail", "SELECT * FROM postroom_dir_login(%s);" % lit(login["email"]),
             "%d\t%d\t%d\t%s" % (B, user["user_id"], user["role"], user["pw_hash"])),
            ("a revoked API key by hash (none)", "SELECT * FROM postroom_dir_apikey(%s);"
             % lit(key["key_hash"]), ""),
            ("a live API key by hash", "UPDATE api_keys SET revoked_at = NULL WHERE key_hash = %s;"
             % lit(key["key_hash"]), None),
            ("API key by hash", "SELECT * FROM postroom_dir_apikey(%s);" % lit(key["key_hash"]),
             "%d\t%d" % (B, key["key_id"])),
            ("session by hash", "SELECT * FROM postroom_dir_session(%s, 0, 1);"
             % lit(sess["token_hash"]), "%d\t%d\t%d\t%s" % (B, sess["user_id"], user["role"],
                                                           sess["csrf"])),
            ("a pending sign-in by hash", "SELECT * FROM postroom_dir_signin_pending(%s, 0);"
             % lit(rows[("signin_pending", B)]["token_hash"]), "%d\t%d\t%d\t%s\t%s\t%d" % (
                 B, user["user_id"], user["role"], user["email"],
                 rows[("user_totp", B)]["secret"], rows[("user_totp", B)]["last_step"])),
            ("whether an address is taken, any case", "SELECT postroom_dir_login_taken(%s);"
             % lit(login["email"].upper()), "t"),
            ("whether an unknown address is taken", "SELECT postroom_dir_login_taken("
             "'nobody@example.com');", "f"),
            ("an unknown e-mail (none)", "SELECT * FROM postroom_dir_login('nobody@example.com');", "")):
        if want is None:  # the superuser changes the fixture: the app could not
            must(sup, sql)
            continue
        out = must(app, sql)
        if out == ([want] if want else []):
            ok("directory: %s: %s" % (label, want) if want in ("t", "f") else
               "directory: %s finds exactly its credential" % label if want else
               "directory: %s finds nothing" % label)
        else:
            fail("directory: %s gave %s, want %s" % (label, out, want))
    if must(sup, "SELECT seen_at FROM sessions WHERE token_hash = %s;"
            % lit(sess["token_hash"])) == ["0"]:
        ok("directory: the session lookup touched seen_at")
    else:
        fail("directory: the session lookup did not touch seen_at")
    out = must(app, "SELECT postroom_dir_session_delete(%s);" % lit(sess["token_hash"]))
    gone = must(sup, "SELECT count(*) FROM sessions WHERE token_hash = %s;"
                % lit(sess["token_hash"]))
    if out == ["1"] and gone == ["0"]:
        ok("directory: signing out ends that session")
    else:
        fail("directory: sign-out gave %s, %s left" % (out, gone))


def check_mirror(urls):
    """The PostgreSQL migrations mirror the SQLite ones (README.md): the same
    numbers, tables, columns in the same order with the same type family and
    nullness, primary keys and index names, so the queries can stay alike
    and a SQLite migration without its PostgreSQL twin is found here."""
    sq_dir = os.path.dirname(MIGRATIONS)
    num = lambda d: {f[:3] for f in os.listdir(d) if re.match(r"^\d{3}_.*\.sql$", f)}
    if num(sq_dir) == num(MIGRATIONS):
        ok("mirror: migrations %s in both" % ",".join(sorted(num(sq_dir))))
    else:
        fail("mirror: SQLite has %s, PostgreSQL %s" % (sorted(num(sq_dir)), sorted(num(MIGRATIONS))))
    db = sqlite3.connect(":memory:")
    # the store's own SQL function (sqlite_audit.c), which migration 017 calls
    db.create_function("postroom_unhex", 1, bytes.fromhex, deterministic=True)
    for f in sorted(f for f in os.listdir(sq_dir) if re.match(r"^\d{3}_.*\.sql$", f)):
        with open(os.path.join(sq_dir, f)) as fh:
            db.executescript(fh.read())
    family = {"INTEGER": "int", "TEXT": "text", "BLOB": "bytes", "bigint": "int",
              "integer": "int", "text": "text", "bytea": "bytes"}
    sq = {}
    for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                           "AND name NOT LIKE 'sqlite_%'"):
        # table_xinfo: generated columns too (hidden 2 and 3)
        info = db.execute("SELECT name, type, \"notnull\", pk FROM pragma_table_xinfo(?)",
                          (t,)).fetchall()
        sq[t] = ([(c, family.get(ty, ty), bool(nn) or pk > 0) for c, ty, nn, pk in info],
                 [c for c, _, _, pk in sorted(info, key=lambda r: r[3]) if pk > 0])
    sup = urls["POSTROOM_PG_SUPER"]
    pg = {}
    for t, c, ty, nn in [l.split("\t") for l in must(sup, (
            "SELECT table_name, column_name, data_type, is_nullable = 'NO' FROM "
            "information_schema.columns WHERE table_schema = 'public' "
            "ORDER BY table_name, ordinal_position;"))]:
        pg.setdefault(t, ([], []))[0].append((c, family.get(ty, ty), nn == "t"))
    for t, cols in [l.split("\t") for l in must(sup, (
            "SELECT c.conrelid::regclass::text, (SELECT string_agg(attname, ',' ORDER BY k.i) "
            "FROM unnest(c.conkey) WITH ORDINALITY k(a, i) JOIN pg_attribute ON attrelid = "
            "c.conrelid AND attnum = k.a) FROM pg_constraint c WHERE contype = 'p' AND "
            "connamespace = 'public'::regnamespace;"))]:
        pg[t][1].extend(cols.split(","))
    if set(sq) != set(pg):
        fail("mirror: tables only in SQLite %s, only in PostgreSQL %s"
             % (sorted(set(sq) - set(pg)), sorted(set(pg) - set(sq))))
    for t in sorted(set(sq) & set(pg)):
        if sq[t] == pg[t]:
            ok("mirror: %s has the same columns and key" % t)
        else:
            fail("mirror: %s: SQLite %s, PostgreSQL %s" % (t, sq[t], pg[t]))
    sq_idx = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                                       "AND name NOT LIKE 'sqlite_autoindex%'")}
    pg_idx = set(must(sup, "SELECT indexrelid::regclass::text FROM pg_index i JOIN pg_class c "
                      "ON c.oid = i.indrelid WHERE c.relnamespace = 'public'::regnamespace AND "
                      "NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = i.indexrelid);"))
    if sq_idx == pg_idx:
        ok("mirror: the same %d indexes by name" % len(sq_idx))
    else:
        fail("mirror: indexes only in SQLite %s, only in PostgreSQL %s"
             % (sorted(sq_idx - pg_idx), sorted(pg_idx - sq_idx)))


def check_operator(urls):
    """The operator role crosses tenants only where an operator call needs
    to: it counts both businesses' orders, but reads no order's contents and
    nothing of returns, labels or the ledger."""
    op = urls["POSTROOM_PG_OPERATOR"]
    out = must(op, "SELECT count(*) FROM orders;")
    if out == [str(len(must(urls["POSTROOM_PG_SUPER"], "SELECT 1 FROM orders;")))]:
        ok("operator: counts every business's orders")
    else:
        fail("operator: order count %s" % out)
    for sql in ("SELECT doc FROM orders;", "SELECT * FROM returns;",
                "SELECT * FROM tracking_numbers;", "SELECT * FROM postage_ledger;",
                "SELECT * FROM order_history;", "SELECT * FROM manifests;"):
        good, out, err = psql(op, sql)
        if not good and "permission denied" in err:
            ok("operator: may not run %s" % sql)
        else:
            fail("operator: ran %s: %s" % (sql, out or err))


def prove_the_check(pg_dir):
    """A scratch database where three tenant tables each lack one part of
    the wall: the catalogue check must name all three, and the behavioural
    check must catch the one with no policy at all."""
    urls = pgsh("db", pg_dir, "rls_scratch")
    apply_migrations(urls["POSTROOM_PG_OWNER"])
    clean = catalogue_problems(urls["POSTROOM_PG_SUPER"])
    if clean:
        fail("scratch: problems before the bad tables: %s" % clean)
    must(urls["POSTROOM_PG_OWNER"], """
CREATE TABLE scratch_no_policy (tenant_id bigint NOT NULL, note text NOT NULL);
GRANT SELECT, INSERT, UPDATE, DELETE ON scratch_no_policy TO postroom_app;
CREATE TABLE scratch_not_forced (tenant_id bigint NOT NULL);
ALTER TABLE scratch_not_forced ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_wall ON scratch_not_forced USING
    (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::bigint) WITH CHECK
    (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::bigint);
CREATE TABLE scratch_open_policy (tenant_id bigint NOT NULL);
ALTER TABLE scratch_open_policy ENABLE ROW LEVEL SECURITY;
ALTER TABLE scratch_open_policy FORCE ROW LEVEL SECURITY;
CREATE POLICY everyone ON scratch_open_policy USING (true);
""")
    found = {t for t, _ in catalogue_problems(urls["POSTROOM_PG_SUPER"])}
    want = {"scratch_no_policy", "scratch_not_forced", "scratch_open_policy"}
    if found == want:
        ok("scratch: the catalogue check names every table missing part of the wall")
    else:
        fail("scratch: the catalogue check named %s, want %s" % (sorted(found), sorted(want)))
    cat = Catalogue(urls["POSTROOM_PG_SUPER"])
    rows = make_fixtures(cat, urls["POSTROOM_PG_OWNER"])
    global failures, fail_word
    kept, failures, fail_word = failures, [], "caught"
    print("-- the behavioural check on scratch_no_policy (each failure expected):", flush=True)
    check_tables(cat, urls, rows, ["scratch_no_policy"])
    caught, failures, fail_word = failures, kept, "FAIL"
    if caught:
        ok("scratch: the behavioural check catches a table without a policy (%d failures)"
           % len(caught))
    else:
        fail("scratch: the behavioural check passed a table without a policy")


def citus_plan():
    """docs/scaling.md's Citus block: {table: ("distributed", column) |
    ("reference", None) | ("local", None)}, and the names given twice."""
    with open(os.path.join(SRC, "docs", "scaling.md")) as fh:
        doc = fh.read()
    start = doc.index("## Citus")
    block = doc[doc.index("```sql", start):doc.index("```", doc.index("```sql", start) + 6)]
    plan, twice = {}, []

    def put(t, where):
        if t in plan:
            twice.append(t)
        plan[t] = where

    for t, col in re.findall(r"create_distributed_table\('(\w+)',\s*'(\w+)'", block):
        put(t, ("distributed", col))
    for t in re.findall(r"create_reference_table\('(\w+)'\)", block):
        put(t, ("reference", None))
    local = block[block.index("left on the coordinator"):]
    for line in local.splitlines()[2:]:
        for t in re.findall(r"\b([a-z][a-z0-9_]*)\b", line.lstrip("- ")):
            put(t, ("local", None))
    return plan, twice


def check_citus_plan(cat):
    """Every table has one place in the Citus plan, a distributed one by its
    tenant column, and the plan names no table that is not there."""
    plan, twice = citus_plan()
    bad = ["%s: named twice" % t for t in twice]
    for t in cat.tables:
        where = plan.get(t)
        if where is None:
            bad.append("%s: not in the plan" % t)
        elif where[0] == "distributed" and where[1] != cat.tenant_column(t):
            bad.append("%s: distributed by %s, its tenant column is %s"
                       % (t, where[1], cat.tenant_column(t)))
    bad += ["%s: in the plan, not in the schema" % t for t in sorted(set(plan) - set(cat.tables))]
    for b in bad:
        fail("docs/scaling.md Citus plan: " + b)
    if not bad:
        ok("docs/scaling.md's Citus plan places all %d tables once (%d distributed by their "
           "tenant column)" % (len(cat.tables), sum(w[0] == "distributed" for w in plan.values())))


def main():
    pg_dir = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                             os.path.join(SRC, "build", "pg_rls"))
    if os.path.exists(pg_dir):
        subprocess.run([PGSH, "stop", pg_dir], capture_output=True)
        shutil.rmtree(pg_dir)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    try:
        pgsh("start", pg_dir)
        urls = pgsh("db", pg_dir, "rls")
        files = apply_migrations(urls["POSTROOM_PG_OWNER"])
        ok("migrations %s and rls.sql applied as the owner" % ", ".join(f[:3] for f in files))
        with open(os.path.join(MIGRATIONS, "rls.sql")) as fh:
            must(urls["POSTROOM_PG_OWNER"], "SET client_min_messages = warning;\n" + fh.read())
        ok("rls.sql applies again over itself")
        check_mirror(urls)
        cat = Catalogue(urls["POSTROOM_PG_SUPER"])
        tenant = cat.tenant_tables()
        if len(tenant) < 15:  # what main had: a catalogue query gone wrong finds none
            fail("only %d tenant tables found: %s" % (len(tenant), tenant))
        print("-- tenant tables: %s" % ", ".join(tenant), flush=True)
        for t, why in catalogue_problems(urls["POSTROOM_PG_SUPER"]):
            fail("%s: %s" % (t, why))
        ok("catalogue: every tenant table has RLS, FORCE and the tenant policy")
        rows = make_fixtures(cat, urls["POSTROOM_PG_OWNER"])
        ok("fixtures: a row of A's and of B's in %d tables" % len(tenant))
        check_roles(urls)
        check_tables(cat, urls, rows, tenant)
        check_untenanted(cat, urls)
        check_directory(cat, urls, rows)
        check_operator(urls)
        check_citus_plan(cat)
        prove_the_check(pg_dir)
    finally:
        subprocess.run([PGSH, "stop", pg_dir], capture_output=True)
    if failures:
        print("%d FAILED:\n  %s" % (len(failures), "\n  ".join(failures)))
        sys.exit(1)
    print("all passed")


if __name__ == "__main__":
    main()

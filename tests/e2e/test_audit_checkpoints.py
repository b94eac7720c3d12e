"""The access audit's checkpoints in two places (issue 10): beside the
database (DB.audit-checkpoints) and in the status site's store.

One app server runs with `serve --status-db` pointing at a running
`status-serve`'s database, POSTROOM_AUDIT_CHECKPOINT_SECONDS=0.3 and
POSTROOM_AUDIT_CHECKPOINT_EVERY far above what the test appends, so every
checkpoint it writes is a timed one. Each signed line it writes to the file
reaches the status site too, which publishes the lines at
/audit/checkpoints.txt and the key at /audit/public-keys.txt (and
status-export writes the same files). Then, on copies of the database, the
files beside it and the status database, an attacker:

- rewrites the chain whole with a fresh self-consistent one, replaces the
  key files with a new key and the checkpoint file with lines newly signed
  by it: verify alone passes (the attack works against the file), verify
  --status-db fails and says why (key replaced, heads differ);
- cuts off the tail of the chain and the file's lines past it: verify alone
  passes, verify --status-db names the truncation and the checkpoints the
  file no longer has.

A checkpoint written without the status site is reported missing from it
until the next copy fills it in; a server that starts knowing a status site
copies what the file already holds.

Run: /usr/bin/python3 tests/e2e/test_audit_checkpoints.py BUILD/postroom
"""
import hashlib
import http.client
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
import unittest

import harness
import test_status

APP = None
SITE = None
WORK = None


def head_count(db):
    c = db.db_connect()
    try:
        return c.execute("SELECT count(*) FROM audit").fetchone()[0]
    finally:
        c.close()


def file_lines(db):
    try:
        with open(db.state_base + ".audit-checkpoints") as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []


def status_lines(status_db):
    c = sqlite3.connect(status_db)
    try:
        return [r[0] for r in c.execute("SELECT line FROM audit_checkpoints ORDER BY id")]
    finally:
        c.close()


def wait_for(what, fn, timeout=15):
    """Polls fn until it is true (the delay itself is not asserted)."""
    deadline = time.monotonic() + timeout
    while not fn():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.05)


def wait_checkpointed():
    """Until the server's timed checkpoint covers every record so far, in
    the file and on the status site."""
    n = head_count(APP)

    def done():
        lines = file_lines(APP)
        return (lines and int(lines[-1].split()[0]) == n
                and lines[-1] in status_lines(SITE.db))
    wait_for("a checkpoint at count %d" % n, done)
    return n


def setUpModule():
    global APP, SITE, WORK
    SITE = test_status.StatusSite()
    os.environ["POSTROOM_AUDIT_CHECKPOINT_SECONDS"] = "0.3"
    os.environ["POSTROOM_AUDIT_CHECKPOINT_EVERY"] = "1000000"
    try:
        APP = harness.Server.start_new(extra_serve_args=["--status-db", SITE.db])
    finally:
        del os.environ["POSTROOM_AUDIT_CHECKPOINT_SECONDS"]
        del os.environ["POSTROOM_AUDIT_CHECKPOINT_EVERY"]
    t = APP.new_tenant("Checkpoint A Ltd")
    t.create_orders([harness.order("CP-1"), harness.order("CP-2")])
    wait_checkpointed()
    t.create_orders([harness.order("CP-3")])
    wait_checkpointed()
    # and the operator's own, at the same count as the server's last
    APP.cli("audit", "checkpoint", "--status-db", SITE.db)
    WORK = tempfile.mkdtemp(prefix="postroom-audit-cp-")


def tearDownModule():
    APP.stop_and_check()
    SITE.stop()
    shutil.rmtree(WORK, ignore_errors=True)


def backup(src, dst):  # the status site's database (always SQLite)
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    a.backup(b)
    a.close()
    b.close()


def copy_all(name):
    """Consistent copies of the app's database with its key and checkpoint
    files, and of the status site's database."""
    sdb = os.path.join(WORK, name + "-status.db")
    db = harness.DbCopy(APP, name, WORK)
    backup(SITE.db, sdb)
    return db, sdb


def run(db, *args):
    p = subprocess.run([APP.binary, "--db", db.db, "audit"] + list(args), capture_output=True,
                       text=True, timeout=60, env=dict(db.env, POSTROOM_STATUS_DB=""))
    for m in harness.SANITIZER_MARKERS:
        assert m not in p.stderr, p.stderr
    return p.returncode, p.stdout, p.stderr


def chain_hash(prev, r):
    """domain/audit.c's encoding: length-prefixed text, decimal integers."""
    def t(s):
        b = s.encode()
        return str(len(b)).encode() + b"," + b

    def i(v):
        return str(v).encode() + b","
    seq, tm, server, req, ptenant, pid, dtenant, action, objects = r[:9]
    data = (t(prev) + i(seq) + i(tm) + t(server) + t(req) + i(ptenant) + t(pid) + i(dtenant)
            + t(action) + t(objects))
    return hashlib.sha256(data).hexdigest()


def rows(db):
    c = db.db_connect()
    try:
        # the hashes are kept as their 32 bytes (migration 017): as hex here,
        # the same on either backend (bytes from sqlite3, memoryview from psycopg2)
        got = c.execute("SELECT seq, time, server_id, request_id, principal_tenant, principal_id, "
                        "data_tenant, action, objects, prev_hash, hash FROM audit ORDER BY seq").fetchall()
        return [tuple(r[:9]) + tuple(bytes(h).hex() if isinstance(h, (bytes, memoryview)) else h for h in r[9:11])
                for r in got]
    finally:
        c.close()


def get(path):
    c = http.client.HTTPConnection("127.0.0.1", SITE.port, timeout=30)
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, r.getheader("Content-Type"), body.decode()


class CheckpointsTest(unittest.TestCase):
    def test_both_places_hold_every_line(self):
        lines = file_lines(APP)
        counts = [int(line.split()[0]) for line in lines]
        self.assertGreaterEqual(len(set(counts)), 2, lines)  # timed, at two counts at least
        self.assertEqual(counts, sorted(counts))
        self.assertEqual(status_lines(SITE.db), lines)  # each line exactly as in the file
        with open(APP.state_base + ".audit-key.pub", "rb") as f:
            key = f.read().hex()
        c = sqlite3.connect(SITE.db)
        keys = {r[0] for r in c.execute("SELECT public_key FROM audit_checkpoints")}
        c.close()
        self.assertEqual(keys, {key})
        rc, out, err = run(APP, "verify", "--status-db", SITE.db)
        self.assertEqual(rc, 0, out + err)
        self.assertEqual(out, "intact: %d records, %d checkpoints, %d on the status site\n"
                         % (head_count(APP), len(lines), len(lines)))

    def test_published(self):
        lines = file_lines(APP)
        with open(APP.state_base + ".audit-key.pub", "rb") as f:
            key = f.read().hex()
        status, ctype, body = get("/audit/checkpoints.txt")
        self.assertEqual((status, ctype), (200, "text/plain; charset=utf-8"))
        self.assertEqual(body.splitlines(), lines)
        status, ctype, body = get("/audit/public-keys.txt")
        self.assertEqual((status, ctype, body), (200, "text/plain; charset=utf-8", key + "\n"))
        out = os.path.join(WORK, "export")
        p = subprocess.run([APP.binary, "status-export", out, "--status-db", SITE.db],
                           capture_output=True, text=True, timeout=60, env=APP.env)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(out, "audit", "checkpoints.txt")) as f:
            self.assertEqual(f.read(), get("/audit/checkpoints.txt")[2])
        with open(os.path.join(out, "audit", "public-keys.txt")) as f:
            self.assertEqual(f.read(), key + "\n")

    def test_rewritten_whole_with_a_new_key(self):
        """The attacker has the database and the files beside it, not the
        status site: a fresh chain, a fresh key, freshly signed lines."""
        db, sdb = copy_all("rewritten")
        old_lines = file_lines(db)
        prev = "0" * 64
        c = db.db_connect()
        for r in rows(db):
            r = list(r)
            if r[0] == 1:
                r[8] = r[8] + "0"  # the edit the rewrite hides: every head after it differs
            h = chain_hash(prev, r)
            c.execute("UPDATE audit SET objects = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                      (r[8], bytes.fromhex(prev), bytes.fromhex(h), r[0]))
            prev = h
        c.commit()
        c.close()
        for suffix in (".audit-key", ".audit-key.pub", ".audit-checkpoints"):
            os.unlink(db.state_base + suffix)
        rc, out, err = run(db, "checkpoint")  # a new key, made on first use
        self.assertEqual(rc, 0, out + err)
        n = head_count(db)
        self.assertNotEqual(file_lines(db), old_lines)
        # against the file alone the rewrite passes: that is the attack
        rc, out, _ = run(db, "verify")
        self.assertEqual((rc, out), (0, "intact: %d records, 1 checkpoints\n" % n))
        rc, out, err = run(db, "verify", "--status-db", sdb)
        self.assertEqual(rc, 1, out)
        old = sorted({int(line.split()[0]) for line in old_lines})
        self.assertEqual(old[-1], n)
        self.assertEqual(
            out.splitlines(),
            ["checkpoint %d: the status site's public key differs from DB.audit-key.pub "
             "(key replaced)" % int(old_lines[0].split()[0])]
            + ["seq %d: head differs from the status site's signed checkpoint at count %d "
               "(log rewritten)" % (k, k) for k in old]
            + ["checkpoint %d: the file and the status site sign different heads "
               "(log rewritten)" % n]
            + ["checkpoint %d missing from the file (the status site holds it)" % k
               for k in old[:-1]])
        self.assertIn("NOT intact", err)

    def test_truncated_with_the_file(self):
        """The tail of the chain cut off, and the file's lines past it."""
        db, sdb = copy_all("truncated")
        lines = file_lines(db)
        keep = int(lines[0].split()[0])
        n = head_count(db)
        self.assertLess(keep, n)
        c = db.db_connect()
        c.execute("DELETE FROM audit WHERE seq > ?", (keep,))
        c.commit()
        c.close()
        with open(db.state_base + ".audit-checkpoints", "w") as f:
            f.write("".join(line + "\n" for line in lines if int(line.split()[0]) <= keep))
        rc, out, _ = run(db, "verify")
        self.assertEqual(rc, 0, out)  # the file alone no longer knows
        rc, out, _ = run(db, "verify", "--status-db", sdb)
        self.assertEqual(rc, 1, out)
        got = out.splitlines()
        self.assertEqual(got[0], "seq %d: truncated (%d records; the status site's checkpoint "
                                 "counts %d)" % (keep + 1, keep, n))
        cut = sorted({int(line.split()[0]) for line in lines if int(line.split()[0]) > keep})
        self.assertEqual(got[1:], ["checkpoint %d missing from the file (the status site holds it)"
                                   % k for k in cut])

    def test_missing_from_the_status_site_until_copied(self):
        db, sdb = copy_all("missing")
        # one more record (the command line's own), then a checkpoint of the file only
        p = subprocess.run([APP.binary, "--db", db.db, "tenant", "create", "Late Ltd"],
                           capture_output=True, text=True, timeout=60, env=db.env)
        self.assertEqual(p.returncode, 0, p.stderr)
        rc, out, err = run(db, "checkpoint")  # the file only
        self.assertEqual(rc, 0, out + err)
        n = head_count(db)
        rc, out, _ = run(db, "verify", "--status-db", sdb)
        self.assertEqual((rc, out.splitlines()),
                         (1, ["checkpoint %d missing from the status site" % n]))
        # the next checkpoint with the site copies the whole file
        rc, out, err = run(db, "checkpoint", "--status-db", sdb)
        self.assertEqual(rc, 0, out + err)
        rc, out, _ = run(db, "verify", "--status-db", sdb)
        self.assertEqual(rc, 0, out)
        self.assertEqual(status_lines(sdb), file_lines(db))

    def test_a_server_copies_the_file_at_start(self):
        """Checkpoints written while no status site was known reach it when
        a server that knows one starts."""
        sdb = os.path.join(WORK, "late-status.db")
        s = harness.Server(extra_serve_args=["--status-db", sdb])
        try:
            s.migrate()
            s.tenant_create("Early Ltd")
            s.cli("audit", "checkpoint")
            lines = file_lines(s)
            self.assertEqual(len(lines), 1)
            s.start()
            def copied():
                try:
                    return os.path.exists(sdb) and status_lines(sdb) == lines
                except sqlite3.Error:  # not made yet, or being made
                    return False
            wait_for("the file's line on the status site", copied)
            rc, out, _ = run(s, "verify", "--status-db", sdb)
            self.assertEqual(rc, 0, out)
        finally:
            s.stop_and_check()

    def test_the_status_copy_is_append_only(self):
        _, sdb = copy_all("append-only")
        c = sqlite3.connect(sdb)
        for sql in ("DELETE FROM audit_checkpoints", "UPDATE audit_checkpoints SET line = '1'"):
            with self.assertRaises(sqlite3.DatabaseError):
                c.execute(sql)
        c.close()
        self.assertEqual(status_lines(sdb), file_lines(APP))

    def test_bad_arguments(self):
        rc, _, err = run(APP, "verify", "--status-db")
        self.assertEqual(rc, 1)
        self.assertIn("usage", err)
        rc, _, err = run(APP, "verify", "--status-db", os.path.join(WORK, "nowhere.db"))
        self.assertEqual(rc, 1)
        self.assertIn("cannot read the status site's audit checkpoints", err)
        self.assertFalse(os.path.exists(os.path.join(WORK, "nowhere.db")))


if __name__ == "__main__":
    harness.main()

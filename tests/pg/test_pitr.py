#!/usr/bin/python3
"""Backups and point-in-time recovery on PostgreSQL (issue 12), done the way
docs/scaling.md tells an operator to, with scripts/pg.sh's commands:

  a cluster with WAL archiving on; a base backup; a day's work by two
  businesses through a postroom server; the moment T; more work, including
  a mistake to undo (an order deleted); the audit head signed
  (`postroom audit checkpoint`); the cluster lost. Then a new cluster from
  the base backup and the archive, recovered to T, and a postroom server on it.

It checks what a business would: every order it had at T is back, as it was
(statuses, tracking numbers, the deleted order), nothing made after T is, the
wall between the two businesses stands on the restored database (RLS is part
of the schema that came back), and their API keys work. It checks what the
operator is told: `postroom audit verify` reports the restored chain as
truncated against the checkpoint signed after T, since the accesses after T
are only in the journal and on the status site now. And the S10 step of the
restore: tracking numbers issued after T were printed on labels the restored
database knows nothing of, so the restore advances the serial counters
(`s10_serials`) past them before the service opens; a number issued after
the restore is then none of the lost ones.

Usage: test_pitr.py POSTROOM_BIN [CLUSTER_DIR]   (CTest passes both; the
cluster and its restore are made in CLUSTER_DIR and CLUSTER_DIR-restored)
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import types
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "e2e"))

BIN = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.environ.get("POSTROOM_BIN", "")
CLUSTER = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else os.path.join(
    os.environ.get("TMPDIR", "/tmp"), "postroom-pitr-%d" % os.getpid())
RESTORED = CLUSTER + "-restored"
os.environ["POSTROOM_BIN"] = BIN
os.environ["POSTROOM_TEST_PG"] = CLUSTER  # the harness's servers get databases there
os.environ.pop("POSTROOM_TEST_PGBOUNCER", None)

import harness  # noqa: E402  (reads POSTROOM_TEST_PG when imported)
from harness import order  # noqa: E402

PGSH = harness.PGSH
# How far a restore moves every S10 counter on: more numbers than the
# service issues between two base backups (docs/scaling.md).
S10_RESTORE_MARGIN = 1000000


def pgsh(*args):
    r = subprocess.run([PGSH, *args], capture_output=True, text=True, timeout=180)
    if r.returncode != 0:
        raise AssertionError("pg.sh %s failed: %s" % (" ".join(args), r.stderr.strip()))
    env = {}
    for line in r.stdout.splitlines():
        m = re.match(r"^(\w+)='(.*)'$", line)
        if m:
            env[m.group(1)] = m.group(2)
    return env


def psql(url, sql):
    r = subprocess.run(["psql", url, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise AssertionError("psql: %s\n-- %s" % (r.stderr.strip(), sql))
    return r.stdout.strip()


def moved(url, socket_dir, port):
    """url with its host and port those of another cluster."""
    head, _, query = url.partition("?")
    q = dict(urllib.parse.parse_qsl(query))
    q["host"], q["port"] = socket_dir, port
    return head + "?" + urllib.parse.urlencode(q, safe="/")


def shipped(ref):
    o = order(ref)
    o["postageDetails"] = {"serviceCode": "TOLP24"}
    return o


def refs_of(tenant):
    orders, _ = tenant.all_pages("/api/v1/orders/full", 100)
    return {o["orderReference"]: o for o in orders}


class PointInTimeRecovery(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for d in (CLUSTER, RESTORED):
            subprocess.run([PGSH, "stop", d], capture_output=True, timeout=120)
            shutil.rmtree(d, ignore_errors=True)
        pgsh("start", CLUSTER)
        pgsh("archive", CLUSTER)
        cls.server = harness.Server.start_new()
        s = cls.server
        cls.a, cls.b = s.new_tenant("PITR A"), s.new_tenant("PITR B")
        pgsh("basebackup", CLUSTER, "nightly")

        # the day until T
        cls.a_before = cls.a.create_orders([shipped("A1-%d" % i) for i in range(40)])
        cls.b_before = cls.b.create_orders([shipped("B1-%d" % i) for i in range(15)])
        first = cls.a_before[0]["orderIdentifier"]
        r = cls.a.get("/api/v1/orders/%d/label?documentType=postageLabel&includeReturnsLabel=false" % first)
        assert r.status == 200, r.short()
        time.sleep(0.2)
        cls.target = psql(s.db_super, "SELECT clock_timestamp()")
        time.sleep(0.2)

        # after T: more orders, and the mistake to undo
        cls.a_after = cls.a.create_orders([shipped("A2-%d" % i) for i in range(25)])
        r = cls.a.req("DELETE", "/api/v1/orders/%d" % first)
        assert r.status == 200, r.short()
        cls.b.create_orders([shipped("B2-0")])
        s.cli("audit", "checkpoint")
        cls.lost_tracking = {o["trackingNumber"] for o in cls.a_after}
        pgsh("wal-flush", CLUSTER)
        problems = s.stop()
        assert not problems, problems
        # the machine is lost: only the archive and the base backup are left
        subprocess.run([PGSH, "stop", CLUSTER], capture_output=True, timeout=120)

        t0 = time.monotonic()
        env = pgsh("restore", CLUSTER, "nightly", cls.target, RESTORED)
        # the figure docs/scaling.md quotes (not a target)
        print("pitr: restored from the base backup and the archive to T in %.1f s"
              % (time.monotonic() - t0), flush=True)
        cls.db = moved(s.db, env["POSTROOM_PG_SOCKET"], env["POSTROOM_PG_PORT"])
        cls.db_super = moved(s.db_super, env["POSTROOM_PG_SOCKET"], env["POSTROOM_PG_PORT"])
        cls.old_state = s.env["POSTROOM_STATE_DIR"]

        # the audit, read before anything new is written
        cls.verify = subprocess.run([BIN, "--db", cls.db, "audit", "verify"], capture_output=True,
                                    text=True, timeout=120,
                                    env=dict(os.environ, POSTROOM_STATE_DIR=cls.old_state))
        # the restore's S10 step, as the database's owner
        owner = re.sub(r"^postgres://[^/]*/", "postgres://postroom_owner@/", cls.db)
        psql(owner, "UPDATE s10_serials SET next_serial = next_serial + %d" % S10_RESTORE_MARGIN)

        # a server on the restored database, with a state directory of its own
        cls.state = state = tempfile.mkdtemp(prefix="postroom-pitr-state-")
        r = harness.Server(database=types.SimpleNamespace(
            db=cls.db, db_super=cls.db_super, env=dict(os.environ, POSTROOM_STATE_DIR=state),
            state_base=os.path.join(state, "postroom")))
        r.keys = list(s.keys)
        r.start()
        cls.restored = r
        cls.ra = harness.Tenant(r, "PITR A", cls.a.id, cls.a.key)
        cls.rb = harness.Tenant(r, "PITR B", cls.b.id, cls.b.key)

    @classmethod
    def tearDownClass(cls):
        problems = []
        if getattr(cls, "restored", None):
            try:
                cls.restored.stop_and_check()
            except AssertionError as e:
                problems.append(str(e))
        for d in (RESTORED, CLUSTER):
            subprocess.run([PGSH, "stop", d], capture_output=True, timeout=120)
        if getattr(cls, "state", None) and not problems:
            shutil.rmtree(cls.state, ignore_errors=True)
        if problems:
            raise AssertionError("\n".join(problems))

    def test_every_order_at_t_is_back_as_it_was(self):
        got = refs_of(self.ra)
        for o in self.a_before:
            ref = o["orderReference"]
            self.assertIn(ref, got, "%s was made before T" % ref)
            self.assertEqual(got[ref]["orderIdentifier"], o["orderIdentifier"])
            self.assertEqual(got[ref]["shippingDetails"]["trackingNumber"], o["trackingNumber"])
        # the order deleted after T is back, with the label printed before T
        self.assertEqual(got["A1-0"]["orderStatus"], "labelGenerated")
        self.assertEqual(got["A1-1"]["orderStatus"], "postageApplied")

    def test_nothing_made_after_t_is_there(self):
        got = refs_of(self.ra)
        self.assertEqual(sorted(got), sorted("A1-%d" % i for i in range(40)))
        self.assertEqual(sorted(refs_of(self.rb)), sorted("B1-%d" % i for i in range(15)))

    def test_the_wall_stands_on_the_restored_database(self):
        for o in self.b_before[:3]:
            # B's numbers, asked by A: A's own order of that number or nothing
            r = self.ra.get("/api/v1/orders/%d" % o["orderIdentifier"])
            self.assertIn(r.status, (200, 404), r.short())
            self.assertNotIn(b"B1-", r.body)
        r = self.rb.get('/api/v1/orders/"A1-5"')
        self.assertEqual(r.status, 404, r.short())
        rls = psql(self.db_super, "SELECT count(*) FROM pg_class WHERE relname = 'orders' "
                                  "AND relrowsecurity AND relforcerowsecurity")
        self.assertEqual(rls, "1")

    def test_audit_verify_reports_the_chain_truncated(self):
        out = self.verify.stdout + self.verify.stderr
        self.assertNotEqual(self.verify.returncode, 0, out)
        self.assertIn("truncated", out)

    def test_tracking_numbers_after_the_restore_are_none_of_the_lost_ones(self):
        made = self.ra.create_orders([shipped("A3-%d" % i) for i in range(25)])
        new = {o["trackingNumber"] for o in made}
        self.assertEqual(len(new), 25)
        self.assertFalse(new & self.lost_tracking, "a number printed after T was issued again")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)

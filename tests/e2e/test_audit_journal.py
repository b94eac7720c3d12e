"""The access audit's journal (issue 10, build step 4): a read's records are
in its server's journal file (DB.audit-journal/HOST-PID-STARTMS) before
the answer leaves, so a server killed with SIGKILL right after answering
loses none of them: the next server that starts appends what the dead one
had not, and every answered request is then in the chain exactly once, and
`audit verify` passes. A live server's journal is its own: a second server
on the same database leaves it alone.

Run: /usr/bin/python3 tests/e2e/test_audit_journal.py BUILD/postroom
"""
import os
import signal
import subprocess
import threading
import unittest

import harness

settle = harness.audit_settle


def chain_by_request(server):
    c = server.db_connect()
    try:
        got = {}
        for rid, action, objects in c.execute(
                "SELECT request_id, action, objects FROM audit WHERE action = 'order.read'"):
            got.setdefault(rid, []).append((action, objects))
        return got
    finally:
        c.close()


def journal_files(server):
    d = server.state_base + ".audit-journal"
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


def read_many(tenant, oid, n, threads=4):
    """n answered reads of order oid from several threads: their request ids."""
    out, lock = [], threading.Lock()

    def worker(k):
        for _ in range(k):
            r = tenant.get(harness.ids_path([oid]))
            assert r.status == 200, r.short()
            with lock:
                out.append(r.header("X-Request-Id"))

    ts = [threading.Thread(target=worker, args=(n // threads,)) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert all(out) and len(set(out)) == len(out)
    return out


class AuditJournalTest(unittest.TestCase):
    def kill_after_reads(self, s):
        """Answered reads, some appended and some held out of the chain,
        then SIGKILL: what the dead server leaves is its journal."""
        t = s.new_tenant("Journal Ltd")
        oid = t.create_orders([harness.order("J-1")])[0]["orderIdentifier"]
        # some reads the flusher may or may not have appended when the
        # server dies...
        first = read_many(t, oid, 100)
        # ...and some it certainly has not: the chain refuses them
        harness.refuse_inserts(s, "audit", True)
        held = read_many(t, oid, 100)
        s.proc.send_signal(signal.SIGKILL)
        s.proc.wait()
        self.assertEqual(s.proc.returncode, -signal.SIGKILL)
        dead = journal_files(s)
        self.assertEqual(len(dead), 1, dead)
        in_chain = chain_by_request(s)
        self.assertFalse(any(rid in in_chain for rid in held))
        harness.refuse_inserts(s, "audit", False)
        return oid, first, held, dead

    def test_sigkill_after_answered_reads_loses_no_record(self):
        s = harness.Server.start_new()
        try:
            oid, first, held, dead = self.kill_after_reads(s)
            s.start()  # replays the dead server's journal before it listens
            settle(s)
            self.assertNotIn(dead[0], journal_files(s))
            got = chain_by_request(s)
            for rid in first + held:
                self.assertEqual(got.get(rid), [("order.read", "order:%d" % oid)], rid)
            c = s.db_connect()
            left = c.execute("SELECT count(*) FROM audit_journal WHERE name = ?",
                             (dead[0],)).fetchone()[0]
            c.close()
            self.assertEqual(left, 0)
            p = subprocess.run([s.binary, "--db", s.db, "audit", "verify"],
                               capture_output=True, text=True, timeout=60, env=s.env)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            self.assertIn("audit journal replayed", s.stderr_text())
        finally:
            problems = s.stop()
        self.assertEqual(problems, [])

    def test_verify_appends_a_dead_servers_journal_itself(self):
        # no server needs to start again: audit verify appends what the dead
        # server left in its journal before it walks the chain
        s = harness.Server.start_new()
        try:
            oid, first, held, dead = self.kill_after_reads(s)
            p = subprocess.run([s.binary, "--db", s.db, "audit", "verify"],
                               capture_output=True, text=True, timeout=60, env=s.env)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            self.assertIn("appended 1 audit journal a stopped server left", p.stderr)
            self.assertEqual(journal_files(s), [])
            got = chain_by_request(s)
            for rid in first + held:
                self.assertEqual(got.get(rid), [("order.read", "order:%d" % oid)], rid)
        finally:
            s.start()
            problems = s.stop()
        self.assertEqual(problems, [])

    def test_a_second_server_leaves_a_live_journal_alone(self):
        a = harness.Server.start_new()
        b = a.sibling()  # the same database and journal directory
        try:
            t = a.new_tenant("Two Servers Ltd")
            oid = t.create_orders([harness.order("J-2")])[0]["orderIdentifier"]
            harness.refuse_inserts(a, "audit", True)
            held = read_many(t, oid, 40)
            b.start()  # finds a's journal locked: a lives
            harness.refuse_inserts(a, "audit", False)
            self.assertNotIn("audit journal replayed", b.stderr_text())
            settle(a)
            self.assertEqual(len(journal_files(a)), 2)
            got = chain_by_request(a)
            for rid in held:
                self.assertEqual(len(got.get(rid, [])), 1, rid)
        finally:
            problems = b.stop() + a.stop()
        self.assertEqual(problems, [])
        # each server removed its own journal once all of it was appended
        self.assertEqual(journal_files(a), [])


if __name__ == "__main__":
    harness.main()

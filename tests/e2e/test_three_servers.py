"""Three postroom servers on one database (issue 12), as behind any load
balancer: nothing may be kept per process that breaks with three.

On SQLite the three share one file; with POSTROOM_TEST_PG (CTest's
e2e_pg_three_servers) they share one PostgreSQL database, which is the
deployment the issue is about. Checked:
  - a session made through one server works on the other two, and signing
    out through another ends it everywhere;
  - a kill switch set through the command line reaches all three within
    1 s (the delays are printed; only the issue's 1 s bound is asserted);
  - order numbers and S10 tracking numbers never collide while all three
    create orders for the same businesses at once;
  - SIGKILLing one server while all three take orders loses no order any
    of them acknowledged, and the killed one comes back on its journal.

Run: /usr/bin/python3 tests/e2e/test_three_servers.py BUILD/postroom
"""
import json
import signal
import sys
import threading
import time
import unittest

import harness

SERVERS = []
TA = TB = None
PASSWORD = "three servers test password"
BOUND_S = 1.0


def setUpModule():
    global TA, TB
    first = harness.Server.start_new()
    SERVERS.append(first)
    for _ in range(2):
        s = first.sibling()
        s.start()
        SERVERS.append(s)
    TA = first.new_tenant("Three A Ltd")
    TB = first.new_tenant("Three B Ltd")


def tearDownModule():
    problems = []
    for s in reversed(SERVERS):
        try:
            s.stop_and_check(forbidden_in_logs=[PASSWORD])
        except harness.ServerError as e:
            problems.append(str(e))
    if problems:
        raise harness.ServerError("\n\n".join(problems))


def shipped(ref, service=None):
    o = harness.order(ref)
    if service:
        o["postageDetails"] = {"serviceCode": service}
    return o


def create(server, tenant, items):
    """POST /orders through one server: the created orders, or None when the
    server did not acknowledge them (no answer, or not a 200)."""
    try:
        r = server.request("POST", "/api/v1/orders", key=tenant.key, timeout=30,
                           body=json.dumps({"items": items}).encode(),
                           headers={"Content-Type": "application/json"})
    except OSError:
        return None
    if r.status != 200:
        return None
    body = r.json()
    if body.get("errorsCount"):
        raise AssertionError("orders refused: %s" % r.short())
    return body["createdOrders"]


class ThreeServers(unittest.TestCase):
    def test_a_session_made_on_one_works_on_all(self):
        user = harness.WebUser(SERVERS[0], TA, "staff@three-a.example", PASSWORD)
        for s in SERVERS:
            r = s.request("GET", "/", headers={"Cookie": user.cookie})
            self.assertEqual(r.status, 200, r.short())
            self.assertIn("Three A Ltd", r.text())
        # signing out through the second ends it on the first and the third
        r = SERVERS[1].request("POST", "/logout", headers={
            "Cookie": user.cookie, "Content-Type": "application/x-www-form-urlencoded"},
            body=("csrf=%s" % user.csrf).encode())
        self.assertIn(r.status, (302, 303), r.short())
        for s in (SERVERS[0], SERVERS[2]):
            r = s.request("GET", "/", headers={"Cookie": user.cookie})
            self.assertIn(r.status, (302, 303), r.short())
            self.assertIn("/login", r.header("Location") or "")

    def test_a_kill_switch_reaches_all_three_within_a_second(self):
        for s in SERVERS:
            self.assertEqual(s.request("GET", "/api/v1/orders", key=TA.key).status, 200)
        SERVERS[2].cli("killswitch", "on", "--reason", "Three-server drill.")
        t0 = time.monotonic()
        try:
            pending = set(range(len(SERVERS)))
            while pending:
                for i in sorted(pending):
                    if SERVERS[i].request("GET", "/api/v1/orders", key=TA.key).status == 503:
                        sys.stderr.write("  [server %d obeyed in %.0f ms]\n" % (i, (time.monotonic() - t0) * 1000))
                        pending.discard(i)
                if pending and time.monotonic() - t0 > BOUND_S:
                    self.fail("servers %s still served %.1f s after the switch" % (sorted(pending), BOUND_S))
                time.sleep(0.02)
        finally:
            SERVERS[2].cli("killswitch", "off")
        t0 = time.monotonic()
        for s in SERVERS:
            while s.request("GET", "/api/v1/orders", key=TA.key).status != 200:
                self.assertLess(time.monotonic() - t0, BOUND_S * 2, "a server stayed switched off")
                time.sleep(0.02)

    def test_numbers_never_collide(self):
        """Six writers, two per server, for two businesses at once; half the
        orders buy postage, so S10 serials are taken on every server."""
        made = {"A": [], "B": []}
        errors = []
        lock = threading.Lock()

        def writer(i):
            server = SERVERS[i % 3]
            for batch in range(6):
                for name, tenant in (("A", TA), ("B", TB)):
                    items = [shipped("N-%d-%d-%d" % (i, batch, k), "TOLP24" if k % 2 else None) for k in range(10)]
                    got = create(server, tenant, items)
                    with lock:
                        if got is None:
                            errors.append("writer %d batch %d for %s not acknowledged" % (i, batch, name))
                        else:
                            made[name].extend(got)

        threads = [threading.Thread(target=writer, args=(i,)) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        self.assertEqual(errors, [])
        tracking = []
        for name in ("A", "B"):
            ids = [o["orderIdentifier"] for o in made[name]]
            self.assertEqual(len(ids), 6 * 6 * 10)
            self.assertEqual(len(ids), len(set(ids)), "order numbers of %s collided" % name)
            tracking += [o["trackingNumber"] for o in made[name] if "trackingNumber" in o]
        self.assertEqual(len(tracking), 2 * 6 * 6 * 5, "every order with a service bought a tracking number")
        self.assertEqual(len(tracking), len(set(tracking)), "S10 tracking numbers collided across servers")

    def test_sigkill_of_one_server_loses_no_acknowledged_order(self):
        acked = []
        lock = threading.Lock()
        stop = threading.Event()

        def writer(i):
            server = SERVERS[i % 3]
            n = 0
            while not stop.is_set():
                items = [shipped("K-%d-%d-%d" % (i, n, k)) for k in range(5)]
                n += 1
                got = create(server, TA, items)
                if got:
                    with lock:
                        acked.extend((o["orderIdentifier"], o["orderReference"]) for o in got)

        threads = [threading.Thread(target=writer, args=(i,)) for i in range(6)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        victim = SERVERS[1]
        victim.proc.send_signal(signal.SIGKILL)
        victim.proc.wait()
        time.sleep(1.0)
        stop.set()
        for t in threads:
            t.join(120)
        self.assertGreater(len(acked), 50, "the writers made too few orders to mean anything")
        seen = {}
        orders, _ = TA.all_pages("/api/v1/orders", page_size=100)
        for o in orders:
            seen[o["orderIdentifier"]] = o["orderReference"]
        lost = [(i, ref) for i, ref in acked if seen.get(i) != ref]
        self.assertEqual(lost, [], "acknowledged orders missing after a server was killed")
        # The killed server comes back on the same database and state (its
        # audit journal replayed) and serves again.
        victim.start()
        self.assertEqual(victim.request("GET", "/api/v1/orders", key=TA.key).status, 200)


if __name__ == "__main__":
    harness.main()

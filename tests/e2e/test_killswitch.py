"""The kill switch (issue 10): `postroom killswitch on|off|status`.

Two server processes share ONE database, as servers behind a load balancer
would. A switch set through the CLI must be obeyed by both within 1 s: an
API call gets 503 ErrorResponse {"code":"ServiceSuspended"} with
Retry-After: 60, a browser's page GET a 503 page; /healthz stays 200.
Switched off, both serve again within 1 s. A tenant's switch stops only
that tenant; a feature switch (labels) only the label route. Every API
answer is checked against the spec by the harness, 503s included. The
delays are polled every 50 ms and printed, never asserted beyond the 1 s
bound the issue sets.

Run: /usr/bin/python3 tests/e2e/test_killswitch.py BUILD/postroom
"""
import os
import sys
import time
import unittest

import harness

A = B = None  # two servers, one database
TA = TB = None
USER = None
PASSWORD = "kill switch tests password"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
BOUND_S = 1.0
POLL_S = 0.05


def setUpModule():
    global A, B, TA, TB, USER
    A = harness.Server.start_new()
    B = A.sibling()  # the second process serves the first's database
    B.start()
    TA = A.new_tenant("Switch A Ltd")
    TB = A.new_tenant("Switch B Ltd")
    USER = harness.WebUser(A, TA, "ops@switch-a.example", PASSWORD)


def tearDownModule():
    problems = []
    for s in (B, A):
        try:
            s.stop_and_check(forbidden_in_logs=[PASSWORD])
        except harness.ServerError as e:
            problems.append(str(e))
    if problems:
        raise harness.ServerError("\n\n".join(problems))


def switch(*args):
    """Runs `postroom killswitch ARGS`; returns when it returned (the start
    of every delay measured after it)."""
    A.cli("killswitch", *args)
    return time.monotonic()


def wait_for(what, check, start):
    """Polls check() every 50 ms until 1 s after start (when the CLI
    returned); returns the delay it took to hold, printed."""
    while True:
        if check():
            delay = time.monotonic() - start
            sys.stderr.write("  [%s: %.0f ms]\n" % (what, delay * 1000))
            return delay
        if time.monotonic() - start > BOUND_S:
            raise AssertionError("%s: not within %.1f s" % (what, BOUND_S))
        time.sleep(POLL_S)


def api_status(server, tenant, path="/api/v1/orders"):
    return server.request("GET", path, key=tenant.key).status


def page_status(server):
    return server.request("GET", "/", headers=dict(BROWSER, Cookie=USER.cookie)).status


class KillSwitch(unittest.TestCase):
    def tearDown(self):
        # leave nothing on for the next test, whatever happened
        out = A.cli("killswitch", "status")
        for line in out.splitlines():
            if not line.startswith("on "):
                continue
            f = dict(kv.split("=", 1) for kv in line.split(" ")[1:5])
            args = ["killswitch", "off"]
            if f["tenant"] != "all":
                args += ["--tenant", f["tenant"]]
            if f["feature"] != "all":
                args += ["--feature", f["feature"]]
            A.cli(*args)

    def test_global_switch_reaches_both_servers(self):
        for s in (A, B):
            self.assertEqual(api_status(s, TA), 200)
            self.assertEqual(page_status(s), 200)
        t0 = switch("on", "--reason", "Incident 7: investigating a data exposure.")
        for s, name in ((A, "A"), (B, "B")):
            wait_for("global on, server %s API 503" % name, lambda s=s: api_status(s, TA) == 503, t0)
        for s in (A, B):
            r = s.request("GET", "/api/v1/orders", key=TB.key)
            self.assertEqual(r.status, 503, r.short())
            self.assertEqual(r.header("Retry-After"), "60")
            body = r.json()
            self.assertEqual(body["code"], "ServiceSuspended")
            self.assertIn("Incident 7: investigating a data exposure.", body["message"])
            self.assertIn("status", body["message"].lower())
            # a write is stopped before its handler: nothing is created
            w = s.request("POST", "/api/v1/orders", key=TA.key,
                          body=harness.json.dumps({"items": [harness.order("KS-1")]}).encode(),
                          headers={"Content-Type": "application/json"})
            self.assertEqual(w.status, 503, w.short())
            p = s.request("GET", "/", headers=dict(BROWSER, Cookie=USER.cookie))
            self.assertEqual(p.status, 503, p.short())
            self.assertIn("text/html", p.header("Content-Type"))
            self.assertIn("Incident 7", p.text())
            self.assertEqual(s.request("GET", "/healthz").status, 200)
            self.assertEqual(s.request("GET", "/metrics").status, 200)
            self.assertEqual(s.request("GET", "/login", headers=BROWSER).status, 200)
        out = A.cli("killswitch", "status")
        self.assertIn("tenant=all feature=all", out)
        self.assertIn("Incident 7", out)

        t0 = switch("off")
        for s, name in ((A, "A"), (B, "B")):
            wait_for("global off, server %s API 200" % name, lambda s=s: api_status(s, TA) == 200, t0)
            wait_for("global off, server %s page 200" % name, lambda s=s: page_status(s) == 200, t0)
        self.assertIn("no kill switch is on", A.cli("killswitch", "status"))
        # nothing was created while it was on
        got = A.request("GET", "/api/v1/orders", key=TA.key).json()
        self.assertNotIn("KS-1", [o.get("orderReference") for o in got.get("orders", [])])

    def test_tenant_switch_stops_only_that_tenant(self):
        t0 = switch("on", "--tenant", TA.id, "--reason", "Tenant A suspended for review.")
        for s, name in ((A, "A"), (B, "B")):
            wait_for("tenant on, server %s" % name, lambda s=s: api_status(s, TA) == 503, t0)
            self.assertEqual(api_status(s, TB), 200)
            self.assertEqual(page_status(s), 503)  # the web user is tenant A's
        r = B.request("GET", "/api/v1/orders", key=TA.key)
        self.assertIn("Tenant A suspended for review.", r.json()["message"])
        t0 = switch("off", "--tenant", TA.id)
        for s, name in ((A, "A"), (B, "B")):
            wait_for("tenant off, server %s" % name, lambda s=s: api_status(s, TA) == 200, t0)

    def test_feature_switch_stops_only_labels(self):
        label = "/api/v1/orders/1/label?documentType=postageLabel"
        before = api_status(A, TA, label)
        self.assertNotEqual(before, 503)
        t0 = switch("on", "--feature", "labels", "--reason", "Label printing paused.")
        for s, name in ((A, "A"), (B, "B")):
            wait_for("labels on, server %s" % name, lambda s=s: api_status(s, TA, label) == 503, t0)
            self.assertEqual(api_status(s, TA), 200)
            self.assertEqual(api_status(s, TB), 200)
            self.assertEqual(page_status(s), 200)
        t0 = switch("off", "--feature", "labels")
        for s, name in ((A, "A"), (B, "B")):
            wait_for("labels off, server %s" % name, lambda s=s: api_status(s, TA, label) == before, t0)

    def test_cli_refuses_bad_input(self):
        def fails(*args):
            p = harness.subprocess.run([A.binary, "--db", A.db] + list(args), capture_output=True, text=True,
                                       env=A.env)
            self.assertNotEqual(p.returncode, 0, args)
            self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
            return p.stderr
        self.assertIn("--reason", fails("killswitch", "on"))
        self.assertIn("--feature", fails("killswitch", "on", "--feature", "orders", "--reason", "x"))
        self.assertIn("tenant", fails("killswitch", "on", "--tenant", "999999", "--reason", "x"))
        self.assertIn("not on", fails("killswitch", "off", "--feature", "exports"))
        fails("killswitch", "on", "--reason", "two\nlines")
        fails("killswitch", "sideways")
        # none of that switched anything on
        self.assertIn("no kill switch is on", A.cli("killswitch", "status"))
        self.assertEqual(api_status(B, TA), 200)


if __name__ == "__main__":
    harness.main()

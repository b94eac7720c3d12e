"""The tripwire, the breach register and the blast radius (issue 10).

The Done-when: a test build whose store hands back a row of another tenant
(postroom-fault, beside the postroom binary; tests/fault/) shows, within the
one request that tripped: the answer withheld, the kill switch on, a status
incident posted (summary.json of a running status-serve), a breach entry
listing exactly the records exposed, and the affected business's notice.
Then the --tripwire=tenant and =log variants, `killswitch on|off` posting to
the status site, the register's commands (a decision refused without its
reason), and `breach blast-radius` over a hand-made audit table.

Business A (the receiver) asks GET /api/v1/orders/{id} for an id it does not
have and B does; the fault build hands A B's order.

Run: /usr/bin/python3 tests/e2e/test_tripwire.py BUILD/postroom
"""
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import harness

BROWSER = {"Accept": "text/html,application/xhtml+xml"}
PASSWORD = "tripwire tests password"
B_NAME = "Beatrix Canary-Recipient"  # B's customer: never in A's answer, a page of A, or a log
B_REF = "B-SECRET-REF"


def fault_binary():
    path = os.path.join(os.path.dirname(harness.binary_path()), "postroom-fault")
    if not os.access(path, os.X_OK):
        raise AssertionError("the fault build %s is missing (built with every build)" % path)
    return path


class StatusSite:
    """`postroom status-serve` on its own status database."""

    def __init__(self):
        self.binary = harness.binary_path()
        self.dir = tempfile.mkdtemp(prefix="postroom-tripwire-status-")
        self.db = os.path.join(self.dir, "status.db")
        self.port = harness.free_port()
        self.err = open(os.path.join(self.dir, "stderr"), "w+")
        self.proc = subprocess.Popen(
            [self.binary, "status-serve", "--listen", "127.0.0.1:%d" % self.port, "--status-db",
             self.db], stdout=subprocess.DEVNULL, stderr=self.err)
        deadline = time.monotonic() + 10
        while True:
            try:
                self.get("status.json")
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("status-serve did not start")
                time.sleep(0.05)

    def get(self, doc):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        c.request("GET", "/api/v2/" + doc)
        r = c.getresponse()
        body = r.read()
        c.close()
        assert r.status == 200, (doc, r.status, body)
        return json.loads(body)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=30)
        self.err.seek(0)
        text = self.err.read()
        self.err.close()
        for m in harness.SANITIZER_MARKERS:
            assert m not in text, text
        assert rc == 0, (rc, text)
        shutil.rmtree(self.dir, ignore_errors=True)


class Rig:
    """The fault build serving A and B, with a status site beside it."""

    def __init__(self, mode):
        self.site = StatusSite()
        os.environ["POSTROOM_FAULT"] = "foreign-row"
        try:
            self.app = harness.Server(binary=fault_binary(), extra_serve_args=[
                "--status-db", self.site.db, "--audit-reads", "1", "--tripwire=" + mode])
            self.app.migrate()
            self.app.start()
        finally:
            del os.environ["POSTROOM_FAULT"]
        self.a = self.app.new_tenant("Receiver A Ltd")
        self.b = self.app.new_tenant("Exposed B Ltd")
        self.a.create_orders([harness.order("A-OWN-1")])
        created = self.b.create_orders([
            harness.order("B-OTHER"),
            harness.order(B_REF, recipient={"address": {
                "fullName": B_NAME, "addressLine1": "1 Canary Wharf", "city": "London",
                "postcode": "E14 5AB", "countryCode": "GB"}})])
        self.b_ids = [c["orderIdentifier"] for c in created]
        # the id A asks for: B's second order, which A does not have
        self.exposed = self.b_ids[1]
        self.a_user = harness.WebUser(self.app, self.a, "ops@receiver-a.example", PASSWORD)
        self.b_user = harness.WebUser(self.app, self.b, "ops@exposed-b.example", PASSWORD)

    def trip(self, test):
        r = self.a.get("/api/v1/orders/%d" % self.exposed)
        test.assertEqual(r.status, 500, r.short())
        test.assertEqual(r.json()["code"], "InternalError")
        for secret in (B_NAME, B_REF, "Canary Wharf"):
            test.assertNotIn(secret, r.text())
        return r

    def cli(self, *args):
        return self.app.cli(*args)

    def switch_off(self):
        """`killswitch off` and wait (at most 5 s) until this server serves A again."""
        self.cli("killswitch", "off", "--status-db", self.site.db)
        deadline = time.monotonic() + 5
        while self.a.get("/api/v1/orders").status != 200:
            assert time.monotonic() < deadline, "the server did not obey killswitch off"
            time.sleep(0.05)

    def cli_fails(self, *args):
        p = subprocess.run([self.app.binary, "--db", self.app.db] + [str(a) for a in args],
                           capture_output=True, text=True, timeout=60, env=self.app.env)
        return p

    def page(self, user, path="/"):
        return self.app.request("GET", path, headers=dict(BROWSER, Cookie=user.cookie))

    def stop(self):
        try:
            self.app.stop_and_check(forbidden_in_logs=[B_NAME, B_REF, "Canary Wharf", PASSWORD])
        finally:
            self.site.stop()


def breach_show(rig, bid=1):
    return rig.cli("breach", "show", bid)


def record_lines(show):
    """The blast radius lines of `breach show`: '  order:N seen by business T (key:K): ...'."""
    return [l.strip() for l in show.splitlines() if re.match(r"^  \S+ seen by business ", l)]


class TripwireKillswitch(unittest.TestCase):
    """The default mode: everything in the one request."""

    @classmethod
    def setUpClass(cls):
        cls.rig = Rig("killswitch")

    @classmethod
    def tearDownClass(cls):
        cls.rig.stop()

    def test_one_request_does_it_all(self):
        rig = self.rig
        self.assertEqual(rig.page(rig.b_user).status, 200)  # B's pages work before
        self.assertNotIn("Notice about your data", rig.page(rig.b_user).text())
        rig.trip(self)
        # at once: this server's next request is stopped (it refreshed its snapshot)
        r = rig.a.get("/api/v1/orders")
        self.assertEqual(r.status, 503, r.short())
        self.assertEqual(r.json()["code"], "ServiceSuspended")
        self.assertIn("protective measure", r.json()["message"])
        self.assertEqual(rig.b.get("/api/v1/orders").status, 503)  # global: B too
        status = rig.cli("killswitch", "status")
        self.assertRegex(status, r"on tenant=all feature=all set_by=tripwire ")
        # the status site, a process of its own, shows the incident
        summary = rig.site.get("summary.json")
        self.assertEqual(len(summary["incidents"]), 1, summary["incidents"])
        inc = summary["incidents"][0]
        self.assertEqual(inc["status"], "investigating")
        self.assertEqual(inc["impact"], "critical")
        self.assertIsNone(inc["resolved_at"])
        self.assertEqual({c["name"] for c in inc["components"]} >= {"API", "Web app"}, True)
        self.assertEqual(summary["status"]["indicator"] in ("major", "critical"), True, summary["status"])
        for text in (inc["name"], inc["incident_updates"][0]["body"]):
            for secret in (B_NAME, B_REF, rig.a.name, rig.b.name):
                self.assertNotIn(secret, text)
        # the register: one entry, opened by the tripwire, exactly B's exposed order to A
        listing = rig.cli("breach", "list")
        self.assertEqual(len(listing.strip().splitlines()), 1, listing)
        self.assertRegex(listing, r"^1 open aware \d{4}-\d\d-\d\d \d\d:\d\d (GMT|BST) deadline ")
        self.assertIn("[tripwire]", listing)
        self.assertIn("[status posted]", listing)
        show = breach_show(rig)
        lines = record_lines(show)
        self.assertEqual(len(lines), 1, show)
        self.assertRegex(lines[0], r"^order:%d seen by business %s \(key:\d+\): order\.read,egress\.withheld, "
                         r"1 time \(1 withheld\)" % (rig.exposed, rig.a.id))
        self.assertIn("1 record of 1 business", show)
        self.assertIn("business %s: 1 record" % rig.b.id, show)
        for secret in (B_NAME, B_REF, "Canary Wharf"):
            self.assertNotIn(secret, show)
        # B's notice: on the 503 page while the pages are stopped
        page = rig.page(rig.b_user)
        self.assertEqual(page.status, 503)
        self.assertIn("Notice about your data", page.text())
        self.assertIn("order:%d" % rig.exposed, page.text())
        self.assertRegex(page.text(), r"<td>order:%d</td><td>%s</td>" % (rig.exposed, rig.a.id))
        self.assertNotIn("A-OWN-1", page.text())
        # A, the receiver, has no notice: nothing of A's was exposed
        self.assertNotIn("Notice about your data", rig.page(rig.a_user).text())

        # switched off by the operator: the incident resolves, the pages carry the banner
        rig.switch_off()
        self.assertEqual(rig.site.get("summary.json")["incidents"], [])
        resolved = rig.site.get("incidents.json")["incidents"][0]
        self.assertEqual(resolved["status"], "resolved")
        home = rig.page(rig.b_user)
        self.assertEqual(home.status, 200)
        self.assertIn('<a href="/notices">', home.text())
        notices = rig.page(rig.b_user, "/notices")
        self.assertEqual(notices.status, 200)
        self.assertIn("<td>order:%d</td><td>%s</td>" % (rig.exposed, rig.a.id), notices.text())
        self.assertNotIn("order:%d<" % rig.b_ids[0], notices.text())  # only what was exposed
        a_notices = rig.page(rig.a_user, "/notices")
        self.assertIn("There is no notice", a_notices.text())
        self.assertNotIn("Notice about your data", rig.page(rig.a_user).text())

        # a second trip joins the open entry instead of opening another
        rig.trip(self)
        self.assertEqual(len(rig.cli("breach", "list").strip().splitlines()), 1)
        lines = record_lines(breach_show(rig))
        self.assertEqual(len(lines), 1)
        self.assertIn("2 times (2 withheld)", lines[0])
        self.assertIn("Another tenant_mismatch recorded", breach_show(rig))
        rig.switch_off()

        # the register's commands: a decision without its reason is refused and changes nothing
        p = rig.cli_fails("breach", "decide", 1, "--notify", "no")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("reason", p.stderr)
        self.assertIn("decision pending", rig.cli("breach", "list"))
        rig.cli("breach", "update", 1, "--note", "Fault traced to a store change; reverted.")
        rig.cli("breach", "decide", 1, "--notify", "no", "--reason",
                "Every answer was withheld by the egress check: no personal data left postroom.")
        show = breach_show(rig)
        self.assertIn("Do not notify the ICO", show)
        self.assertIn("Fault traced to a store change; reverted.", show)
        draft = rig.cli("breach", "export", 1, "--markdown")
        for field in ("Occurred", "We became aware", "ICO deadline (72 hours)", "Nature",
                      "Categories of people", "Approximate number of people",
                      "Categories of records", "Approximate number of records",
                      "Likely consequences", "Measures taken or proposed", "Contact point",
                      "Blast radius", "Updates (Art. 33(4))"):
            self.assertIn(field, draft)
        self.assertIn("business %s: 1 record" % rig.b.id, draft)
        self.assertIn("received by business %s" % rig.a.id, draft)
        for secret in (B_NAME, B_REF, "Canary Wharf", rig.a.name, rig.b.name):
            self.assertNotIn(secret, draft)
        # closed, the next trip opens a new entry
        rig.cli("breach", "close", 1)
        rig.trip(self)
        self.assertEqual(len(rig.cli("breach", "list").strip().splitlines()), 2)
        lines = record_lines(breach_show(rig, 2))  # only what came after the first closed
        self.assertEqual(len(lines), 1)
        self.assertIn("1 time (1 withheld)", lines[0])
        rig.switch_off()


class TripwireTenant(unittest.TestCase):
    """--tripwire=tenant: only the receiving business is switched off."""

    def test_receiver_only(self):
        rig = Rig("tenant")
        try:
            rig.trip(self)
            self.assertEqual(rig.a.get("/api/v1/orders").status, 503)
            self.assertEqual(rig.b.get("/api/v1/orders").status, 200)
            self.assertRegex(rig.cli("killswitch", "status"),
                             r"on tenant=%s feature=all set_by=tripwire " % rig.a.id)
            self.assertEqual(len(rig.site.get("summary.json")["incidents"]), 1)
            self.assertEqual(len(record_lines(breach_show(rig))), 1)
            home = rig.page(rig.b_user)  # B's pages are up, with the banner
            self.assertEqual(home.status, 200)
            self.assertIn("Notice about your data", home.text())
        finally:
            rig.stop()


class TripwireLog(unittest.TestCase):
    """--tripwire=log: no switch and no status post, but the register still records it."""

    def test_log_only(self):
        rig = Rig("log")
        try:
            rig.trip(self)
            self.assertEqual(rig.a.get("/api/v1/orders").status, 200)
            self.assertIn("off: no kill switch is on", rig.cli("killswitch", "status"))
            self.assertEqual(rig.site.get("summary.json")["incidents"], [])
            lines = record_lines(breach_show(rig))
            self.assertEqual(len(lines), 1)
            self.assertIn("order:%d seen by business %s" % (rig.exposed, rig.a.id), lines[0])
            # the notices page is a signed-in page like the others
            r = rig.app.request("GET", "/notices", headers=BROWSER)
            self.assertEqual(r.status, 303)
            self.assertEqual(r.header("Location"), "/login")
            # a mode it does not know is refused before serving
            p = subprocess.run([rig.app.binary, "--db", rig.app.db, "serve", "--tripwire=maybe"],
                               capture_output=True, text=True, timeout=30, env=rig.app.env)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("--tripwire must be killswitch, tenant or log", p.stderr)
        finally:
            rig.stop()


class KillswitchPostsToStatus(unittest.TestCase):
    """`killswitch on` posts an incident when a status database is given; off resolves it."""

    def test_on_off(self):
        site = StatusSite()
        app = harness.Server.start_new()
        try:
            app.cli("killswitch", "on", "--reason", "Maintenance of the label printers.",
                    "--feature", "labels", "--status-db", site.db)
            incs = site.get("summary.json")["incidents"]
            self.assertEqual(len(incs), 1)
            self.assertEqual(incs[0]["status"], "investigating")
            self.assertIn("Maintenance of the label printers.", incs[0]["incident_updates"][0]["body"])
            self.assertEqual([c["name"] for c in incs[0]["components"]], ["Labels"])
            # on again: still one incident
            app.cli("killswitch", "on", "--reason", "Still at it.", "--feature", "labels",
                    "--status-db", site.db)
            self.assertEqual(len(site.get("summary.json")["incidents"]), 1)
            app.cli("killswitch", "off", "--feature", "labels", "--status-db", site.db)
            self.assertEqual(site.get("summary.json")["incidents"], [])
            self.assertEqual(site.get("incidents.json")["incidents"][0]["status"], "resolved")
            # without a status database nothing is posted
            app.cli("killswitch", "on", "--reason", "Quiet.", "--feature", "imports")
            app.cli("killswitch", "off", "--feature", "imports")
            self.assertEqual(len(site.get("incidents.json")["incidents"]), 1)
        finally:
            app.stop_and_check()
            site.stop()


# --------------------------------------------------------------------------- blast radius


T0 = 1796119200000  # 2026-12-01T10:00:00Z


def audit_row(db, seq, t, principal_tenant, principal_id, data_tenant, action, objects, rid):
    db.execute("INSERT INTO audit(seq, time, server_id, request_id, principal_tenant, principal_id, "
               "data_tenant, action, objects, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
               (seq, t, "host:1", rid, principal_tenant, principal_id, data_tenant, action, objects,
                bytes(32), seq.to_bytes(32, "big")))


class BlastRadius(unittest.TestCase):
    """`breach blast-radius` over a hand-made audit table and one security event."""

    @classmethod
    def setUpClass(cls):
        cls.app = harness.Server()
        cls.app.migrate()
        db = cls.app.db_connect()
        m = 60000
        audit_row(db, 1, T0 + 1 * m, 2, "key:1", 2, "order.read", "order:1001,1002", "r1")  # own
        audit_row(db, 2, T0 + 2 * m, 2, "key:1", 3, "order.read", "order:1001,1002", "r2")
        audit_row(db, 3, T0 + 3 * m, 2, "key:1", 3, "order.read", "order:1002", "r3")
        audit_row(db, 4, T0 + 4 * m, 4, "user:9", 3, "order.read", "order:1005", "r4")
        audit_row(db, 5, T0 + 5 * m, 3, "key:2", 2, "order.read", "order:1007", "r5")
        audit_row(db, 6, T0 + 500 * m, 2, "key:1", 3, "order.read", "order:1009", "r6")  # after
        db.execute("INSERT INTO security_events(time, kind, request_id, route, principal_tenant, "
                   "principal_id, exposed_tenant, records) VALUES (?,?,?,?,?,?,?,?)",
                   (T0 + 3 * m, "tenant_mismatch", "r3", "GET /orders/{ids}", 2, "key:1", 3,
                    "order:1002"))
        db.commit()
        db.close()

    @classmethod
    def tearDownClass(cls):
        cls.app.stop_and_check()

    def test_json(self):
        out = json.loads(self.app.cli("breach", "blast-radius", "--from", "2026-12-01T10:00:00Z",
                                      "--to", "2026-12-01T11:00:00Z", "--json"))
        self.assertEqual(out["from"], "2026-12-01T10:00:00Z")
        self.assertEqual(out["records"], 4)  # 3:1001, 3:1002, 3:1005, 2:1007
        self.assertEqual(out["businesses"], 2)
        by = {a["tenant"]: a["accesses"] for a in out["affected"]}
        self.assertEqual(sorted(by), [2, 3])
        self.assertEqual([(x["object"], x["principalTenant"]) for x in by[2]], [("order:1007", 3)])
        got = [(x["object"], x["principalTenant"], x["principalId"], x["times"], x["withheld"])
               for x in by[3]]
        self.assertEqual(got, [("order:1001", 2, "key:1", 1, 0),
                               ("order:1002", 2, "key:1", 2, 1),
                               ("order:1005", 4, "user:9", 1, 0)])
        x1002 = by[3][1]
        self.assertEqual(x1002["first"], "2026-12-01T10:02:00Z")
        self.assertEqual(x1002["last"], "2026-12-01T10:03:00Z")
        self.assertEqual(x1002["actions"], "order.read,egress.withheld")

    def test_text_and_reports(self):
        out = self.app.cli("breach", "blast-radius", "--from", "2026-12-01T10:00:00Z", "--to",
                           "2026-12-01T11:00:00Z")
        self.assertIn("4 records of 2 businesses seen by another business", out)
        self.assertIn("business 3: 3 records, 4 accesses (1 withheld)", out)
        self.assertIn("To business 3 (controller), from postroom (processor), under UK GDPR "
                      "Art. 33(2):", out)
        self.assertIn("To business 2 (controller)", out)
        self.assertIn("between 2026-12-01 10:02 GMT and 2026-12-01 10:04 GMT".lower(), out.lower())
        self.assertIn("order:1001, order:1002, order:1005", out)
        self.assertNotIn("order:1009", out)  # outside the window
        self.assertNotIn("To business 4", out)  # 4 only read, nothing of 4's was seen

    def test_bad_input_changes_nothing(self):
        app = self.app
        for args in (["--from", "yesterday", "--to", "2026-12-01T11:00:00Z"],
                     ["--from", "2026-12-01T10:00:00Z"],
                     ["--from", "2026-12-01T11:00:00Z", "--to", "2026-12-01T10:00:00Z"],
                     ["--bogus", "1"]):
            p = subprocess.run([app.binary, "--db", app.db, "breach", "blast-radius"] + args,
                               capture_output=True, text=True, env=app.env)
            self.assertNotEqual(p.returncode, 0, args)
            self.assertTrue(p.stderr.startswith("postroom: "), p.stderr)
        p = subprocess.run([app.binary, "--db", app.db, "breach", "open", "--nature", "x"],
                           capture_output=True, text=True, env=app.env)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("the breach register is empty", app.cli("breach", "list"))

    def test_open_by_hand_takes_the_window(self):
        bid = self.app.cli("breach", "open", "--nature", "Orders shown to another business",
                           "--aware-at", "2027-03-27T12:00:00Z", "--from", "2026-12-01T10:00:00Z",
                           "--to", "2026-12-01T11:00:00Z", "--contact", "dpo@postroom.example").strip()
        show = self.app.cli("breach", "show", bid)
        self.assertIn("4 records of 2 businesses", show)
        # aware 12:00 GMT on the Saturday before the March change: 72 real hours later is 13:00 BST
        self.assertIn("ICO deadline (72 hours): 2027-03-30 13:00 BST (2027-03-30T12:00:00Z)", show)
        self.assertIn("Contact point: dpo@postroom.example", show)
        self.app.cli("breach", "close", bid)


if __name__ == "__main__":
    harness.main()

"""The manifests page and the automatic daily manifest (issue 11).

GET /manifests lists the orders the next manifest takes; "Manifest now"
(POST /manifests) makes one through the API's use case and names it; the
history links each manifest's collection receipt at /manifests/{n}.pdf, the
same document the API's GET /manifests/{n} gives. Another business's
manifest numbers are 404 pages. The daily manifest runs once on its day
when its time (Europe/London) has passed, never before, and never twice,
a restart included.

Run: /usr/bin/python3 tests/e2e/test_web_manifests.py BUILD/postroom
"""
import base64
import datetime
import os
import re
import subprocess
import tempfile
import time
import unittest
import urllib.parse
from zoneinfo import ZoneInfo

import harness

SERVER = None
PASSWORD = "manifest tests password"
CANARY_A = "CANARY-MAN-ALPHA"
CANARY_B = "CANARY-MAN-BETA"
LONDON = ZoneInfo("Europe/London")


def setUpModule():
    global SERVER
    os.environ["POSTROOM_MANIFEST_CHECK_SECONDS"] = "1"  # a round each second, not each minute
    SERVER = harness.Server.start_new()


def tearDownModule():
    SERVER.stop_and_check(forbidden_in_logs=[PASSWORD, CANARY_A, CANARY_B])


def labelled(tenant, refs, canary):
    """Orders with postage, their labels printed: ready for a manifest."""
    items = []
    for ref in refs:
        o = harness.order(ref)
        o["recipient"]["address"]["fullName"] = "Recipient " + canary
        o["postageDetails"] = {"serviceCode": "TOLP24"}
        o["packages"] = [{"weightInGrams": 500, "packageFormatIdentifier": "smallParcel"}]
        items.append(o)
    created = tenant.create_orders(items)
    ids = ";".join(str(o["orderIdentifier"]) for o in created)
    r = tenant.get("/api/v1/orders/%s/label?documentType=postageLabel&includeReturnsLabel=false" % ids)
    assert r.status == 200, r.short()
    return [o["orderIdentifier"] for o in created]


def post(user, path, fields):
    return user.server.request("POST", path, headers={
        "Cookie": user.cookie, "Content-Type": "application/x-www-form-urlencoded"},
        body=urllib.parse.urlencode(fields).encode())


def history(page):
    """[(number, order count)] of the history table, newest first."""
    return [(int(n), int(c)) for n, c in
            re.findall(r'<tr><td>(\d+)</td><td>[^<]*</td><td class="num">(\d+)</td>', page)]


def ready_count(page):
    return int(re.search(r'Ready to manifest <span class="count">(\d+)</span>', page).group(1))


def pdf_text(data):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        return subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, text=True,
                              check=True).stdout


def london_now():
    return datetime.datetime.now(LONDON)


class ManifestsPage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.a = SERVER.new_tenant("Alpha " + CANARY_A)
        cls.b = SERVER.new_tenant("Beta " + CANARY_B)
        cls.ua = harness.WebUser(SERVER, cls.a, "std@alpha.example", PASSWORD)
        cls.ub = harness.WebUser(SERVER, cls.b, "std@beta.example", PASSWORD)
        cls.admin_a = harness.WebUser(SERVER, cls.a, "admin@alpha.example", PASSWORD, role="admin")

    def test_1_empty_states_in_words(self):
        page = self.ub.get("/manifests")
        self.assertEqual(page.status, 200, page.short())
        t = page.text()
        self.assertIn("No orders are waiting for a manifest", t)
        self.assertIn("No manifests yet", t)
        self.assertNotIn('<button type="submit">Manifest now</button>', t)
        self.assertIn("Off: manifests are made only when", t)

    def test_2_manifest_now_history_and_pdf(self):
        ids = labelled(self.a, ["MAN-A-1", "MAN-A-2", "MAN-A-3"], CANARY_A)
        self.a.create_orders([harness.order("MAN-A-NEW")])  # no label: not eligible
        labelled(self.b, ["MAN-B-1"], CANARY_B)
        page = self.ua.get("/manifests").text()
        self.assertEqual(ready_count(page), 3)
        for ref in ("MAN-A-1", "MAN-A-2", "MAN-A-3"):
            self.assertIn(ref, page)
        self.assertNotIn("MAN-A-NEW", page)
        self.assertNotIn("MAN-B-1", page)
        self.assertIn('<button type="submit">Manifest now</button>', page)
        for i in ids:
            self.assertIn('href="/orders/%d"' % i, page)

        r = post(self.ua, "/manifests", {"csrf": self.ua.csrf})
        self.assertEqual(r.status, 303, r.short())
        loc = r.header("Location")
        m = re.fullmatch(r"/manifests\?made=(\d+)", loc)
        self.assertTrue(m, loc)
        no = int(m.group(1))
        done = self.ua.get(loc).text()
        self.assertIn("Manifest %d is made: 3 orders are ready for collection." % no, done)
        self.assertIn((no, 3), history(done))
        self.assertEqual(ready_count(done), 0)
        self.assertIn('href="/manifests/%d.pdf"' % no, done)

        pdf = self.ua.get("/manifests/%d.pdf" % no)
        self.assertEqual(pdf.status, 200, pdf.short())
        self.assertEqual(pdf.header("Content-Type"), "application/pdf")
        self.assertTrue(pdf.body.startswith(b"%PDF-"))
        self.assertIn("no-store", pdf.header("Cache-Control"))
        api = self.a.get("/api/v1/manifests/%d" % no)
        self.assertEqual(api.status, 200, api.short())
        api_pdf = base64.b64decode(api.json()["documentPdf"])
        self.assertEqual(pdf_text(pdf.body), pdf_text(api_pdf))  # the same receipt
        text = pdf_text(pdf.body)
        for ref in ("MAN-A-1", "MAN-A-2", "MAN-A-3"):
            self.assertIn(ref, text)
        self.assertNotIn("MAN-B-1", text)

        # a forged ?made= names nothing it has not made
        other = self.ua.get("/manifests?made=999999").text()
        self.assertNotIn("is made", other)

        # again, with nothing left: a message in words, nothing made
        again = post(self.ua, "/manifests", {"csrf": self.ua.csrf})
        self.assertEqual(again.status, 409, again.short())
        self.assertIn("There are no orders to manifest", again.text())
        self.assertEqual(history(again.text()), history(done))

    def test_3_another_business_manifest_numbers_are_404(self):
        made = history(self.ua.get("/manifests").text())
        if not made:
            labelled(self.a, ["MAN-A-404"], CANARY_A)
            post(self.ua, "/manifests", {"csrf": self.ua.csrf})
            made = history(self.ua.get("/manifests").text())
        mine_b = history(self.ub.get("/manifests").text())
        for no, _ in made:
            if any(no == n for n, _ in mine_b):
                continue  # numbers are per business: B's own manifest of that number is B's
            r = self.ub.get("/manifests/%d.pdf" % no)
            self.assertEqual(r.status, 404, r.short())
            self.assertIn("text/html", r.header("Content-Type"))
            self.assertNotIn(CANARY_A, r.text())
        for path in ("/manifests/abc.pdf", "/manifests/1001", "/manifests/.pdf", "/manifests/-1.pdf",
                     "/manifests/99999999999.pdf", "/manifests/1001.pdf.pdf"):
            r = self.ua.get(path)
            self.assertEqual(r.status, 404, path + " " + r.short())
        page_b = self.ub.get("/manifests").text()
        self.assertNotIn(CANARY_A, page_b)
        self.assertNotIn("MAN-A-", page_b)
        # B's own manifest is B's, even when A's number is the same
        post(self.ub, "/manifests", {"csrf": self.ub.csrf})
        (no_b, count_b), = history(self.ub.get("/manifests").text())[:1]
        text = pdf_text(self.ub.get("/manifests/%d.pdf" % no_b).body)
        self.assertIn("MAN-B-1", text)
        self.assertNotIn("MAN-A-", text)

    def test_4_posts_need_csrf_and_the_daily_setting_an_administrator(self):
        r = post(self.ua, "/manifests", {})
        self.assertEqual(r.status, 403, r.short())
        r = post(self.ua, "/manifests", {"csrf": "not the token"})
        self.assertEqual(r.status, 403, r.short())
        r = post(self.ua, "/manifests/daily", {"csrf": self.ua.csrf, "enabled": "1", "time": "18:30",
                                               "days": "every"})
        self.assertEqual(r.status, 403, r.short())
        page = self.ua.get("/manifests").text()
        self.assertIn("An administrator can change this.", page)
        self.assertNotIn('action="/manifests/daily"', page)
        self.assertIn('action="/manifests/daily"', self.admin_a.get("/manifests").text())

    def test_5_bad_daily_settings_are_refused_field_by_field(self):
        for fields, words in (({"time": "25:00", "days": "every"}, "Enter the time"),
                              ({"time": "", "days": "every"}, "Enter the time"),
                              ({"time": "18:30", "days": "weekends"}, "Choose working days")):
            f = dict(fields, csrf=self.admin_a.csrf, enabled="1")
            r = post(self.admin_a, "/manifests/daily", f)
            self.assertEqual(r.status, 400, r.short())
            self.assertIn(words, r.text())
            self.assertIn("Nothing was changed", r.text())
        self.assertIn("Off: manifests are made only when", self.admin_a.get("/manifests").text())


def set_daily(admin, hhmm, days="every", enabled=True):
    f = {"csrf": admin.csrf, "time": hhmm, "days": days}
    if enabled:
        f["enabled"] = "1"
    r = post(admin, "/manifests/daily", f)
    assert r.status == 303 and r.header("Location") == "/manifests?saved=1", r.short()


def wait_for(fn, seconds=20):
    """Polls fn until it is true (a round runs each second); no timing is asserted."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.25)
    return fn()


class DailyManifest(unittest.TestCase):
    def setUp(self):
        now = london_now()
        if now.hour == 0 and now.minute < 3 or now.hour == 23 and now.minute > 55:
            self.skipTest("too close to midnight in London to place a time before and after now")

    def test_runs_once_when_due_and_not_again_not_even_after_a_restart(self):
        c = SERVER.new_tenant("Daily C")
        admin = harness.WebUser(SERVER, c, "admin@daily-c.example", PASSWORD, role="admin")
        labelled(c, ["DAY-C-1", "DAY-C-2"], "DAYC")
        past = (london_now() - datetime.timedelta(minutes=2)).strftime("%H:%M")
        set_daily(admin, past)
        made = wait_for(lambda: history(admin.get("/manifests").text()))
        self.assertEqual(len(made), 1, made)
        self.assertEqual(made[0][1], 2)
        page = admin.get("/manifests").text()
        self.assertIn("On: every day at %s UK time." % past, page)
        self.assertIn("Last automatic run:", page)
        self.assertIn("manifest %d." % made[0][0], page)
        self.assertEqual(ready_count(page), 0)

        # more orders, later the same day: not manifested again today
        labelled(c, ["DAY-C-3"], "DAYC")
        time.sleep(3)
        self.assertEqual(history(admin.get("/manifests").text()), made)
        # a restart, its first round at once: still not again
        problems = SERVER.stop()
        self.assertEqual(problems, [])
        SERVER.start()
        time.sleep(3)
        page = admin.get("/manifests").text()
        self.assertEqual(history(page), made)
        self.assertEqual(ready_count(page), 1)
        # saving the setting again does not give the day back
        set_daily(admin, past)
        time.sleep(2)
        self.assertEqual(history(admin.get("/manifests").text()), made)

    def test_two_servers_on_one_database_make_each_day_once(self):
        """Two more servers on the same database (three in all), their rounds
        racing the first's: each business's day is claimed by one of them,
        once."""
        err = open(os.path.join(SERVER.dir, "second.stderr"), "ab")
        others = [subprocess.Popen([SERVER.binary, "--db", SERVER.db, "serve", "--listen",
                                    "%s:%d" % (harness.HOST, harness.free_port()), "--rate-limit", "0"],
                                   stdin=subprocess.DEVNULL, stdout=err, stderr=err, env=SERVER.env)
                  for _ in range(2)]
        try:
            tenants = []
            for i in range(6):
                t = SERVER.new_tenant("Race %d" % i)
                admin = harness.WebUser(SERVER, t, "admin@race-%d.example" % i, PASSWORD, role="admin")
                labelled(t, ["RACE-%d-1" % i, "RACE-%d-2" % i], "RACE")
                tenants.append(admin)
            past = (london_now() - datetime.timedelta(minutes=2)).strftime("%H:%M")
            for admin in tenants:
                set_daily(admin, past)
            for admin in tenants:
                made = wait_for(lambda: history(admin.get("/manifests").text()))
                self.assertEqual(len(made), 1, made)
                self.assertEqual(made[0][1], 2)
            time.sleep(3)  # more rounds of every server
            for admin in tenants:
                self.assertEqual(len(history(admin.get("/manifests").text())), 1)
        finally:
            for other in others:
                other.terminate()
            for other in others:
                self.assertEqual(other.wait(timeout=20), 0)
            err.close()
        with open(os.path.join(SERVER.dir, "second.stderr"), encoding="utf-8", errors="replace") as f:
            log = f.read()
        for m in harness.SANITIZER_MARKERS:
            self.assertNotIn(m, log)

    def test_not_before_its_time(self):
        d = SERVER.new_tenant("Daily D")
        admin = harness.WebUser(SERVER, d, "admin@daily-d.example", PASSWORD, role="admin")
        labelled(d, ["DAY-D-1"], "DAYD")
        later = (london_now() + datetime.timedelta(minutes=3)).strftime("%H:%M")
        set_daily(admin, later)
        time.sleep(3)
        page = admin.get("/manifests").text()
        self.assertEqual(history(page), [])
        self.assertEqual(ready_count(page), 1)
        self.assertIn("On: every day at %s UK time. Next: today at %s." % (later, later), page)
        # turned off, it does not run even once its time has passed
        set_daily(admin, later, enabled=False)
        self.assertIn("Off:", admin.get("/manifests").text())

    def test_a_day_with_nothing_eligible_runs_empty(self):
        e = SERVER.new_tenant("Daily E")
        admin = harness.WebUser(SERVER, e, "admin@daily-e.example", PASSWORD, role="admin")
        past = (london_now() - datetime.timedelta(minutes=2)).strftime("%H:%M")
        set_daily(admin, past)
        page = wait_for(lambda: (lambda t: t if "Last automatic run:" in t else None)(
            admin.get("/manifests").text()))
        self.assertIn("no orders were ready, so none was made", page)
        self.assertEqual(history(page), [])
        # orders printed afterwards wait for tomorrow's (or Manifest now)
        labelled(e, ["DAY-E-1"], "DAYE")
        time.sleep(2)
        self.assertEqual(history(admin.get("/manifests").text()), [])


if __name__ == "__main__":
    harness.main()

"""The breach register and the blast radius in the operators' console (issue 10,
steps 5 and 6, "and the console").

One fault build (postroom-fault, --tripwire=log so the server keeps serving)
hands business A an order of business B: the tripwire opens breach 1 with
that one record as its blast radius. Breach 2 is opened by hand (`postroom
breach open`) 80 hours after an awareness time, so it is overdue. An
operator (made with `postroom operator add`, signed in with a TOTP code)
then uses /ops/breaches, /ops/breaches/ID with its forms, the notification
draft and /ops/blast-radius:

- the list shows each breach's deadline in Europe/London and the time left
  (or "overdue by"), its status and its decision; the console's front page
  counts the open breaches and names the nearest deadline;
- a decision without a reason is refused on the page and changes nothing;
  with a reason it is recorded and shown; updates appear; closing works;
- the draft is byte for byte what `postroom breach export ID` writes;
- the blast radius over a window is `breach blast-radius`'s report, and
  lists exactly the cross-tenant records of the window's audit and
  security events (not the operator's own console views);
- a business session or API key gets nothing on any of these routes;
- every view and action is in the access audit (the CLI's as cli:USER) and
  `postroom audit verify` passes;
- none of B's order's personal data is on any page.

Run: /usr/bin/python3 tests/e2e/test_ops_breaches.py BUILD/postroom
"""
import html
import os
import re
import subprocess
import time
import unittest
import urllib.parse
from datetime import datetime, timedelta, timezone

try:
    from zoneinfo import ZoneInfo
except ImportError:  # pragma: no cover
    ZoneInfo = None

import harness
from test_ops import totp
from test_tripwire import fault_binary

FORM = "application/x-www-form-urlencoded"
BROWSER = "text/html,application/xhtml+xml"
OP_PASSWORD = "breach console operator pw"
USER_PASSWORD = "breach console user pw"
SECRETS = ["Perpetua Wolfsbane-Nightingale", "13 Quokka Mews", "Wolfsbane Curios",
           "perpetua@wolfsbane.example", "07700900913", "BREACH-DISTINCT-REF-77", "Saffron lamp"]
S = A = B = OP = USER = None
EXPOSED = None
T_BEFORE = T_AFTER = None
AWARE2 = None
PAGES = []  # (path, text) of every page an operator was shown, checked for personal data


def rfc3339(t):
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def london(t):
    """'2026-12-01 10:00 GMT', as domain/breach.c writes it (tzdata's view)."""
    d = datetime.fromtimestamp(t, ZoneInfo("Europe/London"))
    return d.strftime("%Y-%m-%d %H:%M ") + d.tzname()


class Operator:
    def __init__(self, email):
        out = S.cli("operator", "add", email, input_text=OP_PASSWORD + "\n")
        secret = re.search(r"TOTP secret \(base32, shown once\): ([A-Z2-7]{32})\n", out).group(1)
        r = S.request("GET", "/ops/login", headers={"Accept": BROWSER})
        cookie = re.search(r"(postroom_ops_login=[^;]+)", r.header("Set-Cookie")).group(1)
        token = re.search(r'name="csrf" value="([^"]+)"', r.text()).group(1)
        r = S.request("POST", "/ops/login", headers={"Content-Type": FORM, "Cookie": cookie},
                      body=urllib.parse.urlencode({"csrf": token, "email": email,
                                                   "password": OP_PASSWORD,
                                                   "code": totp(secret)}).encode())
        assert r.status == 303, r.short()
        self.cookie = re.search(r"(postroom_ops=[A-Za-z0-9_-]{43})", r.header("Set-Cookie")).group(1)
        page = self.get("/ops/")
        self.csrf = re.search(r'name="csrf" value="([^"]+)"', page.text()).group(1)
        self.id = re.search(r"operator:(\d+) " + re.escape(email),
                            S.cli("operator", "list")).group(1)

    def get(self, path):
        r = S.request("GET", path, headers={"Cookie": self.cookie, "Accept": BROWSER})
        PAGES.append((path, r.text()))
        return r

    def post(self, path, fields):
        f = dict(fields)
        f.setdefault("csrf", self.csrf)
        r = S.request("POST", path, headers={"Cookie": self.cookie, "Content-Type": FORM,
                                             "Accept": BROWSER},
                      body=urllib.parse.urlencode(f).encode())
        PAGES.append((path, r.text()))
        return r


def cli_result(*args):
    return subprocess.run([S.binary, "--db", S.db] + [str(a) for a in args],
                          capture_output=True, text=True, timeout=60, env=S.env)


def db_rows(sql, *args):
    c = S.db_connect()
    try:
        return c.execute(sql, args).fetchall()
    finally:
        c.close()


def setUpModule():
    global S, A, B, OP, USER, EXPOSED, T_BEFORE, T_AFTER, AWARE2
    if ZoneInfo is None:
        raise unittest.SkipTest("zoneinfo is missing")
    os.environ["POSTROOM_FAULT"] = "foreign-row"
    try:
        S = harness.Server(binary=fault_binary(),
                           extra_serve_args=["--audit-reads", "1", "--tripwire=log"])
        S.migrate()
        S.start()
    finally:
        del os.environ["POSTROOM_FAULT"]
    A = S.new_tenant("Breach Receiver A Ltd")
    B = S.new_tenant("Breach Exposed B Ltd")
    A.create_orders([harness.order("A-OWN-ORDER")])
    o = harness.order(SECRETS[5], recipient={
        "address": {"fullName": SECRETS[0], "addressLine1": SECRETS[1], "companyName": SECRETS[2],
                    "city": "London", "postcode": "E14 5AB", "countryCode": "GB"},
        "emailAddress": SECRETS[3], "phoneNumber": SECRETS[4]})
    o["packages"][0]["contents"][0]["name"] = SECRETS[6]
    EXPOSED = B.create_orders([harness.order("B-FIRST"), o])[1]["orderIdentifier"]
    USER = harness.WebUser(S, A, "user@breach-a.example", USER_PASSWORD)
    T_BEFORE = int(time.time()) - 1
    r = A.get("/api/v1/orders/%d" % EXPOSED)  # the fault build hands A B's order: tripped
    assert r.status == 500, r.short()
    OP = Operator("breaches@ops.example")
    OP.get("/ops/")  # the operator's own views of A's and B's counts, inside the window
    T_AFTER = int(time.time()) + 1
    # breach 2, by hand: aware 80 hours ago, a window of its own in the past
    AWARE2 = (int(time.time()) // 60 - 80 * 60) * 60
    bid = S.cli("breach", "open", "--nature", "Labels printed with another business's return "
                "address, reported by a customer; " + "details to follow. " * 6,
                "--aware-at", rfc3339(AWARE2), "--from", rfc3339(AWARE2 - 3600),
                "--to", rfc3339(AWARE2), "--contact", "dpo@postroom.example").strip()
    assert bid == "2", bid


def tearDownModule():
    S.stop_and_check(forbidden_in_logs=SECRETS + [OP_PASSWORD, USER_PASSWORD])


def breach_routes():
    return [("GET", "/ops/breaches"), ("GET", "/ops/breaches/1"),
            ("GET", "/ops/breaches/1/draft"), ("GET", "/ops/breaches/1/draft?format=markdown"),
            ("POST", "/ops/breaches/1/note"), ("POST", "/ops/breaches/1/decide"),
            ("POST", "/ops/breaches/1/close"),
            ("GET", "/ops/blast-radius?from=%s&to=%s" % (rfc3339(T_BEFORE), rfc3339(T_AFTER)))]


def row_of(page, bid):
    m = re.search(r'<tr><td><a href="/ops/breaches/%d">%d</a></td>(.*?)</tr>' % (bid, bid), page,
                  re.S)
    assert m, "breach %d is not listed:\n%s" % (bid, page)
    return m.group(1)


class Steps(unittest.TestCase):
    """In order: each step builds on the one before (decision, note, close)."""

    def test_1_list_shows_deadline_and_time_left(self):
        r = OP.get("/ops/breaches")
        self.assertEqual(r.status, 200, r.short())
        t = r.text()
        self.assertLess(t.index('href="/ops/breaches/2"'), t.index('href="/ops/breaches/1"'),
                        "newest first")
        aware1 = db_rows("SELECT aware_at FROM breaches WHERE id = 1")[0][0] / 1000
        one = row_of(t, 1)
        self.assertIn("<td>open</td>", one)
        self.assertIn("<td>undecided</td>", one)
        self.assertRegex(one, r"<td>%s \(7[01] h \d+ min left\)</td>"
                         % re.escape(london(aware1 + 72 * 3600)))
        two = row_of(t, 2)
        self.assertIn("<td>%s (overdue by 8 h " % london(AWARE2 + 72 * 3600), two)
        self.assertIn("Labels printed with another business", two)
        self.assertIn("...", two, "the nature is shortened in the list")
        self.assertNotIn("details to follow. details to follow. details to follow. details", two)
        # the ops frame's navigation and the console's front page
        console = OP.get("/ops/").text()
        self.assertIn('<a href="/ops/breaches">Breaches</a>', console)
        self.assertIn("2 open; the nearest ICO deadline is breach 2&#39;s: %s (overdue by 8 h "
                      % london(AWARE2 + 72 * 3600), console)

    def test_2_detail_shows_fields_and_the_stored_radius(self):
        r = OP.get("/ops/breaches/1")
        self.assertEqual(r.status, 200, r.short())
        t = r.text()
        for label in ("Nature", "We became aware", "ICO deadline (72 hours)",
                      "Categories of people", "Approximate number of people",
                      "Categories of records", "Approximate number of records",
                      "Likely consequences", "Measures taken or proposed", "Contact point"):
            self.assertIn("<dt>%s</dt>" % label, t)
        self.assertIn("<h3>Business %s: 1 record, " % B.id, t)
        self.assertRegex(t, r"<tr><td>order:%d</td><td>%s</td><td>key:\d+</td><td>[a-z.,_]*"
                         r"egress\.withheld" % (EXPOSED, A.id))
        self.assertIn('href="/ops/breaches/1/draft"', t)
        for form in re.findall(r"<form[^>]*method=\"post\".*?</form>", t, re.S):
            self.assertIn('name="csrf"', form)
        self.assertEqual(OP.get("/ops/breaches/99").status, 404)
        self.assertEqual(OP.get("/ops/breaches/x").status, 404)

    def test_3_decision_needs_its_reason(self):
        before = db_rows("SELECT decision, decision_reason FROM breaches WHERE id = 1")
        updates = db_rows("SELECT COUNT(*) FROM breach_updates WHERE breach_id = 1")
        for fields in ({"notify": "no"}, {"notify": "no", "reason": ""},
                       {"notify": "no", "reason": "two\nlines"}, {"reason": "No notify chosen"},
                       {"notify": "maybe", "reason": "x"},
                       {"notify": "no", "reason": "x", "notified_at": rfc3339(time.time())}):
            r = OP.post("/ops/breaches/1/decide", fields)
            with self.subTest(fields=fields):
                self.assertEqual(r.status, 400, r.short())
                self.assertIn('role="alert"', r.text())
                self.assertIn("Nothing was recorded.", r.text())
                self.assertIn("<h1>Breach 1 (open, decision pending)</h1>", r.text())
        self.assertIn("A decision needs its reason",
                      OP.post("/ops/breaches/1/decide", {"notify": "no"}).text())
        self.assertEqual(db_rows("SELECT decision, decision_reason FROM breaches WHERE id = 1"),
                         before)
        self.assertEqual(before, [(None, None)])
        self.assertEqual(db_rows("SELECT COUNT(*) FROM breach_updates WHERE breach_id = 1"), updates)
        reason = "Every answer was withheld by the egress check; nothing left postroom."
        r = OP.post("/ops/breaches/1/decide", {"notify": "no", "reason": reason})
        self.assertEqual(r.status, 303, r.short())
        self.assertEqual(r.header("Location"), "/ops/breaches/1")
        self.assertEqual(db_rows("SELECT decision, decision_reason, decided_by FROM breaches "
                                 "WHERE id = 1"), [("no-notify", reason, "operator:" + OP.id)])
        t = OP.get("/ops/breaches/1").text()
        self.assertIn("<strong>Do not notify the ICO</strong>, by operator:%s" % OP.id, t)
        self.assertIn("Reason: " + html.escape(reason), t)
        self.assertIn("<td>not notify</td>", row_of(OP.get("/ops/breaches").text(), 1))
        self.assertIn("not notifiable", S.cli("breach", "show", "1"))

    def test_4_notes_appear(self):
        note = "Contained at once; the receiving key was rotated by the business."
        r = OP.post("/ops/breaches/1/note", {"note": note})
        self.assertEqual(r.status, 303, r.short())
        t = OP.get("/ops/breaches/1").text()
        self.assertRegex(t, r"<tr><td>\d{4}-\d\d-\d\d \d\d:\d\d (GMT|BST)</td><td>operator:%s</td>"
                         r"<td>%s</td></tr>" % (OP.id, re.escape(html.escape(note))))
        self.assertIn(note, S.cli("breach", "show", "1"))
        n = db_rows("SELECT COUNT(*) FROM breach_updates WHERE breach_id = 1")
        r = OP.post("/ops/breaches/1/note", {"note": ""})
        self.assertEqual(r.status, 400)
        self.assertIn("An update must be 1 to 4000 characters", r.text())
        self.assertEqual(db_rows("SELECT COUNT(*) FROM breach_updates WHERE breach_id = 1"), n)

    def test_5_draft_is_breach_export(self):
        for bid in (1, 2):
            for query, args, ctype in (("", [], "text/plain"),
                                       ("?format=markdown", ["--markdown"], "text/markdown")):
                # the draft says the time left in minutes: taken twice around the
                # export, one of them was written in the export's minute
                first = OP.get("/ops/breaches/%d/draft%s" % (bid, query))
                exported = S.cli("breach", "export", bid, *args)
                second = OP.get("/ops/breaches/%d/draft%s" % (bid, query))
                with self.subTest(breach=bid, query=query):
                    self.assertEqual(first.status, 200, first.short())
                    self.assertTrue(first.header("Content-Type").startswith(ctype))
                    self.assertIn(exported, (first.text(), second.text()))
                    self.assertIn("Personal data breach %d" % bid, exported)
        self.assertEqual(OP.get("/ops/breaches/1/draft?format=pdf").status, 400)

    def test_6_close(self):
        r = OP.post("/ops/breaches/2/close", {})
        self.assertEqual(r.status, 303, r.short())
        self.assertIn("<td>closed</td>", row_of(OP.get("/ops/breaches").text(), 2))
        self.assertTrue(db_rows("SELECT closed_at FROM breaches WHERE id = 2")[0][0])
        self.assertRegex(S.cli("breach", "list"), r"(?m)^2 closed ")
        r = OP.post("/ops/breaches/2/close", {})
        self.assertEqual(r.status, 409)
        self.assertIn("already closed", r.text())
        t = OP.get("/ops/breaches/2").text()
        self.assertNotIn('action="/ops/breaches/2/close"', t)
        console = OP.get("/ops/").text()
        self.assertIn("1 open; the nearest ICO deadline is breach 1&#39;s", console)

    def test_7_blast_radius_of_a_window(self):
        frm, to = rfc3339(T_BEFORE), rfc3339(T_AFTER)
        r = OP.get("/ops/blast-radius?from=%s&to=%s" % (frm, to))
        self.assertEqual(r.status, 200, r.short())
        m = re.search(r"<pre>(.*)</pre>", r.text(), re.S)
        self.assertIsNotNone(m, r.short())
        report = html.unescape(m.group(1))
        self.assertEqual(report, S.cli("breach", "blast-radius", "--from", frm, "--to", to))
        self.assertIn("1 record of 1 business seen by another business", report)
        self.assertIn("To business %s (controller), from postroom (processor), under UK GDPR "
                      "Art. 33(2):" % B.id, report)
        # exactly the cross-tenant records of the window: the audit's (not the
        # operators' own, in the console or on the command line) and the
        # tripwire's security events
        t0, t1 = T_BEFORE * 1000, T_AFTER * 1000
        audit = db_rows("SELECT data_tenant, objects FROM audit WHERE principal_tenant != "
                        "data_tenant AND principal_id NOT LIKE 'operator:%' AND principal_id NOT "
                        "LIKE 'cli:%' AND time BETWEEN ? AND ?", t0, t1)
        events = db_rows("SELECT exposed_tenant, records FROM security_events WHERE time "
                         "BETWEEN ? AND ?", t0, t1)
        want = set()
        for tenant, objects in audit + events:
            kind, ids = objects.split(":", 1)
            want |= {(str(tenant), "%s:%s" % (kind, i)) for i in ids.split(",")}
        self.assertEqual(want, {(B.id, "order:%d" % EXPOSED)})
        shown = set(re.findall(r"^  (\S+) seen by business ", report, re.M))
        self.assertEqual(shown, {o for _, o in want})
        self.assertNotIn("operator:", report)
        self.assertTrue(db_rows("SELECT COUNT(*) FROM audit WHERE principal_id = ? AND "
                                "data_tenant != 0 AND time BETWEEN ? AND ?",
                                "operator:" + OP.id, t0, t1)[0][0] > 0,
                        "the operator's console views were in the window, and left out")
        # the empty form, and bad times with a message
        self.assertIn('name="from"', OP.get("/ops/blast-radius").text())
        for q, msg in (("from=yesterday&to=" + to, "From must be an RFC 3339 time"),
                       ("from=" + frm, "To must be an RFC 3339 time"),
                       ("from=%s&to=%s" % (to, frm), "To is before from")):
            r = OP.get("/ops/blast-radius?" + q)
            with self.subTest(q=q):
                self.assertEqual(r.status, 400, r.short())
                self.assertIn(msg, r.text())
                self.assertNotIn("<pre>", r.text())

    def test_8_business_credentials_get_nothing(self):
        token = USER.cookie.split("=", 1)[1]
        creds = [{"Cookie": USER.cookie}, {"Authorization": "Bearer " + A.key},
                 {"Cookie": USER.cookie, "Authorization": "Bearer " + A.key},
                 {"Cookie": "postroom_ops=" + token}]
        n_updates = db_rows("SELECT COUNT(*) FROM breach_updates")
        for method, path in breach_routes():
            for h in creds:
                hdrs = dict(h, Accept=BROWSER)
                body = None
                if method == "POST":
                    hdrs["Content-Type"] = FORM
                    body = urllib.parse.urlencode({"csrf": USER.csrf, "note": "x", "notify": "yes",
                                                   "reason": "x"}).encode()
                r = S.request(method, path, headers=hdrs, body=body)
                with self.subTest(route=path, creds=sorted(h)):
                    if method == "GET":
                        self.assertEqual(r.status, 303, r.short())
                        self.assertEqual(r.header("Location"), "/ops/login")
                        self.assertEqual(r.body, b"")
                    else:
                        self.assertEqual(r.status, 401, r.short())
                        self.assertEqual(r.json()["code"], "Unauthorized")
                    for word in ("Breach", "breach", "order:", "ICO", "csrf"):
                        self.assertNotIn(word, r.text())
        self.assertEqual(db_rows("SELECT COUNT(*) FROM breach_updates"), n_updates)
        self.assertEqual(db_rows("SELECT closed_at FROM breaches WHERE id = 1"), [(None,)])

    def test_9_every_view_and_action_is_audited_and_the_chain_verifies(self):
        rows = db_rows("SELECT principal_tenant, data_tenant, action, objects FROM audit WHERE "
                       "principal_id = ? AND action LIKE 'breach.%'", "operator:" + OP.id)
        got = {(r[2], r[3]) for r in rows}
        for want in (("breach.view", "breach:2,1"), ("breach.view", "breach:1"),
                     ("breach.view", "breach:2"), ("breach.decide", "breach:1"),
                     ("breach.note", "breach:1"), ("breach.close", "breach:2"),
                     ("breach.export", "breach:1"), ("breach.export", "breach:2")):
            self.assertIn(want, got)
        self.assertTrue(any(a == "breach.blast_radius" and o.startswith("window:%s/"
                                                                        % rfc3339(T_BEFORE))
                            for a, o in got), got)
        self.assertTrue(all(r[0] == 0 and r[1] == 0 for r in rows), "no tenant on either side")
        # one record per action: the refused decisions and notes recorded nothing
        self.assertEqual(sum(1 for r in rows if r[2] == "breach.decide"), 1)
        self.assertEqual(sum(1 for r in rows if r[2] == "breach.note"), 1)
        # the CLI's breach commands, as who ran them
        cli = {(r[0], r[1]) for r in db_rows("SELECT action, objects FROM audit WHERE "
                                             "principal_id LIKE 'cli:%' AND action LIKE 'breach.%'")}
        for want in (("breach.open", "breach:2"), ("breach.export", "breach:1"),
                     ("breach.view", "breach:1"), ("breach.view", "breach:2,1")):
            self.assertIn(want, cli)
        self.assertTrue(any(a == "breach.blast_radius" for a, _ in cli))
        p = cli_result("audit", "verify")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_zz_no_personal_data_on_any_page(self):
        self.assertGreater(len(PAGES), 20)
        for path, page in PAGES:
            # the console's front page names the businesses (ids and names, by
            # design); the register's pages name none, nor anyone else
            names = [] if path == "/ops/" else [A.name, B.name]
            for s in SECRETS + names:
                with self.subTest(path=path, s=s):
                    self.assertNotIn(s, page)


if __name__ == "__main__":
    harness.main()

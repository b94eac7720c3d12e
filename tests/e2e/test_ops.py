"""Operators, a realm apart (issue 10): `postroom operator add|list|disable`,
/ops/login with a password and a TOTP code, the /ops/ console, and the wall
between the operators' realm and the businesses'.

An operator is added through the CLI (password on stdin), which prints the
TOTP secret once; this test computes the codes itself (RFC 6238 with hmac,
hashlib and base64). Signing in without a code, with a wrong one, or with a
code already used fails with one generic message; the right one works. The
console shows each business's order counts but none of the orders' personal
data (distinctive names, created through the API first, never appear in any
/ops/ page). A business session cookie and an API key get nothing on any
/ops/ route; the operator's cookie gets nothing on /api/v1 or the business
pages. The kill switch set from the console stops the API (503) and
clearing it restores it. Every operator action is in the audit table, and
`postroom audit verify` still passes. A business user reports a data
problem from a page, and the operator sees it in the console and marks it
handled.

Run: /usr/bin/python3 tests/e2e/test_ops.py BUILD/postroom
"""
import base64
import hashlib
import hmac
import json
import os
import re
import struct
import subprocess
import tempfile
import time
import unittest
import urllib.parse

import harness

S = None
TA = TB = None
OP_PASSWORD = "operator password 1"
USER_PASSWORD = "business user password"
FORM = "application/x-www-form-urlencoded"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
GENERIC = "That e-mail address, password and code do not match an operator account."
# what the orders hold: none of it may reach an operator's page
SECRET_DATA = ["Zebediah Quillfeather", "77 Xylophone Crescent", "Quillfeather Holdings",
               "zebediah@quill.example", "07700900777", "Tinfoil hat", "Marmaduke Pumpernickel"]
BOUND_S = 1.0


def totp(secret_b32, t=None, step=30):
    """RFC 6238 (SHA-1, 6 digits) for Unix time t."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int((time.time() if t is None else t) // step)
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    o = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)


class TotpSelfCheck(unittest.TestCase):
    def test_rfc6238_vectors(self):
        """The test's own TOTP against RFC 6238 appendix B (SHA-1, last 6 digits)."""
        secret = base64.b32encode(b"12345678901234567890").decode()
        for t, want in [(59, "287082"), (1111111109, "081804"), (1111111111, "050471"),
                        (1234567890, "005924"), (2000000000, "279037"), (20000000000, "353130")]:
            self.assertEqual(totp(secret, t), want)


def cli_result(*args, input_text=None):
    """A CLI run that may fail: the CompletedProcess."""
    return subprocess.run([S.binary, "--db", S.db] + [str(a) for a in args], input=input_text,
                          capture_output=True, text=True, timeout=60, env=S.env)


def add_operator(email):
    out = S.cli("operator", "add", email, input_text=OP_PASSWORD + "\n")
    m = re.search(r"TOTP secret \(base32, shown once\): ([A-Z2-7]{32})\n", out)
    u = re.search(r"otpauth URI: (otpauth://totp/\S+)\n", out)
    if not m or not u:
        raise AssertionError("operator add should print the secret and the URI: %r" % out)
    return m.group(1), u.group(1), out


def login_form():
    """GET /ops/login: the login-CSRF cookie and the form's token."""
    r = S.request("GET", "/ops/login", headers={"Accept": BROWSER})
    assert r.status == 200, r.short()
    cookie = re.search(r"(postroom_ops_login=[^;]+)", r.header("Set-Cookie")).group(1)
    token = re.search(r'name="csrf" value="([^"]+)"', r.text()).group(1)
    return cookie, token


def sign_in(email, password, code, form=None):
    cookie, token = form or login_form()
    fields = {"csrf": token, "email": email, "password": password}
    if code is not None:
        fields["code"] = code
    return S.request("POST", "/ops/login", headers={"Content-Type": FORM, "Cookie": cookie,
                                                    "Accept": BROWSER},
                     body=urllib.parse.urlencode(fields).encode())


def ops_cookie(resp):
    m = re.search(r"(postroom_ops=[A-Za-z0-9_-]{43})", resp.header("Set-Cookie") or "")
    return m.group(1) if m else None


class Operator:
    """A signed-in operator: its cookie and the console's CSRF token."""

    def __init__(self, email):
        self.email = email
        self.secret, self.uri, _ = add_operator(email)
        r = sign_in(email, OP_PASSWORD, totp(self.secret))
        if r.status != 303 or r.header("Location") != "/ops/":
            raise AssertionError("operator sign-in: %s" % r.short())
        self.set_cookie = r.header("Set-Cookie")
        self.cookie = ops_cookie(r)
        page = self.get("/ops/")
        assert page.status == 200, page.short()
        self.csrf = re.search(r'name="csrf" value="([^"]+)"', page.text()).group(1)

    def get(self, path):
        return S.request("GET", path, headers={"Cookie": self.cookie, "Accept": BROWSER})

    def post(self, path, fields):
        f = dict(fields)
        f.setdefault("csrf", self.csrf)
        return S.request("POST", path, headers={"Cookie": self.cookie, "Content-Type": FORM,
                                                "Accept": BROWSER},
                         body=urllib.parse.urlencode(f).encode())


OP = None
USER = None


def setUpModule():
    global S, TA, TB, OP, USER
    status_db = os.path.join(tempfile.mkdtemp(prefix="postroom-ops-status-"), "status.db")
    S = harness.Server.start_new(extra_serve_args=("--status-db", status_db))
    S.status_db = status_db
    TA = S.new_tenant("Ops Alpha Ltd")
    TB = S.new_tenant("Ops Beta Ltd")
    a = harness.order("OPS-A-1")
    a["recipient"]["address"]["fullName"] = SECRET_DATA[0]
    a["recipient"]["address"]["addressLine1"] = SECRET_DATA[1]
    a["recipient"]["address"]["companyName"] = SECRET_DATA[2]
    a["recipient"]["emailAddress"] = SECRET_DATA[3]
    a["recipient"]["phoneNumber"] = SECRET_DATA[4]
    a["packages"][0]["contents"][0]["name"] = SECRET_DATA[5]
    b = harness.order("OPS-A-2")
    b["billing"]["address"]["fullName"] = SECRET_DATA[6]
    TA.create_orders([a, b])
    TB.create_orders([harness.order("OPS-B-1")])
    USER = harness.WebUser(S, TA, "user@ops-alpha.example", USER_PASSWORD)
    OP = Operator("main@ops.example")


def tearDownModule():
    S.stop_and_check(forbidden_in_logs=[OP_PASSWORD, USER_PASSWORD, "zebediah", "Quillfeather",
                                        "Do-not-log this report text"])


def ops_routes():
    return [("GET", "/ops/"), ("POST", "/ops/logout"), ("POST", "/ops/killswitch/on"),
            ("POST", "/ops/killswitch/off"), ("POST", "/ops/reports/1/handled"),
            ("POST", "/ops/apikeys/revoke")]


def assert_nothing(test, r, method):
    """What an /ops/ route gives without an operator: a redirect to the
    operators' sign-in (GET) or a 401 in JSON (a form post), no page."""
    if method == "GET":
        test.assertEqual(r.status, 303, r.short())
        test.assertEqual(r.header("Location"), "/ops/login")
        test.assertEqual(r.body, b"")
    else:
        test.assertEqual(r.status, 401, r.short())
        test.assertTrue(r.header("Content-Type").startswith("application/json"))
        test.assertEqual(r.json()["code"], "Unauthorized")
    for word in ("Kill switch", "Businesses", "Ops Alpha", "audit", "csrf"):
        test.assertNotIn(word, r.text())


class Cli(unittest.TestCase):
    def test_add_prints_secret_and_uri_once_and_lists(self):
        secret, uri, out = add_operator("cli@ops.example")
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(uri).query)
        self.assertTrue(uri.startswith("otpauth://totp/postroom:cli%40ops.example?"))
        self.assertEqual(q["secret"], [secret])
        self.assertEqual(q["issuer"], ["postroom"])
        self.assertEqual(q["digits"], ["6"])
        self.assertEqual(q["period"], ["30"])
        self.assertNotIn(OP_PASSWORD, out)
        listed = S.cli("operator", "list")
        line = [ln for ln in listed.splitlines() if " cli@ops.example " in ln]
        self.assertEqual(len(line), 1, listed)
        self.assertIn("active", line[0])
        self.assertNotIn(secret, listed)  # shown once, at add

    def test_refuses_short_password_and_duplicate(self):
        p = cli_result("operator", "add", "short@ops.example", input_text="short\n")
        self.assertNotEqual(p.returncode, 0)
        p = cli_result("operator", "add", "main@ops.example", input_text=OP_PASSWORD + "\n")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("already", p.stderr)


class SignIn(unittest.TestCase):
    def test_without_a_code_or_with_a_wrong_or_reused_one_fails(self):
        secret, _, _ = add_operator("codes@ops.example")
        good = totp(secret)
        wrong = "%06d" % ((int(good) + 500000) % 1000000)
        for code in (None, "", wrong, "12345", "abcdef"):
            r = sign_in("codes@ops.example", OP_PASSWORD, code)
            self.assertIn(r.status, (400, 401), r.short())
            self.assertIsNone(ops_cookie(r), "no session without the right code (%r)" % code)
            self.assertIn(GENERIC, r.text())
            self.assertIn('value="codes@ops.example"', r.text(), "the typed e-mail is kept")
        # the wrong password with the right code: the same message
        r = sign_in("codes@ops.example", "not the password", good)
        self.assertEqual(r.status, 401)
        self.assertIn(GENERIC, r.text())
        self.assertIsNone(ops_cookie(r))
        # an unknown operator: the same message
        r = sign_in("nobody@ops.example", OP_PASSWORD, good)
        self.assertEqual(r.status, 401)
        self.assertIn(GENERIC, r.text())
        # the right code once (the wrong password above did not use it up)
        r = sign_in("codes@ops.example", OP_PASSWORD, good)
        self.assertEqual(r.status, 303, r.short())
        cookie = ops_cookie(r)
        self.assertIsNotNone(cookie)
        sc = r.header("Set-Cookie")
        for attr in ("Path=/ops", "HttpOnly", "SameSite=Strict"):
            self.assertIn(attr, sc)
        # and never again
        r = sign_in("codes@ops.example", OP_PASSWORD, good)
        self.assertEqual(r.status, 401, "a code is accepted once: %s" % r.short())
        self.assertIsNone(ops_cookie(r))
        self.assertIn(GENERIC, r.text())
        # the session works
        r = S.request("GET", "/ops/", headers={"Cookie": cookie})
        self.assertEqual(r.status, 200)

    def test_the_form_needs_its_csrf_cookie(self):
        cookie, token = login_form()
        body = urllib.parse.urlencode({"csrf": token, "email": "main@ops.example",
                                       "password": OP_PASSWORD, "code": "000000"}).encode()
        r = S.request("POST", "/ops/login", headers={"Content-Type": FORM}, body=body)
        self.assertEqual(r.status, 403, r.short())
        r = S.request("POST", "/ops/login", headers={"Content-Type": FORM,
                                                     "Cookie": "postroom_ops_login=" + "x" * 43},
                      body=body)
        self.assertEqual(r.status, 403, r.short())

    def test_disabled_operator_cannot_sign_in_and_its_sessions_end(self):
        op = Operator("leaver@ops.example")
        S.cli("operator", "disable", "leaver@ops.example")
        c = S.db_connect()
        n = c.execute("SELECT COUNT(*) FROM audit WHERE action = 'operator.disable' AND objects = "
                      "(SELECT 'operator:' || operator_id FROM operators WHERE email = ?)",
                      ("leaver@ops.example",)).fetchone()[0]
        c.close()
        self.assertEqual(n, 1)
        r = op.get("/ops/")
        self.assertEqual(r.status, 303)
        r = sign_in("leaver@ops.example", OP_PASSWORD, totp(op.secret, time.time() + 30))
        self.assertEqual(r.status, 401)
        self.assertIn("disabled=", [ln for ln in S.cli("operator", "list").splitlines()
                                    if "leaver@" in ln][0])

    def test_sign_out(self):
        op = Operator("out@ops.example")
        r = op.post("/ops/logout", {})
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("Location"), "/ops/login")
        self.assertIn("Max-Age=0", r.header("Set-Cookie"))
        self.assertEqual(op.get("/ops/").status, 303)


class Wall(unittest.TestCase):
    def test_business_session_and_api_key_get_nothing_on_ops(self):
        token = USER.cookie.split("=", 1)[1]
        creds = [
            {"Cookie": USER.cookie},
            {"Authorization": "Bearer " + TA.key},
            {"Cookie": USER.cookie, "Authorization": "Bearer " + TA.key},
            # a business session's token under the operators' cookie name
            {"Cookie": "postroom_ops=" + token},
        ]
        for method, path in ops_routes():
            for h in creds:
                hdrs = dict(h, Accept=BROWSER)
                body = None
                if method == "POST":
                    hdrs["Content-Type"] = FORM
                    body = urllib.parse.urlencode({"csrf": USER.csrf, "reason": "x",
                                                   "tenant": TA.id}).encode()
                r = S.request(method, path, headers=hdrs, body=body)
                with self.subTest(route=path, creds=sorted(h)):
                    assert_nothing(self, r, method)
        self.assertIn("off: no kill switch is on", S.cli("killswitch", "status"))

    def test_operator_cookie_gets_nothing_on_business_routes(self):
        token = OP.cookie.split("=", 1)[1]
        for cookie in (OP.cookie, "__Host-postroom_session=" + token):
            r = S.request("GET", "/api/v1/orders", headers={"Cookie": cookie})
            self.assertEqual(r.status, 401, r.short())
            for path in ("/", "/import", "/export", "/export.csv", "/report-problem"):
                r = S.request("GET", path, headers={"Cookie": cookie, "Accept": BROWSER})
                self.assertEqual(r.status, 303, "%s: %s" % (path, r.short()))
                self.assertEqual(r.header("Location"), "/login")
            r = S.request("POST", "/report-problem",
                          headers={"Cookie": cookie, "Content-Type": FORM},
                          body=urllib.parse.urlencode({"csrf": OP.csrf, "category": "other"}).encode())
            self.assertEqual(r.status, 403, r.short())

    def test_console_shows_counts_but_no_personal_data(self):
        r = OP.get("/ops/")
        self.assertEqual(r.status, 200)
        t = r.text()
        self.assertIn("Ops Alpha Ltd", t)
        self.assertRegex(t, r"<td>%s</td><td>Ops Alpha Ltd</td><td>new 2</td>" % TA.id)
        self.assertRegex(t, r"<td>%s</td><td>Ops Beta Ltd</td><td>new 1</td>" % TB.id)
        csp = r.header("Content-Security-Policy")
        self.assertIn("default-src 'self'", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertNotIn("<script", t)
        self.assertNotIn("style=", t)
        for form in re.findall(r"<form[^>]*method=\"post\".*?</form>", t, re.S):
            self.assertIn('name="csrf"', form)
        pages = [t, OP.get("/ops/login").text(),
                 OP.post("/ops/killswitch/on", {"reason": ""}).text(),
                 OP.post("/ops/reports/999999/handled", {}).text()]
        for p in pages:
            for s in SECRET_DATA + ["OPS-A-1", "Ada Lovelace", "SW1Y"]:
                self.assertNotIn(s, p)


class Console(unittest.TestCase):
    def api_status(self):
        return TA.get("/api/v1/orders").status

    def wait_for(self, want):
        t0 = time.monotonic()
        while self.api_status() != want:
            if time.monotonic() - t0 > BOUND_S:
                raise AssertionError("the API did not answer %d within %.1f s" % (want, BOUND_S))
            time.sleep(0.05)

    def status_document(self, name):
        out = tempfile.mkdtemp(prefix="postroom-ops-export-")
        subprocess.run([S.binary, "status-export", out, "--status-db", S.status_db], check=True,
                       capture_output=True)
        with open(os.path.join(out, "api", "v2", name)) as f:
            return json.load(f)

    def test_console_switch_stands_only_with_its_audit_record(self):
        """With the audit table refusing inserts, the console's switch on and
        off fail with 503 and change nothing: the switch and its record are
        one transaction."""
        def switches():
            with S.db_connect() as db:
                return sorted(db.execute("SELECT tenant_id, feature FROM killswitches "
                                         "WHERE active = 1").fetchall())

        def refuse(on):
            harness.refuse_inserts(S, "audit", on)

        before = switches()
        refuse(True)
        try:
            r = OP.post("/ops/killswitch/on", {"tenant": TB.id, "feature": "exports",
                                               "reason": "Atomic console test."})
            self.assertEqual(r.status, 503, r.short())
            self.assertIn("Nothing changed", r.text())
        finally:
            refuse(False)
        self.assertEqual(switches(), before)
        r = OP.post("/ops/killswitch/on", {"tenant": TB.id, "feature": "exports",
                                           "reason": "Atomic console test."})
        self.assertEqual(r.status, 303, r.short())
        on = switches()
        self.assertEqual(len(on), len(before) + 1)
        refuse(True)
        try:
            r = OP.post("/ops/killswitch/off", {"tenant": TB.id, "feature": "exports"})
            self.assertEqual(r.status, 503, r.short())
        finally:
            refuse(False)
        self.assertEqual(switches(), on)
        r = OP.post("/ops/killswitch/off", {"tenant": TB.id, "feature": "exports"})
        self.assertEqual(r.status, 303, r.short())
        self.assertEqual(switches(), before)

    def test_console_revokes_every_key_of_one_business(self):
        t = S.new_tenant("Ops Leaked Keys Ltd")
        second = S.apikey_create(t.id, "second")
        for k in (t.key, second, TA.key):
            self.assertEqual(S.request("GET", "/api/v1/orders",
                                       headers={"Authorization": "Bearer " + k}).status, 200)
        self.assertIn('action="/ops/apikeys/revoke"', OP.get("/ops/").text())
        r = OP.post("/ops/apikeys/revoke", {"tenant": t.id})
        self.assertEqual(r.status, 303, r.short())
        for k in (t.key, second):
            self.assertEqual(S.request("GET", "/api/v1/orders",
                                       headers={"Authorization": "Bearer " + k}).status, 401)
        self.assertEqual(S.request("GET", "/api/v1/orders",
                                   headers={"Authorization": "Bearer " + TA.key}).status, 200)
        self.assertEqual(OP.post("/ops/apikeys/revoke", {"tenant": "999999"}).status, 404)
        self.assertEqual(OP.post("/ops/apikeys/revoke", {"tenant": ""}).status, 400)

    def test_kill_switch_on_and_off_from_the_console(self):
        self.assertEqual(self.api_status(), 200)
        r = OP.post("/ops/killswitch/on", {"tenant": "", "feature": "api",
                                           "reason": "Investigating a data problem."})
        self.assertEqual(r.status, 303, r.short())
        self.wait_for(503)
        r = TA.get("/api/v1/orders")
        self.assertIn("Investigating a data problem.", r.json()["message"])
        self.assertIn("feature=api", S.cli("killswitch", "status"))
        page = OP.get("/ops/").text()
        self.assertIn("Investigating a data problem.", page)
        self.assertIn("operator:", page)
        # the console still answers while the switch is on, and switches it off
        r = OP.post("/ops/killswitch/off", {"tenant": "0", "feature": "api"})
        self.assertEqual(r.status, 303, r.short())
        self.wait_for(200)
        self.assertIn("off: no kill switch is on", S.cli("killswitch", "status"))
        # "stop access": every business, every feature; the operators' pages stay up
        r = OP.post("/ops/killswitch/on", {"tenant": "", "feature": "", "reason": "Stop access."})
        self.assertEqual(r.status, 303, r.short())
        self.wait_for(503)
        self.assertEqual(USER.get("/").status, 503)
        self.assertEqual(OP.get("/ops/").status, 200)
        self.assertEqual(S.request("GET", "/ops/login").status, 200)
        # posted on the status site as the CLI's switches are
        unresolved = self.status_document("incidents/unresolved.json")["incidents"]
        self.assertEqual(len(unresolved), 1)
        self.assertIn("Stop access.", unresolved[0]["incident_updates"][0]["body"])
        self.assertEqual(OP.post("/ops/killswitch/off", {"tenant": "", "feature": ""}).status, 303)
        self.wait_for(200)
        self.assertEqual(self.status_document("incidents/unresolved.json")["incidents"], [])
        self.assertEqual(self.status_document("incidents.json")["incidents"][0]["status"],
                         "resolved")
        # a business switch with sessions ended
        r = OP.post("/ops/killswitch/on", {"tenant": TB.id, "feature": "", "revoke": "1",
                                           "reason": "Checking one business."})
        self.assertEqual(r.status, 303, r.short())
        t0 = time.monotonic()
        while TB.get("/api/v1/orders").status != 503:
            self.assertLess(time.monotonic() - t0, BOUND_S)
            time.sleep(0.05)
        self.assertEqual(self.api_status(), 200, "another business is not stopped")
        self.assertEqual(OP.post("/ops/killswitch/off", {"tenant": TB.id, "feature": ""}).status, 303)
        # bad forms change nothing
        self.assertEqual(OP.post("/ops/killswitch/on", {"feature": "nope", "reason": "x"}).status, 400)
        self.assertEqual(OP.post("/ops/killswitch/on", {"tenant": "999999", "reason": "x"}).status, 404)
        self.assertEqual(OP.post("/ops/killswitch/on", {"reason": "a\nb"}).status, 400)
        self.assertEqual(OP.post("/ops/killswitch/off", {"feature": "web"}).status, 404)
        r = OP.post("/ops/killswitch/on", {"reason": "no token", "csrf": "forged"})
        self.assertEqual(r.status, 403)
        self.assertIn("off: no kill switch is on", S.cli("killswitch", "status"))

    def test_report_a_data_problem(self):
        home = USER.get("/")
        self.assertIn('href="/report-problem?page=/"', home.text())
        exp = USER.get("/export")
        self.assertIn('href="/report-problem?page=/export"', exp.text())
        form = S.request("GET", "/report-problem?page=/export%3Ffrom%3D2026-01-01",
                         headers={"Cookie": USER.cookie})
        self.assertEqual(form.status, 200)
        self.assertIn('name="page" value="/export"', form.text())
        self.assertNotIn("2026-01-01", form.text())
        self.assertIn("Do not type your customers", form.text())
        body = {"csrf": USER.csrf, "page": "/export?from=2026-01-01", "category": "other_business",
                "details": "Do-not-log this report text"}
        no_csrf = dict(body, csrf="")
        r = S.request("POST", "/report-problem", headers={"Cookie": USER.cookie, "Content-Type": FORM},
                      body=urllib.parse.urlencode(no_csrf).encode())
        self.assertEqual(r.status, 403)
        bad = dict(body, category="nonsense")
        r = S.request("POST", "/report-problem", headers={"Cookie": USER.cookie, "Content-Type": FORM},
                      body=urllib.parse.urlencode(bad).encode())
        self.assertEqual(r.status, 400)
        long_text = dict(body, details="x" * 501)
        r = S.request("POST", "/report-problem", headers={"Cookie": USER.cookie, "Content-Type": FORM},
                      body=urllib.parse.urlencode(long_text).encode())
        self.assertEqual(r.status, 400)
        r = S.request("POST", "/report-problem", headers={"Cookie": USER.cookie, "Content-Type": FORM},
                      body=urllib.parse.urlencode(body).encode())
        self.assertEqual(r.status, 200, r.short())
        self.assertIn("Report sent", r.text())
        c = S.db_connect()
        rows = c.execute("SELECT report_id, tenant_id, page, category, details FROM data_reports").fetchall()
        c.close()
        self.assertEqual(len(rows), 1)
        rid, tid, page, cat, details = rows[0]
        self.assertEqual((str(tid), page, cat), (TA.id, "/export", "other_business"))
        console = OP.get("/ops/").text()
        self.assertIn("<code>/export</code>", console)
        self.assertIn("other_business", console)
        self.assertIn('action="/ops/reports/%d/handled"' % rid, console)
        r = OP.post("/ops/reports/%d/handled" % rid, {})
        self.assertEqual(r.status, 303, r.short())
        console = OP.get("/ops/").text()
        self.assertNotIn('action="/ops/reports/%d/handled"' % rid, console)
        self.assertIn("by operator:", console)
        self.assertEqual(OP.post("/ops/reports/%d/handled" % rid, {}).status, 404)


class Audit(unittest.TestCase):
    def test_every_operator_action_is_audited_and_the_chain_verifies(self):
        # a failed sign-in, a sign-in, a view, a switch on and off, a sign-out
        op = Operator("audited@ops.example")
        sign_in("audited@ops.example", "wrong password", totp(op.secret))
        op.get("/ops/")
        op.post("/ops/killswitch/on", {"tenant": TA.id, "feature": "labels", "reason": "Audit test."})
        op.post("/ops/killswitch/off", {"tenant": TA.id, "feature": "labels"})
        op.post("/ops/logout", {})
        opid = re.search(r"operator:(\d+) audited@", S.cli("operator", "list")).group(1)
        c = S.db_connect()
        rows = c.execute("SELECT principal_tenant, data_tenant, action, objects FROM audit "
                         "WHERE principal_id = ?", ("operator:" + opid,)).fetchall()
        cli = c.execute("SELECT principal_id, principal_tenant, action FROM audit "
                        "WHERE objects = ? AND principal_id LIKE 'cli:%'",
                        ("operator:" + opid,)).fetchall()
        everything = c.execute("SELECT * FROM audit").fetchall()
        c.close()
        actions = [r[2] for r in rows]
        for want in ("operator.signin", "operator.signin_failed", "ops.counts.view",
                     "ops.audit.view", "killswitch.on", "killswitch.off", "operator.signout"):
            self.assertIn(want, actions)
        self.assertTrue(all(r[0] == 0 for r in rows), "an operator has no tenant")
        self.assertEqual([(r[1], r[2]) for r in cli], [(0, "operator.add")],
                         "the CLI's add is recorded as who ran it")
        on = [r for r in rows if r[2] == "killswitch.on"][0]
        self.assertEqual(str(on[1]), TA.id)
        self.assertEqual(on[3], "killswitch:tenant=%s,feature=labels" % TA.id)
        views = {str(r[1]) for r in rows if r[2] == "ops.counts.view"}
        self.assertTrue({TA.id, TB.id} <= views)
        # no e-mail address and none of the orders' data in the chain
        flat = repr(everything)
        for s in SECRET_DATA + ["audited@ops.example", OP_PASSWORD]:
            self.assertNotIn(s, flat)
        p = cli_result("audit", "verify")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)


if __name__ == "__main__":
    harness.main()

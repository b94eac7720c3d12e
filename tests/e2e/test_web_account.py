"""The user's own account (issue 11): the sign-in form keeps the e-mail
typed, a session that ended says so at sign-in, GET /account, changing the
password (a wrong current one refused, every other session ended, the old
password dead), and optional TOTP two-factor sign-in (RFC 6238, codes
computed here from the secret the page shows): set up, confirmed with a
code, then sign-in asks for one; a wrong or reused code is refused and
counts as a failed sign-in; turned off with a code or the password. Another
business's user is untouched throughout, every form needs its CSRF token,
and no password, secret or code reaches the log or the audit.

Run: /usr/bin/python3 tests/e2e/test_web_account.py BUILD/postroom
"""
import base64
import hashlib
import hmac
import re
import sqlite3
import struct
import time
import unittest
import urllib.parse

import harness

SERVER = None
A = B = None
PASSWORD = "a long enough password"
NEW_PASSWORD = "another long password"
FORM = "application/x-www-form-urlencoded"
SEEN = []  # secrets and codes the log must never hold
CLEAR = '"cache", "cookies"'
SHOWN = r'<p role="status" class="notice" data-session-ended>Your session has ended; sign in again\.</p>'
HIDDEN = r'<p role="status" class="notice" data-session-ended hidden>Your session has ended'


def setUpModule():
    global SERVER, A, B
    SERVER = harness.Server.start_new()
    A = SERVER.new_tenant("Alpha Account Ltd")
    B = SERVER.new_tenant("Beta Account Co")


def tearDownModule():
    SERVER.stop_and_check(forbidden_in_logs=[PASSWORD, NEW_PASSWORD, "tf@alpha.example",
                                             "pw@alpha.example", "keep@alpha.example"] + SEEN)


def totp(secret, t):
    """RFC 6238 (SHA-1, 30 s, 6 digits) at Unix time t."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    h = hmac.new(key, struct.pack(">Q", int(t) // 30), hashlib.sha1).digest()
    o = h[-1] & 15
    return "%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)


def set_cookies(resp):
    return resp.headers.get_all("Set-Cookie") or []


def cookie(resp, name):
    for v in set_cookies(resp):
        m = re.match(r"(%s=[^;]*)" % re.escape(name), v)
        if m:
            return m.group(1)
    return None


def post(path, fields, cookie_header=None):
    headers = {"Content-Type": FORM}
    if cookie_header:
        headers["Cookie"] = cookie_header
    return SERVER.request("POST", path, headers=headers, body=urllib.parse.urlencode(fields).encode())


def get(path, cookie_header=None):
    return SERVER.request("GET", path, headers={"Cookie": cookie_header} if cookie_header else {})


def sign_in(email, password):
    return post("/login", {"email": email, "password": password})


class Session:
    """A signed-in user: cookie and CSRF token, signed in through the form."""

    def __init__(self, email, password=PASSWORD, code_secret=None):
        r = sign_in(email, password)
        if code_secret:
            assert r.status == 303 and r.header("Location") == "/login/code", r.short()
            pending = cookie(r, "__Host-postroom_signin")
            r = post("/login/code", {"code": totp(code_secret, time.time())}, pending)
        assert r.status == 303 and r.header("Location") == "/", r.short()
        self.cookie = cookie(r, "__Host-postroom_session")
        page = get("/account", self.cookie)
        assert page.status == 200, page.short()
        self.csrf = re.search(r'name="csrf" value="([^"]+)"', page.text()).group(1)

    def get(self, path):
        return get(path, self.cookie)

    def post(self, path, fields, csrf=True):
        f = dict(fields)
        if csrf:
            f["csrf"] = self.csrf
        return post(path, f, self.cookie)

    def live(self):
        return self.get("/account").status == 200


def audit_rows(action):
    harness.audit_settle(SERVER)
    c = SERVER.db_connect()
    try:
        return c.execute("SELECT principal_tenant, principal_id, data_tenant, objects FROM audit "
                         "WHERE action = ?", (action,)).fetchall()
    finally:
        c.close()


def user_id(tenant, email):
    c = SERVER.db_connect()
    try:
        return c.execute("SELECT user_id FROM users WHERE tenant_id = ? AND email = ?",
                         (int(tenant.id), email)).fetchone()[0]
    finally:
        c.close()


def secret_of(page):
    m = re.search(r'<code class="secret" id="totp-secret">([A-Z2-7 ]+)</code>', page)
    assert m, page[:2000]
    s = m.group(1).replace(" ", "")
    SEEN.append(s)
    return s


class SignInPage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        SERVER.user_add(A.id, "keep@alpha.example", "standard", PASSWORD)

    def test_failed_sign_in_keeps_the_email_escaped(self):
        r = sign_in("keep@alpha.example", "not the password")
        self.assertEqual(r.status, 401)
        self.assertIn('value="keep@alpha.example"', r.text())
        self.assertNotIn("not the password", r.text())
        evil = '"><img src=x onerror=alert(1)>'
        r = sign_in(evil, "whatever it is")
        self.assertEqual(r.status, 401)
        self.assertIn('value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"', r.text())
        self.assertNotIn("<img", r.text())
        # no password at all: 400, the address still there
        r = post("/login", {"email": "keep@alpha.example"})
        self.assertEqual(r.status, 400)
        self.assertIn('value="keep@alpha.example"', r.text())

    def test_an_ended_session_says_so_at_sign_in(self):
        s = Session("keep@alpha.example")
        self.assertTrue(s.live())
        # idle past the limit: as the clock would, in the database
        c = SERVER.db_connect()
        c.execute("UPDATE sessions SET seen_at = 0 WHERE tenant_id = ?", (int(A.id),))
        c.commit()
        c.close()
        r = s.get("/account")
        self.assertEqual((r.status, r.header("Location")), (303, "/login"))
        self.assertEqual(r.header("Clear-Site-Data"), CLEAR)
        page = s.get("/login")
        self.assertEqual(page.status, 200)
        self.assertEqual(page.header("Clear-Site-Data"), CLEAR)
        self.assertIn("Your session has ended; sign in again.", page.text())
        self.assertRegex(page.text(), SHOWN)
        # no cookie: the note is left hidden (app.js shows it in a tab that was
        # signed in, web/signin.c); beside a live session: none at all
        self.assertNotRegex(get("/login").text(), SHOWN)
        self.assertRegex(get("/login").text(), HIDDEN)
        live = Session("keep@alpha.example")
        self.assertNotIn("Your session has ended", live.get("/login").text())
        # revoked by the operators: the same
        SERVER.cli("sessions", "revoke", "--tenant", A.id)
        self.assertRegex(live.get("/login").text(), SHOWN)
        # never beside an error
        r = post("/login", {"email": "keep@alpha.example", "password": "wrong one"}, live.cookie)
        self.assertEqual(r.status, 401)
        self.assertNotIn("Your session has ended", r.text())


class Account(unittest.TestCase):
    def test_account_page_shows_own_details_only(self):
        SERVER.user_add(A.id, "admin@alpha.example", "admin", PASSWORD)
        SERVER.user_add(B.id, "staff@beta.example", "standard", PASSWORD)
        a, b = Session("admin@alpha.example"), Session("staff@beta.example")
        pa, pb = a.get("/account"), b.get("/account")
        self.assertIn("admin@alpha.example", pa.text())
        self.assertIn("Administrator", pa.text())
        self.assertNotIn("beta", pa.text().lower())
        self.assertIn("staff@beta.example", pb.text())
        self.assertIn("<dd>Standard</dd>", pb.text())
        self.assertNotIn("alpha", pb.text().lower())
        self.assertIn("no-store", pa.header("Cache-Control"))
        self.assertEqual((get("/account").status, get("/account").header("Location")), (303, "/login"))

    def test_change_password(self):
        SERVER.user_add(A.id, "pw@alpha.example", "standard", PASSWORD)
        SERVER.user_add(B.id, "pw@beta.example", "standard", PASSWORD)
        one, two = Session("pw@alpha.example"), Session("pw@alpha.example")
        other = Session("pw@beta.example")
        # a wrong current password: 422, the field says so, nothing changed
        r = one.post("/account/password", {"current": "not it at all", "password": NEW_PASSWORD,
                                           "again": NEW_PASSWORD})
        self.assertEqual(r.status, 422, r.short())
        self.assertIn("That is not your current password.", r.text())
        self.assertIn('aria-invalid="true"', r.text())
        self.assertNotIn(NEW_PASSWORD, r.text())
        self.assertTrue(two.live())
        self.assertEqual(sign_in("pw@alpha.example", NEW_PASSWORD).status, 401)
        # the new one: too short, or typed twice differently
        r = one.post("/account/password", {"current": PASSWORD, "password": "short", "again": "short"})
        self.assertEqual(r.status, 422)
        self.assertIn("at least 10 characters", r.text())
        r = one.post("/account/password", {"current": PASSWORD, "password": NEW_PASSWORD,
                                           "again": NEW_PASSWORD + "x"})
        self.assertEqual(r.status, 422)
        self.assertIn("The two new passwords differ.", r.text())
        self.assertTrue(two.live())
        # without the form's token: 403, nothing changed
        r = one.post("/account/password", {"current": PASSWORD, "password": NEW_PASSWORD,
                                           "again": NEW_PASSWORD}, csrf=False)
        self.assertEqual(r.status, 403)
        self.assertTrue(two.live())
        # changed: this session stays, the other ends, the old password is dead
        r = one.post("/account/password", {"current": PASSWORD, "password": NEW_PASSWORD,
                                           "again": NEW_PASSWORD})
        self.assertEqual(r.status, 200, r.short())
        self.assertIn("Your password is changed", r.text())
        self.assertTrue(one.live())
        self.assertFalse(two.live())
        self.assertTrue(other.live())
        self.assertEqual(sign_in("pw@alpha.example", PASSWORD).status, 401)
        self.assertEqual(sign_in("pw@alpha.example", NEW_PASSWORD).status, 303)
        # the other business's user of the same password is untouched
        self.assertEqual(sign_in("pw@beta.example", PASSWORD).status, 303)
        uid = user_id(A, "pw@alpha.example")
        rows = audit_rows("user.password")
        self.assertIn((int(A.id), "user:%d" % uid, int(A.id), "user:%d" % uid), rows)


class TwoFactor(unittest.TestCase):
    def set_up(self, s):
        r = s.post("/account/totp/setup", {})
        self.assertEqual((r.status, r.header("Location")), (303, "/account/totp"))
        page = s.get("/account/totp")
        self.assertEqual(page.status, 200)
        return secret_of(page.text())

    def test_enable_sign_in_with_code_reuse_and_disable(self):
        SERVER.user_add(A.id, "tf@alpha.example", "admin", PASSWORD)
        SERVER.user_add(B.id, "tf@beta.example", "admin", PASSWORD)
        s = Session("tf@alpha.example")
        other = Session("tf@beta.example")
        self.assertEqual(s.post("/account/totp/setup", {}, csrf=False).status, 403)
        self.assertEqual(s.get("/account/totp").status, 409)  # nothing set up
        secret = self.set_up(s)
        self.assertEqual(len(secret), 32)
        # the QR code: a PNG for this user only, never cached
        qr = s.get("/account/totp/qr.png")
        self.assertEqual(qr.status, 200)
        self.assertEqual(qr.header("Content-Type"), "image/png")
        self.assertTrue(qr.body.startswith(b"\x89PNG\r\n\x1a\n"))
        self.assertIn("no-store", qr.header("Cache-Control"))
        self.assertEqual(other.get("/account/totp/qr.png").status, 404)
        self.assertEqual(get("/account/totp/qr.png").status, 303)
        # set up is not on: the password alone still signs in
        self.assertEqual(sign_in("tf@alpha.example", PASSWORD).header("Location"), "/")
        # a wrong code does not turn it on; without CSRF: 403
        r = s.post("/account/totp/enable", {"code": "000000" if totp(secret, time.time()) != "000000" else "111111"})
        self.assertEqual(r.status, 422)
        self.assertIn("That code is not right", r.text())
        step = int(time.time()) // 30
        r = s.post("/account/totp/enable", {"code": totp(secret, (step - 1) * 30)}, csrf=False)
        self.assertEqual(r.status, 403)
        r = s.post("/account/totp/enable", {"code": totp(secret, (step - 1) * 30)})
        self.assertEqual(r.status, 200, r.short())
        self.assertIn("Two-factor authentication is on", r.text())
        self.assertNotIn(secret, s.get("/account").text())
        self.assertEqual(s.get("/account/totp/qr.png").status, 404)  # never shown again

        # sign-in is two steps now: the password makes no session
        r = sign_in("tf@alpha.example", PASSWORD)
        self.assertEqual((r.status, r.header("Location")), (303, "/login/code"))
        self.assertIsNone(cookie(r, "__Host-postroom_session"))
        pending = cookie(r, "__Host-postroom_signin")
        sc = [v for v in set_cookies(r) if v.startswith("__Host-postroom_signin=")][0]
        for attr in ("Secure", "HttpOnly", "SameSite=Strict", "Path=/"):
            self.assertIn(attr, sc)
        # the pending token opens no page, even as a session cookie
        self.assertEqual(get("/account", pending).status, 303)
        self.assertEqual(get("/account", "__Host-postroom_session=" + pending.split("=", 1)[1]).status, 303)
        self.assertIn("Enter your code", get("/login/code", pending).text())
        # a wrong code: refused, the pending sign-in stays
        r = post("/login/code", {"code": "12345"}, pending)
        self.assertEqual(r.status, 401)
        self.assertIn("That code is not right", r.text())
        self.assertIsNone(cookie(r, "__Host-postroom_session"))
        now = int(time.time()) // 30
        code = totp(secret, now * 30)
        r = post("/login/code", {"code": code}, pending)
        self.assertEqual((r.status, r.header("Location")), (303, "/"), r.short())
        live = cookie(r, "__Host-postroom_session")
        self.assertEqual(get("/account", live).status, 200)
        # the pending sign-in is used up
        self.assertEqual(post("/login/code", {"code": code}, pending).status, 401)
        # the same code again, in a new sign-in: refused (used within its step)
        r2 = sign_in("tf@alpha.example", PASSWORD)
        pending2 = cookie(r2, "__Host-postroom_signin")
        r = post("/login/code", {"code": code}, pending2)
        self.assertEqual(r.status, 401)
        self.assertIsNone(cookie(r, "__Host-postroom_session"))
        # an older one too
        self.assertEqual(post("/login/code", {"code": totp(secret, (now - 1) * 30)}, pending2).status, 401)
        # the next step's code works
        r = post("/login/code", {"code": totp(secret, (now + 1) * 30)}, pending2)
        self.assertEqual(r.status, 303, r.short())
        # API keys are no sign-in: untouched
        self.assertEqual(A.get("/api/v1/orders").status, 200)
        # the other business's user still signs in with the password alone
        self.assertEqual(sign_in("tf@beta.example", PASSWORD).header("Location"), "/")
        self.assertTrue(other.live())
        # no pending cookie: the code step sends back to sign in
        r = post("/login/code", {"code": code})
        self.assertEqual(r.status, 401)
        self.assertIn("Sign in again", r.text())

        # turning it off: a used code is refused, no CSRF is 403, the password works
        r = s.post("/account/totp/disable", {"code": totp(secret, (now + 1) * 30)})
        self.assertEqual(r.status, 422)
        self.assertIn("still on", r.text())
        r = s.post("/account/totp/disable", {"password": "wrong password!"})
        self.assertEqual(r.status, 422)
        self.assertIn("That is not your current password.", r.text())
        self.assertEqual(s.post("/account/totp/disable", {"password": PASSWORD}, csrf=False).status, 403)
        r = s.post("/account/totp/disable", {"password": PASSWORD})
        self.assertEqual(r.status, 200, r.short())
        self.assertIn("Two-factor authentication is off.", r.text())
        self.assertEqual(sign_in("tf@alpha.example", PASSWORD).header("Location"), "/")

        uid = user_id(A, "tf@alpha.example")
        for action in ("user.totp_on", "user.totp_off"):
            self.assertIn((int(A.id), "user:%d" % uid, int(A.id), "user:%d" % uid), audit_rows(action))
        c = SERVER.db_connect()
        audit = " ".join(str(row) for row in c.execute("SELECT * FROM audit"))
        c.close()
        self.assertNotIn(secret, audit)

    def test_disable_with_a_code(self):
        SERVER.user_add(B.id, "code@beta.example", "standard", PASSWORD)
        s = Session("code@beta.example")
        secret = self.set_up(s)
        step = int(time.time()) // 30
        self.assertEqual(s.post("/account/totp/enable", {"code": totp(secret, (step - 1) * 30)}).status, 200)
        # the code that turned it on cannot turn it off
        r = s.post("/account/totp/disable", {"code": totp(secret, (step - 1) * 30)})
        self.assertEqual(r.status, 422)
        r = s.post("/account/totp/disable", {"code": totp(secret, (step + 1) * 30)})
        self.assertEqual(r.status, 200, r.short())
        self.assertIn("Two-factor authentication is off.", r.text())
        self.assertEqual(sign_in("code@beta.example", PASSWORD).header("Location"), "/")

    def test_wrong_codes_count_toward_the_sign_in_limit(self):
        SERVER.user_add(A.id, "limit@alpha.example", "standard", PASSWORD)
        s = Session("limit@alpha.example")
        secret = self.set_up(s)
        step = int(time.time()) // 30
        self.assertEqual(s.post("/account/totp/enable", {"code": totp(secret, (step - 1) * 30)}).status, 200)
        pending = cookie(sign_in("limit@alpha.example", PASSWORD), "__Host-postroom_signin")
        good = {totp(secret, (step + d) * 30) for d in (-1, 0, 1, 2)}
        wrong = next("%06d" % i for i in range(1000000) if "%06d" % i not in good)
        statuses = [post("/login/code", {"code": wrong}, pending).status for _ in range(20)]
        self.assertEqual(statuses, [401] * 20)
        # limited now: even the right code is refused, and so is the password
        r = post("/login/code", {"code": totp(secret, time.time())}, pending)
        self.assertEqual(r.status, 429)
        self.assertEqual(sign_in("limit@alpha.example", PASSWORD).status, 429)


if __name__ == "__main__":
    harness.main()

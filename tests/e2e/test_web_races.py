"""The web area's guards under races, with three servers on one database
(issue 12: what SQLite's one write lock gave, PostgreSQL's per-business
write lock must give too): two administrators demoting or removing each
other at the same moment leave exactly one; one code sent twice at once,
on two pending sign-ins at two servers, makes one session; a removed user
and a changed password end the sessions held on the other servers at once.

Run: /usr/bin/python3 tests/e2e/test_web_races.py BUILD/postroom
     (with POSTROOM_TEST_PG=CLUSTER for PostgreSQL)
"""
import base64
import hashlib
import hmac
import re
import struct
import threading
import time
import unittest
import urllib.parse

import harness

SERVERS = []
PASSWORD = "races password 1"
NEW_PASSWORD = "races password 2"
FORM = "application/x-www-form-urlencoded"
HTML = {"Accept": "text/html,application/xhtml+xml"}
SEEN = []  # TOTP secrets, checked against the logs


def setUpModule():
    first = harness.Server.start_new()
    SERVERS.append(first)
    for _ in range(2):
        s = first.sibling()
        s.start()
        SERVERS.append(s)


def tearDownModule():
    for s in reversed(SERVERS):
        s.stop_and_check(forbidden_in_logs=[PASSWORD, NEW_PASSWORD] + SEEN)


def totp(secret, t):
    """RFC 6238 (SHA-1, 30 s, 6 digits) at Unix time t."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    h = hmac.new(key, struct.pack(">Q", int(t) // 30), hashlib.sha1).digest()
    o = h[-1] & 15
    return "%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)


def cookie(resp, name):
    for v in resp.headers.get_all("Set-Cookie") or []:
        m = re.match(r"(%s=[^;]*)" % re.escape(name), v)
        if m:
            return m.group(1)
    return None


def post(server, path, fields, cookie_header=None):
    headers = dict(HTML, **{"Content-Type": FORM})
    if cookie_header:
        headers["Cookie"] = cookie_header
    return server.request("POST", path, headers=headers, body=urllib.parse.urlencode(fields).encode())


class Web(harness.WebUser):
    """A signed-in user on one of the servers."""

    def __init__(self, server, tenant, email, password, role="standard"):
        super().__init__(server, tenant, email, password, role)
        self.email_ = email

    def page(self, path):
        return self.server.request("GET", path, headers=dict(HTML, Cookie=self.cookie))

    def post(self, path, fields):
        return post(self.server, path, dict(fields, csrf=self.csrf), self.cookie)

    def live_on(self, server):
        return server.request("GET", "/account", headers=dict(HTML, Cookie=self.cookie)).status == 200


def user_ids(page):
    """{email: user id} of the users page's rows."""
    out = {}
    for m in re.finditer(r'<tr><td data-label="E-mail"><span>(.*?)(?: <span class="muted">\(you\)</span>)?</span></td>.*?'
                         r'name="user" value="(\d+)"', page, re.S):
        out[m.group(1)] = int(m.group(2))
    return out


def at_once(*calls):
    """Runs the calls in threads released together; their results in order."""
    gate = threading.Barrier(len(calls))
    out = [None] * len(calls)

    def run(i, f):
        gate.wait()
        out[i] = f()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return out


def rows(sql, *args):
    c = SERVERS[0].db_connect()
    try:
        return c.execute(sql, args).fetchall()
    finally:
        c.close()


class Races(unittest.TestCase):
    def two_admins(self, name):
        t = SERVERS[0].new_tenant(name)
        slug = re.sub(r"[^a-z0-9]", "-", name.lower())
        one = Web(SERVERS[1], t, "one@%s.example" % slug, PASSWORD, "admin")
        two = Web(SERVERS[2], t, "two@%s.example" % slug, PASSWORD, "admin")
        ids = user_ids(one.page("/settings/users").text())
        return t, one, two, ids[one.email_], ids[two.email_]

    def admins(self, t):
        return rows("SELECT user_id FROM users WHERE tenant_id = ? AND role = 2", int(t.id))

    def test_demoting_each_other_at_once_leaves_one_administrator(self):
        for i in range(6):
            t, one, two, id1, id2 = self.two_admins("Demote Race %d" % i)
            r1, r2 = at_once(lambda: one.post("/settings/users/role", {"user": id2, "role": "standard"}),
                             lambda: two.post("/settings/users/role", {"user": id1, "role": "standard"}))
            # the loser is refused: 422 (the last administrator) when it was
            # checked after the winner's change, 403 when it was no longer one
            self.assertEqual(sorted([r1.status, r2.status])[0], 303, (r1.short(), r2.short()))
            self.assertIn(sorted([r1.status, r2.status])[1], (403, 422), (r1.short(), r2.short()))
            self.assertEqual(len(self.admins(t)), 1, "round %d: %r" % (i, self.admins(t)))

    def test_removing_and_demoting_at_once_leaves_one_administrator(self):
        for i in range(6):
            t, one, two, id1, id2 = self.two_admins("Remove Race %d" % i)
            r1, r2 = at_once(lambda: one.post("/settings/users/remove", {"user": id2}),
                             lambda: two.post("/settings/users/role", {"user": id1, "role": "standard"}))
            self.assertEqual(len(self.admins(t)), 1, "round %d: %r" % (i, self.admins(t)))
            done = [r.status for r in (r1, r2) if r.status == 303]
            self.assertEqual(len(done), 1, (r1.short(), r2.short()))
            if r1.status == 303:  # the removal won: the removed one's session ends on every server
                for s in SERVERS:
                    self.assertFalse(two.live_on(s))
            self.assertTrue(one.live_on(SERVERS[0]))

    def test_a_removed_user_is_signed_out_on_every_server_at_once(self):
        t = SERVERS[0].new_tenant("Removed Everywhere")
        admin = Web(SERVERS[0], t, "admin@removed-everywhere.example", PASSWORD, "admin")
        gone = Web(SERVERS[1], t, "gone@removed-everywhere.example", PASSWORD, "standard")
        for s in SERVERS:
            self.assertTrue(gone.live_on(s))
        uid = user_ids(admin.page("/settings/users").text())[gone.email_]
        r = admin.post("/settings/users/remove", {"user": uid})
        self.assertEqual(r.status, 303, r.short())
        for s in SERVERS:
            self.assertFalse(gone.live_on(s))
        self.assertEqual(rows("SELECT COUNT(*) FROM sessions WHERE tenant_id = ? AND user_id = ?",
                              int(t.id), uid), [(0,)])

    def test_a_new_password_ends_the_other_sessions_on_every_server(self):
        t = SERVERS[0].new_tenant("Password Everywhere")
        me = Web(SERVERS[0], t, "me@password-everywhere.example", PASSWORD, "standard")
        others = [Web.__new__(Web) for _ in SERVERS[1:]]
        for o, s in zip(others, SERVERS[1:]):
            r = post(s, "/login", {"email": me.email_, "password": PASSWORD})
            self.assertEqual(r.status, 303, r.short())
            o.cookie = cookie(r, "__Host-postroom_session")
        r = me.post("/account/password", {"current": PASSWORD, "password": NEW_PASSWORD,
                                          "again": NEW_PASSWORD})
        self.assertIn(r.status, (200, 303), r.short())
        self.assertTrue(me.live_on(SERVERS[2]), "the session that changed it stays")
        for o in others:
            for s in SERVERS:
                self.assertFalse(o.live_on(s))

    def test_one_code_sent_twice_at_once_signs_in_once(self):
        t = SERVERS[0].new_tenant("Code Race")
        me = Web(SERVERS[0], t, "me@code-race.example", PASSWORD, "standard")
        r = me.post("/account/totp/setup", {})
        self.assertEqual(r.status, 303, r.short())
        page = me.page("/account/totp").text()
        secret = re.search(r'<code class="secret" id="totp-secret">([A-Z2-7 ]+)</code>', page).group(1)
        secret = secret.replace(" ", "")
        SEEN.append(secret)
        step = int(time.time()) // 30
        r = me.post("/account/totp/enable", {"code": totp(secret, (step - 1) * 30)})
        self.assertEqual(r.status, 200, r.short())
        # the step after the one enable took: free, so both codes are right and
        # only the store's check of the step can refuse the second
        code = totp(secret, step * 30)
        pendings = []
        for s in SERVERS[1:]:
            r = post(s, "/login", {"email": me.email_, "password": PASSWORD})
            self.assertEqual((r.status, r.header("Location")), (303, "/login/code"), r.short())
            pendings.append(cookie(r, "__Host-postroom_signin"))
        if int(time.time()) // 30 != step:
            self.skipTest("the clock passed a 30 s step boundary while signing in; run again")
        got = at_once(*[lambda s=s, p=p: post(s, "/login/code", {"code": code}, p)
                        for s, p in zip(SERVERS[1:], pendings)])
        made = [r for r in got if r.status == 303 and r.header("Location") == "/"]
        self.assertEqual(len(made), 1, [r.short() for r in got])

if __name__ == "__main__":
    harness.main()

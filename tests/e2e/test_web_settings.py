"""The administrators' settings pages (issue 11): the index, users, API keys,
labels and customs; a Standard user's 403s; one business's administrator
against the other's users and keys by ids typed by hand; removed users and
revoked keys stopping at once; last used; the label layout reaching the
next label's page size and the customs defaults its CN22; the audit records.

Run: /usr/bin/python3 tests/e2e/test_web_settings.py BUILD/postroom
"""
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
import unittest
import urllib.parse

import harness
from harness import order

SERVER = None
TMP = None
PASSWORD = "settings password 1"
HTML = {"Accept": "text/html,application/xhtml+xml"}
XSS = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
SECRETS = []  # first passwords and keys the pages showed, checked against the logs


def setUpModule():
    global SERVER, TMP
    TMP = tempfile.mkdtemp(prefix="postroom-settings-")
    SERVER = harness.Server.start_new()


def tearDownModule():
    SERVER.stop_and_check(forbidden_in_logs=[PASSWORD] + SECRETS)
    shutil.rmtree(TMP, ignore_errors=True)


class Web(harness.WebUser):
    def page(self, path):
        return self.server.request("GET", path, headers=dict(HTML, Cookie=self.cookie))

    def post(self, path, fields, csrf=None):
        body = urllib.parse.urlencode(dict(fields, csrf=csrf or self.csrf)).encode()
        return self.server.request("POST", path, body=body, headers=dict(
            HTML, Cookie=self.cookie, **{"Content-Type": "application/x-www-form-urlencoded"}))


def sign_in(email, password):
    r = SERVER.request("POST", "/login", headers={"Content-Type": "application/x-www-form-urlencoded"},
                       body=urllib.parse.urlencode({"email": email, "password": password}).encode())
    m = re.match(r"(__Host-postroom_session=[^;]+)", r.header("Set-Cookie") or "")
    return r, (m.group(1) if m else None)


def user_ids(page):
    """{email: user id} of the users page's rows (the remove and role forms)."""
    out = {}
    for m in re.finditer(r'<tr><td data-label="E-mail"><span>(.*?)(?: <span class="muted">\(you\)</span>)?</span></td>.*?'
                         r'name="user" value="(\d+)"', page, re.S):
        out[m.group(1)] = int(m.group(2))
    return out


def key_rows(page):
    """[(name as written, row html)] of the keys page."""
    return re.findall(r'<tr(?: class="revoked")?><td data-label="Name">(.*?)</td>(.*?)</tr>', page, re.S)


def one_time_key(page):
    m = re.search(r'id="new-key" class="secret" readonly spellcheck="false" size="40" value="([A-Za-z0-9]{36})"',
                  page)
    return m.group(1) if m else None


def db_rows(sql, *args):
    c = SERVER.db_connect()
    try:
        return c.execute(sql, args).fetchall()
    finally:
        c.close()


class Settings(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.a = SERVER.new_tenant("Alpha Settings CANARY-SET-A")
        cls.b = SERVER.new_tenant("Beta Settings CANARY-SET-B")
        cls.a_admin = Web(SERVER, cls.a, "admin@alpha-set.example", PASSWORD, "admin")
        cls.a_std = Web(SERVER, cls.a, "std@alpha-set.example", PASSWORD, "standard")
        cls.b_admin = Web(SERVER, cls.b, "admin@beta-set.example", PASSWORD, "admin")
        cls.b_std = Web(SERVER, cls.b, "std@beta-set.example", PASSWORD, "standard")

    def add_user(self, admin, email, role="standard"):
        r = admin.post("/settings/users", {"email": email, "role": role})
        self.assertEqual(r.status, 200, r.short(2000))
        m = re.search(r'<code class="secret">([^<]+)</code>', r.text())
        self.assertIsNotNone(m, "the first password is shown")
        SECRETS.append(m.group(1))
        return m.group(1), user_ids(r.text())[email]

    def test_index_links_every_settings_page(self):
        r = self.a_admin.page("/settings")
        self.assertEqual(r.status, 200, r.short())
        for href in ("/settings/users", "/settings/keys", "/settings/labels", "/settings/senders"):
            self.assertIn('href="%s"' % href, r.text())
        self.assertIn("Trading names and sender addresses", r.text())
        for path in ("/settings/users", "/settings/keys", "/settings/labels"):
            r = self.a_admin.page(path)
            self.assertEqual(r.status, 200, r.short())
            self.assertIn("CANARY-SET-A", r.text())
            self.assertNotIn("CANARY-SET-B", r.text())

    def test_standard_user_gets_403_pages_and_changes_nothing(self):
        for path in ("/settings", "/settings/users", "/settings/keys", "/settings/labels"):
            r = self.a_std.page(path)
            self.assertEqual(r.status, 403, path)
            self.assertIn("text/html", r.header("Content-Type"))
            self.assertIn("Administrators only", r.text())
            self.assertNotIn("admin@alpha-set.example", r.text().split("</header>")[1])
        users = db_rows("SELECT user_id, role FROM users WHERE tenant_id = ? ORDER BY user_id", self.a.id)
        keys = db_rows("SELECT key_id, revoked_at FROM api_keys WHERE tenant_id = ? ORDER BY key_id", self.a.id)
        layout = db_rows("SELECT label_layout FROM tenant_settings WHERE tenant_id = ?", self.a.id)
        me = user_ids(self.a_admin.page("/settings/users").text())["admin@alpha-set.example"]
        for path, fields in (("/settings/users", {"email": "sneak@alpha-set.example", "role": "admin"}),
                             ("/settings/users/role", {"user": me, "role": "standard"}),
                             ("/settings/users/remove", {"user": me}),
                             ("/settings/keys", {"name": "sneaky"}),
                             ("/settings/keys/revoke", {"key": 1}),
                             ("/settings/labels", {"layout": "A4", "category": "", "origin": ""})):
            r = self.a_std.post(path, fields)
            self.assertEqual(r.status, 403, path)
            self.assertIn("Administrators only", r.text())
        self.assertEqual(db_rows("SELECT user_id, role FROM users WHERE tenant_id = ? ORDER BY user_id",
                                 self.a.id), users)
        self.assertEqual(db_rows("SELECT key_id, revoked_at FROM api_keys WHERE tenant_id = ? ORDER BY key_id",
                                 self.a.id), keys)
        self.assertEqual(db_rows("SELECT label_layout FROM tenant_settings WHERE tenant_id = ?", self.a.id),
                         layout)
        # and the navigation bar offers them no Settings
        self.assertNotIn('href="/settings"', self.a_std.page("/").text())

    def test_add_set_role_and_remove_a_user(self):
        pw, uid = self.add_user(self.a_admin, "new.person@alpha-set.example")
        page = self.a_admin.page("/settings/users").text()
        self.assertIn("new.person@alpha-set.example", page)
        self.assertNotIn(pw, page, "the first password is shown once")
        row = page.split("new.person@alpha-set.example", 1)[1].split("</tr>", 1)[0]
        self.assertIn("<td data-label=\"Role\">Standard</td>", row)
        self.assertIn("Never", row)
        r, cookie = sign_in("new.person@alpha-set.example", pw)
        self.assertEqual(r.status, 303, "the first password signs in")
        row = self.a_admin.page("/settings/users").text().split("new.person@alpha-set.example", 1)[1]
        self.assertNotIn("Never", row.split("</tr>", 1)[0], "last sign-in shows")
        # a Standard user, then an administrator
        self.assertEqual(SERVER.request("GET", "/settings", headers=dict(HTML, Cookie=cookie)).status, 403)
        r = self.a_admin.post("/settings/users/role", {"user": uid, "role": "admin"})
        self.assertEqual((r.status, r.header("Location")), (303, "/settings/users?done=role"))
        self.assertEqual(SERVER.request("GET", "/settings", headers=dict(HTML, Cookie=cookie)).status, 200)
        row = self.a_admin.page("/settings/users").text().split("new.person@alpha-set.example", 1)[1]
        self.assertIn("<td data-label=\"Role\">Administrator</td>", row.split("</tr>", 1)[0])
        # removed: the session stops working at once, and so does the password
        r = self.a_admin.post("/settings/users/remove", {"user": uid})
        self.assertEqual((r.status, r.header("Location")), (303, "/settings/users?done=removed"))
        r = SERVER.request("GET", "/", headers=dict(HTML, Cookie=cookie))
        self.assertEqual((r.status, r.header("Location")), (303, "/login"))
        self.assertEqual(sign_in("new.person@alpha-set.example", pw)[0].status, 401, "sign-in refused")
        self.assertNotIn("new.person@alpha-set.example", self.a_admin.page("/settings/users").text())

    def test_bad_user_forms_say_why_field_by_field_and_change_nothing(self):
        before = db_rows("SELECT tenant_id, user_id, email, role FROM users ORDER BY tenant_id, user_id")
        for fields, field in (({"email": "not-an-address", "role": "standard"}, "email"),
                              ({"email": "", "role": "standard"}, "email"),
                              ({"email": "ok@alpha-set.example", "role": "owner"}, "role"),
                              # addresses are global: the other business's, in any case
                              ({"email": "STD@beta-set.example", "role": "standard"}, "email"),
                              ({"email": "std@alpha-set.example", "role": "admin"}, "email")):
            r = self.a_admin.post("/settings/users", fields)
            self.assertEqual(r.status, 422, fields)
            self.assertIn('id="%s-error"' % field, r.text())
            self.assertIn('aria-describedby="%s-error"' % field, r.text())
        r = self.a_admin.post("/settings/users", {"email": "STD@beta-set.example", "role": "standard"})
        self.assertIn("already signs in", r.text())
        self.assertEqual(db_rows("SELECT tenant_id, user_id, email, role FROM users ORDER BY tenant_id, user_id"),
                         before)

    def test_the_last_administrator_stays(self):
        t = SERVER.new_tenant("Solo Settings")
        solo = Web(SERVER, t, "solo@solo-set.example", PASSWORD, "admin")
        me = user_ids(solo.page("/settings/users").text())["solo@solo-set.example"]
        r = solo.post("/settings/users/role", {"user": me, "role": "standard"})
        self.assertEqual(r.status, 422)
        self.assertIn("at least one administrator", r.text())
        r = solo.post("/settings/users/remove", {"user": me})
        self.assertEqual(r.status, 422)
        self.assertIn("cannot remove yourself", r.text())
        self.assertEqual(db_rows("SELECT role FROM users WHERE tenant_id = ?", t.id), [(2,)])
        # with a second administrator, the first may step down
        _, other = self.add_user(solo, "second@solo-set.example", "admin")
        r = solo.post("/settings/users/role", {"user": me, "role": "standard"})
        self.assertEqual(r.status, 303)
        self.assertEqual(solo.page("/settings").status, 403, "the new role holds at once")

    def test_other_business_users_and_keys_by_typed_ids(self):
        b_users = db_rows("SELECT user_id FROM users WHERE tenant_id = ?", self.b.id)
        b_keys = db_rows("SELECT key_id FROM api_keys WHERE tenant_id = ?", self.b.id)
        a_ids = {u for (u,) in db_rows("SELECT user_id FROM users WHERE tenant_id = ?", self.a.id)}
        a_keys = {k for (k,) in db_rows("SELECT key_id FROM api_keys WHERE tenant_id = ?", self.a.id)}
        before = db_rows("SELECT tenant_id, user_id, role FROM users WHERE tenant_id = ? ORDER BY user_id",
                         self.b.id)
        keys_before = db_rows("SELECT key_id, revoked_at FROM api_keys WHERE tenant_id = ?", self.b.id)
        for (uid,) in b_users:
            if uid in a_ids:
                continue  # ids are per business: the same number is Alpha's own user
            r = self.a_admin.post("/settings/users/remove", {"user": uid})
            self.assertEqual(r.status, 404)
            r = self.a_admin.post("/settings/users/role", {"user": uid, "role": "admin"})
            self.assertEqual(r.status, 404)
        for (kid,) in b_keys:
            if kid in a_keys:
                continue
            r = self.a_admin.post("/settings/keys/revoke", {"key": kid})
            self.assertEqual(r.status, 404)
        for uid in (99999, 0, -1, "1;2", "x"):
            r = self.a_admin.post("/settings/users/remove", {"user": uid})
            self.assertIn(r.status, (404, 422))
        self.assertEqual(db_rows("SELECT tenant_id, user_id, role FROM users WHERE tenant_id = ? ORDER BY user_id",
                                 self.b.id), before)
        self.assertEqual(db_rows("SELECT key_id, revoked_at FROM api_keys WHERE tenant_id = ?", self.b.id),
                         keys_before)
        self.assertEqual(self.b.get("/api/v1/orders").status, 200, "Beta's key still works")
        for path in ("/settings/users", "/settings/keys"):
            page = self.a_admin.page(path).text()
            self.assertNotIn("beta-set.example", page)
            self.assertNotIn("Beta Settings", page)

    def test_same_numbered_ids_touch_only_the_own_business(self):
        # Beta's user 1 and Alpha's user 1 share a number: Alpha's admin
        # setting "user 1" changes Alpha's, never Beta's
        b_before = db_rows("SELECT user_id, role FROM users WHERE tenant_id = ? ORDER BY user_id", self.b.id)
        pw, uid = self.add_user(self.a_admin, "numbered@alpha-set.example")
        self.a_admin.post("/settings/users/role", {"user": uid, "role": "admin"})
        self.a_admin.post("/settings/users/remove", {"user": uid})
        self.assertEqual(db_rows("SELECT user_id, role FROM users WHERE tenant_id = ? ORDER BY user_id",
                                 self.b.id), b_before)

    def test_create_a_key_use_it_see_last_used_revoke_it(self):
        r = self.a_admin.post("/settings/keys", {"name": "Shop website"})
        self.assertEqual(r.status, 200, r.short())
        key = one_time_key(r.text())
        self.assertIsNotNone(key, "the key is shown once")
        SECRETS.append(key)
        SERVER.keys.append(key)
        self.assertIn("cannot show it again", r.text())
        page = self.a_admin.page("/settings/keys").text()
        self.assertNotIn(key, page, "never shown again")
        row = [h for n, h in key_rows(page) if n == "Shop website"]
        self.assertEqual(len(row), 1)
        self.assertIn("Never", row[0])
        # only its hash is stored
        self.assertEqual(db_rows("SELECT COUNT(*) FROM api_keys WHERE key_hash = ? OR name = ?", key, key),
                         [(0,)])
        # it works for the API, in its business
        o = harness.Tenant(SERVER, "a-page-key", self.a.id, key)
        r = o.req("POST", "/api/v1/orders", body={"items": [order("SET-KEY-1")]})
        self.assertEqual(r.status, 200, r.short())
        got = o.get("/api/v1/orders/" + harness.quote_ref("SET-KEY-1"))
        self.assertEqual(got.status, 200, got.short())
        # last used shows, written by the housekeeper (every 200 ms)
        deadline = time.monotonic() + 10
        while True:
            row = [h for n, h in key_rows(self.a_admin.page("/settings/keys").text()) if n == "Shop website"][0]
            if "Never" not in row:
                break
            self.assertLess(time.monotonic(), deadline, "last used never showed: %s" % row)
            time.sleep(0.1)
        self.assertIn("<time datetime=", row)
        kid = int(re.search(r'name="key" value="(\d+)"', row).group(1))
        # revoked: its next request is refused
        r = self.a_admin.post("/settings/keys/revoke", {"key": kid})
        self.assertEqual((r.status, r.header("Location")), (303, "/settings/keys?done=revoked"))
        self.assertEqual(o.get("/api/v1/orders/" + harness.quote_ref("SET-KEY-1")).status, 401)
        row = [h for n, h in key_rows(self.a_admin.page("/settings/keys").text()) if n == "Shop website"][0]
        self.assertIn("Revoked", row)
        self.assertEqual(self.a_admin.post("/settings/keys/revoke", {"key": kid}).status, 404,
                         "revoked once")

    def test_bad_key_names_and_markup_render_as_text(self):
        before = db_rows("SELECT COUNT(*) FROM api_keys")
        for name in ("", "   ", "x" * 81, "tab\tin\x01name"):
            r = self.a_admin.post("/settings/keys", {"name": name})
            self.assertEqual(r.status, 422, repr(name))
            self.assertIn('id="name-error"', r.text())
        self.assertEqual(db_rows("SELECT COUNT(*) FROM api_keys"), before)
        r = self.a_admin.post("/settings/keys", {"name": XSS})
        self.assertEqual(r.status, 200)
        SECRETS.append(one_time_key(r.text()))
        for page in (r.text(), self.a_admin.page("/settings/keys").text()):
            self.assertNotIn("<script>alert(1)", page)
            self.assertNotIn("<img src=x", page)
            self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", page)

    def test_label_layout_changes_the_next_label_and_customs_defaults_fill_the_cn22(self):
        o = order("SET-LABEL-1")
        o["postageDetails"] = {"serviceCode": "TOLP24"}
        r = self.a.req("POST", "/api/v1/orders", body={"items": [o]})
        self.assertEqual(r.status, 200, r.short())
        oid = r.json()["createdOrders"][0]["orderIdentifier"]

        def page_size():
            r = self.a.get("/api/v1/orders/%s/label?documentType=postageLabel&includeReturnsLabel=false" % oid)
            self.assertEqual(r.status, 200, r.short())
            path = os.path.join(TMP, "label.pdf")
            with open(path, "wb") as f:
                f.write(r.body)
            info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
            w, h = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups()
            return "%.0f" % float(w), "%.0f" % float(h)

        self.assertEqual(page_size(), ("288", "432"), "6 x 4 inches by default")
        page = self.a_admin.page("/settings/labels").text()
        self.assertRegex(page, r'value="6x4" checked')
        r = self.a_admin.post("/settings/labels", {"layout": "A4", "category": "gift", "origin": "France"})
        self.assertEqual((r.status, r.header("Location")), (303, "/settings/labels?done=saved"))
        self.assertEqual(page_size(), ("595", "842"), "A4 once saved")
        page = self.a_admin.page("/settings/labels?done=saved").text()
        self.assertRegex(page, r'value="A4" checked')
        self.assertRegex(page, r'value="gift" selected')
        self.assertIn('value="FR"', page)
        self.assertIn("The settings are saved.", page)
        # Beta's stays its own
        self.assertNotIn(("gift", "FR"), db_rows("SELECT category, origin_country FROM customs_defaults "
                                                 "WHERE tenant_id = ?", self.b.id))
        self.assertNotIn(("A4",), db_rows("SELECT label_layout FROM tenant_settings WHERE tenant_id = ?",
                                          self.b.id))
        # a gift abroad with no origin: the CN22 prints the default origin
        g = order("SET-CN22-1")
        g["recipient"]["address"].update({"countryCode": "US", "postcode": "10001", "city": "New York"})
        g["postageDetails"] = {"serviceCode": "ITROLP"}
        g["packages"] = [{"weightInGrams": 400, "packageFormatIdentifier": "smallParcel", "contents": [
            {"name": "Scarf", "customsDescription": "Wool scarf", "quantity": 1, "unitValue": 20,
             "unitWeightInGrams": 300, "customsDeclarationCategory": "gift"}]}]
        r = self.a.req("POST", "/api/v1/orders", body={"items": [g]})
        self.assertEqual(r.status, 200, r.short())
        self.assertEqual(r.json().get("errorsCount"), 0, r.short(2000))
        gid = r.json()["createdOrders"][0]["orderIdentifier"]
        r = self.a.get("/api/v1/orders/%s/label?documentType=postageLabel&includeReturnsLabel=false"
                       "&includeCN=true" % gid)
        self.assertEqual(r.status, 200, r.short())
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=r.body, capture_output=True,
                              check=True).stdout.decode()
        line = [ln for ln in text.splitlines() if "Wool scarf" in ln or "FR" in ln]
        self.assertTrue(any(re.search(r"\bFR\b", ln) for ln in line), text[:3000])
        # bad input: field by field, 422, nothing saved
        for fields, field in (({"layout": "A5", "category": "", "origin": ""}, "layout"),
                              ({"layout": "6x4", "category": "bribe", "origin": ""}, "category"),
                              ({"layout": "6x4", "category": "", "origin": "Atlantis"}, "origin")):
            r = self.a_admin.post("/settings/labels", fields)
            self.assertEqual(r.status, 422, fields)
            self.assertIn('id="%s-error"' % field, r.text())
        self.assertEqual(page_size(), ("595", "842"), "nothing changed")

    def test_every_change_is_audited_without_secrets(self):
        pw, uid = self.add_user(self.b_admin, "audited@beta-set.example")
        self.b_admin.post("/settings/users/role", {"user": uid, "role": "admin"})
        self.b_admin.post("/settings/users/remove", {"user": uid})
        r = self.b_admin.post("/settings/keys", {"name": "Audited key"})
        key = one_time_key(r.text())
        SECRETS.append(key)
        kid = max(k for (k,) in db_rows("SELECT key_id FROM api_keys WHERE tenant_id = ?", self.b.id))
        self.b_admin.post("/settings/keys/revoke", {"key": kid})
        self.b_admin.post("/settings/labels", {"layout": "6x4", "category": "documents", "origin": ""})
        harness.audit_settle(SERVER)
        me = user_ids(self.b_admin.page("/settings/users").text())["admin@beta-set.example"]
        rows = db_rows("SELECT principal_tenant, principal_id, data_tenant, action, objects FROM audit "
                       "WHERE data_tenant = ? AND action IN ('user.create', 'user.role', 'user.remove', "
                       "'apikey.create', 'apikey.revoke', 'settings.labels') ORDER BY seq", self.b.id)
        who = "user:%d" % me
        want = [("user.create", "user:%d" % uid), ("user.role", "user:%d" % uid),
                ("user.remove", "user:%d" % uid), ("apikey.create", "apikey:%d" % kid),
                ("apikey.revoke", "apikey:%d" % kid), ("settings.labels", "tenant:%s" % self.b.id)]
        got = [(a, o) for (pt, p, dt, a, o) in rows if p == who]
        self.assertEqual(got, want)
        everything = repr(db_rows("SELECT * FROM audit"))
        for secret in (pw, key, "audited@beta-set.example"):
            self.assertNotIn(secret, everything)


if __name__ == "__main__":
    harness.main()

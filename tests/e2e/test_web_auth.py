"""Web sign-in, sessions, CSRF, sign-in limits, the API rate limit and TLS.

Run: /usr/bin/python3 tests/e2e/test_web_auth.py BUILD/postroom
"""
import http.client
import os
import re
import ssl
import subprocess
import time
import unittest
import urllib.parse

import harness

SERVER = None
PASSWORD = "a long enough password"


def setUpModule():
    global SERVER
    SERVER = harness.Server.start_new()


def tearDownModule():
    SERVER.stop_and_check(forbidden_in_logs=[PASSWORD, "alice@one.example", "bob@two.example"])


def form(fields):
    return urllib.parse.urlencode(fields).encode()


def sign_in(server, email, password, cookie=None):
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = cookie
    return server.request("POST", "/login", headers=headers, body=form({"email": email, "password": password}))


def session_cookie(resp):
    sc = resp.header("Set-Cookie") or ""
    m = re.match(r"(__Host-postroom_session=[^;]+)", sc)
    return m.group(1) if m else None


def csrf_of(page):
    m = re.search(r'name="csrf" value="([^"]+)"', page)
    return m.group(1) if m else None


class WebSessions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.one = SERVER.new_tenant("One Trading CANARY-WEB-ONE")
        cls.two = SERVER.new_tenant("Two Trading CANARY-WEB-TWO")
        SERVER.user_add(cls.one.id, "alice@one.example", "admin", PASSWORD)
        SERVER.user_add(cls.two.id, "bob@two.example", "standard", PASSWORD)

    def test_sign_in_sets_a_host_only_secure_cookie(self):
        r = sign_in(SERVER, "alice@one.example", PASSWORD)
        self.assertEqual(r.status, 303, r.short())
        self.assertEqual(r.header("Location"), "/")
        sc = r.header("Set-Cookie")
        self.assertTrue(sc.startswith("__Host-postroom_session="), sc)
        for attr in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
            self.assertIn(attr, sc)
        self.assertNotIn("Domain", sc)
        token = session_cookie(r).split("=", 1)[1]
        self.assertGreaterEqual(len(token), 43)  # 256 bits
        self.assertIn("no-store", r.header("Cache-Control"))

    def test_home_shows_only_own_business(self):
        a = session_cookie(sign_in(SERVER, "alice@one.example", PASSWORD))
        b = session_cookie(sign_in(SERVER, "bob@two.example", PASSWORD))
        pa = SERVER.request("GET", "/", headers={"Cookie": a})
        pb = SERVER.request("GET", "/", headers={"Cookie": b})
        self.assertEqual(pa.status, 200)
        self.assertIn("CANARY-WEB-ONE", pa.text())
        self.assertNotIn("CANARY-WEB-TWO", pa.text())
        self.assertIn("CANARY-WEB-TWO", pb.text())
        self.assertNotIn("CANARY-WEB-ONE", pb.text())
        self.assertIn("Cookie", pa.header("Vary"))
        self.assertIn("no-store", pa.header("Cache-Control"))

    def test_session_is_not_an_api_key(self):
        a = session_cookie(sign_in(SERVER, "alice@one.example", PASSWORD))
        r = SERVER.request("GET", "/api/v1/orders", headers={"Cookie": a})
        self.assertEqual(r.status, 401)

    def test_no_session_redirects_to_sign_in(self):
        r = SERVER.request("GET", "/")
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("Location"), "/login")
        r = SERVER.request("GET", "/", headers={"Cookie": "__Host-postroom_session=" + "A" * 43})
        self.assertEqual(r.status, 303)

    def test_wrong_password_and_unknown_account_answer_alike(self):
        r1 = sign_in(SERVER, "bob@two.example", "not the password")
        r2 = sign_in(SERVER, "nobody@nowhere.example", "not the password")
        self.assertEqual(r1.status, 401)
        self.assertEqual(r2.status, 401)
        self.assertIsNone(r1.header("Set-Cookie"))
        msg = re.search(r'role="alert"[^>]*>([^<]*)<', r1.text()).group(1)
        self.assertIn(msg, r2.text())

    def test_sign_out_needs_csrf_and_ends_the_session_server_side(self):
        cookie = session_cookie(sign_in(SERVER, "alice@one.example", PASSWORD))
        page = SERVER.request("GET", "/", headers={"Cookie": cookie}).text()
        token = csrf_of(page)
        self.assertTrue(token)
        hdr = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        r = SERVER.request("POST", "/logout", headers=hdr, body=form({"csrf": "wrong"}))
        self.assertEqual(r.status, 403)
        r = SERVER.request("POST", "/logout", headers=hdr, body=b"")
        self.assertEqual(r.status, 403)
        self.assertEqual(SERVER.request("GET", "/", headers={"Cookie": cookie}).status, 200)
        r = SERVER.request("POST", "/logout", headers=hdr, body=form({"csrf": token}))
        self.assertEqual(r.status, 303)
        self.assertIn("Max-Age=0", r.header("Set-Cookie"))
        # the old cookie, replayed, no longer opens anything
        r = SERVER.request("GET", "/", headers={"Cookie": cookie})
        self.assertEqual(r.status, 303)

    def test_two_session_cookies_in_one_header_open_nothing(self):
        a = session_cookie(sign_in(SERVER, "alice@one.example", PASSWORD))
        b = session_cookie(sign_in(SERVER, "bob@two.example", PASSWORD))
        for cookie in (a + "; " + b, b + "; theme=dark; " + a, a + "; " + a):
            with self.subTest(cookie=cookie[:30]):
                r = SERVER.request("GET", "/", headers={"Cookie": cookie})
                self.assertEqual(r.status, 303, r.short())
                self.assertEqual(r.header("Location"), "/login")
                self.assertNotIn("CANARY-WEB", r.text())
        # each alone still opens its own account
        self.assertIn("CANARY-WEB-ONE", SERVER.request("GET", "/", headers={"Cookie": a}).text())
        self.assertIn("CANARY-WEB-TWO", SERVER.request("GET", "/", headers={"Cookie": b}).text())

    def test_pages_share_one_stylesheet_served_by_the_binary(self):
        page = SERVER.request("GET", "/login")
        self.assertIn('<link rel="stylesheet" href="/assets/style.css">', page.text())
        css = SERVER.request("GET", "/assets/style.css")
        self.assertEqual(css.status, 200)
        self.assertEqual(css.header("Content-Type"), "text/css; charset=utf-8")
        self.assertEqual(css.header("X-Content-Type-Options"), "nosniff")
        self.assertIn("no-store", css.header("Cache-Control"))
        self.assertRegex(css.text(), r"\bmain\s*\{")
        # the CSP's default-src 'self' is what lets the page load it: no inline styles anywhere
        self.assertNotIn("style=", page.text())

    def test_sign_in_rotates_the_session(self):
        old = session_cookie(sign_in(SERVER, "alice@one.example", PASSWORD))
        new = session_cookie(sign_in(SERVER, "alice@one.example", PASSWORD, cookie=old))
        self.assertNotEqual(old, new)
        self.assertEqual(SERVER.request("GET", "/", headers={"Cookie": old}).status, 303)
        self.assertEqual(SERVER.request("GET", "/", headers={"Cookie": new}).status, 200)

    def test_failed_sign_ins_are_limited_per_account(self):
        SERVER.user_add(self.one.id, "target@one.example", "standard", PASSWORD)
        statuses = [sign_in(SERVER, "target@one.example", "guess %d" % i).status for i in range(25)]
        self.assertEqual(statuses[:20], [401] * 20)
        self.assertEqual(set(statuses[20:]), {429})
        # even the right password is refused while the account is limited
        r = sign_in(SERVER, "target@one.example", PASSWORD)
        self.assertEqual(r.status, 429)
        self.assertIsNone(r.header("Set-Cookie"))
        # another account is unaffected
        self.assertEqual(sign_in(SERVER, "bob@two.example", PASSWORD).status, 303)


class RateLimit(unittest.TestCase):
    def test_per_key_limit_with_retry_after(self):
        s = harness.Server.start_new(rate_limit=5)
        try:
            a = s.new_tenant("Limited A")
            b = s.new_tenant("Limited B")
            statuses = [a.get("/api/v1/orders").status for _ in range(12)]
            self.assertIn(429, statuses)
            self.assertEqual(statuses[:5], [200] * 5)
            r = a.get("/api/v1/orders")
            self.assertEqual(r.status, 429)
            self.assertTrue(int(r.header("Retry-After")) >= 1)
            self.assertTrue(harness.is_json_error(r))
            # one business's burst does not spend another's budget
            self.assertEqual(b.get("/api/v1/orders").status, 200)
            time.sleep(1.2)
            self.assertEqual(a.get("/api/v1/orders").status, 200)
        finally:
            s.stop_and_check()


class Tls(unittest.TestCase):
    def test_serves_https_with_the_given_certificate(self):
        d = harness.tempfile.mkdtemp(prefix="postroom-tls-")
        cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                        "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True)
        s = harness.Server(extra_serve_args=["--tls-cert", cert, "--tls-key", key])
        s.migrate()
        t = s.new_tenant("Tls Ltd")
        port = harness.free_port()
        proc = subprocess.Popen([s.binary, "--db", s.db, "serve", "--listen", "127.0.0.1:%d" % port,
                                 "--tls-cert", cert, "--tls-key", key],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=s.env)
        try:
            ctx = ssl.create_default_context(cafile=cert)
            deadline = time.monotonic() + 10
            while True:
                try:
                    c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=5)
                    c.request("GET", "/api/v1/orders", headers={"Authorization": "Bearer " + t.key})
                    r = c.getresponse()
                    body = r.read()
                    c.close()
                    break
                except (ConnectionRefusedError, ssl.SSLError, ConnectionResetError):
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            self.assertEqual(r.status, 200, body)
            self.assertIn("max-age", r.getheader("Strict-Transport-Security"))
            # plain HTTP on the TLS port gets nothing useful
            plain = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                plain.request("GET", "/healthz")
                self.assertNotEqual(plain.getresponse().status, 200)
            except (http.client.HTTPException, OSError):
                pass
        finally:
            proc.terminate()
            _, err = proc.communicate(timeout=20)
            self.assertEqual(proc.returncode, 0, err[-2000:])
            for m in harness.SANITIZER_MARKERS:
                self.assertNotIn(m, err.decode("utf-8", "replace"))


if __name__ == "__main__":
    harness.main()

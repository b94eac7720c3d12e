"""Guards of the route table (src/app/routes.c): deny by default.

A page without a session sends the browser to sign-in; an API call without
a key gets 401 JSON; a query parameter a route does not list never reaches
its handler, and is ignored rather than refused (Click & Drop clients send
extras). No route of postroom is admin-only yet, so the role guard (a
Standard user gets 403 where the table asks for an administrator) is proved
by tests/unit/test_handle.c over a route table of its own.

Run: /usr/bin/python3 tests/e2e/test_guards.py BUILD/postroom
"""
import csv
import io
import unittest

import harness

SERVER = None
T = None
PASSWORD = "guards tests password"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
PAGES = ["/", "/import", "/export", "/export.csv", "/export.csv?from=2026-01-01&to=2026-12-31"]


def setUpModule():
    global SERVER, T
    SERVER = harness.Server.start_new()
    T = SERVER.new_tenant("Guards Ltd")
    T.create_orders([harness.order("GUARD-%d" % i) for i in range(3)])


def tearDownModule():
    SERVER.stop_and_check(forbidden_in_logs=[PASSWORD])


def orders_of(resp):
    """The orders of a GET /orders answer, without its continuation token
    (a token is sealed with a fresh nonce each time, so two differ)."""
    assert resp.status == 200, resp.short()
    return resp.json()["orders"]


class Unauthenticated(unittest.TestCase):
    def test_pages_send_a_browser_to_sign_in(self):
        for path in PAGES:
            for headers in (BROWSER, {}):
                with self.subTest(path=path, browser=bool(headers)):
                    r = SERVER.request("GET", path, headers=headers)
                    self.assertEqual(r.status, 303, r.short())
                    self.assertEqual(r.header("Location"), "/login")
                    self.assertNotIn(b"GUARD-", r.body)

    def test_sign_in_redirect_carries_no_target(self):
        # no ?next= is kept, so no query can make the redirect leave the site
        for q in ("?next=https://evil.example/", "?next=//evil.example", "?next=/import"):
            with self.subTest(q=q):
                r = SERVER.request("GET", "/" + q, headers=BROWSER)
                self.assertEqual(r.status, 303)
                self.assertEqual(r.header("Location"), "/login")

    def test_form_posts_without_a_session_are_refused(self):
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        for path in ("/import", "/logout"):
            with self.subTest(path=path):
                r = SERVER.request("POST", path, headers=form, body=b"csrf=x")
                self.assertEqual(r.status, 403, r.short())

    def test_api_calls_without_a_key_get_401_json(self):
        calls = [("GET", "/api/v1/orders"), ("GET", "/api/v1/orders/full?pageSize=1"),
                 ("GET", "/api/v1/orders/1001"), ("GET", "/api/v1/orders/1001/label?documentType=CN22"),
                 ("GET", "/api/v1/carriers"), ("GET", "/api/v1/returns/services"),
                 ("POST", "/api/v1/orders"), ("DELETE", "/api/v1/orders/1001")]
        for method, path in calls:
            for headers in (BROWSER, {}):
                with self.subTest(method=method, path=path, browser=bool(headers)):
                    body = {"items": []} if method == "POST" else None
                    r = SERVER.request(method, path, headers=headers, body=body)
                    self.assertEqual(r.status, 401, r.short())
                    self.assertTrue(r.header("Content-Type").startswith("application/json"))
                    self.assertEqual(r.json()["code"], "Unauthorized")
                    self.assertEqual(r.header("WWW-Authenticate"), "Bearer")
        # a session is no API key
        user = harness.WebUser(SERVER, T, "api-cookie@guards.example", PASSWORD)
        r = SERVER.request("GET", "/api/v1/orders", headers={"Cookie": user.cookie})
        self.assertEqual(r.status, 401)
        self.assertEqual(r.json()["code"], "Unauthorized")


class QueryParameters(unittest.TestCase):
    def test_an_unknown_parameter_is_ignored(self):
        want = orders_of(T.get("/api/v1/orders?pageSize=1"))
        self.assertEqual(len(want), 1)
        for q in ("pageSize=1&foo=bar", "foo=bar&pageSize=1", "pageSize=1&foo=", "pageSize=1&foo",
                  "pageSize=1&PageSize=500", "pageSize=1&page=7"):
            with self.subTest(q=q):
                self.assertEqual(orders_of(T.get("/api/v1/orders?" + q)), want)
        full = T.get("/api/v1/orders/full?pageSize=2&x-client=shop&foo=bar")
        self.assertEqual(len(orders_of(full)), 2)

    def test_another_routes_parameter_never_reaches_the_handler(self):
        everything = orders_of(T.get("/api/v1/orders"))
        self.assertEqual(len(everything), 3)
        # the label's parameters on the list: nothing changes, nothing fails
        for q in ("documentType=CN22", "documentType=poster", "includeCN=maybe&includeReturnsLabel=x"):
            with self.subTest(q=q):
                self.assertEqual(orders_of(T.get("/api/v1/orders?" + q)), everything)
        # the list's parameters on routes that take none: still answered as without them
        one = T.get("/api/v1/orders/1001")
        self.assertEqual(one.status, 200, one.short())
        for q in ("pageSize=abc", "continuationToken=not-a-token", "startDateTime=yesterday"):
            with self.subTest(q=q):
                r = T.get("/api/v1/orders/1001?" + q)
                self.assertEqual(r.status, 200, r.short())
                self.assertEqual(r.json(), one.json())
                self.assertEqual(T.get("/api/v1/carriers?" + q).status, 200)

    def test_a_listed_parameter_still_counts(self):
        # the filter keeps what a route lists: a bad value of one is still refused
        r = T.get("/api/v1/orders?pageSize=0&foo=bar")
        self.assertEqual(r.status, 400, r.short())
        r = T.get("/api/v1/orders/1001/label?documentType=poster&foo=bar")
        self.assertEqual(r.status, 400, r.short())
        r = T.get("/api/v1/orders/1001/label?pageSize=zzz&documentType=despatchNote&foo=bar")
        self.assertEqual(r.status, 200, r.short())
        self.assertEqual(r.header("Content-Type"), "application/pdf")

    def test_pages_ignore_parameters_they_do_not_take(self):
        user = harness.WebUser(SERVER, T, "pages@guards.example", PASSWORD)
        for path in ("/?next=//evil.example", "/import?from=2020-01-01", "/export?foo=bar"):
            with self.subTest(path=path):
                r = user.get(path)
                self.assertEqual(r.status, 200, r.short())
        whole = user.get("/export.csv")
        self.assertEqual(whole.status, 200, whole.short())
        rows = list(csv.reader(io.StringIO(whole.text())))
        self.assertEqual(len(rows), 1 + 3)
        # extras next to the export's own from/to change nothing
        self.assertEqual(user.get("/export.csv?foo=bar&pageSize=1").body, whole.body)
        self.assertEqual(user.get("/export.csv?from=2000-01-01&pageSize=1").body, whole.body)
        # and from/to are still read: a bad one is still refused
        self.assertEqual(user.get("/export.csv?from=yesterday&foo=bar").status, 400)


class Roles(unittest.TestCase):
    def test_standard_and_admin_users_open_every_page(self):
        # every page of today's table asks for a Standard user's role at least
        std = harness.WebUser(SERVER, T, "std@guards.example", PASSWORD, role="standard")
        adm = harness.WebUser(SERVER, T, "adm@guards.example", PASSWORD, role="admin")
        for user in (std, adm):
            for path in PAGES:
                with self.subTest(user=user.cookie[-6:], path=path):
                    self.assertEqual(user.get(path).status, 200)


if __name__ == "__main__":
    harness.main()

#!/usr/bin/python3
"""tests/e2e/test_bad_input.py: hostile input never gets a 5xx, never kills the
server and never changes anything.

Every hostile request must be answered 4xx with a JSON body (the spec's
ErrorResponse, or its array shapes); POST /orders items that are bad one by one
are answered 200 with every item in failedOrders (docs/api.md), which creates
nothing either. After every test the server must be alive and the orders of
both tenants exactly as before.

Usage: /usr/bin/python3 tests/e2e/test_bad_input.py path/to/postroom [unittest args]
"""

import json
import os
import sys
import unittest
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import order  # noqa: E402

SERVER = None
T = None          # the tenant sending the hostile requests
BYSTANDER = None  # a tenant that only watches
MIB = 1024 * 1024


def setUpModule():
    global SERVER, T, BYSTANDER
    SERVER = harness.Server.start_new()
    T = SERVER.new_tenant("hostile")
    BYSTANDER = SERVER.new_tenant("bystander")
    T.create_orders([order("BI-1"), order("BI-2"), order("BI-3")])
    BYSTANDER.create_orders([order("BY-1")])


def tearDownModule():
    SERVER.stop_and_check()


def state():
    return (T.snapshot(), len(T.all_pages("/api/v1/orders", 1)[0]), BYSTANDER.snapshot())


def valid_body():
    return json.dumps({"items": [order("NEW-ORDER")]})


def set_path(obj, path, value):
    """Set (or, with value DELETE, remove) a field given as a list of keys/indexes."""
    cur = obj
    for k in path[:-1]:
        cur = cur[k]
    if value is DELETE:
        del cur[path[-1]]
    else:
        cur[path[-1]] = value


DELETE = object()


def field_name(path):
    out = ""
    for k in path:
        if isinstance(k, int):
            out += "[%d]" % k
        else:
            out += ("." if out else "") + k
    return out


class Base(unittest.TestCase):
    def setUp(self):
        self.before = state()

    def tearDown(self):
        SERVER.check_alive()
        after = state()
        if after != self.before:
            names = ("hostile tenant's orders", "hostile tenant's order count", "bystander's orders")
            changed = [n for n, x, y in zip(names, self.before, after) if x != y]
            new = sorted(set(after[0]) - set(self.before[0]))
            self.fail("a rejected request changed the stored orders: %s; new or changed: %s"
                      % (changed, [json.loads(o).get("orderReference") for o in new]))

    def assert_4xx_json(self, r, what, statuses=None, no_data=True):
        self.assertIsNotNone(r, "%s: connection closed without an answer" % what)
        self.assertTrue(400 <= r.status < 500, "%s: want 4xx, got %s" % (what, r.short()))
        if statuses:
            self.assertIn(r.status, statuses, "%s: %s" % (what, r.short()))
        self.assertTrue(harness.is_json_error(r), "%s: body is not a JSON error: %s" % (what, r.short()))
        self.assertTrue(harness.content_type_is_json(r), "%s: Content-Type %r" % (what, r.header("Content-Type")))
        if no_data:
            self.assertNotIn(b"BI-1", r.body, "%s: error body holds order data" % what)
        return r.json()

    def assert_utf8_json(self, r, what):
        try:
            json.loads(r.body.decode("utf-8"))
        except UnicodeDecodeError as e:
            self.fail("%s: the answer is not valid UTF-8 (%s): %r" % (what, e, r.body[:300]))
        except ValueError as e:
            self.fail("%s: the answer is not JSON (%s): %r" % (what, e, r.body[:300]))

    def post_orders(self, body, headers=None):
        return T.req("POST", "/api/v1/orders", body=body, headers=headers)

    def assert_create_rejected(self, r, what, n_items=None):
        """Either a 4xx JSON error, or 200 with every item failed."""
        if r.status == 200:
            j = r.json()
            self.assertEqual(j.get("successCount"), 0, "%s: %s" % (what, r.short()))
            self.assertEqual(j.get("createdOrders"), [], "%s: %s" % (what, r.short()))
            if n_items is not None:
                self.assertEqual(j.get("errorsCount"), n_items, "%s: %s" % (what, r.short()))
                self.assertEqual(len(j.get("failedOrders") or []), n_items, "%s: %s" % (what, r.short()))
        else:
            self.assert_4xx_json(r, what)


# --------------------------------------------------------------------------- bodies


class TestMalformedBodies(Base):
    def test_not_json_or_not_the_right_object(self):
        good = json.dumps(order("NEW-ORDER"))
        bodies = [
            b"", b"{", b'{"items": [', b"not json", b"[]", b'"items"', b"null", b"123", b"true",
            b'{"items": {}}', b'{"items": null}', b'{"items": "x"}', b'{"items": 5}', b'{"items": []}', b"{}",
            b'{"Items": [' + good.encode() + b"]}",
            b'{"items": [' + good.encode() + b"]} garbage",
            b'{"items": [' + good.encode() + b"]}}",
            b'{"items": [' + good.encode() + b']}{"items": []}',
            b'{"items": [' + good.encode() + b"],}",
            b'{"items": [' + good.encode() + b",]}",
            b"{'items': [" + good.encode() + b"]}",
            b'{items: [' + good.encode() + b"]}",
            b'/* c */ {"items": [' + good.encode() + b"]}",
            b'{"items": [' + good.encode() + b"]} // c",
            b'{"items": [' + good.encode() + b'], "items": [' + good.encode() + b"]}",
            b'{"items": [' + good.encode().replace(b'"total": 13.49', b'"total": NaN') + b"]}",
            b'{"items": [' + good.encode().replace(b'"total": 13.49', b'"total": Infinity') + b"]}",
            b'{"items": [' + good.encode().replace(b'"total": 13.49', b'"total": -Infinity') + b"]}",
            b'{"items": [' + good.encode().replace(b'"total": 13.49', b'"total": 1e400') + b"]}",
            b'{"items": [' + good.encode().replace(b'"total": 13.49', b'"total": 013.49') + b"]}",
            b'{"items": [' + good.encode().replace(b'"total": 13.49', b'"total": .5') + b"]}",
            b'{"items": [' + good.encode().replace(b'"total": 13.49', b'"total": 0x10') + b"]}",
            b'{"items": [' + good.encode().replace(b'"total": 13.49', b'"total": +1') + b"]}",
            b'{"items": [' + good.encode().replace(b'"BI', b'"BI') + b"]",
            b'{"items": [' + good.encode().replace(b'"NEW-ORDER"', b'"NEW\nORDER"') + b"]}",  # raw control char
            b'{"items": [' + good.encode().replace(b'"NEW-ORDER"', b'"NEW\\xORDER"') + b"]}",  # bad escape
            b'{"items": [' + good.encode().replace(b'"NEW-ORDER"', b'"NEW\\u12"') + b"]}",
            b"\x00" + valid_body().encode(),
            valid_body().encode() + b"\x00",
        ]
        for b in bodies:
            with self.subTest(body=b[:80]):
                self.assert_4xx_json(self.post_orders(b), "POST %r" % b[:80], (400,))

    def test_duplicate_keys_inside_an_item(self):
        good = json.dumps(order("NEW-ORDER"))
        dup = good.replace('"total": 13.49', '"total": 13.49, "total": 1.00')
        self.assert_create_rejected(self.post_orders('{"items": [%s]}' % dup), "duplicate total", 1)
        dup = good.replace('"city": "London"', '"city": "London", "city": "Paris"', 1)
        self.assert_create_rejected(self.post_orders('{"items": [%s]}' % dup), "duplicate city", 1)

    def test_invalid_utf8(self):
        good = valid_body().encode()
        for bad in (b"\xff", b"\xfe\xff", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xe2\x82",
                    b"\xf4\x90\x80\x80", b"\x80", b"caf\xe9"):
            for where in (b'"NEW-ORDER"', b'"city"', b'"London"'):
                with self.subTest(bytes=bad, where=where):
                    body = good.replace(where, where[:-1] + bad + b'"', 1)
                    self.assert_4xx_json(self.post_orders(body), "invalid UTF-8 %r" % bad, (400,))

    def test_escapes_that_are_not_text(self):
        for esc in ("\\u0000", "NUL\\u0000AFTER", "\\ud800", "\\udc00", "\\ud800\\u0041", "\\uDFFF\\uD800"):
            for field in ('"NEW-ORDER"', '"London"', '"Ada Lovelace"'):
                with self.subTest(escape=esc, field=field):
                    body = valid_body().replace(field, '"' + esc + '"', 1)
                    self.assert_create_rejected(self.post_orders(body), "escape %s in %s" % (esc, field), 1)

    def test_deep_nesting(self):
        n = 10000
        for body in ("[" * n + "]" * n, '{"a":' * n + "1" + "}" * n,
                     '{"items": ' + "[" * n + "]" * n + "}",
                     valid_body().replace('"currencyCode"', '"deep": ' + "[" * n + "]" * n + ', "currencyCode"'),
                     valid_body().replace('"currencyCode"', '"deep": ' + '{"a":' * n + "1" + "}" * n +
                                          ', "currencyCode"'),
                     "[" * n, '{"a":' * n):
            with self.subTest(body=body[:40]):
                self.assert_4xx_json(self.post_orders(body), "deeply nested JSON", (400,))

    def test_item_count(self):
        for n in (0, 101, 1000):
            with self.subTest(items=n):
                r = self.post_orders({"items": [order("MANY-%d" % i) for i in range(n)]})
                self.assert_4xx_json(r, "%d items" % n, (400,))

    def test_items_that_are_not_objects(self):
        for item in (5, "x", None, [], True, [order("IN-ARRAY")]):
            with self.subTest(item=item):
                self.assert_create_rejected(self.post_orders({"items": [item]}), "item %r" % (item,), 1)
        r = self.post_orders({"items": [5, "x", None, [], order("BAD", total="x")]})
        self.assert_create_rejected(r, "several bad items", 5)


# --------------------------------------------------------------------------- fields, one by one


def field_cases():
    """(path, value, accepted errorCodes): each makes one otherwise valid order invalid."""
    R, A = ["recipient"], ["recipient", "address"]
    P0 = ["packages", 0]
    C0 = P0 + ["contents", 0]
    money = ["subtotal", "shippingCostCharged", "total"]
    cases = [
        (["orderReference"], 123, {2}), (["orderReference"], True, {2}), (["orderReference"], {}, {2}),
        (["orderReference"], [], {2}), (["orderReference"], "X" * 41, {3}), (["orderReference"], "\u00e9" * 41, {3}),
        (R, DELETE, {1}), (R, None, {1, 2}), (R, "Ada", {2}), (R, [], {2}), (R, 5, {2}),
        (A, DELETE, {1}), (A, None, {1, 2}), (A, "x", {2}), (A, [], {2}),
        (A + ["addressLine1"], DELETE, {1}), (A + ["addressLine1"], None, {1, 2}), (A + ["addressLine1"], 5, {2}),
        (A + ["addressLine1"], ["a"], {2}), (A + ["addressLine1"], "A" * 101, {3}),
        (A + ["city"], DELETE, {1}), (A + ["city"], {}, {2}), (A + ["city"], "C" * 101, {3}),
        (A + ["countryCode"], DELETE, {1}), (A + ["countryCode"], 44, {2}), (A + ["countryCode"], "GBRX", {2, 3}),
        (A + ["postcode"], "P" * 21, {3}), (A + ["postcode"], 12345, {2}),
        (A + ["fullName"], "N" * 211, {3}), (A + ["fullName"], 1, {2}),
        (A + ["companyName"], "N" * 101, {3}), (A + ["county"], "N" * 101, {3}),
        (A + ["addressLine2"], "N" * 101, {3}), (A + ["addressLine3"], False, {2}),
        (R + ["emailAddress"], "e" * 250 + "@x.uk", {2, 3}), (R + ["emailAddress"], 5, {2}),
        (R + ["phoneNumber"], "1" * 26, {3}), (R + ["phoneNumber"], 7700900, {2}),
        (["billing"], "x", {2}), (["billing", "address", "addressLine1"], DELETE, {1}),
        (["billing", "phoneNumber"], "1" * 26, {3}),
        (["orderDate"], DELETE, {1}), (["orderDate"], None, {1, 2}), (["orderDate"], "garbage", {2}),
        (["orderDate"], 20261129, {2}), (["orderDate"], "2026-13-01T00:00:00Z", {2}),
        (["orderDate"], "2026-02-30T00:00:00Z", {2}), (["orderDate"], "2026-11-29T24:61:00Z", {2}),
        (["orderDate"], "", {1, 2}),
        (["isRecipientABusiness"], "yes", {2}), (["specialInstructions"], "s" * 501, {3}),
        (["specialInstructions"], 5, {2}), (["currencyCode"], "GBPX", {2, 3}), (["currencyCode"], 826, {2}),
        (P0, 5, {2}), (P0, None, {1, 2}), (["packages"], {}, {2}), (["packages"], "x", {2}), (["packages"], 5, {2}),
        (P0 + ["weightInGrams"], 0, {4}), (P0 + ["weightInGrams"], 30001, {4}), (P0 + ["weightInGrams"], -5, {4}),
        (P0 + ["weightInGrams"], "500", {2}), (P0 + ["weightInGrams"], 1.5, {2}),
        (P0 + ["weightInGrams"], DELETE, {1}), (P0 + ["weightInGrams"], 2147483648, {2, 4}),
        (P0 + ["weightInGrams"], 1e300, {2, 4}), (P0 + ["weightInGrams"], None, {1, 2}),
        (P0 + ["packageFormatIdentifier"], 5, {2}), (P0 + ["packageFormatIdentifier"], "bogus", {2}),
        (P0 + ["packageFormatIdentifier"], DELETE, {1}),
        (P0 + ["dimensions"], "x", {2}), (P0 + ["dimensions", "heightInMms"], "1", {2}),
        (P0 + ["dimensions", "depthInMms"], DELETE, {1}), (P0 + ["dimensions", "widthInMms"], 0, {2, 4}),
        (P0 + ["dimensions", "widthInMms"], -1, {2, 4}), (P0 + ["dimensions", "widthInMms"], 1.5, {2}),
        (P0 + ["contents"], {}, {2}), (C0, "x", {2}),
        (C0 + ["quantity"], 0, {4}), (C0 + ["quantity"], "1", {2}), (C0 + ["quantity"], DELETE, {1}),
        (C0 + ["quantity"], 1000000, {4}), (C0 + ["unitValue"], -1, {4}), (C0 + ["unitValue"], "1", {2}),
        (C0 + ["unitValue"], 1.001, {2, 4}), (C0 + ["name"], "n" * 801, {3}), (C0 + ["SKU"], "s" * 101, {3}),
        (C0 + ["unitWeightInGrams"], -1, {4}),
        (["tags"], {}, {2}), (["tags", 0], "x", {2}), (["tags", 0, "key"], 5, {2}), (["tags", 0, "key"], "k" * 101, {3}),
        (["tags", 0, "value"], "v" * 101, {3}),
    ]
    for m in money:
        cases += [
            ([m], "10.99", {2}), ([m], True, {2}), ([m], None, {1, 2}), ([m], DELETE, {1}), ([m], [], {2}),
            ([m], {}, {2}), ([m], -1, {4}), ([m], -0.01, {4}), ([m], 999999.01, {4}), ([m], 1000000, {4}),
            ([m], 1.001, {2, 4}), ([m], 1e308, {2, 4}), ([m], 1e-7, {2, 4}), ([m], -0.0001, {2, 4}),
            ([m], "NaN", {2}), ([m], "Infinity", {2}), ([m], "1e3", {2}), ([m], 99999999999999999999999, {2, 4}),
        ]
    return cases


def may_fail_to_parse(value):
    """Numbers a strict JSON parser may refuse outright (beyond int64): a 400 is fine for these."""
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2 ** 63


class TestFieldErrors(Base):
    def test_each_bad_field_fails_its_order(self):
        for path, value, codes in field_cases():
            name = field_name(path)
            with self.subTest(field=name, value=repr(value)[:40]):
                o = order("FIELD-CASE")
                set_path(o, path, value)
                r = self.post_orders({"items": [o]})
                if may_fail_to_parse(value) and r.status == 400:
                    self.assert_4xx_json(r, "%s=%r" % (name, value))
                    continue
                self.assertEqual(r.status, 200, "%s=%r: %s" % (name, value, r.short()))
                j = r.json()
                self.assertEqual((j.get("successCount"), j.get("errorsCount")), (0, 1),
                                 "%s=%r was accepted: %s" % (name, repr(value)[:40], r.short()))
                self.assertEqual(j.get("createdOrders"), [])
                f = j["failedOrders"][0]
                self.assertIn("order", f)
                errs = f.get("errors") or []
                named = [e for e in errs if any(fl.get("fieldName") == name for fl in e.get("fields") or [])]
                self.assertTrue(named, "%s=%r: no error names the field: %s" % (name, repr(value)[:40],
                                                                               json.dumps(errs)[:600]))
                self.assertIn(named[0].get("errorCode"), codes, "%s=%r: %s" % (name, repr(value)[:40],
                                                                              json.dumps(named[0])[:600]))
                self.assertIsInstance(named[0].get("errorMessage"), str)

    def test_many_bad_items_in_one_request(self):
        items = []
        for n, (path, value, _) in enumerate(field_cases()[:100]):
            o = order("MULTI-%d" % n)
            set_path(o, path, value)
            items.append(o)
        r = self.post_orders({"items": items})
        self.assert_create_rejected(r, "100 bad items", len(items))

    def test_big_but_allowed_body(self):
        o = order("R" * (7 * MIB))  # a 7 MiB reference: a field error, not a 413
        r = self.post_orders({"items": [o]})
        self.assert_create_rejected(r, "7 MiB orderReference", 1)
        if r.status == 200:
            self.assertLess(len(r.body), 16 * MIB)


# --------------------------------------------------------------------------- HTTP limits


class TestLimits(Base):
    def test_body_over_8_mib_413(self):
        size = 9 * MIB
        head = ("POST /api/v1/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (T.key, size)).encode()
        chunk = b" " * 65536
        r = SERVER.upload(head, [chunk] * (size // len(chunk)))
        self.assert_4xx_json(r, "9 MiB body", (413,))

    def test_chunked_body_over_8_mib_413(self):
        head = ("POST /api/v1/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" % T.key).encode()
        piece = b" " * 65536
        chunk = b"%x\r\n" % len(piece) + piece + b"\r\n"
        r = SERVER.upload(head, [chunk] * (9 * MIB // len(piece)) + [b"0\r\n\r\n"])
        self.assert_4xx_json(r, "9 MiB chunked body", (413,))

    def test_body_over_8_mib_without_auth(self):
        head = ("POST /api/v1/orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "Content-Length: %d\r\n\r\n" % (9 * MIB)).encode()
        r = SERVER.upload(head, [b" " * 65536] * 144)
        self.assertIsNotNone(r)
        self.assertIn(r.status, (401, 413), r.short())

    def test_headers_over_12_kib_431(self):
        # postroom answers JSON 431 above 12 KiB of headers; libmicrohttpd's own
        # 32 KiB connection buffer refuses larger ones first (next test).
        r = T.get("/api/v1/orders", headers={"X-Pad": "a" * (13 * 1024)})
        self.assert_4xx_json(r, "13 KiB header", (431,))
        hdrs = {"X-Pad-%03d" % i: "b" * 100 for i in range(150)}
        r = T.get("/api/v1/orders", headers=hdrs)
        self.assert_4xx_json(r, "150 headers of 100 bytes", (431,))
        r = T.get("/api/v1/orders", headers={"X-Pad": "a" * (11 * 1024)})
        self.assertEqual(r.status, 200, "11 KiB of headers are allowed: " + r.short())

    def test_enormous_headers_no_5xx(self):
        for size in (64 * 1024, 1024 * 1024):
            with self.subTest(size=size):
                try:
                    r = T.get("/api/v1/orders", headers={"X-Pad": "a" * size})
                except OSError:
                    r = None  # closing the connection is an answer too
                if r is not None:
                    self.assertTrue(400 <= r.status < 500, r.short())

    def test_url_over_8_kib_414(self):
        for path in ("/api/v1/orders?pageSize=1&x=" + "a" * (9 * 1024),
                     "/api/v1/orders/" + ";".join(["1001"] * 2000),
                     "/api/v1/" + "a" * (9 * 1024)):
            with self.subTest(path=path[:40]):
                self.assert_4xx_json(T.get(path), "URL of %d bytes" % len(path), (414,))


# --------------------------------------------------------------------------- HTTP surface


class TestHttpSurface(Base):
    def test_wrong_content_type(self):
        for ct in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                   "application/xml", "application/jsonx", "text/json"):
            with self.subTest(content_type=ct):
                r = self.post_orders(valid_body(), headers={"Content-Type": ct})
                self.assert_4xx_json(r, "POST /orders as %s" % ct, (400, 415))
                r = T.req("PUT", "/api/v1/orders/status", headers={"Content-Type": ct},
                          body=json.dumps({"items": [{"orderIdentifier": 1001, "status": "despatched"}]}))
                self.assert_4xx_json(r, "PUT /orders/status as %s" % ct, (400, 415))

    def test_unknown_methods_405(self):
        cases = [("PATCH", "/api/v1/orders"), ("PUT", "/api/v1/orders"), ("DELETE", "/api/v1/orders"),
                 ("POST", "/api/v1/orders/1001"), ("PUT", "/api/v1/orders/1001"), ("PATCH", "/api/v1/orders/1001"),
                 ("POST", "/api/v1/orders/1001/full"), ("DELETE", "/api/v1/orders/1001/full"),
                 ("POST", "/api/v1/version"), ("DELETE", "/api/v1/version"), ("POST", "/api/v1/orders/status"),
                 ("PATCH", "/api/v1/orders/status"), ("FROB", "/api/v1/orders"), ("TRACE", "/api/v1/orders"),
                 ("PUT", "/api/v1/orders/full")]
        for m, p in cases:
            with self.subTest(method=m, path=p):
                r = T.req(m, p, body=valid_body() if m in ("POST", "PUT", "PATCH") else None)
                self.assert_4xx_json(r, "%s %s" % (m, p), (405,))

    def test_unknown_paths_404(self):
        for p in ("/api/v1/nope", "/api/v2/orders", "/api/v1/orders/1001/nope", "/API/V1/ORDERS", "/api/v1",
                  "/api", "/api/v1/ordersx", "/api/v1/version/x", "/api/v1/orders/1001/full/extra",
                  "/api/v1/orders/full/1001", "/api/v1/orders/status/x", "/.env"):
            with self.subTest(path=p):
                self.assert_4xx_json(T.get(p), "GET %s" % p, (404,))
        for p in ("/api/v1/../../etc/passwd", "/../../../../etc/passwd", "/api/v1/%2e%2e/%2e%2e/etc/passwd"):
            with self.subTest(path=p):
                r = T.get(p)
                self.assert_4xx_json(r, "GET %s" % p)
                self.assertNotIn(b"root:", r.body)

    def test_path_tricks(self):
        tricks = ["/api/v1/orders/1001.css", "/api/v1/orders/1001/full.css", "/api/v1/orders.json",
                  "/api/v1/orders/full.js", "//api/v1/orders", "/api/v1//orders", "/api/v1/orders/%2e%2e/",
                  "/api/v1/orders/1001/", "/api/v1/orders/1001/full/", "/api/v1/orders/", "/api/v1/./orders/1001",
                  "/api/v1/orders/../orders/1001", "/api/v1/orders/1001%2ffull", "/api/v1/orders/1001%2Ffull",
                  "/api/v1/orders/1001%00", "/api/v1/orders/1001%00.css", "/api/v1/orders/1001;.css",
                  "/api/v1/orders/1001/full;x", "/api/v1/orders%2F1001", "/api/v1/orders/1001/.css",
                  "/api/v1/orders/1001%20", "/api/v1/orders/%201001", "/api/v1/orders/1001/%2e%2e/full",
                  "/api/v1/orders/1001/label.pdf", "/api/v1/orders;/1001", "/api/v1/orders/1001\\full"]
        for p in tricks:
            for key in (T.key, None):
                with self.subTest(path=p, auth=key is not None):
                    r = SERVER.request("GET", p, key=key)
                    self.assert_4xx_json(r, "GET %s" % p)
                    self.assertNotEqual(r.status, 200)

    def test_bad_query_params(self):
        qs = ["pageSize=0", "pageSize=101", "pageSize=abc", "pageSize=-1", "pageSize=1.5", "pageSize=1e2",
              "pageSize=0x10", "pageSize=%205", "pageSize=99999999999999999999", "pageSize=%zz",
              "startDateTime=garbage", "endDateTime=garbage", "startDateTime=2026-13-45T00:00:00Z",
              "endDateTime=2026-11-29T10:00:00Zjunk", "startDateTime=%00", "continuationToken=garbage",
              "continuationToken=" + "A" * 4000, "continuationToken=%ff%fe", "pageSize=5&continuationToken=%00",
              "continuationToken=" + urllib.parse.quote('{"tenant":1,"after":0}')]
        for path in ("/api/v1/orders", "/api/v1/orders/full"):
            for q in qs:
                with self.subTest(path=path, q=q[:50]):
                    self.assert_4xx_json(T.get(path + "?" + q), "GET %s?%s" % (path, q[:50]), (400,))

    def test_bad_id_lists_everywhere(self):
        for lst in (";", "abc", "1001;;1002", '"open', "-5", "99999999999999999999", ";".join(["1001"] * 101),
                    '"a"b', "1001%3B%3B", "%FF", '"%zz"', "1001;abc", "1001;-1", "0x3E9"):
            for m, suffix in (("GET", ""), ("GET", "/full"), ("DELETE", "")):
                with self.subTest(method=m, list=lst[:30], suffix=suffix):
                    r = T.req(m, "/api/v1/orders/" + lst + suffix)
                    j = self.assert_4xx_json(r, "%s %s" % (m, lst[:30]), (400,))
                    self.assertIsInstance(j, list, "the spec's 400 for {orderIdentifiers} is an array")
        # syntactically fine but impossible: malformed or simply not found, in valid UTF-8 JSON
        for lst in ('"%FF"', '"%C3%28"', '"%ED%A0%80"', '"' + "x" * 5000 + '"', '"' + "%00" + '"', '"a%00b"'):
            for m, suffix in (("GET", ""), ("GET", "/full"), ("DELETE", "")):
                with self.subTest(method=m, list=lst[:30], suffix=suffix):
                    r = T.req(m, "/api/v1/orders/" + lst + suffix)
                    self.assert_utf8_json(r, "%s %s" % (m, lst[:30]))
                    if r.status == 200 and m == "DELETE":
                        self.assertEqual(r.json().get("deletedOrders"), [], r.short())
                    else:
                        self.assert_4xx_json(r, "%s %s" % (m, lst[:30]), (400, 404))

    def test_bad_status_bodies(self):
        item = {"orderIdentifier": 1001, "status": "despatched"}
        bodies = ["", "{", "[]", "null", '{"items": {}}', '{"items": null}', '{"items": "x"}', '{"items": []}',
                  json.dumps({"items": [item] * 101}), json.dumps({"items": [item]}) + "x",
                  '{"items": [' + "[" * 10000 + "]" * 10000 + "]}",
                  '{"items": [{"orderIdentifier": 1001, "status": "despatched", "status": "new"}]}']
        for b in bodies:
            with self.subTest(body=b[:60]):
                r = T.req("PUT", "/api/v1/orders/status", body=b)
                self.assert_4xx_json(r, "PUT %r" % b[:60], (400,))
        items = [5, "x", None, [], {"orderIdentifier": "1001", "status": "despatched"},
                 {"orderIdentifier": 1001.5, "status": "despatched"},
                 {"orderIdentifier": 99999999999999, "status": "despatched"},
                 {"orderIdentifier": -1, "status": "despatched"}, {"orderIdentifier": 1001, "status": 5},
                 {"orderIdentifier": 1001, "status": None}, {"orderReference": 1001, "status": "despatched"},
                 {"orderReference": "BI-1", "status": "DESPATCHED"},
                 {"orderReference": "BI-1\u0000", "status": "despatched"},
                 {"orderIdentifier": 1001, "status": "despatchedByOtherCourier", "trackingNumber": 5,
                  "despatchDate": "2026-11-29T10:00:00Z", "shippingCarrier": "X", "shippingService": "Y"}]
        for it in items:
            with self.subTest(item=repr(it)[:60]):
                r = T.req("PUT", "/api/v1/orders/status", body={"items": [it]})
                if r.status == 200:
                    j = r.json()
                    self.assertEqual(j.get("updatedOrders"), [], r.short())
                    self.assertTrue(j.get("errors"), r.short())
                else:
                    self.assert_4xx_json(r, "PUT item %r" % (it,), no_data=False)

    def test_raw_protocol_garbage(self):
        k = T.key.encode()
        reqs = [
            b"GARBAGE\r\n\r\n",
            b"GET /api/v1/orders HTTP/1.1\r\n\r\n",
            b"GET /api/v1/orders HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n",
            b"GET /api/v1/orders HTTP/1.1\r\nHost: x\r\n Folded: header\r\n\r\n",
            b"POST /api/v1/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + k +
            b"\r\nContent-Length: -1\r\n\r\n",
            b"POST /api/v1/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + k +
            b"\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n{}{}{}",
            b"POST /api/v1/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + k +
            b"\r\nContent-Length: 99999999999999999999999\r\n\r\n{}",
            b"POST /api/v1/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + k +
            b"\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
            b"POST /api/v1/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + k +
            b"\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n{}\r\n0\r\n\r\n",
            (b"POST /api/v1/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + k +
             b"\r\nContent-Length: 100\r\n\r\n{\"items\":", 1),  # then the client goes away
            b"GET /api/v1/orders\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET /api/v1/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + k[:10] + b"\x00" + k[10:] +
            b"\r\n\r\n",
            b"GET /api/v1/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + k[:10] + b"\r\n" + k[10:] +
            b"\r\n\r\n",
            b"GET /api/v1/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff\xfe" + k[2:] + b"\r\n\r\n",
            b"GET /api/v1/orders HTTP/1.1\r\nHost: x\r\nAuthorization: " + b"Bearer " * 2000 + b"\r\n\r\n",
            b"GET http://evil.example/api/v1/orders HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET * HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET /api/v1/orders HTTP/1.1\nHost: x\n\n",
            (b"\r\n\r\n\r\n", 1),  # blank lines before a request line are ignored: the server waits
            (b"GET /api/v1/orders HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n", 1),  # never finishes
        ]
        for raw in reqs:
            raw, timeout = raw if isinstance(raw, tuple) else (raw, 10)
            with self.subTest(raw=raw[:70]):
                try:
                    r = SERVER.raw(raw, timeout=timeout)
                except OSError:
                    r = None  # a timeout or closed connection is acceptable
                if r is not None:
                    self.assertLess(r.status, 500, r.short())
                    self.assertNotIn(b"BI-1", r.body)
                self.assertTrue(SERVER.alive())


class TestZLog(unittest.TestCase):
    """Runs last: after all of the above, stderr is still one JSON object per line."""

    def test_every_stderr_line_is_json(self):
        bad = [line for line, j in SERVER.log_records() if not isinstance(j, dict)]
        self.assertEqual(bad[:10], [], "%d stderr lines are not JSON log records" % len(bad))


if __name__ == "__main__":
    harness.main()

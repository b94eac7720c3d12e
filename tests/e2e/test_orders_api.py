#!/usr/bin/python3
"""tests/e2e/test_orders_api.py: the whole /api/v1 orders flow over HTTP, per the
Click & Drop spec and docs/api.md.

Usage: /usr/bin/python3 tests/e2e/test_orders_api.py path/to/postroom [unittest args]
"""

import json
import os
import re
import sys
import time
import unittest
import urllib.parse
from decimal import Decimal

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import ids_path, order, quote_ref  # noqa: E402

SERVER = None
# Personal data sent by this file: none of it may reach the log.
PII = ["Ada Lovelace", "Analytical Engines Ltd", "12 St James's Square", "SW1Y 4JH", "07700900123",
       "ada@example.com", "Charles Babbage", "1 Dorset Street", "charles@example.com", "07700900456",
       "Zo\u00eb Pi\u0105tek", "zoe.piatek@example.org", "Unit 7 Quayside"]

# Every response made with a valid key, checked for caching headers at the end.
AUTH_RESPONSES = []
AUTH_ROUTE = re.compile(r"^/api/v1/(orders|manifests|carriers|returns)(/|\?|$)")


def setUpModule():
    global SERVER
    SERVER = harness.Server.start_new()


def tearDownModule():
    SERVER.stop_and_check(forbidden_in_logs=PII)


def fresh(name):
    return SERVER.new_tenant(name)


class Api(unittest.TestCase):
    """Requests made through self.call are recorded for the caching-header check."""

    def call(self, tenant, method, path, body=None, headers=None):
        r = tenant.req(method, path, body=body, headers=headers)
        AUTH_RESPONSES.append((method, path, r))
        self.assertTrue(r.status < 500 or r.status == 501, "%s %s -> %s" % (method, path, r.short()))
        return r

    def ok_json(self, r, status=200, what=""):
        self.assertEqual(r.status, status, "%s: %s" % (what, r.short()))
        self.assertTrue(harness.content_type_is_json(r), "%s: Content-Type %r" % (what, r.header("Content-Type")))
        return r.json()

    def err_json(self, r, status, what=""):
        if isinstance(status, int):
            status = (status,)
        self.assertIn(r.status, status, "%s: %s" % (what, r.short()))
        self.assertTrue(harness.is_json_error(r), "%s: not a JSON error body: %s" % (what, r.short()))
        return r.json()

    def tearDown(self):
        SERVER.check_alive()


# --------------------------------------------------------------------------- version, health


class TestVersion(Api):
    def test_version_without_auth(self):
        r = SERVER.request("GET", "/api/v1/version")
        self.assertEqual(r.status, 200, r.short())
        j = r.json()
        self.assertIsInstance(j, dict)
        self.assertIn("releaseDate", j)
        harness.parse_time(j["releaseDate"])  # a date-time
        for k in ("commit", "build", "release"):
            if k in j:
                self.assertIsInstance(j[k], str)

    def test_version_with_auth_too(self):
        t = fresh("version")
        r = self.call(t, "GET", "/api/v1/version")
        self.assertEqual(r.status, 200, r.short())


class TestCli(Api):
    """The set-up commands the harness relies on."""

    def test_tenants_keys_users(self):
        a = SERVER.tenant_create("cli-a")
        b = SERVER.tenant_create("cli-b")
        self.assertNotEqual(a, b)
        keys = {SERVER.apikey_create(a, "k%d" % i) for i in range(3)}
        self.assertEqual(len(keys), 3, "keys are unique")
        for k in keys:
            self.assertEqual(SERVER.request("GET", "/api/v1/orders", key=k).status, 200)
        SERVER.user_add(a, "admin@cli-a.test", "admin", "correct horse battery staple")
        SERVER.user_add(a, "clerk@cli-a.test", "standard", "correct horse battery staple")
        SERVER.user_add(b, "admin@cli-b.test", "admin", "another long passphrase")
        with self.assertRaises(harness.ServerError):
            SERVER.user_add(a, "root@cli-a.test", "root", "correct horse battery staple")
        with self.assertRaises(harness.ServerError):
            SERVER.apikey_create("987654321", "nobody")


# --------------------------------------------------------------------------- create


class TestCreate(Api):
    def test_identifiers_count_from_1001_per_tenant(self):
        a, b = fresh("ids-a"), fresh("ids-b")
        for t in (a, b):
            r = self.call(t, "POST", "/api/v1/orders", {"items": [order("A-1"), order("A-2"), order("A-3")]})
            j = self.ok_json(r, what="POST /orders")
            self.assertEqual(j["successCount"], 3, r.short())
            self.assertEqual(j["errorsCount"], 0, r.short())
            self.assertEqual(j["failedOrders"], [], r.short())
            got = [o["orderIdentifier"] for o in j["createdOrders"]]
            self.assertEqual(got, [1001, 1002, 1003], "identifiers of a new tenant: %s" % r.short())
            self.assertEqual([o.get("orderReference") for o in j["createdOrders"]], ["A-1", "A-2", "A-3"])
            for o in j["createdOrders"]:
                harness.parse_time(o["createdOn"])
        # next batch continues the count
        r = self.call(a, "POST", "/api/v1/orders", {"items": [order("A-4")]})
        j = self.ok_json(r)
        self.assertEqual(j["createdOrders"][0]["orderIdentifier"], 1004)

    def test_mixed_batch(self):
        t = fresh("mixed")
        bad_missing = order("BAD-MISSING")
        del bad_missing["recipient"]["address"]["addressLine1"]
        bad_weight = order("BAD-WEIGHT")
        bad_weight["packages"][0]["weightInGrams"] = 0
        bad_long = order("X" * 41)
        bad_type = order("BAD-TYPE", subtotal="ten")
        items = [order("GOOD-1"), bad_missing, order("GOOD-2"), bad_weight, bad_long, bad_type, order("GOOD-3")]
        r = self.call(t, "POST", "/api/v1/orders", {"items": items})
        j = self.ok_json(r, what="mixed batch")
        self.assertEqual(j["successCount"], 3, r.short(3000))
        self.assertEqual(j["errorsCount"], 4, r.short(3000))
        self.assertEqual(len(j["createdOrders"]), 3)
        self.assertEqual(len(j["failedOrders"]), 4)
        self.assertEqual(sorted(o["orderReference"] for o in j["createdOrders"]), ["GOOD-1", "GOOD-2", "GOOD-3"])
        ids = [o["orderIdentifier"] for o in j["createdOrders"]]
        self.assertEqual(len(set(ids)), 3)
        self.assertTrue(all(i >= 1001 for i in ids), ids)

        expect = {  # reference -> (errorCodes accepted, fieldName)
            "BAD-MISSING": ({1}, "recipient.address.addressLine1"),
            "BAD-WEIGHT": ({4}, "packages[0].weightInGrams"),
            "X" * 41: ({3}, "orderReference"),
            "BAD-TYPE": ({2}, "subtotal"),
        }
        for f in j["failedOrders"]:
            self.assertIn("order", f)
            self.assertIn("errors", f)
            ref = f["order"].get("orderReference")
            self.assertIn(ref, expect, "failed order should echo the submitted order: %s" % json.dumps(f))
            codes, field = expect.pop(ref)
            self.assertTrue(f["errors"], f)
            for e in f["errors"]:
                self.assertIsInstance(e.get("errorCode"), int, e)
                self.assertIsInstance(e.get("errorMessage"), str, e)
                self.assertIsInstance(e.get("fields"), list, e)
                for fld in e["fields"]:
                    self.assertIsInstance(fld.get("fieldName"), str, e)
            matching = [e for e in f["errors"] if any(fl.get("fieldName") == field for fl in e["fields"])]
            self.assertTrue(matching, "no error names field %r: %s" % (field, json.dumps(f["errors"])))
            self.assertIn(matching[0]["errorCode"], codes, json.dumps(f["errors"]))
        # the failures created nothing
        orders, _ = t.all_pages()
        self.assertEqual(sorted(o["orderReference"] for o in orders), ["GOOD-1", "GOOD-2", "GOOD-3"])

    def test_boundaries_accepted(self):
        t = fresh("bounds")
        o1 = order("R" * 40, subtotal=999999, shippingCostCharged=0, total=999999)
        o1["packages"][0]["weightInGrams"] = 30000
        o1["packages"][0]["packageFormatIdentifier"] = "parcel"
        o2 = order("MIN", subtotal=0, shippingCostCharged=0, total=0)
        o2["packages"][0]["weightInGrams"] = 1
        o2["packages"][0]["packageFormatIdentifier"] = "letter"
        del o2["packages"][0]["dimensions"]
        o3 = order("NOPKG")
        del o3["packages"]
        o4 = order("MINIMAL")
        for k in ("billing", "packages", "tags", "specialInstructions", "currencyCode"):
            del o4[k]
        # a UK address needs its postcode (docs/api.md); the rest of the recipient is optional
        o4["recipient"] = {"address": {"addressLine1": "1 High St", "city": "Leeds", "postcode": "LS1 1AA",
                                       "countryCode": "GB"}}
        r = self.call(t, "POST", "/api/v1/orders", {"items": [o1, o2, o3, o4]})
        j = self.ok_json(r)
        self.assertEqual(j["successCount"], 4, r.short(3000))

    def test_package_format_identifiers(self):
        t = fresh("formats")
        items = []
        for f in ("undefined", "letter", "largeLetter", "smallParcel", "mediumParcel", "largeParcel", "parcel",
                  "documents"):
            o = order("FMT-" + f)
            o["packages"][0]["packageFormatIdentifier"] = f
            o["packages"][0]["weightInGrams"] = 50
            items.append(o)
        bad = order("FMT-BAD")
        bad["packages"][0]["packageFormatIdentifier"] = "hugeCrate"
        items.append(bad)
        dims = order("DIMS-PARTIAL")
        dims["packages"][0]["dimensions"] = {"heightInMms": 10, "widthInMms": 10}
        items.append(dims)
        zero = order("DIMS-ZERO")
        zero["packages"][0]["dimensions"] = {"heightInMms": 10, "widthInMms": 0, "depthInMms": 10}
        items.append(zero)
        r = self.call(t, "POST", "/api/v1/orders", {"items": items})
        j = self.ok_json(r)
        self.assertEqual(j["successCount"], 8, r.short(3000))
        self.assertEqual(sorted(f["order"]["orderReference"] for f in j["failedOrders"]),
                         ["DIMS-PARTIAL", "DIMS-ZERO", "FMT-BAD"])

    def test_unknown_fields_ignored_and_not_stored(self):
        t = fresh("unknown")
        o = order("UNK-1")
        o["someFutureField"] = {"nested": ["UNKNOWN-FIELD-VALUE"]}
        o["recipient"]["address"]["what3words"] = "UNKNOWN-FIELD-VALUE"
        o["packages"][0]["contents"][0]["colourOfBox"] = "UNKNOWN-FIELD-VALUE"
        r = self.call(t, "POST", "/api/v1/orders", {"items": [o], "batchLabel": "UNKNOWN-FIELD-VALUE"})
        j = self.ok_json(r)
        self.assertEqual(j["successCount"], 1, r.short(2000))
        r = self.call(t, "GET", "/api/v1/orders/1001/full")
        self.assertEqual(r.status, 200, r.short())
        self.assertNotIn(b"UNKNOWN-FIELD-VALUE", r.body)
        self.assertNotIn(b"someFutureField", r.body)

    def test_charset_in_content_type_accepted(self):
        t = fresh("charset")
        r = self.call(t, "POST", "/api/v1/orders", json.dumps({"items": [order("CS-1")]}),
                      headers={"Content-Type": "application/json; charset=utf-8"})
        self.assertEqual(self.ok_json(r)["successCount"], 1)


# --------------------------------------------------------------------------- read


class TestFull(Api):
    @classmethod
    def setUpClass(cls):
        cls.t = fresh("full")
        o = order("FULL-1")
        o["recipient"]["address"].update({"fullName": "Zo\u00eb Pi\u0105tek", "addressLine1": "Unit 7 Quayside"})
        o["recipient"]["emailAddress"] = "zoe.piatek@example.org"
        o["packages"][0]["contents"].append({"name": "Copper spring", "SKU": "SPR-02", "quantity": 1,
                                             "unitValue": 0, "unitWeightInGrams": 10})
        o["orderDate"] = "2026-11-29T12:30:00+02:00"
        o2 = order("FULL-2", subtotal=0.1, shippingCostCharged=0.2, total=0.3)
        o3 = order("FULL-3", subtotal=10.5, shippingCostCharged=0, total=10.5)
        cls.sent = [o, o2, o3]
        cls.created = cls.t.create_orders(cls.sent)

    def test_full_fields(self):
        r = self.call(self.t, "GET", "/api/v1/orders/1001/full")
        arr = self.ok_json(r)
        self.assertIsInstance(arr, list)
        self.assertEqual(len(arr), 1, r.short())
        d = arr[0]
        sent = self.sent[0]
        self.assertEqual(d["orderIdentifier"], 1001)
        self.assertEqual(d["orderReference"], "FULL-1")
        self.assertEqual(d["orderStatus"], "new")
        self.assertEqual(d["channel"], "API")
        harness.parse_time(d["createdOn"])
        self.assertEqual(harness.parse_time(d["orderDate"]), harness.parse_time("2026-11-29T10:30:00Z"))
        self.assertTrue(d["orderDate"].endswith("Z"), "answers print UTC with Z: %r" % d["orderDate"])
        self.assertEqual(d["specialInstructions"], "Leave with the porter")
        self.assertEqual(d.get("currencyCode"), "GBP")
        self.assertEqual(d["weightInGrams"], 500)
        ship = d["shippingDetails"]
        self.assertIsInstance(ship, dict)
        self.assertEqual(ship["shippingCost"], 2.5)
        info = d["shippingInfo"]
        addr = sent["recipient"]["address"]
        name = " ".join(x for x in (info.get("firstName"), info.get("lastName")) if x)
        self.assertEqual(name, addr["fullName"], "shippingInfo name: %r" % info)
        for k in ("companyName", "addressLine1", "addressLine2", "addressLine3", "city", "county", "postcode",
                  "countryCode"):
            self.assertEqual(info.get(k), addr[k], "shippingInfo.%s" % k)
        self.assertEqual(info.get("phoneNumber"), sent["recipient"]["phoneNumber"])
        self.assertEqual(info.get("emailAddress"), sent["recipient"]["emailAddress"])
        bill = d["billingInfo"]
        baddr = sent["billing"]["address"]
        bname = " ".join(x for x in (bill.get("firstName"), bill.get("lastName")) if x)
        self.assertEqual(bname, baddr["fullName"])
        for k in ("companyName", "addressLine1", "city", "postcode", "countryCode"):
            self.assertEqual(bill.get(k), baddr[k], "billingInfo.%s" % k)
        self.assertEqual(bill.get("emailAddress"), sent["billing"]["emailAddress"])
        lines = d["orderLines"]
        self.assertEqual(len(lines), 2, lines)
        by_sku = {ln.get("SKU"): ln for ln in lines}
        self.assertEqual(by_sku["GEAR-01"]["name"], "Brass gear")
        self.assertEqual(by_sku["GEAR-01"]["quantity"], 2)
        self.assertEqual(by_sku["GEAR-01"]["unitValue"], 5.49)
        self.assertEqual(by_sku["SPR-02"]["quantity"], 1)
        if "tags" in d:
            self.assertEqual([(x.get("key"), x.get("value")) for x in d["tags"]], [("channel", "shop")])

    def test_money_exact(self):
        r = self.call(self.t, "GET", ids_path([1001, 1002, 1003], "/full"))
        self.assertEqual(r.status, 200, r.short())
        arr = r.json_exact()
        by_id = {d["orderIdentifier"]: d for d in arr}
        want = {1001: ("10.99", "2.5", "13.49"), 1002: ("0.1", "0.2", "0.3"), 1003: ("10.5", "0", "10.5")}
        for oid, (sub, ship, tot) in want.items():
            d = by_id[oid]
            for field, v in (("subtotal", sub), ("shippingCostCharged", ship), ("total", tot)):
                got = d[field]
                self.assertEqual(Decimal(got), Decimal(v), "order %d %s" % (oid, field))
                if isinstance(got, Decimal):
                    self.assertGreaterEqual(got.as_tuple().exponent, -2,
                                            "order %d %s printed %s: money has at most 2 decimals" % (oid, field, got))
        self.assertRegex(r.text(), r'"total"\s*:\s*13\.49(?![0-9])')
        self.assertRegex(r.text(), r'"total"\s*:\s*0\.30?(?![0-9])')

    def test_full_list_matches_specific(self):
        r = self.call(self.t, "GET", "/api/v1/orders/full")
        j = self.ok_json(r)
        self.assertEqual([d["orderIdentifier"] for d in j["orders"]], [1001, 1002, 1003])
        self.assertNotIn("continuationToken", {k for k, v in j.items() if v is not None})
        r2 = self.call(self.t, "GET", "/api/v1/orders/1001;1002;1003/full")
        self.assertEqual(sorted(json.dumps(x, sort_keys=True) for x in j["orders"]),
                         sorted(json.dumps(x, sort_keys=True) for x in r2.json()))

    def test_summary_fields(self):
        r = self.call(self.t, "GET", "/api/v1/orders/1001")
        arr = self.ok_json(r)
        self.assertEqual(len(arr), 1)
        o = arr[0]
        self.assertEqual(o["orderIdentifier"], 1001)
        self.assertEqual(o["orderReference"], "FULL-1")
        harness.parse_time(o["createdOn"])
        self.assertEqual(harness.parse_time(o["orderDate"]), harness.parse_time("2026-11-29T10:30:00Z"))


class TestPaging(Api):
    N = 53

    @classmethod
    def setUpClass(cls):
        cls.t = fresh("paging")
        cls.t.create_orders([order("PG-%03d" % i) for i in range(cls.N)])

    def walk(self, size, path="/api/v1/orders", query=None):
        seen, pages, token = [], 0, None
        while True:
            q = dict(query or {})
            if size is not None:
                q["pageSize"] = str(size)
            if token:
                q["continuationToken"] = token
            r = self.call(self.t, "GET", path + ("?" + urllib.parse.urlencode(q) if q else ""))
            j = self.ok_json(r, what="page %d" % pages)
            got = [o["orderIdentifier"] for o in j["orders"]]
            pages += 1
            token = j.get("continuationToken")
            if token:
                self.assertEqual(len(got), size or 25, "a non-last page is full")
            else:
                self.assertLessEqual(len(got), size or 25)
            seen.extend(got)
            if not token:
                return seen, pages
            self.assertLess(pages, 200)

    def test_default_page_size_25(self):
        r = self.call(self.t, "GET", "/api/v1/orders")
        j = self.ok_json(r)
        self.assertEqual(len(j["orders"]), 25)
        self.assertTrue(j.get("continuationToken"))
        self.assertEqual([o["orderIdentifier"] for o in j["orders"]], list(range(1001, 1026)))

    def test_walk_all_pages_exactly_once(self):
        for size in (1, 7, 25, 53, 100):
            for path in ("/api/v1/orders", "/api/v1/orders/full"):
                with self.subTest(size=size, path=path):
                    seen, pages = self.walk(size, path)
                    self.assertEqual(seen, list(range(1001, 1001 + self.N)), "identifier order, no dups, no gaps")
                    self.assertEqual(pages, -(-self.N // size))

    def test_exact_multiple_last_page_has_no_token(self):
        t = fresh("paging-exact")
        t.create_orders([order("EX-%d" % i) for i in range(10)])
        seen, pages, token = [], 0, None
        while True:
            q = {"pageSize": "5"}
            if token:
                q["continuationToken"] = token
            j = self.ok_json(self.call(t, "GET", "/api/v1/orders?" + urllib.parse.urlencode(q)))
            seen += [o["orderIdentifier"] for o in j["orders"]]
            token = j.get("continuationToken")
            pages += 1
            if not token or pages > 5:
                break
        self.assertEqual(seen, list(range(1001, 1011)))
        self.assertLessEqual(pages, 3, "an empty trailing page at most")

    def test_max_page_size(self):
        j = self.ok_json(self.call(self.t, "GET", "/api/v1/orders?pageSize=100"))
        self.assertEqual(len(j["orders"]), self.N)
        self.assertIsNone(j.get("continuationToken"))

    def test_empty_tenant(self):
        t = fresh("paging-empty")
        for path in ("/api/v1/orders", "/api/v1/orders/full"):
            j = self.ok_json(self.call(t, "GET", path))
            self.assertEqual(j["orders"], [])
            self.assertIsNone(j.get("continuationToken"))

    def test_bad_page_size(self):
        for v in ("0", "101", "abc", "-1", "1.5", "99999999999999999999999"):
            with self.subTest(pageSize=v):
                self.err_json(self.call(self.t, "GET", "/api/v1/orders?pageSize=" + v), 400)

    def test_tampered_token(self):
        j = self.ok_json(self.call(self.t, "GET", "/api/v1/orders?pageSize=5"))
        tok = j["continuationToken"]
        mid = len(tok) // 2
        flipped = tok[:mid] + ("A" if tok[mid] != "A" else "B") + tok[mid + 1:]
        for bad in (flipped, tok[:-1], tok + "A", "garbage", tok[::-1], ""):
            if bad == "":
                continue
            with self.subTest(token=bad):
                r = self.call(self.t, "GET", "/api/v1/orders?pageSize=5&continuationToken=" + urllib.parse.quote(bad))
                body = self.err_json(r, 400)
                self.assertNotIn("orders", body if isinstance(body, dict) else {})
        # the genuine token still works
        r = self.call(self.t, "GET", "/api/v1/orders?pageSize=5&continuationToken=" + urllib.parse.quote(tok))
        self.assertEqual([o["orderIdentifier"] for o in self.ok_json(r)["orders"]], list(range(1006, 1011)))

    def test_token_bound_to_filters(self):
        q = {"pageSize": "5", "startDateTime": "2000-01-01T00:00:00Z"}
        j = self.ok_json(self.call(self.t, "GET", "/api/v1/orders?" + urllib.parse.urlencode(q)))
        tok = j["continuationToken"]
        q2 = {"pageSize": "5", "startDateTime": "2001-01-01T00:00:00Z", "continuationToken": tok}
        self.err_json(self.call(self.t, "GET", "/api/v1/orders?" + urllib.parse.urlencode(q2)), 400,
                      "token reused with other filters")


class TestDateFilter(Api):
    def test_start_end_inclusive(self):
        t = fresh("dates")
        a = t.create_orders([order("EARLY-1"), order("EARLY-2")])
        time.sleep(1.5)
        b = t.create_orders([order("LATE-1"), order("LATE-2")])
        a_max = max(harness.parse_time(o["createdOn"]) for o in a)
        b_min_s = min((o["createdOn"] for o in b), key=harness.parse_time)
        from datetime import timedelta
        end = (a_max + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        for path in ("/api/v1/orders", "/api/v1/orders/full"):
            j = self.ok_json(self.call(t, "GET", path + "?startDateTime=" + urllib.parse.quote(b_min_s)))
            self.assertEqual(sorted(o["orderReference"] for o in j["orders"]), ["LATE-1", "LATE-2"], path)
            j = self.ok_json(self.call(t, "GET", path + "?endDateTime=" + urllib.parse.quote(end)))
            self.assertEqual(sorted(o["orderReference"] for o in j["orders"]), ["EARLY-1", "EARLY-2"], path)
            q = urllib.parse.urlencode({"startDateTime": "2000-01-01T00:00:00+01:00",
                                        "endDateTime": "2999-01-01T00:00:00.000Z"})
            j = self.ok_json(self.call(t, "GET", path + "?" + q))
            self.assertEqual(len(j["orders"]), 4)
            q = urllib.parse.urlencode({"startDateTime": "2999-01-01T00:00:00Z"})
            j = self.ok_json(self.call(t, "GET", path + "?" + q))
            self.assertEqual(j["orders"], [])
        # paging inside a filter
        q = {"pageSize": "1", "startDateTime": b_min_s}
        r1 = self.ok_json(self.call(t, "GET", "/api/v1/orders?" + urllib.parse.urlencode(q)))
        q["continuationToken"] = r1["continuationToken"]
        r2 = self.ok_json(self.call(t, "GET", "/api/v1/orders?" + urllib.parse.urlencode(q)))
        self.assertEqual([o["orderReference"] for o in r1["orders"] + r2["orders"]], ["LATE-1", "LATE-2"])
        self.assertIsNone(r2.get("continuationToken"))

    def test_bad_dates(self):
        t = fresh("dates-bad")
        for q in ("startDateTime=garbage", "endDateTime=garbage", "startDateTime=2026-13-45T00:00:00Z",
                  "startDateTime=2026-02-30T00:00:00Z", "endDateTime=2026-11-29T25:00:00Z"):
            with self.subTest(q=q):
                self.err_json(self.call(t, "GET", "/api/v1/orders?" + q), 400)


class TestSpecificOrders(Api):
    REFS = ["Ref;With;Semi", "Slash/Ref", 'Quote"Ref', "Percent%Ref", "Space Ref", "Zo\u00eb's \u00fcml\u00e4ut",
            "DUP-REF", "DUP-REF", "Plain-Ref", "Comma,Ref"]

    @classmethod
    def setUpClass(cls):
        cls.t = fresh("specific")
        cls.created = cls.t.create_orders([order(r) for r in cls.REFS])
        cls.by_ref = {}
        for c in cls.created:
            cls.by_ref.setdefault(c["orderReference"], []).append(c["orderIdentifier"])

    def get_ids(self, path):
        r = self.call(self.t, "GET", path)
        arr = self.ok_json(r, what=path)
        self.assertIsInstance(arr, list)
        return sorted(o["orderIdentifier"] for o in arr), arr

    def test_by_identifiers(self):
        for suffix in ("", "/full"):
            ids, _ = self.get_ids("/api/v1/orders/1001;1002" + suffix)
            self.assertEqual(ids, [1001, 1002])
            ids, _ = self.get_ids("/api/v1/orders/1003" + suffix)
            self.assertEqual(ids, [1003])
            ids, _ = self.get_ids("/api/v1/orders/1001;99999" + suffix)
            self.assertEqual(ids, [1001], "partial match answers what matched")

    def test_by_reference_with_semicolons(self):
        for suffix in ("", "/full"):
            ids, arr = self.get_ids('/api/v1/orders/"Ref%3BWith%3BSemi"' + suffix)
            self.assertEqual(ids, self.by_ref["Ref;With;Semi"])
            self.assertEqual(arr[0]["orderReference"], "Ref;With;Semi")

    def test_by_reference_special_characters(self):
        for ref in set(self.REFS):
            for suffix in ("", "/full"):
                with self.subTest(ref=ref, suffix=suffix):
                    ids, arr = self.get_ids(ids_path([ref], suffix))
                    self.assertEqual(ids, sorted(self.by_ref[ref]))
                    self.assertTrue(all(o["orderReference"] == ref for o in arr))

    def test_reference_matches_several(self):
        ids, _ = self.get_ids(ids_path(["DUP-REF"]))
        self.assertEqual(len(ids), 2)

    def test_mixed_list(self):
        path = "/api/v1/orders/1001;" + quote_ref("Plain-Ref") + ';"Ref%3BWith%3BSemi";424242;"nope"'
        ids, _ = self.get_ids(path)
        self.assertEqual(ids, sorted({1001, *self.by_ref["Plain-Ref"], *self.by_ref["Ref;With;Semi"]}))

    def test_quotes_percent_encoded(self):
        # Clients that escape the whole path segment send the quotes as %22.
        ids, _ = self.get_ids("/api/v1/orders/%22Plain-Ref%22")
        self.assertEqual(ids, self.by_ref["Plain-Ref"])

    def test_hundred_items_allowed(self):
        items = [1001 + i for i in range(100)]
        ids, _ = self.get_ids(ids_path(items))
        self.assertEqual(ids, list(range(1001, 1001 + len(self.REFS))))

    def test_none_match_404(self):
        for p in ("/api/v1/orders/99999", "/api/v1/orders/99999/full", '/api/v1/orders/"no-such-ref"',
                  '/api/v1/orders/"no-such-ref";5000/full'):
            with self.subTest(path=p):
                self.err_json(self.call(self.t, "GET", p), 404)

    def test_malformed_lists_400(self):
        bad = [";", "abc", ";".join(str(1001 + i) for i in range(101)), '"unterminated', "1001;;1002", "-1",
               "99999999999999999999", "1001;", ";1001", "1e3", "0x3E9", "1001.0", '"a"b',
               "%22unterminated", ";".join(['"r"'] * 101), "1001%3B1002%3B", "1001 1002"]
        for lst in bad:
            for suffix in ("", "/full"):
                with self.subTest(list=lst[:40], suffix=suffix):
                    r = self.call(self.t, "GET", "/api/v1/orders/" + lst.replace(" ", "%20") + suffix)
                    body = self.err_json(r, 400)
                    self.assertNotIn(b"Plain-Ref", r.body)
                    if isinstance(body, list):
                        for e in body:
                            self.assertIn("message", e)
        for p in ("/api/v1/orders//full", '/api/v1/orders/""', "/api/v1/orders/0"):
            with self.subTest(path=p):
                self.err_json(self.call(self.t, "GET", p), (400, 404))


class TestDelete(Api):
    def test_delete(self):
        t = fresh("delete")
        t.create_orders([order("DEL-1"), order("DEL-2"), order("Del;Semi"), order("KEEP-1")])
        r = self.call(t, "DELETE", "/api/v1/orders/1001;99999;" + quote_ref("Del;Semi") + ';"nope"')
        j = self.ok_json(r, what="DELETE")
        deleted = sorted((d["orderIdentifier"], d.get("orderReference")) for d in j["deletedOrders"])
        self.assertEqual(deleted, [(1001, "DEL-1"), (1003, "Del;Semi")])
        errs = j["errors"]
        self.assertEqual(len(errs), 2, r.short())
        for e in errs:
            self.assertEqual(e["code"], "OrderNotFound", e)
            self.assertIsInstance(e.get("message"), str)
        self.assertIn(99999, [e.get("orderIdentifier") for e in errs])
        self.assertIn("nope", [e.get("orderReference") for e in errs])
        self.err_json(self.call(t, "GET", "/api/v1/orders/1001"), 404)
        self.err_json(self.call(t, "GET", "/api/v1/orders/1003/full"), 404)
        orders, _ = t.all_pages()
        self.assertEqual(sorted(o["orderIdentifier"] for o in orders), [1002, 1004])
        # deleting again: not found
        r = self.call(t, "DELETE", "/api/v1/orders/1001")
        if r.status == 200:
            j = r.json()
            self.assertEqual(j["deletedOrders"], [])
            self.assertEqual([e["code"] for e in j["errors"]], ["OrderNotFound"])
        else:
            self.err_json(r, 404)
        # identifiers are not reused after a delete
        c = t.create_orders([order("AFTER")])
        self.assertEqual(c[0]["orderIdentifier"], 1005)

    def test_delete_by_shared_reference_deletes_all_matching(self):
        t = fresh("delete-ref")
        t.create_orders([order("SAME"), order("SAME"), order("OTHER")])
        j = self.ok_json(self.call(t, "DELETE", '/api/v1/orders/"SAME"'))
        self.assertEqual(sorted(d["orderIdentifier"] for d in j["deletedOrders"]), [1001, 1002])
        self.assertEqual(j["errors"], [])
        orders, _ = t.all_pages()
        self.assertEqual([o["orderIdentifier"] for o in orders], [1003])

    def test_delete_malformed_400(self):
        t = fresh("delete-bad")
        t.create_orders([order("D-1")])
        for lst in ("abc", "1001;;1002", '"open', "-5", ";".join(["1001"] * 101)):
            with self.subTest(list=lst[:30]):
                r = self.call(t, "DELETE", "/api/v1/orders/" + lst)
                body = self.err_json(r, 400)
                self.assertIsInstance(body, list, "DELETE 400 is an array of OrderErrorInfo")
        self.assertEqual(len(t.all_pages()[0]), 1)


class TestStatus(Api):
    def status_of(self, t, oid):
        arr = self.ok_json(self.call(t, "GET", "/api/v1/orders/%d/full" % oid))
        return arr[0]["orderStatus"]

    def put(self, t, items):
        return self.call(t, "PUT", "/api/v1/orders/status", {"items": items})

    def assert_item_rejected(self, r):
        """Per-item failure: 200 with it in errors, or 400 with an OrderUpdateError array."""
        if r.status == 200:
            j = r.json()
            self.assertEqual(j.get("updatedOrders"), [], r.short())
            self.assertTrue(j.get("errors"), r.short())
            for e in j["errors"]:
                self.assertIsInstance(e.get("code"), str, e)
                self.assertIsInstance(e.get("message"), str, e)
        else:
            self.err_json(r, 400)

    def test_status_flow(self):
        t = fresh("status")
        t.create_orders([order("ST-1"), order("ST-2"), order("ST-3"), order("ST-REF")])
        r = self.put(t, [{"orderIdentifier": 1001, "status": "despatched"}])
        j = self.ok_json(r)
        self.assertEqual(j["errors"], [])
        self.assertEqual([(u["orderIdentifier"], u["status"]) for u in j["updatedOrders"]], [(1001, "despatched")])
        self.assertEqual(j["updatedOrders"][0].get("orderReference"), "ST-1")
        self.assertEqual(self.status_of(t, 1001), "despatched")
        self.assertEqual(self.status_of(t, 1002), "new")

        j = self.ok_json(self.put(t, [{"orderIdentifier": 1001, "status": "new"}]))
        self.assertEqual([u["status"] for u in j["updatedOrders"]], ["new"])
        self.assertEqual(self.status_of(t, 1001), "new")

        j = self.ok_json(self.put(t, [{"orderReference": "ST-REF", "status": "despatched"}]))
        self.assertEqual([u["orderIdentifier"] for u in j["updatedOrders"]], [1004])
        self.assertEqual(self.status_of(t, 1004), "despatched")

        item = {"orderIdentifier": 1002, "status": "despatchedByOtherCourier", "trackingNumber": "TRK123456GB",
                "despatchDate": "2026-11-29T15:00:00Z", "shippingCarrier": "DPD", "shippingService": "Next Day"}
        j = self.ok_json(self.put(t, [item]))
        self.assertEqual(j["errors"], [], j)
        self.assertEqual(self.status_of(t, 1002), "despatchedByOtherCourier")
        summary = self.ok_json(self.call(t, "GET", "/api/v1/orders/1002"))[0]
        if "trackingNumber" in summary:
            self.assertEqual(summary["trackingNumber"], "TRK123456GB")

        # despatchedByOtherCourier without tracking needs nothing else
        j = self.ok_json(self.put(t, [{"orderIdentifier": 1003, "status": "despatchedByOtherCourier"}]))
        self.assertEqual(j["errors"], [], j)
        self.assertEqual(self.status_of(t, 1003), "despatchedByOtherCourier")

    def test_tracking_requires_details(self):
        t = fresh("status-track")
        t.create_orders([order("TR-1")])
        full = {"orderIdentifier": 1001, "status": "despatchedByOtherCourier", "trackingNumber": "TRK1",
                "despatchDate": "2026-11-29T15:00:00Z", "shippingCarrier": "DPD", "shippingService": "Next Day"}
        for missing in ("despatchDate", "shippingCarrier", "shippingService"):
            with self.subTest(missing=missing):
                item = dict(full)
                del item[missing]
                self.assert_item_rejected(self.put(t, [item]))
                self.assertEqual(self.status_of(t, 1001), "new")

    def test_item_errors(self):
        t = fresh("status-err")
        t.create_orders([order("SE-1")])
        bad_items = [
            {"orderIdentifier": 1001, "orderReference": "SE-1", "status": "despatched"},
            {"status": "despatched"},
            {"orderIdentifier": 1001, "status": "cancelled"},
            {"orderIdentifier": 1001, "status": "labelGenerated"},
            {"orderIdentifier": 1001},
            {"orderIdentifier": 1001, "status": "despatchedByOtherCourier", "trackingNumber": "T",
             "despatchDate": "yesterday", "shippingCarrier": "X", "shippingService": "Y"},
            {"orderIdentifier": 99999, "status": "despatched"},
            {"orderReference": "no-such-ref", "status": "despatched"},
        ]
        for item in bad_items:
            with self.subTest(item=item):
                self.assert_item_rejected(self.put(t, [item]))
                self.assertEqual(self.status_of(t, 1001), "new")
        # a good and a bad item together: the good one is applied
        r = self.put(t, [{"orderIdentifier": 1001, "status": "despatched"},
                         {"orderIdentifier": 99999, "status": "despatched"}])
        j = self.ok_json(r)
        self.assertEqual([u["orderIdentifier"] for u in j["updatedOrders"]], [1001])
        self.assertEqual(len(j["errors"]), 1)
        self.assertEqual(j["errors"][0].get("orderIdentifier"), 99999)

    def test_too_many_items(self):
        t = fresh("status-many")
        t.create_orders([order("SM-1")])
        r = self.put(t, [{"orderIdentifier": 1001, "status": "despatched"}] * 101)
        self.err_json(r, 400)
        self.assertEqual(self.status_of(t, 1001), "new")
        r = self.put(t, [])
        self.err_json(r, 400)
        j = self.ok_json(self.put(t, [{"orderIdentifier": 1001, "status": "despatched"}] * 100))
        self.assertEqual(self.status_of(t, 1001), "despatched")
        self.assertTrue(j["updatedOrders"])


# --------------------------------------------------------------------------- auth, headers


class TestAuth(Api):
    @classmethod
    def setUpClass(cls):
        cls.t = fresh("auth")
        cls.t.create_orders([order("AU-1")])

    def test_auth_forms(self):
        key = self.t.key
        cases = [
            (None, 401),
            ("Bearer " + "A" * 36, 401),
            ("Bearer " + key[:-1] + ("a" if key[-1] != "a" else "b"), 401),
            ("Bearer " + key[:35], 401),
            ("Bearer " + key + "x", 401),
            ("Bearer abc", 401),
            ("Bearer ", 401),
            ("Bearer", 401),
            ("Basic " + key, 401),
            (key + " ", None),  # trailing space: OWS, may be trimmed
            ("Bearer  " + key, None),
            ("", 401),
            ("Bearer " + key, 200),
            (key, 200),
        ]
        for path in ("/api/v1/orders", "/api/v1/orders/1001", "/api/v1/orders/full"):
            for header, want in cases:
                with self.subTest(path=path, header=header):
                    hdrs = {"Authorization": header} if header is not None else {}
                    r = SERVER.request("GET", path, headers=hdrs)
                    if want is None:
                        self.assertIn(r.status, (200, 401), r.short())
                        continue
                    self.assertEqual(r.status, want, r.short())
                    if want == 401:
                        j = r.json()
                        self.assertEqual(j.get("code"), "Unauthorized", r.short())
                        self.assertIsInstance(j.get("message"), str)
                        self.assertNotIn(b"AU-1", r.body)
                    else:
                        self.assertIn(b"AU-1", r.body)

    def test_all_endpoints_need_auth(self):
        eps = [("GET", "/api/v1/orders"), ("GET", "/api/v1/orders/full"), ("GET", "/api/v1/orders/1001"),
               ("GET", "/api/v1/orders/1001/full"), ("DELETE", "/api/v1/orders/1001"),
               ("POST", "/api/v1/orders"), ("PUT", "/api/v1/orders/status"),
               ("GET", "/api/v1/orders/1001/label?documentType=postageLabel"), ("POST", "/api/v1/manifests"),
               ("GET", "/api/v1/manifests/1"), ("POST", "/api/v1/manifests/retry/1"), ("GET", "/api/v1/carriers"),
               ("GET", "/api/v1/returns/services"), ("POST", "/api/v1/returns")]
        for m, p in eps:
            for hdr in ({}, {"Authorization": "Bearer " + "Z" * 36}):
                with self.subTest(method=m, path=p, hdr=hdr):
                    body = {"items": [order("NOAUTH")]} if m == "POST" and p == "/api/v1/orders" else None
                    if m == "PUT":
                        body = {"items": [{"orderIdentifier": 1001, "status": "despatched"}]}
                    r = SERVER.request(m, p, headers=hdr, body=body)
                    self.assertEqual(r.status, 401, r.short())
                    self.assertTrue(harness.is_json_error(r), r.short())
        orders, _ = self.t.all_pages("/api/v1/orders/full")
        self.assertEqual([(o["orderReference"], o["orderStatus"]) for o in orders], [("AU-1", "new")])

    def test_tenant_not_taken_from_request(self):
        other = fresh("auth-other")
        other.create_orders([order("OTHER-ONLY")])
        hdrs = {"X-Tenant-Id": other.id, "X-Tenant": other.id, "Tenant": other.id}
        q = urllib.parse.urlencode({"tenant": other.id, "tenant_id": other.id, "tenantId": other.id})
        r = self.call(self.t, "GET", "/api/v1/orders/full?" + q, headers=hdrs)
        self.assertEqual(r.status, 200, r.short())
        self.assertNotIn(b"OTHER-ONLY", r.body)
        self.assertIn(b"AU-1", r.body)
        o = order("INJECT", tenantId=other.id, tenant_id=other.id)
        j = self.ok_json(self.call(self.t, "POST", "/api/v1/orders", {"items": [o], "tenantId": other.id},
                                   headers=hdrs))
        self.assertEqual(j["successCount"], 1)
        self.assertNotIn(b"INJECT", other.get("/api/v1/orders/full").body)
        self.assertIn(b"INJECT", self.t.get("/api/v1/orders/full").body)
        self.call(self.t, "DELETE", '/api/v1/orders/"INJECT"')


class TestHeaders(Api):
    @classmethod
    def setUpClass(cls):
        cls.t = fresh("headers")
        cls.t.create_orders([order("HD-1")])

    def check_security_headers(self, r, what):
        csp = r.header("Content-Security-Policy") or ""
        self.assertIn("default-src 'self'", csp, what)
        self.assertIn("frame-ancestors 'none'", csp, what)
        self.assertEqual((r.header("X-Content-Type-Options") or "").lower(), "nosniff", what)
        self.assertTrue(r.header("Referrer-Policy"), what + ": Referrer-Policy missing")

    def check_no_store(self, r, what):
        cc = (r.header("Cache-Control") or "").lower()
        self.assertIn("no-store", cc, "%s: Cache-Control %r" % (what, cc))
        self.assertNotIn("public", cc, what)
        vary = [v.strip().lower() for v in (r.header("Vary") or "").split(",")]
        self.assertIn("authorization", vary, "%s: Vary %r" % (what, r.header("Vary")))
        self.assertIn("cookie", vary, "%s: Vary %r" % (what, r.header("Vary")))

    def authed_sample(self):
        t = self.t
        return [
            ("GET", "/api/v1/orders", None), ("GET", "/api/v1/orders/full", None),
            ("GET", "/api/v1/orders/1001", None), ("GET", "/api/v1/orders/1001/full", None),
            ("GET", "/api/v1/orders/99999", None), ("GET", "/api/v1/orders/abc", None),
            ("GET", "/api/v1/orders?pageSize=0", None),
            ("POST", "/api/v1/orders", {"items": [order("HD-2")]}), ("POST", "/api/v1/orders", "{bad"),
            ("PUT", "/api/v1/orders/status", {"items": [{"orderIdentifier": 1001, "status": "new"}]}),
            ("DELETE", "/api/v1/orders/99999", None), ("POST", "/api/v1/manifests", None),
        ], t

    def test_authenticated_responses_not_cacheable(self):
        sample, t = self.authed_sample()
        for m, p, b in sample:
            with self.subTest(method=m, path=p):
                r = self.call(t, m, p, b)
                self.check_no_store(r, "%s %s -> %d" % (m, p, r.status))
                self.check_security_headers(r, "%s %s" % (m, p))

    def test_security_headers_on_errors_with_key(self):
        for m, p in (("GET", "/api/v1/nope"), ("PATCH", "/api/v1/orders"), ("GET", "/api/v1/version")):
            with self.subTest(method=m, path=p):
                r = self.t.req(m, p)
                self.check_security_headers(r, "%s %s -> %d" % (m, p, r.status))

    def test_security_headers_everywhere(self):
        for m, p, hdr in (("GET", "/api/v1/version", {}), ("GET", "/api/v1/orders", {}),
                          ("GET", "/api/v1/nope", {}), ("GET", "/healthz", {}),
                          ("GET", "/api/v1/orders", {"Authorization": "Bearer " + "Q" * 36})):
            with self.subTest(method=m, path=p):
                r = SERVER.request(m, p, headers=hdr)
                self.check_security_headers(r, "%s %s -> %d" % (m, p, r.status))

    def test_json_content_type(self):
        for p in ("/api/v1/orders", "/api/v1/orders/1001", "/api/v1/orders/99999", "/api/v1/nope"):
            r = self.call(self.t, "GET", p)
            self.assertTrue(harness.content_type_is_json(r), "%s: %r" % (p, r.header("Content-Type")))

    def test_zz_every_authenticated_response_so_far(self):
        bad = []
        for m, p, r in AUTH_RESPONSES:
            if not AUTH_ROUTE.match(p) or m not in ("GET", "POST", "PUT", "DELETE"):
                continue  # routes that need no key (version) or do not exist
            cc = (r.header("Cache-Control") or "").lower()
            vary = [v.strip().lower() for v in (r.header("Vary") or "").split(",")]
            if "no-store" not in cc or "authorization" not in vary or "cookie" not in vary:
                bad.append("%s %s -> %d (Cache-Control %r, Vary %r)" % (m, p, r.status, r.header("Cache-Control"),
                                                                        r.header("Vary")))
        self.assertEqual(bad[:20], [], "%d of %d authenticated responses lack no-store/Vary" % (len(bad),
                                                                                              len(AUTH_RESPONSES)))


# --------------------------------------------------------------------------- not implemented, metrics, logs


class TestNotImplemented(Api):
    def test_501(self):
        t = fresh("nyi")
        t.create_orders([order("NY-1")])
        # every endpoint is built now (returns and carriers: tests/e2e/test_returns.py, test_carriers.py)
        body = {"service": {"serviceCode": "TSN"}, "shipment": {"shippingAddress": {}, "returnAddress": {}}}
        for m, p, b, status in (("GET", "/api/v1/carriers", None, 200),
                                ("GET", "/api/v1/returns/services", None, 200),
                                ("POST", "/api/v1/returns", body, 400)):
            with self.subTest(method=m, path=p):
                r = self.call(t, m, p, b)
                self.assertEqual(r.status, status, r.short())
                self.assertNotEqual(r.json().get("code") if isinstance(r.json(), dict) else None, "NotImplemented")
        self.assertEqual(self.ok_json(self.call(t, "GET", "/api/v1/orders/1001/full"))[0]["orderStatus"], "new")


def metric_samples(text):
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[^"}]|"(?:[^"\\]|\\.)*")*\})?\s+(\S+)(\s+-?\d+)?$', line)
        if not m:
            raise AssertionError("not a Prometheus sample line: %r" % line)
        out[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    return out


def request_total(samples):
    vals = [v for k, v in samples.items() if "request" in k.split("{")[0] and k.split("{")[0].endswith("_total")]
    return sum(vals) if vals else None


class TestMetrics(Api):
    def fetch(self, t):
        r = SERVER.request("GET", "/metrics")
        if r.status in (401, 403):
            r = t.get("/metrics")
        self.assertEqual(r.status, 200, r.short())
        self.assertTrue((r.header("Content-Type") or "").startswith("text/plain"), r.header("Content-Type"))
        return r

    def test_prometheus_request_counters(self):
        t = fresh("metrics")
        r = self.fetch(t)
        text = r.text()
        self.assertRegex(text, r"(?m)^# TYPE \S*request\S* counter$")
        before = request_total(metric_samples(text))
        self.assertIsNotNone(before, "no *request*_total counter in:\n" + text[:2000])
        for _ in range(5):
            self.assertEqual(t.get("/api/v1/orders").status, 200)
        after = request_total(metric_samples(self.fetch(t).text()))
        self.assertGreaterEqual(after, before + 5)
        self.assertNotIn(t.key, text)


def log_field(rec, *names):
    """The value of the first of names (compared without case, '_' and '-') present in rec."""
    norm = {k.lower().replace("_", "").replace("-", ""): v for k, v in rec.items()}
    for n in names:
        if n in norm:
            return norm[n]
    return None


REQ_ID = ("requestid", "reqid", "rid", "id")
STATUS = ("status", "httpstatus", "statuscode")
ROUTE = ("route", "path", "url", "uri", "endpoint")
TENANT = ("tenant", "tenantid")
LATENCY_RE = re.compile(r"latency|duration|elapsed|^(ms|us|ns|took)$|^took")


def latency_of(rec):
    for k, v in rec.items():
        if LATENCY_RE.search(k.lower()):
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                return v
            if isinstance(v, str) and re.match(r"^\d+(\.\d+)?\s*(ns|us|\u00b5s|ms|s)?$", v):
                return v
    return None


class TestLogs(Api):
    def test_log_lines(self):
        t = fresh("logs")
        t.create_orders([order("LOG-1")])
        r = t.get("/api/v1/orders/1001/full")
        self.assertEqual(r.status, 200)
        self.assertEqual(t.get("/api/v1/orders/77777").status, 404)
        self.assertEqual(SERVER.request("GET", "/api/v1/orders").status, 401)
        time.sleep(0.3)
        recs = SERVER.log_records()
        nonjson = [line for line, j in recs if not isinstance(j, dict)]
        self.assertEqual(nonjson[:5], [], "every stderr line is a JSON object")
        reqs = [j for _, j in recs if isinstance(j, dict) and isinstance(log_field(j, *STATUS), int)
                and 100 <= log_field(j, *STATUS) <= 599]
        self.assertTrue(reqs, "no request log lines (with an integer status)")
        mine = [j for j in reqs if str(log_field(j, *TENANT)) == str(t.id)]
        self.assertGreaterEqual(len(mine), 3, "log lines naming tenant %s: %s" % (t.id, mine))
        rid_hdr = r.header("X-Request-Id")
        if rid_hdr:
            line = [j for j in reqs if str(log_field(j, *REQ_ID)) == rid_hdr]
            self.assertEqual(len(line), 1, "one log line for request id %s" % rid_hdr)
        for j in mine:
            self.assertIsNotNone(log_field(j, *REQ_ID), "request id: %s" % j)
            self.assertIsNotNone(log_field(j, *ROUTE), "route: %s" % j)
            self.assertIsNotNone(latency_of(j), "latency: %s" % j)
        ids = [str(log_field(j, *REQ_ID)) for j in reqs]
        self.assertEqual(len(ids), len(set(ids)), "request ids are unique")
        statuses = [log_field(j, *STATUS) for j in mine]
        self.assertIn(200, statuses)
        self.assertIn(404, statuses)
        self.assertTrue([j for j in reqs if log_field(j, *STATUS) == 401], "401s are logged too")
        # PII and keys: the whole log is checked again when the server stops (tearDownModule)
        err = SERVER.stderr_text()
        for s in PII + [t.key]:
            self.assertNotIn(s, err)


if __name__ == "__main__":
    harness.main()

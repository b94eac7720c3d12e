#!/usr/bin/python3
"""tests/e2e/test_cross_tenant.py: no business ever sees (or touches) another business's data.

Several tenants hold orders whose every personal field carries a canary string
unique to the tenant ("CANARY-TB-..."), with the same order identifiers
(1001...) and some identical references. Every endpoint is then called as every
tenant, as nobody and with a wrong key, with the other tenants' identifiers and
references, sequentially and from many threads at once, and every answer is
checked by content: another tenant's canary in a body fails the suite, and the
other tenants' data must be unchanged afterwards.

Usage: /usr/bin/python3 tests/e2e/test_cross_tenant.py path/to/postroom [unittest args]
"""

import base64
import http.client
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import unittest
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import ids_path  # noqa: E402

SERVER = None
T = {}            # letter -> harness.Tenant
ORDERS = {}       # letter -> list of (identifier, reference)
LETTERS = ["A", "B", "C", "D"]
COUNTS = {"A": 6, "B": 7, "C": 10, "D": 5}   # all overlap on 1001..1005
SHARED_REFS = ["SHARED-REF-1", "SHARED-REF-2", "SHARED;SEMI", "SHARED-REF-2"]  # first 4 orders of each
PERSONAL = []     # personal-data canaries of every tenant: none may reach the log
ALL_LETTERS = set()


def canary(letter, field, j):
    return "CANARY-T%s-%s-%d" % (letter, field, j)


def canary_order(letter, j, ref):
    c = lambda f: canary(letter, f, j)  # noqa: E731
    personal = {
        "name": c("NAME"), "company": c("COMPANY"), "a1": c("ADDR1"), "a2": c("ADDR2"), "a3": c("ADDR3"),
        "city": c("CITY"), "county": c("COUNTY"), "pc": "CANARY-T%s-PC%d" % (letter, j),
        "phone": "CANARY-T%s-PH%d" % (letter, j), "email": "canary-t%s-email-%d@example.com" % (letter.lower(), j),
        "bname": c("BILLNAME"), "ba1": c("BILLADDR1"), "bcity": c("BILLCITY"), "bpc": "CANARY-T%s-BPC%d" % (letter, j),
        "bphone": "CANARY-T%s-BPH%d" % (letter, j),
        "bemail": "canary-t%s-billing-%d@example.com" % (letter.lower(), j),
        "instr": c("INSTRUCTIONS"), "safe": c("SAFEPLACE"),
    }
    PERSONAL.extend(personal.values())
    p = personal
    return {
        "orderReference": ref,
        "recipient": {
            "address": {"fullName": p["name"], "companyName": p["company"], "addressLine1": p["a1"],
                        "addressLine2": p["a2"], "addressLine3": p["a3"], "city": p["city"], "county": p["county"],
                        "postcode": p["pc"], "countryCode": "GB"},
            "phoneNumber": p["phone"], "emailAddress": p["email"],
        },
        "billing": {
            "address": {"fullName": p["bname"], "addressLine1": p["ba1"], "city": p["bcity"], "postcode": p["bpc"],
                        "countryCode": "GB"},
            "phoneNumber": p["bphone"], "emailAddress": p["bemail"],
        },
        "sender": {"tradingName": c("TRADING")},
        "packages": [{
            "weightInGrams": 100 + j, "packageFormatIdentifier": "smallParcel",
            "contents": [{"name": c("PRODUCT"), "SKU": c("SKU"), "quantity": 1 + j % 3, "unitValue": 1.5,
                          "unitWeightInGrams": 100}],
        }],
        "orderDate": "2026-11-2%dT10:00:00Z" % (j % 9),
        "subtotal": 1.5, "shippingCostCharged": 1, "total": 2.5, "currencyCode": "GBP",
        "specialInstructions": p["instr"],
        "tags": [{"key": c("TAGKEY"), "value": c("TAGVALUE")}],
        "postageDetails": {"safePlace": p["safe"], "department": c("DEPT")},
    }


def make_tenant(letter, n):
    t = SERVER.new_tenant("tenant-" + letter)
    items = []
    for j in range(1, n + 1):
        ref = SHARED_REFS[j - 1] if j <= len(SHARED_REFS) else canary(letter, "REF", j)
        items.append(canary_order(letter, j, ref))
    created = t.create_orders(items)
    ALL_LETTERS.add(letter)
    got = [(c["orderIdentifier"], c.get("orderReference")) for c in created]
    assert [g[0] for g in got] == list(range(1001, 1001 + n)), got
    return t, got


def setUpModule():
    global SERVER
    SERVER = harness.Server.start_new()
    for L in LETTERS:
        T[L], ORDERS[L] = make_tenant(L, COUNTS[L])


def tearDownModule():
    SERVER.stop_and_check(forbidden_in_logs=PERSONAL)


# A plain, valid Address for POST /returns (no canary: the probes look for the
# other businesses' data, not the caller's own).
RETURN_ADDRESS = {"firstName": "Returns", "lastName": "Desk", "addressLine1": "1 Depot Road",
                  "city": "Leeds", "postcode": "LS1 1AA", "country": "United Kingdom", "countryIsoCode": "GBR"}


def pdf_text(pdf):
    """The text of a PDF (pdftotext from poppler-utils), as bytes."""
    p = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, timeout=60)
    if p.returncode != 0:
        raise AssertionError("pdftotext failed: %s" % p.stderr[:300])
    return p.stdout


def unique_refs(letter):
    return [r for _, r in ORDERS[letter] if r.startswith("CANARY-")]


def leaks(body, me, echoes=()):
    """Letters of the other tenants whose canary is in body, once the caller's own echoes are removed."""
    low = body.decode("utf-8", "replace").lower()
    for e in echoes:
        for form in {e, json.dumps(e)[1:-1], urllib.parse.quote(e, safe=""), urllib.parse.quote(e),
                     json.dumps(urllib.parse.quote(e, safe=""))[1:-1]}:
            low = low.replace(form.lower(), "")
    return sorted(L for L in ALL_LETTERS if L != me and ("canary-t%s-" % L.lower()) in low)


def untoken(j):
    """A page without its continuationToken (a token may carry a nonce or a time)."""
    if isinstance(j, dict):
        return {k: v for k, v in j.items() if k != "continuationToken"}
    return j


def snapshots(letters=None):
    return {L: T[L].snapshot() for L in (letters or LETTERS)}


class Base(unittest.TestCase):
    def tearDown(self):
        SERVER.check_alive()

    def assert_no_leak(self, r, me, what, echoes=()):
        self.assertTrue(r.status < 500 or r.status == 501, "%s: %s" % (what, r.short()))
        lk = leaks(r.body, me, echoes)
        self.assertEqual(lk, [], "%s as tenant %s: body holds data of tenant(s) %s: %s"
                         % (what, me, lk, r.short(3000)))

    def assert_unchanged(self, before, what):
        after = snapshots(list(before))
        for L in before:
            self.assertEqual(after[L], before[L], "%s changed tenant %s's orders" % (what, L))

    def own_orders_only(self, L, orders, what):
        own = dict(ORDERS[L])
        for o in orders:
            oid = o.get("orderIdentifier")
            self.assertIn(oid, own, "%s: identifier %r is not tenant %s's" % (what, oid, L))
            self.assertEqual(o.get("orderReference"), own[oid], "%s: order %r is not tenant %s's" % (what, oid, L))


# --------------------------------------------------------------------------- reads


class TestReads(Base):
    def test_lists_hold_only_own_orders(self):
        for L in LETTERS:
            for path, size in (("/api/v1/orders", 2), ("/api/v1/orders/full", 3), ("/api/v1/orders", 100),
                               ("/api/v1/orders/full", 100)):
                with self.subTest(tenant=L, path=path, size=size):
                    orders, resps = T[L].all_pages(path, size)
                    for r in resps:
                        self.assert_no_leak(r, L, path)
                    self.assertEqual(sorted((o["orderIdentifier"], o["orderReference"]) for o in orders),
                                     sorted(ORDERS[L]))
                    if path.endswith("/full"):
                        for o in orders:
                            blob = json.dumps(o).lower()
                            self.assertIn("canary-t%s-name-" % L.lower(), blob, "tenant %s sees its own data" % L)

    def test_overlapping_identifiers_resolve_to_own(self):
        ids = list(range(1001, 1011))
        for L in LETTERS:
            for suffix in ("", "/full"):
                with self.subTest(tenant=L, suffix=suffix):
                    r = T[L].get(ids_path(ids, suffix))
                    self.assert_no_leak(r, L, "GET ids")
                    self.assertEqual(r.status, 200, r.short())
                    arr = r.json()
                    self.own_orders_only(L, arr, "GET 1001..1010")
                    self.assertEqual(sorted(o["orderIdentifier"] for o in arr), [i for i, _ in ORDERS[L]])
                    for i in range(1001, 1001 + COUNTS[L]):
                        r1 = T[L].get("/api/v1/orders/%d%s" % (i, suffix))
                        self.assert_no_leak(r1, L, "GET %d" % i)
                        self.own_orders_only(L, r1.json(), "GET %d" % i)

    def test_shared_references_resolve_to_own(self):
        refs = ["SHARED-REF-1", "SHARED-REF-2", "SHARED;SEMI"]
        for L in LETTERS:
            for suffix in ("", "/full"):
                with self.subTest(tenant=L, suffix=suffix):
                    r = T[L].get(ids_path(refs, suffix))
                    self.assert_no_leak(r, L, "GET shared refs")
                    self.assertEqual(r.status, 200, r.short())
                    arr = r.json()
                    self.own_orders_only(L, arr, "GET shared refs")
                    self.assertEqual(len(arr), 4, "SHARED-REF-2 is on two orders of each tenant")

    def test_other_tenants_unique_references_not_found(self):
        for L in LETTERS:
            for V in LETTERS:
                if V == L:
                    continue
                refs = unique_refs(V)
                for suffix in ("", "/full"):
                    with self.subTest(attacker=L, victim=V, suffix=suffix):
                        for ref in refs:
                            r = T[L].get(ids_path([ref], suffix))
                            self.assert_no_leak(r, L, "GET %s" % ref, echoes=[ref])
                            self.assertEqual(r.status, 404, "GET another tenant's reference: %s" % r.short())
                        if refs:
                            r = T[L].get(ids_path(refs, suffix))
                            self.assert_no_leak(r, L, "GET all of %s's refs" % V, echoes=refs)
                            self.assertEqual(r.status, 404, r.short())
                            r = T[L].get(ids_path([1001] + refs, suffix))
                            self.assert_no_leak(r, L, "GET 1001 + %s's refs" % V, echoes=refs)
                            self.assertEqual(r.status, 200, r.short())
                            self.own_orders_only(L, r.json(), "mixed")
                            self.assertEqual([o["orderIdentifier"] for o in r.json()], [1001])

    def test_identifiers_beyond_own_range_not_found(self):
        top = max(COUNTS.values())
        for L in LETTERS:
            beyond = list(range(1001 + COUNTS[L], 1001 + top + 1))
            for suffix in ("", "/full"):
                with self.subTest(tenant=L, suffix=suffix):
                    for i in beyond:
                        r = T[L].get("/api/v1/orders/%d%s" % (i, suffix))
                        self.assert_no_leak(r, L, "GET %d" % i)
                        self.assertEqual(r.status, 404, r.short())

    def test_dates_and_paging_params_do_not_widen(self):
        for L in LETTERS:
            q = urllib.parse.urlencode({"startDateTime": "1970-01-01T00:00:00Z", "endDateTime": "2999-12-31T23:59:59Z",
                                        "pageSize": "100"})
            for path in ("/api/v1/orders", "/api/v1/orders/full"):
                r = T[L].get(path + "?" + q)
                self.assert_no_leak(r, L, path)
                self.own_orders_only(L, r.json()["orders"], path)


# --------------------------------------------------------------------------- writes


class TestWrites(Base):
    def test_delete_other_tenants_orders_changes_nothing(self):
        before = snapshots()
        top = max(COUNTS.values())
        for L in LETTERS:
            for V in LETTERS:
                if V == L:
                    continue
                refs = unique_refs(V)
                for ref in refs:
                    r = T[L].req("DELETE", ids_path([ref]))
                    self.check_nothing_deleted(r, L, [ref])
                if refs:
                    r = T[L].req("DELETE", ids_path(refs))
                    self.check_nothing_deleted(r, L, refs)
            beyond = list(range(1001 + COUNTS[L], 1001 + top + 1))
            if beyond:
                r = T[L].req("DELETE", ids_path(beyond))
                self.check_nothing_deleted(r, L, [])
        self.assert_unchanged(before, "DELETE with other tenants' references/identifiers")

    def check_nothing_deleted(self, r, L, echoes):
        self.assert_no_leak(r, L, "DELETE", echoes)
        if r.status == 200:
            j = r.json()
            self.assertEqual(j.get("deletedOrders"), [], r.short())
            self.assertTrue(j.get("errors"), r.short())
            for e in j["errors"]:
                self.assertEqual(e.get("code"), "OrderNotFound", e)
        else:
            self.assertEqual(r.status, 404, r.short())

    def test_status_of_other_tenants_orders_changes_nothing(self):
        before = snapshots()
        top = max(COUNTS.values())
        for L in LETTERS:
            items, echoes = [], []
            for V in LETTERS:
                if V != L:
                    for ref in unique_refs(V):
                        echoes.append(ref)
                        for st in ("despatched", "despatchedByOtherCourier"):
                            items.append({"orderReference": ref, "status": st})
            for i in range(1001 + COUNTS[L], 1001 + top + 1):
                items.append({"orderIdentifier": i, "status": "despatched"})
            for k in range(0, len(items), 100):
                r = T[L].req("PUT", "/api/v1/orders/status", body={"items": items[k:k + 100]})
                self.assert_no_leak(r, L, "PUT status", echoes)
                if r.status == 200:
                    j = r.json()
                    self.assertEqual(j.get("updatedOrders"), [], r.short())
                    self.assertEqual(len(j.get("errors") or []), len(items[k:k + 100]), r.short())
                else:
                    self.assertIn(r.status, (400, 404), r.short())
            # one by one too, with the full despatchedByOtherCourier details
            for ref in echoes[:6]:
                r = T[L].req("PUT", "/api/v1/orders/status", body={"items": [{
                    "orderReference": ref, "status": "despatchedByOtherCourier", "trackingNumber": "X1",
                    "despatchDate": "2026-11-29T10:00:00Z", "shippingCarrier": "DPD", "shippingService": "Next"}]})
                self.assert_no_leak(r, L, "PUT status", [ref])
                if r.status == 200:
                    self.assertEqual(r.json().get("updatedOrders"), [], r.short())
        self.assert_unchanged(before, "PUT /orders/status with other tenants' references/identifiers")

    def test_own_writes_by_shared_id_and_reference_stay_in_tenant(self):
        # Tenants of their own, so the read tests above keep their fixed data.
        e, e_orders = make_tenant("E", 4)
        f, f_orders = make_tenant("F", 4)
        T["E"], T["F"], ORDERS["E"], ORDERS["F"] = e, f, e_orders, f_orders
        try:
            others = ["A", "B", "C", "D", "F"]
            before = snapshots(others)
            r = e.req("PUT", "/api/v1/orders/status", body={"items": [
                {"orderIdentifier": 1001, "status": "despatched"},
                {"orderReference": "SHARED-REF-2", "status": "despatched"}]})
            self.assert_no_leak(r, "E", "PUT own")
            self.assertEqual(r.status, 200, r.short())
            self.assertEqual(sorted(u["orderIdentifier"] for u in r.json()["updatedOrders"]), [1001, 1002, 1004])
            self.assert_unchanged(before, "tenant E's status change by shared identifier/reference")
            statuses = {o["orderIdentifier"]: o["orderStatus"] for o in e.all_pages("/api/v1/orders/full")[0]}
            self.assertEqual(statuses, {1001: "despatched", 1002: "despatched", 1003: "new", 1004: "despatched"})

            r = e.req("DELETE", ids_path(["SHARED-REF-2", "SHARED;SEMI", 1001]))
            self.assert_no_leak(r, "E", "DELETE own")
            self.assertEqual(r.status, 200, r.short())
            self.assertEqual(sorted(d["orderIdentifier"] for d in r.json()["deletedOrders"]), [1001, 1002, 1003, 1004])
            self.assert_unchanged(before, "tenant E's delete by shared identifier/reference")
            self.assertEqual(e.all_pages()[0], [])
            # E's new orders continue E's count and are visible to E only
            c = e.create_orders([canary_order("E", 9, "SHARED-REF-1")])
            self.assertEqual(c[0]["orderIdentifier"], 1005)
            self.assert_unchanged(before, "tenant E's new order")
        finally:
            for L in ("E", "F"):
                T.pop(L, None)
                ORDERS.pop(L, None)


# --------------------------------------------------------------------------- other endpoints, no auth, tokens


class TestOtherEndpoints(Base):
    def test_labels_manifests_carriers_returns(self):
        before = snapshots()
        for L in LETTERS:
            for V in LETTERS:
                if V == L:
                    continue
                refs = unique_refs(V)[:2]
                top = 1000 + COUNTS[V]
                for m, p, b in (("GET", ids_path(refs, "/label?documentType=postageLabel&includeReturnsLabel=false"),
                                 None),
                                ("GET", ids_path(refs, "/label?documentType=despatchNote"), None),
                                ("GET", "/api/v1/orders/%d/label?documentType=CN22" % top, None),
                                ("GET", ids_path([1001], "/label?documentType=postageLabel"), None),
                                ("POST", "/api/v1/manifests", None),
                                ("POST", "/api/v1/manifests", {"carrierName": "Royal Mail OBA"}),
                                ("GET", "/api/v1/manifests/1", None), ("GET", "/api/v1/manifests/1001", None),
                                ("POST", "/api/v1/manifests/retry/1", None), ("GET", "/api/v1/carriers", None),
                                ("GET", "/api/v1/returns/services", None)):
                    with self.subTest(attacker=L, victim=V, method=m, path=p):
                        r = T[L].req(m, p, body=b)
                        self.assert_no_leak(r, L, "%s %s" % (m, p), echoes=refs)
                        ok = r.status == 200 if "/carriers" in p or "/returns/" in p else 400 <= r.status < 500
                        self.assertTrue(ok, r.short())
        self.assert_unchanged(before, "label/manifest endpoints")

    def test_returns_naming_another_business_orders(self):
        """POST /returns whose customer reference is another business's order
        identifier or reference: a return is made (it is the caller's own), but
        its label, read as text, names no order and holds nothing of the other
        business's."""
        for L in LETTERS:
            for V in LETTERS:
                if V == L:
                    continue
                for ref in unique_refs(V)[:1] + [str(1000 + COUNTS[V])]:
                    body = {"service": {"serviceCode": "TSN"},
                            "shipment": {"shippingAddress": RETURN_ADDRESS, "returnAddress": RETURN_ADDRESS,
                                         "customerReference": {"reference": ref}}}
                    with self.subTest(attacker=L, victim=V, reference=ref):
                        r = T[L].req("POST", "/api/v1/returns", body=body)
                        self.assertEqual(r.status, 200, r.short())
                        self.assert_no_leak(r, L, "POST /returns", echoes=[ref])
                        text = pdf_text(base64.b64decode(r.json()["label"]))
                        self.assertEqual(leaks(text, L, [ref]), [], text[:500])
                        if not ref.isdigit() or int(ref) > 1000 + COUNTS[L]:
                            self.assertNotIn(b"for order", text)

    def test_nobody_and_wrong_key_get_nothing(self):
        refs = [r for L in LETTERS for r in unique_refs(L)][:20]
        eps = [("GET", "/api/v1/orders", None), ("GET", "/api/v1/orders/full?pageSize=100", None),
               ("GET", ids_path(range(1001, 1011)), None), ("GET", ids_path(range(1001, 1011), "/full"), None),
               ("GET", ids_path(refs), None), ("GET", ids_path(refs, "/full"), None),
               ("GET", ids_path(["SHARED-REF-1"], "/full"), None),
               ("DELETE", ids_path(refs), None), ("DELETE", "/api/v1/orders/1001", None),
               ("PUT", "/api/v1/orders/status", {"items": [{"orderIdentifier": 1001, "status": "despatched"}]}),
               ("POST", "/api/v1/orders", {"items": [canary_order("Z", 1, "NOBODY")]}),
               ("GET", "/api/v1/orders/1001/label?documentType=postageLabel", None),
               ("POST", "/api/v1/manifests", None), ("GET", "/api/v1/manifests/1", None),
               ("GET", "/api/v1/carriers", None), ("GET", "/api/v1/returns/services", None),
               ("POST", "/api/v1/returns", {"service": {"serviceCode": "TSN"},
                                            "shipment": {"shippingAddress": RETURN_ADDRESS,
                                                         "returnAddress": RETURN_ADDRESS}})]
        before = snapshots()
        for m, p, b in eps:
            for hdr in ({}, {"Authorization": "Bearer " + "x" * 36}, {"Authorization": "Bearer " + T["A"].key[:35]},
                        {"Authorization": "Bearer " + T["A"].key.swapcase()}, {"Cookie": "session=" + "a" * 64},
                        {"Authorization": T["B"].id}, {"X-Tenant-Id": T["B"].id}):
                with self.subTest(method=m, path=p[:60], hdr=hdr):
                    r = SERVER.request(m, p, headers=hdr, body=b)
                    self.assertEqual(r.status, 401, r.short())
                    self.assertEqual(leaks(r.body, None, refs), [], r.short())
        self.assert_unchanged(before, "requests without a valid key")

    def test_two_authorization_headers_rejected(self):
        # Two credentials naming two tenants: the identity is ambiguous, so no tenant is chosen.
        for L, V in (("A", "B"), ("B", "A"), ("C", "D")):
            for path in ("/api/v1/orders/full?pageSize=100", ids_path(["SHARED-REF-1"], "/full")):
                with self.subTest(first=L, second=V, path=path):
                    raw = ("GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nAuthorization: Bearer %s\r\n"
                           "Connection: close\r\n\r\n" % (path, T[L].key, T[V].key)).encode()
                    r = SERVER.raw(raw)
                    self.assertIsNotNone(r)
                    self.assertEqual(leaks(r.body, L, ()), [], r.short())
                    self.assertIn(r.status, (400, 401), "two Authorization headers for tenants %s and %s were "
                                  "accepted as %s: %s" % (L, V, L, r.short(200)))
        # a write, on an identifier nobody has (so the fixtures survive whatever the answer)
        raw = ("DELETE /api/v1/orders/999999 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
               "Authorization: Bearer %s\r\nConnection: close\r\n\r\n" % (T["A"].key, T["B"].key)).encode()
        r = SERVER.raw(raw)
        self.assertIn(r.status, (400, 401), "DELETE with two tenants' keys: %s" % r.short())

    def test_continuation_token_of_another_tenant(self):
        for path in ("/api/v1/orders", "/api/v1/orders/full"):
            for L in LETTERS:
                j = T[L].get(path + "?pageSize=2").json()
                tok = j["continuationToken"]
                for V in LETTERS:
                    if V == L:
                        continue
                    for vpath in ("/api/v1/orders", "/api/v1/orders/full"):
                        with self.subTest(issued_to=L, used_by=V, path=path, used_on=vpath):
                            r = T[V].get(vpath + "?pageSize=2&continuationToken=" + urllib.parse.quote(tok, safe=""))
                            self.assertEqual(r.status, 400, "another tenant's token: %s" % r.short())
                            self.assertTrue(harness.is_json_error(r), r.short())
                            self.assertNotIn(b"canary", r.body.lower(), "no data at all: %s" % r.short())
                            self.assertNotIn(b"SHARED-REF", r.body)

    def test_keepalive_connection_switching_tenants(self):
        import http.client
        conn = http.client.HTTPConnection(harness.HOST, SERVER.port, timeout=30)
        seq = (LETTERS + [None]) * 8
        random.Random(7).shuffle(seq)
        try:
            for n, L in enumerate(seq):
                path = ["/api/v1/orders/full?pageSize=100", ids_path([1001, 1002], "/full"),
                        ids_path(["SHARED-REF-1"])][n % 3]
                key = T[L].key if L else None
                r = SERVER.request("GET", path, key=key, conn=conn)
                if L is None:
                    self.assertEqual(r.status, 401, r.short())
                    self.assertNotIn(b"canary", r.body.lower())
                    continue
                self.assertEqual(r.status, 200, r.short())
                self.assert_no_leak(r, L, "keep-alive request %d" % n)
                j = r.json()
                self.own_orders_only(L, j["orders"] if isinstance(j, dict) else j, "keep-alive")
        finally:
            conn.close()

    def test_metrics_hold_no_tenant_data(self):
        r = SERVER.request("GET", "/metrics")
        if r.status in (401, 403):
            r = T["A"].get("/metrics")
        self.assertEqual(r.status, 200, r.short())
        low = r.body.lower()
        self.assertNotIn(b"canary", low)
        self.assertNotIn(b"shared-ref", low)
        for L in LETTERS:
            self.assertNotIn(T[L].key.encode(), r.body)


# --------------------------------------------------------------------------- concurrency


class TestConcurrent(Base):
    READERS = 24
    PER_THREAD = 50 * int(os.environ.get("E2E_STRESS", "1"))
    WRITERS = 3

    def test_hammer(self):
        # Sequential baselines: under load every answer must equal these.
        plan = {}
        for L in LETTERS:
            foreign = [r for V in LETTERS if V != L for r in unique_refs(V)]
            paths = ["/api/v1/orders?pageSize=100", "/api/v1/orders/full?pageSize=100",
                     "/api/v1/orders/full?pageSize=3", ids_path([1001, 1002, 1003], "/full"),
                     ids_path(["SHARED-REF-1", "SHARED;SEMI"], "/full"), "/api/v1/orders/1001",
                     ids_path(list(range(1001, 1011))), ids_path(foreign[:3])]
            base = []
            for p in paths:
                r = T[L].get(p)
                self.assert_no_leak(r, L, p, foreign)
                base.append((p, r.status, untoken(r.json()) if r.status == 200 else None, foreign[:3]))
            plan[L] = base
        before = snapshots()

        w = SERVER.new_tenant("writer")
        ALL_LETTERS.add("W")
        stop = threading.Event()
        problems = []
        lock = threading.Lock()

        def note(msg):
            with lock:
                if len(problems) < 50:
                    problems.append(msg)

        def reader(i):
            L = LETTERS[i % len(LETTERS)]
            rnd = random.Random(i)
            conn = http.client.HTTPConnection(harness.HOST, SERVER.port, timeout=60) if i % 2 else None
            try:
                for n in range(self.PER_THREAD):
                    p, status, want, echoes = rnd.choice(plan[L])
                    try:
                        r = SERVER.request("GET", p, key=T[L].key, conn=conn)
                    except (ConnectionError, http.client.HTTPException):
                        if conn is None:
                            raise
                        conn.close()  # server closed the idle keep-alive connection: reconnect once
                        r = SERVER.request("GET", p, key=T[L].key, conn=conn)
                    lk = leaks(r.body, L, echoes)
                    if lk:
                        note("LEAK: tenant %s GET %s got data of %s: %s" % (L, p, lk, r.short(1000)))
                    if r.status != status:
                        note("tenant %s GET %s: status %d, sequentially %d: %s" % (L, p, r.status, status, r.short()))
                    elif want is not None and untoken(r.json()) != want:
                        note("tenant %s GET %s: body differs from the sequential answer: %s" % (L, p, r.short()))
            finally:
                if conn:
                    conn.close()

        def writer(i):
            try:
                write_loop(i)
            except Exception as e:  # noqa: report it
                note("writer %d raised %r" % (i, e))

        def write_loop(i):
            k = 0
            while not stop.is_set() and k < 200:
                k += 1
                r = w.req("POST", "/api/v1/orders", body={"items": [canary_order("W", k, "SHARED-REF-1"),
                                                                    canary_order("W", k + 1000, "W-%d-%d" % (i, k))]})
                if r.status != 200 or r.json().get("successCount") != 2:
                    note("writer: POST %s" % r.short())
                    return
                ids = [c["orderIdentifier"] for c in r.json()["createdOrders"]]
                r = w.get(ids_path(ids, "/full"))
                if r.status != 200 or leaks(r.body, "W") or len(r.json()) != 2:
                    note("writer: GET own %s" % r.short())
                r = w.req("DELETE", ids_path(ids))
                if r.status != 200 or len(r.json().get("deletedOrders") or []) != 2:
                    note("writer: DELETE %s" % r.short())

        wthreads = [threading.Thread(target=writer, args=(i,), daemon=True) for i in range(self.WRITERS)]
        for t in wthreads:
            t.start()
        errors = harness.Parallel(self.READERS, reader).run(timeout=300)
        stop.set()
        for t in wthreads:
            t.join(120)
        self.assertEqual(errors, [], "reader threads raised")
        self.assertEqual(problems, [], "\n".join(problems))
        self.assert_unchanged(before, "concurrent reads")


# --------------------------------------------------------------------------- import jobs and column mappings

# Two more businesses for the import routes, so the orders their jobs make never
# touch A..D's fixtures: E is the victim ("business A" of the import tests), F the
# attacker ("business B"). Job numbers count per business: E has jobs 1..4, F jobs
# 1 and 2, so 1 and 2 are numbers both have and 3 and 4 numbers only E has. A has
# no job at all. Every canary of E (file names, order references, names, mapping
# names, column headers) is "CANARY-TE-...", so leaks() finds it wherever it lands.
CD_HEADER = ("First Name,Last Name,Address Line 1,City,Postcode,Country,Order reference,Order date,Weight,"
             "Package size\r\n")
# E's own layout, which postroom does not know: its headers are canaries too (the
# mapping pages show them, a mapped job's problems name them)
E_LAYOUT = "CANARY-TE-HDR-REF,CANARY-TE-HDR-NAME,Street,Town,Zip,Land,CANARY-TE-HDR-KILOS,Placed\r\n"
F_LAYOUT = "Ref F,Who F,Road F,Place F,Code F,Nation F,Mass F,When F\r\n"
LAYOUT_FIELDS = {"reference": 0, "full_name": 1, "address_line1": 2, "city": 3, "postcode": 4, "country": 5,
                 "weight": 6, "order_date": 7}
E_MAPPING_NAMES = ["CANARY-TE-MAPNAME-Private", "CANARY-TE-MAPNAME-Second"]
BOUNDARY = "----crossTenantImportBoundary5d1"
HTML = {"Accept": "text/html"}
# job ids as a client might write them: a number is read written one way only
# (util/id_parse: digits, no sign, no leading zero), so every other spelling,
# even of the caller's own job, is a 404 like a job never made
ODD_IDS = {"01": None, "002": None, "+1": None, "+3": None, "003": None, "1.0": None, "3.0": None, "3e0": None, "0": None,
           "-0": None, "-3": None, "0x3": None, "99": None, "99999999999999999999": None,
           "9223372036854775807": None, "9223372036854775808": None, "18446744073709551619": None,
           "%31": None, "%33": None, "%2B3": None, "3%00": None, "%EF%BC%93": None, "3%20": None,
           "3;4": None, "3,4": None, "3%2F": None, "%20%33": None, "1%0A": None}


def cd_row(L, j, bad=False):
    """A Click & Drop row of tenant L; bad: an unreadable weight (a problem on that line)."""
    return "%s,%s,%s,%s,LS1 1AA,United Kingdom,%s,28/11/2026,%s,small parcel\r\n" % (
        canary(L, "JOBFIRST", j), canary(L, "JOBLAST", j), canary(L, "JOBADDR", j), canary(L, "JOBCITY", j),
        canary(L, "JOBREF", j), "heavy" if bad else "0.5")


def layout_row(L, j, bad=False):
    return "%s,%s,%s,%s,LS1 1AA,United Kingdom,%s,2026-11-28\r\n" % (
        canary(L, "MAPREF", j), canary(L, "MAPNAME", j), canary(L, "MAPADDR", j), canary(L, "MAPCITY", j),
        "heavy" if bad else "0.5")


class ImportWeb(harness.WebUser):
    def page(self, path):
        return self.server.request("GET", path, headers=dict(HTML, Cookie=self.cookie))

    def post(self, path, fields):
        body = urllib.parse.urlencode(dict(fields, csrf=self.csrf)).encode()
        return self.server.request("POST", path, body=body, headers=dict(
            HTML, Cookie=self.cookie, **{"Content-Type": "application/x-www-form-urlencoded"}))

    def upload(self, data, filename, **fields):
        body = harness.multipart(dict(fields, csrf=self.csrf), {"file": (filename, data, "text/csv")}, BOUNDARY)
        return self.server.request("POST", "/import", body=body, headers=dict(
            HTML, Cookie=self.cookie, **{"Content-Type": "multipart/form-data; boundary=" + BOUNDARY}))

    def save_mapping(self, data, filename, name):
        """Uploads a file of an unknown layout, then saves LAYOUT_FIELDS as a mapping named name;
        returns (the redirect's mapping number or None, the answer)."""
        r = self.upload(data, filename)
        m = re.search(r'name="sample" value="([0-9a-f]+)"', r.text())
        if r.status != 422 or not m:
            raise AssertionError("no mapping page for %s: %s" % (filename, r.short(2000)))
        form = {"sample": m.group(1), "rows": "3", "filename": filename, "weight": "", "package": "",
                "name": name, "dates": "iso", "action": "save"}
        form.update({"f_" + k: str(v) for k, v in LAYOUT_FIELDS.items()})
        r = self.post("/import/mapping", form)
        m = re.match(r"^/import/mappings/(\d+)\?done=saved$", r.header("Location") or "")
        return (int(m.group(1)) if r.status == 303 and m else None), r


def mapping_rows(tenant):
    c = SERVER.db_connect()
    try:
        return c.execute("SELECT mapping_id, name, spec, headers FROM import_mappings WHERE tenant_id = ? "
                         "ORDER BY mapping_id", (int(tenant.id),)).fetchall()
    finally:
        c.close()


class TestImportRoutes(Base):
    """GET /import/jobs/{n}[/status], GET /api/postroom/imports/{id}, POST
    /api/postroom/imports and the column mapping pages, as another business:
    by numbers the victim has and the caller lacks, by numbers both have, and
    in odd spellings. The answer is the caller's own job or mapping or a
    4xx, and never holds the victim's canaries, in its body or its headers."""

    @classmethod
    def setUpClass(cls):
        for L in ("E", "F"):
            T[L] = SERVER.new_tenant("tenant-" + L)
            ALL_LETTERS.add(L)
        cls.admin = {L: ImportWeb(SERVER, T[L], "admin-%s@imports.example" % L.lower(), "import routes pw " + L,
                                  role="admin") for L in ("E", "F", "A")}
        PERSONAL.extend(canary(L, f, j) for L in ("E", "F") for j in range(1, 40)
                        for f in ("JOBFIRST", "JOBLAST", "JOBADDR", "JOBCITY", "MAPNAME", "MAPADDR", "MAPCITY"))
        # E's mappings 1 and 2, F's mapping 1 (a layout of F's own)
        cls.e_layout = (E_LAYOUT + layout_row("E", 1) + layout_row("E", 2, bad=True)).encode()
        # (a file with exactly a saved mapping's headers reads through it: the
        # second mapping is made from a file with one more column)
        e_layout2 = (E_LAYOUT.replace("\r\n", ",CANARY-TE-HDR-EXTRA\r\n") +
                     layout_row("E", 3).replace("\r\n", ",x\r\n")).encode()
        for n, (name, data) in enumerate(zip(E_MAPPING_NAMES, (cls.e_layout, e_layout2)), 1):
            mid, r = cls.admin["E"].save_mapping(data, "CANARY-TE-FILE-layout.csv", name)
            assert mid == n, (n, r.short(2000))
        cls.f_layout = (F_LAYOUT + layout_row("F", 1) + layout_row("F", 2)).encode()
        mid, r = cls.admin["F"].save_mapping(cls.f_layout, "CANARY-TF-FILE-layout.csv", "F own layout")
        assert mid == 1, r.short(2000)
        # E's jobs: 1 (API, skipBadRows: two orders and a problem), 2 (web, through
        # mapping 1, a bad row: failed, its problems listed), 3 (web, done, orders
        # listed by reference), 4 (API, done)
        cls.e_jobs = [
            cls.api_job("E", CD_HEADER + cd_row("E", 1) + cd_row("E", 2) + cd_row("E", 3, bad=True),
                        "skipBadRows=true"),
            cls.web_job("E", cls.e_layout, "CANARY-TE-FILE-mapped.csv", mapping="1"),
            cls.web_job("E", (CD_HEADER + cd_row("E", 4) + cd_row("E", 5)).encode(), "CANARY-TE-FILE-web.csv"),
            cls.api_job("E", CD_HEADER + cd_row("E", 6)),
        ]
        assert cls.e_jobs == [1, 2, 3, 4], cls.e_jobs
        cls.f_jobs = [cls.api_job("F", CD_HEADER + cd_row("F", 1) + cd_row("F", 2, bad=True), "skipBadRows=true"),
                      cls.web_job("F", (CD_HEADER + cd_row("F", 3)).encode(), "CANARY-TF-FILE-web.csv")]
        assert cls.f_jobs == [1, 2], cls.f_jobs
        for L, jobs in (("E", cls.e_jobs), ("F", cls.f_jobs)):
            for n in jobs:
                cls.wait(L, n)
        # every business's own answers for its own numbers: what a 200 to an attacker must equal
        cls.own = {}
        for L, jobs in (("E", cls.e_jobs), ("F", cls.f_jobs), ("A", [])):
            for n in jobs:
                cls.own[(L, "api", n)] = T[L].get("/api/postroom/imports/%d" % n).body
                cls.own[(L, "web", n)] = cls.admin[L].page("/import/jobs/%d" % n).body
                cls.own[(L, "status", n)] = cls.admin[L].page("/import/jobs/%d/status" % n).body
        cls.unknown = T["F"].get("/api/postroom/imports/987654")

    @classmethod
    def api_job(cls, L, text, query=""):
        r = T[L].req("POST", "/api/postroom/imports" + ("?" + query if query else ""), body=text.encode(),
                     headers={"Content-Type": "text/csv"})
        assert r.status == 202, r.short()
        return r.json()["jobId"]

    @classmethod
    def web_job(cls, L, data, filename, **fields):
        r = cls.admin[L].upload(data, filename, **fields)
        assert r.status in (200, 422), r.short(2000)
        # the job is the business's newest (read in the database: the routes under test are not trusted here)
        c = SERVER.db_connect()
        try:
            return c.execute("SELECT MAX(job_id) FROM import_jobs WHERE tenant_id = ?", (int(T[L].id),)).fetchone()[0]
        finally:
            c.close()

    @classmethod
    def wait(cls, L, n):
        for _ in range(300):
            r = T[L].get("/api/postroom/imports/%d" % n)
            assert r.status == 200, "job %d of %s: %s" % (n, L, r.short())
            j = r.json()
            if j["state"] in ("done", "failed"):
                return j
            time.sleep(0.05)
        raise AssertionError("job %d of %s did not end" % (n, L))

    def no_leak_anywhere(self, r, me, what, echoes=()):
        """No other business's canary in the body or in any header."""
        self.assert_no_leak(r, me, what, echoes)
        head = "\n".join("%s: %s" % kv for kv in (r.headers.items() if r.headers else [])).encode()
        self.assertEqual(leaks(head, me, echoes), [], "%s: headers hold another business's data: %s" % (what, head))

    def test_1_victim_sees_its_own_canaries(self):
        """The probes below can fail: E's own pages do hold what F must never see."""
        e = {k: v for k, v in self.own.items() if k[0] == "E"}
        self.assertIn(b"CANARY-TE-JOBREF-4", e[("E", "web", 3)], "job 3's page lists its orders by reference")
        first = json.loads(e[("E", "api", 4)])["result"]["firstOrderIdentifier"]
        self.assertIn(b"CANARY-TE-JOBREF-6", T["E"].get("/api/v1/orders/%d/full" % first).body)
        api1 = json.loads(e[("E", "api", 1)])
        self.assertEqual((api1["state"], api1["ordersCreated"], api1["problemCount"]), ("done", 2, 1), api1)
        self.assertEqual(api1["problems"][0]["line"], 4, api1)
        self.assertIn(b"problem", e[("E", "web", 2)], "job 2 failed, its page lists the problems")
        self.assertIn(b"CANARY-TE-HDR-KILOS", e[("E", "web", 2)], "a mapped job's problem names the file's column")
        for n in (1, 2):
            self.assertIn(E_MAPPING_NAMES[n - 1].encode(), self.admin["E"].page("/import/mappings/%d" % n).body)
        self.assertIn(b"CANARY-TE-HDR-NAME", self.admin["E"].page("/import/mappings/1").body)

    def check_job_probe(self, L, kind, r, path, n):
        """r: attacker L's answer to path, which names L's own job n (or no job: n None)."""
        what = "tenant %s GET %s" % (L, path)
        self.no_leak_anywhere(r, L, what)
        own = self.own.get((L, kind, n)) if n else None
        if own is not None and r.status == 200:
            if kind == "web":  # the same page, but for the report link naming the address asked for
                self.assertEqual(re.sub(rb'/report-problem[?]page=[^"]*', b"", r.body),
                                 re.sub(rb'/report-problem[?]page=[^"]*', b"", own),
                                 "%s: not %s's own job %d page" % (what, L, n))
            else:
                self.assertEqual(json.loads(r.body), json.loads(own), "%s: not %s's own job %d" % (what, L, n))
            return
        self.assertTrue(400 <= r.status < 500, "%s: want a 4xx, got %s" % (what, r.short()))
        if kind == "api":
            self.assertEqual((r.status, r.body), (self.unknown.status, self.unknown.body),
                             "%s: not the 404 of an id never issued: %s" % (what, r.short()))
        elif kind == "status":
            self.assertTrue(harness.is_json_error(r) or b"<html" in r.body.lower(), r.short())
        else:
            self.assertIn(b"<html", r.body.lower(), "%s: a page for a browser: %s" % (what, r.short()))

    def test_2_jobs_by_number_are_the_callers_own_or_404(self):
        ids = {str(n): n for n in range(1, 8)}
        ids.update(ODD_IDS)
        for L, jobs in (("F", self.f_jobs), ("A", [])):
            for text, n in sorted(ids.items()):
                mine = n if n in jobs else None
                for kind, path in (("api", "/api/postroom/imports/%s" % text), ("web", "/import/jobs/%s" % text),
                                   ("status", "/import/jobs/%s/status" % text)):
                    with self.subTest(attacker=L, path=path):
                        if kind == "api":
                            r = T[L].get(path)
                        else:
                            r = self.admin[L].page(path)
                        self.check_job_probe(L, kind, r, path, mine)
                        if kind == "status" and r.status == 200:
                            self.assertEqual(r.header("Content-Type").split(";")[0], "application/json")

    def test_3_jobs_with_the_wrong_credential_give_nothing(self):
        """A key on the web's job pages, a session cookie on the API's, both at once, nobody."""
        for n in (1, 3, 4):
            for path in ("/import/jobs/%d" % n, "/import/jobs/%d/status" % n):
                for hdr in ({"Authorization": "Bearer " + T["F"].key}, {"Authorization": "Bearer " + T["E"].key},
                            {}, {"Cookie": "__Host-postroom_session=" + "a" * 64},
                            {"Cookie": self.admin["F"].cookie, "Authorization": "Bearer " + T["E"].key}):
                    with self.subTest(path=path, hdr=sorted(hdr)):
                        r = SERVER.request("GET", path, headers=dict(HTML, **hdr))
                        who = "F" if "Cookie" in hdr and "a" * 64 not in hdr["Cookie"] else None
                        self.no_leak_anywhere(r, who, "GET %s with %s" % (path, sorted(hdr)))
                        if who is None:
                            self.assertIn(r.status, (303, 401, 403), r.short())
                        elif n in self.f_jobs:
                            self.assertEqual(r.status, 200, r.short())
                        else:
                            self.assertEqual(r.status, 404, r.short())
            path = "/api/postroom/imports/%d" % n
            for hdr in ({"Cookie": self.admin["F"].cookie}, {"Cookie": self.admin["E"].cookie}, {},
                        {"Authorization": "Bearer " + T["E"].key[:-1]}, {"X-Tenant-Id": T["E"].id}):
                with self.subTest(path=path, hdr=sorted(hdr)):
                    r = SERVER.request("GET", path, headers=hdr)
                    self.assertEqual(r.status, 401, r.short())
                    self.no_leak_anywhere(r, None, "GET %s with %s" % (path, sorted(hdr)))

    def test_4_mappings_are_the_callers_own(self):
        before = mapping_rows(T["E"])
        e_pages = {n: self.admin["E"].page("/import/mappings/%d" % n).body for n in (1, 2)}
        F = self.admin["F"]
        # pages: F's 1 is its own, E's 2 (F has none) and odd forms are 404 pages
        for text in ["1", "2", "3", "01", "+2", "2.0", "%32", "0", "-2", "99999999999999999999", "2%00", "2;1"]:
            with self.subTest(path="/import/mappings/" + text):
                r = F.page("/import/mappings/" + text)
                self.no_leak_anywhere(r, "F", "GET /import/mappings/" + text)
                if text == "1":
                    self.assertEqual(r.status, 200, r.short())
                    self.assertIn(b"F own layout", r.body)
                else:
                    self.assertEqual(r.status, 404, r.short())
        for path in ("/import/mappings", "/import/mappings?done=saved", "/import", "/import/mappings/1?done=saved"):
            with self.subTest(path=path):
                r = F.page(path)
                self.assertEqual(r.status, 200, r.short())
                self.no_leak_anywhere(r, "F", "GET " + path)
        # use: E's number 2 in F's upload is a 404 and makes no job; F's own 1 reads F's file as F's layout
        jobs_before = self.f_jobs[-1]
        r = F.upload(self.f_layout, "f.csv", mapping="2")
        self.no_leak_anywhere(r, "F", "POST /import mapping=2")
        self.assertEqual(r.status, 404, r.short())
        self.assertEqual(T["F"].get("/api/postroom/imports/%d" % (jobs_before + 1)).status, 404, "no job was made")
        r = F.upload(self.f_layout, "f.csv", mapping="1")
        self.no_leak_anywhere(r, "F", "POST /import mapping=1")
        self.assertEqual(r.status, 200, r.short(2000))
        self.assertIn(b"CANARY-TF-MAPREF-1", r.body)
        for n in range(jobs_before + 1, jobs_before + 4):
            j = T["F"].get("/api/postroom/imports/%d" % n)
            if j.status == 200 and j.json()["format"] == "mapping:1" and j.json()["state"] == "done":
                break
        else:
            self.fail("F's upload through its mapping 1 made no done job of format mapping:1")
        # the API takes no mapping:N format at all (it is the web's), E's or F's
        for fmt in ("mapping:1", "mapping:2", "mapping%3A2"):
            with self.subTest(format=fmt):
                r = T["F"].req("POST", "/api/postroom/imports?format=" + fmt, body=self.f_layout,
                               headers={"Content-Type": "text/csv"})
                self.assertEqual(r.status, 400, r.short())
                self.no_leak_anywhere(r, "F", "POST imports format=" + fmt)
        # change: E's 2 cannot be renamed or deleted by F; naming F's own after E's is F's own business
        for action, fields in (("rename", {"name": "taken over"}), ("delete", {})):
            for text in ("2", "02", "%32"):
                with self.subTest(action=action, id=text):
                    r = F.post("/import/mappings/%s/%s" % (text, action), fields)
                    self.assertEqual(r.status, 404, r.short())
                    self.no_leak_anywhere(r, "F", "POST %s %s" % (action, text))
        r = F.post("/import/mappings/1/rename", {"name": E_MAPPING_NAMES[0]})
        self.assertEqual(r.status, 303, "E's mapping name is free in F's business: %s" % r.short())
        f_layout2 = (F_LAYOUT.replace("\r\n", ",Extra F\r\n") + layout_row("F", 5).replace("\r\n", ",x\r\n"))
        mid, r = F.save_mapping(f_layout2.encode(), "f2.csv", E_MAPPING_NAMES[1])
        self.assertEqual(mid, 2, "F saves its own mapping under E's name: %s" % r.short())
        self.no_leak_anywhere(r, "F", "save under E's name", echoes=E_MAPPING_NAMES)
        r = F.page("/import/mappings/2")
        self.no_leak_anywhere(r, "F", "F's own 2", echoes=E_MAPPING_NAMES)
        self.assertNotIn(b"CANARY-TE-HDR", r.body)
        # and E's mappings are as they were, byte for byte
        self.assertEqual(mapping_rows(T["E"]), before)
        for n in (1, 2):
            self.assertEqual(self.admin["E"].page("/import/mappings/%d" % n).body, e_pages[n])
        # E's own upload of its layout still reads through E's mapping 1 (exact headers)
        r = self.admin["E"].upload((E_LAYOUT + layout_row("E", 30)).encode(), "CANARY-TE-FILE-again.csv")
        self.assertEqual(r.status, 200, r.short(2000))
        self.assert_no_leak(r, "E", "E's upload again")


WILDCARDS = ["%", "%%", "_", "SHARED%", "SHARED-REF-_", "CANARY-T%", "*", "SHARED*", "CANARY-T?-REF-5",
             "[A-Z]*", "' OR '1'='1", "x' OR 1=1 --", "\") OR 1=1 --", "' OR tenant_id<>'0", "shared-ref-1",
             " SHARED-REF-1", "SHARED-REF-1 ", "SHARED-REF-1\u200b"]


class TestPatterns(Base):
    """References are compared literally: no LIKE/GLOB wildcards, no SQL, no case folding or trimming."""

    def test_wildcard_and_injection_references_match_nothing(self):
        before = snapshots()
        for L in LETTERS:
            for ref in WILDCARDS:
                for m, suffix in (("GET", ""), ("GET", "/full"), ("DELETE", "")):
                    with self.subTest(tenant=L, ref=ref, method=m, suffix=suffix):
                        r = T[L].req(m, ids_path([ref], suffix))
                        self.assert_no_leak(r, L, "%s %r" % (m, ref), [ref])
                        if m == "DELETE" and r.status == 200:
                            self.assertEqual(r.json().get("deletedOrders"), [], r.short())
                        else:
                            self.assertIn(r.status, (400, 404), r.short())
            r = T[L].req("PUT", "/api/v1/orders/status",
                         body={"items": [{"orderReference": ref, "status": "despatched"} for ref in WILDCARDS]})
            self.assert_no_leak(r, L, "PUT wildcards", WILDCARDS)
            if r.status == 200:
                self.assertEqual(r.json().get("updatedOrders"), [], r.short())
        self.assert_unchanged(before, "wildcard/injection references")


class TestZFinal(Base):
    """Runs last: the egress wall never had to stop anything, and the log is clean."""

    def test_no_tenant_mismatch_event(self):
        r = SERVER.request("GET", "/metrics")
        if r.status in (401, 403):
            r = T["A"].get("/metrics")
        self.assertEqual(r.status, 200, r.short())
        events = [line for line in r.text().splitlines()
                  if line.startswith("postroom_security_events_total") and float(line.split()[-1]) != 0]
        self.assertEqual(events, [], "the egress check withheld a response: the store returned another "
                         "tenant's record")
        self.assertNotIn("tenant_mismatch", SERVER.stderr_text())

    def test_log_lines_are_json_and_name_the_right_tenant(self):
        ids = {str(T[L].id) for L in LETTERS}
        bad = [line for line, j in SERVER.log_records() if not isinstance(j, dict)]
        self.assertEqual(bad[:10], [], "%d stderr lines are not JSON" % len(bad))
        seen = {str(j.get("tenant")) for _, j in SERVER.log_records() if isinstance(j, dict) and "tenant" in j}
        self.assertTrue(ids <= seen, "every tenant appears in the request log: %s vs %s" % (ids, seen))


if __name__ == "__main__":
    harness.main()

#!/usr/bin/python3
"""tests/e2e/test_generated_client.py: postroom driven the way a client generated
from the Click & Drop OpenAPI document drives it.

Such clients (openapi-generator, NSwag, oapi-codegen...) are how most real
integrations are made, and they behave in ways hand-written curl does not:

- every path parameter is percent-encoded whole (Python's quote(v, safe=''),
  JavaScript's encodeURIComponent), so an {orderIdentifiers} list arrives as
  1031%3B%22EXT-1%22 and a reference the caller already encoded inside its
  quotes, as the spec asks, arrives encoded twice: %22A%253BB%2520C%22; Go's
  url.PathEscape leaves the ';' raw but still encodes quotes and '%';
- query values are form-encoded (a '+' travels as %2B, or raw and then
  reads as a space) and date-times are sent with microseconds and an offset
  without a colon: 2020-01-01T00:00:00.000000+0000;
- the key goes in Authorization with the configured prefix ("Bearer") or
  bare, and every request says Accept: application/json and a User-Agent.

GeneratedClient below is written the way those generators write clients:
one method per operationId of the spec, parameters serialised by the
generator's rules, never hand-tuned for postroom. Every endpoint of the spec
is driven through it, and the spec's own example identifier list must name
the four orders it names.
"""

import base64
import json
import os
import subprocess
import sys
import tempfile
import unittest
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SERVER = None
SPEC_EXAMPLE = '"ref";1001;"Reference%3BWith%3BSpecial%3BSymbols!";2345'


def setUpModule():
    global SERVER
    SERVER = harness.Server.start_new()


def tearDownModule():
    SERVER.stop_and_check()


class ApiException(Exception):
    def __init__(self, resp):
        super().__init__("HTTP %d: %s" % (resp.status, resp.short()))
        self.status = resp.status
        self.resp = resp


class GeneratedClient:
    """A Click & Drop client as openapi-generator's python generator makes it."""

    def __init__(self, server, api_key, api_key_prefix="Bearer", path_escape="quote"):
        self.server = server
        self.api_key = api_key
        self.api_key_prefix = api_key_prefix
        self.path_escape = path_escape  # "quote" (Python, JavaScript) or "go"

    # -- the generator's serialisation rules

    def _path_param(self, value):
        if self.path_escape == "go":  # url.PathEscape: unreserved plus $&+,:;=@ stay raw
            return urllib.parse.quote(str(value), safe="$&+,:;=@")
        return urllib.parse.quote(str(value), safe="")

    @staticmethod
    def _query(params):
        return urllib.parse.urlencode([(k, v) for k, v in params if v is not None])

    def _call(self, method, template, path_params=None, query=(), body=None):
        path = "/api/v1" + template
        for name, value in (path_params or {}).items():
            path = path.replace("{%s}" % name, self._path_param(value))
        q = self._query(query)
        if q:
            path += "?" + q
        headers = {"Accept": "application/json", "User-Agent": "OpenAPI-Generator/1.0.0/python"}
        if self.api_key is not None:
            headers["Authorization"] = (self.api_key_prefix + " " + self.api_key
                                        if self.api_key_prefix else self.api_key)
        r = self.server.request(method, path, headers=headers, body=body)
        if not 200 <= r.status < 300:
            raise ApiException(r)
        return r

    # -- one method per operationId

    def get_version_async(self):
        return self._call("GET", "/version").json()

    def get_specific_orders_async(self, order_identifiers):
        return self._call("GET", "/orders/{orderIdentifiers}", {"orderIdentifiers": order_identifiers}).json()

    def get_specific_orders_with_details_async(self, order_identifiers):
        return self._call("GET", "/orders/{orderIdentifiers}/full",
                          {"orderIdentifiers": order_identifiers}).json()

    def delete_orders_async(self, order_identifiers):
        return self._call("DELETE", "/orders/{orderIdentifiers}", {"orderIdentifiers": order_identifiers}).json()

    def update_orders_status_async(self, request):
        return self._call("PUT", "/orders/status", body=request).json()

    def get_carriers_async(self):
        return self._call("GET", "/carriers").json()

    def get_orders_async(self, page_size=None, start_date_time=None, end_date_time=None,
                         continuation_token=None):
        return self._call("GET", "/orders", query=[
            ("pageSize", page_size), ("startDateTime", start_date_time),
            ("endDateTime", end_date_time), ("continuationToken", continuation_token)]).json()

    def get_orders_with_details_async(self, page_size=None, start_date_time=None, end_date_time=None,
                                      continuation_token=None):
        return self._call("GET", "/orders/full", query=[
            ("pageSize", page_size), ("startDateTime", start_date_time),
            ("endDateTime", end_date_time), ("continuationToken", continuation_token)]).json()

    def create_orders_async(self, request):
        return self._call("POST", "/orders", body=request).json()

    def get_orders_label_async(self, order_identifiers, document_type, include_returns_label=None,
                               include_cn=None):
        def boolean(v):
            return None if v is None else ("true" if v else "false")
        return self._call("GET", "/orders/{orderIdentifiers}/label", {"orderIdentifiers": order_identifiers},
                          query=[("documentType", document_type),
                                 ("includeReturnsLabel", boolean(include_returns_label)),
                                 ("includeCN", boolean(include_cn))]).body

    def manifest_eligible_async(self, request=None):
        return self._call("POST", "/manifests", body=request if request is not None else {}).json()

    def retry_manifest_async(self, manifest_identifier):
        return self._call("POST", "/manifests/retry/{manifestIdentifier}",
                          {"manifestIdentifier": manifest_identifier}).json()

    def get_manifest_async(self, manifest_identifier):
        return self._call("GET", "/manifests/{manifestIdentifier}",
                          {"manifestIdentifier": manifest_identifier}).json()

    def get_return_services(self):
        return self._call("GET", "/returns/services").json()

    def create_return(self, request):
        return self._call("POST", "/returns", body=request).json()


def ids(*items):
    """How a caller builds {orderIdentifiers} per the spec: integers as they are,
    references percent-encoded inside double quotes."""
    return ";".join(str(x) if isinstance(x, int) else '"%s"' % urllib.parse.quote(x, safe="")
                    for x in items)


def order(ref, **over):
    o = harness.order(ref)
    o.update(over)
    return o


def address(first, last, line1, city, postcode, country="United Kingdom", iso="GBR"):
    return {"firstName": first, "lastName": last, "addressLine1": line1, "city": city,
            "postcode": postcode, "country": country, "countryIsoCode": iso}


class TestGeneratedClient(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tenant = SERVER.new_tenant("generated")
        cls.client = GeneratedClient(SERVER, cls.tenant.key)
        cls.bare = GeneratedClient(SERVER, cls.tenant.key, api_key_prefix=None)
        cls.go = GeneratedClient(SERVER, cls.tenant.key, path_escape="go")
        # 1001 plain, 1002 "ref", 1003 the spec's special reference, 1004 "A;B C",
        # 1005 "EXT-1" with postage, then up to 2345 so the spec's example list exists
        first = [order("PLAIN-1001"), order("ref"), order("Reference;With;Special;Symbols!"),
                 order("A;B C"), order("EXT-1", postageDetails={"serviceCode": "TOLP48"}),
                 order("100% cotton"), order("Sla/sh ?#&")]
        created = cls.client.create_orders_async({"items": first})
        assert created["successCount"] == len(first), created
        rest = [order("FILL-%d" % i) for i in range(1001 + len(first), 2346)]
        for i in range(0, len(rest), 100):
            r = cls.client.create_orders_async({"items": rest[i:i + 100]})
            assert r["successCount"] == len(rest[i:i + 100]), r

    def refs_and_ids(self, orders):
        return sorted((o["orderIdentifier"], o.get("orderReference")) for o in orders)

    def test_version(self):
        v = GeneratedClient(SERVER, None).get_version_async()
        self.assertIn("releaseDate", v)

    def test_spec_example_list_names_its_four_orders(self):
        want = [(1001, "PLAIN-1001"), (1002, "ref"), (1003, "Reference;With;Special;Symbols!"),
                (2345, "FILL-2345")]
        for client in (self.client, self.bare, self.go):
            with self.subTest(client=(client.api_key_prefix, client.path_escape)):
                self.assertEqual(self.refs_and_ids(client.get_specific_orders_async(SPEC_EXAMPLE)), want)
                full = client.get_specific_orders_with_details_async(SPEC_EXAMPLE)
                self.assertEqual(self.refs_and_ids(full), want)
        # and sent raw, as the spec writes it, by hand
        r = self.tenant.get("/api/v1/orders/" + SPEC_EXAMPLE)
        self.assertEqual(r.status, 200, r.short())
        self.assertEqual(self.refs_and_ids(r.json()), want)

    def test_identifier_and_reference_lists(self):
        cases = [
            (ids(1031, "EXT-1"), [(1005, "EXT-1"), (1031, "FILL-1031")]),
            (ids("A;B C"), [(1004, "A;B C")]),               # %22A%253BB%2520C%22 on the wire
            (ids("100% cotton"), [(1006, "100% cotton")]),
            (ids("Sla/sh ?#&"), [(1007, "Sla/sh ?#&")]),
            (ids(1001), [(1001, "PLAIN-1001")]),
            (ids(*range(1001, 1101)), [(i, None) for i in range(1001, 1101)]),
        ]
        for lst, want in cases:
            for client in (self.client, self.go):
                with self.subTest(list=lst[:40], escape=client.path_escape):
                    got = self.refs_and_ids(client.get_specific_orders_async(lst))
                    if want[-1][1] is None:
                        self.assertEqual([i for i, _ in got], [i for i, _ in want])
                    else:
                        self.assertEqual(got, want)

    def test_bad_list_is_a_400_with_the_spec_shape(self):
        with self.assertRaises(ApiException) as cm:
            self.client.get_specific_orders_async('"unterminated;1001')
        self.assertEqual(cm.exception.status, 400)
        body = cm.exception.resp.json()
        self.assertIsInstance(body, list)
        self.assertEqual(body[0]["code"], "InvalidOrderIdentifiers")
        with self.assertRaises(ApiException) as cm:
            self.client.get_specific_orders_async(ids("no such reference"))
        self.assertEqual(cm.exception.status, 404)

    def test_date_times_as_clients_send_them(self):
        everything = self.client.get_orders_async(page_size=100)["orders"]
        self.assertEqual(len(everything), 100)
        for start in ("2020-01-01T00:00:00.000000+0000", "2020-01-01T00:00:00+00:00",
                      "2020-01-01T00:00:00Z", "2020-01-01t00:00:00.1z", "20200101T000000Z",
                      "2019-12-31T19:00:00.123456789-0500"):
            with self.subTest(start=start):
                got = self.client.get_orders_async(page_size=100, start_date_time=start,
                                                   end_date_time="2099-12-31T23:59:59.999999+0000")
                self.assertEqual(got["orders"], everything)
        # the '+' raw in the query, as some clients leave it: form decoding makes it a space
        r = self.tenant.get("/api/v1/orders?pageSize=100&startDateTime=2020-01-01T00:00:00.000000+0000")
        self.assertEqual(r.status, 200, r.short())
        self.assertEqual(r.json()["orders"], everything)
        # the future: nothing
        got = self.client.get_orders_async(start_date_time="2098-01-01T00:00:00.000000+0000")
        self.assertEqual(got.get("orders"), [])
        for bad, field in (("2020-01-01T00:00:00.000000+000", "startDateTime"),
                           ("01/01/2020", "startDateTime"), ("2020-13-01T00:00:00Z", "startDateTime")):
            with self.subTest(bad=bad):
                with self.assertRaises(ApiException) as cm:
                    self.client.get_orders_async(start_date_time=bad)
                self.assertEqual(cm.exception.status, 400)
                self.assertIn(field, cm.exception.resp.json()["message"])
        with self.assertRaises(ApiException) as cm:
            self.client.get_orders_async(end_date_time="tomorrow")
        self.assertIn("endDateTime", cm.exception.resp.json()["message"])

    def test_paging_with_details(self):
        page = self.client.get_orders_with_details_async(page_size=50,
                                                         start_date_time="2020-01-01T00:00:00.000000+0000")
        self.assertEqual(len(page["orders"]), 50)
        nxt = self.client.get_orders_with_details_async(page_size=50, continuation_token=page["continuationToken"],
                                                        start_date_time="2020-01-01T00:00:00.000000+0000")
        self.assertEqual(nxt["orders"][0]["orderIdentifier"], page["orders"][-1]["orderIdentifier"] + 1)

    def test_create_with_microsecond_order_date(self):
        r = self.client.create_orders_async({"items": [order("MICRO-1", orderDate="2026-11-29T10:00:00.000000+0000")]})
        self.assertEqual(r["successCount"], 1, r)
        oid = r["createdOrders"][0]["orderIdentifier"]
        got = self.client.get_specific_orders_with_details_async(ids(oid))[0]
        self.assertEqual(got["orderDate"], "2026-11-29T10:00:00Z")

    def test_labels_status_manifests(self):
        pdf = self.client.get_orders_label_async(ids("EXT-1"), "postageLabel", include_returns_label=False)
        self.assertEqual(pdf[:5], b"%PDF-")
        r = self.client.update_orders_status_async({"items": [
            {"orderReference": "EXT-1", "status": "despatched",
             "despatchDate": "2026-11-30T09:00:00.000000+0000"}]})
        self.assertEqual([u["orderIdentifier"] for u in r["updatedOrders"]], [1005], r)
        m = self.client.manifest_eligible_async()
        n = m["manifestNumber"]
        self.assertEqual(base64.b64decode(m["documentPdf"])[:5], b"%PDF-")
        self.assertEqual(self.client.get_manifest_async(n)["manifestNumber"], n)
        self.assertEqual(self.client.retry_manifest_async(n)["manifestNumber"], n)

    def test_other_courier_then_carriers(self):
        r = self.client.update_orders_status_async({"items": [
            {"orderIdentifier": 1010, "status": "despatchedByOtherCourier", "trackingNumber": "DPD123",
             "despatchDate": "2026-11-30T09:00:00.000000+0000", "shippingCarrier": "DPD",
             "shippingService": "Next Day"}]})
        self.assertEqual(len(r["updatedOrders"]), 1, r)
        carriers = self.client.get_carriers_async()
        names = [c["carrierName"] for c in carriers]
        self.assertIn("Royal Mail", names)
        self.assertIn("DPD", names)
        for c in carriers:
            self.assertRegex(c["carrierGuid"], r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

    def test_returns(self):
        services = self.client.get_return_services()["services"]
        codes = [s["serviceCode"] for s in services]
        self.assertIn("TSN", codes)
        ret = self.client.create_return({
            "service": {"serviceCode": "TSN"},
            "shipment": {
                "shippingAddress": address("Ada", "Lovelace", "12 St James's Square", "London", "SW1Y 4JH"),
                "returnAddress": address("Returns", "Desk", "Unit 4, Riverside Works", "Sheffield", "S3 8EN"),
                "customerReference": {"reference": "EXT-1"},
            }})
        tn = ret["shipment"]["trackingNumber"]
        self.assertRegex(tn, r"^[A-Z]{2}\d{9}GB$")
        pdf = base64.b64decode(ret["label"])
        self.assertEqual(pdf[:5], b"%PDF-")
        with tempfile.TemporaryDirectory() as d:
            png = os.path.join(d, "qr.png")
            with open(png, "wb") as f:
                f.write(base64.b64decode(ret["qrCode"]))
            out = subprocess.run(["zbarimg", "-q", "--raw", png], capture_output=True, text=True, timeout=60)
            self.assertIn(tn, out.stdout)

    def test_delete_with_encoded_list(self):
        r = self.client.create_orders_async({"items": [order("DEL;ME 1"), order("DEL;ME 2")]})
        made = [c["orderIdentifier"] for c in r["createdOrders"]]
        gone = self.client.delete_orders_async(ids("DEL;ME 1", made[1]))
        self.assertEqual(sorted(d["orderIdentifier"] for d in gone["deletedOrders"]), made)
        with self.assertRaises(ApiException) as cm:
            self.client.get_specific_orders_async(ids(*made))
        self.assertEqual(cm.exception.status, 404)

    def test_no_endpoint_answers_501(self):
        with open(os.path.join(harness_root(), "docs", "clickanddrop-openapi.yaml"), encoding="utf-8") as f:
            spec = f.read()
        paths = [l.strip()[:-1] for l in spec.splitlines() if l.startswith("  /") and l.rstrip().endswith(":")]
        self.assertGreaterEqual(len(paths), 13, paths)
        sweeper = SERVER.new_tenant("sweep")  # its DELETE and POST must not touch the others
        sweeper.create_orders([order("SWEEP")])
        for p in paths:
            concrete = p.replace("{orderIdentifiers}", "1001").replace("{manifestIdentifier}", "1")
            for method in ("GET", "POST", "PUT", "DELETE"):
                r = sweeper.req(method, "/api/v1" + concrete, body={} if method in ("POST", "PUT") else None)
                with self.subTest(method=method, path=p):
                    self.assertNotEqual(r.status, 501, r.short())


def harness_root():
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


if __name__ == "__main__":
    harness.main()

#!/usr/bin/python3
"""tests/e2e/test_carriers.py: GET /carriers over HTTP, per the Click & Drop spec
(GetCarrierResource) and docs/api.md.

Royal Mail is always listed (the spec's carrier GUID); every other courier the business
marked orders despatched with (PUT /orders/status, despatchedByOtherCourier with a
shippingCarrier) follows, once per name however it was spaced or cased, with a GUID made
from the name alone: the same for every business, recomputed here independently, and
never telling who asked. A business never sees another business's couriers.

Run: /usr/bin/python3 tests/e2e/test_carriers.py BUILD/postroom
"""
import hashlib
import os
import re
import sys
import unittest
import uuid

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import order  # noqa: E402

SERVER = None
ROYAL_MAIL = {"carrierGuid": "e90e87c8-4ea6-49ec-a387-64ba37f66d84", "carrierName": "Royal Mail",
              "carrierStatus": "Active", "carrierType": "RoyalMail"}
# src/domain/carrier.c's namespace of carrier GUIDs
NAMESPACE = uuid.UUID("7d1f4c2e-9b3a-4e55-8c61-2f0a9d3b6e14").bytes
CANARY_A, CANARY_B = "CANARY-TA-CARRIER", "CANARY-TB-CARRIER"


def setUpModule():
    global SERVER
    SERVER = harness.Server.start_new()


def tearDownModule():
    SERVER.stop_and_check()


def normalise(name):
    """As src/domain/carrier.c: white space trimmed and collapsed, ASCII letters lowered."""
    words = [w for w in re.split(r"[ \t\n\r\f\v]+", name) if w]
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in " ".join(words))


def guid(name):
    """An RFC 9562 version 8 UUID from SHA-256(namespace || normalised name)."""
    h = bytearray(hashlib.sha256(NAMESPACE + normalise(name).encode("utf-8")).digest()[:16])
    h[6] = (h[6] & 0x0F) | 0x80
    h[8] = (h[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(h)))


def other(name):
    return {"carrierGuid": guid(name), "carrierName": name, "carrierStatus": "Active", "carrierType": "OtherCourier"}


class Carriers(unittest.TestCase):
    def tearDown(self):
        SERVER.check_alive()

    def carriers(self, t):
        r = t.get("/api/v1/carriers")
        self.assertEqual(r.status, 200, r.short())
        self.assertTrue(harness.content_type_is_json(r), r.header("Content-Type"))
        self.assertIn("no-store", r.header("Cache-Control"))
        j = r.json()
        self.assertIsInstance(j, list)
        for c in j:
            self.assertEqual(set(c), {"carrierGuid", "carrierName", "carrierStatus", "carrierType"}, c)
            self.assertEqual(str(uuid.UUID(c["carrierGuid"])), c["carrierGuid"])
        return j

    def despatch(self, t, oid, carrier, tracking="TRK1"):
        r = t.req("PUT", "/api/v1/orders/status", body={"items": [{
            "orderIdentifier": oid, "status": "despatchedByOtherCourier", "trackingNumber": tracking,
            "despatchDate": "2026-11-30T09:00:00Z", "shippingCarrier": carrier, "shippingService": "Next day"}]})
        self.assertEqual(r.status, 200, r.short())
        self.assertEqual(r.json()["errors"], [], r.short())

    def test_new_business_has_royal_mail_only(self):
        t = SERVER.new_tenant("carriers-new")
        self.assertEqual(self.carriers(t), [ROYAL_MAIL])
        t.create_orders([order("CN-1")])
        self.assertEqual(self.carriers(t), [ROYAL_MAIL])

    def test_other_couriers_listed_once_each(self):
        a = SERVER.new_tenant("carriers-a")
        b = SERVER.new_tenant("carriers-b")
        ids = [o["orderIdentifier"] for o in a.create_orders([order("CA-%d" % i) for i in range(7)])]
        b_ids = [o["orderIdentifier"] for o in b.create_orders([order("CB-%d" % i) for i in range(3)])]
        self.despatch(a, ids[0], "DPD")
        self.despatch(a, ids[1], "Evri " + CANARY_A)
        self.despatch(a, ids[2], "  dpd ")          # the same courier as DPD
        self.despatch(a, ids[3], "royal   MAIL")    # Royal Mail is listed already
        self.despatch(a, ids[4], "Parcelforce\tWorldwide")
        self.despatch(a, ids[5], "Łódź Kurier")
        self.despatch(b, b_ids[0], "DPD")
        self.despatch(b, b_ids[1], "Yodel " + CANARY_B)
        want_a = [ROYAL_MAIL, other("DPD"), other("Evri " + CANARY_A),
                  other("Parcelforce\tWorldwide"), other("Łódź Kurier")]
        got_a = self.carriers(a)
        self.assertEqual(got_a, want_a)
        self.assertEqual(guid("Parcelforce\tWorldwide"), guid("parcelforce worldwide"))
        got_b = self.carriers(b)
        self.assertEqual(got_b, [ROYAL_MAIL, other("DPD"), other("Yodel " + CANARY_B)])
        self.assertNotIn(CANARY_A.encode(), b.get("/api/v1/carriers").body)
        self.assertNotIn(CANARY_B.encode(), a.get("/api/v1/carriers").body)
        # the same name, the same GUID, whoever asks: nothing in it depends on the tenant
        self.assertEqual(got_a[1]["carrierGuid"], got_b[1]["carrierGuid"])
        self.assertEqual(len({c["carrierGuid"] for c in got_a}), len(got_a))
        for c in got_a[1:]:
            self.assertEqual(uuid.UUID(c["carrierGuid"]).version, 8)
        # stable from one call to the next
        self.assertEqual(self.carriers(a), got_a)
        # an order set back to new no longer despatched with Evri: Evri goes
        r = a.req("PUT", "/api/v1/orders/status", body={"items": [{"orderIdentifier": ids[1], "status": "new"}]})
        self.assertEqual(r.status, 200, r.short())
        self.assertEqual(self.carriers(a), [c for c in want_a if "Evri" not in c["carrierName"]])
        # deleting the DPD orders leaves the other spelling's
        self.assertEqual(a.req("DELETE", "/api/v1/orders/%d" % ids[0]).status, 200)
        got = self.carriers(a)
        self.assertEqual([c["carrierGuid"] for c in got][:2], [ROYAL_MAIL["carrierGuid"], guid("DPD")])
        self.assertEqual(got[1]["carrierName"], "  dpd ")

    def test_needs_a_key(self):
        for hdr in ({}, {"Authorization": "Bearer " + "Z" * 36}):
            r = SERVER.request("GET", "/api/v1/carriers", headers=hdr)
            self.assertEqual(r.status, 401, r.short())
            self.assertTrue(harness.is_json_error(r), r.short())


if __name__ == "__main__":
    harness.main()

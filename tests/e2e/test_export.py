"""Orders export: GET /export.csv, a spreadsheet of the signed-in business's orders.

The file is Click & Drop's import layout plus the order number, status,
tracking number, channel and creation time; it must hold every order of the
business and nothing of any other, read back exactly, keep cells a
spreadsheet would run as formulas as text (CSV injection), and import back
unchanged through /import.

Run: /usr/bin/python3 tests/e2e/test_export.py BUILD/postroom
"""
import csv
import io
import time
import unittest

import harness

SERVER = None
PASSWORD = "export tests password"
BOUNDARY = "----postroomExportTest0123456789"


def setUpModule():
    global SERVER
    SERVER = harness.Server.start_new()


def tearDownModule():
    SERVER.stop_and_check(forbidden_in_logs=[PASSWORD, "CANARY-EXP", "Wąsowski"])


def rich_order(ref, tag, **over):
    o = harness.order(ref)
    o["recipient"] = {"address": {"fullName": "Łukasz Wąsowski-%s" % tag, "companyName": "CANARY-EXP-%s Ltd" % tag,
                                  "addressLine1": "1 \"Quoted\" Road, Flat 2", "addressLine2": "CANARY-EXP-%s" % tag,
                                  "city": "Leeds", "county": "West Yorkshire", "postcode": "LS1 1AA",
                                  "countryCode": "GB"},
                      "phoneNumber": "+44 7700 900000", "emailAddress": "exp-%s@cust.example" % tag.lower()}
    o["specialInstructions"] = "Leave with\nneighbour, please"
    o["packages"] = [{"weightInGrams": 1250, "packageFormatIdentifier": "smallParcel",
                      "contents": [{"name": "Mug, blue", "SKU": "MUG-1", "quantity": 2, "unitValue": 4.5}]}]
    o["subtotal"], o["shippingCostCharged"], o["total"] = 9, 2.99, 11.99
    o["currencyCode"] = "GBP"
    o.update(over)
    return o


def rows_of(resp):
    text = resp.body.decode("utf-8")
    assert text.startswith("\ufeff"), "the export has no UTF-8 byte order mark"
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


class Export(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.one = SERVER.new_tenant("Export One")
        cls.two = SERVER.new_tenant("Export Two")
        cls.u1 = harness.WebUser(SERVER, cls.one, "exp@one.example", PASSWORD)
        cls.u2 = harness.WebUser(SERVER, cls.two, "exp@two.example", PASSWORD)
        cls.created1 = cls.one.create_orders([
            rich_order("EXP-1", "ONE"),
            rich_order("EXP-2", "ONE", postageDetails={"serviceCode": "OLP2"}),
            rich_order("EXP-3", "ONE", recipient={
                "address": {"fullName": "=HYPERLINK(\"http://evil.example\",\"x\")", "companyName": "-cmd|' /C calc'!A0",
                            "addressLine1": "@SUM(1+1)", "city": "+cmd|' /C calc'!A0", "postcode": "LS1 1AA",
                            "countryCode": "GB"}, "phoneNumber": "-1.5"}),
        ])
        cls.created2 = cls.two.create_orders([rich_order("EXP-TWO-%d" % i, "TWO") for i in range(4)])

    def test_the_export_needs_a_session(self):
        for path in ("/export", "/export.csv"):
            r = SERVER.request("GET", path)
            self.assertEqual((r.status, r.header("Location")), (303, "/login"), path)
        r = SERVER.request("GET", "/export.csv", key=self.one.key)  # an API key is not a session
        self.assertEqual(r.status, 303)

    def test_every_order_read_back_exactly(self):
        r = self.u1.get("/export.csv")
        self.assertEqual(r.status, 200, r.short())
        self.assertTrue(r.header("Content-Type").startswith("text/csv"))
        self.assertRegex(r.header("Content-Disposition"), r'^attachment; filename="postroom-orders-\d{4}-\d\d-\d\d\.csv"$')
        self.assertIn("no-store", r.header("Cache-Control"))
        rows = {row["Order reference"]: row for row in rows_of(r)}
        self.assertEqual(set(rows), {"EXP-1", "EXP-2", "EXP-3"})
        one = rows["EXP-1"]
        want = {"First Name": "Łukasz", "Last Name": "Wąsowski-ONE", "Company": "CANARY-EXP-ONE Ltd",
                "Address Line 1": '1 "Quoted" Road, Flat 2', "City": "Leeds", "County": "West Yorkshire",
                "Postcode": "LS1 1AA", "Country": "GB", "Phone": "+44 7700 900000",
                "Email": "exp-one@cust.example", "Special instructions": "Leave with\nneighbour, please",
                "Weight": "1.250", "Package size": "smallParcel", "Sub-total": "9.00", "Shipping cost": "2.99",
                "Total": "11.99", "Currency code": "GBP", "Product name": "Mug, blue", "SKU": "MUG-1",
                "Quantity": "2", "Unit price": "4.50", "Status": "new", "Channel": "API",
                "Order number": str(self.created1[0]["orderIdentifier"])}
        self.assertEqual({k: one[k] for k in want}, want)
        self.assertRegex(one["Order date"], r"^\d\d/\d\d/\d{4}$")
        two = rows["EXP-2"]
        self.assertEqual((two["Status"], two["Service code"]), ("postageApplied", "OLP2"))
        self.assertRegex(two["Tracking number"], r"^[A-Z]{2}\d{9}GB$")

    def test_formulas_stay_text(self):
        row = {r["Order reference"]: r for r in rows_of(self.u1.get("/export.csv"))}["EXP-3"]
        self.assertEqual(row["First Name"], "'=HYPERLINK(\"http://evil.example\",\"x\")")
        self.assertEqual(row["Company"], "'-cmd|' /C calc'!A0")
        self.assertEqual(row["Address Line 1"], "'@SUM(1+1)")
        self.assertEqual(row["City"], "'+cmd|' /C calc'!A0")
        self.assertEqual(row["Phone"], "-1.5")  # a number is no formula

    def test_only_the_callers_orders(self):
        body1 = self.u1.get("/export.csv").body
        body2 = self.u2.get("/export.csv").body
        self.assertNotIn(b"CANARY-EXP-TWO", body1)
        self.assertNotIn(b"CANARY-EXP-ONE", body2)
        self.assertEqual(sorted(r["Order reference"] for r in rows_of(self.u2.get("/export.csv"))),
                         ["EXP-TWO-%d" % i for i in range(4)])
        # one tenant's cookie with another's API key: the cookie decides
        r = SERVER.request("GET", "/export.csv", headers={"Cookie": self.u2.cookie}, key=self.one.key)
        self.assertNotIn(b"CANARY-EXP-ONE", r.body)

    def test_dates_filter_by_creation(self):
        today = time.strftime("%Y-%m-%d", time.gmtime())
        yesterday = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 86400))
        tomorrow = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 86400))
        self.assertEqual(len(rows_of(self.u1.get("/export.csv?from=%s&to=%s" % (today, today)))), 3)
        self.assertEqual(len(rows_of(self.u1.get("/export.csv?to=%s" % yesterday))), 0)
        self.assertEqual(len(rows_of(self.u1.get("/export.csv?from=%s" % tomorrow))), 0)
        for q in ("from=28/11/2026", "to=2026-13-01", "from=%s&to=%s" % (tomorrow, today), "to=2026-11-28x"):
            with self.subTest(q=q):
                r = self.u1.get("/export.csv?" + q)
                self.assertEqual(r.status, 400, r.short())
                self.assertIn("text/html", r.header("Content-Type"))
                self.assertIn("date", r.text())
        self.assertEqual(self.u1.get("/export.csv?from=%00").status, 400)  # refused before routing

    def test_an_export_imports_back_unchanged(self):
        three = SERVER.new_tenant("Export Three")
        u3 = harness.WebUser(SERVER, three, "exp@three.example", PASSWORD)
        three.create_orders([rich_order("EXP-RT-1", "RT"), rich_order("EXP-RT-2", "RT", isRecipientABusiness=True)])
        before, _ = three.all_pages("/api/v1/orders/full")
        exported = u3.get("/export.csv").body
        body = harness.multipart({"csrf": u3.csrf}, {"file": ("export.csv", exported, "text/csv")}, BOUNDARY)
        r = u3.post_multipart("/import", body, BOUNDARY)
        self.assertEqual(r.status, 200, r.short(2000))
        self.assertIn("2 orders imported from a Click &amp; Drop file", r.text())
        after, _ = three.all_pages("/api/v1/orders/full")
        self.assertEqual(len(after), 4)
        keep = ("orderReference", "shippingInfo", "subtotal", "shippingCostCharged", "total", "weightInGrams",
                "packageSize", "currencyCode", "specialInstructions", "orderLines")
        old = sorted(({k: o.get(k) for k in keep} for o in before), key=lambda o: o["orderReference"])
        new = sorted(({k: o.get(k) for k in keep} for o in after if o["channel"] == "Spreadsheet import"),
                     key=lambda o: o["orderReference"])
        self.assertEqual(new, old)


if __name__ == "__main__":
    harness.main()

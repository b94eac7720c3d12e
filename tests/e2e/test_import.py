"""Spreadsheet import through the web page: POST /import, multipart/form-data.

What a business does: signs in, uploads a Click & Drop spreadsheet or a
marketplace export, and reads back the orders through the API exactly as if it
had sent them there. An import is all or nothing: one bad row and nothing is
created, with every problem named by line and column.

Run: /usr/bin/python3 tests/e2e/test_import.py BUILD/postroom
"""
import unittest

import harness

SERVER = None
PASSWORD = "import tests password"
BOUNDARY = "----postroomTestBoundary7MA4YWxkTrZu0gW"

CD_HEADER = ("First Name,Last Name,Company,Address Line 1,Address Line 2,Address Line 3,City,County,"
             "Postcode,Country,Phone,Email,Recipient is a business,Order reference,Special instructions,"
             "Order date,Weight,Package size,Sub-total,Shipping cost,Total,Currency code,Service code,"
             "Product name,SKU,Quantity,Unit price\r\n")


def cd_row(first, last, line1, city, postcode, ref, country="United Kingdom", date="28/11/2026",
           weight="0.25", size="large letter", service="", email="", company=""):
    cells = [first, last, company, line1, "", "", city, "", postcode, country, "", email, "N", ref, "",
             date, weight, size, "10.00", "2.50", "12.50", "GBP", service, "Mug", "MUG-1", "2", "5.00"]
    return ",".join('"%s"' % c.replace('"', '""') if ("," in c or '"' in c) else c for c in cells) + "\r\n"


def multipart(fields, files, boundary=BOUNDARY):
    return harness.multipart(fields, files, boundary)


def setUpModule():
    global SERVER
    SERVER = harness.Server.start_new()


def tearDownModule():
    SERVER.stop_and_check(forbidden_in_logs=[PASSWORD, "CANARY-IMPORT", "Wąsowski", "imp@one.example"])


class Browser(harness.WebUser):
    """A signed-in user of one tenant, uploading spreadsheets."""

    def __init__(self, tenant, email):
        super().__init__(SERVER, tenant, email, PASSWORD)

    def upload(self, data, filename="orders.csv", ctype="text/csv", csrf=None, body=None, **fields):
        fields["csrf"] = self.csrf if csrf is None else csrf
        body = body if body is not None else multipart(fields, {"file": (filename, data, ctype)})
        return self.post_multipart("/import", body, BOUNDARY)


class Import(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.one = SERVER.new_tenant("Import One")
        cls.two = SERVER.new_tenant("Import Two")
        cls.b1 = Browser(cls.one, "imp@one.example")
        cls.b2 = Browser(cls.two, "imp@two.example")

    def refs(self, tenant):
        orders, _ = tenant.all_pages("/api/v1/orders/full")
        return {o.get("orderReference"): o for o in orders}

    def assert_nothing_changed(self, tenant, before, r, status):
        self.assertEqual(r.status, status, r.short(2000))
        self.assertIn("Nothing was imported", r.text())
        self.assertEqual(tenant.snapshot(), before)

    def test_the_form_needs_a_session(self):
        r = SERVER.request("GET", "/import")
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("Location"), "/login")
        r = SERVER.request("POST", "/import", body=multipart({}, {"file": ("a.csv", b"x", "text/csv")}),
                           headers={"Content-Type": "multipart/form-data; boundary=" + BOUNDARY})
        self.assertEqual(r.status, 403)

    def test_click_and_drop_file_imports_every_order(self):
        data = (CD_HEADER + cd_row("Zoë", "Ó'Brien", "1 High St", "Leeds", "LS1 1AA", "IMP-CD-1",
                                   email="zoe@cust.example")
                + cd_row("Łukasz", "Wąsowski", "2 \"Quoted\" Road, Flat 3", "York", "YO1 7HH", "IMP-CD-2",
                         country="GB", weight="1.5", size="small parcel", service="OLP2")
                + cd_row("Ann", "Lee", "3 Low Rd", "Paris", "75001", "IMP-CD-3", country="FRA",
                         date="01/12/26", weight="0.1", company="Lee SARL")).encode()
        r = self.b1.upload(data)
        self.assertEqual(r.status, 200, r.short(3000))
        page = r.text()
        self.assertIn("3 orders imported from a Click &amp; Drop file", page)
        for ref in ("IMP-CD-1", "IMP-CD-2", "IMP-CD-3"):
            self.assertIn(ref, page)
        got = self.refs(self.one)
        zoe = got["IMP-CD-1"]
        addr = zoe["shippingInfo"]
        self.assertEqual((addr["firstName"], addr["lastName"]), ("Zoë", "Ó'Brien"))
        self.assertEqual((addr["addressLine1"], addr["city"], addr["postcode"], addr["countryCode"]),
                         ("1 High St", "Leeds", "LS1 1AA", "GB"))
        self.assertEqual(addr["emailAddress"], "zoe@cust.example")
        self.assertEqual(zoe["orderDate"][:10], "2026-11-28")
        self.assertEqual(zoe["channel"], "Spreadsheet import")
        self.assertEqual((zoe["subtotal"], zoe["shippingCostCharged"], zoe["total"]), (10.0, 2.5, 12.5))
        self.assertEqual((zoe["weightInGrams"], zoe["packageSize"]), (250, "largeLetter"))
        lines = zoe["orderLines"]
        self.assertEqual((lines[0]["SKU"], lines[0]["quantity"], lines[0]["unitValue"]), ("MUG-1", 2, 5.0))
        lukasz = got["IMP-CD-2"]
        self.assertEqual(lukasz["shippingInfo"]["addressLine1"], '2 "Quoted" Road, Flat 3')
        self.assertEqual((lukasz["weightInGrams"], lukasz["packageSize"]), (1500, "smallParcel"))
        self.assertEqual(lukasz["shippingDetails"]["serviceCode"], "OLP2")
        tracking = lukasz["shippingDetails"].get("trackingNumber") or ""
        self.assertRegex(tracking, r"^[A-Z]{2}\d{9}GB$")
        self.assertIn(tracking, page)
        ann = got["IMP-CD-3"]
        self.assertEqual(ann["shippingInfo"]["countryCode"], "FR")
        self.assertEqual(ann["shippingInfo"]["companyName"], "Lee SARL")
        self.assertEqual(ann["orderDate"][:10], "2026-12-01")
        # the other business sees none of it
        self.assertFalse({"IMP-CD-1", "IMP-CD-2", "IMP-CD-3"} & set(self.refs(self.two)))

    def test_one_bad_row_imports_nothing_and_names_line_and_column(self):
        before = self.one.snapshot()
        data = (CD_HEADER + cd_row("Good", "Row", "1 A St", "Leeds", "LS1 1AA", "IMP-BAD-1")
                + cd_row("No", "Postcode", "2 B St", "Leeds", "", "IMP-BAD-2")
                + cd_row("Bad", "Date", "3 C St", "Leeds", "LS2 2BB", "IMP-BAD-3", date="31/02/2026")
                + cd_row("Heavy", "Letter", "4 D St", "Leeds", "LS3 3CC", "IMP-BAD-4", weight="2,5kg")).encode()
        r = self.b1.upload(data)
        self.assert_nothing_changed(self.one, before, r, 422)
        page = r.text()
        self.assertRegex(page, r"Line 3, Postcode")
        self.assertRegex(page, r"Line 4, Order date")
        self.assertRegex(page, r"Line 5, Weight")
        self.assertNotIn("Line 2,", page)

    def test_rows_that_fail_the_api_rules_are_named_by_column(self):
        before = self.one.snapshot()
        data = (CD_HEADER + cd_row("Long", "Ref", "1 A St", "Leeds", "LS1 1AA", "R" * 41)).encode()
        r = self.b1.upload(data)
        self.assert_nothing_changed(self.one, before, r, 422)
        self.assertRegex(r.text(), r"Line 2, Order reference")

    def test_file_level_problems(self):
        before = self.one.snapshot()
        cases = [
            (b"Name,Colour\r\nA,Blue\r\n", "column headers of a layout postroom knows"),
            (CD_HEADER.encode(), "no orders"),
            (b"First Name,City\r\n\"unterminated,Leeds\r\n", "Line 2"),
            ((CD_HEADER + cd_row("A", "B", "1 St", "Leeds", "LS1 1AA", "X")).encode().replace(b"Leeds", b"Le\0eds"),
             "Line 2"),
        ]
        for data, want in cases:
            with self.subTest(data=data[:40]):
                r = self.b1.upload(data)
                self.assert_nothing_changed(self.one, before, r, 422)
                self.assertIn(want, r.text())
        r = self.b1.upload(b"", filename="empty.csv")
        self.assert_nothing_changed(self.one, before, r, 422)
        self.assertIn("is empty (0 bytes)", r.text())
        r = self.b1.upload(b"", body=multipart({"csrf": self.b1.csrf}, {}))
        self.assert_nothing_changed(self.one, before, r, 400)

    def test_more_than_a_thousand_orders_import_too(self):
        # issue 13 took the 1,000-order cap away: an import is a job, read in chunks
        rows = "".join(cd_row("Bulk", str(i), "%d Bulk St" % i, "Leeds", "LS1 1AA", "IMP-BULK-%d" % i)
                       for i in range(1001))
        r = self.b1.upload((CD_HEADER + rows).encode())
        self.assertEqual(r.status, 200, r.short(2000))
        self.assertIn("1001 orders imported", r.text())
        got = self.refs(self.one)
        self.assertEqual(sum(1 for k in got if k and k.startswith("IMP-BULK-")), 1001)

    def test_a_thousand_orders_import_in_one_go(self):
        rows = "".join(cd_row("Many", str(i), "%d Many St" % i, "Hull", "HU1 1AA", "IMP-MANY-%d" % i)
                       for i in range(1000))
        r = self.b2.upload((CD_HEADER + rows).encode())
        self.assertEqual(r.status, 200, r.short(2000))
        got = self.refs(self.two)
        self.assertEqual(sum(1 for k in got if k and k.startswith("IMP-MANY-")), 1000)
        self.assertFalse(any(k and k.startswith("IMP-MANY-") for k in self.refs(self.one)))

    def test_csrf_is_required(self):
        before = self.one.snapshot()
        data = (CD_HEADER + cd_row("No", "Token", "1 St", "Leeds", "LS1 1AA", "IMP-CSRF")).encode()
        for token in ("", "x" * 43, self.b2.csrf):
            with self.subTest(token=token[:8]):
                r = self.b1.upload(data, csrf=token)
                self.assertEqual(r.status, 403, r.short())
        r = self.b1.upload(data, body=b"--" + BOUNDARY.encode() + b"\r\nbroken")
        self.assertIn(r.status, (400, 403), r.short())
        self.assertEqual(self.one.snapshot(), before)

    def test_windows_1252_file_from_excel(self):
        data = (CD_HEADER + cd_row("Zoë", "Müller", "5 Café Row", "Leeds", "LS5 5EE", "IMP-1252")).encode("cp1252")
        r = self.b1.upload(data)
        self.assertEqual(r.status, 200, r.short(2000))
        addr = self.refs(self.one)["IMP-1252"]["shippingInfo"]
        self.assertEqual((addr["firstName"], addr["lastName"], addr["addressLine1"]),
                         ("Zoë", "Müller", "5 Café Row"))

    def test_shopify_export_groups_line_items_into_one_order(self):
        head = ("Name,Email,Financial Status,Created at,Lineitem quantity,Lineitem name,Lineitem price,"
                "Lineitem sku,Shipping Name,Shipping Street,Shipping Address1,Shipping Address2,"
                "Shipping Company,Shipping City,Shipping Zip,Shipping Province,Shipping Country,"
                "Shipping Phone,Subtotal,Shipping,Total,Currency\n")
        rows = ("#IMPSHOP1,shop@cust.example,paid,2026-11-20 10:15:00 +0000,1,Blue Mug,8.00,BM-1,"
                "Sam Shopper,9 Shop St,9 Shop St,,,Bristol,BS1 4DJ,,GB,07700900000,14.00,3.00,17.00,GBP\n"
                "#IMPSHOP1,shop@cust.example,,2026-11-20 10:15:00 +0000,2,Red Cup,3.00,RC-2,,,,,,,,,,,,,,\n")
        # a marketplace export has no parcel weight: without a default, nothing is imported
        before = self.one.snapshot()
        r = self.b1.upload((head + rows).encode())
        self.assert_nothing_changed(self.one, before, r, 422)
        self.assertIn("Line 2, Weight", r.text())
        for weight, package, why in (("heavy", "", "default weight"), ("31", "", "default weight"),
                                     ("0.5", "crate", "package size")):
            r = self.b1.upload((head + rows).encode(), weight=weight, package=package)
            self.assert_nothing_changed(self.one, before, r, 400)
            self.assertIn(why, r.text())
        r = self.b1.upload((head + rows).encode(), weight="0.75", package="small parcel")
        self.assertEqual(r.status, 200, r.short(2000))
        self.assertIn("1 order imported from a Shopify file", r.text())
        o = self.refs(self.one)["#IMPSHOP1"]
        self.assertEqual((o["weightInGrams"], o["packageSize"]), (750, "smallParcel"))
        self.assertEqual(o["channel"], "Shopify")
        self.assertEqual(o["shippingInfo"]["postcode"], "BS1 4DJ")
        self.assertEqual(sorted(l["SKU"] for l in o["orderLines"]), ["BM-1", "RC-2"])
        self.assertEqual(o["total"], 17.0)

    def test_amazon_unshipped_orders_report_is_tab_separated(self):
        head = "\t".join(["order-id", "order-item-id", "purchase-date", "buyer-email", "buyer-name",
                          "buyer-phone-number", "sku", "product-name", "quantity-purchased", "recipient-name",
                          "ship-address-1", "ship-address-2", "ship-address-3", "ship-city", "ship-state",
                          "ship-postal-code", "ship-country"]) + "\n"
        row = "\t".join(["202-1234567-7654321", "11111", "2026-11-21T09:00:00+00:00", "x@marketplace.example",
                         "Pat Buyer", "", "AMZ-1", "Tea Towel", "1", "Pat Buyer", "7 Amazon Way", "", "",
                         "Swindon", "", "SN1 1AA", "GB"]) + "\n"
        r = self.b1.upload((head + row).encode(), filename="unshipped.txt", ctype="text/plain", weight="0.2")
        self.assertEqual(r.status, 200, r.short(2000))
        self.assertIn("Amazon", r.text())
        o = self.refs(self.one)["202-1234567-7654321"]
        self.assertEqual(o["shippingInfo"]["city"], "Swindon")

    def test_orders_already_in_postroom_can_be_skipped(self):
        def file(*refs):
            return (CD_HEADER + "".join(cd_row("Skip", r, "1 Skip St", "Leeds", "LS1 1AA", r) for r in refs)).encode()
        r = self.b1.upload(file("IMP-SKIP-1", "IMP-SKIP-2"), skip_existing="1")
        self.assertIn("2 orders imported", r.text())
        ids = {k: v["orderIdentifier"] for k, v in self.refs(self.one).items() if k and k.startswith("IMP-SKIP-")}
        before = self.one.snapshot()
        # the same file again (a marketplace export uploaded twice): nothing new, each named
        r = self.b1.upload(file("IMP-SKIP-1", "IMP-SKIP-2"), skip_existing="1")
        self.assertEqual(r.status, 200, r.short())
        self.assertIn("0 orders imported", r.text())
        self.assertIn("2 orders skipped", r.text())
        for ref, oid in ids.items():
            self.assertRegex(r.text(), r"<td>%s</td><td>%d</td>" % (ref, oid))
        self.assertEqual(self.one.snapshot(), before)
        # a new order beside an old one: only the new one
        r = self.b1.upload(file("IMP-SKIP-1", "IMP-SKIP-3"), skip_existing="1")
        self.assertIn("1 order imported", r.text())
        self.assertIn("1 order skipped", r.text())
        # unticked, the box is not sent: duplicates are created as asked
        r = self.b1.upload(file("IMP-SKIP-1"))
        self.assertIn("1 order imported", r.text())
        self.assertEqual(sum(1 for o in self.one.all_pages("/api/v1/orders")[0]
                             if o.get("orderReference") == "IMP-SKIP-1"), 2)

    def test_another_business_reference_is_never_skipped(self):
        # skipping looks only at the caller's own orders: a reference only another business
        # has is imported, so the skip list cannot reveal that business's orders
        self.two.create_orders([harness.order("IMP-ONLY-IN-TWO")])
        r = self.b1.upload((CD_HEADER + cd_row("Not", "Skipped", "1 St", "Leeds", "LS1 1AA", "IMP-ONLY-IN-TWO")).encode(),
                           skip_existing="1")
        self.assertEqual(r.status, 200, r.short())
        self.assertIn("1 order imported", r.text())
        self.assertNotIn("skipped", r.text())

    def test_result_page_shows_only_this_import(self):
        canary = "CANARY-IMPORT-TWO"
        data = (CD_HEADER + cd_row(canary, "Secret", "1 Hidden St", "Leeds", "LS1 1AA", "IMP-TWO-ONLY")).encode()
        self.assertEqual(self.b2.upload(data).status, 200)
        r = self.b1.upload((CD_HEADER + cd_row("Mine", "Own", "1 St", "Leeds", "LS1 1AA", "IMP-ONE-OWN")).encode())
        self.assertEqual(r.status, 200, r.short())
        self.assertNotIn(canary, r.text())
        self.assertNotIn("IMP-TWO-ONLY", r.text())
        self.assertNotIn("IMP-TWO-ONLY", self.refs(self.one))


if __name__ == "__main__":
    harness.main()

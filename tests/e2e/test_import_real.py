"""Spreadsheet imports as real files come: the header spellings marketplaces
have used, Excel's semicolon files with a sep= line, dates with a time, money
with thousands separators, Shopify's non-shipping line items, Amazon's
business orders, postcodes that a country requires, and the files that are not
spreadsheets at all (empty, binary, too large).

Every file is built here. Each imported field is read back through
GET /api/v1/orders/{id}/full (or the export, for what that resource does not
carry); a refused file changes nothing, checked by counting and comparing the
business's orders before and after.

Run: /usr/bin/python3 tests/e2e/test_import_real.py BUILD/postroom
"""
import csv
import io
import re
import unittest
import zlib

import harness

SERVER = None
PASSWORD = "real import tests password"
BOUNDARY = "----postroomRealImportBoundary"
MIB = 1 << 20


def setUpModule():
    global SERVER
    SERVER = harness.Server.start_new()


def tearDownModule():
    SERVER.stop_and_check(forbidden_in_logs=[PASSWORD, "real@one.example", "Wąsowski"])


def tsv(rows):
    return "".join("\t".join(r) + "\n" for r in rows)


def csv_text(rows, delimiter=",", line_end="\r\n"):
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, lineterminator=line_end)
    for r in rows:
        w.writerow(r)
    return out.getvalue()


def png_bytes():
    """A real 1x1 PNG, built here."""
    def chunk(kind, data):
        return (len(data).to_bytes(4, "big") + kind + data
                + zlib.crc32(kind + data).to_bytes(4, "big"))
    ihdr = (1).to_bytes(4, "big") + (1).to_bytes(4, "big") + bytes([8, 6, 0, 0, 0])
    idat = zlib.compress(b"\x00\xff\x00\x00\xff")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def xlsx_like_bytes():
    """The start of a zip archive as an .xlsx is: a local file header for [Content_Types].xml."""
    name = b"[Content_Types].xml"
    data = zlib.compress(b"<?xml version=\"1.0\"?><Types/>")[2:-4]
    return (b"PK\x03\x04" + bytes([20, 0, 6, 0, 8, 0, 0, 0, 0x21, 0]) + zlib.crc32(b"").to_bytes(4, "little")
            + len(data).to_bytes(4, "little") + (29).to_bytes(4, "little") + len(name).to_bytes(2, "little")
            + b"\x00\x00" + name + data)


class Browser(harness.WebUser):
    def __init__(self, tenant, email):
        super().__init__(SERVER, tenant, email, PASSWORD)

    def upload(self, data, filename="orders.csv", ctype="text/csv", **fields):
        fields["csrf"] = self.csrf
        body = harness.multipart(fields, {"file": (filename, data, ctype)}, BOUNDARY)
        return self.post_multipart("/import", body, BOUNDARY)


class RealImports(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.one = SERVER.new_tenant("Real Import One")
        cls.two = SERVER.new_tenant("Real Import Two")
        cls.b1 = Browser(cls.one, "real@one.example")
        cls.b2 = Browser(cls.two, "real@two.example")

    # -- helpers

    def count(self, tenant):
        orders, _ = tenant.all_pages("/api/v1/orders")
        return len(orders)

    def imported_ids(self, page):
        """{reference: order id} from the result page's table."""
        return {ref: int(oid) for oid, ref in
                re.findall(r'<tr><td>\d+</td><td>(?:<a href="/orders/\d+">)?(\d+)(?:</a>)?</td><td>([^<]*)</td>', page)}

    def full(self, tenant, oid):
        r = tenant.get("/api/v1/orders/%d/full" % oid)
        self.assertEqual(r.status, 200, r.short())
        j = r.json()
        self.assertEqual(len(j), 1, r.short())
        self.assertEqual(j[0]["orderIdentifier"], oid)
        return j[0]

    def refused(self, user, tenant, data, status, *wanted, **fields):
        """Uploads a file that must be refused: the answer says why, and nothing changes."""
        before, n = tenant.snapshot(), self.count(tenant)
        r = user.upload(data, **fields)
        self.assertEqual(r.status, status, r.short(3000))
        self.assertTrue(r.header("Content-Type").startswith("text/html"), r.header("Content-Type"))
        self.assertIn("Nothing was imported", r.text())
        for w in wanted:
            self.assertIn(w, r.text())
        self.assertEqual(self.count(tenant), n)
        self.assertEqual(tenant.snapshot(), before)
        return r

    def imported(self, user, data, count, source, **fields):
        r = user.upload(data, **fields)
        self.assertEqual(r.status, 200, r.short(3000))
        self.assertIn("%d order%s imported from %s file" % (count, "" if count == 1 else "s", source), r.text())
        return r, self.imported_ids(r.text())

    # -- eBay

    def test_ebay_ship_to_postcode_and_county(self):
        head = ["Sales Record Number", "Order Number", "Buyer Username", "Buyer Name", "Buyer Email",
                "Ship To Name", "Ship To Phone", "Ship To Address 1", "Ship To Address 2", "Ship To City",
                "Ship To County", "Ship To Postcode", "Ship To Country", "Item Number", "Item Title",
                "Custom Label", "Quantity", "Sold For", "Postage And Packaging", "Total Price", "Sale Date"]
        rows = [head, [""] * len(head),
                ["501", "23-11111-22222", "zbuyer", "Zoë Buyer", "zoe@buyer.example", "Zoë Buyer", "07700900111",
                 "1 Ebay Road", "Flat 4", "Leeds", "West Yorkshire", "LS6 2AB", "United Kingdom", "9001",
                 "Blue mug", "MUG-B", "2", "£8.50", "£3.20", "£20.20", "28-Nov-26"],
                ["3 record(s) downloaded"] + [""] * (len(head) - 1)]
        before = self.count(self.one)
        r, ids = self.imported(self.b1, csv_text(rows).encode(), 1, "an eBay", weight="0.6")
        self.assertEqual(self.count(self.one), before + 1)
        o = self.full(self.one, ids["23-11111-22222"])
        a = o["shippingInfo"]
        self.assertEqual((a["firstName"], a["lastName"]), ("Zoë", "Buyer"))
        self.assertEqual((a["addressLine1"], a["addressLine2"], a["city"]), ("1 Ebay Road", "Flat 4", "Leeds"))
        self.assertEqual((a["county"], a["postcode"], a["countryCode"]), ("West Yorkshire", "LS6 2AB", "GB"))
        self.assertEqual(a["phoneNumber"], "07700900111")
        self.assertEqual(o["orderReference"], "23-11111-22222")
        self.assertEqual(o["orderDate"], "2026-11-28T00:00:00Z")
        self.assertEqual(o["channel"], "eBay")
        self.assertEqual((o["subtotal"], o["shippingCostCharged"], o["total"]), (17.0, 3.2, 20.2))
        self.assertEqual(o["currencyCode"], "GBP")
        self.assertEqual((o["weightInGrams"], o["packageSize"]), (600, "undefined"))
        line = o["orderLines"]
        self.assertEqual(len(line), 1)
        self.assertEqual((line[0]["SKU"], line[0]["name"], line[0]["quantity"], line[0]["unitValue"]),
                         ("MUG-B", "Blue mug", 2, 8.5))

    def test_uk_address_without_postcode_is_refused_with_line_and_column(self):
        head = ["Order Number", "Item Title", "Ship To Name", "Ship To Address 1", "Ship To City",
                "Ship To Postcode", "Ship To Country", "Sale Date"]
        rows = [head,
                ["24-1", "Mug", "Has Postcode", "1 A St", "Bath", "BA1 1AA", "United Kingdom", "28-Nov-26"],
                ["24-2", "Mug", "No Postcode", "2 B St", "Bath", "", "United Kingdom", "28-Nov-26"],
                ["24-3", "Mug", "No Zip", "3 C St", "Boston", "", "US", "28-Nov-26"]]
        r = self.refused(self.b1, self.one, csv_text(rows).encode(), 422,
                         "Line 3, Ship To Postcode: is required for an address in United Kingdom",
                         "Line 4, Ship To Postcode: is required for an address in United States", weight="0.5")
        self.assertNotIn("Line 2,", r.text())
        # a country without postcodes: imported without one
        rows = [head, ["24-4", "Mug", "Dublin Buyer", "4 D St", "Dublin", "", "Ireland", "28-Nov-26"],
                ["24-5", "Mug", "Hong Kong Buyer", "5 E Rd", "Kowloon", "", "HK", "28-Nov-26"]]
        _, ids = self.imported(self.b1, csv_text(rows).encode(), 2, "an eBay", weight="0.5")
        a = self.full(self.one, ids["24-4"])["shippingInfo"]
        self.assertEqual((a["city"], a["countryCode"]), ("Dublin", "IE"))
        self.assertNotIn("postcode", a)
        self.assertEqual(self.full(self.one, ids["24-5"])["shippingInfo"]["countryCode"], "HK")

    def test_click_and_drop_file_without_postcode_names_the_line(self):
        rows = [["First Name", "Last Name", "Address Line 1", "City", "Postcode", "Country", "Weight"],
                ["Al", "One", "1 A St", "Leeds", "LS1 1AA", "GB", "0.1"],
                ["Bo", "Two", "2 B St", "Leeds", "", "GB", "0.1"]]
        self.refused(self.b1, self.one, csv_text(rows).encode(), 422, "Line 3, Postcode: must not be empty")

    def test_api_refuses_a_postcode_country_without_postcode(self):
        t = self.two
        before, n = t.snapshot(), self.count(t)

        def addr(country, **extra):
            a = {"fullName": "Api Person", "addressLine1": "1 Api St", "city": "Town", "countryCode": country}
            a.update(extra)
            return a
        bad = [harness.order("API-NOPC-GB", recipient={"address": addr("GB")}),
               harness.order("API-NOPC-US", recipient={"address": addr("USA", postcode="   ")}),
               harness.order("API-NOPC-DE", recipient={"address": addr("DE", postcode=None)})]
        r = t.req("POST", "/api/v1/orders", body={"items": bad})
        self.assertEqual(r.status, 200, r.short())
        j = r.json()
        self.assertEqual((j["successCount"], j["errorsCount"]), (0, 3), r.short(3000))
        for f in j["failedOrders"]:
            errs = f["errors"]
            self.assertEqual(len(errs), 1, f)
            self.assertEqual(errs[0]["errorCode"], 1)
            self.assertEqual(errs[0]["fields"][0]["fieldName"], "recipient.address.postcode")
            self.assertIn("is required for an address in", errs[0]["errorMessage"])
        self.assertEqual(self.count(t), n)
        self.assertEqual(t.snapshot(), before)
        good = [harness.order("API-NOPC-IE", recipient={"address": addr("IE")}),
                harness.order("API-NOPC-AE", recipient={"address": addr("AE")}),
                harness.order("API-PC-GB", recipient={"address": addr("GB", postcode="LS1 1AA")})]
        created = t.create_orders(good)
        self.assertEqual(self.count(t), n + 3)
        got = self.full(t, created[2]["orderIdentifier"])
        self.assertEqual(got["shippingInfo"]["postcode"], "LS1 1AA")

    # -- Shopify

    SHOPIFY_HEAD = ["Name", "Email", "Financial Status", "Currency", "Subtotal", "Shipping", "Total",
                    "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price", "Lineitem sku",
                    "Lineitem requires shipping", "Shipping Name", "Shipping Street", "Shipping Address1",
                    "Shipping Address2", "Shipping Company", "Shipping City", "Shipping Zip",
                    "Shipping Province", "Shipping Province Name", "Shipping Country", "Shipping Phone"]

    def test_shopify_gift_cards_are_not_parcel_contents(self):
        rows = [self.SHOPIFY_HEAD,
                ["#R1001", "mixed@cust.example", "paid", "GBP", "37.00", "4.00", "41.00", "2026-11-28 14:05:00 +0000",
                 "1", "Teapot", "12.00", "POT-1", "true", "Sam Mixed", "9 Shop St", "9 Shop St", "Unit 1", "Teas Ltd",
                 "Bristol", "BS1 4DJ", "BST", "Bristol", "GB", "07700900222"],
                ["#R1001", "", "", "", "", "", "", "", "1", "Gift card £25", "25.00", "GIFT-25", "false"]
                + [""] * 11,
                ["#R1002", "gift@cust.example", "paid", "GBP", "50.00", "0.00", "50.00", "2026-11-28 15:00:00 +0000",
                 "2", "Gift card £25", "25.00", "GIFT-25", "false", "Gift Only", "1 Card Rd", "1 Card Rd", "", "",
                 "Bath", "BA1 1AA", "", "", "GB", ""]]
        before = self.count(self.one)
        r, ids = self.imported(self.b1, csv_text(rows).encode(), 1, "a Shopify", weight="1.2", package="parcel")
        page = r.text()
        self.assertIn("1 order left out", page)
        self.assertRegex(page, r"<td>4</td><td>#R1002</td><td>nothing in this order is posted \(Lineitem "
                               r"requires shipping is false for each of its items\)</td>")
        self.assertEqual(self.count(self.one), before + 1)
        self.assertNotIn("#R1002", ids)
        o = self.full(self.one, ids["#R1001"])
        lines = o["orderLines"]
        self.assertEqual([(l["SKU"], l["name"], l["quantity"], l["unitValue"]) for l in lines],
                         [("POT-1", "Teapot", 1, 12.0)])
        a = o["shippingInfo"]
        self.assertEqual((a["firstName"], a["lastName"], a["companyName"]), ("Sam", "Mixed", "Teas Ltd"))
        self.assertEqual((a["addressLine1"], a["addressLine2"], a["city"], a["postcode"]),
                         ("9 Shop St", "Unit 1", "Bristol", "BS1 4DJ"))
        # both province columns: the first Shopify wrote, the code, wins
        self.assertEqual((a["county"], a["countryCode"], a["phoneNumber"]), ("BST", "GB", "07700900222"))
        self.assertEqual(a["emailAddress"], "mixed@cust.example")
        self.assertEqual(o["orderDate"], "2026-11-28T14:05:00Z")
        self.assertEqual((o["subtotal"], o["shippingCostCharged"], o["total"]), (37.0, 4.0, 41.0))
        self.assertEqual((o["weightInGrams"], o["packageSize"]), (1200, "parcel"))
        self.assertEqual(o["channel"], "Shopify")
        # a file of gift cards only: nothing to post, said so, not refused
        before = self.count(self.one)
        r, ids = self.imported(self.b1, csv_text([self.SHOPIFY_HEAD, rows[3]]).encode(), 0, "a Shopify",
                               weight="0.1")
        self.assertIn("1 order left out", r.text())
        self.assertEqual(ids, {})
        self.assertEqual(self.count(self.one), before)

    # -- Amazon

    def test_amazon_business_orders(self):
        head = ["order-id", "order-item-id", "purchase-date", "payments-date", "buyer-email", "buyer-name",
                "buyer-phone-number", "sku", "product-name", "quantity-purchased", "quantity-to-ship",
                "ship-service-level", "recipient-name", "ship-address-1", "ship-address-2", "ship-address-3",
                "ship-city", "ship-state", "ship-postal-code", "ship-country", "ship-phone-number",
                "is-business-order", "purchase-order-number", "price-designation", "is-prime"]
        biz = ["205-1111111-0000001", "1", "2026-11-28T14:05:00+00:00", "2026-11-28T14:05:00+00:00",
               "biz@marketplace.example", "Acme Buyer", "", "DESK-1", "Standing desk", "1", "1", "Standard",
               "Acme Ltd", "1 Works Road", "Unit 7", "Trading Estate", "Swindon", "Wiltshire", "SN1 1AA", "GB",
               "01793000000", "true", "PO-77", "BusinessPrice", "false"]
        home = ["205-1111111-0000002", "2", "2026-11-28T15:05:00+00:00", "", "home@marketplace.example",
                "Pat Home", "", "LAMP-1", "Lamp", "2", "2", "Standard", "Pat Home", "2 Home Road", "", "",
                "Swindon", "", "SN2 2BB", "GB", "", "false", "", "", "true"]
        r, ids = self.imported(self.b1, tsv([head, biz, home]).encode(), 2, "an Amazon",
                               filename="unshipped.txt", ctype="text/plain", weight="3")
        o = self.full(self.one, ids["205-1111111-0000001"])
        a = o["shippingInfo"]
        self.assertEqual((a["firstName"], a["lastName"]), ("Acme", "Ltd"))
        self.assertEqual((a["addressLine1"], a["addressLine2"], a["addressLine3"]),
                         ("1 Works Road", "Unit 7", "Trading Estate"))
        self.assertEqual((a["city"], a["county"], a["postcode"], a["countryCode"]),
                         ("Swindon", "Wiltshire", "SN1 1AA", "GB"))
        self.assertEqual(a["phoneNumber"], "01793000000")
        self.assertEqual(o["orderDate"], "2026-11-28T14:05:00Z")
        self.assertEqual([(l["SKU"], l["quantity"]) for l in o["orderLines"]], [("DESK-1", 1)])
        self.assertEqual(o["channel"], "Amazon")
        self.assertEqual(self.full(self.one, ids["205-1111111-0000002"])["orderLines"][0]["quantity"], 2)
        # the business flag is not in GetOrderDetailsResource: read back through the export
        exp = self.b1.get("/export.csv")
        self.assertEqual(exp.status, 200)
        rows = {row["Order reference"]: row for row in
                csv.DictReader(io.StringIO(exp.body.decode("utf-8").lstrip("\ufeff"), newline=""))}
        self.assertEqual(rows["205-1111111-0000001"]["Recipient is a business"], "True")
        self.assertEqual(rows["205-1111111-0000002"]["Recipient is a business"], "False")

    # -- Excel's semicolon files

    def test_excel_semicolon_file_with_times_and_thousands(self):
        head = ["First Name", "Last Name", "Address Line 1", "City", "Postcode", "Country", "Order reference",
                "Order date", "Weight", "Package size", "Sub-total", "Shipping cost", "Total", "Currency code"]
        rows = [head,
                ["Zoë", "Wąsowski", "1 Semi Road", "Leeds", "LS1 1AA", "United Kingdom", "SEMI-1",
                 "28/11/2026 14:05", "1.25", "parcel", "1,234.50", "£12.00", "£1,246.50", ""],
                ["Al", "Seconds", "2 Semi Road", "York", "YO1 7HH", "GB", "SEMI-2", "28/11/2026 14:05:33",
                 "0.5", "small parcel", "10", "0", "10", "GBP"],
                ["Cy", "Iso", "3 Semi Road", "Hull", "HU1 1AA", "GB", "SEMI-3", "2026-11-28 14:05",
                 "0.5", "small parcel", "12,345.67", "0", "12,345.67", "GBP"]]
        data = ("sep=;\r\n" + csv_text(rows, delimiter=";")).encode("utf-8")
        r, ids = self.imported(self.b2, b"\xef\xbb\xbf" + data, 3, "a Click &amp; Drop")
        o = self.full(self.two, ids["SEMI-1"])
        a = o["shippingInfo"]
        self.assertEqual((a["firstName"], a["lastName"], a["addressLine1"], a["city"], a["postcode"],
                          a["countryCode"]), ("Zoë", "Wąsowski", "1 Semi Road", "Leeds", "LS1 1AA", "GB"))
        self.assertEqual(o["orderDate"], "2026-11-28T14:05:00Z")
        self.assertEqual((o["subtotal"], o["shippingCostCharged"], o["total"]), (1234.5, 12.0, 1246.5))
        self.assertEqual(o["currencyCode"], "GBP")
        self.assertEqual((o["weightInGrams"], o["packageSize"]), (1250, "parcel"))
        self.assertEqual(self.full(self.two, ids["SEMI-2"])["orderDate"], "2026-11-28T14:05:33Z")
        cy = self.full(self.two, ids["SEMI-3"])
        self.assertEqual(cy["orderDate"], "2026-11-28T14:05:00Z")
        self.assertEqual((cy["subtotal"], cy["total"]), (12345.67, 12345.67))
        # lines are the file's own: the sep= line is line 1, so the first order is on line 3
        self.assertRegex(r.text(), r'<tr><td>3</td><td><a href="/orders/%d">%d</a></td><td>SEMI-1</td>' % (ids["SEMI-1"], ids["SEMI-1"]))

    def test_ambiguous_money_is_still_refused(self):
        rows = [["First Name", "Address Line 1", "City", "Postcode", "Weight", "Sub-total", "Total"],
                ["Ok", "1 A St", "Leeds", "LS1 1AA", "0.1", "1,234.00", "1,234.00"],
                ["Bad", "2 B St", "Leeds", "LS1 1AA", "0.1", "1,23", "1,23"]]
        data = ("sep=;\n" + csv_text(rows, delimiter=";", line_end="\n")).encode()
        self.refused(self.b1, self.one, data, 422, "Line 4, Sub-total: &#39;1,23&#39; is not an amount of money",
                     "Line 4, Total")

    # -- Etsy and WooCommerce spellings

    def test_etsy_order_items_file(self):
        head = ["Sale Date", "Item Name", "Buyer", "Quantity", "Price", "Order Delivery", "Currency", "Ship Name",
                "Ship Address1", "Ship Address2", "Ship City", "Ship State", "Ship Zipcode", "Ship Country",
                "Order ID"]
        rows = [head,
                ["11/28/26", "Knitted hat", "etsyzoe", "1", "15.00", "3.50", "GBP", "Zoë Knit", "5 Wool Lane",
                 "", "Kendal", "Cumbria", "LA9 4AA", "United Kingdom", "4455667788"],
                ["11/28/26", "Scarf", "etsyzoe", "2", "9.00", "3.50", "GBP", "Zoë Knit", "5 Wool Lane",
                 "", "Kendal", "Cumbria", "LA9 4AA", "United Kingdom", "4455667788"]]
        _, ids = self.imported(self.b1, csv_text(rows).encode(), 1, "an Etsy", weight="0.4")
        o = self.full(self.one, ids["4455667788"])
        a = o["shippingInfo"]
        self.assertEqual((a["firstName"], a["lastName"], a["addressLine1"], a["city"], a["county"],
                          a["postcode"], a["countryCode"]),
                         ("Zoë", "Knit", "5 Wool Lane", "Kendal", "Cumbria", "LA9 4AA", "GB"))
        self.assertEqual(sorted((l["name"], l["quantity"], l["unitValue"]) for l in o["orderLines"]),
                         [("Knitted hat", 1, 15.0), ("Scarf", 2, 9.0)])
        self.assertEqual((o["subtotal"], o["shippingCostCharged"], o["total"]), (33.0, 3.5, 36.5))
        self.assertEqual(o["orderDate"], "2026-11-28T00:00:00Z")
        self.assertEqual(o["channel"], "Etsy")

    def test_woocommerce_snake_case_export(self):
        head = ["order_id", "order_number", "order_date", "status", "shipping_total", "order_total",
                "order_currency", "billing_email", "billing_phone", "shipping_first_name", "shipping_last_name",
                "shipping_company", "shipping_address_1", "shipping_address_2", "shipping_postcode",
                "shipping_city", "shipping_state", "shipping_country", "shipping_phone", "customer_note",
                "item_name", "item_sku", "item_quantity"]
        order = ["88", "WC-88", "2026-11-28 14:05:33", "processing", "4.00", "1,204.00", "GBP",
                 "woo@cust.example", "01130000000", "Wendy", "Woo", "Woo Ltd", "8 Woo St", "Floor 2", "LS2 8AA",
                 "Leeds", "West Yorkshire", "GB", "07700900333", "Ring twice"]
        rows = [head, order + ["Big lamp", "LAMP-B", "1"], order + ["Bulb", "BULB-1", "4"]]
        _, ids = self.imported(self.b1, csv_text(rows).encode(), 1, "a WooCommerce", weight="2")
        o = self.full(self.one, ids["WC-88"])
        a = o["shippingInfo"]
        self.assertEqual((a["firstName"], a["lastName"], a["companyName"], a["addressLine1"], a["addressLine2"]),
                         ("Wendy", "Woo", "Woo Ltd", "8 Woo St", "Floor 2"))
        self.assertEqual((a["city"], a["county"], a["postcode"], a["countryCode"], a["phoneNumber"]),
                         ("Leeds", "West Yorkshire", "LS2 8AA", "GB", "07700900333"))
        self.assertEqual(a["emailAddress"], "woo@cust.example")
        self.assertEqual(o["specialInstructions"], "Ring twice")
        self.assertEqual(o["orderDate"], "2026-11-28T14:05:33Z")
        self.assertEqual((o["shippingCostCharged"], o["total"]), (4.0, 1204.0))
        self.assertEqual(sorted((l["SKU"], l["quantity"]) for l in o["orderLines"]), [("BULB-1", 4), ("LAMP-B", 1)])

    # -- files that are not spreadsheets

    def test_an_empty_file_is_called_empty(self):
        r = self.refused(self.b1, self.one, b"", 422, "is empty (0 bytes)", filename="orders.csv")
        self.assertNotIn("Choose a spreadsheet file", r.text())

    def test_binary_files_are_not_a_misplaced_quote(self):
        for name, data, ctype in (("photo.png", png_bytes(), "image/png"),
                                  ("orders.xlsx", xlsx_like_bytes(),
                                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                                  ("noise.csv", bytes((i * 73 + 41) % 256 for i in range(3000)), "text/csv")):
            with self.subTest(name=name):
                r = self.refused(self.b1, self.one, data, 422, "not a CSV or TSV text file", filename=name,
                                 ctype=ctype)
                self.assertNotIn("quote", r.text().split("<form")[0])
        r = self.refused(self.b1, self.one, xlsx_like_bytes(), 422, ".xlsx", "save it as CSV",
                         filename="orders.xlsx")

    def test_an_upload_over_the_limit_gets_a_page(self):
        before, n = self.one.snapshot(), self.count(self.one)
        size = 9 * MIB
        head = ("POST /import HTTP/1.1\r\nHost: x\r\nCookie: %s\r\n"
                "Content-Type: multipart/form-data; boundary=%s\r\nContent-Length: %d\r\n\r\n"
                % (self.b1.cookie, BOUNDARY, size)).encode()
        part = ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n"
                "Content-Type: text/csv\r\n\r\n" % BOUNDARY).encode()
        body = part + b"x" * (size - len(part))
        chunk = 65536
        r = SERVER.upload(head, [body[i:i + chunk] for i in range(0, size, chunk)])
        self.assertIsNotNone(r, "the connection was closed without an answer")
        self.assertEqual(r.status, 413, r.short())
        self.assertTrue(r.header("Content-Type").startswith("text/html"), r.header("Content-Type"))
        self.assertIn("File too large", r.text())
        self.assertIn("8 MiB", r.text())
        self.assertIn("Nothing was imported", r.text())
        self.assertEqual(self.count(self.one), n)
        self.assertEqual(self.one.snapshot(), before)
        # the API's own limit still answers JSON
        head = ("POST /api/v1/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (self.one.key, size)).encode()
        r = SERVER.upload(head, [b" " * chunk] * (size // chunk))
        self.assertIsNotNone(r)
        self.assertEqual(r.status, 413)
        self.assertEqual(r.json()["code"], "PayloadTooLarge")

    def test_nothing_crosses_to_the_other_business(self):
        rows = [self.SHOPIFY_HEAD,
                ["#CROSS1", "cross@cust.example", "paid", "GBP", "5", "0", "5", "2026-11-28 14:05:00 +0000",
                 "1", "Mug", "5", "MUG-X", "true", "Cross Only", "1 Own St", "1 Own St", "", "", "Leeds",
                 "LS1 1AA", "", "", "GB", ""]]
        _, ids = self.imported(self.b1, csv_text(rows).encode(), 1, "a Shopify", weight="0.2")
        self.assertEqual(self.full(self.one, ids["#CROSS1"])["shippingInfo"]["firstName"], "Cross")
        orders, _ = self.two.all_pages("/api/v1/orders/full")
        self.assertNotIn("#CROSS1", [o.get("orderReference") for o in orders])
        self.assertNotIn("Cross Only", repr(orders))


if __name__ == "__main__":
    harness.main()

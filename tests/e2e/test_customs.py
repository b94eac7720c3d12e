"""Customs declarations: postage across a customs border (anywhere but GB and the
Isle of Man, so Jersey and Guernsey too) needs contents that can fill in the CN22
or CN23, through POST /orders and through the spreadsheet import alike; a customs
form is never drawn for an order whose contents cannot fill it (400 naming the
order and what is missing, never a form of 0.000 kg and 0.00 GBP); and a complete
order's CN22 and CN23, read back with pdftotext, show its real items and totals.

Run: /usr/bin/python3 tests/e2e/test_customs.py BUILD/postroom
"""
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import harness
from harness import order

SERVER = None
TMP = None
PASSWORD = "customs tests password"
BOUNDARY = "----postroomCustomsBoundary4kq9"

MUG = {"name": "Mug", "customsDescription": "Ceramic mug", "SKU": "MUG-1", "quantity": 2, "unitValue": 5.5,
       "unitWeightInGrams": 300, "customsCode": "691200", "originCountryCode": "GB"}
SCARF = {"name": "Scarf", "customsDescription": "Lambswool scarf", "SKU": "SCF-1", "quantity": 1,
         "unitValue": 12, "unitWeightInGrams": 150, "customsCode": "611710", "originCountryCode": "GB"}
COAT = {"name": "Coat", "customsDescription": "Cashmere coat", "SKU": "COAT-1", "quantity": 1,
        "unitValue": 420, "unitWeightInGrams": 1400, "customsCode": "620231", "originCountryCode": "IT"}


def setUpModule():
    global SERVER, TMP
    for tool in ("pdftotext", "qpdf"):
        if not shutil.which(tool):
            raise RuntimeError("%s is missing: make test installs poppler-utils and qpdf" % tool)
    TMP = tempfile.mkdtemp(prefix="postroom-customs-")
    SERVER = harness.Server.start_new()


def tearDownModule():
    SERVER.stop_and_check(forbidden_in_logs=[PASSWORD, "Fürst"])
    shutil.rmtree(TMP, ignore_errors=True)


def abroad(ref, country="FR", service="ITROLP", contents=None, weight=900, fmt="smallParcel"):
    """An order to country with postage; contents None leaves the key out."""
    o = order(ref)
    o["recipient"]["address"].update({"fullName": "Élodie Fürst", "countryCode": country, "postcode": "75001",
                                      "city": "Paris"})
    if service:
        o["postageDetails"] = {"serviceCode": service}
    pkg = {"weightInGrams": weight, "packageFormatIdentifier": fmt}
    if contents is not None:
        pkg["contents"] = contents
    o["packages"] = [pkg]
    return o


def pdf_text(pdf, tag):
    path = os.path.join(TMP, tag + ".pdf")
    with open(path, "wb") as f:
        f.write(pdf)
    check = subprocess.run(["qpdf", "--check", path], capture_output=True, text=True)
    if check.returncode != 0:
        raise AssertionError("qpdf --check failed for %s: %s" % (tag, check.stdout[-500:]))
    return subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True,
                          check=True).stdout


def post(tenant, items):
    r = tenant.req("POST", "/api/v1/orders", body={"items": items})
    if r.status != 200:
        raise AssertionError("POST /orders: %s" % r.short())
    return r.json()


def fields_of(failed):
    """[(errorCode, fieldName)] of one failed order."""
    return [(e["errorCode"], f["fieldName"]) for e in failed["errors"] for f in e["fields"]]


class Api(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.t = SERVER.new_tenant("Customs API")

    def assert_refused(self, o, want):
        before = self.t.snapshot()
        j = post(self.t, [o])
        self.assertEqual((j["successCount"], j["errorsCount"]), (0, 1), json.dumps(j)[:2000])
        self.assertEqual(fields_of(j["failedOrders"][0]), want)
        self.assertEqual(self.t.snapshot(), before, "a refused order changes nothing")
        return j["failedOrders"][0]

    def test_postage_abroad_without_contents_fails(self):
        failed = self.assert_refused(abroad("C-NONE"), [(1, "packages[0].contents")])
        msg = failed["errors"][0]["errorMessage"]
        self.assertIn("packages[0].contents", msg)
        self.assertIn("customs declaration", msg)
        self.assertEqual(failed["order"]["orderReference"], "C-NONE")
        self.assert_refused(abroad("C-EMPTY", contents=[]), [(1, "packages[0].contents")])

    def test_every_missing_field_is_named(self):
        self.assert_refused(abroad("C-BARE", contents=[{"quantity": 1}]), [
            (1, "packages[0].contents[0].customsDescription"),
            (1, "packages[0].contents[0].unitValue"),
            (1, "packages[0].contents[0].unitWeightInGrams"),
            (1, "packages[0].contents[0].customsCode"),
            (1, "packages[0].contents[0].originCountryCode")])
        no_hs = dict(MUG)
        del no_hs["customsCode"]
        self.assert_refused(abroad("C-NOHS", contents=[SCARF, no_hs]),
                            [(1, "packages[0].contents[1].customsCode")])
        zero = dict(MUG, unitValue=0, unitWeightInGrams=0)
        self.assert_refused(abroad("C-ZERO", contents=[zero]), [
            (4, "packages[0].contents[0].unitValue"), (4, "packages[0].contents[0].unitWeightInGrams")])
        bad = dict(MUG, customsCode="6912.0", originCountryCode="UK")
        failed = self.assert_refused(abroad("C-BADCODES", contents=[bad]), [
            (2, "packages[0].contents[0].customsCode"), (2, "packages[0].contents[0].originCountryCode")])
        self.assertEqual(failed["errors"][0]["fields"][0]["value"], "6912.0")

    def test_gift_on_a_cn22_needs_no_hs_code_but_a_cn23_does(self):
        gift = {"name": "Scarf", "quantity": 1, "unitValue": 20, "unitWeightInGrams": 100,
                "customsDeclarationCategory": "gift"}
        created = self.t.create_orders([abroad("C-GIFT", contents=[gift])])[0]
        self.assertRegex(created["trackingNumber"], r"^LX\d{9}GB$")
        self.assert_refused(abroad("C-BIGGIFT", contents=[dict(gift, unitValue=270.01)]), [
            (1, "packages[0].contents[0].customsCode"), (1, "packages[0].contents[0].originCountryCode")])
        docs = {"name": "Contract", "quantity": 1, "unitValue": 0, "unitWeightInGrams": 40,
                "customsDeclarationCategory": "documents"}
        self.t.create_orders([abroad("C-DOCS", service="ISOLP", fmt="documents", weight=100, contents=[docs])])

    def test_channel_islands_need_customs_and_the_isle_of_man_does_not(self):
        for cc in ("JE", "GG"):
            self.assert_refused(abroad("C-%s" % cc, country=cc, service="OLP2"), [(1, "packages[0].contents")])
            self.t.create_orders([abroad("C-%s-OK" % cc, country=cc, service="OLP2", contents=[MUG])])
        self.t.create_orders([abroad("C-IM", country="IM", service="OLP2")])
        self.t.create_orders([abroad("C-GB", country="GB", service="OLP2")])

    def test_no_postage_needs_no_contents(self):
        created = self.t.create_orders([abroad("C-NOPOSTAGE", service=None)])[0]
        self.assertNotIn("trackingNumber", created)
        full = self.t.get("/api/v1/orders/%d/full" % created["orderIdentifier"]).json()[0]
        self.assertEqual(full["orderStatus"], "new")

    def test_a_batch_keeps_the_good_orders(self):
        j = post(self.t, [abroad("C-MIX-OK", contents=[MUG]), abroad("C-MIX-BAD")])
        self.assertEqual((j["successCount"], j["errorsCount"]), (1, 1))
        self.assertEqual(j["createdOrders"][0]["orderReference"], "C-MIX-OK")
        self.assertEqual(j["failedOrders"][0]["order"]["orderReference"], "C-MIX-BAD")

    def test_the_service_error_comes_alone_for_an_unserved_country(self):
        self.assert_refused(abroad("C-ZZ", country="ZZ"), [(2, "recipient.address.countryCode")])


class Forms(unittest.TestCase):
    """Customs forms of complete orders, and refusals for incomplete ones."""

    @classmethod
    def setUpClass(cls):
        cls.t = SERVER.new_tenant("Customs Forms")
        SERVER.cli("tenant", "set", cls.t.id, "--trading-name", "Highland Knitwear", "--address-line1",
                   "1 Mill Lane", "--city", "Inverness", "--postcode", "IV2 3BQ")
        made = cls.t.create_orders([
            abroad("F-CN22", contents=[MUG, SCARF]),
            abroad("F-CN23", country="US", contents=[COAT, MUG], weight=1800),
            abroad("F-GONE", contents=[MUG]),
            abroad("F-PART", contents=[MUG, SCARF]),
            abroad("F-JE", country="JE", service="OLP2", contents=[SCARF]),
            abroad("F-IM", country="IM", service="OLP2", contents=[SCARF]),
        ])
        cls.ids = {o["orderReference"]: o["orderIdentifier"] for o in made}
        cls.tracking = {o["orderReference"]: o["trackingNumber"] for o in made}
        # Orders that got postage before the rule, or whose stored contents
        # lost a field: written into the store as they would have been.
        db = SERVER.db_connect()
        try:
            for ref, change in (("F-GONE", cls.drop_contents), ("F-PART", cls.drop_weight)):
                row = db.execute("SELECT doc FROM orders WHERE tenant_id = ? AND order_id = ?",
                                 (int(cls.t.id), cls.ids[ref])).fetchone()
                doc = json.loads(row[0])
                change(doc)
                db.execute("UPDATE orders SET doc = ? WHERE tenant_id = ? AND order_id = ?",
                           (json.dumps(doc, separators=(",", ":")), int(cls.t.id), cls.ids[ref]))
            db.commit()
        finally:
            db.close()

    @staticmethod
    def drop_contents(doc):
        del doc["packages"][0]["contents"]

    @staticmethod
    def drop_weight(doc):
        del doc["packages"][0]["contents"][1]["unitWeightInGrams"]
        del doc["packages"][0]["contents"][1]["customsCode"]

    def label(self, refs, **q):
        q.setdefault("documentType", "postageLabel")
        if q["documentType"] == "postageLabel":
            q.setdefault("includeReturnsLabel", "false")
        ids = ";".join(str(self.ids[r]) for r in refs)
        return self.t.get("/api/v1/orders/%s/label?%s" % (ids, "&".join("%s=%s" % kv for kv in q.items())))

    def test_cn22_shows_the_items_and_totals(self):
        r = self.label(["F-CN22"], documentType="CN22")
        self.assertEqual(r.status, 200, r.short())
        text = pdf_text(r.body, "cn22")
        self.assertRegex(text, r"CN ?22")
        self.assertIn(self.tracking["F-CN22"], text)
        self.assertRegex(text, r"Ceramic mug\s+2\s+0\.600\s+11\.00")
        self.assertRegex(text, r"Lambswool scarf\s+1\s+0\.150\s+12\.00")
        self.assertRegex(text, r"HS 691200 . Origin GB")
        self.assertRegex(text, r"Total\s+0\.750\s+23\.00")
        self.assertNotIn("0.000", text)

    def test_cn23_shows_the_items_and_totals(self):
        r = self.label(["F-CN23"], documentType="CN23")
        self.assertEqual(r.status, 200, r.short())
        text = pdf_text(r.body, "cn23")
        self.assertRegex(text, r"CN ?23")
        self.assertRegex(text, r"Cashmere coat\s+1\s+1\.400\s+420\.00\s+620231\s+IT")
        self.assertRegex(text, r"Ceramic mug\s+2\s+0\.600\s+11\.00\s+691200\s+GB")
        self.assertRegex(text, r"Total net weight\s+2\.000 kg")
        self.assertRegex(text, r"Total gross weight\s+1\.800 kg")
        self.assertRegex(text, r"Total value \(GBP\)\s+431\.00")
        self.assertIn("Élodie Fürst", text)

    def test_label_with_customs_picks_the_form_by_value(self):
        r = self.label(["F-CN22", "F-CN23"], includeCN="true")
        self.assertEqual(r.status, 200, r.short())
        text = pdf_text(r.body, "labels-cn")
        self.assertRegex(text, r"CN ?22")
        self.assertRegex(text, r"CN ?23")
        self.assertRegex(text, r"Total\s+0\.750\s+23\.00")

    def test_jersey_gets_a_cn22_and_the_isle_of_man_none(self):
        r = self.label(["F-JE"], documentType="CN22")
        self.assertEqual(r.status, 200, r.short())
        self.assertRegex(pdf_text(r.body, "cn22-je"), r"Lambswool scarf\s+1\s+0\.150\s+12\.00")
        r = self.label(["F-JE"], includeCN="true")
        self.assertEqual(r.status, 200, r.short())
        self.assertRegex(pdf_text(r.body, "label-je"), r"CN ?22")
        r = self.label(["F-IM"], documentType="CN22")
        self.assertEqual(r.status, 400, r.short())
        self.assertEqual(r.json()[0]["code"], "CustomsNotRequired")
        r = self.label(["F-IM"], includeCN="true")
        self.assertEqual(r.status, 200, r.short())
        self.assertNotRegex(pdf_text(r.body, "label-im"), r"CN ?2[23]")

    def assert_refusal(self, r, want):
        """400 with an OrderErrorResponse per refused order: {ref: (code, [bits of message])}."""
        self.assertEqual(r.status, 400, r.short())
        got = r.json()
        self.assertEqual(sorted(e["channelOrderReference"] for e in got), sorted(want))
        for e in got:
            code, bits = want[e["channelOrderReference"]]
            self.assertEqual(e["accountOrderNumber"], self.ids[e["channelOrderReference"]])
            self.assertEqual(e["code"], code)
            for bit in bits:
                self.assertIn(bit, e["message"])

    def test_incomplete_orders_get_no_customs_form(self):
        gone = ("CustomsContentsMissing", ["packages[0].contents is required"])
        part = ("CustomsContentsIncomplete", ["packages[0].contents[1].unitWeightInGrams is required",
                                              "packages[0].contents[1].customsCode is required"])
        for kind in ("CN22", "CN23"):
            self.assert_refusal(self.label(["F-GONE"], documentType=kind), {"F-GONE": gone})
            self.assert_refusal(self.label(["F-CN22", "F-PART", "F-GONE"], documentType=kind),
                                {"F-GONE": gone, "F-PART": part})
        self.assert_refusal(self.label(["F-GONE", "F-CN23", "F-PART"], includeCN="true"),
                            {"F-GONE": gone, "F-PART": part})
        # refused, so not printed either
        full = self.t.get("/api/v1/orders/%d/full" % self.ids["F-GONE"]).json()[0]
        self.assertEqual(full["orderStatus"], "postageApplied")
        self.assertNotIn("printedOn", full)
        # the postage label alone can still be printed
        r = self.label(["F-GONE"], includeCN="false")
        self.assertEqual(r.status, 200, r.short())
        self.assertNotRegex(pdf_text(r.body, "label-gone"), r"CN ?2[23]")


def cd_file(rows, header):
    out = ",".join(header) + "\r\n"
    for row in rows:
        out += ",".join(row.get(h, "") for h in header) + "\r\n"
    return out.encode()


BASE = ["First Name", "Last Name", "Address Line 1", "City", "Postcode", "Country", "Order reference", "Weight",
        "Package size", "Service code"]
ITEMS = ["Product name", "SKU", "Quantity", "Unit price"]
CUSTOMS = ["Unit weight", "Customs description", "HS tariff code", "Country of origin"]


def row(ref, country="France", service="ITROLP", **cells):
    r = {"First Name": "Élodie", "Last Name": "Fürst", "Address Line 1": "2 Rue de Rivoli", "City": "Paris",
         "Postcode": "75001", "Country": country, "Order reference": ref, "Weight": "0.5",
         "Package size": "small parcel", "Service code": service}
    r.update(cells)
    return r


ITEM = {"Product name": "Mug", "SKU": "MUG-1", "Quantity": "2", "Unit price": "5.50"}
ITEM_CUSTOMS = dict(ITEM, **{"Unit weight": "0.3", "Customs description": "Ceramic mug",
                             "HS tariff code": "691200", "Country of origin": "United Kingdom"})


class Import(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.t = SERVER.new_tenant("Customs Import")
        cls.web = harness.WebUser(SERVER, cls.t, "customs@import.example", PASSWORD)

    def upload(self, data):
        body = harness.multipart({"csrf": self.web.csrf}, {"file": ("orders.csv", data, "text/csv")}, BOUNDARY)
        return self.web.post_multipart("/import", body, BOUNDARY)

    def problems(self, r):
        self.assertEqual(r.status, 422, r.short(3000))
        self.assertIn("Nothing was imported", r.text())
        return [html.unescape(re.sub(r"<[^>]+>", "", li)) for li in re.findall(r"<li>(.*?)</li>", r.text().split("<main", 1)[-1])]

    def refused(self, data):
        before = self.t.snapshot()
        probs = self.problems(self.upload(data))
        self.assertEqual(self.t.snapshot(), before)
        return probs

    def test_a_row_without_items_is_refused_by_column(self):
        probs = self.refused(cd_file([row("I-NONE")], BASE))
        self.assertEqual(len(probs), 1, probs)
        self.assertRegex(probs[0], r"^Line 2, Customs description: is required: post to FR needs a customs "
                                   r"declaration")

    def test_a_row_without_customs_columns_names_each_one(self):
        probs = self.refused(cd_file([row("I-OK", **ITEM_CUSTOMS), row("I-ITEMS", **ITEM)],
                                     BASE + ITEMS + CUSTOMS))
        self.assertEqual([p.split(":")[0] for p in probs],
                         ["Line 3, Unit weight", "Line 3, HS tariff code", "Line 3, Country of origin"], probs)
        # the file without the columns at all: the Click & Drop names of the columns to add
        probs = self.refused(cd_file([row("I-ITEMS", **ITEM)], BASE + ITEMS))
        self.assertEqual([p.split(":")[0] for p in probs],
                         ["Line 2, Unit weight", "Line 2, HS tariff code", "Line 2, Country of origin"], probs)

    def test_a_bad_hs_code_is_named(self):
        probs = self.refused(cd_file([row("I-BADHS", **dict(ITEM_CUSTOMS, **{"HS tariff code": "6912"}))],
                                     BASE + ITEMS + CUSTOMS))
        self.assertEqual(probs, ["Line 2, HS tariff code: must be an HS tariff code of 6 to 10 digits, "
                                 "e.g. 691200"])

    def test_complete_rows_import_and_print(self):
        rows = [row("I-FULL", **ITEM_CUSTOMS), row("I-JE", country="Jersey", service="OLP2", **ITEM_CUSTOMS),
                row("I-LATER", service="")]
        r = self.upload(cd_file(rows, BASE + ITEMS + CUSTOMS))
        self.assertEqual(r.status, 200, r.short(3000))
        self.assertIn("3 orders imported", r.text())
        orders, _ = self.t.all_pages("/api/v1/orders/full")
        got = {o["orderReference"]: o for o in orders}
        self.assertEqual(got["I-LATER"]["orderStatus"], "new")  # no service: no customs yet
        for ref in ("I-FULL", "I-JE"):
            o = got[ref]
            self.assertEqual(o["orderStatus"], "postageApplied")
            r = self.t.get("/api/v1/orders/%d/label?documentType=CN22" % o["orderIdentifier"])
            self.assertEqual(r.status, 200, r.short())
            text = pdf_text(r.body, "import-" + ref)
            self.assertRegex(text, r"Ceramic mug\s+2\s+0\.600\s+11\.00")
            self.assertRegex(text, r"HS 691200 . Origin GB")
            self.assertRegex(text, r"Total\s+0\.600\s+11\.00")


if __name__ == "__main__":
    harness.main()

#!/usr/bin/python3
"""tests/e2e/test_returns.py: GET /returns/services and POST /returns over HTTP, per the
Click & Drop spec (CreateReturnRequest, CreateReturnResponse) and docs/api.md.

Every field of each answer is checked; the returns label is read back as a person and
a scanner would (qpdf --check, pdftotext, zbarimg for its Code 128) and the qrCode PNG
decoded by zbarimg to the tracking number, which must pass the S10 check digit. Bad
input is refused field by field with the field's JSON path and creates nothing (read
from the database itself). A return whose customer reference names one of the caller's
orders is linked to it and written into that order's history; one naming another
business's order links nothing and reveals nothing.

Run: /usr/bin/python3 tests/e2e/test_returns.py BUILD/postroom
"""
import base64
import copy
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import uuid

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import order  # noqa: E402

SERVER = None
A = B = None
TMP = None
CANARY_A, CANARY_B = "CANARYRETAAA", "CANARYRETBBB"
# personal data sent by this file: none of it may reach the log
PII = ["Zoë Ó'Brien", "Łukasz Wąsowski", "7 Rue Lane", "Unit 4 Mill Lane", "LS1 4AP", CANARY_A, CANARY_B]

SERVICES = [
    {"carrierGuid": "e90e87c8-4ea6-49ec-a387-64ba37f66d84",
     "carrierServiceGuid": "3824a10c-1a2b-4e66-b82f-efa236a86cd9",
     "serviceName": "Tracked Returns 24", "serviceCode": "TSN"},
    {"carrierGuid": "e90e87c8-4ea6-49ec-a387-64ba37f66d84",
     "carrierServiceGuid": "262a663e-633c-4507-a834-fa69a6b7d112",
     "serviceName": "Tracked Returns 48", "serviceCode": "TSS"},
]
PREFIX = {"TSN": "VR", "TSS": "VS"}
S10_RE = re.compile(r"^([A-Z]{2})(\d{8})(\d)GB$")


def setUpModule():
    global SERVER, A, B, TMP
    for tool in ("qpdf", "pdftotext", "pdftoppm", "zbarimg"):
        if not shutil.which(tool):
            raise RuntimeError("%s is missing: make test installs poppler-utils, qpdf, zbar-tools" % tool)
    TMP = tempfile.mkdtemp(prefix="postroom-returns-")
    SERVER = harness.Server.start_new()
    A = SERVER.new_tenant("Returns A")
    B = SERVER.new_tenant("Returns B")
    SERVER.cli("tenant", "set", A.id, "--trading-name", "Alpha " + CANARY_A, "--address-line1",
               "1 Mill Lane", "--city", "Leeds", "--postcode", "LS1 4AP")
    SERVER.cli("tenant", "set", B.id, "--trading-name", "Beta " + CANARY_B, "--label-layout", "A4")


def tearDownModule():
    SERVER.stop_and_check(forbidden_in_logs=PII)
    shutil.rmtree(TMP, ignore_errors=True)


def s10_ok(tn):
    """The UPU S10 check digit (src/domain/s10.c): weights 8 6 4 2 3 5 9 7."""
    m = S10_RE.match(tn)
    if not m:
        return False
    s = sum(int(d) * w for d, w in zip(m.group(2), (8, 6, 4, 2, 3, 5, 9, 7)))
    c = 11 - s % 11
    c = 0 if c == 10 else 5 if c == 11 else c
    return c == int(m.group(3))


def address(first="Zoë", last="Ó'Brien", **over):
    a = {"title": "Ms", "firstName": first, "lastName": last, "companyName": "Home",
         "addressLine1": "7 Rue Lane", "addressLine2": "Flat 2", "addressLine3": "Headingley",
         "city": "Leeds", "county": "West Yorkshire", "postcode": "LS6 3HN", "country": "United Kingdom",
         "countryIsoCode": "GBR"}
    a.update(over)
    return a


def return_request(service="TSN", reference=None, canary=""):
    ship = {"shippingAddress": address(city="Leeds " + canary if canary else "Leeds"),
            "returnAddress": address("Returns", "Desk", companyName="Alpha Returns " + canary,
                                     addressLine1="Unit 4 Mill Lane", addressLine2=None, addressLine3=None,
                                     postcode="LS1 4AP")}
    for k in ("addressLine2", "addressLine3"):
        ship["returnAddress"].pop(k)
    if reference is not None:
        ship["customerReference"] = {"reference": reference}
    return {"service": {"serviceCode": service}, "shipment": ship}


def db():
    """The server's database, on either backend (sees every committed write)."""
    return SERVER.db_connect()


def db_rows(sql, *args):
    c = db()
    try:
        return c.execute(sql, args).fetchall()
    finally:
        c.close()


def pdf_text(pdf, tag):
    path = os.path.join(TMP, tag + ".pdf")
    with open(path, "wb") as f:
        f.write(pdf)
    check = subprocess.run(["qpdf", "--check", path], capture_output=True, text=True)
    if check.returncode != 0:
        raise AssertionError("qpdf --check failed for %s: %s" % (tag, check.stdout[-500:]))
    text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout
    return text, path


def code128(path, tag):
    prefix = os.path.join(TMP, tag)
    subprocess.run(["pdftoppm", "-r", "300", "-png", path, prefix], check=True)
    pages = sorted(p for p in os.listdir(TMP) if p.startswith(tag + "-") and p.endswith(".png"))
    codes = []
    for p in pages:
        z = subprocess.run(["zbarimg", "-q", "--raw", "-Scode128.enable", os.path.join(TMP, p)],
                           capture_output=True, text=True)
        codes += [line for line in z.stdout.splitlines() if line]
    return codes, len(pages)


def qr_payloads(png, tag):
    path = os.path.join(TMP, tag + ".png")
    with open(path, "wb") as f:
        f.write(png)
    z = subprocess.run(["zbarimg", "-q", "-Sdisable", "-Sqrcode.enable", path], capture_output=True, text=True)
    return z.stdout.splitlines()


class Returns(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.a_orders = A.create_orders([order("RET-A-1"), order("RET-SHARED"), order("RET-A-3"),
                                        order("RET-SHARED")])
        cls.b_orders = B.create_orders([order("RET-B-1")])

    def tearDown(self):
        SERVER.check_alive()

    def create(self, tenant, body, status=200):
        r = tenant.req("POST", "/api/v1/returns", body=body)
        self.assertEqual(r.status, status, r.short())
        self.assertTrue(harness.content_type_is_json(r), r.header("Content-Type"))
        self.assertIn("no-store", r.header("Cache-Control"))
        return r.json()

    def check_answer(self, j, service="TSN"):
        """Every field of a CreateReturnResponse; returns (tracking, label pdf, qr png)."""
        self.assertEqual(set(j), {"shipment", "qrCode", "label"})
        self.assertEqual(set(j["shipment"]), {"trackingNumber", "uniqueItemId"})
        tn = j["shipment"]["trackingNumber"]
        self.assertTrue(s10_ok(tn), tn)
        self.assertEqual(tn[:2], PREFIX[service])
        uid = uuid.UUID(j["shipment"]["uniqueItemId"])
        self.assertEqual(str(uid), j["shipment"]["uniqueItemId"])
        self.assertEqual(uid.version, 4)
        pdf = base64.b64decode(j["label"], validate=True)
        png = base64.b64decode(j["qrCode"], validate=True)
        self.assertTrue(pdf.startswith(b"%PDF-"))
        self.assertTrue(png.startswith(b"\x89PNG\r\n\x1a\n"))
        return tn, pdf, png

    def test_services(self):
        for t in (A, B):
            r = t.get("/api/v1/returns/services")
            self.assertEqual(r.status, 200, r.short())
            self.assertTrue(harness.content_type_is_json(r))
            self.assertIn("no-store", r.header("Cache-Control"))
            self.assertEqual(r.json(), {"services": SERVICES})

    def test_return_read_back(self):
        j = self.create(A, return_request(reference="RMA-" + CANARY_A))
        tn, pdf, png = self.check_answer(j)
        text, path = pdf_text(pdf, "return-a")
        for want in ("RETURNS", "TSN", "Tracked Returns 24", "Ms Zoë Ó'Brien", "7 Rue Lane, Flat 2", "Headingley",
                     "Returns Desk", "Alpha Returns", "Unit 4 Mill Lane", "LS1 4AP", "West Yorkshire", tn,
                     "Returns label", "Ref RMA-" + CANARY_A):
            self.assertIn(want, text)
        self.assertNotIn(CANARY_B, text)
        self.assertNotIn("for order", text)  # names no order
        codes, pages = code128(path, "return-a")
        self.assertEqual(pages, 1)
        self.assertEqual(codes, [tn])
        self.assertEqual(qr_payloads(png, "qr-a"), ["QR-Code:" + tn])
        row = db_rows("SELECT tenant_id, service_code, unique_item_id, customer_reference, order_id "
                      "FROM returns WHERE tracking_number = ?", tn)
        self.assertEqual(row, [(int(A.id), "TSN", j["shipment"]["uniqueItemId"], "RMA-" + CANARY_A, None)])

    def test_tracked_returns_48_and_a4_layout(self):
        body = return_request("TSS")
        del body["shipment"]["returnAddress"]["companyName"]
        j = self.create(B, body)
        tn, pdf, png = self.check_answer(j, "TSS")
        text, path = pdf_text(pdf, "return-b")
        self.assertIn("Tracked Returns 48", text)
        self.assertIn("Beta " + CANARY_B, text)  # the return address has no company: the trading name
        self.assertNotIn(CANARY_A, text)
        info = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
        self.assertRegex(info, r"Page size:\s+595\.\d+ x 841\.\d+")  # A4, the business's layout
        self.assertEqual(code128(path, "return-b")[0], [tn])
        self.assertEqual(qr_payloads(png, "qr-b"), ["QR-Code:" + tn])

    def test_linked_to_own_order_by_reference_and_identifier(self):
        a1 = self.a_orders[0]["orderIdentifier"]
        newest_shared = self.a_orders[3]["orderIdentifier"]
        cases = [("RET-A-1", a1), (str(a1), a1), ("RET-SHARED", newest_shared),
                 (str(self.a_orders[2]["orderIdentifier"]), self.a_orders[2]["orderIdentifier"])]
        for ref, want in cases:
            with self.subTest(reference=ref):
                before = db_rows("SELECT COUNT(*) FROM order_history WHERE tenant_id = ? AND order_id = ?",
                                 int(A.id), want)[0][0]
                tn, pdf, _ = self.check_answer(self.create(A, return_request(reference=ref)))
                text, _ = pdf_text(pdf, "linked-%s" % ref)
                self.assertIn("Returns label for order %d" % want, text)
                self.assertEqual(db_rows("SELECT order_id FROM returns WHERE tenant_id = ? AND tracking_number = ?",
                                         int(A.id), tn), [(want,)])
                hist = db_rows("SELECT kind, text FROM order_history WHERE tenant_id = ? AND order_id = ? "
                               "ORDER BY event_id", int(A.id), want)
                self.assertEqual(len(hist), before + 1)
                self.assertEqual(hist[-1], ("returnCreated", "Return label created, tracking " + tn))
        # the orders themselves are untouched
        full = A.get("/api/v1/orders/%d/full" % a1).json()[0]
        self.assertEqual(full["orderStatus"], "new")

    def test_reference_naming_nothing_links_nothing(self):
        before = db_rows("SELECT COUNT(*) FROM order_history")[0][0]
        for ref in ("NO-SUCH-ORDER", "999999", "0", "ret-a-1"):
            tn, _, _ = self.check_answer(self.create(A, return_request(reference=ref)))
            self.assertEqual(db_rows("SELECT order_id FROM returns WHERE tracking_number = ?", tn), [(None,)])
        self.assertEqual(db_rows("SELECT COUNT(*) FROM order_history")[0][0], before)

    def test_other_business_reference_links_nothing(self):
        """B names A's references and A's identifiers (B has no order 1004): nothing of A
        is linked, written or shown; B's own 1001 is B's."""
        a_hist = db_rows("SELECT * FROM order_history WHERE tenant_id = ? ORDER BY order_id, event_id", int(A.id))
        a_snap = A.snapshot()
        b1 = self.b_orders[0]["orderIdentifier"]
        for ref in ("RET-A-1", "RET-SHARED", str(self.a_orders[3]["orderIdentifier"])):
            with self.subTest(reference=ref):
                j = self.create(B, return_request(reference=ref, canary=CANARY_B))
                tn, pdf, _ = self.check_answer(j)
                text, _ = pdf_text(pdf, "cross-%s" % ref)
                self.assertNotIn(CANARY_A, text)
                self.assertNotIn("for order", text)
                self.assertNotIn(CANARY_A.encode(), base64.b64decode(j["label"]))
                self.assertEqual(db_rows("SELECT tenant_id, order_id FROM returns WHERE tracking_number = ?", tn),
                                 [(int(B.id), None)])
        j = self.create(B, return_request(reference=str(b1)))
        tn, pdf, _ = self.check_answer(j)
        self.assertIn("Returns label for order %d" % b1, pdf_text(pdf, "b-own")[0])
        self.assertEqual(db_rows("SELECT order_id FROM order_history WHERE tenant_id = ?", int(B.id)), [(b1,)])
        self.assertEqual(db_rows("SELECT * FROM order_history WHERE tenant_id = ? ORDER BY order_id, event_id",
                                 int(A.id)), a_hist)
        self.assertEqual(A.snapshot(), a_snap)

    def test_tracking_numbers_unique_across_businesses(self):
        got = {"A": [], "B": []}

        def one(i):
            t = (A, B)[i % 2]
            r = t.req("POST", "/api/v1/returns", body=return_request(("TSN", "TSS")[i % 4 // 2]))
            if r.status != 200:
                raise AssertionError(r.short())
            got["AB"[i % 2]].append(r.json()["shipment"]["trackingNumber"])

        errors = harness.Parallel(8, one).run()
        self.assertEqual(errors, [])
        errors = harness.Parallel(8, one).run()
        self.assertEqual(errors, [])
        nums = got["A"] + got["B"]
        self.assertEqual(len(nums), 16)
        self.assertEqual(len(set(nums)), 16, nums)
        self.assertTrue(all(s10_ok(n) for n in nums), nums)
        every = [r[0] for r in db_rows("SELECT tracking_number FROM returns")]
        self.assertEqual(len(every), len(set(every)))
        # numbers printed with orders' returns labels come from the same register
        o = order("RET-LBL")
        o["postageDetails"] = {"serviceCode": "TOLP24"}
        oid = A.create_orders([o])[0]["orderIdentifier"]
        r = A.get("/api/v1/orders/%d/label?documentType=postageLabel&includeReturnsLabel=true" % oid)
        self.assertEqual(r.status, 200, r.short())
        path = os.path.join(TMP, "with-returns.pdf")
        with open(path, "wb") as f:
            f.write(r.body)
        codes, _ = code128(path, "with-returns")
        vr = [c for c in codes if c.startswith("VR")]
        self.assertEqual(len(vr), 1, codes)
        self.assertTrue(s10_ok(vr[0]))
        self.assertNotIn(vr[0], every)

    def test_no_501(self):
        for m, p, b in (("GET", "/api/v1/returns/services", None), ("POST", "/api/v1/returns", return_request()),
                        ("GET", "/api/v1/carriers", None)):
            r = A.req(m, p, body=b)
            self.assertEqual(r.status, 200, "%s %s: %s" % (m, p, r.short()))


# (path, value: None deletes the field, expected code, the field named)
def bad_cases():
    sa, ra = "shipment.shippingAddress", "shipment.returnAddress"
    cases = [
        (["service"], None, "MissingField", "service"),
        (["service"], "TSN", "InvalidField", "service"),
        (["service", "serviceCode"], None, "MissingField", "service.serviceCode"),
        (["service", "serviceCode"], "", "MissingField", "service.serviceCode"),
        (["service", "serviceCode"], 24, "InvalidField", "service.serviceCode"),
        (["service", "serviceCode"], "TOLP24", "InvalidField", "service.serviceCode"),
        (["service", "serviceCode"], "tsn", "InvalidField", "service.serviceCode"),
        (["service", "serviceRegisterCode"], 5, "InvalidField", "service.serviceRegisterCode"),
        (["shipment"], None, "MissingField", "shipment"),
        (["shipment"], [], "InvalidField", "shipment"),
        (["shipment", "shippingAddress"], None, "MissingField", sa),
        (["shipment", "returnAddress"], None, "MissingField", ra),
        (["shipment", "returnAddress"], "Leeds", "InvalidField", ra),
        (["shipment", "customerReference"], "RMA-1", "InvalidField", "shipment.customerReference"),
        (["shipment", "customerReference"], {}, "MissingField", "shipment.customerReference.reference"),
        (["shipment", "customerReference", "reference"], "R" * 51, "FieldTooLong",
         "shipment.customerReference.reference"),
        (["shipment", "customerReference", "reference"], 1001, "InvalidField",
         "shipment.customerReference.reference"),
    ]
    required = ["firstName", "lastName", "addressLine1", "city", "postcode", "country", "countryIsoCode"]
    lengths = {"title": 25, "firstName": 150, "lastName": 150, "companyName": 250, "addressLine1": 250,
               "addressLine2": 250, "addressLine3": 250, "city": 100, "county": 250, "postcode": 25, "country": 50,
               "countryIsoCode": 3}
    for prefix, key in ((sa, "shippingAddress"), (ra, "returnAddress")):
        for f in required:
            cases.append((["shipment", key, f], None, "MissingField", prefix + "." + f))
            cases.append((["shipment", key, f], "  ", "MissingField", prefix + "." + f))
        for f, n in lengths.items():
            cases.append((["shipment", key, f], "é" * (n + 1), "FieldTooLong", prefix + "." + f))
            cases.append((["shipment", key, f], {"x": 1}, "InvalidField", prefix + "." + f))
        for iso in ("GB", "XXX", "FRA", "USA", "GBRR"):
            cases.append((["shipment", key, "countryIsoCode"], iso,
                          "FieldTooLong" if len(iso) > 3 else "InvalidField", prefix + ".countryIsoCode"))
    return cases


def mutate(body, path, value):
    body = copy.deepcopy(body)
    node = body
    for k in path[:-1]:
        node = node.setdefault(k, {})
    if value is None:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value
    return body


class BadInput(unittest.TestCase):
    def tearDown(self):
        SERVER.check_alive()

    def counts(self):
        return (db_rows("SELECT COUNT(*) FROM returns")[0][0], db_rows("SELECT COUNT(*) FROM order_history")[0][0],
                db_rows("SELECT prefix, next_serial FROM s10_serials ORDER BY prefix"))

    def test_field_by_field(self):
        A.create_orders([order("BAD-REF")])
        before = self.counts()
        good = return_request(reference="BAD-REF")
        cases = bad_cases()
        self.assertGreater(len(cases), 80)
        for path, value, code, field in cases:
            with self.subTest(field=".".join(path), value=value):
                r = A.req("POST", "/api/v1/returns", body=mutate(good, path, value))
                self.assertEqual(r.status, 400, r.short())
                j = r.json()
                self.assertEqual(set(j), {"code", "message", "details"}, j)
                self.assertEqual(j["code"], code, j)
                self.assertEqual(j["details"], field, j)
                self.assertIn(field, j["message"])
        self.assertEqual(self.counts(), before, "a refused request created something")

    def test_limits_met_exactly_pass(self):
        body = return_request(reference="R" * 50)
        for key in ("shippingAddress", "returnAddress"):
            body["shipment"][key].update({"title": "T" * 25, "firstName": "é" * 150, "postcode": "P" * 25,
                                          "city": "C" * 100, "country": "N" * 50, "countryIsoCode": "jey"})
        r = A.req("POST", "/api/v1/returns", body=body)
        self.assertEqual(r.status, 200, r.short())
        # the Channel Islands and the Isle of Man are in the UK zone; Guernsey too
        body["shipment"]["shippingAddress"]["countryIsoCode"] = "GGY"
        body["shipment"]["returnAddress"]["countryIsoCode"] = "IMN"
        self.assertEqual(A.req("POST", "/api/v1/returns", body=body).status, 200)

    def test_not_json_and_wrong_type(self):
        before = self.counts()
        for body, ct, status in (("{", "application/json", 400), ("[]", "application/json", 400),
                                 ('{"service":{"serviceCode":"TSN"},"service":{}}', "application/json", 400),
                                 ("", "application/json", 400), ("{}", "text/plain", 415)):
            r = A.req("POST", "/api/v1/returns", body=body.encode(), headers={"Content-Type": ct})
            self.assertEqual(r.status, status, r.short())
            self.assertTrue(harness.is_json_error(r), r.short())
        self.assertEqual(self.counts(), before)

    def test_needs_a_key(self):
        for hdr in ({}, {"Authorization": "Bearer " + "Z" * 36}):
            r = SERVER.request("POST", "/api/v1/returns", headers=hdr, body=return_request())
            self.assertEqual(r.status, 401, r.short())
            r = SERVER.request("GET", "/api/v1/returns/services", headers=hdr)
            self.assertEqual(r.status, 401, r.short())


if __name__ == "__main__":
    harness.main()

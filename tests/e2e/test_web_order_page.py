"""The web app's order page, order form and senders (issue 11).

One order's page (what it holds, its status in words, its history), the
same 404 for another business's order numbers typed into the URL (view,
edit and a hand-made edit post, which changes nothing), creating and
editing through the API's own validation with field-level errors (422,
nothing stored), editing refused once postage is applied, trading names
chosen per order and printed on its label, and /settings/senders for
administrators only.

Run: /usr/bin/python3 tests/e2e/test_web_order_page.py BUILD/postroom
"""
import html
import re
import subprocess
import unittest
import urllib.parse

import harness

SERVER = None
PASSWORD = "a long enough password"
CANARY_A = "CANARY-OP-ALPHA"
CANARY_B = "CANARY-OP-BETA"


def setUpModule():
    global SERVER
    SERVER = harness.Server.start_new()


def tearDownModule():
    SERVER.stop_and_check(forbidden_in_logs=[PASSWORD, "op-a@alpha.example", CANARY_A, CANARY_B])


def pdf_text(pdf):
    p = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, timeout=60)
    if p.returncode != 0:
        raise AssertionError("pdftotext failed: %s" % p.stderr[:300])
    return p.stdout.decode("utf-8", "replace")


def form_name(path):
    """The form field's name for a JSON path (brackets would be percent-encoded)."""
    return re.sub(r"\[(\d+)\]", r".\1", path)


def audited(tenant_id, action, objects):
    """Whether the access audit holds a record of action on objects of the tenant."""
    harness.audit_settle(SERVER)
    c = SERVER.db_connect()
    try:
        return c.execute("SELECT COUNT(*) FROM audit WHERE data_tenant = ? AND action = ? AND objects = ?",
                         (int(tenant_id), action, objects)).fetchone()[0] > 0
    finally:
        c.close()


class User(harness.WebUser):
    def post(self, path, fields):
        items = [(form_name(k), v) for k, v in fields.items()]
        body = urllib.parse.urlencode(items + [("csrf", self.csrf)]).encode()
        return self.server.request("POST", path, body=body, headers={
            "Cookie": self.cookie, "Content-Type": "application/x-www-form-urlencoded"})


def form_fields(**over):
    """A complete, valid order form (the names are the request's JSON paths)."""
    f = {
        "recipient.address.fullName": "Grace Hopper " + CANARY_A,
        "recipient.address.companyName": "",
        "recipient.address.addressLine1": "1 Harbour Street",
        "recipient.address.addressLine2": "",
        "recipient.address.city": "Bristol",
        "recipient.address.county": "",
        "recipient.address.postcode": "BS1 4DJ",
        "recipient.address.countryCode": "GB",
        "recipient.phoneNumber": "07700900999",
        "recipient.emailAddress": "grace@example.com",
        "orderReference": "WEB-1",
        "orderDate": "2026-11-30",
        "specialInstructions": "Ring twice",
        "packages[0].weightInGrams": "750",
        "packages[0].packageFormatIdentifier": "smallParcel",
        "packages[0].contents[0].customsDescription": "Cotton scarf",
        "packages[0].contents[0].quantity": "2",
        "packages[0].contents[0].unitValue": "12.50",
        "packages[0].contents[0].unitWeightInGrams": "150",
        "postageDetails.serviceCode": "",
        "senderId": "",
    }
    f.update(over)
    return f


def field_error(page, name):
    """The message shown beside the field named name, or None."""
    eid = "e-" + re.sub(r"[^A-Za-z0-9]", "-", name)
    m = re.search(r'<span class="field-error" id="%s">([^<]*)</span>' % re.escape(eid), page)
    return html.unescape(m.group(1)) if m else None


def input_tag(page, name):
    m = re.search(r'<(?:input|select|textarea)[^>]* name="%s"[^>]*>' % re.escape(form_name(name)), page)
    return m.group(0) if m else ""


class OrderPages(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.a = SERVER.new_tenant("Alpha Orders " + CANARY_A)
        cls.b = SERVER.new_tenant("Beta Orders " + CANARY_B)
        cls.ua = User(SERVER, cls.a, "op-a@alpha.example", PASSWORD, role="admin")
        cls.sa = User(SERVER, cls.a, "op-s@alpha.example", PASSWORD, role="standard")
        cls.ub = User(SERVER, cls.b, "op-b@beta.example", PASSWORD, role="admin")
        o = harness.order("B-SECRET", specialInstructions="Beta only " + CANARY_B)
        o["recipient"]["address"]["fullName"] = "Beta Person " + CANARY_B
        # order numbers are per business: Beta's last is a number Alpha never reaches here
        filler = [harness.order("B-FILL-%d" % i) for i in range(40)]
        cls.b_id = cls.b.create_orders(filler + [o])[-1]["orderIdentifier"]
        cls.a_id = cls.a.create_orders([harness.order("A-API-1")])[0]["orderIdentifier"]

    def count_orders(self, tenant):
        return len(tenant.all_pages()[0])

    def test_detail_of_own_order(self):
        r = self.ua.get("/orders/%d" % self.a_id)
        self.assertEqual(r.status, 200, r.short())
        page = r.text()
        for text in ("Ada Lovelace", "12 St James&#39;s Square", "SW1Y 4JH", "A-API-1",
                     "Leave with the porter", "Brass gear", "Created", "API"):
            self.assertIn(text, page.replace("&#x27;", "&#39;"))
        self.assertIn('<span class="badge s-new">New</span>', page)
        self.assertIn('href="/orders/%d/edit"' % self.a_id, page)
        self.assertIn('href="/orders/%d/despatch-note.pdf"' % self.a_id, page)
        self.assertNotIn(CANARY_B, page)
        note = self.ua.get("/orders/%d/despatch-note.pdf" % self.a_id)
        self.assertEqual(note.status, 200, note.short())
        self.assertTrue(note.body.startswith(b"%PDF"))
        self.assertIn("Ada Lovelace", pdf_text(note.body))

    def test_other_business_order_is_the_same_404(self):
        unknown = self.ua.get("/orders/999999")
        self.assertEqual(unknown.status, 404)
        for path in ("/orders/%d" % self.b_id, "/orders/%d/edit" % self.b_id,
                     "/orders/%d/label.pdf" % self.b_id, "/orders/%d/despatch-note.pdf" % self.b_id,
                     "/orders/abc", "/orders/-1", "/orders/0", "/orders/%d00000000000000000" % self.b_id):
            r = self.ua.get(path)
            self.assertEqual(r.status, 404, path)
            self.assertNotIn(CANARY_B, r.text())
            self.assertNotIn("B-SECRET", r.text())
            if path.startswith("/orders/%d" % self.b_id) and "pdf" not in path:
                self.assertEqual(r.body, unknown.body.replace(b"/orders/999999", path.encode()), path)
        before = self.b.snapshot()
        r = self.ua.post("/orders/%d/edit" % self.b_id, form_fields())
        self.assertEqual(r.status, 404)
        self.assertNotIn(CANARY_B, r.text())
        self.assertEqual(self.b.snapshot(), before)

    def test_create_with_errors_field_by_field(self):
        before = self.count_orders(self.a)
        bad = form_fields(**{
            "recipient.address.addressLine1": "",
            "recipient.address.city": "",
            "orderReference": "X" * 41,
            "packages[0].weightInGrams": "heavy",
            "packages[0].contents[0].quantity": "0",
            "recipient.address.fullName": "<script>alert(1)</script>",
            "specialInstructions": '"><img src=x onerror=alert(1)>',
        })
        r = self.ua.post("/orders/new", bad)
        self.assertEqual(r.status, 422, r.short())
        page = r.text()
        self.assertIn("Address line 1 is required", field_error(page, "recipient.address.addressLine1") or "")
        self.assertTrue(field_error(page, "recipient.address.city"))
        self.assertTrue(field_error(page, "orderReference"))
        self.assertTrue(field_error(page, "packages[0].weightInGrams"))
        self.assertTrue(field_error(page, "packages[0].contents[0].quantity"))
        tag = input_tag(page, "recipient.address.city")
        self.assertIn('aria-invalid="true"', tag)
        self.assertIn('aria-describedby="e-recipient-address-city"', tag)
        self.assertNotIn("aria-invalid", input_tag(page, "recipient.address.postcode"))
        # what was typed is kept, as text
        self.assertIn('value="BS1 4DJ"', page)
        self.assertIn('value="heavy"', page)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", page)
        self.assertNotIn("<script>alert(1)", page)
        self.assertNotIn("<img src=x", page)
        self.assertEqual(self.count_orders(self.a), before)
        # another business's sender number is refused like a bad field
        sb = self.ub.post("/settings/senders", {"trading_name": "Beta Sender " + CANARY_B,
                                                 "address_line1": "1 B Road", "city": "Leeds",
                                                 "country_code": "GB"})
        self.assertEqual(sb.status, 303, sb.short())
        r = self.ua.post("/orders/new", form_fields(senderId="1"))
        self.assertEqual(r.status, 422, r.short())
        self.assertTrue(field_error(r.text(), "senderId"))
        self.assertNotIn(CANARY_B, r.text())
        self.assertEqual(self.count_orders(self.a), before)

    def test_create_then_edit_with_history(self):
        r = self.ua.post("/orders/new", form_fields(orderReference="WEB-CREATE"))
        self.assertEqual(r.status, 303, r.short())
        loc = r.header("Location")
        m = re.match(r"^/orders/(\d+)\?done=created$", loc)
        self.assertTrue(m, loc)
        oid = int(m.group(1))
        page = self.ua.get(loc).text()
        self.assertIn("Order created.", page)
        self.assertIn("Grace Hopper", page)
        self.assertIn("Cotton scarf", page)
        self.assertIn("Web", page)
        api = self.a.get("/api/v1/orders/%d/full" % oid).json()[0]
        self.assertEqual(api["orderReference"], "WEB-CREATE")
        self.assertEqual(api["subtotal"], 25.0)
        # a done message is only ever a fixed text
        self.assertNotIn("hacked", self.ua.get("/orders/%d?done=hacked" % oid).text())

        form = self.ua.get("/orders/%d/edit" % oid)
        self.assertEqual(form.status, 200)
        self.assertIn('value="Bristol"', form.text())
        self.assertIn('value="12.50"', form.text())
        r = self.ua.post("/orders/%d/edit" % oid, form_fields(**{
            "orderReference": "WEB-EDITED", "recipient.address.city": "Bath",
            "recipient.address.postcode": "BA1 1AA"}))
        self.assertEqual(r.status, 303, r.short())
        self.assertEqual(r.header("Location"), "/orders/%d?done=edited" % oid)
        page = self.ua.get("/orders/%d" % oid).text()
        self.assertIn("Bath", page)
        self.assertIn("WEB-EDITED", page)
        self.assertIn("<span>Edited</span>", page)
        api = self.a.get("/api/v1/orders/%d/full" % oid).json()[0]
        self.assertEqual(api["orderReference"], "WEB-EDITED")
        for action in ("order.create", "order.read", "order.update"):
            self.assertTrue(audited(self.a.id, action, "order:%d" % oid), action)
        # an edit with an error stores nothing
        r = self.ua.post("/orders/%d/edit" % oid, form_fields(**{"recipient.address.city": ""}))
        self.assertEqual(r.status, 422)
        self.assertEqual(self.a.get("/api/v1/orders/%d/full" % oid).json()[0]["orderReference"],
                         "WEB-EDITED")

    def test_edit_of_api_order_keeps_what_the_form_does_not_show(self):
        oid = self.a.create_orders([harness.order("A-KEEP")])[0]["orderIdentifier"]
        before = self.a.get("/api/v1/orders/%d/full" % oid).json()[0]
        form = self.ua.get("/orders/%d/edit" % oid).text()
        fields = {}
        for m in re.finditer(r'<input[^>]* name="([^"]+)"[^>]* value="([^"]*)"', form):
            fields[html.unescape(m.group(1))] = html.unescape(m.group(2))
        for m in re.finditer(r'<select[^>]* name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
            sel = re.search(r'<option value="([^"]*)" selected>', m.group(2))
            fields[html.unescape(m.group(1))] = html.unescape(sel.group(1)) if sel else ""
        t = re.search(r'<textarea[^>]* name="specialInstructions"[^>]*>([^<]*)</textarea>', form)
        fields["specialInstructions"] = html.unescape(t.group(1))
        fields.pop("csrf", None)
        r = self.ua.post("/orders/%d/edit" % oid, fields)
        self.assertEqual(r.status, 303, r.short())
        after = self.a.get("/api/v1/orders/%d/full" % oid).json()[0]
        for key in ("billingInfo", "subtotal", "total", "shippingCostCharged", "tags", "orderDate",
                    "orderReference", "specialInstructions", "packages", "shippingInfo"):
            self.assertEqual(after.get(key), before.get(key), key)

    def test_edit_choosing_a_service_applies_postage(self):
        r = self.ua.post("/orders/new", form_fields(orderReference="WEB-SVC"))
        oid = int(re.match(r"/orders/(\d+)", r.header("Location")).group(1))
        r = self.ua.post("/orders/%d/edit" % oid, form_fields(**{
            "orderReference": "WEB-SVC", "postageDetails.serviceCode": "TOLP24"}))
        self.assertEqual(r.status, 303, r.short())
        api = self.a.get("/api/v1/orders/%d/full" % oid).json()[0]
        self.assertEqual(api["orderStatus"], "postageApplied")
        tracking = api["shippingDetails"].get("trackingNumber")
        self.assertTrue(tracking)
        self.assertEqual(api["shippingDetails"].get("serviceCode"), "TOLP24")
        page = self.ua.get("/orders/%d" % oid).text()
        self.assertIn("<span>Postage applied</span>", page)
        self.assertIn("<span>Edited</span>", page)
        self.assertIn(tracking, page)
        # a service that cannot carry the order is refused beside the service
        r = self.ua.post("/orders/new", form_fields(**{"postageDetails.serviceCode": "NOPE1"}))
        self.assertEqual(r.status, 422)
        self.assertIn("NOPE1", r.text())

    def test_edit_refused_when_postage_applied(self):
        o = harness.order("A-POSTED")
        o["postageDetails"] = {"serviceCode": "TOLP24"}
        oid = self.a.create_orders([o])[0]["orderIdentifier"]
        before = self.a.snapshot()
        r = self.ua.get("/orders/%d/edit" % oid)
        self.assertEqual(r.status, 409)
        self.assertIn("Postage is applied: set the order back to new to edit it.", r.text())
        r = self.ua.post("/orders/%d/edit" % oid, form_fields())
        self.assertEqual(r.status, 409)
        self.assertEqual(self.a.snapshot(), before)
        page = self.ua.get("/orders/%d" % oid).text()
        self.assertIn("Postage applied", page)
        self.assertIn('href="/orders/%d/label.pdf"' % oid, page)

    def test_senders_chosen_per_order_on_the_label(self):
        add = {"address_line1": "9 Dock Road", "city": "Hull", "postcode": "HU1 1AA",
               "country_code": "GB", "phone": "", "email": ""}
        r = self.ua.post("/settings/senders", dict(add, trading_name="Alpha Main " + CANARY_A))
        self.assertEqual(r.status, 303, r.short())
        r = self.ua.post("/settings/senders", dict(add, trading_name="Alpha Outlet " + CANARY_A,
                                                    address_line1="3 Outlet Way"))
        self.assertEqual(r.status, 303)
        bad = self.ua.post("/settings/senders", dict(add, trading_name="", country_code="gbr"))
        self.assertEqual(bad.status, 422)
        self.assertIn("Trading name is required", bad.text())
        page = self.ua.get("/settings/senders").text()
        self.assertNotIn(CANARY_B, page)
        ids = {name: int(i) for i, name in re.findall(
            r'href="/settings/senders/(\d+)/edit">Edit<span class="visually-hidden"> ([^<]+)</span>', page)}
        main, outlet = ids["Alpha Main " + CANARY_A], ids["Alpha Outlet " + CANARY_A]
        self.assertIn("Default", page)
        # the other business's sender numbers are not ours to touch (numbers are per
        # business: those Beta does not hold itself)
        b_own = set(int(i) for i in re.findall(r'/settings/senders/(\d+)/edit',
                                                 self.ub.get("/settings/senders").text()))
        foreign = [i for i in (main, outlet) if i not in b_own]
        self.assertTrue(foreign)
        for sid in foreign:
            for path in ("/settings/senders/%d/default", "/settings/senders/%d/remove",
                         "/settings/senders/%d/edit"):
                r = self.ub.post(path % sid, {"trading_name": "Taken over", "address_line1": "x",
                                              "city": "y", "country_code": "GB"})
                self.assertEqual(r.status, 404, path)
                self.assertNotIn(CANARY_A, r.text())
            self.assertEqual(self.ub.get("/settings/senders/%d/edit" % sid).status, 404)
        self.assertNotIn("Taken over", self.ua.get("/settings/senders").text())
        # making the outlet the default, then an order that chooses the main one
        self.assertEqual(self.ua.post("/settings/senders/%d/default" % outlet, {}).status, 303)
        self.assertTrue(audited(self.a.id, "sender.update", "sender:%d" % outlet))
        o = form_fields(orderReference="WEB-SENDER", senderId=str(main),
                        **{"postageDetails.serviceCode": "TOLP24"})
        r = self.ua.post("/orders/new", o)
        self.assertEqual(r.status, 303, r.short())
        oid = int(re.match(r"/orders/(\d+)", r.header("Location")).group(1))
        page = self.ua.get("/orders/%d" % oid).text()
        self.assertIn("Alpha Main " + CANARY_A, page)
        label = self.ua.get("/orders/%d/label.pdf" % oid)
        self.assertEqual(label.status, 200, label.short())
        text = pdf_text(label.body)
        self.assertIn("Alpha Main", text)
        self.assertNotIn("Alpha Outlet", text)
        # an order naming no sender prints the default
        o2 = harness.order("A-DEFAULT-SENDER")
        o2["postageDetails"] = {"serviceCode": "TOLP24"}
        oid2 = self.a.create_orders([o2])[0]["orderIdentifier"]
        self.assertIn("Alpha Outlet", pdf_text(self.ua.get("/orders/%d/label.pdf" % oid2).body))
        # the default cannot go while others remain; one named by an order to ship cannot go
        self.assertEqual(self.ua.post("/settings/senders/%d/remove" % outlet, {}).status, 409)
        self.assertEqual(self.ua.post("/settings/senders/%d/remove" % main, {}).status, 409)

    def test_standard_user_gets_403_on_senders(self):
        for path in ("/settings/senders", "/settings/senders/1/edit"):
            r = self.sa.get(path)
            self.assertEqual(r.status, 403, path)
        r = self.sa.post("/settings/senders", {"trading_name": "Sneaky", "address_line1": "x",
                                               "city": "y", "country_code": "GB"})
        self.assertEqual(r.status, 403)
        # a Standard user works with orders all the same
        self.assertEqual(self.sa.get("/orders/%d" % self.a_id).status, 200)
        self.assertEqual(self.sa.get("/orders/new").status, 200)


if __name__ == "__main__":
    harness.main()

"""Shipping rules over HTTP (issue 11): the rules pages, postage by rule as
orders arrive (POST /orders, the import page), and the orders list's bulk
action POST /orders/bulk/postage.

What a business does: an administrator writes rules ("to the UK, up to 2 kg
-> Tracked 48"); orders that arrive without a service then arrive with
postage and a tracking number, their history naming the rule; orders that
match no rule arrive New as before. A Standard user sees the rules but
changes none. Another business's rules never touch this business's orders,
and its rules and orders are never found by id.

Run: /usr/bin/python3 tests/e2e/test_rules.py BUILD/postroom
"""
import re
import unittest
import urllib.parse

import harness

SERVER = None
PASSWORD = "rules tests password"
BOUNDARY = "----postroomRulesBoundary7MA4YWxkTrZu0gW"
CD_HEADER = ("First Name,Last Name,Company,Address Line 1,Address Line 2,Address Line 3,City,County,"
             "Postcode,Country,Phone,Email,Recipient is a business,Order reference,Special instructions,"
             "Order date,Weight,Package size,Sub-total,Shipping cost,Total,Currency code,Service code,"
             "Product name,SKU,Quantity,Unit price\r\n")


def setUpModule():
    global SERVER
    SERVER = harness.Server.start_new()


def tearDownModule():
    SERVER.stop_and_check(forbidden_in_logs=[PASSWORD, "Ada Lovelace", "ada@example.com"])


class User(harness.WebUser):
    def __init__(self, tenant, email, role="standard"):
        super().__init__(SERVER, tenant, email, PASSWORD, role)

    def post(self, path, fields, csrf=None):
        pairs = [("csrf", self.csrf if csrf is None else csrf)]
        pairs += list(fields.items()) if isinstance(fields, dict) else list(fields)
        return SERVER.request("POST", path, body=urllib.parse.urlencode(pairs).encode(), headers={
            "Cookie": self.cookie, "Content-Type": "application/x-www-form-urlencoded"})


FIELDS = ("name", "countries", "zone", "min_grams", "max_grams", "min_value", "max_value", "value_of",
          "channel", "service", "package_format")


def rule_form(**over):
    f = {k: "" for k in FIELDS}
    f["value_of"] = "total"
    f["enabled"] = "1"
    f.update(over)
    return {k: v for k, v in f.items() if v is not None}


def db_rows(sql, *args):
    c = SERVER.db_connect()
    try:
        return c.execute(sql, args).fetchall()
    finally:
        c.close()


def order_state(tenant, order_id):
    rows = db_rows("SELECT status, service_code, tracking_number FROM orders WHERE tenant_id = ? AND "
                   "order_id = ?", int(tenant.id), order_id)
    return rows[0] if rows else None


def history(tenant, order_id):
    return [t for (t,) in db_rows("SELECT text FROM order_history WHERE tenant_id = ? AND order_id = ? "
                                  "ORDER BY event_id", int(tenant.id), order_id)]


def rule_ids(user):
    """The rule ids of the list page, top to bottom (from the edit links)."""
    page = user.get("/rules")
    assert page.status == 200, page.short()
    return [int(x) for x in re.findall(r'href="/rules/(\d+)/edit"', page.text())]


def add_rule(user, **fields):
    r = user.post("/rules/new", rule_form(**fields))
    assert r.status == 303, r.short(3000)
    assert r.header("Location") == "/rules?done=added", r.header("Location")
    return rule_ids(user)[-1]


def gb_order(ref, grams=500, **over):
    o = harness.order(ref, **over)
    o["packages"][0]["weightInGrams"] = grams
    o["packages"][0]["contents"][0]["unitWeightInGrams"] = 10
    return o


class RulePages(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.one = SERVER.new_tenant("Rules Pages One")
        cls.two = SERVER.new_tenant("Rules Pages Two")
        cls.admin1 = User(cls.one, "admin@pages-one.example", "admin")
        cls.staff1 = User(cls.one, "staff@pages-one.example", "standard")
        cls.admin2 = User(cls.two, "admin@pages-two.example", "admin")

    def test_add_edit_move_switch_and_delete(self):
        a = add_rule(self.admin1, name="Small UK <b>parcels</b>", countries="gb", max_grams="2000",
                     min_grams="0", channel="Shopify", service="TOLP48")
        b = add_rule(self.admin1, name="Europe", zone="EU", min_value="10", service="ITROLP")
        page = self.admin1.get("/rules").text()
        self.assertIn("Small UK &lt;b&gt;parcels&lt;/b&gt;", page)
        self.assertNotIn("<b>parcels</b>", page)
        self.assertIn("To United Kingdom, 0\u20132 kg, from Shopify", page)
        self.assertIn("Royal Mail Tracked 48", page)
        self.assertIn("To Europe, total \u00a310.00 or more", page)
        self.assertEqual(rule_ids(self.admin1)[-2:], [a, b])

        # the edit form starts from the rule as stored
        form = self.admin1.get("/rules/%d/edit" % a)
        self.assertEqual(form.status, 200)
        self.assertIn('value="Small UK &lt;b&gt;parcels&lt;/b&gt;"', form.text())
        self.assertIn('value="GB"', form.text())
        self.assertIn('value="2000"', form.text())
        self.assertIn("Now: To United Kingdom, 0\u20132 kg, from Shopify \u2192 Royal Mail Tracked 48",
                      form.text())
        r = self.admin1.post("/rules/%d/edit" % a, rule_form(name="Small UK", countries="GB JE",
                                                            max_grams="1500", service="TOLP24"))
        self.assertEqual(r.status, 303, r.short())
        self.assertEqual(r.header("Location"), "/rules?done=saved")
        page = self.admin1.get("/rules?done=saved").text()
        self.assertIn("Rule saved.", page)
        self.assertIn("To United Kingdom, Jersey, up to 1.5 kg", page)
        self.assertIn("Royal Mail Tracked 24", page)

        # reorder: b above a, and back; priorities stay one per rule
        r = self.admin1.post("/rules/%d/up" % b, {})
        self.assertEqual(r.status, 303)
        self.assertEqual(rule_ids(self.admin1)[-2:], [b, a])
        self.admin1.post("/rules/%d/down" % b, {})
        self.assertEqual(rule_ids(self.admin1)[-2:], [a, b])
        prios = [p for (p,) in db_rows("SELECT priority FROM shipping_rules WHERE tenant_id = ?",
                                       int(self.one.id))]
        self.assertEqual(len(prios), len(set(prios)))

        # switch off and on
        r = self.admin1.post("/rules/%d/disable" % a, {})
        self.assertEqual(r.header("Location"), "/rules?done=disabled")
        self.assertEqual(db_rows("SELECT enabled FROM shipping_rules WHERE tenant_id = ? AND rule_id = ?",
                                 int(self.one.id), a), [(0,)])
        self.admin1.post("/rules/%d/enable" % a, {})
        self.assertEqual(db_rows("SELECT enabled FROM shipping_rules WHERE tenant_id = ? AND rule_id = ?",
                                 int(self.one.id), a), [(1,)])

        # delete
        r = self.admin1.post("/rules/%d/delete" % b, {})
        self.assertEqual(r.header("Location"), "/rules?done=deleted")
        self.assertNotIn(b, rule_ids(self.admin1))
        self.assertEqual(self.admin1.post("/rules/%d/delete" % b, {}).status, 404)

    def test_bad_fields_are_named_kept_and_store_nothing(self):
        before = db_rows("SELECT COUNT(*) FROM shipping_rules")
        cases = [
            (dict(name="   ", service="TOLP48"), "Give the rule a name."),
            (dict(name="Typo", service="TOLP99"), "not one of Royal Mail"),
            (dict(name="Heavy", min_grams="5000", max_grams="2000", service="TOLP48"),
             "The largest weight is below the smallest."),
            (dict(name="Dear", min_value="50", max_value="10", service="TOLP48"),
             "The largest value is below the smallest."),
            (dict(name="Where", countries="GB, XQ", service="TOLP48"), "is not a country code"),
            (dict(name="Both", countries="GB", zone="UK", service="TOLP48"), "not both"),
        ]
        for fields, message in cases:
            with self.subTest(fields=fields):
                r = self.admin1.post("/rules/new", rule_form(**fields))
                self.assertEqual(r.status, 422, r.short())
                page = r.text()
                self.assertIn(message, page)
                self.assertIn('aria-invalid="true"', page)
                self.assertIn("The rule was not saved", page)
                for k, v in fields.items():
                    if k not in ("zone", "service") and v.strip():
                        self.assertIn('value="%s"' % v, page)
        self.assertEqual(db_rows("SELECT COUNT(*) FROM shipping_rules"), before)
        # an edit that does not check out leaves the rule as it was
        a = add_rule(self.admin1, name="Keep me", service="OLP2")
        r = self.admin1.post("/rules/%d/edit" % a, rule_form(name="Keep me", max_grams="x", service="OLP2"))
        self.assertEqual(r.status, 422)
        self.assertIn("Enter a whole number of grams", r.text())
        self.assertEqual(db_rows("SELECT max_grams FROM shipping_rules WHERE tenant_id = ? AND rule_id = ?",
                                 int(self.one.id), a), [(None,)])

    def test_a_standard_user_sees_the_list_and_changes_nothing(self):
        a = add_rule(self.admin1, name="Staff can read", service="OLP1")
        page = self.staff1.get("/rules")
        self.assertEqual(page.status, 200)
        self.assertIn("Staff can read", page.text())
        self.assertNotIn("/rules/new", page.text())
        self.assertNotIn("/edit", page.text())
        self.assertNotIn('action="/rules/', page.text())
        self.assertEqual(self.staff1.get("/rules/new").status, 403)
        self.assertEqual(self.staff1.get("/rules/%d/edit" % a).status, 403)
        before = db_rows("SELECT * FROM shipping_rules WHERE tenant_id = ?", int(self.one.id))
        for path, fields in [("/rules/new", rule_form(name="Nope", service="OLP1")),
                             ("/rules/%d/edit" % a, rule_form(name="Nope", service="OLP1")),
                             ("/rules/%d/delete" % a, {}), ("/rules/%d/up" % a, {}),
                             ("/rules/%d/down" % a, {}), ("/rules/%d/disable" % a, {}),
                             ("/rules/%d/enable" % a, {})]:
            with self.subTest(path=path):
                self.assertEqual(self.staff1.post(path, fields).status, 403)
        self.assertEqual(db_rows("SELECT * FROM shipping_rules WHERE tenant_id = ?", int(self.one.id)),
                         before)

    def test_another_business_rule_is_not_found_and_unchanged(self):
        a = add_rule(self.admin1, name="One's secret rule", service="OLP1")
        before = db_rows("SELECT * FROM shipping_rules WHERE tenant_id = ?", int(self.one.id))
        r = self.admin2.get("/rules/%d/edit" % a)
        self.assertEqual(r.status, 404)
        self.assertNotIn("One's secret rule", r.text())
        self.assertNotIn("One&#39;s secret rule", r.text())
        for path, fields in [("/rules/%d/edit" % a, rule_form(name="Taken", service="OLP2")),
                             ("/rules/%d/delete" % a, {}), ("/rules/%d/up" % a, {}),
                             ("/rules/%d/down" % a, {}), ("/rules/%d/disable" % a, {})]:
            with self.subTest(path=path):
                r = self.admin2.post(path, fields)
                self.assertEqual(r.status, 404, r.short())
        self.assertEqual(db_rows("SELECT * FROM shipping_rules WHERE tenant_id = ?", int(self.one.id)),
                         before)
        self.assertNotIn("secret", self.admin2.get("/rules").text())
        for path in ("/rules/0/edit", "/rules/x/edit", "/rules/99999999999999999999/edit"):
            self.assertEqual(self.admin2.get(path).status, 404)

    def test_the_forms_need_the_csrf_token(self):
        r = self.admin1.post("/rules/new", rule_form(name="No token", service="OLP1"), csrf="")
        self.assertEqual(r.status, 403)
        r = self.admin1.post("/rules/new", rule_form(name="Wrong token", service="OLP1"),
                             csrf=self.admin2.csrf)
        self.assertEqual(r.status, 403)
        self.assertNotIn("token", self.admin1.get("/rules").text())


class Arrival(unittest.TestCase):
    """Orders that arrive without a service, whichever door."""

    @classmethod
    def setUpClass(cls):
        cls.one = SERVER.new_tenant("Rules Arrival One")
        cls.two = SERVER.new_tenant("Rules Arrival Two")
        cls.admin1 = User(cls.one, "admin@arrival-one.example", "admin")
        cls.admin2 = User(cls.two, "admin@arrival-two.example", "admin")
        # one: an international service first, which no GB order can take;
        # then Tracked 48 for the UK up to 2 kg; imports alone get 2nd Class
        add_rule(cls.admin1, name="Abroad first", service="ITROLP")
        add_rule(cls.admin1, name="Imports", channel="Spreadsheet import", service="OLP2")
        add_rule(cls.admin1, name="UK small", zone="UK", max_grams="2000", service="TOLP48")
        add_rule(cls.admin1, name="Switched off", service="OLP1", enabled=None)
        # two: a rule that would match everything of one's, for two only
        add_rule(cls.admin2, name="Two's catch-all", service="TOLP24")

    def test_api_order_matching_a_rule_arrives_with_postage_and_history(self):
        created = self.one.create_orders([gb_order("ARR-1", 1200)])
        oid = created[0]["orderIdentifier"]
        self.assertRegex(created[0].get("trackingNumber") or "", r"^TB\d{9}GB$")
        status, service, tracking = order_state(self.one, oid)
        self.assertEqual((status, service), ("postageApplied", "TOLP48"))
        self.assertEqual(tracking, created[0]["trackingNumber"])
        self.assertEqual(history(self.one, oid),
                         ["Postage applied by rule \u201cUK small\u201d: Royal Mail Tracked 48"])
        full = self.one.get("/api/v1/orders/%d/full" % oid).json()
        full = full[0] if isinstance(full, list) else full
        self.assertEqual(full["shippingDetails"]["serviceCode"], "TOLP48")

    def test_orders_matching_no_rule_arrive_new(self):
        heavy = gb_order("ARR-HEAVY", 2500)   # above the UK rule's band, no other applies
        created = self.one.create_orders([heavy])
        oid = created[0]["orderIdentifier"]
        self.assertIsNone(created[0].get("trackingNumber"))
        self.assertEqual(order_state(self.one, oid), ("new", None, None))
        self.assertEqual(history(self.one, oid), [])

    def test_a_named_service_is_kept(self):
        o = gb_order("ARR-NAMED", 300, postageDetails={"serviceCode": "OLP1"})
        created = self.one.create_orders([o])
        oid = created[0]["orderIdentifier"]
        self.assertEqual(order_state(self.one, oid)[:2], ("postageApplied", "OLP1"))
        self.assertEqual(history(self.one, oid), [])

    def test_another_business_rules_never_apply(self):
        # two's catch-all would take this order; one has none that does
        created = self.one.create_orders([gb_order("ARR-CROSS", 2600)])
        self.assertEqual(order_state(self.one, created[0]["orderIdentifier"]), ("new", None, None))
        # and one's rules are not two's: two's own catch-all applies
        created = self.two.create_orders([gb_order("ARR-TWO", 1200)])
        oid = created[0]["orderIdentifier"]
        self.assertEqual(order_state(self.two, oid)[:2], ("postageApplied", "TOLP24"))
        self.assertEqual(history(self.two, oid),
                         ["Postage applied by rule \u201cTwo's catch-all\u201d: Royal Mail Tracked 24"])

    def test_a_business_without_rules_is_as_before(self):
        three = SERVER.new_tenant("Rules Arrival Three")
        created = three.create_orders([gb_order("ARR-THREE", 500)])
        self.assertEqual(order_state(three, created[0]["orderIdentifier"]), ("new", None, None))

    def test_imported_orders_take_the_channel_rule(self):
        cells = ["Grace", "Hopper", "", "1 Navy Way", "", "", "Leeds", "", "LS1 4AP", "United Kingdom", "", "",
                 "N", "IMP-RULE-1", "", "28/11/2026", "0.25", "large letter", "10.00", "2.50", "12.50", "GBP",
                 "", "Mug", "MUG-1", "2", "5.00"]
        data = (CD_HEADER + ",".join(cells) + "\r\n").encode()
        body = harness.multipart({"csrf": self.admin1.csrf}, {"file": ("orders.csv", data, "text/csv")},
                                 BOUNDARY)
        r = self.admin1.post_multipart("/import", body, BOUNDARY)
        self.assertEqual(r.status, 200, r.short(3000))
        ids = [oid for (oid,) in db_rows("SELECT order_id FROM orders WHERE tenant_id = ? AND order_ref = ?",
                                         int(self.one.id), "IMP-RULE-1")]
        self.assertEqual(len(ids), 1)
        self.assertEqual(order_state(self.one, ids[0])[:2], ("postageApplied", "OLP2"))
        self.assertEqual(history(self.one, ids[0]),
                         ["Postage applied by rule \u201cImports\u201d: Royal Mail 2nd Class"])


class BulkPostage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.one = SERVER.new_tenant("Rules Bulk One")
        cls.two = SERVER.new_tenant("Rules Bulk Two")
        cls.staff1 = User(cls.one, "staff@bulk-one.example", "standard")
        cls.admin1 = User(cls.one, "admin@bulk-one.example", "admin")
        cls.staff2 = User(cls.two, "staff@bulk-two.example", "standard")

    def ids(self, tenant, *refs, grams=500):
        return [c["orderIdentifier"] for c in tenant.create_orders([gb_order(r, grams) for r in refs])]

    def test_with_a_service(self):
        mine = self.ids(self.one, "BULK-1", "BULK-2")
        # order numbers are per business: two's is taken past one's, so the
        # number names no order of one's (else it would be one's own order)
        theirs = self.ids(self.two, *["BULK-THEIRS-%d" % i for i in range(len(mine) + 6)])[-1:]
        self.assertGreater(theirs[0], max(mine) + 1)
        before_two = self.two.snapshot()
        fields = [("id", str(i)) for i in mine + theirs + [987654]] + [("service", "TOLP24")]
        r = self.staff1.post("/orders/bulk/postage", fields)
        self.assertEqual(r.status, 303, r.short())
        self.assertEqual(r.header("Location"),
                         "/orders?status=postageApplied&done=postage&n=2&skipped=2")
        for oid in mine:
            status, service, tracking = order_state(self.one, oid)
            self.assertEqual((status, service), ("postageApplied", "TOLP24"))
            self.assertRegex(tracking, r"^TA\d{9}GB$")
            self.assertEqual(history(self.one, oid), ["Postage applied: Royal Mail Tracked 24"])
        self.assertEqual(self.two.snapshot(), before_two)
        self.assertEqual(order_state(self.two, theirs[0]), ("new", None, None))
        # one's answer names none of two's orders
        self.assertNotIn(str(theirs[0]), r.header("Location"))
        # again: every one of them is past New now, nothing changes
        r = self.staff1.post("/orders/bulk/postage", fields)
        self.assertEqual(r.header("Location"),
                         "/orders?status=postageApplied&done=postage&n=0&skipped=4")
        # the change is in the access audit, for one's orders only
        objs = [o for (o,) in db_rows("SELECT objects FROM audit WHERE action = 'order.postage' AND "
                                      "data_tenant = ?", int(self.one.id))]
        self.assertTrue(any(str(mine[0]) in o and str(mine[1]) in o for o in objs), objs)
        self.assertEqual(db_rows("SELECT COUNT(*) FROM audit WHERE action = 'order.postage' AND "
                                 "data_tenant = ?", int(self.two.id)), [(0,)])

    def test_by_the_rules(self):
        # a business of its own, so its rules touch no other test's orders
        three = SERVER.new_tenant("Rules Bulk Three")
        admin3 = User(three, "admin@bulk-three.example", "admin")
        staff3 = User(three, "staff@bulk-three.example", "standard")
        add_rule(admin3, name="Bulk UK", zone="UK", max_grams="1000", service="OLP1")
        fits, heavy = self.ids(three, "BULK-R1", grams=700)[0], self.ids(three, "BULK-R2", grams=1500)[0]
        # (created after the rule: the rule applied as they arrived)
        self.assertEqual(order_state(three, fits)[0], "postageApplied")
        self.assertEqual(order_state(three, heavy)[0], "new")
        # a rule added later applies to the stored New order by the bulk action
        add_rule(admin3, name="Bulk heavy", zone="UK", min_grams="1001", service="TOLP48")
        theirs = self.ids(self.two, *["BULK-R-THEIRS-%d" % i for i in range(12)], grams=1500)[-1:]
        self.assertGreater(theirs[0], max(heavy, fits) + 1)
        fields = [("id", str(heavy)), ("id", str(fits)), ("id", str(theirs[0])), ("service", "rules")]
        r = staff3.post("/orders/bulk/postage", fields)
        self.assertEqual(r.header("Location"), "/orders?status=postageApplied&done=rules&n=1&skipped=2")
        self.assertEqual(order_state(three, heavy)[:2], ("postageApplied", "TOLP48"))
        self.assertEqual(history(three, heavy),
                         ["Postage applied by rule \u201cBulk heavy\u201d: Royal Mail Tracked 48"])
        self.assertEqual(order_state(self.two, theirs[0]), ("new", None, None))
        # by the rules, an order no rule can carry is skipped
        big = self.ids(three, "BULK-R3", grams=25000)[0]
        r = staff3.post("/orders/bulk/postage", [("id", str(big)), ("service", "rules")])
        self.assertEqual(r.header("Location"), "/orders?status=postageApplied&done=rules&n=0&skipped=1")
        self.assertEqual(order_state(three, big), ("new", None, None))

    def test_a_service_that_cannot_carry_the_order_skips_it(self):
        oid = self.ids(self.one, "BULK-BIG", grams=25000)[0]
        r = self.staff1.post("/orders/bulk/postage", [("id", str(oid)), ("service", "OLP2")])
        self.assertEqual(r.header("Location"), "/orders?status=postageApplied&done=postage&n=0&skipped=1")
        self.assertEqual(order_state(self.one, oid), ("new", None, None))

    def test_bad_input_changes_nothing(self):
        oid = self.ids(self.one, "BULK-BAD", grams=30000)[0]
        before = order_state(self.one, oid)
        for fields, status in [([("id", str(oid)), ("service", "NOPE")], 400),
                               ([("id", str(oid))], 400),
                               ([("id", "12x"), ("service", "TOLP48")], 400)]:
            with self.subTest(fields=fields):
                r = self.staff1.post("/orders/bulk/postage", fields)
                self.assertEqual(r.status, status, r.short())
        self.assertEqual(order_state(self.one, oid), before)
        r = self.staff1.post("/orders/bulk/postage", [("id", str(oid)), ("service", "TOLP48")], csrf="")
        self.assertEqual(r.status, 403)
        self.assertEqual(order_state(self.one, oid), before)


if __name__ == "__main__":
    harness.main()

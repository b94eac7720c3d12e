"""The web app's orders list (GET /orders) and its bulk actions (POST /orders/bulk/*).

A business signs in, sees its orders by status with counts, searches and
filters them, pages through them by keyset, and acts on the ticked ones. The
other business's order numbers, posted by hand, are skipped and never changed.

Run: /usr/bin/python3 tests/e2e/test_web_orders.py BUILD/postroom
"""
import os
import re
import shutil
import subprocess
import tempfile
import unittest
import urllib.parse
import zoneinfo

import harness

SERVER = None
PASSWORD = "orders list password"
TMP = None
CANARY_B = "CANARYBETAORDERS"


def setUpModule():
    global SERVER, TMP
    TMP = tempfile.mkdtemp(prefix="web-orders-")
    SERVER = harness.Server.start_new()


def tearDownModule():
    SERVER.stop_and_check(forbidden_in_logs=[PASSWORD, "Grace Hopper", CANARY_B])
    shutil.rmtree(TMP, ignore_errors=True)


def an_order(ref, name, postcode="SW1A 1AA", service=None, country="GB"):
    o = harness.order(ref)
    o["recipient"]["address"].update({"fullName": name, "postcode": postcode, "countryCode": country})
    if service:
        o["postageDetails"] = {"serviceCode": service}
    return o


def ids_on(page):
    return [int(x) for x in re.findall(r'name="id" value="(\d+)"', page)]


def counts_on(page):
    out = {}
    for href, n in re.findall(r'<a href="(/orders[^"]*)"[^>]*>[^<]*<span class="count">(\d+)</span>', page):
        out[href] = int(n)
    return out


def post_form(user, path, fields, csrf=True):
    pairs = list(fields)
    if csrf:
        pairs.append(("csrf", user.csrf))
    return SERVER.request("POST", path, body=urllib.parse.urlencode(pairs).encode(), headers={
        "Cookie": user.cookie, "Content-Type": "application/x-www-form-urlencoded"})


def ticks(ids):
    return [("id", str(i)) for i in ids]


def pdf_text(pdf, tag):
    path = os.path.join(TMP, tag + ".pdf")
    with open(path, "wb") as f:
        f.write(pdf)
    return subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True,
                          check=True).stdout


class OrdersList(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.A = SERVER.new_tenant("Alpha Orders Ltd")
        cls.B = SERVER.new_tenant("Beta Orders " + CANARY_B)
        cls.ua = harness.WebUser(SERVER, cls.A, "ann@alpha.example", PASSWORD)
        cls.ub = harness.WebUser(SERVER, cls.B, "bea@beta.example", PASSWORD)
        made = cls.A.create_orders([
            an_order("REF-APPLE", "Grace Hopper", "EC1A 1BB"),
            an_order("REF-BANANA", "Alan Turing", "M1 1AE"),
            an_order("REF-CHERRY", "Ada Lovelace", "SW1Y 4JH", service="TOLP24"),
            an_order("REF-DATE", "Edsger Dijkstra", "LS1 4AP", service="TOLP24"),
            an_order("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "B1 1AA"),
        ])
        cls.ids = [o["orderIdentifier"] for o in made]
        cls.b_ids = [o["orderIdentifier"] for o in cls.B.create_orders([
            an_order("B-REF-" + CANARY_B, "Beta Person " + CANARY_B, "G1 1AA"),
            an_order("B-POST-" + CANARY_B, "Beta Posted " + CANARY_B, "G2 2AA", service="TOLP24"),
        ])]

    def page(self, user, query=""):
        r = user.get("/orders" + query)
        self.assertEqual(r.status, 200, r.short())
        if user is self.ua and CANARY_B not in urllib.parse.unquote(query):
            self.assertNotIn(CANARY_B, r.text())
        return r.text()

    def test_01_tabs_with_counts(self):
        page = self.page(self.ua)
        counts = counts_on(page)
        self.assertEqual(counts["/orders"], 5)
        self.assertEqual(counts["/orders?status=new"], 3)
        self.assertEqual(counts["/orders?status=postageApplied"], 2)
        self.assertEqual(counts["/orders?status=onHold"], 0)
        for label in ("New", "Postage applied", "Label generated", "Despatched", "Manifested", "On hold",
                      "Cancelled"):
            self.assertIn(">" + label + " <span class=\"count\">", page)
        self.assertEqual(sorted(ids_on(page)), sorted(self.ids))
        tab = self.page(self.ua, "?status=postageApplied")
        self.assertEqual(sorted(ids_on(tab)), sorted(self.ids[2:4]))
        self.assertIn('<span class="badge s-postageApplied">Postage applied</span>', tab)
        self.assertIn('data-select-all="id"', tab)
        self.assertIn('href="/orders/%d"' % self.ids[2], tab)
        self.assertIn("No orders on hold.", self.page(self.ua, "?status=onHold"))
        # the created date in London time
        created = self.A.get("/api/v1/orders/%d" % self.ids[0]).json()[0]["createdOn"]
        when = harness.parse_time(created).astimezone(zoneinfo.ZoneInfo("Europe/London"))
        self.assertIn('<td class="created">%d %s, %s</td>' % (when.day, when.strftime("%b %Y"), when.strftime("%H:%M")),
                      page)
        # the other business sees only its own
        pb = self.page(self.ub)
        self.assertEqual(sorted(ids_on(pb)), sorted(self.b_ids))
        self.assertNotIn("Grace Hopper", pb)
        self.assertEqual(counts_on(pb)["/orders"], 2)
        self.assertEqual(self.ua.get("/orders?status=bogus").status, 400)

    def test_02_search_each_field(self):
        tn = self.A.get("/api/v1/orders/%d/full" % self.ids[3]).json()[0]["shippingDetails"]["trackingNumber"]
        for q, want in (("apple", [0]), ("REF-BAN", [1]), ("grace", [0]), ("Lovelace", [2]),
                        ("ec1a 1bb", [0]), ("M11AE", [1]), (tn, [3]), (tn[:-2].lower(), [3])):
            got = ids_on(self.page(self.ua, "?q=" + urllib.parse.quote(q)))
            self.assertEqual(got, [self.ids[i] for i in want], q)
        # the other business's names, references and postcodes find nothing
        for q in (CANARY_B, "Beta Person", "G1 1AA"):
            page = self.page(self.ua, "?q=" + urllib.parse.quote(q))
            self.assertEqual(ids_on(page), [])
        none = self.page(self.ua, "?q=nothing-like-this")
        self.assertIn("No order matches \u201cnothing-like-this\u201d.", none)
        self.assertIn('href="/orders">Clear the search</a>', none)
        # a search for markup is text
        xss = self.page(self.ua, "?q=" + urllib.parse.quote("<script>alert(1)</script>"))
        self.assertEqual(ids_on(xss), [self.ids[4]])
        self.assertNotIn("<script>alert(1)</script>", xss)
        self.assertNotIn("<img src=x", xss)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", xss)
        self.assertEqual(self.ua.get("/orders?q=" + "x" * 101).status, 400)

    def test_03_filters(self):
        self.assertEqual(sorted(ids_on(self.page(self.ua, "?service=TOLP24"))), sorted(self.ids[2:4]))
        self.assertEqual(len(ids_on(self.page(self.ua, "?channel=API"))), 5)
        self.assertEqual(ids_on(self.page(self.ua, "?channel=Shopify")), [])
        self.assertIn("No order matches these filters.", self.page(self.ua, "?from=2099-01-01"))
        self.assertEqual(len(ids_on(self.page(self.ua, "?from=2020-01-01&to=2099-12-31"))), 5)
        self.assertEqual(ids_on(self.page(self.ua, "?to=2020-01-01")), [])
        self.assertEqual(self.ua.get("/orders?from=yesterday").status, 400)
        self.assertEqual(self.ua.get("/orders?from=2026-12-02&to=2026-12-01").status, 400)
        self.assertEqual(self.ua.get("/orders?service=NOPE").status, 400)

    def test_04_sort(self):
        newest = ids_on(self.page(self.ua))
        self.assertEqual(newest, sorted(self.ids, reverse=True))
        self.assertEqual(ids_on(self.page(self.ua, "?sort=oldest")), sorted(self.ids))
        by_ref = ids_on(self.page(self.ua, "?sort=reference"))
        self.assertEqual(by_ref, [self.ids[i] for i in (4, 0, 1, 2, 3)])  # "<" sorts before "r"
        by_name = ids_on(self.page(self.ua, "?sort=name"))
        # ", ada, alan, edsger, grace
        self.assertEqual(by_name, [self.ids[i] for i in (4, 2, 1, 3, 0)])
        self.assertEqual(self.ua.get("/orders?sort=price").status, 400)

    def test_05_done_messages_come_from_a_fixed_table(self):
        page = self.page(self.ua, "?status=postageApplied&done=postage&n=3&skipped=2")
        self.assertIn('<p class="done" role="status">Postage applied to 3 orders. 2 orders were skipped', page)
        self.assertIn("Postage applied to 1 order.", self.page(self.ua, "?done=postage&n=1"))
        self.assertIn("The shipping rules applied postage to 4 orders.", self.page(self.ua, "?done=rules&n=4"))
        evil = self.page(self.ua, "?done=" + urllib.parse.quote("<b>hacked</b>") + "&n=1")
        self.assertNotIn('class="done"', evil)
        self.assertNotIn("hacked", evil)

    def test_06_bulk_form_markup(self):
        page = self.page(self.ua)
        self.assertIn('<select name="service"><option value="rules">Let the shipping rules choose</option>', page)
        self.assertIn('formaction="/orders/bulk/postage">Apply postage</button>', page)
        self.assertIn('<option value="TOLP24">', page)
        for action in ("labels", "despatch-notes", "despatched", "hold", "release", "cancel", "delete"):
            self.assertIn('formaction="/orders/bulk/%s"' % action, page)
        self.assertIn('formaction="/orders/bulk/delete" data-confirm=', page)


class Paging(unittest.TestCase):
    def test_every_order_once_across_pages(self):
        C = SERVER.new_tenant("Paging Co")
        uc = harness.WebUser(SERVER, C, "pat@paging.example", PASSWORD)
        made = C.create_orders([an_order("P-%03d" % i, "Name %03d" % (119 - i)) for i in range(120)])
        want = sorted(o["orderIdentifier"] for o in made)
        for sort, expect in (("", sorted(want, reverse=True)), ("?sort=oldest", want),
                             ("?sort=name", sorted(want, reverse=True)), ("?sort=reference", want)):
            seen, path, pages, links = [], "/orders" + sort, 0, []
            while path:
                r = uc.get(path)
                self.assertEqual(r.status, 200, r.short())
                page = r.text()
                got = ids_on(page)
                self.assertLessEqual(len(got), 50)
                seen.extend(got)
                links.append(path)
                m = re.search(r'rel="next" href="([^"]+)"', page)
                path = m.group(1).replace("&amp;", "&") if m else None
                pages += 1
                self.assertNotIn("OFFSET", page)
            self.assertEqual(pages, 3, sort)
            self.assertEqual(seen, expect, sort)
            # and back again from the last page
            page = uc.get(links[-1]).text()
            back = []
            while True:
                back = ids_on(page) + back
                m = re.search(r'rel="prev" href="([^"]+)"', page)
                if not m:
                    break
                page = uc.get(m.group(1).replace("&amp;", "&")).text()
            self.assertEqual(back, expect, sort)
        # a keyset of another business's order is no keyset: the first page
        first = ids_on(uc.get("/orders").text())
        self.assertEqual(ids_on(uc.get("/orders?after=99999999").text()), first)
        self.assertEqual(ids_on(uc.get("/orders?before=99999999").text()), first)
        # after the last order: an empty page that leads back
        last = uc.get("/orders?after=%d" % min(want)).text()
        self.assertEqual(ids_on(last), [])
        self.assertIn('rel="prev" href="/orders"', last)


class Bulk(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.A = SERVER.new_tenant("Bulk Alpha")
        cls.B = SERVER.new_tenant("Bulk Beta " + CANARY_B)
        cls.ua = harness.WebUser(SERVER, cls.A, "bob@bulk-alpha.example", PASSWORD)
        cls.ub = harness.WebUser(SERVER, cls.B, "bel@bulk-beta.example", PASSWORD)
        # order numbers count per business: the other's last two are numbers
        # this business never reaches in these tests
        made = cls.B.create_orders([an_order("BB-%d-%s" % (i, CANARY_B), "Beta %d %s" % (i, CANARY_B),
                                             service="TOLP24" if i % 2 else None) for i in range(60)])
        cls.b_ids = [o["orderIdentifier"] for o in made[-2:]]

    def make(self, n, service=None, prefix="X"):
        return [o["orderIdentifier"] for o in
                self.A.create_orders([an_order("%s-%d" % (prefix, i), "Person %d" % i, service=service)
                                      for i in range(n)])]

    def status_of(self, tenant, oid):
        r = tenant.get("/api/v1/orders/%d/full" % oid)
        self.assertEqual(r.status, 200, r.short())
        j = r.json()[0]
        return {"status": j["orderStatus"], "trackingNumber": j["shippingDetails"].get("trackingNumber")}

    def assert_done(self, r, status, code, n, skipped=0):
        self.assertEqual(r.status, 303, r.short())
        want = "/orders?" + ("status=%s&" % status if status else "") + "done=%s&n=%d" % (code, n)
        if skipped:
            want += "&skipped=%d" % skipped
        self.assertEqual(r.header("Location"), want)

    def test_hold_release_cancel_despatch_delete(self):
        before_b = self.B.snapshot()
        ids = self.make(4, prefix="HOLD")
        posted = self.make(1, service="TOLP24", prefix="POSTED")
        foreign = self.b_ids + [99999999]
        r = post_form(self.ua, "/orders/bulk/hold", ticks(ids[:3] + posted + foreign))
        self.assert_done(r, "onHold", "hold", 4, 3)
        self.assertEqual(self.status_of(self.A, ids[0])["status"], "onHold")
        held = self.status_of(self.A, posted[0])
        self.assertEqual(held["status"], "onHold")
        self.assertIsNone(held.get("trackingNumber"))  # a held order keeps no live label
        page = self.ua.get("/orders?status=onHold&done=hold&n=4&skipped=3").text()
        self.assertIn("4 orders put on hold. 3 orders were skipped", page)
        self.assertEqual(sorted(ids_on(page)), sorted(ids[:3] + posted))
        # release: on hold -> new; a new order is skipped
        r = post_form(self.ua, "/orders/bulk/release", ticks([ids[0], ids[3]] + foreign))
        self.assert_done(r, "new", "release", 1, 4)
        self.assertEqual(self.status_of(self.A, ids[0])["status"], "new")
        # cancel an order with postage: its label is voided
        paid = self.make(1, service="TOLP24", prefix="PAID")
        self.assertTrue(self.status_of(self.A, paid[0]).get("trackingNumber"))
        r = post_form(self.ua, "/orders/bulk/cancel", ticks(paid + [ids[1]] + foreign))
        self.assert_done(r, "cancelled", "cancel", 2, 3)
        gone = self.status_of(self.A, paid[0])
        self.assertEqual(gone["status"], "cancelled")
        self.assertIsNone(gone.get("trackingNumber"))
        # a cancelled order cannot be cancelled, held or despatched again
        self.assert_done(post_form(self.ua, "/orders/bulk/cancel", ticks(paid)), "cancelled", "cancel", 0, 1)
        self.assert_done(post_form(self.ua, "/orders/bulk/hold", ticks(paid)), "onHold", "hold", 0, 1)
        # despatched
        r = post_form(self.ua, "/orders/bulk/despatched", ticks([ids[0], ids[3]] + foreign))
        self.assert_done(r, "despatched", "despatched", 2, 3)
        self.assertEqual(self.status_of(self.A, ids[3])["status"], "despatched")
        # delete, landing on the tab posted from
        r = post_form(self.ua, "/orders/bulk/delete", ticks([ids[2]] + foreign) + [("status", "onHold")])
        self.assert_done(r, "onHold", "delete", 1, 3)
        self.assertEqual(self.A.get("/api/v1/orders/%d" % ids[2]).status, 404)
        # the other business's orders: untouched
        self.assertEqual(self.B.snapshot(), before_b)

    def test_labels_pdf_of_own_orders_only(self):
        before_b = self.B.snapshot()
        paid = self.make(3, service="TOLP24", prefix="LBL")
        r = post_form(self.ua, "/orders/bulk/labels", ticks(paid + self.b_ids))
        self.assertEqual(r.status, 200, r.short())
        self.assertEqual(r.header("Content-Type"), "application/pdf")
        self.assertTrue(r.header("Content-Disposition").startswith("inline"))
        self.assertTrue(r.body.startswith(b"%PDF"))
        if shutil.which("pdftotext"):
            text = pdf_text(r.body, "labels")
            self.assertNotIn(CANARY_B, text)
            self.assertNotIn("Beta", text)
        for oid in paid:
            self.assertEqual(self.status_of(self.A, oid)["status"], "labelGenerated")
        self.assertEqual(self.B.snapshot(), before_b)
        # an order crossing a customs border gets its customs form with the label
        fr = harness.order("LBL-FR")
        fr["recipient"]["address"].update({"fullName": "Elodie Furst", "postcode": "75001", "countryCode": "FR"})
        fr["postageDetails"] = {"serviceCode": "ITROLP"}
        fr["packages"] = [{"weightInGrams": 500, "packageFormatIdentifier": "smallParcel", "contents": [
            {"name": "Mug", "customsDescription": "Ceramic mug", "customsCode": "691200", "originCountryCode": "GB",
             "quantity": 1, "unitValue": 40, "unitWeightInGrams": 300}]}]
        fr_id = self.A.create_orders([fr])[0]["orderIdentifier"]
        r = post_form(self.ua, "/orders/bulk/labels", ticks([fr_id]))
        self.assertEqual(r.status, 200, r.short())
        if shutil.which("pdftotext"):
            text = pdf_text(r.body, "labels-fr")
            self.assertRegex(text, r"CN ?22")
            self.assertIn("691200", text)
        # an order with no postage is named, and nothing is printed
        new = self.make(1, prefix="NOPOST")
        r = post_form(self.ua, "/orders/bulk/labels", ticks(paid[:1] + new))
        self.assertEqual(r.status, 400, r.short())
        self.assertIn('href="/orders/%d"' % new[0], r.text())
        self.assertNotIn('href="/orders/%d"' % paid[0], r.text())
        # only the other business's: nothing found, nothing revealed
        r = post_form(self.ua, "/orders/bulk/labels", ticks(self.b_ids))
        self.assertEqual(r.status, 400)
        self.assertNotIn(CANARY_B, r.text())
        # despatch notes
        r = post_form(self.ua, "/orders/bulk/despatch-notes", ticks(paid + new + self.b_ids))
        self.assertEqual(r.status, 200, r.short())
        self.assertTrue(r.body.startswith(b"%PDF"))
        if shutil.which("pdftotext"):
            self.assertNotIn(CANARY_B, pdf_text(r.body, "notes"))
        self.assertEqual(self.B.snapshot(), before_b)

    def test_bad_posts_change_nothing(self):
        ids = self.make(1, prefix="BAD")
        # no CSRF token
        r = post_form(self.ua, "/orders/bulk/hold", ticks(ids), csrf=False)
        self.assertEqual(r.status, 403)
        # another session's token
        r = SERVER.request("POST", "/orders/bulk/hold",
                           body=urllib.parse.urlencode(ticks(ids) + [("csrf", self.ub.csrf)]).encode(),
                           headers={"Cookie": self.ua.cookie, "Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 403)
        # ids that are no order numbers
        for bad in ("abc", "-1", "0", "1e3", ""):
            r = post_form(self.ua, "/orders/bulk/hold", ticks(ids) + [("id", bad)])
            self.assertEqual(r.status, 400, bad)
            self.assertIn("text/html", r.header("Content-Type"))
        r = post_form(self.ua, "/orders/bulk/cancel", [])
        self.assertEqual(r.status, 400)
        self.assertIn("Tick at least one order", r.text())
        self.assertEqual(self.status_of(self.A, ids[0])["status"], "new")
        # signed out: the page sends to the sign-in, a post is refused
        self.assertEqual(SERVER.request("GET", "/orders").status, 303)
        self.assertEqual(SERVER.request("POST", "/orders/bulk/hold", body=b"id=1",
                                        headers={"Content-Type": "application/x-www-form-urlencoded"}).status, 403)


if __name__ == "__main__":
    harness.main()

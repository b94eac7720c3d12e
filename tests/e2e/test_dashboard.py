"""The dashboard at / (issue 11): what needs doing today, and orders created
and postage spend per Europe/London day for the last 30 days.

Orders are created through the API; a few are then moved to known earlier
days in the database (the API has no way to backdate an order), one just
before a London midnight. The cards, the charts' bars and the per-day table
must match, the spend must be the ledger's (charges less refunds), and
nothing of the other business may show. An empty business gets words and
flat charts.

Run: /usr/bin/python3 tests/e2e/test_dashboard.py BUILD/postroom
"""
import datetime
import re
import sqlite3
import unittest
from zoneinfo import ZoneInfo

import harness

SERVER = None
PASSWORD = "dashboard tests password"
CANARY_A = "CANARY-DASH-ALPHA"
CANARY_B = "CANARY-DASH-BETA"
LONDON = ZoneInfo("Europe/London")


def setUpModule():
    global SERVER
    SERVER = harness.Server.start_new()


def tearDownModule():
    SERVER.stop_and_check(forbidden_in_logs=[PASSWORD, CANARY_A, CANARY_B])


def orders(tenant, prefix, n, postage, canary):
    items = []
    for i in range(n):
        o = harness.order("%s-%d" % (prefix, i))
        o["recipient"]["address"]["fullName"] = "Recipient " + canary
        if postage:
            o["postageDetails"] = {"serviceCode": "TOLP24"}
            o["packages"] = [{"weightInGrams": 500, "packageFormatIdentifier": "smallParcel"}]
        items.append(o)
    return [o["orderIdentifier"] for o in tenant.create_orders(items)]


def cards(page):
    return {s: int(n) for s, n in re.findall(r'data-status="(\w+)"><span class="big">(\d+)</span>', page)}


def per_day(page):
    """{iso day: (orders, pence)} from the numbers table."""
    rows = re.findall(r'<tr data-day="([\d-]+)"><th scope="row">[^<]*</th>'
                      r'<td class="num" data-orders="(\d+)">\d+</td><td class="num" data-pence="(-?\d+)">', page)
    return {d: (int(o), int(p)) for d, o, p in rows}


def london_day(days_ago=0):
    return (datetime.datetime.now(LONDON) - datetime.timedelta(days=days_ago)).date()


def ms_at(day, hh, mm):
    return int(datetime.datetime(day.year, day.month, day.day, hh, mm, tzinfo=LONDON).timestamp() * 1000)


class Dashboard(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.a = SERVER.new_tenant("Alpha " + CANARY_A)
        cls.b = SERVER.new_tenant("Beta " + CANARY_B)
        cls.e = SERVER.new_tenant("Empty Ltd")
        cls.ua = harness.WebUser(SERVER, cls.a, "std@dash-alpha.example", PASSWORD)
        cls.ub = harness.WebUser(SERVER, cls.b, "std@dash-beta.example", PASSWORD)
        cls.ue = harness.WebUser(SERVER, cls.e, "admin@dash-empty.example", PASSWORD, role="admin")
        cls.a_new = orders(cls.a, "DA-NEW", 3, False, CANARY_A)
        cls.a_post = orders(cls.a, "DA-POST", 4, True, CANARY_A)
        cls.b_all = orders(cls.b, "DB", 5, True, CANARY_B)
        # one labelled, one on hold is not reachable by the API: label one, despatch another
        r = cls.a.get("/api/v1/orders/%d/label?documentType=postageLabel&includeReturnsLabel=false"
                      % cls.a_post[0])
        assert r.status == 200, r.short()
        r = cls.a.req("PUT", "/api/v1/orders/status", body={"items": [
            {"orderIdentifier": cls.a_post[1], "status": "despatched"}]})
        assert r.status == 200, r.short()
        # a refund: postage voided by setting an order back to new
        r = cls.a.req("PUT", "/api/v1/orders/status", body={"items": [
            {"orderIdentifier": cls.a_post[3], "status": "new"}]})
        assert r.status == 200, r.short()
        # known days: two of the new orders yesterday (one a minute before midnight in London),
        # one 40 days ago (outside the window); the first postage charge 5 days ago
        cls.yesterday, cls.five_ago = london_day(1), london_day(5)
        db = SERVER.db_connect(timeout=10)
        with db:
            db.execute("UPDATE orders SET created_on = ? WHERE tenant_id = ? AND order_id = ?",
                       (ms_at(cls.yesterday, 23, 59), cls.a.id, cls.a_new[0]))
            db.execute("UPDATE orders SET created_on = ? WHERE tenant_id = ? AND order_id = ?",
                       (ms_at(cls.yesterday, 0, 1), cls.a.id, cls.a_new[1]))
            db.execute("UPDATE orders SET created_on = ? WHERE tenant_id = ? AND order_id = ?",
                       (ms_at(london_day(40), 12, 0), cls.a.id, cls.a_new[2]))
            db.execute("UPDATE postage_ledger SET at = ? WHERE tenant_id = ? AND order_id = ? AND kind = 'charge'",
                       (ms_at(cls.five_ago, 9, 30), cls.a.id, cls.a_post[2]))
        cls.ledger = {k: v for k, v in db.execute(
            "SELECT order_id || ':' || kind, amount_pence FROM postage_ledger WHERE tenant_id = ?", (cls.a.id,))}
        db.close()

    def test_cards_count_what_needs_doing(self):
        page = self.ua.get("/")
        self.assertEqual(page.status, 200, page.short())
        t = page.text()
        self.assertIn("You are signed in", t)
        c = cards(t)
        # new: 3 created new + 1 set back; postage applied: a_post[2]; label: a_post[0];
        # despatched, not in a manifest: a_post[1]
        self.assertEqual(c, {"new": 4, "postageApplied": 1, "labelGenerated": 1, "despatched": 1, "onHold": 0})
        self.assertIn('href="/orders?status=new"', t)
        self.assertIn('href="/orders?status=labelGenerated"', t)
        # a manifest takes the labelled and the despatched ones off the to-do cards
        r = self.a.req("POST", "/api/v1/manifests")
        self.assertEqual(r.status, 201, r.short())
        c = cards(self.ua.get("/").text())
        self.assertEqual((c["labelGenerated"], c["despatched"]), (0, 0))

    def test_per_day_numbers_match_the_orders_and_the_ledger(self):
        t = self.ua.get("/").text()
        days = per_day(t)
        self.assertEqual(len(days), 30)
        today = london_day(0).isoformat()
        self.assertEqual(sorted(days)[-1], today)
        self.assertEqual(sorted(days)[0], london_day(29).isoformat())
        # today: 4 with postage; yesterday: 2 (00:01 and 23:59 London); 40 days ago is outside
        self.assertEqual(days[today][0], 4)
        self.assertEqual(days[self.yesterday.isoformat()][0], 2)
        self.assertEqual(sum(o for o, _ in days.values()), 6)
        # spend: every charge today but the one moved 5 days ago, less today's refund
        moved = self.ledger["%d:charge" % self.a_post[2]]
        total = sum(self.ledger.values())
        self.assertLess(self.ledger["%d:refund" % self.a_post[3]], 0)
        self.assertEqual(days[self.five_ago.isoformat()][1], moved)
        self.assertEqual(days[today][1], total - moved)
        self.assertEqual(sum(p for _, p in days.values()), total)
        # the money as written in the table and the charts' totals
        self.assertIn("£%d.%02d" % (moved // 100, moved % 100), t)
        self.assertIn('<span class="total">6 in 30 days</span>', t)
        # the charts: one bar per day, labelled for screen readers
        for chart in ("orders", "spend"):
            m = re.search(r'<svg class="chart"[^>]*aria-describedby="%s-desc"[^>]*>(.*?)</svg>' % chart, t, re.S)
            self.assertTrue(m, chart)
            self.assertIn('role="img"', t)
            self.assertEqual(len(re.findall(r'<rect class="bar"', m.group(1))), 30)
            self.assertIn("<title", m.group(1))
            self.assertIn("<desc", m.group(1))

    def test_nothing_of_the_other_business(self):
        t = self.ub.get("/").text()
        self.assertNotIn(CANARY_A, t)
        self.assertIn(CANARY_B, t)  # its own name in the bar
        days = per_day(t)
        self.assertEqual(days[london_day(0).isoformat()][0], 5)
        self.assertEqual(sum(o for o, _ in days.values()), 5)
        self.assertEqual(cards(t)["postageApplied"], 5)
        self.assertEqual(cards(t)["new"], 0)
        ta = self.ua.get("/").text()
        self.assertNotIn(CANARY_B, ta)

    def test_an_empty_business_gets_words_and_flat_charts(self):
        r = self.ue.get("/")
        self.assertEqual(r.status, 200, r.short())
        t = r.text()
        self.assertIn("No orders yet.", t)
        self.assertTrue(all(v == 0 for v in cards(t).values()), cards(t))
        days = per_day(t)
        self.assertEqual(len(days), 30)
        self.assertTrue(all(v == (0, 0) for v in days.values()))
        self.assertEqual(len(re.findall(r'height="0.0"', t)), 60)
        self.assertIn("£0.00", t)


if __name__ == "__main__":
    harness.main()

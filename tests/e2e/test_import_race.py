"""Re-importing never duplicates, even when two uploads of one file race.

A business exports its marketplace orders and uploads the file with "skip
orders already in postroom" ticked, and a colleague (or a double click, or a
retrying browser) uploads the same file at the same moment. Whatever the
timing, each order is created once: one upload creates it and every other
upload names it as skipped, with the order it duplicates. Nothing else
changes, in this business or in another.

Run: /usr/bin/python3 tests/e2e/test_import_race.py BUILD/postroom
"""
import re
import threading
import unittest

import harness
from test_import import CD_HEADER, cd_row, multipart, BOUNDARY

SERVER = None
PASSWORD = "import race password"
ORDERS = 200

CREATED = re.compile(r'<tr><td>(\d+)</td><td><a href="/orders/(\d+)">\d+</a></td><td>([^<]*)</td>')
SKIPPED = re.compile(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>(\d+)</td></tr>")


def setUpModule():
    global SERVER
    SERVER = harness.Server.start_new()


def tearDownModule():
    SERVER.stop_and_check(forbidden_in_logs=[PASSWORD, "race@one.example"])


class Race(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.one = SERVER.new_tenant("Race One")
        cls.two = SERVER.new_tenant("Race Two")
        # the other business holds the very references the file carries: they are
        # never skipped for them, nor touched
        cls.two.create_orders([harness.order("RACE-%d-%d" % (r, i)) for r in range(6) for i in range(0, ORDERS, 40)])
        cls.user = harness.WebUser(SERVER, cls.one, "race@one.example", PASSWORD)

    def upload_all(self, data, n):
        pages = [None] * n

        def one(i):
            body = multipart({"csrf": self.user.csrf, "skip_existing": "1"}, {"file": ("orders.csv", data, "text/csv")})
            pages[i] = self.user.post_multipart("/import", body, BOUNDARY)

        errors = harness.Parallel(n, one).run()
        self.assertEqual(errors, [])
        return pages

    def race(self, round_no, uploads, old):
        """uploads threads send one file of ORDERS new orders plus the old ones
        (references already in postroom before the round)."""
        refs = ["RACE-%d-%d" % (round_no, i) for i in range(ORDERS)]
        file_refs = refs[:ORDERS // 2] + list(old) + refs[ORDERS // 2:]
        data = (CD_HEADER + "".join(cd_row("Race", ref, "%d Race St" % k, "Leeds", "LS1 1AA", ref)
                                    for k, ref in enumerate(file_refs))).encode()
        before_one = {o["orderIdentifier"]: o for o in self.one.all_pages("/api/v1/orders/full")[0]}
        before_two = self.two.snapshot()
        pages = self.upload_all(data, uploads)

        created = {}  # reference -> (order id, upload)
        for u, r in enumerate(pages):
            self.assertEqual(r.status, 200, r.short(2000))
            text = r.text()
            made = [(int(line), int(oid), ref) for line, oid, ref in CREATED.findall(text)]
            skipped = [(int(line), ref, int(oid)) for line, ref, oid in SKIPPED.findall(text)]
            self.assertIn("%d order%s imported" % (len(made), "" if len(made) == 1 else "s"), text)
            if skipped:
                self.assertIn("%d order%s skipped" % (len(skipped), "" if len(skipped) == 1 else "s"), text)
            # every order of the file is on every page, once, on its own line: created or skipped
            lines = sorted([m[0] for m in made] + [s[0] for s in skipped])
            self.assertEqual(lines, list(range(2, 2 + len(file_refs))), "upload %d" % u)
            for line, oid, ref in made:
                self.assertEqual(ref, file_refs[line - 2])
                if ref in created or ref in old:
                    self.fail("%s created twice (uploads %s and %d)" % (ref, created.get(ref, ("", "before"))[1], u))
                created[ref] = (oid, u)
            for line, ref, oid in skipped:
                self.assertEqual(ref, file_refs[line - 2])
        self.assertEqual(sorted(created), sorted(refs))
        # each upload skipped exactly what the others created (and every old order),
        # naming the order it duplicates
        for u, r in enumerate(pages):
            for line, ref, oid in SKIPPED.findall(r.text()):
                if ref in old:
                    self.assertEqual(int(oid), old[ref])
                else:
                    self.assertEqual(created[ref][0], int(oid))
                    self.assertNotEqual(created[ref][1], u)
        # the business now holds each reference once: what it had, and the new orders
        after = {o["orderIdentifier"]: o for o in self.one.all_pages("/api/v1/orders/full")[0]}
        for oid, o in before_one.items():
            self.assertEqual(after.get(oid), o)
        new = {oid: o for oid, o in after.items() if oid not in before_one}
        self.assertEqual(sorted(o["orderReference"] for o in new.values()), sorted(refs))
        self.assertEqual({o["orderReference"]: oid for oid, o in new.items()},
                         {ref: v[0] for ref, v in created.items()})
        all_refs = [o["orderReference"] for o in after.values()]
        self.assertEqual(len(all_refs), len(set(all_refs)))
        self.assertEqual(self.two.snapshot(), before_two)
        return {ref: v[0] for ref, v in created.items()}

    def test_racing_uploads_create_each_order_once(self):
        old = {}
        for round_no, uploads in enumerate((2, 4, 2, 4, 2, 4)):
            with self.subTest(round=round_no, uploads=uploads):
                made = self.race(round_no, uploads, dict(list(old.items())[:10]))
                old.update(made)


if __name__ == "__main__":
    harness.main()

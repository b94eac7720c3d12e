"""Column mappings for spreadsheet layouts postroom does not know (issue 13).

What a business does: an administrator uploads its shop's own export, gets a
page that puts each postroom field beside a choice of the file's columns with a
preview of the first rows (each line with its problems), names the mapping and
saves it. From then on a file with exactly those columns imports on its own,
and any file can be read through a mapping chosen on the import page, by
Standard users too. Mappings are the business's own: another business's
mapping number is a 404 everywhere, the same as one that does not exist. A bad
mapping (two fields to one column, a required field left out, no name) is
refused with a message at each field and nothing is stored.

Run: /usr/bin/python3 tests/e2e/test_import_mapping.py BUILD/postroom
"""
import html
import re
import sqlite3
import unittest
import urllib.parse

import harness

SERVER = None
PASSWORD = "mapping tests password"
BOUNDARY = "----postroomMappingBoundary2b7f"
HTML = {"Accept": "text/html"}

HEADER = "Our Ref,Customer,Street,Town,Zip,Land,Mail,Kilos,Placed,Notes\r\n"
ROWS = ("MAP-1,Zoë Canary-Mapone,1 High St,Leeds,LS1 1AA,United Kingdom,zoe@mapone.example,1.25,2026-11-28,x\r\n"
        "MAP-2,Jean Dupont,2 Rue de Rivoli,Paris,75001,FRA,,0.5,2026-11-29,\r\n")
BAD_ROW = "MAP-3,Ann Lee,3 Mid St,Hull,HU1 1AA,GB,,heavy,2026-11-30,\r\n"
# the fields of the form and the header (by index in HEADER) each reads
GOOD = {"reference": 0, "full_name": 1, "address_line1": 2, "city": 3, "postcode": 4, "country": 5,
        "email": 6, "weight": 7, "order_date": 8}


def multipart(fields, files):
    return harness.multipart(fields, files, BOUNDARY)


def setUpModule():
    global SERVER
    SERVER = harness.Server.start_new()


def tearDownModule():
    SERVER.stop_and_check(forbidden_in_logs=[PASSWORD, "Canary-Mapone", "zoe@mapone.example", "Mid St"])


def db(sql, *args):
    c = SERVER.db_connect()
    try:
        return c.execute(sql, args).fetchall()
    finally:
        c.close()


class Web(harness.WebUser):
    def page(self, path):
        return self.server.request("GET", path, headers=dict(HTML, Cookie=self.cookie))

    def post(self, path, fields, csrf=None):
        body = urllib.parse.urlencode(dict(fields, csrf=csrf or self.csrf)).encode()
        return self.server.request("POST", path, body=body, headers=dict(
            HTML, Cookie=self.cookie, **{"Content-Type": "application/x-www-form-urlencoded"}))

    def upload(self, data, filename="shop.csv", **fields):
        fields["csrf"] = self.csrf
        body = multipart(fields, {"file": (filename, data, "text/csv")})
        return self.server.request("POST", "/import", body=body, headers=dict(
            HTML, Cookie=self.cookie, **{"Content-Type": "multipart/form-data; boundary=" + BOUNDARY}))


def sample_of(page):
    m = re.search(r'name="sample" value="([0-9a-f]+)"', page)
    return m.group(1) if m else None


def form_of(sample, columns, name="", dates="iso", action="save", rows="3"):
    f = {"sample": sample, "rows": rows, "filename": "shop.csv", "weight": "", "package": "", "name": name, "dates": dates,
         "action": action}
    for key, col in columns.items():
        f["f_" + key] = str(col)
    return f


def field_error(page, key):
    m = re.search(r'<span class="field-error" id="m-%s-error">(.*?)</span>' % re.escape(key), page)
    return html.unescape(m.group(1)) if m else None


def mapping_count(tenant):
    return db("SELECT count(*) FROM import_mappings WHERE tenant_id = ?", int(tenant.id))[0][0]


class Mapping(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.one = SERVER.new_tenant("Mapping One")
        cls.two = SERVER.new_tenant("Mapping Two")
        cls.admin1 = Web(SERVER, cls.one, "admin@mapone.example", PASSWORD, role="admin")
        cls.std1 = Web(SERVER, cls.one, "std@mapone.example", PASSWORD)
        cls.admin2 = Web(SERVER, cls.two, "admin@maptwo.example", PASSWORD, role="admin")
        r = cls.admin1.upload((HEADER + ROWS + BAD_ROW).encode())
        assert r.status == 422, r.short(2000)
        cls.offer = r.text()
        cls.sample = sample_of(cls.offer)

    def refs(self, tenant):
        orders, _ = tenant.all_pages("/api/v1/orders/full")
        return {o.get("orderReference"): o for o in orders}

    def save(self, name, columns=GOOD, user=None):
        return (user or self.admin1).post("/import/mapping", form_of(self.sample, columns, name=name))

    def saved(self, name, user=None, columns=GOOD):
        r = self.save(name, columns, user=user)
        self.assertEqual(r.status, 303, r.short(2000))
        m = re.match(r"^/import/mappings/(\d+)\?done=saved$", r.header("Location") or "")
        self.assertIsNotNone(m, r.header("Location"))
        return int(m.group(1))

    def test_1_unknown_file_offers_the_mapping_page(self):
        page = self.offer
        self.assertIn("column headers of a layout postroom knows", page)
        self.assertIn("Nothing was imported", page)
        self.assertIsNotNone(self.sample)
        # the carried rows are the file itself (it has fewer than ten)
        self.assertEqual(bytes.fromhex(self.sample).decode(), HEADER + ROWS + BAD_ROW)
        # each field has a select offering the file's headers, with its first row's value
        for key in ("reference", "full_name", "address_line1", "city", "postcode", "weight", "service_code"):
            self.assertRegex(page, r'<select id="m-%s" name="f_%s"' % (key, key))
        self.assertIn('<option value="4">Zip (e.g. LS1 1AA)</option>', page)
        # a known spelling is guessed: Click & Drop's "Town" is the town
        self.assertRegex(page, r'name="f_city"[^>]*>(?:(?!</select>).)*<option value="3" selected>Town', )
        # nothing was created, nothing stored
        self.assertEqual(self.refs(self.one), {})
        self.assertEqual(mapping_count(self.one), 0)

    def test_2_preview_shows_the_first_rows_with_their_problems(self):
        r = self.admin1.post("/import/mapping", form_of(self.sample, GOOD, action="preview"))
        self.assertEqual(r.status, 200, r.short(2000))
        page = r.text()
        rows = re.findall(r'<tr(?: class="has-problem")?><td class="num">(\d+)</td><td>(.*?)</td>(.*?)</tr>', page)
        self.assertEqual([(line, ref) for line, ref, _ in rows], [("2", "MAP-1"), ("3", "MAP-2"), ("4", "MAP-3")])
        self.assertIn("Zoë Canary-Mapone", rows[0][2])
        self.assertIn("1250 g", rows[0][2])
        self.assertIn(">FR<", rows[1][2])
        self.assertIn("Ready", rows[1][2])
        # a line whose values do not read shows the file's own cells, and why
        self.assertIn("heavy kg", rows[2][2])
        self.assertIn("Kilos: &#39;heavy&#39; is not a weight", rows[2][2].replace("&apos;", "&#39;"))
        self.assertIn("1 of these lines has problems", page)
        self.assertIn("The first 3 of the file's 3 rows", html.unescape(page))
        self.assertEqual(mapping_count(self.one), 0)
        self.assertEqual(self.refs(self.one), {})

    def test_3_bad_mapping_is_refused_field_by_field(self):
        before = self.one.snapshot()
        bad = dict(GOOD)
        bad["postcode"] = 3  # Town, which city reads too
        del bad["address_line1"]
        r = self.save("Broken", bad)
        self.assertEqual(r.status, 422, r.short(2000))
        page = r.text()
        self.assertIn("The mapping was not saved", page)
        self.assertEqual(field_error(page, "address_line1"), "Address line 1 must be mapped to a column")
        self.assertIn("Town", field_error(page, "postcode"))
        self.assertIn("Town", field_error(page, "city"))
        self.assertIsNone(field_error(page, "reference"))
        # what was chosen is kept
        self.assertRegex(page, r'name="f_postcode"[^>]*>(?:(?!</select>).)*<option value="3" selected>')
        # no name, then a column that is not in the file, then a name of control characters
        for fields, key, want in ((dict(GOOD), "name", "Enter a name."),
                                  (dict(GOOD, email=99), "email", "Choose one of the file's columns"),
                                  (dict(GOOD, full_name="x"), "full_name", "Choose one of the file's columns")):
            r = self.admin1.post("/import/mapping", form_of(self.sample, fields, name=""))
            self.assertEqual(r.status, 422, r.short(2000))
            self.assertIn(want, field_error(r.text(), "name" if key == "name" else key) or "")
        # no name column at all
        r = self.save("No name", {k: v for k, v in GOOD.items() if k != "full_name"})
        self.assertEqual(r.status, 422)
        self.assertIn("Recipient name (or First name) must be mapped", field_error(r.text(), "full_name"))
        # a form whose rows were tampered with
        r = self.admin1.post("/import/mapping", dict(form_of(self.sample, GOOD, name="X"), sample="zz"))
        self.assertEqual(r.status, 400)
        self.assertEqual(mapping_count(self.one), 0)
        self.assertEqual(self.one.snapshot(), before)

    def test_4_save_and_reuse(self):
        mid = self.saved("Shop export <b>")
        self.assertEqual(mapping_count(self.one), 1)
        page = self.admin1.page("/import/mappings/%d?done=saved" % mid).text()
        self.assertIn("Mapping saved", page)
        self.assertIn("Shop export &lt;b&gt;", page)
        self.assertRegex(page, r"<th scope=\"row\">Postcode</th><td>Zip</td>")
        # a second mapping of the same name is refused
        r = self.save("Shop export <b>")
        self.assertEqual(r.status, 422)
        self.assertIn("already", field_error(r.text(), "name"))
        self.assertEqual(mapping_count(self.one), 1)
        # the same columns are recognised: the orders import, by a Standard user too
        r = self.std1.upload((HEADER + ROWS).encode())
        self.assertEqual(r.status, 200, r.short(3000))
        self.assertIn("2 orders imported from a Shop export &lt;b&gt; file", r.text())
        got = self.refs(self.one)
        zoe = got["MAP-1"]
        self.assertEqual(zoe["shippingInfo"]["postcode"], "LS1 1AA")
        self.assertEqual(zoe["shippingInfo"]["emailAddress"], "zoe@mapone.example")
        self.assertEqual(zoe["weightInGrams"], 1250)
        self.assertEqual(zoe["orderDate"][:10], "2026-11-28")
        self.assertEqual(zoe["channel"], "Shop export <b>")
        self.assertEqual(got["MAP-2"]["shippingInfo"]["countryCode"], "FR")
        # the bad row is refused by line and column through the mapping, nothing imported
        before = self.one.snapshot()
        r = self.std1.upload((HEADER + BAD_ROW.replace("MAP-3", "MAP-4")).encode())
        self.assertEqual(r.status, 422)
        self.assertIn("Line 2, Kilos", r.text())
        self.assertEqual(self.one.snapshot(), before)
        # chosen on the import page: columns in another order, one more, read by header
        other = "Notes,Extra,Placed,Kilos,Mail,Land,Zip,Town,Street,Customer,Our Ref\r\n" \
                "n,e,2026-12-01,0.2,,GB,YO1 7HH,York,5 Low Rd,Bo Canary-Mapone,MAP-5\r\n"
        page = self.std1.page("/import").text()
        self.assertRegex(page, r'<option value="%d">Shop export &lt;b&gt;</option>' % mid)
        r = self.std1.upload(other.encode(), mapping=str(mid))
        self.assertEqual(r.status, 200, r.short(3000))
        self.assertEqual(self.refs(self.one)["MAP-5"]["shippingInfo"]["city"], "York")
        # chosen for a file that lacks a column it reads: refused, naming it
        r = self.std1.upload(b"Our Ref,Customer,Street\r\nA,B,C\r\n", mapping=str(mid))
        self.assertEqual(r.status, 422)
        self.assertIn("no &quot;Town&quot; column", r.text())

    def test_5_another_business_never_sees_or_touches_it(self):
        mid = self.saved("Private layout")
        before = db("SELECT tenant_id, mapping_id, name, spec, headers FROM import_mappings ORDER BY 1, 2")
        two_before = self.two.snapshot()
        for path in ("/import/mappings/%d" % mid, "/import/mappings/%d?done=saved" % mid):
            r = self.admin2.page(path)
            self.assertEqual(r.status, 404, path)
            self.assertNotIn("Private layout", r.text())
        for action, fields in (("rename", {"name": "Taken over"}), ("delete", {})):
            r = self.admin2.post("/import/mappings/%d/%s" % (mid, action), fields)
            self.assertEqual(r.status, 404, action)
        # its list shows none of one's; its import page offers none of them
        self.assertNotIn("Private layout", self.admin2.page("/import/mappings").text())
        self.assertNotIn("Private layout", self.admin2.page("/import").text())
        # chosen by number in a hand-made upload: 404, nothing imported
        r = self.admin2.upload((HEADER + ROWS).encode(), mapping=str(mid))
        self.assertEqual(r.status, 404)
        self.assertNotIn("Private layout", r.text())
        # and one's headers are not recognised for two: two gets its own mapping page
        r = self.admin2.upload((HEADER + ROWS).encode())
        self.assertEqual(r.status, 422)
        self.assertIn('name="sample"', r.text())
        self.assertEqual(self.two.snapshot(), two_before)
        # two's own number 1 is its own
        own = self.saved("Two's own", user=self.admin2)
        self.assertEqual(own, 1)
        r = self.admin2.page("/import/mappings/1")
        self.assertEqual(r.status, 200)
        self.assertIn("Two&#39;s own", r.text().replace("&apos;", "&#39;"))
        self.assertNotIn("Shop export", r.text())
        after = db("SELECT tenant_id, mapping_id, name, spec, headers FROM import_mappings WHERE tenant_id = ? "
                   "ORDER BY 1, 2", int(self.one.id))
        self.assertEqual(after, [row for row in before if row[0] == int(self.one.id)])
        for bad in ("0", "-1", "abc", "99999999999999999999", "1%00"):
            self.assertEqual(self.admin2.page("/import/mappings/" + bad).status, 404, bad)

    def test_6_standard_users_use_but_do_not_change(self):
        mid = self.saved("Standard sees this")
        before = db("SELECT * FROM import_mappings ORDER BY 1, 2")
        page = self.std1.page("/import/mappings").text()
        self.assertIn("Standard sees this", page)
        self.assertNotIn("/delete", page)
        page = self.std1.page("/import/mappings/%d" % mid).text()
        self.assertIn("Standard sees this", page)
        self.assertNotIn("/rename", page)
        for path, fields in (("/import/mapping", form_of(self.sample, GOOD, name="By standard")),
                             ("/import/mappings/%d/rename" % mid, {"name": "By standard"}),
                             ("/import/mappings/%d/delete" % mid, {})):
            self.assertEqual(self.std1.post(path, fields).status, 403, path)
        self.assertEqual(db("SELECT * FROM import_mappings ORDER BY 1, 2"), before)
        # an unknown file tells a Standard user whom to ask, with no mapping form
        r = self.std1.upload(b"Alpha,Beta,Gamma\r\n1,2,3\r\n")
        self.assertEqual(r.status, 422)
        self.assertIn("An administrator of your business can map", r.text())
        self.assertNotIn('name="sample"', r.text())

    def test_7_rename_and_delete(self):
        mid = self.saved("Old name")
        other = self.saved("Other name", columns=dict(GOOD, county=9))
        r = self.admin1.post("/import/mappings/%d/rename" % mid, {"name": "Other name"})
        self.assertEqual(r.status, 422)
        self.assertIn("already", field_error(r.text(), "name"))
        r = self.admin1.post("/import/mappings/%d/rename" % mid, {"name": "  "})
        self.assertEqual(r.status, 422)
        r = self.admin1.post("/import/mappings/%d/rename" % mid, {"name": "New name"})
        self.assertEqual(r.status, 303)
        self.assertEqual(db("SELECT name FROM import_mappings WHERE tenant_id = ? AND mapping_id = ?",
                            int(self.one.id), mid), [("New name",)])
        r = self.admin1.post("/import/mappings/%d/delete" % other, {})
        self.assertEqual((r.status, r.header("Location")), (303, "/import/mappings?done=deleted"))
        self.assertEqual(self.admin1.page("/import/mappings/%d" % other).status, 404)
        self.assertEqual(self.admin1.post("/import/mappings/%d/delete" % other, {}).status, 404)
        # CSRF as always
        r = self.admin1.post("/import/mappings/%d/delete" % mid, {}, csrf="forged")
        self.assertEqual(r.status, 403)
        self.assertEqual(self.admin1.page("/import/mappings/%d" % mid).status, 200)

    def test_8_a_row_per_item_file_grouped_by_its_order_number(self):
        head = "Order No,Ship Who,Line1,Place,PC,Item,Qty,Each\r\n"
        data = (head + "7001,Ann Lee,1 A St,Leeds,LS1 1AA,Mug,2,5.00\r\n"
                       "7001,,,,,Plate,1,7.25\r\n"
                       "7002,Bob Ray,2 B St,York,YO1 1AA,Cup,1,3.50\r\n").encode()
        r = self.admin1.upload(data, filename="till.csv")
        self.assertEqual(r.status, 422)
        sample = sample_of(r.text())
        cols = {"order_number": 0, "reference": 0, "full_name": 1, "address_line1": 2, "city": 3, "postcode": 4,
                "product_name": 5, "quantity": 6, "unit_price": 7}
        r = self.admin1.post("/import/mapping", dict(form_of(sample, cols, name="Till"), filename="till.csv"))
        self.assertEqual(r.status, 303, r.short(2000))
        r = self.admin1.upload(data, filename="till.csv", weight="0.5")
        self.assertEqual(r.status, 200, r.short(3000))
        got = self.refs(self.one)
        self.assertEqual(len(got["7001"]["orderLines"]), 2)
        self.assertEqual(got["7001"]["subtotal"], 17.25)
        self.assertEqual(got["7002"]["weightInGrams"], 500)

    def test_9_a_file_of_long_rows_carries_fewer_of_them(self):
        # ten rows of 8 KB do not fit the form's 48 KiB: three do, and the preview says so
        head = "Who,Where,Town,Notes,More\r\n"
        rows = "".join("Name %d,%d Long Rd,Leeds,%s,%s\r\n" % (i, i, "n" * 4000, "m" * 4000) for i in range(12))
        r = self.admin1.upload((head + rows).encode(), filename="long.csv")
        self.assertEqual(r.status, 422)
        sample = bytes.fromhex(sample_of(r.text())).decode()
        self.assertEqual(sample, head + "".join(rows.splitlines(True)[:3]))
        self.assertIn('name="rows" value="12"', r.text())
        cols = {"full_name": 0, "address_line1": 1, "city": 2}
        r = self.admin1.post("/import/mapping", form_of(sample_of(r.text()), cols, action="preview", rows="12"))
        self.assertEqual(r.status, 200, r.short(2000))
        self.assertIn("The first 3 of the file&#39;s 12 rows".replace("&#39;", "'"),
                      html.unescape(r.text()))
        # a header row alone longer than the form carries: refused as before, nothing offered
        wide = ",".join("Column %d %s" % (i, "h" * 300) for i in range(200)) + "\r\n" + "x\r\n"
        r = self.admin1.upload(wide.encode(), filename="wide.csv")
        self.assertEqual(r.status, 422)
        self.assertNotIn('name="sample"', r.text())
        self.assertIn("Nothing was imported", r.text())


if __name__ == "__main__":
    harness.main()

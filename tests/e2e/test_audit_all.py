"""The access audit records every read and change of a business's data
(issue 10, build step 4), each with the right action, principal and
objects, and never the data itself:

  order.create     POST /orders                      key:N   order:ids
  order.read       GET /orders, /orders/{ids}[/full]  key:N   order:ids
  label.print      GET /orders/{ids}/label (labels)   key:N   order:ids
  paperwork.print  the same, despatch notes, CN22/23  key:N   order:ids
  order.status     PUT /orders/status                 key:N   order:ids
  order.delete     DELETE /orders/{ids}               key:N   order:ids
  manifest.create  POST /manifests                    key:N   manifest:N, then order:ids
  manifest.read    GET /manifests/{n}                 key:N   manifest:N, then order:ids
  return.create    POST /returns                      key:N   return:N, then order:N (linked)
  order.export     GET /export.csv (signed in)        user:N  order:ids, 100 ids a record
  tenant.create, apikey.create, user.create, killswitch.on|off, sessions.revoke
                   the command line                   cli:LOGIN (tenant 0)

Reads from several threads at once are all recorded (one record per
answer, matched by request id), the chain verifies after all of it, a
change whose append fails is a 500 that changes nothing, and a read whose
record the chain refuses keeps it in the server's journal until the chain
takes it (the answer left once the journal held it).

Run: /usr/bin/python3 tests/e2e/test_audit_all.py BUILD/postroom
"""
import os
import subprocess
import unittest

import harness

SERVER = None
T = None
# The phone numbers whole (harness.py's orders): "07700" alone is also among
# the digits of some millisecond times (1796220507700): a false find, seen once.
PERSONAL = ["Ada", "Lovelace", "Analytical", "St James", "SW1Y", "Westminster", "London",
            "07700900123", "07700900456", "@example", "Returns Desk", "Depot Road", "Leeds",
            "LS1 1AA"]
RETURN_ADDRESS = {"firstName": "Returns", "lastName": "Desk", "addressLine1": "1 Depot Road",
                  "city": "Leeds", "postcode": "LS1 1AA", "country": "United Kingdom",
                  "countryIsoCode": "GBR"}


def setUpModule():
    global SERVER, T
    os.environ["USER"] = "audit-op"
    os.environ.pop("SUDO_USER", None)
    SERVER = harness.Server.start_new()
    T = SERVER.new_tenant("Audit All Ltd")


def tearDownModule():
    SERVER.stop_and_check()


def settle(db=None):
    harness.audit_settle(db or SERVER)


def rows(where="1 = 1", args=()):
    settle()
    c = SERVER.db_connect()
    try:
        return c.execute("SELECT seq, time, server_id, request_id, principal_tenant, principal_id, "
                         "data_tenant, action, objects FROM audit WHERE " + where + " ORDER BY seq",
                         args).fetchall()
    finally:
        c.close()


def of_request(resp):
    """The records of one answer, by its X-Request-Id."""
    rid = resp.header("X-Request-Id")
    assert rid, resp.short()
    return rows("request_id = ?", (rid,))


def ids(objects, kind="order"):
    prefix = kind + ":"
    assert objects.startswith(prefix), objects
    return [int(x) for x in objects[len(prefix):].split(",")]


def with_postage(ref):
    o = harness.order(ref)
    o["postageDetails"] = {"serviceCode": "TOLP24"}
    return o


class AuditAllTest(unittest.TestCase):
    def assert_api_record(self, rec, action, objects):
        self.assertEqual(rec[7], action)
        self.assertEqual(rec[8], objects)
        self.assertEqual(str(rec[4]), T.id)
        self.assertEqual(str(rec[6]), T.id)
        self.assertRegex(rec[5], r"^key:[0-9]+$")
        self.assertTrue(rec[2])

    def test_create_and_read(self):
        made = T.create_orders([harness.order("AA-1"), harness.order("AA-2")])
        got = [o["orderIdentifier"] for o in made]
        r = T.get(harness.ids_path(got))
        self.assertEqual(r.status, 200, r.short())
        recs = of_request(r)
        self.assertEqual(len(recs), 1)
        self.assert_api_record(recs[0], "order.read", "order:%d,%d" % tuple(got))
        r = T.get(harness.ids_path(got[:1], "/full"))
        self.assert_api_record(of_request(r)[0], "order.read", "order:%d" % got[0])
        r = T.get("/api/v1/orders?pageSize=100")
        listed = [o["orderIdentifier"] for o in r.json()["orders"]]
        recs = of_request(r)
        self.assertEqual(len(recs), 1)
        self.assertEqual(ids(recs[0][8]), listed)
        creates = [x for x in rows("action = 'order.create'") if set(ids(x[8])) == set(got)]
        self.assertEqual(len(creates), 1)

    def test_not_found_read_records_nothing(self):
        r = T.get("/api/v1/orders/999999")
        self.assertEqual(r.status, 404)
        self.assertEqual(of_request(r), [])

    def test_labels_paperwork_status_manifest(self):
        made = T.create_orders([with_postage("AL-1"), with_postage("AL-2"), harness.order("AL-3")])
        a, b, c = (o["orderIdentifier"] for o in made)
        r = T.get(harness.ids_path([a, b], "/label?documentType=postageLabel&includeReturnsLabel=false"))
        self.assertEqual(r.status, 200, r.short())
        recs = of_request(r)
        self.assertEqual(len(recs), 1)
        self.assert_api_record(recs[0], "label.print", "order:%d,%d" % (a, b))
        r = T.get(harness.ids_path([a], "/label?documentType=despatchNote"))
        self.assertEqual(r.status, 200, r.short())
        recs = of_request(r)
        self.assertEqual(len(recs), 1)
        self.assert_api_record(recs[0], "paperwork.print", "order:%d" % a)
        r = T.req("PUT", "/api/v1/orders/status", body={"items": [
            {"orderIdentifier": c, "status": "despatched"},
            {"orderIdentifier": 999999, "status": "despatched"}]})
        self.assertEqual(r.status, 200, r.short())
        recs = of_request(r)
        self.assertEqual(len(recs), 1)  # the order that moved, none for the missing one
        self.assert_api_record(recs[0], "order.status", "order:%d" % c)
        r = T.req("POST", "/api/v1/manifests")
        self.assertEqual(r.status, 201, r.short())
        number = r.json()["manifestNumber"]
        recs = of_request(r)
        self.assertEqual([x[7] for x in recs], ["manifest.create", "manifest.create"])
        self.assertEqual(recs[0][8], "manifest:%d" % number)
        self.assertTrue({a, b, c} <= set(ids(recs[1][8])))
        manifested = recs[1][8]
        r = T.get("/api/v1/manifests/%d" % number)
        self.assertEqual(r.status, 200, r.short())
        recs = of_request(r)
        self.assert_api_record(recs[0], "manifest.read", "manifest:%d" % number)
        self.assert_api_record(recs[1], "manifest.read", manifested)
        self.assertEqual(len(recs), 2)

    def test_delete(self):
        made = T.create_orders([harness.order("AD-1")])
        oid = made[0]["orderIdentifier"]
        r = T.req("DELETE", harness.ids_path([oid]))
        self.assertEqual(r.status, 200, r.short())
        recs = of_request(r)
        self.assertEqual(len(recs), 1)
        self.assert_api_record(recs[0], "order.delete", "order:%d" % oid)
        # deleting it again changes nothing and records nothing
        r = T.req("DELETE", harness.ids_path([oid]))
        self.assertEqual(of_request(r), [])

    def test_return(self):
        made = T.create_orders([harness.order("AR-1")])
        oid = made[0]["orderIdentifier"]
        body = {"service": {"serviceCode": "TSN"},
                "shipment": {"shippingAddress": RETURN_ADDRESS, "returnAddress": RETURN_ADDRESS,
                             "customerReference": {"reference": "AR-1"}}}
        r = T.req("POST", "/api/v1/returns", body=body)
        self.assertEqual(r.status, 200, r.short())
        recs = of_request(r)
        self.assertEqual([x[7] for x in recs], ["return.create", "return.create"])
        self.assertRegex(recs[0][8], r"^return:[0-9]+$")
        self.assert_api_record(recs[1], "return.create", "order:%d" % oid)

    def test_export_split_in_records_of_100(self):
        t = SERVER.new_tenant("Audit Export Ltd")
        made = t.create_orders([harness.order("AE-%d" % i) for i in range(230)])
        want = sorted(o["orderIdentifier"] for o in made)
        user = harness.WebUser(SERVER, t, "export@audit.example", "export password 1")
        r = user.get("/export.csv")
        self.assertEqual(r.status, 200, r.short())
        recs = of_request(r)
        self.assertEqual(len(recs), 3)
        for rec in recs:
            self.assertEqual(rec[7], "order.export")
            self.assertRegex(rec[5], r"^user:[0-9]+$")
            self.assertEqual(str(rec[4]), t.id)
            self.assertEqual(str(rec[6]), t.id)
            self.assertLessEqual(len(ids(rec[8])), 100)
        self.assertEqual(sorted(i for rec in recs for i in ids(rec[8])), want)
        # 230 created in batches of 100: three order.create records, also split
        creates = rows("action = 'order.create' AND data_tenant = ?", (int(t.id),))
        self.assertEqual(sorted(i for rec in creates for i in ids(rec[8])), want)

    def test_cli_commands(self):
        t = SERVER.new_tenant("Audit CLI Ltd")
        SERVER.user_add(t.id, "cli@audit.example", "standard", "cli password 12")
        SERVER.cli("killswitch", "on", "--tenant", t.id, "--feature", "exports", "--reason",
                   "audit test", "--revoke-sessions")
        SERVER.cli("killswitch", "off", "--tenant", t.id, "--feature", "exports")
        SERVER.cli("sessions", "revoke", "--tenant", t.id)
        recs = rows("principal_id LIKE 'cli:%' AND data_tenant = ?", (int(t.id),))
        got = [(x[7], x[8]) for x in recs]
        uid = [o for a, o in got if a == "user.create"]
        self.assertEqual(len(uid), 1)
        self.assertRegex(uid[0], r"^user:[0-9]+$")
        self.assertEqual(got, [("tenant.create", "tenant:" + t.id), ("apikey.create", "tenant:" + t.id),
                               ("user.create", uid[0]), ("killswitch.on", "feature:exports"),
                               ("sessions.revoke", "tenant:" + t.id),
                               ("killswitch.off", "feature:exports"),
                               ("sessions.revoke", "tenant:" + t.id)])
        for x in recs:
            self.assertEqual(x[5], "cli:audit-op")
            self.assertEqual(x[4], 0)
            self.assertEqual(x[3], "cli")

    def test_concurrent_reads_all_recorded(self):
        made = T.create_orders([harness.order("AC-%d" % i) for i in range(8)])
        oids = [o["orderIdentifier"] for o in made]
        answers = [[] for _ in range(8)]

        def reader(i):
            for k in range(25):
                r = T.get(harness.ids_path([oids[(i + k) % 8]]))
                if r.status != 200:
                    raise AssertionError(r.short())
                answers[i].append((r.header("X-Request-Id"), r.json()[0]["orderIdentifier"]))

        p = harness.Parallel(8, reader)
        p.run()
        self.assertEqual(p.errors, [])
        got = {}
        for rec in rows("action = 'order.read'"):
            got.setdefault(rec[3], []).append(rec)
        total = 0
        for i in range(8):
            self.assertEqual(len(answers[i]), 25)
            for rid, oid in answers[i]:
                self.assertEqual(len(got.get(rid, [])), 1, rid)
                self.assert_api_record(got[rid][0], "order.read", "order:%d" % oid)
                total += 1
        self.assertEqual(total, 200)

    def test_failed_append_refuses_a_change_and_keeps_a_read(self):
        made = T.create_orders([harness.order("AF-1")])
        oid = made[0]["orderIdentifier"]
        before = len(rows())
        harness.refuse_inserts(SERVER, "audit", True)
        try:
            # a read's record is in its server's journal before the answer
            # leaves; the chain refusing it holds it there, not the answer
            read = T.get(harness.ids_path([oid]))
            self.assertEqual(read.status, 200, read.short())
            r = T.req("POST", "/api/v1/orders", body={"items": [harness.order("AF-2")]})
            self.assertEqual(r.status, 500, r.short())
            self.assertNotIn(b"AF-2", r.body)
            c = SERVER.db_connect()
            n = c.execute("SELECT count(*) FROM audit").fetchone()[0]
            c.close()
            self.assertEqual(n, before)
        finally:
            harness.refuse_inserts(SERVER, "audit", False)
        # once the chain takes records again, the read's is appended, once
        self.assertEqual(len(rows()), before + 1)
        self.assertEqual(len(of_request(read)), 1)
        self.assert_api_record(of_request(read)[0], "order.read", "order:%d" % oid)
        # AF-2 was not created: an order is never created unrecorded
        listed, _ = T.all_pages()
        self.assertNotIn("AF-2", [o.get("orderReference") for o in listed])
        r = T.get(harness.ids_path([oid]))
        self.assertEqual(r.status, 200, r.short())
        self.assertEqual(len(of_request(r)), 1)

    def test_zz_chain_verifies_and_holds_no_personal_data(self):
        p = subprocess.run([SERVER.binary, "--db", SERVER.db, "audit", "verify"],
                           capture_output=True, text=True, timeout=60, env=SERVER.env)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        every = rows()
        self.assertEqual([r[0] for r in every], list(range(1, len(every) + 1)))
        text = " ".join(str(v) for r in every for v in r)
        for s in PERSONAL + ["AA-1", "AL-1", "AE-1", "AR-1", "export@audit", "cli@audit"]:
            self.assertNotIn(s, text)
        for r in every:
            self.assertLessEqual(len(r[8]), 1200)


if __name__ == "__main__":
    harness.main()

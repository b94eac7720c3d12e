"""The status site, first step (issue 10): `postroom status-serve`, the
`postroom status` CLI and `postroom status-export`.

The status site is its own process with its own SQLite database, serving
Atlassian Statuspage v2 JSON (docs/statuspage-v2.md). Every document is
checked field for field against the reference's lists (each key present,
of the right type, null where it has no value); an incident made through
the CLI shows in summary.json and unresolved.json with its update and
components, and leaves unresolved.json when resolved; a component's outage
moves status.indicator; the export writes the bytes the server serves; and
the site keeps serving when the app's database file is gone.

Run: /usr/bin/python3 tests/e2e/test_status.py BUILD/postroom
"""
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import harness

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
STR, TIME, INT, BOOL, NULL = "str", "time", "int", "bool", "null"

PAGE = {"id": STR, "name": STR, "url": (STR, NULL), "time_zone": STR, "updated_at": TIME}
COMPONENT = {"id": STR, "name": STR, "status": STR, "created_at": TIME, "updated_at": TIME,
             "position": INT, "description": (STR, NULL), "showcase": BOOL,
             "start_date": (STR, NULL), "group_id": (STR, NULL), "page_id": STR, "group": BOOL,
             "only_show_if_degraded": BOOL}
UPDATE = {"id": STR, "status": STR, "body": STR, "incident_id": STR, "created_at": TIME,
          "updated_at": TIME, "display_at": TIME, "affected_components": list,
          "deliver_notifications": BOOL, "custom_tweet": (STR, NULL), "tweet_id": (STR, NULL)}
INCIDENT = {"id": STR, "name": STR, "status": STR, "created_at": TIME, "updated_at": TIME,
            "monitoring_at": (TIME, NULL), "resolved_at": (TIME, NULL), "impact": STR,
            "shortlink": (STR, NULL), "started_at": TIME, "page_id": STR,
            "incident_updates": list, "components": list}
MAINTENANCE = dict(INCIDENT, scheduled_for=(TIME, NULL), scheduled_until=(TIME, NULL))
STATUS = {"indicator": STR, "description": STR}

COMPONENT_STATES = {"operational", "degraded_performance", "partial_outage", "major_outage",
                    "under_maintenance"}
INCIDENT_STATES = {"investigating", "identified", "monitoring", "resolved", "postmortem"}
IMPACTS = {"none", "minor", "major", "critical", "maintenance"}
DEFAULTS = ["Web app", "API", "Labels", "Imports", "Tracking"]

DOCS = {
    "summary.json": ["components", "incidents", "scheduled_maintenances", "status"],
    "status.json": ["status"],
    "components.json": ["components"],
    "incidents.json": ["incidents"],
    "incidents/unresolved.json": ["incidents"],
    "scheduled-maintenances.json": ["scheduled_maintenances"],
    "scheduled-maintenances/upcoming.json": ["scheduled_maintenances"],
    "scheduled-maintenances/active.json": ["scheduled_maintenances"],
}


class StatusSite:
    """One `postroom status-serve` on a free port with a fresh status database."""

    def __init__(self, app_db=None, extra=(), env=None):
        self.binary = harness.binary_path()
        self.dir = tempfile.mkdtemp(prefix="postroom-status-")
        self.db = os.path.join(self.dir, "status.db")
        self.port = harness.free_port()
        self.err = open(os.path.join(self.dir, "stderr"), "w+")
        pre = ["--db", app_db] if app_db else []
        self.proc = subprocess.Popen(
            [self.binary] + pre + ["status-serve", "--listen", "127.0.0.1:%d" % self.port,
                                   "--status-db", self.db] + list(extra),
            stdout=subprocess.DEVNULL, stderr=self.err, env=env)
        deadline = time.monotonic() + 10
        while True:
            try:
                self.get("status.json")
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("status-serve did not start: " + self.stderr())
                time.sleep(0.05)

    def stderr(self):
        self.err.flush()
        self.err.seek(0)
        return self.err.read()

    def get_raw(self, doc):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        c.request("GET", "/api/v2/" + doc)
        r = c.getresponse()
        body = r.read()
        c.close()
        return r.status, r.getheader("Content-Type"), body

    def get(self, doc):
        status, ctype, body = self.get_raw(doc)
        assert status == 200, (doc, status, body)
        assert ctype == "application/json", (doc, ctype)
        return json.loads(body)

    def cli(self, *args, ok=True):
        p = subprocess.run([self.binary, "status", "--status-db", self.db] + list(args),
                           capture_output=True, text=True, timeout=60)
        if ok and p.returncode != 0:
            raise AssertionError("%r failed: %s" % (args, p.stderr))
        for m in harness.SANITIZER_MARKERS:
            assert m not in p.stderr, p.stderr
        return p

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=30)
        text = self.stderr()
        self.err.close()
        for m in harness.SANITIZER_MARKERS:
            assert m not in text, text
        assert rc == 0, (rc, text)
        shutil.rmtree(self.dir, ignore_errors=True)


def check_shape(test, obj, shape, where):
    test.assertIsInstance(obj, dict, where)
    for key, kinds in shape.items():
        test.assertIn(key, obj, "%s lacks %s" % (where, key))
        kinds = kinds if isinstance(kinds, tuple) else (kinds,)
        v = obj[key]
        good = False
        for k in kinds:
            good = good or (k == NULL and v is None) or (k == STR and isinstance(v, str)) or \
                (k == TIME and isinstance(v, str) and bool(ISO.match(v))) or \
                (k == INT and isinstance(v, int) and not isinstance(v, bool)) or \
                (k == BOOL and isinstance(v, bool)) or (k is list and isinstance(v, list))
        test.assertTrue(good, "%s.%s = %r is not %s" % (where, key, v, kinds))


def check_component(test, c, where):
    check_shape(test, c, COMPONENT, where)
    test.assertIn(c["status"], COMPONENT_STATES, where)


def check_incident(test, i, where, maintenance=False):
    check_shape(test, i, MAINTENANCE if maintenance else INCIDENT, where)
    test.assertIn(i["impact"], IMPACTS, where)
    if not maintenance:
        test.assertIn(i["status"], INCIDENT_STATES, where)
    for n, u in enumerate(i["incident_updates"]):
        check_shape(test, u, UPDATE, "%s.incident_updates[%d]" % (where, n))
        test.assertEqual(u["incident_id"], i["id"])
        for a in u["affected_components"]:
            for k in ("code", "name", "old_status", "new_status"):
                test.assertIn(k, a)
    for n, c in enumerate(i["components"]):
        check_component(test, c, "%s.components[%d]" % (where, n))


def check_doc(test, site, doc):
    """Fetches doc and checks every field the reference lists for it."""
    body = site.get(doc)
    test.assertEqual(sorted(body), sorted(["page"] + DOCS[doc]), doc)
    check_shape(test, body["page"], PAGE, doc + " page")
    if "status" in body:
        check_shape(test, body["status"], STATUS, doc + " status")
        test.assertIn(body["status"]["indicator"], {"none", "minor", "major", "critical"})
    for n, c in enumerate(body.get("components", [])):
        check_component(test, c, "%s components[%d]" % (doc, n))
    for n, i in enumerate(body.get("incidents", [])):
        check_incident(test, i, "%s incidents[%d]" % (doc, n))
    for n, i in enumerate(body.get("scheduled_maintenances", [])):
        check_incident(test, i, "%s scheduled_maintenances[%d]" % (doc, n), maintenance=True)
    return body


class StatusSiteTest(unittest.TestCase):
    def setUp(self):
        self.site = StatusSite()

    def tearDown(self):
        self.site.stop()

    def test_fresh_site_every_document(self):
        for doc in DOCS:
            check_doc(self, self.site, doc)
        comps = self.site.get("components.json")["components"]
        self.assertEqual([c["name"] for c in comps], DEFAULTS)
        self.assertEqual({c["status"] for c in comps}, {"operational"})
        self.assertEqual(self.site.get("status.json")["status"],
                         {"indicator": "none", "description": "All Systems Operational"})
        self.assertEqual(self.site.get("incidents.json")["incidents"], [])
        self.assertEqual(self.site.get("summary.json")["scheduled_maintenances"], [])
        # only GET of the listed documents
        self.assertEqual(self.site.get_raw("nothing.json")[0], 404)

    def test_incident_lifecycle(self):
        p = self.site.cli("incident", "create", "--name", "Labels are slow", "--status",
                          "investigating", "--impact", "major", "--component", "Labels",
                          "--component", "API", "--body", "We are looking into it.")
        iid = p.stdout.strip()
        self.assertRegex(iid, r"^\d+$")
        for doc in ("summary.json", "incidents/unresolved.json", "incidents.json"):
            body = check_doc(self, self.site, doc)
            [inc] = body["incidents"]
            self.assertEqual(inc["id"], iid)
            self.assertEqual((inc["name"], inc["status"], inc["impact"]),
                             ("Labels are slow", "investigating", "major"))
            self.assertIsNone(inc["resolved_at"])
            self.assertEqual([c["name"] for c in inc["components"]], ["API", "Labels"])
            [u] = inc["incident_updates"]
            self.assertEqual((u["status"], u["body"]), ("investigating", "We are looking into it."))
        self.assertEqual(self.site.get("status.json")["status"]["indicator"], "major")

        self.site.cli("incident", "update", iid, "--status", "monitoring", "--body", "A fix is out.")
        [inc] = self.site.get("incidents/unresolved.json")["incidents"]
        self.assertEqual(inc["status"], "monitoring")
        self.assertIsNotNone(inc["monitoring_at"])
        self.assertEqual([u["body"] for u in inc["incident_updates"]],
                         ["A fix is out.", "We are looking into it."])

        self.site.cli("incident", "update", iid, "--status", "resolved", "--body", "All good.")
        self.assertEqual(check_doc(self, self.site, "incidents/unresolved.json")["incidents"], [])
        self.assertEqual(self.site.get("summary.json")["incidents"], [])
        [inc] = check_doc(self, self.site, "incidents.json")["incidents"]
        self.assertEqual(inc["status"], "resolved")
        self.assertTrue(harness_iso(inc["resolved_at"]))
        self.assertEqual(len(inc["incident_updates"]), 3)
        self.assertEqual(self.site.get("status.json")["status"]["indicator"], "none")

    def test_component_outage_moves_the_indicator(self):
        self.site.cli("component", "set", "Tracking", "major_outage")
        body = check_doc(self, self.site, "summary.json")
        self.assertEqual(body["status"], {"indicator": "critical",
                                          "description": "Major Service Outage"})
        tracking = [c for c in body["components"] if c["name"] == "Tracking"]
        self.assertEqual(tracking[0]["status"], "major_outage")
        self.site.cli("component", "set", "Tracking", "degraded_performance")
        self.assertEqual(self.site.get("status.json")["status"],
                         {"indicator": "minor", "description": "Minor Service Outage"})
        self.site.cli("component", "set", "Tracking", "operational")
        self.assertEqual(self.site.get("status.json")["status"]["indicator"], "none")

    def test_bad_commands_change_nothing(self):
        before = self.site.get_raw("summary.json")[2]
        for args, word in [
            (["component", "set", "Tracking", "sideways"], "state"),
            (["component", "set", "Nowhere", "major_outage"], "no such component"),
            (["incident", "create", "--name", "x", "--status", "bad", "--impact", "minor",
              "--body", "b"], "--status"),
            (["incident", "create", "--name", "x", "--status", "identified", "--impact", "huge",
              "--body", "b"], "--impact"),
            (["incident", "create", "--name", "x", "--status", "identified", "--impact", "minor",
              "--component", "Nowhere", "--body", "b"], "no such component"),
            (["incident", "create", "--name", "x"], "--body"),
            (["incident", "update", "999", "--status", "resolved", "--body", "b"], "no such"),
            (["incident", "update", "abc", "--status", "resolved", "--body", "b"], "number"),
            (["sideways"], "usage"),
        ]:
            p = self.site.cli(*args, ok=False)
            self.assertNotEqual(p.returncode, 0, args)
            self.assertEqual(len(p.stderr.strip().splitlines()), 1, (args, p.stderr))
            self.assertIn(word, p.stderr, args)
        self.assertEqual(self.site.get_raw("summary.json")[2], before)
        p = self.site.cli("--help")
        self.assertEqual(p.returncode, 0)
        self.assertIn("incident create", p.stdout)

    def test_export_is_what_the_server_serves(self):
        self.site.cli("incident", "create", "--name", "Imports stuck", "--status", "identified",
                      "--impact", "minor", "--component", "Imports", "--body", "Queue is stuck.")
        self.site.cli("component", "set", "Imports", "partial_outage")
        out = os.path.join(self.site.dir, "export")
        p = subprocess.run([self.site.binary, "status-export", out, "--status-db", self.site.db],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        for doc in DOCS:
            with open(os.path.join(out, "api", "v2", doc), "rb") as f:
                self.assertEqual(f.read(), self.site.get_raw(doc)[2], doc)


def harness_iso(s):
    return isinstance(s, str) and bool(ISO.match(s))


def drop_database(app):
    """The app's database gone: its files, or on PostgreSQL the database
    dropped (from the cluster's own database, as the superuser)."""
    if not app.db_super:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(app.db + suffix):
                os.unlink(app.db + suffix)
        return
    import psycopg2
    name = app.db.split("?")[0].rsplit("/", 1)[1]
    c = psycopg2.connect(app.db_super.replace("/%s?" % name, "/postgres?"))
    c.autocommit = True
    c.cursor().execute("DROP DATABASE %s WITH (FORCE)" % name)
    c.close()


def database_exists(app):
    if not app.db_super:
        return os.path.exists(app.db)
    import psycopg2
    name = app.db.split("?")[0].rsplit("/", 1)[1]
    c = psycopg2.connect(app.db_super.replace("/%s?" % name, "/postgres?"))
    try:
        cur = c.cursor()
        cur.execute("SELECT count(*) FROM pg_database WHERE datname = %s", (name,))
        return cur.fetchone()[0] > 0
    finally:
        c.close()


class StatusOutlivesTheApp(unittest.TestCase):
    def test_serves_with_the_app_database_deleted(self):
        app = harness.Server.start_new()
        try:
            site = StatusSite(app_db=app.db, env=app.env)  # told the app's database, it must not open it
            try:
                self.assertEqual(app.request("GET", "/healthz").status, 200)
                app.stop_and_check()
                drop_database(app)
                site.cli("component", "set", "Web app", "major_outage")
                for doc in DOCS:
                    check_doc(self, site, doc)
                self.assertEqual(site.get("status.json")["status"]["indicator"], "critical")
                self.assertFalse(database_exists(app), "the status site opened the app's database")
            finally:
                site.stop()
        finally:
            if app.alive():
                app.stop()


if __name__ == "__main__":
    harness.main()

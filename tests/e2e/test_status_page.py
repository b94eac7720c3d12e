"""The status site's page, feeds, maintenance commands and prober (issue 10).

- The HTML page at / and /index.html: the banner, every component with its
  state in words, 90 SVG rects per component coloured by the day's worst
  state (a <title> with the date and the state), incidents with their
  updates, maintenance; operator text stays text (an incident named
  <script>alert(1)</script>), no script, no style attribute, and the strict
  Content-Security-Policy on the page and its stylesheet; HEAD answers too.
- /history.atom and /history.rss parse with xml.etree, list the 25 latest
  incidents newest first with stable ids and their updates.
- status-export writes the page, the stylesheet and the feeds byte for byte
  as served.
- `status maintenance create|update` fill upcoming.json and active.json and
  move the components under maintenance and back.
- The prober: an app server is killed and its database deleted; the status
  site's summary.json shows the components in major_outage and one
  unresolved incident, never a second one; a component an operator put
  under maintenance is left alone; the app restarted, the same incident is
  resolved and the components operational.

Run: /usr/bin/python3 tests/e2e/test_status_page.py BUILD/postroom
"""
import email.utils
import html.parser
import http.client
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import harness
from test_status import StatusSite, check_doc

ATOM = "{http://www.w3.org/2005/Atom}"
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; "
       "base-uri 'none'; form-action 'none'")
COMPONENTS = ["Web app", "API", "Labels", "Imports", "Tracking"]
XSS = "<script>alert(1)</script>"


def fetch(site, path):
    c = http.client.HTTPConnection("127.0.0.1", site.port, timeout=30)
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    headers = {k.lower(): v for k, v in r.getheaders()}
    csp = r.msg.get_all("Content-Security-Policy") or []
    c.close()
    return r.status, headers, csp, body


class Page(html.parser.HTMLParser):
    """The parts of the page the tests look at, as a browser would parse it."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags = []          # (tag, attrs dict)
        self.text = []          # every text node
        self.components = []    # [name, state words, [rect class], [rect title], uptime]
        self.stack = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        cls = a.get("class", "").split()
        if tag == "li" and "component" in cls:
            self.components.append(["", "", [], [], ""])
        if tag == "rect" and self.components:
            self.components[-1][2].append(cls)
        self.stack.append((tag, cls))

    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        self.text.append(data)
        if not self.stack or not self.components:
            return
        tag, cls = self.stack[-1]
        c = self.components[-1]
        if tag == "h3" and len(self.stack) >= 2 and "row" in self.stack[-2][1]:
            c[0] += data
        elif tag == "span" and "state" in cls:
            c[1] += data
        elif tag == "title" and len(self.stack) >= 2 and self.stack[-2][0] == "rect":
            c[3].append(data)
        elif tag == "span" and "uptime" in cls:
            c[4] += data

    def all_text(self):
        return "".join(self.text)


def today_words():
    d = datetime.now(timezone.utc)
    return "%d %s %d" % (d.day, d.strftime("%b"), d.year)


class PageTest(unittest.TestCase):
    def setUp(self):
        self.site = StatusSite()

    def tearDown(self):
        self.site.stop()

    def page(self, path="/"):
        status, headers, csp, body = fetch(self.site, path)
        self.assertEqual(status, 200, body[:300])
        self.assertEqual(headers["content-type"], "text/html; charset=utf-8")
        self.assertEqual(csp, [CSP])  # the page's own policy, not the app's as well
        return Page(body.decode("utf-8")), body

    def test_page_shows_components_incidents_and_escapes(self):
        self.site.cli("incident", "create", "--name", XSS, "--status", "investigating",
                      "--impact", "critical", "--component", "API", "--body",
                      "Seen <img src=x onerror=alert(2)> & more")
        p, raw = self.page()
        self.assertNotIn(b"<script", raw)
        self.assertNotIn(b"<img", raw)
        self.assertIn(b"&lt;script&gt;alert(1)&lt;/script&gt;", raw)
        text = p.all_text()
        self.assertIn(XSS, text)  # shown as text
        self.assertIn("Seen <img src=x onerror=alert(2)> & more", text)
        self.assertIn("Major Service Outage", text)
        self.assertIn("Investigating", text)
        self.assertIn("UTC", text)
        for tag, attrs in p.tags:
            self.assertNotEqual(tag, "script")
            self.assertNotIn("style", attrs, tag)
            for k in attrs:
                self.assertFalse(k.startswith("on"), (tag, k))
        links = [a for t, a in p.tags if t == "link" and a.get("rel") == "stylesheet"]
        self.assertEqual([a["href"] for a in links], ["status.css"])
        self.assertEqual([c[0] for c in p.components], COMPONENTS)
        self.assertEqual({c[1] for c in p.components}, {"Operational"})
        headings = [t for t, _ in p.tags if t in ("h1", "h2")]
        self.assertEqual(headings[0], "h1")
        self.assertIn("h2", headings)
        # /index.html is the same page
        self.assertEqual(self.page("/index.html")[1], raw)

        status, headers, csp, css = fetch(self.site, "/status.css")
        self.assertEqual((status, headers["content-type"]), (200, "text/css; charset=utf-8"))
        self.assertEqual(csp, [CSP])
        self.assertIn(b".bars", css)

        self.site.cli("incident", "update", "1", "--status", "resolved", "--body", "Fixed.")
        p, _ = self.page()
        text = p.all_text()
        self.assertIn("All Systems Operational", text)
        self.assertIn("Past incidents", text)
        self.assertIn("Resolved", text)
        self.assertIn(XSS, text)  # in today's past incidents

    def test_head_answers_without_a_body(self):
        for path in ("/", "/api/v2/summary.json", "/api/v2/components.json", "/history.atom"):
            c = http.client.HTTPConnection("127.0.0.1", self.site.port, timeout=30)
            c.request("HEAD", path)
            r = c.getresponse()
            self.assertEqual(r.status, 200, path)
            self.assertEqual(r.read(), b"", path)
            self.assertEqual(r.getheader("Content-Type"),
                             fetch(self.site, path)[1]["content-type"], path)
            c.close()

    def test_bars_ninety_days_and_an_outage_coloured(self):
        p, _ = self.page()
        for name, state, rects, titles, uptime in p.components:
            self.assertEqual(len(rects), 90, name)
            self.assertEqual(len(titles), 90, name)
            self.assertEqual(rects[-1], ["d", "ok"], name)  # today, operational
            self.assertEqual(rects[0], ["d", "nodata"], name)  # before the page existed
            self.assertTrue(titles[-1].startswith(today_words() + ": "), titles[-1])
            self.assertEqual(uptime, "100.00\u00a0% uptime", name)
        self.site.cli("component", "set", "Labels", "major_outage")
        self.site.cli("component", "set", "Imports", "degraded_performance")
        p, _ = self.page()
        by = {c[0]: c for c in p.components}
        self.assertEqual(by["Labels"][2][-1], ["d", "major"])
        self.assertIn("Major outage", by["Labels"][3][-1])
        self.assertEqual(by["Labels"][1], "Major outage")
        self.assertEqual(by["Imports"][2][-1], ["d", "degraded"])
        self.assertEqual(by["API"][2][-1], ["d", "ok"])
        # the day keeps its worst state after the component is back
        self.site.cli("component", "set", "Labels", "operational")
        p, _ = self.page()
        by = {c[0]: c for c in p.components}
        self.assertEqual(by["Labels"][1], "Operational")
        self.assertEqual(by["Labels"][2][-1], ["d", "major"])

    def test_feeds_parse_newest_first_with_stable_ids(self):
        ids = []
        for n in range(27):
            out = self.site.cli("incident", "create", "--name", "Incident %d" % n, "--status",
                                "identified", "--impact", "minor", "--body",
                                "Body %d <b>bold</b> & co" % n).stdout.strip()
            ids.append(out)
        self.site.cli("incident", "update", ids[-1], "--status", "resolved", "--body", "Over.")
        self.site.cli("incident", "create", "--name", XSS, "--status", "investigating",
                      "--impact", "major", "--body", "x")
        status, headers, _, body = fetch(self.site, "/history.atom")
        self.assertEqual((status, headers["content-type"]),
                         (200, "application/atom+xml; charset=utf-8"))
        feed = ET.fromstring(body)
        self.assertEqual(feed.tag, ATOM + "feed")
        self.assertTrue(feed.find(ATOM + "id").text.startswith("tag:postroom,"))
        self.assertTrue(harness_iso(feed.find(ATOM + "updated").text))
        self.assertIsNotNone(feed.find(ATOM + "title").text)
        self.assertIsNotNone(feed.find(ATOM + "author/" + ATOM + "name"))
        entries = feed.findall(ATOM + "entry")
        self.assertEqual(len(entries), 25)
        self.assertEqual(entries[0].find(ATOM + "title").text, XSS)
        self.assertEqual(entries[1].find(ATOM + "title").text, "Incident 26")
        self.assertEqual(entries[24].find(ATOM + "title").text, "Incident 3")
        eids = [e.find(ATOM + "id").text for e in entries]
        self.assertEqual(len(set(eids)), 25)
        for e in entries:
            self.assertTrue(harness_iso(e.find(ATOM + "updated").text))
            self.assertTrue(harness_iso(e.find(ATOM + "published").text))
        content = entries[1].find(ATOM + "content")
        self.assertEqual(content.get("type"), "html")
        # the updates, newest first, as HTML whose operator text is escaped
        self.assertLess(content.text.index("Resolved"), content.text.index("Identified"))
        self.assertIn("Body 26 &lt;b&gt;bold&lt;/b&gt; &amp; co", content.text)
        self.assertIn("Over.", content.text)
        # stable: the same ids on the next read, and after another incident
        self.site.cli("incident", "create", "--name", "Later", "--status", "identified",
                      "--impact", "minor", "--body", "y")
        again = ET.fromstring(fetch(self.site, "/history.atom")[3]).findall(ATOM + "entry")
        self.assertEqual([e.find(ATOM + "id").text for e in again[1:]], eids[:24])

        status, headers, _, body = fetch(self.site, "/history.rss")
        self.assertEqual((status, headers["content-type"]),
                         (200, "application/rss+xml; charset=utf-8"))
        rss = ET.fromstring(body)
        self.assertEqual((rss.tag, rss.get("version")), ("rss", "2.0"))
        channel = rss.find("channel")
        for k in ("title", "link", "description"):
            self.assertTrue(channel.find(k).text, k)
        items = channel.findall("item")
        self.assertEqual(len(items), 25)
        self.assertEqual(items[0].find("title").text, "Later")
        self.assertEqual(items[1].find("title").text, XSS)
        self.assertEqual(items[1].find("guid").text, eids[0])
        self.assertEqual(items[1].find("guid").get("isPermaLink"), "false")
        for it in items:
            self.assertIsNotNone(email.utils.parsedate_to_datetime(it.find("pubDate").text))
        self.assertIn("Body 26 &lt;b&gt;bold&lt;/b&gt;", items[2].find("description").text)

    def test_export_is_what_the_server_serves(self):
        self.site.cli("incident", "create", "--name", XSS, "--status", "identified",
                      "--impact", "minor", "--component", "Imports", "--body", "Stuck.")
        self.site.cli("component", "set", "Imports", "partial_outage")
        out = os.path.join(self.site.dir, "export")
        files = ["index.html", "status.css", "history.atom", "history.rss"]
        # the page shows the minute it is as of: read it on both sides of the
        # export and compare once both reads agree
        for _ in range(5):
            before = {f: fetch(self.site, "/" + f)[3] for f in files}
            p = subprocess.run([self.site.binary, "status-export", out, "--status-db",
                                self.site.db], capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
            after = {f: fetch(self.site, "/" + f)[3] for f in files}
            if before == after:
                break
        self.assertEqual(before, after)
        for f in files:
            with open(os.path.join(out, f), "rb") as fh:
                self.assertEqual(fh.read(), after[f], f)

    def test_maintenance_commands(self):
        mid = self.site.cli("maintenance", "create", "--name", "Database upgrade",
                            "--scheduled-for", "2030-01-02T01:00:00Z", "--scheduled-until",
                            "2030-01-02T03:00:00Z", "--component", "API", "--component",
                            "Labels", "--body", "We upgrade the database.").stdout.strip()
        self.assertRegex(mid, r"^\d+$")
        [m] = check_doc(self, self.site, "scheduled-maintenances/upcoming.json")[
            "scheduled_maintenances"]
        self.assertEqual((m["id"], m["status"], m["impact"], m["scheduled_for"]),
                         (mid, "scheduled", "maintenance", "2030-01-02T01:00:00Z"))
        self.assertEqual([c["name"] for c in m["components"]], ["API", "Labels"])
        self.assertEqual(self.site.get("scheduled-maintenances/active.json")[
            "scheduled_maintenances"], [])
        p, _ = self.page()
        self.assertIn("Scheduled maintenance", p.all_text())
        self.assertIn("Database upgrade", p.all_text())

        self.site.cli("maintenance", "update", mid, "--status", "in_progress", "--body", "Begun.")
        body = check_doc(self, self.site, "summary.json")
        [m] = body["scheduled_maintenances"]
        self.assertEqual(m["status"], "in_progress")
        states = {c["name"]: c["status"] for c in body["components"]}
        self.assertEqual((states["API"], states["Labels"], states["Web app"]),
                         ("under_maintenance", "under_maintenance", "operational"))
        self.assertEqual(body["status"]["description"], "Service Under Maintenance")
        [u] = [u for u in m["incident_updates"] if u["status"] == "in_progress"]
        self.assertEqual([(a["name"], a["old_status"], a["new_status"])
                          for a in u["affected_components"]],
                         [("API", "operational", "under_maintenance"),
                          ("Labels", "operational", "under_maintenance")])
        [a] = self.site.get("scheduled-maintenances/active.json")["scheduled_maintenances"]
        self.assertEqual(a["id"], mid)
        p, _ = self.page()
        self.assertIn("Maintenance in progress", p.all_text())
        self.assertIn("Under maintenance", [c[1] for c in p.components])
        self.assertIn(["d", "maint"], [c[2][-1] for c in p.components])

        self.site.cli("maintenance", "update", mid, "--status", "completed", "--body", "Done.")
        body = check_doc(self, self.site, "summary.json")
        self.assertEqual(body["scheduled_maintenances"], [])
        self.assertEqual({c["status"] for c in body["components"]}, {"operational"})
        [m] = self.site.get("scheduled-maintenances.json")["scheduled_maintenances"]
        self.assertEqual(m["status"], "completed")
        self.assertIsNotNone(m["resolved_at"])

        before = fetch(self.site, "/api/v2/summary.json")[3]
        for args, word in [
            (["maintenance", "create", "--name", "x", "--scheduled-for", "tomorrow",
              "--scheduled-until", "2030-01-02T03:00:00Z", "--body", "b"], "RFC 3339"),
            (["maintenance", "create", "--name", "x", "--scheduled-for", "2030-01-02T03:00:00Z",
              "--scheduled-until", "2030-01-02T01:00:00Z", "--body", "b"], "after"),
            (["maintenance", "create", "--name", "x", "--scheduled-for", "2030-01-02T01:00:00Z",
              "--scheduled-until", "2030-01-02T03:00:00Z", "--component", "Nowhere",
              "--body", "b"], "no such component"),
            (["maintenance", "create", "--name", "x"], "--body"),
            (["maintenance", "update", mid, "--status", "resolved", "--body", "b"], "--status"),
            (["maintenance", "update", "999", "--status", "completed", "--body", "b"], "no such"),
            (["incident", "update", mid, "--status", "resolved", "--body", "b"], "no such"),
        ]:
            p = self.site.cli(*args, ok=False)
            self.assertNotEqual(p.returncode, 0, args)
            self.assertEqual(len(p.stderr.strip().splitlines()), 1, (args, p.stderr))
            self.assertIn(word, p.stderr, args)
        self.assertEqual(fetch(self.site, "/api/v2/summary.json")[3], before)


def harness_iso(s):
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00")).tzinfo is not None
    except (ValueError, AttributeError):
        return False


def wait_for(fn, what, timeout=30):
    """Polls fn until it returns a true value (a deadline, not a timing claim)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError("%s: not seen within %ds (last: %r)" % (what, timeout, last))


class ProberTest(unittest.TestCase):
    def test_outage_posted_and_resolved_by_the_prober(self):
        app = harness.Server.start_new()
        procs = []
        site = None
        try:
            url = "http://127.0.0.1:%d" % app.port
            site = StatusSite(extra=["--probe", url, "--probe-interval", "0.2",
                                     "--probe-failures", "3"])
            site.cli("component", "set", "Tracking", "under_maintenance")  # by hand
            summary = lambda: site.get("summary.json")
            self.assertEqual(summary()["incidents"], [])

            app.proc.kill()
            app.proc.wait()
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(app.db + suffix):
                    os.unlink(app.db + suffix)

            def down():
                s = summary()
                states = {c["name"]: c["status"] for c in s["components"]}
                return s if s["incidents"] and states["Web app"] == "major_outage" else None
            s = wait_for(down, "the outage in summary.json")
            check_doc(self, site, "summary.json")
            states = {c["name"]: c["status"] for c in s["components"]}
            self.assertEqual(states, {"Web app": "major_outage", "API": "major_outage",
                                      "Labels": "major_outage", "Imports": "major_outage",
                                      "Tracking": "under_maintenance"})
            [inc] = s["incidents"]
            self.assertEqual((inc["status"], inc["impact"]), ("investigating", "critical"))
            self.assertIn("unavailable", inc["name"])
            self.assertEqual([c["name"] for c in inc["components"]],
                             ["Web app", "API", "Labels", "Imports"])
            [u] = inc["incident_updates"]
            self.assertIn("failed 3 times", u["body"])
            self.assertEqual({(a["old_status"], a["new_status"]) for a in u["affected_components"]},
                             {("operational", "major_outage")})
            self.assertEqual(s["status"]["indicator"], "critical")

            # many more failed rounds: still the one incident with its one update
            time.sleep(1.5)  # at 0.2 s an interval: several rounds
            [again] = site.get("incidents.json")["incidents"]
            self.assertEqual(again["id"], inc["id"])
            self.assertEqual(len(again["incident_updates"]), 1)

            # the page says so too
            _, _, _, page = fetch(site, "/")
            self.assertIn(b"Major Service Outage", page)
            self.assertIn(inc["name"].encode(), page)

            # the app back on the same port, on a new database
            app.migrate()
            with open(os.path.join(app.dir, "restart.stderr"), "wb") as err:
                procs.append(subprocess.Popen(
                    [app.binary, "--db", app.db, "serve", "--listen", "127.0.0.1:%d" % app.port,
                     "--rate-limit", "0"], stdout=subprocess.DEVNULL, stderr=err, env=app.env))

            def resolved():
                incs = site.get("incidents.json")["incidents"]
                return incs if incs and incs[0]["status"] == "resolved" else None
            [inc2] = wait_for(resolved, "the incident resolved")
            self.assertEqual(inc2["id"], inc["id"])
            self.assertIsNotNone(inc2["resolved_at"])
            self.assertEqual([u["status"] for u in inc2["incident_updates"]],
                             ["resolved", "investigating"])
            s = check_doc(self, site, "summary.json")
            self.assertEqual(s["incidents"], [])
            states = {c["name"]: c["status"] for c in s["components"]}
            self.assertEqual(states["Tracking"], "under_maintenance")  # still the operator's
            self.assertEqual({states[n] for n in ("Web app", "API", "Labels", "Imports")},
                             {"operational"})
            self.assertEqual(s["status"]["description"], "Service Under Maintenance")
            log = site.stderr()
            self.assertIn("status probe failing", log)
            self.assertIn("status probe succeeds again", log)
        finally:
            if site:
                site.stop()
            for p in procs:
                p.send_signal(signal.SIGTERM)
                self.assertEqual(p.wait(timeout=30), 0)
            if app.alive():
                app.proc.kill()
            app.stop()  # closes its files; it was killed on purpose
            shutil.rmtree(app.dir, ignore_errors=True)

    def test_bad_probe_options_refused(self):
        binary = harness.binary_path()
        for args, word in [
            (["--probe", "https://127.0.0.1:1/healthz"], "http://"),
            (["--probe", "Nowhere=http://127.0.0.1:1/healthz"], "no such component"),
            (["--probe", "ftp://x"], "--probe"),
            (["--probe-interval", "0"], "--probe-interval"),
            (["--probe-failures", "zero"], "--probe-failures"),
        ]:
            d = os.path.join(tempfile.mkdtemp(prefix="postroom-status-"), "s.db")
            p = subprocess.run([binary, "status-serve", "--listen", "127.0.0.1:1",
                                "--status-db", d] + args, capture_output=True, text=True,
                               timeout=30)
            self.assertNotEqual(p.returncode, 0, args)
            self.assertIn(word, p.stderr, args)
            shutil.rmtree(os.path.dirname(d), ignore_errors=True)


if __name__ == "__main__":
    harness.main()

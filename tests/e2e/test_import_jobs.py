"""Imports as background jobs (issue 13): 100,000-row files through the
command line and through POST /api/postroom/imports, in bounded memory,
all or nothing, --skip-bad-rows naming exactly the bad lines, racing
uploads creating each order once, and a server killed mid-import leaving
the whole import or none of it, its job saying which.

The release build imports 100,000 rows per file; under AddressSanitizer
(E2E_SANITIZED=1, set by tests/CMakeLists.txt) 5,000, which is still five
chunks of the stream (ASan's import is several times slower, and the file
imports seven such files).

Run: /usr/bin/python3 tests/e2e/test_import_jobs.py BUILD/postroom
"""
import json
import os
import re
import resource
import signal
import socket
import subprocess
import tempfile
import time
import unittest

import harness

SANITIZED = os.environ.get("E2E_SANITIZED") == "1"
ROWS = 5000 if SANITIZED else 100000
RSS_BOUND = 64 << 20
SECRET = "Wilhelmina Canary-Jobs"

HEADER = ("First Name,Last Name,Company,Address Line 1,Address Line 2,Address Line 3,City,County,"
          "Postcode,Country,Phone,Email,Recipient is a business,Order reference,Special instructions,"
          "Order date,Weight,Package size,Sub-total,Shipping cost,Total,Currency code,Service code,"
          "Product name,SKU,Quantity,Unit price\r\n")


def row(i, prefix, postcode="LS1 1AA", date="28/11/2026", first="Ann"):
    return ("%s,Lee%d,,%d High St,,,Leeds,,%s,United Kingdom,,,N,%s-%d,,%s,0.25,large letter,"
            "10.00,2.50,12.50,GBP,,Mug,MUG-1,2,5.00\r\n" % (first, i, i, postcode, prefix, i, date))


def make_file(path, n, prefix, bad=None):
    """A Click & Drop file of n orders; bad: {file line: (postcode, date)} rows to spoil.
    Line 1 is the header, so order i is on line i + 2."""
    bad = bad or {}
    with open(path, "w", newline="") as f:
        f.write(HEADER)
        for i in range(n):
            pc, date = bad.get(i + 2, ("LS1 1AA", "28/11/2026"))
            f.write(row(i, prefix, pc, date, SECRET if i == 7 else "Ann"))
    return path


def kib(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no %s" % field)


class Jobs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        saved = os.environ.get("ASAN_OPTIONS")  # as test_export_stream: RSS, not the quarantine
        os.environ["ASAN_OPTIONS"] = (saved + ":" if saved else "") + \
            "quarantine_size_mb=1:thread_local_quarantine_size_kb=64"
        try:
            cls.server = harness.Server.start_new()
        finally:
            if saved is None:
                del os.environ["ASAN_OPTIONS"]
            else:
                os.environ["ASAN_OPTIONS"] = saved
        cls.a = cls.server.new_tenant("Jobs A Ltd")
        cls.b = cls.server.new_tenant("Jobs B Ltd")
        cls.tmp = tempfile.mkdtemp(prefix="postroom-jobs-")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop_and_check(forbidden_in_logs=[SECRET])

    # -- helpers

    def count(self, tenant, prefix):
        db = self.server.db_connect()  # read-write (SQLite): it may have to recover a killed server's WAL
        try:
            return db.execute("SELECT COUNT(*) FROM orders WHERE tenant_id = ? AND order_ref LIKE ?",
                              (int(tenant.id), prefix + "-%")).fetchone()[0]
        finally:
            db.close()

    def upload(self, tenant, path, query=""):
        with open(path, "rb") as f:
            data = f.read()
        r = tenant.req("POST", "/api/postroom/imports" + query, body=data,
                       headers={"Content-Type": "text/csv"}, timeout=120)
        self.assertEqual(r.status, 202, r.short())
        j = r.json()
        self.assertEqual(r.header("Location"), "/api/postroom/imports/%d" % j["jobId"])
        return j["jobId"]

    def wait(self, tenant, job, deadline=600):
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            r = tenant.get("/api/postroom/imports/%d" % job)
            self.assertEqual(r.status, 200, r.short())
            j = r.json()
            if j["state"] in ("done", "failed"):
                return j
            time.sleep(0.2)
        self.fail("job %d did not end" % job)

    def cli_import(self, tenant, path, *extra):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        p = subprocess.run([self.server.binary, "--db", self.server.db, "import", path,
                            "--tenant", tenant.id] + list(extra), capture_output=True, text=True,
                           timeout=600, env=self.server.env)
        for m in harness.SANITIZER_MARKERS:
            self.assertNotIn(m, p.stderr)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
        return p, peak if peak > before * 1024 else None

    # -- the command line

    def test_cli_imports_every_row_in_bounded_memory(self):
        small = make_file(os.path.join(self.tmp, "small.csv"), 10, "SMALLCLI")
        p, base = self.cli_import(self.a, small)
        self.assertEqual(p.returncode, 0, p.stderr)
        path = make_file(os.path.join(self.tmp, "cli.csv"), ROWS, "CLI")
        before_b = self.count(self.b, "CLI")
        p, peak = self.cli_import(self.a, path)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        m = re.search(r"imported (\d+) orders \((\d+)-(\d+)\) from a Click & Drop file", p.stdout)
        self.assertIsNotNone(m, p.stdout)
        self.assertEqual(int(m.group(1)), ROWS)
        first, last = int(m.group(2)), int(m.group(3))
        self.assertEqual(last - first + 1, ROWS)
        self.assertEqual(self.count(self.a, "CLI"), ROWS)
        self.assertEqual(self.count(self.b, "CLI"), before_b)
        # not a terminal: plain progress lines, never the bar's carriage returns
        self.assertIn("rows read", p.stderr)
        self.assertNotIn("\r", p.stderr)
        # the orders read back as the API's own: the first and the last of the file
        r = self.a.get("/api/v1/orders/%d;%d/full" % (first, last))
        self.assertEqual(r.status, 200, r.short())
        got = {o["orderReference"]: o for o in r.json()}
        self.assertEqual(sorted(got), sorted(["CLI-0", "CLI-%d" % (ROWS - 1)]))
        self.assertEqual(got["CLI-0"]["channel"], "Spreadsheet import")
        self.assertEqual(got["CLI-0"]["shippingInfo"]["postcode"], "LS1 1AA")
        # the command's peak RSS, against a 10-row import's
        if peak and base:
            self.assertLess(peak - base, RSS_BOUND, "peak RSS %d MiB over a small import's" % ((peak - base) >> 20))
        # importing the same file again creates nothing: every order is skipped
        p, _ = self.cli_import(self.a, path)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("imported 0 orders", p.stdout)
        self.assertIn("%d already in postroom, skipped" % ROWS, p.stdout)
        self.assertEqual(self.count(self.a, "CLI"), ROWS)

    def test_cli_skip_bad_rows_names_exactly_the_bad_lines(self):
        bad = {5: ("NOT A POSTCODE!", "28/11/2026"), 17: ("LS1 1AA", "31/02/2026"), 40: ("", "28/11/2026")}
        path = make_file(os.path.join(self.tmp, "skip.csv"), 50, "SKIP", bad)
        # without the flag: nothing, every bad line named, exit status 1
        p, _ = self.cli_import(self.a, path)
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn("nothing imported", p.stdout)
        self.assertEqual(self.count(self.a, "SKIP"), 0)
        named = sorted({int(x) for x in re.findall(r"^line (\d+)", p.stdout, re.M)})
        self.assertEqual(named, [17, 40])  # the odd postcode is only odd, not invalid
        p, _ = self.cli_import(self.a, path, "--skip-bad-rows")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("imported 48 orders", p.stdout)
        named = sorted({int(x) for x in re.findall(r"^line (\d+)", p.stdout, re.M)})
        self.assertEqual(named, [17, 40])
        self.assertIn("line 17, Order date:", p.stdout)
        self.assertIn("line 40, Postcode:", p.stdout)
        self.assertEqual(self.count(self.a, "SKIP"), 48)
        db = self.server.db_connect()
        refs = {r[0] for r in db.execute("SELECT order_ref FROM orders WHERE order_ref LIKE 'SKIP-%'")}
        db.close()
        self.assertEqual(refs, {"SKIP-%d" % i for i in range(50)} - {"SKIP-15", "SKIP-38"})

    def test_cli_refuses_what_it_cannot_do(self):
        path = make_file(os.path.join(self.tmp, "tiny.csv"), 2, "TINY")
        for args, want in ((["--tenant", "999999"], "no such tenant"),
                           (["--tenant", self.a.id, "--format", "xlsx"], "--format must be")):
            p = subprocess.run([self.server.binary, "--db", self.server.db, "import", path] + args,
                               capture_output=True, text=True, env=self.server.env)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn(want, p.stderr)
        # a Click & Drop file is not a Shopify file
        p, _ = self.cli_import(self.a, path, "--format", "shopify")
        self.assertEqual(p.returncode, 1)
        self.assertIn("Shopify file", p.stdout)
        self.assertEqual(self.count(self.a, "TINY"), 0)

    # -- HTTP

    def test_http_imports_every_row_in_bounded_memory(self):
        path = make_file(os.path.join(self.tmp, "http.csv"), ROWS, "HTTP")
        pid = self.server.proc.pid
        warm = self.wait(self.a, self.upload(self.a, make_file(os.path.join(self.tmp, "w.csv"), 5, "WARM")))
        self.assertEqual(warm["state"], "done")
        with open("/proc/%d/clear_refs" % pid, "w") as f:
            f.write("5")
        before = kib(pid, "VmRSS")
        job = self.upload(self.a, path)
        j = self.wait(self.a, job)
        growth = kib(pid, "VmHWM") - before
        self.assertEqual(j["state"], "done", j)
        self.assertEqual((j["rowsRead"], j["ordersCreated"], j["problemCount"]), (ROWS, ROWS, 0))
        self.assertEqual(j["result"]["lastOrderIdentifier"] - j["result"]["firstOrderIdentifier"] + 1, ROWS)
        self.assertEqual(j["bytesRead"], j["bytesTotal"])
        self.assertEqual(j["bytesTotal"], os.path.getsize(path))
        self.assertFalse(j["resumed"])
        self.assertEqual(self.count(self.a, "HTTP"), ROWS)
        self.assertLess(growth, RSS_BOUND, "server RSS grew %d MiB" % (growth >> 20))
        # the status names no personal data
        self.assertNotIn(SECRET, json.dumps(j))
        # the spooled upload is gone once the job ended
        spool = self.server.state_base + ".imports"  # beside the database, or in the state dir
        end = time.monotonic() + 10
        while os.listdir(spool) and time.monotonic() < end:
            time.sleep(0.1)
        self.assertEqual(os.listdir(spool), [])

    def test_a_bad_row_at_line_99999_leaves_nothing(self):
        line = ROWS - 1  # 99,999 of a 100,000-row file (the header is line 1)
        path = make_file(os.path.join(self.tmp, "late.csv"), ROWS, "LATE", {line: ("", "28/11/2026")})
        before_a, before_b = self.count(self.a, "LATE"), self.b.snapshot()
        j = self.wait(self.a, self.upload(self.a, path))
        self.assertEqual(j["state"], "failed", j)
        self.assertEqual(j["result"]["outcome"], "rejected")
        self.assertEqual(j["ordersCreated"], 0)
        self.assertEqual(j["problemCount"], 1)
        self.assertEqual([(p["line"], p["column"]) for p in j["problems"]], [(line, "Postcode")])
        self.assertEqual(self.count(self.a, "LATE"), before_a)
        self.assertEqual(before_a, 0)
        self.assertEqual(self.b.snapshot(), before_b)
        db = self.server.db_connect()
        self.assertEqual(db.execute("SELECT COUNT(*) FROM import_staged").fetchone()[0], 0)
        db.close()

    def test_an_upload_without_credentials_is_refused_before_it_is_spooled(self):
        """The spool is disk: an upload is let in only with a key that holds.
        Without one the answer is a 401 before any byte of the body is
        written (with Expect: 100-continue, before any is sent), and the
        spool stays as it was; a real key's upload is spooled as it comes,
        which is what the check would see if the refusal did not happen."""
        spool = self.server.state_base + ".imports"
        before = set(os.listdir(spool))
        head = ("POST /api/postroom/imports HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: text/csv\r\n"
                % (harness.HOST, self.server.port))

        def answer(s):
            s.settimeout(10)
            got = b""
            while b"\r\n\r\n" not in got:
                chunk = s.recv(4096)
                if not chunk:
                    break
                got += chunk
            return got

        for creds in ("", "Authorization: Bearer %s\r\n" % ("x" * 36),
                      "Authorization: Bearer %s\r\n" % self.a.key[:-1] + "0"):
            with self.subTest(creds=creds[:30]):
                s = socket.create_connection((harness.HOST, self.server.port), timeout=10)
                s.sendall((head + creds + "Content-Length: 400000000\r\nExpect: 100-continue\r\n\r\n")
                          .encode())
                got = answer(s)
                s.close()
                self.assertTrue(got.startswith(b"HTTP/1.1 401"), got[:200])
                self.assertEqual(set(os.listdir(spool)), before)
                s = socket.create_connection((harness.HOST, self.server.port), timeout=10)
                s.sendall((head + creds + "Content-Length: 4000000\r\n\r\n").encode())
                s.sendall(b"First Name,Last Name\r\n" * 20000)  # 440 kB of it, then a pause
                time.sleep(0.3)
                self.assertEqual(set(os.listdir(spool)), before, "an unauthenticated upload was spooled")
                got = answer(s)
                s.close()
                self.assertTrue(got.startswith(b"HTTP/1.1 401"), got[:200])
        # the control: the same upload with the key is spooled as it comes
        # (a file of no orders, so its job fails and takes the file with it)
        body = b"First Name,Last Name\r\n" * 20000
        s = socket.create_connection((harness.HOST, self.server.port), timeout=10)
        s.sendall((head + "Authorization: Bearer %s\r\nContent-Length: %d\r\n\r\n"
                   % (self.a.key, 2 * len(body))).encode())
        s.sendall(body)
        end = time.monotonic() + 10
        while set(os.listdir(spool)) == before and time.monotonic() < end:
            time.sleep(0.05)
        self.assertNotEqual(set(os.listdir(spool)), before, "a keyed upload was not spooled")
        s.sendall(body)
        got = answer(s)
        s.close()
        self.assertTrue(got.startswith(b"HTTP/1.1 202"), got[:200])
        job = int(re.search(rb"Location: /api/postroom/imports/(\d+)", got).group(1))
        self.assertEqual(self.wait(self.a, job)["state"], "failed")
        end = time.monotonic() + 10
        while set(os.listdir(spool)) != before and time.monotonic() < end:
            time.sleep(0.05)
        self.assertEqual(set(os.listdir(spool)), before)

    def test_http_skip_bad_rows_reports_the_bad_lines(self):
        bad = {3: ("LS1 1AA", "not a date"), 9: ("", "28/11/2026")}
        path = make_file(os.path.join(self.tmp, "hskip.csv"), 20, "HSKIP", bad)
        j = self.wait(self.a, self.upload(self.a, path, "?skipBadRows=true"))
        self.assertEqual(j["state"], "done", j)
        self.assertEqual(j["ordersCreated"], 18)
        self.assertEqual(sorted({p["line"] for p in j["problems"]}), [3, 9])
        # the message quotes no cell
        for p in j["problems"]:
            self.assertNotIn("not a date'", p["message"])
        self.assertEqual(self.count(self.a, "HSKIP"), 18)
        r = self.a.req("POST", "/api/postroom/imports?format=xlsx", body=b"x")
        self.assertEqual(r.status, 400)
        r = self.a.req("POST", "/api/postroom/imports", body=b"")
        self.assertEqual(r.status, 400)

    def test_racing_uploads_create_each_order_once(self):
        n = 3000
        path = make_file(os.path.join(self.tmp, "race.csv"), n, "RACE")
        jobs = [None] * 3

        def one(i):
            jobs[i] = self.upload(self.a, path)

        self.assertEqual(harness.Parallel(3, one).run(), [])
        # and the command line at the same time
        p, _ = self.cli_import(self.a, path)
        self.assertEqual(p.returncode, 0, p.stderr)
        results = [self.wait(self.a, j) for j in jobs]
        self.assertTrue(all(r["state"] == "done" for r in results), results)
        created = sum(r["ordersCreated"] for r in results)
        m = re.search(r"imported (\d+) orders", p.stdout)
        created += int(m.group(1))
        self.assertEqual(created, n)
        for r in results:
            self.assertEqual(r["ordersCreated"] + r["ordersSkipped"], n)
        self.assertEqual(self.count(self.a, "RACE"), n)
        db = self.server.db_connect()
        dup = db.execute("SELECT COUNT(*) FROM (SELECT order_ref FROM orders WHERE tenant_id = ? "
                         "AND order_ref LIKE 'RACE-%' GROUP BY order_ref HAVING COUNT(*) > 1) AS d",
                         (int(self.a.id),)).fetchone()[0]
        db.close()
        self.assertEqual(dup, 0)

    def test_another_business_job_is_a_404_like_an_unknown_one(self):
        job = self.wait(self.a, self.upload(self.a, make_file(os.path.join(self.tmp, "own.csv"), 3, "OWN")))
        theirs = self.b.get("/api/postroom/imports/%d" % job["jobId"])
        unknown = self.b.get("/api/postroom/imports/%d" % 987654)
        self.assertEqual(theirs.status, 404)
        self.assertEqual((theirs.status, theirs.body), (unknown.status, unknown.body))
        for bad in ("0", "-1", "1x", "%31"):
            self.assertEqual(self.b.get("/api/postroom/imports/" + bad).status, 404)
        self.assertEqual(self.server.request("GET", "/api/postroom/imports/%d" % job["jobId"]).status, 401)

    def test_a_kill_switch_holds_the_business_jobs(self):
        self.server.cli("killswitch", "on", "--tenant", self.b.id, "--feature", "imports",
                        "--reason", "import jobs test")
        try:
            time.sleep(0.5)  # the server's snapshot of the switches: within 200 ms
            job = self.upload(self.b, make_file(os.path.join(self.tmp, "held.csv"), 4, "HELD"))
            time.sleep(1.5)
            j = self.b.get("/api/postroom/imports/%d" % job).json()
            self.assertEqual(j["state"], "queued", j)
            self.assertEqual(self.count(self.b, "HELD"), 0)
        finally:
            self.server.cli("killswitch", "off", "--tenant", self.b.id, "--feature", "imports")
        j = self.wait(self.b, job)
        self.assertEqual((j["state"], j["ordersCreated"]), ("done", 4))

    # -- a server killed mid-import (last: it restarts the server)

    def test_z_killed_server_leaves_all_or_nothing_and_says_which(self):
        rows = max(ROWS // 5, 3000)  # chunks enough to be killed among, and a swap of its own
        for k, when in enumerate(("staging", "swap")):
            with self.subTest(when=when):
                prefix = "KILL%d" % k
                path = make_file(os.path.join(self.tmp, prefix + ".csv"), rows, prefix)
                job = self.upload(self.a, path)
                end = time.monotonic() + 300
                staging = False
                while time.monotonic() < end:
                    j = self.a.get("/api/postroom/imports/%d" % job).json()
                    if when == "staging" and j["rowsRead"] >= rows // 5 and j["state"] == "running":
                        staging = j["rowsRead"] < rows
                        break
                    if when == "swap" and j["bytesRead"] == j["bytesTotal"]:
                        break
                    if j["state"] in ("done", "failed"):
                        break
                    time.sleep(0.02)
                self.server.proc.send_signal(signal.SIGKILL)
                self.server.proc.wait()
                got = self.count(self.a, prefix)
                self.assertIn(got, (0, rows), "half an import after the kill")
                if staging:  # killed while the file was still being read: nothing yet
                    self.assertEqual(got, 0)
                self.server.start()
                j = self.wait(self.a, job)
                got = self.count(self.a, prefix)
                # the job says what happened: done with every order (resumed from
                # the start when the kill came before its swap committed), never half
                self.assertEqual(j["state"], "done", j)
                self.assertEqual(got, rows)
                self.assertEqual(j["ordersCreated"], rows)
                if staging:
                    self.assertTrue(j["resumed"], j)
                if j["resumed"]:
                    self.assertIn("run again from the start", j["result"]["message"])
                    self.assertGreaterEqual(j["attempts"], 2)


if __name__ == "__main__":
    harness.main()

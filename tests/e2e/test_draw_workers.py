"""The server's drawing processes (src/documents/draw_pool.c): `serve --draw-workers N`
starts N postroom-draw processes under one postroom-zygote, in a process group of their
own, holding neither the database nor the listening socket; labels requested by many
connections at once each hold their own business's orders only; a worker killed between
requests is replaced and the next label is drawn; no log line names what was drawn; when
the server is killed, its drawing processes go with it; bad --draw-workers values are
refused.

Run: /usr/bin/python3 tests/e2e/test_draw_workers.py BUILD/postroom
"""
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import harness
from harness import order

CANARY_A, CANARY_B = "CANARYDRAWAAA", "CANARYDRAWBBB"


def processes():
    """{pid: (ppid, comm, state)} of every process /proc shows."""
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                s = f.read()
        except OSError:
            continue
        comm = s[s.index("(") + 1:s.rindex(")")]
        rest = s[s.rindex(")") + 2:].split()
        out[int(d)] = (int(rest[1]), comm, rest[0])
    return out


def children(pid, comm):
    return sorted(p for p, (ppid, c, st) in processes().items() if ppid == pid and c == comm and st != "Z")


def gone(pid, timeout=20):
    """Waits until pid has ended (a zombie has)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        st = processes().get(pid)
        if st is None or st[2] == "Z":
            return True
        time.sleep(0.05)
    return False


def wait_for(fn, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.05)
    return fn()


def fds(pid):
    out = []
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            out.append(os.readlink("/proc/%d/fd/%s" % (pid, fd)))
        except OSError:
            pass
    return out


def shipped(ref, name, canary):
    o = order(ref)
    o["recipient"]["address"].update({"fullName": name + " " + canary, "city": "City " + canary})
    o["postageDetails"] = {"serviceCode": "TOLP24"}
    o["packages"] = [{"weightInGrams": 500, "packageFormatIdentifier": "smallParcel", "contents": [
        {"name": "Mug", "quantity": 1, "unitValue": 12.5, "unitWeightInGrams": 300}]}]
    return o


def pdf_text(pdf, tmp, tag):
    path = os.path.join(tmp, tag + ".pdf")
    with open(path, "wb") as f:
        f.write(pdf)
    return subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True, check=True).stdout


def label(tenant, ids):
    return tenant.get("/api/v1/orders/%s/label?documentType=postageLabel&includeReturnsLabel=false" % ids)


class DrawWorkers(unittest.TestCase):
    def setUp(self):
        if not shutil.which("pdftotext"):
            raise RuntimeError("pdftotext is missing: make test installs poppler-utils")
        self.tmp = tempfile.mkdtemp(prefix="postroom-draw-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def pool_of(self, server, n):
        """The zygote and the n workers of server, once all have started."""
        zygotes = wait_for(lambda: children(server.proc.pid, "postroom-zygote"))
        self.assertEqual(len(zygotes), 1, "one zygote per server")
        workers = wait_for(lambda: len(children(zygotes[0], "postroom-draw")) == n
                           and children(zygotes[0], "postroom-draw"))
        self.assertEqual(len(workers or []), n, "serve --draw-workers %d starts %d workers" % (n, n))
        return zygotes[0], workers

    def test_pool_holds_nothing_of_the_server_and_draws_for_each_business_alone(self):
        server = harness.Server.start_new(extra_serve_args=["--draw-workers", "2"])
        try:
            zygote, workers = self.pool_of(server, 2)
            for p in [zygote] + workers:
                held = fds(p)
                self.assertFalse([f for f in held if f.startswith((server.db, server.state_base))],
                                 "a drawing process holds the database: %r" % held)
                self.assertEqual(len([f for f in held if f.startswith("socket:")]), 1,
                                 "a drawing process holds its socket alone (not the listener): %r" % held)
                self.assertEqual(os.getpgid(p), zygote, "in the zygote's own process group")
            self.assertNotEqual(os.getpgid(zygote), os.getpgid(server.proc.pid))

            a = server.new_tenant("Draw A")
            b = server.new_tenant("Draw B")
            a.create_orders([shipped("A-%d" % i, "Zoë Ó'Brien", CANARY_A) for i in range(3)])
            b.create_orders([shipped("B-%d" % i, "Дмитрий Смирнов", CANARY_B) for i in range(3)])

            def fetch(i):
                t, mine, theirs = (a, CANARY_A, CANARY_B) if i % 2 else (b, CANARY_B, CANARY_A)
                r = label(t, "1001;1002;1003")
                self.assertEqual(r.status, 200, r.short())
                text = pdf_text(r.body, self.tmp, "par-%d" % i)
                self.assertGreaterEqual(text.count(mine), 3, "three labels, each with its name")
                self.assertNotIn(theirs, text)
                return True

            self.assertEqual(harness.Parallel(12, fetch).run(), [])
            self.assertEqual(self.pool_of(server, 2)[1], workers, "no worker was lost")
        finally:
            server.stop_and_check(forbidden_in_logs=[CANARY_A, CANARY_B, "Zoë", "Дмитрий"])
        for p in [zygote] + workers:
            self.assertTrue(gone(p), "drawing process %d outlived the server's SIGTERM" % p)

    def test_a_killed_worker_is_replaced(self):
        server = harness.Server.start_new(extra_serve_args=["--draw-workers", "1"])
        try:
            a = server.new_tenant("Draw C")
            a.create_orders([shipped("C-1", "Ολυμπία Παπαδοπούλου", CANARY_A)])
            self.assertEqual(label(a, "1001").status, 200)
            zygote, (worker,) = self.pool_of(server, 1)
            os.kill(worker, signal.SIGKILL)
            self.assertTrue(gone(worker))
            r = label(a, "1001")
            self.assertEqual(r.status, 200, r.short())
            self.assertIn(CANARY_A, pdf_text(r.body, self.tmp, "after-kill"))
            _, (again,) = self.pool_of(server, 1)
            self.assertNotEqual(again, worker)
            self.assertIn("a drawing process ended between jobs", server.stderr_text())
        finally:
            server.stop_and_check(forbidden_in_logs=[CANARY_A, "Ολυμπία"])

    def test_killing_the_server_ends_its_drawing_processes(self):
        server = harness.Server.start_new(extra_serve_args=["--draw-workers", "2"])
        zygote, workers = self.pool_of(server, 2)
        server.proc.kill()
        server.proc.wait()
        server.stop()  # closes the log files; the exit status is SIGKILL's, as asked
        for p in [zygote] + workers:
            self.assertTrue(gone(p), "drawing process %d outlived the server's SIGKILL" % p)
        shutil.rmtree(server.dir, ignore_errors=True)

    def test_bad_values_are_refused(self):
        server = harness.Server()
        server.migrate()
        try:
            for v in ("0", "65", "two", "-1"):
                p = subprocess.run([server.binary, "--db", server.db, "serve", "--listen", "127.0.0.1:0",
                                    "--draw-workers", v], capture_output=True, text=True, timeout=30,
                                   env=server.env)
                self.assertNotEqual(p.returncode, 0, v)
                self.assertIn("--draw-workers must be 1 to 64", p.stderr)
        finally:
            shutil.rmtree(server.dir, ignore_errors=True)


if __name__ == "__main__":
    harness.main()

#!/usr/bin/python3
"""tests/soak/soak.py: `make soak`, postroom under sustained load.

1. Starts a server (its own database, rate limit off) with 4 tenants of
   1,000 orders each.
2. Drives the mixed workload of tests/soak/mixed.lua with wrk at saturation:
   a warm-up (SOAK_WARMUP seconds, default 20: SQLite's page caches fill
   during the first ~15 s), then SOAK_SECONDS (default
   60) measured. Single orders and their details, list pages, several orders
   at once, batches of new orders and status updates, over 32 connections.
3. Requires zero failed requests (no non-2xx answer, no socket error of any
   kind), resident memory (VmRSS in /proc/PID/status, read every second)
   grown by less than 5% from just after the warm-up to the end of the run
   (median of the first 10 s against median of the last 10 s, since malloc
   makes single readings jitter), and SQLite's
   write-ahead log under 64 MiB at the end (creates and deletes balance, so
   the data stays the same size); the server must then stop cleanly on
   SIGTERM with no sanitizer report.
4. Runs the isolation fuzzer for SOAK_PROBES probes (default 1,000,000) on a
   fresh server; it prints its rate and the time that will take after 10 s.

Usage: /usr/bin/python3 tests/soak/soak.py path/to/postroom
Environment: SOAK_SECONDS, SOAK_WARMUP, SOAK_PROBES (0 skips the isolation
run), SOAK_CONNECTIONS (default 32), SOAK_THREADS (wrk threads, default 2),
SOAK_MIX=reads (reads only: memory that grows with the requests rather than
with the data).
"""

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "isolation"))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import harness  # noqa: E402
from httpc import Conn  # noqa: E402

TENANTS = 4
ORDERS = 1000
RSS_GROWTH_MAX = 0.05
WAL_MAX_KIB = 64 * 1024  # the data stays the same size: the log must not keep growing either


def rss_kib(pid, field="VmRSS"):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError("no %s for %d" % (field, pid))


def rss_parts(pid):
    """VmRSS split into anonymous memory, mapped files and shared memory (SQLite's -shm)."""
    return "anon %d, file %d, shmem %d KiB" % tuple(rss_kib(pid, f) for f in ("RssAnon", "RssFile", "RssShmem"))


def order(ref):
    return {"orderReference": ref,
            "recipient": {"address": {"fullName": "Soak Seed", "addressLine1": "2 Seed Road", "city": "York",
                                      "postcode": "YO1 7HH", "countryCode": "GB"}},
            "packages": [{"weightInGrams": 300, "packageFormatIdentifier": "smallParcel",
                          "contents": [{"name": "Seed", "SKU": "S-1", "quantity": 1, "unitValue": 3}]}],
            "orderDate": "2026-11-29T10:00:00Z", "subtotal": 3, "shippingCostCharged": 1, "total": 4}


def run_wrk(port, keys, seconds, what):
    wrk = shutil.which("wrk")
    if not wrk:
        raise SystemExit("soak: wrk is not installed (Debian package wrk; `make deps-bench`)")
    cmd = [wrk, "-t", os.environ.get("SOAK_THREADS", "2"), "-c", os.environ.get("SOAK_CONNECTIONS", "32"),
           "-d", "%ds" % seconds, "--timeout", "10s", "--latency", "-s", os.path.join(HERE, "mixed.lua"),
           "http://%s:%d" % (harness.HOST, port), "--", ",".join(keys), "1001", str(1000 + ORDERS),
           os.environ.get("SOAK_MIX", "mixed")]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120)
    out = p.stdout
    m = re.search(r"soak: (\d+) requests, (\d+) non-2xx, socket errors: connect (\d+) read (\d+) write (\d+) "
                  r"timeout (\d+)", out)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if p.returncode != 0 or not m:
        raise SystemExit("soak: wrk failed (%d):\n%s\n%s" % (p.returncode, out, p.stderr))
    requests, bad, *errs = (int(x) for x in m.groups())
    # wrk counts a non-2xx/3xx answer on its own line too
    n3 = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    for line in out.splitlines():
        if line.startswith("soak:"):
            print(line.replace("soak:", "soak: %s:" % what, 1))
    print("soak: %s: %.0f requests/s" % (what, float(rps.group(1)) if rps else 0.0))
    if p.stderr.strip():
        print(p.stderr.strip()[:2000])
    return requests, max(bad, int(n3.group(1)) if n3 else 0), sum(errs)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("POSTROOM_BIN")
    if not binary:
        raise SystemExit("usage: soak.py path/to/postroom")
    probes = int(os.environ.get("SOAK_PROBES", "1000000"))
    failures = []

    server = harness.Server(binary=binary, rate_limit=0)
    server.migrate()
    server.start()
    try:
        failures.extend(drive(server))
    except BaseException:
        server.proc.kill()  # never leave a server behind
        server.proc.wait()
        raise
    problems = server.stop()
    failures.extend(problems)
    if not problems:
        shutil.rmtree(server.dir, ignore_errors=True)

    if probes:
        print("soak: isolation fuzzer, %d probes" % probes, flush=True)
        p = subprocess.run([sys.executable, os.path.join(HERE, "..", "isolation", "isolation_fuzz.py"), binary,
                            "--seconds", "0", "--probes", str(probes), "--progress", "60",
                            "--seed", os.environ.get("ISOLATION_SEED", "soak")])
        if p.returncode != 0:
            failures.append("the isolation fuzzer failed (exit %d)" % p.returncode)
    for f in failures:
        print("soak: FAIL: " + f)
    print("soak: %s" % ("ok" if not failures else "%d failures" % len(failures)))
    sys.exit(1 if failures else 0)


def drive(server):
    """Seeds the tenants, runs wrk, and measures; returns the failures."""
    seconds = int(os.environ.get("SOAK_SECONDS", "60"))
    warmup = int(os.environ.get("SOAK_WARMUP", "20"))
    failures = []
    keys = []
    conn = Conn(harness.HOST, server.port)
    for i in range(TENANTS):
        tid = server.tenant_create("soak-%d" % i)
        key = server.apikey_create(tid, "soak")
        keys.append(key)
        for b in range(0, ORDERS, 100):
            r = conn.request("POST", "/api/v1/orders", [("Authorization", "Bearer " + key),
                                                        ("Content-Type", "application/json")],
                             json.dumps({"items": [order("SEED-%d-%d" % (i, b + j)) for j in range(100)]}))
            if r.status != 200 or json.loads(r.body).get("successCount") != 100:
                raise SystemExit("soak: seeding failed: %s" % r.short())
    conn.close()
    pid = server.proc.pid
    print("soak: server pid %d, %d tenants x %d orders, RSS %d KiB at start" % (pid, TENANTS, ORDERS, rss_kib(pid)))

    run_wrk(server.port, keys, warmup, "warm-up %ds" % warmup)
    parts0 = rss_parts(pid)
    samples = []  # (seconds into the run, VmRSS KiB), every second
    stop = threading.Event()
    t_start = time.monotonic()

    def sample():
        while True:
            try:
                samples.append((time.monotonic() - t_start, rss_kib(pid)))
            except (OSError, RuntimeError):
                return
            if stop.wait(1):
                return

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    requests, bad, errs = run_wrk(server.port, keys, seconds, "%ds at saturation" % seconds)
    stop.set()
    th.join()
    # glibc hands memory back and takes it again, so single readings jitter by
    # a megabyte or so: compare the median of the first and last 10 s
    first = sorted(r for t, r in samples if t <= 10)
    last = sorted(r for t, r in samples if t >= seconds - 10)
    rss0, rss1 = first[len(first) // 2], last[len(last) // 2]
    growth = (rss1 - rss0) / rss0
    print("soak: RSS median %d KiB in the first 10 s after warm-up (%s), %d KiB in the last 10 s (%s): "
          "%+.1f%%; min %d, max %d; every 5 s: %s" % (
              rss0, parts0, rss1, rss_parts(pid), 100 * growth, min(r for _, r in samples),
              max(r for _, r in samples), " ".join(str(r) for t, r in samples[::5])))
    if bad:
        failures.append("%d answers were not 2xx" % bad)
    if errs:
        failures.append("%d socket errors" % errs)
    if requests == 0:
        failures.append("no requests were made")
    if growth >= RSS_GROWTH_MAX:
        failures.append("RSS grew %.1f%% (limit %.0f%%)" % (100 * growth, 100 * RSS_GROWTH_MAX))
    db_kib = os.path.getsize(server.db) // 1024
    wal = server.db + "-wal"
    wal_kib = os.path.getsize(wal) // 1024 if os.path.exists(wal) else 0
    print("soak: database %d KiB, write-ahead log %d KiB at the end" % (db_kib, wal_kib))
    if wal_kib > WAL_MAX_KIB:
        failures.append("the write-ahead log grew to %d KiB (limit %d KiB): checkpoints never catch up, so disk "
                        "use and the -shm mapping grow without bound" % (wal_kib, WAL_MAX_KIB))
    print("soak: wrk: %d requests, %d failed, %d socket errors, RSS growth %+.1f%%: %s" % (
        requests, bad, errs, 100 * growth, "ok" if not failures else "FAILED"), flush=True)
    return failures


if __name__ == "__main__":
    main()

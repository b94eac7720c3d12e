#!/usr/bin/python3
"""tests/crash/crash_test.py: crash safety under SIGKILL.

Each trial starts the server on the same database, lets client threads of two
tenants work at full speed (POST /orders batches, with and without a service
code, so postage and S10 tracking numbers are bought at creation; status
updates of their own orders; postage labels; manifests), kills the server
with SIGKILL at a random moment, and before restarting it:

  * copies the database files as the crash left them and runs
    `sqlite3 COPY 'PRAGMA integrity_check'` and `PRAGMA foreign_key_check`
    on the copy (the crash image itself must be consistent);

then restarts the server on the real files and checks, through the API:

  * every order whose creation was acknowledged (200 with createdOrders)
    exists, under the identifier it was given, with the content sent;
  * no batch is half applied: the orders of one POST all exist or none do
    (acknowledged ones all do), unacknowledged ones included;
  * identifiers are never reused: no identifier ever names two references,
    and a new order after the restart gets an identifier above every one
    acknowledged before;
  * every acknowledged status update holds (or was overtaken only by the
    thread's last, unacknowledged one);
  * tracking numbers are never reused: no two orders of any tenant share one,
    and an acknowledged one still belongs to its order;
  * every acknowledged manifest still exists, and a new manifest gets a
    number above all of them;
  * neither tenant sees the other's orders.

Spreadsheet imports (POST /import, a Click & Drop file of 1 to 40 orders,
through a signed-in web session) are trialled like POST batches: one import
is all or nothing, and an acknowledged one (200 listing its orders) survives
whole with its content.

Background imports (POST /api/postroom/imports, the same files as the body,
issue 13) are trialled too: an upload answered 202 is acknowledged, so after
the restart its job must end done, resumed from the start if the kill came
mid-import, with every one of its orders (an import job is all or nothing,
and its final swap one transaction); one in flight at the kill is all or
nothing like a batch.

Not built yet, so no trials for it: the audit chain (once it exists, verify it
after every restart in check_after_restart).

On PostgreSQL (--pg DIR, or $POSTROOM_TEST_PG: a cluster scripts/pg.sh
started in DIR) the server is killed, not the database, so the crash image
is the database itself: instead of SQLite's pragmas, what must hold across
a kill mid-transaction is checked on it (the trigger-kept order counts
equal the orders, the audit chain's seq has no gap).

Usage: /usr/bin/python3 tests/crash/crash_test.py BIN [--trials 20] [--seed S] [--pg DIR]
Prints one line per trial and "crash: N trials, ..." at the end; exits
non-zero on any violation.
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "isolation"))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import harness  # noqa: E402
from httpc import Conn, HTTPError  # noqa: E402

API = "/api/v1"
PASSWORD = "crash test password"
SQLITE3 = shutil.which("sqlite3")


def order_for(tenant, ref, n, service=None):
    """An order whose content is a function of (tenant, ref, n): checkable after a crash."""
    o = {
        "orderReference": ref,
        "recipient": {"address": {"fullName": "Crash%s %s" % (tenant, ref), "addressLine1": "%d Kill Street" % n,
                                  "city": "Sigkill-%s" % tenant, "postcode": "CR%d 1AA" % (n % 10),
                                  "countryCode": "GB"},
                      "emailAddress": "%s@crash.example" % ref.lower()},
        "packages": [{"weightInGrams": 100 + n % 900, "packageFormatIdentifier": "largeLetter",
                      "contents": [{"name": "item-" + ref, "SKU": "SKU-%d" % n, "quantity": 1 + n % 5,
                                    "unitValue": 1.25}]}],
        "orderDate": "2026-11-29T10:00:00Z",
        "subtotal": 1.25 * (1 + n % 5), "shippingCostCharged": 0.5, "total": 1.25 * (1 + n % 5) + 0.5,
        "specialInstructions": "batch content %d" % n,
    }
    if service:
        o["postageDetails"] = {"serviceCode": service}
    return o


def expected_fields(tenant, ref, n):
    return {"orderReference": ref, "firstName": "Crash%s" % tenant, "lastName": ref,
            "addressLine1": "%d Kill Street" % n, "city": "Sigkill-%s" % tenant,
            "SKU": "SKU-%d" % n, "quantity": 1 + n % 5, "specialInstructions": "batch content %d" % n}


def actual_fields(o):
    si = o.get("shippingInfo") or {}
    lines = o.get("orderLines") or [{}]
    return {"orderReference": o.get("orderReference"), "firstName": si.get("firstName"),
            "lastName": si.get("lastName"), "addressLine1": si.get("addressLine1"), "city": si.get("city"),
            "SKU": lines[0].get("SKU"), "quantity": lines[0].get("quantity"),
            "specialInstructions": o.get("specialInstructions")}


class Tenant:
    def __init__(self, name, key):
        self.name, self.key = name, key
        self.auth = [("Authorization", "Bearer " + key)]
        self.jauth = self.auth + [("Content-Type", "application/json")]
        self.acked = {}         # ref -> identifier (acknowledged creations)
        self.content = {}       # ref -> n (what the content was made from)
        self.batches = []       # (refs, acked)
        self.id_ref = {}        # identifier -> reference, ever seen
        self.status = {}        # identifier -> (last acknowledged status, set of maybe-later statuses)
        self.tracking = {}      # identifier -> tracking number, as acknowledged
        self.manifests = set()  # acknowledged manifest numbers
        self.manifests_checked = set()
        self.max_acked_id = 0
        self.jobs = []          # (job id, refs, batch entry): acknowledged background imports
        self.cookie = None      # a signed-in web session, for imports
        self.csrf = None
        self.lock = threading.Lock()

    def expect_batch(self, refs, nums):
        """Records a batch (POST or import) before it is sent: its orders may exist after a
        kill even when no answer came. Returns its entry, [refs, acknowledged]."""
        with self.lock:
            for r, k in zip(refs, nums):
                self.content[r] = k
            entry = [refs, False]
            self.batches.append(entry)
        return entry


class Trial:
    """One run of the clients until the kill."""

    def __init__(self, server, tenants, trial, rng, problems):
        self.server, self.tenants, self.trial, self.rng = server, tenants, trial, rng
        self.problems = problems
        self.stop = threading.Event()
        self.counts = {"batches": 0, "imports": 0, "jobs": 0, "acked_orders": 0, "status": 0, "labels": 0, "manifests": 0, "unacked": 0}
        self.clock = threading.Lock()

    def count(self, k, n=1):
        with self.clock:
            self.counts[k] += n

    def worker(self, t, wi, seed):
        rng = random.Random(seed)
        conn = Conn(harness.HOST, self.server.port, timeout=10)
        mine_plain, mine_postage = [], []
        b = 0
        try:
            while not self.stop.is_set():
                x = rng.random()
                if 0.42 <= x < 0.45:
                    b += 1
                    if not self.import_job(t, wi, b, rng, conn):
                        return
                elif 0.45 <= x < 0.55 and t.cookie:
                    b += 1
                    if not self.import_file(t, wi, b, rng, conn, mine_plain):
                        return
                elif x < 0.55 or not mine_plain:
                    b += 1
                    n = rng.randint(1, 10)
                    refs = ["C%d-%s-W%d-B%d-%d" % (self.trial, t.name, wi, b, i) for i in range(n)]
                    nums = [rng.randint(0, 10 ** 6) for _ in refs]
                    service = rng.choice([None, None, "OLP2", "TOLP24"])
                    items = [order_for(t.name, r, k, service) for r, k in zip(refs, nums)]
                    entry = t.expect_batch(refs, nums)
                    self.count("batches")
                    r = conn.request("POST", API + "/orders", t.jauth, json.dumps({"items": items}), retry=False)
                    j = json.loads(r.body) if r.status == 200 else None
                    created = (j or {}).get("createdOrders") or []
                    if r.status != 200 or len(created) != n:
                        self.problems.append("trial %d: POST /orders of %d answered %s" % (self.trial, n, r.short()))
                        return
                    with t.lock:
                        entry[1] = True
                        for c in created:
                            oid, ref = c["orderIdentifier"], c["orderReference"]
                            t.acked[ref] = oid
                            t.max_acked_id = max(t.max_acked_id, oid)
                            if c.get("trackingNumber"):
                                t.tracking[oid] = c["trackingNumber"]
                            if service:
                                mine_postage.append(oid)
                            else:
                                t.status[oid] = ("new", set())
                                mine_plain.append(oid)
                    self.count("acked_orders", n)
                elif x < 0.85:
                    oid = rng.choice(mine_plain)
                    st = rng.choice(["new", "despatched", "despatchedByOtherCourier"])
                    last, _ = t.status[oid]
                    with t.lock:
                        t.status[oid] = (last, {st})  # maybe applied, until acknowledged
                    self.count("status")
                    r = conn.request("PUT", API + "/orders/status", t.jauth,
                                     json.dumps({"items": [{"orderIdentifier": oid, "status": st}]}), retry=False)
                    if r.status != 200:
                        self.problems.append("trial %d: PUT status answered %s" % (self.trial, r.short()))
                        return
                    j = json.loads(r.body)
                    up = [u["orderIdentifier"] for u in j.get("updatedOrders") or []]
                    errs = j.get("errors") or []
                    with t.lock:
                        if up == [oid]:
                            t.status[oid] = (st, set())
                        elif len(errs) == 1 and errs[0].get("code") == "InvalidStatusTransition":
                            t.status[oid] = (last, set())
                        else:
                            self.problems.append("trial %d: PUT status of %d: %s" % (self.trial, oid, r.short()))
                elif x < 0.95 and mine_postage:
                    ids = rng.sample(mine_postage, min(len(mine_postage), rng.randint(1, 3)))
                    self.count("labels")
                    r = conn.request("GET", API + "/orders/%s/label?documentType=postageLabel&includeReturnsLabel=false"
                                     % ";".join(map(str, ids)), t.auth, retry=False)
                    if r.status not in (200, 400, 501):
                        self.problems.append("trial %d: label answered %s" % (self.trial, r.short()))
                elif x >= 0.95:
                    self.count("manifests")
                    r = conn.request("POST", API + "/manifests", t.jauth, "{}", retry=False)
                    if r.status == 201:
                        no = json.loads(r.body)["manifestNumber"]
                        with t.lock:
                            t.manifests.add(no)
                    elif r.status not in (400, 501):
                        self.problems.append("trial %d: POST /manifests answered %s" % (self.trial, r.short()))
        except (HTTPError, OSError, ValueError):
            self.count("unacked")  # the kill: whatever was in flight is unacknowledged
        finally:
            conn.close()

    def import_rows(self, t, refs, nums):
        rows = ["First Name,Last Name,Address Line 1,City,Postcode,Country,Order reference,Special instructions,"
                "Order date,Weight,Package size,Product name,SKU,Quantity,Unit price"]
        for r, k in zip(refs, nums):
            rows.append("Crash%s,%s,%d Kill Street,Sigkill-%s,CR%d 1AA,GB,%s,batch content %d,29/11/2026,0.%03d,"
                        "large letter,item-%s,SKU-%d,%d,1.25" % (t.name, r, k, t.name, k % 10, r, k, 100 + k % 800,
                                                                   r, k, 1 + k % 5))
        return "\r\n".join(rows) + "\r\n"

    def import_job(self, t, wi, b, rng, conn):
        """One background import of 1-200 orders; False after reporting a problem."""
        n = rng.randint(1, 200)
        refs = ["C%d-%s-W%d-J%d-%d" % (self.trial, t.name, wi, b, i) for i in range(n)]
        nums = [rng.randint(0, 10 ** 6) for _ in refs]
        entry = t.expect_batch(refs, nums)
        self.count("jobs")
        r = conn.request("POST", "/api/postroom/imports", t.auth + [("Content-Type", "text/csv")],
                         self.import_rows(t, refs, nums), retry=False)
        if r.status != 202:
            self.problems.append("trial %d: a background import of %d orders answered %s" % (self.trial, n, r.short()))
            return False
        with t.lock:
            t.jobs.append((json.loads(r.body)["jobId"], refs, entry))
        return True

    def import_file(self, t, wi, b, rng, conn, mine_plain):
        """One spreadsheet import of 1-40 orders; False after reporting a problem."""
        n = rng.randint(1, 40)
        refs = ["C%d-%s-W%d-I%d-%d" % (self.trial, t.name, wi, b, i) for i in range(n)]
        nums = [rng.randint(0, 10 ** 6) for _ in refs]
        rows = ["First Name,Last Name,Address Line 1,City,Postcode,Country,Order reference,Special instructions,"
                "Order date,Weight,Package size,Product name,SKU,Quantity,Unit price"]
        for r, k in zip(refs, nums):
            rows.append("Crash%s,%s,%d Kill Street,Sigkill-%s,CR%d 1AA,GB,%s,batch content %d,29/11/2026,0.%03d,"
                        "large letter,item-%s,SKU-%d,%d,1.25" % (t.name, r, k, t.name, k % 10, r, k, 100 + k % 800,
                                                                   r, k, 1 + k % 5))
        boundary = "crash%012x" % rng.getrandbits(48)
        body = ("--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n--%s\r\n"
                "Content-Disposition: form-data; name=\"file\"; filename=\"crash.csv\"\r\n"
                "Content-Type: text/csv\r\n\r\n%s\r\n--%s--\r\n"
                % (boundary, t.csrf, boundary, "\r\n".join(rows) + "\r\n", boundary))
        if rng.random() < 0.5:  # skip_existing: the duplicate check inside the insert's transaction
            body = ("--%s\r\nContent-Disposition: form-data; name=\"skip_existing\"\r\n\r\n1\r\n" % boundary) + body
        entry = t.expect_batch(refs, nums)
        self.count("imports")
        r = conn.request("POST", "/import", [("Cookie", t.cookie),
                                             ("Content-Type", "multipart/form-data; boundary=" + boundary)],
                         body, retry=False)
        got = re.findall(r'<tr><td>\d+</td><td>(?:<a href="/orders/\d+">)?(\d+)(?:</a>)?</td><td>([^<]*)</td>', r.body.decode("utf-8", "replace"))
        if r.status != 200 or sorted(ref for _, ref in got) != sorted(refs):
            self.problems.append("trial %d: an import of %d orders answered %s" % (self.trial, n, r.short()))
            return False
        with t.lock:
            entry[1] = True
            for oid, ref in got:
                oid = int(oid)
                t.acked[ref] = oid
                t.max_acked_id = max(t.max_acked_id, oid)
                t.status[oid] = ("new", set())
                mine_plain.append(oid)
        self.count("acked_orders", n)
        return True

    def run(self, threads_per_tenant, kill_after):
        ths = []
        for t in self.tenants:
            for wi in range(threads_per_tenant):
                th = threading.Thread(target=self.worker, args=(t, wi, self.rng.random()), daemon=True)
                ths.append(th)
                th.start()
        time.sleep(kill_after)
        self.server.proc.send_signal(signal.SIGKILL)
        self.server.proc.wait()
        self.stop.set()
        for th in ths:
            th.join(30)
            if th.is_alive():
                self.problems.append("trial %d: a client thread hung after the kill" % self.trial)


def pg_checks(server, problems, what):
    """What a transaction cut off by the kill must not have left half done,
    on PostgreSQL (whose own integrity is its business, not this test's)."""
    c = server.db_connect()
    try:
        bad = c.execute(
            "SELECT tenant_id, status, channel FROM (SELECT tenant_id, status, channel, count(*) AS n "
            "FROM orders GROUP BY 1, 2, 3) o FULL JOIN (SELECT * FROM order_counts WHERE n > 0) k "
            "USING (tenant_id, status, channel) WHERE o.n IS DISTINCT FROM k.n").fetchall()
        if bad:
            problems.append("%s: order_counts differ from the orders at %r" % (what, bad[:5]))
        n, top = c.execute("SELECT count(*), COALESCE(max(seq), 0) FROM audit").fetchone()
        if n != top:
            problems.append("%s: the audit chain has %d records up to seq %d" % (what, n, top))
    finally:
        c.close()


def db_checks(server, problems, what):
    if server.db_super:
        pg_checks(server, problems, what)
    else:
        sqlite_checks(server.db, problems, what)


def sqlite_checks(db, problems, what):
    """integrity_check and foreign_key_check on a copy of the database as the crash left it."""
    if not SQLITE3:
        problems.append("sqlite3 (Debian package sqlite3) is not installed: cannot check the database")
        return
    d = db + ".crashcopy"
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            shutil.copyfile(db + suffix, d + suffix)
        elif os.path.exists(d + suffix):
            os.unlink(d + suffix)
    for pragma, ok in (("PRAGMA integrity_check", "ok"), ("PRAGMA foreign_key_check", "")):
        p = subprocess.run([SQLITE3, d, pragma], capture_output=True, text=True, timeout=120)
        if p.returncode != 0 or p.stdout.strip() != ok:
            problems.append("%s: %s says %r %r" % (what, pragma, p.stdout.strip()[:500], p.stderr.strip()[:300]))
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(d + suffix):
            os.unlink(d + suffix)


def all_orders(conn, t, full=False):
    out, token = [], None
    while True:
        q = "?pageSize=100" + ("&continuationToken=" + token if token else "")
        r = conn.request("GET", API + "/orders" + ("/full" if full else "") + q, t.auth)
        if r.status != 200:
            raise AssertionError("GET /orders: %s" % r.short())
        j = json.loads(r.body)
        out.extend(j["orders"])
        token = j.get("continuationToken")
        if not token:
            return out


def get_full(conn, t, ids):
    out = {}
    for i in range(0, len(ids), 100):
        chunk = ids[i:i + 100]
        r = conn.request("GET", API + "/orders/%s/full" % ";".join(map(str, chunk)), t.auth)
        if r.status == 404:
            continue
        if r.status != 200:
            raise AssertionError("GET /orders/{ids}/full: %s" % r.short())
        for o in json.loads(r.body):
            out[o["orderIdentifier"]] = o
    return out


def settle_jobs(conn, t, trial, problems):
    """Every acknowledged background import ends done after the restart, with all its
    orders (resumed from the start when the kill came mid-import): its orders then
    count as acknowledged."""
    for jid, refs, entry in t.jobs:
        deadline = time.monotonic() + 120
        j = None
        while time.monotonic() < deadline:
            r = conn.request("GET", "/api/postroom/imports/%d" % jid, t.auth)
            j = json.loads(r.body) if r.status == 200 else None
            if not j or j["state"] in ("done", "failed"):
                break
            time.sleep(0.1)
        if not j or j["state"] != "done" or j["ordersCreated"] != len(refs):
            problems.append("trial %d: acknowledged background import %d of %s (%d orders) ended %s"
                            % (trial, jid, t.name, len(refs), json.dumps(j)[:400] if j else "unreadable"))
            continue
        first = j["result"]["firstOrderIdentifier"]
        with t.lock:
            entry[1] = True
            for k, ref in enumerate(refs):  # the job's orders are a dense range in file order
                t.acked[ref] = first + k
                t.max_acked_id = max(t.max_acked_id, first + k)
                t.status[first + k] = ("new", set())
    t.jobs = []


def check_after_restart(server, tenants, trial, problems, new_this_trial):
    """Everything acknowledged survived, nothing is half applied, nothing is reused."""
    conn = Conn(harness.HOST, server.port, timeout=60)
    try:
        all_tracking = {}
        for t in tenants:
            settle_jobs(conn, t, trial, problems)
            orders = all_orders(conn, t)
            present = {}
            for o in orders:
                ref, oid = o.get("orderReference"), o["orderIdentifier"]
                if not ref or not ref.startswith("C") or ("-%s-" % t.name) not in ref:
                    problems.append("trial %d: tenant %s sees an order that is not its own: %r" % (trial, t.name, o))
                    continue
                if ref in present:
                    problems.append("trial %d: reference %s twice (identifiers %d, %d)" % (trial, ref, present[ref], oid))
                present[ref] = oid
                prev = t.id_ref.get(oid)
                if prev is not None and prev != ref:
                    problems.append("trial %d: identifier %d of tenant %s named %s, now %s (reused)"
                                    % (trial, oid, t.name, prev, ref))
                t.id_ref[oid] = ref
                if o.get("trackingNumber"):
                    tn = o["trackingNumber"]
                    if tn in all_tracking:
                        problems.append("trial %d: tracking number %s on two orders: %s and %s:%d"
                                        % (trial, tn, all_tracking[tn], t.name, oid))
                    all_tracking[tn] = "%s:%d" % (t.name, oid)
            # acknowledged creations exist, under their identifiers
            lost = [r for r, i in t.acked.items() if present.get(r) != i]
            if lost:
                problems.append("trial %d: tenant %s lost %d acknowledged orders, e.g. %s (id %s, now %s)"
                                % (trial, t.name, len(lost), lost[0], t.acked[lost[0]], present.get(lost[0])))
            # batches: all or nothing
            for refs, acked in t.batches:
                n = sum(1 for r in refs if r in present)
                if n not in (0, len(refs)):
                    problems.append("trial %d: tenant %s: a batch of %d orders is half applied (%d present)%s"
                                    % (trial, t.name, len(refs), n, " and was acknowledged" if acked else ""))
            # content of this trial's acknowledged orders, and a sample of older ones
            ids = sorted(i for r, i in t.acked.items() if r in new_this_trial)
            old = sorted(set(t.acked.values()) - set(ids))
            ids += random.Random(trial).sample(old, min(len(old), 50))
            full = get_full(conn, t, ids)
            for oid in ids:
                o = full.get(oid)
                ref = t.id_ref.get(oid)
                if o is None:
                    continue  # reported as lost above
                want = expected_fields(t.name, ref, t.content[ref])
                got = actual_fields(o)
                if got != want:
                    problems.append("trial %d: order %d of %s reads %s, want %s" % (trial, oid, t.name, got, want))
                tn = t.tracking.get(oid)
                if tn and (o.get("shippingDetails") or {}).get("trackingNumber") != tn:
                    problems.append("trial %d: order %d had tracking number %s, now %s" % (
                        trial, oid, tn, (o.get("shippingDetails") or {}).get("trackingNumber")))
                if oid in t.status:
                    last, maybe = t.status[oid]
                    ok = {last} | maybe
                    if "despatched" in ok:
                        ok.add("manifested")  # a manifest takes despatched orders
                    if o.get("orderStatus") not in ok:
                        problems.append("trial %d: order %d of %s has status %s; acknowledged %s%s" % (
                            trial, oid, t.name, o.get("orderStatus"), last, " (maybe %s)" % maybe if maybe else ""))
                    t.status[oid] = (o.get("orderStatus"), set())
            # acknowledged manifests exist: this trial's, and a sample of older ones (each is a PDF to draw)
            fresh = sorted(t.manifests - t.manifests_checked)
            older = sorted(t.manifests_checked)
            for no in fresh + random.Random(trial).sample(older, min(len(older), 5)):
                r = conn.request("GET", API + "/manifests/%d" % no, t.auth)
                if r.status != 200:
                    problems.append("trial %d: acknowledged manifest %d of %s: %s" % (trial, no, t.name, r.short()))
            t.manifests_checked |= set(fresh)
            # a new order gets an identifier above every acknowledged one
            ref = "C%d-%s-AFTER" % (trial, t.name)
            t.content[ref] = trial
            r = conn.request("POST", API + "/orders", t.jauth,
                             json.dumps({"items": [order_for(t.name, ref, trial, "OLP2")]}))
            if r.status != 200 or len(json.loads(r.body).get("createdOrders") or []) != 1:
                problems.append("trial %d: POST after restart: %s" % (trial, r.short()))
                continue
            c = json.loads(r.body)["createdOrders"][0]
            oid = c["orderIdentifier"]
            top = max([t.max_acked_id] + list(t.id_ref))
            if oid <= top:
                problems.append("trial %d: tenant %s's new order got identifier %d, not above %d (reused)"
                                % (trial, t.name, oid, top))
            t.acked[ref] = oid
            t.id_ref[oid] = ref
            t.max_acked_id = max(t.max_acked_id, oid)
            t.batches.append(([ref], True))
            if c.get("trackingNumber"):
                tn = c["trackingNumber"]
                t.tracking[oid] = tn
                if tn in all_tracking:
                    problems.append("trial %d: the new order's tracking number %s was %s's" % (trial, tn, all_tracking[tn]))
            # and a new manifest a number above every acknowledged one
            r = conn.request("GET", API + "/orders/%d/label?documentType=postageLabel&includeReturnsLabel=false" % oid,
                             t.auth)
            if r.status == 200:
                r = conn.request("POST", API + "/manifests", t.jauth, "{}")
                if r.status == 201:
                    no = json.loads(r.body)["manifestNumber"]
                    if t.manifests and no <= max(t.manifests):
                        problems.append("trial %d: new manifest %d of %s, not above %d" % (
                            trial, no, t.name, max(t.manifests)))
                    t.manifests.add(no)
                elif r.status != 501:
                    problems.append("trial %d: POST /manifests after restart: %s" % (trial, r.short()))
            elif r.status != 501:
                problems.append("trial %d: label after restart: %s" % (trial, r.short()))
    finally:
        conn.close()


def main():
    ap = argparse.ArgumentParser(description="SIGKILL crash-safety trials")
    ap.add_argument("binary", nargs="?", default=os.environ.get("POSTROOM_BIN"))
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--seed", default=os.environ.get("CRASH_SEED", "1"))
    ap.add_argument("--threads", type=int, default=2, help="client threads per tenant")
    ap.add_argument("--max-kill-after", type=float, default=0.8, help="seconds of load before the kill, at most")
    ap.add_argument("--pg", default=os.environ.get("POSTROOM_TEST_PG"),
                    help="a PostgreSQL cluster (scripts/pg.sh start DIR) to run on instead of SQLite")
    a = ap.parse_args()
    if a.pg:
        harness.PG_CLUSTER = os.path.abspath(a.pg)
    if not a.binary:
        ap.error("give the postroom binary (or set POSTROOM_BIN)")
    rng = random.Random(a.seed)
    t0 = time.time()
    server = harness.Server(binary=a.binary, rate_limit=0)
    server.migrate()
    tenants = []
    for name in ("A", "B"):
        tid = server.tenant_create("crash-" + name)
        tenants.append(Tenant(name, server.apikey_create(tid, "crash")))
        server.user_add(tid, "crash-%s@crash.example" % name.lower(), "standard", PASSWORD)
    try:
        trials(a, rng, t0, server, tenants)
    finally:
        if server.alive():  # on any early exit: never leave a server behind
            server.proc.kill()
            server.proc.wait()


def sign_in(server, tenants):
    """A web session per tenant, once: sessions live in the database, so they survive the kills."""
    conn = Conn(harness.HOST, server.port, timeout=30)
    try:
        for t in tenants:
            if t.cookie:
                continue
            form = "email=crash-%s%%40crash.example&password=%s" % (t.name.lower(), PASSWORD.replace(" ", "+"))
            r = conn.request("POST", "/login", [("Content-Type", "application/x-www-form-urlencoded")], form)
            cookie = next((v.split(";")[0] for v in r.header_all("set-cookie")
                           if v.startswith("__Host-postroom_session=")), None)
            if r.status != 303 or not cookie:
                raise SystemExit("crash: signing in as %s failed: %s" % (t.name, r.short()))
            page = conn.request("GET", "/import", [("Cookie", cookie)])
            m = re.search(rb'name="csrf" value="([^"]+)"', page.body)
            if page.status != 200 or not m:
                raise SystemExit("crash: no import form for %s: %s" % (t.name, page.short()))
            t.cookie, t.csrf = cookie, m.group(1).decode()
    finally:
        conn.close()


def trials(a, rng, t0, server, tenants):
    problems = []
    totals = {}
    trial = 0
    for trial in range(1, a.trials + 1):
        before = {r for t in tenants for r in t.acked}
        server.start()
        sign_in(server, tenants)
        kill_after = rng.uniform(0.05, a.max_kill_after)
        tr = Trial(server, tenants, trial, rng, problems)
        tr.run(a.threads, kill_after)
        db_checks(server, problems, "trial %d (crash image)" % trial)
        server.start()
        new = {r for t in tenants for r in t.acked} - before
        try:
            check_after_restart(server, tenants, trial, problems, new)
        except (AssertionError, HTTPError, OSError, ValueError) as e:
            problems.append("trial %d: checking after the restart failed: %r" % (trial, e))
        server.proc.send_signal(signal.SIGKILL)  # the next trial restarts from a crash too
        server.proc.wait()
        for k, v in tr.counts.items():
            totals[k] = totals.get(k, 0) + v
        print("crash: trial %2d killed after %.2fs: %d batches, %d imports and %d background imports "
              "(%d orders acknowledged), "
              "%d status updates, %d label and %d manifest calls, %d requests cut off; %s" % (
                  trial, kill_after, tr.counts["batches"], tr.counts["imports"], tr.counts["jobs"],
                  tr.counts["acked_orders"],
                  tr.counts["status"],
                  tr.counts["labels"], tr.counts["manifests"], tr.counts["unacked"],
                  "ok" if not problems else "%d problems so far" % len(problems)), flush=True)
        if len(problems) > 50:
            break
    # a clean stop at the end, and the final database checked as it is
    server.start()
    stop_problems = server.stop()
    problems.extend(stop_problems)
    db_checks(server, problems, "final database")
    norders = sum(len(t.acked) for t in tenants)
    for p in problems[:40]:
        print("  " + p)
    print("crash: %d trials in %.0f s, %d acknowledged orders in %d batches survived checks, %d problems" % (
        trial, time.time() - t0, norders, sum(len(t.batches) for t in tenants), len(problems)))
    if problems:
        print("crash: server files kept in %s (seed %s)" % (server.dir, a.seed))
        sys.exit(1)
    shutil.rmtree(server.dir, ignore_errors=True)


if __name__ == "__main__":
    main()

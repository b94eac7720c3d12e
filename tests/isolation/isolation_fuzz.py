#!/usr/bin/python3
"""tests/isolation/isolation_fuzz.py: the isolation fuzzer.

postroom's one promise is that no business ever sees another business's
data. This attacks it from every side at once, at volume, and counts:

  * N tenants (default 8), each with a web user, an API key and a signed-in
    session. Every personal field of every order (names, company, address
    lines, city, county, postcode, phone, e-mail, trading name, department,
    safe place, special instructions, tags, product names, SKUs, customs
    descriptions) and the tenant's own name hold a canary "CANARY-T<L>-..."
    unique to tenant L; tracking numbers and carriers set later do too.
  * Identifiers overlap (every tenant counts from 1001, to different
    heights), four references are shared by all tenants, and every order's
    orderDate lies in the tenant's own month, so even a summary answer (no
    personal fields) tells whose order it is.
  * >= 32 threads, each on its own keep-alive connection that switches
    tenants and credentials from one request to the next, send randomized
    probes as every tenant: GET /orders/{ids} and /full with mixes of own and
    other tenants' identifiers and references (shared ones included), GET
    /orders and /full with random page sizes, date filters and continuation
    tokens (own, another tenant's, own with other filters, forged), DELETE and
    PUT /orders/status with other tenants' references, POST /orders (some
    with a service code, so postage and tracking numbers are bought),
    despatch notes and CN22/CN23 for mixed identifier lists, postage labels
    for other tenants' orders and for the thread's own, manifests (create,
    get and retry, with other tenants' manifest numbers), carriers, return
    services and returns naming own and other tenants' orders, the web pages
    with other tenants' session cookies swapped in, two cookies at once, a
    key and a cookie of different tenants, spreadsheet imports through the
    web page (canary-filled files, the tenant's own CSRF token or another's,
    bad rows; the result page scanned and the orders read
    back and deleted), import jobs by number (GET /api/postroom/imports/{id}
    and the web's /import/jobs/{n} and its status, as numbers both
    businesses have and numbers only another has, each answer held to the
    caller's own API's view of its jobs), column mappings by number (pages,
    rename, delete, uploads through them, and mapping:N refused as an API
    format), the orders export as CSV (with date filters, and with
    another tenant's API key beside the cookie), and requests as nobody.
  * Every answer is checked: never a 5xx (501 only where the endpoint is not
    built); `Cache-Control: no-store`; no other tenant's canary anywhere in
    the body once the caller's own echoed input is removed (JSON, HTML, CSV,
    and PDF text through pdftotext when labels exist); every order in it has the
    caller's month and reference; every unchanging order reads back exactly
    as first seen (a reply mixed with another request's shows up here); and
    the status codes the API documents.
  * The fuzzer's own writes touch only orders the same thread created, and
    are read back (status, tracking number, content, deletion). At the end
    every tenant's unchanging orders are compared with the first snapshot,
    the egress wall's security-event counter must still be zero, the server
    must stop cleanly with no sanitizer report, and its log must hold no
    canary, API key or session token.

It prints "isolation: N probes, M leaks" last and exits non-zero on any leak
or failed check. The seed makes each thread's sequence of probes repeatable
(the interleaving of threads is the operating system's).

Usage:
  /usr/bin/python3 tests/isolation/isolation_fuzz.py BIN [--seconds S] [--probes N]
        [--seed X] [--threads 32] [--tenants 8] [--servers 1]
BIN is the postroom binary (or $POSTROOM_BIN). The run stops at whichever
budget comes first; --seconds 0 means no time limit. --pg DIR (or
$POSTROOM_TEST_PG) runs it on PostgreSQL: every server on one fresh
database of the cluster scripts/pg.sh started in DIR.
"""

import argparse
import base64
import csv
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import harness  # noqa: E402
from httpc import Conn, HTTPError  # noqa: E402

API = "/api/v1"
CANARY_RE = re.compile(rb"CANARY-T([A-Z])-")
SHARED_REFS = ["SHARED-REF-1", "SHARED-REF-2", "SHARED;SEMI", "SHARED-REF-4"]
PASSWORD = "isolation fuzzer password 1"
SESSION_COOKIE = "__Host-postroom_session"
MAX_MESSAGES = 40
OWN_MAX = 8  # orders a thread keeps per tenant before it deletes the oldest half
PDFTOTEXT = None if os.environ.get("ISOLATION_NO_PDF") else shutil.which("pdftotext")
# kinds of probe whose endpoint may still answer 501 (not built yet)
NOT_BUILT_OK = ("documents", "label_own", "manifest")
# a manifest (POST /manifests by any thread of the tenant) may take these at any time
MANIFESTABLE = ("labelGenerated", "despatched")


def canary(L, field, j):
    return "CANARY-T%s-%s-%s" % (L, field, j)


def order_for(L, month, j, ref):
    """A CreateOrderRequest whose every personal field carries tenant L's canary."""
    c = lambda f: canary(L, f, j)  # noqa: E731
    address = {"fullName": c("FIRST") + " " + c("LAST"), "companyName": c("COMPANY"), "addressLine1": c("ADDR1"),
               "addressLine2": c("ADDR2"), "addressLine3": c("ADDR3"), "city": c("CITY"), "county": c("COUNTY"),
               "postcode": "CANARY-T%s-PC" % L, "countryCode": "GB"}
    billing = dict(address, fullName=c("BILLFIRST") + " " + c("BILLLAST"), addressLine1=c("BILLADDR1"),
                   city=c("BILLCITY"))
    return {
        "orderReference": ref,
        "recipient": {"address": address, "phoneNumber": "CANARY-T%s-PH-%d" % (L, j),
                      "emailAddress": "CANARY-T%s-EMAIL-%d@example.com" % (L, j)},
        "billing": {"address": billing, "phoneNumber": "CANARY-T%s-BPH-%d" % (L, j),
                    "emailAddress": "CANARY-T%s-BILLMAIL-%d@example.com" % (L, j)},
        "sender": {"tradingName": c("TRADING"), "phoneNumber": "CANARY-T%s-SPH-%d" % (L, j),
                   "emailAddress": "CANARY-T%s-SENDMAIL-%d@example.com" % (L, j)},
        "packages": [{
            "weightInGrams": 100 + j % 1000, "packageFormatIdentifier": "smallParcel",
            "contents": [{"name": c("PRODUCT"), "SKU": c("SKU"), "quantity": 1 + j % 3, "unitValue": 1.5,
                          "unitWeightInGrams": 100, "customsDescription": c("CUSTOMS"), "customsCode": "6109"}],
        }],
        "orderDate": "2026-%02d-%02dT10:%02d:00Z" % (month, 1 + j % 28, j % 60),
        "subtotal": 1.5, "shippingCostCharged": 1, "total": 2.5, "currencyCode": "GBP",
        "specialInstructions": c("INSTRUCTIONS"),
        "tags": [{"key": c("TAGKEY"), "value": c("TAGVALUE")}],
        "postageDetails": {"safePlace": c("SAFEPLACE"), "department": c("DEPT")},
    }


def quote_item(x):
    return str(x) if isinstance(x, int) else '"' + urllib.parse.quote(x, safe="") + '"'


def ids_path(items, suffix=""):
    return API + "/orders/" + ";".join(quote_item(x) for x in items) + suffix


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % int((t % 1) * 1000)


# --------------------------------------------------------------------------- the world


class TenantInfo:
    def __init__(self, letter, index):
        self.L = letter
        self.b = letter.encode()
        self.k = index
        self.month = index + 1
        self.month_prefix = "2026-%02d-" % self.month
        self.name = canary(letter, "TENANTNAME", 0)
        self.id = None
        self.key = None
        self.cookie = None
        self.csrf = None
        self.frozen = {}       # identifier -> reference, orders nobody writes to
        self.ref_ids = {}      # reference -> identifier, for the frozen orders
        self.shared = {}       # shared reference -> identifier (unique pair per tenant)
        self.unique_refs = []  # this tenant's own unique references
        self.info = {}         # identifier -> summary as first read
        self.full = {}         # identifier -> details as first read
        self.max_id = 0
        self.mappings = {}     # column mapping number -> its name (issue 13)


class World:
    """The server and the tenants, and everything the probes draw from."""

    def __init__(self, binary, n_tenants, n_servers=1):
        self.server = harness.Server(binary=binary, rate_limit=0)
        SERVERS.append(self.server)
        self.server.migrate()
        self.server.start()
        self.port = self.server.port
        # --servers N: more processes on the same database, as behind a load
        # balancer. Everything is set up through the first; the workers are
        # spread over all, so a session or key made on one is used on the
        # others from the first probe on.
        self.servers = [self.server]
        for _ in range(n_servers - 1):
            s = self.server.sibling()
            SERVERS.append(s)
            s.start()
            self.servers.append(s)
        self.ports = [s.port for s in self.servers]
        self.tenants = [TenantInfo(chr(ord("A") + k), k) for k in range(n_tenants)]
        self.by_letter = {t.L: t for t in self.tenants}
        self.token_pool = {t.L: [] for t in self.tenants}
        self.manifests = {t.L: [] for t in self.tenants}
        self.import_jobs = {t.L: [] for t in self.tenants}  # job ids of POST /api/postroom/imports
        self.session_tokens = []
        self.setup_start = time.time()
        conn = Conn(harness.HOST, self.port)
        for t in self.tenants:
            self._make_tenant(conn, t)
        self.max_id = max(t.max_id for t in self.tenants)
        for t in self.tenants:
            t.foreign_refs = [r for o in self.tenants if o is not t for r in o.unique_refs]
        self.setup_end = time.time()
        conn.close()

    def _make_tenant(self, conn, t):
        t.id = self.server.tenant_create(t.name)
        t.key = self.server.apikey_create(t.id, "isolation-" + t.L)
        email = "user-%s@isolation.example" % t.L.lower()
        self.server.user_add(t.id, email, "admin", PASSWORD)
        count = 24 + 5 * t.k
        items = []
        for j in range(count):
            if t.k <= j < t.k + len(SHARED_REFS):
                ref = SHARED_REFS[j - t.k]
            else:
                ref = canary(t.L, "REF", j)
                t.unique_refs.append(ref)
            items.append(order_for(t.L, t.month, j, ref))
        auth = [("Authorization", "Bearer " + t.key), ("Content-Type", "application/json")]
        created = []
        for i in range(0, len(items), 100):
            r = conn.request("POST", API + "/orders", auth, json.dumps({"items": items[i:i + 100]}))
            j = json.loads(r.body) if r.status == 200 else {}
            if r.status != 200 or j.get("errorsCount"):
                raise SystemExit("isolation: setting up tenant %s failed: %s" % (t.L, r.short()))
            created.extend(j["createdOrders"])
        for c in created:
            ref = c["orderReference"]
            t.frozen[c["orderIdentifier"]] = ref
            t.ref_ids[ref] = c["orderIdentifier"]
            if ref in SHARED_REFS:
                t.shared[ref] = c["orderIdentifier"]
        if sorted(t.frozen) != list(range(1001, 1001 + count)):
            raise SystemExit("isolation: tenant %s got identifiers %s" % (t.L, sorted(t.frozen)))
        t.max_id = 1000 + count
        ids = sorted(t.frozen)
        for suffix, store in (("", t.info), ("/full", t.full)):
            for i in range(0, len(ids), 100):
                r = conn.request("GET", ids_path(ids[i:i + 100], suffix), [("Authorization", "Bearer " + t.key)])
                if r.status != 200:
                    raise SystemExit("isolation: reading tenant %s back failed: %s" % (t.L, r.short()))
                for o in json.loads(r.body):
                    store[o["orderIdentifier"]] = o
        # a web session, signed in through the form like a browser
        form = urllib.parse.urlencode({"email": email, "password": PASSWORD})
        r = conn.request("POST", "/login", [("Content-Type", "application/x-www-form-urlencoded")], form)
        m = None
        for v in r.header_all("set-cookie"):
            m = re.match(re.escape(SESSION_COOKIE) + r"=([^;]+)", v)
            if m:
                break
        if r.status not in (302, 303) or not m:
            raise SystemExit("isolation: signing in as tenant %s failed: %s" % (t.L, r.short()))
        t.cookie = m.group(1)
        self.session_tokens.append(t.cookie)
        r = conn.request("GET", "/import", [("Cookie", "%s=%s" % (SESSION_COOKIE, t.cookie))])
        m = re.search(rb'name="csrf" value="([^"]+)"', r.body)
        if r.status != 200 or not m:
            raise SystemExit("isolation: the import page of tenant %s has no form: %s" % (t.L, r.short()))
        t.csrf = m.group(1).decode()
        self._make_mappings(conn, t)

    def _make_mappings(self, conn, t):
        """k + 1 column mappings per tenant (numbers 1.., so every other tenant's
        number is one this tenant has or not), each name and header a canary."""
        cookie = [("Cookie", "%s=%s" % (SESSION_COOKIE, t.cookie)),
                  ("Content-Type", "application/x-www-form-urlencoded")]
        for j in range(t.k + 1):
            heads = [canary(t.L, "MAPCOL", "%d-%d" % (j, c)) for c in range(4)]
            sample = (",".join(heads) + "\r\nA,B,C,D\r\n").encode().hex()
            name = canary(t.L, "MAPPING", j)
            form = urllib.parse.urlencode({"csrf": t.csrf, "sample": sample, "name": name, "dates": "dmy",
                                           "action": "save", "f_full_name": "0", "f_address_line1": "1",
                                           "f_city": "2", "f_postcode": "3"})
            r = conn.request("POST", "/import/mapping", cookie, form)
            m = re.match(r"^/import/mappings/(\d+)\?done=saved$", r.header("Location") or "")
            if r.status != 303 or not m:
                raise SystemExit("isolation: saving a mapping of tenant %s failed: %s" % (t.L, r.short()))
            t.mappings[int(m.group(1))] = name


# --------------------------------------------------------------------------- checking


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.probes = 0
        self.leaks = 0
        self.failures = 0
        self.by_kind = {}
        self.messages = []

    def note(self, leak, msg):
        with self.lock:
            if leak:
                self.leaks += 1
            else:
                self.failures += 1
            if len(self.messages) < MAX_MESSAGES:
                self.messages.append(("LEAK: " if leak else "FAIL: ") + msg)


def pdf_text(body):
    if not PDFTOTEXT:
        return b""
    try:
        p = subprocess.run([PDFTOTEXT, "-q", "-", "-"], input=body, capture_output=True, timeout=30)
        return p.stdout
    except (OSError, subprocess.SubprocessError):
        return b""


class Probe:
    """One request and what its answer must satisfy."""

    __slots__ = ("kind", "me", "method", "path", "headers", "body", "echoes", "statuses", "allow", "r")

    def __init__(self, kind, me, method, path, headers, body=None, echoes=(), statuses=None, allow=None):
        """me: the tenant whose data the answer may hold (None: nobody's); allow: the
        letters of tenants whose data may appear, when it is not simply me's."""
        self.kind, self.me, self.method, self.path = kind, me, method, path
        self.headers, self.body, self.echoes, self.statuses = headers, body, echoes, statuses
        self.allow = allow if allow is not None else ({me.b} if me else set())
        self.r = None

    def what(self):
        return "%s as %s: %s %s" % (self.kind, self.me.L if self.me else "nobody", self.method, self.path[:160])


class Worker:
    def __init__(self, world, stats, index, seed, stop, budget):
        self.w = world
        self.stats = stats
        self.i = index
        self.rng = random.Random("%s-%d" % (seed, index))
        self.stop = stop
        self.budget = budget
        self.conn = Conn(harness.HOST, world.ports[index % len(world.ports)], timeout=60)
        self.own = {t.L: [] for t in world.tenants}   # orders this thread created: dicts
        self.tokens = {t.L: None for t in world.tenants}
        self.seq = 0
        self.kinds = [
            (30, self.p_get_ids), (18, self.p_list), (5, self.p_delete_foreign), (5, self.p_status_foreign),
            (5, self.p_create), (8, self.p_own_write), (3, self.p_documents), (1.5, self.p_label_own),
            (1, self.p_manifest), (1, self.p_returns), (10, self.p_web), (3, self.p_import), (1, self.p_export),
            (4, self.p_nobody), (2, self.p_key_and_cookie), (1, self.p_metrics), (1, self.p_ops), (3, self.p_webapp), (3, self.p_webpages),
            (2, self.p_import_job), (2, self.p_import_job_pages),
        ]
        self.total_weight = sum(k for k, _ in self.kinds)

    # -- plumbing

    def auth(self, t, json_body=False):
        h = [("Authorization", "Bearer " + t.key)]
        if json_body:
            h.append(("Content-Type", "application/json"))
        return h

    def send(self, p):
        """Sends a probe, checks what every answer must satisfy; returns the response or None."""
        if not self.budget.take(p.kind):
            raise StopIteration
        body = p.body
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        try:
            r = self.conn.request(p.method, p.path, p.headers, body, retry=p.method in ("GET", "PUT"))
        except HTTPError as e:
            self.stats.note(False, "%s: no answer (%s)" % (p.what(), e))
            self.conn.close()
            return None
        p.r = r
        st = r.status
        if st >= 500 and not (st == 501 and p.kind in NOT_BUILT_OK):
            self.stats.note(False, "%s: %s" % (p.what(), r.short()))
        elif p.statuses is not None and st not in p.statuses:
            self.stats.note(False, "%s: status %d, want %s: %s" % (p.what(), st, sorted(p.statuses), r.short()))
        cc = r.header("cache-control") or ""
        if "no-store" not in cc:
            self.stats.note(False, "%s: Cache-Control is %r, not no-store" % (p.what(), cc))
        self.scan(p, r.body)
        ct = (r.header("content-type") or "").lower()
        if ct.startswith("application/pdf"):
            self.scan(p, pdf_text(r.body))
        return r

    def scan(self, p, body):
        if b"CANARY-T" not in body:
            return
        for e in p.echoes:
            body = body.replace(e, b"")
        found = set(CANARY_RE.findall(body))
        mine = p.allow
        if found - mine:
            i = min(body.find(b"CANARY-T" + x + b"-") for x in found - mine)
            self.stats.note(True, "%s: the answer holds data of tenant(s) %s: ...%s..." % (
                p.what(), sorted(x.decode() for x in found - mine),
                body[max(0, i - 150):i + 150].decode("utf-8", "replace")))

    def json_of(self, p):
        try:
            return json.loads(p.r.body)
        except ValueError:
            self.stats.note(False, "%s: the answer is not JSON: %s" % (p.what(), p.r.short()))
            return None

    def check_orders(self, p, orders, full):
        """Every order in an answer is the caller's, and unchanging ones read as first seen."""
        t = p.me
        if not isinstance(orders, list):
            self.stats.note(False, "%s: orders is not a list: %s" % (p.what(), p.r.short()))
            return set()
        ids = set()
        for o in orders:
            oid = o.get("orderIdentifier")
            ref = o.get("orderReference")
            od = o.get("orderDate") or ""
            mine_ref = (ref is not None and (ref.startswith("CANARY-T%s-" % t.L) or t.shared.get(ref) == oid))
            if not od.startswith(t.month_prefix) or not mine_ref:
                self.stats.note(True, "%s: order %r (reference %r, orderDate %r) is not this tenant's"
                                % (p.what(), oid, ref, od))
                continue
            ids.add(oid)
            snap = (t.full if full else t.info).get(oid)
            if snap is not None and o != snap:
                self.stats.note(False, "%s: order %d reads differently from its first reading:\n  now  %s\n  then %s"
                                % (p.what(), oid, json.dumps(o)[:600], json.dumps(snap)[:600]))
        return ids

    def pick_tenant(self):
        return self.rng.choice(self.w.tenants)

    def other_tenant(self, t):
        while True:
            o = self.rng.choice(self.w.tenants)
            if o is not t:
                return o

    # -- the loop

    def run(self):
        try:
            while not self.stop.is_set():
                x = self.rng.random() * self.total_weight
                for weight, fn in self.kinds:
                    x -= weight
                    if x < 0:
                        break
                fn(self.pick_tenant())
        except StopIteration:
            pass
        finally:
            self.conn.close()

    # -- probes: reads by identifier list

    def id_items(self, t, n):
        """n random items: (item, required id or None, echo or None)."""
        rng = self.rng
        out = []
        for _ in range(n):
            x = rng.random()
            if x < 0.25:
                i = rng.randint(1001, t.max_id)
                out.append((i, i, None))
            elif x < 0.45:
                i = rng.randint(1001, self.w.max_id + 30)
                out.append((i, i if i in t.frozen else None, None))
            elif x < 0.70:
                ref = rng.choice(t.foreign_refs)
                out.append((ref, None, ref.encode()))
            elif x < 0.80:
                ref = rng.choice(SHARED_REFS)
                out.append((ref, t.shared[ref], None))
            elif x < 0.90:
                ref = rng.choice(t.unique_refs)
                out.append((ref, t.ref_ids[ref], None))
            else:
                own = self.own[t.L]
                if own:
                    o = rng.choice(own)
                    out.append((o["ref"] if rng.random() < 0.5 else o["id"], None, None))
                else:
                    out.append(("NO-SUCH-REF-%d" % rng.randint(0, 999), None, None))
        return out

    def p_get_ids(self, t):
        rng = self.rng
        n = rng.choice([1, 1, 1, 2, 3, 5, 8, 13, 30, 100])
        items = self.id_items(t, n)
        bad = rng.random() < 0.04
        keys = [x[0] for x in items]
        if bad:
            junk = rng.choice(["0", "-1", "abc", '"open', "2147483648", "1001;;1002", "%FF", '""'])
            keys = keys[:99] + [None]
            path_items = [quote_item(k) for k in keys[:-1]] + [junk]
            if rng.random() < 0.3:
                path_items = [quote_item(rng.randint(1001, t.max_id))] * 101
            path_list = ";".join(path_items)
        else:
            path_list = ";".join(quote_item(k) for k in keys)
        full = rng.random() < 0.5
        required = {x[1] for x in items if x[1] is not None}
        path = API + "/orders/" + path_list + ("/full" if full else "")
        statuses = {400} if bad else ({200} if required else {200, 404})
        p = Probe("get_ids", t, "GET", path, self.auth(t), echoes=[x[2] for x in items if x[2]], statuses=statuses)
        r = self.send(p)
        if r is None or r.status != 200 or bad:
            return
        arr = self.json_of(p)
        if arr is None:
            return
        got = self.check_orders(p, arr, full)
        missing = required - got
        if missing:
            self.stats.note(False, "%s: own orders %s missing from the answer" % (p.what(), sorted(missing)[:10]))

    # -- probes: pages

    def p_list(self, t):
        rng = self.rng
        full = rng.random() < 0.35
        path = API + "/orders" + ("/full" if full else "")
        q = {}
        size = 25
        if rng.random() < 0.8:
            size = rng.choice([1, 2, 3, 5, 7, 10, 25, 50, 100])
            q["pageSize"] = str(size)
        filters = {}
        x = rng.random()
        now = time.time()
        if x < 0.15:
            filters = {"startDateTime": iso(self.w.setup_start - 3600), "endDateTime": iso(now + 3600)}
        elif x < 0.22:
            filters = {"startDateTime": iso(now + 86400)}
        elif x < 0.30:
            a = rng.uniform(self.w.setup_start - 1, self.w.setup_end + 1)
            filters = {"startDateTime": iso(a), "endDateTime": iso(a + rng.uniform(0, 2))}
        elif x < 0.32:
            filters = {"startDateTime": iso(now), "endDateTime": iso(now - 3600)}  # reversed: 400
        statuses = {400} if x >= 0.30 and x < 0.32 else {200}
        echoes = []
        tok = self.tokens[t.L]
        y = rng.random()
        prev_last = None
        if tok and y < 0.45:
            filters = dict(tok["filters"])
            q["continuationToken"] = tok["token"]
            prev_last = tok["last"]
            path = API + "/orders" + ("/full" if tok["full"] else "")
            full = tok["full"]
            statuses = {200}
        elif y < 0.55:
            pool = self.w.token_pool[self.other_tenant(t).L]
            if pool:
                q["continuationToken"] = rng.choice(pool)
                statuses = {400}
        elif tok and y < 0.58:
            other = {"startDateTime": iso(self.w.setup_start - rng.randint(1, 10000))}
            if other != tok["filters"]:
                filters = other
                q["continuationToken"] = tok["token"]
                statuses = {400}
        elif y < 0.60:
            q["continuationToken"] = rng.choice(["garbage", "A" * 98, "", "%00", "x" * 200])
            statuses = {400}
        q.update(filters)
        query = "&".join("%s=%s" % (k, urllib.parse.quote(v, safe="") if k != "continuationToken" or v != "%00"
                                    else v) for k, v in q.items())
        p = Probe("list", t, "GET", path + ("?" + query if query else ""), self.auth(t), echoes=echoes,
                  statuses=statuses)
        r = self.send(p)
        if r is None or r.status != 200 or statuses != {200}:
            if statuses == {200} and tok and "continuationToken" in q:
                self.tokens[t.L] = None
            return
        j = self.json_of(p)
        if not isinstance(j, dict):
            return
        orders = j.get("orders")
        got = self.check_orders(p, orders, full)
        ids = [o.get("orderIdentifier") for o in orders or []]
        if ids != sorted(ids) or len(ids) > size or len(set(ids)) != len(ids):
            self.stats.note(False, "%s: page of %d not in strict identifier order: %s" % (p.what(), size, ids[:20]))
        if prev_last is not None and ids and ids[0] <= prev_last:
            self.stats.note(False, "%s: the next page starts at %d, after %d" % (p.what(), ids[0], prev_last))
        del got
        token = j.get("continuationToken")
        if token and ids:
            self.tokens[t.L] = {"token": token, "filters": filters, "full": full, "last": ids[-1]}
            pool = self.w.token_pool[t.L]
            if len(pool) < 64:
                pool.append(token)
            else:
                pool[rng.randrange(64)] = token
        else:
            self.tokens[t.L] = None

    # -- probes: writes aimed at other tenants

    def p_delete_foreign(self, t):
        rng = self.rng
        refs = rng.sample(t.foreign_refs, rng.randint(1, 5))
        items = list(refs)
        if rng.random() < 0.5:
            items.append(rng.randint(2147480000, 2147483647))  # an identifier nobody has
        rng.shuffle(items)
        p = Probe("delete_foreign", t, "DELETE", ids_path(items), self.auth(t), echoes=[x.encode() for x in refs],
                  statuses={200, 404})
        r = self.send(p)
        if r is None or r.status != 200:
            return
        j = self.json_of(p)
        if not isinstance(j, dict) or j.get("deletedOrders") != []:
            self.stats.note(True, "%s: deleted another tenant's orders: %s" % (p.what(), r.short()))
        for e in (j or {}).get("errors") or []:
            if e.get("code") != "OrderNotFound":
                self.stats.note(False, "%s: error %r" % (p.what(), e))

    def p_status_foreign(self, t):
        rng = self.rng
        refs = rng.sample(t.foreign_refs, rng.randint(1, 6))
        items = []
        for ref in refs:
            st = rng.choice(["new", "despatched", "despatchedByOtherCourier"])
            it = {"orderReference": ref, "status": st}
            if st == "despatchedByOtherCourier" and rng.random() < 0.5:
                it.update(trackingNumber=canary(t.L, "TRK", 0), despatchDate="2026-11-29T10:00:00Z",
                          shippingCarrier=canary(t.L, "CARRIER", 0), shippingService="Next day")
            items.append(it)
        if rng.random() < 0.3:
            items.append({"orderIdentifier": rng.randint(2147480000, 2147483647), "status": "despatched"})
        p = Probe("status_foreign", t, "PUT", API + "/orders/status", self.auth(t, True), body={"items": items},
                  echoes=[x.encode() for x in refs], statuses={200})
        r = self.send(p)
        if r is None or r.status != 200:
            return
        j = self.json_of(p)
        if not isinstance(j, dict) or j.get("updatedOrders") != []:
            self.stats.note(True, "%s: updated another tenant's orders: %s" % (p.what(), r.short()))
        errs = (j or {}).get("errors") or []
        if len(errs) != len(items) or any(e.get("code") != "OrderNotFound" for e in errs):
            self.stats.note(False, "%s: want %d OrderNotFound errors: %s" % (p.what(), len(items), r.short()))

    # -- probes: the caller's own writes, read back

    def p_create(self, t):
        rng = self.rng
        n = rng.randint(1, 4)
        items, mine = [], []
        for _ in range(n):
            self.seq += 1
            j = (self.i + 1) * 1000000 + self.seq
            ref = canary(t.L, "N", j)
            o = order_for(t.L, t.month, j, ref)
            if rng.random() < 0.3:  # postage at once: a label can be printed
                o["postageDetails"]["serviceCode"] = rng.choice(["OLP1", "OLP2", "TOLP24", "TOLP48"])
            items.append(o)
            mine.append((ref, j, "new" if "serviceCode" not in o["postageDetails"] else None))
        bad = rng.random() < 0.15
        if bad:
            b = order_for(t.L, t.month, 0, canary(t.L, "BAD", 0))
            del b["recipient"]["address"]["city"]
            items.insert(rng.randint(0, len(items)), b)
        p = Probe("create", t, "POST", API + "/orders", self.auth(t, True), body={"items": items}, statuses={200})
        r = self.send(p)
        if r is None or r.status != 200:
            return
        j = self.json_of(p)
        if not isinstance(j, dict):
            return
        created = j.get("createdOrders") or []
        if j.get("successCount") != n or len(created) != n or j.get("errorsCount") != (1 if bad else 0):
            self.stats.note(False, "%s: want %d created: %s" % (p.what(), n, r.short()))
            return
        self.check_orders(p, created, False)
        for (ref, jj, st), c in zip(mine, created):
            if c.get("orderReference") != ref:
                self.stats.note(False, "%s: created %r for %r" % (p.what(), c.get("orderReference"), ref))
                continue
            self.own[t.L].append({"id": c["orderIdentifier"], "ref": ref, "j": jj, "status": st,
                                  "tracking": None})
        if len(self.own[t.L]) > OWN_MAX:
            self.prune(t)

    def prune(self, t):
        """Deletes the thread's oldest orders of tenant t in one request, so the data stays about the
        same size however long the run (a manifested order cannot be deleted: it is let go)."""
        own = self.own[t.L]
        old, self.own[t.L] = own[:OWN_MAX // 2], own[OWN_MAX // 2:]
        ids = [o["id"] for o in old]
        p = Probe("own_prune", t, "DELETE", ids_path(ids), self.auth(t), statuses={200})
        r = self.send(p)
        if r is None or r.status != 200:
            return
        j = self.json_of(p) or {}
        deleted = [d.get("orderIdentifier") for d in j.get("deletedOrders") or []]
        kept = [e.get("orderIdentifier") for e in j.get("errors") or [] if e.get("code") == "OrderCannotBeDeleted"]
        if sorted(deleted + kept) != sorted(ids):
            self.stats.note(False, "%s: want each of %s deleted or refused as manifested: %s" % (
                p.what(), ids, r.short()))

    def p_own_write(self, t):
        rng = self.rng
        own = self.own[t.L]
        if not own:
            return self.p_create(t)
        o = rng.choice(own)
        x = rng.random()
        if x < 0.08:
            p = Probe("own_delete", t, "DELETE", ids_path([o["id"]]), self.auth(t), statuses={200})
            r = self.send(p)
            if r is None or r.status != 200:
                return
            j = self.json_of(p) or {}
            d = j.get("deletedOrders") or []
            errs = j.get("errors") or []
            if not d and len(errs) == 1 and errs[0].get("code") == "OrderCannotBeDeleted" and \
                    self.adopt(p, o, "manifested"):
                return
            if [e.get("orderIdentifier") for e in d] != [o["id"]]:
                self.stats.note(False, "%s: want order %d deleted: %s" % (p.what(), o["id"], r.short()))
            own.remove(o)
            p = Probe("own_delete", t, "GET", ids_path([o["id"]], "/full"), self.auth(t), statuses={404})
            self.send(p)
            return
        if x < 0.65:
            st = rng.choice(["new", "despatched", "despatchedByOtherCourier"])
            it = {"status": st}
            if rng.random() < 0.5:
                it["orderIdentifier"] = o["id"]
            else:
                it["orderReference"] = o["ref"]
            tracking = None
            if st == "despatchedByOtherCourier" and rng.random() < 0.7:
                self.seq += 1
                tracking = canary(t.L, "TRK", self.seq)
                it.update(trackingNumber=tracking, despatchDate="2026-11-29T10:00:00Z",
                          shippingCarrier=canary(t.L, "CARRIER", self.seq), shippingService=canary(t.L, "SVC", 1))
            p = Probe("own_status", t, "PUT", API + "/orders/status", self.auth(t, True), body={"items": [it]},
                      statuses={200})
            r = self.send(p)
            if r is None or r.status != 200:
                return
            j = self.json_of(p) or {}
            up = j.get("updatedOrders") or []
            errs = j.get("errors") or []
            if up:
                if [(u.get("orderIdentifier"), u.get("orderReference")) for u in up] != [(o["id"], o["ref"])]:
                    self.stats.note(True, "%s: updated %s, want only order %d" % (p.what(), up, o["id"]))
                    return
                o["status"] = st
                if st == "despatchedByOtherCourier":
                    o["tracking"] = tracking
            elif len(errs) == 1 and errs[0].get("code") == "InvalidStatusTransition":
                if not self.adopt(p, o, errs[0].get("status")):
                    return
            elif len(errs) == 1 and errs[0].get("code") == "Conflict" and \
                    (o["status"] is None or o["status"] in MANIFESTABLE):
                # another thread's manifest took the order between the read and the
                # compare-and-set (seen once in a million probes): its status is now unknown
                o["status"] = None
            else:
                self.stats.note(False, "%s: neither updated nor refused: %s" % (p.what(), r.short()))
                return
        # read it back
        p = Probe("own_read", t, "GET", ids_path([o["ref"] if rng.random() < 0.5 else o["id"]], "/full"),
                  self.auth(t), statuses={200})
        r = self.send(p)
        if r is None or r.status != 200:
            return
        arr = self.json_of(p)
        if not isinstance(arr, list) or len(arr) != 1:
            self.stats.note(False, "%s: want exactly one order: %s" % (p.what(), r.short()))
            return
        self.check_orders(p, arr, True)
        got = arr[0]
        want_name = canary(t.L, "FIRST", o["j"])
        si = got.get("shippingInfo") or {}
        if got.get("orderStatus") != o["status"] and not self.adopt(p, o, got.get("orderStatus")):
            return
        if got.get("orderIdentifier") != o["id"] or si.get("firstName") != want_name or \
                got.get("orderStatus") != o["status"]:
            self.stats.note(False, "%s: read back %s, want order %d of %s with status %s" % (
                p.what(), json.dumps(got)[:400], o["id"], want_name, o["status"]))
        tracking = (got.get("shippingDetails") or {}).get("trackingNumber")
        if o["status"] == "despatchedByOtherCourier" and o["tracking"] and tracking != o["tracking"]:
            self.stats.note(False, "%s: shippingDetails.trackingNumber %r, want %r" % (p.what(), tracking,
                                                                                      o["tracking"]))

    def adopt(self, p, o, status):
        """Takes the server's word for an own order's status where the model allows it:
        after a label (status unknown) or when a manifest took it. False on a
        status the order cannot have reached."""
        if o["status"] is None or status == o["status"] or \
                (status == "manifested" and o["status"] in MANIFESTABLE):
            o["status"] = status
            return True
        self.stats.note(False, "%s: order %d has status %r, want %r" % (p.what(), o["id"], status, o["status"]))
        return False

    # -- probes: documents (PDF), manifests, carriers and returns

    def check_pdf_answer(self, p, r):
        ct = (r.header("content-type") or "").lower()
        if r.status == 200 and not ct.startswith("application/pdf"):
            self.stats.note(False, "%s: a 200 answer of type %r, want application/pdf" % (p.what(), ct))
        elif r.status == 200 and not r.body.startswith(b"%PDF-"):
            self.stats.note(False, "%s: the PDF does not start with %%PDF-" % p.what())

    def p_documents(self, t):
        """Despatch notes and customs forms read the caller's orders (own and
        other tenants' identifiers mixed); postage labels for other tenants'
        orders only (a label of an own order changes it)."""
        rng = self.rng
        if rng.random() < 0.6:
            items = self.id_items(t, rng.randint(1, 6))
            kind = rng.choice(["despatchNote", "despatchNote", "CN22", "CN23"])
            path = ids_path([x[0] for x in items], "/label?documentType=%s" % kind)
            statuses = {200, 400, 404}
        else:
            refs = rng.sample(t.foreign_refs, rng.randint(1, 4))
            items = [(x, None, x.encode()) for x in refs]
            if rng.random() < 0.3:
                items.append((rng.randint(2147480000, 2147483647), None, None))
            path = ids_path([x[0] for x in items], "/label?documentType=postageLabel&includeReturnsLabel=%s"
                            % rng.choice(["true", "false"]))
            statuses = {404}
        p = Probe("documents", t, "GET", path, self.auth(t), echoes=[x[2] for x in items if x[2]],
                  statuses=statuses | {501})
        r = self.send(p)
        if r is not None:
            self.check_pdf_answer(p, r)

    def p_label_own(self, t):
        """Postage labels for orders this thread created (with foreign references mixed in):
        the PDF holds the caller's recipients only; the orders' statuses are read back later."""
        rng = self.rng
        own = [o for o in self.own[t.L] if o["status"] != "new"]
        if not own:
            return self.p_create(t)
        chosen = rng.sample(own, min(len(own), rng.randint(1, 3)))
        keys = [o["id"] if rng.random() < 0.5 else o["ref"] for o in chosen]
        refs = rng.sample(t.foreign_refs, rng.randint(0, 2))
        items = keys + refs
        rng.shuffle(items)
        p = Probe("label_own", t, "GET", ids_path(items, "/label?documentType=postageLabel&includeReturnsLabel=%s"
                                                  % rng.choice(["true", "false"])),
                  self.auth(t), echoes=[x.encode() for x in refs], statuses={200, 400, 501})
        r = self.send(p)
        if r is None:
            return
        self.check_pdf_answer(p, r)
        if r.status == 200:
            for o in chosen:
                o["status"] = None  # labelGenerated, unless a manifest took it since: read back later

    def p_manifest(self, t):
        rng = self.rng
        x = rng.random()
        pool = self.w.manifests
        if x < 0.15:  # rare: a manifest takes orders for good (they can never be deleted again)
            p = Probe("manifest", t, "POST", API + "/manifests", self.auth(t, True),
                      body=rng.choice(['{"carrierName": "Royal Mail OBA"}', "{}"]), statuses={201, 400, 501})
        else:
            V = t if rng.random() < 0.3 else self.other_tenant(t)
            n = rng.choice(pool[V.L]) if pool[V.L] else rng.randint(1, 50)
            if x < 0.85:
                p = Probe("manifest", t, "GET", API + "/manifests/%d" % n, self.auth(t), statuses={200, 404, 501})
            else:
                p = Probe("manifest", t, "POST", API + "/manifests/retry/%d" % n, self.auth(t),
                          statuses={201, 404, 501})
        r = self.send(p)
        if r is None or r.status not in (200, 201):
            return
        j = self.json_of(p)
        if not isinstance(j, dict) or not isinstance(j.get("manifestNumber"), int):
            self.stats.note(False, "%s: no manifestNumber: %s" % (p.what(), r.short()))
            return
        if p.method == "POST" and p.path.endswith("/manifests"):
            pool[t.L].append(j["manifestNumber"])
        try:
            pdf = base64.b64decode(j.get("documentPdf") or "", validate=True)
        except ValueError:
            self.stats.note(False, "%s: documentPdf is not base64" % p.what())
            return
        if not pdf.startswith(b"%PDF-"):
            self.stats.note(False, "%s: documentPdf is not a PDF" % p.what())
        self.scan(p, pdf_text(pdf))

    def return_body(self, t, ref):
        """A CreateReturnRequest whose personal fields carry tenant t's canary."""
        j = self.seq = self.seq + 1
        addr = lambda f: {"firstName": canary(t.L, f + "FIRST", j), "lastName": canary(t.L, f + "LAST", j),  # noqa
                          "addressLine1": canary(t.L, f + "ADDR1", j), "city": canary(t.L, f + "CITY", j),
                          "postcode": "CANARY-T%s-RPC" % t.L, "country": "United Kingdom", "countryIsoCode": "GBR"}
        return {"service": {"serviceCode": self.rng.choice(["TSN", "TSS"])},
                "shipment": {"shippingAddress": addr("RS"), "returnAddress": addr("RR"),
                             "customerReference": {"reference": str(ref)}}}

    def p_returns(self, t):
        """Carriers (only the caller's couriers), return services, and returns whose
        customer reference is an own or another tenant's identifier or reference: the
        label (PDF text) holds the caller's data only and names an order only when the
        reference is the caller's."""
        rng = self.rng
        x = rng.random()
        if x < 0.3:
            p = Probe("returns", t, "GET", API + "/carriers", self.auth(t), statuses={200})
            r = self.send(p)
            j = self.json_of(p) if r is not None and r.status == 200 else None
            for c in j if isinstance(j, list) else []:
                name = c.get("carrierName") if isinstance(c, dict) else None
                if name != "Royal Mail" and not (name or "").startswith("CANARY-T%s-CARRIER-" % t.L):
                    self.stats.note(True, "%s: carrier %r is not this tenant's" % (p.what(), name))
            return
        if x < 0.4:
            self.send(Probe("returns", t, "GET", API + "/returns/services", self.auth(t), statuses={200}))
            return
        item, required, echo = self.id_items(t, 1)[0]
        p = Probe("returns", t, "POST", API + "/returns", self.auth(t, True), body=self.return_body(t, item),
                  echoes=[echo] if echo else [], statuses={200})
        r = self.send(p)
        j = self.json_of(p) if r is not None and r.status == 200 else None
        if not isinstance(j, dict):
            return
        try:
            pdf = base64.b64decode(j.get("label") or "", validate=True)
        except ValueError:
            self.stats.note(False, "%s: label is not base64" % p.what())
            return
        text = pdf_text(pdf)
        self.scan(p, text)
        if PDFTOTEXT and required is not None and b"for order %d" % required not in text:
            self.stats.note(False, "%s: the label does not name own order %d" % (p.what(), required))
        if PDFTOTEXT and echo and b"for order" in text:
            self.stats.note(True, "%s: a return naming another tenant's reference names an order" % p.what())

    # -- probes: the web, with sessions swapped on one keep-alive connection

    def p_web(self, t):
        rng = self.rng
        V = t  # the tenant whose session cookie is sent
        W = self.other_tenant(V)
        x = rng.random()
        if x < 0.45:
            p = Probe("web_home", V, "GET", "/", [("Cookie", "%s=%s" % (SESSION_COOKIE, V.cookie))], statuses={200})
            r = self.send(p)
            if r is not None and r.status == 200 and V.name.encode() not in r.body:
                self.stats.note(False, "%s: the home page does not name the signed-in tenant" % p.what())
        elif x < 0.60:
            # an API key of another tenant beside the cookie: the page is the cookie's
            p = Probe("web_home", V, "GET", "/", [("Cookie", "theme=dark; %s=%s; lang=en" % (SESSION_COOKIE, V.cookie)),
                                                  ("Authorization", "Bearer " + W.key)], statuses={200})
            r = self.send(p)
            if r is not None and r.status == 200 and V.name.encode() not in r.body:
                self.stats.note(False, "%s: the home page does not name the cookie's tenant" % p.what())
        elif x < 0.72:
            p = Probe("web_login", None, "GET", "/login", [("Cookie", "%s=%s" % (SESSION_COOKIE, V.cookie))],
                      statuses={200})
            self.send(p)
        elif x < 0.82:
            # two session cookies in one header open neither account
            p = Probe("web_two_cookies", None, "GET", "/", [("Cookie", "%s=%s; %s=%s" % (
                SESSION_COOKIE, V.cookie, SESSION_COOKIE, W.cookie))], statuses={303})
            self.send(p)
        elif x < 0.90:
            # the signed-in pages beside the home page: the breach notices (a
            # business's own part of a blast radius) and the data-problem form;
            # neither names the business, so send() scanning for the others'
            # canaries is the check
            path = rng.choice(["/notices", "/report-problem", "/report-problem?page=%2Fexport"])
            p = Probe("web_pages", V, "GET", path, [("Cookie", "%s=%s" % (SESSION_COOKIE, V.cookie))],
                      statuses={200})
            self.send(p)
        else:
            bad = rng.choice([V.cookie[:-1], V.cookie + "A", V.cookie[::-1], "A" * 43, "",
                              V.cookie[:20] + "%00" + V.cookie[23:]])
            name = rng.choice([SESSION_COOKIE, "postroom_session", "__Host-postroom_sessionx", "__host-postroom_session"])
            p = Probe("web_bad_cookie", None, "GET", "/", [("Cookie", "%s=%s" % (name, bad if name != SESSION_COOKIE
                                                                                  or bad != V.cookie else ""))],
                      statuses={302, 303, 401})
            self.send(p)

    def p_webapp(self, t):
        """The web app's orders list (tabs, a search for one of its own references) and its
        bulk actions posted with the other tenant's order numbers, those this tenant has
        none of: nothing is acted on, every one is skipped."""
        rng = self.rng
        V, W = t, self.other_tenant(t)
        cookie = ("Cookie", "%s=%s" % (SESSION_COOKIE, V.cookie))
        if rng.random() < 0.5:
            q = [("status", rng.choice(["new", "postageApplied", "labelGenerated", "despatched", "onHold"]))]
            if V.ref_ids and rng.random() < 0.7:
                q.append(("q", rng.choice(sorted(V.ref_ids))))
            if rng.random() < 0.3:
                q.append(("sort", rng.choice(["oldest", "reference", "name"])))
            p = Probe("webapp_list", V, "GET", "/orders?" + urllib.parse.urlencode(q), [cookie], statuses={200})
            self.send(p)
            return
        mine = set(V.ref_ids.values()) | {o.get("orderIdentifier") for o in self.own[V.L]}
        theirs = sorted(set(W.ref_ids.values()) - mine) or [rng.randint(2147480000, 2147483647)]
        ids = rng.sample(theirs, min(len(theirs), rng.randint(1, 5)))
        # other threads create orders meanwhile, so a number may be this tenant's by now: a
        # PDF of its own order is fine (send() scans it for the other's canaries); no order of
        # this tenant is ever on hold, so a release acts on none
        action, want = rng.choice([("labels", {200, 400}), ("despatch-notes", {200, 400}), ("release", {303})])
        body = urllib.parse.urlencode([("csrf", V.csrf)] + [("id", str(i)) for i in ids]).encode()
        p = Probe("webapp_bulk", V, "POST", "/orders/bulk/" + action,
                  [cookie, ("Content-Type", "application/x-www-form-urlencoded")], body=body, statuses=want)
        r = self.send(p)
        if r is not None and r.status == 303:
            loc = r.header("Location") or ""
            if "&n=0&" not in loc + "&" or "skipped=%d" % len(ids) not in loc:
                self.stats.note(True, "%s: acted on another tenant's order numbers: %s" % (p.what(), loc))

    # -- probes: the web app's other pages (issue 11), signed in as V (an
    # administrator). GETs only: the frozen orders must stay as they are. A
    # business's order, rule, sender and manifest numbers count from 1 (or
    # 1001) in each business, so another business's number is V's own or a
    # 404 page; send() scanning every answer, PDFs included, for the others'
    # canaries is the check.

    WEB_PAGES = ("/", "/manifests", "/rules", "/rules/new", "/settings", "/settings/users",
                 "/settings/keys", "/settings/labels", "/settings/senders", "/account", "/orders/new",
                 "/import/mappings")

    # every form the web app posts to ({} an order, rule or sender number)
    WEB_POSTS = ("/manifests", "/manifests/daily", "/account/password", "/account/totp/setup",
                 "/account/totp/enable", "/account/totp/disable", "/orders/new", "/orders/{}/edit",
                 "/settings/senders", "/settings/senders/{}/edit", "/settings/senders/{}/default",
                 "/settings/senders/{}/remove", "/settings/users", "/settings/users/role",
                 "/settings/users/remove", "/settings/keys", "/settings/keys/revoke",
                 "/settings/labels", "/rules/new", "/rules/{}/edit", "/rules/{}/delete", "/rules/{}/up",
                 "/rules/{}/down", "/rules/{}/enable", "/rules/{}/disable", "/orders/bulk/postage",
                 "/orders/bulk/labels", "/orders/bulk/despatch-notes", "/orders/bulk/despatched",
                 "/orders/bulk/hold", "/orders/bulk/release", "/orders/bulk/cancel",
                 "/orders/bulk/delete", "/import/mapping", "/import/mappings/{}/rename",
                 "/import/mappings/{}/delete")

    def p_web_nobody(self, V):
        """Nobody (no cookie, a forged or reversed one, or only V's API key) at
        a page or a form of the web app: a GET is sent to /login, a POST is
        refused, and nothing is changed or shown."""
        rng = self.rng
        hdr = rng.choice([[], [("Cookie", "%s=%s" % (SESSION_COOKIE, V.cookie[::-1]))],
                          [("Authorization", "Bearer " + V.key)], [("X-Tenant-Id", V.id)],
                          [("Cookie", "%s=%s" % (SESSION_COOKIE, "A" * 43))]])
        n = rng.choice(sorted(V.frozen))
        if rng.random() < 0.5:
            path = rng.choice(self.WEB_PAGES + ("/orders", "/orders/%d" % n, "/orders/%d/edit" % n,
                                                "/orders/%d/label.pdf" % n, "/manifests/1.pdf",
                                                "/import/jobs/%d" % (n % 7 + 1), "/import/jobs/%d/status" % (n % 7 + 1)))
            self.send(Probe("web_nobody", None, "GET", path, hdr + [("Accept", "text/html")],
                            statuses={303}))
        else:
            path = rng.choice(self.WEB_POSTS).replace("{}", str(rng.randint(1, 30)))
            body = "csrf=%s&id=%d&id=%d&tenant=%s" % (V.csrf, n, n + 1, V.id)
            self.send(Probe("web_nobody", None, "POST", path,
                            hdr + [("Content-Type", "application/x-www-form-urlencoded")], body,
                            statuses={403}))

    def p_webpages(self, t):
        rng = self.rng
        V = t
        W = self.other_tenant(V)
        cookie = [("Cookie", "%s=%s" % (SESSION_COOKIE, V.cookie)), ("Accept", "text/html")]
        x = rng.random()
        if x < 0.2:
            self.p_web_nobody(V)
        elif x < 0.45:
            self.send(Probe("web_app_pages", V, "GET", rng.choice(self.WEB_PAGES), cookie, statuses={200}))
        elif x < 0.85:
            n = rng.choice([rng.choice(sorted(V.frozen)), W.max_id, V.max_id + rng.randint(1, 60),
                            rng.randint(1, 1000), rng.choice(sorted(W.frozen))])
            suffix = rng.choice(["", "/edit", "/despatch-note.pdf"])
            self.send(Probe("web_order_pages", V, "GET", "/orders/%d%s" % (n, suffix), cookie,
                            statuses={200, 404, 409}))
        else:
            n = rng.randint(1, 40)
            path = rng.choice(["/manifests/%d.pdf" % n, "/rules/%d/edit" % n, "/settings/senders/%d/edit" % n,
                               "/import/mappings/%d" % n])
            if rng.random() < 0.3:
                self.p_mappings_foreign(V, W)
                return
            r = self.send(Probe("web_numbered", V, "GET", path, cookie, statuses={200, 404}))
            # a mapping number is V's own (its page) or none of V's (404), whoever else has it
            if r is not None and path.startswith("/import/mappings/"):
                want = 200 if n in V.mappings else 404
                if r.status != want:
                    self.stats.note(r.status == 200, "GET %s as tenant %s: %d, want %d" % (path, V.L, r.status, want))

    def p_mappings_foreign(self, V, W):
        """V's own forms with a column mapping number V does not have (another
        tenant's, or none's): a rename, a delete, or an upload read through it.
        Each is the same 404 as an unknown number, and nothing changes."""
        rng = self.rng
        theirs = sorted(set(W.mappings) - set(V.mappings)) or [len(V.mappings) + rng.randint(1, 30)]
        n = rng.choice(theirs + [rng.randint(len(V.mappings) + 1, 1000)])
        cookie = ("Cookie", "%s=%s" % (SESSION_COOKIE, V.cookie))
        what = rng.choice(["rename", "delete", "import"])
        if what == "import":
            boundary = "isolation%016x" % rng.getrandbits(64)
            data, _ = self.import_csv(V, 1)
            body = ("--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
                    "--%s\r\nContent-Disposition: form-data; name=\"mapping\"\r\n\r\n%d\r\n"
                    "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.csv\"\r\n"
                    "Content-Type: text/csv\r\n\r\n" % (boundary, V.csrf, boundary, n, boundary)).encode() \
                + data + ("\r\n--%s--\r\n" % boundary).encode()
            p = Probe("web_mapping_foreign", V, "POST", "/import",
                      [cookie, ("Accept", "text/html"),
                       ("Content-Type", "multipart/form-data; boundary=" + boundary)], body=body, statuses={404})
        else:
            body = urllib.parse.urlencode({"csrf": V.csrf, "name": canary(V.L, "MAPPING", "taken")}).encode()
            p = Probe("web_mapping_foreign", V, "POST", "/import/mappings/%d/%s" % (n, what),
                      [cookie, ("Accept", "text/html"), ("Content-Type", "application/x-www-form-urlencoded")],
                      body=body, statuses={404})
        self.send(p)

    # -- probes: spreadsheet import through the web page

    def import_csv(self, t, n, bad=False, old_ref=None):
        """A Click & Drop spreadsheet of n orders whose every personal cell carries t's canary
        (plus, with old_ref, a last row with the reference of an order t already has)."""
        head = ("First Name,Last Name,Company,Address Line 1,Address Line 2,City,County,Postcode,Country,Phone,"
                "Email,Order reference,Special instructions,Order date,Weight,Package size,Product name,SKU,"
                "Quantity,Unit price\r\n")
        rows, refs = [], []
        for k in range(n):
            self.seq += 1
            j = (self.i + 1) * 1000000 + self.seq
            c = lambda f: canary(t.L, f, j)  # noqa: E731
            ref = canary(t.L, "IMP", j)
            if old_ref and k == n - 1:
                ref = old_ref
            else:
                refs.append(ref)
            city = "" if bad and k == n - 1 else c("CITY")
            rows.append(",".join([c("FIRST"), c("LAST"), c("COMPANY"), c("ADDR1"), c("ADDR2"), city, c("COUNTY"),
                                  "CANARY-T%s-PC" % t.L, "GB", "CANARY-T%s-PH-%d" % (t.L, j % 10 ** 9),
                                  "CANARY-T%s-EMAIL-%d@example.com" % (t.L, j), ref, c("INSTRUCTIONS"),
                                  "%02d/%02d/2026" % (1 + j % 28, t.month), "0.%03d" % (100 + j % 800),
                                  "small parcel", c("PRODUCT"), c("SKU"), "1", "1.50"]) + "\r\n")
        data = (head + "".join(rows)).encode()
        # Every upload of V's is as long as k mod 16 (a blank line pads it):
        # web imports run as jobs too, so p_import_job tells V's own job of a
        # number from another business's by its bytesTotal, whatever door it
        # came through.
        data += b"\r\n" + b" " * ((t.k - len(data) - 2) % 16)
        return data, refs

    def p_import(self, t):
        rng = self.rng
        V, W = t, self.other_tenant(t)
        boundary = "isolation%016x" % rng.getrandbits(64)
        x = rng.random()
        n = rng.randint(1, 3)
        # skip_existing with a reference the tenant already has: that row must be skipped,
        # naming the tenant's own order
        old_ref = rng.choice(V.unique_refs) if x < 0.60 and rng.random() < 0.4 else None
        data, refs = self.import_csv(V, n + (1 if old_ref else 0), bad=0.75 <= x, old_ref=old_ref)
        csrf = W.csrf if 0.60 <= x < 0.75 else V.csrf
        skip = ("--%s\r\nContent-Disposition: form-data; name=\"skip_existing\"\r\n\r\n1\r\n" % boundary
                if old_ref or rng.random() < 0.3 else "")
        body = (skip + "--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
                "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"orders.csv\"\r\n"
                "Content-Type: text/csv\r\n\r\n" % (boundary, csrf, boundary)).encode()
        body += data + ("\r\n--%s--\r\n" % boundary).encode()
        want = {200} if x < 0.60 else {403} if x < 0.75 else {422}
        p = Probe("import", V, "POST", "/import", [("Cookie", "%s=%s" % (SESSION_COOKIE, V.cookie)),
                                                   ("Content-Type", "multipart/form-data; boundary=" + boundary)],
                  body=body, statuses=want)
        r = self.send(p)
        if r is None or r.status != 200:
            return
        if old_ref:
            skipped = re.findall(rb"<tr><td>\d+</td><td>([^<]*)</td><td>(\d+)</td></tr>", r.body)
            if skipped != [(old_ref.encode(), str(V.ref_ids[old_ref]).encode())]:
                self.stats.note(False, "%s: want %s (order %d) skipped, the page skips %s" % (
                    p.what(), old_ref, V.ref_ids[old_ref], skipped))
        rows = re.findall(rb'<tr><td>\d+</td><td>(?:<a href="/orders/\d+">)?(\d+)(?:</a>)?</td><td>([^<]*)</td><td>', r.body)
        if sorted(ref.decode() for _, ref in rows) != sorted(refs):
            self.stats.note(False, "%s: the result page lists %s, want %s" % (p.what(), rows, refs))
            return
        # the imported orders are the caller's, found by reference, then deleted so data stays bounded
        ids = [int(i) for i, _ in rows]
        q = Probe("import_read", V, "GET", ids_path(refs), self.auth(V), statuses={200})
        rr = self.send(q)
        if rr is not None and rr.status == 200:
            got = self.check_orders(q, self.json_of(q), False)
            if got != set(ids):
                self.stats.note(False, "%s: imported %s, read back %s" % (q.what(), ids, sorted(got)))
        d = Probe("import_delete", V, "DELETE", ids_path(ids), self.auth(V), statuses={200})
        self.send(d)

    # -- probes: import jobs (POST and GET /api/postroom/imports, issue 13)

    def p_import_job(self, t):
        """V uploads a file as a background job; its status names no personal data at
        all, a job id of another business is V's own job of that number or a 404 (job
        ids count per business), one never issued is a 404, and the orders the job made
        are V's own. Every file V uploads is as long as k mod 16 (k: V's index, padded
        with a blank line), so a status with another bytesTotal is another business's."""
        rng = self.rng
        V, W = t, self.other_tenant(t)
        theirs = self.w.import_jobs[W.L]
        if theirs and rng.random() < 0.5:
            jid = rng.choice(theirs)
            p = Probe("import_job_foreign", V, "GET", "/api/postroom/imports/%d" % jid, self.auth(V),
                      statuses={200, 404}, allow=set())
            r = self.send(p)
            if r is not None and r.status == 404 and b"No such import job" not in r.body:
                self.stats.note(False, "%s: a foreign job's 404 differs from an unknown one's: %s"
                                % (p.what(), r.short()))
            if r is not None and r.status == 200:
                j = self.json_of(p)
                if j and (j.get("jobId") != jid or j.get("bytesTotal", -1) % 16 != V.k % 16):
                    self.stats.note(True, "%s: the answer is another business's job: %s" % (p.what(), r.short()))
            return
        if rng.random() < 0.05:
            # a column mapping is the web's (format "mapping:N" of a web job): the API takes
            # none, V's own number or another business's alike, and makes no job
            n = rng.choice(sorted(W.mappings) or [1])
            data, _ = self.import_csv(V, 1)
            p = Probe("import_job_mapping", V, "POST", "/api/postroom/imports?format=mapping%%3A%d" % n,
                      self.auth(V) + [("Content-Type", "text/csv")], body=data, statuses={400}, allow=set())
            self.send(p)
            return
        if rng.random() < 0.1:
            p = Probe("import_job_unknown", V, "GET", "/api/postroom/imports/%d" % rng.randint(10 ** 6, 10 ** 7),
                      self.auth(V), statuses={404}, allow=set())
            self.send(p)
            return
        data, refs = self.import_csv(V, rng.randint(1, 3))
        data += b"\r\n" + b" " * ((V.k - len(data) - 2) % 16)  # a blank line: len(data) = k mod 16
        p = Probe("import_job", V, "POST", "/api/postroom/imports", self.auth(V) + [("Content-Type", "text/csv")],
                  body=data, statuses={202}, allow=set())
        r = self.send(p)
        if r is None or r.status != 202:
            return
        j = self.json_of(p)
        if not j:
            return
        jid = j["jobId"]
        self.w.import_jobs[V.L].append(jid)
        status = None
        for _ in range(100):
            q = Probe("import_job_status", V, "GET", "/api/postroom/imports/%d" % jid, self.auth(V),
                      statuses={200}, allow=set())
            rr = self.send(q)
            if rr is None or rr.status != 200:
                return
            status = self.json_of(q)
            if status and status.get("bytesTotal", -1) % 16 != V.k % 16:
                self.stats.note(True, "%s: the answer is another business's job: %s" % (q.what(), rr.short()))
                return
            if not status or status["state"] in ("done", "failed"):
                break
            time.sleep(0.05)
        if not status or status["state"] != "done":
            return  # still running: its orders are read by a later probe's lists, if at all
        if status["ordersCreated"] != len(refs):
            self.stats.note(False, "%s: job %d made %s orders, want %d" % (p.what(), jid, status["ordersCreated"],
                                                                          len(refs)))
            return
        q = Probe("import_job_read", V, "GET", ids_path(refs), self.auth(V), statuses={200})
        rr = self.send(q)
        if rr is None or rr.status != 200:
            return
        got = self.check_orders(q, self.json_of(q), False)
        first = status["result"]["firstOrderIdentifier"]
        if got != set(range(first, first + len(refs))):
            self.stats.note(False, "%s: job %d made %s, read back %s" % (q.what(), jid, first, sorted(got)))
        if got:
            self.send(Probe("import_job_delete", V, "DELETE", ids_path(sorted(got)), self.auth(V), statuses={200}))

    def p_import_job_pages(self, t):
        """GET /import/jobs/{n} and /import/jobs/{n}/status, signed in as V, for a
        number of another business's job, of V's own, or of none. Jobs count per
        business whatever door they came in by (web uploads take numbers too, and
        the fuzzer does not track those), so whether n is V's is V's own API's
        word: GET /api/postroom/imports/{n} with V's key, itself held to V's
        bytesTotal by p_import_job, asked before and after the page. A page for a
        number V's API did not have even after it is another business's job; a
        404 for one it had before lost V's own. For a job that had ended before
        the page was asked, the page's counters must be the API's. A number is
        read written one way only (util/id_parse): leading zeros and a plus sign
        name no job at all, not even V's own."""
        rng = self.rng
        V, W = t, self.other_tenant(t)
        pool = self.w.import_jobs[W.L] + self.w.import_jobs[V.L]
        n = rng.choice(pool) if pool and rng.random() < 0.8 else rng.randint(1, 40)
        spelled = rng.choice(["%d", "%d", "%d", "0%d", "+%d", "00%d"]) % n
        status_page = rng.random() < 0.5
        path = "/import/jobs/%s%s" % (spelled, "/status" if status_page else "")
        api = "/api/postroom/imports/%d" % n
        a1 = self.send(Probe("import_job_own", V, "GET", api, self.auth(V), statuses={200, 404}, allow=set()))
        # a failed job's page is its problems, 422 (web/import.c job_failed)
        p = Probe("web_import_job", V, "GET", path,
                  [("Cookie", "%s=%s" % (SESSION_COOKIE, V.cookie)), ("Accept", "text/html")],
                  statuses={200, 404} if status_page else {200, 404, 422},
                  allow=set() if status_page else None)
        r = self.send(p)
        a2 = self.send(Probe("import_job_own", V, "GET", api, self.auth(V), statuses={200, 404}, allow=set()))
        if a1 is None or r is None or a2 is None:
            return
        if r.status not in (200, 404, 422):
            return  # send() has noted it
        found = r.status != 404
        if spelled != str(n):
            if found:
                self.stats.note(False, "%s: a page for %r, which is no number as the server "
                                       "writes them: %s" % (p.what(), spelled, r.short()))
            return
        if found and a2.status != 200:
            self.stats.note(True, "%s: a page for job %d, which tenant %s does not have: %s"
                            % (p.what(), n, V.L, r.short()))
            return
        if not found and a1.status == 200:
            self.stats.note(False, "%s: 404 for tenant %s's own job %d" % (p.what(), V.L, n))
            return
        if not found or a1.status != 200:
            return
        try:
            job = json.loads(a1.body)
        except ValueError:
            return
        if job.get("state") not in ("done", "failed"):
            return  # still moving: only its existence is compared
        if status_page:
            s = self.json_of(p)
            want = {k: job.get(k) for k in ("state", "rowsRead", "ordersStaged", "problemCount")}
            got = {k: s.get(k) for k in want} if isinstance(s, dict) else s
            if got != want:
                self.stats.note(True, "%s: the status is not tenant %s's job %d: %s, its API says %s"
                                % (p.what(), V.L, n, got, want))
            return
        if (r.status == 200) != (job["state"] == "done"):
            self.stats.note(True, "%s: HTTP %d for tenant %s's job %d, which is %s" % (
                p.what(), r.status, V.L, n, job["state"]))
            return
        m = re.search(rb"(\d+) orders? imported from", r.body)
        if r.status == 200 and (not m or int(m.group(1)) != job.get("ordersCreated")):
            self.stats.note(True, "%s: the page is not tenant %s's job %d (%s orders created): %s" % (
                p.what(), V.L, n, job.get("ordersCreated"), r.short()))

    # -- probes: the orders export (CSV) through the web session

    def p_export(self, t):
        rng = self.rng
        V, W = t, self.other_tenant(t)
        query = rng.choice(["", "", "?from=2026-01-01", "?to=2000-01-01", "?from=%s" % time.strftime(
            "%Y-%m-%d", time.gmtime())])
        hdr = [("Cookie", "%s=%s" % (SESSION_COOKIE, V.cookie))]
        if rng.random() < 0.3:
            hdr.append(("Authorization", "Bearer " + W.key))  # the cookie decides, never the key
        p = Probe("export", V, "GET", "/export.csv" + query, hdr, statuses={200})
        r = self.send(p)
        if r is None or r.status != 200:
            return
        try:
            rows = list(csv.DictReader(io.StringIO(r.body.decode("utf-8").lstrip("\ufeff"), newline="")))
        except (UnicodeDecodeError, csv.Error) as e:
            self.stats.note(False, "%s: the export does not read as CSV: %r" % (p.what(), e))
            return
        ids = set()
        for row in rows:
            ref, num = row.get("Order reference") or "", row.get("Order number") or ""
            mine = ref.startswith("CANARY-T%s-" % V.L) or (ref in SHARED_REFS and str(V.shared.get(ref)) == num)
            if not mine:
                self.stats.note(True, "%s: the export holds order %s (reference %r), not this tenant's"
                                % (p.what(), num, ref))
            ids.add(int(num) if num.isdigit() else None)
        if query == "" and not set(V.frozen) <= ids:
            self.stats.note(False, "%s: the export lacks orders %s" % (p.what(), sorted(set(V.frozen) - ids)[:10]))

    # -- probes: as nobody, and with mixed credentials

    def p_nobody(self, t):
        rng = self.rng
        items = self.id_items(t, rng.randint(1, 5))
        path = rng.choice([ids_path([x[0] for x in items], rng.choice(["", "/full"])),
                           API + "/orders/full?pageSize=100", API + "/orders", API + "/carriers",
                           API + "/returns/services"])
        hdr = rng.choice([[], [("Authorization", "Bearer " + "x" * 36)], [("Authorization", "Bearer " + t.key[:35])],
                          [("Authorization", "Bearer " + t.key.swapcase())], [("Authorization", t.id)],
                          [("X-Tenant-Id", t.id)], [("Cookie", "%s=%s" % (SESSION_COOKIE, t.cookie))],
                          [("Authorization", "Basic " + t.key)]])
        p = Probe("nobody", None, "GET", path, hdr, echoes=[x[2] for x in items if x[2]], statuses={401})
        self.send(p)

    def p_key_and_cookie(self, t):
        V = self.other_tenant(t)
        p = Probe("key_and_cookie", t, "GET", API + "/orders/full?pageSize=%d" % self.rng.choice([3, 20]),
                  self.auth(t) + [("Cookie", "%s=%s" % (SESSION_COOKIE, V.cookie))], statuses={200})
        r = self.send(p)
        if r is not None and r.status == 200:
            j = self.json_of(p)
            if isinstance(j, dict):
                self.check_orders(p, j.get("orders"), True)

    def p_ops(self, t):
        # the operators' realm: a business's session cookie, its API key, both,
        # or nothing opens no /ops/ route; a GET goes to the operators'
        # sign-in with an empty body, a form post gets 401, and no answer
        # holds any business's data (send() scans for every tenant's canaries)
        rng = self.rng
        V = self.other_tenant(t)
        method, path = rng.choice([
            ("GET", "/ops/"), ("GET", "/ops/breaches"), ("GET", "/ops/breaches/1"),
            ("GET", "/ops/breaches/1/draft"), ("GET", "/ops/blast-radius?from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z"),
            ("POST", "/ops/killswitch/on"), ("POST", "/ops/killswitch/off"), ("POST", "/ops/logout"),
            ("POST", "/ops/reports/1/handled"), ("POST", "/ops/breaches/1/note"), ("POST", "/ops/apikeys/revoke"),
            ("POST", "/ops/breaches/1/decide"), ("POST", "/ops/breaches/1/close")])
        hdr = rng.choice([[], [("Cookie", "%s=%s" % (SESSION_COOKIE, t.cookie))], self.auth(t),
                          self.auth(t) + [("Cookie", "%s=%s" % (SESSION_COOKIE, V.cookie))],
                          [("Cookie", "postroom_ops=%s" % t.cookie)]])
        body = None
        if method == "POST":
            hdr = hdr + [("Content-Type", "application/x-www-form-urlencoded")]
            body = "tenant=%s&reason=probe&csrf=x" % V.id
        p = Probe("ops", None, method, path, hdr, body=body, statuses={303} if method == "GET" else {401})
        r = self.send(p)
        if r is not None and method == "GET" and r.status == 303:
            if r.header("location") != "/ops/login" or r.body:
                self.stats.note(False, "%s: not an empty redirect to /ops/login" % p.what())

    def p_metrics(self, t):
        p = Probe("metrics", None, "GET", "/metrics", [], statuses={200})
        r = self.send(p)
        if r is not None:
            for o in self.w.tenants:
                if o.key.encode() in r.body or o.cookie.encode() in r.body:
                    self.stats.note(True, "GET /metrics holds a credential of tenant %s" % o.L)


class Budget:
    """Counts probes; take() is False once the probe budget is spent."""

    def __init__(self, limit, stats):
        self.limit = limit
        self.stats = stats

    def take(self, kind):
        with self.stats.lock:
            if self.limit and self.stats.probes >= self.limit:
                return False
            self.stats.probes += 1
            self.stats.by_kind[kind] = self.stats.by_kind.get(kind, 0) + 1
            return True


# --------------------------------------------------------------------------- the run


def final_checks(world, stats):
    """Unchanging orders unchanged; the egress wall never fired."""
    conn = Conn(harness.HOST, world.port)
    try:
        for t in world.tenants:
            ids = sorted(t.frozen)
            for suffix, snap in (("", t.info), ("/full", t.full)):
                got = {}
                for i in range(0, len(ids), 100):
                    r = conn.request("GET", ids_path(ids[i:i + 100], suffix), [("Authorization", "Bearer " + t.key)])
                    if r.status != 200:
                        stats.note(False, "final read of tenant %s: %s" % (t.L, r.short()))
                        continue
                    for o in json.loads(r.body):
                        got[o["orderIdentifier"]] = o
                if got != snap:
                    changed = sorted(i for i in set(got) | set(snap) if got.get(i) != snap.get(i))
                    stats.note(True, "tenant %s's orders %s changed during the run (another tenant wrote to them?)"
                               % (t.L, changed[:20]))
        for t in world.tenants:
            # the column mappings: each tenant's list names exactly its own, as made
            r = conn.request("GET", "/import/mappings", [("Cookie", "%s=%s" % (SESSION_COOKIE, t.cookie))])
            got = set(re.findall(rb'<a href="/import/mappings/(\d+)">([^<]*)</a>', r.body))
            want = {(str(n).encode(), name.encode()) for n, name in t.mappings.items()}
            if r.status != 200 or got != want:
                stats.note(True, "tenant %s's column mappings changed during the run: %s, want %s"
                           % (t.L, sorted(got)[:5], sorted(want)[:5]))
        events = []
        for port in world.ports:
            with_conn = Conn(harness.HOST, port)
            try:
                r = with_conn.request("GET", "/metrics")
            finally:
                with_conn.close()
            events += [line for line in r.body.decode("utf-8", "replace").splitlines()
                       if line.startswith("postroom_security_events_total") and float(line.split()[-1]) != 0]
        if events:
            stats.note(True, "the egress check withheld answers (the store returned another tenant's rows): %s"
                       % events)
    finally:
        conn.close()


def check_server_log(world, stats):
    """The request log holds no personal data and no credential."""
    secrets = [re.escape(t.key.encode()) for t in world.tenants] + \
              [re.escape(c.encode()) for c in world.session_tokens] + [rb"CANARY-T"]
    pat = re.compile(b"|".join(secrets))
    lines = 0
    for srv in world.servers:
        with open(srv.stderr_path, "rb") as f:
            for line in f:
                lines += 1
                m = pat.search(line)
                if m:
                    stats.note(True, "the server log holds personal data or a credential: %s" % line[:300])
                    break
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binary", nargs="?", default=os.environ.get("POSTROOM_BIN"))
    ap.add_argument("--seconds", type=float, default=20.0, help="time budget (0 = none)")
    ap.add_argument("--probes", type=int, default=0, help="probe budget (0 = none)")
    ap.add_argument("--seed", default=os.environ.get("ISOLATION_SEED", "1"))
    ap.add_argument("--threads", type=int, default=32)
    ap.add_argument("--tenants", type=int, default=8)
    ap.add_argument("--servers", type=int, default=1,
                    help="server processes on one database, the workers spread over them")
    ap.add_argument("--progress", type=float, default=0, help="print progress every N seconds")
    ap.add_argument("--pg", default=os.environ.get("POSTROOM_TEST_PG"),
                    help="a PostgreSQL cluster (scripts/pg.sh start DIR) to run on instead of SQLite")
    a = ap.parse_args()
    if a.pg:
        harness.PG_CLUSTER = os.path.abspath(a.pg)
    if not a.binary:
        ap.error("give the postroom binary (or set POSTROOM_BIN)")
    if not a.seconds and not a.probes:
        ap.error("give --seconds or --probes")
    if not 2 <= a.tenants <= 12:
        ap.error("--tenants is 2 to 12 (one month of 2026 each)")
    t0 = time.time()
    try:
        run(a, t0)
    finally:
        for srv in SERVERS:  # on any early exit: never leave a server behind
            if srv.alive():
                srv.proc.kill()
                srv.proc.wait()


SERVERS = []


def run(a, t0):
    world = World(a.binary, a.tenants, a.servers)
    nfrozen = sum(len(t.frozen) for t in world.tenants)
    print("isolation: seed %s, %d tenants (%d orders), %d connections to %d server%s, budget %s%s%s" % (
        a.seed, a.tenants, nfrozen, a.threads, a.servers, "" if a.servers == 1 else "s", "%gs" % a.seconds if a.seconds else "",
        " and " if a.seconds and a.probes else "", "%d probes" % a.probes if a.probes else ""), flush=True)
    stats = Stats()
    budget = Budget(a.probes, stats)
    stop = threading.Event()
    workers = [Worker(world, stats, i, a.seed, stop, budget) for i in range(a.threads)]
    threads = [threading.Thread(target=w.run, daemon=True) for w in workers]
    start = time.time()
    for th in threads:
        th.start()
    last = start
    estimated = False
    while any(th.is_alive() for th in threads):
        time.sleep(0.2)
        now = time.time()
        if a.seconds and now - start >= a.seconds:
            stop.set()
        if a.probes and not estimated and now - start >= 10 and stats.probes:
            rate = stats.probes / (now - start)
            print("isolation: %.0f probes/s; %d probes will take about %.0f s" % (
                rate, a.probes, a.probes / rate), flush=True)
            estimated = True
        if a.progress and now - last >= a.progress:
            last = now
            print("isolation: %d probes, %d leaks, %d failures after %.0f s" % (
                stats.probes, stats.leaks, stats.failures, now - start), flush=True)
        dead = [srv for srv in world.servers if not srv.alive()]
        if dead:
            stop.set()
            stats.note(False, "a server died: %s" % dead[0].stderr_text()[-2000:])
            break
    for th in threads:
        th.join(120)
    elapsed = time.time() - start
    if all(srv.alive() for srv in world.servers):
        final_checks(world, stats)
    problems = []
    for srv in reversed(world.servers):
        problems += srv.stop()
    for pr in problems:
        stats.note(False, pr)
    lines = check_server_log(world, stats)
    print("isolation: %d probes in %.1f s (%.0f/s) from %d threads as %d tenants; %d log lines checked; "
          "setup %.1f s" % (stats.probes, elapsed, stats.probes / elapsed if elapsed else 0, a.threads, a.tenants,
                             lines, start - t0))
    print("isolation: by kind: " + ", ".join("%s %d" % kv for kv in sorted(stats.by_kind.items())))
    for m in stats.messages:
        print("  " + m)
    if stats.failures:
        print("isolation: %d failed checks (see above)" % stats.failures)
    print("isolation: %d probes, %d leaks" % (stats.probes, stats.leaks), flush=True)
    if not (stats.leaks or stats.failures or problems):
        for srv in world.servers:
            shutil.rmtree(srv.dir, ignore_errors=True)
    else:
        print("isolation: server files kept in %s (seed %s)" % (world.server.dir, a.seed))
    sys.exit(1 if stats.leaks or stats.failures else 0)


if __name__ == "__main__":
    main()

"""tests/e2e/harness.py: runs a real postroom server for the end-to-end tests.

Debian's /usr/bin/python3 with its standard library, python3-yaml and
python3-jsonschema. Every answer from /api/v1 is checked against the spec
(spec_schema.py, docs/clickanddrop-openapi.yaml) as it arrives: a body that
does not match fails the test that received it. A test file does:

    import harness
    SERVER = None
    def setUpModule():
        global SERVER
        SERVER = harness.Server.start_new()
    def tearDownModule():
        SERVER.stop_and_check()
    ...
    if __name__ == "__main__":
        harness.main()

The binary comes from the first command-line argument or $POSTROOM_BIN.
Every server gets its own temporary directory and database; its stderr (one
JSON log line per request) is captured to a file and checked when it stops:
it must exit cleanly on SIGTERM and never print a sanitizer report.
"""

import http.client
import json
import os
import re
import select
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse
from collections import namedtuple
from decimal import Decimal

import spec_schema

HOST = "127.0.0.1"
KEY_RE = re.compile(r"^[A-Za-z0-9]{36}$")
SANITIZER_MARKERS = ("AddressSanitizer", "LeakSanitizer", "runtime error", "UndefinedBehaviorSanitizer",
                     "ThreadSanitizer")


# PostgreSQL (issue 12): with $POSTROOM_TEST_PG naming a cluster started by
# scripts/pg.sh (CTest's e2e_pg_* tests start one), every server gets a
# fresh database of its own in it instead of a SQLite file, and
# $POSTROOM_STATE_DIR (its temporary directory) for the files a SQLite
# database keeps beside it.
PG_CLUSTER = os.environ.get("POSTROOM_TEST_PG") or None
if os.environ.get("POSTROOM_TEST_PGBOUNCER"):
    # pgbouncer 1.18 does not carry a session's prepared statements from one
    # transaction to the next: every server (and CLI) started from here is
    # told so, and sends its statements unnamed
    os.environ["POSTROOM_PG_POOLING"] = "transaction"
SOURCE_DIR = os.environ.get("POSTROOM_SOURCE_DIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PGSH = os.path.join(SOURCE_DIR, "scripts", "pg.sh")


def pg_database(prefix="e2e"):
    """A new database in the test cluster: (app URL for --db, superuser URL)."""
    name = "%s_%d_%s" % (prefix, os.getpid(), os.urandom(4).hex())
    out = subprocess.run([PGSH, "db", PG_CLUSTER, name], capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError("scripts/pg.sh db failed: %s" % out.stderr)
    env = dict(re.findall(r"^(\w+)='([^']*)'$", out.stdout, re.M))
    q = "host=%s&port=%s" % (env["POSTROOM_PG_SOCKET"], env["POSTROOM_PG_PORT"])
    if os.environ.get("POSTROOM_TEST_PGBOUNCER"):
        # the servers through pgbouncer in transaction pooling mode (pg.sh
        # bouncer, started with the cluster); the tests' own reads direct
        b = subprocess.run([PGSH, "bouncer", PG_CLUSTER], capture_output=True, text=True, timeout=60)
        if b.returncode != 0:
            raise RuntimeError("scripts/pg.sh bouncer failed: %s" % b.stderr)
        benv = dict(re.findall(r"^(\w+)='([^']*)'$", b.stdout, re.M))
        q = "host=%s&port=%s" % (benv["POSTROOM_PG_BOUNCER_SOCKET"], benv["POSTROOM_PG_BOUNCER_PORT"])
    return "postgres:///%s?%s" % (name, q), env["POSTROOM_PG_SUPER"]


class _PgConnection:
    """What the tests use of a sqlite3 connection, on PostgreSQL: execute()
    with ? placeholders, commit(), close(), and use as a context manager.
    Connected as the superuser, so the tests read every tenant's rows (as
    they read the SQLite file) whatever the row-level security."""

    def __init__(self, url):
        import psycopg2
        self.c = psycopg2.connect(url)

    def execute(self, sql, params=()):
        cur = self.c.cursor()
        cur.execute(sql.replace("%", "%%").replace("?", "%s"), tuple(params))
        return cur

    def executemany(self, sql, seq):
        cur = self.c.cursor()
        cur.executemany(sql.replace("%", "%%").replace("?", "%s"), [tuple(p) for p in seq])
        return cur

    def commit(self):
        self.c.commit()

    def rollback(self):
        self.c.rollback()

    def close(self):
        self.c.close()

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        if kind is None:
            self.c.commit()
        else:
            self.c.rollback()
        return False


def binary_path():
    """The postroom binary under test (argv[1] is moved to $POSTROOM_BIN by main())."""
    path = os.environ.get("POSTROOM_BIN")
    if not path:
        raise RuntimeError("postroom binary not given: pass it as the first argument or set POSTROOM_BIN")
    path = os.path.abspath(path)
    if not os.access(path, os.X_OK):
        raise RuntimeError("postroom binary %r is not an executable file" % path)
    return path


def main():
    """Entry point of every test file: `python3 test_x.py BIN [unittest args]`."""
    args = sys.argv[1:]
    if args and not args[0].startswith("-"):
        os.environ["POSTROOM_BIN"] = args.pop(0)
    if not os.environ.get("POSTROOM_BIN"):
        sys.stderr.write("usage: %s POSTROOM_BIN [unittest options]\n" % sys.argv[0])
        sys.exit(2)
    unittest.main(argv=[sys.argv[0]] + args, verbosity=int(os.environ.get("E2E_VERBOSITY", "2")))


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((HOST, 0))
    port = s.getsockname()[1]
    s.close()
    return port


# --------------------------------------------------------------------------- responses


class Resp(namedtuple("Resp", "status headers body")):
    """(status, headers, body bytes); headers is an http.client.HTTPMessage (case-insensitive)."""

    __slots__ = ()

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def json_exact(self):
        """JSON with numbers kept exactly as written (Decimal for non-integers)."""
        return json.loads(self.body.decode("utf-8"), parse_float=Decimal)

    def text(self):
        return self.body.decode("utf-8", "replace")

    def header(self, name):
        if self.headers is None:
            return None
        vals = self.headers.get_all(name)
        if not vals:
            return None
        return ", ".join(vals)

    def short(self, n=600):
        b = self.text()
        if len(b) > n:
            b = b[:n] + "...(%d bytes)" % len(self.body)
        return "HTTP %s %s" % (self.status, b)


def _read_response(sock_or_conn, method):
    if isinstance(sock_or_conn, http.client.HTTPConnection):
        r = sock_or_conn.getresponse()
    else:
        r = http.client.HTTPResponse(sock_or_conn, method=method)
        r.begin()
    body = r.read()
    return Resp(r.status, r.msg, body), r


# --------------------------------------------------------------------------- server


class ServerError(AssertionError):
    pass


class Server:
    """One postroom process with its own database in a temporary directory."""

    def __init__(self, binary=None, rate_limit=0, extra_serve_args=(), database=None):
        self.binary = binary or binary_path()
        self.rate_limit = rate_limit
        self.extra_serve_args = list(extra_serve_args)
        self.dir = tempfile.mkdtemp(prefix="postroom-e2e-")
        self.env = dict(os.environ)
        if database is not None:  # sibling(): the same database as another server
            self.db, self.db_super = database.db, database.db_super
            self.env = dict(database.env)
            self.state_base = database.state_base
        elif PG_CLUSTER:
            self.db, self.db_super = pg_database()
            self.env["POSTROOM_STATE_DIR"] = self.dir
            self.state_base = os.path.join(self.dir, "postroom")
        else:
            self.db = os.path.join(self.dir, "postroom.db")
            self.db_super = None
            self.state_base = self.db  # the audit journal and key sit beside the file
        self.stderr_path = os.path.join(self.dir, "server.stderr")
        self.stdout_path = os.path.join(self.dir, "server.stdout")
        self.proc = None
        self.port = None
        self.keys = []  # every API key created, checked against the logs
        self.spec_problems = []  # answers that broke the spec (spec_schema.py)
        self._stderr_f = None
        self._stdout_f = None
        self.start_timeout = float(os.environ.get("E2E_START_TIMEOUT", "10"))

    # -- CLI

    def cli(self, *args, input_text=None, timeout=60):
        cmd = [self.binary, "--db", self.db] + [str(a) for a in args]
        p = subprocess.run(cmd, input=input_text, capture_output=True, text=True, timeout=timeout,
                           env=self.env)
        if p.returncode != 0:
            raise ServerError("command %r failed with %d\nstdout: %s\nstderr: %s"
                              % (cmd, p.returncode, p.stdout, p.stderr))
        for m in SANITIZER_MARKERS:
            if m in p.stderr:
                raise ServerError("command %r reported %s:\n%s" % (cmd, m, p.stderr))
        return p.stdout

    def migrate(self):
        self.cli("migrate")

    def tenant_create(self, name):
        out = self.cli("tenant", "create", name).strip()
        if not out or "\n" in out or " " in out:
            raise ServerError("tenant create should print the id alone, printed %r" % out)
        return out

    def apikey_create(self, tenant_id, label="e2e"):
        out = self.cli("apikey", "create", tenant_id, "--name", label).strip()
        if not KEY_RE.match(out):
            raise ServerError("apikey create should print a 36-char [A-Za-z0-9] key alone, printed %r" % out)
        self.keys.append(out)
        return out

    def user_add(self, tenant_id, email, role, password):
        return self.cli("user", "add", tenant_id, email, "--role", role, input_text=password + "\n").strip()

    def new_tenant(self, name):
        """A tenant and one API key for it: returns a Tenant."""
        tid = self.tenant_create(name)
        key = self.apikey_create(tid, "e2e-" + name)
        return Tenant(self, name, tid, key)

    def sibling(self):
        """Another server process on this one's database (and, on
        PostgreSQL, its state directory), not yet started: several servers
        behind one load balancer. Its logs go to a directory of its own."""
        s = Server(binary=self.binary, rate_limit=self.rate_limit, extra_serve_args=self.extra_serve_args,
                   database=self)
        return s

    # -- process

    @classmethod
    def start_new(cls, **kw):
        s = cls(**kw)
        s.migrate()
        s.start()
        return s

    def start(self):
        last = None
        for _ in range(3):
            self.port = free_port()
            for f in (self._stderr_f, self._stdout_f):
                if f:
                    f.close()
            self._stderr_f = open(self.stderr_path, "ab")
            self._stdout_f = open(self.stdout_path, "ab")
            cmd = [self.binary, "--db", self.db, "serve", "--listen", "%s:%d" % (HOST, self.port),
                   "--rate-limit", str(self.rate_limit)] + self.extra_serve_args
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._stdout_f,
                                         stderr=self._stderr_f, env=self.env)
            deadline = time.monotonic() + self.start_timeout
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    r = self.request("GET", "/healthz", timeout=2)
                    if r.status == 200:
                        return
                    last = r.short()
                except OSError as e:
                    last = repr(e)
                time.sleep(0.05)
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
                raise ServerError("server did not answer GET /healthz 200 within %.0fs (last: %s)\nstderr:\n%s"
                                  % (self.start_timeout, last, self.stderr_text()[-4000:]))
            last = "exited with %s" % self.proc.returncode
            # maybe the port was taken between free_port() and bind: try another one
        raise ServerError("server failed to start: %s\nstderr:\n%s" % (last, self.stderr_text()[-4000:]))

    def db_connect(self, timeout=30):
        """A connection to the server's database that reads every tenant's
        rows (sqlite3's, or _PgConnection's for PostgreSQL)."""
        if self.db_super:
            return _PgConnection(self.db_super)
        return sqlite3.connect(self.db, timeout=timeout)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def check_alive(self):
        if not self.alive():
            raise ServerError("server died (exit %s); stderr tail:\n%s"
                              % (self.proc.returncode if self.proc else None, self.stderr_text()[-4000:]))
        r = self.request("GET", "/healthz", timeout=10)
        if r.status != 200:
            raise ServerError("GET /healthz answered %s" % r.short())

    def stderr_text(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def stop(self):
        """SIGTERM, wait, and return a list of problems (empty when all is well)."""
        problems = []
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                problems.append("server did not exit within 20s of SIGTERM")
                self.proc.kill()
                self.proc.wait()
        if self.proc is not None and self.proc.returncode != 0:
            problems.append("server exited abnormally with status %s" % self.proc.returncode)
        for f in (self._stderr_f, self._stdout_f):
            if f:
                f.close()
        self._stderr_f = self._stdout_f = None
        err = self.stderr_text()
        for m in SANITIZER_MARKERS:
            if m in err:
                i = err.find(m)
                problems.append("server stderr contains %r:\n%s" % (m, err[max(0, i - 200):i + 3000]))
        return problems

    def stop_and_check(self, forbidden_in_logs=()):
        """Stop and raise if the server misbehaved or its logs hold a forbidden string."""
        problems = self.stop()
        if self.spec_problems:
            # each one already failed the request that got it; listed again here in case
            # a thread or an except clause swallowed that
            problems.append("%d answers did not match docs/clickanddrop-openapi.yaml, the first:\n%s"
                            % (len(self.spec_problems), self.spec_problems[0]))
        err = self.stderr_text()
        low = err.lower()
        for s in list(forbidden_in_logs) + self.keys:
            if s and s.lower() in low:
                i = low.find(s.lower())
                problems.append("server log contains forbidden string %r: ...%s..." % (s, err[max(0, i - 200):i + 200]))
        keep = os.environ.get("E2E_KEEP")
        if not problems and not keep:
            shutil.rmtree(self.dir, ignore_errors=True)
        if problems:
            raise ServerError("\n\n".join(problems) + "\n(server files in %s)" % self.dir)

    def log_records(self):
        """The server's stderr as a list of (line, parsed-or-None)."""
        out = []
        for line in self.stderr_text().splitlines():
            if not line.strip():
                continue
            try:
                out.append((line, json.loads(line)))
            except ValueError:
                out.append((line, None))
        return out

    # -- HTTP

    def check_spec(self, method, path, resp, raw=False):
        """Every /api/v1 answer must match the spec (tests/e2e/spec_schema.py): raises
        SpecError in the test that received a body that does not. method None: hand-made
        bytes without a request line, whose JSON error must still be an ErrorResponse."""
        if resp is None:
            return
        spec = spec_schema.spec()
        seen = os.environ.get("E2E_SPEC_SEEN")  # a file to append "METHOD TEMPLATE STATUS" lines to
        if seen and method:
            tpl = spec.match(method, path)[0]
            with open(seen, "a") as f:
                f.write("%s %s %s\n" % (method, tpl or path.split("?")[0][:60], resp.status))
        try:
            if method is None:
                spec.check_error(resp.status, resp.header("Content-Type"), resp.body)
            else:
                spec.check(method, path, resp.status, resp.header("Content-Type"), resp.body, raw=raw)
        except spec_schema.SpecError as e:
            self.spec_problems.append(str(e))
            raise

    def request(self, method, path, headers=None, body=None, key=None, timeout=30, conn=None):
        """One HTTP request; returns Resp and never raises on 4xx/5xx.

        body: dict/list (sent as JSON), str or bytes (sent as is), or None.
        key: sent as `Authorization: Bearer KEY`. path is sent exactly as given.
        conn: an open http.client.HTTPConnection to reuse (keep-alive).
        """
        hdrs = {}
        if key is not None:
            hdrs["Authorization"] = "Bearer " + key
        data = None
        if body is not None:
            if isinstance(body, (dict, list)):
                data = json.dumps(body).encode("utf-8")
                hdrs["Content-Type"] = "application/json"
            elif isinstance(body, str):
                data = body.encode("utf-8")
                hdrs["Content-Type"] = "application/json"
            else:
                data = body
                hdrs["Content-Type"] = "application/json"
        if headers:
            for k, v in headers.items():
                if v is None:
                    hdrs.pop(k, None)
                else:
                    hdrs[k] = v
        own = conn is None
        c = conn or http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            c.putrequest(method, path, skip_accept_encoding=True)
            for k, v in hdrs.items():
                c.putheader(k, v)
            if data is not None or method in ("POST", "PUT", "PATCH"):
                c.putheader("Content-Length", str(len(data or b"")))
            try:
                c.endheaders(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server may answer (413...) before reading everything
            resp, r = _read_response(c, method)
            if own or r.will_close:
                c.close()
        except Exception:
            c.close()
            raise
        self.check_spec(method, path, resp)
        return resp

    def raw(self, data, method="GET", timeout=30):
        """Send raw bytes on a fresh connection and read one response (or None if closed)."""
        s = socket.create_connection((HOST, self.port), timeout=timeout)
        try:
            try:
                s.sendall(data)
            except (BrokenPipeError, ConnectionResetError):
                pass
            try:
                resp, _ = _read_response(s, method)
            except (http.client.RemoteDisconnected, ConnectionResetError, http.client.BadStatusLine):
                return None
        finally:
            s.close()
        self._check_raw(data, resp)
        return resp

    def _check_raw(self, data, resp):
        """Hand-made bytes: checked as the request line says, when there is one."""
        method, path = spec_schema.request_line(data) or (None, None)
        self.check_spec(method, path, resp, raw=True)

    def check_exchange(self, data, responses):
        """Answers read off one hand-made connection, [(status, {lower-case header: value}, body)]:
        the i-th is checked as the i-th request line in data says."""
        lines = spec_schema.request_lines(data)
        for i, (status, headers, body) in enumerate(responses):
            method, path = lines[min(i, len(lines) - 1)] if lines else (None, None)
            msg = http.client.HTTPMessage()
            for k, v in headers.items():
                msg[k] = v
            self.check_spec(method, path, Resp(status, msg, body), raw=True)

    def upload(self, head, body_chunks, timeout=60):
        """Send a request head then body chunks, stopping as soon as the server answers.

        For bodies the server should refuse (413) before reading them whole.
        Returns Resp, or None when the connection closed without an answer.
        """
        s = socket.create_connection((HOST, self.port), timeout=timeout)
        try:
            s.sendall(head)
            for chunk in body_chunks:
                r, _, _ = select.select([s], [], [], 0)
                if r:
                    break
                try:
                    s.sendall(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    break
                except socket.timeout:
                    break
            try:
                resp, _ = _read_response(s, "POST")
            except (http.client.RemoteDisconnected, ConnectionResetError, http.client.BadStatusLine):
                return None
        finally:
            s.close()
        self._check_raw(head, resp)
        return resp


class Tenant:
    """A tenant, its API key, and shortcuts for requests made with that key."""

    def __init__(self, server, name, tid, key):
        self.server = server
        self.name = name
        self.id = tid
        self.key = key

    def __repr__(self):
        return "Tenant(%s, id=%s)" % (self.name, self.id)

    def req(self, method, path, body=None, headers=None, **kw):
        return self.server.request(method, path, headers=headers, body=body, key=self.key, **kw)

    def get(self, path, **kw):
        return self.req("GET", path, **kw)

    def create_orders(self, items):
        """POST /orders; asserts every item was created; returns createdOrders."""
        out = []
        for i in range(0, len(items), 100):
            r = self.req("POST", "/api/v1/orders", body={"items": items[i:i + 100]})
            if r.status != 200:
                raise AssertionError("POST /api/v1/orders: %s" % r.short())
            j = r.json()
            if j.get("errorsCount") or len(j.get("createdOrders") or []) != len(items[i:i + 100]):
                raise AssertionError("POST /api/v1/orders did not create every order: %s" % r.short(2000))
            out.extend(j["createdOrders"])
        return out

    def all_pages(self, path="/api/v1/orders", page_size=100, query=None, max_pages=10000):
        """Walk GET /orders[/full] with continuationToken; returns (orders, responses)."""
        orders, resps, token = [], [], None
        base = dict(query or {})
        base["pageSize"] = str(page_size)
        for _ in range(max_pages):
            q = dict(base)
            if token is not None:
                q["continuationToken"] = token
            r = self.get(path + "?" + urllib.parse.urlencode(q))
            resps.append(r)
            if r.status != 200:
                raise AssertionError("GET %s: %s" % (path, r.short()))
            j = r.json()
            orders.extend(j.get("orders") or [])
            token = j.get("continuationToken")
            if not token:
                return orders, resps
        raise AssertionError("GET %s: more than %d pages" % (path, max_pages))

    def snapshot(self):
        """Every order with details, canonical: for 'nothing changed' checks."""
        orders, _ = self.all_pages("/api/v1/orders/full", 100)
        return sorted(json.dumps(o, sort_keys=True) for o in orders)


class WebUser:
    """A user of one tenant signed in through the web form: session cookie and CSRF token."""

    def __init__(self, server, tenant, email, password, role="standard"):
        self.server = server
        server.user_add(tenant.id, email, role, password)
        r = server.request("POST", "/login", headers={"Content-Type": "application/x-www-form-urlencoded"},
                           body=urllib.parse.urlencode({"email": email, "password": password}).encode())
        if r.status != 303:
            raise AssertionError("signing in as %s: %s" % (email, r.short()))
        self.cookie = re.match(r"(__Host-postroom_session=[^;]+)", r.header("Set-Cookie")).group(1)
        page = self.get("/")
        m = re.search(r'name="csrf" value="([^"]+)"', page.text())
        if page.status != 200 or not m:
            raise AssertionError("the home page of %s has no CSRF token: %s" % (email, page.short()))
        self.csrf = m.group(1)

    def get(self, path, **kw):
        return self.server.request("GET", path, headers={"Cookie": self.cookie}, **kw)

    def post_multipart(self, path, body, boundary):
        return self.server.request("POST", path, body=body, headers={
            "Cookie": self.cookie, "Content-Type": "multipart/form-data; boundary=" + boundary})


def multipart(fields, files, boundary):
    """A multipart/form-data body: fields {name: text}, files {name: (filename, bytes, type)}."""
    out = b""
    for name, value in fields.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n" % (boundary, name)).encode()
        out += value.encode() + b"\r\n"
    for name, (filename, data, ctype) in files.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                "Content-Type: %s\r\n\r\n" % (boundary, name, filename, ctype)).encode()
        out += data + b"\r\n"
    return out + ("--%s--\r\n" % boundary).encode()


# --------------------------------------------------------------------------- helpers


def quote_ref(ref):
    """An order reference as an {orderIdentifiers} item: double quotes, percent-encoded."""
    return '"' + urllib.parse.quote(ref, safe="") + '"'


def ids_path(items, suffix=""):
    """/api/v1/orders/{items joined by ;}[suffix]; ints stay ints, strings become quoted refs."""
    parts = [str(x) if isinstance(x, int) else quote_ref(x) for x in items]
    return "/api/v1/orders/" + ";".join(parts) + suffix


def order(ref="REF-1", **over):
    """A valid CreateOrderRequest; keyword arguments replace top-level fields."""
    o = {
        "orderReference": ref,
        "recipient": {
            "address": {
                "fullName": "Ada Lovelace",
                "companyName": "Analytical Engines Ltd",
                "addressLine1": "12 St James's Square",
                "addressLine2": "Flat 2",
                "addressLine3": "Westminster",
                "city": "London",
                "county": "Greater London",
                "postcode": "SW1Y 4JH",
                "countryCode": "GB",
            },
            "phoneNumber": "07700900123",
            "emailAddress": "ada@example.com",
        },
        "billing": {
            "address": {
                "fullName": "Charles Babbage",
                "companyName": "Difference Engines plc",
                "addressLine1": "1 Dorset Street",
                "city": "London",
                "postcode": "W1U 4EG",
                "countryCode": "GB",
            },
            "phoneNumber": "07700900456",
            "emailAddress": "charles@example.com",
        },
        "packages": [{
            "weightInGrams": 500,
            "packageFormatIdentifier": "smallParcel",
            "dimensions": {"heightInMms": 100, "widthInMms": 200, "depthInMms": 50},
            "contents": [{"name": "Brass gear", "SKU": "GEAR-01", "quantity": 2, "unitValue": 5.49,
                          "unitWeightInGrams": 200}],
        }],
        "orderDate": "2026-11-29T10:00:00Z",
        "subtotal": 10.99,
        "shippingCostCharged": 2.5,
        "total": 13.49,
        "currencyCode": "GBP",
        "specialInstructions": "Leave with the porter",
        "tags": [{"key": "channel", "value": "shop"}],
    }
    o.update(over)
    return o


def is_json_error(resp):
    """True when the body is JSON in one of the spec's error shapes."""
    try:
        j = resp.json()
    except ValueError:
        return False
    if isinstance(j, dict):
        return isinstance(j.get("message"), str) or isinstance(j.get("errors"), list)
    if isinstance(j, list):
        return len(j) > 0 and all(isinstance(e, dict) and ("message" in e or "code" in e) for e in j)
    return False


def content_type_is_json(resp):
    ct = (resp.header("Content-Type") or "").lower()
    return ct.split(";")[0].strip() == "application/json"


def parse_time(s):
    from datetime import datetime
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def audit_settle(db, deadline=10.0):
    """Waits until the access audit's chain holds everything the servers'
    journals hold (src/http/audit_journal.h: a read's record is in its
    server's journal when the answer leaves, and in the chain once the
    flusher appended it, within some 20 ms): in every journal file, nothing
    is written after the offset its row in audit_journal says is appended
    (the file ends there, or the zeros it is allocated with begin there)."""
    server = db if isinstance(db, Server) else None  # a Server (either backend), or a file
    base = server.state_base if server else db
    d = base + ".audit-journal"
    end = time.monotonic() + deadline

    def written_after(path, offset):
        try:
            with open(path, "rb") as f:
                f.seek(offset)
                return f.read(1 << 16).strip(b"\0") != b""
        except FileNotFoundError:
            return False

    while True:
        c = server.db_connect() if server else sqlite3.connect(db)
        try:
            done = dict(c.execute('SELECT name, "offset" FROM audit_journal').fetchall())
        finally:
            c.close()
        names = os.listdir(d) if os.path.isdir(d) else []
        behind = [n for n in names if written_after(os.path.join(d, n), done.get(n, 0))]
        if not behind:
            return
        if time.monotonic() > end:
            raise AssertionError("audit journal not appended: %s" % behind)
        time.sleep(0.01)


class Parallel:
    """Run fn(i) in n threads at once; collects exceptions."""

    def __init__(self, n, fn):
        self.n, self.fn = n, fn
        self.errors = []
        self.lock = threading.Lock()

    def run(self, timeout=120):
        barrier = threading.Barrier(self.n)

        def body(i):
            try:
                barrier.wait(timeout=30)
                self.fn(i)
            except BaseException as e:  # noqa: report everything
                with self.lock:
                    self.errors.append("thread %d: %r" % (i, e))

        ts = [threading.Thread(target=body, args=(i,), daemon=True) for i in range(self.n)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(timeout)
            if t.is_alive():
                self.errors.append("a thread did not finish in %ss" % timeout)
        return self.errors


def refuse_inserts(server, table, on):
    """Makes a table of the server's database refuse every insert (on) or
    take them again (off): how a test shows that a change stands only with
    its audit record. A trigger on either backend (on PostgreSQL made as the
    superuser, as db_connect connects)."""
    trigger = "refuse_" + table
    with server.db_connect() as db:
        if server.db_super and on:
            db.execute("CREATE OR REPLACE FUNCTION refuse_insert() RETURNS trigger LANGUAGE plpgsql "
                       "AS $$BEGIN RAISE EXCEPTION 'refused by the test'; END$$")
            db.execute("CREATE TRIGGER %s BEFORE INSERT ON %s FOR EACH ROW "
                       "EXECUTE FUNCTION refuse_insert()" % (trigger, table))
        elif server.db_super:
            db.execute("DROP TRIGGER %s ON %s" % (trigger, table))
        elif on:
            db.execute("CREATE TRIGGER %s BEFORE INSERT ON %s BEGIN "
                       "SELECT RAISE(ABORT, 'refused by the test'); END" % (trigger, table))
        else:
            db.execute("DROP TRIGGER %s" % trigger)


class DbCopy:
    """A consistent copy of a server's database with the audit key and
    checkpoints beside it, to tamper with: db (for --db), env, state_base
    and db_connect(), as a Server has them. SQLite: a backup into
    DIR/NAME.db. PostgreSQL: a fresh database of the cluster, migrated,
    holding the server's audit chain (what verify reads), and a state
    directory DIR/NAME of its own."""

    def __init__(self, server, name, directory):
        if not server.db_super:
            self.db = self.state_base = os.path.join(directory, name + ".db")
            self.env = server.env
            self.db_super = None
            src, out = sqlite3.connect(server.db), sqlite3.connect(self.db)
            src.backup(out)
            src.close()
            out.close()
        else:
            state = os.path.join(directory, name)
            os.makedirs(state)
            self.db, self.db_super = pg_database("copy")
            self.env = dict(server.env, POSTROOM_STATE_DIR=state)
            self.state_base = os.path.join(state, "postroom")
            subprocess.run([server.binary, "--db", self.db, "migrate"], env=self.env, check=True,
                           capture_output=True, timeout=60)
            cols = ("seq, time, server_id, request_id, principal_tenant, principal_id, data_tenant, "
                    "action, objects, prev_hash, hash")
            live = server.db_connect()
            records = live.execute("SELECT %s FROM audit ORDER BY seq" % cols).fetchall()
            live.close()
            with self.db_connect() as c:
                c.execute("DELETE FROM audit")
                c.executemany("INSERT INTO audit(%s) VALUES (?,?,?,?,?,?,?,?,?,?,?)" % cols, records)
        for suffix in (".audit-key", ".audit-key.pub", ".audit-checkpoints"):
            shutil.copy(server.state_base + suffix, self.state_base + suffix)

    def db_connect(self):
        return _PgConnection(self.db_super) if self.db_super else sqlite3.connect(self.db)

#!/usr/bin/python3
"""tests/e2e/test_hostile_http.py: hostile input classes at the HTTP layer.

test_bad_input.py covers hostile JSON bodies, field values, size limits, path
tricks, query strings, identifier lists and some raw protocol garbage. This
file adds, one test per class:

  * truncated requests: cut at every byte of the head and through the body,
    then the client half-closes; a chunked body cut short;
  * repeated, conflicting and malformed headers: two Content-Length,
    Content-Length with Transfer-Encoding (request smuggling: the bytes a
    second framing would read are a complete DELETE, which must never run),
    odd Transfer-Encodings, repeated credentials, header names that are not
    tokens, the header-size limits at their edges;
  * bad UTF-8 and NUL bytes, raw and percent-encoded, in the path, the query,
    header values, cookies and form fields;
  * huge and negative numbers where identifiers, sizes and dates are read;
  * deep and wide JSON near the parser's limits;
  * slow clients: 200 connections trickling headers a byte a second, slow
    body senders and clients that never read, while a normal client must
    still be answered promptly.

Every answer must be a 4xx. Where postroom answers it is JSON with an
X-Request-Id. libmicrohttpd refuses some requests itself, before postroom
sees them, with its own small HTML page (and no X-Request-Id); that is
accepted only where a case says so: requests that are not parseable HTTP
framing, and headers beyond libmicrohttpd's 32 KiB connection buffer
(docs/api.md). Closing the connection without an answer is accepted where
noted (a truncated request has nothing to answer). After every test the
server must be alive and both tenants' orders exactly as before.

Usage: /usr/bin/python3 tests/e2e/test_hostile_http.py path/to/postroom [unittest args]
"""

import http.client
import json
import os
import socket
import sys
import threading
import time
import unittest
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import order  # noqa: E402

SERVER = None
T = None          # the tenant sending hostile requests
BYSTANDER = None  # a tenant that only watches
KIB = 1024
# A normal request must be answered within this while hostile clients hang on
# (generous for an AddressSanitizer build on a loaded 2-core machine).
PROMPT_S = float(os.environ.get("E2E_PROMPT_SECONDS", "3"))


def setUpModule():
    global SERVER, T, BYSTANDER
    SERVER = harness.Server.start_new()
    T = SERVER.new_tenant("hostile")
    BYSTANDER = SERVER.new_tenant("bystander")
    # 1001..1040: pages big enough to fill buffers; 1040 is the one smuggled requests try to delete
    T.create_orders([order("HH-%d" % i) for i in range(1, 41)])
    BYSTANDER.create_orders([order("BY-1"), order("BY-2")])


def tearDownModule():
    SERVER.stop_and_check()


def state():
    return (T.snapshot(), BYSTANDER.snapshot())


# --------------------------------------------------------------------------- raw HTTP


def parse_responses(data):
    """Every complete response in data, in order: list of (status, headers, body)."""
    out = []
    while data.startswith(b"HTTP/"):
        end = data.find(b"\r\n\r\n")
        if end < 0:
            break
        lines = data[:end].decode("latin-1").split("\r\n")
        try:
            status = int(lines[0].split(" ")[1])
        except (IndexError, ValueError):
            break
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers.setdefault(k.strip().lower(), v.strip())
        n = int(headers.get("content-length", "0") or 0)
        body = data[end + 4:end + 4 + n]
        if len(body) < n:
            break
        out.append((status, headers, body))
        data = data[end + 4 + n:]
    return out


def exchange(data, half_close=True, wait=2.0, until=1):
    """Sends data on a fresh connection and reads until `until` complete
    responses came (None: no limit), the server closes, or `wait` seconds
    pass without anything new. Returns (responses, closed_by_server)."""
    s = socket.create_connection((harness.HOST, SERVER.port), timeout=wait)
    got = b""
    closed = False
    try:
        try:
            s.sendall(data)
            if half_close:
                s.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server may refuse and close before reading everything
        while until is None or len(parse_responses(got)) < until:
            try:
                c = s.recv(65536)
            except socket.timeout:
                break
            except OSError:
                closed = True
                break
            if not c:
                closed = True
                break
            got += c
    finally:
        s.close()
    SERVER.check_exchange(data, parse_responses(got))
    return parse_responses(got), closed


def api_head(method, path, key=None, extra=b"", content_type=True):
    h = b"%s %s HTTP/1.1\r\nHost: postroom\r\n" % (method.encode(), path.encode())
    if key:
        h += b"Authorization: Bearer " + key.encode() + b"\r\n"
    if content_type:
        h += b"Content-Type: application/json\r\n"
    return h + extra


def smuggled_delete():
    """A complete request that deletes one of the hostile tenant's orders: if it
    ever runs, the state check sees it."""
    return (b"DELETE /api/v1/orders/1040 HTTP/1.1\r\nHost: postroom\r\nAuthorization: Bearer " +
            T.key.encode() + b"\r\n\r\n")


def harmless_status_body():
    return json.dumps({"items": [{"orderIdentifier": 2147483000, "status": "despatched"}]}).encode()


def chunked(body):
    return b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n"


class Base(unittest.TestCase):
    def setUp(self):
        self.before = state()

    def tearDown(self):
        SERVER.check_alive()
        after = state()
        self.assertEqual(after[1], self.before[1], "a hostile request changed the bystander's orders")
        self.assertEqual(after[0], self.before[0], "a hostile request changed the hostile tenant's own orders "
                         "(a smuggled or half-read request ran?)")

    def assert_4xx(self, resp, what, mhd_ok=False, statuses=None):
        """resp is (status, headers, body) from parse_responses, or a harness.Resp."""
        if isinstance(resp, harness.Resp):
            status, body = resp.status, resp.body
            rid = resp.header("X-Request-Id")
            ct = (resp.header("Content-Type") or "").lower()
        else:
            status, headers, body = resp
            rid, ct = headers.get("x-request-id"), headers.get("content-type", "").lower()
        self.assertTrue(400 <= status < 500, "%s: want a 4xx, got %d %r" % (what, status, body[:300]))
        if statuses:
            self.assertIn(status, statuses, "%s: %d %r" % (what, status, body[:300]))
        if rid is None:
            # libmicrohttpd's own refusal (no X-Request-Id): only where the case allows it
            self.assertTrue(mhd_ok, "%s: a %d without X-Request-Id (libmicrohttpd answered a request postroom "
                            "should have): %r" % (what, status, body[:200]))
            return
        self.assertTrue(ct.startswith("application/json"), "%s: Content-Type %r" % (what, ct))
        try:
            j = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            self.fail("%s: the answer is not UTF-8 JSON (%s): %r" % (what, e, body[:300]))
        self.assertTrue(isinstance(j, (dict, list)) and j, "%s: not an error body: %r" % (what, body[:300]))

    def assert_prompt(self, what):
        """A normal client is answered promptly."""
        t0 = time.monotonic()
        r = T.get("/api/v1/orders?pageSize=5", timeout=PROMPT_S + 5)
        dt = time.monotonic() - t0
        self.assertEqual(r.status, 200, "%s: a normal request got %s" % (what, r.short()))
        self.assertLess(dt, PROMPT_S, "%s: a normal request took %.2fs" % (what, dt))
        return dt


# --------------------------------------------------------------------------- truncated


class TestTruncated(Base):
    def test_cut_at_every_byte_of_the_head_and_through_the_body(self):
        # A complete request would create an order; the body is valid JSON
        # followed by spaces, so a server that ran a half-read body would
        # create it too (and the state check would see a new order). The
        # client half-closes after the cut; libmicrohttpd may answer, close,
        # or (mid-body) wait for its idle timeout: all fine, but never a 2xx.
        body = json.dumps({"items": [order("TRUNCATED")]}).encode() + b" " * 64
        full = api_head("POST", "/api/v1/orders", T.key, b"Content-Length: %d\r\n\r\n" % len(body)) + body
        head_len = full.index(b"\r\n\r\n") + 4
        cuts = list(range(1, head_len + 1)) + list(range(head_len + 1, len(full), max(1, len(body) // 40)))
        cuts = sorted(set(cuts + [len(full) - 1, len(full) - 10, len(full) - 64]))
        results = {}

        def one(cut):
            try:
                results[cut] = exchange(full[:cut], wait=2, until=1)
            except OSError as e:
                results[cut] = e

        for i in range(0, len(cuts), 100):  # 100 connections at a time
            ths = [threading.Thread(target=one, args=(c,)) for c in cuts[i:i + 100]]
            for th in ths:
                th.start()
            for th in ths:
                th.join(30)
        for cut in cuts:
            with self.subTest(cut=cut, of=len(full)):
                res = results.get(cut)
                self.assertIsInstance(res, tuple, "cut at %d: %r" % (cut, res))
                for r in res[0]:
                    self.assert_4xx(r, "request cut at byte %d of %d" % (cut, len(full)), mhd_ok=True)
        self.assert_prompt("after %d truncated requests" % len(cuts))

    def test_chunked_body_cut_short(self):
        body = json.dumps({"items": [order("TRUNCATED-CHUNKED")]}).encode()
        head = api_head("POST", "/api/v1/orders", T.key, b"Transfer-Encoding: chunked\r\n\r\n")
        whole = chunked(body)
        for cut in (1, 3, len(whole) // 2, len(whole) - 5, len(whole) - 2):
            with self.subTest(cut=cut):
                resps, closed = exchange(head + whole[:cut], wait=1)
                for r in resps:
                    self.assert_4xx(r, "chunked body cut at %d" % cut, mhd_ok=True)
        # a chunk longer than announced, and one announced longer than sent
        for bad in (b"5\r\n{\"items\"\r\n0\r\n\r\n", b"ffff\r\n{}\r\n0\r\n\r\n"):
            with self.subTest(chunks=bad[:20]):
                resps, closed = exchange(head + bad, wait=1)
                for r in resps:
                    self.assert_4xx(r, "bad chunk framing", mhd_ok=True)

    def test_client_gone_mid_body_others_still_served(self):
        socks = []
        try:
            for i in range(50):
                s = socket.create_connection((harness.HOST, SERVER.port), timeout=5)
                s.sendall(api_head("POST", "/api/v1/orders", T.key, b"Content-Length: 5000\r\n\r\n") + b'{"items":')
                socks.append(s)
            self.assert_prompt("50 half-sent bodies")
        finally:
            for s in socks:
                s.close()
        self.assert_prompt("after they went away")


# --------------------------------------------------------------------------- headers


class TestConflictingFraming(Base):
    """Request smuggling: two framings of one body must never both be believed.

    RFC 9112 6.3: with both Transfer-Encoding and Content-Length the server
    must reject the request or close the connection after answering it; two
    different Content-Length values are an unrecoverable error (400)."""

    def check_no_second_request(self, data, what, mhd_ok=True):
        resps, closed = exchange(data, half_close=False, wait=1.0, until=2)
        statuses = [r[0] for r in resps]
        self.assertLessEqual(len(resps), 1, "%s: %d answers %s: the bytes after the first framing ran as another "
                             "request (request smuggling)" % (what, len(resps), statuses))
        for r in resps:
            if r[0] != 200:
                self.assert_4xx(r, what, mhd_ok=mhd_ok)
        if resps and resps[0][0] == 200:
            self.assertTrue(closed, "%s: answered with both framings present and kept the connection open "
                            "(RFC 9112 6.3: close it)" % what)

    def test_content_length_and_transfer_encoding(self):
        body, smug = harmless_status_body(), smuggled_delete()
        ch = chunked(body)
        head = api_head("PUT", "/api/v1/orders/status", T.key)
        cases = {
            "CL then TE, CL covers a smuggled DELETE": head + b"Content-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n"
            % (len(ch) + len(smug)) + ch + smug,
            "TE then CL": head + b"Transfer-Encoding: chunked\r\nContent-Length: %d\r\n\r\n" % (len(ch) + len(smug))
            + ch + smug,
            "CL shorter than the chunked body": head + b"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n" + ch,
        }
        for name, data in cases.items():
            with self.subTest(case=name):
                self.check_no_second_request(data, name)

    def test_two_different_content_lengths(self):
        body, smug = harmless_status_body(), smuggled_delete()
        head = api_head("PUT", "/api/v1/orders/status", T.key)
        for a, b in ((len(body), len(body) + len(smug)), (len(body) + len(smug), len(body))):
            with self.subTest(first=a, second=b):
                data = head + b"Content-Length: %d\r\nContent-Length: %d\r\n\r\n" % (a, b) + body + smug
                resps, _ = exchange(data, half_close=False, wait=1.0, until=2)
                self.assertTrue(resps, "no answer")
                self.assert_4xx(resps[0], "Content-Length %d and %d" % (a, b), mhd_ok=True, statuses={400})
                self.assertEqual(len(resps), 1, "two Content-Lengths: %d answers" % len(resps))

    def test_malformed_content_length(self):
        body = harmless_status_body()
        head = api_head("PUT", "/api/v1/orders/status", T.key)
        for cl in (b"%d, %d" % (len(body), len(body)), b"+%d" % len(body), b"0x%x" % len(body), b"%d%d" % (1, 0),
                   b" ", b"-0", b"1e3", b"18446744073709551616", b"18446744073709551615", b"99999999999999999999999"):
            with self.subTest(content_length=cl):
                resps, closed = exchange(head + b"Content-Length: " + cl + b"\r\n\r\n" + body, wait=2)
                self.assertTrue(resps or closed)
                for r in resps:
                    self.assert_4xx(r, "Content-Length %r" % cl, mhd_ok=True)

    def test_odd_transfer_encodings(self):
        body = harmless_status_body()
        head = api_head("PUT", "/api/v1/orders/status", T.key)
        for te in (b"chunked, identity", b"identity", b"gzip, chunked", b"xchunked", b"chunked\r\nTransfer-Encoding: x",
                   b"Chunked ", b"\tchunked"):
            with self.subTest(te=te):
                data = head + b"Transfer-Encoding: " + te + b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body
                # the body parses as a harmless request either way; what matters
                # is that no framing lets a second request through
                self.check_no_second_request(data + smuggled_delete(), "Transfer-Encoding %r" % te)


class TestRepeatedAndMalformedHeaders(Base):
    def test_repeated_credentials_and_content_type(self):
        k = T.key.encode()
        cases = [
            ("Authorization twice, same key", b"Authorization: Bearer " + k + b"\r\n"),
            ("Cookie twice", b"Cookie: a=1\r\nCookie: b=2\r\n"),
            ("Content-Type twice", b"Content-Type: application/json\r\nContent-Type: application/json\r\n"),
        ]
        body = harmless_status_body()
        for name, extra in cases:
            with self.subTest(case=name):
                data = (b"PUT /api/v1/orders/status HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + k + b"\r\n" +
                        (b"Content-Type: application/json\r\n" if b"Content-Type" not in extra else b"") + extra +
                        b"Content-Length: %d\r\n\r\n" % len(body) + body)
                resps, _ = exchange(data)
                self.assertTrue(resps, name)
                self.assert_4xx(resps[0], name, statuses={400})

    def test_many_small_headers_are_fine(self):
        # libmicrohttpd keeps each header in its 32 KiB connection pool with
        # some overhead, so far fewer than 12 KiB of small headers fit: 150 do
        hdrs = {"X-Filler-%04d" % i: "v" for i in range(150)}
        r = T.get("/api/v1/orders?pageSize=1", headers=hdrs)
        self.assertEqual(r.status, 200, r.short())
        # and many more are refused (by libmicrohttpd itself, its own HTML 431 accepted), never a 5xx
        r = T.get("/api/v1/orders?pageSize=1", headers={"X-Filler-%04d" % i: "v" for i in range(2000)})
        self.assert_4xx(r, "2000 small headers", mhd_ok=True)

    def test_header_size_limit_edges(self):
        # postroom counts name + value + 4 per header against 12 KiB
        base = sum(len(k) + len(v) + 4 for k, v in (("Host", "%s:%d" % (harness.HOST, SERVER.port)),
                                                     ("Authorization", "Bearer " + T.key)))
        for total, ok in ((12 * KIB - 200, True), (12 * KIB + 200, False)):
            with self.subTest(total=total):
                pad = total - base - len("X-Pad") - 4
                r = T.get("/api/v1/orders?pageSize=1", headers={"X-Pad": "p" * pad})
                if ok:
                    self.assertEqual(r.status, 200, r.short())
                else:
                    self.assert_4xx(r, "%d bytes of headers" % total, statuses={431})
        # beyond libmicrohttpd's 32 KiB buffer it refuses the request itself (its own HTML 4xx is accepted)
        resps, closed = exchange(api_head("GET", "/api/v1/orders", T.key, b"X-Pad: " + b"q" * (40 * KIB) + b"\r\n\r\n"))
        self.assertTrue(resps or closed)
        for r in resps:
            self.assert_4xx(r, "40 KiB header", mhd_ok=True)

    def test_header_names_that_are_not_tokens(self):
        k = T.key.encode()
        # RFC 9112 5.1: whitespace between a field name and the colon is a 400;
        # a field name is a token (no spaces, separators or control bytes).
        for line in (b"Authorization : Bearer " + k, b"Transfer-Encoding : chunked", b"Bad Name: 1", b"X-A\x00B: 1", b"\xff\xfe: 1", b"X(A): 1",
                     b"X-A\x7f: 1", b": empty-name"):
            with self.subTest(line=line[:30]):
                data = (b"GET /api/v1/orders?pageSize=1 HTTP/1.1\r\nHost: x\r\n" + line + b"\r\n" +
                        (b"Authorization: Bearer " + k + b"\r\n" if not line.startswith(b"Authorization") else b"") +
                        b"\r\n")
                resps, closed = exchange(data)
                self.assertTrue(resps or closed, "no answer")
                for r in resps:
                    self.assert_4xx(r, "header line %r" % line[:30], mhd_ok=True)

    def test_host_header_missing_or_repeated(self):
        k = T.key.encode()
        for hosts in (b"", b"Host: a\r\nHost: b\r\n", b"Host: a b\r\n", b"Host: \xff\r\n"):
            with self.subTest(hosts=hosts):
                data = (b"GET /api/v1/orders?pageSize=1 HTTP/1.1\r\n" + hosts + b"Authorization: Bearer " + k +
                        b"\r\n\r\n")
                resps, closed = exchange(data)
                self.assertTrue(resps or closed, "no answer")
                for r in resps:
                    # RFC 9112 3.2: a request without Host, or with more than one, is a 400
                    self.assert_4xx(r, "Host lines %r" % hosts, mhd_ok=True)


# --------------------------------------------------------------------------- bad UTF-8 and NUL


class TestBadBytes(Base):
    def assert_utf8_4xx(self, resps, what, mhd_ok=False):
        self.assertTrue(resps, "%s: no answer" % what)
        for r in resps:
            self.assert_4xx(r, what, mhd_ok=mhd_ok)
            try:
                r[2].decode("utf-8")
            except UnicodeDecodeError:
                self.fail("%s: the answer is not valid UTF-8: %r" % (what, r[2][:200]))

    def test_raw_bad_utf8_and_nul_in_paths(self):
        k = T.key
        for path in (b"/api/v1/orders/\xff\xfe", b"/api/v1/orders/\"\xc0\xaf\"", b"/api/v1/orders/1001;\"\xed\xa0\x80\"",
                     b"/api/v1/orders/\"caf\xe9\"/full", b"/api/v1/orde\xffrs", b"/api/v1/manifests/\xff",
                     b"/api/v1/orders/\"a%00b\"", b"/api/v1/orders/1001%00", b"/api/v1/orders/\"%C0%AF\"/label"
                     b"?documentType=despatchNote"):
            with self.subTest(path=path):
                data = b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + k.encode() + b"\r\n\r\n"
                resps, _ = exchange(data)
                # a raw NUL in the request line is not HTTP: libmicrohttpd may refuse it itself
                self.assert_utf8_4xx(resps, "path %r" % path, mhd_ok=b"\x00" in path)

    def test_bad_utf8_and_nul_in_queries(self):
        k = T.key.encode()
        # known arguments with bad bytes are 400s; any argument with a NUL or a
        # malformed escape is a 400 even when unknown (docs/api.md); an unknown
        # argument that is merely not UTF-8 may be ignored
        for q, ignorable in ((b"pageSize=\xff", False), (b"\xff=1", True), (b"x=\xc3\x28", True),
                             (b"startDateTime=2026-11-29T10:00:00Z\xff", False), (b"pageSize=%FF", False),
                             (b"continuationToken=\xc3\x28", False), (b"pageSize=1%00", False),
                             (b"pageSize%00=1", False), (b"x=%00", False), (b"x%00=1", False),
                             (b"startDateTime=%ED%A0%80", False), (b"x=%E", False)):
            for path in (b"/api/v1/orders", b"/api/v1/orders/full"):
                with self.subTest(path=path, q=q):
                    data = b"GET " + path + b"?" + q + b" HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + k + b"\r\n\r\n"
                    resps, _ = exchange(data)
                    self.assertTrue(resps, "no answer")
                    if ignorable and resps[0][0] == 200:
                        continue
                    self.assert_utf8_4xx(resps, "query %r" % q)

    def put_with_header(self, line):
        body = harmless_status_body()
        data = (b"PUT /api/v1/orders/status HTTP/1.1\r\nHost: x\r\n" + line + b"\r\n" +
                (b"Content-Type: application/json\r\n" if b"Content-Type" not in line else b"") +
                b"Content-Length: %d\r\n\r\n" % len(body) + body)
        return exchange(data)

    def test_bad_bytes_in_header_values(self):
        k = T.key.encode()
        cases = [
            b"Authorization: Bearer " + k[:20] + b"\xff" + k[21:],
            b"Authorization: Bearer\x00" + k,
            b"Cookie: __Host-postroom_session=\xff\xfe\xfd",
            b"Cookie: __Host-postroom_session=" + b"A" * 20 + b"\x00" + b"A" * 22,
            b"Authorization: Bearer " + k + b"\r\nContent-Type: application/\xffjson",
            b"Authorization: Bearer " + k + b"\r\nContent-Type: application/json\x01",
            b"Authorization: Bearer " + k + b"\r\nX-Note: a\x1fb",
        ]
        for line in cases:
            with self.subTest(line=line[:14] + b"..." + line[-34:]):
                resps, closed = self.put_with_header(line)
                self.assertTrue(resps or closed)
                if resps:
                    self.assert_utf8_4xx(resps, "header %r" % line[-60:], mhd_ok=b"\x00" in line)

    @unittest.expectedFailure  # open: libmicrohttpd truncates at the NUL (docs/security.md, "Not covered yet")
    def test_nul_after_a_valid_header_value(self):
        # RFC 9110 5.5: a NUL in a field value is rejected (or replaced by SP).
        # "Bearer KEY\0junk" must not authenticate as KEY, nor a Content-Type
        # with a NUL pass as application/json. libmicrohttpd 0.9.75 cuts the
        # value at the NUL before postroom sees it (even with
        # MHD_OPTION_STRICT_FOR_CLIENT), so this needs a check below it.
        k = T.key.encode()
        for line in (b"Authorization: Bearer " + k + b"\x00",
                     b"Authorization: Bearer " + k + b"\x00junk",
                     b"Authorization: Bearer " + k + b"\r\nContent-Type: application/json\x00; charset=utf-8"):
            with self.subTest(line=line[-34:]):
                resps, closed = self.put_with_header(line)
                self.assertTrue(resps or closed)
                if resps:
                    self.assert_utf8_4xx(resps, "header %r" % line[-60:], mhd_ok=True)

    def test_bad_bytes_in_the_sign_in_form(self):
        for form in (b"email=%FF%FE&password=x", b"email=a%00b%40x.example&password=x", b"email=\xff&password=\xfe",
                     b"email=a@x.example&password=%00", b"email=" + b"%C0%AF" * 100 + b"&password=x",
                     b"email&password", b"=&=&&&", b"email=%zz&password=%"):
            with self.subTest(form=form[:40]):
                data = (b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        b"Content-Length: %d\r\n\r\n" % len(form) + form)
                resps, _ = exchange(data)
                self.assertTrue(resps, "no answer")
                st, headers, body = resps[0]
                self.assertIn(st, (400, 401), "sign-in form %r: %d %r" % (form[:40], st, body[:200]))
                cookie = headers.get("set-cookie", "")
                self.assertFalse(cookie.startswith("__Host-postroom_session=") and "Max-Age=0" not in cookie,
                                 "a failed sign-in set a session cookie: %r" % cookie)
                body.decode("utf-8")  # the page is valid UTF-8


# --------------------------------------------------------------------------- numbers


class TestNumbers(Base):
    def test_identifiers_at_and_beyond_the_limits(self):
        for item in ("2147483647", "2147483648", "4294967296", "9223372036854775807", "9223372036854775808",
                     "18446744073709551616", "-2147483648", "-0", "0", "00000000001001", "1" * 400, "1e3", "1.0"):
            for suffix in ("", "/full"):
                with self.subTest(item=item[:30], suffix=suffix):
                    r = T.get("/api/v1/orders/" + item + suffix)
                    self.assert_4xx(r, "identifier %s" % item[:30], statuses={400, 404})
        for n in ("0", "-1", "2147483648", "9223372036854775808", "1" * 50, "1.5", "0x10", "%31"):
            for m, path in (("GET", "/api/v1/manifests/%s" % n), ("POST", "/api/v1/manifests/retry/%s" % n)):
                with self.subTest(method=m, manifest=n):
                    r = T.req(m, path)
                    self.assert_4xx(r, "%s %s" % (m, path), statuses={400, 404})

    def test_status_identifiers_and_dates_out_of_range(self):
        items = [{"orderIdentifier": v, "status": "despatched"} for v in
                 (2147483648, 9223372036854775807, -9223372036854775808, 0, -1, 1e308, -1e308, 1001.0000001)]
        items += [{"orderIdentifier": 1001, "status": "despatchedByOtherCourier", "trackingNumber": "X",
                   "despatchDate": d, "shippingCarrier": "C", "shippingService": "S"}
                  for d in ("99999-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "2026-11-29T10:00:00+99:00",
                            "0000-00-00T00:00:00Z", "2026-11-29T10:00:00." + "9" * 1000 + "Z")]
        r = T.req("PUT", "/api/v1/orders/status", body={"items": items})
        self.assertEqual(r.status, 200, r.short())
        j = r.json()
        self.assertEqual(j.get("updatedOrders"), [], r.short())
        self.assertEqual(len(j.get("errors") or []), len(items), r.short(2000))

    def test_page_sizes_and_date_filters_out_of_range(self):
        for q in ("pageSize=-2147483649", "pageSize=2147483648", "pageSize=+5", "pageSize=%2B5", "pageSize=5%20",
                  "startDateTime=99999-01-01T00:00:00Z", "endDateTime=-0001-01-01T00:00:00Z",
                  "startDateTime=2026-11-29T10:00:00%2B99:99", "startDateTime=1e20", "endDateTime=" + "9" * 500):
            with self.subTest(q=q[:40]):
                self.assert_4xx(T.get("/api/v1/orders?" + q), "GET /orders?%s" % q[:40], statuses={400})

    def test_numbers_with_thousands_of_digits(self):
        digits = "9" * 5000
        for field, value in (("total", digits), ("total", "-" + digits), ("subtotal", "1e" + digits),
                             ("subtotal", "-1e" + digits), ("total", digits + ".5"), ("shippingCostCharged", "-0.00")):
            with self.subTest(field=field, value=value[:20]):
                body = json.dumps({"items": [order("HUGE-NUMBER")]}).replace(
                    '"%s": %s' % (field, json.dumps(order("X")[field])), '"%s": %s' % (field, value), 1)
                r = T.req("POST", "/api/v1/orders", body=body)
                if value == "-0.00":
                    # minus zero is zero: the order is valid; remove it again so the state check holds
                    self.assertEqual(r.status, 200, r.short())
                    for c in r.json().get("createdOrders") or []:
                        T.req("DELETE", "/api/v1/orders/%d" % c["orderIdentifier"])
                    continue
                if r.status == 200:
                    self.assertEqual(r.json().get("createdOrders"), [], r.short())
                else:
                    self.assert_4xx(r, "%s = %s..." % (field, value[:20]), statuses={400})


# --------------------------------------------------------------------------- nesting and width


class TestDeepAndWideJson(Base):
    def test_nesting_near_the_parser_limit(self):
        # jansson refuses nesting beyond 2048; just below, the (ignored) unknown
        # field must parse and the echo of a failed order must still be JSON.
        for depth in (1000, 2000, 2047, 2048, 2049):
            with self.subTest(depth=depth):
                bad = order("DEEP", total="x")
                body = json.dumps({"items": [bad]})
                body = body.replace('"currencyCode"', '"deep": ' + "[" * depth + "]" * depth + ', "currencyCode"', 1)
                r = T.req("POST", "/api/v1/orders", body=body)
                if r.status == 200:
                    old = sys.getrecursionlimit()
                    sys.setrecursionlimit(max(old, 20000))
                    try:
                        j = json.loads(r.body)
                    finally:
                        sys.setrecursionlimit(old)
                    self.assertEqual(j.get("createdOrders"), [])
                    self.assertEqual(j.get("errorsCount"), 1)
                else:
                    self.assert_4xx(r, "nesting %d" % depth, statuses={400})
                status = json.dumps({"items": [{"orderIdentifier": 2147483000, "status": "new"}]})
                status = status.replace('"status"', '"x": ' + '{"a":' * depth + "1" + "}" * depth + ', "status"', 1)
                r = T.req("PUT", "/api/v1/orders/status", body=status)
                if r.status != 200:
                    self.assert_4xx(r, "status nesting %d" % depth, statuses={400})

    def test_wide_objects_and_arrays(self):
        t0 = time.monotonic()
        wide_obj = "{" + ",".join('"k%d": %d' % (i, i) for i in range(200000)) + "}"
        wide_arr = "[" + ",".join("0" for _ in range(500000)) + "]"
        for name, extra in (("200,000 keys", wide_obj), ("500,000 elements", wide_arr)):
            with self.subTest(case=name):
                bad = json.dumps({"items": [order("WIDE", total="x")]})
                body = bad.replace('"currencyCode"', '"wide": ' + extra + ', "currencyCode"', 1)
                r = T.req("POST", "/api/v1/orders", body=body, timeout=60)
                self.assertLess(r.status, 500, r.short())
                if r.status == 200:
                    self.assertEqual(r.json().get("createdOrders"), [])
        self.assertLess(time.monotonic() - t0, 30, "wide JSON took too long")
        self.assert_prompt("after wide JSON")


# --------------------------------------------------------------------------- slow clients


class TestSlowClients(Base):
    def trickle(self, socks, stop, payload=b"a"):
        while not stop.is_set():
            for s in socks:
                try:
                    s.send(payload)
                except OSError:
                    pass
            stop.wait(1.0)

    def test_slowloris_headers_a_byte_a_second(self):
        socks, stop = [], threading.Event()
        try:
            for i in range(200):
                s = socket.create_connection((harness.HOST, SERVER.port), timeout=10)
                s.sendall(b"GET /api/v1/orders HTTP/1.1\r\nHost: postroom\r\nX-Slow-%d: " % i)
                socks.append(s)
            th = threading.Thread(target=self.trickle, args=(socks, stop), daemon=True)
            th.start()
            worst = 0
            conn = http.client.HTTPConnection(harness.HOST, SERVER.port, timeout=PROMPT_S + 5)
            try:
                for i in range(12):  # about 6 s with 200 connections trickling
                    worst = max(worst, self.assert_prompt("200 slowloris connections, fresh connection"))
                    t0 = time.monotonic()
                    r = SERVER.request("GET", "/api/v1/orders/1001", key=T.key, conn=conn)
                    self.assertEqual(r.status, 200, r.short())
                    worst = max(worst, time.monotonic() - t0)
                    time.sleep(0.5)
            finally:
                conn.close()
            self.assertLess(worst, PROMPT_S)
        finally:
            stop.set()
            for s in socks:
                s.close()

    def test_slow_body_senders(self):
        socks, stop = [], threading.Event()
        try:
            for i in range(100):
                s = socket.create_connection((harness.HOST, SERVER.port), timeout=10)
                s.sendall(api_head("POST", "/api/v1/orders", T.key, b"Content-Length: 100000\r\n\r\n") + b'{"items": [')
                socks.append(s)
            th = threading.Thread(target=self.trickle, args=(socks, stop, b" "), daemon=True)
            th.start()
            for i in range(6):
                self.assert_prompt("100 slow body senders")
                time.sleep(0.5)
        finally:
            stop.set()
            for s in socks:
                s.close()

    def test_clients_that_never_read(self):
        socks = []
        req = (b"GET /api/v1/orders/full?pageSize=100 HTTP/1.1\r\nHost: postroom\r\nAuthorization: Bearer " +
               T.key.encode() + b"\r\n\r\n")
        try:
            for i in range(40):
                s = socket.create_connection((harness.HOST, SERVER.port), timeout=10)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                s.setblocking(False)
                try:
                    s.send(req * 100)  # 100 pipelined requests for ~60 KB answers each, never read
                except BlockingIOError:
                    pass
                socks.append(s)
            time.sleep(0.5)
            for i in range(6):
                self.assert_prompt("40 connections that never read their answers")
                time.sleep(0.3)
        finally:
            for s in socks:
                s.close()


if __name__ == "__main__":
    harness.main()

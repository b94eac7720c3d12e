"""tests/isolation/httpc.py: a small, fast HTTP/1.1 client over one keep-alive socket.

Standard library only. http.client costs more Python per request than the
server spends answering, so the isolation fuzzer and the crash test use this
instead: one request, one response, headers kept as sent (a list of pairs,
so a repeated header stays visible), the body read by Content-Length.

    c = Conn("127.0.0.1", port)
    r = c.request("GET", "/api/v1/orders", [("Authorization", "Bearer " + key)])
    r.status, r.header("cache-control"), r.body
"""

import socket

__all__ = ["Conn", "Response", "HTTPError"]


class HTTPError(Exception):
    """The connection closed or the answer was not HTTP."""


class Response:
    __slots__ = ("status", "headers", "body")

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # list of (lower-case name, value)
        self.body = body

    def header(self, name):
        name = name.lower()
        vals = [v for k, v in self.headers if k == name]
        return ", ".join(vals) if vals else None

    def header_all(self, name):
        name = name.lower()
        return [v for k, v in self.headers if k == name]

    def short(self, n=400):
        b = self.body.decode("utf-8", "replace")
        if len(b) > n:
            b = b[:n] + "...(%d bytes)" % len(self.body)
        return "HTTP %d %s" % (self.status, b)


class Conn:
    """One keep-alive connection; reconnects when the server closed it."""

    def __init__(self, host, port, timeout=30.0):
        self.addr = (host, port)
        self.timeout = timeout
        self.sock = None
        self.buf = b""
        self.requests_on_socket = 0

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
        self.sock = None
        self.buf = b""
        self.requests_on_socket = 0

    def _connect(self):
        s = socket.create_connection(self.addr, timeout=self.timeout)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = s
        self.buf = b""
        self.requests_on_socket = 0

    @staticmethod
    def build(method, path, headers=(), body=None, host="postroom"):
        parts = ["%s %s HTTP/1.1\r\nHost: %s\r\n" % (method, path, host)]
        for k, v in headers:
            parts.append("%s: %s\r\n" % (k, v))
        if body is not None:
            parts.append("Content-Length: %d\r\n" % len(body))
        parts.append("\r\n")
        data = "".join(parts).encode("utf-8", "surrogateescape")
        return data + body if body is not None else data

    def request(self, method, path, headers=(), body=None, retry=None):
        """Sends one request and reads its answer.

        A keep-alive socket the server closed while idle is reopened and the
        request sent again (for GET always; for other methods only when
        retry=True), since such a request never reached the handler."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        data = self.build(method, path, headers, body)
        if retry is None:
            retry = method == "GET"
        for attempt in (0, 1):
            reused = self.sock is not None and self.requests_on_socket > 0
            if self.sock is None:
                self._connect()
            try:
                self.sock.sendall(data)
                r = self._read(method)
            except (ConnectionError, HTTPError, socket.timeout, OSError) as e:
                self.close()
                if attempt == 0 and reused and (retry or isinstance(e, (BrokenPipeError,))):
                    continue
                raise HTTPError("%s %s: %r" % (method, path[:80], e))
            self.requests_on_socket += 1
            conn = (r.header("connection") or "").lower()
            if "close" in conn:
                self.close()
            return r
        raise HTTPError("unreachable")

    def _fill(self):
        chunk = self.sock.recv(262144)
        if not chunk:
            raise HTTPError("connection closed by the server")
        self.buf += chunk

    def _read(self, method):
        while True:
            i = self.buf.find(b"\r\n\r\n")
            if i >= 0:
                break
            if len(self.buf) > 1 << 20:
                raise HTTPError("response head over 1 MiB")
            self._fill()
        head = self.buf[:i].decode("latin-1")
        self.buf = self.buf[i + 4:]
        lines = head.split("\r\n")
        try:
            proto, code = lines[0].split(" ", 2)[:2]
            status = int(code)
        except ValueError:
            raise HTTPError("bad status line %r" % lines[0][:80])
        if not proto.startswith("HTTP/"):
            raise HTTPError("bad status line %r" % lines[0][:80])
        headers = []
        length = None
        chunked = False
        for line in lines[1:]:
            k, _, v = line.partition(":")
            k = k.strip().lower()
            v = v.strip()
            headers.append((k, v))
            if k == "content-length":
                length = int(v)
            elif k == "transfer-encoding" and "chunked" in v.lower():
                chunked = True
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            body = b""
        elif chunked:
            body = self._read_chunked()
        elif length is not None:
            while len(self.buf) < length:
                self._fill()
            body, self.buf = self.buf[:length], self.buf[length:]
        else:  # until the server closes
            try:
                while True:
                    self._fill()
            except HTTPError:
                pass
            body, self.buf = self.buf, b""
            headers.append(("connection", "close"))
        return Response(status, headers, body)

    def _read_chunked(self):
        out = []
        while True:
            while b"\r\n" not in self.buf:
                self._fill()
            line, self.buf = self.buf.split(b"\r\n", 1)
            n = int(line.split(b";")[0], 16)
            while len(self.buf) < n + 2:
                self._fill()
            out.append(self.buf[:n])
            self.buf = self.buf[n + 2:]
            if n == 0:  # (no trailers: postroom sends none)
                return b"".join(out)

"""The README, run as written: every command and URL of its demo section works.

A fresh database gets the demo business exactly as `make run` makes it
(`postroom demo`, with POSTROOM_LISTEN naming the server's address), and a
server runs with make run's default rate limit (5 requests/s per key). Then
every `curl` line of the README's "Try it" block runs through bash as
written, with KEY set to the key the demo printed and 127.0.0.1:8080 moved
to this server's port, one command every quarter second, as a person pastes
them. curl runs with --fail-with-body, so any 4xx or 5xx fails the test; the
documents it saves must be PDFs and the answers JSON. The pages the README
names are opened signed in with the printed e-mail and password, and the
`try:` line the demo prints runs too. Every subcommand the README's command
line lists answers --help.
"""

import json
import os
import re
import subprocess
import tempfile
import time
import unittest
import urllib.parse

import harness

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
README = os.path.join(ROOT, "README.md")
DEFAULT = "127.0.0.1:8080"


def readme():
    with open(README, encoding="utf-8") as f:
        return f.read()


def demo_block(text):
    """The first ```sh block after "Try it"."""
    i = text.index("Try it")
    m = re.search(r"```sh\n(.*?)```", text[i:], re.S)
    return m.group(1)


class TestReadme(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server(rate_limit=5)
        cls.server.migrate()
        cls.server.start()
        cls.addr = "%s:%d" % (harness.HOST, cls.server.port)
        env = dict(cls.server.env, POSTROOM_LISTEN=cls.addr)
        p = subprocess.run([cls.server.binary, "--db", cls.server.db, "demo"], env=env,
                           capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise AssertionError("postroom demo failed: %s" % p.stderr)
        cls.demo_out = p.stdout
        cls.key = re.search(r"API key: +([A-Za-z0-9]{36})", p.stdout).group(1)
        cls.server.keys.append(cls.key)
        m = re.search(r"web sign-in: +(\S+) +(\S+) +/ +(\S+)", p.stdout)
        cls.login_url, cls.email, cls.password = m.group(1), m.group(2), m.group(3)
        cls.work = tempfile.mkdtemp(prefix="postroom-readme-")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop_and_check(forbidden_in_logs=[cls.password])

    def run_line(self, line):
        """One README command through bash, as written but for the address."""
        line = line.replace(DEFAULT, self.addr)
        script = 'curl() { command curl --fail-with-body -sS "$@"; }\n' + line
        p = subprocess.run(["bash", "-c", script], cwd=self.work, capture_output=True,
                           env=dict(self.server.env, KEY=self.key), timeout=60)
        self.assertEqual(p.returncode, 0, "README command failed (%d): %s\nstdout: %s\nstderr: %s"
                         % (p.returncode, line, p.stdout[:600], p.stderr[:600]))
        return p.stdout

    def test_demo_prints_the_address_it_serves(self):
        self.assertIn("http://%s/login" % self.addr, self.demo_out)
        self.assertIn("http://%s/api/v1/orders" % self.addr, self.demo_out)

    def test_every_curl_line_works(self):
        lines = [l for l in demo_block(readme()).splitlines() if l.startswith("curl ")]
        self.assertGreaterEqual(len(lines), 8, "the README's demo block lost its examples")
        for line in lines:
            with self.subTest(line=line[:90]):
                out = self.run_line(line)
                saved = re.search(r"-o (\S+)", line)
                if saved:
                    with open(os.path.join(self.work, saved.group(1)), "rb") as f:
                        self.assertEqual(f.read(5), b"%PDF-", line)
                else:
                    json.loads(out)  # every API answer is JSON
                time.sleep(0.25)

    def test_the_printed_try_line_works(self):
        line = re.search(r"try: +(curl .*)", self.demo_out).group(1)
        orders = json.loads(self.run_line(line))["orders"]
        self.assertGreaterEqual(len(orders), 6)

    def test_demo_orders_are_in_several_states(self):
        r = self.server.request("GET", "/api/v1/orders/full?pageSize=100", key=self.key)
        self.assertEqual(r.status, 200, r.short())
        by_ref = {o["orderReference"]: o for o in r.json()["orders"]}
        for ref in ("DEMO-1001", "DEMO-1002", "DEMO-1003", "DEMO-1004", "DEMO-1005", "DEMO-1006"):
            self.assertIn(ref, by_ref)
        states = {o["orderStatus"] for o in by_ref.values()}
        self.assertTrue({"new", "postageApplied", "labelGenerated", "despatched"} <= states
                        or {"new", "labelGenerated", "despatched"} <= states, states)
        greek = by_ref["DEMO-1004"]
        self.assertTrue(greek["shippingDetails"].get("trackingNumber"), greek)
        self.assertTrue(greek["orderLines"][0].get("customsCode"), greek)

    def test_pages_it_names_open(self):
        urls = re.findall(r"http://127\.0\.0\.1:8080(/[a-z]*)(?![\w/?])", readme())
        self.assertIn("/login", urls)
        r = self.server.request("GET", "/login")
        self.assertEqual(r.status, 200, r.short())
        r = self.server.request("POST", "/login",
                                headers={"Content-Type": "application/x-www-form-urlencoded"},
                                body=urllib.parse.urlencode({"email": self.email,
                                                             "password": self.password}).encode())
        self.assertEqual(r.status, 303, r.short())
        cookie = re.match(r"([^;]+)", r.header("Set-Cookie")).group(1)
        for path in sorted(set(urls)):
            with self.subTest(path=path):
                page = self.server.request("GET", path, headers={"Cookie": cookie,
                                                                 "Accept": "text/html"})
                self.assertEqual(page.status, 200, "%s: %s" % (path, page.short()))
                self.assertIn("text/html", page.header("Content-Type"))

    def test_every_listed_subcommand_has_help(self):
        text = readme()
        block = re.search(r"## The command line\s+```\n(.*?)```", text, re.S).group(1)
        cmds = set()
        for line in block.splitlines():
            m = re.match(r"postroom \[--db PATH\] ([a-z]+(?: (?:create|set|add))?)", line)
            if m:
                cmds.add(m.group(1))
        self.assertGreaterEqual(len(cmds), 6, cmds)
        for c in sorted(cmds):
            with self.subTest(command=c):
                p = subprocess.run([self.server.binary, "--db", self.server.db] + c.split() + ["--help"],
                                   capture_output=True, text=True, timeout=30, env=self.server.env)
                self.assertEqual(p.returncode, 0, "%s --help: %s" % (c, p.stderr))
                self.assertIn("usage", p.stdout.lower())

    def test_a_browser_gets_a_page_for_an_unknown_address(self):
        r = self.server.request("GET", "/no-such-page", headers={"Accept": "text/html,application/xhtml+xml"})
        self.assertEqual(r.status, 404)
        self.assertIn("text/html", r.header("Content-Type"))
        self.assertIn("Page not found", r.text())
        # an API client still gets JSON, whatever it accepts
        r = self.server.request("GET", "/api/v1/nothing", headers={"Accept": "text/html"})
        self.assertEqual(r.status, 404)
        self.assertEqual(r.json()["code"], "NotFound")
        r = self.server.request("GET", "/no-such-page")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.json()["code"], "NotFound")


if __name__ == "__main__":
    harness.main()

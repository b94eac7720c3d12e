"""`postroom apikey revoke TENANT --all | --name LABEL` (issue 10: a leak of
a business's keys answered at once).

Business A has three keys, B one. Revoking all of A's keys ends each on its
next request against the running server (401), while B's key works; the
command says how many it revoked, and the access audit records it once
with ids only. Revoking by name ends only the keys of that name. An
unknown business is refused and nothing changes.

Run: /usr/bin/python3 tests/e2e/test_apikey_revoke.py BUILD/postroom
"""
import subprocess
import unittest

import harness

S = None


def setUpModule():
    global S
    S = harness.Server.start_new()


def tearDownModule():
    S.stop_and_check()


def status(key):
    return S.request("GET", "/api/v1/orders", headers={"Authorization": "Bearer " + key}).status


def run(*args):
    return subprocess.run([S.binary, "--db", S.db] + [str(a) for a in args], capture_output=True,
                          text=True, timeout=60, env=S.env)


class Revoke(unittest.TestCase):
    def test_all_of_one_business_at_once(self):
        a = S.new_tenant("Revoke All A Ltd")
        b = S.new_tenant("Revoke All B Ltd")
        more = [S.apikey_create(a.id, "extra-%d" % i) for i in range(2)]
        keys = [a.key] + more
        for k in keys + [b.key]:
            self.assertEqual(status(k), 200)
        p = run("apikey", "revoke", a.id, "--all")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.strip(), "3 keys revoked")
        for k in keys:
            self.assertEqual(status(k), 401, "a revoked key still works")
        self.assertEqual(status(b.key), 200, "the other business's key was revoked")
        with S.db_connect() as db:
            rows = db.execute("SELECT data_tenant, objects FROM audit WHERE action = 'apikey.revoke'"
                              ).fetchall()
        self.assertIn((int(a.id), "tenant:%s,keys:all" % a.id), rows)
        for k in keys:
            self.assertNotIn(k, repr(rows))
        # again: nothing left to revoke
        p = run("apikey", "revoke", a.id, "--all")
        self.assertEqual(p.stdout.strip(), "0 keys revoked")

    def test_by_name(self):
        a = S.new_tenant("Revoke Named Ltd")
        leaked = S.apikey_create(a.id, "shop-plugin")
        p = run("apikey", "revoke", a.id, "--name", "shop-plugin")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(status(leaked), 401)
        self.assertEqual(status(a.key), 200, "a key of another name was revoked")

    def test_refused(self):
        for args in (["apikey", "revoke", "999999", "--all"], ["apikey", "revoke", "x", "--all"],
                     ["apikey", "revoke", "1"], ["apikey", "revoke", "1", "--name"]):
            p = run(*args)
            self.assertNotEqual(p.returncode, 0, args)
            self.assertTrue(p.stderr.strip(), args)


if __name__ == "__main__":
    harness.main()

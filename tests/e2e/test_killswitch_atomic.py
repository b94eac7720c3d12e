"""A kill switch and its access-audit record are one transaction (issue 10).

With the audit table made to refuse every insert (a trigger planted in the
database, as a full disk or a broken chain would), `postroom killswitch on`
and `off` fail, say that nothing changed, and leave the switches exactly as
they were: a switch nobody recorded never stands, and no record names a
switch that failed. With the trigger gone, the same commands work and each
is recorded once.

Run: /usr/bin/python3 tests/e2e/test_killswitch_atomic.py BUILD/postroom
"""
import subprocess
import unittest

import harness

S = None
TA = None


def setUpModule():
    global S, TA
    S = harness.Server.start_new()
    TA = S.new_tenant("Atomic Switch Ltd")


def tearDownModule():
    S.stop_and_check()


def run(*args):
    return subprocess.run([S.binary, "--db", S.db] + list(args), capture_output=True, text=True,
                          timeout=60, env=S.env)


def audit_actions():
    with S.db_connect() as db:
        return [r[0] for r in db.execute("SELECT action FROM audit WHERE action LIKE 'killswitch.%' "
                                         "OR action = 'sessions.revoke' ORDER BY seq")]


def switches():
    with S.db_connect() as db:
        return sorted(db.execute("SELECT tenant_id, feature FROM killswitches WHERE active = 1").fetchall())


class Refused:
    """The audit table refuses inserts while inside the block."""

    def __enter__(self):
        harness.refuse_inserts(S, "audit", True)

    def __exit__(self, *exc):
        harness.refuse_inserts(S, "audit", False)


class KillSwitchAtomic(unittest.TestCase):
    def test_on_and_off_stand_only_with_their_record(self):
        before_records, before_switches = audit_actions(), switches()
        with Refused():
            p = run("killswitch", "on", "--tenant", TA.id, "--feature", "labels", "--reason",
                    "atomic test", "--revoke-sessions")
            self.assertNotEqual(p.returncode, 0, p.stdout + p.stderr)
            self.assertIn("nothing changed", p.stderr)
        self.assertEqual(switches(), before_switches, "a switch stood without its audit record")
        self.assertEqual(audit_actions(), before_records)

        p = run("killswitch", "on", "--tenant", TA.id, "--feature", "labels", "--reason", "atomic test")
        self.assertEqual(p.returncode, 0, p.stderr)
        on = switches()
        self.assertEqual(len(on), len(before_switches) + 1)
        self.assertEqual(audit_actions(), before_records + ["killswitch.on"])

        with Refused():
            p = run("killswitch", "off", "--tenant", TA.id, "--feature", "labels")
            self.assertNotEqual(p.returncode, 0, p.stdout + p.stderr)
            self.assertIn("nothing changed", p.stderr)
        self.assertEqual(switches(), on, "a switch went off without its audit record")

        p = run("killswitch", "off", "--tenant", TA.id, "--feature", "labels")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(switches(), before_switches)
        self.assertEqual(audit_actions(), before_records + ["killswitch.on", "killswitch.off"])
        self.assertRegex(S.cli("audit", "verify"), r"^intact: ")


if __name__ == "__main__":
    harness.main()

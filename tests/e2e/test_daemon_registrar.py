"""Agents' softphones register with the daemon: digest authentication
(MD5, qop=auth), bindings with expiry, an unknown user answered exactly
like a wrong password, lock-out after repeated failures: of the source,
and of the user only past a much higher count. Credentials as HA1."""
import hashlib
import json
import os
import re
import socket
import time
import unittest

from daemon import Daemon, wait_for

AGENTS = [{"username": "agent1", "password": "s3cret-One",
           "first_name": "Ada", "last_name": "Lovelace"},
          {"username": "agent2", "password": "s3cret-Two"}]


class Client:
    """A REGISTER client over UDP from one local port."""

    def __init__(self, port, host="127.0.0.1"):
        self.port = port
        self.host = host
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.bind((host, 0))
        self.s.settimeout(5)
        self.lport = self.s.getsockname()[1]
        self.cseq = 0
        self.callid = "reg-%d-%d@test" % (self.lport, time.monotonic_ns())

    def close(self):
        self.s.close()

    def register(self, user, auth=None, expires=60, contact=None):
        self.cseq += 1
        contact = contact or "<sip:%s@%s:%d>" % (user, self.host,
                                                 self.lport)
        lines = [
            "REGISTER sip:127.0.0.1:%d SIP/2.0" % self.port,
            "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK%d%d;rport" %
            (self.host, self.lport, self.cseq, time.monotonic_ns()),
            "From: <sip:%s@127.0.0.1>;tag=r%d" % (user, self.lport),
            "To: <sip:%s@127.0.0.1>" % user,
            "Call-ID: " + self.callid,
            "CSeq: %d REGISTER" % self.cseq,
            "Contact: " + contact,
            "Expires: %d" % expires,
            "Max-Forwards: 70"]
        if auth:
            lines.append("Authorization: " + auth)
        lines += ["Content-Length: 0", "", ""]
        self.s.sendto("\r\n".join(lines).encode(),
                      ("127.0.0.1", self.port))
        data = self.s.recvfrom(65535)[0].decode()
        return int(data.split(" ", 2)[1]), data

    def login(self, user, password, expires=60, contact=None):
        status, text = self.register(user, expires=expires, contact=contact)
        if status != 401:
            return status, text
        return self.register(user, self.answer(text, user, password),
                             expires, contact)

    def answer(self, challenge, user, password, uri=None):
        realm = re.search(r'realm="([^"]+)"', challenge).group(1)
        nonce = re.search(r'nonce="([^"]+)"', challenge).group(1)
        uri = uri or "sip:127.0.0.1:%d" % self.port
        cnonce, nc = "c0ffee%d" % self.cseq, "00000001"

        def md5(x):
            return hashlib.md5(x.encode()).hexdigest()
        ha1 = md5("%s:%s:%s" % (user, realm, password))
        ha2 = md5("REGISTER:" + uri)
        resp = md5("%s:%s:%s:%s:auth:%s" % (ha1, nonce, nc, cnonce, ha2))
        return ('Digest username="%s", realm="%s", nonce="%s", uri="%s", '
                'response="%s", algorithm=MD5, qop=auth, nc=%s, '
                'cnonce="%s"' % (user, realm, nonce, uri, resp, nc, cnonce))


class Registrar(unittest.TestCase):

    def setUp(self):
        self.d = Daemon(config={"agents": AGENTS},
                        trunks=[{"name": "sbc", "allow": ["192.0.2.1"]}])
        self.d.start()
        self.c = Client(self.d.sip_port)

    def tearDown(self):
        self.c.close()
        rc = self.d.stop()
        self.d.cleanup()
        self.assertEqual(rc, 0)

    def test_challenge_then_register_and_unregister(self):
        status, text = self.c.register("agent1")
        self.assertEqual(status, 401)
        self.assertIn('WWW-Authenticate: Digest realm="callflowd"', text)
        self.assertIn('qop="auth"', text)

        status, text = self.c.login("agent1", "s3cret-One", expires=120)
        self.assertEqual(status, 200, text)
        self.assertRegex(text, r"Contact: <sip:agent1@127\.0\.0\.1:%d>;"
                         r"expires=1[12]\d" % self.c.lport)

        status, text = self.c.login("agent1", "s3cret-One", expires=0)
        self.assertEqual(status, 200)
        self.assertNotIn("Contact:", text)

    def test_unknown_user_answered_like_wrong_password(self):
        def strip(text):
            # the status line and challenge, nonce aside, must not differ
            text = re.sub(r'nonce="[^"]+"', 'nonce=""', text)
            return [l for l in text.split("\r\n")
                    if l.startswith(("SIP/2.0", "WWW-Authenticate"))]
        _, ch = self.c.register("agent2")
        s1, wrong = self.c.register(
            "agent2", self.c.answer(ch, "agent2", "not-it"))
        _, ch = self.c.register("nobody")
        s2, unknown = self.c.register(
            "nobody", self.c.answer(ch, "nobody", "whatever"))
        self.assertEqual(s1, 401)
        self.assertEqual(s2, 401)
        self.assertEqual(strip(wrong), strip(unknown))

    def test_lockout_after_repeated_failures(self):
        for _ in range(5):
            _, ch = self.c.register("agent2")
            status, _ = self.c.register(
                "agent2", self.c.answer(ch, "agent2", "guess"))
            self.assertEqual(status, 401)
        status, _ = self.c.register("agent2")
        self.assertEqual(status, 403)
        self.d.wait_log("locked out")
        # even the right password is refused while locked out
        status, _ = self.c.login("agent2", "s3cret-Two")
        self.assertEqual(status, 403)

    def test_interval_too_brief(self):
        _, ch = self.c.register("agent1", expires=10)
        status, text = self.c.register(
            "agent1", self.c.answer(ch, "agent1", "s3cret-One"), 10)
        self.assertEqual(status, 423)
        self.assertIn("Min-Expires: 60", text)

    def test_stale_nonce_from_elsewhere_rejected(self):
        forged = ('Digest username="agent1", realm="callflowd", '
                  'nonce="1234.abcd", uri="sip:127.0.0.1", '
                  'response="00000000000000000000000000000000"')
        status, _ = self.c.register("agent1", forged)
        self.assertEqual(status, 401)


def ha1(user, password, realm="callflowd"):
    return hashlib.md5(("%s:%s:%s" % (user, realm, password)).encode()) \
        .hexdigest()


class Lockouts(unittest.TestCase):
    """An attacker guessing from one address locks out that address, not
    the agent: its phone, registering from elsewhere, keeps working."""

    def start(self, security=None):
        cfg = {"agents": [
            {"username": "agent1", "ha1": ha1("agent1", "right-One")},
            {"username": "agent2", "password": "right-Two"}]}
        if security:
            cfg["security"] = {"registrar": security}
        self.d = Daemon(config=cfg,
                        trunks=[{"name": "sbc", "allow": ["192.0.2.1"]}])
        self.addCleanup(self.d.cleanup)
        self.d.start()

    def client(self, host):
        c = Client(self.d.sip_port, host)
        self.addCleanup(c.close)
        return c

    def guess(self, c, user, n):
        for _ in range(n):
            status, ch = c.register(user)
            if status != 401:
                return status
            status, _ = c.register(user, c.answer(ch, user, "guess"))
            self.assertEqual(status, 401)
        return 401

    def test_attacker_source_locked_not_the_agents_phone(self):
        self.start()
        attacker = self.client("127.0.0.2")
        self.guess(attacker, "agent1", 5)
        status, _ = attacker.register("agent1")
        self.assertEqual(status, 403)
        self.d.wait_log("registrar: 127.0.0.2 locked out")
        # even the right password from there is refused for now
        status, _ = attacker.login("agent1", "right-One")
        self.assertEqual(status, 403)

        phone = self.client("127.0.0.1")
        status, text = phone.login("agent1", "right-One")
        self.assertEqual(status, 200, text)
        self.assertIn("Contact: <sip:agent1@127.0.0.1:%d>" % phone.lport,
                      text)
        self.assertNotIn("user agent1 locked out", self.d.log())
        code, agent = self.d.http("GET", "/v1/agents/agent1")
        self.assertEqual(code, 200)
        self.assertTrue(agent["device"])

        # the API lists the lock-out and clears it, audited
        code, body = self.d.http("GET", "/v1/lockouts")
        self.assertEqual(code, 200)
        self.assertEqual([(l["kind"], l["name"]) for l in body["lockouts"]],
                         [("source", "127.0.0.2")])
        self.assertGreater(body["lockouts"][0]["seconds_left"], 0)
        code, body = self.d.http("DELETE", "/v1/lockouts/user/agent1")
        self.assertEqual(code, 404, body)
        code, body = self.d.http("DELETE", "/v1/lockouts/nonsense/x")
        self.assertEqual(code, 400, body)
        code, body = self.d.http("POST", "/v1/lockouts")
        self.assertEqual(code, 405, body)
        code, body = self.d.http("DELETE", "/v1/lockouts/source/127.0.0.2")
        self.assertEqual(code, 200, body)
        self.assertEqual(body["lockouts"], [])
        status, _ = attacker.login("agent1", "right-One")
        self.assertEqual(status, 200)
        audit = wait_for(lambda: [json.loads(l) for l in open(
            os.path.join(self.d.data_dir, "audit", "audit.jsonl"))
            if '"DELETE"' in l and "/v1/lockouts/source" in l], 10,
            "the clearing in the audit trail")
        self.assertEqual(audit[-1]["Status"], 200)
        self.assertEqual(self.d.stop(), 0)

    def test_user_locked_only_past_its_own_threshold(self):
        self.start({"max_failures": 5, "user_max_failures": 8})
        # four guesses each from two addresses: no source reaches 5, the
        # user reaches 8 and is locked for every source
        self.guess(self.client("127.0.0.2"), "agent1", 4)
        phone = self.client("127.0.0.1")
        status, text = phone.login("agent1", "right-One")
        self.assertEqual(status, 200, text)
        self.guess(self.client("127.0.0.3"), "agent1", 4)
        self.d.wait_log("user agent1 locked out")
        self.assertNotIn("127.0.0.2 locked out", self.d.log())
        status, _ = phone.login("agent1", "right-One")
        self.assertEqual(status, 403)
        # other agents are not concerned
        status, _ = phone.login("agent2", "right-Two")
        self.assertEqual(status, 200)
        self.assertEqual(self.d.stop(), 0)

    def test_ha1_credential_and_plain_password_warning(self):
        self.start()
        c = self.client("127.0.0.1")
        status, _ = c.login("agent1", "right-One")
        self.assertEqual(status, 200)
        status, _ = c.login("agent2", "right-Two")
        self.assertEqual(status, 200)
        log = self.d.log()
        self.assertIn("agent agent2: plain-text password", log)
        self.assertNotIn("agent agent1: plain-text password", log)
        self.assertEqual(self.d.stop(), 0)

    def test_bad_policy_refuses_start(self):
        d = Daemon(config={"security": {"registrar": {"max_failure": 3}}})
        self.addCleanup(d.cleanup)
        with self.assertRaises(AssertionError):
            d.start()
        self.assertIn("security.registrar.max_failure: unknown key", d.log())


if __name__ == "__main__":
    unittest.main()

"""RFC 4475's torture messages thrown at a running daemon.

Every message of tests/data/sip-torture/ (see its README and MANIFEST.tsv)
goes over UDP and over TCP (one connection each, then all of them back to
back on one connection) while a long SIPp call is up. After each UDP
message a probe (OPTIONS from the trusted trunk, INVITE from outside it)
must be answered, so the daemon has processed the message and still
serves; at the end /health answers, a fresh INVITE gets a final response,
the live call is hung up by SIPp (rc 0, a CUSTOMER_DISCONNECT record), and
SIGTERM ends the process with 0 and no sanitizer report in its log (the
test runs against whichever build CFD_BUILD_DIR points at, ASan too).
A second daemon whose trunk allows only 192.0.2.0/24 gets the same
messages from 127.0.0.1: nothing but refusals, no crash.
"""
import csv
import os
import re
import socket
import time
import unittest

import cfd
from daemon import Daemon, Sipp, sip_invite, wait_for, free_port

TORTURE = cfd.data("sip-torture")
WAIT = cfd.data("e2e", "flows", "wait.json")
N_WAIT = "+18005550102"
SANITIZER = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
             "runtime error:", "SUMMARY: UndefinedBehaviorSanitizer")


def corpus():
    """(name, bytes, class) of every message, 192.0.2.x -> 127.0.0.x."""
    with open(os.path.join(TORTURE, "MANIFEST.tsv")) as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    out = []
    for r in rows:
        with open(os.path.join(TORTURE, r["file"]), "rb") as f:
            data = f.read()
        out.append((r["file"], data.replace(b"192.0.2.", b"127.0.0."),
                    r["class"]))
    return out


def with_rport(data):
    """The message with ;rport on its top Via, so that the answer comes
    back to the sending socket (most torture messages name port 5060)."""
    head, sep, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    for i, line in enumerate(lines):
        if re.match(rb"(?i)^(via|v)\s*:", line):
            lines[i] = line + b";rport"
            break
    return b"\r\n".join(lines) + sep + body


# Answers RFC 4475 names, for messages a UAS can judge (with rport added).
# An INVITE for no configured number is 404 once it is well formed.
EXPECTED = {
    "intmeth.dat": 501,		# unknown method
    "esc02.dat": 501,		# RE%47IST%45R is not REGISTER
    "mpart01.dat": 405,		# MESSAGE: known, not taken here
    "clerr.dat": 400,		# Content-Length past the datagram
    "ncl.dat": 400,		# negative Content-Length
    "mismatch02.dat": 400,	# CSeq method mismatch
    "insuf.dat": 400,		# no Call-ID, From, To
    "unkscm.dat": 416,		# unknown Request-URI scheme
    "novelsc.dat": 416,		# soap.beep:
    "bext01.dat": 420,		# Require: nothing we support
    "invut.dat": 415,		# body is not SDP
    "multi01.dat": 400,		# two Call-IDs, Tos, Froms, CSeqs
    "mcl01.dat": 400,		# two Content-Lengths
    "lwsdisp.dat": 200,		# OPTIONS, valid
    "zeromf.dat": 200,		# OPTIONS with Max-Forwards 0 at the UAS
}


def probe_request(method, port, lport, n, tp="UDP"):
    branch = "z9hG4bKprobe%d-%d" % (lport, n)
    lines = ["%s sip:probe@127.0.0.1:%d SIP/2.0" % (method, port),
             "Via: SIP/2.0/%s 127.0.0.1:%d;branch=%s;rport" % (
                 tp, lport, branch),
             "From: <sip:+15550003333@127.0.0.1>;tag=p%d" % n,
             "To: <sip:probe@127.0.0.1>",
             "Call-ID: probe%d-%d@test" % (lport, n),
             "CSeq: 1 %s" % method,
             "Contact: <sip:probe@127.0.0.1:%d>" % lport,
             "Max-Forwards: 70", "Content-Length: 0", "", ""]
    return "\r\n".join(lines).encode(), branch


def statuses_until(sock, branch, timeout):
    """Status codes received on a UDP socket until the response carrying
    branch; (statuses before it, its status)."""
    sock.settimeout(timeout)
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data = sock.recvfrom(65535)[0]
        if not data.startswith(b"SIP/2.0 "):
            continue
        status = int(data.split(b" ", 2)[1])
        if branch.encode() in data:
            if status >= 200:
                return seen, status
            continue
        seen.append(status)
    raise AssertionError("no answer to the probe " + branch)


class Torturer:
    """Sends the corpus to one daemon and checks it answers probes."""

    def __init__(self, test, d, probe_method, probe_status):
        self.t = test
        self.d = d
        self.method = probe_method
        self.want = probe_status
        self.n = 0
        self.answers = {}

    def udp(self, msgs, rport=False):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        lport = s.getsockname()[1]
        try:
            for name, data, _ in msgs:
                s.sendto(with_rport(data) if rport else data,
                         ("127.0.0.1", self.d.sip_port))
                self.n += 1
                probe, branch = probe_request(self.method, self.d.sip_port,
                                              lport, self.n)
                s.sendto(probe, ("127.0.0.1", self.d.sip_port))
                seen, status = statuses_until(s, branch, 10)
                self.t.assertEqual(status, self.want,
                                   "probe after %s over UDP" % name)
                self.answers[("udp+rport" if rport else "udp",
                              name)] = seen
        finally:
            s.close()

    def tcp_each(self, msgs):
        for name, data, _ in msgs:
            c = socket.create_connection(("127.0.0.1", self.d.sip_port), 5)
            try:
                c.sendall(data)
                self.alive("after %s over TCP" % name)
            finally:
                c.close()

    def tcp_stream(self, msgs):
        c = socket.create_connection(("127.0.0.1", self.d.sip_port), 5)
        try:
            for _, data, _ in msgs:
                try:
                    c.sendall(data)
                except OSError:	# the daemon may close a bad stream
                    break
            self.alive("after the whole corpus on one TCP connection")
        finally:
            c.close()

    def alive(self, what):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        try:
            self.n += 1
            probe, branch = probe_request(self.method, self.d.sip_port,
                                          s.getsockname()[1], self.n)
            s.sendto(probe, ("127.0.0.1", self.d.sip_port))
            _, status = statuses_until(s, branch, 10)
            self.t.assertEqual(status, self.want, "probe " + what)
        finally:
            s.close()


def cue_sipp(sipp, call_id):
    """The INFO uac_until_info.xml waits for before it hangs up."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    msg = ("INFO sip:caller@127.0.0.1:%d SIP/2.0\r\n"
           "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKcue%d;rport\r\n"
           "From: <sip:test@127.0.0.1>;tag=cue\r\n"
           "To: <sip:caller@127.0.0.1>;tag=cue2\r\n"
           "Call-ID: %s\r\nCSeq: 1 INFO\r\nMax-Forwards: 70\r\n"
           "Content-Length: 0\r\n\r\n") % (sipp.port, port, port, call_id)
    try:
        s.sendto(msg.encode(), ("127.0.0.1", sipp.port))
    finally:
        s.close()


class Torture(unittest.TestCase):

    def assert_clean_exit(self, d):
        rc = d.stop(timeout=60)
        log = d.log()
        for mark in SANITIZER:
            self.assertNotIn(mark, log, log[-6000:])
        self.assertEqual(rc, 0, log[-3000:])

    def test_corpus_during_live_call(self):
        msgs = corpus()
        self.assertEqual(len(msgs), 49)
        d = Daemon(flows=[WAIT], numbers={N_WAIT: "E2E Wait"})
        # the caller's audio lasts 8 s: keep a quiet caller up meanwhile
        d.config["sip"]["rtp"]["timeout_seconds"] = 600
        d.config["shutdown_grace_seconds"] = 5
        d.write_config()
        self.addCleanup(d.cleanup)
        d.start()

        call_id = "torture1@callflowd-e2e"
        sipp = Sipp(d, "uac_until_info.xml", N_WAIT.lstrip("+"),
                    args=["-cid_str", "torture%u@callflowd-e2e"],
                    timeout=600)
        # SIPp's media ports away from the daemon's RTP range
        rtp = d.config["sip"]["rtp"]
        mp = rtp["port_max"] + 8 if rtp["port_max"] < 60000 else \
            rtp["port_min"] - 16
        mp -= mp % 4
        sipp.cmd[sipp.cmd.index("-mp") + 1] = str(mp)
        self.addCleanup(sipp.kill)
        sipp.start()

        def live():
            code, body = d.http("GET", "/v1/contacts")
            return code == 200 and [c for c in body["contacts"]
                                    if c["flow"] == "E2E Wait"]
        wait_for(live, 20, "the live call")

        t = Torturer(self, d, "OPTIONS", 200)
        # answers first: a resent message matches the first one's
        # transaction, whose answer went to the port its Via named
        t.udp(msgs, rport=True)
        t.udp(msgs)
        t.tcp_each(msgs)
        t.tcp_stream(msgs)

        code, body = d.http("GET", "/health")
        self.assertEqual((code, body["status"]), (200, "ok"))
        self.assertEqual(sip_invite(d.sip_port, "+18005559999")[-1][0], 404)
        self.assertEqual(sip_invite(d.sip_port, "+18005559999",
                                    transport="tcp")[-1][0], 404)
        self.assertTrue(live(), "the live call survived the torture")

        # the answers the RFC names (a repeated branch may also bring a
        # retransmission of an earlier answer, hence assertIn)
        for name, status in EXPECTED.items():
            self.assertIn(status, t.answers[("udp+rport", name)], name)

        cue_sipp(sipp, call_id)
        self.assertEqual(sipp.wait(60), 0, sipp.errors() + d.log()[-3000:])
        rec = wait_for(lambda: [r for r in d.records()
                                if (r.get("SystemEndpoint") or {})
                                .get("Address") == N_WAIT],
                       20, "the live call's record")[0]
        self.assertEqual(rec["DisconnectReason"], "CUSTOMER_DISCONNECT")
        self.assert_clean_exit(d)

    def test_corpus_from_outside_the_trunk(self):
        msgs = corpus()
        d = Daemon(flows=[WAIT], numbers={N_WAIT: "E2E Wait"},
                   trunks=[{"name": "carrier", "allow": ["192.0.2.0/24"]}])
        self.addCleanup(d.cleanup)
        d.start()

        # an INVITE from outside is refused (403): the probe
        t = Torturer(self, d, "INVITE", 403)
        # answers first: a resent message matches the first one's
        # transaction, whose answer went to the port its Via named
        t.udp(msgs, rport=True)
        t.udp(msgs)
        t.tcp_each(msgs)
        t.tcp_stream(msgs)
        for (_, name), seen in t.answers.items():
            for status in seen:
                # 403 for INVITEs; REGISTER goes to the agents'
                # registrar (digest challenge) wherever it comes from
                self.assertIn(status, (401, 403),
                              "%s answered %d to an untrusted source" %
                              (name, status))
        code, _ = d.http("GET", "/health")
        self.assertEqual(code, 200)
        self.assertEqual(d.records(), [])	# nothing reached a flow
        self.assert_clean_exit(d)


if __name__ == "__main__":
    unittest.main()

"""The daemon as an operator runs it: flows edited under a live call,
signals (SIGHUP reload, SIGTERM drain) and systemd's notify protocol, and
call control as a carrier exercises it (caller BYE, RTP timeout,
re-INVITE hold/resume/codec change, CANCEL racing the answer, an ACK that
never comes). Every wait is on an event (API state, a log line, a SIPp
exit, a notify datagram) with a deadline."""
import json
import os
import random
import shutil
import signal
import socket
import tempfile
import time
import unittest

import cfd
from daemon import Daemon, Sipp, sip_invite, wait_for

FLOWS = cfd.data("e2e", "flows")
VERSIONED = os.path.join(FLOWS, "versioned.json")
WAIT = os.path.join(FLOWS, "wait.json")

N_VERSIONED = "+18005550101"	# "E2E Versioned": stamps, waits 3 s, hangs up
N_WAIT = "+18005550102"		# "E2E Wait": stamps, waits an hour
N_SHORT = "+18005550103"	# "E2E Short": stamps and hangs up at once


def versioned_text(version, name="E2E Versioned", wait="3"):
    """The versioned flow file with another FlowVersion/name/wait."""
    with open(VERSIONED) as f:
        doc = json.load(f)
    content = json.loads(doc["Content"])
    content["Actions"][0]["Parameters"]["Attributes"]["FlowVersion"] = \
        version
    content["Actions"][1]["Parameters"]["TimeLimitSeconds"] = wait
    doc["Name"] = name
    doc["Content"] = json.dumps(content)
    return json.dumps(doc, indent=1)


def write_short(d):
    """Add "E2E Short" (no wait) to the daemon's flows folder."""
    with open(os.path.join(d.flows_dir, "short.json"), "w") as f:
        f.write(versioned_text("short", name="E2E Short", wait="0"))


def flows_by_path(d):
    code, body = d.http("GET", "/v1/flows")
    assert code == 200, code
    return {os.path.basename(f["path"] or ""): f for f in body["flows"]}


def contacts(d):
    code, body = d.http("GET", "/v1/contacts")
    assert code == 200, code
    return body["contacts"]


def cue_sipp(sipp, call_id):
    """Send the INFO uac_until_info.xml waits for. SIPp (-t u1) answers
    it towards its remote host, the daemon, which drops the stray 200; the
    cue is confirmed by SIPp's BYE and exit."""
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


def new_sipp(d, scenario, number, args=()):
    """A Sipp whose RTP ports are free and outside the daemon's RTP range
    (the default pick can land inside it and fail to bind)."""
    s = Sipp(d, scenario, number.lstrip("+"), args=args)
    rtp = d.config["sip"]["rtp"]
    lo, hi = rtp["port_min"], rtp["port_max"] + 1
    for _ in range(500):
        p = random.randrange(30000, 60000, 4)
        if p + 3 < lo or p > hi:
            if all(udp_free(p + i) for i in range(4)):
                s.media_port = p
                s.cmd[s.cmd.index("-mp") + 1] = str(p)
                return s
    raise RuntimeError("no free media port")


def udp_free(port):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        u.close()


def cue_args(tag):
    """SIPp args giving the first call a known Call-ID."""
    return ["-cid_str", "%s%%u@callflowd-e2e" % tag], \
        "%s1@callflowd-e2e" % tag


class DaemonCase(unittest.TestCase):
    """A fresh daemon per test with the e2e flows and numbers."""

    numbers = {N_VERSIONED: "E2E Versioned", N_WAIT: "E2E Wait",
               N_SHORT: "E2E Short"}
    config = None

    def setUp(self):
        self.sipps = []
        self.d = Daemon(flows=[VERSIONED, WAIT], numbers=self.numbers,
                        config=self.config)
        write_short(self.d)
        self.d.start()

    def tearDown(self):
        for s in self.sipps:
            s.kill()
        rc = self.d.stop()
        self.d.cleanup()
        self.assertEqual(rc, 0, "callflowd exit code")

    def sipp(self, scenario, number, args=()):
        s = new_sipp(self.d, scenario, number, args)
        self.sipps.append(s)
        return s

    def call_ok(self, scenario, number, args=()):
        s = self.sipp(scenario, number, args)
        rc = s.run()
        self.assertEqual(rc, 0, s.errors() + self.d.log()[-3000:])
        return s

    def live(self, flow, n=1):
        return wait_for(lambda: len([c for c in contacts(self.d)
                                     if c["flow"] == flow]) >= n,
                        20, "%d live contact(s) in %s" % (n, flow))

    def record_of(self, number, n=1):
        """The n-th record for calls to number (waits for it)."""
        def find():
            rs = [r for r in self.d.records()
                  if r["SystemEndpoint"]["Address"] == number]
            return rs[n - 1] if len(rs) >= n else None
        return wait_for(find, 20, "record %d for %s" % (n, number))

    def await_version(self, fname, above, deadline_s=1.0):
        """Poll /v1/flows until fname serves a version above `above`;
        fail when that takes longer than deadline_s after the write."""
        t0 = time.monotonic()
        entry = wait_for(lambda: (lambda e: e if e and e["serving"] and
                                  e["version"] > above else None)(
                                      flows_by_path(self.d).get(fname)),
                         deadline_s, "%s version > %d within %.1f s" %
                         (fname, above, deadline_s), interval=0.01)
        return entry, time.monotonic() - t0


class FlowsDirectory(DaemonCase):
    """The flows folder is watched: edits reach new calls within a
    second, live calls finish on the version they started with."""

    def test_atomic_rename_during_live_call(self):
        v1 = flows_by_path(self.d)["versioned.json"]
        self.assertEqual((v1["serving"], v1["errors"]), (True, []))
        first = self.sipp("uac_until_bye.xml", N_VERSIONED).start()
        self.live("E2E Versioned")

        tmp = os.path.join(self.d.flows_dir, ".versioned.json.tmp")
        with open(tmp, "w") as f:
            f.write(versioned_text("v2"))
        os.rename(tmp, os.path.join(self.d.flows_dir, "versioned.json"))
        entry, _ = self.await_version("versioned.json", v1["version"])
        # the swap happened while the first call was still in its flow
        self.assertTrue([c for c in contacts(self.d)
                         if c["flow"] == "E2E Versioned"])
        self.assertEqual(first.wait(), 0, first.errors())
        self.assertEqual(entry["errors"], [])

        self.call_ok("uac_until_bye.xml", N_VERSIONED)
        old = self.record_of(N_VERSIONED, 1)
        new = self.record_of(N_VERSIONED, 2)
        self.assertEqual(old["Attributes"]["FlowVersion"], "v1")
        self.assertEqual(old["Attributes"]["Phase"], "waited")
        self.assertEqual(new["Attributes"]["FlowVersion"], "v2")
        self.assertEqual(old["DisconnectReason"], "CONTACT_FLOW_DISCONNECT")

    def test_in_place_rewrite_in_two_partial_writes(self):
        v1 = flows_by_path(self.d)["versioned.json"]
        first = self.sipp("uac_until_bye.xml", N_VERSIONED).start()
        self.live("E2E Versioned")

        text = versioned_text("v3").encode()
        path = os.path.join(self.d.flows_dir, "versioned.json")
        with open(path, "wb") as f:	# truncates in place
            f.write(text[:len(text) // 2])
            f.flush()
            os.fsync(f.fileno())
            # a slow writer: the second half lands 50 ms later, inside
            # the watcher's quiet period (this is the stimulus, not a wait)
            time.sleep(0.05)
            f.write(text[len(text) // 2:])
        entry, _ = self.await_version("versioned.json", v1["version"])
        self.assertEqual(entry["errors"], [])
        # the half-written file was never tried
        self.assertNotIn("versioned.json not loaded", self.d.log())
        self.assertEqual(first.wait(), 0, first.errors())

        self.call_ok("uac_until_bye.xml", N_VERSIONED)
        self.assertEqual(self.record_of(N_VERSIONED, 1)["Attributes"]
                         ["FlowVersion"], "v1")
        self.assertEqual(self.record_of(N_VERSIONED, 2)["Attributes"]
                         ["FlowVersion"], "v3")

    def test_broken_files_and_editor_temporaries(self):
        before = flows_by_path(self.d)
        fdir = self.d.flows_dir
        # editor leftovers first: they must never be read
        for junk in (".versioned.json.swp", "versioned.json~",
                     "#versioned.json#"):
            with open(os.path.join(fdir, junk), "w") as f:
                f.write("{ not json")
        # a known flow broken, and a new file that never was good
        with open(os.path.join(fdir, "versioned.json"), "w") as f:
            f.write('{"Name": "E2E Versioned", "Type": "CONTACT_FLOW", '
                    '"Content": "{\\"Version\\": \\"2019-10-30\\", ')
        with open(os.path.join(fdir, "newbroken.json"), "w") as f:
            f.write('{"Version": "2019-10-30", "StartAction": "nowhere", '
                    '"Actions": []}')

        def settled():
            fl = flows_by_path(self.d)
            v, n = fl.get("versioned.json"), fl.get("newbroken.json")
            return fl if v and v["errors"] and n and n["errors"] else None
        t0 = time.monotonic()
        fl = wait_for(settled, 1.0, "errors of both broken files in "
                      "/v1/flows within 1 s", interval=0.01)
        self.assertLess(time.monotonic() - t0, 1.0)

        v = fl["versioned.json"]
        self.assertTrue(v["serving"], v)	# the last good version
        self.assertEqual(v["version"], before["versioned.json"]["version"])
        self.assertTrue(v["errors"][0]["message"])
        n = fl["newbroken.json"]
        self.assertFalse(n["serving"], n)
        self.assertTrue(n["errors"][0]["message"])
        for name in fl:
            self.assertFalse(name.startswith((".", "#")) or
                             name.endswith("~"), name)
        for junk in (".versioned.json.swp", "versioned.json~"):
            self.assertNotIn(junk, self.d.log())

        # calls go on: the broken flow's number on its last good version,
        # other numbers as before
        self.call_ok("uac_until_bye.xml", N_SHORT)
        self.call_ok("uac_until_bye.xml", N_VERSIONED)
        self.assertEqual(self.record_of(N_VERSIONED)["Attributes"]
                         ["FlowVersion"], "v1")
        self.assertEqual(self.record_of(N_SHORT)["Attributes"]
                         ["FlowVersion"], "short")

    def test_removed_file_stops_new_calls(self):
        """A number whose flow file is removed answers 500: the number is
        configured (404 would tell the carrier it does not exist here),
        the flow is missing, a server-side fault a carrier may route
        around. A call already in the flow finishes on it."""
        first = self.sipp("uac_until_bye.xml", N_VERSIONED).start()
        self.live("E2E Versioned")
        os.remove(os.path.join(self.d.flows_dir, "versioned.json"))
        t0 = time.monotonic()
        wait_for(lambda: "versioned.json" not in flows_by_path(self.d),
                 1.0, "removed flow gone from /v1/flows within 1 s",
                 interval=0.01)
        self.assertLess(time.monotonic() - t0, 1.0)

        status, _ = sip_invite(self.d.sip_port, N_VERSIONED)[-1]
        self.assertEqual(status, 500)
        rec = self.record_of(N_VERSIONED, 1)	# the refusal's record
        self.assertEqual(rec["Failure"]["SipStatus"], "500")

        self.assertEqual(first.wait(), 0, first.errors())
        live = self.record_of(N_VERSIONED, 2)
        self.assertEqual(live["Attributes"]["Phase"], "waited")
        self.call_ok("uac_until_bye.xml", N_SHORT)


class NotifySocket:
    """A unix datagram socket standing in for systemd's notify socket."""

    def __init__(self, folder):
        self.path = os.path.join(folder, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.05)
        self.msgs = []

    def _drain(self):
        while True:
            try:
                self.msgs.append(self.sock.recv(4096).decode())
            except socket.timeout:
                return

    def wait(self, state, after=0, timeout=20):
        """Index of the first message at/after `after` holding state."""
        def find():
            self._drain()
            for i in range(after, len(self.msgs)):
                if state in self.msgs[i].split("\n"):
                    return i + 1
            return None
        return wait_for(find, timeout, "notify %s after #%d (got %r)" %
                        (state, after, self.msgs), interval=0.0) - 1

    def close(self):
        self.sock.close()


class Signals(DaemonCase):

    numbers = {N_VERSIONED: "E2E Versioned", N_WAIT: "E2E Wait"}

    def reloads(self):
        return self.d.log().count("reload: reading")

    def test_sighup_reload_keeps_live_call(self):
        args, call_id = cue_args("hup")
        live = self.sipp("uac_until_info.xml", N_WAIT, args).start()
        self.live("E2E Wait")
        self.assertEqual(sip_invite(self.d.sip_port, N_SHORT)[-1][0], 404)

        self.d.config["numbers"][N_SHORT] = "E2E Short"
        self.d.write_config()
        self.d.signal(signal.SIGHUP)
        self.d.wait_log("reload: 3 flows serving")
        self.call_ok("uac_until_bye.xml", N_SHORT)
        self.assertEqual(self.record_of(N_SHORT, 1)["Failure"]
                         ["SipStatus"], "404")	# before the reload
        self.assertEqual(self.record_of(N_SHORT, 2)["Attributes"]
                         ["FlowVersion"], "short")

        # a broken configuration keeps the running one
        with open(self.d.config_path, "w") as f:
            f.write('{"flows_dir": "flows", ')
        self.d.signal(signal.SIGHUP)
        self.d.wait_log("keeping the running configuration")
        code, _ = self.d.http("GET", "/health")
        self.assertEqual(code, 200)
        self.call_ok("uac_until_bye.xml", N_SHORT)
        self.assertEqual(len(contacts(self.d)), 1)	# the live call

        cue_sipp(live, call_id)
        self.assertEqual(live.wait(), 0, live.errors())
        rec = self.record_of(N_WAIT)
        self.assertEqual(rec["DisconnectReason"], "CUSTOMER_DISCONNECT")
        self.assertEqual(rec["Attributes"]["FlowVersion"], "wait")


class Drain(unittest.TestCase):

    def run_daemon(self, grace, env=None):
        d = Daemon(flows=[VERSIONED, WAIT],
                   numbers={N_VERSIONED: "E2E Versioned",
                            N_WAIT: "E2E Wait"},
                   config={"shutdown_grace_seconds": grace})
        self.addCleanup(d.cleanup)
        saved = dict(os.environ)
        os.environ.update(env or {})
        try:
            d.start()
        finally:
            os.environ.clear()
            os.environ.update(saved)
        return d

    def sipp(self, d, scenario, number):
        s = new_sipp(d, scenario, number)
        self.addCleanup(s.kill)
        return s.start()

    def test_sigterm_ends_live_call_after_grace(self):
        d = self.run_daemon(2)
        live = self.sipp(d, "uac_until_bye.xml", N_WAIT)
        wait_for(lambda: contacts(d), 20, "the live call")
        t0 = time.monotonic()
        d.signal(signal.SIGTERM)
        d.wait_log("shutdown: draining 1 live call")
        status, text = sip_invite(d.sip_port, N_VERSIONED)[-1]
        self.assertEqual(status, 503)
        self.assertIn("Retry-After:", text)
        code, body = d.http("GET", "/health")
        self.assertEqual((code, body["status"]), (503, "draining"))
        self.assertEqual(len(contacts(d)), 1)	# still up in the grace

        self.assertEqual(live.wait(), 0, live.errors())	# got our BYE
        self.assertGreaterEqual(time.monotonic() - t0, 1.9)
        d.proc.wait(20)
        self.assertEqual(d.proc.returncode, 0, d.log()[-3000:])
        self.assertIn("grace period over, ending 1 live call", d.log())
        recs = [r for r in d.records()
                if r["SystemEndpoint"]["Address"] == N_WAIT]
        self.assertEqual(len(recs), 1)
        self.assertEqual(recs[0]["DisconnectReason"], "OTHER")
        refused = [r for r in d.records()
                   if r["SystemEndpoint"]["Address"] == N_VERSIONED]
        self.assertEqual(refused[0]["Failure"]["SipStatus"], "503")

    def test_sigterm_waits_for_call_ending_by_itself(self):
        d = self.run_daemon(60)
        live = self.sipp(d, "uac_until_bye.xml", N_VERSIONED)
        wait_for(lambda: contacts(d), 20, "the live call")
        d.signal(signal.SIGTERM)
        d.wait_log("shutdown: draining 1 live call")
        self.assertEqual(live.wait(), 0, live.errors())
        d.proc.wait(20)	# well before the 60 s grace
        self.assertEqual(d.proc.returncode, 0, d.log()[-3000:])
        self.assertIn("shutdown: no live calls left", d.log())
        rec = d.records()[-1]
        self.assertEqual(rec["DisconnectReason"], "CONTACT_FLOW_DISCONNECT")
        self.assertEqual(rec["Attributes"]["Phase"], "waited")

    def test_systemd_notify_protocol(self):
        tmp = tempfile.mkdtemp(prefix="cfd-notify-")
        self.addCleanup(shutil.rmtree, tmp, True)
        ns = NotifySocket(tmp)
        self.addCleanup(ns.close)
        d = self.run_daemon(2, env={"NOTIFY_SOCKET": ns.path,
                                    "WATCHDOG_USEC": "200000"})
        ready = ns.wait("READY=1")
        # watchdog pings at half the interval: several within a second
        w1 = ns.wait("WATCHDOG=1", ready)
        w2 = ns.wait("WATCHDOG=1", w1 + 1, timeout=2)
        self.assertGreater(w2, w1)

        d.signal(signal.SIGHUP)
        rl = ns.wait("RELOADING=1", ready + 1)
        ns.wait("READY=1", rl + 1)
        self.assertTrue(any(m.startswith("MONOTONIC_USEC=") or
                            "\nMONOTONIC_USEC=" in m
                            for m in ns.msgs[rl:rl + 1]), ns.msgs[rl])

        d.signal(signal.SIGTERM)
        ns.wait("STOPPING=1", rl + 1)
        d.proc.wait(20)
        self.assertEqual(d.proc.returncode, 0, d.log()[-3000:])


class CallControl(DaemonCase):

    def setUp(self):
        # a short RTP timeout for the silent caller
        self.sipps = []
        self.d = Daemon(flows=[VERSIONED, WAIT], numbers=self.numbers)
        self.d.config["sip"]["rtp"]["timeout_seconds"] = 2
        self.d.write_config()
        write_short(self.d)
        self.d.start()

    def test_caller_bye_mid_flow(self):
        self.call_ok("uac_caller_bye.xml", N_WAIT)
        rec = self.record_of(N_WAIT)
        self.assertEqual(rec["DisconnectReason"], "CUSTOMER_DISCONNECT")
        self.assertEqual(rec["Attributes"]["FlowVersion"], "wait")
        self.assertNotIn("Phase", rec["Attributes"])	# still waiting
        wait_for(lambda: not contacts(self.d), 5, "no live contacts")

    def test_rtp_timeout_ends_silent_call(self):
        t0 = time.monotonic()
        self.call_ok("uac_silent.xml", N_WAIT)	# ends with our BYE
        took = time.monotonic() - t0
        rec = self.record_of(N_WAIT)
        self.assertEqual(rec["DisconnectReason"], "TELECOM_PROBLEM")
        self.assertIn("no RTP received", self.d.log())
        self.assertGreaterEqual(took, 1.9)
        self.assertLess(took, 10)
        wait_for(lambda: not contacts(self.d), 5, "no live contacts")

    def test_reinvite_hold_resume_codec_change(self):
        s = self.call_ok("uac_reinvite.xml", N_WAIT)
        self.assertEqual(s.stats()["SuccessfulCall(C)"], "1")
        rec = self.record_of(N_WAIT)
        self.assertEqual(rec["DisconnectReason"], "CUSTOMER_DISCONNECT")
        log = self.d.log()
        self.assertNotIn("re-INVITE refused", log)

    def test_cancel_racing_invite(self):
        for transport in ("udp", "tcp", "udp", "tcp"):
            outcome = invite_cancel(self.d.sip_port, N_WAIT, transport)
            self.assertIn(outcome, ("487", "200+BYE"), transport)
        wait_for(lambda: not contacts(self.d), 10,
                 "no live contacts after CANCEL races")

        # records reach the file off the loop, after the contacts went
        def recs():
            return [r for r in self.d.records()
                    if r["SystemEndpoint"]["Address"] == N_WAIT]
        wait_for(lambda: len(recs()) >= 4, 10, "the four records")
        self.assertEqual(len(recs()), 4)

    def test_udp_octets_past_content_length_ignored(self):
        # RFC 3261 18.3: the rest of the datagram is not part of the SDP
        junk = "INVITE sip:nobody@127.0.0.1 SIP/2.0\r\nVia: junk\r\n\r\n"
        self.assertEqual(invite_cancel(self.d.sip_port, N_WAIT, "udp",
                                       cancel=False, trailer=junk),
                         "200+BYE")
        rec = self.record_of(N_WAIT)
        self.assertEqual(rec["DisconnectReason"], "CUSTOMER_DISCONNECT")


class AckTimeout(DaemonCase):

    def setUp(self):
        self.sipps = []
        self.d = Daemon(flows=[VERSIONED, WAIT], numbers=self.numbers)
        # longer than 64*T1: the silent raw caller is ended by the ACK
        # timeout, not by the RTP one
        self.d.config["sip"]["rtp"]["timeout_seconds"] = 120
        self.d.write_config()
        self.d.start()

    def test_ack_never_comes(self):
        """No ACK for the 200: libre retransmits it for 64*T1 (32 s) and
        the daemon then ends the call with a record."""
        t0 = time.monotonic()
        self.assertEqual(sip_invite(self.d.sip_port, N_WAIT)[-1][0], 200)
        rec = wait_for(lambda: [r for r in self.d.records()
                                if r["SystemEndpoint"]["Address"] ==
                                N_WAIT], 50, "record after ACK timeout")[0]
        took = time.monotonic() - t0
        self.assertGreaterEqual(took, 30)
        self.assertEqual(rec["DisconnectReason"], "TELECOM_PROBLEM")
        self.assertEqual(contacts(self.d), [])



def invite_cancel(port, number, transport, cancel=True, trailer=""):
    """INVITE then (with cancel) CANCEL at once, then ACK and BYE if it
    was answered; returns "487" or "200+BYE". A trailer goes after the
    INVITE's body, past its Content-Length, in the same datagram."""
    stream = transport == "tcp"
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if stream
                      else socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(10)
    lport = s.getsockname()[1]
    if stream:
        s.connect(("127.0.0.1", port))
    tp = transport.upper()
    branch = "z9hG4bKrace%d" % lport
    callid = "race%d@test" % lport
    sdp = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
           "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
           "m=audio 40000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
           "a=rtpmap:101 telephone-event/8000\r\n")

    def req(method, cseq, to_tag="", br=branch, body=""):
        lines = ["%s sip:%s@127.0.0.1:%d SIP/2.0" % (method, number, port),
                 "Via: SIP/2.0/%s 127.0.0.1:%d;branch=%s;rport" % (
                     tp, lport, br),
                 "From: <sip:+15550002222@127.0.0.1>;tag=f%d" % lport,
                 "To: <sip:%s@127.0.0.1>%s" % (number, to_tag),
                 "Call-ID: " + callid,
                 "CSeq: %d %s" % (cseq, method),
                 "Contact: <sip:race@127.0.0.1:%d;transport=%s>" % (
                     lport, transport),
                 "Max-Forwards: 70"]
        if body:
            lines.append("Content-Type: application/sdp")
        lines += ["Content-Length: %d" % len(body), "", ""]
        return ("\r\n".join(lines) + body).encode()

    def send(data):
        if stream:
            s.sendall(data)
        else:
            s.sendto(data, ("127.0.0.1", port))

    buf = [b""]

    def responses():
        """Yield (status, cseq method, head) as they arrive."""
        while True:
            while b"\r\n\r\n" in buf[0]:
                head, _, rest = buf[0].partition(b"\r\n\r\n")
                text = head.decode(errors="replace")
                clen = 0
                for line in text.split("\r\n"):
                    if line.lower().startswith(("content-length:", "l:")):
                        clen = int(line.split(":", 1)[1])
                buf[0] = rest[clen:]
                if not text.startswith("SIP/2.0"):
                    continue
                cseq = [ln.split(":", 1)[1].split()[1]
                        for ln in text.split("\r\n")
                        if ln.lower().startswith("cseq:")][0]
                yield int(text.split(" ", 2)[1]), cseq, text
            data = s.recv(65535) if stream else s.recvfrom(65535)[0]
            if not data:
                return
            buf[0] += data

    def to_tag(text):
        for ln in text.split("\r\n"):
            if ln.lower().startswith(("to:", "t:")) and "tag=" in ln:
                return ";tag=" + ln.split("tag=", 1)[1].split(";")[0]
        return ""

    try:
        send(req("INVITE", 1, body=sdp) + trailer.encode())
        if cancel:
            send(req("CANCEL", 1))
        final = None
        cancel_answered = not cancel
        for status, method, text in responses():
            if method == "CANCEL":
                cancel_answered = True
            elif status >= 200:
                final = (status, text)
            if final and cancel_answered:
                break
        status, text = final
        tag = to_tag(text)
        if status == 487:
            send(req("ACK", 1, tag))
            return "487"
        assert status == 200, text
        send(req("ACK", 1, tag, br=branch + "ack"))
        send(req("BYE", 2, tag, br=branch + "bye"))
        for status, method, text in responses():
            if method == "BYE":
                assert status == 200, text
                return "200+BYE"
    finally:
        s.close()
    return None


if __name__ == "__main__":
    unittest.main()

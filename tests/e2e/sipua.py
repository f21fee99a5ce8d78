"""A scriptable SIP phone for tests (python3 stdlib): a minimal UDP user
agent that answers or places one call, re-INVITEs with whatever SDP the
test chooses (hold, a new RTP port) and hangs up, plus RtpPhone, an RTP
endpoint that sends a PCMU tone every 20 ms and keeps what it hears
(decoded), so a test can tell who hears whom, and when.

Everything runs on 127.0.0.1 with free ports. The test drives each step
and waits on what the phone saw (a request, a response, a tone), never
on a fixed delay. Unlike SIPp or baresip it can move its media mid-call,
which is what re-INVITE tests need.
"""
import array
import math
import queue
import random
import re
import select
import socket
import struct
import threading
import time

from daemon import wait_for

RATE = 8000
FRAME = 160


def ulaw_encode(s):
    s = max(-32635, min(32635, int(s)))
    sign = 0x80 if s < 0 else 0
    if s < 0:
        s = -s
    s += 0x84
    exp = 7
    mask = 0x4000
    while exp > 0 and not (s & mask):
        exp -= 1
        mask >>= 1
    mant = (s >> (exp + 3)) & 0x0F
    return ~(sign | (exp << 4) | mant) & 0xFF


def ulaw_decode(b):
    b = ~b & 0xFF
    sign = b & 0x80
    exp = (b >> 4) & 0x07
    mant = b & 0x0F
    s = ((mant << 3) + 0x84) << exp
    s -= 0x84
    return -s if sign else s


ULAW_DEC = [ulaw_decode(i) for i in range(256)]


def goertzel_share(samples, hz):
    """The share (0..1) of the signal's energy at hz (Goertzel): near 1
    for a pure tone of hz, low for speech, noise or another tone."""
    n = len(samples)
    if n < 2:
        return 0.0
    k = 2 * math.cos(2 * math.pi * hz / RATE)
    s1 = s2 = 0.0
    for x in samples:
        s1, s2 = x + k * s1 - s2, s1
    power = s1 * s1 + s2 * s2 - k * s1 * s2
    total = sum(x * x for x in samples)
    return (2.0 * power / n) / total if total else 0.0


def tone_hz(samples):
    """(frequency by zero crossings, rms) of samples at 8 kHz."""
    if len(samples) < 2:
        return 0, 0.0
    rms = (sum(x * x for x in samples) / float(len(samples))) ** 0.5
    crossings = sum(1 for i in range(1, len(samples))
                    if (samples[i - 1] < 0) != (samples[i] < 0))
    return crossings / 2.0 / (len(samples) / float(RATE)), rms


class RtpPhone:
    """An RTP endpoint: sends a PCMU tone of hz (0: silence) to its remote
    address every 20 ms once one is set, and keeps the audio it receives
    with the time it arrived."""

    def __init__(self, hz, amplitude=8000):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.hz = hz
        self.amp = amplitude
        self.remote = None
        self.sources = set()
        self.rx = []            # (arrival, samples) per packet
        self.lock = threading.Lock()
        self.stopping = False
        self.seq = random.randint(0, 65535)
        self.ts = random.randint(0, 1 << 31)
        self.ssrc = random.randint(1, (1 << 32) - 1)
        self.phase = 0
        self.script = []        # samples to say, then back to the tone
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def set_remote(self, addr):
        self.remote = addr

    def say(self, samples):
        """Send samples (8 kHz s16) once, in place of the tone."""
        with self.lock:
            self.script = list(samples)

    def saying(self):
        with self.lock:
            return bool(self.script)

    def _frame(self):
        out = bytearray(FRAME)
        with self.lock:
            chunk, self.script = self.script[:FRAME], self.script[FRAME:]
        if chunk or self.hz == 0:
            chunk = chunk + [0] * (FRAME - len(chunk))
            return bytes(ulaw_encode(v) for v in chunk)
        for i in range(FRAME):
            v = 0
            if self.hz:
                v = self.amp * math.sin(2 * math.pi * self.hz *
                                        (self.phase + i) / RATE)
            out[i] = ulaw_encode(v)
        self.phase += FRAME
        return bytes(out)

    def _send(self):
        if not self.remote:
            return
        hdr = struct.pack("!BBHII", 0x80, 0, self.seq & 0xFFFF,
                          self.ts & 0xFFFFFFFF, self.ssrc)
        self.seq += 1
        self.ts += FRAME
        try:
            self.sock.sendto(hdr + self._frame(), self.remote)
        except OSError:
            pass

    def _recv(self):
        data, src = self.sock.recvfrom(2048)
        if len(data) < 12 or (data[0] >> 6) != 2:
            return
        pt = data[1] & 0x7F
        if pt != 0:
            return      # telephone-event, comfort noise: not audio here
        cc = data[0] & 0x0F
        payload = data[12 + 4 * cc:]
        with self.lock:
            self.sources.add(src)
            self.rx.append((time.monotonic(),
                            [ULAW_DEC[b] for b in payload]))
            if len(self.rx) > 3000:
                del self.rx[:1000]

    def _run(self):
        nxt = time.monotonic()
        while not self.stopping:
            wait = max(0.0, nxt - time.monotonic())
            r, _, _ = select.select([self.sock], [], [], wait)
            if r:
                try:
                    self._recv()
                except OSError:
                    pass
            if time.monotonic() >= nxt:
                self._send()
                nxt += 0.020

    def recent(self, seconds=0.3):
        """The samples received in the last seconds."""
        now = time.monotonic()
        with self.lock:
            chunks = [s for t, s in self.rx if now - t <= seconds]
        return [x for c in chunks for x in c]

    def windows(self, hz, seconds=0.05):
        """(share of energy at hz, rms) of every window of seconds
        received so far, in order of arrival."""
        with self.lock:
            samples = [x for _, c in self.rx for x in c]
        n = int(RATE * seconds)
        out = []
        for i in range(0, len(samples) - n + 1, n):
            w = samples[i:i + n]
            out.append((goertzel_share(w, hz),
                        (sum(x * x for x in w) / float(n)) ** 0.5))
        return out

    def hears(self, hz, seconds=0.3):
        """True when the last seconds held a loud, nearly pure tone of hz
        (speech or another tone does not pass)."""
        s = self.recent(seconds)
        if len(s) < RATE * seconds * 0.6:
            return False
        f, rms = tone_hz(s)
        return rms > 1000 and abs(f - hz) < hz * 0.06 and \
            goertzel_share(s, hz) > 0.8

    def wait_hears(self, hz, timeout=15, what=None):
        return wait_for(lambda: self.hears(hz), timeout,
                        what or "a %d Hz tone at port %d" % (hz, self.port))

    def stop(self):
        self.stopping = True
        self.thread.join(timeout=5)
        self.sock.close()


def _sdp(port, direction="sendrecv", proto="RTP/AVP", extra=""):
    return ("v=0\r\no=- %d 1 IN IP4 127.0.0.1\r\ns=-\r\n"
            "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            "m=audio %d %s 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
            "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n"
            "a=ptime:20\r\n%sa=%s\r\n" % (random.randint(1, 1 << 30), port,
                                          proto, extra, direction))


def sdp_media(body):
    """(address, port, direction) of an SDP body's audio."""
    c = re.search(r"^c=IN IP4 (\S+)", body, re.M)
    m = re.search(r"^m=audio (\d+)", body, re.M)
    d = re.search(r"^a=(sendrecv|sendonly|recvonly|inactive)", body, re.M)
    return (c.group(1) if c else None, int(m.group(1)) if m else 0,
            d.group(1) if d else "sendrecv")


class Msg:
    """A parsed SIP message."""

    def __init__(self, data, src):
        text = data.decode(errors="replace")
        head, _, body = text.partition("\r\n\r\n")
        lines = head.split("\r\n")
        self.start = lines[0]
        self.src = src
        self.headers = []
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                self.headers.append((k.strip(), v.strip()))
        clen = int(self.get("Content-Length", "l") or 0)
        self.body = body[:clen]
        self.is_request = not self.start.startswith("SIP/2.0")
        self.method = self.start.split(" ", 1)[0] if self.is_request \
            else self.get("CSeq").split()[1]
        self.status = 0 if self.is_request else int(self.start.split()[1])

    def get(self, *names):
        for k, v in self.headers:
            if k.lower() in [n.lower() for n in names]:
                return v
        return None

    def all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]


def digest_ok(header, method, auth, nonce):
    """Whether a digest Authorization header answers nonce with auth =
    (user, password, realm) for method (RFC 2617, MD5, qop none)."""
    import hashlib
    f = dict(re.findall(r'(\w+)="?([^",]*)"?', header))
    user, password, realm = auth
    if f.get("username") != user or f.get("nonce") != nonce:
        return False
    h = lambda s: hashlib.md5(s.encode()).hexdigest()
    ha1 = h("%s:%s:%s" % (user, realm, password))
    ha2 = h("%s:%s" % (method, f.get("uri", "")))
    if f.get("qop"):
        want = h("%s:%s:%s:%s:%s:%s" % (ha1, nonce, f.get("nc"),
                                         f.get("cnonce"), f["qop"], ha2))
    else:
        want = h("%s:%s:%s" % (ha1, nonce, ha2))
    return f.get("response") == want


def _uri_of(nameaddr):
    m = re.search(r"<([^>]+)>", nameaddr)
    return m.group(1) if m else nameaddr.split(";")[0].strip()


def _addr_of(uri):
    m = re.search(r"@?([\d.]+):(\d+)", uri)
    return (m.group(1), int(m.group(2)))


class SipUa:
    """One phone with at most one dialog, over UDP on 127.0.0.1."""

    def __init__(self, user="phone"):
        self.user = user
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.events = queue.Queue()
        self.stopping = False
        self.dialog = None
        self.cseq = random.randint(1, 1000)
        self.last_200 = None    # to answer a retransmitted INVITE again
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    @property
    def uri(self):
        return "sip:%s@127.0.0.1:%d" % (self.user, self.port)

    def _run(self):
        while not self.stopping:
            r, _, _ = select.select([self.sock], [], [], 0.1)
            if not r:
                continue
            try:
                data, src = self.sock.recvfrom(65535)
            except OSError:
                continue
            msg = Msg(data, src)
            if msg.is_request and msg.method == "INVITE" and \
                    self.last_200 and msg.get("Call-ID") == \
                    self.last_200[0] and msg.get("CSeq") == self.last_200[1]:
                self.sock.sendto(self.last_200[2], src)
                continue
            if msg.is_request and msg.method in ("BYE", "CANCEL"):
                self._reply(msg, 200, "OK")
            if msg.is_request and msg.method == "OPTIONS":
                self._reply(msg, 200, "OK")
                continue
            self.events.put(msg)

    def _send(self, text, addr):
        self.sock.sendto(text.encode(), addr)

    def _reply(self, req, code, reason, body="", to_tag=None):
        to = req.get("To", "t")
        if to_tag and ";tag=" not in to:
            to += ";tag=" + to_tag
        lines = ["SIP/2.0 %d %s" % (code, reason)]
        lines += ["Via: " + v for v in req.all("Via") + req.all("v")]
        lines += ["From: " + req.get("From", "f"), "To: " + to,
                  "Call-ID: " + req.get("Call-ID", "i"),
                  "CSeq: " + req.get("CSeq"),
                  "Contact: <%s>" % self.uri]
        if body:
            lines.append("Content-Type: application/sdp")
        lines += ["Content-Length: %d" % len(body), "", ""]
        text = "\r\n".join(lines) + body
        self._send(text, req.src)
        return text

    def wait(self, pred, timeout=15, what="a SIP message"):
        """The next message pred accepts (others are dropped)."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError("%s: nothing after %s s" %
                                     (what, timeout))
            try:
                msg = self.events.get(timeout=left)
            except queue.Empty:
                continue
            if pred(msg):
                return msg

    def wait_request(self, method, timeout=15):
        return self.wait(lambda m: m.is_request and m.method == method,
                         timeout, "a %s" % method)

    # -- answering --

    def challenge(self, req, realm, code=407):
        """Answer req with a digest challenge; returns the nonce."""
        nonce = "n%d" % random.randint(1, 1 << 40)
        hdr = "Proxy-Authenticate" if code == 407 else "WWW-Authenticate"
        to = req.get("To", "t")
        lines = ["SIP/2.0 %d %s" % (code, "Proxy Authentication Required"
                                    if code == 407 else "Unauthorized")]
        lines += ["Via: " + v for v in req.all("Via") + req.all("v")]
        lines += ["From: " + req.get("From", "f"),
                  "To: " + to + ("" if ";tag=" in to else ";tag=ch1"),
                  "Call-ID: " + req.get("Call-ID", "i"),
                  "CSeq: " + req.get("CSeq"),
                  '%s: Digest realm="%s", nonce="%s", algorithm=MD5' %
                  (hdr, realm, nonce), "Content-Length: 0", "", ""]
        self._send("\r\n".join(lines), req.src)
        return nonce

    def answer(self, rtp_port, timeout=15, proto="RTP/AVP", extra="",
               code=200, auth=None):
        """Take the next INVITE: ring, answer with our SDP, wait for the
        ACK; returns the INVITE (its SDP: sdp_media(inv.body)). auth =
        (user, password, realm): challenge it first (407) and check the
        credentials of the INVITE that follows."""
        inv = self.wait_request("INVITE", timeout)
        if auth:
            nonce = self.challenge(inv, auth[2])
            self.wait_request("ACK", timeout)
            inv = self.wait_request("INVITE", timeout)
            if not digest_ok(inv.get("Proxy-Authorization") or "",
                             "INVITE", auth, nonce):
                raise AssertionError("bad credentials: %s" %
                                     inv.get("Proxy-Authorization"))
        tag = "ua%d" % random.randint(1, 1 << 30)
        self._reply(inv, 180, "Ringing", to_tag=tag)
        if code != 200:
            self._reply(inv, code, "Refused", to_tag=tag)
            self.wait_request("ACK", timeout)
            return inv
        body = _sdp(rtp_port, proto=proto, extra=extra)
        text = self._reply(inv, 200, "OK", body, to_tag=tag)
        self.last_200 = (inv.get("Call-ID", "i"), inv.get("CSeq"),
                         text.encode())
        self.dialog = {
            "call_id": inv.get("Call-ID", "i"),
            "local": inv.get("To", "t") + ";tag=" + tag,
            "remote": inv.get("From", "f"),
            "target": _uri_of(inv.get("Contact", "m")),
            "peer": inv.src,
        }
        self.wait_request("ACK", timeout)
        return inv

    # -- calling --

    def call_late_offer(self, port, number, rtp_port, **kw):
        """INVITE without SDP: the daemon offers in its 200, our ACK
        answers with our media at rtp_port."""
        return self.call(port, number, rtp_port, late=True, **kw)

    def call(self, port, number, rtp_port, caller="+15551230000",
             timeout=15, proto="RTP/AVP", extra="", late=False):
        """INVITE number at 127.0.0.1:port with our media at rtp_port;
        ACK the 200 and return it (sdp_media(resp.body): the daemon's)."""
        tag = "ua%d" % random.randint(1, 1 << 30)
        call_id = "c%d@sipua" % random.randint(1, 1 << 40)
        peer = ("127.0.0.1", port)
        self.cseq += 1
        body = _sdp(rtp_port, proto=proto, extra=extra)
        ack_body = ""
        if late:
            ack_body, body = body, ""
        lines = ["INVITE sip:%s@127.0.0.1:%d SIP/2.0" % (number, port),
                 "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK%d;rport" %
                 (self.port, random.randint(1, 1 << 40)),
                 "From: <sip:%s@127.0.0.1>;tag=%s" % (caller, tag),
                 "To: <sip:%s@127.0.0.1>" % number,
                 "Call-ID: " + call_id,
                 "CSeq: %d INVITE" % self.cseq,
                 "Contact: <%s>" % self.uri, "Max-Forwards: 70"]
        if body:
            lines.append("Content-Type: application/sdp")
        lines += ["Content-Length: %d" % len(body), "", ""]
        self._send("\r\n".join(lines) + body, peer)
        resp = self._final(self.cseq, timeout)
        if resp.status != 200:
            raise AssertionError("INVITE answered %d" % resp.status)
        self.dialog = {
            "call_id": call_id,
            "local": "<sip:%s@127.0.0.1>;tag=%s" % (caller, tag),
            "remote": resp.get("To", "t"),
            "target": _uri_of(resp.get("Contact", "m")),
            "peer": peer,
        }
        self._send("\r\n".join([
            "ACK %s SIP/2.0" % self.dialog["target"],
            "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK%d;rport" %
            (self.port, random.randint(1, 1 << 40)),
            "From: " + self.dialog["local"], "To: " + self.dialog["remote"],
            "Call-ID: " + call_id, "CSeq: %d ACK" % self.cseq,
            "Max-Forwards: 70"] +
            (["Content-Type: application/sdp"] if ack_body else []) +
            ["Content-Length: %d" % len(ack_body), "", ""]) + ack_body,
            peer)
        return resp

    # -- requests in the dialog --

    def _request(self, method, body=""):
        d = self.dialog
        self.cseq += 1
        branch = "z9hG4bK%d" % random.randint(1, 1 << 40)
        lines = ["%s %s SIP/2.0" % (method, d["target"]),
                 "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=%s;rport" %
                 (self.port, branch),
                 "From: " + d["local"], "To: " + d["remote"],
                 "Call-ID: " + d["call_id"],
                 "CSeq: %d %s" % (self.cseq, method),
                 "Contact: <%s>" % self.uri, "Max-Forwards: 70"]
        if body:
            lines.append("Content-Type: application/sdp")
        lines += ["Content-Length: %d" % len(body), "", ""]
        self._send("\r\n".join(lines) + body, d["peer"])
        return self.cseq

    def _final(self, cseq, timeout=15):
        return self.wait(lambda m: not m.is_request and m.status >= 200 and
                         m.get("CSeq") and
                         int(m.get("CSeq").split()[0]) == cseq, timeout,
                         "the final answer to CSeq %d" % cseq)

    def reinvite(self, rtp_port, direction="sendrecv", timeout=15):
        """Re-INVITE with our media at rtp_port; ACK the answer and
        return it (sdp_media(resp.body) is the daemon's side)."""
        cseq = self._request("INVITE", _sdp(rtp_port, direction))
        resp = self._final(cseq, timeout)
        d = self.dialog
        self._send("\r\n".join([
            "ACK %s SIP/2.0" % d["target"],
            "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK%d;rport" %
            (self.port, random.randint(1, 1 << 40)),
            "From: " + d["local"], "To: " + d["remote"],
            "Call-ID: " + d["call_id"], "CSeq: %d ACK" % cseq,
            "Max-Forwards: 70", "Content-Length: 0", "", ""]), d["peer"])
        return resp

    def update(self, rtp_port=None, timeout=15):
        """UPDATE in the dialog: a session refresh without SDP, or our
        media moved to rtp_port; returns the final answer."""
        body = _sdp(rtp_port) if rtp_port else ""
        return self._final(self._request("UPDATE", body), timeout)

    def info_dtmf(self, key, timeout=15):
        """A key by SIP INFO (application/dtmf-relay)."""
        body = "Signal=%s\r\nDuration=160\r\n" % key
        d = self.dialog
        self.cseq += 1
        lines = ["INFO %s SIP/2.0" % d["target"],
                 "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK%d;rport" %
                 (self.port, random.randint(1, 1 << 40)),
                 "From: " + d["local"], "To: " + d["remote"],
                 "Call-ID: " + d["call_id"],
                 "CSeq: %d INFO" % self.cseq, "Max-Forwards: 70",
                 "Content-Type: application/dtmf-relay",
                 "Content-Length: %d" % len(body), "", ""]
        self._send("\r\n".join(lines) + body, d["peer"])
        return self._final(self.cseq, timeout)

    def bye(self, timeout=15):
        return self._final(self._request("BYE"), timeout)

    def stop(self):
        self.stopping = True
        self.thread.join(timeout=5)
        self.sock.close()

"""Helpers for end-to-end tests that drive the real callflowd from outside.

A Daemon gets its own temporary folder (config, flows, data), free ports on
127.0.0.1, runs the built binary, waits until /health answers, and is always
stopped (SIGTERM, then SIGKILL) when the test ends. Sipp and Baresip run the
Debian peers on loopback only. Waiting is on events (a log line, an HTTP
answer, a file line, a process exit) with deadlines, never a fixed sleep.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import cfd

SIPP = shutil.which("sipp") or "/usr/bin/sipp"
BARESIP = shutil.which("baresip") or "/usr/bin/baresip"
SIPP_DIR = os.path.join(cfd.SOURCE, "tests", "e2e", "sipp")


def free_port(kind=socket.SOCK_DGRAM, pair=False):
    """A port free for UDP and TCP on 127.0.0.1 (and port+1 if pair)."""
    for _ in range(200):
        s = socket.socket(socket.AF_INET, kind)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        ports = [port, port + 1] if pair else [port]
        if all(_is_free(p) for p in ports):
            return port
    raise RuntimeError("no free port")


def _is_free(port):
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        s = socket.socket(socket.AF_INET, kind)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        finally:
            s.close()
    return True


def free_block(n, lo, hi):
    """The first port of n consecutive ports, free for UDP and TCP, in
    [lo, hi): ranges per role keep SIPp's media ports away from the
    daemon's RTP ports."""
    import random
    for _ in range(500):
        base = random.randrange(lo, hi - n) // n * n
        if all(_is_free(p) for p in range(base, base + n)):
            return base
    raise RuntimeError("no free port block in %d-%d" % (lo, hi))


def wait_for(pred, timeout, what, interval=0.02):
    """Poll pred() until it returns a true value; fail after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(interval)


class Daemon:
    """One callflowd with its own folder and ports."""

    def __init__(self, flows=(), config=None, trunks=None, numbers=None,
                 log_level="debug"):
        self.dir = tempfile.mkdtemp(prefix="cfd-e2e-")
        self.flows_dir = os.path.join(self.dir, "flows")
        self.data_dir = os.path.join(self.dir, "data")
        os.makedirs(self.flows_dir)
        for f in flows:
            shutil.copy(f, self.flows_dir)
        self.sip_port = free_port(pair=True)
        self.http_port = free_port(socket.SOCK_STREAM)
        rtp = free_block(64, 20000, 40000)
        cfg = {
            "flows_dir": "flows",
            "data_dir": "data",
            "sip": {
                "listen": ["udp:127.0.0.1:%d" % self.sip_port,
                           "tcp:127.0.0.1:%d" % self.sip_port],
                "rtp": {"address": "127.0.0.1",
                        "port_min": rtp, "port_max": rtp + 63,
                        "timeout_seconds": 20},
            },
            "http": {"listen": "127.0.0.1:%d" % self.http_port},
            "trunks": trunks if trunks is not None else [
                {"name": "test-sbc", "allow": ["127.0.0.1/32"],
                 "srtp": "optional"}],
            "numbers": numbers if numbers is not None else {},
            "shutdown_grace_seconds": 10,
        }
        if config:
            cfg.update(config)
        self.config = cfg
        self.config_path = os.path.join(self.dir, "callflowd.json")
        self.write_config()
        self.log_path = os.path.join(self.dir, "callflowd.log")
        self.proc = None
        self.log_level = log_level

    def write_config(self):
        with open(self.config_path, "w") as f:
            json.dump(self.config, f, indent=1)

    @property
    def records_path(self):
        return os.path.join(self.data_dir, "records",
                            "contact-records.jsonl")

    def start(self, timeout=20):
        self._log = open(self.log_path, "w")
        env = dict(os.environ)
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1")
        self.proc = subprocess.Popen(
            [cfd.DAEMON, "--config", self.config_path,
             "--log-level", self.log_level],
            stdout=self._log, stderr=subprocess.STDOUT, env=env,
            cwd=self.dir)
        wait_for(lambda: self._healthy(), timeout, "callflowd /health")
        return self

    def _healthy(self):
        if self.proc.poll() is not None:
            raise AssertionError("callflowd exited with %s:\n%s" %
                                 (self.proc.returncode, self.log()))
        try:
            code, _ = self.http("GET", "/health")
            return code == 200
        except OSError:
            return False

    def http(self, method, path, body=None, timeout=5):
        """(status, parsed JSON body) of an API request."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            "http://127.0.0.1:%d%s" % (self.http_port, path),
            data=data, method=method,
            headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, json.loads(r.read().decode() or "null")
        except urllib.error.HTTPError as e:
            text = e.read().decode()
            return e.code, json.loads(text) if text else None

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def wait_log(self, text, timeout=20):
        return wait_for(lambda: text in self.log(), timeout,
                        "log line %r" % text)

    def record_lines(self):
        """Every line of the record file, revisions included."""
        try:
            with open(self.records_path) as f:
                return [json.loads(line) for line in f if line.strip()]
        except FileNotFoundError:
            return []

    def records(self):
        """One record per contact: a later line with the same ContactId
        (a revision, e.g. when the agent's after-contact work ended)
        replaces the earlier one, in the place of the first."""
        out, at = [], {}
        for r in self.record_lines():
            cid = r.get("ContactId")
            if cid is not None and cid in at:
                out[at[cid]] = r
                continue
            if cid is not None:
                at[cid] = len(out)
            out.append(r)
        return out

    def wait_records(self, n, timeout=20):
        return wait_for(lambda: len(self.records()) >= n and
                        self.records(), timeout, "%d records" % n)

    def signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, timeout=20):
        """SIGTERM and wait; returns the exit code (SIGKILL past timeout)."""
        if not self.proc:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        return self.proc.returncode

    def cleanup(self):
        self.stop()
        if os.environ.get("CFD_KEEP_E2E"):
            print("kept", self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


class Sipp:
    """A SIPp run against a daemon (UAC by default)."""

    def __init__(self, daemon, scenario, service, args=(), transport="u1",
                 calls=1, rate=None, limit=None, timeout=60):
        self.dir = tempfile.mkdtemp(prefix="cfd-sipp-", dir=daemon.dir)
        self.port = free_port(pair=True)
        self.media_port = free_block(8, 45000, 60000)
        self.stat = os.path.join(self.dir, "stat.csv")
        cmd = [SIPP, "127.0.0.1:%d" % daemon.sip_port,
               "-sf", os.path.join(SIPP_DIR, scenario),
               "-s", service, "-i", "127.0.0.1",
               "-p", str(self.port), "-mi", "127.0.0.1",
               "-mp", str(self.media_port), "-t", transport,
               "-m", str(calls), "-nostdin", "-trace_err",
               "-error_file", os.path.join(self.dir, "errors.log"),
               "-trace_stat", "-stf", self.stat, "-fd", "1",
               "-timeout", "%ds" % timeout, "-timeout_error"]
        if rate:
            cmd += ["-r", str(rate)]
        if limit:
            cmd += ["-l", str(limit)]
        cmd += list(args)
        self.cmd = cmd
        self.proc = None

    def start(self):
        self.out = open(os.path.join(self.dir, "sipp.out"), "w")
        self.proc = subprocess.Popen(self.cmd, stdout=self.out,
                                     stderr=subprocess.STDOUT,
                                     cwd=self.dir)
        return self

    def wait(self, timeout=90):
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("sipp did not finish: " + self.errors())
        self.out.close()
        return rc

    def run(self, timeout=90):
        self.start()
        return self.wait(timeout)

    def stats(self):
        import csv
        with open(self.stat) as f:
            rows = list(csv.reader(f, delimiter=";"))
        return dict(zip(rows[0], rows[-1]))

    def errors(self):
        text = ""
        for name in ("errors.log", "sipp.out"):
            p = os.path.join(self.dir, name)
            if os.path.exists(p):
                with open(p, errors="replace") as f:
                    text += "--- %s\n%s" % (name, f.read()[-4000:])
        return text

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def sip_invite(port, number, src_port=None, transport="udp", headers=(),
               sdp=None, timeout=10, raw=None, caller="+15550001111"):
    """Send one INVITE (or raw bytes) and return the responses received
    until a final one, as (status, headers_text) tuples."""
    sock_type = socket.SOCK_DGRAM if transport == "udp" else \
        socket.SOCK_STREAM
    s = socket.socket(socket.AF_INET, sock_type)
    s.bind(("127.0.0.1", src_port or 0))
    lport = s.getsockname()[1]
    s.settimeout(timeout)
    if sock_type == socket.SOCK_STREAM:
        s.connect(("127.0.0.1", port))
    if raw is None:
        if sdp is None:
            sdp = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
                   "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                   "m=audio 40000 RTP/AVP 0 101\r\n"
                   "a=rtpmap:0 PCMU/8000\r\n"
                   "a=rtpmap:101 telephone-event/8000\r\n")
        tp = transport.upper()
        branch = "z9hG4bK%d" % int(time.monotonic() * 1e6)
        lines = [
            "INVITE sip:%s@127.0.0.1:%d SIP/2.0" % (number, port),
            "Via: SIP/2.0/%s 127.0.0.1:%d;branch=%s;rport" % (tp, lport,
                                                              branch),
            "From: <sip:%s@127.0.0.1>;tag=t%d" % (caller, lport),
            "To: <sip:%s@127.0.0.1>" % number,
            "Call-ID: c%d-%s@test" % (lport, branch),
            "CSeq: 1 INVITE",
            "Contact: <sip:test@127.0.0.1:%d>" % lport,
            "Max-Forwards: 70",
        ] + list(headers) + [
            "Content-Type: application/sdp",
            "Content-Length: %d" % len(sdp), "", ""]
        raw = ("\r\n".join(lines) + sdp).encode()
    if sock_type == socket.SOCK_STREAM:
        s.sendall(raw)
    else:
        s.sendto(raw, ("127.0.0.1", port))
    out = []
    buf = b""
    try:
        while True:
            data = s.recv(65535) if sock_type == socket.SOCK_STREAM \
                else s.recvfrom(65535)[0]
            if not data:
                break
            buf += data
            while b"\r\n\r\n" in buf:
                head, _, rest = buf.partition(b"\r\n\r\n")
                text = head.decode(errors="replace")
                clen = 0
                for line in text.split("\r\n"):
                    if line.lower().startswith(("content-length:", "l:")):
                        clen = int(line.split(":", 1)[1])
                buf = rest[clen:]
                status = int(text.split(" ", 2)[1])
                out.append((status, text))
                if status >= 200:
                    return out
    except socket.timeout:
        pass
    finally:
        s.close()
    return out

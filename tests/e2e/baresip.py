"""A headless baresip 1.0.0 as a scriptable test phone (python3 stdlib).

Each Baresip gets its own config folder and accounts file, free ports on
127.0.0.1 (sip_listen P with P+1 free for baresip's TLS listener,
ctrl_tcp, an RTP range) and its own snd_path, where the sndfile module
records what the phone sends (*-enc.wav) and what it RECEIVES (*-dec.wav).
It is driven over ctrl_tcp: netstring-framed JSON commands whose responses
are matched by token, while events (CALL_ESTABLISHED, CALL_CLOSED, ...)
are queued so a test can wait for one with a deadline. stop() always ends
the process (quit, then SIGKILL).

Helpers to analyse the recordings (read_pcm, loud_span, Recording) are
here too, since every media test needs them.
"""
import array
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

from daemon import free_port, wait_for

BARESIP = shutil.which("baresip") or "/usr/bin/baresip"
MODULE_PATH = "/usr/lib/baresip/modules"


class Baresip:
    """One baresip process acting as a caller, or (register_to = the
    daemon's SIP port, password) as an agent's auto-answering softphone."""

    def __init__(self, parent_dir=None, name="caller", audio_source=None,
                 codecs="PCMU,PCMA", mediaenc=None, account_params="",
                 sip_trace=False, register_to=None, password=None):
        self.dir = tempfile.mkdtemp(prefix="cfd-baresip-%s-" % name,
                                    dir=parent_dir)
        self.name = name
        self.snd_path = os.path.join(self.dir, "snd")
        os.makedirs(self.snd_path)
        self.sip_port = free_port(pair=True)
        self.ctrl_port = free_port(socket.SOCK_STREAM)
        base = 40000 + free_port() % 20000 // 2 * 2
        self.rtp_ports = (base, base + 40)
        modules = ["g711.so", "aufile.so", "sndfile.so"]
        if mediaenc:
            modules.append("srtp.so" if mediaenc.startswith("srtp")
                           else mediaenc + ".so")
        lines = [
            "poll_method epoll",
            "sip_listen 127.0.0.1:%d" % self.sip_port,
            "net_interface 127.0.0.1",
            "rtp_ports %d-%d" % self.rtp_ports,
            "rtp_timeout 0",
            "audio_source aufile,%s" % audio_source if audio_source
            else "audio_source ausine,440",
            "ctrl_tcp_listen 127.0.0.1:%d" % self.ctrl_port,
            "snd_path %s" % self.snd_path,
            "statmode_default off",
            "call_max_calls 4",
            "module_path %s" % MODULE_PATH,
        ]
        if not audio_source:
            lines += ["ausrc_srate 48000", "ausrc_channels 2"]
            modules.append("ausine.so")
        lines += ["module %s" % m for m in modules]
        lines += ["module_tmp account.so", "module_app menu.so",
                  "module_app ctrl_tcp.so"]
        with open(os.path.join(self.dir, "config"), "w") as f:
            f.write("\n".join(lines) + "\n")
        if register_to:
            # an agent's softphone: registers with the daemon, answers
            params = (";auth_pass=%s;regint=60;answermode=auto;"
                      "outbound=\"sip:127.0.0.1:%d;transport=udp\";"
                      "audio_codecs=%s" % (password, register_to, codecs))
        else:
            params = ";regint=0;answermode=manual;audio_codecs=%s" % codecs
        if mediaenc:
            params += ";mediaenc=%s" % mediaenc
        params += account_params
        with open(os.path.join(self.dir, "accounts"), "w") as f:
            f.write("<sip:%s@127.0.0.1>%s\n" % (name, params))
        self.log_path = os.path.join(self.dir, "baresip.log")
        self.sip_trace = sip_trace	# -s: SIP messages into the log
        self.proc = None
        self.sock = None
        self._cond = threading.Condition()
        self._events = []	# every event received, in order
        self._responses = {}
        self._token = 0
        self._reader = None
        self._closed = False

    # -- process --

    def start(self, timeout=15):
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [BARESIP, "-f", self.dir, "-t", "600"] +
            (["-s"] if self.sip_trace else []),
            stdin=subprocess.DEVNULL, stdout=self._log,
            stderr=subprocess.STDOUT, cwd=self.dir)
        self.sock = wait_for(self._connect, timeout,
                             "baresip ctrl_tcp on %d" % self.ctrl_port,
                             interval=0.05)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        return self

    def _connect(self):
        if self.proc.poll() is not None:
            raise AssertionError("baresip exited with %s:\n%s" %
                                 (self.proc.returncode, self.log()))
        try:
            return socket.create_connection(("127.0.0.1", self.ctrl_port),
                                            timeout=1)
        except OSError:
            return None

    def stop(self, timeout=10):
        """Quit baresip (SIGKILL past timeout); closes the recordings."""
        if not self.proc:
            return None
        if self.proc.poll() is None:
            try:
                self._send({"command": "quit", "params": "",
                            "token": "quit"})
            except OSError:
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.sock:
            self.sock.close()
        self._log.close()
        return self.proc.returncode

    def cleanup(self):
        self.stop()
        if not os.environ.get("CFD_KEEP_E2E"):
            shutil.rmtree(self.dir, ignore_errors=True)

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    # -- ctrl_tcp --

    def _send(self, obj):
        data = json.dumps(obj).encode()
        self.sock.sendall(b"%d:%s," % (len(data), data))

    def _read(self):
        buf = b""
        self.sock.settimeout(None)
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                buf += chunk
                while True:
                    colon = buf.find(b":")
                    if colon < 0:
                        break
                    n = int(buf[:colon])
                    if len(buf) < colon + 1 + n + 1:
                        break
                    msg = json.loads(buf[colon + 1:colon + 1 + n])
                    buf = buf[colon + 1 + n + 1:]
                    with self._cond:
                        if msg.get("event"):
                            self._events.append(msg)
                        elif msg.get("response"):
                            self._responses[msg.get("token")] = msg
                        self._cond.notify_all()
        except (OSError, ValueError):
            pass
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def command(self, command, params="", timeout=10):
        """Run a menu command; its response (ok, data) or AssertionError."""
        with self._cond:
            self._token += 1
            token = "t%d" % self._token
        self._send({"command": command, "params": params, "token": token})
        deadline = time.monotonic() + timeout
        with self._cond:
            while token not in self._responses:
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    raise AssertionError("no response to %s %s" %
                                         (command, params))
                self._cond.wait(left)
            return self._responses.pop(token)

    def wait_event(self, etype, timeout=20, pred=None):
        """The next not yet consumed event of type etype (for which pred
        holds); earlier events of other types stay for later waits."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for i in range(len(self._events)):
                    ev = self._events[i]
                    if ev.get("type") == etype and (pred is None or
                                                    pred(ev)):
                        del self._events[i]
                        return ev
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    raise AssertionError(
                        "baresip %s: no %s event; got %s" %
                        (self.name, etype,
                         [e.get("type") for e in self._events]))
                self._cond.wait(left)

    def events(self):
        with self._cond:
            return list(self._events)

    # -- calls --

    def dial(self, uri):
        r = self.command("dial", uri)
        if not r.get("ok"):
            raise AssertionError("dial %s failed: %s" % (uri, r))
        return r

    def hangup(self):
        return self.command("hangup")

    def send_keys(self, keys):
        """RFC 4733 telephone-events via baresip's telev (sndcode)."""
        r = self.command("sndcode", keys)
        if not r.get("ok"):
            raise AssertionError("sndcode %s failed: %s" % (keys, r))
        return r

    # -- recordings --

    def recordings(self, kind="dec"):
        """Paths of the sndfile recordings (dec: received), oldest first."""
        names = sorted(n for n in os.listdir(self.snd_path)
                       if n.endswith("-%s.wav" % kind))
        return [os.path.join(self.snd_path, n) for n in names]

    def received(self):
        """A Recording of the newest received-audio file (may be growing)."""
        paths = wait_for(lambda: self.recordings("dec"), 10,
                         "a received-audio recording in " + self.snd_path)
        return Recording(paths[-1])


def read_pcm(path):
    """(samples as array('h'), rate, channels) of a 16-bit PCM WAV, also
    while it is still being written (the header sizes are not final then:
    the data chunk runs to the end of the file)."""
    with open(path, "rb") as f:
        b = f.read()
    if len(b) < 12 or b[:4] != b"RIFF" or b[8:12] != b"WAVE":
        return array.array("h"), 8000, 1
    pos, rate, chans, bits = 12, 8000, 1, 16
    while pos + 8 <= len(b):
        cid, size = b[pos:pos + 4], struct.unpack("<I", b[pos + 4:pos + 8])[0]
        body = pos + 8
        if cid == b"fmt ":
            _, chans, rate = struct.unpack("<HHI", b[body:body + 8])
            bits = struct.unpack("<H", b[body + 14:body + 16])[0]
        elif cid == b"data":
            if bits != 16:
                raise AssertionError("%s: %d-bit samples" % (path, bits))
            end = body + size if 0 < size <= len(b) - body else len(b)
            end -= (end - body) % 2
            a = array.array("h")
            a.frombytes(b[body:end])
            if sys.byteorder != "little":
                a.byteswap()
            return a, rate, chans
        pos = body + size + (size & 1)
    return array.array("h"), rate, chans


def frame_rms(samples, rate, chans=1, ms=20):
    """RMS of each ms-long frame (channels mixed)."""
    n = rate * ms // 1000 * chans
    out = []
    for i in range(0, len(samples) - n + 1, n):
        fr = samples[i:i + n]
        out.append((sum(s * s for s in fr) / n) ** 0.5)
    return out


def loud_span(samples, rate, chans=1, threshold=300.0, ms=20):
    """(first, last) loud frame times in seconds, or None if all quiet.
    Frames of RMS over threshold (~-40 dBFS) count as loud."""
    rms = frame_rms(samples, rate, chans, ms)
    loud = [i for i, v in enumerate(rms) if v > threshold]
    if not loud:
        return None
    return loud[0] * ms / 1000.0, (loud[-1] + 1) * ms / 1000.0


class Recording:
    """A (possibly growing) WAV recording."""

    def __init__(self, path):
        self.path = path

    def pcm(self):
        return read_pcm(self.path)

    def duration(self):
        s, rate, chans = self.pcm()
        return len(s) / float(rate * chans)

    def span(self, threshold=300.0):
        s, rate, chans = self.pcm()
        return loud_span(s, rate, chans, threshold)

    def audio_started(self):
        """True once loud audio has been received."""
        return self.span() is not None

    def audio_ended(self, quiet_s=1.0):
        """True once loud audio was followed by quiet_s of quiet."""
        s, rate, chans = self.pcm()
        span = loud_span(s, rate, chans)
        return span is not None and \
            len(s) / float(rate * chans) - span[1] >= quiet_s

    def sox_stats(self):
        """`sox FILE -n stats` as a dict of the overall column."""
        p = subprocess.run(["sox", self.path, "-n", "stats"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=30)
        if p.returncode != 0:
            raise AssertionError("sox stats %s: %s" % (self.path, p.stderr))
        out = {}
        for line in p.stderr.splitlines():
            parts = line.rsplit(None, 1)
            if len(parts) == 2:
                out[parts[0].strip()] = parts[1]
        return out

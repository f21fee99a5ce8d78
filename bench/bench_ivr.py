#!/usr/bin/env python3
"""bench_ivr: the real callflowd under N concurrent callers on hold.

Two phases against one daemon (its own temporary folder, loopback only):

1. Hold: SIPp places --calls calls at --rate calls/s (at most --calls up at
   once); every caller is put in a queue whose customer queue flow loops a
   TTS prompt (bench/flows/). Once all calls are up the bench measures, over
   --duration seconds of steady state: the daemon's CPU (utime+stime from
   /proc/<pid>/stat), its RSS per contact ((RSS with N calls - RSS idle) / N
   from /proc/<pid>/status) and the RTP send-interval error of a SAMPLE of
   the calls (--sample): their SDP points at UDP sockets owned by this
   script, which read kernel receive timestamps (SO_TIMESTAMPNS) so Python's
   own scheduling does not count; the error is |inter-arrival - 20 ms|
   between consecutive sequence numbers. The other calls' RTP goes to one
   sink socket that is never read (the kernel drops what overflows).
   Callers send no audio (the daemon's RTP timeout is off for the run).

2. Setup: SIPp at --setup-rate calls/s for --setup-seconds with 1 s calls;
   successes and failures from SIPp's -trace_stat CSV, INVITE -> 200 times
   from -trace_rtt.

Not a test: it prints figures and exits 0 when both phases ran, whatever
the figures are (1 if a phase could not run). Everything it starts is
stopped in finally blocks.

  bench/bench_ivr.py [--calls 2000] [--rate 200] [--duration 20]
                     [--sample 100] [--setup-rate 300] [--setup-seconds 5]
                     [--build DIR]
"""
import argparse
import array
import csv
import glob
import math
import os
import resource
import select
import socket
import struct
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
FLOWS = [os.path.join(HERE, "flows", "bench_ivr_inbound.json"),
         os.path.join(HERE, "flows", "bench_ivr_queue.json")]
SCENARIO = os.path.join(HERE, "sipp", "uac_hold.xml")
NUMBER = "+18005550199"
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
CLK_TCK = os.sysconf("SC_CLK_TCK")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--calls", type=int, default=2000,
                   help="concurrent calls on hold (default 2000)")
    p.add_argument("--rate", type=float, default=200,
                   help="ramp rate of the hold phase, calls/s (200)")
    p.add_argument("--duration", type=float, default=20,
                   help="seconds measured once all calls are up (20)")
    p.add_argument("--sample", type=int, default=100,
                   help="calls whose RTP this script receives (100)")
    p.add_argument("--setup-rate", type=float, default=300,
                   help="call rate of the setup phase, calls/s (300)")
    p.add_argument("--setup-seconds", type=float, default=5,
                   help="length of the setup phase (5; 0 skips it)")
    p.add_argument("--skip-hold", action="store_true",
                   help="run the setup phase only")
    p.add_argument("--build", default=os.environ.get(
        "CFD_BUILD_DIR", os.path.join(SOURCE, "build")),
        help="build directory holding src/daemon/callflowd")
    p.add_argument("--renice", type=int, default=None, metavar="N",
                   help="set the daemon's nice value (e.g. -10) to see "
                   "what it does when other load on the machine yields "
                   "to it; printed with the figures")
    p.add_argument("--keep", action="store_true",
                   help="keep the temporary folder (daemon log, SIPp files)")
    return p.parse_args()


# -- /proc readings --

def proc_cpu_ticks(pid):
    """utime + stime of a process (all threads), in clock ticks."""
    with open("/proc/%d/stat" % pid) as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return int(rest[11]) + int(rest[12])


def proc_rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def machine_ticks():
    """(busy, total) ticks of all CPUs from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    total = sum(v[:8])
    return total - idle, total


def udp_drops(port):
    """Datagrams the kernel dropped on the UDP socket bound to port on
    127.0.0.1 (last column of /proc/net/udp; full receive buffer)."""
    want = "0100007F:%04X" % port
    with open("/proc/net/udp") as f:
        for line in f:
            v = line.split()
            if len(v) > 12 and v[1] == want:
                return int(v[-1])
    return 0


class CpuMeter:
    """CPU % of some processes and of the machine between start and stop."""

    def __init__(self, pids):
        self.pids = pids

    def start(self):
        self.t0 = time.monotonic()
        self.p0 = {k: proc_cpu_ticks(p) for k, p in self.pids.items()}
        self.m0 = machine_ticks()

    def stop(self):
        dt = time.monotonic() - self.t0
        out = {}
        ours = 0.0
        for k, p in self.pids.items():
            try:
                out[k] = 100.0 * (proc_cpu_ticks(p) - self.p0[k]) / \
                    CLK_TCK / dt
            except OSError:
                out[k] = float("nan")
            else:
                ours += out[k]
        b1, t1 = machine_ticks()
        out["machine"] = 100.0 * os.cpu_count() * (b1 - self.m0[0]) / \
            max(1, t1 - self.m0[1])
        # what the rest of the machine (other users) took meanwhile
        out["other"] = max(0.0, out["machine"] - ours)
        out["seconds"] = dt
        return out


# -- RTP receivers --

class RtpSample:
    """UDP sockets for a sample of calls, read on a thread with epoll;
    each packet's kernel timestamp (CLOCK_REALTIME ns) and RTP sequence
    number are kept per socket."""

    def __init__(self, n):
        self.socks = []
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 18)
            s.bind(("127.0.0.1", 0))
            s.setblocking(False)
            self.socks.append(s)
        self.ports = [s.getsockname()[1] for s in self.socks]
        self.ts = [array.array("q") for _ in self.socks]
        self.seq = [array.array("l") for _ in self.socks]
        self.bad = 0
        self._stop = threading.Event()
        self._thr = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thr.start()

    def _run(self):
        ep = select.epoll()
        byfd = {}
        for i, s in enumerate(self.socks):
            ep.register(s.fileno(), select.EPOLLIN)
            byfd[s.fileno()] = i
        anc = socket.CMSG_SPACE(16)
        try:
            while not self._stop.is_set():
                for fd, _ in ep.poll(0.2):
                    i = byfd[fd]
                    s = self.socks[i]
                    while True:
                        try:
                            data, ancdata, _, _ = s.recvmsg(2048, anc)
                        except BlockingIOError:
                            break
                        ts = None
                        for level, kind, cdata in ancdata:
                            if level == socket.SOL_SOCKET and \
                                    kind == SO_TIMESTAMPNS:
                                sec, nsec = struct.unpack("qq", cdata[:16])
                                ts = sec * 1000000000 + nsec
                        if ts is None or len(data) < 12 or \
                                data[0] >> 6 != 2:
                            self.bad += 1
                            continue
                        if 72 <= data[1] & 0x7f <= 76:
                            continue    # another call's RTCP (port + 1)
                        self.ts[i].append(ts)
                        self.seq[i].append((data[2] << 8) | data[3])
        finally:
            ep.close()

    def stop(self):
        self._stop.set()
        self._thr.join(5)
        for s in self.socks:
            s.close()

    def errors(self, w0, w1):
        """|inter-arrival - 20 ms| in microseconds between consecutive
        sequence numbers inside [w0, w1] (realtime ns); streams heard,
        packets, sequence gaps."""
        errs = []
        packets = gaps = heard = 0
        for ts, seq in zip(self.ts, self.seq):
            prev_t = prev_s = None
            got = False
            for t, q in zip(ts, seq):
                if t < w0 or t > w1:
                    prev_t = None
                    continue
                got = True
                packets += 1
                if prev_t is not None:
                    d = (q - prev_s) & 0xffff
                    if d == 1:
                        errs.append(abs(t - prev_t - 20000000) / 1000.0)
                    else:
                        gaps += 1
                prev_t, prev_s = t, q
            heard += got
        errs.sort()
        return errs, heard, packets, gaps


def pct(sorted_v, p):
    if not sorted_v:
        return float("nan")
    k = min(len(sorted_v) - 1, max(0, int(math.ceil(p / 100.0 *
                                                    len(sorted_v))) - 1))
    return sorted_v[k]


# -- the run --

def write_inf(path, ports):
    with open(path, "w") as f:
        f.write("SEQUENTIAL\n")
        for p in ports:
            f.write("%d;\n" % p)


def sipp_failures(stats):
    return {k: v for k, v in stats.items()
            if k.startswith("Failed") and k.endswith("(C)") and v not in
            ("0", "")}


def health_contacts(d, lat=None):
    """Live contacts from GET /health (-1 if it failed); the request's
    latency in ms is appended to lat: the API runs on the daemon's loop,
    so it shows how late the loop is."""
    t0 = time.monotonic()
    try:
        code, body = d.http("GET", "/health", timeout=5)
        n = body.get("contacts", 0) if code == 200 else -1
    except OSError:
        n = -1
    if lat is not None:
        lat.append((time.monotonic() - t0) * 1000.0)
    return n


def make_sipp(daemon_mod, d, **kw):
    """daemon.Sipp with its media port (unused: callers send no audio,
    but SIPp binds port..port+3) moved below the ephemeral range, where
    the benchmark's own receiver sockets cannot take it first."""
    sipp = daemon_mod.Sipp(d, SCENARIO, NUMBER[1:], **kw)
    for base in range(6000, 9996, 4):
        if all(daemon_mod._is_free(base + i) for i in range(4)):
            sipp.cmd[sipp.cmd.index("-mp") + 1] = str(base)
            return sipp
    raise AssertionError("no free SIPp media ports in 6000-9999")


def start_meter(pids, sipp):
    """A started CpuMeter; a SIPp that died at once is an error with its
    output, not a missing /proc file."""
    meter = CpuMeter(pids)
    try:
        meter.start()
    except OSError:
        sipp.wait(timeout=10)
        raise AssertionError("sipp exited at once (rc %s):\n%s" % (
            sipp.proc.returncode, sipp.errors()))
    return meter


def hold_phase(d, daemon_mod, args, sink_port, out):
    n = args.calls
    nsample = max(0, min(args.sample, n))
    step = max(1, n // nsample) if nsample else 0
    rtp = RtpSample(nsample)
    ports = [sink_port] * n
    sampled = 0
    for i in range(0, n, step or n + 1):
        if sampled == nsample:
            break
        ports[i] = rtp.ports[sampled]
        sampled += 1

    ramp_s = n / args.rate
    settle_s = 2.0
    # long enough for the slowest accepted ramp plus the full window
    ramp_max = ramp_s * 1.5 + 10
    hold_s = ramp_max + settle_s + args.duration + 3
    inf = os.path.join(d.dir, "hold.csv")
    write_inf(inf, ports)
    sipp = make_sipp(
        daemon_mod, d, calls=n, rate=args.rate, limit=n,
        timeout=int(hold_s + ramp_s + 60),
        args=["-inf", inf, "-d", str(int(hold_s * 1000)),
              "-max_recv_loops", "10000", "-max_sched_loops", "10000"])
    # one call first, so the idle RSS already holds what the first call
    # loads once (espeak-ng's voice data, the prompt in the TTS cache)
    warm = os.path.join(d.dir, "warm.csv")
    write_inf(warm, [sink_port])
    w = make_sipp(daemon_mod, d, calls=1, timeout=30,
                  args=["-inf", warm, "-d", "1000"])
    try:
        if w.run(timeout=60) != 0:
            raise AssertionError("warm-up call failed:\n" + w.errors())
    finally:
        w.kill()
    daemon_mod.wait_for(lambda: health_contacts(d) == 0, 20,
                        "the warm-up call to end")
    rss_idle = proc_rss_kib(d.proc.pid)
    res = {"calls": n, "rate": args.rate, "rss_idle_kib": rss_idle,
           "sampled": nsample}
    rtp.start()
    try:
        t_start = time.monotonic()
        sipp.start()
        meter = start_meter({"daemon": d.proc.pid, "sipp": sipp.proc.pid,
                             "self": os.getpid()}, sipp)
        # all calls up (or the ramp is over by a margin)
        deadline = t_start + ramp_max
        peak = 0
        while time.monotonic() < deadline and sipp.proc.poll() is None:
            c = health_contacts(d)
            peak = max(peak, c)
            if c >= n:
                break
            time.sleep(0.5)
        if sipp.proc.poll() is not None:
            raise AssertionError("sipp ended during the ramp (rc %s):\n%s"
                                 % (sipp.proc.returncode, sipp.errors()))
        res["ramp_seconds"] = time.monotonic() - t_start
        res["up_at_ramp_end"] = peak
        time.sleep(settle_s)

        # the steady window: stop before the first calls hang up
        w_len = min(args.duration, t_start + hold_s - 1.5 - time.monotonic())
        w0 = time.time_ns()
        meter.start()
        t_end = time.monotonic() + max(1.0, w_len)
        lo, hi, rss_max = n * 10, 0, 0
        lat = []
        while time.monotonic() < t_end and sipp.proc.poll() is None:
            c = health_contacts(d, lat)
            lo, hi = min(lo, c), max(hi, c)
            rss_max = max(rss_max, proc_rss_kib(d.proc.pid))
            time.sleep(min(1.0, max(0.0, t_end - time.monotonic())))
        cpu = meter.stop()
        w1 = time.time_ns()
        rss_n = proc_rss_kib(d.proc.pid)
        res.update({"cpu": cpu, "contacts_min": lo, "contacts_max": hi,
                    "rss_n_kib": max(rss_n, rss_max),
                    "window_seconds": (w1 - w0) / 1e9,
                    "health_ms": sorted(lat)})
        rc = sipp.wait(timeout=hold_s + ramp_s + 90)
        res["sipp_rc"] = rc
        stats = sipp.stats()
        res["ok"] = int(stats.get("SuccessfulCall(C)", 0))
        res["failed"] = int(stats.get("FailedCall(C)", 0))
        res["failures"] = sipp_failures(stats)
    finally:
        sipp.kill()
        rtp.stop()
    errs, heard, packets, gaps = rtp.errors(w0, w1)
    res.update({"jitter_us": errs, "heard": heard, "packets": packets,
                "gaps": gaps, "bad_packets": rtp.bad})
    out["hold"] = res


def setup_phase(d, daemon_mod, args, sink_port, out):
    n = int(args.setup_rate * args.setup_seconds)
    inf = os.path.join(d.dir, "setup.csv")
    write_inf(inf, [sink_port])
    sipp = make_sipp(
        daemon_mod, d, calls=n, rate=args.setup_rate,
        timeout=int(args.setup_seconds + 60),
        args=["-inf", inf, "-d", "1000", "-trace_rtt", "-rtt_freq", "1",
              "-max_recv_loops", "10000", "-max_sched_loops", "10000"])
    res = {"calls": n, "rate": args.setup_rate}
    try:
        drops0 = udp_drops(d.sip_port)
        t0 = time.monotonic()
        sipp.start()
        # SIPp has exited when the phase ends: its CPU comes from the
        # children's rusage (the only child reaped meanwhile)
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        meter = start_meter({"daemon": d.proc.pid, "self": os.getpid()},
                            sipp)
        rc = sipp.wait(timeout=args.setup_seconds + 120)
        res["cpu"] = meter.stop()
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        res["cpu"]["sipp"] = 100.0 * (
            ru1.ru_utime + ru1.ru_stime - ru0.ru_utime - ru0.ru_stime) / \
            res["cpu"]["seconds"]
        res["cpu"]["other"] = max(0.0, res["cpu"]["other"] -
                                  res["cpu"]["sipp"])
        res["seconds"] = time.monotonic() - t0
        res["sip_drops"] = udp_drops(d.sip_port) - drops0
        res["sipp_rc"] = rc
        stats = sipp.stats()
        res["ok"] = int(stats.get("SuccessfulCall(C)", 0))
        res["failed"] = int(stats.get("FailedCall(C)", 0))
        res["failures"] = sipp_failures(stats)
        res["repartition"] = {k.split("_", 1)[1]: v for k, v in
                              stats.items() if
                              k.startswith("ResponseTimeRepartition1_")}
        times = []
        for path in glob.glob(os.path.join(sipp.dir, "*_rtt.csv")):
            with open(path) as f:
                for row in csv.reader(f, delimiter=";"):
                    try:
                        times.append(float(row[1]))
                    except (IndexError, ValueError):
                        pass
        times.sort()
        res["setup_ms"] = times
    finally:
        sipp.kill()
    out["setup"] = res


def report(out, args):
    w = sys.stdout.write
    w("\nbench_ivr  %s  %d CPUs  %s%s\n" % (
        time.strftime("%Y-%m-%d %H:%M"), os.cpu_count(), args.build,
        "  daemon nice %d" % args.renice if args.renice is not None
        else ""))
    h = out.get("hold")
    if h:
        cpu = h.get("cpu", {})
        errs = h.get("jitter_us", [])
        per = (h["rss_n_kib"] - h["rss_idle_kib"]) / max(1, h["calls"]) \
            if "rss_n_kib" in h else float("nan")
        rows = [
            ("hold: calls (ramp rate)", "%d (%g/s)" % (h["calls"],
                                                      h["rate"])),
            ("contacts up at ramp end / during window",
             "%d / %d-%d" % (h.get("up_at_ramp_end", 0),
                             h.get("contacts_min", 0),
                             h.get("contacts_max", 0))),
            ("steady window", "%.1f s" % h.get("window_seconds", 0)),
            ("GET /health in window: median / max", "%.1f / %.1f ms" % (
                pct(h.get("health_ms", []), 50),
                max(h.get("health_ms") or [float("nan")]))),
            ("daemon CPU (% of one core)", "%.1f %%" % cpu.get("daemon",
                                                             0)),
            ("sipp / this script CPU", "%.1f %% / %.1f %%" % (
                cpu.get("sipp", 0), cpu.get("self", 0))),
            ("machine busy (of %d00 %%), other processes" %
             os.cpu_count(), "%.1f %%, %.1f %%" % (
                 cpu.get("machine", 0), cpu.get("other", 0))),
            ("daemon RSS idle -> with calls", "%.1f -> %.1f MiB" % (
                h["rss_idle_kib"] / 1024.0,
                h.get("rss_n_kib", 0) / 1024.0)),
            ("RSS per contact", "%.1f KiB" % per),
            ("RTP sample (streams heard / sampled)",
             "%d / %d" % (h.get("heard", 0), h["sampled"])),
            ("  intervals measured, sequence gaps",
             "%d, %d" % (len(errs), h.get("gaps", 0))),
            ("  send-interval error p50 / p99 / max",
             "%.2f / %.2f / %.2f ms" % (pct(errs, 50) / 1000,
                                        pct(errs, 99) / 1000,
                                        (errs[-1] if errs else
                                         float("nan")) / 1000)),
            ("  intervals off by > 5 ms",
             "%.3f %%" % (100.0 * sum(1 for e in errs if e > 5000) /
                          max(1, len(errs)))),
            ("hold calls ok / failed", "%d / %d" % (h.get("ok", 0),
                                                    h.get("failed", 0))),
        ]
        if h.get("failures"):
            rows.append(("  failures", " ".join(
                "%s=%s" % kv for kv in sorted(h["failures"].items()))))
        table(rows)
    s = out.get("setup")
    if s:
        t = s.get("setup_ms", [])
        cpu = s.get("cpu", {})
        rows = [
            ("setup: calls at rate", "%d at %g/s (1 s each)" % (
                s["calls"], s["rate"])),
            ("took", "%.1f s" % s.get("seconds", 0)),
            ("daemon / sipp / other CPU", "%.1f %% / %.1f %% / %.1f %%" % (
                cpu.get("daemon", 0), cpu.get("sipp", 0),
                cpu.get("other", 0))),
            ("calls ok / failed", "%d / %d" % (s.get("ok", 0),
                                               s.get("failed", 0))),
            ("SIP datagrams dropped by the daemon's socket",
             "%d" % s.get("sip_drops", 0)),
            ("INVITE -> 200 p50 / p99 / max",
             "%.1f / %.1f / %.1f ms (%d calls)" % (
                 pct(t, 50), pct(t, 99), t[-1] if t else float("nan"),
                 len(t))),
            ("repartition (SIPp buckets)", " ".join(
                "%s:%s" % kv for kv in s.get("repartition", {}).items())),
        ]
        if s.get("failures"):
            rows.append(("  failures", " ".join(
                "%s=%s" % kv for kv in sorted(s["failures"].items()))))
        table(rows)


def table(rows):
    width = max(len(r[0]) for r in rows)
    sys.stdout.write("\n")
    for k, v in rows:
        sys.stdout.write("  %-*s  %s\n" % (width, k, v))
    sys.stdout.flush()


def main():
    args = parse_args()
    args.build = os.path.abspath(args.build)
    os.environ["CFD_BUILD_DIR"] = args.build
    os.environ["CFD_SOURCE_DIR"] = SOURCE
    sys.path.insert(0, os.path.join(SOURCE, "tests", "e2e"))
    import daemon as daemon_mod

    # thousands of RTP sockets in the daemon: children inherit the limit
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = 4 * max(args.calls, int(args.setup_rate * 2)) + 1024
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(need, hard), hard))
        if hard < need:
            sys.stderr.write("warning: RLIMIT_NOFILE hard limit %d < %d\n"
                             % (hard, need))

    if not os.path.exists(os.path.join(args.build, "src", "daemon",
                                       "callflowd")):
        sys.stderr.write("no callflowd under %s (use --build)\n" %
                         args.build)
        return 1

    conc = max(args.calls, int(args.setup_rate * 3))
    port_min = 10000
    port_max = min(32000, port_min + 6 * conc + 1000)
    # RTP and RTCP (port + 1) of the calls not sampled: never read
    sink_port = daemon_mod.free_port(pair=True)
    sinks = []
    for port in (sink_port, sink_port + 1):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.bind(("127.0.0.1", port))
        sinks.append(s)

    d = daemon_mod.Daemon(
        flows=FLOWS, numbers={NUMBER: "Bench IVR inbound"},
        log_level="info",
        config={"limits": {"max_concurrent_calls": conc + 100},
                "queues": [{"name": "Bench",
                            "queue_flow": "Bench hold loop"}]})
    d.config["sip"]["rtp"].update({"port_min": port_min,
                                   "port_max": port_max,
                                   "timeout_seconds": 0})
    d.write_config()
    out = {}
    rc = 0
    try:
        d.start()
        print("callflowd pid %d, folder %s" % (d.proc.pid, d.dir))
        if args.renice is not None:
            # every thread: Linux keeps a nice value per thread
            for tid in os.listdir("/proc/%d/task" % d.proc.pid):
                os.setpriority(os.PRIO_PROCESS, int(tid), args.renice)
        if not args.skip_hold:
            print("hold phase: %d calls at %g/s, %g s measured, RTP of %d "
                  "calls sampled" % (args.calls, args.rate, args.duration,
                                     min(args.sample, args.calls)))
            hold_phase(d, daemon_mod, args, sink_port, out)
        if args.setup_seconds > 0:
            print("setup phase: %g calls/s for %g s" % (
                args.setup_rate, args.setup_seconds))
            setup_phase(d, daemon_mod, args, sink_port, out)
    except (AssertionError, OSError) as e:
        sys.stderr.write("bench_ivr: %s\n" % e)
        rc = 1
    finally:
        code = d.stop()
        if code:
            sys.stderr.write("callflowd exited with %s; log tail:\n%s\n" % (
                code, d.log()[-2000:]))
        if args.keep:
            print("kept", d.dir)
        else:
            d.cleanup()
        for s in sinks:
            s.close()
    report(out, args)
    return rc


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""bench_relay: the real callflowd relaying N concurrent bridged calls.

One daemon (its own temporary folder, loopback only) with N agents whose
phones are static contacts ("contact": "sip:agentK@127.0.0.1:PORT", a
device that is always up), all answered by one SIPp UAS
(bench/sipp/uas_agent.xml); the bench makes every agent Available over the
API. SIPp callers (bench/sipp/uac_relay.xml) dial an inbound flow that
queues them; the router offers each to an agent, the UAS answers and the
daemon bridges the legs, relaying the caller's 800 Hz PCMU stream
(SIPp rtp_stream) to the agent. Once all N calls are bridged the bench
measures over --duration seconds of steady state:

- the daemon's CPU (% of one core) and RSS, SIPp's and the machine's;
- the relayed audio at the agent side, for a sample of the calls (their
  answer SDP points at UDP sockets of this script, the rest at a sink):
  the kernel receive timestamps (SO_TIMESTAMPNS) give |inter-arrival -
  20 ms| between consecutive sequence numbers, sequence gaps count lost
  packets, and a packet whose payload is PCMU silence counts as an audio
  gap (the relay had no caller audio for that 20 ms);
- failures: calls SIPp saw fail on either side, calls never bridged.

Not a test: it prints figures and exits 0 when the run completed (1 if it
could not run). Everything it starts is stopped in finally blocks.

  bench/bench_relay.py [--calls 500] [--rate 25] [--duration 30]
                       [--sample 50] [--build DIR] [--keep]
"""
import argparse
import array
import os
import resource
import select
import socket
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import bench_ivr as bi  # noqa: E402  (CPU/RSS meters, SIPp helpers)

CALLER = os.path.join(HERE, "sipp", "uac_relay.xml")
AGENT = os.path.join(HERE, "sipp", "uas_agent.xml")
NUMBER = "+18005550177"
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
PCMU_SILENCE = (0xff, 0x7f)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--calls", type=int, default=500,
                   help="concurrent bridged calls (default 500)")
    p.add_argument("--rate", type=float, default=25,
                   help="ramp rate, calls/s (25)")
    p.add_argument("--duration", type=float, default=30,
                   help="seconds measured once all calls are bridged (30)")
    p.add_argument("--sample", type=int, default=50,
                   help="calls whose relayed RTP this script receives (50)")
    p.add_argument("--build", default=os.environ.get(
        "CFD_BUILD_DIR", os.path.join(SOURCE, "build")),
        help="build directory holding src/daemon/callflowd")
    p.add_argument("--keep", action="store_true",
                   help="keep the temporary folder (daemon log, SIPp files)")
    return p.parse_args()


def flow_json():
    content = {
        "Version": "2019-10-30", "StartAction": "q",
        "Actions": [
            {"Identifier": "q", "Type": "UpdateContactTargetQueue",
             "Parameters": {"QueueId": "Relay"},
             "Transitions": {"NextAction": "t", "Errors": [
                 {"ErrorType": "NoMatchingError", "NextAction": "bye"}]}},
            {"Identifier": "t", "Type": "TransferContactToQueue",
             "Parameters": {},
             "Transitions": {"NextAction": "bye", "Errors": [
                 {"ErrorType": "QueueAtCapacity", "NextAction": "bye"},
                 {"ErrorType": "NoMatchingError", "NextAction": "bye"}]}},
            {"Identifier": "bye", "Type": "DisconnectParticipant",
             "Parameters": {}, "Transitions": {}}]}
    import json
    return json.dumps({"Name": "Bench relay inbound",
                       "Type": "CONTACT_FLOW",
                       "Content": json.dumps(content)})


class RelaySample:
    """UDP sockets standing for a sample of agents' phones, read on a
    thread with epoll: per socket the kernel timestamp, RTP sequence
    number and whether the payload was silence, of every packet."""

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
        self.silent = [array.array("b") for _ in self.socks]
        self._stop = threading.Event()
        self._thr = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thr.start()

    def _run(self):
        ep = select.epoll()
        byfd = {s.fileno(): i for i, s in enumerate(self.socks)}
        for fd in byfd:
            ep.register(fd, select.EPOLLIN)
        anc = socket.CMSG_SPACE(16)
        try:
            while not self._stop.is_set():
                for fd, _ in ep.poll(0.2):
                    i = byfd[fd]
                    while True:
                        try:
                            data, ancdata, _, _ = \
                                self.socks[i].recvmsg(2048, anc)
                        except BlockingIOError:
                            break
                        ts = None
                        for level, kind, cd in ancdata:
                            if level == socket.SOL_SOCKET and \
                                    kind == SO_TIMESTAMPNS:
                                sec, nsec = struct.unpack("qq", cd[:16])
                                ts = sec * 1000000000 + nsec
                        # audio only: not RTCP (port + 1), not events
                        if ts is None or len(data) < 13 or \
                                data[0] >> 6 != 2 or data[1] & 0x7f != 0:
                            continue
                        pay = data[12:]
                        self.ts[i].append(ts)
                        self.seq[i].append((data[2] << 8) | data[3])
                        self.silent[i].append(
                            all(b in PCMU_SILENCE for b in pay))
        finally:
            ep.close()

    def stop(self):
        self._stop.set()
        self._thr.join(5)
        for s in self.socks:
            s.close()

    def figures(self, w0, w1):
        """Inside [w0, w1] (realtime ns): sorted |inter-arrival - 20 ms|
        in us, streams heard, packets, lost packets, silent packets."""
        errs = []
        heard = packets = lost = silent = 0
        for ts, seq, sil in zip(self.ts, self.seq, self.silent):
            prev_t = prev_s = None
            got = False
            for t, q, z in zip(ts, seq, sil):
                if t < w0 or t > w1:
                    continue
                got = True
                packets += 1
                silent += z
                if prev_t is not None:
                    d = (q - prev_s) & 0xffff
                    if d == 1:
                        errs.append(abs(t - prev_t - 20000000) / 1000.0)
                    elif 1 < d < 1000:
                        lost += d - 1
                prev_t, prev_s = t, q
            heard += got
        errs.sort()
        return errs, heard, packets, lost, silent


def start_uas(d, daemon_mod, port, inf, calls, timeout):
    """One SIPp UAS for every agent's static contact."""
    sdir = os.path.join(d.dir, "uas")
    os.makedirs(sdir)
    mp = daemon_mod.free_block(8, 45000, 60000)
    cmd = [daemon_mod.SIPP, "-sf", AGENT, "-i", "127.0.0.1",
           "-p", str(port), "-mi", "127.0.0.1", "-mp", str(mp),
           "-t", "u1", "-m", str(calls), "-inf", inf, "-nostdin",
           "-trace_err", "-error_file", os.path.join(sdir, "errors.log"),
           "-trace_stat", "-stf", os.path.join(sdir, "stat.csv"),
           "-fd", "1", "-timeout", "%ds" % timeout,
           "-max_recv_loops", "10000", "-max_sched_loops", "10000"]
    out = open(os.path.join(sdir, "sipp.out"), "w")
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                            cwd=sdir)
    return proc, out, sdir


def stats_of(path):
    import csv
    try:
        with open(path) as f:
            rows = list(csv.reader(f, delimiter=";"))
        return dict(zip(rows[0], rows[-1]))
    except (OSError, IndexError):
        return {}


def set_available(d, n):
    bad = 0
    for k in range(1, n + 1):
        code, _ = d.http("PUT", "/v1/agents/agent%d/status" % k,
                         {"status": "Available"})
        bad += code != 200
    return bad


def bridged(d):
    code, body = d.http("GET", "/v1/contacts", timeout=10)
    if code != 200:
        return -1
    return sum(1 for c in body["contacts"] if c["state"] == "Connected")


def run(d, daemon_mod, args, uas_port, sink_port, out):
    n = args.calls
    nsample = max(0, min(args.sample, n))
    rtp = RelaySample(nsample)
    # the UAS answers calls in the order offered; spread the sample
    ports = [sink_port] * n
    step = max(1, n // nsample) if nsample else n + 1
    for k, i in enumerate(range(0, n, step)):
        if k == nsample:
            break
        ports[i] = rtp.ports[k]
    uas_inf = os.path.join(d.dir, "agents.csv")
    bi.write_inf(uas_inf, ports)
    call_inf = os.path.join(d.dir, "callers.csv")
    bi.write_inf(call_inf, [sink_port] * n)

    ramp_s = n / args.rate
    ramp_max = ramp_s * 1.5 + 15
    settle_s = 2.0
    hold_s = ramp_max + settle_s + args.duration + 3
    timeout = int(hold_s + ramp_s + 60)

    caller = daemon_mod.Sipp(d, CALLER, NUMBER[1:], calls=n, rate=args.rate,
                             limit=n, timeout=timeout,
                             args=["-inf", call_inf,
                                   "-d", str(int(hold_s * 1000)),
                                   "-max_recv_loops", "10000",
                                   "-max_sched_loops", "10000"])
    subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-t", "ul",
                    os.path.join(caller.dir, "tone.ul"), "synth", "10",
                    "sine", "800", "vol", "0.5"], check=True, timeout=30)
    uas, uas_out, uas_dir = start_uas(d, daemon_mod, uas_port, uas_inf, n,
                                      timeout + 30)
    res = {"calls": n, "rate": args.rate, "sampled": nsample,
           "rss_idle_kib": bi.proc_rss_kib(d.proc.pid)}
    try:
        res["not_available"] = set_available(d, n)
        rtp.start()
        t0 = time.monotonic()
        caller.start()
        meter = bi.start_meter({"daemon": d.proc.pid,
                                "sipp_callers": caller.proc.pid,
                                "sipp_agents": uas.pid,
                                "self": os.getpid()}, caller)
        peak = 0
        while time.monotonic() < t0 + ramp_max and \
                caller.proc.poll() is None:
            b = bridged(d)
            peak = max(peak, b)
            if b >= n:
                break
            time.sleep(0.5)
        if caller.proc.poll() is not None:
            raise AssertionError("sipp callers ended during the ramp "
                                 "(rc %s):\n%s" % (caller.proc.returncode,
                                                   caller.errors()))
        res["ramp_seconds"] = time.monotonic() - t0
        res["bridged_at_ramp_end"] = peak
        time.sleep(settle_s)

        w_len = min(args.duration, t0 + hold_s - 1.5 - time.monotonic())
        w0 = time.time_ns()
        meter.start()
        t_end = time.monotonic() + max(1.0, w_len)
        lo, hi, rss_max, lat = n * 10, 0, 0, []
        while time.monotonic() < t_end and caller.proc.poll() is None:
            c = bi.health_contacts(d, lat)
            lo, hi = min(lo, c), max(hi, c)
            rss_max = max(rss_max, bi.proc_rss_kib(d.proc.pid))
            time.sleep(min(1.0, max(0.0, t_end - time.monotonic())))
        cpu = meter.stop()
        w1 = time.time_ns()
        res.update({"cpu": cpu, "contacts_min": lo, "contacts_max": hi,
                    "bridged_in_window": bridged(d),
                    "rss_n_kib": max(rss_max, bi.proc_rss_kib(d.proc.pid)),
                    "window_seconds": (w1 - w0) / 1e9,
                    "health_ms": sorted(lat)})
        res["caller_rc"] = caller.wait(timeout=hold_s + ramp_s + 90)
        try:
            res["agent_rc"] = uas.wait(60)
        except subprocess.TimeoutExpired:
            res["agent_rc"] = None
        cs = caller.stats()
        us = stats_of(os.path.join(uas_dir, "stat.csv"))
        res["ok"] = int(cs.get("SuccessfulCall(C)", 0) or 0)
        res["failed"] = int(cs.get("FailedCall(C)", 0) or 0)
        res["failures"] = bi.sipp_failures(cs)
        res["agent_ok"] = int(us.get("SuccessfulCall(C)", 0) or 0)
        res["agent_failed"] = int(us.get("FailedCall(C)", 0) or 0)
    finally:
        caller.kill()
        if uas.poll() is None:
            uas.kill()
            uas.wait()
        uas_out.close()
        rtp.stop()
    errs, heard, packets, lost, silent = rtp.figures(w0, w1)
    res.update({"jitter_us": errs, "heard": heard, "packets": packets,
                "lost": lost, "silent": silent})
    out["relay"] = res


def report(out):
    r = out.get("relay")
    if not r:
        print("no figures")
        return
    cpu = r.get("cpu", {})
    print("\nbench_relay: %d bridged calls (ramp %g/s), %d sampled" % (
        r["calls"], r["rate"], r["sampled"]))
    print("  ramp: %.1f s, bridged at its end %d; bridged in the window %s;"
          " live contacts %s..%s" % (
              r.get("ramp_seconds", 0), r.get("bridged_at_ramp_end", 0),
              r.get("bridged_in_window"), r.get("contacts_min"),
              r.get("contacts_max")))
    print("  window %.1f s: CPU daemon %.1f%%, SIPp callers %.1f%%, SIPp "
          "agents %.1f%%, bench %.1f%%, other processes %.1f%%, machine "
          "%.1f%% (of %d cores x 100%%)" % (
              r.get("window_seconds", 0), cpu.get("daemon", 0),
              cpu.get("sipp_callers", 0), cpu.get("sipp_agents", 0),
              cpu.get("self", 0), cpu.get("other", 0),
              cpu.get("machine", 0), os.cpu_count()))
    n = max(1, r["calls"])
    print("  daemon RSS: idle %.1f MiB, with the calls %.1f MiB (%.1f KiB "
          "per call)" % (r["rss_idle_kib"] / 1024.0,
                         r.get("rss_n_kib", 0) / 1024.0,
                         (r.get("rss_n_kib", 0) - r["rss_idle_kib"]) / n))
    hm = r.get("health_ms") or [float("nan")]
    print("  API latency during the window: p50 %.1f ms, max %.1f ms" % (
        bi.pct(hm, 50), hm[-1]))
    e = r.get("jitter_us", [])
    pk = max(1, r.get("packets", 0))
    print("  relayed RTP at the agents (%d streams heard, %d packets): "
          "interval error p50 %.0f us, p99 %.0f us, max %.0f us; >5 ms "
          "%.3f%%; lost %d; silent frames (audio gaps) %d (%.3f%%)" % (
              r.get("heard", 0), r.get("packets", 0), bi.pct(e, 50),
              bi.pct(e, 99), e[-1] if e else float("nan"),
              100.0 * sum(1 for x in e if x > 5000) / max(1, len(e)),
              r.get("lost", 0), r.get("silent", 0),
              100.0 * r.get("silent", 0) / pk))
    print("  calls: callers ok %s, failed %s %s; agents ok %s, failed %s; "
          "agents not made Available %s; SIPp rc callers %s agents %s" % (
              r.get("ok"), r.get("failed"), r.get("failures") or "",
              r.get("agent_ok"), r.get("agent_failed"),
              r.get("not_available"), r.get("caller_rc"),
              r.get("agent_rc")))


def main():
    args = parse_args()
    args.build = os.path.abspath(args.build)
    os.environ["CFD_BUILD_DIR"] = args.build
    os.environ["CFD_SOURCE_DIR"] = SOURCE
    sys.path.insert(0, os.path.join(SOURCE, "tests", "e2e"))
    import daemon as daemon_mod

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = 8 * args.calls + 1024
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(need, hard), hard))
    if not os.path.exists(os.path.join(args.build, "src", "daemon",
                                       "callflowd")):
        sys.stderr.write("no callflowd under %s (use --build)\n" %
                         args.build)
        return 1

    n = args.calls
    uas_port = daemon_mod.free_port(pair=True)
    sink_port = daemon_mod.free_port(pair=True)
    sinks = []
    for port in (sink_port, sink_port + 1):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.bind(("127.0.0.1", port))
        sinks.append(s)

    d = daemon_mod.Daemon(
        numbers={NUMBER: "Bench relay inbound"}, log_level="info",
        config={"limits": {"max_concurrent_calls": n + 100},
                "queues": [{"name": "Relay"}],
                "routing_profiles": [{
                    "name": "Relay profile",
                    "queues": [{"queue": "Relay", "priority": 1}],
                    "after_contact_work_seconds": 0,
                    "ring_timeout_seconds": 30}],
                "agents": [{"username": "agent%d" % k,
                            "password": "bench-%d-pw" % k,
                            "routing_profile": "Relay profile",
                            "contact": "sip:agent%d@127.0.0.1:%d" % (
                                k, uas_port)}
                           for k in range(1, n + 1)]})
    with open(os.path.join(d.flows_dir, "relay.json"), "w") as f:
        f.write(flow_json())
    d.config["sip"]["rtp"].update({"port_min": 10000,
                                   "port_max": min(32000,
                                                   10000 + 8 * n + 1000),
                                   "timeout_seconds": 0})
    d.write_config()
    out = {}
    rc = 0
    try:
        d.start()
        print("callflowd pid %d, folder %s; %d calls at %g/s, %g s "
              "measured" % (d.proc.pid, d.dir, n, args.rate, args.duration))
        run(d, daemon_mod, args, uas_port, sink_port, out)
    except (AssertionError, OSError) as e:
        sys.stderr.write("bench_relay: %s\n" % e)
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
    report(out)
    return rc


if __name__ == "__main__":
    sys.exit(main())

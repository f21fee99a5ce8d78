"""The Debian package: scripts/package builds it; installed into a
throw-away root (dpkg --root with --force-script-chrootless, so the
maintainer scripts run with DPKG_ROOT and touch nothing of this machine)
it creates the callflowd system user, owns /var/lib/callflowd, makes the
configuration root:callflowd 0640; the installed daemon, started as that
user the way the unit starts it (no systemd runs here), takes a call;
purge removes it all. The machine itself is left as it was."""
import grp
import json
import os
import pwd
import shutil
import signal
import stat
import subprocess
import unittest

import cfd
from daemon import Sipp, free_block, free_port, wait_for

PACKAGE = os.path.join(cfd.SOURCE, "scripts", "package")


def run(cmd, **kw):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=300, **kw)
    if p.returncode:
        raise AssertionError("%s: %d\n%s%s" % (cmd, p.returncode, p.stdout,
                                               p.stderr))
    return p.stdout


def entry(root, db, name):
    """The fields of name's line in ROOT/etc/passwd or group."""
    with open(os.path.join(root, "etc", db)) as f:
        for line in f:
            parts = line.rstrip("\n").split(":")
            if parts[0] == name:
                return parts
    return None


class Root:
    """An empty system root with a dpkg database and a user database."""

    def __init__(self, path):
        self.path = path
        os.chmod(os.path.dirname(path), 0o755)  # the service user walks in
        for d in ("etc", "var/lib/dpkg/info", "var/lib/dpkg/updates",
                  "var/log", "usr/sbin", "tmp"):
            os.makedirs(os.path.join(path, d))
        os.chmod(path, 0o755)
        for f, text in (("var/lib/dpkg/status", ""),
                        ("var/lib/dpkg/available", ""),
                        ("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"),
                        ("etc/group", "root:x:0:\n"),
                        ("etc/shadow", "root:*:19000:0:99999:7:::\n"),
                        ("etc/gshadow", "root:*::\n")):
            with open(os.path.join(path, f), "w") as fp:
                fp.write(text)
        os.chmod(os.path.join(path, "etc/shadow"), 0o640)
        os.chmod(os.path.join(path, "etc/gshadow"), 0o640)

    def join(self, p):
        return os.path.join(self.path, p.lstrip("/"))

    def dpkg(self, *args):
        return run(["dpkg", "--root=" + self.path, "--force-script-chrootless",
                    "--force-depends", "--log=" + self.join("var/log/dpkg.log")]
                   + list(args))


class Package(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        out = run([PACKAGE, cfd.BUILD], cwd=cfd.SOURCE)
        cls.deb = out.strip().splitlines()[-1]
        if not os.path.isabs(cls.deb):
            cls.deb = os.path.join(cfd.SOURCE, cls.deb)
        try:
            pwd.getpwnam("callflowd")
            cls.host_user = True
        except KeyError:
            cls.host_user = False

    def test_package_contents(self):
        info = run(["dpkg-deb", "-I", self.deb])
        self.assertIn("Package: callflowd", info)
        self.assertRegex(info, r"Depends: .*libre0")
        files = run(["dpkg-deb", "-c", self.deb])
        for f in ("./usr/sbin/callflowd", "./usr/bin/callflowctl",
                  "./usr/lib/systemd/system/callflowd.service",
                  "./etc/callflowd/callflowd.json",
                  "./var/lib/callflowd/flows/sample_inbound_flow.json",
                  "./usr/share/doc/callflowd/operations.md"):
            self.assertIn(f, files)
        with cfd.TempDir() as t:
            run(["dpkg-deb", "-e", self.deb, t.join("ctl")])
            with open(t.join("ctl", "conffiles")) as fp:
                self.assertIn("/etc/callflowd/callflowd.json\n", fp.read())

    def test_install_start_call_purge(self):
        with cfd.TempDir() as t:
            root = Root(t.join("root"))
            root.dpkg("-i", self.deb)

            # the system user, inside the root only
            user = entry(root.path, "passwd", "callflowd")
            group = entry(root.path, "group", "callflowd")
            self.assertIsNotNone(user)
            uid, gid = int(user[2]), int(group[2])
            self.assertLess(uid, 1000)
            self.assertEqual(user[5], "/var/lib/callflowd")
            self.assertEqual(user[6], "/usr/sbin/nologin")
            if not self.host_user:
                self.assertRaises(KeyError, pwd.getpwnam, "callflowd")

            conf = root.join("/etc/callflowd/callflowd.json")
            st = os.stat(conf)
            self.assertEqual(stat.S_IMODE(st.st_mode), 0o640)
            self.assertEqual((st.st_uid, st.st_gid), (0, gid))
            st = os.stat(root.join("/var/lib/callflowd"))
            self.assertEqual((st.st_uid, st.st_gid), (uid, gid))
            self.assertEqual(stat.S_IMODE(st.st_mode), 0o750)
            status = run(["dpkg-query", "--admindir=" +
                          root.join("/var/lib/dpkg"), "-W",
                          "-f=${Status}", "callflowd"])
            self.assertEqual(status, "install ok installed")

            # the unit starts /usr/sbin/callflowd on /etc/callflowd as the
            # callflowd user in /var/lib/callflowd: do the same in the root
            unit = {}
            with open(root.join("/usr/lib/systemd/system/"
                                "callflowd.service")) as fp:
                for line in fp:
                    if "=" in line and not line.startswith("#"):
                        k, v = line.strip().split("=", 1)
                        unit[k] = v
            self.assertEqual(unit["ExecStart"], "/usr/sbin/callflowd "
                             "--config /etc/callflowd/callflowd.json")
            self.assertEqual(unit["User"], "callflowd")
            self.assertEqual(unit["StateDirectory"], "callflowd")
            argv = unit["ExecStart"].split()
            argv = [root.join(argv[0])] + argv[1:-1] + [root.join(argv[-1])]

            # this machine's ports and the root's paths; owner and mode
            # kept, so the daemon reads it through its group only
            with open(conf) as fp:
                cfg = json.load(fp)
            sip, http = free_port(pair=True), free_port()
            rtp = free_block(16, 20000, 40000)
            cfg["data_dir"] = root.join(cfg["data_dir"])
            cfg["flows_dir"] = root.join(cfg["flows_dir"])
            # the shipped bots are installed beside the flows
            bots = cfg["speech"]["bots_dir"]
            self.assertEqual(bots, "/var/lib/callflowd/bots")
            self.assertTrue(os.path.isdir(root.join(
                bots + "/SampleMenu/SampleMenu/BotLocales")))
            cfg["speech"]["bots_dir"] = root.join(bots)
            cfg["sip"]["listen"] = ["udp:127.0.0.1:%d" % sip]
            cfg["sip"]["rtp"].update(port_min=rtp, port_max=rtp + 15)
            cfg["http"]["listen"] = "127.0.0.1:%d" % http
            cfg["shutdown_grace_seconds"] = 5
            with open(conf, "w") as fp:
                json.dump(cfg, fp)

            log = open(t.join("daemon.log"), "w")
            env = dict(os.environ, HOME="/var/lib/callflowd")
            env.setdefault("ASAN_OPTIONS", "detect_leaks=1")
            proc = subprocess.Popen(
                ["setpriv", "--reuid=%d" % uid, "--regid=%d" % gid,
                 "--clear-groups", "--"] + argv,
                cwd=root.join("/var/lib/callflowd"), stdout=log,
                stderr=subprocess.STDOUT, env=env,
                preexec_fn=lambda: os.umask(0o027))

            def stop():
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
                log.close()
            self.addCleanup(stop)

            class D:  # what Sipp needs of a daemon
                dir = t.path
                sip_port = sip

            def healthy():
                if proc.poll() is not None:
                    raise AssertionError(open(t.join("daemon.log")).read())
                try:
                    import urllib.request
                    with urllib.request.urlopen(
                            "http://127.0.0.1:%d/health" % http,
                            timeout=2) as r:
                        return r.status == 200
                except OSError:
                    return False
            wait_for(healthy, 30, "the installed daemon's /health")
            self.assertEqual(os.stat("/proc/%d" % proc.pid).st_uid, uid)

            sipp = Sipp(D, "uac_caller_bye.xml", "18005550100")
            rc = sipp.run()
            self.assertEqual(rc, 0, sipp.errors())
            records = os.path.join(cfg["data_dir"], "records",
                                   "contact-records.jsonl")

            def record():
                try:
                    with open(records) as fp:
                        return [json.loads(l) for l in fp if l.strip()]
                except FileNotFoundError:
                    return None
            [rec] = wait_for(record, 20, "the call's record")
            self.assertEqual(rec["ContactFlowName"], "Sample inbound flow")
            self.assertEqual(rec["DisconnectReason"], "CUSTOMER_DISCONNECT")
            self.assertEqual(os.stat(records).st_uid, uid)

            proc.send_signal(signal.SIGTERM)
            self.assertEqual(proc.wait(30), 0,
                             open(t.join("daemon.log")).read())

            # purge: files, configuration and state go
            root.dpkg("--purge", "callflowd")
            for p in ("/usr/sbin/callflowd", "/etc/callflowd",
                      "/var/lib/callflowd",
                      "/usr/lib/systemd/system/callflowd.service"):
                self.assertFalse(os.path.exists(root.join(p)), p)
            shutil.rmtree(root.path, ignore_errors=True)
        if not self.host_user:
            self.assertRaises(KeyError, grp.getgrnam, "callflowd")
            self.assertFalse(os.path.exists("/etc/callflowd"))


if __name__ == "__main__":
    unittest.main()

"""`cmake --install` honours --prefix and DESTDIR for everything it writes
(binaries, unit, configuration, flows, docs), lists the configuration
files it installs, keeps an existing configuration, and generates the
systemd unit from the install's own paths (checked by reading it, and by
`systemd-analyze verify` where that program exists)."""
import json
import os
import shutil
import stat
import subprocess
import unittest

import cfd

SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


def install(dest, prefix=None, destdir=None):
    env = dict(os.environ)
    env.pop("DESTDIR", None)
    if destdir:
        env["DESTDIR"] = destdir
    cmd = ["cmake", "--install", cfd.BUILD]
    if prefix:
        cmd += ["--prefix", prefix]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True, env=env, timeout=120)
    if p.returncode:
        raise AssertionError("install failed:\n" + p.stdout)
    return p.stdout


def unit_keys(path):
    keys = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if "=" in line and not line.startswith("#"):
                k, v = line.split("=", 1)
                keys.setdefault(k, []).append(v)
    return keys


def manifest():
    with open(os.path.join(cfd.BUILD, "install_manifest.txt")) as f:
        return [l.strip() for l in f if l.strip()]


class Install(unittest.TestCase):

    def test_prefix_puts_everything_under_it(self):
        with cfd.TempDir() as t:
            p = t.join("opt-cfd")
            out = install(t, prefix=p)
            conf = os.path.join(p, "etc", "callflowd", "callflowd.json")
            unit = os.path.join(p, "lib", "systemd", "system",
                                "callflowd.service")
            state = os.path.join(p, "var", "lib", "callflowd")
            for f in (conf, conf + ".dist", unit,
                      os.path.join(p, "sbin", "callflowd"),
                      os.path.join(p, "bin", "callflowctl"),
                      os.path.join(state, "flows",
                                   "sample_inbound_flow.json"),
                      os.path.join(p, "share", "doc", "callflowd",
                                   "operations.md")):
                self.assertTrue(os.path.isfile(f), f)
                self.assertIn("Installing: " + f, out)
            # nothing written outside the prefix
            files = manifest()
            self.assertGreater(len(files), 15)
            for f in files:
                self.assertTrue(f.startswith(p + "/"), f)

            # the configuration: secrets inside, so not world-readable
            mode = stat.S_IMODE(os.stat(conf).st_mode)
            self.assertEqual(mode, 0o640)
            with open(conf) as f:
                cfg = json.load(f)
            self.assertEqual(cfg["flows_dir"], os.path.join(state, "flows"))
            self.assertEqual(cfg["data_dir"], state)

            # the unit points at this install
            keys = unit_keys(unit)
            self.assertEqual(keys["ExecStart"], [
                "%s/sbin/callflowd --config %s" % (p, conf)])
            self.assertEqual(keys["ReadWritePaths"], [state])
            self.assertEqual(keys["User"], ["callflowd"])
            # StateDirectory= can only name /var/lib/...: not here
            self.assertNotIn("StateDirectory", keys)
            for d in keys["Documentation"]:
                self.assertTrue(os.path.isfile(d[len("file://"):]), d)

            if SYSTEMD_ANALYZE:
                v = subprocess.run([SYSTEMD_ANALYZE, "verify", unit],
                                   stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT,
                                   universal_newlines=True, timeout=60)
                self.assertEqual(v.returncode, 0, v.stdout)
                self.assertNotIn("not executable", v.stdout)

            # the installed configuration is a valid one
            chk = subprocess.run(
                [os.path.join(p, "sbin", "callflowd"), "--check-config",
                 "--config", conf], stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, universal_newlines=True,
                timeout=60)
            self.assertEqual(chk.returncode, 0, chk.stdout)
            self.assertIn("configuration valid", chk.stdout)

            # an upgrade keeps the admin's configuration, renews .dist
            cfg["log_level"] = "debug"
            with open(conf, "w") as f:
                json.dump(cfg, f)
            os.unlink(conf + ".dist")
            out = install(t, prefix=p)
            self.assertIn("Keeping: " + conf, out)
            self.assertIn("Installing: " + conf + ".dist", out)
            with open(conf) as f:
                self.assertEqual(json.load(f)["log_level"], "debug")

    def test_destdir_stages_a_usr_install(self):
        with cfd.TempDir() as t:
            stage = t.join("stage")
            out = install(t, prefix="/usr", destdir=stage)
            conf = "/etc/callflowd/callflowd.json"
            unit = "/usr/lib/systemd/system/callflowd.service"
            for f in (conf, conf + ".dist", unit, "/usr/sbin/callflowd",
                      "/usr/bin/callflowctl",
                      "/var/lib/callflowd/flows/sample_inbound_flow.json",
                      "/usr/share/doc/callflowd/README.md"):
                self.assertTrue(os.path.isfile(stage + f), f)
                self.assertIn("Installing: " + stage + f, out)
            # the manifest names the final paths: each was written under
            # DESTDIR, none outside /usr, /etc/callflowd, /var/lib/callflowd
            files = manifest()
            self.assertGreater(len(files), 15)
            for f in files:
                self.assertTrue(f.startswith(("/usr/", "/etc/callflowd/",
                                              "/var/lib/callflowd/")), f)
                self.assertTrue(os.path.isfile(stage + f), f)
            keys = unit_keys(stage + unit)
            self.assertEqual(keys["ExecStart"], [
                "/usr/sbin/callflowd --config " + conf])
            self.assertEqual(keys["StateDirectory"], ["callflowd"])
            self.assertEqual(keys["ConfigurationDirectory"], ["callflowd"])
            self.assertEqual(keys["ReadWritePaths"], ["/var/lib/callflowd"])
            with open(stage + conf) as f:
                cfg = json.load(f)
            self.assertEqual(cfg["data_dir"], "/var/lib/callflowd")
            self.assertEqual(cfg["flows_dir"], "/var/lib/callflowd/flows")


if __name__ == "__main__":
    unittest.main()

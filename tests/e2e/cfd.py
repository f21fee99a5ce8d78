"""Shared helpers for the end-to-end tests (python3 stdlib only).

Where things are (CFD_BUILD_DIR and CFD_SOURCE_DIR, set by CTest), running
callflowctl, temporary folders. Keep it small: helpers used by more than
one test file belong here, anything else in the test itself.
"""
import json
import os
import subprocess
import tempfile

SOURCE = os.environ.get(
    "CFD_SOURCE_DIR",
    os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))))
BUILD = os.environ.get("CFD_BUILD_DIR", os.path.join(SOURCE, "build"))
DATA = os.path.join(SOURCE, "tests", "data")
CTL = os.path.join(BUILD, "src", "ctl", "callflowctl")
DAEMON = os.path.join(BUILD, "src", "daemon", "callflowd")


def data(*parts):
    """Absolute path of a file under tests/data."""
    return os.path.join(DATA, *parts)


def callflowctl(args, timeout=60):
    """Run callflowctl with args; CompletedProcess with text output."""
    return subprocess.run([CTL] + [str(a) for a in args],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=timeout)


class SimResult:
    """A `callflowctl simulate --json` run: the steps and the end line."""

    def __init__(self, proc):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.steps = []
        self.end = None
        for line in proc.stdout.splitlines():
            if not line.strip():
                continue
            obj = json.loads(line)
            if "end" in obj:
                self.end = obj
            else:
                self.steps.append(obj)

    def ids(self):
        """Identifiers of the executed actions, in order."""
        return [s["id"] for s in self.steps]

    def says(self):
        """Every prompt text said, in order."""
        return [s["say"] for s in self.steps if "say" in s]

    def __repr__(self):
        return "rc=%d\nstdout:\n%s\nstderr:\n%s" % (
            self.rc, self.stdout, self.stderr)


def simulate(flow, *args, timeout=60):
    """Run `callflowctl simulate FLOW --json ARGS...` and parse it."""
    return SimResult(callflowctl(["simulate", flow, "--json"] + list(args),
                                 timeout=timeout))


class TempDir:
    """A temporary folder, removed on exit: `with TempDir() as d:`."""

    def __enter__(self):
        self._td = tempfile.TemporaryDirectory(prefix="cfd-e2e-")
        self.path = self._td.name
        return self

    def __exit__(self, *exc):
        self._td.cleanup()
        return False

    def join(self, *parts):
        return os.path.join(self.path, *parts)

    def write_json(self, name, obj):
        """Write obj as JSON to name inside the folder; its path."""
        path = self.join(name)
        with open(path, "w") as f:
            json.dump(obj, f, indent=1)
        return path

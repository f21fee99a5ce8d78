"""scripts/layers: the source tree's layering holds, and the check finds
what breaks it (an upward include, a sideways one, a private header
reached from another folder, a library linking one above it)."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

SOURCE = os.environ.get("CFD_SOURCE_DIR",
                        os.path.dirname(os.path.dirname(os.path.dirname(
                            os.path.abspath(__file__)))))
SCRIPT = os.path.join(SOURCE, "scripts", "layers")


def run(root):
    p = subprocess.run([sys.executable, SCRIPT, root], capture_output=True,
                       text=True, timeout=60)
    return p.returncode, p.stdout + p.stderr


class Layers(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="cfd-layers-")
        for d in ("src", "include"):
            shutil.copytree(os.path.join(SOURCE, d),
                            os.path.join(self.tmp, d))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def add_line(self, rel, line):
        path = os.path.join(self.tmp, rel)
        with open(path) as f:
            text = f.read()
        with open(path, "w") as f:
            f.write(line + "\n" + text)

    def test_tree_points_down(self):
        rc, out = run(SOURCE)
        self.assertEqual(rc, 0, out)
        self.assertIn("Every dependency points down.", out)
        # the graph names each library's edges
        self.assertRegex(out, r"contact\s+-> .*call \(\d+\)")
        self.assertRegex(out, r"core\s+-> -")

    def test_upward_include_fails(self):
        self.add_line("src/sip/trunk.c",
                      "#include <callflowd/contact/contact.h>")
        rc, out = run(self.tmp)
        self.assertEqual(rc, 1, out)
        self.assertIn("src/sip/trunk.c:1: upward include sip -> contact",
                      out)

    def test_sideways_include_fails(self):
        self.add_line("src/routing/queue.c",
                      "#include <callflowd/flow/interp.h>")
        rc, out = run(self.tmp)
        self.assertEqual(rc, 1, out)
        self.assertIn("sideways include routing -> flow", out)

    def test_private_header_of_another_folder_fails(self):
        self.add_line("src/call/leg.c", '#include "../contact/contact_priv.h"')
        rc, out = run(self.tmp)
        self.assertEqual(rc, 1, out)
        self.assertIn("upward include call -> contact", out)

    def test_public_header_including_upward_fails(self):
        self.add_line("include/callflowd/store/records.h",
                      "#include <callflowd/api/api.h>")
        rc, out = run(self.tmp)
        self.assertEqual(rc, 1, out)
        self.assertIn("upward include store -> api", out)

    def test_link_upward_fails(self):
        path = os.path.join(self.tmp, "src", "store", "CMakeLists.txt")
        with open(path, "a") as f:
            f.write("target_link_libraries(cfd_store PUBLIC cfd_sip)\n")
        rc, out = run(self.tmp)
        self.assertEqual(rc, 1, out)
        self.assertIn("cfd_store links cfd_sip, which is not below it", out)


if __name__ == "__main__":
    unittest.main()

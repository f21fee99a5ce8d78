"""callflowctl validate on good and bad flow files: output lines, exit codes."""
import os
import subprocess
import unittest

BUILD = os.environ.get("CFD_BUILD_DIR", "build")
SRC = os.environ.get("CFD_SOURCE_DIR",
                     os.path.dirname(os.path.dirname(os.path.dirname(
                         os.path.abspath(__file__)))))
CTL = os.path.join(BUILD, "src", "ctl", "callflowctl")
FLOWS = os.path.join(SRC, "tests", "data", "flows")
CORPUS = os.path.join(SRC, "tests", "data", "connect-flows")


def run(*args):
    p = subprocess.run([CTL, "validate", *args], cwd=FLOWS,
                       capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout.splitlines(), p.stderr


class ValidateTest(unittest.TestCase):
    def test_good_flows_pass(self):
        rc, out, _ = run("good")
        self.assertEqual(out, ["2 files, 0 errors, 0 warnings"])
        self.assertEqual(rc, 0)

    def test_real_exports_pass_with_warnings(self):
        rc, out, _ = run(CORPUS)
        self.assertEqual(rc, 0)
        # ConnectParticipantWithLexBot runs now (issue 15): the one
        # warning left is not about it
        self.assertEqual(out[-1], "5 files, 0 errors, 1 warning")
        self.assertNotIn(
            CORPUS + "/acme_main_AUTO.json: warning: "
            "f713e89c-d360-49a9-93ee-1fbaa5e0ff72: "
            "ConnectParticipantWithLexBot is accepted but this engine "
            "cannot run it yet", out)

    def test_bad_flows_fail(self):
        rc, out, _ = run("bad/bad_target.json", "bad/modules.json",
                         "bad/truncated.json", "bad/bad_placement.json",
                         "bad/warn_unreachable.json")
        self.assertEqual(out, [
            "bad/bad_target.json: error: a: NextAction \"nowhere\" names "
            "no action",
            "bad/modules.json: error: -: this is the pre-2019 Connect "
            "designer format ({\"modules\": [...]}), not the Flow Language "
            "\"Version\": \"2019-10-30\": re-export the flow from Amazon "
            "Connect",
            "bad/truncated.json: error: -: invalid JSON: line 6 column 0: "
            "string or '}' expected near end of file",
            "bad/bad_placement.json: error: in: GetParticipantInput is not "
            "allowed in a CUSTOMER_HOLD flow",
            "bad/warn_unreachable.json: warning: a: "
            "UpdateContactMediaStreamingBehavior is accepted but this engine "
            "cannot run it yet",
            "bad/warn_unreachable.json: warning: orphan: unreachable: no "
            "transition leads here from StartAction",
            "5 files, 4 errors, 2 warnings",
        ])
        self.assertEqual(rc, 1)

    def test_warnings_alone_exit_zero(self):
        rc, out, _ = run("bad/warn_unreachable.json")
        self.assertEqual(out[-1], "1 file, 0 errors, 2 warnings")
        self.assertEqual(rc, 0)

    def test_config_resolves_references(self):
        rc, out, _ = run("--config", "config/validate.json", "good",
                         "bad/refs.json")
        self.assertEqual(out, [
            "bad/refs.json: warning: q: QueueId: queue "
            "\"arn:aws:connect:us-east-1:111122223333:instance/abcd/queue/"
            "q-missing\" not found in the configuration",
            "bad/refs.json: warning: fn: LambdaFunctionARN "
            "\"{{lambdaFunctions.lookup.arn}}\" is a template placeholder: "
            "the function cannot be checked",
            "bad/refs.json: warning: tf: ContactFlowId: flow "
            "\"arn:aws:connect:us-east-1:111122223333:instance/abcd/"
            "contact-flow/no-such-flow\" not found among the loaded flows",
            "3 files, 0 errors, 3 warnings",
        ])
        self.assertEqual(rc, 0)

    def test_strict_makes_unresolved_references_errors(self):
        rc, out, _ = run("bad/refs.json", "--strict", "--config",
                         "config/validate.json")
        self.assertEqual(out[-1], "1 file, 2 errors, 1 warning")
        self.assertTrue(out[0].startswith("bad/refs.json: error: q: "))
        self.assertEqual(rc, 1)

    def test_good_flow_needs_its_queue_flow_and_queue(self):
        # without the queue flow among the files, the hook does not resolve
        rc, out, _ = run("--config", "config/validate.json",
                         "good/good_inbound.json")
        self.assertEqual(out, [
            "good/good_inbound.json: warning: hooks: "
            "EventHooks.CustomerQueue: flow \"good_queue\" not found among "
            "the loaded flows",
            "1 file, 0 errors, 1 warning",
        ])
        self.assertEqual(rc, 0)

    def test_missing_file_is_an_error(self):
        rc, out, _ = run("bad/nope.json")
        self.assertEqual(out, [
            "bad/nope.json: error: -: cannot read file: No such file or "
            "directory",
            "1 file, 1 error, 0 warnings",
        ])
        self.assertEqual(rc, 1)

    def test_usage_errors(self):
        rc, out, err = run()
        self.assertEqual(rc, 2)
        self.assertIn("no flow file or directory given", err)
        self.assertEqual(out, [])

        rc, _, err = run("--frobnicate", "good")
        self.assertEqual(rc, 2)
        self.assertIn("unknown option '--frobnicate'", err)

        rc, _, err = run("--config")
        self.assertEqual(rc, 2)

        rc, out, err = run("--config", "config/missing.json", "good")
        self.assertEqual(rc, 2)
        self.assertEqual(out, [])
        self.assertIn("config/missing.json", err)


if __name__ == "__main__":
    unittest.main()

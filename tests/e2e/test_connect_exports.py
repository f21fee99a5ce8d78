#!/usr/bin/env python3
"""Real Connect exports, and fixtures shaped like AWS's samples, run the way
Amazon Connect runs them (issue 17), through `callflowctl simulate` and
`validate`: every divergence that showed on the public corpus, the blocks
this engine now runs (modules, type-ahead, views, profiles, routing
criteria, queue estimates) and the simulator's options for them.
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cfd  # noqa: E402

PUBLIC = cfd.data("connect-flows-public")
FIX = cfd.data("sim", "connect")
CONFIG = os.path.join(FIX, "config.json")
OUTBOUND = "aws-samples__sample-amazon-connect-outbound-call__" \
    "amazon-connect-flows__"
NO_ACTIONS = "aws-samples__amazon-connect-gitlab-cicd-terraform__" \
    "amzconnect-contact-flows__scripts__replacer__tests__test_flows__" \
    "ACME_test1.json"


def public(name):
    return os.path.join(PUBLIC, name)


def fix(name):
    return os.path.join(FIX, name)


class TestCorpus(unittest.TestCase):
    def test_public_corpus_validates(self):
        p = cfd.callflowctl(["validate", PUBLIC])
        lines = p.stdout.splitlines()
        # 81 files: only the fixture without actions is refused
        self.assertTrue(lines[-1].startswith("81 files, 1 error, "),
                        p.stdout)
        errors = [l for l in lines if ": error: " in l]
        self.assertEqual(errors, [os.path.join(PUBLIC, NO_ACTIONS) +
                                  ": error: -: the flow has no actions"])
        self.assertEqual(p.returncode, 1)

    def test_broken_files_of_flows_are_skipped_and_named(self):
        # divergence of callflowctl: one broken file stopped everything
        with cfd.TempDir() as d:
            good = d.write_json("good.json", {
                "Version": "2019-10-30", "StartAction": "bye",
                "Actions": [{"Identifier": "bye", "Type":
                             "DisconnectParticipant", "Parameters": {},
                             "Transitions": {}}]})
            with open(d.join("broken.json"), "w") as f:
                f.write('{"Version": "2019-10-30", "Actions": [')
            d.write_json("empty.json", {"Version": "2019-10-30",
                                        "StartAction": "x", "Actions": []})
            r = cfd.simulate("good", "--flows", d.path)
            self.assertEqual(r.rc, 0, r)
            self.assertEqual(r.end["end"], "Disconnect", r)
            self.assertIn("warning: %s skipped: " % d.join("broken.json"),
                          r.stderr)
            self.assertIn("warning: %s skipped: the flow has no actions"
                          % d.join("empty.json"), r.stderr)
            self.assertNotIn("good.json", r.stderr)
            self.assertTrue(os.path.exists(good))


class TestDivergences(unittest.TestCase):
    def test_1_store_input_silence_is_success_timeout(self):
        # the rules engine's DTMF input: silence goes on to the Lambda
        # with "Timeout" (Connect), not to the error branch
        r = cfd.simulate(
            public("aws-samples__amazon-connect-rules-engine__connect__"
                   "contactflows__RulesEngineDTMFInput.json"),
            "--external", "{}", "--max-total", "8", "--seed", "1")
        store = [s for s in r.steps if s["type"] == "GetParticipantInput"]
        self.assertTrue(store, r)
        self.assertEqual(store[0]["branch"], "NextAction", r)
        self.assertEqual(store[0]["next"],
                         "af6b4e5d-3523-4c7a-8520-befde94d8fcc", r)
        self.assertNotIn("error", store[0], r)

    def test_2_secure_input_is_stored_encrypted(self):
        card = "4111111111111111"
        r = cfd.simulate(fix("secure_input.json"), "--config", CONFIG,
                         "--attr", "keyId=connect-key-1",
                         "--dtmf", card + "#", "--seed", "2")
        self.assertEqual(r.ids(), ["pin", "keep", "bye"], r)
        stored = r.end["attributes"]["card"]
        self.assertTrue(stored.startswith("AgR4"), stored)
        self.assertNotIn(card, r.stdout)
        # a key the configuration does not have: the error branch
        r = cfd.simulate(fix("secure_input.json"), "--config", CONFIG,
                         "--attr", "keyId=other", "--dtmf", card + "#")
        self.assertEqual(r.ids(), ["pin", "sorry", "bye"], r)
        self.assertEqual(r.steps[0]["branch"], "NoMatchingError", r)
        self.assertNotIn("card", r.end["attributes"])
        self.assertNotIn(card, r.stdout + r.stderr)

    def test_3_module_based_main_flow_runs_its_modules(self):
        r = cfd.simulate(
            public(OUTBOUND + "OutboundCallFlow.json"), "--flows", PUBLIC,
            "--attr", "INIT_MODULE_ID=" + OUTBOUND + "InitModule",
            "--attr", "GET_CUST_NAME_MODULE_ID=" + OUTBOUND +
            "GetCustomerNameModule",
            "--attr", "CUST_RESPONSE_MODULE_ID=" + OUTBOUND +
            "GetCustomerResponseModule",
            "--attr", "ERROR_HANDLING_MODULE_ID=" + OUTBOUND + "ErrorModule",
            "--external", "{}", "--external", "{}", "--external", "{}",
            "--external", "{}", "--seed", "3")
        flows = [s["flow"] for s in r.steps]
        init = flows.index(OUTBOUND + "InitModule")
        # into the module and back to the main flow after its Return
        self.assertEqual(r.steps[init - 1]["type"], "InvokeFlowModule", r)
        ret = [s for s in r.steps if s["type"] == "EndFlowModuleExecution"]
        self.assertEqual(ret[0]["next"], "Update Call Status to Connected",
                         r)
        after = flows.index(OUTBOUND + "OutboundCallFlow", init)
        self.assertGreater(after, init, r)
        self.assertIn(OUTBOUND + "GetCustomerNameModule", flows, r)

    def test_3_validate_finds_a_missing_module(self):
        main = cfd.data("e2e", "module-flows", "main.json")
        p = cfd.callflowctl(["validate", "--config", CONFIG, main])
        self.assertIn(main + ': warning: greet: FlowModuleId: flow module '
                      '"E2E Greeting module" not found among the loaded '
                      'flows', p.stdout.splitlines())
        p = cfd.callflowctl(["validate", "--config", CONFIG,
                             os.path.dirname(main)])
        self.assertEqual(p.stdout.splitlines(),
                         ["3 files, 0 errors, 0 warnings"], p.stdout)

    def test_4_and_5_outbound_whisper_records_and_camel_case_type(self):
        p = cfd.callflowctl([
            "validate",
            public("aws-samples__amazon-connect-gitlab-cicd-terraform__"
                   "imports__resources__flows__acme_outbound_flow1_AUTO."
                   "json"),
            public(OUTBOUND + "OutboundCallWhisperer.json")])
        self.assertEqual(p.stdout.splitlines(),
                         ["2 files, 0 errors, 0 warnings"], p.stdout)
        self.assertEqual(p.returncode, 0)

    def test_6_a_300_second_input_loads_and_waits(self):
        p = cfd.callflowctl(["validate", fix("voicemail_wait.json")])
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertIn("InputTimeLimitSeconds 300: Connect's designer now "
                      "allows at most 180; kept as written", p.stdout)
        r = cfd.simulate(fix("voicemail_wait.json"), "--dtmf", ",",
                         "--time", "2026-03-10T12:00:00Z")
        self.assertEqual(r.steps[0]["branch"], "NextAction", r)
        # the caller's silence lasted the 300 s
        self.assertTrue(r.end["time"] >= "2026-03-10T12:05:00", r)

    def test_8_hooks_and_preferred_agent_of_voicemail_express(self):
        # DefaultAgentUI is accepted (was unknown); the preferred agent's
        # routing criteria are set (agent id ag-1 is alice); the task
        # reaches its queue
        r = cfd.simulate(
            public("amazon-connect__voicemail-express-amazon-connect__"
                   "CloudFormation__vmx3-contactflows.yaml__"
                   "VMXDefaultGuidedTaskFlow.json"),
            "--config", CONFIG, "--attr", "vmx3_queue_arn=Sales",
            "--attr", "vmx3_target=agent",
            "--attr", "vmx3_preferred_agent_id=ag-1", "--seed", "4")
        by_id = {s["id"]: s for s in r.steps}
        self.assertEqual(by_id["Set Guided Task Flow"]["branch"],
                         "NextAction", r)
        self.assertEqual(by_id["Set preferred agent"]["branch"],
                         "NextAction", r)
        self.assertEqual(r.end["end"], "Queue", r)
        self.assertEqual(r.end["queue"], "Sales", r)
        crit = r.end["routing_criteria"]["Steps"][0]["Expression"]
        self.assertEqual(crit["AttributeCondition"]["MatchCriteria"]
                         ["AgentsCriteria"]["AgentIds"], ["alice"], r)


class TestBlocks(unittest.TestCase):
    def test_queue_and_agent_for_whisper_flows(self):
        r = cfd.simulate(fix("agent_whisper.json"), "--config", CONFIG,
                         "--queue", "sales", "--agent", "ag-1")
        self.assertEqual(r.says(),
                         ["Caller from queue Sales for Alice Archer "
                          "(alice)"], r)
        self.assertEqual(r.end["queue"], "Sales", r)

    def test_queue_estimates_are_announced(self):
        r = cfd.simulate(fix("queue_announce.json"), "--config", CONFIG,
                         "--queue", "Sales", "--metrics",
                         fix("metrics_ewt.json"))
        self.assertEqual(r.says(), [
            "You are number 2 in Sales, about 95 seconds; the queue "
            "waits 240."], r)

    def test_type_ahead_interrupts_and_answers_the_menu(self):
        r = cfd.simulate(fix("typeahead.json"), "--keys-during", "hello=1")
        self.assertEqual(r.ids(), ["on", "hello", "menu", "bal", "bye"], r)
        self.assertEqual(r.steps[1]["note"],
                         "interrupted by a key (touchtone buffer)", r)
        self.assertEqual(r.steps[2]["input"], "1", r)
        self.assertEqual(r.steps[2]["note"],
                         "input from the touchtone buffer", r)
        # without the buffer keys during a prompt are lost, as in Connect
        r = cfd.simulate(fix("agent_whisper.json"), "--keys-during", "w=5")
        self.assertEqual(r.ids(), ["w", "end"], r)
        self.assertIn("key 5 pressed during [w] is lost (no touchtone "
                      "buffer)", r.stderr)

    def test_show_view_branches(self):
        r = cfd.simulate(fix("show_view.json"), "--attr", "amount=12",
                         "--view", 'Confirm={"reference":"R-7"}')
        self.assertEqual(r.says(), ["Confirmed R-7"], r)
        r = cfd.simulate(fix("show_view.json"), "--view", "Back")
        self.assertEqual(r.steps[0]["branch"], "NoMatchingCondition", r)
        self.assertEqual(r.says(), ["Other Back"], r)
        r = cfd.simulate(fix("show_view.json"), "--view", "!timeout")
        self.assertEqual(r.says(), ["No answer"], r)
        r = cfd.simulate(fix("show_view.json"))
        self.assertEqual(r.says(), ["No workspace"], r)

    def test_customer_profiles(self):
        r = cfd.simulate(fix("profile.json"), "--profiles",
                         fix("profiles.json"))
        self.assertEqual(r.says(), ["Hello Ada, gold member."], r)
        self.assertEqual(r.ids(), ["get", "hi", "assoc", "bye"], r)
        r = cfd.simulate(fix("profile.json"), "--customer", "+12065550111")
        self.assertEqual(r.steps[0]["branch"], "NoneFoundError", r)
        self.assertEqual(r.says(), ["Hello New,  member."], r)

    def test_routing_criteria_shown_at_the_end(self):
        r = cfd.simulate(fix("criteria.json"))
        steps = r.end["routing_criteria"]["Steps"]
        self.assertEqual(len(steps), 2, r)
        self.assertEqual(steps[0]["Expiry"]["DurationInSeconds"], 30)
        self.assertIn("OrExpression", steps[1]["Expression"])


class TestOutput(unittest.TestCase):
    def test_compared_value_and_loop_messages(self):
        p = cfd.callflowctl(["simulate", fix("compare_loop.json"),
                             "--attr", "balance=250"])
        lines = p.stdout.splitlines()
        cmp = [l for l in lines if "[cmp]" in l][0]
        self.assertIn('compared "250" NumberGreaterThan "100"', cmp)
        loop = [l for l in lines if "[loop]" in l][0]
        self.assertIn('messages "Thanks for waiting.", "You are still in '
                      'line."', loop)
        r = cfd.simulate(fix("compare_loop.json"), "--attr", "balance=250")
        self.assertEqual(r.steps[0]["matched"], {
            "operator": "NumberGreaterThan", "operand": "100",
            "value": "250"}, r)

    def test_placeholders_and_empty_loop_prompt_are_findings(self):
        p = cfd.callflowctl(["validate", "--config", CONFIG,
                             fix("findings.json"),
                             fix("loop_empty_prompt.json")])
        self.assertIn('is a template placeholder: the queue cannot be '
                      'checked', p.stdout)
        self.assertIn('ContactFlowId "${aws_connect_contact_flow.main.arn}"'
                      ' is a template placeholder', p.stdout)
        self.assertIn("loop: Messages[1]: PromptId is empty", p.stdout)
        self.assertNotIn("not found", p.stdout)


if __name__ == "__main__":
    unittest.main()

#!/usr/bin/env python3
"""InvokeLambdaFunction over real HTTP: `callflowctl simulate` POSTs the
Connect event to a python http.server on 127.0.0.1 named in a generated
configuration. A JSON reply feeds $.External; a reply later than
InvocationTimeLimitSeconds, a 500 and a body that is not JSON take the
error branch (the fixture flow retries once, then says it failed).
"""
import http.server
import json
import os
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cfd  # noqa: E402

FLOW = cfd.data("sim", "lambda.json")
ARN = "arn:aws:lambda:us-east-1:111122223333:function:lookup"


class Endpoint(http.server.ThreadingHTTPServer):
    """Records every POST; answers by path."""
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.posts = []
        self.lock = threading.Lock()
        self.release = threading.Event()   # frees held /slow requests

    def handle_error(self, request, client_address):
        pass    # a held reply to a client that gave up: broken pipe

    @property
    def port(self):
        return self.server_address[1]


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body, ctype="application/json"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(n)
        with self.server.lock:
            self.server.posts.append({
                "path": self.path,
                "ctype": self.headers.get("Content-Type"),
                "body": raw.decode("utf-8", "replace")})
        if self.path == "/ok":
            self.reply(200, json.dumps({"balance": "42", "tier": "gold"}))
        elif self.path == "/slow":
            # held until the test is over: far beyond the 1 s limit
            self.server.release.wait(60)
            self.reply(200, json.dumps({"balance": "too late"}))
        elif self.path == "/fail":
            self.reply(500, json.dumps({"errorMessage": "boom"}))
        elif self.path == "/text":
            self.reply(200, "this is not json", "text/plain")
        else:
            self.reply(404, "{}")


class TestLambdaHttp(unittest.TestCase):
    def setUp(self):
        self.srv = Endpoint()
        self.thread = threading.Thread(target=self.srv.serve_forever,
                                       daemon=True)
        self.thread.start()
        self.tmp = cfd.TempDir().__enter__()

    def tearDown(self):
        self.srv.release.set()
        self.srv.shutdown()
        self.srv.server_close()
        self.thread.join()
        self.tmp.__exit__(None, None, None)

    def simulate(self, path, host="127.0.0.1"):
        config = self.tmp.write_json("config.json", {
            "functions": [{"name": "lookup", "arn": ARN,
                           "url": "http://%s:%d%s" % (host, self.srv.port,
                                                       path)}]})
        return cfd.simulate(FLOW, "--config", config, "--attr",
                            "account=A-17", "--seed", "5", timeout=60)

    def test_json_reply_is_used_in_next_prompt(self):
        r = self.simulate("/ok", host="localhost")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.ids(), ["invoke", "say-ok", "bye"], r)
        self.assertEqual(r.says(), ["Your balance is 42 dollars."], r)
        self.assertEqual(len(self.srv.posts), 1)

        post = self.srv.posts[0]
        self.assertEqual(post["path"], "/ok")
        self.assertEqual(post["ctype"], "application/json")
        event = json.loads(post["body"])
        self.assertEqual(event["Name"], "ContactFlowEvent")
        contact = event["Details"]["ContactData"]
        self.assertEqual(contact["ContactId"], r.end["contact_id"])
        self.assertEqual(contact["Attributes"]["account"], "A-17")
        self.assertEqual(event["Details"]["Parameters"],
                         {"account": "A-17", "purpose": "balance"})

    def assert_failed_twice(self, path):
        r = self.simulate(path)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.ids(), ["invoke", "retry", "invoke", "retry",
                                   "say-fail", "bye"], r)
        self.assertEqual(r.steps[0]["branch"], "NoMatchingError", r)
        self.assertEqual(r.says(), ["The lookup failed."], r)
        self.assertEqual([p["path"] for p in self.srv.posts], [path] * 2)
        return r

    def test_slow_reply_beyond_time_limit_is_an_error(self):
        self.assert_failed_twice("/slow")

    def test_server_error_is_an_error(self):
        self.assert_failed_twice("/fail")

    def test_reply_that_is_not_json_is_an_error(self):
        self.assert_failed_twice("/text")

    def test_unreachable_endpoint_is_an_error(self):
        # a port nobody listens on any more
        srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        port = srv.server_address[1]
        srv.server_close()
        config = self.tmp.write_json("dead.json", {
            "functions": [{"name": "lookup", "arn": ARN,
                           "url": "http://127.0.0.1:%d/ok" % port}]})
        r = cfd.simulate(FLOW, "--config", config, timeout=60)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.says(), ["The lookup failed."], r)


if __name__ == "__main__":
    unittest.main()

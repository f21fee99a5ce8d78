"""InvokeLambdaFunction from the daemon: a call's flow POSTs the Connect
event to an HTTP endpoint on 127.0.0.1 (the configured function URL); the
reply's values reach the contact record through $.External. A slow or
failing endpoint takes the error branch and the call still completes."""
import http.server
import json
import threading
import unittest

import cfd
from daemon import Daemon, Sipp

FLOW = cfd.data("e2e", "flows", "lambda.json")
NUMBER = "+18005550111"
ARN = "arn:aws:lambda:us-east-1:111122223333:function:crm-lookup"


class Endpoint(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, mode):
        super().__init__(("127.0.0.1", 0), Handler)
        self.mode = mode
        self.posts = []
        self.release = threading.Event()

    def handle_error(self, request, client_address):
        pass


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        self.server.posts.append(json.loads(self.rfile.read(n)))
        if self.server.mode == "slow":
            self.server.release.wait(10)   # beyond the 3 s limit
        status = 500 if self.server.mode == "fail" else 200
        body = json.dumps({"tier": "gold", "name": "Ada"}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Lambda(unittest.TestCase):

    def call(self, mode):
        ep = Endpoint(mode)
        t = threading.Thread(target=ep.serve_forever, daemon=True)
        t.start()
        d = Daemon(flows=[FLOW], numbers={NUMBER: "E2E Lambda"},
                   config={"functions": [{
                       "name": "crm-lookup", "arns": [ARN],
                       "url": "http://127.0.0.1:%d/lookup" %
                              ep.server_address[1]}]})
        try:
            d.start()
            sipp = Sipp(d, "uac_wait_bye.xml", NUMBER[1:])
            rc = sipp.run()
            self.assertEqual(rc, 0, sipp.errors() + d.log()[-2000:])
            return d.wait_records(1)[-1], ep.posts
        finally:
            ep.release.set()
            ep.shutdown()
            ep.server_close()
            self.assertEqual(d.stop(), 0)
            d.cleanup()

    def test_reply_reaches_the_record(self):
        rec, posts = self.call("ok")
        self.assertEqual(rec["Attributes"]["Tier"], "gold")
        self.assertEqual(rec["Attributes"]["Greeting"], "Hello Ada")
        self.assertEqual(len(posts), 1)
        ev = posts[0]
        self.assertEqual(ev["Name"], "ContactFlowEvent")
        cd = ev["Details"]["ContactData"]
        self.assertEqual(cd["ContactId"], rec["ContactId"])
        self.assertEqual(cd["SystemEndpoint"]["Address"], NUMBER)
        self.assertEqual(ev["Details"]["Parameters"]["caller"],
                         "+15551230000")

    def test_slow_endpoint_takes_error_branch(self):
        rec, posts = self.call("slow")
        self.assertEqual(rec["Attributes"].get("Lookup"), "failed")
        self.assertNotIn("Tier", rec["Attributes"])

    def test_failing_endpoint_takes_error_branch(self):
        rec, posts = self.call("fail")
        self.assertEqual(rec["Attributes"].get("Lookup"), "failed")


if __name__ == "__main__":
    unittest.main()

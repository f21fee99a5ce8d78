"""GET /v1/events: a WebSocket stream of contact and agent events.

A stdlib WebSocket client (handshake and framing by hand) listens while a
baresip agent registers and is made Available, and a baresip caller is
queued in Sales, offered to the agent, connected, and hangs up. The
unfiltered stream must show the call's events in order under one
ContactId; ?type=agent&agent=agent1 only that agent's status and state
changes, in order; ?type=contact.ended only the end. Bad filters and
plain GETs are refused."""
import base64
import hashlib
import json
import os
import socket
import struct
import time
import unittest

import cfd
from baresip import Baresip
from daemon import Daemon, wait_for
from test_daemon_routing import CONFIG, FLOWS, NUMBER, tone

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class WebSocket:
    """A minimal RFC 6455 client: text messages in, masked frames out."""

    def __init__(self, port, path):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=10)
        key = base64.b64encode(os.urandom(16))
        self.s.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\n"
                       b"Host: 127.0.0.1\r\nUpgrade: websocket\r\n"
                       b"Connection: Upgrade\r\nSec-WebSocket-Key: " + key +
                       b"\r\nSec-WebSocket-Version: 13\r\n\r\n")
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            self.buf += self._recv()
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        if " 101 " not in lines[0]:
            self.s.close()
            raise AssertionError("no upgrade: " + head.decode())
        headers = dict((k.strip().lower(), v.strip()) for k, _, v in
                       (x.partition(":") for x in lines[1:]))
        accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
        if headers.get("sec-websocket-accept") != accept.decode():
            raise AssertionError("bad Sec-WebSocket-Accept: " + head.decode())

    def _recv(self):
        data = self.s.recv(65536)
        if not data:
            raise AssertionError("connection closed")
        return data

    def _take(self, n):
        while len(self.buf) < n:
            self.buf += self._recv()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def send(self, opcode, payload=b""):
        mask = os.urandom(4)
        head = bytes([0x80 | opcode, 0x80 | len(payload)]) + mask
        self.s.sendall(head + bytes(b ^ mask[i % 4]
                                    for i, b in enumerate(payload)))

    def message(self, timeout=30):
        """The next text message as JSON (answers pings on the way)."""
        self.s.settimeout(timeout)
        while True:
            b0, b1 = self._take(2)
            if b1 & 0x80:
                raise AssertionError("server frames must not be masked")
            n = b1 & 0x7f
            if n == 126:
                n = struct.unpack("!H", self._take(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._take(8))[0]
            payload, op = self._take(n), b0 & 0x0f
            if op == 0x9:
                self.send(0xA, payload)
            elif op == 0x8:
                raise AssertionError("closed by the server: %r" % payload)
            elif op == 0x1:
                return json.loads(payload.decode())

    def until(self, pred, timeout=30):
        """Messages up to and including the first for which pred holds."""
        deadline = time.monotonic() + timeout
        seen = []
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no such event; saw %s" % seen)
            m = self.message(left)
            seen.append(m)
            if pred(m):
                return seen

    def close(self):
        try:
            self.send(0x8, struct.pack("!H", 1000))
        except OSError:
            pass
        self.s.close()


class Events(unittest.TestCase):

    def setUp(self):
        self.d = Daemon(flows=FLOWS, numbers={NUMBER: "E2E To Sales"},
                        config=CONFIG)
        prompts = []
        for name, hz in (("agent-whisper", 1500),
                         ("customer-whisper", 1200)):
            path = os.path.join(self.d.dir, name + ".wav")
            tone(path, hz, 0.5)
            prompts.append({"name": name, "path": path})
        self.d.config["prompts"] = prompts
        self.d.write_config()
        self.d.start()
        self.phones, self.sockets = [], []

    def tearDown(self):
        for s in self.sockets:
            s.close()
        for p in self.phones:
            p.stop()
            p.cleanup()
        rc = self.d.stop()
        log = self.d.log()
        self.d.cleanup()
        self.assertEqual(rc, 0)
        self.assertNotIn("ERROR: AddressSanitizer", log)

    def listen(self, query=""):
        ws = WebSocket(self.d.http_port, "/v1/events" + query)
        self.sockets.append(ws)
        hello = ws.message(10)
        self.assertEqual(hello["type"], "subscribed")
        return ws, hello

    def test_a_call_in_order(self):
        everything, _ = self.listen()
        agent_ws, hello = self.listen("?type=agent&agent=agent1")
        self.assertEqual(hello["filter"], {"type": "agent", "queue": None,
                                           "agent": "agent1"})
        ended_ws, _ = self.listen("?type=contact.ended")
        recorded_ws, _ = self.listen("?type=contact.recorded")

        agent = Baresip(self.d.dir, "agent1", register_to=self.d.sip_port,
                        password="s3cret-One")
        self.phones.append(agent)
        agent.start()
        wait_for(lambda: self.d.http("GET", "/v1/agents/agent1")[1]
                 ["device"], 15, "agent device")
        code, a = self.d.http("PUT", "/v1/agents/agent1/status",
                              {"status": "Available"})
        self.assertEqual(code, 200, a)
        st = agent_ws.until(lambda m: m["type"] == "agent.status" and
                            m["status"] == "Available")[-1]
        self.assertEqual(st["agent"], "agent1")
        # first seen at its registration (no "previous"), or now
        self.assertIn(st.get("previous"), ("Offline", None))

        wav = os.path.join(self.d.dir, "caller.wav")
        tone(wav, 800, 6)      # aufile hangs up at its end
        caller = Baresip(self.d.dir, "caller", audio_source=wav)
        self.phones.append(caller)
        caller.start()
        caller.dial("sip:%s@127.0.0.1:%d" % (NUMBER, self.d.sip_port))

        seen = everything.until(lambda m: m["type"] == "contact.connected",
                                60)
        # a hold and a resume through the API are on the stream too
        held = seen[-1]["ContactId"]
        for verb in ("hold", "resume"):
            code, body = self.d.http("POST", "/v1/contacts/%s/%s" %
                                     (held, verb))
            self.assertEqual(code, 200, body)
        seen += everything.until(lambda m: m["type"] == "contact.ended", 60)
        contact = [m for m in seen if m["type"].startswith("contact.")]
        self.assertEqual([m["type"] for m in contact],
                         ["contact.initiated", "contact.queued",
                          "contact.connected", "contact.held",
                          "contact.resumed", "contact.ended"])
        self.assertEqual(contact[3]["reason"], "API")
        cid = contact[0]["ContactId"]
        self.assertTrue(all(m["ContactId"] == cid for m in contact))
        self.assertEqual(contact[0]["dialled"], NUMBER)
        self.assertEqual(contact[1]["queue"], "Sales")
        self.assertEqual(contact[2]["agent"], "agent1")
        self.assertEqual(contact[5]["reason"], "CUSTOMER_DISCONNECT")
        stamps = [m["timestamp"] for m in contact]
        self.assertEqual(stamps, sorted(stamps))
        # the agent's transitions are on the same stream, between them
        types = [m["type"] for m in seen]
        self.assertIn("agent.state", types[types.index("contact.queued"):
                                           types.index("contact.ended")])

        # the agent's stream: only agent1's changes, in order
        states = agent_ws.until(lambda m: m["type"] == "agent.state" and
                                m["state"] == "Available" and
                                m.get("previous") == "AfterContactWork",
                                30)
        self.assertTrue(all(m["type"].startswith("agent.") and
                            m["agent"] == "agent1" for m in states))
        # (an agent seen for the first time has no "previous")
        order = [m["state"] for m in states if m["type"] == "agent.state"
                 and m.get("previous")]
        self.assertEqual(order, ["Incoming", "OnContact", "OnHold",
                                 "OnContact", "AfterContactWork",
                                 "Available"])
        chain = [m for m in states if m["type"] == "agent.state"
                 and m.get("previous")]
        for before, m in zip(chain, chain[1:]):
            self.assertEqual(m["previous"], before["state"])

        # the record is announced once it is on disk, and again when the
        # agent's after-contact work completed it: each readable at once
        rec = everything.until(lambda m: m["type"] == "contact.recorded",
                               30)[-1]
        self.assertEqual((rec["ContactId"], rec["queue"], rec["agent"]),
                         (cid, "Sales", "agent1"))
        upd = everything.until(lambda m: m["type"] ==
                               "contact.record_updated", 30)[-1]
        self.assertEqual((upd["ContactId"], upd["agent"]), (cid, "agent1"))
        code, body = self.d.http("GET", "/v1/contact-records/" + cid)
        self.assertEqual(code, 200, body)
        self.assertIn("AfterContactWorkEndTimestamp", body["Agent"])

        # ?type=contact.recorded: that one only
        only = recorded_ws.message(10)
        self.assertEqual((only["type"], only["ContactId"]),
                         ("contact.recorded", cid))

        # ?type=contact.ended: nothing before the end
        end = ended_ws.message(10)
        self.assertEqual((end["type"], end["ContactId"]),
                         ("contact.ended", cid))

    def test_refused(self):
        for q in ("?type=bogus", "?colour=red", "?queue="):
            with self.assertRaises(AssertionError) as cm:
                WebSocket(self.d.http_port, "/v1/events" + q)
            self.assertIn(" 400 ", str(cm.exception))
        code, doc = self.d.http("GET", "/v1/events")
        self.assertEqual(code, 400)
        self.assertIn("WebSocket", doc["error"])
        code, _ = self.d.http("POST", "/v1/events", {})
        self.assertEqual(code, 405)
        # a client that goes away is forgotten; the daemon keeps serving
        ws, _ = self.listen("?type=contact")
        ws.close()
        self.sockets.remove(ws)
        self.d.wait_log("event stream closed")
        self.assertEqual(self.d.http("GET", "/health")[0], 200)

    def test_stop_with_a_listener(self):
        ws, _ = self.listen()
        self.assertEqual(self.d.stop(), 0)
        # told it is going away (1001), or the connection just ends
        with self.assertRaises(AssertionError) as cm:
            ws.message(10)
        self.assertRegex(str(cm.exception), "closed")
        self.assertNotIn("Sanitizer", self.d.log())

if __name__ == "__main__":
    unittest.main()

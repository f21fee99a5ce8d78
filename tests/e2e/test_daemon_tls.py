"""SIP over TLS: the daemon listens on a tls: address with a certificate
and key from the config (generated here with openssl), and answers an
INVITE sent over a TLS connection exactly as over UDP."""
import os
import socket
import ssl
import subprocess
import time
import unittest

import cfd
from daemon import Daemon, free_port

IVR = cfd.data("e2e", "flows", "ivr.json")


def invite(number, port, lport):
    branch = "z9hG4bKtls%d" % int(time.monotonic() * 1e6)
    sdp = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
           "t=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")
    return ("INVITE sips:%s@127.0.0.1:%d SIP/2.0\r\n"
            "Via: SIP/2.0/TLS 127.0.0.1:%d;branch=%s\r\n"
            "From: <sips:+15550002222@127.0.0.1>;tag=tls1\r\n"
            "To: <sips:%s@127.0.0.1>\r\n"
            "Call-ID: tls-%s@test\r\nCSeq: 1 INVITE\r\n"
            "Contact: <sips:t@127.0.0.1:%d>\r\nMax-Forwards: 70\r\n"
            "Content-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s"
            % (number, port, lport, branch, number, branch, lport,
               len(sdp), sdp)).encode()


class Tls(unittest.TestCase):

    def test_invite_over_tls(self):
        d = Daemon(flows=[IVR], numbers={"+18005550100": "E2E IVR"})
        cert = os.path.join(d.dir, "cert.pem")
        key = os.path.join(d.dir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                        "-nodes", "-keyout", key, "-out", cert, "-days",
                        "1", "-subj", "/CN=127.0.0.1"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        tls_port = free_port(socket.SOCK_STREAM)
        d.config["sip"]["listen"].append("tls:127.0.0.1:%d" % tls_port)
        d.config["sip"]["tls"] = {"cert": cert, "key": key}
        d.write_config()
        try:
            d.start()
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            raw = socket.create_connection(("127.0.0.1", tls_port), 10)
            lport = raw.getsockname()[1]
            s = ctx.wrap_socket(raw)
            s.settimeout(10)
            s.sendall(invite("+18005559999", tls_port, lport))
            buf = b""
            while b"404" not in buf:
                data = s.recv(4096)
                if not data:
                    break
                buf += data
            s.close()
            self.assertIn(b"SIP/2.0 404", buf)
            self.assertIn(b"Via: SIP/2.0/TLS", buf)
        finally:
            self.assertEqual(d.stop(), 0)
            d.cleanup()


if __name__ == "__main__":
    unittest.main()

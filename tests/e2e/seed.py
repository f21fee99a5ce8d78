"""What the e2e tests of contact records, reports and agents' figures
share: records written as the daemon would (and their ACW revisions),
what it counts a contact by, a daemon started on a seeded record file
and stopped with its checks, and a plain API GET with a Bearer
token."""
import calendar
import datetime
import json
import os
import urllib.error
import urllib.request

from daemon import Daemon

TOKEN = "e2e-token-0123456789abcdef"


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + \
        "%03dZ" % (dt.microsecond // 1000)


def ms(text):
    """Milliseconds since the epoch of a record's timestamp."""
    dt = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")
    return calendar.timegm(dt.timetuple()) * 1000 + \
        dt.microsecond // 1000


def mean(v):
    return sum(v) / len(v) if v else None


def record(n, init, disc, queue=None, agent=None, wait=0, talk=True,
           acw=None):
    """A contact record; with an agent, AgentInteractionDuration unless
    talk is false (records older than it), and with acw (seconds) the ACW
    already over when it was written."""
    r = {"ContactId": "00000000-0000-4000-8000-%012d" % n,
         "Channel": "VOICE", "InitiationMethod": "INBOUND",
         "InitiationTimestamp": iso(init),
         "DisconnectTimestamp": iso(disc),
         "DisconnectReason": "CUSTOMER_DISCONNECT",
         "Queue": None, "AgentConnectionAttempts": 1 if agent else 0}
    if queue:
        enq = init + datetime.timedelta(seconds=1)
        deq = enq + datetime.timedelta(seconds=wait)
        r["Queue"] = {"Name": queue, "EnqueueTimestamp": iso(enq),
                      "DequeueTimestamp": iso(deq), "Duration": wait}
        if agent:
            r["Agent"] = {"Username": agent, "ARN": None,
                          "ConnectedToAgentTimestamp": iso(deq)}
            if talk:
                r["Agent"]["AgentInteractionDuration"] = round(
                    (disc - deq).total_seconds())
            if acw is not None:
                r["Agent"].update({
                    "AfterContactWorkStartTimestamp": iso(disc),
                    "AfterContactWorkEndTimestamp": iso(
                        disc + datetime.timedelta(seconds=acw)),
                    "AfterContactWorkDuration": acw})
    return r


def revised(r, acw=30):
    """r's after-contact-work revision: the same contact, the Agent
    section completed and a later LastUpdateTimestamp."""
    r = json.loads(json.dumps(r))
    disc = datetime.datetime.strptime(r["DisconnectTimestamp"],
                                      "%Y-%m-%dT%H:%M:%S.%fZ")
    end = iso(disc + datetime.timedelta(seconds=acw))
    if r.get("Agent"):
        r["Agent"].update({
            "AfterContactWorkStartTimestamp": r["DisconnectTimestamp"],
            "AfterContactWorkEndTimestamp": end,
            "AfterContactWorkDuration": acw})
    r["LastUpdateTimestamp"] = end
    return r


def first_lines(lines):
    """({ContactId: its first line}, {ContactId: the Agent section of its
    first line giving AfterContactWorkDuration}): what the daemon counts a
    contact by."""
    first, acw = {}, {}
    for r in lines:
        first.setdefault(r["ContactId"], r)
        a = r.get("Agent") or {}
        if "AfterContactWorkDuration" in a:
            acw.setdefault(r["ContactId"], a)
    return first, acw


def write_records(path, recs, torn_after=None):
    """A new record file at path (its directory made): one JSON line a
    record, and a torn line (as a crash leaves) after recs[torn_after]."""
    os.makedirs(os.path.dirname(path))
    with open(path, "w") as f:
        for i, r in enumerate(recs):
            f.write(json.dumps(r) + "\n")
            if i == torn_after:
                f.write("{torn line from a crash\n")


def append_records(path, recs):
    with open(path, "a") as f:
        f.write("".join(json.dumps(r) + "\n" for r in recs))


def start_seeded(d, recs, torn_after=None):
    """Start daemon d on a record file of recs (write_records()); cleaned
    up if it does not start."""
    write_records(d.records_path, recs, torn_after)
    try:
        d.start()
    except Exception:
        d.cleanup()
        raise


def stop_checked(d):
    """Stop and clean up d: it must exit 0 without an ASan report."""
    rc = d.stop()
    log = d.log()
    d.cleanup()
    assert rc == 0, log[-3000:]
    assert "ERROR: AddressSanitizer" not in log


class SeededDaemon:
    """For a unittest.TestCase: one daemon a class (config), started on
    the record file of records(), in cls.d; the lines written in
    cls.lines."""
    config = None

    @staticmethod
    def records():
        raise NotImplementedError

    @classmethod
    def setUpClass(cls):
        cls.d = Daemon(config=cls.config)
        cls.lines = cls.records()
        start_seeded(cls.d, cls.lines)

    @classmethod
    def tearDownClass(cls):
        stop_checked(cls.d)

    @classmethod
    def append(cls, recs):
        """Append recs to the record file (and to cls.lines)."""
        cls.lines += recs
        append_records(cls.d.records_path, recs)


def http(port, path, token=None):
    """(status, parsed JSON body) of a GET on 127.0.0.1:port, with the
    Bearer token unless None."""
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path))
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, json.loads(r.read().decode())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read().decode() or "null")

"""The AWS side's clock: scenario["clock"]["aws_offset_s"] seconds ahead of (or, negative, behind) the instance.

Every AWS server in the daemon reads time from here: the HTTP Date header, SigV4's 5-minute window
(sigv4.verify's default `now`) and the Issued/Expiration of credentials it hands out. The instance's own clock
(what the agent reads) is the host's. One daemon process serves one scenario, so the offset is process state.

Where AWS says it: the 5-minute SigV4 window is what AWS's refusals state, e.g. "Signature expired:
20131008T001036Z is now earlier than 20131008T001112Z (20131008T001612Z - 5 min.)" (quoted from a real reply in
https://github.com/boto/botocore/issues/149); EC2 answers RequestExpired (EC2 API error codes,
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html). Some AWS pages state 15 minutes for
other services (SQS's request time stamps); the services this simulator stands for refuse at 5, as modelled.
The Date header format is RFC 7231 IMF-fixdate, as every AWS HTTP front end sends it.
"""
import datetime
import email.utils
import http.server
import time

_offset = [0.0]


def install(sc):
    """Set the offset for this daemon and make every BaseHTTPRequestHandler's Date header use AWS time."""
    _offset[0] = float(((sc.get("clock") or {}).get("aws_offset_s")) or 0)
    http.server.BaseHTTPRequestHandler.date_time_string = _date_time_string


def offset_s():
    return _offset[0]


def epoch():
    return time.time() + _offset[0]


def now():
    return datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=_offset[0])


def _date_time_string(self, timestamp=None):
    # RFC 7231 IMF-fixdate, as AWS front ends write it: "Fri, 04 Dec 2026 17:20:00 GMT"
    return email.utils.formatdate(epoch() if timestamp is None else timestamp, usegmt=True)

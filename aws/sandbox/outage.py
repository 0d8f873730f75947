"""Outages on a switch: the sandbox answers every AWS request as a broken endpoint would.

The weather (:mod:`.faults`) breaks *resources*; an outage breaks the *endpoint* or the caller's
access, as AWS or the network between does. One kind at a time, switched while serving (from
the bench over ``POST /ecsdeck/fault?kind=...``, see :mod:`.control`, or by setting
``Outage.kind``):

* ``unreachable``: the connection is dropped without an answer (a dead proxy or VPN);
* ``throttle``: every ECS and ELB request is refused as AWS refuses past a bucket
  (``ThrottlingException`` / ``Throttling``, HTTP 400); other services answer;
* ``5xx``: every request gets HTTP 503 ``ServiceUnavailable``;
* ``slow``: every request waits ``SLOW_SECONDS`` before it is answered;
* ``expired``: every request is refused with ``ExpiredTokenException`` (HTTP 400), as after an
  SSO session ends;
* ``deny-elb``: ELB requests get ``AccessDenied`` (HTTP 403) naming the action; ECS answers;
* ``deny-cloudwatch``: CloudWatch metrics requests (GetMetricData ...; signed for
  ``monitoring``) get ``AccessDenied`` (HTTP 403) naming the action; every other service
  answers;
* ``deny-cloudtrail``: CloudTrail requests (``LookupEvents``; signed for ``cloudtrail``) get
  ``AccessDeniedException`` (HTTP 400, as CloudTrail words it) naming the action; every other
  service answers;
* ``hang``: the request is read and never answered while the outage lasts (a black hole).

``none`` ends the outage. ``/moto-api`` and ``/ecsdeck/`` are never affected.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import time
import uuid
from collections.abc import Callable
from typing import Any

StartResponse = Callable[..., Any]

KINDS = (
    "none",
    "unreachable",
    "throttle",
    "5xx",
    "slow",
    "expired",
    "deny-elb",
    "deny-cloudwatch",
    "deny-cloudtrail",
    "hang",
)
SLOW_SECONDS = 4.0
#: A hanging request gives up after this long even if the outage goes on (frees its thread).
HANG_LIMIT = 600.0


class Outage:
    """The switch and what each kind answers. ``__call__`` returns the response body, or None
    to let the request through."""

    def __init__(self, sleep: Callable[[float], None] = time.sleep) -> None:
        self.kind = "none"
        self.sleep = sleep
        #: Requests answered by each kind so far (the bench reports them).
        self.hits: dict[str, int] = {}

    def set(self, kind: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown outage {kind!r}: one of {', '.join(KINDS)}")
        self.kind = kind

    def __call__(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> list[bytes] | None:
        kind = self.kind
        if kind == "none":
            return None
        json_protocol = bool(environ.get("HTTP_X_AMZ_TARGET"))
        target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
        authorization = str(environ.get("HTTP_AUTHORIZATION", ""))
        elb = "elasticloadbalancing" in authorization
        if kind == "deny-elb" and not elb:
            return None
        # CloudWatch signs as monitoring.
        if kind == "deny-cloudwatch" and "/monitoring/aws4_request" not in authorization:
            return None
        if kind == "deny-cloudtrail" and "/cloudtrail/aws4_request" not in authorization:
            return None
        if kind == "throttle" and not (elb or target.startswith("AmazonEC2ContainerService")):
            return None
        self.hits[kind] = self.hits.get(kind, 0) + 1
        if kind == "slow":
            self.sleep(SLOW_SECONDS)
            return None
        if kind == "hang":
            waited = 0.0
            while self.kind == "hang" and waited < HANG_LIMIT:
                self.sleep(0.2)
                waited += 0.2
            return None
        if kind == "unreachable":
            _drop(environ)
            raise ConnectionResetError("sandbox outage: unreachable")  # werkzeug stays quiet
        code, status, message = _ERRORS[kind]
        if kind == "throttle" and not json_protocol:
            code = "Throttling"  # ELB's name for it
        return _error(start_response, json_protocol, code, status, message)


_DENIED = (
    "User: arn:aws:iam::123456789012:user/oncall is not authorized to perform: "
    "elasticloadbalancing:* (sandbox outage deny-elb)"
)
_DENIED_CLOUDWATCH = (
    "User: arn:aws:iam::123456789012:user/oncall is not authorized to perform: "
    "cloudwatch:GetMetricData (sandbox outage deny-cloudwatch)"
)
_DENIED_CLOUDTRAIL = (
    "User: arn:aws:iam::123456789012:user/oncall is not authorized to perform: "
    "cloudtrail:LookupEvents because no identity-based policy allows the "
    "cloudtrail:LookupEvents action (sandbox outage deny-cloudtrail)"
)
#: kind -> (error code, HTTP status, message), as AWS words them.
_ERRORS = {
    "throttle": ("ThrottlingException", 400, "Rate exceeded"),
    "5xx": ("ServiceUnavailable", 503, "Service is unavailable, try again later"),
    "expired": (
        "ExpiredTokenException",
        400,
        "The security token included in the request is expired",
    ),
    "deny-elb": ("AccessDenied", 403, _DENIED),
    "deny-cloudwatch": ("AccessDenied", 403, _DENIED_CLOUDWATCH),
    "deny-cloudtrail": ("AccessDeniedException", 400, _DENIED_CLOUDTRAIL),
}


def _drop(environ: dict[str, Any]) -> None:
    """Reset the client's connection: it sees the endpoint go away, not an answer."""
    # The body first: left in the buffer, it would be read as the next request line.
    with contextlib.suppress(OSError, ValueError):
        environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    sock = environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket):
        try:
            # Linger on, 0 s: close sends a reset, as a dead middlebox does.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _error(
    start_response: StartResponse, json_protocol: bool, code: str, status: int, message: str
) -> list[bytes]:
    request_id = str(uuid.uuid4())
    if json_protocol:
        body = f'{{"__type":"{code}","message":"{message}"}}'.encode()
        content_type = "application/x-amz-json-1.1"
    else:
        body = (
            "<ErrorResponse><Error><Type>Sender</Type>"
            f"<Code>{code}</Code><Message>{message}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode()
        content_type = "text/xml"
    reason = {400: "Bad Request", 403: "Forbidden", 503: "Service Unavailable"}[status]
    start_response(
        f"{status} {reason}",
        [
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            ("x-amzn-RequestId", request_id),
        ],
    )
    return [body]

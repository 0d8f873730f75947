"""What the sandbox's CloudTrail records: write calls with their parameters, never reads (and
a read's body is not even parsed: it is most of the sandbox's requests)."""

from __future__ import annotations

import io
from typing import Any

from aws.sandbox.trail import _call

_AUTH = (
    "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261207/eu-west-1/ecs/aws4_request, "
    "SignedHeaders=host, Signature=abc"
)


class _Unreadable(io.BytesIO):
    def read(self, size: int | None = -1) -> bytes:
        raise AssertionError("a read's body was parsed")


def _environ(action: str, body: Any) -> dict[str, Any]:
    return {
        "PATH_INFO": "/",
        "HTTP_X_AMZ_TARGET": f"AmazonEC2ContainerServiceV20141113.{action}",
        "HTTP_AUTHORIZATION": _AUTH,
        "CONTENT_LENGTH": str(len(body.getvalue())),
        "wsgi.input": body,
    }


def test_writes_are_recorded_with_their_parameters_and_reads_are_left_unparsed() -> None:
    write = _environ("UpdateService", io.BytesIO(b'{"service": "web", "desiredCount": 3}'))
    assert _call(write) == ("UpdateService", "ecs", {"service": "web", "desiredCount": 3})
    assert write["wsgi.input"].read() == b'{"service": "web", "desiredCount": 3}'  # for moto
    for read in ("DescribeServices", "ListTasks", "DescribeClusters"):
        assert _call(_environ(read, _Unreadable(b'{"cluster": "c"}'))) is None

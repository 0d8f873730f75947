"""How the AWS endpoint is answering right now, told by botocore's own retry events.

A refresh that fails only after every retry has run says nothing for tens of seconds. botocore
emits ``needs-retry`` after each attempt (with the exception or the error response that made it
retry) and ``after-call`` after each answer, so the state can be told from the first failed
attempt: throttled, unreachable, not answering, or a server error. A UI reads ``trouble`` and
``last_ok`` to say what is happening within a second, and to give up on a refresh that makes no
progress instead of waiting out the retries.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from botocore import exceptions as bx

from aws.errors import ACCESS_DENIED, EXPIRED, SERVER, THROTTLING

#: Kinds of trouble, worst first when several are seen at once.
UNREACHABLE = "unreachable"
NOT_ANSWERING = "not answering"
THROTTLED = "throttled"
SERVER_ERROR = "server error"
DENIED = "denied"
EXPIRED_CREDENTIALS = "credentials expired"

#: What the header says for each kind (the retries or back-off are botocore's own).
WORDS = {
    UNREACHABLE: "AWS endpoint unreachable, retrying",
    NOT_ANSWERING: "AWS is not answering, retrying",
    THROTTLED: "throttled by AWS, backing off",
    SERVER_ERROR: "AWS server errors, retrying",
    DENIED: "access denied",
    EXPIRED_CREDENTIALS: "AWS credentials expired",
}


@dataclass(frozen=True, slots=True)
class Trouble:
    kind: str
    operation: str
    #: Monotonic time of the attempt that showed it.
    at: float

    @property
    def words(self) -> str:
        return WORDS.get(self.kind, self.kind)


def trouble_kind(caught: BaseException | None, code: str | None, status: int | None) -> str | None:
    """The kind of trouble an attempt's outcome shows, or None if it shows none."""
    if isinstance(caught, bx.ReadTimeoutError):
        return NOT_ANSWERING
    if isinstance(caught, bx.ConnectTimeoutError | bx.EndpointConnectionError | bx.ConnectionError):
        return UNREACHABLE
    if caught is not None:
        return UNREACHABLE if "connect" in type(caught).__name__.lower() else None
    if code in THROTTLING:
        return THROTTLED
    if code in ACCESS_DENIED:
        return DENIED
    if code in EXPIRED:
        return EXPIRED_CREDENTIALS
    if code in SERVER or (status is not None and status >= 500):
        return SERVER_ERROR
    return None


class ApiHealth:
    """The latest trouble and the latest good answer, across every client of a bundle."""

    def __init__(self) -> None:
        self.trouble: Trouble | None = None
        #: Monotonic time of the last answer that was not an error.
        self.last_ok: float | None = None

    def attach(self, events: Any) -> None:
        events.register("needs-retry", self._on_attempt)
        events.register("after-call", self._on_answer)

    def clear(self) -> None:
        self.trouble = None

    def _on_attempt(self, **kwargs: Any) -> None:
        caught = kwargs.get("caught_exception")
        response = kwargs.get("response")
        code, status = None, None
        if isinstance(response, tuple) and len(response) == 2:
            http, parsed = response
            status = getattr(http, "status_code", None)
            error = parsed.get("Error") if isinstance(parsed, dict) else None
            code = error.get("Code") if isinstance(error, dict) else None
        kind = trouble_kind(caught if isinstance(caught, BaseException) else None, code, status)
        if kind is not None:
            operation = getattr(kwargs.get("operation"), "name", "") or ""
            self.trouble = Trouble(kind, operation, time.monotonic())

    def _on_answer(self, **kwargs: Any) -> None:
        http = kwargs.get("http_response")
        status = getattr(http, "status_code", 200)
        if status is not None and status < 400:
            self.last_ok = time.monotonic()
            self.trouble = None

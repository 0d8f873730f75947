"""AWS-like mode: the sandbox answers as slowly and as stingily as a real account does.

moto answers every request in a few milliseconds and never refuses one. AWS costs a network round
trip per request (tens of milliseconds from a laptop) and meters API calls per account and Region
with token buckets: past a bucket's burst, calls are refused until it refills. A client that is
fast against plain moto can be slow or throttled on AWS; this mode lets the bench and the demo see
that before a real account does.

:class:`AwsLike` is a WSGI wrapper in front of moto's dispatcher (nothing in the product's read
path changes):

* ``latency_ms``: every AWS request is answered that long after it arrived, moto's work
  included: the wait is what is left of it, outside :data:`aws.sandbox.state.LOCK`, on a
  threaded server. AWS works on many callers at once, so its round trip hardly grows with
  their number; moto works on one request at a time, and latency added on top of that work
  made concurrent callers wait for each other's answers (docs/sandbox.md, "AWS-like mode").
* ``throttle``: ECS actions take a token from their category's bucket (the categories and sizes
  are :data:`ECS_BUCKETS`); ELBv2 actions take one from the account-wide ELB bucket and, for
  describes, one from the describe bucket too. An empty bucket gets AWS's refusal: HTTP 400 with
  ``ThrottlingException`` (ECS, JSON) or ``Throttling`` (ELBv2, XML). Actions outside these
  categories, and other services, only get the latency.

``outage`` switches the whole endpoint into one kind of trouble (:mod:`.outage`).

Buckets are per account and Region, as AWS keeps them: the Region of the request's credential
scope, the account its access key belongs to (an assumed role's keys: the role's account). ``/moto-api`` (the sandbox's own control plane) is never
delayed or metered, nor is ``/ecsdeck/`` (its planted-problem routes, :mod:`.control`).
"""

from __future__ import annotations

import io
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from aws.pacer import ECS_BUCKETS, ECS_OPERATIONS
from aws.sandbox.outage import Outage

#: ELBv2: every Describe* action, and an account-wide bucket every ELB action draws from.
ELB_DESCRIBE = "elb-describe"
ELB_ACCOUNT = "elb-account"
ELB_BUCKETS: dict[str, tuple[float, float]] = {ELB_DESCRIBE: (40, 10), ELB_ACCOUNT: (40, 10)}

ECS_TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113."
ELBV2_VERSION = "2015-12-01"
DEFAULT_REGION = "us-east-1"

Clock = Callable[[], float]


class TokenBucket:
    """``burst`` tokens at most, ``rate`` added per second of ``clock``; not thread-safe on its
    own (:class:`Buckets` takes a lock around several)."""

    def __init__(self, burst: float, rate: float, now: float) -> None:
        self.burst = float(burst)
        self.rate = float(rate)
        self.tokens = float(burst)
        self.stamp = now

    def refill(self, now: float) -> None:
        if now > self.stamp:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = max(self.stamp, now)


class Buckets:
    """Named buckets, created on first use, taken from all-or-nothing: an ELB describe refused
    by the describe bucket must not spend the account-wide token either."""

    def __init__(self, sizes: dict[str, tuple[float, float]], clock: Clock = time.monotonic):
        self.sizes = sizes
        self.clock = clock
        self._buckets: dict[tuple[str, str], TokenBucket] = {}
        self._lock = threading.Lock()

    def take(self, region: str, names: Iterable[str]) -> bool:
        with self._lock:
            now = self.clock()
            wanted = []
            for name in names:
                bucket = self._buckets.get((region, name))
                if bucket is None:
                    burst, rate = self.sizes[name]
                    bucket = self._buckets[(region, name)] = TokenBucket(burst, rate, now)
                bucket.refill(now)
                wanted.append(bucket)
            if any(b.tokens < 1 - 1e-9 for b in wanted):  # float drift of fractional refills
                return False
            for b in wanted:
                b.tokens -= 1
            return True


StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class AwsLike:
    """WSGI wrapper adding AWS's latency and throttling in front of ``app`` (moto's dispatcher).

    ``latency_ms`` and ``throttle`` may be changed while serving: the sandbox seeds at full speed
    and switches them on once the account exists, as a real account's history was not throttled
    by today's client.
    """

    def __init__(
        self,
        app: WsgiApp,
        *,
        latency_ms: int = 0,
        throttle: bool = False,
        clock: Clock = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.app = app
        self.latency_ms = latency_ms
        self.throttle = throttle
        self.sleep = sleep
        self.clock = clock
        self.buckets = Buckets({**ECS_BUCKETS, **ELB_BUCKETS}, clock)
        #: An endpoint outage on a switch (:mod:`.outage`), checked before anything else.
        self.outage = Outage(sleep)
        #: Refusals answered so far, by bucket list (for the bench and tests).
        self.throttled: dict[str, int] = {}

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if str(environ.get("PATH_INFO", "")).startswith(("/moto-api", "/ecsdeck/")):
            return self.app(environ, start_response)
        trouble = self.outage(environ, start_response)
        if trouble is not None:
            return trouble
        answered_by = self.clock() + self.latency_ms / 1000
        refusal = self._meter(environ) if self.throttle else None
        answer = (
            refusal(start_response) if refusal is not None else self.app(environ, start_response)
        )
        if self.latency_ms > 0:
            self.sleep(max(answered_by - self.clock(), 0.0))
        return answer

    def _meter(self, environ: dict[str, Any]) -> Callable[[StartResponse], list[bytes]] | None:
        from aws.sandbox.ids import request_where

        _, service = _credential_scope(environ)
        region = "/".join(request_where(environ))  # the buckets' key: account and Region
        target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
        if target.startswith(ECS_TARGET_PREFIX):
            category = ECS_OPERATIONS.get(target.removeprefix(ECS_TARGET_PREFIX))
            if category is None or self.buckets.take(region, [category]):
                return None
            self._count(category)
            return _ecs_throttled
        if service != "elasticloadbalancing":
            return None
        form = _form(environ)
        if form.get("Version") != ELBV2_VERSION:
            return None
        action = form.get("Action", "")
        names = [ELB_ACCOUNT] + ([ELB_DESCRIBE] if action.startswith("Describe") else [])
        if self.buckets.take(region, names):
            return None
        self._count("+".join(names))
        return _elb_throttled

    def _count(self, key: str) -> None:
        self.throttled[key] = self.throttled.get(key, 0) + 1


def _credential_scope(environ: dict[str, Any]) -> tuple[str, str]:
    """(region, service) from ``Credential=AKID/date/region/service/aws4_request``."""
    auth = str(environ.get("HTTP_AUTHORIZATION", ""))
    _, _, rest = auth.partition("Credential=")
    parts = rest.split(",", 1)[0].split("/")
    if len(parts) >= 5:
        return parts[2] or DEFAULT_REGION, parts[3]
    return DEFAULT_REGION, ""


def _form(environ: dict[str, Any]) -> dict[str, str]:
    """The query-protocol parameters of a request, leaving ``wsgi.input`` readable for moto."""
    fields = dict(parse_qs(str(environ.get("QUERY_STRING", ""))))
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    content_type = str(environ.get("CONTENT_TYPE", ""))
    if length > 0 and content_type.startswith("application/x-www-form-urlencoded"):
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        fields.update(parse_qs(body.decode("utf-8", "replace")))
    return {k: v[0] for k, v in fields.items() if v}


def _ecs_throttled(start_response: StartResponse) -> list[bytes]:
    body = b'{"__type":"ThrottlingException","message":"Rate exceeded"}'
    start_response(
        "400 Bad Request",
        [
            ("Content-Type", "application/x-amz-json-1.1"),
            ("Content-Length", str(len(body))),
            ("x-amzn-RequestId", str(uuid.uuid4())),
        ],
    )
    return [body]


def _elb_throttled(start_response: StartResponse) -> list[bytes]:
    request_id = str(uuid.uuid4())
    body = (
        f'<ErrorResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/{ELBV2_VERSION}/">'
        "<Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message>"
        f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>"
    ).encode()
    start_response(
        "400 Bad Request",
        [
            ("Content-Type", "text/xml"),
            ("Content-Length", str(len(body))),
            ("x-amzn-RequestId", request_id),
        ],
    )
    return [body]


class Server:
    """moto's dispatcher behind :class:`AwsLike`, on the sandbox's own threaded server.

    moto's ThreadedMotoServer builds its WSGI app inside its own thread, leaving no place for a
    wrapper, and its werkzeug server closes the connection after every answer; this serves the
    same app, one thread per connection, keeping connections open as AWS does
    (:mod:`.http_server`).
    """

    def __init__(self, wrapper: AwsLike, host: str = "127.0.0.1", port: int = 0) -> None:
        self.wrapper = wrapper
        self.host = host
        self.port = port
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @staticmethod
    def moto_app() -> WsgiApp:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        app: WsgiApp = DomainDispatcherApplication(create_backend_app)
        return app

    def start(self) -> str:
        """Bind and serve in a daemon thread; returns the URL. A port in use raises
        RuntimeError, which ``python -m aws.sandbox`` turns into one line and exit code 2."""
        from aws.sandbox.http_server import ThreadedServer

        try:
            self._server = ThreadedServer(self.host, self.port, self.wrapper)
        except OSError as exc:
            raise RuntimeError(
                f"port {self.port} on {self.host} is in use ({exc.strerror})"
            ) from exc
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="ecsdeck-sandbox-http", daemon=True
        )
        self._thread.start()
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        if self._server is not None:
            from aws.sandbox.http_server import close_all

            self._server.shutdown()
            close_all(self._server)
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

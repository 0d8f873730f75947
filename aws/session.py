"""One bundle of aiobotocore clients, owned by one AsyncExitStack.

Every client shares the same settings: adaptive retries (the adaptive limiter is per client, so
one client per service, shared by every reader), short connect and read timeouts with a bounded
number of attempts (see ``SessionSettings``: a dead or hanging endpoint makes a call fail, never
hang), and profile/region/endpoint from arguments or the standard chain (AWS_PROFILE, AWS_REGION,
AWS_ENDPOINT_URL, ~/.aws/config, SSO).
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession, get_session

from aws.client_config import USER_AGENT, SharedTLSSession, tune_session
from aws.health import ApiHealth
from aws.pacer import Pacer

if TYPE_CHECKING:
    from types_aiobotocore_application_autoscaling import ApplicationAutoScalingClient
    from types_aiobotocore_cloudtrail import CloudTrailClient
    from types_aiobotocore_cloudwatch import CloudWatchClient
    from types_aiobotocore_ec2 import EC2Client
    from types_aiobotocore_ecr import ECRClient
    from types_aiobotocore_ecs import ECSClient
    from types_aiobotocore_elbv2 import ElasticLoadBalancingv2Client
    from types_aiobotocore_events import EventBridgeClient
    from types_aiobotocore_logs import CloudWatchLogsClient
    from types_aiobotocore_pricing import PricingClient
    from types_aiobotocore_scheduler import EventBridgeSchedulerClient
    from types_aiobotocore_ssm import SSMClient
    from types_aiobotocore_sts import STSClient

SERVICES = (
    "ecs",
    "ecr",
    "elbv2",
    "logs",
    "ec2",
    "sts",
    "cloudwatch",
    "application-autoscaling",
    "cloudtrail",
    "ssm",
    "scheduler",
    "events",
)
#: Attribute of :class:`Clients` for a botocore service name that is not a Python identifier.
ATTRIBUTES = {"application-autoscaling": "autoscaling"}
#: The Price List API answers from a few Regions only; us-east-1 has every service's prices.
PRICING_REGION = "us-east-1"

#: botocore's data loader (the service models' JSON, parsed once): shared by every session.
_SHARED_LOADER: Any = None


def new_session(profile: str | None = None) -> AioSession:
    """A session for ``profile`` (None: the default chain) that shares one data loader with
    every other: twelve contexts would otherwise each parse the same twelve service models
    (about 25 MB and a second of CPU per context). Its clients parse timestamps the cheap way
    (:mod:`aws.client_config`)."""
    global _SHARED_LOADER
    session = AioSession(profile=profile) if profile else get_session()
    tune_session(session)
    if _SHARED_LOADER is None:
        _SHARED_LOADER = session.get_component("data_loader")
    else:
        session.register_component("data_loader", _SHARED_LOADER)
    return session


R = TypeVar("R")

#: Open ``CallCounter.scope()`` counters of the running asyncio task (tasks it starts inherit them).
_SCOPES: ContextVar[tuple[tuple[CallCounter, Counter[str]], ...]] = ContextVar(
    "ecsdeck_call_scopes", default=()
)


async def in_own_context(request: Callable[[], Awaitable[R]]) -> R:
    """Make and await one request (``request()``) in a task whose ``contextvars`` context holds
    only the call scopes.

    A request can open a pooled connection and arm the pool's clean-up timer, and asyncio gives
    each of those callbacks a copy of the context current at that moment. They outlive the
    request (a kept-alive connection lives for many), so the caller's context variables would
    stay reachable through them: a UI's "current widget", say, and through it a closed screen.
    So the request gets a fresh context with the one variable this layer reads (the open
    ``CallCounter.scope()`` counters). Cancelling the caller cancels the request, as a plain
    ``await`` would; the request is made inside the task, so one cancelled before the task ran
    leaves no coroutine behind that was never awaited.
    """
    context = contextvars.Context()
    context.run(_SCOPES.set, _SCOPES.get())

    async def run() -> R:
        return await request()

    return await asyncio.create_task(run(), context=context)


class CallCounter:
    """Counts API requests as they are sent (retries included: they cost bucket tokens too).

    ``mark()`` starts a new refresh; ``last_refresh`` is what was sent since the previous mark;
    ``per_minute()`` is a sliding 60-second window.
    """

    def __init__(self) -> None:
        self.total: Counter[str] = Counter()
        self.current: Counter[str] = Counter()
        self.last_refresh: Counter[str] = Counter()
        self._recent: deque[float] = deque()

    def record(self, operation: str) -> None:
        self.total[operation] += 1
        self.current[operation] += 1
        self._recent.append(time.monotonic())
        for owner, counter in _SCOPES.get():
            if owner is self:
                counter[operation] += 1

    @contextmanager
    def scope(self) -> Iterator[Counter[str]]:
        """Count only the requests sent from inside this block (by this asyncio task and the tasks
        it starts), so one reader can report its own cost while other panes read concurrently."""
        counter: Counter[str] = Counter()
        token = _SCOPES.set((*_SCOPES.get(), (self, counter)))
        try:
            yield counter
        finally:
            _SCOPES.reset(token)

    def mark(self) -> Counter[str]:
        """Close the current refresh window and return its counts."""
        self.last_refresh = self.current
        self.current = Counter()
        return self.last_refresh

    def per_minute(self) -> int:
        cutoff = time.monotonic() - 60.0
        while self._recent and self._recent[0] < cutoff:
            self._recent.popleft()
        return len(self._recent)

    def reset(self) -> None:
        self.total.clear()
        self.current.clear()
        self.last_refresh.clear()
        self._recent.clear()


@dataclass(frozen=True, slots=True)
class SessionSettings:
    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    #: Adaptive: botocore's client-side rate limiter slows down when AWS throttles.
    retry_mode: str = "adaptive"
    #: Attempts per call, the first included: with the timeouts below a dead or silent endpoint
    #: fails a call within about a minute (6 x 10 s plus back-off) instead of hanging forever.
    max_attempts: int = 6
    #: TCP + TLS to a regional endpoint takes well under a second; 3 s leaves room for one lost
    #: SYN (retransmitted after 1 s) and still tells "unreachable" within a refresh or so.
    connect_timeout: float = 3.0
    #: ECS, ELB and Logs answer a describe or a mutation in well under a second (a full page of
    #: 100 tasks included). 10 s is far past that, so it never cuts a real answer, but bounds
    #: each attempt: every read, the guarded pane ticks (whose stall watchdog gives up sooner,
    #: after refresh + 2 s) and the unguarded ones (problems reader, identity, lookups) alike.
    #: Mutations use the same clients: a change stuck waiting shows as pending and can be given
    #: up on, so a longer timeout for them would only make the user wait longer.
    read_timeout: float = 10.0
    max_pool_connections: int = 20
    #: Upper bound on concurrent requests per reader call (e.g. DescribeServices batches in flight).
    concurrency: int = 8
    #: When set, every mutation in aws.execute refuses before any request is built.
    read_only: bool = False


def client_config(s: SessionSettings) -> AioConfig:
    """The config of every client: the settings' retries, timeouts and pool, and the fixed
    User-Agent (aws.client_config says why it is fixed)."""
    return AioConfig(
        retries={"mode": s.retry_mode, "total_max_attempts": s.max_attempts},  # type: ignore[typeddict-item]
        connect_timeout=s.connect_timeout,
        read_timeout=s.read_timeout,
        max_pool_connections=s.max_pool_connections,
        user_agent=USER_AGENT,
        http_session_cls=SharedTLSSession,
    )


class SessionConfigError(Exception):
    """The AWS settings cannot work (unknown profile, no region): say so before any UI starts."""


def check_settings(settings: SessionSettings) -> str:
    """Resolve profile and region the way the clients will; return the region or raise.

    Done up front so a typo in ``--profile`` or a machine with no region configured gets one
    plain sentence instead of a traceback from inside the UI.
    """
    from botocore.exceptions import ProfileNotFound

    try:
        session = new_session(settings.profile)
        if settings.profile:
            session.get_scoped_config()  # raises ProfileNotFound for an unknown name
        region = settings.region or session.get_config_variable("region")
    except ProfileNotFound:
        raise SessionConfigError(
            f"AWS profile {settings.profile!r} is not in ~/.aws/config or ~/.aws/credentials "
            "(check the name, or run: aws configure list-profiles)"
        ) from None
    if not region:
        raise SessionConfigError(
            "No AWS region: pass --region, set AWS_REGION, or set region in ~/.aws/config "
            "for the profile"
        )
    if settings.endpoint_url and not settings.endpoint_url.startswith(("http://", "https://")):
        raise SessionConfigError(
            f"--endpoint-url {settings.endpoint_url!r} must start with http:// or https://"
        )
    return str(region)


def available_profiles() -> list[str]:
    """Profile names of ~/.aws/config and ~/.aws/credentials (SSO profiles included)."""
    from botocore.session import Session

    return sorted(Session().available_profiles)


def profile_files() -> tuple[str, str]:
    """The config and credentials files profiles are read from (``AWS_CONFIG_FILE`` and
    ``AWS_SHARED_CREDENTIALS_FILE`` move them), with ``~`` expanded."""
    from botocore.session import Session

    session = Session()
    return tuple(  # type: ignore[return-value]
        os.path.expanduser(str(session.get_config_variable(name)))
        for name in ("config_file", "credentials_file")
    )


def ecs_regions() -> list[str]:
    """The regions ECS is offered in, as botocore's endpoint data lists them."""
    from botocore.session import Session

    return sorted(Session().get_available_regions("ecs"))


class Clients:
    """The client bundle. Use ``async with Clients.open(settings) as clients``."""

    ecs: ECSClient
    ecr: ECRClient
    elbv2: ElasticLoadBalancingv2Client
    logs: CloudWatchLogsClient
    ec2: EC2Client
    sts: STSClient
    #: CloudWatch metrics (GetMetricData), not CloudWatch Logs.
    cloudwatch: CloudWatchClient
    #: Application Auto Scaling (the scalable target and policies of a service).
    autoscaling: ApplicationAutoScalingClient
    #: CloudTrail (LookupEvents: who made a change), read through aws.cloudtrail's pacer.
    cloudtrail: CloudTrailClient
    #: Systems Manager: StartSession for port forwarding (aws.port_forward).
    ssm: SSMClient
    #: EventBridge Scheduler and EventBridge rules: the schedules that run ECS tasks.
    scheduler: EventBridgeSchedulerClient
    events: EventBridgeClient

    def __init__(self, settings: SessionSettings, session: AioSession) -> None:
        self.settings = settings
        self.session = session
        self.calls = CallCounter()
        #: What the endpoint's answers (and failed attempts) say about it right now.
        self.health = ApiHealth()
        #: ECS requests wait for a token of AWS's bucket rather than being throttled (aws.pacer).
        self.pacer = Pacer()
        self.limit = asyncio.Semaphore(settings.concurrency)
        #: Task-definition revisions are immutable: cached by ARN for the life of the bundle.
        self.taskdef_cache: dict[str, Any] = {}
        #: The caller's ARN (STS GetCallerIdentity), once known: the audit log names it.
        self.caller_arn: str | None = None
        #: Prices read for this bundle (aws/pricing.py): read once, not once per pane.
        self.prices: dict[tuple[str, ...], Any] = {}
        self._pricing: PricingClient | None = None
        self._pricing_lock = asyncio.Lock()
        self._stack = AsyncExitStack()

    @property
    def region(self) -> str | None:
        region: str | None = self.ecs.meta.region_name if hasattr(self, "ecs") else None
        return region

    @property
    def endpoint(self) -> str | None:
        return self.ecs.meta.endpoint_url if hasattr(self, "ecs") else None

    @classmethod
    def open(cls, settings: SessionSettings | None = None) -> Clients:
        settings = settings or SessionSettings()
        return cls(settings, new_session(settings.profile))

    async def __aenter__(self) -> Clients:
        s = self.settings
        kwargs: dict[str, Any] = {"config": client_config(s)}
        if s.region:
            kwargs["region_name"] = s.region
        if s.endpoint_url:
            kwargs["endpoint_url"] = s.endpoint_url
        try:
            for name in SERVICES:
                client = await self._stack.enter_async_context(
                    self.session.create_client(name, **kwargs)  # type: ignore[call-overload]
                )
                if name == "ecs":  # its handlers run before the generic ones below
                    client.meta.events.register("before-send.ecs", self._pace)
                client.meta.events.register("before-send", self._count)
                self.health.attach(client.meta.events)
                setattr(self, ATTRIBUTES.get(name, name), client)
        except BaseException:
            await self._stack.aclose()
            raise
        return self

    async def pricing(self) -> PricingClient:
        """The Price List API client, made on first use (most sessions never price anything).

        Always us-east-1 (or the endpoint override, e.g. the sandbox), and quick to give up: a
        price that cannot be read falls back to the built-in table, so two attempts of 5 s at
        most, not the minute a read of the account may take. Not watched by ``health``: a
        denied or unreachable Price List says nothing about the ECS endpoint."""
        async with self._pricing_lock:
            if self._pricing is None:
                self._pricing = await self._open_pricing()
        return self._pricing

    async def _open_pricing(self) -> PricingClient:
        s = self.settings
        config = client_config(s).merge(
            AioConfig(
                retries={"mode": "standard", "total_max_attempts": 2},  # type: ignore[typeddict-item]
                connect_timeout=min(s.connect_timeout, 3.0),
                read_timeout=5.0,
            )
        )
        kwargs: dict[str, Any] = {"config": config, "region_name": PRICING_REGION}
        if s.endpoint_url:
            kwargs["endpoint_url"] = s.endpoint_url
        client: PricingClient = await self._stack.enter_async_context(
            self.session.create_client("pricing", **kwargs)  # type: ignore[call-overload]
        )
        client.meta.events.register("before-send", self._count)
        return client

    async def __aexit__(self, *exc: object) -> None:
        await self._stack.aclose()

    async def _pace(self, event_name: str, **kwargs: Any) -> None:
        await self.pacer.before_send(event_name, **kwargs)

    def _count(self, event_name: str, **_: Any) -> None:
        # event_name looks like "before-send.ecs.ListServices"
        parts = event_name.split(".")
        if len(parts) >= 3:
            self.calls.record(f"{parts[1]}.{parts[2]}")

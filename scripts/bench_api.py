"""A. Reading every service of the bench cluster, three ways, in the same run.

1. ecsdeck's read layer alone: ``aws.ecs.list_service_arns`` + ``aws.ecs.describe_services``;
2. a minimal aiobotocore client written here: ListServices maxResults=100 paged, then
   DescribeServices 10 at a time concurrently under a semaphore, adaptive retries;
3. a sequential boto3 loop making the same calls one after another.

1 and 2 run in alternating order (ABBA) for several rounds, each on fresh clients and on a
refilled bucket; the figure is the median of the paired ratios ecsdeck/minimal, which a noisy
machine moves far less than either wall time.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from scripts.bench_common import (
    BUCKETS,
    CLUSTER,
    THROTTLE_CODES,
    SandboxPlan,
    Summary,
    fmt_calls,
    list_bound,
    median,
    section,
)

REGION = "us-east-1"
#: The minimal client's requests in flight; the same as ecsdeck's default (SessionSettings).
CONCURRENCY = 8
MAX_ATTEMPTS = 6
RATIO_TARGET = 1.1


class Tally:
    """Requests sent (retries included) and throttling answers, counted by client events."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.throttles = 0

    def attach(self, client: Any) -> None:
        client.meta.events.register("before-send", self._sent)
        client.meta.events.register("response-received", self._received)

    def _sent(self, event_name: str, **_: Any) -> None:
        self.calls[".".join(event_name.split(".")[1:3])] += 1

    def _received(self, parsed_response: dict[str, Any] | None = None, **_: Any) -> None:
        code = ((parsed_response or {}).get("Error") or {}).get("Code")
        if code in THROTTLE_CODES:
            self.throttles += 1


@dataclass
class ReadRun:
    client: str
    wall: float
    services: int
    calls: Counter[str]
    throttles: int
    error: str | None = None

    def line(self) -> str:
        total = sum(self.calls.values())
        bound = list_bound(self.services)
        text = (
            f"{self.client:<8} {self.wall:6.2f}s  {self.services} services  calls {total} "
            f"({fmt_calls(self.calls)}) vs bound {bound}  throttles {self.throttles}"
        )
        return text + (f"  FAILED: {self.error}" if self.error else "")


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc)[:160]}"


async def read_ecsdeck(url: str) -> ReadRun:
    from aws import ecs
    from aws.session import Clients, SessionSettings

    async with Clients.open(SessionSettings(endpoint_url=url, region=REGION)) as c:
        tally = Tally()
        tally.attach(c.ecs)
        c.calls.reset()
        began = time.perf_counter()
        try:
            arns = await ecs.list_service_arns(c, CLUSTER)
            services = await ecs.describe_services(c, CLUSTER, arns)
        except Exception as exc:
            wall = time.perf_counter() - began
            return ReadRun("ecsdeck", wall, 0, Counter(c.calls.total), tally.throttles, _error(exc))
        wall = time.perf_counter() - began
        return ReadRun("ecsdeck", wall, len(services), Counter(c.calls.total), tally.throttles)


def _aio_config() -> Any:
    from aiobotocore.config import AioConfig

    return AioConfig(
        retries={"mode": "adaptive", "total_max_attempts": MAX_ATTEMPTS},
        max_pool_connections=CONCURRENCY * 2,
    )


async def _list_all(client: Any) -> list[str]:
    arns: list[str] = []
    token: str | None = None
    while True:
        extra = {"nextToken": token} if token else {}
        page = await client.list_services(cluster=CLUSTER, maxResults=100, **extra)
        arns += page.get("serviceArns", [])
        token = page.get("nextToken")
        if not token:
            return arns


async def _describe_all(client: Any, arns: list[str]) -> list[dict[str, Any]]:
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(batch: list[str]) -> list[dict[str, Any]]:
        async with gate:
            page = await client.describe_services(cluster=CLUSTER, services=batch, include=["TAGS"])
        return list(page.get("services", []))

    pages = await asyncio.gather(*(one(arns[i : i + 10]) for i in range(0, len(arns), 10)))
    return [s for page in pages for s in page]


async def read_minimal(url: str) -> ReadRun:
    from aiobotocore.session import get_session

    session = get_session()
    kwargs = {"region_name": REGION, "endpoint_url": url, "config": _aio_config()}
    async with session.create_client("ecs", **kwargs) as client:
        tally = Tally()
        tally.attach(client)
        began = time.perf_counter()
        try:
            services = await _describe_all(client, await _list_all(client))
        except Exception as exc:
            wall = time.perf_counter() - began
            return ReadRun("minimal", wall, 0, tally.calls, tally.throttles, _error(exc))
        wall = time.perf_counter() - began
        return ReadRun("minimal", wall, len(services), tally.calls, tally.throttles)


def read_boto3(url: str) -> ReadRun:
    import boto3
    from botocore.config import Config

    config = Config(retries={"mode": "adaptive", "total_max_attempts": MAX_ATTEMPTS})
    client = boto3.client("ecs", region_name=REGION, endpoint_url=url, config=config)
    tally = Tally()
    tally.attach(client)
    began = time.perf_counter()
    count = 0
    try:
        arns: list[str] = []
        token: str | None = None
        while True:
            extra = {"nextToken": token} if token else {}
            page = client.list_services(cluster=CLUSTER, maxResults=100, **extra)
            arns += page.get("serviceArns", [])
            token = page.get("nextToken")
            if not token:
                break
        for i in range(0, len(arns), 10):
            page = client.describe_services(cluster=CLUSTER, services=arns[i : i + 10])
            count += len(page.get("services", []))
    except Exception as exc:
        wall = time.perf_counter() - began
        return ReadRun("boto3", wall, count, tally.calls, tally.throttles, _error(exc))
    finally:
        client.close()
    return ReadRun("boto3", time.perf_counter() - began, count, tally.calls, tally.throttles)


@dataclass
class FirstRows:
    """What a minimal client needs before it can draw a first row (the references of B)."""

    clusters: float
    services: float


async def first_rows_minimal(url: str) -> FirstRows:
    """ListClusters + DescribeClusters; ListServices (1 page) + DescribeServices (first 10)."""
    from aiobotocore.session import get_session

    kwargs = {"region_name": REGION, "endpoint_url": url, "config": _aio_config()}
    async with get_session().create_client("ecs", **kwargs) as client:
        began = time.perf_counter()
        arns = (await client.list_clusters(maxResults=100)).get("clusterArns", [])
        await client.describe_clusters(clusters=arns[:100])
        clusters = time.perf_counter() - began
        began = time.perf_counter()
        page = await client.list_services(cluster=CLUSTER, maxResults=100)
        first = page.get("serviceArns", [])[:10]
        await client.describe_services(cluster=CLUSTER, services=first, include=["TAGS"])
        return FirstRows(clusters, time.perf_counter() - began)


def refill_pause(plan: SandboxPlan) -> float:
    """Seconds for the service-read bucket to refill its burst between two full reads."""
    if not plan.throttle:
        return 0.3
    burst, refill = BUCKETS["service-read"]
    return burst / refill + 1.0


@dataclass
class ApiFigures:
    services: int
    minimal_wall: float
    first: FirstRows


def run_rounds(url: str, rounds: int, pause: float) -> tuple[list[ReadRun], list[ReadRun]]:
    ours: list[ReadRun] = []
    refs: list[ReadRun] = []
    for r in range(rounds):
        order = ("ecsdeck", "minimal") if r % 2 == 0 else ("minimal", "ecsdeck")
        for which in order:
            time.sleep(pause)
            if which == "ecsdeck":
                run = asyncio.run(read_ecsdeck(url))
                ours.append(run)
            else:
                run = asyncio.run(read_minimal(url))
                refs.append(run)
            print(f"  round {r + 1}: {run.line()}", flush=True)
    return ours, refs


def api_section(url: str, plan: SandboxPlan, rounds: int, summary: Summary) -> ApiFigures:
    section(f"A. Reading the '{CLUSTER}' cluster's services ({rounds} rounds, ABBA order)")
    pause = refill_pause(plan)
    if plan.throttle:
        print(f"  (each read starts after {pause:.0f}s so the service-read bucket is full again)")
    ours, refs = run_rounds(url, rounds, pause)
    time.sleep(pause)
    boto = read_boto3(url)
    print(f"  once:    {boto.line()}", flush=True)
    time.sleep(pause)
    first = asyncio.run(first_rows_minimal(url))
    services = max((r.services for r in ours + refs), default=0)
    ok_pairs = [(o, m) for o, m in zip(ours, refs, strict=False) if not o.error and not m.error]
    ratios = [o.wall / m.wall for o, m in ok_pairs]
    ratio = median(ratios)
    print_api_table(ours, refs, boto, ratios)
    add_api_summary(summary, ours, refs, boto, ratio)
    minimal_wall = median([m.wall for m in refs if not m.error])
    return ApiFigures(services, minimal_wall, first)


def _spread(runs: list[ReadRun]) -> str:
    walls = [r.wall for r in runs if not r.error]
    if not walls:
        return "failed"
    return f"{median(walls):.2f}s (min {min(walls):.2f}, max {max(walls):.2f})"


def _median_calls(runs: list[ReadRun]) -> float:
    return median([sum(r.calls.values()) for r in runs])


def _median_needed(runs: list[ReadRun]) -> float:
    """Calls a run needed: what it sent less the attempts that were refused as throttled."""
    return median([sum(r.calls.values()) - r.throttles for r in runs])


def print_api_table(
    ours: list[ReadRun], refs: list[ReadRun], boto: ReadRun, ratios: list[float]
) -> None:
    print()
    for name, runs in (("ecsdeck", ours), ("minimal", refs), ("boto3", [boto])):
        services = max((r.services for r in runs), default=0)
        throttles = sum(r.throttles for r in runs)
        failed = sum(1 for r in runs if r.error)
        print(
            f"  {name:<8} wall {_spread(runs):<34} calls {_median_calls(runs):>5.0f} "
            f"(bound {list_bound(services)})  throttles {throttles} in {len(runs)} run(s)"
            + (f"  {failed} FAILED" if failed else "")
        )
    shown = ", ".join(f"{r:.2f}" for r in ratios) or "none"
    print(f"  ecsdeck/minimal per round: {shown}; median {median(ratios):.2f}")
    pages = refs[0].calls.get("ecs.ListServices", 0) if refs else 0
    services = max((r.services for r in refs), default=0)
    if pages < math.ceil(services / 100):
        print(
            f"  note: ListServices answered {services} services in {pages} page(s): this sandbox\n"
            "  does not page as AWS does (100 a page), so List* counts sit under the bound."
        )


def add_api_summary(
    summary: Summary, ours: list[ReadRun], refs: list[ReadRun], boto: ReadRun, ratio: float
) -> None:
    services = max((r.services for r in ours + refs), default=0)
    bound = list_bound(services)
    ours_ok = [r.wall for r in ours if not r.error]
    refs_ok = [r.wall for r in refs if not r.error]
    summary.add(
        f"A read {services} services: wall",
        f"{median(ours_ok):.2f}s" if ours_ok else "failed",
        f"minimal {median(refs_ok):.2f}s, boto3 {boto.wall:.2f}s" if refs_ok else "failed",
    )
    needed = _median_needed(ours)
    summary.add(
        "A calls (throttled attempts not counted)",
        f"{needed:.0f}",
        f"minimal {_median_needed(refs):.0f}, boto3 {_median_needed([boto]):.0f}",
        f"<= bound {bound}",
        needed <= bound,
    )
    summary.add(
        "A throttles seen (all runs)",
        str(sum(r.throttles for r in ours)),
        f"minimal {sum(r.throttles for r in refs)}, boto3 {boto.throttles}",
    )
    summary.add(
        "A ratio ecsdeck/minimal (median of rounds)",
        f"{ratio:.2f}x",
        "1.00x",
        f"<= {RATIO_TARGET}x",
        ratio <= RATIO_TARGET if ratio == ratio else None,
    )

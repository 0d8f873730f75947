"""The problems reader's and the change timeline's cost: measured against the sandbox, and
modelled at 100 x 2,000.

    python -m scripts.bench_problems [--minutes 10] [--timeline-minutes 2]   (also: make bench)

Measured: a ``ProblemWatch`` ticking every 3 s for some simulated minutes against the frozen
sandbox; the watch's clock is moved forward each tick instead of sleeping, so ten minutes take
seconds. Each request is put in the AWS token bucket it draws from and the steady rate is shown as
a share of that bucket's refill. Modelled: the same cadences at 100 clusters and 2,000 services,
the figures docs/api-budget.md writes down. The timeline (scripts/bench_timeline.py) is
measured the same way, for a problem's service (`w` on a problem) and for the account
(`:changes`), beside the reader: its calls a minute and the time to its first answer.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from aws.pacer import ECS_BUCKETS, ECS_OPERATIONS
from aws.sandbox.aws_like import ELB_BUCKETS, ELB_DESCRIBE
from aws.triage.problems import ProblemReport, ProblemWatch

REFRESH = 3.0
#: ELBv2's describe bucket; every ELB call also takes one from the account-wide bucket (same size).
#: CloudTrail LookupEvents: 2 a second per account and Region.
REFILL = {
    **{k: v[1] for k, v in ECS_BUCKETS.items()},
    "elb": ELB_BUCKETS[ELB_DESCRIBE][1],
    "cloudtrail": 2.0,
}


def bucket(operation: str) -> str:
    """ "ecs.DescribeServices" -> "service-read"; any ELBv2 call -> "elb"."""
    service, _, action = operation.partition(".")
    if service == "ecs":
        return ECS_OPERATIONS.get(action, action)
    return service if service in ("cloudtrail", "application-auto-scaling") else "elb"


def per_bucket(calls: Counter[str]) -> Counter[str]:
    out: Counter[str] = Counter()
    for op, n in calls.items():
        out[bucket(op)] += n
    return out


def shares(per_minute: Counter[str]) -> str:
    return ", ".join(
        f"{name} {n:.0f}/min" + (f" = {n / 60 / REFILL[name]:.1%}" if name in REFILL else "")
        for name, n in sorted(per_minute.items())
    )


@dataclass
class Clock:
    offset: timedelta = field(default_factory=timedelta)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


async def measure(url: str, minutes: float) -> ProblemReport:
    from aws.session import Clients, SessionSettings

    clock = Clock()
    watch = ProblemWatch(clock=clock)
    async with Clients.open(SessionSettings(endpoint_url=url, region="us-east-1")) as c:
        t0 = time.perf_counter()
        first = await watch.refresh(c)
        wall = time.perf_counter() - t0
        services = sum(cl.service_count or 0 for cl in first.clusters)
        print(
            f"first refresh: {len(first.clusters)} clusters, {services} services, "
            f"{len(first.problems)} problems, {sum(first.calls.values())} calls in {wall:.1f}s"
        )
        print(f"  {dict(sorted(first.calls.items()))}")
        ticks = int(minutes * 60 / REFRESH)
        total: Counter[str] = Counter()
        most = 0
        for _ in range(ticks):
            clock.offset += timedelta(seconds=REFRESH)
            report = await watch.refresh(c)
            total.update(report.calls)
            most = max(most, sum(report.calls.values()))
        steady = Counter({k: v / minutes for k, v in per_bucket(total).items()})
        print(
            f"{ticks} ticks of {REFRESH:g}s ({minutes:g} simulated min): "
            f"{sum(total.values()) / ticks:.1f} calls a tick on average, {most} at most"
        )
        print(f"  {shares(steady)}  (target < 25% each)")
        return first


def model(
    clusters: int = 100,
    services: int = 2000,
    lb_services: int = 1000,
    ec2_clusters: int = 50,
    moving: int = 20,
    refresh: float = REFRESH,
) -> Counter[str]:
    """Calls a minute per bucket at steady state, from ProblemWatch's default cadences.

    ``moving``: services in motion or with a problem at any time (each re-described every tick,
    within the hot allowance). Stopped tasks: one ListTasks page per cluster a minute and one
    DescribeTasks per cluster a minute when tasks stopped (the worst case is counted).
    """
    w = ProblemWatch()
    minute = timedelta(minutes=1)
    ticks = 60 / refresh
    per_cluster = math.ceil(services / clusters)
    sweep = clusters * math.ceil(per_cluster / 10) * (minute / w.sweep_every)
    relist = clusters * math.ceil(per_cluster / 100) * (minute / w.relist_every)
    hot = min(ticks * math.ceil(moving / 10), w.hot_describes_per_minute)
    stopped = clusters * (minute / w.stopped_every) * 2
    instances = ec2_clusters * 2 * (minute / w.instances_every)
    targets = min(lb_services, w.target_reads_per_minute)
    return Counter(
        {
            "cluster-read": 2 * ticks,
            "service-read": sweep + relist + hot,
            "cluster-resource-read": stopped + instances,
            "elb": targets,
        }
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench_problems", description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0, help="simulated minutes to tick")
    parser.add_argument("--url", help="a running sandbox (default: start a frozen one)")
    print("== Problems reader, modelled at 100 clusters x 2,000 services, refresh 3 s")
    print(f"  {shares(model())}")
    parser.add_argument(
        "--timeline-minutes", type=float, default=2.0, help="simulated minutes of the timeline"
    )
    args = parser.parse_args(argv)
    from scripts.bench_timeline import measure_timeline, model_timeline

    print("== Change timeline (:changes, the account), modelled at 100 x 2,000, refresh 3 s")
    print(f"  {shares(model_timeline())}")
    if args.url:
        first = asyncio.run(measure(args.url, args.minutes))
        asyncio.run(measure_timeline(args.url, args.timeline_minutes, first))
        return 0
    from aws.sandbox.server import spawn_sandbox
    from scripts.bench_common import dummy_credentials

    dummy_credentials()
    proc, url = spawn_sandbox(["--seed", "7", "--no-simulate", "--services", "300"])
    try:
        print("== Problems reader, measured against the frozen sandbox (--services 300)")
        first = asyncio.run(measure(url, args.minutes))
        print("== Change timeline, measured against the same sandbox")
        asyncio.run(measure_timeline(url, args.timeline_minutes, first))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

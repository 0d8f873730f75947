"""The change timeline's cost, beside the problems reader's (run by scripts/bench_problems.py).

Measured: ``read_changes`` ticking every 3 s for some simulated minutes, for a problem's service
(what `w` on a problem opens) and for the account (`:changes`). The ECS listings' minute-long
cache runs on a clock moved forward each tick; CloudTrail's pacer keeps real time (it is what
spaces LookupEvents under 2 a second), so each tick takes about half a second. Modelled: the
account timeline's cadences at 100 clusters and 2,000 services.
"""

from __future__ import annotations

import math
import time
from collections import Counter

from aws import change_sources as cs
from aws import cloudtrail
from aws.changes import Scope, read_changes
from aws.session import Clients, SessionSettings
from aws.triage.problems import ProblemReport
from scripts.bench_problems import REFRESH, per_bucket, shares


def _scopes(first: ProblemReport) -> list[tuple[str, Scope]]:
    p = next((p for p in first.problems if p.service_arn), None)
    scopes = [("the account", Scope())]
    if p is not None:
        scopes.insert(
            0, (f"a problem's service {p.service_name}", Scope(p.cluster_arn, p.service_arn))
        )
    return scopes


async def measure_timeline(url: str, minutes: float, first: ProblemReport) -> None:
    for label, scope in _scopes(first):
        async with Clients.open(SessionSettings(endpoint_url=url, region="us-east-1")) as c:
            clock = [time.monotonic()]
            cs.ecs_cache_for(c).clock = lambda at=clock: at[0]  # type: ignore[misc]
            t0 = time.perf_counter()
            with c.calls.scope() as calls:
                timeline = await read_changes(c, scope)
            wall = time.perf_counter() - t0
            print(
                f"timeline of {label}: first answer in {wall:.1f}s, {len(timeline.changes)} "
                f"entries, {sum(calls.values())} calls {dict(sorted(calls.items()))}"
            )
            ticks = int(minutes * 60 / REFRESH)
            total: Counter[str] = Counter()
            for _ in range(ticks):
                clock[0] += REFRESH
                with c.calls.scope() as calls:
                    await read_changes(c, scope)
                total.update(calls)
            steady = Counter({k: v / minutes for k, v in per_bucket(total).items()})
            print(f"  {ticks} ticks ({minutes:g} simulated min): {shares(steady)}")


def model_timeline(
    clusters: int = 100, services: int = 2000, ec2_clusters: int = 50, stopped_new: int = 100
) -> Counter[str]:
    """Calls a minute per bucket of the account timeline at steady state: ListClusters each
    tick; services, clusters, instances and stopped tasks once a minute; INACTIVE listings
    within their allowance; ``stopped_new`` describes of newly stopped tasks (100 a call);
    one LookupEvents page per source every REREAD_AFTER seconds; the services of every
    cluster every ACCOUNT_SERVICES_EVERY seconds."""
    ticks = 60 / REFRESH
    per_cluster = math.ceil(services / clusters)
    minute = 60 / cs.LIST_EVERY
    services_read = clusters * (math.ceil(per_cluster / 100) + math.ceil(per_cluster / 10))
    resources = (clusters + 2 * ec2_clusters + math.ceil(stopped_new / 100)) * minute
    return Counter(
        {
            "cluster-read": ticks + math.ceil(clusters / 100) * minute,
            "service-read": services_read * 60 / cs.ACCOUNT_SERVICES_EVERY,
            "cluster-resource-read": resources,
            "task-definition-read": cs.FAMILY_LISTS_PER_MINUTE * minute,
            "cloudtrail": 60 / max(cloudtrail.REREAD_AFTER, REFRESH) * len(cloudtrail.SOURCES),
        }
    )

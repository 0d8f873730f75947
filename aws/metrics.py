"""CPU and memory utilization of ECS services, from CloudWatch's ``AWS/ECS`` namespace.

ECS publishes ``CPUUtilization`` and ``MemoryUtilization`` per service every minute (dimensions
``ClusterName`` and ``ServiceName``): the percentage of the CPU units and memory the service's
tasks reserve that they use. One GetMetricData answers up to 500 queries, and CloudWatch bills
per metric asked for, so a list reads the rows on screen in one call (two queries a row) and a
service's history (two queries) in another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from aws.models import TaskDefinition
from aws.paging import chunks, pages
from aws.session import Clients

if TYPE_CHECKING:
    from types_aiobotocore_cloudwatch.type_defs import MetricDataQueryTypeDef

NAMESPACE = "AWS/ECS"
CPU = "CPUUtilization"
MEMORY = "MemoryUtilization"
#: GetMetricData's limit on MetricDataQueries in one request.
QUERIES_PER_CALL = 500
#: ECS sends these metrics once a minute: a finer period has nothing more to say.
PERIOD = 60


@dataclass(frozen=True, slots=True)
class Utilization:
    """Average use over the window, in percent of the reservation; None: no datapoint (a
    service with no running task, or one whose metrics have not arrived yet)."""

    cpu: float | None
    memory: float | None


@dataclass(frozen=True, slots=True)
class History:
    """One value a period, oldest first (periods without a datapoint are left out, as
    CloudWatch leaves them out)."""

    cpu: tuple[float, ...]
    memory: tuple[float, ...]


def _query(
    qid: str, cluster: str, service: str, metric: str, stat: str = "Average"
) -> MetricDataQueryTypeDef:
    return {
        "Id": qid,
        "MetricStat": {
            "Metric": {
                "Namespace": NAMESPACE,
                "MetricName": metric,
                "Dimensions": [
                    {"Name": "ClusterName", "Value": cluster},
                    {"Name": "ServiceName", "Value": service},
                ],
            },
            "Period": PERIOD,
            "Stat": stat,
        },
        "ReturnData": True,
    }


async def _values(
    c: Clients, queries: list[MetricDataQueryTypeDef], start: datetime, end: datetime
) -> dict[str, list[tuple[datetime, float]]]:
    """Query id -> (timestamp, value), oldest first, every page of one GetMetricData read."""
    out: dict[str, list[tuple[datetime, float]]] = {q["Id"]: [] for q in queries}
    pager = c.cloudwatch.get_paginator("get_metric_data").paginate(
        MetricDataQueries=queries, StartTime=start, EndTime=end, ScanBy="TimestampAscending"
    )
    async for page in pages(c, pager):
        for result in page.get("MetricDataResults", []):
            qid = result.get("Id", "")
            stamps, values = result.get("Timestamps", []), result.get("Values", [])
            out.setdefault(qid, []).extend(zip(stamps, values, strict=False))
    for points in out.values():
        points.sort(key=lambda p: p[0])
    return out


def _mean(points: Sequence[tuple[datetime, float]]) -> float | None:
    return sum(v for _, v in points) / len(points) if points else None


async def read_utilization(
    c: Clients,
    cluster: str,
    services: Sequence[str],
    *,
    minutes: int = 5,
    now: datetime | None = None,
) -> dict[str, Utilization]:
    """Service name -> average CPU and memory use over the last ``minutes``.

    One GetMetricData per 250 services (two queries each); every service asked for is in the
    answer, with None where CloudWatch has no datapoint. ``cluster`` is the cluster's name.
    """
    names = list(dict.fromkeys(services))
    end = (now or datetime.now(UTC)).replace(second=0, microsecond=0) + timedelta(minutes=1)
    start = end - timedelta(minutes=minutes + 1)
    out: dict[str, Utilization] = {}
    for batch in chunks(names, QUERIES_PER_CALL // 2):
        queries: list[MetricDataQueryTypeDef] = []
        for i, name in enumerate(batch):
            queries.append(_query(f"c{i}", cluster, name, CPU))
            queries.append(_query(f"m{i}", cluster, name, MEMORY))
        values = await _values(c, queries, start, end)
        for i, name in enumerate(batch):
            cpu = values.get(f"c{i}", [])[-minutes:]
            memory = values.get(f"m{i}", [])[-minutes:]
            out[name] = Utilization(_mean(cpu), _mean(memory))
    return out


async def read_history(
    c: Clients, cluster: str, service: str, *, minutes: int = 60, now: datetime | None = None
) -> History:
    """One service's CPU and memory use a minute over the last ``minutes``: one GetMetricData."""
    end = (now or datetime.now(UTC)).replace(second=0, microsecond=0) + timedelta(minutes=1)
    start = end - timedelta(minutes=minutes)
    values = await _values(
        c,
        [_query("cpu", cluster, service, CPU), _query("mem", cluster, service, MEMORY)],
        start,
        end,
    )
    return History(
        cpu=tuple(v for _, v in values.get("cpu", [])),
        memory=tuple(v for _, v in values.get("mem", [])),
    )


@dataclass(frozen=True, slots=True)
class MemoryUse:
    """A service's memory use over a window, in percent of its reservation: ``peak`` is the
    highest minute's Maximum (ECS's Maximum of a service metric is its busiest task), ``mean``
    the average; None when CloudWatch has no datapoint."""

    peak: float | None
    mean: float | None


async def read_memory_use(
    c: Clients, cluster: str, service: str, *, end: datetime, minutes: int = 60
) -> MemoryUse:
    """One service's memory use in the ``minutes`` before ``end``: one GetMetricData."""
    start = end - timedelta(minutes=minutes)
    values = await _values(
        c,
        [
            _query("peak", cluster, service, MEMORY, "Maximum"),
            _query("mean", cluster, service, MEMORY),
        ],
        start,
        end + timedelta(minutes=1),
    )
    peaks = [v for _, v in values.get("peak", [])]
    return MemoryUse(max(peaks) if peaks else None, _mean(values.get("mean", [])))


def reservation(td: TaskDefinition) -> tuple[int | None, int | None]:
    """CPU units and MiB the service's tasks reserve, what the percentages are of.

    The task-level ``cpu``/``memory`` when set (always on Fargate); otherwise the sum of the
    containers' ``cpu`` and ``memory`` (or ``memoryReservation``), as ECS reserves them on EC2.
    """

    def number(value: object) -> int | None:
        try:
            return int(str(value)) if value not in (None, "") else None
        except ValueError:
            return None

    cpu, memory = number(td.cpu), number(td.memory)
    containers = td.raw.get("containerDefinitions")
    docs = [c for c in containers if isinstance(c, dict)] if isinstance(containers, list) else []
    if cpu is None:
        units = [n for c in docs if (n := number(c.get("cpu")))]
        cpu = sum(units) if units else None
    if memory is None:
        mib = [n for c in docs if (n := number(c.get("memory") or c.get("memoryReservation")))]
        memory = sum(mib) if mib else None
    return cpu, memory

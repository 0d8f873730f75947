"""What one service costs, from its task definition, its capacity and the prices
(:mod:`aws.pricing`); the arithmetic is :mod:`aws.cost`'s.

Fargate: the task-level cpu/memory at the rate of the task definition's architecture
(``runtimePlatform.cpuArchitecture``), the tasks split between FARGATE and FARGATE_SPOT by the
service's strategy. EC2 (a launch type or an Auto Scaling group capacity provider): each task's
share of the cluster's container instances, by what it reserves: an estimate, said so.
EXTERNAL (ECS Anywhere) and a service whose compute cannot be told are not priced (None).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from aws import cost, ecs, fargate, metrics, pricing
from aws.models import ContainerInstance, Service, TaskDefinition, arn_tail
from aws.session import Clients

FARGATE_PROVIDERS = ("FARGATE", cost.SPOT)
#: Seconds the cluster's container instances are reused for the EC2 estimate.
HOSTS_TTL = 300.0


@dataclass(frozen=True, slots=True)
class ServiceCost:
    """Enough to price any task count of one service (the strategy's base makes it not quite
    proportional)."""

    #: "Fargate x86_64", "Fargate arm64", "EC2 (m5.xlarge)" ...
    what: str
    source: pricing.Source
    #: True for the EC2 share: AWS bills the instance, not the task.
    estimate: bool = False
    shape: cost.TaskShape | None = None
    rates: cost.FargateRates | None = None
    strategy: tuple[tuple[str, int, int], ...] = ()
    #: EC2: one task's share of its hosts, USD per hour.
    task_hourly: float | None = None
    #: A caveat in words (Spot priced on demand ...), or None.
    note: str | None = None

    def hourly(self, count: int) -> float:
        if self.rates is not None and self.shape is not None:
            return cost.fargate_service_hourly(self.shape, self.rates, count, self.strategy)
        return (self.task_hourly or 0.0) * count

    def monthly(self, count: int) -> float:
        return cost.monthly(self.hourly(count))


def _strategy(service: Service) -> tuple[tuple[str, int, int], ...]:
    return tuple((i.provider, i.base, i.weight) for i in service.capacity_provider_strategy)


def compute_of(service: Service) -> str | None:
    """``FARGATE``, ``EC2`` or None (EXTERNAL, or nothing says)."""
    providers = [i.provider for i in service.capacity_provider_strategy]
    if providers:
        return "FARGATE" if all(p in FARGATE_PROVIDERS for p in providers) else "EC2"
    return service.launch_type if service.launch_type in ("FARGATE", "EC2") else None


def _arm(td: TaskDefinition) -> bool:
    platform = td.raw.get("runtimePlatform")
    arch = platform.get("cpuArchitecture") if isinstance(platform, dict) else None
    return str(arch or "").upper() == "ARM64"


def _storage(td: TaskDefinition) -> int:
    storage = td.raw.get("ephemeralStorage")
    size = storage.get("sizeInGiB") if isinstance(storage, dict) else None
    return int(size) if isinstance(size, int) else cost.FREE_STORAGE_GB


async def _fargate(c: Clients, service: Service, td: TaskDefinition) -> ServiceCost | None:
    units, mib = fargate.cpu_units(td.cpu), fargate.memory_mib(td.memory)
    if units is None or mib is None:
        return None
    region = c.region or ""
    prices = await pricing.fargate_prices(c, region)
    arch = "arm64" if _arm(td) else "x86_64"
    rates = prices.rates.get(arch)
    if rates is None:
        return None
    strategy = _strategy(service)
    note = None
    if any(p == cost.SPOT for p, _, _ in strategy) and rates.spot_vcpu_hour is None:
        note = "no Spot price known: Spot tasks priced on demand (an upper bound)"
    shape = cost.TaskShape(units, mib, arm=arch == "arm64", storage_gb=_storage(td))
    return ServiceCost(f"Fargate {arch}", prices.source, False, shape, rates, strategy, None, note)


async def _hosts(c: Clients, cluster: str) -> list[ContainerInstance]:
    key = ("hosts", cluster)
    kept = c.prices.get(key)
    if kept is not None and time.monotonic() - kept[0] < HOSTS_TTL:
        hosts: list[ContainerInstance] = kept[1]
        return hosts
    found = [i for i in await ecs.read_container_instances(c, cluster) if i.status == "ACTIVE"]
    c.prices[key] = (time.monotonic(), found)
    return found


async def _ec2(c: Clients, service: Service, td: TaskDefinition) -> ServiceCost | None:
    units, mib = metrics.reservation(td)
    instances = [
        i
        for i in await _hosts(c, arn_tail(service.cluster_arn))
        if i.instance_type and i.cpu_registered and i.memory_registered
    ]
    types = sorted({str(i.instance_type) for i in instances})
    if not types or not (units or mib):
        return None
    region = c.region or ""
    priced = await asyncio.gather(*(pricing.ec2_prices(c, region, t) for t in types))
    hourly = {t: p.hourly[t] for t, p in zip(types, priced, strict=True) if t in p.hourly}
    hosts = [
        cost.Host(hourly[str(i.instance_type)], i.cpu_registered or 0, i.memory_registered or 0)
        for i in instances
        if str(i.instance_type) in hourly
    ]
    share = cost.ec2_task_hourly(units or 0, mib or 0, hosts)
    if share is None:
        return None
    source = next((p.source for p in priced if p.source.kind == "table"), priced[0].source)
    what = f"EC2 ({', '.join(t for t in types if t in hourly)})"
    return ServiceCost(what, source, True, task_hourly=share)


async def service_cost(c: Clients, service: Service) -> ServiceCost | None:
    """The service's price model, or None when it cannot be priced (EXTERNAL, no size, a
    Region or instance type no source knows). AWS errors of ECS reads propagate."""
    compute = compute_of(service)
    if compute is None or not service.task_definition:
        return None
    td = await ecs.read_task_definition(c, service.task_definition)
    if compute == "FARGATE":
        return await _fargate(c, service, td)
    return await _ec2(c, service, td)

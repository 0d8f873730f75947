"""What a service's tasks cost: pure arithmetic on rates, no AWS calls (aws/pricing.py reads
the rates, docs/cost.md says where each number comes from).

Fargate bills each task's vCPU and memory by the hour (per second, one-minute minimum), at a
rate that depends on the Region, the CPU architecture and whether the task runs on FARGATE or
FARGATE_SPOT. A capacity provider strategy decides how many of the service's tasks run on each
provider: ``base`` tasks first on the provider that has one, the rest split by ``weight``.
An EC2 task is not billed itself: its share of the container instance it runs on is estimated
from what it reserves of the instance's CPU and memory.
"""

from __future__ import annotations

from dataclasses import dataclass

#: AWS's convention for a month in its price pages and calculator (365 * 24 / 12).
HOURS_PER_MONTH = 730.0
#: Ephemeral storage every Fargate task gets without charge (GiB).
FREE_STORAGE_GB = 20
SPOT = "FARGATE_SPOT"


@dataclass(frozen=True, slots=True)
class FargateRates:
    """USD per vCPU-hour and per GB-hour for one Region and architecture; the Spot pair is None
    when the price source has none (the Spot share is then priced on demand, an upper bound)."""

    vcpu_hour: float
    gb_hour: float
    spot_vcpu_hour: float | None = None
    spot_gb_hour: float | None = None
    #: Ephemeral storage above FREE_STORAGE_GB, per GB-hour (0: not known, left out).
    storage_gb_hour: float = 0.0


@dataclass(frozen=True, slots=True)
class TaskShape:
    """What one task asks for: CPU units (1024 = 1 vCPU), MiB, extra ephemeral storage (GiB)."""

    cpu_units: int
    memory_mib: int
    arm: bool = False
    storage_gb: int = FREE_STORAGE_GB

    @property
    def vcpu(self) -> float:
        return self.cpu_units / 1024

    @property
    def memory_gb(self) -> float:
        return self.memory_mib / 1024


def fargate_task_hourly(shape: TaskShape, rates: FargateRates, *, spot: bool = False) -> float:
    """USD per hour of one Fargate task of ``shape``."""
    vcpu_rate, gb_rate = rates.vcpu_hour, rates.gb_hour
    if spot and rates.spot_vcpu_hour is not None and rates.spot_gb_hour is not None:
        vcpu_rate, gb_rate = rates.spot_vcpu_hour, rates.spot_gb_hour
    extra = max(0, shape.storage_gb - FREE_STORAGE_GB) * rates.storage_gb_hour
    return shape.vcpu * vcpu_rate + shape.memory_gb * gb_rate + extra


def split_tasks(strategy: tuple[tuple[str, int, int], ...], count: int) -> dict[str, int]:
    """How ECS spreads ``count`` tasks over a strategy of (provider, base, weight).

    The provider with a base gets up to that many first; the rest go by weight, each provider
    getting its proportional whole share and the leftovers going to the largest remainders
    (the earlier provider on a tie). An empty strategy or all-zero weights put everything on
    the first provider (ECS refuses such a strategy; this only keeps the sum right)."""
    if not strategy:
        return {}
    out = {provider: 0 for provider, _, _ in strategy}
    left = count
    for provider, base, _ in strategy:
        given = min(max(base, 0), left)
        out[provider] += given
        left -= given
    total = sum(max(w, 0) for _, _, w in strategy)
    if total == 0:
        out[strategy[0][0]] += left
        return out
    shares = [(p, left * max(w, 0) / total) for p, _, w in strategy]
    for provider, share in shares:
        out[provider] += int(share)
    rest = left - sum(int(share) for _, share in shares)
    by_remainder = sorted(
        range(len(shares)), key=lambda i: (-(shares[i][1] - int(shares[i][1])), i)
    )
    for i in by_remainder[:rest]:
        out[shares[i][0]] += 1
    return out


def fargate_service_hourly(
    shape: TaskShape,
    rates: FargateRates,
    count: int,
    strategy: tuple[tuple[str, int, int], ...] = (),
) -> float:
    """USD per hour of ``count`` tasks; the strategy (else all on FARGATE) says which are Spot."""
    spot = split_tasks(strategy, count).get(SPOT, 0) if strategy else 0
    on_demand = count - spot
    return on_demand * fargate_task_hourly(shape, rates) + spot * fargate_task_hourly(
        shape, rates, spot=True
    )


@dataclass(frozen=True, slots=True)
class Host:
    """A container instance as the EC2 estimate sees it: its on-demand USD per hour and the CPU
    units and MiB it registered for tasks."""

    hourly: float
    cpu_units: int
    memory_mib: int


def ec2_task_hourly(cpu_units: int, memory_mib: int, hosts: list[Host]) -> float | None:
    """A task's share of its hosts' price, averaged over the hosts: the larger of its CPU and
    memory shares (the scarcer resource is what keeps other tasks off the instance). None
    when no host has a price and a capacity to share."""
    shares = [
        h.hourly * max(cpu_units / h.cpu_units, memory_mib / h.memory_mib)
        for h in hosts
        if h.cpu_units > 0 and h.memory_mib > 0
    ]
    return sum(shares) / len(shares) if shares else None


def monthly(hourly: float) -> float:
    return hourly * HOURS_PER_MONTH

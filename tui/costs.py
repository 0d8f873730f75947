"""Cost in words: a service's price per hour and month, what a new count changes, and where
the price came from (aws/service_cost.py prices; this only says it)."""

from __future__ import annotations

import asyncio

from rich.text import Text

from aws.models import Service
from aws.service_cost import ServiceCost, service_cost
from aws.session import Clients


def usd(amount: float) -> str:
    """``$0.041``, ``$12.30``, ``$1,234``: cents where they matter, not below a dollar's worth."""
    if abs(amount) < 1:
        return f"${abs(amount):.3f}"
    if abs(amount) < 100:
        return f"${abs(amount):,.2f}"
    return f"${abs(amount):,.0f}"


def _sign(amount: float) -> str:
    return "-" if amount < -0.0005 else "+"


def estimate_mark(cost: ServiceCost) -> str:
    """``~`` before an EC2 share: AWS bills the instance, the task's part is a guess."""
    return "~" if cost.estimate else ""


def change_words(cost: ServiceCost, old: int, new: int) -> str:
    """``3 -> 10: +$509/month`` (``~$`` for an estimate), ``3 -> 3: same cost``."""
    delta = cost.monthly(new) - cost.monthly(old)
    if abs(delta) < 0.0005:
        return f"{old} -> {new}: same cost ({estimate_mark(cost)}{usd(cost.monthly(new))}/month)"
    return f"{old} -> {new}: {_sign(delta)}{estimate_mark(cost)}{usd(delta)}/month"


def source_words(cost: ServiceCost) -> str:
    kind = "estimate: the tasks' share of " if cost.estimate else ""
    return f"{kind}{cost.what}; prices: {cost.source.words()}"


def cost_line(cost: ServiceCost, count: int) -> Text:
    """The service pane's line: hour and month at the running count, and the source, dim."""
    mark = estimate_mark(cost)
    text = Text("cost ")
    text.append(
        f"{mark}{usd(cost.hourly(count))}/h · {mark}{usd(cost.monthly(count))}/month", "bold"
    )
    text.append(f" for {count} task{'s' if count != 1 else ''}")
    text.append(f" · {source_words(cost)}", style="dim")
    if cost.note:
        text.append(f" · {cost.note}", style="yellow")
    return text


def month_cell(cost: ServiceCost | None, count: int) -> Text:
    """The services list's COST cell: per month at the desired count."""
    if cost is None:
        return Text("-", style="dim")
    return Text(f"{estimate_mark(cost)}{usd(cost.monthly(count))}")


async def read_cost(clients: Clients, service: Service) -> ServiceCost | None:
    """The service's price model; None when it cannot be priced or read (a cost must never
    stop a scale, nor mark the pane as failing)."""
    try:
        return await service_cost(clients, service)
    except asyncio.CancelledError:
        raise
    except Exception:
        return None

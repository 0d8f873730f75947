"""The service pane's slow parts (a mixin): CPU/memory use over the last hour, Auto Scaling,
and what the service costs (tui/costs.py: never an error of the pane, only a line or none).

Each is read at most once a minute (ECS publishes its metrics once a minute, and a scaling
policy rarely changes) and each fails on its own, like target health: a denied CloudWatch or
Auto Scaling call marks its own part of the header and dims its own line, while the tasks and
the rest of the summary keep refreshing from ECS.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from rich.text import Text

from aws import autoscaling, ecs, metrics
from aws.autoscaling import Scaling
from aws.errors import explain
from aws.metrics import History
from aws.models import Cluster, Service
from aws.service_cost import ServiceCost
from tui.costs import cost_line, read_cost
from tui.usage import usage_line

if TYPE_CHECKING:
    from aws.session import Clients
    from tui.deck import DeckApp
    from tui.widgets.status_header import StatusHeader

#: Seconds between two reads of each part.
SLOW_TTL = 60.0
METRICS_PART = "CPU/MEM not refreshed"
SCALING_PART = "autoscaling not refreshed"
COST_PART = "cost"


class UsageParts:
    """Mixin for the service pane: call ``init_usage()`` in ``__init__`` and
    ``read_slow_parts()`` in ``tick``."""

    # Provided by the pane.
    cluster: Cluster
    service: Service
    header: StatusHeader

    if TYPE_CHECKING:

        @property
        def deck(self) -> DeckApp: ...

        @property
        def clients(self) -> Clients: ...

    def init_usage(self) -> None:
        #: Last hour of CPU/memory use, the CPU units and MiB it is a share of, and Auto
        #: Scaling; None until read.
        self.history: History | None = None
        self.reserved: tuple[int | None, int | None] = (None, None)
        self.scaling: Scaling | None = None
        self.cost: ServiceCost | None = None
        #: When each part was last tried (monotonic), failed or not.
        self._slow_at: dict[str, float] = {}

    def _due(self, part: str) -> bool:
        """Once a minute per part, failed or not (a denied call is not retried every tick)."""
        now = time.monotonic()
        if now - self._slow_at.get(part, -1e9) < SLOW_TTL:
            return False
        self._slow_at[part] = now
        return True

    async def read_slow_parts(self) -> None:
        """The parts side by side (one round trip of waiting, not three), each when due.
        Cut short (a dialog on top, Ctrl+R), they were not read: due again at the next tick,
        not a minute later."""
        tried = dict(self._slow_at)
        try:
            await asyncio.gather(self._read_use(), self._read_scaling(), self._read_cost())
        except asyncio.CancelledError:
            self._slow_at = tried
            raise

    async def _read_cost(self) -> None:
        if self._due(COST_PART):
            self.cost = await read_cost(self.clients, self.service)

    def cost_text(self) -> Text | None:
        """Hour and month at the running count (what is billed now); None: not priced."""
        return cost_line(self.cost, self.service.running) if self.cost is not None else None

    async def _read_use(self) -> None:
        if not self._due(METRICS_PART):
            return
        c = self.clients
        try:
            if self.service.task_definition:
                td = await ecs.read_task_definition(c, self.service.task_definition)
                self.reserved = metrics.reservation(td)
            self.history = await metrics.read_history(c, self.cluster.name, self.service.name)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.header.set_part_error(METRICS_PART, explain(exc))
        else:
            self.header.set_part_error(METRICS_PART, None)

    async def _read_scaling(self) -> None:
        if not self._due(SCALING_PART):
            return
        c = self.clients
        try:
            self.scaling = await autoscaling.read_scaling(c, self.cluster.name, self.service.name)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.header.set_part_error(SCALING_PART, explain(exc))
        else:
            self.header.set_part_error(SCALING_PART, None)

    def usage_text(self) -> Text:
        """The use line, sparklines wider on a wide terminal; dim while not refreshed."""
        width = 30 if self.deck.size.width >= 110 else 16
        stale = METRICS_PART in self.header.part_errors
        return usage_line(self.history, self.reserved, width, stale=stale)

    def action_autoscaling(self) -> None:
        error = self.header.part_errors.get(SCALING_PART)
        self.deck.open("autoscaling", service=self.service, scaling=self.scaling, error=error)

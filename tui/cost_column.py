"""The services list's optional COST column (a mixin): each visible service's price per month
at its desired count, read a few services a tick and kept for a while (prices change weekly,
a service's task definition on deploys). Off by default (the ``cost_column`` setting); ``$``
toggles it."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from rich.text import Text

from aws.models import Service
from aws.service_cost import ServiceCost
from tui.costs import month_cell, read_cost

if TYPE_CHECKING:
    from aws.session import Clients
    from tui.deck import DeckApp

#: Seconds a service's price is kept before it is read again.
COST_TTL = 600.0
#: Services priced per tick at most (a task definition read each, the first time).
MAX_COST_READS = 10
#: With the column on, COMPUTE gives way below 130 columns (at 120, LAST EVENT had 5 characters
#: left); tui/rows/services.py's NARROW_DROPS say the same for every width.
COST_DROPS = ((130, ("compute",)),)


class CostColumn:
    """Mixin for the services pane: call ``init_cost()`` in ``__init__``; ``show_cost``,
    ``cost_cell``, ``read_costs`` and the ``toggle_cost`` action (the pane swaps its columns
    in ``columns_changed``)."""

    if TYPE_CHECKING:

        @property
        def deck(self) -> DeckApp: ...

        @property
        def clients(self) -> Clients: ...

        def columns_changed(self) -> None: ...

    def init_cost(self) -> None:
        #: None until the setting is read (the app is not reachable from ``__init__``).
        self._show_cost: bool | None = None
        #: arn -> (price, the task definition it was read for, when: monotonic).
        self._cost_of: dict[str, tuple[ServiceCost | None, str | None, float]] = {}

    @property
    def show_cost(self) -> bool:
        if self._show_cost is None:
            self._show_cost = bool(self.deck.settings.cost_column)
        return self._show_cost

    def action_toggle_cost(self) -> None:
        self._show_cost = not self.show_cost
        self.columns_changed()

    def cost_cell(self, s: Service) -> Text:
        known = self._cost_of.get(s.arn)
        if known is None:
            return Text("…", style="dim")
        return month_cell(known[0], s.desired)

    async def read_costs(self, shown: list[Service]) -> list[Service]:
        """Price the shown services not priced lately (or deployed since); those priced."""
        if not self.show_cost:
            return []
        kept, now = self._cost_of, time.monotonic()
        due = [
            s
            for s in shown
            if (k := kept.get(s.arn)) is None or k[1] != s.task_definition or now - k[2] > COST_TTL
        ][:MAX_COST_READS]
        got = await asyncio.gather(*(read_cost(self.clients, s) for s in due))
        for s, c in zip(due, got, strict=True):
            kept[s.arn] = (c, s.task_definition, now)
        return due

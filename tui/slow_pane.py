"""A pane whose data changes rarely (ECR, task definitions): read on the first tick, then every
``relist`` seconds; the ticks in between send nothing. `r` reads now.

The base of the ECR and task-definition panes; outside tui/screens/ so that those two pane
modules share it without importing each other's module (only base.py is shared there)."""

from __future__ import annotations

import time

from tui.screens.base import PollingScreen


class SlowScreen(PollingScreen):
    _read_at: float | None = None

    async def tick(self) -> None:
        due = self._read_at is None or time.monotonic() - self._read_at > self.deck.settings.relist
        if due:
            await self.read()
            self._read_at = time.monotonic()

    def action_refresh_now(self) -> None:
        self._read_at = None
        super().action_refresh_now()

    async def read(self) -> None:
        raise NotImplementedError

"""Changes sent to AWS and not answered yet: shown with their elapsed time, and can be given up on.

A change normally gets its answer in well under a second. When the endpoint hangs (accepts the
connection, never answers) the call waits out botocore's read timeout and retries, which can take
minutes, and nothing on screen says a change is in the air. Every execution runs as its own
asyncio task registered here: the header shows "pending Ns, waiting for AWS" once it has waited
``SHOW_AFTER`` seconds, and the give-up key cancels the task. Cancelling cannot unsend a request
that left: the audit line is completed as ``abandoned`` (aws/execute.py) and the user is told the
change may or may not have reached AWS, and that the next refresh will show which.

Plain asyncio, no widgets: the header reads ``line()``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

from rich.text import Text

from tui.text import clean

T = TypeVar("T")

#: A change answered faster than this never shows as pending (no flash on every scale).
SHOW_AFTER = 1.0

GAVE_UP = (
    "Gave up waiting for AWS: {what} may or may not have reached AWS. "
    "The next refresh will show whether it was applied; the audit log says 'abandoned'."
)


@dataclass(eq=False)
class Pending:
    """One change in the air."""

    #: What is being changed, as the user chose it ("Scale service web: 3 -> 5").
    what: str
    task: asyncio.Task[Any]
    started: float = field(default_factory=time.monotonic)
    #: Set by ``give_up``: the task's cancellation was the user's, not the app closing.
    abandoned: bool = False

    def elapsed(self, now: float | None = None) -> int:
        return int((now if now is not None else time.monotonic()) - self.started)


class PendingChanges:
    """The changes in the air, oldest first."""

    def __init__(self) -> None:
        self.items: list[Pending] = []

    async def run(self, what: str, work: Coroutine[Any, Any, T]) -> T | None:
        """Await ``work`` as a task of its own; None when the user gave up on it.

        CancelledError is re-raised when the caller itself is cancelled (the app closing)."""
        task = asyncio.ensure_future(work)
        item = Pending(what, task)
        self.items.append(item)
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if not item.abandoned or (current is not None and current.cancelling()):
                task.cancel()
                raise
            # The task is done (its audit line written) before the shield passes the cancel on.
            return None
        finally:
            self.items.remove(item)

    def shown(self, now: float | None = None) -> list[Pending]:
        now = now if now is not None else time.monotonic()
        return [p for p in self.items if now - p.started >= SHOW_AFTER and not p.abandoned]

    def give_up(self) -> Pending | None:
        """Cancel the oldest change shown as pending; None when there is none."""
        shown = self.shown()
        if not shown:
            return None
        item = shown[0]
        item.abandoned = True
        item.task.cancel()
        return item

    def line(self, key: str = "ctrl+g", now: float | None = None) -> Text | None:
        """The header's pending line, or None when nothing is shown as pending."""
        shown = self.shown(now)
        if not shown:
            return None
        text = Text(no_wrap=True, overflow="ellipsis")
        for i, item in enumerate(shown):
            if i:
                text.append("  ·  ")
            text.append("⏳ PENDING ", style="bold reverse yellow")
            text.append(f" {clean(item.what, 80)}: pending {item.elapsed(now)}s, waiting for AWS")
        text.append(f"  ({key} gives up)", style="dim")
        return text

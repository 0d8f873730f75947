"""What the logs view reads and keeps, apart from how it shows it: the scope, window and pattern
read, the ring buffer of lines, and the follow loop (the shared poll loop, tui/poll_loop.py).

``LogReader`` is a mixin of the logs screen: the screen shows what it reads through the hooks
at the bottom.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from aws.log_session import BUFFER, SINCE_START, LogScope, LogSession
from aws.task_watch import ServiceTasks
from tui.poll_loop import Failure, Pacing, PollLoop

if TYPE_CHECKING:
    from collections.abc import Callable

    from aws.log_models import LogEvent
    from aws.session import Clients
    from tui.widgets.status_header import StatusHeader

#: Window key -> (label, seconds back; None = the last lines).
WINDOWS: dict[str, tuple[str, int | None]] = {
    "tail": ("last lines", None),
    "5m": ("last 5 minutes", 300),
    "15m": ("last 15 minutes", 900),
    "1h": ("last hour", 3600),
    "start": ("since the task started", SINCE_START),
}

#: Follow reads are paced by the session's own allowances (``follow_every``): no governor, a
#: failed read is tried again at the next interval unless AWS throttles, and a read is never
#: given up on (a merged read catching up takes page after page).
FOLLOW_PACING = Pacing(budget=None, quick_retry=False, stall_slack=None)


class LogReader:
    """The follow/tail reader state of the logs view."""

    header: StatusHeader

    def _init_reader(self, scope: LogScope) -> None:
        self.scope = scope
        self.lines: deque[LogEvent] = deque(maxlen=BUFFER)
        #: The CloudWatch filter pattern sent to AWS (``f``), and the window read.
        self.pattern = ""
        self.window = "tail"
        #: awslogs containers of the task (for ``c``).
        self.containers: list[str] = []
        #: Follow-loop turns, and turns that read from AWS.
        self.loops = 0
        self.reads = 0
        self.tasks = ServiceTasks(scope.cluster_arn, scope.service_name or "")
        self.session = LogSession(scope, tasks=self.tasks)

    def _restart_reading(self) -> None:
        """A new session from the last lines (the scope, window or pattern changed)."""
        self.lines.clear()
        self.reads = 0
        self.session = LogSession(
            self.scope, window_s=WINDOWS[self.window][1], pattern=self.pattern, tasks=self.tasks
        )

    def _follow_loop(self, clients: Clients, refresh: Callable[[], float]) -> PollLoop:
        """Read the last lines, then follow (while ``reading``) on the session's cadence."""
        session = self.session
        opened = False

        async def tick() -> None:
            nonlocal opened
            if not opened:
                fresh = await session.open(clients)
                opened = True
                self.containers = session.containers
                self._opened(session, fresh)
            elif self.reading:
                self._add(await session.more(clients))

        return PollLoop(
            tick,
            interval=lambda: max(refresh(), session.follow_every),
            on_fresh=self._read_done,
            on_stale=self._read_failed,
            on_turn=self._turned,
            calls=clients.calls,
            pacing=FOLLOW_PACING,
        )

    def _read_done(self, calls: int, delay: float) -> None:
        if calls:
            self.reads += 1
            self.header.mark_fresh(calls, next_in=delay)

    def _read_failed(self, failure: Failure) -> None:
        self.header.mark_stale(failure.reason)
        self.header.next_in = failure.delay

    def _turned(self) -> None:
        self.loops += 1
        self._note()

    # -- what the screen does with it ----------------------------------------------------------

    @property
    def reading(self) -> bool:
        """Whether to read new lines now (not paused, on top)."""
        raise NotImplementedError

    def _opened(self, session: LogSession, fresh: list[LogEvent]) -> None:
        """The session opened with these last lines."""
        raise NotImplementedError

    def _add(self, events: list[LogEvent], *, initial: bool = False) -> None:
        raise NotImplementedError

    def _note(self) -> None:
        raise NotImplementedError

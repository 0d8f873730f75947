"""The status of the tasks a RunTask started, above their logs: re-read each refresh until all
are STOPPED, then how each ended, in words (``aws.run_task.run_outcome_words``: the exit code,
and the problems view's cause when it failed). RunTask's ``failures`` are listed below them.

The logs view shows it (``LogsScreen.following_run`` in tui/screens/logs.py): the first task's
logs stream under it with all the logs view's keys.

The re-reads run on the one poll loop (tui/poll_loop.py): a throttled read backs off, a read AWS
does not answer is given up after the refresh interval and a little more, and while reads fail
the status says it is not refreshed, and since when, under the last one read.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from rich.text import Text
from textual import work
from textual.widgets import Static

from aws.ecs import describe_tasks
from aws.models import Task
from aws.run_task import essential_exit, run_outcome_words
from tui.deck import clients_of, deck_of
from tui.poll_loop import Failure, Pacing, PollLoop
from tui.status import stale_mark
from tui.text import clean

#: One DescribeTasks a refresh: no budget governor; a failed read is tried again at the next
#: refresh (not within a second: each failure is a toast) unless AWS throttles, which backs off.
RUN_PACING = Pacing(budget=None, quick_retry=False)


def status_text(tasks: list[Task], failures: list[str]) -> Text:
    text = Text()
    for task in tasks:
        ended = essential_exit(task) if task.last_status == "STOPPED" else None
        style = "bold"
        if ended is not None:
            style = "bold green" if ended[1] == 0 else "bold red"
        elif task.last_status == "STOPPED":
            style = "bold red"
        text.append(f"task {task.id[:12]}  ")
        text.append(clean(run_outcome_words(task), 300), style=style)
        text.append("\n")
    for failure in failures:
        text.append("not started: ", style="bold red")
        text.append(clean(failure, 300) + "\n")
    text.rstrip()
    return text


class RunStatus(Static):
    DEFAULT_CSS = "RunStatus { height: auto; max-height: 12; padding: 0 1; }"

    def __init__(self, tasks: list[Task], failures: list[str] | None = None) -> None:
        self.runs = {t.arn: t for t in tasks}
        self.failures = list(failures or [])
        super().__init__(status_text(tasks, self.failures), id="run-status")
        #: Called once every task has stopped (the logs view reads its last lines then).
        self.on_finished: Callable[[], None] | None = None
        #: Why the last read failed (None: it succeeded), and when the status was last read
        #: (monotonic; the tasks RunTask answered with count as read).
        self.stale: str | None = None
        self.read_at = time.monotonic()
        self.poller: PollLoop | None = None

    @property
    def finished(self) -> bool:
        return all(t.last_status == "STOPPED" for t in self.runs.values())

    def on_mount(self) -> None:
        self._watch()

    @work(exclusive=True, group="run-status", exit_on_error=False)
    async def _watch(self) -> None:
        deck = deck_of(self)
        clients = clients_of(self)  # the account-region the task was run in
        cluster = next(iter(self.runs.values())).cluster_arn

        async def tick() -> None:
            for task in await describe_tasks(clients, cluster, list(self.runs)):
                self.runs[task.arn] = task

        refresh = deck.settings.refresh
        self.poller = PollLoop(
            tick,
            interval=lambda: deck.settings.refresh,
            on_fresh=self._read,
            on_stale=self._failed,
            calls=clients.calls,
            health=clients.health,
            pacing=RUN_PACING,
            delay=refresh,
        )
        # RunTask just answered with the tasks: the first read is one refresh later.
        await self._wait(refresh)
        await self.poller.run(wait=self._wait, while_=lambda: not self.finished)
        if self.on_finished is not None:
            self.on_finished()

    async def _wait(self, seconds: float) -> None:
        """Until the next read; none once every task has stopped (the logs' last read is due)."""
        if not self.finished:
            await asyncio.sleep(seconds)

    def _read(self, calls: int, delay: float) -> None:
        self.stale = None
        self.read_at = time.monotonic()
        self._show()

    def _failed(self, failure: Failure) -> None:
        self.stale = failure.reason
        self.notify(clean(failure.reason, 300), title="Run task", severity="warning")
        self._show()

    def _show(self) -> None:
        text = status_text(list(self.runs.values()), self.failures)
        if self.stale is not None:
            text.append("\n")
            text.append_text(stale_mark(self.stale, time.monotonic() - self.read_at))
        self.update(text)

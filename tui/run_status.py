"""The status of the tasks a RunTask started, above their logs: re-read each refresh until all
are STOPPED, then how each ended, in words (``aws.run_task.run_outcome_words``: the exit code,
and the problems view's cause when it failed). RunTask's ``failures`` are listed below them.

The logs view shows it (``LogsScreen.following_run`` in tui/screens/logs.py): the first task's
logs stream under it with all the logs view's keys.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from rich.text import Text
from textual import work
from textual.widgets import Static

from aws.ecs import describe_tasks
from aws.errors import explain
from aws.models import Task
from aws.run_task import essential_exit, run_outcome_words
from tui.deck import deck_of
from tui.text import clean


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

    @property
    def finished(self) -> bool:
        return all(t.last_status == "STOPPED" for t in self.runs.values())

    def on_mount(self) -> None:
        self._watch()

    @work(exclusive=True, group="run-status", exit_on_error=False)
    async def _watch(self) -> None:
        deck = deck_of(self)
        cluster = next(iter(self.runs.values())).cluster_arn
        while not self.finished:
            await asyncio.sleep(deck.settings.refresh)
            try:
                fresh = await describe_tasks(deck.clients, cluster, list(self.runs))
            except Exception as exc:
                self.notify(clean(explain(exc), 300), title="Run task", severity="warning")
                continue
            for task in fresh:
                self.runs[task.arn] = task
            self.update(status_text(list(self.runs.values()), self.failures))
        if self.on_finished is not None:
            self.on_finished()

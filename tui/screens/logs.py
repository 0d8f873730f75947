"""Live logs of a task (all its awslogs containers, or one), or of a whole service merged.

What is read, and how often, is ``aws.log_session``'s; this screen keeps the lines in a ring
buffer of BUFFER (the view, the local filter and the save work on these) and shows every line
as AWS text, character for character (``tui.text.clean``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Input, RichLog, Static

from aws.errors import explain
from aws.log_models import LogEvent
from aws.log_session import BUFFER, LogScope, LogSession
from aws.models import Service, Task
from tui import keymap
from tui.deck import clients_of
from tui.log_lines import elsewhere_text, save_lines
from tui.log_view import LogShowing
from tui.text import plural
from tui.widgets.fit_footer import FitFooter
from tui.widgets.in_order import InOrderInput
from tui.widgets.status_header import StatusHeader

if TYPE_CHECKING:
    from tui.deck import DeckApp

#: The logs view's scope (kept under this name for the panes that open it).
Scope = LogScope


class LogsScreen(LogShowing, Screen[None]):
    BINDINGS = keymap.bindings_for("logs")
    DEFAULT_CSS = """
    LogsScreen #elsewhere { height: auto; max-height: 6; padding: 0 1; color: $warning; }
    LogsScreen #lines { height: 1fr; }
    LogsScreen Input { dock: bottom; display: none; height: 3; }
    """

    def __init__(self, scope: Scope, top: Static | None = None) -> None:
        super().__init__()
        #: A widget shown above the lines (a one-off task's status: ``following_run``).
        self.top = top
        self._init_reader(scope)
        self.header = StatusHeader(f"logs › {scope.title}")
        #: View state: following paused; long lines wrapped; timestamps shown.
        self.paused = False
        self.wrap = False
        self.stamps = True
        #: Plain text kept locally (``/``); the last file saved.
        self.local = ""
        self.saved: Path | None = None
        #: The view holds the "no lines" line rather than log lines.
        self._empty_said = False

    @classmethod
    def of_task(cls, task: Task) -> LogsScreen:
        return cls(Scope(task.cluster_arn, task.service_name, task))

    @classmethod
    def of_service(cls, service: Service) -> LogsScreen:
        return cls(Scope(service.cluster_arn, service.name))

    @classmethod
    def following_run(cls, tasks: list[Task], failures: list[str] | None = None) -> LogsScreen:
        """The tasks a RunTask started, followed to their exit: their status above, the first
        one's logs below (read once more when they have all stopped, for their last lines)."""
        from tui.run_status import RunStatus

        status = RunStatus(tasks, failures)
        screen = cls(Scope(tasks[0].cluster_arn, None, tasks[0]), top=status)
        screen.header.crumb = f"run › task {tasks[0].id[:12]} › logs"
        status.on_finished = screen.follow
        return screen

    @property
    def deck(self) -> DeckApp:
        return cast("DeckApp", self.app)

    @property
    def view(self) -> RichLog:
        return self.query_one("#lines", RichLog)

    def compose(self) -> ComposeResult:
        yield self.header
        if self.top is not None:
            yield self.top
        yield Static("", id="elsewhere")
        yield RichLog(id="lines", max_lines=BUFFER, wrap=False, markup=False, highlight=False)
        yield InOrderInput(placeholder="filter shown lines (Enter keeps, Esc clears)", id="local")
        yield InOrderInput(
            placeholder='CloudWatch filter pattern, e.g. ERROR or { $.level = "error" }',
            id="pattern",
        )
        yield FitFooter()

    def on_mount(self) -> None:
        self.query_one("#elsewhere", Static).display = False
        self.follow()

    @property
    def reading(self) -> bool:
        """Following reads only while not paused and on top (a pane or help over it waits)."""
        return not self.paused and self.app.screen is self

    # -- reading -------------------------------------------------------------------------------

    def follow(self) -> None:
        """Start again from the last lines (opened, or the scope, window or pattern changed)."""
        self._restart_reading()
        self.view.clear()
        self._empty_said = False
        self.header.note = " · loading…"
        self.header.update_lines()
        self._follow()

    @work(exclusive=True, group="logs", exit_on_error=False)
    async def _follow(self) -> None:
        """Read the last lines, then follow until the screen closes or the scope changes."""
        await self._follow_loop(clients_of(self), lambda: self.deck.settings.refresh).run()

    def _opened(self, session: LogSession, fresh: list[LogEvent]) -> None:
        self._show_elsewhere(session)
        self._add(fresh, initial=True)

    def _show_elsewhere(self, session: LogSession) -> None:
        box = self.query_one("#elsewhere", Static)
        t = elsewhere_text(session)
        box.update(t)
        box.display = bool(t.plain)

    # -- keys ----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``c`` (one container at a time) is listed only for a task's logs."""
        if action == "container":
            return self.scope.task is not None
        return True

    def action_pause(self) -> None:
        self.paused = not self.paused
        self._note()

    def action_window(self, window: str) -> None:
        if window == "start" and self.scope.task is None and not self.scope.service_name:
            return
        self.window = window
        self.follow()

    def action_wrap(self) -> None:
        self.wrap = not self.wrap
        self.redraw()

    def action_stamps(self) -> None:
        self.stamps = not self.stamps
        self.redraw()

    def action_reload(self) -> None:
        self.follow()

    def action_container(self) -> None:
        if self.scope.task is None or len(self.containers) < 2:
            self.notify("One container logs to CloudWatch here.", markup=False)
            return
        cycle: list[str | None] = [None, *self.containers]
        index = cycle.index(self.scope.container) if self.scope.container in cycle else 0
        self.scope = Scope(
            self.scope.cluster_arn,
            self.scope.service_name,
            self.scope.task,
            cycle[(index + 1) % len(cycle)],
        )
        self.header.crumb = f"logs › {self.scope.title}"
        self.follow()

    def action_local_filter(self) -> None:
        box = self.query_one("#local", Input)
        box.value = self.local
        box.display = True
        self.set_focus(box)

    def action_pattern(self) -> None:
        box = self.query_one("#pattern", Input)
        box.value = self.pattern
        box.display = True
        self.set_focus(box)

    @on(Input.Changed, "#local")
    def _local_changed(self, event: Input.Changed) -> None:
        self.local = event.value.strip().lower()
        self.redraw()

    @on(Input.Submitted, "#local")
    def _local_done(self) -> None:
        self.query_one("#local", Input).display = False
        self.view.focus()

    @on(Input.Submitted, "#pattern")
    def _pattern_done(self, event: Input.Submitted) -> None:
        self.query_one("#pattern", Input).display = False
        self.view.focus()
        if event.value.strip() != self.pattern:
            self.pattern = event.value.strip()
            self.follow()

    def action_back(self) -> None:
        for box in self.query(Input):
            if box.has_focus:
                box.display = False
                if box.id == "local":
                    box.value = ""
                self.view.focus()
                return
        if self.local:
            self.local = ""
            self.redraw()
            return
        self.app.pop_screen()

    def action_save(self) -> None:
        name = self.scope.service_name or "task"
        what = self.scope.task.id[:12] if self.scope.task else "service"
        shown = [e for e in self.lines if self._matches(e)]
        try:
            path = save_lines(f"{name}-{what}", shown)
        except OSError as exc:
            self.notify(f"Not saved: {exc}", severity="error", markup=False)
            return
        self.saved = path
        self.notify(
            f"Saved {plural(len(shown), 'line')} to {path}",
            title="Logs saved",
            markup=False,
            timeout=15,
        )

    @work(exclusive=True, group="previous", exit_on_error=False)
    async def action_previous(self) -> None:
        """The service's most recently stopped task (not this one), in a logs view of its own."""
        if not self.scope.service_name:
            self.notify("This task belongs to no service.", markup=False)
            return
        try:
            tasks = await self.session.service_tasks(clients_of(self))
        except Exception as exc:
            self.notify(f"Tasks not read: {explain(exc)}", severity="error", markup=False)
            return
        current = self.scope.task.arn if self.scope.task else None
        stopped = [t for t in tasks if t.last_status == "STOPPED" and t.arn != current]
        if not stopped:
            self.notify("No stopped task of this service in the last hour.", markup=False)
            return
        far = datetime.min.replace(tzinfo=UTC)
        last = max(stopped, key=lambda t: t.stopped_at or t.created_at or far)
        self.app.push_screen(
            LogsScreen(Scope(self.scope.cluster_arn, self.scope.service_name, last))
        )

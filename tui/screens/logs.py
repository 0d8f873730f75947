"""Live logs of a task (all its awslogs containers, or one), or of a whole service merged.

What is read, and how often, is ``aws.log_session``'s; this screen keeps the lines in a ring
buffer of BUFFER (the view, the local filter and the save work on these) and shows every line
as AWS text, character for character (``tui.text.clean``).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Input, RichLog, Static

from aws.errors import error_code, explain
from aws.health import THROTTLED, trouble_kind
from aws.log_session import BUFFER, SINCE_START, LogScope, LogSession
from aws.logs import by_time
from aws.models import LogEvent, Service, Task
from aws.task_watch import ServiceTasks
from tui import keymap
from tui.log_lines import haystack, line_text, save_lines
from tui.status import task_reason
from tui.text import age, clean, plural
from tui.widgets.fit_footer import FitFooter
from tui.widgets.in_order import InOrderInput
from tui.widgets.status_header import StatusHeader

if TYPE_CHECKING:
    from tui.deck import DeckApp

#: The logs view's scope (kept under this name for the panes that open it).
Scope = LogScope

#: Window key -> (label, seconds back; None = the last lines).
WINDOWS: dict[str, tuple[str, int | None]] = {
    "tail": ("last lines", None),
    "5m": ("last 5 minutes", 300),
    "15m": ("last 15 minutes", 900),
    "1h": ("last hour", 3600),
    "start": ("since the task started", SINCE_START),
}


class LogsScreen(Screen[None]):
    BINDINGS = keymap.bindings_for("logs")
    DEFAULT_CSS = """
    LogsScreen #elsewhere { height: auto; max-height: 6; padding: 0 1; color: $warning; }
    LogsScreen #lines { height: 1fr; }
    LogsScreen Input { dock: bottom; display: none; height: 3; }
    """

    def __init__(self, scope: Scope) -> None:
        super().__init__()
        self.scope = scope
        self.header = StatusHeader(f"logs › {scope.title}")
        self.lines: deque[LogEvent] = deque(maxlen=BUFFER)
        #: View state: following paused; long lines wrapped; timestamps shown.
        self.paused = False
        self.wrap = False
        self.stamps = True
        #: Plain text kept locally (``/``); the CloudWatch filter pattern sent to AWS (``f``).
        self.local = ""
        self.pattern = ""
        self.window = "tail"
        #: awslogs containers of the task (for ``c``).
        self.containers: list[str] = []
        #: Follow-loop turns, and turns that read from AWS; the last file saved.
        self.loops = 0
        self.reads = 0
        self.saved: Path | None = None
        #: The view holds the "no lines" line rather than log lines.
        self._empty_said = False
        self.tasks = ServiceTasks(scope.cluster_arn, scope.service_name or "")
        self.session = LogSession(scope, tasks=self.tasks)

    @property
    def deck(self) -> DeckApp:
        return cast("DeckApp", self.app)

    @property
    def view(self) -> RichLog:
        return self.query_one("#lines", RichLog)

    def compose(self) -> ComposeResult:
        yield self.header
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
        self.lines.clear()
        self.reads = 0
        self.view.clear()
        self._empty_said = False
        self.header.note = " · loading…"
        self.header.update_lines()
        self.session = LogSession(
            self.scope, window_s=WINDOWS[self.window][1], pattern=self.pattern, tasks=self.tasks
        )
        self._follow()

    @work(exclusive=True, group="logs", exit_on_error=False)
    async def _follow(self) -> None:
        """Read the last lines, then follow until the screen closes or the scope changes."""
        clients = self.deck.clients
        session = self.session
        opened = False
        delay = 0.0
        while True:
            interval = max(self.deck.settings.refresh, session.follow_every)
            try:
                with clients.calls.scope() as tally:
                    if not opened:
                        fresh = await session.open(clients)
                        opened = True
                        interval = max(self.deck.settings.refresh, session.follow_every)
                        self.containers = session.containers
                        self._show_elsewhere(session)
                        self._add(fresh, initial=True)
                    elif self.reading:
                        self._add(await session.more(clients))
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                throttled = trouble_kind(None, error_code(exc), None) == THROTTLED
                delay = min(max(delay * 2, interval), 30.0) if throttled else interval
                self.header.mark_stale(explain(exc))
                self.header.next_in = delay
            else:
                delay = interval
                if sum(tally.values()):
                    self.reads += 1
                    self.header.mark_fresh(sum(tally.values()), next_in=interval)
            self.loops += 1
            self._note()
            await asyncio.sleep(delay)

    # -- showing -------------------------------------------------------------------------------

    def _matches(self, e: LogEvent) -> bool:
        return not self.local or self.local in haystack(e)

    def _text(self, events: Sequence[LogEvent]) -> Text | None:
        shown = [e for e in events if self._matches(e)]
        if not shown:
            return None
        tag_task = self.scope.task is None
        return Text("\n").join(
            line_text(
                e, stamps=self.stamps, tag_task=tag_task, tag_container=self.session.tag_container
            )
            for e in shown
        )

    def _add(self, events: list[LogEvent], *, initial: bool = False) -> None:
        if initial:
            events = by_time(events)
        self.lines.extend(events)
        text = self._text(events[-BUFFER:])
        view = self.view
        if text is not None:
            if self._empty_said:  # the "no lines" line goes when the first line comes
                self.redraw()
                return
            # Keep reading where the user scrolled to; at the bottom, follow the new lines.
            view.write(text, scroll_end=initial or view.is_vertical_scroll_end)
        elif initial:
            self._say_empty()

    def _say_empty(self) -> None:
        """An empty view says why, instead of a blank screen that looks like a hang."""
        label, _ = WINDOWS[self.window]
        if self.lines and self.local:
            words = f"No line of the {len(self.lines)} kept matches the filter (Esc clears it)."
        else:
            words = f"No log lines in this stream ({label}); new lines show here as they come."
        self.view.write(Text(words, style="italic"))
        self._empty_said = True

    def redraw(self) -> None:
        """Everything kept, again (the filter, wrap or timestamps changed)."""
        view = self.view
        view.clear()
        self._empty_said = False
        view.wrap = self.wrap
        text = self._text(list(self.lines))
        if text is not None:
            view.write(text, scroll_end=True)
        elif self.reads or self.lines:
            self._say_empty()
        self._note()

    def _show_elsewhere(self, session: LogSession) -> None:
        box = self.query_one("#elsewhere", Static)
        t = Text()
        if not session.found:
            t.append("No awslogs stream with a stream prefix to read for this scope.\n", "bold")
        for e in session.elsewhere:
            t.append(f"{clean(e.container, 40)}: logs via {clean(e.driver, 30)} → ")
            t.append(clean(e.where, 300) + "\n")
        box.update(t)
        box.display = bool(t.plain)

    def _note(self) -> None:
        label, _ = WINDOWS[self.window]
        shown = sum(1 for e in self.lines if self._matches(e)) if self.local else len(self.lines)
        parts = [
            plural(shown, "line")
            if not self.local
            else f"{shown} of {plural(len(self.lines), 'line')}"
        ]
        parts.append(f"window: {label}")
        if self.local:
            parts.append(f"filter: {clean(self.local, 30)}")
        if self.pattern:
            parts.append(f"pattern: {clean(self.pattern, 40)}")
        if self.session.behind:
            parts.append("catching up")
        task = self.scope.task
        if task is not None and task.last_status == "STOPPED":
            parts.append(stopped_words(task))  # its stream gets no new line: not "following"
        else:
            parts.append("⏸ PAUSED (space resumes)" if self.paused else "following")
        self.header.note = " · " + " · ".join(parts)
        self.header.update_lines()

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
            tasks = await self.session.service_tasks(self.deck.clients)
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


def stopped_words(task: Task) -> str:
    """``✗ task stopped 5m ago: EssentialContainerExited · ...: no new lines``."""
    when = f" {age(task.stopped_at)} ago" if task.stopped_at else ""
    why = task_reason(task)
    return f"✗ task stopped{when}" + (f": {clean(why, 120)}" if why else "") + " (no new lines)"


def task_logs_screen(task: Task) -> LogsScreen:
    return LogsScreen(Scope(task.cluster_arn, task.service_name, task))


def service_logs_screen(service: Service) -> LogsScreen:
    return LogsScreen(Scope(service.cluster_arn, service.name))

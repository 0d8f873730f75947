"""Live logs of a task (all its awslogs containers, or one), or of a whole service merged.

First the true last lines (GetLogEvents from the tail of each stream; for a service, one
FilterLogEvents from a start time), then follow mode: a task's streams by their forward tokens,
a service's by FilterLogEvents with an eventId/timestamp cursor at most every MERGED_EVERY
seconds (a ~5 calls/s API shared by the whole account). Lines live in a ring buffer of BUFFER;
every line is AWS text, shown character for character (``tui.text.clean``).
"""

from __future__ import annotations

import asyncio
import os
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, RichLog, Static

from aws.ecs import read_task_definition
from aws.errors import error_code, explain
from aws.health import THROTTLED, trouble_kind
from aws.logs import (
    Elsewhere,
    MergedFollow,
    StreamFollow,
    awslogs_streams,
    lines_before,
    logs_elsewhere,
    millis,
)
from aws.models import LogEvent, Service, Task
from aws.task_watch import ServiceTasks
from tui.text import clean
from tui.widgets.status_header import StatusHeader

if TYPE_CHECKING:
    from tui.app import EcsDeckApp

#: Lines kept (oldest dropped first): the view, the filter and the save work on these.
BUFFER = 5000
#: Lines read from the tail of each stream when the view opens (one GetLogEvents each).
TAIL_LINES = 1000
#: Seconds between follow reads of a task's streams (GetLogEvents: tens of calls a second).
STREAM_EVERY = 2.0
#: Seconds between merged reads (FilterLogEvents: about 5 calls a second per account).
MERGED_EVERY = 5.0
#: Seconds between re-listing a service's tasks (new tasks' streams join the merged view).
TASKS_EVERY = 30.0
#: How far back a merged view's "last lines" look.
MERGED_TAIL = timedelta(hours=1)

#: Window key -> (label, seconds back; None = the last lines; -1 = since the task started).
WINDOWS: dict[str, tuple[str, int | None]] = {
    "tail": ("last lines", None),
    "5m": ("last 5 minutes", 300),
    "15m": ("last 15 minutes", 900),
    "1h": ("last hour", 3600),
    "start": ("since the task started", -1),
}


@dataclass(frozen=True, slots=True)
class Scope:
    """What the view shows: one task (or one of its containers), or a whole service."""

    cluster_arn: str
    service_name: str | None
    task: Task | None = None
    container: str | None = None

    @property
    def title(self) -> str:
        if self.task is None:
            return f"service {self.service_name} (all tasks)"
        what = f"task {self.task.id[:12]}"
        return f"{what} · {self.container}" if self.container else what


def saved_dir() -> Path:
    """Where saved logs go: next to the audit log (``$ECSDECK_STATE_DIR``, XDG state)."""
    state = os.environ.get("ECSDECK_STATE_DIR")
    if state:
        return Path(state) / "logs"
    xdg = os.environ.get("XDG_STATE_HOME")
    base = Path(xdg) / "ecsdeck" if xdg else Path.home() / ".local" / "state" / "ecsdeck"
    return base / "logs"


def stamp(when: datetime | None, today: datetime | None = None) -> str:
    """UTC time of a line; with its date when it is not from today (a quiet service's lines)."""
    if when is None:
        return "-"
    when = when.astimezone(UTC)
    text = when.strftime("%H:%M:%S.%f")[:-3]
    if when.date() != (today or datetime.now(UTC)).date():
        text = when.strftime("%m-%d ") + text
    return text


def line_text(e: LogEvent, *, stamps: bool, tag_task: bool, tag_container: bool) -> Text:
    """One log line as inert text: never markup, never a terminal escape."""
    t = Text()
    if stamps:
        when = stamp(e.timestamp)
        t.append(f"{when} ", style="dim")
    if tag_task:
        t.append(f"{clean((e.task_id or '?')[:12], 12)} ", style="cyan")
    if tag_container:
        t.append(f"{clean(e.container or '?', 20)} ", style="magenta")
    message = clean(e.message, 4000)
    bad = "ERROR" in message or "Exception" in message
    t.append(message, style="red" if bad else "")
    return t


def haystack(e: LogEvent) -> str:
    return f"{e.task_id or ''} {e.container or ''} {e.message}".lower()


class LogsScreen(Screen[None]):
    BINDINGS = [
        Binding("question_mark", "app.help", "Help", key_display="?"),
        Binding("escape", "back", "Back", tooltip="Clear the filter, or close the logs"),
        Binding(
            "space",
            "pause",
            "Pause",
            tooltip="Pause / resume following (no reads while paused)",
            id="logs_pause",
        ),
        Binding(
            "slash",
            "local_filter",
            "Filter",
            key_display="/",
            tooltip="Filter lines shown (plain text, local)",
            id="logs_filter",
        ),
        Binding(
            "f",
            "pattern",
            "Pattern",
            tooltip="CloudWatch filter pattern (sent as filterPattern)",
            id="logs_pattern",
        ),
        Binding(
            "0", "window('tail')", "Tail", tooltip="The last lines", show=False, id="logs_tail"
        ),
        Binding(
            "1",
            "window('5m')",
            "5m",
            tooltip="Lines of the last 5 minutes",
            show=False,
            id="logs_5m",
        ),
        Binding(
            "2",
            "window('15m')",
            "15m",
            tooltip="Lines of the last 15 minutes",
            show=False,
            id="logs_15m",
        ),
        Binding(
            "3", "window('1h')", "1h", tooltip="Lines of the last hour", show=False, id="logs_1h"
        ),
        Binding(
            "4",
            "window('start')",
            "Start",
            tooltip="Lines since the task started",
            show=False,
            id="logs_since_start",
        ),
        Binding("w", "wrap", "Wrap", tooltip="Wrap long lines on/off", id="logs_wrap"),
        Binding("t", "stamps", "Time", tooltip="Timestamps on/off", id="logs_timestamps"),
        Binding(
            "c",
            "container",
            "Container",
            tooltip="All containers, or one (task logs)",
            show=False,
            id="logs_container",
        ),
        Binding(
            "p",
            "previous",
            "Previous",
            tooltip="Logs of the service's last stopped task",
            id="logs_previous",
        ),
        Binding(
            "s",
            "save",
            "Save",
            tooltip="Save the lines kept to a file (path shown)",
            id="logs_save",
        ),
        Binding(
            "r",
            "reload",
            "Reload",
            tooltip="Read the last lines again",
            show=False,
            id="logs_reload",
        ),
        Binding("q", "app.quit", "Quit", show=False),
    ]
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
        #: awslogs containers of the task (for ``c``), and the ones logging elsewhere.
        self.containers: list[str] = []
        self.elsewhere: list[Elsewhere] = []
        #: Follow-loop turns, and turns that read from AWS; the last file saved.
        self.loops = 0
        self.reads = 0
        self.saved: Path | None = None
        self.tasks = ServiceTasks(scope.cluster_arn, scope.service_name or "")
        self._tag_container = False

    @property
    def deck(self) -> EcsDeckApp:
        return cast("EcsDeckApp", self.app)

    @property
    def view(self) -> RichLog:
        return self.query_one("#lines", RichLog)

    def compose(self) -> ComposeResult:
        yield self.header
        yield Static("", id="elsewhere")
        yield RichLog(id="lines", max_lines=BUFFER, wrap=False, markup=False, highlight=False)
        yield Input(placeholder="filter shown lines (Enter keeps, Esc clears)", id="local")
        yield Input(
            placeholder='CloudWatch filter pattern, e.g. ERROR or { $.level = "error" }',
            id="pattern",
        )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#elsewhere", Static).display = False
        self.follow()

    @property
    def reading(self) -> bool:
        """Following reads only while not paused and on top (a pane or help over it waits)."""
        return not self.paused and self.app.screen is self

    # -- reading -------------------------------------------------------------------------------

    def _start_ms(self, tasks: Sequence[Task]) -> int | None:
        _, back = WINDOWS[self.window]
        now = datetime.now(UTC)
        if back is None:
            return None
        if back >= 0:
            return millis(now - timedelta(seconds=back))
        running = [t for t in tasks if t.last_status == "RUNNING"] or list(tasks)
        starts = [when for t in running if (when := t.started_at or t.created_at) is not None]
        return millis(min(starts)) if starts else millis(now - MERGED_TAIL)

    async def _service_tasks(self) -> list[Task]:
        if not self.scope.service_name:
            return []
        return await self.tasks.refresh(self.deck.clients)

    async def _streams(self, tasks: Sequence[Task]) -> list[tuple[str, str, str]]:
        """(container, group, stream) of each task's awslogs containers; the rest are noted."""
        out: list[tuple[str, str, str]] = []
        elsewhere: dict[str, Elsewhere] = {}
        for task in tasks:
            if not task.task_definition:
                continue
            td = await read_task_definition(self.deck.clients, task.task_definition)
            for e in logs_elsewhere(td.raw):
                elsewhere.setdefault(e.container, e)
            out.extend(awslogs_streams(td.raw, task.id))
        self.elsewhere = list(elsewhere.values())
        if self.scope.task is not None:
            self.containers = [name for name, _, _ in out]
        if self.scope.container:
            out = [s for s in out if s[0] == self.scope.container]
        return out

    def follow(self) -> None:
        """Start again from the last lines (opened, or the scope, window or pattern changed)."""
        self.lines.clear()
        self.reads = 0
        self.view.clear()
        self.header.note = " · loading…"
        self.header.update_lines()
        self._follow()

    @work(exclusive=True, group="logs", exit_on_error=False)
    async def _follow(self) -> None:
        """Read the last lines, then follow until the screen closes or the scope changes."""
        clients = self.deck.clients
        merged: list[MergedFollow] = []
        streams: list[StreamFollow] = []
        listed_at = 0.0
        first = True
        delay = 0.0
        while True:
            interval = max(
                self.deck.settings.refresh, MERGED_EVERY if merged or first else STREAM_EVERY
            )
            try:
                with clients.calls.scope() as tally:
                    if first:
                        tasks = await self._scope_tasks()
                        listed_at = asyncio.get_running_loop().time()
                        found = await self._streams(tasks)
                        self._show_elsewhere(found)
                        fresh, merged, streams = await self._open(found, tasks)
                        first = False
                        interval = max(
                            self.deck.settings.refresh, MERGED_EVERY if merged else STREAM_EVERY
                        )
                        self._add(fresh, initial=True)
                    elif self.reading:
                        now = asyncio.get_running_loop().time()
                        if merged and self.scope.task is None and now - listed_at > TASKS_EVERY:
                            listed_at = now
                            await self._join_new_tasks(merged)
                        fresh = await self._more(merged, streams)
                        self._add(fresh)
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
            self._note(merged)
            await asyncio.sleep(delay)

    async def _scope_tasks(self) -> list[Task]:
        if self.scope.task is not None:
            return [self.scope.task]
        return await self._service_tasks()

    async def _open(
        self, found: list[tuple[str, str, str]], tasks: Sequence[Task]
    ) -> tuple[list[LogEvent], list[MergedFollow], list[StreamFollow]]:
        """The first read: the true last lines; and what the follow reads next."""
        clients = self.deck.clients
        start = self._start_ms(tasks)
        self._tag_container = len({c for c, _, _ in found}) > 1
        if self.scope.task is None or self.pattern:
            by_group: dict[str, list[str]] = {}
            for _, group, stream in found:
                by_group.setdefault(group, []).append(stream)
            since = start if start is not None else millis(datetime.now(UTC) - MERGED_TAIL)
            merged = [
                MergedFollow(g, s, start_ms=since, pattern=self.pattern or None)
                for g, s in by_group.items()
            ]
            fresh = await self._more(merged, [])
            if start is None and len(fresh) < TAIL_LINES and not self.pattern:
                # A quiet service: its last lines may be older than the window read.
                older = await lines_before(
                    clients, [(g, s) for _, g, s in found], since, limit=TAIL_LINES - len(fresh)
                )
                fresh = older + fresh
            return fresh, merged, []
        follows = [StreamFollow(group, stream) for _, group, stream in found]
        limit = TAIL_LINES if start is None else BUFFER
        tails = await asyncio.gather(
            *(f.tail(clients, limit=limit, start_ms=start) for f in follows)
        )
        fresh = [e for tail in tails for e in tail]
        return fresh, [], follows

    async def _more(
        self, merged: list[MergedFollow], streams: list[StreamFollow]
    ) -> list[LogEvent]:
        clients = self.deck.clients
        reads = [m.read(clients) for m in merged] + [s.more(clients) for s in streams]
        fresh = [e for batch in await asyncio.gather(*reads) for e in batch]
        if len(merged) + len(streams) > 1:  # interleave the groups' and containers' lines
            fresh.sort(key=lambda e: e.timestamp or datetime.min.replace(tzinfo=UTC))
        return fresh

    async def _join_new_tasks(self, merged: list[MergedFollow]) -> None:
        """Tasks started since the view opened (a deployment): their streams join the view."""
        found = await self._streams(await self._service_tasks())
        for m in merged:
            new = {s for _, g, s in found if g == m.group} - set(m.streams)
            if new:
                m.streams = sorted({*m.streams, *new})

    # -- showing -------------------------------------------------------------------------------

    def _matches(self, e: LogEvent) -> bool:
        return not self.local or self.local in haystack(e)

    def _text(self, events: Sequence[LogEvent]) -> Text | None:
        shown = [e for e in events if self._matches(e)]
        if not shown:
            return None
        tag_task = self.scope.task is None
        return Text("\n").join(
            line_text(e, stamps=self.stamps, tag_task=tag_task, tag_container=self._tag_container)
            for e in shown
        )

    def _add(self, events: list[LogEvent], *, initial: bool = False) -> None:
        if initial:
            events = sorted(events, key=lambda e: e.timestamp or datetime.min.replace(tzinfo=UTC))
        self.lines.extend(events)
        text = self._text(events[-BUFFER:])
        if text is not None:
            view = self.view
            # Keep reading where the user scrolled to; at the bottom, follow the new lines.
            view.write(text, scroll_end=initial or view.is_vertical_scroll_end)

    def redraw(self) -> None:
        """Everything kept, again (the filter, wrap or timestamps changed)."""
        view = self.view
        view.clear()
        view.wrap = self.wrap
        text = self._text(list(self.lines))
        if text is not None:
            view.write(text, scroll_end=True)
        self._note([])

    def _show_elsewhere(self, found: list[tuple[str, str, str]]) -> None:
        box = self.query_one("#elsewhere", Static)
        t = Text()
        if not found:
            t.append("No awslogs stream with a stream prefix to read for this scope.\n", "bold")
        for e in self.elsewhere:
            t.append(f"{clean(e.container, 40)}: logs via {clean(e.driver, 30)} → ")
            t.append(clean(e.where, 300) + "\n")
        box.update(t)
        box.display = bool(t.plain)

    def _note(self, merged: list[MergedFollow]) -> None:
        label, _ = WINDOWS[self.window]
        shown = sum(1 for e in self.lines if self._matches(e)) if self.local else len(self.lines)
        parts = [f"{shown} lines" if not self.local else f"{shown} of {len(self.lines)} lines"]
        parts.append(f"{label} (0-4)")
        if self.local:
            parts.append(f"filter: {clean(self.local, 30)}")
        if self.pattern:
            parts.append(f"pattern: {clean(self.pattern, 40)}")
        if any(m.behind for m in merged):
            parts.append("catching up")
        parts.append("⏸ PAUSED (space resumes)" if self.paused else "following")
        self.header.note = " · " + " · ".join(parts)
        self.header.update_lines()

    # -- keys ----------------------------------------------------------------------------------

    def action_pause(self) -> None:
        self.paused = not self.paused
        self._note([])

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
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        path = saved_dir() / clean(f"{name}-{what}-{stamp}.log", 200).replace("/", "_")
        shown = [e for e in self.lines if self._matches(e)]
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w", encoding="utf-8") as out:
                for e in shown:
                    when = e.timestamp.astimezone(UTC).isoformat() if e.timestamp else "-"
                    tag = f"{e.task_id or '-'} {e.container or '-'}"
                    out.write(f"{when} {clean(tag, 80)} {clean(e.message, 1_000_000)}\n")
        except OSError as exc:
            self.notify(f"Not saved: {exc}", severity="error", markup=False)
            return
        self.saved = path
        self.notify(
            f"Saved {len(shown)} lines to {path}", title="Logs saved", markup=False, timeout=15
        )

    @work(exclusive=True, group="previous", exit_on_error=False)
    async def action_previous(self) -> None:
        """The service's most recently stopped task (not this one), in a logs view of its own."""
        if not self.scope.service_name:
            self.notify("This task belongs to no service.", markup=False)
            return
        try:
            tasks = await self._service_tasks()
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


def task_logs_screen(task: Task) -> LogsScreen:
    return LogsScreen(Scope(task.cluster_arn, task.service_name, task))


def service_logs_screen(service: Service) -> LogsScreen:
    return LogsScreen(Scope(service.cluster_arn, service.name))


#: The keys that open logs from the service pane (a task, the whole service).
TASK_LOGS_BINDINGS = [
    # Not in the footer (full of action keys at 120 columns); `?` lists both.
    Binding(
        "o",
        "task_logs",
        "Logs",
        tooltip="Logs of the selected task: follow, filter, save",
        show=False,
        id="task_logs",
    ),
    Binding(
        "M",
        "service_logs",
        "Svc logs",
        tooltip="Logs of every task of the service, merged",
        show=False,
        id="service_logs",
    ),
]
#: The key that opens a service's merged logs from the services list.
SERVICE_LOGS_BINDINGS = [TASK_LOGS_BINDINGS[1]]


class LogsKeys:
    """Mixin for panes with ``selected_service()`` (and ``selected_task()``): open logs."""

    def action_task_logs(self) -> None:
        screen = cast("Any", self)
        task = screen.selected_task() if hasattr(screen, "selected_task") else None
        if task is None:
            screen.notify("Select a task first.", severity="warning")
            return
        screen.app.push_screen(task_logs_screen(task))

    def action_service_logs(self) -> None:
        screen = cast("Any", self)
        service = screen.selected_service()
        if service is None:
            screen.notify("Select a service first.", severity="warning")
            return
        screen.app.push_screen(service_logs_screen(service))

"""The shape every live pane shares: a header, a body, a filter line and a footer, and a poll loop.

Only the screen on top polls (suspend cancels, resume restarts), polls never overlap (one
exclusive worker sleeping between ticks), and a failure keeps the data on screen, marks it stale
and backs off until the endpoint answers again.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import TYPE_CHECKING, Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Input

from aws.errors import error_code, explain, is_expired_credentials
from aws.health import (
    EXPIRED_CREDENTIALS,
    NOT_ANSWERING,
    THROTTLED,
    UNREACHABLE,
    WORDS,
    Trouble,
    trouble_kind,
)
from tui import heap
from tui.console_url import CONSOLE_BINDING, copy_console_url
from tui.deck import deck_of
from tui.text import clean
from tui.widgets.command_line import CommandLine, LineInput
from tui.widgets.fit_footer import FitFooter
from tui.widgets.live_table import LiveTable
from tui.widgets.status_header import StatusHeader

if TYPE_CHECKING:
    from aws.models import Cluster
    from tui.deck import DeckApp


#: Seconds past the refresh interval a tick may go without any answer from AWS.
STALL_SLACK = 2.0


class Stalled(Exception):
    """A tick given up on: AWS did not answer for too long (the trouble says why, if known)."""

    def __init__(self, trouble: Trouble | None, silent: float) -> None:
        self.kind = trouble.kind if trouble else NOT_ANSWERING
        words = trouble.words if trouble else WORDS[NOT_ANSWERING]
        where = f" ({trouble.operation})" if trouble and trouble.operation else ""
        super().__init__(f"{words}{where}: no answer for {silent:.0f}s")


#: A quarter of the ECS read buckets' 20/s refill (ECS throttling: per account and region): the whole account
#: (console, CI, other tools) shares those buckets, so a UI polls well under them.
CALLS_PER_SECOND_BUDGET = 5.0


class PollingScreen(Screen[None]):
    # Help and Quit come first so a narrow footer never cuts them off.
    BINDINGS = [
        Binding(
            "question_mark",
            "app.help",
            "Help",
            key_display="?",
            tooltip="Help: every key of this pane",
            id="help",
        ),
        Binding("q", "app.quit", "Quit", tooltip="Quit ecsdeck", id="quit"),
        Binding("r", "refresh_now", "Refresh", tooltip="Refresh this pane now", id="refresh"),
        Binding("slash", "start_filter", "Filter", key_display="/", id="filter"),
        Binding(
            "colon",
            "start_command",
            "Cmd",
            key_display=":",
            show=False,  # the footer has no room at 80 columns; `?` lists it
            tooltip="Command: :clusters, :svc CLUSTER, :region NAME, :q … (Tab completes)",
            id="command",
        ),
        Binding("escape", "back", "Back", tooltip="Clear the filter, or go up one pane", id="back"),
        Binding(
            "c",
            "copy_arn",
            "Copy",
            show=False,
            tooltip="Copy the selected row's ARN (OSC 52: works over SSH and tmux)",
            id="copy",
        ),
        Binding(
            "y",
            "show_json",
            "Raw",
            show=False,
            tooltip="Show the selected row as JSON, and copy it",
            id="json",
        ),
        CONSOLE_BINDING,
    ]

    crumb = ""

    def __init__(self) -> None:
        super().__init__()
        self.header = StatusHeader(self.crumb)
        self.filter_input = LineInput(placeholder="filter (Enter keeps, Esc clears)", id="filter")
        self.ticks = 0
        #: True once a tick succeeded: the first success is the full load.
        self.loaded = False
        #: This pane's own requests in its last successful tick, by operation.
        self.last_calls: Counter[str] = Counter()
        #: The table the open filter line applies to (chosen when "/" is pressed).
        self._filter_target: LiveTable | None = None

    @property
    def deck(self) -> DeckApp:
        return deck_of(self)

    def compose(self) -> ComposeResult:
        yield self.header
        yield from self.compose_body()
        yield self.filter_input
        self.command_line = CommandLine(
            self.deck.complete_command, self.deck.command_history, id="command"
        )
        yield self.command_line
        yield FitFooter()

    # -- where this pane sits ------------------------------------------------------------------

    #: This pane's name in the router (tui/router.py sets it when it builds the pane).
    pane_name = ""

    def context(self) -> dict[str, Any]:
        """What this pane is about (``cluster=``, ``service=`` ...): Back opens the parent
        pane with it when nothing is under this pane on the stack (a deep link, a `:`)."""
        return {}

    def row_context(self, table: LiveTable, key: str) -> dict[str, Any] | None:
        """What row ``key`` is about, for the pane Enter opens (None: Enter does nothing)."""
        return None

    def current_cluster(self) -> Cluster | None:
        """The cluster this pane is about (`:svc` with no name opens its services)."""
        return None

    def selected_resource(self) -> object | None:
        """The model behind the focused table's selected row (a Cluster, Service, Task ...)."""
        return None

    # -- copying -------------------------------------------------------------------------------

    def _selected_or_say(self) -> object | None:
        resource = self.selected_resource()
        if resource is None:
            self.notify("Select a row first.", severity="warning")
        return resource

    def action_copy_arn(self) -> None:
        resource = self._selected_or_say()
        if resource is None:
            return
        # Targets have no ARN of their own: their id (IP or instance) is what one pastes.
        arn = str(getattr(resource, "arn", None) or getattr(resource, "id", ""))
        self.app.copy_to_clipboard(arn)
        self.notify(f"Copied {clean(arn, 200)}", markup=False)

    def action_console_url(self) -> None:
        resource = self._selected_or_say()
        if resource is not None:
            copy_console_url(self, resource)

    def action_show_json(self) -> None:
        from tui.show_json import show_resource

        resource = self._selected_or_say()
        if resource is not None:
            self.run_worker(show_resource(self, resource), group="json", exit_on_error=False)

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def on_mount(self) -> None:
        for table in self.query(LiveTable):
            table.hold_selection = not self.loaded  # Enter typed ahead waits for the first load

    def _first_load_done(self) -> None:
        for table in self.query(LiveTable):
            table.release_selection()  # an Enter typed during the load acts now

    def row_chosen(self, table: LiveTable, key: str) -> None:
        """Enter (or a click) on ``table``'s row ``key``: open what the router says Enter on
        this pane opens, for the row's context.

        Otherwise DataTable's own RowSelected is posted, for panes that listen for it."""
        target = self.deck.pane_enter(self.pane_name) if self.pane_name else None
        context = self.row_context(table, key) if target else None
        if target and context is not None:
            self.deck.open(target, **context)
        else:
            DataTable.action_select_cursor(table)

    @property
    def table(self) -> LiveTable:
        """The table the filter applies to (the focused one on multi-table screens)."""
        focused = self.focused
        if isinstance(focused, LiveTable):
            return focused
        return self.query(LiveTable).first()

    # -- polling -------------------------------------------------------------------------------

    def on_screen_resume(self) -> None:
        self.header.set_paused(False)
        self.header.update_lines()  # its age went on while another screen was on top
        self.refresh_bindings()  # the footer shows this pane's keys again
        self.poll()

    def on_screen_suspend(self) -> None:
        self.workers.cancel_group(self, "poll")
        if isinstance(self.app.screen, ModalScreen):  # drawn under it: say it stopped
            self.header.set_paused(True)
        self.refresh_bindings()  # a dialog on top: the footer lists no key of this pane

    def on_unmount(self) -> None:
        # The pane is gone: what its first load froze is garbage now (tui/heap.py).
        heap.release()
        self.app.set_timer(0.5, heap.sweep)

    def action_refresh_now(self) -> None:
        self.poll()  # exclusive: restarts the loop, cancelling a sleeping or running tick

    @work(exclusive=True, group="poll", exit_on_error=False)
    async def poll(self) -> None:
        interval = self.deck.settings.refresh
        delay = interval
        while True:
            try:
                # Only this pane's requests: the app's problems reader polls beside it.
                with self.deck.clients.calls.scope() as tally:
                    await self._guarded_tick(interval)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                # Back off only when AWS asks for it; a dead or silent endpoint is tried again
                # every interval, so the pane recovers within one refresh of it answering.
                kind = (
                    exc.kind
                    if isinstance(exc, Stalled)
                    else trouble_kind(None, error_code(exc), None)
                )
                throttled = kind == THROTTLED
                # A dead endpoint costs AWS nothing to probe: look again within a second.
                down = kind in (UNREACHABLE, NOT_ANSWERING)
                delay = (
                    min(max(delay * 2, interval), 30.0)
                    if throttled
                    else (min(interval, 1.0) if down else interval)
                )
                reason = str(exc) if isinstance(exc, Stalled) else explain(exc)
                if throttled:
                    reason = f"{WORDS[THROTTLED]} {delay:.0f}s · {reason}"
                elif kind == EXPIRED_CREDENTIALS or is_expired_credentials(exc):
                    profile = self.deck.settings.profile
                    login = f"aws sso login --profile {profile}" if profile else "aws sso login"
                    reason += f" · run {login}, then ctrl+r reloads them here"
                self.header.mark_stale(reason)
                self.header.next_in = delay
            else:
                self.last_calls = Counter(tally)
                calls = sum(tally.values())
                # Budget governor: a big pane (a service with 1,000 tasks) stretches its own
                # interval so steady polling stays under a quarter of a 20/s ECS bucket refill.
                # The first tick is the pane's one-off full load, not its steady cost: counting
                # it would leave 2,000 fresh rows unrefreshed for 44 s.
                delay = (
                    interval if not self.loaded else max(interval, calls / CALLS_PER_SECOND_BUDGET)
                )
                if not self.loaded:
                    self._first_load_done()
                self.loaded = True
                self.fresh(calls, delay)
            self.ticks += 1
            await asyncio.sleep(delay)

    async def _guarded_tick(self, interval: float) -> None:
        """Run one tick, giving up on it once AWS has not answered for ``interval`` + slack.

        botocore would retry a dead or hanging endpoint for tens of seconds; a tick that makes
        progress (a 2,000-service load answering batch after batch) runs as long as it needs.
        """
        health = self.deck.clients.health
        started = time.monotonic()
        task = asyncio.ensure_future(self._tick_once())
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=0.25)
                if done:
                    task.result()
                    return
                silent = time.monotonic() - max(started, health.last_ok or 0.0)
                if silent > interval + STALL_SLACK:
                    raise Stalled(health.trouble, silent)
        finally:
            if not task.done():
                task.cancel()

    async def _tick_once(self) -> None:
        if self.loaded:
            await self.tick()
        else:
            with heap.bulk_load():  # the first load builds what the pane keeps
                await self.tick()

    async def tick(self) -> None:
        """Fetch what this pane shows and put it on screen."""
        raise NotImplementedError

    def fresh(self, calls: int, delay: float) -> None:
        """A tick succeeded with ``calls`` requests; the next is in ``delay`` seconds."""
        self.header.mark_fresh(calls, next_in=delay)

    # -- filter and navigation -----------------------------------------------------------------

    def action_start_filter(self) -> None:
        if self.filter_input.display:  # already open (the burst path in on_key got here first)
            self.set_focus(self.filter_input)
            return
        self._filter_target = self.table
        self.filter_input.display = True
        self.filter_input.value = self._filter_target.filter_text
        # Focus now, not on the next idle (``focus()`` defers): keys typed right after "/" in
        # the same burst must reach the filter, never the pane's action keys (s = Scale).
        self.set_focus(self.filter_input)

    def on_key(self, event: events.Key) -> None:
        """Typing in the filter or command line must win over action keys even in one burst
        ("/scale" pasted fast), and each key must land where it would have had it been typed
        slowly.

        Key events are routed to the table before the "/" and ":" bindings run, so those are
        handled here, and a printable key that reaches the screen while a line is open did not
        go through its Input (which stops the ones it takes): it belongs to the line. Enter
        closes the line here, at once, so a second Enter in the same burst reaches the table
        (and opens the row) instead of the Input that is about to lose focus. A key that
        reaches this screen after another pane replaced it on top (Enter opened it, and the
        rest of the burst was already queued here) goes on to that pane.
        """
        line = self._open_line()
        if self.deck.typed_ahead is not None:
            self.deck.typed_ahead.append(event)  # a `:` command is opening a pane: for it
        elif self.app.screen is not self:
            self._pass_on(event)
        elif line is None and event.key == "slash":
            self.action_start_filter()
        elif line is None and event.key == "colon":
            self.action_start_command()
        elif line is not None and event.is_printable and event.character:
            line.insert_text_at_cursor(event.character)
        elif line is self.filter_input and event.key == "enter":
            self._filter_done()
        elif line is self.command_line and event.key == "enter":
            self._command_done()
        elif event.key == "enter" and isinstance(self.focused, LiveTable):
            # Here rather than as the table's binding: bindings run when the key comes back to
            # the app, behind every key of the burst, so the keys after Enter would reach this
            # pane instead of the one Enter opens.
            self.focused.action_select_cursor()
        elif event.key == "escape":
            self.action_back()  # same reason: the keys after Esc belong to the pane it reveals
        else:
            return
        event.stop()
        event.prevent_default()

    def _open_line(self) -> Input | None:
        if self.filter_input.display:
            return self.filter_input
        if self.command_line.display:
            return self.command_line
        return None

    def _pass_on(self, event: events.Key) -> None:
        """Send a key typed ahead to where it would have gone: the focus of the screen on top."""
        app = self.app
        (app.focused or app.screen)._forward_event(events.Key(event.key, event.character))

    def _apply_filter(self) -> None:
        target = self._filter_target or self.table
        text = self.filter_input.value  # the latest, not a Changed event's older value
        if target.filter_text != text.strip().lower():
            target.set_filter(text)
            self.refresh_bindings()  # Esc clears it now (Back shows on the first pane too)
        self.header.update_lines()  # "n of N rows" follows the typing

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self._apply_filter()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        if not self.filter_input.display:
            return
        self._apply_filter()
        self.filter_input.display = False
        # At once, not on the next idle: the next key of a burst belongs to the table.
        self.set_focus(self._filter_target or self.table)

    # -- the command line --------------------------------------------------------------------

    def action_start_command(self) -> None:
        if self.command_line.display:
            self.set_focus(self.command_line)
            return
        if self.filter_input.display:
            self._filter_done()
        self.command_line.open()
        self.command_line.display = True
        self.set_focus(self.command_line)  # at once: the burst after ":" is the command

    def _close_command(self) -> None:
        self.command_line.display = False
        self.set_focus(self._filter_target or self.table)

    @on(Input.Submitted, "#command")
    def _command_done(self) -> None:
        if not self.command_line.display:
            return
        line = self.command_line.value
        self._close_command()
        self.command_line.remember(line)
        self.deck.run_command(line)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Back is left out of the footer where Esc has nothing to do: the first pane, with no
        filter on (an open filter or command line takes Esc in ``on_key`` either way)."""
        if action == "back":
            return self.can_go_back()
        return True

    def parent_pane(self) -> str | None:
        return self.deck.pane_parent(self.pane_name) if self.pane_name else None

    def can_go_back(self) -> bool:
        return (
            len(self.app.screen_stack) > 2
            or self.parent_pane() is not None
            or any(t.filter_text for t in self.query(LiveTable))
        )

    def action_back(self) -> None:
        if self.command_line.display:
            self._close_command()
            return
        if self.filter_input.display:  # open (has_focus lags a burst)
            self.filter_input.value = ""
            self._filter_done()
            return
        filtered = [t for t in self.query(LiveTable) if t.filter_text]
        if filtered:  # any filter on this pane, not only the focused table's
            for t in filtered:
                t.set_filter("")
            self.refresh_bindings()
            return
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()  # drilled in: the pane under this one is its parent
        elif (parent := self.parent_pane()) is not None:
            self.deck.open(parent, replace=True, **self.context())  # opened directly: go up

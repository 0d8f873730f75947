"""The shape every live pane shares: a header, a body, a filter line and a footer, and a poll loop.

Only the screen on top polls (suspend cancels, resume restarts), polls never overlap (one
exclusive worker sleeping between ticks), and a failure keeps the data on screen, marks it stale
and backs off until the endpoint answers again.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import TYPE_CHECKING, cast

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input

from aws.errors import error_code, explain
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
from tui.widgets.live_table import LiveTable
from tui.widgets.status_header import StatusHeader

if TYPE_CHECKING:
    from tui.app import EcsDeckApp


#: Seconds past the refresh interval a tick may go without any answer from AWS.
STALL_SLACK = 2.0


class Stalled(Exception):
    """A tick given up on: AWS did not answer for too long (the trouble says why, if known)."""

    def __init__(self, trouble: Trouble | None, silent: float) -> None:
        self.kind = trouble.kind if trouble else NOT_ANSWERING
        words = trouble.words if trouble else WORDS[NOT_ANSWERING]
        where = f" ({trouble.operation})" if trouble and trouble.operation else ""
        super().__init__(f"{words}{where}: no answer for {silent:.0f}s")


#: A quarter of the ECS read buckets' 20/s refill (aws-facts.md section 2): the whole account
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
        ),
        Binding("q", "app.quit", "Quit", tooltip="Quit ecsdeck"),
        Binding("r", "refresh_now", "Refresh", tooltip="Refresh this pane now"),
        Binding("slash", "start_filter", "Filter", key_display="/"),
        Binding("escape", "back", "Back", tooltip="Clear the filter, or go back one pane"),
    ]

    crumb = ""

    def __init__(self) -> None:
        super().__init__()
        self.header = StatusHeader(self.crumb)
        self.filter_input = Input(placeholder="filter (Enter keeps, Esc clears)", id="filter")
        self.ticks = 0
        #: True once a tick succeeded: the first success is the full load.
        self.loaded = False
        #: This pane's own requests in its last successful tick, by operation.
        self.last_calls: Counter[str] = Counter()
        #: The table the open filter line applies to (chosen when "/" is pressed).
        self._filter_target: LiveTable | None = None

    @property
    def deck(self) -> EcsDeckApp:
        return cast("EcsDeckApp", self.app)

    def compose(self) -> ComposeResult:
        yield self.header
        yield from self.compose_body()
        yield self.filter_input
        yield Footer(compact=True)

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    @property
    def table(self) -> LiveTable:
        """The table the filter applies to (the focused one on multi-table screens)."""
        focused = self.focused
        if isinstance(focused, LiveTable):
            return focused
        return self.query(LiveTable).first()

    # -- polling -------------------------------------------------------------------------------

    def on_screen_resume(self) -> None:
        self.header.update_lines()  # its age went on while another screen was on top
        self.poll()

    def on_screen_suspend(self) -> None:
        self.workers.cancel_group(self, "poll")

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
                elif kind == EXPIRED_CREDENTIALS:
                    reason += " · then ctrl+r reloads them here"
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
        """Filter typing must win over action keys even in one burst ("/scale" pasted fast).

        Key events are routed to the table before the "/" binding runs, so "/" is handled
        here, and a printable key that reaches the screen while the filter line is open did
        not go through the Input (which stops the ones it takes): it belongs to the filter.
        """
        if event.key == "slash" and not self.filter_input.display:
            self.action_start_filter()
        elif self.filter_input.display and event.is_printable and event.character:
            self.filter_input.insert_text_at_cursor(event.character)
        else:
            return
        event.stop()
        event.prevent_default()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        (self._filter_target or self.table).set_filter(event.value)
        self.header.update_lines()  # "n of N rows" follows the typing

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.filter_input.display = False
        (self._filter_target or self.table).focus()

    def action_back(self) -> None:
        if self.filter_input.has_focus:
            self.filter_input.value = ""
            self._filter_done()
            return
        filtered = [t for t in self.query(LiveTable) if t.filter_text]
        if filtered:  # any filter on this pane, not only the focused table's
            for t in filtered:
                t.set_filter("")
            return
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

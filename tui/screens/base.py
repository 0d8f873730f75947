"""The shape every live pane shares: a header, a body, a filter line and a footer, and a poll loop.

Only the screen on top polls (suspend cancels, resume restarts), polls never overlap (one
exclusive worker sleeping between ticks), and a failure keeps the data on screen, marks it stale
and backs off until the endpoint answers again.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import DataTable

from aws.errors import is_expired_credentials
from aws.health import EXPIRED_CREDENTIALS, THROTTLED, WORDS
from tui import heap, keymap
from tui.console_url import copy_console_url
from tui.deck import deck_of
from tui.pane_lines import PaneLines
from tui.poll_loop import Failure, PollLoop
from tui.text import clean
from tui.widgets.command_line import CommandLine, LineInput
from tui.widgets.fit_footer import FitFooter
from tui.widgets.live_table import LiveTable
from tui.widgets.status_header import StatusHeader

if TYPE_CHECKING:
    from aws.contexts import Context
    from aws.models import Cluster
    from aws.session import Clients
    from tui.deck import DeckApp


class PollingScreen(PaneLines):
    # Help and Quit come first so a narrow footer never cuts them off.
    BINDINGS = keymap.bindings_for("polling")

    crumb = ""

    def __init__(self) -> None:
        super().__init__()
        self.header = StatusHeader(self.crumb)
        self.filter_input = LineInput(placeholder="filter (Enter keeps, Esc clears)", id="filter")
        self.ticks = 0
        #: True once a tick succeeded: the first success is the full load.
        self.loaded = False
        #: The running poll loop (None: not polled yet).
        self.poller: PollLoop | None = None
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
    #: The account-region this pane reads and acts in (None: the app's own); the app sets it
    #: when it opens the pane (tui/app.py ``_routed``).
    aws_context: Context | None = None

    @property
    def clients(self) -> Clients:
        """The AWS clients of this pane's account-region."""
        return self.deck.clients_for(self.aws_context)

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
        """The pane's poll loop (tui/poll_loop.py), on this account's clients."""
        interval = self.deck.settings.refresh
        clients = self.clients
        self.poller = loop = PollLoop(
            self._tick_once,
            interval=lambda: interval,
            on_fresh=self._ticked,
            on_stale=self._tick_failed,
            on_turn=self._turned,
            calls=clients.calls,
            health=clients.health,
            delay=interval,
            loaded=self.loaded,
        )
        await loop.run()

    @property
    def last_calls(self) -> Counter[str]:
        """This pane's own requests in its last successful tick, by operation."""
        return self.poller.last_calls if self.poller else Counter()

    def _ticked(self, calls: int, delay: float) -> None:
        if not self.loaded:
            self._first_load_done()
        self.loaded = True
        self.fresh(calls, delay)

    def _tick_failed(self, failure: Failure) -> None:
        """Keep the data shown, say why it is old, and what to do about it where one can."""
        reason = failure.reason
        if failure.throttled:
            reason = f"{WORDS[THROTTLED]} {failure.delay:.0f}s · {reason}"
        elif failure.kind == EXPIRED_CREDENTIALS or is_expired_credentials(failure.error):
            profile = self.deck.settings.profile
            login = f"aws sso login --profile {profile}" if profile else "aws sso login"
            reason += f" · run {login}, then ctrl+r reloads them here"
        self.header.mark_stale(reason)
        self.header.next_in = failure.delay

    def _turned(self) -> None:
        self.ticks += 1

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

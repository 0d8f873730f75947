"""The ecsdeck app: the account's clients, what is pending and followed, and navigation by pane
name through the router (tui/router.py); it imports no screen. Started by tui/main.py.

Opening the account's clients, asking who the caller is and switching to another profile or
region are tui/app_account.py's; several contexts are tui/app_contexts.py's."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from textual import events
from textual.app import App

from aws.forward_sessions import ForwardSessions
from aws.models import Identity, Service
from aws.session import Clients
from tui import app_account, heap, keymap, no_color, plugins
from tui.app_account import session_settings
from tui.cluster_reads import ContextReads
from tui.commands import ActionCommands, ResourceCommands
from tui.config import Settings
from tui.crash import CRASH_HOOK, forced_crash, write_crash_log
from tui.follow import FAILED, REPLACED, Follows, follow_line
from tui.pending import PendingChanges
from tui.problem_feed import ProblemFeed

if TYPE_CHECKING:
    from textual.screen import Screen

    from aws.contexts import Context, Contexts
    from tui.deck import DeckApp


class EcsDeckApp(App[None]):
    TITLE = "ecsdeck"
    CSS_PATH = "app.tcss"
    # Only ecsdeck's commands: Textual's own (Theme, Keys, Screenshot, Quit) read as ecsdeck's
    # beside them, and `q` quits and `?` lists the keys already.
    COMMANDS = {ActionCommands, ResourceCommands}
    BINDINGS = keymap.bindings_for("app")

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        no_color.install(self)  # NO_COLOR: trouble stays readable, never grey on grey
        #: Cluster names found by `:` lookups and deep links (the clusters pane has the rest).
        self.cluster_names: list[str] = []
        #: `:` command lines entered this session, oldest first (↑/↓ in the command line).
        self.command_history: list[str] = []
        #: Keys typed while a `:` command opens its pane (None: not opening one): they are
        #: replayed to the pane it opens, as if typed after it appeared.
        self.typed_ahead: list[events.Key] | None = None
        self.settings = settings
        self.clients = Clients.open(session_settings(settings))
        #: Every account-region of ``--profiles/--regions/--contexts`` (None: just ``clients``).
        self.contexts: Contexts | None = None
        #: The contexts `:ctx` narrowed the view to (None: every one).
        self.contexts_shown: frozenset[Context] | None = None
        #: What each context's clusters read answered last (the clusters pane, `:ctx`).
        self.context_reads = ContextReads()
        self.identity: Identity | None = None
        #: Rollouts started from ecsdeck, followed to their end by the panes that read them.
        self.follows = Follows()
        #: The one problems reader, shared by the clusters pane and the problems view.
        self.problems = ProblemFeed(self)
        #: Changes sent and not answered yet (the header shows them; ctrl+g gives up).
        self.pending = PendingChanges()
        #: Port-forwarding plugins started from here (`:sessions`): stopped at quit.
        self.forwards = ForwardSessions()
        #: Where the traceback of an unexpected exception was written (main prints it).
        self.crash_log: str | None = None

    @property
    def deck(self) -> DeckApp:
        """This app as screens see it (tui/deck.py): what resources and flows are typed on."""
        return cast("DeckApp", self)

    async def on_mount(self) -> None:
        if self.is_headless:
            self.cursor_blink = False  # stable snapshots
        crash_after = os.environ.get(CRASH_HOOK)
        if crash_after:
            self.set_timer(float(crash_after), forced_crash)
        self._apply_keys(getattr(self.settings, "keys", None) or {})
        plugins.install(self.deck)  # [plugins.NAME] keys (checked against these at load)
        wanted = self.settings.context_plan()
        if wanted is not None:  # several contexts: opened in the background, bounded
            from tui import app_contexts

            self.contexts = await app_contexts.planned(wanted, session_settings(self.settings))
            self.run_worker(app_contexts.open_all(self.deck), group="contexts", exit_on_error=False)
        elif not await app_account.open_clients(self.deck):
            return
        heap.settle()  # Textual and botocore's models: alive for the whole session
        cluster = getattr(self.settings, "cluster", None)
        service = getattr(self.settings, "service", None)
        if cluster or service:  # --cluster/--service: read by name, then open that pane
            from tui import openers

            self.run_worker(
                openers.open_start(self.deck, cluster, service),
                group="navigate",
                exit_on_error=False,
            )
        else:
            await self.show("clusters")

    async def action_reload_credentials(self) -> None:
        if self.contexts is not None:
            from tui.app_contexts import reload_all

            await reload_all(self.deck)
            return
        from tui.credentials import reload_clients

        if await reload_clients(self.deck):
            app_account.ask_who(self.deck)

    def action_give_up(self) -> None:
        """Stop waiting for the oldest pending change; confirm_and_execute says what it means."""
        if self.pending.give_up() is None:
            self.notify("No change is waiting for AWS.", markup=False)

    @property
    def give_up_key(self) -> str:
        """The key the header names for giving up (``[keys] give_up`` may remap it)."""
        return str(self._keymap.get("give_up", "ctrl+g")) if self._keymap else "ctrl+g"

    def _handle_exception(self, error: Exception) -> None:
        # Textual restores the terminal and prints the traceback; keep a copy on disk first.
        self.crash_log = write_crash_log(error)
        super()._handle_exception(error)

    async def on_unmount(self) -> None:
        self.forwards.stop_all()  # no plugin outlives the app holding a local port open
        if self.contexts is not None:  # they own the bundles (the app's own was never opened)
            await self.contexts.close()
        else:
            await self.clients.__aexit__(None, None, None)

    def observe_rollouts(self, services: Iterable[Service]) -> None:
        """Feed fresh reads to the follows; say once how each followed rollout ended."""
        for service in services:
            follow = self.follows.observe(service)
            if follow is None:
                continue
            bad = follow.state in (FAILED, REPLACED)
            self.notify(
                follow_line(follow).plain,
                title=service.name,
                severity="error" if bad else "information",
                timeout=20 if bad else 8,
                markup=False,
            )

    def action_problems(self) -> None:
        """`!` from any pane: back to the problems view if it is open below, else open it."""
        from tui.credentials import Polled

        if not isinstance(self.screen, Polled) or pane_name(self.screen) == "problems":
            return  # a dialog or a view is open, or already there
        if any(pane_name(s) == "problems" for s in self.screen_stack):
            while pane_name(self.screen) != "problems":
                self.pop_screen()
            return
        self.open("problems")

    def action_plugin(self, name: str) -> None:
        plugins.run(self.deck, name)

    def action_help(self) -> None:
        if pane_name(self.screen) != "help":
            self.open("help", under=self.screen)

    def _apply_keys(self, keys: dict[str, str]) -> None:
        """``[keys]`` of config.toml: action id -> key(s), through Textual's keymap, so the
        footer and help show the effective keys. An unknown id is named with the closest."""
        import difflib

        from tui.keys import action_ids

        known = action_ids()
        for action in keys:
            if action not in known and not action.startswith("sort_"):
                close = difflib.get_close_matches(action, sorted(known), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.notify(
                    f"[keys] {action!r} is not an action id{hint}; ids: {', '.join(sorted(known))}",
                    severity="warning",
                    timeout=15,
                    markup=False,
                )
        self.set_keymap(keymap.with_shared_remaps(keys))

    # -- navigation ------------------------------------------------------------------------------

    def open(self, pane: str, /, *, replace: bool = False, **context: Any) -> None:
        """Push pane ``pane`` (drilling in), or with ``replace`` make it the one pane on the
        stack (Back then goes up the hierarchy from it, not to what was open before)."""

        screen = self._routed(pane, context)
        if not replace:
            self.push_screen(screen)
            return
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if len(self.screen_stack) == 2:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    async def show(self, pane: str, /, **context: Any) -> None:
        screen = self._routed(pane, context)
        while len(self.screen_stack) > 2:
            await self.pop_screen()
        if len(self.screen_stack) == 2:
            await self.switch_screen(screen)
        else:
            await self.push_screen(screen)

    def _routed(self, pane: str, context: dict[str, Any]) -> Screen[Any]:
        """The router's screen for ``pane``, in an AWS context: the one named (``aws=``), else
        that of the pane it is opened from, so drilling in and Back stay in one account and
        region without every screen passing it on."""
        from tui import router

        aws = context.pop("aws", getattr(self.screen, "aws_context", None))
        screen = router.make(pane, context)
        screen.aws_context = aws  # type: ignore[attr-defined]
        return screen

    def clients_for(self, context: Context | None) -> Clients:
        """The bundle of ``context`` (None, or one that is not open: the app's own)."""
        if context is None or self.contexts is None:
            return self.clients
        for state in self.contexts.ready:
            if state.context == context and state.clients is not None:
                return state.clients
        return self.clients

    def pane_parent(self, pane: str) -> str | None:
        from tui import router

        return router.parent_of(pane)

    def pane_enter(self, pane: str) -> str | None:
        from tui import router

        return router.enter_of(pane)

    def run_command(self, line: str) -> None:
        """A `:` command line, in an app worker (it replaces the pane that typed it). Keys
        typed meanwhile wait for the pane it opens (or stay here if it opens none)."""
        from tui import resources

        held: list[events.Key] = []
        self.typed_ahead = held  # now: the next key of the burst may already be on its way

        async def run() -> None:
            try:
                await resources.run(self.deck, line)
            finally:
                if self.typed_ahead is held:
                    self.typed_ahead = None
                target = self.focused or self.screen
                for key in held:
                    target._forward_event(events.Key(key.key, key.character))

        self.run_worker(run(), group="navigate", exclusive=True, exit_on_error=False)

    def complete_command(self, value: str) -> str | None:
        from functools import partial

        from tui import resources

        return resources.complete(value, partial(resources.completions, self.deck))

    def remember_clusters(self, names: list[str]) -> None:
        known = set(self.cluster_names)
        self.cluster_names.extend(n for n in names if n not in known)

    async def switch_account(
        self, *, profile: str | None = None, region: str | None = None
    ) -> None:
        """Reopen the clients for another profile or region, then the clusters pane."""
        await app_account.switch_account(self.deck, profile=profile, region=region)


def pane_name(screen: object) -> str | None:
    """The router's name of ``screen`` (tui/router.py); None for a dialog."""
    name = getattr(screen, "pane_name", None)
    return name if isinstance(name, str) else None

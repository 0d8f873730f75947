"""What a pane, a dialog or a flow may know of the app: a ``Protocol``, so none of them imports
``tui.app`` (the entry point) and the app can grow without every screen depending on it.

Textual's own ``App`` API (``notify``, ``push_screen_wait``, ``screen_stack``) is reached through
``screen.app`` as usual; ``deck_of(node)`` gives it with the ecsdeck part too: the settings and clients of
the current account, who the caller is, what is pending, the shared problems reader, the
rollouts being followed, and ``open`` to ask the router for a pane by name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from collections.abc import Iterable

    from textual import events
    from textual.app import App
    from textual.dom import DOMNode

    from aws.contexts import Context, Contexts
    from aws.models import Identity, Service
    from aws.session import Clients
    from tui.config import Settings
    from tui.follow import Follows
    from tui.pending import PendingChanges
    from tui.problem_feed import ProblemFeed


class Deck(Protocol):
    settings: Settings
    #: The bundle of the app's own account-region (a pane with no ``aws_context`` uses it).
    clients: Clients
    #: Every account-region of ``--profiles/--regions/--contexts``; None: just ``clients``.
    contexts: Contexts | None
    identity: Identity | None
    follows: Follows
    problems: ProblemFeed
    pending: PendingChanges
    #: Cluster names found by `:` lookups and deep links (the clusters pane has the rest).
    cluster_names: list[str]
    #: `:` command lines entered this session, oldest first.
    command_history: list[str]
    #: Keys typed while a `:` command opens its pane (None: not opening one).
    typed_ahead: list[events.Key] | None

    @property
    def give_up_key(self) -> str: ...

    def open(self, pane: str, /, *, replace: bool = False, **context: Any) -> None:
        """Open the pane registered as ``pane`` (tui/resources.py) for ``context``
        (``cluster=``, ``service=``, ``task=`` ...): pushed on top (drilling in), or, with
        ``replace``, as the one pane on the stack (`:` commands, Back from a deep link)."""

    async def show(self, pane: str, /, **context: Any) -> None:
        """``open(pane, replace=True, ...)``, awaited: the pane is on screen when it returns
        (a `:` command replays the keys typed meanwhile to it)."""

    def clients_for(self, context: Context | None) -> Clients:
        """The bundle of a pane's AWS context (None, or one not open: ``clients``). A pane
        opened with ``open(..., aws=context)`` is in that context, and so is every pane opened
        from it (drilling in, Back)."""

    def pane_parent(self, pane: str) -> str | None:
        """The pane Back goes up to from ``pane`` opened directly (the router's data)."""

    def pane_enter(self, pane: str) -> str | None:
        """The pane Enter on a row of ``pane`` opens (None: the pane decides)."""

    def run_command(self, line: str) -> None: ...

    def complete_command(self, value: str) -> str | None: ...

    def remember_clusters(self, names: list[str]) -> None: ...

    def observe_rollouts(self, services: Iterable[Service]) -> None: ...

    async def switch_account(
        self, *, profile: str | None = None, region: str | None = None
    ) -> None: ...


if TYPE_CHECKING:

    class DeckApp(App[None], Deck):
        """For the type checker only: Textual's App with ecsdeck's part (the running app)."""


def deck_of(node: DOMNode) -> DeckApp:
    """The running ecsdeck app: Textual's App API plus what ``Deck`` promises."""
    return cast("DeckApp", node.app)


def clients_of(node: DOMNode) -> Clients:
    """The clients of the account-region ``node``'s screen is in (its ``aws_context``, set
    when the router built it), else the app's own."""
    screen = node if hasattr(node, "aws_context") else node.screen
    return deck_of(node).clients_for(getattr(screen, "aws_context", None))

"""What an action key's flow may know of the pane the key was pressed on: a ``Protocol``, so
the action mixins (tui/actions.py) and the flows (tui/flow*.py) depend on no screen module.

Every live pane (``PollingScreen``) is one. A flow reaches the app through ``deck``, reads and
sends through the pane's ``clients`` (the account-region of the resource, ``aws_context``, never
the app's own when they differ), says things with ``notify``, and refreshes the pane after a
change it made (when the pane is still on top).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from aws.contexts import Context
    from aws.session import Clients
    from tui.deck import DeckApp


class ActionPane(Protocol):
    @property
    def deck(self) -> DeckApp: ...

    #: The pane's account-region (None: the app's own).
    aws_context: Context | None

    @property
    def clients(self) -> Clients: ...

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None: ...

    def action_refresh_now(self) -> None: ...


def on_top(pane: ActionPane) -> bool:
    """The pane is the screen on top: the user has not moved on since the key press."""
    top: object = pane.deck.screen
    return top is pane

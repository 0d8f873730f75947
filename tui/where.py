"""Where an action runs: the account-region of the pane it was started on.

With several contexts open (``--profiles/--regions/--contexts``) a pane may show a resource of
another account than the app's own. Its action must go to that account with that account's
credentials, and the confirmation must say so: the account and region in its title, and
``--profile``/``--region`` on every pasteable ``aws`` line, so a line pasted into a shell
acts where ecsdeck would have. ``where_of`` reads it from the pane, ``where_of_app`` is the
app's own (a pane with no context, a dialog opened from no pane).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Where:
    """An account-region as the confirmation names it and the CLI lines target it."""

    account: str | None
    region: str | None
    profile: str | None
    endpoint_url: str | None

    def cli(self) -> dict[str, str | None]:
        """``Plan.cli`` keywords: ``--region``, ``--profile``, ``--endpoint-url``."""
        return {"region": self.region, "profile": self.profile, "endpoint_url": self.endpoint_url}


def where_of_app(app: Any) -> Where:
    """The app's own account-region (its settings, clients and identity)."""
    settings = getattr(app, "settings", None)
    clients = getattr(app, "clients", None)
    identity = getattr(app, "identity", None)
    region = getattr(clients, "region", None) or getattr(identity, "region", None)
    return Where(
        account=getattr(identity, "account", None),
        region=region or getattr(settings, "region", None),
        profile=getattr(settings, "profile", None),
        endpoint_url=getattr(settings, "endpoint_url", None),
    )


def where_of(pane: Any) -> Where:
    """The account-region of ``pane``'s AWS context (``aws_context``; None: the app's)."""
    deck = pane.deck
    context = getattr(pane, "aws_context", None)
    if context is None:
        return where_of_app(deck)
    contexts = getattr(deck, "contexts", None)
    states = contexts.states if contexts is not None else []
    state = next((s for s in states if s.context == context), None)
    return Where(
        account=state.account if state is not None else None,
        region=context.region,
        profile=context.profile,
        endpoint_url=context.endpoint_url or getattr(deck.settings, "endpoint_url", None),
    )

"""Reloading AWS credentials without restarting: after ``aws sso login`` in another window.

botocore resolves credentials once per session, so an expired SSO token stays expired for the
life of the client bundle. Reloading opens a new bundle (a new session walks the credential
chain again: environment, SSO cache, files) with the same settings, swaps it in, and closes the
old one; the pane on top starts a fresh tick with it. Task-definition revisions are immutable,
so their cache carries over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from aws.errors import explain
from aws.session import Clients

if TYPE_CHECKING:
    from tui.deck import DeckApp


@runtime_checkable
class Polled(Protocol):
    """A pane that polls (tui/screens/base.py): a dialog or a view on top has nothing to poll."""

    def poll(self) -> object: ...


async def reload_clients(app: DeckApp) -> bool:
    """Swap in a freshly opened client bundle; False (and a notification) if it cannot open."""
    old = app.clients
    new = Clients.open(old.settings)
    try:
        await new.__aenter__()
    except Exception as exc:
        app.notify(f"Could not reload AWS credentials: {explain(exc)}", severity="error")
        return False
    new.taskdef_cache.update(old.taskdef_cache)
    app.clients = new
    await old.__aexit__(None, None, None)
    if isinstance(app.screen, Polled):
        app.screen.poll()  # exclusive: the tick on the old clients is cancelled
    app.problems.refresh_now()
    app.notify("AWS credentials reloaded: polling again with the credential chain as it is now")
    return True

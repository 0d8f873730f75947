"""The app's own account-region: the session settings its clients open with, opening them,
asking STS who the caller is, and moving to another profile or region (`:profile`, `:region`).

Functions of the running app (tui/deck.py), like tui/credentials.py (Ctrl+R) and
tui/app_contexts.py (several contexts): the app class keeps its lifecycle and navigation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws.errors import explain
from aws.models import Identity
from aws.session import Clients, SessionConfigError, SessionSettings, check_settings
from tui.text import clean

if TYPE_CHECKING:
    from tui.config import Settings
    from tui.deck import DeckApp


def session_settings(settings: Settings) -> SessionSettings:
    return SessionSettings(
        profile=settings.profile,
        region=settings.region,
        endpoint_url=settings.endpoint_url,
        read_only=settings.read_only,
        max_attempts=settings.max_attempts,
    )


async def open_clients(app: DeckApp) -> bool:
    """The one account-region of a single-context run; False: the app exits saying why."""
    try:
        await app.clients.__aenter__()
    except Exception as exc:
        app.exit(return_code=2, message=f"ecsdeck: cannot open AWS clients: {explain(exc)}")
        return False
    app.identity = Identity(None, None, app.clients.region, app.clients.endpoint)
    ask_who(app)
    return True


def ask_who(app: DeckApp) -> None:
    """Read who the caller is in the background (the header shows "…" until then)."""
    app.run_worker(whoami(app), group="identity", exit_on_error=False)


async def whoami(app: DeckApp) -> None:
    from aws.identity import whoami as read_identity

    try:
        app.identity = await read_identity(app.clients)
    except Exception as exc:
        # The header keeps "…" for the account; say why instead of leaving it unexplained.
        app.notify(
            clean(
                f"Could not read which account this is (sts:GetCallerIdentity): "
                f"{explain(exc)}. The account shows as '…'; changes are audited without "
                "the caller's ARN.",
                600,
            ),
            title="Identity unknown",
            severity="warning",
            timeout=15,
            markup=False,
        )


async def switch_account(
    app: DeckApp, *, profile: str | None = None, region: str | None = None
) -> None:
    """Reopen the clients for another profile or region, then the clusters pane."""
    changes = {k: v for k, v in {"profile": profile, "region": region}.items() if v}
    settings = app.settings.model_copy(update=changes)
    clients = Clients.open(session_settings(settings))
    try:
        check_settings(clients.settings)
        await clients.__aenter__()
    except Exception as exc:
        text = str(exc) if isinstance(exc, SessionConfigError) else explain(exc)
        app.notify(clean(text, 400), severity="error", markup=False)
        return
    # The old account's panes go first: none may poll with clients about to close.
    while len(app.screen_stack) > 1:
        await app.pop_screen()
    old, app.clients, app.settings = app.clients, clients, settings
    await old.__aexit__(None, None, None)
    if app.contexts is not None:  # `:profile`/`:region` leave the contexts for that one
        contexts, app.contexts = app.contexts, None
        await contexts.close()
    app.cluster_names = []
    app.identity = Identity(None, None, clients.region, clients.endpoint)
    ask_who(app)
    await app.show("clusters")
    where = f"profile {settings.profile or '(default)'}, region {clients.region}"
    app.notify(clean(f"Now on {where}.", 200), markup=False)

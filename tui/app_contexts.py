"""The app across contexts (``--profiles/--regions/--contexts``, ``--demo --demo-accounts N``).

The contexts are planned at start (a region name that cannot work is refused there and then)
and opened in the background, at most ``aws.contexts.IN_FLIGHT`` at a time: the clusters pane
is on screen at once and each context's clusters join as it opens, so a hanging profile never
holds the others back. The app's own ``clients`` become those of the first context that opens
(`:` lookups and the header's call counter use them); every pane opened from a context's row
reads that context's bundle (``deck.clients_for``).

Ctrl+R opens every ready context's bundle again (credentials are resolved once per session:
an SSO login in another window is only seen by a new one) and re-opens the failed ones, so a
profile fixed in ~/.aws/config joins without a restart.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from rich.text import Text

from aws.contexts import Context, Contexts, ContextState, plan
from aws.session import Clients
from tui import heap
from tui.credentials import Polled
from tui.text import clean, plural

if TYPE_CHECKING:
    from aws.session import SessionSettings
    from tui.context_sets import ContextPlan
    from tui.deck import DeckApp


async def planned(wanted: ContextPlan, base: SessionSettings) -> Contexts:
    """The contexts of ``wanted``, not opened yet; the refused ones carry their line."""
    contexts, failed = await plan(wanted.profiles, wanted.regions, base)
    return Contexts(contexts, base, failed=failed)


async def open_all(app: DeckApp) -> None:
    """The app's worker: open every context, then show what opened on the pane on top."""
    contexts = app.contexts
    if contexts is None:
        return
    await contexts.open()
    heap.settle()  # every context's clients live until Ctrl+R: out of the collector's sight
    adopt_first(app)
    if isinstance(app.screen, Polled):
        app.screen.poll()  # the contexts just opened are read now, not at the next tick
    app.problems.refresh_now()


def adopt_first(app: DeckApp) -> None:
    """The app's own clients and identity: the first ready context's (None ready: unchanged)."""
    ready = app.contexts.ready if app.contexts else []
    if ready and ready[0].clients is not None:
        app.clients = ready[0].clients
        app.identity = ready[0].identity


def several(app: DeckApp) -> bool:
    """More than one context: panes name theirs and the clusters pane adds ACCOUNT/REGION."""
    return app.contexts is not None and len(app.contexts.states) > 1


def is_shown(app: DeckApp, context: Context) -> bool:
    """In the view: `:ctx` narrows it to the contexts marked (None marked: every one)."""
    return app.contexts_shown is None or context in app.contexts_shown


def shown(app: DeckApp) -> list[ContextState]:
    """The ready contexts in the view, in the order they were asked for."""
    ready = app.contexts.ready if app.contexts else []
    return [s for s in ready if is_shown(app, s.context)]


def trouble_lines(app: DeckApp) -> Text:
    """One line per context in the view that cannot start, or whose last read failed: the
    profile, the region and the fix (what it read before stays in the table). A long one
    wraps (the fix is at its end); ``:ctx`` shows it whole too."""
    lines = Text(style="red")
    for state in app.contexts.states if app.contexts else []:
        if not is_shown(app, state.context):
            continue
        read = app.context_reads.read_of(state.context)
        error = state.error or (read.error if read and state.clients else None)
        if error:
            if lines:
                lines.append("\n")
            lines.append(f"✗ {clean(error, 400)}")
    return lines


def opening_note(app: DeckApp) -> str:
    """`` · 2 contexts opening…`` while some have neither opened nor failed yet."""
    states = app.contexts.states if app.contexts else []
    opening = [s for s in states if s.clients is None and s.error is None]
    return f" · {plural(len(opening), 'context')} opening…" if opening else ""


def pane_context(app: object, screen: object) -> ContextState | str | None:
    """What a pane's header names when there are several contexts: the pane's own context, or
    for a pane across contexts (the clusters pane) how many it covers; None: one context."""
    contexts: Contexts | None = getattr(app, "contexts", None)
    if contexts is None or len(contexts.states) < 2:
        return None
    if getattr(screen, "across_contexts", False):
        states = contexts.states
        accounts = {s.account for s in states if s.account}
        regions = {s.context.region for s in states}
        words = f"{plural(len(states), 'context')} · {plural(len(accounts), 'account')}"
        words += f" · {plural(len(regions), 'region')}"
        if contexts.failed:
            words += f" · {len(contexts.failed)} cannot start"
        return words
    context = getattr(screen, "aws_context", None)
    own = getattr(app, "clients", None)
    return next(
        (s for s in contexts.states if s.context == context),
        next((s for s in contexts.ready if s.clients is own), None),
    )


def calls_per_minute(app: object) -> int | None:
    """Requests the app sent in the last minute: every context's bundle (each counts its own),
    the app's own among them; None before any bundle has a counter."""
    contexts: Contexts | None = getattr(app, "contexts", None)
    bundles = [getattr(app, "clients", None)]
    bundles += [s.clients for s in contexts.states] if contexts is not None else []
    counters = {id(c): c for b in bundles if (c := getattr(b, "calls", None)) is not None}
    return sum(c.per_minute() for c in counters.values()) if counters else None


def state_of(app: DeckApp, context: Context | None) -> ContextState | None:
    if context is None or app.contexts is None:
        return None
    return next((s for s in app.contexts.states if s.context == context), None)


def account_label(state: ContextState) -> str:
    """The ACCOUNT of a context: its profile name (or ``default``) and the account id."""
    return f"{state.context.profile or 'default'} ({state.account or '…'})"


async def reload_all(app: DeckApp) -> None:
    """Ctrl+R across contexts: a fresh bundle for every ready one, the failed ones re-opened."""
    contexts = app.contexts
    if contexts is None:
        return
    renewed = await asyncio.gather(*(_renew(s) for s in contexts.ready))
    before = {s.context for s in contexts.failed}
    await contexts.reload()
    heap.release()  # the old bundles are closed: collect them, freeze the new ones
    heap.settle()
    adopt_first(app)
    if isinstance(app.screen, Polled):
        app.screen.poll()
    app.problems.refresh_now()
    joined = [s.context.name for s in contexts.ready if s.context in before]
    still = len(contexts.failed)
    words = f"AWS credentials reloaded in {sum(renewed)} context(s)"
    if joined:
        words += f"; joined: {', '.join(joined)}"
    if still:
        words += f"; {still} still cannot start (see :ctx)"
    app.notify(words, severity="warning" if still else "information", markup=False)


async def _renew(state: ContextState) -> bool:
    """Swap a fresh bundle into ``state`` (the credential chain walked again); False and the
    old bundle kept if the new one cannot open."""
    old = state.clients
    if old is None:
        return False
    new = Clients.open(old.settings)
    try:
        await new.__aenter__()
    except Exception:  # the old bundle goes on; its panes say why when it fails
        return False
    new.taskdef_cache.update(old.taskdef_cache)
    state.clients = new
    await old.__aexit__(None, None, None)
    return True

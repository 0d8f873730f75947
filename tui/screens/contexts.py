"""`:ctx`: the contexts of this run (profile x region) and how each stands: ready with its
account, clusters and last refresh; still opening; or the one line saying why it cannot start
and the fix. Space marks contexts, Enter narrows the view to those marked (the one under the
cursor when none is), ``a`` shows every context again; the clusters pane follows.

It reads nothing from AWS itself: what it shows is what the app already knows (the contexts
opened, tui/cluster_reads.py's last answers), repainted every refresh.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult

from aws.contexts import Context, ContextState
from tui import app_contexts, keymap
from tui.screens.base import PollingScreen
from tui.status import BAD, OK, badge
from tui.text import clean, duration, safe
from tui.widgets.live_table import LiveTable, Row

COLUMNS = [
    ("mark", "✓"),
    ("context", "CONTEXT"),
    ("account", "ACCOUNT"),
    ("state", "STATE"),
    ("clusters", "CLUSTERS"),
    ("calls", "CALLS/MIN"),
    ("refreshed", "REFRESHED"),
]


class ContextsScreen(PollingScreen):
    pane_name = "contexts"
    crumb = "contexts"
    across_contexts = True
    BINDINGS = keymap.bindings_for("contexts")

    def __init__(self) -> None:
        super().__init__()
        self.marked: set[Context] = set()

    def compose_body(self) -> ComposeResult:
        yield LiveTable(COLUMNS, id="contexts")

    def on_mount(self) -> None:
        super().on_mount()
        self.marked = set(self.deck.contexts_shown or ())

    async def tick(self) -> None:
        self._show()

    def _states(self) -> dict[str, ContextState]:
        contexts = self.deck.contexts
        return {s.context.name: s for s in contexts.states} if contexts else {}

    def _show(self) -> None:
        rows = [self._row(state, i) for i, state in enumerate(self._states().values())]
        self.query_one(LiveTable).set_rows(rows)

    def _row(self, state: ContextState, index: int) -> Row:
        ctx = state.context
        read = self.deck.context_reads.read_of(ctx)
        if state.error:
            status = Text(f"{BAD} {clean(state.error, 300)}", style="red", no_wrap=True)
        elif state.clients is None:
            status = Text("opening…", style="italic", no_wrap=True)
        elif read and read.error:
            status = Text(f"{BAD} {clean(read.error, 300)}", style="red", no_wrap=True)
        else:
            status = badge(OK, "ready", "green")
        at = read.read_at if read else None
        cells = (
            Text("✓" if ctx in self.marked else " ", style="bold green"),
            safe(ctx.name, "bold", 60),
            safe(app_contexts.account_label(state), limit=40),
            status,
            Text(str(len(read.clusters)) if read and at else "-"),
            # This context's share of the header's `app N calls/min` (its own buckets).
            Text(str(state.clients.calls.per_minute()) if state.clients else "-"),
            Text(f"{duration(int(time.monotonic() - at))} ago" if at else "-", style="dim"),
        )
        hay = f"{ctx.name} {state.account or ''} {state.error or ''}".lower()
        return Row(ctx.name, cells, hay, (index,))

    def _cursor_context(self) -> Context | None:
        key = self.query_one(LiveTable).selected_key
        state = self._states().get(key) if key else None
        return state.context if state else None

    def action_mark(self) -> None:
        ctx = self._cursor_context()
        if ctx is not None:
            self.marked ^= {ctx}
            self._show()

    def row_chosen(self, table: LiveTable, key: str) -> None:
        self.action_apply()

    def action_apply(self) -> None:
        """The marked contexts (else the one under the cursor) become the view."""
        chosen = set(self.marked) or {c for c in [self._cursor_context()] if c is not None}
        if chosen:
            self._narrow(frozenset(chosen))

    def action_show_all(self) -> None:
        self.marked = set()
        self._narrow(None)

    def _narrow(self, chosen: frozenset[Context] | None) -> None:
        contexts = self.deck.contexts
        total = len(contexts.states) if contexts else 0
        self.deck.contexts_shown = chosen
        shown = total if chosen is None else len(chosen)
        self.notify(f"Showing {shown} of {total} contexts.", markup=False)
        self.deck.open("clusters", replace=True)

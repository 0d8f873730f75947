"""`:ctx`: the contexts of this run (profile x region) and how each stands: ready with its
account, clusters and last refresh; still opening; or the one line saying why it cannot start
and the fix. Space marks contexts, Enter narrows the view to those marked (the one under the
cursor when none is), ``a`` shows every context again; the clusters pane follows.

It reads nothing from AWS itself: what it shows is what the app already knows (the contexts
opened, tui/cluster_reads.py's last answers), repainted every refresh.
"""

from __future__ import annotations

from textual.app import ComposeResult

from aws.contexts import Context, ContextState
from tui import keymap
from tui.rows.contexts import COLUMNS, context_row
from tui.screens.base import PollingScreen
from tui.widgets.live_table import LiveTable, Row


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
        read = self.deck.context_reads.read_of(state.context)
        return context_row(state, read, index, marked=state.context in self.marked)

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

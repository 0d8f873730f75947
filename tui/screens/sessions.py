"""`:sessions`: the port forwards this ecsdeck started (``session-manager-plugin`` children).

Local state, no AWS call: each tick reads ``app.forwards``. A row per session (task, container,
local -> remote ports, age, state: running, stopped, or how its plugin exited); ``x`` stops the
selected one after a confirmation. Every running one is stopped when ecsdeck quits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult

from tui import keymap
from tui.rows.sessions import COLUMNS, session_row
from tui.screens.base import PollingScreen
from tui.widgets.live_table import LiveTable

if TYPE_CHECKING:
    from aws.forward_sessions import Forward


class SessionsScreen(PollingScreen):
    BINDINGS = keymap.bindings_for("sessions")
    crumb = "sessions (port forwards)"
    pane_name = "sessions"

    def compose_body(self) -> ComposeResult:
        yield LiveTable(COLUMNS, id="sessions")

    @property
    def table(self) -> LiveTable:
        return self.query_one("#sessions", LiveTable)

    async def tick(self) -> None:
        sessions = self.deck.forwards.sessions.values()
        self.table.upsert_rows([session_row(f) for f in sessions])
        # An empty list says how to fill it, rather than "0 rows" over nothing.
        self.header.note = None if sessions else "none yet: F on a task starts one"

    def selected_resource(self) -> Forward | None:
        key = self.table.selected_key
        return self.deck.forwards.sessions.get(int(key)) if key else None

    def context(self) -> dict[str, Any]:
        return {}

    def action_stop_session(self) -> None:
        from tui.flows_forward import stop_session

        forward = self.selected_resource()
        if forward is None:
            self.notify("No session selected: F on a task starts one.", severity="warning")
        elif not forward.running:
            self.notify("That session has already ended.", severity="warning")
        else:
            stop_session(self.deck, forward)

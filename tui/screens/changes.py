"""`:changes` / `:ch` (and `w` on a service): what changed, newest first, and who did it.

From a problem (`w` on its row) the window is the hour before it began, to now (before ecsdeck
first saw it, when AWS gives no start: the note says which).

Deployments started, completed, failed and rolled back, task-definition registrations and
deregistrations, instance drains, bursts of task stops by cause, scaling,
and the write calls CloudTrail recorded with the caller's ARN and where the call came from
(aws/changes.py). Without cloudtrail:LookupEvents the rows ECS gives stay and one line says what
is missing and which permission adds it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from rich.text import Text
from textual.app import ComposeResult

from aws.changes import Change, Scope, read_changes
from aws.models import Cluster, Service
from tui import keymap
from tui.rows.changes import COLUMNS, change_row
from tui.screens.base import PollingScreen
from tui.text import clean, utc_stamp
from tui.widgets.live_table import LiveTable
from tui.widgets.quiet_static import QuietStatic


class ChangesScreen(PollingScreen):
    pane_name = "changes"
    BINDINGS = keymap.bindings_for("changes")
    DEFAULT_CSS = """
    ChangesScreen #note { height: auto; padding: 0 1; }
    ChangesScreen #changes { height: 1fr; }
    """

    def __init__(
        self,
        cluster: Cluster | None = None,
        service: Service | None = None,
        since: datetime | None = None,
        seen: bool = False,
    ) -> None:
        where = "account" if cluster is None else cluster.name
        if service is not None:
            where = f"{where} › {service.name}"
        self.crumb = f"changes › {where}"
        if since is not None:
            self.crumb += f" · since {since.astimezone(UTC):%H:%M} UTC"
        super().__init__()
        self.cluster = cluster
        self.service = service
        #: Where the window starts when opened from a problem (an hour before its onset); else
        #: the last DEFAULT_HOURS.
        self.since = since
        #: The problem's time is when ecsdeck first saw it (onset "seen"), not when it began.
        self.seen = seen
        self.changes: dict[str, Change] = {}
        self.notes: tuple[str, ...] = ()

    def compose_body(self) -> ComposeResult:
        yield QuietStatic("", id="note")
        yield LiveTable(COLUMNS, id="changes")

    @property
    def changes_table(self) -> LiveTable:
        return self.query_one("#changes", LiveTable)

    @property
    def scope(self) -> Scope:
        return Scope(
            self.cluster.arn if self.cluster else None,
            self.service.arn if self.service else None,
        )

    async def tick(self) -> None:
        timeline = await read_changes(self.clients, self.scope, since=self.since)
        self.changes = {ch.id: ch for ch in timeline.changes}
        self.notes = timeline.notes
        if self.since is not None:
            before = "ecsdeck first saw it" if self.seen else "it began"
            window = f"What changed from {utc_stamp(self.since)} (an hour before {before}) to now"
            self.notes = (window, *self.notes)
        note = self.query_one("#note", QuietStatic)
        note.display = bool(self.notes)
        note.update(Text(clean(" · ".join(self.notes), 400), style="yellow"))
        self.changes_table.set_rows([change_row(ch) for ch in timeline.changes])

    def context(self) -> dict[str, Any]:
        return {
            "cluster": self.cluster,
            "service": self.service,
            "since": self.since,
            "seen": self.seen,
        }

    def current_cluster(self) -> Cluster | None:
        return self.cluster

    def selected_resource(self) -> Change | None:
        key = self.changes_table.selected_key
        return self.changes.get(key) if key else None

    def row_context(self, table: LiveTable, key: str) -> dict[str, Any] | None:
        return None

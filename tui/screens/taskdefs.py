"""`:taskdefs` (`:td`): task-definition families; `:td FAMILY` or Enter: its ACTIVE revisions;
Enter on a revision: its JSON, container environment values masked until `u`."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable

from aws import ecs
from aws.models import TaskDefinition
from tui.screens.base import PollingScreen
from tui.screens.slow import SlowScreen
from tui.text import natural_key, safe, short_arn
from tui.widgets.live_table import LiveTable, Row

FAMILY_COLUMNS = [("family", "FAMILY")]
REVISION_COLUMNS = [("revision", "REVISION"), ("arn", "ARN")]


class FamiliesScreen(SlowScreen):
    crumb = "task definitions"

    def __init__(self) -> None:
        super().__init__()
        self.families: list[str] = []

    def compose_body(self) -> ComposeResult:
        yield LiveTable(FAMILY_COLUMNS, id="families")

    async def read(self) -> None:
        self.families = await ecs.list_task_definition_families(self.deck.clients)
        rows = [Row(f, (safe(f, "bold", 80),), f.lower(), (natural_key(f),)) for f in self.families]
        self.query_one(LiveTable).set_rows(rows)

    def selected_resource(self) -> dict[str, str] | None:
        key = self.query_one(LiveTable).selected_key
        return {"family": key} if key else None

    def row_chosen(self, table: LiveTable, key: str) -> None:
        self.app.push_screen(RevisionsScreen(key))

    @on(DataTable.RowSelected)
    def _clicked(self, event: DataTable.RowSelected) -> None:
        self.row_chosen(self.query_one(LiveTable), str(event.row_key.value))


class RevisionsScreen(SlowScreen):
    def __init__(self, family: str) -> None:
        self.crumb = f"task definitions › {family}"
        super().__init__()
        self.family = family
        self.arns: list[str] = []

    def compose_body(self) -> ComposeResult:
        yield LiveTable(REVISION_COLUMNS, id="revisions")

    async def read(self) -> None:
        self.arns = await ecs.list_task_definition_revisions(self.deck.clients, self.family)
        rows = [
            Row(a, (safe(short_arn(a), "bold", 80), safe(a, "dim", 200)), a.lower(), (i,))
            for i, a in enumerate(self.arns)
        ]
        self.query_one(LiveTable).set_rows(rows)
        if not self.arns:
            self.notify(f"No ACTIVE revision of {self.family!r}.", severity="warning", markup=False)

    def up(self) -> PollingScreen:
        return FamiliesScreen()

    def selected_resource(self) -> dict[str, str] | None:
        key = self.query_one(LiveTable).selected_key
        return {"arn": key} if key else None

    def row_chosen(self, table: LiveTable, key: str) -> None:
        self.run_worker(self._show(key), group="taskdef", exclusive=True, exit_on_error=False)

    @on(DataTable.RowSelected)
    def _clicked(self, event: DataTable.RowSelected) -> None:
        self.row_chosen(self.query_one(LiveTable), str(event.row_key.value))

    async def _show(self, arn: str) -> None:
        from aws.errors import explain
        from tui.screens.json_view import JsonScreen, masked_taskdef, to_json

        try:
            td: TaskDefinition = await ecs.read_task_definition(self.deck.clients, arn)
        except Exception as exc:
            self.notify(explain(exc), severity="error", markup=False)
            return
        text, revealed = to_json(masked_taskdef(td.raw)), to_json(td.raw)
        self.app.copy_to_clipboard(text)
        await self.app.push_screen(JsonScreen(short_arn(arn), text, revealed=revealed))

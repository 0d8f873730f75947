"""`:taskdefs` (`:td`): task-definition families (each one's ACTIVE revisions, its newest
revision and what that holds); `:td FAMILY`, Enter, or `t` on a service pane:
the family's history (every revision, newest first, with its status, registration time, image
tags and size). Enter on a revision: its JSON, secrets masked (aws.secrets) until `u`;
space marks one and `=` diffs two; `d` deploys one; `X` deregisters one (tui/flows_taskdefs.py).
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable

from aws import ecs, taskdef_families, taskdef_history
from aws.models import Service, TaskDefinition, TaskDefinitionFamily
from aws.taskdef_history import RevisionRef
from tui import flows_taskdefs, keymap
from tui.rows.taskdefs import FAMILY_COLUMNS, REVISION_COLUMNS, family_row, revision_row
from tui.slow_pane import SlowScreen
from tui.text import clean, short_arn
from tui.widgets.live_table import LiveTable, Row

#: Revisions described (DescribeTaskDefinition, cached for good) per tick, on screen first.
DESCRIBE_PER_TICK = 20


class FamiliesScreen(SlowScreen):
    """Every family with an ACTIVE revision. The counts come from one paged listing
    (aws.taskdef_families); the newest revision of each row on screen is described once."""

    pane_name = "families"

    crumb = "task definitions"

    def __init__(self) -> None:
        super().__init__()
        self.families: list[str] = []
        self.listed: dict[str, TaskDefinitionFamily] = {}
        #: Bodies of the newest revisions read so far, by ARN (a new revision: a new ARN).
        self.details: dict[str, TaskDefinition] = {}

    def compose_body(self) -> ComposeResult:
        yield LiveTable(FAMILY_COLUMNS, id="families")

    async def tick(self) -> None:
        read = self._read_at
        await super().tick()
        if read is not None and read == self._read_at:  # a tick without a relist: scrolled rows
            await self._describe(self.query_one(LiveTable).visible_keys())

    async def read(self) -> None:
        """List, describe what the first screen shows, then put every row in at once: the
        first paint is whole (no row, or cell of a row on screen, arrives a tick later)."""
        found = await taskdef_families.list_families(self.clients)
        self.listed = {f.name: f for f in found}
        self.families = list(self.listed)
        table = self.query_one(LiveTable)
        shown = table.visible_keys() if table.row_count else []
        failed = await self._describe(
            shown or self.families[: table.size.height or DESCRIBE_PER_TICK], show=False
        )
        table.set_rows([self._row(f) for f in found])
        if failed is not None:
            raise failed

    async def _describe(self, names: list[str], *, show: bool = True) -> BaseException | None:
        """Read the newest revision of these families not read yet (a few at a time) and
        redraw their rows (their ages move)."""
        wanted = [self.listed[n].latest_arn for n in names if n in self.listed]
        missing = [a for a in wanted if a not in self.details][: DESCRIBE_PER_TICK * 2]
        failed = None
        if missing:
            found, failed = await taskdef_history.describe_each(self.clients, missing)
            self.details.update(found)
        if show:
            rows = [self._row(self.listed[n]) for n in names if n in self.listed]
            self.query_one(LiveTable).upsert_rows(rows)
            if failed is not None:
                raise failed
        return failed

    def _row(self, family: TaskDefinitionFamily) -> Row:
        return family_row(family, self.details.get(family.latest_arn))

    def selected_resource(self) -> dict[str, str] | None:
        key = self.query_one(LiveTable).selected_key
        return {"family": key} if key else None

    def row_context(self, table: LiveTable, key: str) -> dict[str, Any] | None:
        return {"family": key}

    @on(DataTable.RowSelected)
    def _clicked(self, event: DataTable.RowSelected) -> None:
        """A click (Enter comes through ``row_chosen``); a row without context does nothing,
        rather than post RowSelected again."""
        table, key = self.query_one(LiveTable), str(event.row_key.value)
        if self.row_context(table, key) is not None:
            self.row_chosen(table, key)


class RevisionsScreen(SlowScreen):
    """One family's revisions. Opened from a service pane (``service``), the service's current
    revision is marked and `d` deploys to that service."""

    pane_name = "revisions"
    BINDINGS = keymap.bindings_for("revisions")

    def __init__(self, family: str, service: Service | None = None) -> None:
        self.crumb = f"task definitions › {family}" + (
            f" (service {service.name})" if service else ""
        )
        super().__init__()
        self.family = family
        self.service = service
        self.revisions: dict[str, RevisionRef] = {}
        #: Bodies read so far (through the immutable cache), by ARN.
        self.details: dict[str, TaskDefinition] = {}
        #: The revision marked with space, the one `=` diffs against.
        self.marked: str | None = None

    def compose_body(self) -> ComposeResult:
        yield LiveTable(REVISION_COLUMNS, id="revisions")

    async def tick(self) -> None:
        await super().tick()
        await self._describe_shown()

    async def read(self) -> None:
        c = self.clients
        refs = await taskdef_history.list_revisions(c, self.family)
        if self.service is not None:
            found = await ecs.describe_services(c, self.service.cluster_arn, [self.service.arn])
            self.service = found[0] if found else self.service
        self.revisions = {r.arn: r for r in refs}
        self.query_one(LiveTable).set_rows([self._row(r) for r in refs])
        if not refs:
            self.notify(f"No revision of {self.family!r}.", severity="warning", markup=False)

    async def _describe_shown(self) -> None:
        """Read the bodies of the rows on screen not read yet (a few a tick): the registration
        time, images and size come from them. Each is read once, ever. The rows on screen are
        redrawn every tick (their ages move) at no cost."""
        table = self.query_one(LiveTable)
        shown = table.visible_keys() or table.shown_keys()[:DESCRIBE_PER_TICK]
        keys = [k for k in shown if k in self.revisions]
        missing = [k for k in keys if k not in self.details][:DESCRIBE_PER_TICK]
        failed: BaseException | None = None
        if missing:
            found, failed = await taskdef_history.describe_each(self.clients, missing)
            self.details.update(found)
        table.upsert_rows([self._row(self.revisions[k]) for k in keys])
        if failed is not None:
            raise failed

    def _row(self, ref: RevisionRef) -> Row:
        current = self.service is not None and ref.arn == self.service.task_definition
        return revision_row(
            ref, self.details.get(ref.arn), current=current, marked=ref.arn == self.marked
        )

    def context(self) -> dict[str, Any]:
        return {"family": self.family, "service": self.service}

    def selected_revision(self) -> RevisionRef | None:
        key = self.query_one(LiveTable).selected_key
        return self.revisions.get(key) if key else None

    def selected_resource(self) -> dict[str, str] | None:
        key = self.query_one(LiveTable).selected_key
        return {"arn": key} if key else None

    def _revision_or_say(self) -> RevisionRef | None:
        ref = self.selected_revision()
        if ref is None:
            self.notify("Select a revision first.", severity="warning")
        return ref

    def action_mark_revision(self) -> None:
        ref = self._revision_or_say()
        if ref is None:
            return
        before, self.marked = self.marked, None if self.marked == ref.arn else ref.arn
        rows = [self.revisions[a] for a in {before, ref.arn} if a in self.revisions]
        self.query_one(LiveTable).upsert_rows([self._row(r) for r in rows])
        if self.marked:
            self.notify(f"Marked {clean(short_arn(ref.arn), 80)}: = on another diffs the two.")

    def action_diff_revisions(self) -> None:
        ref = self._revision_or_say()
        if ref is None:
            return
        other = self.revisions.get(self.marked or "")
        if other is None or other.arn == ref.arn:
            other = taskdef_history.previous(list(self.revisions.values()), ref.arn)
        if other is None:
            self.notify(f"{clean(short_arn(ref.arn), 80)} is the oldest: mark another to diff.")
            return
        flows_taskdefs.diff_revisions(self, other.arn, ref.arn)

    def action_deploy_revision(self) -> None:
        if (ref := self._revision_or_say()) is not None:
            flows_taskdefs.deploy_revision(self, ref, self.family, self.service)

    def action_deregister_revision(self) -> None:
        if (ref := self._revision_or_say()) is not None:
            flows_taskdefs.deregister_revision(self, ref, self.family, self.service)

    def row_chosen(self, table: LiveTable, key: str) -> None:
        self.run_worker(self._show(key), group="taskdef", exclusive=True, exit_on_error=False)

    @on(DataTable.RowSelected)
    def _clicked(self, event: DataTable.RowSelected) -> None:
        self.row_chosen(self.query_one(LiveTable), str(event.row_key.value))

    async def _show(self, arn: str) -> None:
        from aws.errors import explain
        from aws.secrets import mask
        from tui.json_text import readable_json

        try:
            td: TaskDefinition = await ecs.read_task_definition(self.clients, arn)
        except Exception as exc:
            self.notify(explain(exc), severity="error", markup=False)
            return
        masked = mask(td.raw)
        text = readable_json(masked)
        revealed = readable_json(td.raw) if masked != td.raw else None
        self.app.copy_to_clipboard(text)
        self.deck.open("json", title=short_arn(arn), text=text, revealed=revealed)

"""A part that cannot be refreshed says so on itself: with the ELB API denied, the Target
health title says ``✗ not refreshed for Ns: AccessDenied elasticloadbalancing:<Operation>`` and
its rows are dimmed with their age, while tasks keep refreshing from ECS. The header's copy of
the reason is cut off first at 160 columns, so it cannot be the only mark."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.aws.test_outage import switch
from tests.tui.conftest import wait_for
from tests.tui.test_panes import open_cluster, table
from tui.screens.service import ServiceScreen

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")


async def test_a_denied_part_marks_its_title_and_dims_its_rows(sandbox: str, make_app: Any) -> None:
    app = make_app(sandbox)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_cluster(app, pilot, "core-ec2")
        t = table(app)
        t.move_cursor(row=[k.rsplit("/", 1)[-1] for k in t.shown_keys()].index("payments-api"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))
        pane = app.screen
        await wait_for(pilot, lambda: pane.targets_table.row_count > 0)
        title = pane.query_one("#targets-title")

        def state_cells() -> list[Any]:
            targets = pane.targets_table
            return [targets.get_cell(k, "state") for k in targets.shown_keys()]

        assert "✓ healthy" in [c.plain for c in state_cells()]
        switch(sandbox, "deny-elb")
        try:
            await wait_for(pilot, lambda: "not refreshed for" in title.content.plain)
            await wait_for(pilot, lambda: re.search(r"\(\d+s old\)", state_cells()[0].plain))
        finally:
            switch(sandbox, "none")
        shown = title.content.plain
        assert re.search(r"✗ not refreshed for \d+s: AccessDenied elasticloadbalancing:\w+", shown)
        for cell in state_cells():
            assert re.search(r"\(\d+s old\)$", cell.plain), cell.plain
            assert any("dim" in str(span.style) for span in cell.spans) or "dim" in str(cell.style)
        await wait_for(pilot, lambda: "not refreshed" not in title.content.plain)
        await wait_for(pilot, lambda: "old)" not in " ".join(c.plain for c in state_cells()))

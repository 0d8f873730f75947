"""Cost in the UI, one app against the frozen sandbox (its Price List API: aws/sandbox/pricing.py).

``notifications`` (web-fargate) runs 2 tasks of 0.25 vCPU / 0.5 GB with FARGATE base 1 then
FARGATE:FARGATE_SPOT 1:3. At the sandbox's us-east-1 rates a task costs
0.25 * 0.04048 + 0.5 * 0.004445 = $0.0123425/h on demand and
0.25 * 0.012647 + 0.5 * 0.0013888 = $0.00385615/h on Spot.
2 tasks: 1 + 1 -> $0.01619865/h, $11.83/month (730 h).
10 tasks: base 1, then 9 split 2.25 / 6.75 -> 3 on demand + 7 Spot: +2 on demand + 6 Spot
= $0.0478219/h more, +$34.91/month.
"""

from __future__ import annotations

import pytest

from tests.tui.conftest import wait_for
from tests.tui.test_actions import open_services
from tui.screens.dialogs.scale import ScaleScreen
from tui.screens.service import ServiceScreen

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")


async def test_cost_column_scale_dialog_and_service_pane(frozen_sandbox, make_app):
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(140, 36)) as pilot:
        screen = await open_services(pilot, "web-fargate", "notifications")
        assert "cost" not in [key for key, _ in screen.columns]  # off by default
        await pilot.press("dollar_sign")
        await wait_for(pilot, lambda: "cost" in [k for k, _ in screen.columns])
        arn = screen.selected_service().arn

        def cost_cell() -> str:
            table = screen.services_table
            return str(table.get_row(arn)[[k for k, _ in screen.columns].index("cost")])

        await wait_for(pilot, lambda: cost_cell() == "$11.83")

        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ScaleScreen))
        dialog = app.screen

        def preview() -> str:
            return str(dialog.query_one("#preview").render())

        await wait_for(pilot, lambda: "same cost ($11.83/month)" in preview())
        await pilot.press("1", "0")
        await wait_for(pilot, lambda: "2 -> 10: +$34.91/month" in preview())
        assert "prices: AWS Price List API" in preview()
        await pilot.press("escape")

        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))
        pane = app.screen
        await wait_for(pilot, lambda: "cost $0.016/h" in str(pane.query_one("#summary").render()))
        summary = str(pane.query_one("#summary").render())
        assert "$11.83/month for 2 tasks" in summary and "Fargate x86_64" in summary


def test_the_cost_column_takes_computes_place_below_130_columns() -> None:
    """At 120 columns COST/MO left LAST EVENT five characters: COMPUTE gives way to it."""
    from tui.rows.services import columns_for

    def keys(width: int, cost: bool) -> list[str]:
        return [k for k, _ in columns_for(width, cost)]

    assert "compute" in keys(120, cost=False) and "cost" not in keys(120, cost=False)
    assert "compute" not in keys(120, cost=True)
    assert {"cpu", "mem", "cost", "event"} <= set(keys(120, cost=True))
    assert {"compute", "cost"} <= set(keys(130, cost=True))

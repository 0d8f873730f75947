"""CPU%/MEM% columns, the service pane's use and Auto Scaling lines, and the scale dialog's
Auto Scaling warnings, against the frozen sandbox (checkout-web has a 2-6 scalable target and a
target-tracking policy; the bench cluster publishes no metrics of its own)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from botocore.exceptions import ClientError

from aws import metrics
from tests.aws.test_metrics import put_utilization
from tests.aws.test_outage import switch
from tests.conftest import _spawn_sandbox
from tests.tui.conftest import painted, wait_for
from tests.tui.test_panes import keys, open_cluster, table
from tests.tui.test_status import svc
from tui import usage_parts
from tui.screens import services
from tui.screens.autoscaling import AutoscalingScreen
from tui.screens.dialogs.scale import ScaleScreen
from tui.screens.service import ServiceScreen

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")


@pytest.fixture(scope="module")
def own_sandbox() -> Iterator[str]:
    """A frozen sandbox of its own: its outage switch must not reach other tests."""
    yield from _spawn_sandbox("--seed", "7", "--no-simulate", "--services", "40")


def deny_cloudwatch(clients: Any) -> Any:
    """Every GetMetricData answered AccessDenied, as for a role without cloudwatch:GetMetricData.
    Returns the undo."""
    message = (
        "User: arn:aws:iam::123456789012:user/oncall is not authorized to perform: "
        "cloudwatch:GetMetricData because no identity-based policy allows the action"
    )

    def hook(**_: Any) -> None:
        error = {"Error": {"Code": "AccessDenied", "Message": message}}
        raise ClientError(error, "GetMetricData")  # type: ignore[arg-type]

    event = "before-send.cloudwatch.GetMetricData"
    clients.cloudwatch.meta.events.register_first(event, hook)
    return lambda: clients.cloudwatch.meta.events.unregister(event, hook)


async def open_named_service(app: Any, pilot: Any, cluster: str, name: str) -> ServiceScreen:
    await open_cluster(app, pilot, cluster)
    t = table(app)
    t.move_cursor(row=next(i for i, k in enumerate(keys(t)) if k.endswith("/" + name)))
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))
    screen: ServiceScreen = app.screen
    return screen


async def test_metrics_columns_filled_from_cloudwatch(
    frozen_sandbox: str, make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    put_utilization(
        frozen_sandbox, "bench", {"bench-00001": (42.0, 61.0), "bench-00002": (95.0, 20.0)}
    )
    real, cut = metrics.read_utilization, asyncio.Event()

    async def first_cut_short(*args: Any, **kwargs: Any) -> Any:
        if not cut.is_set():
            cut.set()
            await asyncio.sleep(3600)  # until its tick is cancelled
        return await real(*args, **kwargs)

    monkeypatch.setattr(metrics, "read_utilization", first_cut_short)
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_cluster(app, pilot, "bench")
        screen = app.screen
        # A read cut short (refresh pressed, a dialog on top) is tried at the next tick, not
        # METRICS_TTL later: the wait below is shorter than that.
        await wait_for(pilot, cut.is_set)
        screen.action_refresh_now()
        t = table(app)
        by_name = {screen.services[k].name: k for k in t.shown_keys()}
        one, two, quiet = by_name["bench-00001"], by_name["bench-00002"], by_name["bench-00003"]
        await wait_for(pilot, lambda: t.get_cell(one, "cpu").plain == "42%")
        assert t.get_cell(one, "mem").plain == "61%"
        assert t.get_cell(two, "cpu").plain == "95%" and "red" in str(t.get_cell(two, "cpu").style)
        assert t.get_cell(quiet, "cpu").plain == "-"  # read, no datapoint
        ticks = screen.ticks
        await wait_for(pilot, lambda: screen.ticks >= ticks + 3)
        # Every visible row in one request, and not again within the minute.
        assert app.clients.calls.total["cloudwatch.GetMetricData"] == 1
        assert len(screen.usage) >= 20


async def test_denied_cloudwatch_leaves_the_rest_refreshing(
    own_sandbox: str, make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sandbox's deny-cloudwatch switch answers GetMetricData AccessDenied, as for a role
    without cloudwatch:GetMetricData; ECS and ELB keep answering."""
    monkeypatch.setattr(services, "METRICS_TTL", 0.0)  # read every tick, to see it fail and heal
    put_utilization(own_sandbox, "bench", {"bench-00001": (42.0, 61.0)})
    app = make_app(own_sandbox, max_attempts=1)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_cluster(app, pilot, "bench")
        screen, header, t = app.screen, app.screen.header, table(app)
        one = next(k for k in t.shown_keys() if screen.services[k].name == "bench-00001")
        await wait_for(pilot, lambda: t.get_cell(one, "cpu").plain == "42%")
        switch(own_sandbox, "deny-cloudwatch")
        try:
            await wait_for(pilot, lambda: services.METRICS_PART in header.part_errors)
            assert "cloudwatch:GetMetricData" in header.part_errors[services.METRICS_PART]
            described = app.clients.calls.total["ecs.DescribeServices"]
            ticks = screen.ticks
            await wait_for(pilot, lambda: screen.ticks >= ticks + 2)
            assert not header.stale  # the rows keep refreshing from ECS
            assert app.clients.calls.total["ecs.DescribeServices"] > described
            cell = t.get_cell(one, "cpu")
            assert cell.plain == "42%" and str(cell.style) == "dim"  # last value kept, marked
            assert "CPU/MEM not refreshed" in header.render().plain
        finally:
            switch(own_sandbox, "none")
        await wait_for(pilot, lambda: services.METRICS_PART not in header.part_errors)
        await wait_for(pilot, lambda: str(t.get_cell(one, "cpu").style) != "dim")


async def test_denied_cloudwatch_in_the_service_pane(
    frozen_sandbox: str, make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(usage_parts, "SLOW_TTL", 0.0)
    app = make_app(frozen_sandbox, max_attempts=1)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_named_service(app, pilot, "web-fargate", "checkout-web")
        summary = screen.query_one("#summary")
        await wait_for(pilot, lambda: screen.history and screen.history.cpu)
        assert "of 0.5 vCPU" in summary.render().plain and "of 1024 MiB" in summary.render().plain
        undo = deny_cloudwatch(app.clients)
        await wait_for(pilot, lambda: usage_parts.METRICS_PART in screen.header.part_errors)
        ticks = screen.ticks
        await wait_for(pilot, lambda: screen.ticks >= ticks + 2)
        assert not screen.header.stale and screen.tasks  # tasks and targets keep refreshing
        assert usage_parts.SCALING_PART not in screen.header.part_errors
        assert "autoscaling 2-6 tasks" in summary.render().plain
        undo()
        await wait_for(pilot, lambda: usage_parts.METRICS_PART not in screen.header.part_errors)


async def test_service_pane_shows_autoscaling(frozen_sandbox: str, make_app: Any) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_named_service(app, pilot, "web-fargate", "checkout-web")
        summary = screen.query_one("#summary")
        await wait_for(pilot, lambda: "autoscaling 2-6 tasks" in summary.render().plain)
        assert "checkout-web-cpu60 (target tracking CPU 60%)" in summary.render().plain
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AutoscalingScreen))
        shown = "\n".join(painted(app.screen.query_one("#scaling")))
        assert "2 to 6 tasks" in shown and "checkout-web-cpu60" in shown
        assert "Setting desired count to 3." in shown  # the newest activity
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        # A service without a scalable target has no autoscaling line.
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, services.ServicesScreen))
        t = table(app)
        t.move_cursor(row=next(i for i, k in enumerate(keys(t)) if k.endswith("/search-api")))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))
        await wait_for(pilot, lambda: app.screen.scaling is not None)
        assert "autoscaling" not in app.screen.query_one("#summary").render().plain


def preview(app: Any) -> str:
    text: str = app.screen.query_one("#preview").render().plain
    return text


@pytest.mark.parametrize("where", ["service pane", "services pane"])
async def test_scale_dialog_warns_outside_the_autoscaling_range(
    frozen_sandbox: str, make_app: Any, where: str
) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        if where == "service pane":
            screen = await open_named_service(app, pilot, "web-fargate", "checkout-web")
            await wait_for(pilot, lambda: screen.scaling is not None)
        else:  # the services pane has not read it: the dialog reads it
            await open_cluster(app, pilot, "web-fargate")
            t = table(app)
            t.move_cursor(row=next(i for i, k in enumerate(keys(t)) if k.endswith("/checkout-web")))
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ScaleScreen))
        dialog = app.screen
        await wait_for(pilot, lambda: dialog.scaling is not None)
        dialog.query_one("#count").value = "9"
        await wait_for(pilot, lambda: "autoscaling will move it back to 6" in preview(app))
        assert "a policy may change it" in preview(app)
        dialog.query_one("#count").value = "1"
        await wait_for(pilot, lambda: "autoscaling will move it back to 2" in preview(app))
        dialog.query_one("#count").value = "4"
        await wait_for(pilot, lambda: "-> 4" in preview(app))
        assert "move it back" not in preview(app)  # inside 2-6
        assert "a policy may change it" in preview(app)  # target tracking is still attached
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ScaleScreen))


async def test_scale_dialog_quiet_without_autoscaling(frozen_sandbox: str, make_app: Any) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_named_service(app, pilot, "web-fargate", "search-api")
        await wait_for(pilot, lambda: screen.scaling is not None)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ScaleScreen))
        app.screen.query_one("#count").value = "40"
        await wait_for(pilot, lambda: "-> 40" in preview(app))
        assert "⚠" not in preview(app)
        await pilot.press("escape")


async def test_service_pane_slow_parts_cut_short_are_read_at_the_next_tick(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A tick cancelled while its slow parts were being read (a dialog on top, refresh
    pressed) read none of them: each is due again, not SLOW_TTL later."""
    reads: list[str] = []
    hang = asyncio.Event()

    def reader(part: str, value: Any) -> Any:
        async def read(*_args: Any, **_kwargs: Any) -> Any:
            reads.append(part)
            if not hang.is_set():
                await asyncio.sleep(3600)
            return value

        return read

    monkeypatch.setattr(usage_parts.ecs, "read_task_definition", reader("td", {}))
    monkeypatch.setattr(usage_parts.metrics, "reservation", lambda td: (None, None))
    monkeypatch.setattr(usage_parts.metrics, "read_history", reader("use", None))
    monkeypatch.setattr(usage_parts.autoscaling, "read_scaling", reader("scaling", None))
    monkeypatch.setattr(usage_parts, "read_cost", reader("cost", None))

    class Pane(usage_parts.UsageParts):
        def __init__(self) -> None:
            self.init_usage()
            self.service, self.cluster = svc(2, 2), SimpleNamespace(name="c")  # type: ignore[assignment]
            self.header = SimpleNamespace(set_part_error=lambda *_: None)  # type: ignore[assignment]
            self.clients = None  # type: ignore[assignment]

    pane = Pane()
    tick = asyncio.create_task(pane.read_slow_parts())
    while len(reads) < 3:
        await asyncio.sleep(0.01)
    tick.cancel()
    with pytest.raises(asyncio.CancelledError):
        await tick
    reads.clear()
    hang.set()
    await pane.read_slow_parts()  # the next tick
    assert sorted(reads) == ["cost", "scaling", "td", "use"]

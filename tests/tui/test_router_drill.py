"""The router's names and the panes agree: a pane built from an entry of tui/router.py carries
that entry's name (Back and Enter look it up by it), and Enter on a row opens the pane the
router names as the entry's ``enter``, for that row."""

from __future__ import annotations

from typing import Any

import pytest

from aws import ecr, ecs
from aws.plan import family_revision
from tests.tui.conftest import wait_for
from tests.tui.test_navigation import command, loaded_clusters
from tests.tui.test_panes import keys, table
from tui import router
from tui.screens.base import PollingScreen

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")


async def context_from_sandbox(app: Any) -> dict[str, Any]:
    """One context with every key some pane needs, from real models read from the sandbox."""
    c = app.clients
    clusters = await ecs.read_clusters(c)
    cluster = next(x for x in clusters if x.name == "core-ec2")
    _, services = await ecs.read_services(c, cluster.arn)
    service = next(s for s in services if s.task_definition)
    tasks = await ecs.read_service_tasks(c, cluster.arn, service.name)
    instances = await ecs.read_container_instances(c, cluster.arn)
    repos = await ecr.list_repositories(c)
    family, _ = family_revision(service.task_definition or "")
    return {
        "cluster": cluster,
        "service": service,
        "task": tasks[0],
        "tasks": tasks[:1],
        "instance": instances[0],
        "family": family,
        "repo": repos[0],
        "title": "t",
        "text": "{}",
        "diff": "",
        "under": app.screen,
    }


async def test_every_polling_pane_carries_its_router_name(
    frozen_sandbox: str, make_app: Any
) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded_clusters(app, pilot)
        context = await context_from_sandbox(app)
        checked = []
        for entry in router.PANES:
            screen = router.make(entry.name, context)
            if isinstance(screen, PollingScreen):
                assert screen.pane_name == entry.name, type(screen).__name__
                checked.append(entry.name)
        # The drill-down hierarchy is all there (a pane that stopped being a PollingScreen
        # would drop out of this check silently otherwise).
        for name in ("clusters", "services", "service", "tasks", "instances", "instance_tasks"):
            assert name in checked


async def test_enter_on_a_services_row_opens_the_routers_enter_pane(
    frozen_sandbox: str, make_app: Any
) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded_clusters(app, pilot)
        await command(pilot, "svc core-ec2")
        services = await wait_for(
            pilot,
            lambda: app.screen.pane_name == "services" and table(app).row_count and app.screen,
        )
        t = table(app)
        t.move_cursor(row=1)
        chosen = services.services[keys(t)[1]]
        await pilot.press("enter")
        want = router.enter_of("services")
        opened = await wait_for(pilot, lambda: app.screen.pane_name == want and app.screen)
        assert opened.service.arn == chosen.arn
        assert opened.cluster.arn == services.cluster.arn


async def test_enter_on_an_instances_row_opens_the_routers_enter_pane(
    frozen_sandbox: str, make_app: Any
) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded_clusters(app, pilot)
        await command(pilot, "ci core-ec2")
        instances = await wait_for(
            pilot,
            lambda: app.screen.pane_name == "instances" and table(app).row_count and app.screen,
        )
        t = table(app)
        t.move_cursor(row=t.row_count - 1)
        chosen = instances.instances[keys(t)[-1]]
        await pilot.press("enter")
        want = router.enter_of("instances")
        opened = await wait_for(pilot, lambda: app.screen.pane_name == want and app.screen)
        assert opened.instance.arn == chosen.arn
        assert opened.cluster.arn == instances.cluster.arn

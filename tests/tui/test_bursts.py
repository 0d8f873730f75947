"""Type-ahead is never lost: keys typed in one burst, before the UI caught up, go where they would
have gone had the user typed slowly."""

from __future__ import annotations

from typing import Any

import pytest
from textual import events

from tests.tui.conftest import wait_for
from tests.tui.test_panes import keys, open_cluster, table
from tui.screens.clusters import ClustersScreen
from tui.screens.service import ServiceScreen
from tui.screens.services import ServicesScreen

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")


def burst(app: Any, text: str, *then: str) -> None:
    """Post every key at once, as a fast typist or a paste does."""
    for ch in text:
        app.post_message(events.Key("slash" if ch == "/" else ch, ch))
    for key in then:
        app.post_message(events.Key(key, "\r" if key == "enter" else None))


async def test_slash_name_enter_enter_opens_the_cluster(frozen_sandbox: str, make_app: Any) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: any(k.endswith("/shared-mixed") for k in keys(table(app))))
        assert isinstance(app.screen, ClustersScreen)
        burst(app, "/shared-mixed", "enter", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ServicesScreen))
        assert app.screen.cluster.name == "shared-mixed"


async def test_slash_name_enter_enter_opens_the_service(frozen_sandbox: str, make_app: Any) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_cluster(app, pilot, "web-fargate")
        burst(app, "/search-api", "enter", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))
        assert app.screen.service.name == "search-api"


async def test_a_burst_across_two_panes(frozen_sandbox: str, make_app: Any) -> None:
    """Clusters -> services -> service in one go: keys typed before the services pane has
    loaded still filter it and open the service."""
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: any(k.endswith("/web-fargate") for k in keys(table(app))))
        burst(app, "/web-fargate", "enter", "enter")
        burst(app, "/catalog", "enter", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))
        assert app.screen.service.name == "catalog-api"


async def test_a_command_then_a_filter_and_enter_in_one_burst(
    frozen_sandbox: str, make_app: Any
) -> None:
    """`:svc web-fargate` Enter `/catalog` Enter Enter: the keys after the command wait for the
    pane it opens (it reads the cluster first), then filter it and open the service."""
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: any(k.endswith("/web-fargate") for k in keys(table(app))))
        for ch in ":svc web-fargate":
            app.post_message(events.Key("colon" if ch == ":" else ch, ch))
        burst(app, "", "enter")
        burst(app, "/catalog", "enter", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))
        assert app.screen.service.name == "catalog-api"
        assert app.screen_stack[-2].cluster.name == "web-fargate"


async def test_keys_after_a_closed_filter_are_not_typed_into_it(
    frozen_sandbox: str, make_app: Any
) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_cluster(app, pilot, "web-fargate")
        burst(app, "/search", "enter")
        burst(app, "/", "escape")  # reopen then clear: typed ahead of every focus move
        await wait_for(pilot, lambda: not app.screen.filter_input.display)
        await wait_for(pilot, lambda: table(app).row_count > 1)
        assert app.screen.filter_input.value == ""

"""The `:` command line (aliases, completion, history, unknown commands), the resource registry,
deep links (`--cluster`/`--service`) and Back going up the hierarchy, against the sandbox."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from tests.tui.conftest import palette_choose, wait_for
from tests.tui.test_panes import keys, table
from tui import openers, resources
from tui.screens.clusters import ClustersScreen
from tui.screens.service import ServiceScreen
from tui.screens.services import ServicesScreen

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")


def notices(app: Any) -> list[str]:
    """Every notification the app shows, recorded as it is sent."""
    seen: list[str] = []
    original = app.notify

    def notify(message: str, *args: Any, **kwargs: Any) -> None:
        seen.append(str(message))
        original(message, *args, **kwargs)

    app.notify = notify
    return seen


async def loaded_clusters(app: Any, pilot: Any) -> None:
    await wait_for(pilot, lambda: any(k.endswith("/web-fargate") for k in keys(table(app))))


async def command(pilot: Any, line: str) -> None:
    await pilot.press("colon", *line, "enter")


def test_the_registry_is_one_table_with_unique_words() -> None:
    words = resources.command_words()
    assert len(words) == len(set(words))
    for name in ("clusters", "services", "tasks", "problems", "deployments", "instances"):
        assert resources.find(name) is not None
    for alias, name in [("cl", "clusters"), ("svc", "services"), ("ci", "instances")]:
        assert resources.find(alias).name == name  # type: ignore[union-attr]
    assert resources.find("td").name == "taskdefs"  # type: ignore[union-attr]
    assert resources.find("q").name == "quit"  # type: ignore[union-attr]
    assert resources.find("ecr") is not None and resources.find("nope") is None


def test_completion_of_commands_and_cluster_names() -> None:
    def values(resource: resources.Resource) -> list[str]:
        return ["web-fargate", "core-ec2"] if resource.completes == "clusters" else []

    assert resources.complete("ser", values) == "services"
    assert resources.complete("svc", values) is None  # an alias is a whole word
    assert resources.complete("svc we", values) == "svc web-fargate"
    assert resources.complete("services CO", values) == "services COre-ec2"
    assert resources.complete("zz", values) is None


async def test_svc_name_opens_that_clusters_services_and_back_goes_up(
    frozen_sandbox: str, make_app: Any
) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded_clusters(app, pilot)
        await command(pilot, "svc web-fargate")
        await wait_for(pilot, lambda: isinstance(app.screen, ServicesScreen))
        assert app.screen.cluster.name == "web-fargate"
        # a second command replaces the pane rather than stacking on it
        await command(pilot, "services shared-mixed")
        await wait_for(
            pilot,
            lambda: (
                getattr(app.screen, "cluster", None) is not None
                and app.screen.cluster.name == "shared-mixed"
            ),
        )
        assert len(app.screen_stack) == 2
        await wait_for(pilot, lambda: table(app).row_count > 0)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ClustersScreen))
        await pilot.press("escape")  # the top: stays
        assert isinstance(app.screen, ClustersScreen) and app.is_running


async def test_svc_alone_opens_the_current_cluster(frozen_sandbox: str, make_app: Any) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded_clusters(app, pilot)
        t = table(app)
        t.move_cursor(row=next(i for i, k in enumerate(keys(t)) if k.endswith("/core-ec2")))
        await command(pilot, "svc")
        await wait_for(pilot, lambda: isinstance(app.screen, ServicesScreen))
        assert app.screen.cluster.name == "core-ec2"
        await command(pilot, "cl")
        await wait_for(pilot, lambda: isinstance(app.screen, ClustersScreen))


async def test_completion_history_and_unknown_commands(
    frozen_sandbox: str, make_app: Any, monkeypatch: Any
) -> None:
    # a pane registered without an opener yet
    future = resources.Resource("future", (), "A pane not built yet")
    monkeypatch.setitem(resources._BY_WORD, "future", future)
    app = make_app(frozen_sandbox)
    seen = notices(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded_clusters(app, pilot)
        await pilot.press("colon", *"svc web-f", "tab")
        line = app.screen.command_line
        assert line.value == "svc web-fargate"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ServicesScreen))
        await command(pilot, "svcs")
        await wait_for(pilot, lambda: any("Unknown command :svcs" in n for n in seen))
        assert any("Did you mean :svc?" in n for n in seen)
        await command(pilot, "future")
        await wait_for(pilot, lambda: any("coming in a later version" in n for n in seen))
        assert isinstance(app.screen, ServicesScreen)  # neither moved the pane
        # history, newest first with Up, back to the empty line with Down
        await pilot.press("colon")
        line = app.screen.command_line
        await pilot.press("up")
        assert line.value == "future"
        await pilot.press("up", "up")
        assert line.value == "svc web-fargate"
        await pilot.press("down", "down", "down")
        assert line.value == ""
        await pilot.press("escape")
        assert not line.display and isinstance(app.screen, ServicesScreen)


def nth_service(url: str, cluster: str, n: int) -> str:
    ecs = boto3.client("ecs", endpoint_url=url, region_name="us-east-1")
    arns = [
        a
        for page in ecs.get_paginator("list_services").paginate(
            cluster=cluster, PaginationConfig={"PageSize": 100}
        )
        for a in page["serviceArns"]
    ]
    return str(arns[n - 1].rsplit("/", 1)[-1])


async def test_deep_link_opens_the_230th_service_by_name(
    frozen_sandbox: str, make_app: Any
) -> None:
    name = nth_service(frozen_sandbox, "bench", 230)
    app = make_app(frozen_sandbox, cluster="bench", service=name)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))
        assert app.screen.service.name == name and app.screen.cluster.name == "bench"
        # described by name: nothing listed the cluster's 300 services first
        assert app.clients.calls.total["ecs.ListServices"] == 0
        assert app.clients.calls.total["ecs.DescribeServices"] <= 2
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ServicesScreen))
        assert app.screen.cluster.name == "bench"
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ClustersScreen))


async def test_deep_link_to_a_cluster_and_to_nothing(frozen_sandbox: str, make_app: Any) -> None:
    app = make_app(frozen_sandbox, cluster="core-ec2")
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ServicesScreen))
        assert app.screen.cluster.name == "core-ec2"
    app = make_app(frozen_sandbox, cluster="core-ec2", service="no-such-service")
    seen = notices(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ServicesScreen))
        assert any("No service named 'no-such-service'" in n for n in seen)


async def test_region_and_profile_switch(frozen_sandbox: str, make_app: Any) -> None:
    app = make_app(frozen_sandbox)
    seen = notices(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded_clusters(app, pilot)
        await command(pilot, "svc web-fargate")
        await wait_for(pilot, lambda: isinstance(app.screen, ServicesScreen))
        await command(pilot, "region eu-west-1")
        await wait_for(pilot, lambda: app.clients.region == "eu-west-1")
        await wait_for(pilot, lambda: isinstance(app.screen, ClustersScreen))
        assert "region eu-west-1" in app.screen.header.render().plain
        await command(pilot, "profile nope")
        await wait_for(pilot, lambda: any("AWS profile 'nope'" in n for n in seen))
        assert app.clients.region == "eu-west-1"  # a refused switch changes nothing
        await command(pilot, "region us-east-1")
        await wait_for(pilot, lambda: app.clients.region == "us-east-1")
        await loaded_clusters(app, pilot)


async def test_keys_remap_actions_by_id_and_help_shows_them(
    frozen_sandbox: str, make_app: Any
) -> None:
    from rich.console import Console

    from tests.tui.test_panes import open_cluster
    from tui.render.help import key_table
    from tui.screens.dialogs.scale import ScaleScreen

    app = make_app(frozen_sandbox, keys={"scale": "z", "scael": "k"})
    seen = notices(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_cluster(app, pilot, "web-fargate")
        assert any("'scael' is not an action id (did you mean 'scale'?)" in n for n in seen)
        console = Console(width=120, record=True, color_system=None)
        console.print(key_table(app.screen))
        listed = console.export_text().splitlines()
        assert any(line.split()[:1] == ["z"] and "Scale" in line for line in listed)
        assert not any(line.split()[:1] == ["s"] for line in listed)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ServicesScreen)
        await pilot.press("z")
        await wait_for(pilot, lambda: isinstance(app.screen, ScaleScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ServicesScreen))


async def test_tasks_lists_every_task_of_a_cluster(frozen_sandbox: str, make_app: Any) -> None:
    from tui.rows.tasks import cluster_task_row
    from tui.screens.tasks import TasksScreen

    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded_clusters(app, pilot)
        await command(pilot, "tasks shared-mixed")
        await wait_for(pilot, lambda: isinstance(app.screen, TasksScreen))
        screen = app.screen
        await wait_for(pilot, lambda: screen.loaded and screen.tasks_table.row_count > 120)
        services = {screen.tasks_table.get_cell(k, "service").plain for k in keys(table(app))}
        assert {"events-ingest", "image-resizer"} <= services
        task = next(iter(screen.tasks.values()))
        # a task started on its own (no service) shows "-" in SERVICE
        from dataclasses import replace

        alone = cluster_task_row(replace(task, group="family:batch"))
        assert alone.cells[1].plain == "-"
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ServicesScreen))
        assert app.screen.cluster.name == "shared-mixed"


async def test_instances_and_ecr_panes(frozen_sandbox: str, make_app: Any) -> None:
    from tui.screens.ecr import ImagesScreen, RepositoriesScreen
    from tui.screens.instances import InstancesScreen

    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded_clusters(app, pilot)
        await command(pilot, "ci core-ec2")
        await wait_for(pilot, lambda: isinstance(app.screen, InstancesScreen))
        await wait_for(pilot, lambda: table(app).row_count == 3)  # core-ec2 has 3 instances
        assert all(i.ec2_instance_id for i in app.screen.instances.values())
        await command(pilot, "ecr")
        await wait_for(pilot, lambda: isinstance(app.screen, RepositoriesScreen))
        await wait_for(pilot, lambda: table(app).row_count > 0)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ImagesScreen))
        await wait_for(pilot, lambda: table(app).row_count > 0)
        start = app.clients.calls.total["ecr.DescribeImages"]
        tick = app.screen.ticks
        await wait_for(pilot, lambda: app.screen.ticks >= tick + 2)
        assert app.clients.calls.total["ecr.DescribeImages"] == start  # read on relist only
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, RepositoriesScreen))


async def test_taskdefs_families_revisions_and_masked_json(
    frozen_sandbox: str, make_app: Any
) -> None:
    from tui.screens.json_view import JsonScreen
    from tui.screens.taskdefs import FamiliesScreen, RevisionsScreen

    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded_clusters(app, pilot)
        await command(pilot, "td")
        await wait_for(pilot, lambda: isinstance(app.screen, FamiliesScreen))
        await wait_for(pilot, lambda: table(app).row_count > 0)
        families = app.screen.families
        assert "payments-api" in families
        await command(pilot, "td payments-api")
        await wait_for(pilot, lambda: isinstance(app.screen, RevisionsScreen))
        await wait_for(pilot, lambda: table(app).row_count >= 2)  # seeded at revision 2
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, JsonScreen))
        data = json.loads(app.clipboard)
        assert data["family"] == "payments-api"
        env = [e for c in data["containerDefinitions"] for e in c.get("environment", [])]
        # one masking rule (aws.secrets): APP_ENV is no secret, so it reads as it is
        # (tests/tui/test_secrets_shown.py covers masked values and u)
        assert {"name": "APP_ENV", "value": "prod"} in env
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, RevisionsScreen))
        await pilot.press("escape")  # up: the families
        await wait_for(pilot, lambda: isinstance(app.screen, FamiliesScreen))


async def test_profile_and_region_pickers(
    frozen_sandbox: str, make_app: Any, monkeypatch: Any, tmp_path: Any
) -> None:
    from textual.widgets import OptionList

    from tui.screens.dialogs.picker import PickerScreen

    config = tmp_path / "config"
    config.write_text(
        "[profile dev]\nregion = us-east-1\naws_access_key_id = testing\n"
        "aws_secret_access_key = testing\n"
        "[profile sso-prod]\nsso_start_url = https://example.awsapps.com/start\n"
        "sso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = Admin\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded_clusters(app, pilot)
        await command(pilot, "region")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen))
        options = app.screen.query_one(OptionList)
        assert app.screen.names[options.highlighted or 0] == "us-east-1"  # the current one
        options.highlighted = app.screen.names.index("us-west-2")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.clients.region == "us-west-2")
        await command(pilot, "profile")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen))
        assert app.screen.names == ["dev", "sso-prod"]
        options = app.screen.query_one(OptionList)
        options.highlighted = 0
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.settings.profile == "dev")
        await wait_for(pilot, lambda: isinstance(app.screen, ClustersScreen))
        assert "profile dev" in app.screen.header.render().plain
        await command(pilot, "region")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.press("escape")  # picks nothing, changes nothing
        await wait_for(pilot, lambda: isinstance(app.screen, ClustersScreen))
        assert app.clients.region == "us-west-2" and app.settings.profile == "dev"


def test_a_service_given_alone_finds_its_cluster() -> None:
    arn = "arn:aws:ecs:us-east-1:123456789012:service/bench/svc-230"
    assert openers.cluster_of(arn) == "bench"
    assert openers.cluster_of("svc-230") == "default"
    assert openers.cluster_of("arn:aws:ecs:us-east-1:123456789012:service/old-style") == "default"


async def test_the_palette_lists_the_registry_commands(frozen_sandbox: str, make_app: Any) -> None:
    from tests.tui.test_panes import open_cluster

    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_cluster(app, pilot, "web-fargate")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await palette_choose(pilot, ":clusters", ":clusters")
        await wait_for(pilot, lambda: isinstance(app.screen, ClustersScreen))
        assert len(app.screen_stack) == 2

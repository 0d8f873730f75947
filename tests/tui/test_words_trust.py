"""Words a new user trips on (issue 15): a mistyped region or service name answered with the
closest real one, views that exist said to exist, and counts, tags and exit codes that say what
they are."""

from __future__ import annotations

from typing import Any

import pytest

from aws.models import LoadBalancerRef, TaskDefinition
from tests.tui.conftest import notes, wait_for
from tests.tui.test_navigation import command, loaded_clusters
from tests.tui.test_panes import table
from tui.screens.clusters import ClustersScreen
from tui.screens.dialogs.picker import PickerScreen
from tui.screens.services import ServicesScreen

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")


async def test_unknown_region_is_refused_with_the_closest_and_pickers_filter(
    frozen_sandbox: str, make_app: Any, monkeypatch: Any, tmp_path: Any
) -> None:
    from textual.widgets import OptionList

    empty = tmp_path / "config"
    empty.write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded_clusters(app, pilot)
        await command(pilot, "region eu-wst-1")
        await wait_for(pilot, lambda: "Unknown region 'eu-wst-1'" in notes(app))
        assert "Did you mean 'eu-west-1'?" in notes(app)
        assert app.clients.region == "us-east-1" and isinstance(app.screen, ClustersScreen)
        # :dp where there is no service: say how to get to one, not "a later version"
        await command(pilot, "dp")
        await wait_for(pilot, lambda: ":deployments" in notes(app))
        assert "pick a service first" in notes(app) and "later version" not in notes(app)
        # the profile picker with no profile names the files it read
        await command(pilot, "profile")
        await wait_for(pilot, lambda: "No profiles to pick from" in notes(app))
        assert str(empty) in notes(app) and str(tmp_path / "credentials") in notes(app)
        # typing filters the region picker; Enter picks the first match
        await command(pilot, "region")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.press(*"us-west-2")
        options = app.screen.query_one(OptionList)
        await wait_for(pilot, lambda: options.option_count == 1)
        assert options.get_option_at_index(0).id == "us-west-2"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.clients.region == "us-west-2")
        # the header's two counts say what each counts
        await wait_for(pilot, lambda: "calls/min" in app.screen.header.render().plain)
        header = app.screen.header.render().plain
        assert "· pane " in header and "/refresh · app " in header


async def test_a_mistyped_service_gets_the_closest_name(frozen_sandbox: str, make_app: Any) -> None:
    app = make_app(frozen_sandbox, cluster="core-ec2", service="payments-apx")
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ServicesScreen))
        await wait_for(pilot, lambda: "No service named 'payments-apx'" in notes(app))
        assert "Did you mean 'payments-api'?" in notes(app)


async def test_a_service_alone_says_which_cluster_it_looked_in(
    frozen_sandbox: str, make_app: Any
) -> None:
    app = make_app(frozen_sandbox, service="payments-api")
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: "--service alone" in notes(app))
        assert "default cluster" in notes(app) and "--cluster NAME" in notes(app)
        await wait_for(pilot, lambda: table(app).row_count > 0)


def test_usage_line_with_no_datapoint_names_the_reservation() -> None:
    from aws.metrics import History
    from tui.usage import usage_line

    history = History(cpu=(), memory=(50.0,))
    text = usage_line(history, (256, 512)).plain
    assert "cpu no data (0.25 vCPU reserved)" in text and "no data of" not in text
    assert "mem" in text and "50% of 512 MiB" in text


def test_exit_137_with_an_out_of_memory_reason_is_not_a_question() -> None:
    from aws.triage.causes import stop_summary
    from tests.aws.test_causes import container, task

    oom = container(exit_code=137, reason="OutOfMemoryError: Container killed due to memory usage")
    summary = stop_summary(task("EssentialContainerExited", "Essential container exited", oom))
    assert "exit 137 (out of memory)" in summary and "OOM?" not in summary
    plain = stop_summary(task("EssentialContainerExited", "exited", container(exit_code=137)))
    assert "exit 137 (OOM?)" in plain  # only the exit code: still a guess


def test_a_rollback_diff_names_both_revisions() -> None:
    from aws import taskdef

    def body(rev: int, image: str) -> dict[str, Any]:
        return {
            "family": "web",
            "revision": rev,
            "containerDefinitions": [{"name": "app", "image": image}],
        }

    diff = taskdef.diff(body(5, "web:1.5"), body(3, "web:1.3"))
    assert "--- rev 5\n+++ rev 3 (older)\n" in diff and "+++ new" not in diff
    registered = taskdef.diff(body(5, "web:1.5"), {**body(5, "web:1.6"), "revision": None})
    assert "+++ new" in registered  # a body not registered yet is new


def test_revision_images_name_their_container() -> None:
    from aws.taskdef_history import container_tags

    td = TaskDefinition(
        "arn:aws:ecs:r:1:task-definition/web:7",
        "web",
        7,
        None,
        (),
        None,
        None,
        {
            "containerDefinitions": [
                {"name": "app", "image": "web:1.4.1"},
                {"name": "datadog-agent", "image": "public.ecr.aws/datadog/agent:7"},
            ]
        },
    )
    assert container_tags(td) == ["app 1.4.1", "datadog-agent 7"]


def test_a_service_without_load_balancer_says_so() -> None:
    from dataclasses import replace

    from tui.rows.service import targets_title

    service = _service()
    assert targets_title(service, []) == (
        "Target health · not load-balanced (the service has no target group)"
    )
    balanced = replace(service, load_balancers=(LoadBalancerRef("arn:tg", "app", 8080),))
    assert targets_title(balanced, []) == "Target health · 0 targets"  # all gone: say so


def _service() -> Any:
    from aws.models import Service

    return Service(
        "arn:aws:ecs:r:1:service/c/web",
        "web",
        "arn:c",
        "ACTIVE",
        1,
        1,
        0,
        None,
        "FARGATE",
        (),
        (),
        (),
        (),
        None,
        None,
        None,
    )

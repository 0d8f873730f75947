"""Container instances (columns, an instance's tasks, drain and activate) and the ECR browser
(scan results, USED BY, `R` into the register flow), through the keyboard against the sandbox.

Read-only checks use the session's frozen sandbox; the mutations get a sandbox of their own
(no simulation, so nothing else moves the instances), read back with boto3.
"""

from __future__ import annotations

from typing import Any

import pytest

from aws.audit import AuditLog
from tests.tui.conftest import aws_client, wait_for
from tests.tui.test_actions import mutations, notes
from tests.tui.test_navigation import command, loaded_clusters
from tests.tui.test_panes import keys, table
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.ecr import ImagesScreen, RepositoriesScreen
from tui.screens.instances import InstancesScreen
from tui.screens.tasks import TasksScreen

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")


def instance_status(url: str, arn: str) -> str:
    ecs = aws_client(url, "ecs")
    [doc] = ecs.describe_container_instances(cluster="core-ec2", containerInstances=[arn])[
        "containerInstances"
    ]
    return str(doc["status"])


async def open_instances(pilot: Any) -> InstancesScreen:
    app = pilot.app
    await loaded_clusters(app, pilot)
    await command(pilot, "ci core-ec2")
    screen = await wait_for(pilot, lambda: isinstance(app.screen, InstancesScreen) and app.screen)
    await wait_for(pilot, lambda: table(app).row_count == 3)
    return screen  # type: ignore[no-any-return]


async def test_instances_pane_columns_and_the_n_key(frozen_sandbox: str, make_app: Any) -> None:
    from tui.screens.services import ServicesScreen

    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded_clusters(app, pilot)
        await command(pilot, "svc core-ec2")
        await wait_for(pilot, lambda: isinstance(app.screen, ServicesScreen))
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, InstancesScreen))
        await wait_for(pilot, lambda: table(app).row_count == 3)
        t = table(app)
        labels = [str(c.label) for c in t.columns.values()]
        for label in ("TYPE", "ZONE", "AGENT", "CPU LEFT", "MEM LEFT", "RUNNING"):
            assert label in labels
        for arn in keys(t):
            cells = [c.plain for c in t.get_row(arn)]
            i = app.screen.instances[arn]
            assert cells[2] in ("m5.xlarge", "m6i.xlarge") and cells[3].startswith("us-east-1")
            assert cells[5] == f"✓ {i.agent_version}"
            assert cells[6] == f"{i.cpu_remaining}/{i.cpu_registered}"
            assert i.cpu_remaining < i.cpu_registered  # tasks run there
            assert cells[7] == f"{i.memory_remaining}/{i.memory_registered}"
        # D and A are the pane's actions, not column sorts
        assert not {"D", "A"} & {letter for letter, _, _ in t.sort_keys}
        await pilot.press("escape")  # n pushed it over the services pane
        await wait_for(pilot, lambda: isinstance(app.screen, ServicesScreen))


async def test_enter_lists_the_instance_tasks(frozen_sandbox: str, make_app: Any) -> None:
    ecs = aws_client(frozen_sandbox, "ecs")
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_instances(pilot)
        instance = screen.selected_resource()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TasksScreen))
        tasks_screen = app.screen
        assert tasks_screen.instance == instance
        listed = ecs.list_tasks(cluster="core-ec2", containerInstance=instance.arn)["taskArns"]
        assert listed  # the seed places tasks on every instance
        await wait_for(pilot, lambda: set(tasks_screen.tasks) >= set(listed))
        assert {t.container_instance_arn for t in tasks_screen.tasks.values()} == {instance.arn}
        all_running = ecs.list_tasks(cluster="core-ec2")["taskArns"]
        assert len(tasks_screen.tasks) < len(all_running)  # only this instance's
        assert instance.ec2_instance_id in tasks_screen.crumb
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)


async def test_drain_then_activate_through_the_confirmation(sandbox: str, make_app: Any):
    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_instances(pilot)
        instance = screen.selected_resource()
        assert instance_status(sandbox, instance.arn) == "ACTIVE"
        await pilot.press("D")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        plan = app.screen.plan
        assert plan.calls[0].operation == "UpdateContainerInstancesState"
        assert plan.calls[0].params["status"] == "DRAINING"
        await pilot.press("enter")  # Cancel has the focus: nothing is sent
        await wait_for(pilot, lambda: "Cancelled" in notes(app))
        assert mutations_sent(app) == 0
        assert instance_status(sandbox, instance.arn) == "ACTIVE"
        await pilot.press("D")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("tab", "enter")
        await wait_for(pilot, lambda: instance_status(sandbox, instance.arn) == "DRAINING")
        # the pane reads it back (the confirmation refreshes it)
        await wait_for(pilot, lambda: screen.instances[instance.arn].status == "DRAINING")
        screen.query_one("#instances").move_cursor(
            row=keys(table(app)).index(instance.arn)  # DRAINING rows sort last
        )
        await pilot.pause()
        assert screen.selected_resource().arn == instance.arn
        await pilot.press("A")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert app.screen.plan.calls[0].params["status"] == "ACTIVE"
        await pilot.press("tab", "enter")
        await wait_for(pilot, lambda: instance_status(sandbox, instance.arn) == "ACTIVE")
        assert mutations_sent(app) == 2
    lines = [r for r in AuditLog().read() if r["call"] == "UpdateContainerInstancesState"]
    assert [(r["result"], r["params"]["status"]) for r in lines] == [
        ("ok", "DRAINING"),
        ("ok", "ACTIVE"),
    ]
    assert {r["cluster"] for r in lines} == {"core-ec2"}


def mutations_sent(app: Any) -> int:
    return int(app.clients.calls.total.get("ecs.UpdateContainerInstancesState", 0))


@pytest.mark.parametrize("key", ["D", "A"])
async def test_read_only_refuses_drain_and_activate(frozen_sandbox: str, make_app: Any, key: str):
    app = make_app(frozen_sandbox, read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_instances(pilot)
        await pilot.press(key)
        await wait_for(pilot, lambda: "read-only mode" in notes(app))
        assert app.screen is screen and mutations_sent(app) == 0 and mutations(app) == {}
    [line] = AuditLog().read()
    assert line["result"] == "refused" and line["cluster"] == "core-ec2"
    assert line["params"]["status"] == ("DRAINING" if key == "D" else "ACTIVE")


async def open_images(pilot: Any, repository: str) -> ImagesScreen:
    app = pilot.app
    await loaded_clusters(app, pilot)
    await command(pilot, "ecr core-ec2")
    await wait_for(pilot, lambda: isinstance(app.screen, RepositoriesScreen))
    await wait_for(pilot, lambda: any(k.endswith(f"/{repository}") for k in keys(table(app))))
    table(app).move_cursor(row=[k.rsplit("/", 1)[-1] for k in keys(table(app))].index(repository))
    await pilot.press("enter")
    screen = await wait_for(pilot, lambda: isinstance(app.screen, ImagesScreen) and app.screen)
    await wait_for(pilot, lambda: screen.usage is not None and table(app).row_count > 0)
    return screen  # type: ignore[no-any-return]


async def test_images_newest_first_with_scan_and_used_by(frozen_sandbox: str, make_app: Any):
    ecs = aws_client(frozen_sandbox, "ecs")
    [service] = ecs.describe_services(cluster="core-ec2", services=["payments-api"])["services"]
    td = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
    running_tag = td["containerDefinitions"][0]["image"].rsplit(":", 1)[-1]
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_images(pilot, "payments-api")
        t = table(app)
        shown = [screen.images[k] for k in keys(t)]
        pushed = [im.pushed_at for im in shown]
        assert pushed == sorted(pushed, reverse=True) and len(set(pushed)) > 1
        assert all(im.scan_status == "COMPLETE" and im.scan_findings for im in shown)
        scan_column = [t.get_row(k)[4].plain for k in keys(t)]
        assert all(any(sev in cell for sev in ("HIGH", "MEDIUM", "LOW")) for cell in scan_column)
        used = {tag: t.get_row(im.digest)[5].plain for im in shown for tag in im.tags}
        assert used[running_tag] == "payments-api"
        assert [v for tag, v in used.items() if tag != running_tag] == ["-"] * (len(used) - 1)
        # one read: ListServices + DescribeServices + a cached task definition each
        calls = app.clients.calls.total
        assert calls["ecs.DescribeTaskDefinition"] <= len(screen.usage.services)


async def test_used_by_is_read_less_often_than_the_images(frozen_sandbox: str, make_app: Any):
    app = make_app(frozen_sandbox, relist=0.3)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_images(pilot, "payments-api")
        calls = app.clients.calls.total
        images, services = calls["ecr.DescribeImages"], calls["ecs.ListServices"]
        await wait_for(pilot, lambda: calls["ecr.DescribeImages"] >= images + 2)
        assert calls["ecs.ListServices"] == services  # USED BY waits for USES_TTL
        await pilot.press("r")  # ... or for r
        await wait_for(pilot, lambda: calls["ecs.ListServices"] > services)


async def test_r_picks_a_service_and_reaches_the_register_flow(sandbox: str, make_app: Any):
    from tui.screens.dialogs.picker import PickerScreen

    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_images(pilot, "payments-api")
        newest = screen.images[keys(table(app))[0]]
        await pilot.press("R")
        picker = await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen) and app.screen)
        assert picker.names[0] == "payments-api"  # the service using the repository first
        assert set(picker.names) == {s.name for s in screen.usage.services}
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        plan = app.screen.plan
        assert plan.calls[0].operation == "RegisterTaskDefinition"
        [container] = plan.calls[0].params["containerDefinitions"]
        assert container["image"].endswith(f"/payments-api:{newest.tags[0]}")
        assert plan.diff and f":{newest.tags[0]}" in plan.diff
        assert plan.service == "payments-api" and plan.cluster == "core-ec2"
        await pilot.press("escape")  # cancel: nothing registered
        await wait_for(pilot, lambda: "Cancelled" in notes(app))
        assert mutations(app) == {}


async def test_r_in_read_only_mode_is_refused(frozen_sandbox: str, make_app: Any) -> None:
    app = make_app(frozen_sandbox, read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_images(pilot, "payments-api")
        await pilot.press("R")
        await wait_for(pilot, lambda: "read-only mode" in notes(app))
        assert app.screen is screen and mutations(app) == {}
    [line] = AuditLog().read()
    assert line["result"] == "refused" and line["params"]["repository"] == "payments-api"

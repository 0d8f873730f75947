"""Tables a newcomer reads right: they fit the pane, ages in one format, one sort letter per
column name on every pane, a stopped task without health, overlays that wrap under themselves,
and help and footer keys named as the rest of ecsdeck names them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from rich.console import Console
from rich.text import Text
from textual.app import App, ComposeResult

from aws.ecs_convert import task_from_dict
from tests.tui.conftest import wait_for
from tests.tui.test_panes import open_service, table
from tui.widgets.live_table import LiveTable, Row, sort_letters


def printed(renderable: Any, width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text().splitlines()


# -- ages -------------------------------------------------------------------------------------


def test_ages_have_one_format_in_two_units() -> None:
    from tui.text import age

    now = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    ago = {42: "42s", 105: "1m45s", 120: "2m", 599: "9m59s", 2883: "48m", 6180: "1h43m"}
    ago |= {7200: "2h", 183600: "2d3h"}
    assert {s: age(now - timedelta(seconds=s), now) for s in ago} == ago


# -- sort letters -----------------------------------------------------------------------------


def every_table() -> dict[str, tuple[list[tuple[str, str]], str]]:
    """Each LiveTable's columns and the Shift+letters its pane keeps for actions."""
    from tui.rows import (
        clusters,
        deployments,
        ecr,
        instances,
        problems,
        service,
        services,
        taskdefs,
        tasks,
    )

    return {
        "clusters": (clusters.COLUMNS, ""),
        "services": (services.COLUMNS, "M"),
        "service tasks": (tasks.TASK_COLUMNS, ""),
        "targets": (service.TARGET_COLUMNS, ""),
        ":tasks": (tasks.CLUSTER_TASK_COLUMNS, ""),
        "instances": (instances.COLUMNS, "DA"),
        "problems": (problems.COLUMNS, ""),
        "families": (taskdefs.FAMILY_COLUMNS, ""),
        "revisions": (taskdefs.REVISION_COLUMNS, ""),
        "deployments": (deployments.COLUMNS, ""),
        "repositories": (ecr.REPO_COLUMNS, ""),
        "images": (ecr.IMAGE_COLUMNS, "R"),
    }


def test_a_column_name_has_one_sort_letter_on_every_pane() -> None:
    letter_of: dict[str, set[str]] = {}
    for pane, (columns, reserved) in every_table().items():
        labels = [label for _, label in columns]
        letters = sort_letters(labels, reserved)
        given = [x for x in letters if x]
        assert len(given) == len(set(given)), (pane, letters)  # no two columns on one letter
        assert not set(given) & set(reserved + "EGLX"), pane
        for label, letter in zip(labels, letters, strict=True):
            letter_of.setdefault(label, set()).add(letter)
            assert letter == "" or letter in label, (label, letter)  # a letter of the name
    assert {label: ls for label, ls in letter_of.items() if len(ls) > 1} == {}
    # AGE, TASK DEF and STATUS: the same key on :tasks and on the service pane
    tasks_cols, service_cols = every_table()[":tasks"][0], every_table()["service tasks"][0]
    by_label = [
        dict(zip([lbl for _, lbl in cols], sort_letters([lbl for _, lbl in cols]), strict=True))
        for cols in (tasks_cols, service_cols)
    ]
    assert by_label[0]["AGE"] == by_label[1]["AGE"] == "A"
    assert by_label[0]["TASK DEF"] == by_label[1]["TASK DEF"]
    assert all(letter for label, letter in by_label[0].items())  # AGE had none on :tasks


async def test_shift_a_sorts_age_on_the_tasks_pane_and_the_service_pane(
    frozen_sandbox: str, make_app: Any
) -> None:
    from tui.screens.tasks import TasksScreen

    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_service(app, pilot, "core-ec2")
        tasks = table(app, "#tasks")
        await wait_for(pilot, lambda: tasks.row_count > 0)
        tasks.focus()
        await pilot.press("A")
        assert tasks.sort_column == "age"
        app.run_command("tasks core-ec2")
        await wait_for(pilot, lambda: isinstance(app.screen, TasksScreen))
        every = table(app, "#tasks")
        await wait_for(pilot, lambda: every.row_count > 0)
        every.focus()
        await pilot.press("A")
        assert every.sort_column == "age"


# -- widths -----------------------------------------------------------------------------------


def no_sideways_scroll(t: LiveTable) -> bool:
    return t.size.width > 0 and t.max_scroll_x == 0 and not t.show_horizontal_scrollbar


async def test_clusters_pane_fits_80_columns(frozen_sandbox: str, make_app: Any) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        t = table(app)
        await wait_for(pilot, lambda: t.row_count >= 3)
        await wait_for(pilot, lambda: no_sideways_scroll(t))
        assert t.max_scroll_x == 0


async def test_services_pane_fits_80_columns_and_follows_a_resize(
    frozen_sandbox: str, make_app: Any
) -> None:
    """At 80 columns the services pane leaves out CPU%, MEM%, COMPUTE and TASK DEF rather than
    scroll sideways; widened, they come back, with the same rows, sort and selected row."""
    from tests.tui.test_panes import open_cluster

    app = make_app(frozen_sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        for cluster in ("shared-mixed", "web-fargate", "core-ec2", "bench"):
            if cluster != "shared-mixed":
                await pilot.press("escape")
            await open_cluster(app, pilot, cluster)
            t = table(app, "#services")
            await wait_for(pilot, lambda t=t: no_sideways_scroll(t))
            assert t.max_scroll_x == 0, cluster
            assert "cpu" not in t.columns and "targets" in t.columns
        t.focus()
        await pilot.press("S", "down", "down")  # sorted by SERVICE, the third row selected
        chosen, count = t.selected_key, t.row_count
        await pilot.resize_terminal(160, 36)
        wide = await wait_for(
            pilot, lambda: "cpu" in table(app, "#services").columns and table(app, "#services")
        )
        await wait_for(pilot, lambda: no_sideways_scroll(wide))
        assert (wide.row_count, wide.selected_key, wide.sort_column) == (count, chosen, "name")
        assert app.screen.focused is wide


async def test_no_table_scrolls_sideways_at_120_columns(frozen_sandbox: str, make_app: Any) -> None:
    """The horizontal scrollbar was the stray ``▌`` above the footer: the last column (LAST
    EVENT, STOP REASON) now takes the width left and ends in "…"."""
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_service(app, pilot, "core-ec2")
        await wait_for(pilot, lambda: table(app, "#tasks").row_count > 0)
        for t in app.screen.query(LiveTable):
            await wait_for(pilot, lambda t=t: no_sideways_scroll(t))
        await pilot.press("escape")
        services = table(app, "#services")
        await wait_for(pilot, lambda: no_sideways_scroll(services))
        event = services.get_cell(services.shown_keys()[0], "event").plain
        assert len(event) > services.columns["event"].width  # type: ignore[index]  # cut, not lost


class TasksApp(App[None]):
    def compose(self) -> ComposeResult:
        yield LiveTable([("id", "TASK"), ("status", "STATUS"), ("why", "STOP REASON")])


def task_cells(status: str) -> tuple[Text, ...]:
    return (Text("0f47a9d2"), Text(status), Text("TaskFailedToStart: CannotPullContainerError"))


async def test_status_column_narrows_after_a_transient_status() -> None:
    app = TasksApp()
    async with app.run_test(size=(60, 10)) as pilot:
        t = app.query_one(LiveTable)
        status = t.columns["status"]  # type: ignore[index]
        t.set_rows([Row("a", task_cells("… DEPROVISIONING"), "a"), Row("b", task_cells("x"), "b")])
        await wait_for(pilot, lambda: status.content_width == len("… DEPROVISIONING"))
        t.upsert_rows([Row("a", task_cells("✓ RUNNING"), "a")])
        await wait_for(pilot, lambda: status.content_width == len("✓ RUNNING"))
        # a row leaving takes its width with it too
        t.upsert_rows([Row("c", task_cells("… PROVISIONING"), "c")])
        await wait_for(pilot, lambda: status.content_width == len("… PROVISIONING"))
        t.remove_rows(["c"])
        await wait_for(pilot, lambda: status.content_width == len("✓ RUNNING"))
        # the room went to STOP REASON, cut with "…" at the pane's edge
        await wait_for(pilot, lambda: no_sideways_scroll(t))


async def test_service_pane_at_60x15_shows_task_rows(frozen_sandbox: str, make_app: Any) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(60, 15)) as pilot:
        await open_service(app, pilot, "core-ec2")
        tasks = table(app, "#tasks")
        await wait_for(pilot, lambda: tasks.row_count > 0)
        await wait_for(pilot, lambda: tasks.size.height >= 2)  # the header and a row at least
        assert tasks.region.height >= 2


# -- a stopped task ---------------------------------------------------------------------------


def test_a_stopped_task_shows_no_health() -> None:
    from tui.rows.tasks import task_row

    doc = {
        "taskArn": "arn:aws:ecs:us-east-1:123456789012:task/core/0f47a9d2",
        "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/core",
        "lastStatus": "STOPPED",
        "healthStatus": "HEALTHY",
        "stoppedAt": datetime.now(UTC),
        "stoppedReason": "Essential container in task exited",
    }
    assert task_row(task_from_dict(doc)).cells[2].plain == "-"
    running = task_row(task_from_dict({**doc, "lastStatus": "RUNNING"}))
    assert running.cells[2].plain == "HEALTHY"


# -- overlays ---------------------------------------------------------------------------------


def test_events_and_scaling_wrap_under_their_text_and_name_esc() -> None:
    from dataclasses import replace

    from aws.autoscaling import Scaling, ScalingActivity
    from aws.models import ServiceEvent
    from tests.tui.test_status import svc
    from tui.render.autoscaling import render_scaling
    from tui.render.events import render_events

    now = datetime.now(UTC)
    long = "(service web) was unable to place a task because no container instance met all"
    service = replace(svc(2, 2), events=(ServiceEvent("1", now, long),))
    lines = printed(render_events(service), 70)
    assert "Esc closes" in lines[0]
    at = lines[2].index("(service web)")
    assert lines[3].strip() and lines[3][:at].strip() == ""  # continues under the message
    activity = ScalingActivity("Setting desired count to 3.", "Successful", long, now)
    scaling = Scaling(min_capacity=1, max_capacity=4, activities=(activity,))
    lines = printed(render_scaling(service, scaling), 60)
    assert "Esc closes" in lines[0]
    row = next(i for i, line in enumerate(lines) if "Setting desired" in line)
    at = lines[row].index("Setting")
    assert all(line[:at].strip() == "" for line in lines[row + 1 : row + 3])


# -- help and footer --------------------------------------------------------------------------


async def test_help_and_footer_name_keys_as_ecsdeck_does(
    frozen_sandbox: str, make_app: Any
) -> None:
    from textual.widgets._footer import FooterKey

    from tui.render.help import key_table
    from tui.screens.problems import ProblemsScreen
    from tui.widgets.fit_footer import FitFooter

    app = make_app(frozen_sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: table(app).row_count >= 3)
        clusters = app.screen
        listed = "\n".join(printed(key_table(clusters), 100))
        assert re.search(r"^Esc ", listed, re.M) and "escape" not in listed
        assert "ctrl+q" not in listed.lower() and "Theme" not in listed
        assert re.search(r"^Enter +Show this cluster's services", listed, re.M)

        def footer() -> list[str]:
            keys = app.screen.query_one(FitFooter).query(FooterKey)
            return [k.description for k in keys]

        # the first pane: Enter and `:` named, no Back (Esc has nowhere to go)
        await wait_for(pilot, lambda: {"Services", "Command"} <= set(footer()))
        assert "Back" not in footer() and footer()[:2] == ["Help", "Quit"]
        await pilot.press("exclamation_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, ProblemsScreen))
        listed = "\n".join(printed(key_table(app.screen), 100))
        assert re.search(r"^Enter +Open the culprit", listed, re.M), listed
        await wait_for(pilot, lambda: "Back" in footer())

"""Texts a user reads in the panes and dialogs: words, not Python values or bare numbers."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from aws.models import TaskDefinition
from aws.taskdef_history import image_tag
from tests.tui.conftest import wait_for
from tests.tui.test_actions import open_services

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")


def test_image_tag_of_each_image_form() -> None:
    assert image_tag("123.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2") == "1.4.2"
    assert image_tag("registry:5000/team/web:v7") == "v7"  # a registry port is not a tag
    assert image_tag("nginx") == "latest"
    assert image_tag("web@sha256:0123456789abcdef") == "@sha256:0123456789ab"


def test_revision_label_names_images_and_age() -> None:
    from tui.dialog_parts import revision_label

    arn = "arn:aws:ecs:us-east-1:1:task-definition/web:7"
    td = TaskDefinition(
        arn=arn,
        family="web",
        revision=7,
        network_mode=None,
        requires_compatibilities=(),
        cpu=None,
        memory=None,
        raw={
            "containerDefinitions": [
                {"name": "app", "image": "web:1.4.2"},
                {"name": "proxy", "image": "envoy:v1.30"},
            ],
            "registeredAt": datetime.now(UTC) - timedelta(days=3, minutes=1),
        },
    )
    text = revision_label(arn, True, td).plain
    assert text == "web:7  image 1.4.2, v1.30 · registered 3d ago  (running now)"
    assert revision_label(arn, False).plain == "web:7"


async def test_the_deploy_picker_shows_image_tags_and_ages(
    frozen_sandbox: str, make_app: Any
) -> None:
    from textual.widgets import OptionList

    from tui.screens.dialogs.deploy import DeployScreen

    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_services(pilot, "core-ec2", "email-worker")
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, DeployScreen))
        options = app.screen.query_one("#revisions", OptionList)

        def prompts() -> list[str]:
            return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]

        await wait_for(pilot, lambda: all("image " in p for p in prompts()))
        assert all(" ago" in p for p in prompts()), prompts()
        # The sandbox registered its revisions a week apart, as a release train would.
        ages = [p.split("registered ", 1)[1].split(" ago")[0] for p in prompts()]
        assert len(set(ages)) == len(ages) and all(re.fullmatch(r"\d+d(\d+h)?", a) for a in ages), (
            ages
        )
        await pilot.press("escape")


def _stopped_task(*exit_codes: int) -> Any:
    from tests.aws.test_causes import container, task

    return task(
        "EssentialContainerExited",
        "Essential container in task exited",
        *(container(f"c{code}", exit_code=code) for code in exit_codes),
    )


def test_task_detail_explains_137_139_and_143() -> None:
    from tui.render.task_detail import describe

    text = describe(_stopped_task(137, 139, 143)).plain
    assert "exit 137 (killed with SIGKILL" in text
    assert "exit 139 (crashed with a segmentation fault (SIGSEGV))" in text
    assert "exit 143 (stopped with SIGTERM: ECS asked it to stop" in text and "graceful" in text


def test_stop_summary_flags_139_and_143_like_137() -> None:
    from aws.triage.causes import stop_summary

    summary = stop_summary(_stopped_task(139, 143))
    assert "c139 exit 139 (segfault)" in summary
    assert "c143 exit 143 (SIGTERM, graceful stop)" in summary


def test_a_stopped_tasks_age_is_labelled_and_sorts_as_an_age() -> None:
    from dataclasses import replace

    from tui.rows.tasks import TASK_COLUMNS, task_row
    from tui.widgets.live_table import sort_key

    stopped = replace(_stopped_task(1), stopped_at=datetime.now(UTC) - timedelta(minutes=5))
    age_cell = task_row(stopped).cells[[k for k, _ in TASK_COLUMNS].index("age")].plain
    assert age_cell == "stopped 5m"
    assert sort_key("stopped 5m") == sort_key("5m") > sort_key("42s")


def test_one_timestamp_format_in_task_detail_and_json() -> None:
    from dataclasses import replace

    from tui.json_text import to_json
    from tui.render.task_detail import describe

    at = datetime(2026, 11, 27, 0, 57, 20, 391000, tzinfo=UTC)
    task = replace(_stopped_task(1), started_at=at, stopped_at=at + timedelta(minutes=1))
    text = describe(task).plain
    assert "started  2026-11-27 00:57:20 UTC (" in text
    assert "stopped  2026-11-27 00:58:20 UTC (" in text
    shown = to_json(task)
    assert '"started_at": "2026-11-27 00:57:20 UTC"' in shown
    assert "+00:00" not in text + shown and ".391" not in text + shown

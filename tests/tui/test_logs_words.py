"""The logs view says what it shows: the window in words and its keys in the footer, a stopped
task's logs as stopped (and why), an empty stream as empty, and times in one column."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from textual.widgets._footer import FooterKey

from aws.ecs_convert import task_from_dict
from aws.log_models import LogEvent
from tests.tui.conftest import aws_client, log_stream, wait_for
from tests.tui.test_logs import _service_with_a_stopped_task, shown
from tests.tui.test_panes import table
from tui.log_lines import line_text
from tui.screens.logs import LogsScreen

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")


def footer(screen: Any) -> dict[str, str]:
    return {k.key_display: k.description for k in screen.query(FooterKey)}


def test_todays_and_older_lines_start_their_message_in_the_same_column() -> None:
    now = datetime.now(UTC)
    lines = [
        line_text(
            LogEvent(when, "msg", "ecs/app/t1"), stamps=True, tag_task=False, tag_container=False
        ).plain
        for when in (now - timedelta(days=2), now)
    ]
    assert lines[0].index("msg") == lines[1].index("msg"), lines


async def test_a_stopped_tasks_logs_say_it_stopped_and_why(
    frozen_sandbox: str, make_app: Any
) -> None:
    cluster, _service, arn = _service_with_a_stopped_task(frozen_sandbox)
    doc = aws_client(frozen_sandbox, "ecs").describe_tasks(cluster=cluster, tasks=[arn])
    task = task_from_dict(doc["tasks"][0])
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: table(app).row_count > 0)
        screen = LogsScreen.of_task(task)
        app.push_screen(screen)
        await wait_for(pilot, lambda: screen.loops >= 1)
        note = screen.header.note or ""
        assert "✗ task stopped" in note and "ago" in note, note
        assert (task.stop_code or task.stopped_reason or "")[:20] in note, note
        assert "following" not in note
        assert "window: last lines" in note and "(0-4)" not in note
        await pilot.pause()
        keys = footer(screen)
        assert keys.get("0-4") == "Window" and keys.get("c") == "Container", keys


async def test_an_empty_stream_says_so(frozen_sandbox: str, make_app: Any) -> None:
    ecs = aws_client(frozen_sandbox, "ecs")
    cluster, _service, arn = _service_with_a_stopped_task(frozen_sandbox)
    base = task_from_dict(ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"][0])
    quiet = replace(base, arn=arn.rsplit("/", 1)[0] + "/00000000quietstream0000000000000")
    log_stream(frozen_sandbox, quiet)  # created, nothing written
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: table(app).row_count > 0)
        screen = LogsScreen.of_task(quiet)
        app.push_screen(screen)
        await wait_for(pilot, lambda: screen.loops >= 1)
        await wait_for(
            pilot, lambda: any("No log lines in this stream" in x for x in shown(screen))
        )
        assert not screen.lines

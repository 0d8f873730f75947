"""Pilot tests of the logs view against the frozen seed-7 sandbox: tail first, follow, pause,
filter, save, a service merged, and hostile lines shown as characters."""

from __future__ import annotations

import contextlib
import html
from typing import Any

import pytest

from tests.tui.conftest import aws_client, log_stream, put_log_lines, wait_for
from tests.tui.test_panes import open_cluster, open_service, table
from tui.screens.logs import LogsScreen

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")


def shown(screen: LogsScreen) -> list[str]:
    """The view's lines as the terminal shows them."""
    return [strip.text for strip in screen.view.lines]


def messages(screen: LogsScreen) -> list[str]:
    return [e.message for e in screen.lines]


async def test_task_logs_tail_first_then_follow_pause_filter_save(
    frozen_sandbox: str, make_app: Any
) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_service(app, pilot, "web-fargate")
        await wait_for(pilot, lambda: table(app, "#tasks").row_count > 0)
        pane = app.screen
        task = pane.tasks[table(app, "#tasks").shown_keys()[0]]
        group, stream = log_stream(frozen_sandbox, task)
        hostile = "ERROR [red]x[/red] \x1b[2J line 2000"
        put_log_lines(
            frozen_sandbox,
            group,
            stream,
            [f"logs-test line {n}" for n in range(1, 2000)] + [hostile],
        )

        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, LogsScreen))
        logs = app.screen
        assert isinstance(logs, LogsScreen)
        await wait_for(pilot, lambda: logs.reads >= 1)
        # the view scrolls to its end after the refresh that follows the write: waited for
        await wait_for(pilot, lambda: logs.view.is_vertical_scroll_end)
        # the true last line of the 2,000, on screen first, as characters
        assert shown(logs)[-1].endswith("ERROR [red]x[/red] ␛[2J line 2000")
        svg = html.unescape(app.export_screenshot()).replace("\xa0", " ")
        assert "[red]x[/red] ␛[2J line 2000" in svg and "\x1b" not in svg

        # follow: a line written after the view opened shows once
        put_log_lines(frozen_sandbox, group, stream, ["logs-test after 1", "logs-test after 2"])
        await wait_for(pilot, lambda: "logs-test after 2" in messages(logs))
        assert messages(logs).count("logs-test after 1") == 1
        assert messages(logs)[-3:] == [hostile, "logs-test after 1", "logs-test after 2"]
        assert shown(logs)[-1].endswith("logs-test after 2")

        # pause: no reads while paused; resume picks up what was written meanwhile, once
        await pilot.press("space")
        assert logs.paused and "PAUSED" in logs.header.render().plain
        reads = logs.reads
        put_log_lines(frozen_sandbox, group, stream, ["logs-test while paused"])
        loops = logs.loops
        await wait_for(pilot, lambda: logs.loops >= loops + 2)
        assert logs.reads == reads
        assert "logs-test while paused" not in messages(logs)
        await pilot.press("space")
        await wait_for(pilot, lambda: "logs-test while paused" in messages(logs))
        assert messages(logs)[-4:] == [
            hostile,
            "logs-test after 1",
            "logs-test after 2",
            "logs-test while paused",
        ]

        # local filter: plain text, no call
        await pilot.press("slash", *"after")
        await wait_for(pilot, lambda: len(shown(logs)) == 2)
        assert all("after" in line for line in shown(logs))
        await pilot.press("enter", "escape")
        await wait_for(pilot, lambda: len(shown(logs)) > 2)

        # save: every kept line, the path told
        await pilot.press("s")
        await wait_for(pilot, lambda: logs.saved is not None)
        assert logs.saved is not None
        saved = logs.saved.read_text()
        assert "logs-test line 1999" in saved and "␛[2J line 2000" in saved
        assert "\x1b" not in saved

        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, LogsScreen))


async def test_service_logs_are_merged_and_tagged_by_task(
    frozen_sandbox: str, make_app: Any
) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_cluster(app, pilot, "web-fargate")
        services = app.screen.services
        # the last service: the other tests write lines to the first one's streams
        table(app).move_cursor(row=table(app).row_count - 1)
        await pilot.pause()
        service = services[table(app).selected_key]
        await pilot.press("M")
        await wait_for(pilot, lambda: isinstance(app.screen, LogsScreen))
        logs = app.screen
        assert isinstance(logs, LogsScreen)
        await wait_for(pilot, lambda: logs.reads >= 1)
        running = [t for t in logs.tasks.tasks.values() if t.last_status == "RUNNING"]
        assert len(running) >= 2, service.name
        # the last lines first, however old (the seed's tasks started hours ago), each tagged
        starts = [x for x in shown(logs) if x.endswith("Listening on 0.0.0.0:8080")]
        assert all(any(f" {t.id[:12]} " in x for x in starts) for t in running)
        # a line in each of two tasks' streams, after the view opened
        for n, task in enumerate(running[:2]):
            group, stream = log_stream(frozen_sandbox, task)
            put_log_lines(frozen_sandbox, group, stream, [f"merged-test {n} from {task.id}"])
        want = {f"merged-test {n} from {t.id}" for n, t in enumerate(running[:2])}
        await wait_for(pilot, lambda: want <= set(messages(logs)))
        for n, task in enumerate(running[:2]):
            line = next(x for x in shown(logs) if f"merged-test {n} from" in x)
            assert f" {task.id[:12]} " in line  # tagged with its task
        assert all(messages(logs).count(m) == 1 for m in want)


def _service_with_a_stopped_task(url: str) -> tuple[str, str, str]:
    """(cluster ARN, service name, stopped task ARN) of a service the seed gave a past task."""
    ecs = aws_client(url, "ecs")
    for cluster in ecs.list_clusters()["clusterArns"]:
        arns = ecs.list_tasks(cluster=cluster, desiredStatus="STOPPED")["taskArns"]
        for task in ecs.describe_tasks(cluster=cluster, tasks=arns[:100])["tasks"] if arns else []:
            group = task.get("group", "")
            if group.startswith("service:") and task.get("startedAt"):
                return cluster, group.removeprefix("service:"), task["taskArn"]
    raise AssertionError("the seed has no stopped task that ran")


async def test_previous_stopped_task_is_one_key_away(frozen_sandbox: str, make_app: Any) -> None:
    from tui.screens.logs import Scope

    cluster, service, stopped = _service_with_a_stopped_task(frozen_sandbox)
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: table(app).row_count > 0)
        merged = LogsScreen(Scope(cluster, service))
        app.push_screen(merged)
        await wait_for(pilot, lambda: merged.loops >= 1)
        await pilot.press("p")
        await wait_for(
            pilot, lambda: app.screen is not merged and isinstance(app.screen, LogsScreen)
        )
        previous = app.screen
        assert isinstance(previous, LogsScreen) and previous.scope.task is not None
        assert previous.scope.task.last_status == "STOPPED"
        past = [t for t in merged.tasks.tasks.values() if t.last_status == "STOPPED"]
        assert stopped in {t.arn for t in past}
        newest = max(t.stopped_at for t in past if t.stopped_at)
        assert previous.scope.task.stopped_at == newest  # the last one to stop
        await wait_for(pilot, lambda: previous.reads >= 1 and len(previous.lines) > 0)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is merged)


async def test_filter_pattern_goes_to_cloudwatch_and_other_drivers_say_where(
    frozen_sandbox: str, make_app: Any
) -> None:
    from dataclasses import replace

    from tui.screens.logs import Scope

    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_service(app, pilot, "web-fargate")
        await wait_for(pilot, lambda: table(app, "#tasks").row_count > 1)
        pane = app.screen
        task = pane.tasks[table(app, "#tasks").shown_keys()[1]]
        group, stream = log_stream(frozen_sandbox, task)
        put_log_lines(
            frozen_sandbox, group, stream, ["INFO fine", "ERROR pattern-test boom", "INFO ok"]
        )
        table(app, "#tasks").move_cursor(row=1)
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, LogsScreen))
        logs = app.screen
        assert isinstance(logs, LogsScreen)
        await wait_for(pilot, lambda: "ERROR pattern-test boom" in messages(logs))
        await pilot.press("f", *"pattern-test", "enter")
        await wait_for(pilot, lambda: logs.pattern == "pattern-test" and logs.reads >= 1)
        await wait_for(pilot, lambda: messages(logs) == ["ERROR pattern-test boom"])
        assert "pattern: pattern-test" in logs.header.render().plain
        await pilot.press("w", "t")  # wrap on, timestamps off: the same line, redrawn
        assert logs.wrap and not logs.stamps
        assert shown(logs)[-1].startswith("ERROR pattern-test boom")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is pane)

        # a task definition whose containers log through FireLens and Splunk
        ecs = aws_client(frozen_sandbox, "ecs")
        td = ecs.register_task_definition(
            family="logs-elsewhere",
            containerDefinitions=[
                {
                    "name": "app",
                    "image": "nginx",
                    "memory": 256,
                    "logConfiguration": {
                        "logDriver": "awsfirelens",
                        "options": {"Name": "datadog", "Host": "http-intake.logs.datadoghq.com"},
                    },
                },
                {
                    "name": "legacy",
                    "image": "nginx",
                    "memory": 256,
                    "logConfiguration": {
                        "logDriver": "splunk",
                        "options": {"splunk-url": "https://splunk.example:8088"},
                    },
                },
            ],
        )["taskDefinition"]
        elsewhere = replace(task, task_definition=td["taskDefinitionArn"])
        screen = LogsScreen(Scope(task.cluster_arn, None, elsewhere))
        app.push_screen(screen)
        await wait_for(pilot, lambda: screen.loops >= 1)
        box = str(screen.query_one("#elsewhere").render())
        assert "No awslogs stream" in box
        assert "app: logs via awsfirelens → FireLens output Name=datadog" in box
        assert "legacy: logs via splunk → splunk-url=https://splunk.example:8088" in box


async def test_task_detail_opens_the_logs_view_and_help_lists_its_keys(
    frozen_sandbox: str, make_app: Any
) -> None:
    from rich.console import Console

    from tui.render.help import key_table
    from tui.screens.help import HelpScreen
    from tui.screens.task_detail import TaskDetail

    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_service(app, pilot, "web-fargate")
        await wait_for(pilot, lambda: table(app, "#tasks").row_count > 0)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskDetail))
        detail = app.screen
        await pilot.press("l")  # as in k9s; o as on the service pane
        await wait_for(pilot, lambda: isinstance(app.screen, LogsScreen))
        logs = app.screen
        assert isinstance(logs, LogsScreen) and logs.scope.task == detail.ecs_task
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        console = Console(width=100, record=True, color_system=None)
        console.print(key_table(logs))
        listed = console.export_text()
        for key in ("Space", "/", "f", "1", "w", "t", "p", "s"):
            assert any(line.split()[:1] == [key] for line in listed.splitlines()), listed
        await pilot.press("escape")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is detail)


async def test_c_shows_one_container_at_a_time(frozen_sandbox: str, make_app: Any) -> None:
    from aws.ecs_convert import task_from_dict

    ecs = aws_client(frozen_sandbox, "ecs")
    found = None
    for cluster in ecs.list_clusters()["clusterArns"]:
        arns = ecs.list_tasks(cluster=cluster, desiredStatus="RUNNING")["taskArns"][:100]
        for doc in ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"] if arns else []:
            names = [c["name"] for c in doc.get("containers", [])]
            if "datadog-agent" in names:
                found = doc
                break
        if found:
            break
    assert found is not None, "the seed has a service with a sidecar"
    task = task_from_dict(found)
    td = ecs.describe_task_definition(taskDefinition=task.task_definition)["taskDefinition"]
    options = td["containerDefinitions"][1]["logConfiguration"]["options"]
    group = options["awslogs-group"]
    sidecar = f"{options['awslogs-stream-prefix']}/datadog-agent/{task.id}"
    logs_client = aws_client(frozen_sandbox, "logs")
    with contextlib.suppress(logs_client.exceptions.ResourceAlreadyExistsException):
        logs_client.create_log_stream(logGroupName=group, logStreamName=sidecar)
    put_log_lines(frozen_sandbox, group, sidecar, ["agent: sidecar-test line"])
    main = td["containerDefinitions"][0]["name"]

    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: table(app).row_count > 0)
        screen = LogsScreen.of_task(task)
        app.push_screen(screen)
        await wait_for(pilot, lambda: "agent: sidecar-test line" in messages(screen))
        assert screen.containers == [main, "datadog-agent"]
        assert any(" datadog-agent " in x and "sidecar-test" in x for x in shown(screen))
        await pilot.press("c")  # the main container only
        assert screen.scope.container == main  # lines and reads were reset at the key
        await wait_for(pilot, lambda: screen.reads >= 1 and len(screen.lines) > 0)
        assert {e.container for e in screen.lines} == {main}
        await pilot.press("c")  # the sidecar only
        await wait_for(pilot, lambda: messages(screen) == ["agent: sidecar-test line"])
        assert "datadog-agent" in screen.header.crumb
        await pilot.press("c")  # all again
        await wait_for(pilot, lambda: screen.scope.container is None and len(screen.lines) > 1)


def test_any_log_line_is_shown_as_characters() -> None:
    """Property: whatever a line or stream name holds (markup, ANSI/OSC escapes, C0/C1
    controls, bidi overrides), what the view renders holds no control character."""
    import re
    from datetime import UTC, datetime

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from aws.log_models import LogEvent
    from tui.log_lines import line_text

    controls = re.compile(r"[\x00-\x1f\x7f-\x9f]")
    pieces = st.sampled_from(
        [
            *("[red]x[/red]", "[link=file:///etc]a[/]", "\x1b[2J", "\x1b]8;;http://x\x07"),
            *("\x9b31m", "\u202e", "\r", "\n", "\t", "\x00", "ok", "日本", "[/]", "\\[b]"),
        ]
    )
    hostile = st.lists(st.one_of(pieces, st.text(max_size=20)), max_size=8).map("".join)

    @settings(max_examples=150, deadline=None)
    @given(message=hostile, stream=hostile)
    def check(message: str, stream: str) -> None:
        event = LogEvent(datetime.now(UTC), message, f"ecs/{stream}/{stream}")
        for stamps in (True, False):
            text = line_text(event, stamps=stamps, tag_task=True, tag_container=True)
            assert not controls.search(text.plain), repr(text.plain)
            if "[red]x[/red]" in message:
                assert "[red]x[/red]" in text.plain  # markup shown, not applied

    check()

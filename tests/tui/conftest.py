"""Pilot-test fixtures: a seeded sandbox in its own process, and helpers to wait on the UI,
seed the sandbox behind it, and read what the app told the user."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from textual.geometry import Region

from tests.conftest import _spawn_sandbox


async def wait_for(pilot: Any, predicate: Callable[[], Any], timeout: float = 30.0) -> Any:
    """Let the app run until ``predicate()`` is truthy; fail with the predicate's name if not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause()
        try:
            value = predicate()
        except Exception:
            value = None
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {getattr(predicate, '__name__', predicate)}")


async def stop_polling(pilot: Any, pane: Any) -> None:
    """Cancel ``pane``'s poll loop and wait until no tick of it runs: a tick that answers
    after a test set the header's state (STALE, say) would mark it fresh again."""
    pane.workers.cancel_group(pane, "poll")
    await wait_for(
        pilot, lambda: not [w for w in pane.workers if w.group == "poll" and not w.is_finished]
    )


async def palette_choose(pilot: Any, query: str, *names: str) -> None:
    """In the open command palette, type ``query`` and press Enter once its search has ended
    with a command whose text starts with one of ``names`` highlighted: results arrive in
    batches, so an early Enter picks whatever is highlighted then (or nothing). Commands of
    equal score come in no fixed order, so name each one that is good to pick."""
    from textual.command import CommandInput, CommandList, CommandPalette

    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette)
    await pilot.press(*query)

    def searched_and_highlighted() -> bool:
        searching = any(
            w.node is palette and w.group == palette._GATHER_COMMANDS_GROUP and not w.is_finished
            for w in pilot.app.workers
        )
        option = palette.query_one(CommandList).highlighted_option
        typed = palette.query_one(CommandInput).value == query
        return (
            typed
            and not searching
            and option is not None
            and str(option.hit.text).startswith(names)
        )

    await wait_for(pilot, searched_and_highlighted)
    await pilot.press("enter")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[str]:
    """A frozen seed-7 sandbox of the requesting module's own, for tests that change it."""
    yield from _spawn_sandbox("--seed", "7", "--no-simulate")


def aws_client(url: str, service: str) -> Any:
    """A plain boto3 client on the sandbox at ``url``: to seed it, or to read back what the app did."""
    return boto3.client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def log_stream(url: str, task: Any) -> tuple[str, str]:
    """The awslogs group and stream of ``task``'s first container, the stream created if new."""
    td = aws_client(url, "ecs").describe_task_definition(taskDefinition=task.task_definition)
    container = td["taskDefinition"]["containerDefinitions"][0]
    options = container["logConfiguration"]["options"]
    group = options["awslogs-group"]
    stream = f"{options['awslogs-stream-prefix']}/{container['name']}/{task.id}"
    logs = aws_client(url, "logs")
    with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
    return group, stream


def put_log_lines(url: str, group: str, stream: str, messages: list[str]) -> None:
    # stamped up to now, never ahead: a stream's events are in time order, as a driver writes
    start = int(time.time() * 1000) - len(messages)
    aws_client(url, "logs").put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[{"timestamp": start + i, "message": m} for i, m in enumerate(messages)],
    )


def painted(widget: Any, *, outer: bool = False) -> list[str]:
    """The widget's lines as drawn (``outer``: its padding and border included)."""
    width, height = widget.outer_size if outer else widget.size
    return [strip.text for strip in widget.render_lines(Region(0, 0, width, height))]


def notes(app: Any) -> str:
    """Every notification the app has shown, one a line."""
    return "\n".join(str(n.message) for n in app._notifications)

"""A one-off task's status (tui/run_status.py) follows it on the one poll loop: a failed read says
the status is not refreshed and since when, a throttled read backs off, a read AWS does not answer
is given up, and the next good read clears the mark and, once every task stopped, hands over to
the logs."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from botocore.exceptions import ClientError
from textual.app import App, ComposeResult

import tui.run_status
from aws.models import Task
from aws.session import CallCounter
from tests.aws.test_causes import container, task
from tests.tui.conftest import wait_for
from tui.poll_loop import STALL_SLACK
from tui.run_status import RunStatus

REFRESH = 0.2
RUNNING = task(None, None, container(), status="RUNNING")
DONE = task(None, "Essential container in task exited", container(exit_code=0))


class Host(App[None]):
    """Just enough of the deck for RunStatus: settings.refresh and the clients' counter/health
    (``clients_for`` any account-region)."""

    def __init__(self) -> None:
        super().__init__()
        self.settings = SimpleNamespace(refresh=REFRESH)
        self.clients = SimpleNamespace(
            calls=CallCounter(), health=SimpleNamespace(last_ok=None, trouble=None)
        )
        self.finished = 0
        self.toasts: list[str] = []

    def clients_for(self, context: Any) -> Any:
        return self.clients  # one account-region here

    def compose(self) -> ComposeResult:
        status = RunStatus([RUNNING])
        status.on_finished = self._finished
        yield status

    def _finished(self) -> None:
        self.finished += 1

    def notify(self, message: str, **kwargs: Any) -> None:  # type: ignore[override]
        self.toasts.append(message)


def reads(monkeypatch: pytest.MonkeyPatch, *answers: Any) -> list[float]:
    """DescribeTasks answers in turn (an exception is raised, "hang" never answers); returns
    the loop time of each call."""
    queue = list(answers)
    called: list[float] = []

    async def describe(_c: Any, _cluster: str, _arns: list[str]) -> list[Task]:
        called.append(asyncio.get_running_loop().time())
        answer = queue.pop(0) if queue else [DONE]
        if answer == "hang":
            await asyncio.sleep(60)
        if isinstance(answer, Exception):
            raise answer
        return list(answer)

    monkeypatch.setattr(tui.run_status, "describe_tasks", describe)
    return called


def throttled() -> ClientError:
    return ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "X")


async def test_a_failed_read_marks_the_status_stale_backs_off_then_clears(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    called = reads(monkeypatch, throttled(), [RUNNING], [DONE])
    app = Host()
    async with app.run_test() as pilot:
        status = app.query_one(RunStatus)
        await wait_for(pilot, lambda: status.stale is not None)
        assert "✗ not refreshed for" in str(status.render())
        assert "ThrottlingException" in str(status.render())
        assert app.toasts and "ThrottlingException" in app.toasts[0]
        await wait_for(pilot, lambda: len(called) == 2)
        await wait_for(pilot, lambda: status.stale is None)
        assert "not refreshed" not in str(status.render())
        await wait_for(pilot, lambda: app.finished == 1)
        assert "finished: app exited with code 0 (success)" in str(status.render())
        assert called[1] - called[0] >= 2 * REFRESH * 0.9  # the throttled wait, doubled
    assert len(called) == 3  # no read once every task has stopped


async def test_a_read_aws_does_not_answer_is_given_up(monkeypatch: pytest.MonkeyPatch) -> None:
    reads(monkeypatch, "hang", [DONE])
    app = Host()
    async with app.run_test() as pilot:
        status = app.query_one(RunStatus)
        await wait_for(pilot, lambda: status.stale is not None, timeout=REFRESH + STALL_SLACK + 5)
        assert "no answer for" in status.stale
        await wait_for(pilot, lambda: app.finished == 1)
        assert status.stale is None

"""Errors that used to be swallowed are shown: a failed diff read, a failed identity read."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from aws.plan import Plan
from tests.aws.test_actions import open_clients
from tests.tui.conftest import wait_for

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")


class Recorder:
    def __init__(self, clients: Any) -> None:
        self.clients = clients
        self.notes: list[dict[str, Any]] = []

    def notify(self, message: str, **kw: Any) -> None:
        self.notes.append({"message": message, **kw})


async def test_a_failed_diff_read_is_said_not_dropped(moto_url: str) -> None:
    from tui.flow import with_diff

    plan = Plan(title="Deploy", cluster="prod", service="web", calls=(), summary="web")
    async with open_clients(moto_url) as c:
        deck = Recorder(c)
        screen: Any = SimpleNamespace(deck=deck)
        out = await with_diff(screen, plan, "gone:1", "gone:2")  # neither exists
    assert out.diff is None
    [note] = deck.notes
    assert note["severity"] == "warning"
    assert note["message"].startswith("The task-definition diff could not be read (")
    assert "the confirmation shows the API calls without it" in note["message"]
    assert any("diff could not be read" in n for n in out.notes)  # and on the confirmation


async def test_a_failed_identity_read_is_notified(
    moto_url: str, make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aws import identity

    async def denied(c: Any) -> Any:
        raise PermissionError("sts:GetCallerIdentity is denied")

    monkeypatch.setattr(identity, "whoami", denied)
    app = make_app(moto_url)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app._notifications)
        [note] = list(app._notifications)
        assert note.title == "Identity unknown"
        assert "Could not read which account this is" in note.message
        assert "sts:GetCallerIdentity is denied" in note.message
        assert app.is_running

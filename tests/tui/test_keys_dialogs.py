"""The dialogs' keys come from the keymap like the panes': ``[keys]`` remaps them by id (the
confirmation's ``c`` Copy CLI, Esc Cancel in every dialog), and the app takes those ids without
a notice that they are unknown."""

from __future__ import annotations

from typing import Any

import pytest

from tests.tui.conftest import wait_for
from tests.tui.test_navigation import notices
from tests.tui.test_panes import table
from tests.tui.test_secrets_shown import _register_plan
from tui import keymap

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")


def test_every_dialog_key_is_in_the_keymap_with_its_id() -> None:
    assert keymap.keys_of("confirm")[1].id == "copy_cli"
    assert [k.key for k in keymap.keys_of("editor")] == ["ctrl+s", "escape", "ctrl+r"]
    assert all(k.priority for k in keymap.keys_of("dialog"))
    assert {"cancel", "copy_cli", "editor_save", "discard_yes"} <= keymap.action_ids()
    assert not any(k.mutating for d in keymap.DIALOGS for k in keymap.keys_of(d))


async def test_keys_remaps_a_dialogs_keys(frozen_sandbox: str, make_app: Any) -> None:
    from tui.screens.dialogs.confirm import ConfirmScreen

    app = make_app(frozen_sandbox, keys={"copy_cli": "C", "cancel": "ctrl+x"})
    seen = notices(app)
    answers: list[bool | None] = []
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: table(app).row_count > 0)
        assert not any("not an action id" in n for n in seen)
        app.push_screen(ConfirmScreen(_register_plan()), answers.append)
        dialog = await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen)
        await pilot.press("c", "escape")  # their old keys: neither copies nor cancels now
        await pilot.pause()
        assert app.screen is dialog and answers == []
        assert not (app.clipboard or "").startswith("aws ")
        await pilot.press("C")
        await wait_for(pilot, lambda: app.clipboard.startswith("aws ecs register-task-definition"))
        await pilot.press("ctrl+x")
        await wait_for(pilot, lambda: answers == [False])
        assert app.screen is not dialog

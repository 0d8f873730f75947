"""The task-definition families pane (`:td`): the columns an SRE scans, whole on first paint."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.tui.conftest import aws_client, wait_for
from tests.tui.test_navigation import command, loaded_clusters
from tests.tui.test_panes import table

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")


async def test_families_show_counts_and_the_latest_revision_whole_on_first_paint(
    frozen_sandbox: str, make_app: Any
) -> None:
    from tui.screens.taskdefs import FamiliesScreen

    app = make_app(frozen_sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded_clusters(app, pilot)
        await command(pilot, "td")
        await wait_for(pilot, lambda: isinstance(app.screen, FamiliesScreen))
        t = table(app)
        await wait_for(pilot, lambda: t.row_count > 0)
        # the first rows to land are every row, and those on screen are whole: no "…" to fill
        assert t.row_count == len(app.screen.families) > 1
        shown = t.visible_keys(margin=0)
        assert len(shown) == t.row_count  # 13 families fit at 80x24
        for key in shown:
            assert t.get_cell(key, "registered").plain not in ("…", "-"), key
            assert t.get_cell(key, "size").plain != "…", key
        shot = re.sub(r"<[^>]+>", "", app.export_screenshot())
        assert all(name in shot for name in app.screen.families)
        # the counts and the newest revision are the account's
        ecs = aws_client(frozen_sandbox, "ecs")
        arns = ecs.list_task_definitions(familyPrefix="payments-api", status="ACTIVE")
        revisions = [int(a.rsplit(":", 1)[1]) for a in arns["taskDefinitionArns"]]
        assert t.get_cell("payments-api", "active").plain == str(len(revisions))
        assert t.get_cell("payments-api", "latest").plain == str(max(revisions))
        assert re.fullmatch(r"(\d+[dhms])+", t.get_cell("payments-api", "registered").plain)
        assert "payments-api" in t.get_cell("payments-api", "images").plain


async def test_the_palette_lists_only_ecsdecks_commands(frozen_sandbox: str, make_app: Any) -> None:
    """Textual's own palette entries (Theme, Keys, Screenshot, its Quit) sat among ecsdeck's
    commands; `q` quits and `?` lists the keys, so the palette offers only ecsdeck's."""
    from textual.command import CommandList, CommandPalette

    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded_clusters(app, pilot)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        found = app.screen.query_one(CommandList)

        def offered() -> list[str]:
            return [str(found.get_option_at_index(i).prompt) for i in range(found.option_count)]

        await wait_for(pilot, lambda: ":clusters" in "\n".join(offered()))
        listed = "\n".join(offered())
        assert "Problems" in listed
        for textual_own in ("Theme", "Keys", "Screenshot", "Maximize", "Quit the application"):
            assert textual_own not in listed
        await pilot.press(*"theme")
        await wait_for(pilot, lambda: app.screen.query_one(CommandList).option_count == 0)

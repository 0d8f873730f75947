"""Under NO_COLOR trouble stays readable: bold or reversed on the default colours, never a dark
grey on a dark grey (Textual's Monochrome filter turns red text into grey 237 on 235)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.color import Color

from tests.tui.conftest import wait_for
from tui.widgets.live_table import LiveTable


def cells(app: Any) -> list[tuple[str, Any]]:
    """Every segment on screen as drawn (after the app's line filters): (text, style)."""
    update = app.screen._compositor.render_full_update()
    return [(seg.text, seg.style) for line in update.strips for strip in line for seg in strip]


def contrast(style: Any) -> float:
    """How far apart the text and its background are in lightness (0 to 1)."""
    fg, bg = style.color, style.bgcolor
    if fg is None or bg is None or fg.is_default or bg.is_default:
        return 1.0  # the terminal's own colours
    a, b = Color.from_rich_color(fg), Color.from_rich_color(bg)
    if style.dim:
        a = a.blend(b, 0.5)
    return abs(a.brightness - b.brightness)


def unreadable(app: Any) -> list[tuple[str, float]]:
    return [
        (text, round(contrast(style), 2))
        for text, style in cells(app)
        if text.strip() and style is not None and contrast(style) < 0.35
    ]


def trouble(app: Any) -> list[tuple[str, Any]]:
    return [(text, style) for text, style in cells(app) if "✗" in text]


async def test_failures_are_readable_under_no_color(
    frozen_sandbox: str, make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clusters pane's problem counts (``✗ 1``, red) and the header's ``✗ STALE``."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 30)) as pilot:
        assert app.no_color
        table = app.screen.query(LiveTable).first()

        def problems_read() -> bool:
            shown = [table.get_cell(k, "problems").plain for k in table.shown_keys()]
            return bool(shown) and "…" not in shown

        await wait_for(pilot, problems_read)
        # A tick landing after the mark would say "fresh" again: the pane stops polling first.
        pane = app.screen
        pane.workers.cancel_group(pane, "poll")
        await wait_for(
            pilot, lambda: not [w for w in pane.workers if w.group == "poll" and not w.is_finished]
        )
        pane.header.mark_stale("AWS did not answer")
        await pilot.pause()
        marked = trouble(app)
        shown = [table.get_cell(k, "problems").plain.strip() for k in table.shown_keys()]
        counts = {text for text in shown if text.startswith("✗")}
        assert len(counts) >= 2 and counts <= {text.strip() for text, _ in marked}, marked
        assert any("STALE" in text for text, _ in marked), marked
        for text, style in marked:
            assert style.bold or style.reverse, (text, style)
            assert contrast(style) >= 0.35, (text, style)
        # nothing else drawn grey on grey either (the footer's thin separator aside)
        assert [t for t, _ in unreadable(app) if t.strip("▏ ")] == []

"""Keys that arrive in one read are applied in order, each after the one before, in an Input and
in the JSON editor too.

The bytes go through Textual's own terminal parser and the driver's ``process_message``, as one
``read()`` of the terminal would: ``ctrl+u`` then ``8`` in the scale dialog leaves ``8``; the
cursor keys then ``X`` in the editor put ``X`` where the cursor moved. Textual runs a widget's
own bindings (``ctrl+u``, the arrows) only when the key has bubbled back up to the app, behind
the printable keys of the same read (docs/upstream/bindings-after-burst.md).
"""

from __future__ import annotations

from typing import Any

import pytest
from textual._xterm_parser import XTermParser
from textual.app import App
from textual.screen import Screen
from textual.widgets import Input, TextArea

from tests.tui.conftest import wait_for
from tui.screens.dialogs.picker import PickerScreen
from tui.screens.dialogs.register import EditorScreen
from tui.screens.dialogs.scale import ScaleScreen

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")

CTRL_U, DOWN, END, LEFT = b"\x15", b"\x1b[B", b"\x1b[F", b"\x1b[D"


def one_read(app: App[Any], data: bytes) -> None:
    """What the Linux driver does with one ``os.read`` of the terminal: parse, then post all."""
    parser = XTermParser()
    assert app._driver is not None
    for event in [*parser.feed(data.decode()), *parser.tick()]:
        app._driver.process_message(event)


class Host(App[None]):
    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        self.dialog = screen

    def on_mount(self) -> None:
        self.push_screen(self.dialog)


def service() -> Any:
    from tests.tui.test_status import svc

    return svc(3, 3)


JSON = "{\n" + "".join(f'  "k{i}": {i},\n' for i in range(6)) + '  "last": "value"\n}'


async def test_a_digit_right_after_ctrl_u_in_one_read_is_kept() -> None:
    app = Host(ScaleScreen(service(), maximum=10))
    async with app.run_test() as pilot:
        field = await wait_for(pilot, lambda: app.screen.query_one("#count", Input))
        await wait_for(pilot, lambda: field.has_focus and field.value == "3")
        one_read(app, CTRL_U + b"8")
        await wait_for(pilot, lambda: field.value == "8", timeout=5)
        one_read(app, LEFT + CTRL_U + b"5")  # left, delete what is left of it, then type
        await wait_for(pilot, lambda: field.value == "58", timeout=5)


async def test_cursor_keys_then_a_letter_in_one_read_in_the_json_editor() -> None:
    app = Host(EditorScreen("td", JSON, check=lambda text: None))  # type: ignore[arg-type,return-value]
    async with app.run_test(size=(130, 30)) as pilot:
        area = await wait_for(pilot, lambda: app.screen.query_one("#json", TextArea))
        await wait_for(pilot, lambda: area.has_focus)
        one_read(app, DOWN * 6 + END + LEFT + b"X")  # Down x6 End Left X
        line = '  "k5": 5,'
        await wait_for(pilot, lambda: "X" in area.text, timeout=5)
        assert area.document.get_line(6) == line[:-1] + "X" + line[-1]
        assert area.cursor_location == (6, len(line))


async def test_a_filter_then_enter_in_one_read_picks_what_the_filter_left() -> None:
    """A pasted or fast-typed name with its Enter: Enter must pick after the filter applied (it
    picked the first region of the unfiltered list), and ctrl+u clears before what follows."""
    picked: list[str | None] = []
    regions = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1"]
    app = Host(PickerScreen("Region", regions, current="us-east-1"))
    async with app.run_test() as pilot:
        field = await wait_for(pilot, lambda: app.screen.query_one("#filter", Input))
        await wait_for(pilot, lambda: field.has_focus)
        app.dialog.dismiss = picked.append  # type: ignore[method-assign,assignment]
        one_read(app, b"us" + CTRL_U + b"eu-w")
        await wait_for(pilot, lambda: field.value == "eu-w", timeout=5)
        one_read(app, CTRL_U + b"eu-c\r")
        await wait_for(pilot, lambda: picked, timeout=5)
        assert picked == ["eu-central-1"]

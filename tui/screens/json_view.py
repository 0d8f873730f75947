"""`y`: the selected resource as AWS's Describe call returns it (aws.describe), read-only and
already on the clipboard; secrets masked (aws.secrets) until `u`. A resource AWS has no Describe
call for (a problem: ecsdeck's own finding) shows ecsdeck's model, and its title says so."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from aws import describe
from aws.errors import explain
from aws.models import Service
from tui import keymap
from tui.text import clean, utc_stamp

if TYPE_CHECKING:
    from tui.screens.base import PollingScreen

#: What json.dumps leaves raw with ensure_ascii off and a terminal must not get: DEL and the C1
#: controls, bidi controls ("trojan source"), line/paragraph separators (it escapes C0 itself).
_UNSAFE = re.compile(r"[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def readable_json(data: object, default: Any = None) -> str:
    """Indented JSON with text as text (``•`` or ``é``, not ``\\u2022``) and only what could
    act on a terminal escaped, so it stays valid JSON and a hostile value stays inert."""
    text = json.dumps(data, indent=2, ensure_ascii=False, default=default or _iso)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _iso(value: object) -> str:
    """Datetimes as the AWS CLI prints them (ISO 8601), so `y` diffs against its output."""
    return value.isoformat() if isinstance(value, datetime) else str(value)


def to_json(resource: object) -> str:
    """An ecsdeck model as JSON (for what AWS has no Describe call for), in the one format the
    app shows times in."""
    data = (
        dataclasses.asdict(resource)  # type: ignore[call-overload]
        if dataclasses.is_dataclass(resource) and not isinstance(resource, type)
        else resource
    )
    return readable_json(data, default=_plain)


def _plain(value: object) -> str:
    """Datetimes in the one format the app shows times in; anything else as its text."""
    return utc_stamp(value) if isinstance(value, datetime) else str(value)


async def show_resource(screen: PollingScreen, resource: object) -> None:
    """`y` on ``resource``: describe it again and show (and copy) AWS's answer, masked."""
    service = getattr(screen, "service", None)
    try:
        found = await describe.describe(
            screen.deck.clients, resource, service if isinstance(service, Service) else None
        )
    except Exception as exc:
        screen.notify(f"Could not describe it: {explain(exc)}", severity="error", markup=False)
        return
    name = getattr(resource, "name", None) or getattr(resource, "id", "")
    if found is None:
        text, revealed = to_json(resource), None
        title = f"{type(resource).__name__.lower()} {name} (ecsdeck's view: AWS has no call for it)"
    else:
        text = readable_json(found.body)
        revealed = readable_json(found.real) if found.real != found.body else None
        title = found.request.cli(**_target(screen))
        if found.jq:
            title += f" | jq '{found.jq}'"
    screen.app.copy_to_clipboard(text)
    await screen.app.push_screen(JsonScreen(title, text, revealed=revealed))


def _target(screen: PollingScreen) -> dict[str, str | None]:
    from tui.screens.dialogs.confirm import cli_target

    return cli_target(screen.app)


class JsonScreen(ModalScreen[None]):
    BINDINGS = keymap.bindings_for("json")
    DEFAULT_CSS = """
    JsonScreen { align: center middle; }
    JsonScreen > VerticalScroll { width: 110; max-width: 96%; height: 90%;
        border: thick $accent; padding: 0 1; background: $surface; }
    JsonScreen .title { text-style: bold; }
    """

    def __init__(self, title: str, text: str, revealed: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        #: The unmasked text, when ``text`` has masked values (`u` shows and copies it).
        self.revealed = revealed

    def compose(self) -> ComposeResult:
        copied = "copied, secrets masked" if self.revealed else "copied"
        reveal = ", u shows the secret values" if self.revealed else ""
        with VerticalScroll():
            yield Static(
                f"{clean(self.title_text, 400)}  ({copied}; Esc closes, c copies again{reveal})",
                classes="title",
                markup=False,
            )
            yield Static(Syntax(self.text, "json", theme="ansi_dark", word_wrap=True), id="json")

    def action_reveal(self) -> None:
        if self.revealed is None:
            return
        self.text, self.revealed = self.revealed, None
        self.query_one("#json", Static).update(
            Syntax(self.text, "json", theme="ansi_dark", word_wrap=True)
        )
        self.app.copy_to_clipboard(self.text)
        self.notify("Secret values shown and copied.", markup=False)

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.text)
        masked = self.revealed is not None
        self.notify(
            "Copied the JSON" + (", secrets masked (u shows them)." if masked else "."),
            markup=False,
        )

"""Register a revision: pick a new ECR image for a container, or edit the whole JSON.

The image picker lists each container's ECR repository newest first (tags, pushed at, size,
scan summary). The in-app editor (used when neither ``$VISUAL`` nor ``$EDITOR`` is set) checks
the text on Ctrl+S and keeps it open with the problems listed (JSON errors with line and
column); the confirmation that follows shows the diff against the current revision.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static, TextArea
from textual.widgets.option_list import Option

from aws.plan import Plan, ValidationError
from tui import keymap
from tui.dialog_parts import DIALOG_CSS, ContainerImages, image_label, image_uri
from tui.text import clean
from tui.widgets.in_order import InOrderTextArea

_WHERE = re.compile(r"line (\d+), column (\d+)")


class ImagePickerScreen(ModalScreen[tuple[str, str] | None]):
    """Dismiss with (container, new image URI), or None."""

    BINDINGS = keymap.bindings_for("image_picker")
    DEFAULT_CSS = (
        DIALOG_CSS.format(name="ImagePickerScreen")
        + """
    ImagePickerScreen OptionList { height: auto; max-height: 60vh; }
    """
    )

    def __init__(self, family: str, containers: list[ContainerImages]) -> None:
        super().__init__()
        self.family = family
        self.containers = containers

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                Text("New image for ") + Text(clean(self.family, 60), style="bold"),
                classes="title",
            )
            yield Static("Images newest first. Enter picks; the diff is shown before sending.")
            options: list[Option | None] = []
            for name, current, prefix, images in self.containers:
                options.append(
                    Option(
                        Text("container ") + Text(clean(name, 60), style="bold cyan"), disabled=True
                    )
                )
                for n, image in enumerate(images):
                    uri = image_uri(prefix, image)
                    is_current = current in (uri, f"{prefix}@{image.digest}") or any(
                        current == f"{prefix}:{t}" for t in image.tags
                    )
                    options.append(Option(image_label(image, is_current), id=f"{name}\x00{n}"))
                if not images:
                    options.append(Option(Text("  no images", style="dim"), disabled=True))
            yield OptionList(*options, id="images")

    def on_mount(self) -> None:
        images = self.query_one("#images", OptionList)
        images.focus()
        images.action_first()

    @on(OptionList.OptionSelected, "#images")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        name, _, n = str(event.option.id).partition("\x00")
        for cname, _current, prefix, images in self.containers:
            if cname == name:
                self.dismiss((name, image_uri(prefix, images[int(n)])))
                return

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class Edited:
    """What the editor closed with: the checked plan (None: cancelled) and the text as left."""

    plan: Plan | None
    text: str


class DiscardScreen(ModalScreen[bool]):
    """ "Discard your edits? y/n": True only on y (Esc and n keep editing)."""

    BINDINGS = keymap.bindings_for("discard")
    DEFAULT_CSS = DIALOG_CSS.format(name="DiscardScreen")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Discard your edits?", style="bold"), classes="title")
            yield Static(
                "y: discard them (a copy is kept in a draft file) · n or Esc: keep editing"
            )

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


#: Turns the editor's text to its secrets shown (True) or hidden (False); raises ValueError
#: with a message when the text is not JSON.
Reveal = Callable[[str, bool], str]


class EditorScreen(ModalScreen[Edited]):
    """Edit JSON in-app; Ctrl+S checks it with ``check`` and dismisses with the plan.

    Esc asks before discarding edits. A failed check keeps the editor open with the problems
    and, when ``save`` is given, saves the text (``save`` returns a line saying where).
    ``reveal`` (Ctrl+R) shows or hides the values ecsdeck masks as secrets.
    """

    BINDINGS = keymap.bindings_for("editor")
    DEFAULT_CSS = (
        DIALOG_CSS.format(name="EditorScreen")
        + """
    EditorScreen > Vertical { width: 120; height: 94%; }
    EditorScreen TextArea { height: 1fr; }
    EditorScreen #problems { height: auto; max-height: 8; }
    """
    )

    def __init__(
        self,
        title: str,
        text: str,
        check: Callable[[str], Plan],
        problems: list[str] | None = None,
        *,
        original: str | None = None,
        save: Callable[[str], str] | None = None,
        reveal: Reveal | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        #: Texts that hold no edits (as first shown, and its secrets shown or hidden by Ctrl+R):
        #: Esc asks before discarding anything else.
        self.pristine = {text if original is None else original}
        self.check = check
        self.save = save
        self.reveal = reveal
        #: True while secrets are shown (Ctrl+R).
        self.revealed = False
        self.initial_problems = list(problems or [])

    def compose(self) -> ComposeResult:
        keys = "   Ctrl+S check and continue · Esc cancel"
        if self.reveal is not None:
            keys += " · Ctrl+R show/hide secrets"
        with Vertical():
            yield Static(
                Text("Edit ")
                + Text(clean(self.title_text, 80), style="bold")
                + Text(keys, style="dim"),
                classes="title",
            )
            yield InOrderTextArea(self.text, id="json", show_line_numbers=True, soft_wrap=False)
            yield Static(id="problems", classes="error")

    def on_mount(self) -> None:
        self.query_one("#json", TextArea).focus()
        if self.initial_problems:
            self.show_problems(self.initial_problems)

    @property
    def current(self) -> str:
        return self.query_one("#json", TextArea).text

    def show_problems(self, problems: list[str], header: str = "Not sent:") -> None:
        text = Text(header + "\n", style="bold")
        for p in problems[:8]:
            text.append("• " + clean(p, 300) + "\n")
        self.query_one("#problems", Static).update(text)
        where = _WHERE.search(problems[0]) if problems else None
        if where:  # put the cursor on the JSON error
            line, column = int(where[1]) - 1, int(where[2]) - 1
            self.query_one("#json", TextArea).move_cursor((max(line, 0), max(column, 0)))

    def action_save(self) -> None:
        text = self.current
        try:
            plan = self.check(text)
        except ValidationError as exc:
            problems = list(exc.problems)
            if self.save is not None:
                problems.insert(1, self.save(text))
            self.show_problems(problems)
            return
        self.dismiss(Edited(plan, text))

    def action_toggle_secrets(self) -> None:
        if self.reveal is None:
            return
        area = self.query_one("#json", TextArea)
        try:
            text = self.reveal(area.text, not self.revealed)
        except ValueError as exc:
            self.show_problems([str(exc)], header="Secrets not toggled:")
            return
        self.revealed = not self.revealed
        if area.text in self.pristine:
            self.pristine.add(text)  # showing or hiding secrets is not an edit
        area.load_text(text)
        state = "shown: Ctrl+R hides them" if self.revealed else "hidden"
        self.query_one("#problems", Static).update(Text(f"Secret values {state}.", style="dim"))

    @work(exclusive=True, group="editor-cancel")
    async def action_cancel(self) -> None:
        text = self.current
        if text not in self.pristine and not await self.app.push_screen_wait(DiscardScreen()):
            return
        self.dismiss(Edited(None, text))

"""Deploy: pick a revision of the service's family (newest first; the running one is marked)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from aws.models import Service
from tui.screens.dialogs.confirm import DIALOG_CSS
from tui.text import clean, short_arn


class DeployScreen(ModalScreen[str | None]):
    """Dismiss with the chosen task-definition ARN, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = (
        DIALOG_CSS.format(name="DeployScreen")
        + """
    DeployScreen > Vertical { width: 80; }
    DeployScreen OptionList { height: auto; max-height: 20; }
    """
    )

    def __init__(self, service: Service, revisions: list[str]) -> None:
        super().__init__()
        self.service = service
        self.revisions = revisions

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                Text("Deploy a revision to ") + Text(clean(self.service.name, 60), style="bold"),
                classes="title",
            )
            yield Static("Enter picks; the confirmation shows the diff and the API call.")
            options = []
            for arn in self.revisions:
                label = Text(clean(short_arn(arn), 80))
                if arn == self.service.task_definition:
                    label.append("  (running now)", style="dim")
                options.append(Option(label, id=arn))
            yield OptionList(*options, id="revisions")

    def on_mount(self) -> None:
        revisions = self.query_one("#revisions", OptionList)
        revisions.focus()
        if self.revisions:
            revisions.highlighted = 0

    @on(OptionList.OptionSelected, "#revisions")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)

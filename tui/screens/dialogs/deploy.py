"""Deploy: pick a revision of the service's family (newest first; the running one is marked).

Each of the newest ``DETAILED`` revisions says its image tag(s) and how long ago it was
registered, read after the list is shown (DescribeTaskDefinition, cached: revisions never
change); a bare revision number does not say which build it runs.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from aws.models import Service, TaskDefinition
from tui import keymap
from tui.dialog_parts import DIALOG_CSS, revision_label
from tui.text import clean

if TYPE_CHECKING:
    from aws.session import Clients

#: Revisions (newest first) described for their image tags and age; older ones show the number.
DETAILED = 10


class DeployScreen(ModalScreen[str | None]):
    """Dismiss with the chosen task-definition ARN, or None."""

    BINDINGS = keymap.bindings_for("deploy")
    DEFAULT_CSS = (
        DIALOG_CSS.format(name="DeployScreen")
        + """
    DeployScreen > Vertical { width: 80; }
    DeployScreen OptionList { height: auto; max-height: 60vh; }
    """
    )

    def __init__(
        self, service: Service, revisions: list[str], clients: Clients | None = None
    ) -> None:
        super().__init__()
        self.service = service
        self.revisions = revisions
        #: The service's account-region, where its revisions are read (None: no details).
        self.clients = clients

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                Text("Deploy a revision to ") + Text(clean(self.service.name, 60), style="bold"),
                classes="title",
            )
            yield Static("Enter picks; the confirmation shows the diff and the API call.")
            options = []
            for arn in self.revisions:
                label = revision_label(arn, arn == self.service.task_definition)
                options.append(Option(label, id=arn))
            yield OptionList(*options, id="revisions")

    def on_mount(self) -> None:
        revisions = self.query_one("#revisions", OptionList)
        revisions.focus()
        if self.revisions:
            revisions.highlighted = 0
        self._describe()

    @work(exclusive=True, exit_on_error=False, group="deploy-details")
    async def _describe(self) -> None:
        """Fill in image tags and ages; a revision that cannot be read keeps its bare number."""
        from aws import ecs

        clients = self.clients
        if clients is None:
            return
        newest = self.revisions[:DETAILED]
        found = await asyncio.gather(
            *(ecs.read_task_definition(clients, arn) for arn in newest), return_exceptions=True
        )
        revisions = self.query_one("#revisions", OptionList)
        for arn, td in zip(newest, found, strict=True):
            if isinstance(td, TaskDefinition):
                running = arn == self.service.task_definition
                revisions.replace_option_prompt(arn, revision_label(arn, running, td))

    @on(OptionList.OptionSelected, "#revisions")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)

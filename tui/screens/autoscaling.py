"""`a` on the service pane: the service's Auto Scaling in full (range, policies, activities).

The service pane's summary has room for one line of it at 80x24 (range and policies); the
activities, with their causes, are long sentences, so they live here, one key away.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from aws.autoscaling import Scaling
from aws.models import Service
from tui import keymap
from tui.render.autoscaling import render_scaling


class AutoscalingScreen(ModalScreen[None]):
    BINDINGS = keymap.bindings_for("autoscaling")
    DEFAULT_CSS = """
    AutoscalingScreen { align: center middle; }
    AutoscalingScreen > VerticalScroll { width: 95%; height: auto; max-height: 85%;
        border: thick $accent; padding: 0 1; background: $surface; }
    """

    def __init__(self, service: Service, scaling: Scaling | None, error: str | None) -> None:
        super().__init__()
        self.service = service
        self.scaling = scaling
        self.error = error

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(render_scaling(self.service, self.scaling, self.error), id="scaling")

"""All of a service's events (ECS keeps the last 100), newest first: the deployment story."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from aws.models import Service
from tui import keymap
from tui.render.events import render_events


class EventsScreen(ModalScreen[None]):
    BINDINGS = keymap.bindings_for("events")
    DEFAULT_CSS = """
    EventsScreen { align: center middle; }
    EventsScreen > VerticalScroll { width: 95%; height: 85%; border: thick $accent;
        padding: 0 1; background: $surface; }
    """

    def __init__(self, service: Service) -> None:
        super().__init__()
        self.service = service

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(render_events(self.service))

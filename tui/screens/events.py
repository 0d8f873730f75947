"""All of a service's events (ECS keeps the last 100), newest first: the deployment story."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from aws.models import Service
from tui.text import age, clean, utc_stamp

#: Phrases an on-call should see at a glance (ECS service event messages).
TROUBLE = (
    "unable to place",
    "is unhealthy",
    "unable to consistently start",
    "throttled",
    "failed",
    "error",
)


def render_events(service: Service) -> Text:
    t = Text()
    t.append(f"Events of {clean(service.name, 80)}", style="bold")
    t.append(f" ({len(service.events)}, newest first)\n\n", style="dim")
    if not service.events:
        t.append("No events.", style="dim")
    for e in service.events:
        when = utc_stamp(e.created_at)
        message = clean(e.message, 500)
        bad = any(p in message.lower() for p in TROUBLE)
        t.append(f"{age(e.created_at):>5} ", style="bold")
        t.append(f"{when}  ", style="dim")
        t.append(("✗ " if bad else "  ") + message + "\n", style="red" if bad else "")
    return t


class EventsScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,v", "dismiss", "Close")]
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

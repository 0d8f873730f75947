"""One binding as data (see tui/keymap/__init__.py)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Key:
    """One binding. ``id``: what ``[keys]`` remaps it by and docs/keys.md lists it under, one
    per entry (a test holds every entry to one, none shared). ``remap_with``: the id of the same
    action on other panes, whose ``[keys]`` line remaps this one too unless it has its own.
    ``mutating``: the action starts a change to AWS (read-only mode refuses it, and the footer
    leaves it out there). ``palette``: the command palette lists it by name. ``priority``: it
    runs before the focused widget sees the key (a dialog's Ctrl+S over its text area)."""

    panes: tuple[str, ...]
    key: str
    action: str
    description: str = ""
    tooltip: str = ""
    id: str | None = None
    key_display: str | None = None
    show: bool = True
    mutating: bool = False
    palette: bool = False
    remap_with: str | None = None
    priority: bool = False

    def binding(self) -> Binding:
        return Binding(
            self.key,
            self.action,
            self.description,
            show=self.show,
            priority=self.priority,
            key_display=self.key_display,
            tooltip=self.tooltip,
            id=self.id,
        )

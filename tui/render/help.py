"""The help's tables: every key of the pane underneath, the global ones, and the `:` commands."""

from __future__ import annotations

from rich.table import Table
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable

from tui import keymap
from tui.keys_doc import key_name

GLOBAL_NOTES = [
    # Listed here too: on the first pane with no filter Back is off, but Esc still clears one.
    ("Esc", "Clear the filter, or go up one pane"),
    ("Ctrl+P", "Command palette: every action of this pane by name"),
    ("Tab / Shift+Tab", "Move focus between tables"),
    ("↑ ↓, PgUp / PgDn", "Move in a table"),
    ("Home / g, End / G", "First row, last row"),
]


def enter_note(screen: Screen[object]) -> str:
    """What Enter does on this pane: the pane's own Enter binding (the focused table's select
    hides it from ``active_bindings``), so the problems pane does not describe the clusters'."""
    for binding in screen._bindings.key_to_bindings.get("enter", []):
        if binding.description:
            return binding.tooltip or binding.description
    return "Open the selected row"


def sort_line(screen: Screen[object]) -> str:
    """ "N SERVICE, T STATE, …" for each table of the pane (the focused one's first)."""
    from tui.widgets.live_table import LiveTable

    tables = list(screen.query(LiveTable))
    parts = []
    for table in tables:
        letters = ", ".join(f"{letter} {label.lower()}" for letter, _, label in table.sort_keys)
        if letters:
            parts.append(letters if len(tables) == 1 else f"{table.id}: {letters}")
    return "; ".join(parts)


def commands_table() -> Table:
    from tui.resources import RESOURCES

    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("COMMAND", style="bold cyan", no_wrap=True)
    table.add_column("OPENS")
    for r in RESOURCES:
        words = " ".join(f":{w}" for w in (r.name, *r.aliases[:1]))
        what = r.summary + ("" if r.open else " (coming)")
        table.add_row(f"{words} {r.arg}".rstrip(), what)
    return table


def key_table(screen: Screen[object]) -> Table:
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("KEY", style="bold cyan", no_wrap=True)
    table.add_column("ACTION")
    seen: set[str] = set()
    # The table's own cursor keys are summed up in the notes below, Enter says what it does
    # here, and Textual's own keys (ctrl+q, the palette's ctrl+p) are not ecsdeck's to list.
    skip = {b.action for b in DataTable.BINDINGS if isinstance(b, Binding)}
    skip |= {b.action for b in App.BINDINGS if isinstance(b, Binding)}
    skip.add("command_palette")
    settings = getattr(screen.app, "settings", None)
    refused = keymap.mutating_actions() if getattr(settings, "read_only", False) else set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if binding.action in skip or key == "enter" or not (binding.show or binding.tooltip):
            continue
        label = binding.key_display or key_name(key)
        if not binding.description or label in seen:
            continue
        seen.add(label)
        what = binding.tooltip or binding.description
        table.add_row(
            label, what + (" (refused: read-only mode)" if binding.action in refused else "")
        )
    table.add_row("Enter", enter_note(screen))
    for key, text in GLOBAL_NOTES:
        if key not in seen:
            table.add_row(key, text)
    sorting = sort_line(screen)
    if sorting:
        table.add_row("Shift+letter", f"Sort by a column, again to reverse: {sorting}")
    return table

"""The footer, made to fit: only whole keys, never a label cut off or run under the palette key.

Textual's footer lays every shown binding in one row and scrolls the overflow out of sight, so
at 80 columns the last visible label was cut mid-word and the next one peeked out beside
``^p palette``. This footer keeps the bindings in their declared order (Help and Quit first)
while they fit beside the palette key and leaves the rest to help (``?``), which lists every key.
In read-only mode it leaves out the keys that change AWS: they only explain the refusal. Under
a dialog it lists nothing: the keys go to the dialog, which shows its own (or its own footer).
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tui import keymap

#: The ids of the keys a footer of any width shows first.
FIRST = ("help", "quit")


def own_binding(screen: Screen[object], key: str) -> Binding | None:
    """The screen's own binding of ``key``, even when a focused widget binds it too."""
    return next(iter(screen._bindings.key_to_bindings.get(key, [])), None)


class FitFooter(Footer):
    def __init__(self) -> None:
        super().__init__(compact=True)

    def key_width(self, binding: Binding) -> int:
        """Columns of one compact key: ``k Label`` and the one-column gap after it."""
        return cell_len(self.app.get_key_display(binding)) + 1 + cell_len(binding.description) + 1

    def shown(self) -> list[tuple[Binding, bool, str]]:
        """(binding, enabled, tooltip) of the keys that fit, in order; one per action. None
        while a dialog is on top of this footer's screen: the keys go to the dialog."""
        if self.app.screen is not self.screen:
            return []
        settings = getattr(self.app, "settings", None)
        hidden = keymap.mutating_actions() if getattr(settings, "read_only", False) else set()
        palette = self.app.COMMAND_PALETTE_BINDING
        room = self.app.size.width
        if self.show_command_palette and palette in self.screen.active_bindings:
            room -= self.key_width(self.screen.active_bindings[palette].binding)
        out: list[tuple[Binding, bool, str]] = []
        actions: set[str] = set()
        # Help and Quit first even where a focused table's keys come first (Enter).
        ordered = sorted(
            self.screen.active_bindings.items(), key=lambda kv: kv[1].binding.id not in FIRST
        )
        for key, (_node, binding, enabled, tooltip) in ordered:
            if key == "enter":
                # The focused table's select hides the pane's own Enter ("Services", "Tasks").
                binding = own_binding(self.screen, key) or binding
                tooltip = binding.tooltip
            if not binding.show or key == palette or binding.action in actions | hidden:
                continue
            room -= self.key_width(binding)
            if room < 0:
                break
            actions.add(binding.action)
            out.append((binding, enabled, tooltip))
        return out

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        for binding, enabled, tooltip in self.shown():
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
            ).data_bind(compact=Footer.compact)
        palette = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        if self.app.screen is not self.screen:
            palette = None
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE and palette:
            _node, binding, enabled, tooltip = palette
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                classes="-command-palette",
                disabled=not enabled,
                tooltip=binding.tooltip or binding.description,
            )

    def on_resize(self) -> None:
        """Another width fits other keys."""
        if self.is_attached:
            self.call_after_refresh(self.recompose)

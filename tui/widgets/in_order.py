"""Input and TextArea that apply every key of a burst in order.

Textual runs a widget's own bindings (``ctrl+u``, the arrows, Home/End) only once the key has
bubbled back up to the app, while the widget goes on with the next keys of the same terminal
read: ``ctrl+u 8`` typed fast leaves the field empty (``8`` is typed, then everything left of
the cursor goes), ``Down Down End X`` puts ``X`` where the cursor was before the moves. These
run the widget's own binding for a key as soon as the widget takes the key, before the next
one; keys the widget does not bind still bubble as before. Reported upstream with a minimal
case: docs/upstream/bindings-after-burst.md.
"""

from __future__ import annotations

from textual import events
from textual.widget import Widget
from textual.widgets import Input, TextArea


async def run_own_binding(widget: Widget, event: events.Key, skip: frozenset[str]) -> bool:
    """Run ``widget``'s own (non-priority) binding for ``event`` now; True if one ran."""
    if event.key in skip:
        return False
    bindings = widget._bindings.copy()
    keymap = widget.app._keymap
    if keymap:
        bindings.apply_keymap(keymap)
    for binding in bindings.key_to_bindings.get(event.key, ()):
        if not binding.priority and await widget.app.run_action(binding.action, widget):
            event.stop()
            event.prevent_default()
            return True
    return False


class InOrderInput(Input):
    """An Input whose editing keys (``ctrl+u``, arrows, Home/End, Enter) apply in order."""

    #: Keys left to bubble as Textual does (a pane that handles one itself, on its way up).
    IN_ORDER_SKIP: frozenset[str] = frozenset()

    async def _on_key(self, event: events.Key) -> None:
        if not await run_own_binding(self, event, self.IN_ORDER_SKIP):
            await super()._on_key(event)


class InOrderTextArea(TextArea):
    """A TextArea whose cursor and editing keys apply in order."""

    async def _on_key(self, event: events.Key) -> None:
        if not await run_own_binding(self, event, frozenset()):
            await super()._on_key(event)

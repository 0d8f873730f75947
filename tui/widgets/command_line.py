"""The `:` command line: k9s-style commands with completion (Tab or →) and history (↑/↓)."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.suggester import Suggester

from tui import keymap
from tui.widgets.in_order import InOrderInput

#: Completes a whole command line: the typed text plus its completion, or None.
Completer = Callable[[str], "str | None"]


class CommandSuggester(Suggester):
    """Shows the completion greyed out after the cursor as the user types."""

    def __init__(self, completer: Completer) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self._completer = completer

    async def get_suggestion(self, value: str) -> str | None:
        return self._completer(value)


class LineInput(InOrderInput):
    """A pane's bottom line (filter, command). Once closed it takes no more keys: a key typed
    ahead, routed here before the focus moved back to the table, bubbles on to the pane, which
    sends it where it belongs, instead of being typed into a line nobody sees. Enter is the
    pane's (it closes the line at once, see ``PollingScreen.on_key``)."""

    IN_ORDER_SKIP = frozenset({"enter"})

    async def _on_key(self, event: events.Key) -> None:
        if self.display:
            await super()._on_key(event)


class CommandLine(LineInput):
    """An Input with a completer and a shared history (newest last)."""

    BINDINGS = keymap.bindings_for("command_line")

    def __init__(self, completer: Completer, history: list[str], **kwargs: object) -> None:
        super().__init__(
            placeholder="command: clusters, svc CLUSTER, region NAME, q … (Tab completes, ↑↓ history)",
            suggester=CommandSuggester(completer),
            **kwargs,  # type: ignore[arg-type]
        )
        self._completer = completer
        self.history = history
        #: Position in ``history`` while browsing it (len(history): the line being typed).
        self._browse = len(history)
        self._draft = ""

    def open(self) -> None:
        self.value = ""
        self._browse = len(self.history)
        self._draft = ""

    def action_complete(self) -> None:
        """Tab: complete now (computed here, not waiting for the suggestion to arrive)."""
        completed = self._completer(self.value)
        if completed:
            self.value = completed
            self.cursor_position = len(completed)

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        if self._browse == len(self.history):
            self._draft = self.value
        self._browse = max(0, min(len(self.history), self._browse + step))
        self.value = (
            self._draft if self._browse == len(self.history) else self.history[self._browse]
        )
        self.cursor_position = len(self.value)

    def remember(self, line: str) -> None:
        """Keep ``line`` as the newest entry (once: a repeat moves to the end)."""
        line = line.strip()
        if not line:
            return
        if line in self.history:
            self.history.remove(line)
        self.history.append(line)
        del self.history[:-100]

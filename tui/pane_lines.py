"""The filter line (``/``) and the command line (``:``) of a pane, and the keys typed into them.

A mixin of the panes (tui/screens/base.py): typing in a line must win over the pane's action
keys even when keys come in one burst ("/scale" pasted fast), and each key must land where it
would have, had it been typed slowly.
"""

from __future__ import annotations

from textual import events, on
from textual.screen import Screen
from textual.widgets import Input

from tui.deck import deck_of
from tui.widgets.command_line import CommandLine, LineInput
from tui.widgets.live_table import LiveTable
from tui.widgets.status_header import StatusHeader


class PaneLines(Screen[None]):
    """A pane's filter and command lines; the pane makes them (``filter_input`` in its
    constructor, ``command_line`` in ``compose``)."""

    header: StatusHeader
    filter_input: LineInput
    command_line: CommandLine
    #: The table the open filter line applies to (chosen when "/" is pressed).
    _filter_target: LiveTable | None = None

    @property
    def table(self) -> LiveTable:
        """The table the filter applies to (the focused one on multi-table screens)."""
        focused = self.focused
        if isinstance(focused, LiveTable):
            return focused
        return self.query(LiveTable).first()

    # -- filter and navigation -----------------------------------------------------------------

    def action_start_filter(self) -> None:
        if self.filter_input.display:  # already open (the burst path in on_key got here first)
            self.set_focus(self.filter_input)
            return
        self._filter_target = self.table
        self.filter_input.display = True
        self.filter_input.value = self._filter_target.filter_text
        # Focus now, not on the next idle (``focus()`` defers): keys typed right after "/" in
        # the same burst must reach the filter, never the pane's action keys (s = Scale).
        self.set_focus(self.filter_input)

    def on_key(self, event: events.Key) -> None:
        """Typing in the filter or command line must win over action keys even in one burst
        ("/scale" pasted fast), and each key must land where it would have had it been typed
        slowly.

        Key events are routed to the table before the "/" and ":" bindings run, so those are
        handled here, and a printable key that reaches the screen while a line is open did not
        go through its Input (which stops the ones it takes): it belongs to the line. Enter
        closes the line here, at once, so a second Enter in the same burst reaches the table
        (and opens the row) instead of the Input that is about to lose focus. A key that
        reaches this screen after another pane replaced it on top (Enter opened it, and the
        rest of the burst was already queued here) goes on to that pane.
        """
        line = self._open_line()
        typed_ahead = deck_of(self).typed_ahead
        if typed_ahead is not None:
            typed_ahead.append(event)  # a `:` command is opening a pane: for it
        elif self.app.screen is not self:
            self._pass_on(event)
        elif line is None and event.key == "slash":
            self.action_start_filter()
        elif line is None and event.key == "colon":
            self.action_start_command()
        elif line is not None and event.is_printable and event.character:
            line.insert_text_at_cursor(event.character)
        elif line is self.filter_input and event.key == "enter":
            self._filter_done()
        elif line is self.command_line and event.key == "enter":
            self._command_done()
        elif event.key == "enter" and isinstance(self.focused, LiveTable):
            # Here rather than as the table's binding: bindings run when the key comes back to
            # the app, behind every key of the burst, so the keys after Enter would reach this
            # pane instead of the one Enter opens.
            self.focused.action_select_cursor()
        elif event.key == "escape":
            self.action_back()  # same reason: the keys after Esc belong to the pane it reveals
        else:
            return
        event.stop()
        event.prevent_default()

    def _open_line(self) -> Input | None:
        if self.filter_input.display:
            return self.filter_input
        if self.command_line.display:
            return self.command_line
        return None

    def _pass_on(self, event: events.Key) -> None:
        """Send a key typed ahead to where it would have gone: the focus of the screen on top."""
        app = self.app
        (app.focused or app.screen)._forward_event(events.Key(event.key, event.character))

    def _apply_filter(self) -> None:
        target = self._filter_target or self.table
        text = self.filter_input.value  # the latest, not a Changed event's older value
        if target.filter_text != text.strip().lower():
            target.set_filter(text)
            self.refresh_bindings()  # Esc clears it now (Back shows on the first pane too)
        self.header.update_lines()  # "n of N rows" follows the typing

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self._apply_filter()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        if not self.filter_input.display:
            return
        self._apply_filter()
        self.filter_input.display = False
        # At once, not on the next idle: the next key of a burst belongs to the table.
        self.set_focus(self._filter_target or self.table)

    # -- the command line --------------------------------------------------------------------

    def action_start_command(self) -> None:
        if self.command_line.display:
            self.set_focus(self.command_line)
            return
        if self.filter_input.display:
            self._filter_done()
        self.command_line.open()
        self.command_line.display = True
        self.set_focus(self.command_line)  # at once: the burst after ":" is the command

    def _close_command(self) -> None:
        self.command_line.display = False
        self.set_focus(self._filter_target or self.table)

    @on(Input.Submitted, "#command")
    def _command_done(self) -> None:
        if not self.command_line.display:
            return
        line = self.command_line.value
        self._close_command()
        self.command_line.remember(line)
        deck_of(self).run_command(line)

    def action_back(self) -> None:
        raise NotImplementedError

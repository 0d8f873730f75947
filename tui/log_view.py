"""How the logs view shows what it reads: the lines kept, through the local filter, in a
``RichLog``, followed at the bottom, and a note of what is shown in the header.

``LogShowing`` is a mixin of the logs screen, on top of the reader (tui/log_reader.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text

from aws.log_session import BUFFER
from aws.logs import by_time
from tui.log_lines import count_words, haystack, shown_text, stopped_words
from tui.log_reader import WINDOWS, LogReader
from tui.text import clean

if TYPE_CHECKING:
    from textual.widgets import RichLog

    from aws.log_models import LogEvent


class LogShowing(LogReader):
    """The lines kept, as the view shows them."""

    #: View state: following paused; long lines wrapped; timestamps shown.
    paused = False
    wrap = False
    stamps = True
    #: Plain text kept locally (``/``).
    local = ""
    #: The view holds the "no lines" line rather than log lines.
    _empty_said = False

    @property
    def view(self) -> RichLog:
        raise NotImplementedError

    def _matches(self, e: LogEvent) -> bool:
        return not self.local or self.local in haystack(e)

    def _text(self, events: Sequence[LogEvent]) -> Text | None:
        return shown_text(
            events,
            self.local,
            stamps=self.stamps,
            tag_task=self.scope.task is None,
            tag_container=self.session.tag_container,
        )

    def _add(self, events: list[LogEvent], *, initial: bool = False) -> None:
        if initial:
            events = by_time(events)
        self.lines.extend(events)
        text = self._text(events[-BUFFER:])
        view = self.view
        if text is not None:
            if self._empty_said:  # the "no lines" line goes when the first line comes
                self.redraw()
                return
            # Keep reading where the user scrolled to; at the bottom, follow the new lines.
            view.write(text, scroll_end=initial or view.is_vertical_scroll_end)
        elif initial:
            self._say_empty()

    def _say_empty(self) -> None:
        """An empty view says why, instead of a blank screen that looks like a hang."""
        label, _ = WINDOWS[self.window]
        if self.lines and self.local:
            words = f"No line of the {len(self.lines)} kept matches the filter (Esc clears it)."
        else:
            words = f"No log lines in this stream ({label}); new lines show here as they come."
        self.view.write(Text(words, style="italic"))
        self._empty_said = True

    def redraw(self) -> None:
        """Everything kept, again (the filter, wrap or timestamps changed)."""
        view = self.view
        view.clear()
        self._empty_said = False
        view.wrap = self.wrap
        text = self._text(list(self.lines))
        if text is not None:
            view.write(text, scroll_end=True)
        elif self.reads or self.lines:
            self._say_empty()
        self._note()

    def _note(self) -> None:
        parts = [count_words(self.lines, self.local), f"window: {WINDOWS[self.window][0]}"]
        if self.local:
            parts.append(f"filter: {clean(self.local, 30)}")
        if self.pattern:
            parts.append(f"pattern: {clean(self.pattern, 40)}")
        if self.session.behind:
            parts.append("catching up")
        task = self.scope.task
        if task is not None and task.last_status == "STOPPED":
            parts.append(stopped_words(task))  # its stream gets no new line: not "following"
        else:
            parts.append("⏸ PAUSED (space resumes)" if self.paused else "following")
        self.header.note = " · " + " · ".join(parts)
        self.header.update_lines()

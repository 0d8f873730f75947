"""The two header lines: where we are (account, region, endpoint) and how fresh the data is.

A third line appears while a change sent to AWS waits for its answer (:mod:`tui.pending`): what
it is, how long it has waited, and the key that gives up on it.

Freshness is the on-call's first question: while refreshes arrive on time the line says "live";
once data is late its age shows and ticks, and a failed refresh turns the line into a STALE marker
with the age of what is still shown and the reason.

Over SSH every repaint costs bytes, so the header repaints a line only when that line's text
changed, and only while its screen is the one on top: a hidden screen's repaint would make
Textual redraw the whole visible screen.
"""

from __future__ import annotations

import os
import time

from rich.text import Text
from textual.geometry import Region
from textual.reactive import reactive
from textual.widget import Widget

from tui.app_contexts import calls_per_minute, pane_context
from tui.text import clean, plural


def fit_lines(
    line1: Text, where: Text, state: Text, head: int, width: int, line3: Text | None = None
) -> Text:
    """The header's lines, each cut to ``width`` (never wrapped: a wrapped line would push the
    state out of the header). The crumb gives way first, so the state (live, data age,
    STALE) always shows: at 60 columns it is what the on-call needs to see. ``head`` is the
    width of the state's first word(s), the part kept whole."""
    if width > 0 and where.cell_len + 2 + head > width:
        where.truncate(max(width - 2 - head, 8), overflow="ellipsis")
    line2 = where + Text("  ") + state
    return Text("\n", no_wrap=True, overflow="ellipsis").join(
        [line1, line2, *([line3] if line3 else [])]
    )


def fit_line1(ident: Text, endpoint: str | None, mode: Text, width: int) -> Text:
    """Account, region, endpoint, then the mode (``[READ-ONLY]``), cut to ``width``: the
    endpoint gives way first (shortened, then dropped), the account and region next; the mode
    is never cut, it says whether a key can change anything."""
    line = ident.copy()
    if endpoint:
        label = Text(f"  endpoint {clean(endpoint, 60)}")
        room = width - ident.cell_len - mode.cell_len if width > 0 else label.cell_len
        if room < len("  endpoint ") + 8:
            label = Text()
        elif label.cell_len > room:
            label.truncate(room, overflow="ellipsis")
        line.append_text(label)
    if width > 0 and line.cell_len + mode.cell_len > width:
        line.truncate(max(width - mode.cell_len, 0), overflow="ellipsis")
    line.append_text(mode)
    return line


class StatusHeader(Widget):
    DEFAULT_CSS = """
    StatusHeader { height: 2; background: $panel; color: $text; padding: 0 1;
        text-wrap: nowrap; text-overflow: ellipsis; }
    """

    #: Breadcrumb of the current pane, e.g. "prod-ec2 › payments-api".
    crumb: reactive[str] = reactive("")

    def __init__(self, crumb: str = "") -> None:
        super().__init__()
        self.crumb = crumb
        self.fetched_at: float | None = None
        self.error: str | None = None
        self.calls_last = 0
        self.progress: tuple[int, int] | None = None
        #: Said after the crumb instead of the row count (the problems view: "5 problems in 2
        #: clusters").
        self.note: str | None = None
        #: Whose requests "calls/refresh" counts, when not the pane's own (e.g. "reader ").
        self.calls_label = ""
        #: Seconds until the next refresh is due: past that (plus slack) the data is "late".
        self.next_in = 3.0
        self._painted: list[tuple[str, str]] = []
        #: Parts of the pane that failed while the rest refreshed: part -> reason.
        self.part_errors: dict[str, str] = {}
        #: Lines shown: 2, or 3 while a change is pending (the CSS height is 2).
        self._height = 2
        #: True while a dialog over the pane has stopped its polling: "live" would be a lie.
        self.paused = False
        #: Rows marked for a bulk action (the services list's ``space``), said after the rows.
        self.marked = 0

    def on_mount(self) -> None:
        self.set_interval(1.0, self.update_lines)

    def mark_fresh(self, calls: int, next_in: float | None = None) -> None:
        self.fetched_at = time.monotonic()
        self.error = None
        self.calls_last = calls
        if next_in is not None:
            self.next_in = next_in
        self.update_lines()

    def mark_stale(self, reason: str) -> None:
        self.error = reason
        self.update_lines()

    def set_paused(self, paused: bool) -> None:
        """Polling stopped (a dialog on top) or started again. Painted even under the dialog,
        which shows this header through its backdrop: once per dialog, not every second."""
        if paused == self.paused:
            return
        self.paused = paused
        self._painted = []
        if self.is_mounted:
            self.refresh()

    def set_part_error(self, part: str, reason: str | None) -> None:
        """One part of the pane (target health, say) failed or recovered; the rest is fresh.
        Saying what is already said does nothing, so a part may report every read."""
        if self.part_errors.get(part) == reason:
            return
        if reason is None:
            self.part_errors.pop(part, None)
        else:
            self.part_errors[part] = reason
        self.update_lines()

    def set_progress(self, done: int, total: int) -> None:
        self.progress = (done, total) if done < total else None
        self.update_lines()

    def update_lines(self) -> None:
        """Repaint the lines whose text changed, if this header's screen is on top."""
        if not self.is_mounted or self.app.screen is not self.screen:
            return
        lines = self.render().split("\n")
        now = [(line.plain, repr(line.spans)) for line in lines]
        if not self._painted or len(now) != len(self._painted):
            if len(lines) != self._height:  # the pending line comes and goes
                self._height = self.styles.height = len(lines)  # type: ignore[assignment]
            self.refresh()
        else:
            for y, (before, after) in enumerate(zip(self._painted, now, strict=True)):
                if before != after:
                    self.refresh(Region(0, y, self.size.width, 1))
        self._painted = now

    @property
    def stale(self) -> bool:
        return self.error is not None

    def _rows_label(self) -> str:
        """ " · 12 rows", or " · 1 of 351 rows" while a filter hides some."""
        from tui.widgets.live_table import LiveTable

        tables = self.screen.query(LiveTable)
        if not tables:
            return ""
        # The filtered table, where one is (a pane's second table filters too), else the first.
        table = next((t for t in tables if t.filter_text), tables.first())
        total = table.row_count_total
        if table.filter_text:
            return (
                f" · {table.row_count} of {plural(total, 'row')} "
                f"(filter: {clean(table.filter_text, 30)})"
            )
        return f" · {plural(total, 'row')}"

    def render(self) -> Text:
        line1 = self._identity_line()
        where = self._where()
        state = self._freshness()
        # The freshness words are what fit_lines keeps whole when the line is cut.
        head = state.cell_len + (len("✗ NO DATA") if self.error and self.fetched_at is None else 0)
        self._append_details(state)
        pending = getattr(self.app, "pending", None)
        line3 = pending.line(getattr(self.app, "give_up_key", "ctrl+g")) if pending else None
        return fit_lines(line1, where, state, head, self.size.width - 2, line3)

    def _identity_line(self) -> Text:
        """Account, profile, region, a non-AWS endpoint and the read-only mode, fitted."""
        ident = getattr(self.app, "identity", None)
        settings = getattr(self.app, "settings", None)
        line1 = Text(no_wrap=True, overflow="ellipsis")
        line1.append("ecsdeck ", style="bold")
        account = ident.account if ident and ident.account else "…"
        region = (ident.region if ident else None) or "?"
        # The profile in use, when one was chosen (flag, :profile, AWS_PROFILE); else the default
        # chain's credentials, which need no name.
        profile = getattr(settings, "profile", None) or os.environ.get("AWS_PROFILE")
        where = pane_context(self.app, self.screen)
        if isinstance(where, str):  # a pane across contexts: how many, not one account
            line1.append(where)
            profile = region = None
        elif where is not None:  # the pane's own context, of several
            account, profile, region = (
                where.account or "…",
                where.context.profile,
                where.context.region,
            )
        if region is not None:
            line1.append(f"acct {clean(account, 40)}")
        if profile:
            line1.append(f"  profile {clean(profile, 30)}")
        if region is not None:
            line1.append(f"  region {clean(region, 30)}")
        endpoint = ident.endpoint if ident else None
        shown_endpoint = endpoint if endpoint and "amazonaws.com" not in endpoint else None
        mode = Text("  [READ-ONLY]", style="bold yellow")
        if settings is None or not settings.read_only:
            mode = Text()
        return fit_line1(line1, shown_endpoint, mode, self.size.width)  # the content width

    def _where(self) -> Text:
        """The crumb, then the rows shown (or the screen's note while no filter is on)."""
        where = Text(no_wrap=True, overflow="ellipsis")
        context = pane_context(self.app, self.screen)
        if context is not None and not isinstance(context, str):  # of several: say which
            where.append(f"{clean(context.context.name, 60)} › ", style="bold cyan")
        where.append(clean(self.crumb, 80), style="bold")
        rows = self._rows_label()
        where.append(self.note if self.note is not None and "filter" not in rows else rows, "dim")
        if self.marked:
            where.append(f" · {self.marked} marked", style="bold magenta")
        return where

    def _freshness(self) -> Text:
        """paused, loading, live, the data's age, or STALE with that age."""
        line2 = Text(no_wrap=True, overflow="ellipsis")
        if self.paused:
            line2.append("⏸ paused", style="bold reverse")
            line2.append(" (a dialog is open)", style="dim")
        elif self.fetched_at is None and self.error is None:
            line2.append("loading…", style="italic")
        elif self.fetched_at is not None:
            age = int(time.monotonic() - self.fetched_at)
            if self.error:
                line2.append(f"✗ STALE {age}s ", style="bold reverse red")
            elif age <= self.next_in + 2:
                line2.append("● live", style="green")
            else:
                line2.append(f"data {age}s old", style="dim" if age < 30 else "yellow")
        return line2

    def _append_details(self, line2: Text) -> None:
        """After the freshness: retries seen, parts that failed, the error, progress, calls."""
        clients = getattr(self.app, "clients", None)
        trouble = getattr(clients, "health", None)
        trouble = trouble.trouble if trouble is not None else None
        if trouble is not None and not self.error:
            # Seen on a retry inside the refresh now running: say it before the refresh fails.
            line2.append(f"  ⚠ {trouble.words}", style="bold yellow")
        for part, reason in self.part_errors.items():
            line2.append(f"  ✗ {part}: {clean(reason, 120)}", style="red")
        if self.error:
            if self.fetched_at is None:
                line2.append("✗ NO DATA ", style="bold reverse red")
            line2.append(" " + clean(self.error, 160), style="red")
        if self.progress:
            done, total = self.progress
            line2.append(f"  loading {done} of {total}", style="yellow")
        per_minute = calls_per_minute(self.app)
        if per_minute is not None:
            line2.append(
                # Two counts of different things: this pane's last refresh, and every request
                # the app sent in the last minute (all panes, the problems feed, actions, in
                # every context: `:ctx` says each one's).
                f"  · {self.calls_label or 'pane '}{plural(self.calls_last, 'call')}/refresh"
                f" · app {per_minute} calls/min",
                style="dim",
            )

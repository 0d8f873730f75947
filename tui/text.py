"""Turning AWS strings into inert, one-line cells.

Anything that came from AWS (names, tags, stop reasons, log lines) is data: it is never parsed as
Rich markup and never reaches the terminal as a control sequence. ``safe`` is the only way AWS text
gets into a widget.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from rich.text import Text

from aws.words import noun as noun
from aws.words import plural as plural

#: C0/C1 control characters and DEL, plus the Unicode bidi controls (which can reorder what a
#: terminal shows: "trojan source") and line/paragraph separators. ESC becomes a visible glyph
#: so a hostile tag shows what it is; the others become "�".
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_VISIBLE = {"\x1b": "␛", "\n": "⏎", "\r": "␍", "\t": " "}


def clean(value: object, limit: int = 200) -> str:
    """One line of plain characters, truncated to ``limit`` with an ellipsis."""
    if value is None:
        return ""
    text = _CONTROL.sub(lambda m: _VISIBLE.get(m.group(), "�"), str(value))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def safe(value: object, style: str = "", limit: int = 200) -> Text:
    """A Rich ``Text`` that renders ``value`` character for character, markup and all."""
    return Text(clean(value, limit), style=style, no_wrap=True, overflow="ellipsis")


def age(when: datetime | None, now: datetime | None = None) -> str:
    """Age in its two largest units, one format in every column: 42s, 1m45s, 1h43m, 2d3h (a
    zero second unit left out: 2m, 3h). ``105s`` beside ``2m`` read as two different clocks."""
    if when is None:
        return "-"
    now = now or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return duration(max(0, int((now - when).total_seconds())))


#: Each unit of an age with its length in seconds, the largest first.
AGE_UNITS = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))


#: From this age on, seconds are left out (``48m``, not ``48m3s``): under ten minutes they tell a
#: crash loop's beat; past it they only make every row of a 5,000-task pane redraw each tick.
SECONDS_UNTIL = 600


def duration(seconds: int) -> str:
    """``seconds`` in its two largest units: 45s, 1m45s, 1h43m, 2d3h; from ten minutes on,
    whole minutes (48m)."""
    if 3600 > seconds >= SECONDS_UNTIL:
        return f"{seconds // 60}m"
    for i, (unit, length) in enumerate(AGE_UNITS[:-1]):
        if seconds >= length:
            smaller, small_length = AGE_UNITS[i + 1]
            rest = (seconds % length) // small_length
            return f"{seconds // length}{unit}" + (f"{rest}{smaller}" if rest else "")
    return f"{seconds}s"


def short_arn(arn: str | None) -> str:
    """The last path element of an ARN: a name, a task id, or ``family:revision``."""
    if not arn:
        return "-"
    return arn.rsplit("/", 1)[-1]


_DIGITS = re.compile(r"([0-9]+)")


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts svc-2 before svc-10, as a person reads names. Each chunk is tagged
    (digit runs 0, text 1) so a number is never compared with a string. Only ASCII digits make a
    number: ``str.isdigit`` is also true of ``²``, which ``int`` cannot read."""
    return tuple(
        (0, int(part)) if part.isascii() and part.isdigit() else (1, part.lower())
        for part in _DIGITS.split(name)
        if part
    )


def utc_stamp(when: datetime | None) -> str:
    """An absolute time to quote in an incident channel: ``2026-11-27 02:41:12 UTC``."""
    if when is None:
        return "-"
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def diff_text(diff: str) -> Text:
    """A unified diff, coloured: additions green, removals red, hunks cyan."""
    out = Text()
    for i, line in enumerate(diff.splitlines()):
        if i:
            out.append("\n")
        style = ""
        if line.startswith(("+++", "---")):
            style = "bold"
        elif line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        elif line.startswith("@@"):
            style = "cyan"
        out.append(clean(line, 400), style=style)
    return out

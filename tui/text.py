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
    """Compact k9s-style age: 42s, 7m, 3h, 12d."""
    if when is None:
        return "-"
    now = now or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = max(0, int((now - when).total_seconds()))
    if seconds < 120:
        return f"{seconds}s"
    if seconds < 7200:
        return f"{seconds // 60}m"
    if seconds < 172800:
        return f"{seconds // 3600}h"
    return f"{seconds // 86400}d"


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

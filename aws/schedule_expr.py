"""When an EventBridge schedule fires next: ``rate()``, ``cron()`` (EventBridge's six fields) and
``at()``, in the schedule's time zone.

Neither the Scheduler nor the rules API says when a schedule runs next, so the schedules pane
works it out. EventBridge's cron differs from Unix cron: six fields (minutes, hours,
day-of-month, month, day-of-week, year), day-of-week 1-7 from Sunday, one of the two day fields
must be ``?``, and ``L``, ``W`` and ``#`` are allowed (last day, nearest weekday, nth weekday).
A rate counts from when the schedule was created (or its start date): without that anchor only
the period is known, and ``next_run`` returns None.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: How far ahead a cron expression is searched (a year field can name a far-off year).
HORIZON_DAYS = 366 * 5

_MONTHS = {m.upper(): i for i, m in enumerate(calendar.month_abbr) if m}
_DAYS = {d: i for i, d in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), 1)}
_RATE = re.compile(r"rate\(\s*(\d+)\s+(minutes?|hours?|days?)\s*\)", re.I)
_AT = re.compile(r"at\(\s*(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\s*\)", re.I)
_CRON = re.compile(r"cron\((.*)\)", re.I | re.S)
_UNIT = {"minute": 60, "hour": 3600, "day": 86400}


class ExpressionError(ValueError):
    """The expression is not one EventBridge accepts (``str(exc)`` says why)."""


@dataclass(frozen=True, slots=True)
class _Field:
    values: frozenset[int]
    #: Day-of-month: ``L`` (last day), ``nW`` (nearest weekday), ``LW``. Day-of-week: ``nL``
    #: (last such weekday of the month), ``n#k`` (k-th such weekday).
    special: tuple[str, ...] = ()
    any: bool = False  # `?` (or `*` in a day field: every day)


def _number(text: str, names: dict[str, int], low: int, high: int, what: str) -> int:
    value = names.get(text.upper()) if names else None
    if value is None:
        if not text.isdigit():
            raise ExpressionError(f"{what}: {text!r} is not a number")
        value = int(text)
    if not low <= value <= high:
        raise ExpressionError(f"{what}: {value} is outside {low}-{high}")
    return value


def _field(
    text: str, low: int, high: int, what: str, names: dict[str, int] | None = None
) -> _Field:
    """One cron field: ``*``, ``?``, numbers, names, ranges ``a-b``, steps ``a/n`` ``*/n``, lists."""
    names = names or {}
    if text in ("*", "?"):
        return _Field(frozenset(range(low, high + 1)), any=True)
    values: set[int] = set()
    special: list[str] = []
    for part in text.split(","):
        if not part:
            raise ExpressionError(f"{what}: empty list item in {text!r}")
        if re.fullmatch(r"L|LW|\d+W|\d+L|\d+#\d|[A-Za-z]{3}L|[A-Za-z]{3}#\d", part, re.I):
            special.append(part.upper())
            continue
        base, _, step_text = part.partition("/")
        step = _number(step_text, {}, 1, high, what) if step_text else 1
        if base == "*":
            start, end = low, high
        elif "-" in base:
            a, _, b = base.partition("-")
            start, end = _number(a, names, low, high, what), _number(b, names, low, high, what)
        else:
            start = _number(base, names, low, high, what)
            end = high if step_text else start
        if start > end:
            raise ExpressionError(f"{what}: range {base!r} runs backwards")
        values.update(range(start, end + 1, step))
    return _Field(frozenset(values), tuple(special))


@dataclass(frozen=True, slots=True)
class Cron:
    minutes: _Field
    hours: _Field
    dom: _Field
    months: _Field
    dow: _Field
    years: _Field

    @classmethod
    def parse(cls, body: str) -> Cron:
        parts = body.split()
        if len(parts) != 6:
            raise ExpressionError(
                f"cron() takes 6 fields (minutes hours day-of-month month day-of-week year), "
                f"not {len(parts)}"
            )
        minute, hour, dom, month, dow, year = parts
        if (dom == "?") == (dow == "?"):
            raise ExpressionError("one of day-of-month and day-of-week must be ?, not both")
        return cls(
            _field(minute, 0, 59, "minutes"),
            _field(hour, 0, 23, "hours"),
            _field(dom, 1, 31, "day-of-month"),
            _field(month, 1, 12, "month", _MONTHS),
            _field(dow, 1, 7, "day-of-week", _DAYS),
            _field(year, 1970, 2199, "year"),
        )

    def day_matches(self, day: date) -> bool:
        if day.year not in self.years.values or day.month not in self.months.values:
            return False
        if not self.dom.any or self.dom.special:
            return _dom_matches(self.dom, day)
        if not self.dow.any or self.dow.special:
            return _dow_matches(self.dow, day)
        return True


def _dom_matches(f: _Field, day: date) -> bool:
    last = calendar.monthrange(day.year, day.month)[1]
    if day.day in f.values:
        return True
    for s in f.special:
        if s == "L" and day.day == last:
            return True
        if s.endswith("W") and _nearest_weekday(day, last, last if s == "LW" else int(s[:-1])):
            return True
    return False


def _nearest_weekday(day: date, last: int, wanted: int) -> bool:
    """``nW``: the weekday nearest day n, within the month."""
    target = date(day.year, day.month, min(wanted, last))
    if target.weekday() == 5:  # Saturday -> Friday, or Monday when n is the 1st
        target = target - timedelta(days=1) if target.day > 1 else target + timedelta(days=2)
    elif target.weekday() == 6:  # Sunday -> Monday, or Friday when n is the last day
        target = target + timedelta(days=1) if target.day < last else target - timedelta(days=2)
    return target == day


def _cron_dow(day: date) -> int:
    return (day.weekday() + 1) % 7 + 1  # Sunday 1 ... Saturday 7


def _dow_matches(f: _Field, day: date) -> bool:
    dow = _cron_dow(day)
    if dow in f.values:
        return True
    last = calendar.monthrange(day.year, day.month)[1]
    for s in f.special:
        if s == "L":
            if dow == 7:
                return True
        elif s.endswith("L"):
            if dow == _number(s[:-1], _DAYS, 1, 7, "day-of-week") and day.day + 7 > last:
                return True
        else:
            which, _, nth = s.partition("#")
            if dow == _number(which, _DAYS, 1, 7, "day-of-week") and (day.day - 1) // 7 + 1 == int(
                nth
            ):
                return True
    return False


def _zone(timezone: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise ExpressionError(f"unknown time zone {timezone!r}") from None


def rate_period(expression: str) -> timedelta | None:
    """``rate(5 minutes)`` -> 5 minutes; None for another kind of expression."""
    m = _RATE.fullmatch(expression.strip())
    if not m:
        return None
    value, unit = int(m.group(1)), m.group(2).lower().rstrip("s")
    if value < 1:
        raise ExpressionError("a rate must be at least 1")
    if (value == 1) != (not m.group(2).lower().endswith("s")):
        raise ExpressionError(f"say rate(1 {unit}) or rate(N {unit}s)")
    return timedelta(seconds=value * _UNIT[unit])


def check(expression: str, timezone: str | None = None) -> None:
    """Raise ExpressionError unless EventBridge would accept the expression."""
    next_run(expression, timezone, after=datetime(2000, 1, 1, tzinfo=UTC))


def next_run(
    expression: str,
    timezone: str | None = None,
    *,
    after: datetime,
    anchor: datetime | None = None,
) -> datetime | None:
    """The first run strictly after ``after`` (UTC), or None: an ``at()`` in the past, a cron
    with no run within ``HORIZON_DAYS``, or a rate without ``anchor`` (its creation or start).

    Raises ExpressionError for an expression EventBridge would refuse."""
    text = expression.strip()
    zone = _zone(timezone)
    period = rate_period(text)
    if period is not None:
        if anchor is None:
            return None
        if anchor > after:
            return anchor
        steps = (after - anchor) // period + 1
        return anchor + steps * period
    if m := _AT.fullmatch(text):
        try:
            when = datetime.fromisoformat(m.group(1)).replace(tzinfo=zone).astimezone(UTC)
        except ValueError as exc:
            raise ExpressionError(f"at(): {exc}") from None
        return when if when > after else None
    if m := _CRON.fullmatch(text):
        return _next_cron(Cron.parse(m.group(1)), zone, after)
    raise ExpressionError(f"{text!r} is not rate(), cron() or at()")


def _next_cron(cron: Cron, zone: ZoneInfo, after: datetime) -> datetime | None:
    local = after.astimezone(zone)
    hours, minutes = sorted(cron.hours.values), sorted(cron.minutes.values)
    day = local.date()
    for _ in range(HORIZON_DAYS):
        if cron.day_matches(day):
            for h in hours:
                for mi in minutes:
                    wall = datetime(day.year, day.month, day.day, h, mi, tzinfo=zone)
                    when = wall.astimezone(UTC)
                    if when.astimezone(zone).replace(tzinfo=None) != wall.replace(tzinfo=None):
                        continue  # a wall time the clocks skip (daylight saving starts)
                    if when > after:
                        return when
        day += timedelta(days=1)
    return None

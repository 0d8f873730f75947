"""The next-run evaluator of EventBridge expressions: plain unit tests, no server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aws.schedule_expr import ExpressionError, check, next_run

NOW = datetime(2026, 3, 27, 10, 30, tzinfo=UTC)  # a Friday


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("cron(0 3 * * ? *)", at(2026, 3, 28, 3, 0)),  # tomorrow at 03:00
        ("cron(45 10 * * ? *)", at(2026, 3, 27, 10, 45)),  # later today
        ("cron(0/15 * * * ? *)", at(2026, 3, 27, 10, 45)),
        ("cron(*/20 * * * ? *)", at(2026, 3, 27, 10, 40)),
        ("cron(0 8 ? * MON-FRI *)", at(2026, 3, 30, 8, 0)),  # Monday
        ("cron(0 8 ? * 2-6 *)", at(2026, 3, 30, 8, 0)),  # the same, by number (SUN=1)
        ("cron(0 12 L * ? *)", at(2026, 3, 31, 12, 0)),  # last day of the month
        ("cron(0 12 ? * 6L *)", at(2026, 3, 27, 12, 0)),  # last Friday: today
        ("cron(0 9 ? * 2#1 *)", at(2026, 4, 6, 9, 0)),  # first Monday of April
        ("cron(0 9 1W * ? *)", at(2026, 4, 1, 9, 0)),  # 1 April 2026 is a Wednesday
        ("cron(0 9 15W * ? *)", at(2026, 4, 15, 9, 0)),
        ("cron(0 0 1 JAN ? 2027)", at(2027, 1, 1, 0, 0)),
        ("cron(0 0 1 1 ? 2025)", None),  # only in the past
        ("at(2026-04-01T09:30:00)", at(2026, 4, 1, 9, 30)),
        ("at(2026-01-01T00:00:00)", None),
    ],
)
def test_next_run_utc(expression: str, expected: datetime | None) -> None:
    assert next_run(expression, after=NOW) == expected


def test_cron_in_a_time_zone_and_across_daylight_saving() -> None:
    # 03:00 in Paris is 02:00 UTC in winter (CET) ...
    assert next_run("cron(0 3 * * ? *)", "Europe/Paris", after=at(2026, 3, 20, 12)) == at(
        2026, 3, 21, 2, 0
    )
    # ... and 01:00 UTC once summer time has begun (29 March 2026).
    assert next_run("cron(0 3 * * ? *)", "Europe/Paris", after=at(2026, 3, 29, 12)) == at(
        2026, 3, 30, 1, 0
    )
    # 02:30 does not exist in Paris on 29 March 2026: that day is skipped.
    assert next_run("cron(30 2 * * ? *)", "Europe/Paris", after=at(2026, 3, 28, 12)) == at(
        2026, 3, 30, 0, 30
    )
    assert next_run("at(2026-04-01T09:30:00)", "America/New_York", after=NOW) == at(
        2026, 4, 1, 13, 30
    )


def test_rate_counts_from_its_anchor() -> None:
    anchor = at(2026, 3, 27, 10, 7)
    assert next_run("rate(15 minutes)", after=NOW, anchor=anchor) == at(2026, 3, 27, 10, 37)
    assert next_run("rate(1 hour)", after=NOW, anchor=anchor) == at(2026, 3, 27, 11, 7)
    assert next_run("rate(2 days)", after=NOW, anchor=NOW + timedelta(hours=1)) == NOW + timedelta(
        hours=1
    )
    assert next_run("rate(1 day)", after=NOW) is None  # no anchor: only the period is known


@pytest.mark.parametrize(
    ("expression", "why"),
    [
        ("cron(0 3 * * *)", "6 fields"),
        ("cron(0 3 * * MON *)", "must be ?"),
        ("cron(0 3 ? * ? *)", "must be ?"),
        ("cron(61 3 * * ? *)", "outside 0-59"),
        ("cron(0 3 * FOO ? *)", "not a number"),
        ("cron(0 5-3 * * ? *)", "backwards"),
        ("rate(0 minutes)", "at least 1"),
        ("rate(1 minutes)", "rate(1 minute)"),
        ("rate(5 minute)", "rate(N minutes)"),
        ("rate(5 weeks)", "not rate()"),
        ("every day", "not rate()"),
        ("at(2026-02-30T00:00:00)", "at()"),
    ],
)
def test_bad_expressions_are_refused(expression: str, why: str) -> None:
    with pytest.raises(ExpressionError, match=why.replace("(", r"\(").replace(")", r"\)")):
        check(expression)


def test_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ExpressionError, match="time zone"):
        next_run("cron(0 3 * * ? *)", "Mars/Olympus", after=NOW)

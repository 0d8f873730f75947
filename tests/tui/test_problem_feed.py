"""The problems feed's bookkeeping on plain values: a problem the reader stops reporting stays a
minute as resolved, comes back as active if reported again, and then leaves."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

import tui.problem_feed as feed_module
from aws.problem_models import Problem
from aws.triage.problems import ProblemReport
from tui.problem_feed import RESOLVED_FOR, ProblemFeed


def problem(key: str) -> Problem:
    return Problem(key, "stopped", "arn:c", "c", "out of memory", "web exit 137")


def report(*problems: Problem, by_cluster: dict[str, int] | None = None) -> ProblemReport:
    return ProblemReport(problems, by_cluster or {"arn:c": len(problems)}, (), datetime.now(UTC))


def test_cleared_problem_is_resolved_for_a_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(feed_module.time, "monotonic", lambda: now[0])
    app: Any = SimpleNamespace(settings=SimpleNamespace(refresh=3.0))
    feed = ProblemFeed(app)
    assert feed.cluster_counts("arn:c") is None  # "…" until the first report
    feed._absorb(report(problem("a"), problem("b")))
    feed._absorb(report(problem("b")))
    assert [r.problem.key for r in feed.recently_resolved()] == ["a"]
    assert feed.cluster_counts("arn:c") == (1, 0)
    feed._absorb(report(problem("a"), problem("b")))  # back: active again, not resolved
    assert feed.recently_resolved() == []
    feed._absorb(report(by_cluster={"arn:c": 0}))
    now[0] += RESOLVED_FOR - 1
    assert {r.problem.key for r in feed.recently_resolved()} == {"a", "b"}
    now[0] += 2
    assert feed.recently_resolved() == []
    assert feed.cluster_counts("arn:c") == (0, 0)

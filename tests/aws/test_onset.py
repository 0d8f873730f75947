"""When a problem began (issue 17, "When"): the real onset from what AWS tells, the same after
a restart of ecsdeck, and "seen" (not a pretend onset) where AWS tells no time.

Against the planted sandbox, whose /ecsdeck/planted says when each problem began: the first
"is unhealthy" event, the OOM kill's stoppedAt, the FAILED deployment's updatedAt, the oldest
placement failure; an agent disconnect has no time in DescribeContainerInstances.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aws.problem_models import Problem
from aws.session import Clients
from aws.triage.problems import ProblemWatch
from tests.aws.test_problems_sandbox import clients, planted  # noqa: F401 (fixture)

#: Where each planted problem's onset must come from.
ONSETS = {
    "targets": "event",
    "stopped": "stopped",
    "rollout": "deployment updated",
    "stuck": "deployment updated",
    "instance": "seen",
}


def by_kind(problems: tuple[Problem, ...]) -> dict[str, Problem]:
    return {p.kind: p for p in problems}


async def test_since_is_the_real_onset_and_survives_a_restart(
    sandbox_problems: str,
    clients: Clients,  # noqa: F811
) -> None:
    plants = planted(sandbox_problems)
    start = datetime.now(UTC)
    first = by_kind((await ProblemWatch(clock=lambda: start).refresh(clients)).problems)
    # A restart ten minutes later: a new reader, nothing remembered.
    later = start + timedelta(minutes=10)
    again = by_kind((await ProblemWatch(clock=lambda: later).refresh(clients)).problems)

    for kind, onset in ONSETS.items():
        assert first[kind].onset == onset, first[kind]
        if onset == "seen":
            # No time from AWS: when this reader first saw it, and said so.
            assert not first[kind].since_known
            assert (first[kind].since, again[kind].since) == (start, later)
            continue
        began = datetime.fromisoformat(plants[kind]["since"])
        assert first[kind].since_known
        assert first[kind].since is not None
        assert abs(first[kind].since - began) < timedelta(seconds=1), (kind, first[kind])
        assert again[kind].since == first[kind].since, kind
        assert first[kind].since < start - timedelta(minutes=5), "not when ecsdeck looked"


async def test_a_seen_time_is_kept_while_the_problem_lasts(
    sandbox_problems: str,
    clients: Clients,  # noqa: F811
) -> None:
    start = datetime.now(UTC)
    now = [start]
    watch = ProblemWatch(clock=lambda: now[0])
    instance = by_kind((await watch.refresh(clients)).problems)["instance"]
    now[0] = start + timedelta(minutes=4)
    still = by_kind((await watch.refresh(clients)).problems)["instance"]
    assert (instance.since, still.since, still.onset) == (start, start, "seen")

"""``ecsdeck problems``: what is broken right now, printed once, for cron, alerting or a CI gate.

Exit status 1 when there is any problem, 0 when there is none, 2 when the answer is not known:
bad input (an unknown cluster, a bad setting), an endpoint that does not answer, access denied,
or a part of the account that could not be read and nothing found elsewhere (a 0 must mean
"checked, all clear", never "could not look"). Errors are one line on stderr.

It is the TUI's problems reader (``aws.triage.problems.ProblemWatch``) refreshed once: the same
rules and the same budget as the first read of the ``!`` view, so a script and the app never
disagree. A plain asyncio program over ``aws/``: it never loads textual (tui/main.py hands it
``account``, the settings checked and, for ``--demo``, the sandbox started).
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import json
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from aws import console, ecs
from aws.contexts import ContextState
from aws.errors import explain
from aws.models import Cluster
from aws.problem_models import Problem
from aws.session import Clients
from aws.triage.problems import ProblemReport, ProblemWatch
from tui import config, flags
from tui.cli_contexts import label, open_contexts, print_rows, session_of, where
from tui.config import Settings
from tui.context_sets import ContextPlan
from tui.text import age, clean

#: What tui/main.py passes: the settings to use, inside a block that owns the sandbox.
Account = Callable[[Settings], AbstractContextManager[Settings]]

#: Widest a column of the plain output gets (longer values end in "…"); WHY, last, gets more.
COLUMN = 40
WHY = 300


class Refused(Exception):
    """Input that names nothing in the account: one line, exit status 2."""


def parser() -> argparse.ArgumentParser:
    p = flags.command_parser(
        "ecsdeck problems",
        "Print what is broken in the region right now (the ! view, once) and exit: 1 when "
        "there are problems, 0 when none, 2 when the answer is not known.",
    )
    p.add_argument("--json", action="store_true", help="one JSON object per problem and line")
    # Not the TUI's ``cluster`` setting (the pane to open at start): a config.toml naming a
    # start pane must not narrow what a cron job checks without anyone noticing.
    p.add_argument("--cluster", dest="only", metavar="C", help="only this cluster (name or ARN)")
    return p


def main(argv: list[str], account: Account) -> int:
    settings, args = config.parse(argv, parser())
    with account(settings) as ready:
        wanted = ready.context_plan()
        if wanted is not None:
            return asyncio.run(run_contexts(ready, wanted, only=args.only, as_json=args.json))
        return asyncio.run(run(ready, only=args.only, as_json=args.json))


async def run(settings: Settings, *, only: str | None, as_json: bool) -> int:
    """Read once, print, and return the exit status."""
    try:
        async with Clients.open(session_of(settings)) as c:
            cluster = await find_cluster(c, only) if only else None
            report = await ProblemWatch().refresh(c)
            region = c.region or "us-east-1"
    except Refused as exc:
        return say(str(exc))
    except Exception as exc:  # a dead endpoint, denied, expired credentials: one line
        return say(explain(exc))
    problems, errors = narrow(report, cluster)
    print_problems(problems, region, report.read_at, as_json)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        say(f"could not read {clean(errors[0], 300)}{more}")
    if problems:
        return 1
    return 2 if errors else 0


async def run_contexts(
    settings: Settings, wanted: ContextPlan, *, only: str | None, as_json: bool
) -> int:
    """``run`` in every context (one ProblemWatch each), the lines in context order. A context
    that cannot start or be read is one line on stderr; the status is 2 only when nothing was
    found elsewhere. With ``only``, the contexts without that cluster are skipped."""

    async def read(state: ContextState) -> tuple[list[Problem], list[str], datetime] | None:
        assert state.clients is not None
        try:
            cluster = await find_cluster(state.clients, only) if only else None
        except Refused:
            return None  # not in this context: the others may have it
        report = await ProblemWatch().refresh(state.clients)
        return (*narrow(report, cluster), report.read_at)

    async with await open_contexts(settings, wanted) as contexts:
        outcomes = await contexts.gather(read)
    unknown = bool(contexts.failed)
    rows: list[tuple[ContextState, Problem, datetime]] = []
    for outcome in outcomes:
        failed = [outcome.error] if outcome.error else []
        if outcome.value is not None:
            problems, errors, read_at = outcome.value
            rows += [(outcome.state, problem, read_at) for problem in problems]
            failed += [f"{outcome.state.context.name}: could not read {e}" for e in errors]
        for line in failed:
            say(line)
        unknown = unknown or bool(failed)
    if only and not any(o.value for o in outcomes) and not unknown:
        return say(f"no cluster named {only!r} in any of the {len(outcomes)} contexts")
    print_across(rows, as_json)
    return 1 if rows else (2 if unknown else 0)


def print_across(rows: list[tuple[ContextState, Problem, datetime]], as_json: bool) -> None:
    if as_json:
        for state, problem, read_at in rows:
            print(json.dumps(as_dict(problem, state.context.region, read_at) | where(state)))
        return
    print_rows(
        [[label(state), state.context.region, *cells(p, read_at)] for state, p, read_at in rows]
    )


def say(line: str) -> int:
    print(f"ecsdeck: {clean(line, 500)}", file=sys.stderr)
    return 2


async def find_cluster(c: Clients, name: str) -> Cluster:
    """One DescribeClusters by name or ARN, before the full read (a typo must not cost it);
    the clusters are listed only to name the closest when there is no such cluster."""
    found = [cl for cl in await ecs.read_clusters(c, [name]) if cl.status in (None, "ACTIVE")]
    if found:
        return found[0]
    names = [cl.name for cl in await ecs.read_clusters(c)]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
    hint = f": did you mean {close[0]!r}?" if close else f" ({len(names)} clusters there)"
    raise Refused(f"no cluster named {name!r} in {c.region}{hint}")


def narrow(report: ProblemReport, cluster: Cluster | None) -> tuple[list[Problem], list[str]]:
    """The problems and read errors of ``cluster`` (all of them without one). The reader's
    errors start with the cluster's name: ``name: why`` or ``name/service targets: why``."""
    if cluster is None:
        return list(report.problems), list(report.errors)
    problems = [p for p in report.problems if p.cluster_arn == cluster.arn]
    errors = [e for e in report.errors if e.startswith((f"{cluster.name}:", f"{cluster.name}/"))]
    return problems, errors


def culprit(problem: Problem) -> str:
    """The ARN of what to look at first: the task, else the instance, service or cluster."""
    return (
        problem.task_arn
        or problem.container_instance_arn
        or problem.service_arn
        or problem.cluster_arn
    )


def iso(when: datetime | None) -> str | None:
    if when is None:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).isoformat()


def as_dict(problem: Problem, region: str, read_at: datetime) -> dict[str, Any]:
    """One JSON line. AWS strings stay as AWS gave them (``json.dumps`` escapes every control
    and non-ASCII character, so nothing in them reaches a terminal raw)."""
    arn = console.parse_arn(problem.cluster_arn)
    return {
        "account": arn.account if arn else None,
        "region": region,
        "cluster": problem.cluster_name,
        "service": problem.service_name,
        "kind": problem.kind,
        "severity": problem.severity,
        "what": problem.what,
        "why": problem.why,
        "since": iso(problem.since) if problem.since_known else None,  # "seen" is no onset
        "seen": iso(read_at),
        "count": problem.count,
        "target": culprit(problem),
        "target_id": problem.target_id,
        "cluster_arn": problem.cluster_arn,
        "service_arn": problem.service_arn,
        "console_url": console.problem_url(problem, region),
        "key": problem.key,
    }


def print_problems(problems: list[Problem], region: str, read_at: datetime, as_json: bool) -> None:
    if as_json:
        for problem in problems:
            print(json.dumps(as_dict(problem, region, read_at)))
        return
    print_rows([cells(problem, read_at) for problem in problems])


def since(problem: Problem, read_at: datetime) -> str:
    """``since 40m`` from the real onset; ``seen 0s`` when AWS gives none, as the TUI says."""
    if problem.since is None:
        return "seen now"
    return f"{'since' if problem.since_known else 'seen'} {age(problem.since, read_at)}"


def cells(problem: Problem, read_at: datetime) -> list[str]:
    """The columns of one plain line, WHY last (unpadded)."""
    return [
        problem.severity,
        clean(problem.cluster_name, COLUMN),
        clean(problem.service_name or "-", COLUMN),
        problem.kind,
        clean(problem.what, COLUMN * 2),
        since(problem, read_at),
        clean(problem.why, WHY),
    ]

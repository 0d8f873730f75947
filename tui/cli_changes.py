"""``ecsdeck changes``: what changed, newest first, printed once (the ``:changes`` pane's
timeline, for a script or a post-mortem).

Exit status 0 when the timeline was read (empty or not: a change is not a failure), 2 when it
was not: bad input (an unknown cluster or service, a bad ``--since``, a bad setting), an
endpoint that does not answer, access denied. Errors are one line on stderr; so is the note
when CloudTrail is not readable (the ECS part is printed all the same). Same settings, same
reader and the same CloudTrail pacing as the TUI.
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import json
import re
import sys
from datetime import UTC, datetime
from typing import Any

from aws import console, ecs
from aws.changes import Change, Scope, Timeline, read_changes
from aws.contexts import ContextState
from aws.errors import explain
from aws.models import arn_tail
from aws.session import Clients
from tui import config, flags
from tui.cli_contexts import label, open_contexts, print_rows, session_of, where
from tui.cli_problems import Account, Refused, find_cluster, iso, say
from tui.config import Settings
from tui.context_sets import ContextPlan
from tui.text import age, clean

#: ``--since`` units, in hours.
UNITS = {"s": 1 / 3600, "m": 1 / 60, "h": 1.0, "d": 24.0}
#: Widest WHAT/WHO cell of the plain output.
COLUMN = 60


def parser() -> argparse.ArgumentParser:
    p = flags.command_parser(
        "ecsdeck changes",
        "Print what changed (deployments, registrations, scaling, and who called what, from "
        "CloudTrail), newest first, and exit: 0 when read, 2 when not.",
    )
    p.add_argument("--json", action="store_true", help="one JSON object per change and line")
    p.add_argument("--since", default="1h", metavar="AGE", help="how far back: 90m, 1h, 2d")
    p.add_argument("--cluster", dest="only", metavar="C", help="only this cluster (name or ARN)")
    p.add_argument("--service", metavar="S", help="only this service of --cluster")
    return p


def hours_of(text: str) -> float:
    """``90m`` -> 1.5; a bad value is refused in one line."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd])\s*", text.lower())
    if not found or float(found.group(1)) <= 0:
        raise Refused(f"--since {text!r}: expected a number and a unit, e.g. 30m, 1h, 2d")
    return float(found.group(1)) * UNITS[found.group(2)]


def main(argv: list[str], account: Account) -> int:
    settings, args = config.parse(argv, parser())
    try:
        hours = hours_of(args.since)
        if args.service and not args.only:
            raise Refused("--service needs --cluster (the cluster the service is in)")
    except Refused as exc:
        return say(str(exc))
    with account(settings) as ready:
        scope = Scope(args.only, args.service)
        if (wanted := ready.context_plan()) is not None:
            return asyncio.run(run_contexts(ready, wanted, scope, hours=hours, as_json=args.json))
        return asyncio.run(run(ready, scope, hours=hours, as_json=args.json))


async def run(settings: Settings, scope: Scope, *, hours: float, as_json: bool) -> int:
    try:
        async with Clients.open(session_of(settings)) as c:
            await check_scope(c, scope)
            now = datetime.now(UTC)
            timeline = await read_changes(c, scope, hours=hours, now=now)
            region = c.region or "us-east-1"
    except Refused as exc:
        return say(str(exc))
    except Exception as exc:
        return say(explain(exc))
    print_timeline(timeline, region, now, as_json)
    for note in timeline.notes:
        print(f"ecsdeck: {clean(note, 300)}", file=sys.stderr)
    return 0


async def run_contexts(
    settings: Settings, wanted: ContextPlan, scope: Scope, *, hours: float, as_json: bool
) -> int:
    """``run`` in every context, one timeline, newest first. A context that cannot start or be
    read is one line on stderr; the status is 2 only when no context was read. With a cluster
    (or service), the contexts without it are skipped."""
    now = datetime.now(UTC)

    async def read(state: ContextState) -> Timeline | None:
        assert state.clients is not None
        try:
            await check_scope(state.clients, scope)
        except Refused:
            return None  # not in this context: the others may have it
        return await read_changes(state.clients, scope, hours=hours, now=now)

    async with await open_contexts(settings, wanted) as contexts:
        outcomes = await contexts.gather(read)
    rows: list[tuple[ContextState, Change]] = []
    for outcome in outcomes:
        name = outcome.state.context.name
        notes = [outcome.error] if outcome.error else []
        if outcome.value is not None:
            rows += [(outcome.state, change) for change in outcome.value.changes]
            notes += [f"{name}: {note}" for note in outcome.value.notes]
        for note in notes:
            print(f"ecsdeck: {clean(note, 300)}", file=sys.stderr)
    done = [o for o in outcomes if o.value is not None]
    if scope.cluster and not done and not contexts.failed and outcomes:
        return say(f"no cluster {scope.cluster!r} (or service) in any of the contexts")
    rows.sort(key=lambda row: row[1].at, reverse=True)
    print_across(rows, now, as_json)
    return 0 if done else 2


def print_across(rows: list[tuple[ContextState, Change]], now: datetime, as_json: bool) -> None:
    if as_json:
        for state, change in rows:
            print(json.dumps(as_dict(change, state.context.region) | where(state)))
        return
    print_rows([[label(state), state.context.region, *cells(ch, now)] for state, ch in rows])


async def check_scope(c: Clients, scope: Scope) -> None:
    """The cluster and service of ``scope`` exist (a typo is refused before any read)."""
    if scope.cluster:
        cluster = await find_cluster(c, scope.cluster)
        if scope.service:
            await check_service(c, cluster.arn, cluster.name, scope.service)


async def check_service(c: Clients, cluster_arn: str, cluster: str, name: str) -> None:
    if await ecs.describe_services(c, cluster_arn, [name]):
        return
    names = [arn_tail(a) for a in await ecs.list_service_arns(c, cluster_arn)]
    close = difflib.get_close_matches(arn_tail(name), names, n=1, cutoff=0.5)
    hint = f": did you mean {close[0]!r}?" if close else ""
    raise Refused(f"no service named {name!r} in cluster {cluster!r}{hint}")


def as_dict(change: Change, region: str) -> dict[str, Any]:
    arn = console.parse_arn(change.who or "")
    return {
        "at": iso(change.at),
        "account": arn.account if arn else None,
        "region": region,
        "cluster": change.cluster,
        "service": change.service,
        "kind": change.kind,
        "what": change.what,
        "who": change.who,
        "where": change.where,
        "id": change.id,
    }


def print_timeline(timeline: Timeline, region: str, now: datetime, as_json: bool) -> None:
    if as_json:
        for change in timeline.changes:
            print(json.dumps(as_dict(change, region)))
        return
    print_rows([cells(ch, now) for ch in timeline.changes])


def cells(ch: Change, now: datetime) -> list[str]:
    return [
        f"{age(ch.at, now)} ago",
        ch.kind,
        clean(ch.service or ch.cluster or "-", 40),
        clean(ch.what, COLUMN),
        clean(arn_tail(ch.who) if ch.who else "-", 40),
        clean(ch.where, COLUMN),
    ]

"""What ``ecsdeck problems`` and ``ecsdeck changes`` share: the session settings of a read-only
command, the contexts of ``--profiles/--regions/--contexts`` opened, and aligned plain rows.

A context that cannot start is one line on stderr (naming profile, region and the fix) and the
others are read all the same; the command's exit status says whether anything was found.
"""

from __future__ import annotations

import sys
from typing import Any

from aws.contexts import Contexts, ContextState, plan
from aws.session import SessionSettings
from tui.config import Settings
from tui.context_sets import ContextPlan
from tui.text import clean


def session_of(settings: Settings) -> SessionSettings:
    return SessionSettings(
        profile=settings.profile,
        region=settings.region,
        endpoint_url=settings.endpoint_url,
        max_attempts=settings.max_attempts,
        read_only=True,  # reads only; a slip here must not change anything
    )


async def open_contexts(settings: Settings, wanted: ContextPlan) -> Contexts:
    """Every context of ``wanted``, opened; the failed ones are said on stderr, one line each.
    The caller closes the result (``async with``)."""
    base = session_of(settings)
    contexts, failed = await plan(wanted.profiles, wanted.regions, base)
    opened = Contexts(contexts, base, failed=failed)
    await opened.open()
    for state in opened.failed:
        print(f"ecsdeck: {clean(state.error or state.context.name, 500)}", file=sys.stderr)
    return opened


def where(state: ContextState) -> dict[str, Any]:
    """The JSON fields naming a context: the account its identity says, its region, profile."""
    ctx = state.context
    return {"account": state.account, "region": ctx.region, "profile": ctx.profile}


def label(state: ContextState) -> str:
    """The ACCOUNT cell of a plain line: ``profile (123456789012)``."""
    return f"{state.context.profile or 'default'} ({state.account or '?'})"


def print_rows(rows: list[list[str]]) -> None:
    """One line per row, every column but the last padded to its widest cell."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)] if rows else []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]))

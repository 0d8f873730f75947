"""A plan in words, as the confirmation shows it: its title, summary and notes, each API call
with its parameters (secrets masked until revealed) and the `aws` command line that does the
same, and where the calls go (account, region, profile, endpoint).

Not a dialog: the confirmation, the launch-type switch, ECS Exec and `y` (show the JSON with its
CLI line) all build from it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.console import Group
from rich.text import Text

from aws.plan import Plan
from aws.secrets import REDACTED, mask
from tui.json_text import readable_json
from tui.text import clean, diff_text
from tui.where import Where, where_of_app


def lines(text: str, style: str = "", limit: int = 400) -> Text:
    """Multi-line AWS-derived text, each line cleaned (never markup, no control characters)."""
    out = Text(style=style)
    for i, line in enumerate(text.splitlines()):
        if i:
            out.append("\n")
        out.append(clean(line, limit))
    return out


#: ``--region``/``--profile``/``--endpoint-url`` for the CLI lines (``cli_target`` builds it).
CliTarget = dict[str, str | None]


def cli_target(source: Any) -> CliTarget:
    """Where the calls go, as ``Plan.cli`` keywords (so a pasted line does the same):
    ``source`` is a ``Where`` (the pane's account-region) or the app (its own)."""
    return _where(source).cli()


def _where(source: Any) -> Where:
    return source if isinstance(source, Where) else where_of_app(source)


def where_text(source: Any) -> Text:
    """``account 123456789012 · us-east-1`` (``…`` while STS has not answered); with the
    profile when it is not the default chain (another account's context says whose keys)."""
    where = _where(source)
    region = cli_target(source)["region"]
    out = Text("account ", style="dim")
    out.append(clean(where.account, 40) if where.account else "…", style="bold")
    out.append(" · ", style="dim")
    out.append(clean(region, 40) if region else "region ?", style="bold")
    if where.profile:
        out.append(" · profile ", style="dim")
        out.append(clean(where.profile, 60), style="bold")
    endpoint = cli_target(source)["endpoint_url"]
    if endpoint:
        out.append(" · endpoint ", style="dim")
        out.append(clean(endpoint, 100))
    return out


def masked_plan(plan: Plan) -> Plan:
    """``plan`` with the secrets of its calls' parameters hidden (what the dialog shows)."""
    return replace(plan, calls=tuple(replace(c, params=mask(c.params)) for c in plan.calls))


def calls_text(plan: Plan, target: CliTarget | None = None, *, reveal: bool = False) -> Text:
    """Each call numbered, its parameters as JSON, then the equivalent ``aws`` command line.

    ``target`` (``cli_target(app)``) adds ``--region``/``--profile``/``--endpoint-url``.
    Secrets are shown as placeholders unless ``reveal`` (Ctrl+R in the dialog).
    """
    target = target or {}
    out = Text()
    hidden = False
    masked = plan if reveal else masked_plan(plan)
    snippets = masked.cli_lines(**target)
    for n, planned in enumerate(plan.calls, 1):
        call = masked.calls[n - 1]
        hidden = hidden or call.params != planned.params
        if n > 1:
            out.append("\n\n")
        out.append(f"{n}. {clean(call.service)}.{clean(call.operation)}", style="bold")
        out.append("\n")
        out.append_text(lines(readable_json(call.params), "dim"))
        # Comment lines say where a value from an earlier step comes from (pasteable as is).
        *comments, command = snippets[n - 1].splitlines()
        for comment in comments:
            out.append("\n" + clean(comment, 400), style="dim italic")
        out.append("\n$ ", style="bold cyan")
        out.append(clean(command, 4000), style="cyan")
    if not plan.calls:
        out.append("(no API calls)", style="dim")
    if hidden:
        out.append(
            f"\nValues that look secret are shown as {REDACTED}; the real values are sent "
            "(replace them before pasting a line, or Ctrl+R shows them).",
            style="yellow",
        )
    elif reveal and masked_plan(plan) != plan:
        out.append(
            "\nSecret values are shown (Ctrl+R hides them); c copies them as shown.",
            style="bold yellow",
        )
    return out


def plan_renderable(plan: Plan, target: CliTarget | None = None, *, reveal: bool = False) -> Group:
    parts: list[Text] = [Text(clean(plan.summary, 300), style="bold")]
    for note in plan.notes:
        parts.append(Text("• ") + Text(clean(note, 500), style="yellow"))
    if plan.diff:
        parts.append(Text(f"\n{plan.diff_title}:", style="underline"))
        parts.append(diff_text(plan.diff))
    parts.append(Text("\nAPI calls, in order (nothing sent yet):", style="underline"))
    parts.append(calls_text(plan, target, reveal=reveal))
    return Group(*parts)


def title_text(plan: Plan, subject: str | None = None) -> Text:
    """``Scale service · payments-api``: the action and the resource it acts on (``subject``,
    else the plan's service), named as captured when the key was pressed."""
    title = Text(clean(plan.title, 100))
    subject = subject or plan.service
    if subject and subject not in plan.title:
        title.append(" · ")
        title.append(clean(subject, 80), style="bold")
    return title


def unchanged_renderable(plan: Plan, unchanged: str) -> Group:
    """A change that changes nothing: what it would have been, and why nothing is sent."""
    return Group(
        Text(clean(plan.summary, 300), style="bold"),
        Text("• ") + Text(clean(unchanged, 500), style="bold yellow"),
        Text("\nNothing to send: Close and nothing is sent or audited.", style="dim"),
    )

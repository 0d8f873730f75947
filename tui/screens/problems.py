"""`!`: everything wrong in the region right now, newest first: the on-call's first screen.

Rows come from the app's one problems reader (tui.problem_feed), keyed by ``Problem.key`` so a
refresh updates a row in place; a problem that clears stays a minute as resolved (dim, ✓) and then
leaves. This pane's own tick costs no request: it re-ages the rows and lets resolved ones expire,
while the reader refreshes on its own cadence and posts each report here. Enter opens the culprit:
the service pane with the cursor on the task or target, the stopped task's detail, or the
cluster's container instances with the cursor on the instance. SINCE is the real onset where AWS
tells one (aws.problem_models.ONSETS), else ``seen 15s``: when ecsdeck first saw it.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import DataTable

from aws import ecs
from aws.changes import before_onset
from aws.ecs_convert import container_instance_from_dict, service_from_dict, task_from_dict
from aws.errors import explain
from aws.models import Cluster, ContainerInstance, Service, Task, arn_tail
from aws.problem_models import CHAIN, ONSETS, Problem
from aws.words import plural
from tui import keymap
from tui.problem_feed import ProblemsUpdated, Resolved
from tui.screens.base import PollingScreen
from tui.text import age, clean, safe, utc_stamp
from tui.widgets.live_table import LiveTable, Row
from tui.widgets.quiet_static import QuietStatic

COLUMNS = [
    ("kind", "PROBLEM"),
    ("cluster", "CLUSTER"),
    ("service", "SERVICE"),
    ("what", "WHAT"),
    ("why", "WHY"),
    ("since", "SINCE"),
    ("count", "COUNT"),
]

#: Kind -> the word in the PROBLEM column (aws.problem_models.PROBLEM_KINDS).
KIND_WORDS = {
    "rollout": "rollout",
    "targets": "targets",
    "stopped": "stopped",
    "short": "short",
    "stuck": "placement",
    "instance": "instance",
}


def subject(p: Problem) -> str:
    """What the problem is about: its service, else the container instance."""
    if p.service_name:
        return p.service_name
    if p.container_instance_arn:
        return f"instance {arn_tail(p.container_instance_arn)[:12]}"
    return "-"


#: Most characters shown of each column but WHY, which takes the rest of the width (the detail
#: line below the table shows it in full).
LIMITS = {"kind": 11, "cluster": 16, "service": 20, "what": 28, "since": 10, "count": 5}


def since_text(p: Problem) -> str:
    """The problem's age from its real onset, or ``seen 15s`` when AWS tells no start time and
    only ecsdeck's first sight of it is known (it began earlier; a restart resets that)."""
    return age(p.since) if p.since_known else f"seen {age(p.since)}"


def why_width(problems: list[Problem], width: int) -> int:
    """What is left for WHY once the other columns are as wide as their widest cell (and
    DataTable's padding, 1 each side), so the table never needs a horizontal scroll."""
    widest = {k: len(label) for k, label in COLUMNS}
    for p in problems:
        for key, text in (
            ("kind", "✓ resolved"),
            ("cluster", p.cluster_name),
            ("service", subject(p)),
            ("what", p.what),
            ("since", since_text(p)),
            ("count", str(p.count)),
        ):
            widest[key] = max(widest[key], min(len(text), LIMITS[key]))
    others = sum(w for k, w in widest.items() if k != "why")
    return max(12, width - others - 2 * len(COLUMNS) - 2)


def problem_row(p: Problem, resolved: bool = False, why: int = 40) -> Row:
    if resolved:
        badge = Text("✓ resolved", style="dim", no_wrap=True)
    elif p.severity == "error":
        badge = Text(f"✗ {KIND_WORDS.get(p.kind, p.kind)}", style="bold red", no_wrap=True)
    else:
        badge = Text(f"! {KIND_WORDS.get(p.kind, p.kind)}", style="yellow", no_wrap=True)
    dim = "dim" if resolved else ""
    cells = (
        badge,
        safe(p.cluster_name, dim, LIMITS["cluster"]),
        safe(subject(p), "dim" if resolved else "bold", LIMITS["service"]),
        safe(p.what, dim or ("red" if p.severity == "error" else ""), LIMITS["what"]),
        safe(p.why, dim or "dim", why),
        Text(since_text(p), style=dim or ("" if p.since_known else "dim italic"), no_wrap=True),
        Text(str(p.count), style=dim),
    )
    since = p.since.timestamp() if p.since else 0.0
    hay = f"{p.kind} {p.cluster_name} {p.service_name or ''} {p.what} {p.why}".lower()
    # Active problems first (newest first), the resolved below them: a problem that cleared a
    # second ago must not push one that is still broken down the list.
    return Row(p.key, cells, hay, (resolved, -since))


def detail_text(p: Problem | None, resolved: Resolved | None = None) -> Text:
    """The highlighted problem in full: WHY is cut in the table, and where Enter goes."""
    t = Text()
    if p is None:
        t.append("No problem selected.", style="dim")
        return t
    if resolved is not None:
        t.append(f"✓ resolved {int(time.monotonic() - resolved.at)}s ago · ", style="green")
    t.append(f"{clean(p.what, 120)}", style="bold")
    t.append(f"  in {clean(p.cluster_name, 60)}")
    if p.service_name:
        t.append(f" › {clean(p.service_name, 80)}")
    if p.since and p.since_known:
        t.append(f"  since {utc_stamp(p.since)} ({ONSETS.get(p.onset, p.onset)})", style="dim")
    elif p.since:
        t.append(f"  first seen by ecsdeck {utc_stamp(p.since)}; AWS gives no start", style="dim")
    style = "red" if p.severity == "error" else "yellow"
    first, *links = p.why.split(CHAIN)  # a cause chain: each further link on its own line
    t.append(f"\n{clean(first, 600)}", style=style)
    for link in links:
        t.append(f"\n  → {clean(link, 600)}", style=style)
    culprit = []
    if p.task_arn:
        culprit.append(f"task {arn_tail(p.task_arn)}")
    if p.target_id:
        culprit.append(f"target {p.target_id}")
    if p.container_instance_arn:
        ec2 = f" (EC2 {p.ec2_instance_id})" if p.ec2_instance_id else ""
        culprit.append(f"container instance {arn_tail(p.container_instance_arn)}{ec2}")
    if culprit:
        t.append(f"\nEnter opens {clean(', '.join(culprit), 200)}", style="dim")
    return t


class ProblemsScreen(PollingScreen):
    pane_name = "problems"
    crumb = "problems"
    BINDINGS = keymap.bindings_for("problems")
    DEFAULT_CSS = """
    ProblemsScreen #problems { height: 1fr; }
    ProblemsScreen #detail { height: auto; max-height: 6; padding: 0 1; background: $boost; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.header.calls_label = "reader "
        #: Every row on the table by key: the report's problems plus the recently resolved.
        self.shown: dict[str, Problem] = {}

    def compose_body(self) -> ComposeResult:
        yield LiveTable(COLUMNS, id="problems")
        yield QuietStatic("", id="detail")

    @property
    def problems_table(self) -> LiveTable:
        return self.query_one("#problems", LiveTable)

    def on_screen_resume(self) -> None:
        self.deck.problems.attach(self)
        super().on_screen_resume()

    def on_screen_suspend(self) -> None:
        self.deck.problems.detach(self)
        super().on_screen_suspend()

    def action_refresh_now(self) -> None:
        self.deck.problems.refresh_now()
        super().action_refresh_now()

    async def tick(self) -> None:
        self._show()

    def fresh(self, calls: int, delay: float) -> None:
        """The header tells the reader's freshness and cost, not this pane's (free) tick; a
        failed read keeps the last report on screen, marked stale with the reason."""
        feed = self.deck.problems
        if feed.read_at is not None:
            self.header.mark_fresh(feed.calls_last, next_in=feed.next_in)
            self.header.fetched_at = feed.read_at
        if feed.error:
            self.header.mark_stale(f"problems reader: {feed.error}")
        self.header.update_lines()

    @on(ProblemsUpdated)
    def _updated(self) -> None:
        self.poll()  # a report landed: show it now rather than at the next tick

    def _show(self) -> None:
        feed = self.deck.problems
        resolved = feed.recently_resolved()
        why = why_width([*feed.problems, *(r.problem for r in resolved)], self.app.size.width)
        rows = [problem_row(p, why=why) for p in feed.problems]
        rows += [problem_row(r.problem, resolved=True, why=why) for r in resolved]
        self.shown = {p.key: p for p in feed.problems} | {
            r.problem.key: r.problem for r in resolved
        }
        self.problems_table.set_rows(rows)
        self.header.note = self._note(len(feed.problems), len(resolved))
        self._show_detail()

    def _note(self, active: int, resolved: int) -> str:
        """``6 broken, 1 warning in 3 clusters``: broken is what the clusters pane's PROBLEMS
        column adds up to (its ✗ counts), so the two never disagree."""
        report = self.deck.problems.report
        if report is None:
            return " · reading every cluster…"
        errors, warnings = report.error_count, report.warning_count
        places = {p.cluster_arn for p in report.problems}
        parts = [f"{errors} broken"] if errors else []
        parts += [plural(warnings, "warning")] if warnings else []
        text = f" · {', '.join(parts) or 'no problems'}"
        if places:
            text += f" in {plural(len(places), 'cluster')}"
        if resolved:
            text += f" · {resolved} resolved"
        return text

    def _show_detail(self) -> None:
        key = self.problems_table.selected_key
        problem = self.shown.get(key) if key else None
        resolved = self.deck.problems.resolved.get(key) if key else None
        self.query_one("#detail", QuietStatic).update(detail_text(problem, resolved))

    @on(DataTable.RowHighlighted, "#problems")
    def _highlighted(self) -> None:
        self._show_detail()

    @on(DataTable.RowSelected, "#problems")
    def _selected(self) -> None:
        self.action_open()

    def action_console_url(self) -> None:
        """The culprit's console page (the task, else the service, else the cluster)."""
        from tui.console_url import copy_console_url

        key = self.problems_table.selected_key
        problem = self.shown.get(key) if key else None
        if problem is None:
            self.notify("Select a row first.", severity="warning")
            return
        copy_console_url(self, problem)

    def selected_resource(self) -> Task | ContainerInstance | Service | Cluster | None:
        """The culprit of the selected problem, for `c` (its ARN) and `y` (AWS's description
        of it): the task, else the container instance, else the service, else the cluster. A
        target has no ARN and the problem does not keep its target group, so a targets problem
        gives its service. Only the ARNs are known here: `y` reads the rest from AWS."""
        key = self.problems_table.selected_key
        p = self.shown.get(key) if key else None
        if p is None:
            return None
        if p.task_arn:
            return task_from_dict({"taskArn": p.task_arn, "clusterArn": p.cluster_arn})
        if p.container_instance_arn:
            return container_instance_from_dict({"containerInstanceArn": p.container_instance_arn})
        if p.service_arn:
            return service_from_dict({"serviceArn": p.service_arn, "clusterArn": p.cluster_arn})
        return self._cluster(p)

    def action_changes(self) -> None:
        """The timeline of the problem's service (else cluster) from an hour before it began."""
        key = self.problems_table.selected_key
        p = self.shown.get(key) if key else None
        if p is None:
            self.notify("Select a row first.", severity="warning")
            return
        ref = p.service_arn or p.service_name
        service = None
        if ref:
            service = service_from_dict(
                {"serviceArn": ref, "serviceName": p.service_name, "clusterArn": p.cluster_arn}
            )
        since = before_onset(p.since)
        self.deck.open("changes", cluster=self._cluster(p), service=service, since=since)

    def action_open(self) -> None:
        key = self.problems_table.selected_key
        problem = self.shown.get(key) if key else None
        if problem is not None:
            self._open(problem)

    @work(exclusive=True, group="open", exit_on_error=False)
    async def _open(self, p: Problem) -> None:
        """Read what the culprit's pane needs (one or two requests), then open it."""
        clients = self.deck.clients
        cluster = self._cluster(p)
        if p.kind == "instance" and p.container_instance_arn:
            self.deck.open("instances", cluster=cluster, focus_instance=p.container_instance_arn)
            return
        try:
            if p.kind == "stopped" and p.task_arn:
                tasks = await ecs.describe_tasks(clients, p.cluster_arn, [p.task_arn])
                if tasks:
                    self.deck.open("task", task=tasks[0])
                    return
            if p.service_arn or p.service_name:
                ref = p.service_arn or p.service_name or ""
                found = await ecs.describe_services(clients, p.cluster_arn, [ref])
                if found:
                    self.deck.open(
                        "service",
                        cluster=cluster,
                        service=found[0],
                        focus_task=p.task_arn,
                        focus_target=p.target_id,
                    )
                    return
        except Exception as exc:
            self.notify(clean(explain(exc), 300), severity="error", markup=False)
            return
        self.deck.open("services", cluster=cluster)

    def _cluster(self, p: Problem) -> Cluster:
        report = self.deck.problems.report
        for c in report.clusters if report else ():
            if isinstance(c, Cluster) and c.arn == p.cluster_arn:
                return c
        return Cluster(p.cluster_arn, p.cluster_name, None, None, None, None, None)

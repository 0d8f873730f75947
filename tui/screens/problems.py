"""`!`: everything wrong in the region right now, newest first: the on-call's first screen.

Rows come from the app's one problems reader (tui.problem_feed), keyed by ``Problem.key`` so a
refresh updates a row in place; a problem that clears stays a minute as resolved (dim, ✓) and then
leaves. This pane's own tick costs no request: it re-ages the rows and lets resolved ones expire,
while the reader refreshes on its own cadence and posts each report here. Enter opens the culprit:
the service pane with the cursor on the task or target, the stopped task's detail, or the
cluster's container instances with the cursor on the instance. SINCE is the real onset where AWS
tells one (aws.problem_models.ONSETS), else ``seen 15s``: when ecsdeck first saw it.

With several contexts the rows are every context's, with ACCOUNT and REGION columns, and Enter
opens the culprit in its own context (its pane reads and acts there).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import DataTable

from aws import ecs
from aws.changes import before_onset
from aws.ecs_convert import container_instance_from_dict, service_from_dict, task_from_dict
from aws.errors import explain
from aws.models import Cluster, ContainerInstance, Service, Task
from aws.problem_models import Problem
from aws.words import plural
from tui import keymap
from tui.problem_feed import ProblemsUpdated
from tui.rows.problems import (
    COLUMNS,
    WHERE_COLUMNS,
    Where,
    detail_text,
    problem_row,
    where_cells,
    why_width,
)
from tui.screens.base import PollingScreen
from tui.text import clean
from tui.widgets.live_table import LiveTable
from tui.widgets.quiet_static import QuietStatic

if TYPE_CHECKING:
    from aws.contexts import Context


class ProblemsScreen(PollingScreen):
    pane_name = "problems"
    crumb = "problems"
    BINDINGS = keymap.bindings_for("problems")
    DEFAULT_CSS = """
    ProblemsScreen #problems { height: 1fr; }
    ProblemsScreen #detail { height: auto; max-height: 6; padding: 0 1; background: $boost; }
    """

    #: Every context's problems: the header counts the contexts, it names none.
    across_contexts = True

    def __init__(self) -> None:
        super().__init__()
        self.header.calls_label = "reader "
        #: Every row on the table by key: the report's problems plus the recently resolved.
        self.shown: dict[str, Problem] = {}
        self._own_context: Context | None = None

    @property
    def aws_context(self) -> Context | None:
        """The selected problem's context. Every key that reads or acts on the row (`y`, `o`,
        `w`, Enter, a plugin) goes through the pane's ``clients`` and ``where_of``: another
        account's row is then read there, not in the app's own account-region."""
        p = self._selected_problem()
        return self._aws_of(p) if p is not None else self._own_context

    @aws_context.setter
    def aws_context(self, context: Context | None) -> None:
        self._own_context = context

    @property
    def several(self) -> bool:
        """The app reads more than one context: rows say their account and region."""
        contexts = self.deck.contexts
        return contexts is not None and len(contexts.states) > 1

    def compose_body(self) -> ComposeResult:
        columns = [*COLUMNS[:1], *WHERE_COLUMNS, *COLUMNS[1:]] if self.several else COLUMNS
        yield LiveTable(columns, id="problems")
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
        everything = [*feed.problems, *(r.problem for r in resolved)]
        wheres = {p.key: self._where(p) for p in everything} if self.several else {}
        why = why_width(everything, self.app.size.width, [w for w in wheres.values() if w])
        rows = [problem_row(p, why=why, where=wheres.get(p.key)) for p in feed.problems]
        rows += [
            problem_row(r.problem, resolved=True, why=why, where=wheres.get(r.problem.key))
            for r in resolved
        ]
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
        problem = self._selected_problem()
        resolved = self.deck.problems.resolved.get(problem.key) if problem else None
        where = self._where(problem) if problem is not None and self.several else None
        self.query_one("#detail", QuietStatic).update(detail_text(problem, resolved, where))

    def _where(self, p: Problem) -> Where:
        return where_cells(self.deck.problems.context_of(p))

    def _aws_of(self, p: Problem) -> Context | None:
        """The context the culprit's pane opens in (None: the app's own)."""
        state = self.deck.problems.context_of(p)
        return state.context if state is not None else self._own_context

    def _selected_problem(self) -> Problem | None:
        if not self.is_mounted:
            return None
        key = self.problems_table.selected_key
        return self.shown.get(key) if key else None

    @on(DataTable.RowHighlighted, "#problems")
    def _highlighted(self) -> None:
        self._show_detail()

    @on(DataTable.RowSelected, "#problems")
    def _selected(self) -> None:
        self.action_open()

    def action_console_url(self) -> None:
        """The culprit's console page (the task, else the service, else the cluster)."""
        from tui.console_url import copy_console_url

        problem = self._selected_problem()
        if problem is None:
            self.notify("Select a row first.", severity="warning")
            return
        copy_console_url(self, problem)

    def selected_resource(self) -> Task | ContainerInstance | Service | Cluster | None:
        """The culprit of the selected problem, for `c` (its ARN) and `y` (AWS's description
        of it): the task, else the container instance, else the service, else the cluster. A
        target has no ARN and the problem does not keep its target group, so a targets problem
        gives its service. Only the ARNs are known here: `y` reads the rest from AWS."""
        p = self._selected_problem()
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
        """The timeline of the problem's service (else cluster) from an hour before it began,
        or before ecsdeck first saw it when AWS gives no start (the pane's note says which)."""
        p = self._selected_problem()
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
        self.deck.open(
            "changes",
            cluster=self._cluster(p),
            service=service,
            since=since,
            seen=not p.since_known,
            aws=self._aws_of(p),
        )

    def action_open(self) -> None:
        problem = self._selected_problem()
        if problem is not None:
            self._open(problem)

    @work(exclusive=True, group="open", exit_on_error=False)
    async def _open(self, p: Problem) -> None:
        """Read what the culprit's pane needs (one or two requests), then open it, in the
        problem's context (its account-region's clients; the pane reads and acts there)."""
        aws = self._aws_of(p)
        clients = self.deck.clients_for(aws)
        cluster = self._cluster(p)
        if p.kind == "instance" and p.container_instance_arn:
            self.deck.open(
                "instances", cluster=cluster, focus_instance=p.container_instance_arn, aws=aws
            )
            return
        try:
            if p.kind == "stopped" and p.task_arn:
                tasks = await ecs.describe_tasks(clients, p.cluster_arn, [p.task_arn])
                if tasks:
                    self.deck.open("task", task=tasks[0], aws=aws)
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
                        aws=aws,
                    )
                    return
        except Exception as exc:
            self.notify(clean(explain(exc), 300), severity="error", markup=False)
            return
        self.deck.open("services", cluster=cluster, aws=aws)

    def _cluster(self, p: Problem) -> Cluster:
        report = self.deck.problems.report
        for c in report.clusters if report else ():
            if isinstance(c, Cluster) and c.arn == p.cluster_arn:
                return c
        return Cluster(p.cluster_arn, p.cluster_name, None, None, None, None, None)

"""Every pane and view by name: the one module that imports their classes.

A screen never imports another screen: it asks the app for one by name and context
(``deck_of(self).open("service", cluster=..., service=...)``), and the app asks this registry.
Each entry says how to build the screen from that context, its parent (what Back goes up to
when the pane was opened directly, by a `:` command or a deep link, with nothing under it on
the stack) and what Enter on its rows opens. So Back's hierarchy is data, and a new pane, or
a context every pane must carry (account, region), is a change here, not in the screens that
open it.

Dialogs are not here: a flow (tui/flows_*.py) imports the dialog it shows and waits for its
answer; a dialog imports no pane.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.screen import Screen

from tui.screens.autoscaling import AutoscalingScreen
from tui.screens.changes import ChangesScreen
from tui.screens.clusters import ClustersScreen
from tui.screens.contexts import ContextsScreen
from tui.screens.deployments import DeploymentsScreen
from tui.screens.diff_view import DiffScreen
from tui.screens.ecr import ImagesScreen, RepositoriesScreen
from tui.screens.events import EventsScreen
from tui.screens.help import HelpScreen
from tui.screens.instances import InstancesScreen
from tui.screens.json_view import JsonScreen
from tui.screens.logs import LogsScreen
from tui.screens.problems import ProblemsScreen
from tui.screens.schedules import SchedulesScreen
from tui.screens.service import ServiceScreen
from tui.screens.services import ServicesScreen
from tui.screens.sessions import SessionsScreen
from tui.screens.task_detail import TaskDetail
from tui.screens.taskdefs import FamiliesScreen, RevisionsScreen
from tui.screens.tasks import TasksScreen

Context = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Pane:
    name: str
    #: Builds the screen from the context it was opened with.
    make: Callable[[Context], Screen[Any]]
    #: The pane Back opens when this one was opened directly (None: the top of a hierarchy).
    parent: str | None = None
    #: The pane Enter on a row opens, given the row's context (None: the pane decides).
    enter: str | None = None


PANES: tuple[Pane, ...] = (
    Pane("clusters", lambda c: ClustersScreen(), enter="services"),
    Pane("services", lambda c: ServicesScreen(c["cluster"]), parent="clusters", enter="service"),
    Pane(
        "service",
        lambda c: ServiceScreen(
            c["cluster"],
            c["service"],
            focus_task=c.get("focus_task"),
            focus_target=c.get("focus_target"),
        ),
        parent="services",
        enter="task",
    ),
    Pane("tasks", lambda c: TasksScreen(c["cluster"]), parent="services", enter="task"),
    Pane(
        "instances",
        lambda c: InstancesScreen(c["cluster"], focus_instance=c.get("focus_instance")),
        parent="services",
        enter="instance_tasks",
    ),
    Pane(
        "instance_tasks",
        lambda c: TasksScreen(c["cluster"], c["instance"]),
        parent="instances",
        enter="task",
    ),
    # `:ctx`: Esc goes back to the clusters pane, which it narrows.
    Pane("contexts", lambda c: ContextsScreen(), parent="clusters"),
    Pane("families", lambda c: FamiliesScreen(), enter="revisions"),
    Pane(
        "revisions",
        lambda c: RevisionsScreen(c["family"], service=c.get("service")),
        parent="families",
    ),
    Pane("repositories", lambda c: RepositoriesScreen(c.get("cluster")), enter="images"),
    Pane("images", lambda c: ImagesScreen(c["repo"], c.get("cluster")), parent="repositories"),
    # Problems open what each row is about (a task, a service or a cluster): the pane decides.
    Pane("problems", lambda c: ProblemsScreen()),
    Pane("deployments", lambda c: DeploymentsScreen(c["cluster"], c["service"])),
    # The timeline of the account, a cluster or a service: Back goes to where it was opened.
    Pane(
        "changes",
        lambda c: ChangesScreen(
            c.get("cluster"), c.get("service"), since=c.get("since"), seen=c.get("seen", False)
        ),
    ),
    # Region-wide lists opened by `:`: Esc goes up to the region's clusters.
    Pane("sessions", lambda c: SessionsScreen(), parent="clusters"),
    Pane("schedules", lambda c: SchedulesScreen(), parent="clusters"),
    # Views over a pane: closed with Esc, back to the pane under them.
    Pane("run_follow", lambda c: LogsScreen.following_run(c["tasks"], c.get("failures"))),
    Pane("task", lambda c: TaskDetail(c["task"])),
    Pane("task_logs", lambda c: LogsScreen.of_task(c["task"])),
    Pane("service_logs", lambda c: LogsScreen.of_service(c["service"])),
    Pane("events", lambda c: EventsScreen(c["service"])),
    Pane(
        "autoscaling",
        lambda c: AutoscalingScreen(c["service"], c.get("scaling"), c.get("error")),
    ),
    Pane("json", lambda c: JsonScreen(c["title"], c["text"], revealed=c.get("revealed"))),
    Pane("diff", lambda c: DiffScreen(c["title"], c["diff"])),
    Pane("help", lambda c: HelpScreen(c["under"])),
)

_BY_NAME = {p.name: p for p in PANES}


def pane(name: str) -> Pane:
    """The entry for ``name``; a KeyError names the known panes (a typo in a screen's call)."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"no pane {name!r}; panes: {', '.join(_BY_NAME)}") from None


def make(name: str, context: Context) -> Screen[Any]:
    """The screen for pane ``name``. A pane knows its own name (``pane_name``: Back and Enter
    look it up here); tests/tui/test_router.py checks the two agree."""
    return pane(name).make(context)


def parent_of(name: str) -> str | None:
    return pane(name).parent


def enter_of(name: str) -> str | None:
    return pane(name).enter

"""Keys that open a view over the service or task a pane has selected: its deployments (`p`),
a task's logs (`L`), a service's merged logs (`M`). The binding lists and the mixins that give a
pane their ``action_*`` methods; the views themselves are panes the router opens by name."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from tui.deck import deck_of

#: `p` (as in e1s): a view, not a change, so it opens in read-only mode too. Not in the footer
#: (the action keys fill 120 columns); `?` and the palette list it.
VIEW_BINDINGS = [
    Binding(
        "p",
        "deployments",
        "Deployments",
        tooltip="Deployments: rollout state and reason, circuit breaker, alarms",
        show=False,
    ),
]

#: The keys that open logs from the service pane (a task, the whole service).
TASK_LOGS_BINDINGS = [
    # Not in the footer (full of action keys at 120 columns); `?` lists both.
    Binding(
        "L",
        "task_logs",
        "Logs",
        tooltip="Logs of the selected task: follow, filter, save",
        show=False,
        id="task_logs",
    ),
    Binding(
        "M",
        "service_logs",
        "Svc logs",
        tooltip="Logs of every task of the service, merged",
        show=False,
        id="service_logs",
    ),
]
#: The key that opens a service's merged logs from the services list.
SERVICE_LOGS_BINDINGS = [TASK_LOGS_BINDINGS[1]]


class DeploymentsKey:
    """Mixin for a pane that shows a service (``selected_service()``) of ``self.cluster``."""

    def action_deployments(self) -> None:
        screen: Any = self
        service = screen.selected_service()
        if service is None:
            screen.notify("Select a service first.", severity="warning")
        else:
            deck_of(screen).open("deployments", cluster=screen.cluster, service=service)


class LogsKeys:
    """Mixin for panes with ``selected_service()`` (and ``selected_task()``): open logs."""

    def action_task_logs(self) -> None:
        screen: Any = self
        task = screen.selected_task() if hasattr(screen, "selected_task") else None
        if task is None:
            screen.notify("Select a task first.", severity="warning")
            return
        deck_of(screen).open("task_logs", task=task)

    def action_service_logs(self) -> None:
        screen: Any = self
        service = screen.selected_service()
        if service is None:
            screen.notify("Select a service first.", severity="warning")
            return
        deck_of(screen).open("service_logs", service=service)

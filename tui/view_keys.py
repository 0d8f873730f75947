"""Keys that open a view over the service or task a pane has selected: its deployments (`p`),
a task's logs (`L`), a service's merged logs (`M`): the mixins that give a pane those
``action_*`` methods (the keys are in tui/keymap/); the views are panes the router opens by name."""

from __future__ import annotations

from typing import Any

from tui.deck import deck_of


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

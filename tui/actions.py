"""The action keys of the service and task panes, as data (one Binding each, with the id
``[keys]`` remaps), and the mixins that give a screen their ``action_*`` methods. What each key
does is a flow in ``tui/flows_*.py``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from tui.flows_register import edit_taskdef, new_image
from tui.flows_service import (
    deploy,
    force_deployment,
    rollback,
    scale,
    stop_task,
    switch_launch_type,
)

if TYPE_CHECKING:
    from aws.models import Service, Task
    from tui.action_pane import ActionPane


# Footer labels are one short word so every action key fits a 120-column footer (with Help,
# Quit, Refresh, Filter, Back and the palette); the tooltip is the full text `?` shows.


class ServiceActions:
    """Mixin for a screen showing services: ``selected_service()`` says which one."""

    def selected_service(self) -> Service | None:
        raise NotImplementedError

    def _service_or_say(self) -> Service | None:
        service = self.selected_service()
        if service is None:
            cast("ActionPane", self).notify("Select a service first.", severity="warning")
        return service

    def _run(self, fn: Callable[[ActionPane, Service], None]) -> None:
        if (service := self._service_or_say()) is not None:
            fn(cast("ActionPane", self), service)

    def marked_services(self) -> list[Service]:
        """The services marked for a bulk action (only the services list has marks)."""
        return []

    def action_scale(self) -> None:
        if marked := self.marked_services():
            from tui.flows_bulk import bulk_scale

            bulk_scale(cast("ActionPane", self), marked)
            return
        self._run(scale)

    def action_deploy(self) -> None:
        self._run(deploy)

    def action_rollback(self) -> None:
        self._run(rollback)

    def action_force_deployment(self) -> None:
        if marked := self.marked_services():
            from tui.flows_bulk import bulk_force_deployment

            bulk_force_deployment(cast("ActionPane", self), marked)
            return
        self._run(force_deployment)

    def action_service_settings(self) -> None:
        from tui.flows_settings import service_settings

        self._run(service_settings)

    def action_new_image(self) -> None:
        self._run(new_image)

    def action_edit_taskdef(self) -> None:
        self._run(edit_taskdef)

    def action_switch_launch_type(self) -> None:
        self._run(switch_launch_type)

    def action_run_task(self) -> None:
        from tui.flows_run import run_like_service

        self._run(run_like_service)


class TaskActions:
    """Mixin for a screen showing tasks: ``selected_task()`` says which one."""

    def selected_task(self) -> Task | None:
        raise NotImplementedError

    def action_stop_task(self) -> None:
        screen = cast("ActionPane", self)
        task = self.selected_task()
        if task is None:
            screen.notify("Select a task first.", severity="warning")
        elif task.last_status == "STOPPED":
            screen.notify("That task has already stopped.", severity="warning")
        else:
            stop_task(screen, task)

    def action_exec(self) -> None:
        from tui.flows_exec import start_exec

        screen = cast("ActionPane", self)
        task = self.selected_task()
        if task is None:
            screen.notify("Select a task first.", severity="warning")
        else:
            start_exec(screen, task)

    def action_port_forward(self) -> None:
        from tui.flows_forward import start_forward

        screen = cast("ActionPane", self)
        task = self.selected_task()
        if task is None:
            screen.notify("Select a task first.", severity="warning")
        else:
            start_forward(screen, task)

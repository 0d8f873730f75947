"""An incremental view of one service's tasks, for a pane that refreshes every few seconds.

Listing is cheap (100 ARNs a call) and shows what appeared and what stopped; describing is what
costs. A STOPPED task never changes again, and a RUNNING one that nobody is looking at can wait:
so each refresh lists, then describes only new ARNs, tasks that stopped since, tasks in a
transitional state (PENDING, DEPROVISIONING ...) and the ones the caller says are on screen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aws.ecs import describe_tasks, fill_instance_ids, list_task_arns, task_order
from aws.models import Task
from aws.session import Clients


class ServiceTasks:
    """Running and recently stopped tasks of one service (every task of the cluster, with a
    service or not, when ``service_name`` is None), or only those placed on one container
    instance (``container_instance``: ListTasks filters by it), kept up to date by ``refresh``."""

    def __init__(
        self, cluster: str, service_name: str | None, container_instance: str | None = None
    ) -> None:
        self.cluster = cluster
        self.service_name = service_name
        self.container_instance = container_instance
        self.tasks: dict[str, Task] = {}

    async def refresh(self, c: Clients, *, on_screen: Sequence[str] = ()) -> list[Task]:
        """List both states, describe what can have changed, return running first, newest first."""
        service, instance = self.service_name, self.container_instance
        running, stopped = await asyncio.gather(
            list_task_arns(c, self.cluster, service_name=service, container_instance=instance),
            list_task_arns(
                c,
                self.cluster,
                service_name=service,
                container_instance=instance,
                desired_status="STOPPED",
            ),
        )
        listed = list(dict.fromkeys([*running, *stopped]))
        stopped_now = set(stopped)
        wanted: list[str] = []
        for arn in listed:
            known = self.tasks.get(arn)
            if known is None or (known.last_status != "STOPPED" and arn in stopped_now):
                wanted.append(arn)
            elif known.last_status not in ("RUNNING", "STOPPED"):
                wanted.append(arn)  # in motion: PROVISIONING, PENDING, DEPROVISIONING ...
        wanted += [
            a for a in on_screen if a in self.tasks and self.tasks[a].last_status != "STOPPED"
        ]
        wanted = list(dict.fromkeys(wanted))
        if wanted:
            fresh = await fill_instance_ids(
                c, self.cluster, await describe_tasks(c, self.cluster, wanted)
            )
            for task in fresh:
                self.tasks[task.arn] = task
        keep = set(listed)
        for arn in [a for a in self.tasks if a not in keep]:
            del self.tasks[arn]  # aged out of the STOPPED list (about an hour on AWS)
        return sorted(self.tasks.values(), key=task_order)

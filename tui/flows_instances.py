"""Drain and activate a container instance: a plan, the confirmation, then the change.

The same shape as the service actions (``tui.flow``): ``launch`` refuses in read-only mode
(and audits the refusal) and holds a per-instance guard, so a second key press while the dialog
is open does not open another.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from aws import actions as aws_actions
from aws.models import arn_tail
from tui.flow import confirm_and_execute, launch

if TYPE_CHECKING:
    from aws.models import Cluster, ContainerInstance
    from tui.action_pane import ActionPane


def set_instance_state(
    screen: ActionPane,
    cluster: Cluster,
    instance: ContainerInstance,
    status: str,
    others: Iterable[ContainerInstance] | None = None,
) -> None:
    """UpdateContainerInstancesState to ``status`` (DRAINING or ACTIVE), confirmed first.

    ``instance`` is the one under the cursor when the key was pressed (the dialog's title names
    it); ``others`` are the cluster's other instances then, so a drain that leaves one ACTIVE
    instance, or none, says so."""
    what = "Drain instance" if status == "DRAINING" else "Activate instance"
    name = instance.ec2_instance_id or instance.id
    active_left = None
    if others is not None:
        active_left = sum(1 for i in others if i.arn != instance.arn and i.status == "ACTIVE")

    async def flow() -> None:
        plan = aws_actions.plan_instance_state(cluster.arn, instance, status)
        if active_left is not None and active_left <= 1 and instance.status != status:
            plan = replace(plan, notes=(_last_active(active_left), *plan.notes))
        same = f"{name} is already {status}." if instance.status == status else None
        # says what was done, refreshes the pane
        await confirm_and_execute(screen, plan, subject=f"{name} ({instance.id})", unchanged=same)

    params = {"containerInstance": instance.arn, "status": status}
    launch(screen, instance.arn, what, flow, (arn_tail(cluster.arn), None, params))


def _last_active(left: int) -> str:
    if left == 0:
        return (
            "⚠ No other instance of the cluster is ACTIVE: tasks moved off this one have "
            "nowhere to go, and nothing new can be placed on the cluster."
        )
    return (
        "⚠ Only one other instance of the cluster stays ACTIVE: every task placed from now "
        "on goes to it."
    )

"""Drain and activate a container instance: a plan, the confirmation, then the change.

The same shape as the service actions (``tui.flow``): ``launch`` refuses in read-only mode
(and audits the refusal) and holds a per-instance guard, so a second key press while the dialog
is open does not open another.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws import actions as aws_actions
from aws.models import arn_tail
from tui.flow import confirm_and_execute, launch

if TYPE_CHECKING:
    from aws.models import Cluster, ContainerInstance
    from tui.screens.base import PollingScreen


def set_instance_state(
    screen: PollingScreen, cluster: Cluster, instance: ContainerInstance, status: str
) -> None:
    """UpdateContainerInstancesState to ``status`` (DRAINING or ACTIVE), confirmed first."""
    what = "Drain instance" if status == "DRAINING" else "Activate instance"

    async def flow() -> None:
        plan = aws_actions.plan_instance_state(cluster.arn, instance, status)
        await confirm_and_execute(screen, plan)  # says what was done, refreshes the pane

    params = {"containerInstance": instance.arn, "status": status}
    launch(screen, instance.arn, what, flow, (arn_tail(cluster.arn), None, params))

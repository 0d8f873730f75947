"""moto's target health, made to answer what the simulator decided (installed by
:func:`aws.sandbox.moto_patches.apply`).

``FakeTargetGroup.health_for`` returns the state/reason the simulator set in
:data:`aws.sandbox.state.HEALTH` (initial, unhealthy with a reason code, draining) instead of
always "healthy"; a target with no override keeps moto's answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws.sandbox.patching import Patch, require
from aws.sandbox.state import HEALTH


def patches() -> list[Patch]:
    """The target-health wrapper with the original it stands for."""
    from moto.elbv2.models import FakeTargetGroup

    health_for = require(FakeTargetGroup, "health_for")
    return [(FakeTargetGroup, "health_for", _health_for(health_for), health_for)]


def _health_for(health_for: Callable[..., Any]) -> Callable[..., Any]:
    from moto.elbv2.models import FakeHealthStatus

    def patched_health_for(self: Any, target: dict[str, Any], ec2_backend: Any) -> Any:
        status = health_for(self, target, ec2_backend)
        registered = self.targets.get(target["Id"])
        if registered is None:
            return status
        port = int(registered.get("Port") or self.port or 0)
        override = HEALTH.get((self.arn, str(target["Id"]), port))
        if override is None:
            return status
        state, reason, description = override
        return FakeHealthStatus(
            target["Id"], registered["Port"], self.health_check_port, state, reason, description
        )

    return patched_health_for

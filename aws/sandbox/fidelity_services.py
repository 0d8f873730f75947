"""UpdateService's refusals, as ECS makes them and moto 5.2 does not.

* **A service that is not ACTIVE.** moto's DeleteService only marks the service INACTIVE (as ECS
  does for a while) but then takes any UpdateService for it, and answers 200. ECS refuses with
  ``ServiceNotActiveException``: a service deleted by another client while ecsdeck still lists
  it must fail there too (a bulk action's failure in the middle).
* **Settings out of range.** moto stores whatever it is sent. ECS refuses with
  InvalidParameterException a ``healthCheckGracePeriodSeconds`` outside 0..2147483647, a
  ``minimumHealthyPercent`` outside 0..100, a ``maximumPercent`` outside 100..200 (REPLICA
  services, the rolling update), and a ``propagateTags`` or ``availabilityZoneRebalancing``
  that is not one of its values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws.sandbox.patching import Installed, install, require, uninstall

_installed: Installed = []


def apply() -> None:
    """Install the patch once per process (idempotent)."""
    if _installed:
        return
    from moto.ecs.responses import EC2ContainerServiceResponse as Response

    # The response method, not the backend's (aws/sandbox/ecs_patches.py wraps that one).
    original = require(Response, "update_service")
    install(_installed, Response, "update_service", _refusing(original), original)


def unapply() -> None:
    uninstall(_installed)


def _refusing(update_service: Callable[..., Any]) -> Callable[..., Any]:
    def refusing_update_service(self: Any) -> Any:
        from moto.ecs.exceptions import ECSException

        props = self._get_params()
        name = str(props.get("service", "")).split("/")[-1]
        service = self.ecs_backend._get_service(props.get("cluster", "default"), name)
        if service.status != "ACTIVE":
            raise ECSException("ServiceNotActiveException", "Service was not ACTIVE.")
        check_settings(props)
        return update_service(self)

    return refusing_update_service


def check_settings(props: dict[str, Any]) -> None:
    """ECS's ranges for the settings ``u`` sends, from UpdateService's parameters
    (InvalidParameterException, as ECS)."""
    from moto.ecs.exceptions import InvalidParameterException

    config = props.get("deploymentConfiguration") or {}
    grace = props.get("healthCheckGracePeriodSeconds")
    checks = (
        (
            grace is not None and not 0 <= int(grace) <= 2_147_483_647,
            "healthCheckGracePeriodSeconds must be between 0 and 2147483647.",
        ),
        (
            not 0 <= int(config.get("minimumHealthyPercent", 0)) <= 100,
            "minimumHealthyPercent must be between 0 and 100.",
        ),
        (
            not 100 <= int(config.get("maximumPercent", 100)) <= 200,
            "maximumPercent must be between 100 and 200.",
        ),
        (
            props.get("propagateTags") not in (None, "NONE", "SERVICE", "TASK_DEFINITION"),
            "propagateTags must be one of NONE, SERVICE, TASK_DEFINITION.",
        ),
        (
            props.get("availabilityZoneRebalancing") not in (None, "ENABLED", "DISABLED"),
            "availabilityZoneRebalancing must be ENABLED or DISABLED.",
        ),
    )
    problems = [message for bad, message in checks if bad]
    if problems:
        raise InvalidParameterException(" ".join(problems))

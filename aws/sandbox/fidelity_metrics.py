"""CloudWatch metrics and Application Auto Scaling as AWS answers them, where moto 5.2 does not.

* **GetMetricData dimensions.** moto matches a query's dimensions to a datapoint's by sorting
  both lists with a comparison that does not order them (``Dimension.__lt__`` compares a value
  with a name), so ``ServiceName, ClusterName`` finds nothing stored as ``ClusterName,
  ServiceName``. CloudWatch matches the set of dimensions whatever their order: the patch orders
  dimensions by (name, value).
* **GetMetricData limit.** moto takes any number of queries; CloudWatch refuses more than 500
  with a ValidationError.
* **DescribeScalingActivities.** moto does not implement it (HTTP 500). Application Auto Scaling
  answers the newest activities first, filtered by namespace, resource id and dimension, paged
  by ``MaxResults`` (at most 50) and ``NextToken``. The sandbox keeps activities in
  :data:`ACTIVITIES` (the seeder and simulator add them) and answers from there.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aws.sandbox.patching import Installed, install, require, uninstall

#: GetMetricData's limit on MetricDataQueries per request.
MAX_QUERIES = 500
#: DescribeScalingActivities' largest page.
MAX_ACTIVITIES = 50

#: Scaling activities, oldest first: dicts shaped as DescribeScalingActivities returns them
#: (ServiceNamespace, ResourceId, ScalableDimension, ActivityId, Description, Cause, StartTime
#: as epoch seconds, EndTime, StatusCode, StatusMessage).
ACTIVITIES: list[dict[str, Any]] = []

_installed: Installed = []


def apply() -> None:
    """Install the patches once per process (idempotent)."""
    if _installed:
        return
    from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
    from moto.cloudwatch.models import Dimension
    from moto.cloudwatch.responses import CloudWatchResponse

    original_lt = require(Dimension, "__lt__")
    original_get = require(CloudWatchResponse, "get_metric_data")
    patches: list[tuple[type, str, Callable[..., Any], Callable[..., Any]]] = [
        (Dimension, "__lt__", _dimension_lt, original_lt),
        (CloudWatchResponse, "get_metric_data", _limited(original_get), original_get),
    ]
    for owner, name, wrapper, orig in patches:
        install(_installed, owner, name, wrapper, orig)
    # Not in moto at all: added, and removed again by unapply.
    install(
        _installed,
        ApplicationAutoScalingResponse,
        "describe_scaling_activities",
        _describe_scaling_activities,
    )


def unapply() -> None:
    uninstall(_installed)


def _dimension_lt(self: Any, other: Any) -> bool:
    return (str(self.name), str(self.value)) < (str(other.name), str(other.value))


def _limited(original: Callable[..., Any]) -> Callable[..., Any]:
    def patched(self: Any) -> Any:
        from moto.cloudwatch.exceptions import ValidationError

        queries = self._get_params().get("MetricDataQueries", [])
        if len(queries) > MAX_QUERIES:
            raise ValidationError(
                f"The collection MetricDataQueries must not have a size greater than {MAX_QUERIES}."
            )
        return original(self)

    return patched


def _describe_scaling_activities(self: Any) -> str:
    from moto.applicationautoscaling.exceptions import AWSValidationException

    namespace = self._get_param("ServiceNamespace")
    resource = self._get_param("ResourceId")
    dimension = self._get_param("ScalableDimension")
    size = self._get_int_param("MaxResults") or MAX_ACTIVITIES
    if not 1 <= size <= MAX_ACTIVITIES:
        raise AWSValidationException(f"MaxResults must be between 1 and {MAX_ACTIVITIES}")
    found = [
        a
        for a in reversed(ACTIVITIES)
        if a["ServiceNamespace"] == namespace
        and (not resource or a["ResourceId"] == resource)
        and (not dimension or a["ScalableDimension"] == dimension)
    ]
    token = self._get_param("NextToken")
    start = int(token) if token and str(token).isdigit() else 0
    page = found[start : start + size]
    body: dict[str, Any] = {"ScalingActivities": page}
    if start + size < len(found):
        body["NextToken"] = str(start + size)
    return json.dumps(body)

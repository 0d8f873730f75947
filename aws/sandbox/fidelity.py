"""Patches that make moto keep AWS's contract where the product relies on it.

The product codes to AWS (paging, batch limits, server-side filters, cluster counts); wherever
moto 5.2 answers differently, it is fixed here, in the sandbox, never worked around in aws/ or
tui/. Like :mod:`aws.sandbox.moto_patches` these wrap private moto attributes (pinned range in
pyproject.toml; tests/aws/test_moto_patches.py fails loudly when one moves).

What moto does, and what AWS does instead:

* **DescribeClusters counts.** moto keeps ``activeServicesCount``, ``runningTasksCount``,
  ``pendingTasksCount`` and ``registeredContainerInstancesCount`` as counters that go stale or
  negative. ECS keeps them right: ACTIVE services, tasks whose lastStatus is RUNNING, tasks in
  PROVISIONING/PENDING/ACTIVATING, container instances ACTIVE or DRAINING. They are computed
  from the backend at describe time (``EC2ContainerServiceBackend.describe_clusters``).
* **Paging.** moto returns every ARN in one response and ignores ``maxResults``/``nextToken``.
  ECS pages ListClusters, ListServices (10 by default), ListTasks, ListContainerInstances,
  ListTaskDefinitions and ListTaskDefinitionFamilies: at most 100 a page, an opaque
  ``nextToken`` while more remain, InvalidParameterException for a token it did not issue or a
  ``maxResults`` outside 1-100 (the ``EC2ContainerServiceResponse.list_*`` methods).
* **Batch limits.** moto describes any number of services, tasks, clusters or container
  instances in one call. ECS refuses more than 10 services, or more than 100 of the others,
  with InvalidParameterException (``EC2ContainerServiceResponse.describe_*``).
* **ListTasks filters.** moto ignores ``serviceName`` (every task of the cluster comes back),
  returns STOPPED tasks when no ``desiredStatus`` is given, matches the cluster, container
  instance and family by substring, and scans every task of every cluster. ECS returns the
  service's tasks (group ``service:<name>``), RUNNING by default, exact matches only; the patch
  reads only the named cluster's tasks (``EC2ContainerServiceBackend.list_tasks``).
* **Task-definition history.** moto leaves ``registeredAt`` out of a task definition and never
  sets ``deregisteredAt``; ECS stamps both (``EC2ContainerServiceBackend.register_task_definition``
  and ``deregister_task_definition``). moto's ListTaskDefinitionFamilies ignores ``status``; ECS
  lists, for ACTIVE, the families with an ACTIVE revision, for INACTIVE those with none, and
  every family for ALL (the default) (``EC2ContainerServiceResponse.list_task_definition_families``).
* **UpdateContainerInstancesState's answer.** moto sends each instance's ``attributes`` as empty
  objects (its list-of-name/value transform is registered for DescribeContainerInstances only);
  ECS answers with the same attributes as DescribeContainerInstances
  (``EC2ContainerServiceResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER``).
* **FilterLogEvents.** moto ignores ``logStreamNamePrefix`` (every stream of the group is
  searched). CloudWatch Logs searches only the streams with that prefix, and refuses the prefix
  together with ``logStreamNames`` (``LogsResponse.filter_log_events``).

CloudWatch metrics and Application Auto Scaling are fixed in :mod:`.fidelity_metrics`,
UpdateService's refusals in :mod:`.fidelity_services`, RunTask's refusals and failures in
:mod:`.fidelity_runs`.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

from aws.sandbox import fidelity_metrics, fidelity_runs, fidelity_services
from aws.sandbox.clock import now
from aws.sandbox.patching import Installed, install, require, uninstall

#: Response method -> (result key, default maxResults), as ECS pages them.
LIST_PAGES: dict[str, tuple[str, int]] = {
    "list_clusters": ("clusterArns", 100),
    "list_services": ("serviceArns", 10),
    "list_tasks": ("taskArns", 100),
    "list_container_instances": ("containerInstanceArns", 100),
    "list_task_definitions": ("taskDefinitionArns", 100),
    "list_task_definition_families": ("families", 100),
}
MAX_RESULTS = 100

#: Response method -> (request parameter, most items ECS describes in one call).
DESCRIBE_LIMITS: dict[str, tuple[str, int]] = {
    "describe_services": ("services", 10),
    "describe_tasks": ("tasks", 100),
    "describe_clusters": ("clusters", 100),
    "describe_container_instances": ("containerInstances", 100),
}

PENDING = ("PROVISIONING", "PENDING", "ACTIVATING")

T = TypeVar("T")

_installed: Installed = []


def apply() -> None:
    """Install every fidelity patch once per process (idempotent)."""
    if _installed:
        return
    from moto.ecs.models import EC2ContainerServiceBackend
    from moto.ecs.responses import EC2ContainerServiceResponse
    from moto.logs.responses import LogsResponse

    patches: list[tuple[type, str, Callable[..., Any], Callable[..., Any]]] = []
    original = require(EC2ContainerServiceBackend, "describe_clusters")
    patches.append((EC2ContainerServiceBackend, "describe_clusters", _counted(original), original))
    original = require(EC2ContainerServiceBackend, "list_tasks")
    patches.append((EC2ContainerServiceBackend, "list_tasks", _list_tasks, original))
    for name in ("register_task_definition", "deregister_task_definition"):
        original = require(EC2ContainerServiceBackend, name)
        patches.append((EC2ContainerServiceBackend, name, _stamped(original), original))
    for name, (key, default) in LIST_PAGES.items():
        original = require(EC2ContainerServiceResponse, name)
        inner = _families_by_status(original) if key == "families" else original
        wrapper = _list_tasks_page if name == "list_tasks" else _paged(inner, key, default)
        patches.append((EC2ContainerServiceResponse, name, wrapper, original))
    for name, (param, limit) in DESCRIBE_LIMITS.items():
        original = require(EC2ContainerServiceResponse, name)
        wrapper = _limited(original, param, limit)
        patches.append((EC2ContainerServiceResponse, name, wrapper, original))
    original = require(LogsResponse, "filter_log_events")
    patches.append((LogsResponse, "filter_log_events", _filter_log_events(original), original))
    for owner, name, wrapper, orig in patches:
        install(_installed, owner, name, wrapper, orig)
    _transform_update_attributes(EC2ContainerServiceResponse)
    fidelity_metrics.apply()
    fidelity_services.apply()
    fidelity_runs.apply()


#: Where moto's attribute transform goes for DescribeContainerInstances, and where it is missing.
_DESCRIBED = "DescribeContainerInstancesResponse.containerInstances.ContainerInstance.attributes"
_UPDATED = "UpdateContainerInstancesStateResponse.containerInstances.ContainerInstance.attributes"


def _transform_update_attributes(response: Any) -> None:
    transforms = getattr(response, "RESPONSE_KEY_PATH_TO_TRANSFORMER", None)
    if not isinstance(transforms, dict) or _DESCRIBED not in transforms:
        raise RuntimeError(
            "ecsdeck sandbox: moto's EC2ContainerServiceResponse no longer transforms container "
            "instance attributes the way aws/sandbox/fidelity.py expects"
        )
    patched = {**transforms, _UPDATED: transforms[_DESCRIBED]}
    response.RESPONSE_KEY_PATH_TO_TRANSFORMER = patched
    _installed.append((response, "RESPONSE_KEY_PATH_TO_TRANSFORMER", transforms))


def unapply() -> None:
    """Put moto back as it was (tests that patch in-process share moto's classes)."""
    fidelity_metrics.unapply()
    fidelity_services.unapply()
    fidelity_runs.unapply()
    uninstall(_installed)


def _invalid(message: str) -> Exception:
    from moto.ecs.exceptions import InvalidParameterException

    return InvalidParameterException(message)


# --------------------------------------------------------------------------- DescribeClusters


def _counted(describe_clusters: Callable[..., Any]) -> Callable[..., Any]:
    def patched(self: Any, cluster_names: list[str]) -> Any:
        clusters, failures = describe_clusters(self, cluster_names)
        services = Counter(s.cluster_name for s in self.services.values() if s.status == "ACTIVE")
        for cluster in clusters:
            running = pending = 0
            for task in self.tasks.get(cluster.name, {}).values():
                status = task.last_status
                if status == "RUNNING":
                    running += 1
                elif status in PENDING:
                    pending += 1
            cluster.running_tasks_count = running
            cluster.pending_tasks_count = pending
            cluster.active_services_count = services[cluster.name]
            cluster.registered_container_instances_count = sum(
                1
                for ci in self.container_instances.get(cluster.name, {}).values()
                if ci.status in ("ACTIVE", "DRAINING")
            )
        return clusters, failures

    return patched


# --------------------------------------------------------------------------- ListTasks


def _list_tasks(
    self: Any,
    cluster_str: str | None = None,
    container_instance: str | None = None,
    family: str | None = None,
    started_by: str | None = None,
    service_name: str | None = None,
    desiredStatus: str | None = None,  # moto passes it by this name
) -> list[Any]:
    cluster = self._get_cluster(cluster_str or "default")
    status = desiredStatus or "RUNNING"
    group = f"service:{service_name.split('/')[-1]}" if service_name else None
    instance = container_instance.split("/")[-1] if container_instance else None
    found = []
    for task in self.tasks.get(cluster.name, {}).values():
        if task.desired_status != status:
            continue
        if group is not None and task.group != group:
            continue
        if started_by and task.started_by != started_by:
            continue
        if instance and (task.container_instance_arn or "").split("/")[-1] != instance:
            continue
        if family and task.task_definition_arn.split("/")[-1].rsplit(":", 1)[0] != family:
            continue
        found.append(task)
    return found


# --------------------------------------------------------------------------- paging
#
# Pages follow a sort key and the token carries the last key returned, so an item that stops or
# is deleted between two calls shifts nothing: the next page starts at the first key after it.


def _paged(original: Callable[..., Any], key: str, default: int) -> Callable[..., Any]:
    def patched(self: Any) -> Any:
        from moto.core.responses import ActionResult

        size, token = _page_params(self, default)
        items: list[str] = list(original(self).result[key])
        order: Callable[[str], str] = str
        descending = False
        if key == "taskDefinitionArns":
            order = _revision_order
            descending = self._get_param("sort") == "DESC"
        page, next_token = _page(items, token, size, original.__name__, order, descending)
        return ActionResult({key: page, **({"nextToken": next_token} if next_token else {})})

    return patched


def _revision_order(arn: str) -> str:
    """Family, then revision as a number (``web:10`` after ``web:9``), as ECS sorts them."""
    family, _, revision = arn.rsplit("/", 1)[-1].rpartition(":")
    return f"{family}\x00{int(revision) if revision.isdigit() else 0:012d}"


def _list_tasks_page(self: Any) -> Any:
    """ListTasks, paged before the ARNs are built: moto's response builds one per task of the
    cluster (milliseconds per thousand), the page needs 100 at most."""
    from moto.core.responses import ActionResult

    size, token = _page_params(self, 100)
    tasks = self.ecs_backend.list_tasks(
        self._get_param("cluster", "default"),
        self._get_param("containerInstance"),
        self._get_param("family"),
        self._get_param("startedBy"),
        self._get_param("serviceName"),
        self._get_param("desiredStatus"),
    )
    launch_type = self._get_param("launchType")
    if launch_type:
        tasks = [t for t in tasks if t.launch_type == launch_type]
    # The task id orders a cluster's task ARNs as the ARNs themselves would.
    page, next_token = _page(tasks, token, size, "list_tasks", lambda t: str(t.id))
    arns = [t.task_arn for t in page]
    return ActionResult({"taskArns": arns, **({"nextToken": next_token} if next_token else {})})


def _page_params(self: Any, default: int) -> tuple[int, str | None]:
    size = self._get_param("maxResults")
    if size is None:
        size = default
    elif not isinstance(size, int) or not 1 <= size <= MAX_RESULTS:
        raise _invalid(f"maxResults must be between 1 and {MAX_RESULTS}.")
    token = self._get_param("nextToken")
    return size, token or None


def _page(
    items: list[T],
    token: str | None,
    size: int,
    action: str,
    order: Callable[[T], str],
    descending: bool = False,
) -> tuple[list[T], str | None]:
    """One page of ``items`` in ``order`` and the token for the next, if any remain."""
    keyed = sorted(((order(item), item) for item in items), key=lambda p: p[0])
    if descending:
        keyed.reverse()
    if token:
        after = _cursor(token, action)
        keyed = [p for p in keyed if (p[0] < after if descending else p[0] > after)]
    page = keyed[:size]
    next_token = _token(action, page[-1][0]) if len(keyed) > size else None
    return [item for _, item in page], next_token


def _token(action: str, after: str) -> str:
    raw = json.dumps({"op": action, "after": after}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _cursor(token: str, action: str) -> str:
    """The last key the previous page returned; InvalidParameterException for a token this
    operation did not issue, as ECS answers."""
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        after = data["after"]
        if data["op"] != action or not isinstance(after, str):
            raise ValueError(action)
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise _invalid("The nextToken is not valid.") from None
    return after


# --------------------------------------------------------------------------- batch limits


def _limited(original: Callable[..., Any], param: str, limit: int) -> Callable[..., Any]:
    def patched(self: Any) -> Any:
        asked = self._get_param(param) or []
        if len(asked) > limit:
            raise _invalid(f"{param} can have at most {limit} items (got {len(asked)}).")
        return original(self)

    return patched


# --------------------------------------------------------------------------- task definitions


def _stamped(original: Callable[..., Any]) -> Callable[..., Any]:
    """registeredAt on register, deregisteredAt on the first deregister, as ECS stamps them."""
    attribute = "registered_at" if original.__name__.startswith("register") else "deregistered_at"

    @functools.wraps(original)
    def patched(self: Any, *args: Any, **kwargs: Any) -> Any:
        td = original(self, *args, **kwargs)
        if getattr(td, attribute, None) is None:
            setattr(td, attribute, now())
        return td

    return patched


def _families_by_status(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def patched(self: Any) -> Any:
        from moto.core.responses import ActionResult

        status = self._get_param("status") or "ALL"
        result = original(self)
        if status == "ALL":
            return result
        revisions = self.ecs_backend.task_definitions
        families = [
            f
            for f in result.result["families"]
            if any(td.status == "ACTIVE" for td in revisions.get(f, {}).values())
            == (status == "ACTIVE")
        ]
        return ActionResult({"families": families})

    return patched


# --------------------------------------------------------------------------- CloudWatch Logs


def _filter_log_events(original: Callable[..., Any]) -> Callable[..., Any]:
    def patched(self: Any) -> Any:
        prefix = self._get_param("logStreamNamePrefix")
        if not prefix:
            return original(self)
        from moto.logs.exceptions import InvalidParameterException, ResourceNotFoundException

        if self._get_param("logStreamNames"):
            raise InvalidParameterException(
                "Cannot specify both logStreamNamePrefix and logStreamNames"
            )
        group_name = self._get_param("logGroupName")
        group = self.logs_backend.groups.get(group_name)
        if group is None:
            raise ResourceNotFoundException()
        names = [name for name in group.streams if name.startswith(prefix)]
        if not names:  # an empty list would mean "every stream" to moto
            return json.dumps({"events": [], "searchedLogStreams": []})
        events, next_token, searched = self.logs_backend.filter_log_events(
            group_name,
            names,
            self._get_param("startTime"),
            self._get_param("endTime"),
            self._get_param("limit"),
            self._get_param("nextToken"),
            self._get_param("filterPattern"),
            self._get_param("interleaved", False),
        )
        return json.dumps(
            {"events": events, "nextToken": next_token, "searchedLogStreams": searched}
        )

    return patched

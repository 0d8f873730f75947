"""Mutations as plans: build a Plan (the exact API calls), show it, then ``execute`` it.

A plan is a value: a title, a one-line summary and the ordered ``ApiCall``s, each of which can
render itself as the equivalent ``aws ...`` command line. Nothing is sent until ``execute``,
which refuses in read-only mode (before any request and before building one), allows one
mutation in flight per service, stops at the first failure, writes every attempt to the audit
log, and returns an ``Outcome`` that says in plain words what was done and what was not.

A call may carry the placeholder ``REGISTERED`` ("$registered") as a parameter value: the
executor replaces it with the ARN returned by an earlier RegisterTaskDefinition in the same plan.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from botocore import xform_name

from aws.ecs import list_task_definition_revisions
from aws.models import Service, Task, TaskDefinition

if TYPE_CHECKING:
    from aws.audit import AuditLog
    from aws.session import Clients

#: Stands for "the ARN registered by an earlier step of this plan"; resolved by ``execute``.
REGISTERED = "$registered"

#: ``parse_count`` never accepts more than this, even with explicit confirmation. It is 20x
#: ECS's default quota of 5,000 tasks per service: no real service needs more, and it stops a
#: slip of the finger (an extra zero or three) from reaching the API.
ABSOLUTE_MAX_COUNT = 100_000

DEFAULT_STOP_REASON = "Stopped by ecsdeck"
MAX_REASON = 255

_EPOCH = datetime.min.replace(tzinfo=UTC)

_READ_ONLY_MESSAGE = (
    "Read-only mode: ecsdeck sends no changes (started with --read-only or the setting)."
)


# --- errors --------------------------------------------------------------------------------


class ActionError(Exception):
    """Base of every refusal or failure to plan; ``message`` is meant for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(ActionError):
    """Bad input. ``problems`` lists each one (at least one)."""

    def __init__(self, message: str, problems: Sequence[str] | None = None) -> None:
        super().__init__(message)
        self.problems: list[str] = list(problems) if problems else [message]


class ReadOnlyError(ActionError):
    """The session is read-only: nothing was sent."""


class BusyError(ActionError):
    """A mutation of the same service is already in flight: nothing was sent."""


# --- plans ---------------------------------------------------------------------------------


def _json_param(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=False, default=str)


@dataclass(frozen=True)
class ApiCall:
    """One API request: ``service`` ("ecs"/"elbv2"), PascalCase ``operation``, its params."""

    service: str
    operation: str
    params: dict[str, Any]

    def method(self) -> str:
        """The client method name, e.g. ``update_service``."""
        return str(xform_name(self.operation))

    def cli(
        self,
        *,
        region: str | None = None,
        profile: str | None = None,
        endpoint_url: str | None = None,
    ) -> str:
        """The equivalent AWS CLI command line (shell-quoted; complex params as JSON).

        ``region``, ``profile`` and ``endpoint_url`` (when given) become ``--region``,
        ``--profile`` and ``--endpoint-url`` so the line does the same thing when pasted into
        another shell, whatever that shell's AWS_PROFILE / AWS_REGION say.
        """
        parts = ["aws", self.service, xform_name(self.operation, "-")]
        for key, value in self.params.items():
            flag = "--" + xform_name(key, "-")
            if isinstance(value, bool):
                parts.append(flag if value else "--no-" + flag[2:])
            elif isinstance(value, int | float):
                parts += [flag, str(value)]
            elif isinstance(value, str):
                parts += [flag, shlex.quote(value)]
            else:
                parts += [flag, shlex.quote(_json_param(value))]
        for flag, value in (
            ("--region", region),
            ("--profile", profile),
            ("--endpoint-url", endpoint_url),
        ):
            if value:
                parts += [flag, shlex.quote(value)]
        return " ".join(parts)

    def label(self) -> str:
        """Short human label: ``UpdateService (payments-api)``."""
        p = self.params
        what = (
            p.get("service")
            or (p.get("task") and str(p["task"]).rsplit("/", 1)[-1])
            or p.get("family")
            or p.get("cluster")
        )
        return f"{self.operation} ({what})" if what else self.operation


@dataclass(frozen=True)
class Plan:
    """What a mutation will do, shown to the user before anything is sent."""

    title: str
    cluster: str
    service: str | None
    calls: tuple[ApiCall, ...]
    summary: str
    notes: tuple[str, ...] = ()
    #: Unified diff (task-definition changes), for a coloured view.
    diff: str | None = None
    #: Said after a failure at any step: the state the service is left in (e.g. "The service
    #: still runs web:7 on EC2.").
    if_failed: str | None = None

    def cli(
        self,
        *,
        region: str | None = None,
        profile: str | None = None,
        endpoint_url: str | None = None,
    ) -> str:
        """Every call as a CLI line, one per line (the keywords as in ``ApiCall.cli``)."""
        return "\n".join(
            call.cli(region=region, profile=profile, endpoint_url=endpoint_url)
            for call in self.calls
        )


def _name(arn_or_name: str | None) -> str:
    return (arn_or_name or "").rsplit("/", 1)[-1]


def td_label(arn: str | None) -> str:
    """``arn:...:task-definition/web:7`` -> ``web:7``."""
    return _name(arn) or "?"


def family_revision(arn: str) -> tuple[str, int | None]:
    """``arn:...:task-definition/web:7`` or ``web:7`` -> ("web", 7); no revision -> None."""
    label = td_label(arn)
    family, _, rev = label.rpartition(":")
    if family and rev.isdigit():
        return family, int(rev)
    return label, None


_COUNT = re.compile(r"[0-9]+", re.ASCII)


def parse_count(text: str, *, maximum: int = 1000, allow_over_max: bool = False) -> int:
    """A desired count typed by the user: a whole number from 0 to ``maximum``.

    Surrounding spaces are fine; signs, decimals, exponents, letters and blanks are not. Above
    ``maximum`` needs ``allow_over_max`` (the user's explicit confirmation). Nothing above
    ``ABSOLUTE_MAX_COUNT`` is ever accepted.
    """
    raw = text.strip() if isinstance(text, str) else ""
    if not raw:
        raise ValidationError("Enter a whole number of tasks (0 or more).")
    if not _COUNT.fullmatch(raw):
        if raw.startswith("-") and _COUNT.fullmatch(raw[1:]):
            raise ValidationError(f"{raw!r} is negative: the desired count is 0 or more.")
        raise ValidationError(f"{raw!r} is not a whole number: use digits only, e.g. 3.")
    if len(raw.lstrip("0")) > len(str(ABSOLUTE_MAX_COUNT)):
        raise ValidationError(f"{raw} is far too large: at most {ABSOLUTE_MAX_COUNT}.")
    value = int(raw)
    if value > ABSOLUTE_MAX_COUNT:
        raise ValidationError(f"{value} is too large: at most {ABSOLUTE_MAX_COUNT}.")
    if value > maximum and not allow_over_max:
        raise ValidationError(
            f"{value} is above the maximum of {maximum}: confirm explicitly to go above it."
        )
    return value


def _refuse_controller(service: Service, what: str) -> None:
    controller = service.deployment_controller
    if controller in ("CODE_DEPLOY", "EXTERNAL"):
        how = (
            "start a CodeDeploy deployment instead"
            if controller == "CODE_DEPLOY"
            else "use its task sets instead"
        )
        raise ValidationError(
            f"{service.name} uses the {controller} deployment controller: "
            f"ECS cannot {what} it; {how}."
        )


def _update(service: Service, **params: Any) -> ApiCall:
    return ApiCall(
        "ecs",
        "UpdateService",
        {"cluster": _name(service.cluster_arn), "service": service.name, **params},
    )


def _still(service: Service) -> str:
    return f"The service still runs {td_label(service.task_definition)} on {service.compute}."


def plan_scale(service: Service, desired: int) -> Plan:
    """UpdateService desiredCount; summary ``name: 3 -> 5``."""
    if isinstance(desired, bool) or not isinstance(desired, int) or desired < 0:
        raise ValidationError(f"desired count must be a whole number >= 0 (got {desired!r})")
    if desired > ABSOLUTE_MAX_COUNT:
        raise ValidationError(f"{desired} is too large: at most {ABSOLUTE_MAX_COUNT}.")
    notes: list[str] = []
    if desired == service.desired:
        notes.append(f"{service.name} already wants {desired}: nothing would change.")
    if desired == 0:
        notes.append("0 stops every task of the service.")
    return Plan(
        title="Scale service",
        cluster=_name(service.cluster_arn),
        service=service.name,
        calls=(_update(service, desiredCount=desired),),
        summary=f"{service.name}: {service.desired} -> {desired}",
        notes=tuple(notes),
        if_failed=f"{service.name} still wants {service.desired} tasks.",
    )


def plan_deploy(service: Service, task_definition_arn: str) -> Plan:
    """UpdateService taskDefinition (a rolling deployment of that revision)."""
    _refuse_controller(service, "deploy a new revision through UpdateService for")
    if not task_definition_arn:
        raise ValidationError("Pick a task definition revision to deploy.")
    notes = []
    if task_definition_arn == service.task_definition:
        notes.append("This is the revision the service runs now: it starts a new deployment.")
    return Plan(
        title="Deploy revision",
        cluster=_name(service.cluster_arn),
        service=service.name,
        calls=(_update(service, taskDefinition=task_definition_arn),),
        summary=f"{service.name}: {td_label(service.task_definition)} -> "
        f"{td_label(task_definition_arn)}",
        notes=tuple(notes),
        if_failed=_still(service),
    )


def plan_force_deployment(service: Service) -> Plan:
    """UpdateService forceNewDeployment: replace every task with the same revision."""
    _refuse_controller(service, "force a new deployment of")
    return Plan(
        title="Force new deployment",
        cluster=_name(service.cluster_arn),
        service=service.name,
        calls=(_update(service, forceNewDeployment=True),),
        summary=f"{service.name}: replace all tasks ({td_label(service.task_definition)})",
        if_failed=_still(service),
    )


#: Plan notes naming the rule ``plan_rollback`` used to pick the revision.
ROLLBACK_FROM_DEPLOYMENT = "Previous deployment: the revision the service ran before this one."
ROLLBACK_FROM_LOWER_REVISION = (
    "Next lower revision: ECS keeps no history of completed deployments, so this is the highest "
    "ACTIVE revision below the current one, which may never have run."
)


def previous_deployment(service: Service) -> str | None:
    """The task definition of the newest non-PRIMARY (ACTIVE/INACTIVE) deployment that differs.

    ECS lists the deployments of a rollout in progress (and, briefly, the ones it replaced);
    once a deployment completes only the PRIMARY remains, and this returns None.
    """
    current = service.task_definition
    older = [
        d
        for d in service.deployments
        if d.status in ("ACTIVE", "INACTIVE") and d.task_definition and d.task_definition != current
    ]
    if not older:
        return None
    # Newest first (ECS lists them newest first too; the sort is stable for equal times).
    older.sort(key=lambda d: d.created_at or _EPOCH, reverse=True)
    return older[0].task_definition


async def previous_revision(c: Clients, task_definition: str) -> str | None:
    """The highest ACTIVE revision of the same family below this one (ListTaskDefinitions, paged)."""
    family, current = family_revision(task_definition)
    if current is None:
        return None
    for arn in await list_task_definition_revisions(c, family):  # newest first, exact family
        _fam, rev = family_revision(arn)
        if rev is not None and rev < current:
            return arn
    return None


async def plan_rollback(c: Clients, service: Service) -> Plan:
    """Deploy the revision to go back to (ValidationError if there is none).

    (a) a rollout in progress (or just replaced) lists older deployments: the newest
    non-PRIMARY one whose task definition differs from the current one; else (b) the highest
    ACTIVE revision of the family below the current one. The notes say which rule picked it.
    """
    if not service.task_definition:
        raise ValidationError(f"{service.name} has no task definition to roll back from.")
    _refuse_controller(service, "roll back through UpdateService")
    previous = previous_deployment(service)
    rule = ROLLBACK_FROM_DEPLOYMENT
    if previous is None:
        previous = await previous_revision(c, service.task_definition)
        rule = ROLLBACK_FROM_LOWER_REVISION
    if previous is None:
        raise ValidationError(
            f"No earlier ACTIVE revision of {td_label(service.task_definition)} to roll back to."
        )
    plan = plan_deploy(service, previous)
    return replace(plan, title="Roll back", notes=(*plan.notes, rule))


def plan_stop_task(
    task: Task, reason: str = DEFAULT_STOP_REASON, *, service_running: int | None = None
) -> Plan:
    """StopTask with a reason (blank -> the default; at most 255 characters).

    ``service_running`` is the running count of the task's service, when the caller knows it:
    stopping the last running task (running <= 1) is called out, since the service then has none
    until the scheduler starts a replacement.
    """
    reason = (reason or "").strip() or DEFAULT_STOP_REASON
    if len(reason) > MAX_REASON:
        raise ValidationError(f"The reason is {len(reason)} characters; at most {MAX_REASON}.")
    notes = []
    if (
        task.service_name
        and service_running is not None
        and service_running <= 1
        and task.last_status == "RUNNING"
    ):
        n = max(service_running, 0)
        notes.append(
            f"{task.service_name} has {n} running task{'' if n == 1 else 's'}: it will have "
            "none until the scheduler starts a replacement."
        )
    if task.service_name:
        notes.append(f"Service {task.service_name} will start a replacement task.")
    return Plan(
        title="Stop task",
        cluster=_name(task.cluster_arn),
        service=task.service_name,
        calls=(
            ApiCall(
                "ecs",
                "StopTask",
                {"cluster": _name(task.cluster_arn), "task": task.arn, "reason": reason},
            ),
        ),
        summary=f"stop task {task.id} ({td_label(task.task_definition)}): {reason}",
        notes=tuple(notes),
        if_failed="The task was not stopped.",
    )


def plan_register(current: TaskDefinition, new_body: dict[str, Any]) -> Plan:
    """RegisterTaskDefinition of ``new_body`` (validated, then stripped), with a diff.

    After ``execute``, ``Outcome.registered_arn`` holds the new revision's ARN.
    """
    from aws import taskdef

    problems = taskdef.validate(new_body)
    if problems:
        raise ValidationError(
            f"The task definition has {len(problems)} problem(s): {problems[0]}", problems
        )
    body = taskdef.strip_for_register(new_body)
    text = taskdef.diff(dict(current.raw), body)
    notes: list[str] = []
    if not text:
        notes.append(
            f"No changes from {current.family}:{current.revision}: the new revision "
            "would be identical."
        )
    if body.get("family") != current.family:
        notes.append(f"The family changes from {current.family} to {body.get('family')}.")
    changed = [
        f"{name}: {image}"
        for name, image in _images(body).items()
        if current.container_images.get(name) != image
    ]
    summary = f"{body.get('family')}: register a new revision after {current.revision}"
    if changed:
        summary += " (" + ", ".join(changed) + ")"
    return Plan(
        title="Register revision",
        cluster="",
        service=None,
        calls=(ApiCall("ecs", "RegisterTaskDefinition", body),),
        summary=summary,
        notes=tuple(notes),
        diff=text,
        if_failed="No revision was registered.",
    )


def _images(body: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for c in body.get("containerDefinitions") or []:
        if isinstance(c, dict):
            out[str(c.get("name"))] = str(c.get("image"))
    return out


# --- executor ----------------------------------------------------------------------------

#: (endpoint, cluster, service) of every plan being executed now: one mutation per service.
_IN_FLIGHT: set[tuple[str | None, str, str]] = set()


@dataclass(frozen=True)
class Outcome:
    """What ``execute`` did. ``done`` and ``failed`` hold the calls as sent (placeholders
    resolved); ``results`` are the responses of ``done`` (without ResponseMetadata)."""

    plan: Plan
    done: tuple[ApiCall, ...]
    failed: ApiCall | None
    error: str | None
    not_done: tuple[ApiCall, ...]
    results: tuple[dict[str, Any], ...]
    registered_arn: str | None
    #: Problems that did not stop the plan (e.g. the audit log could not be written).
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.failed is None and self.error is None and not self.not_done

    def report(self) -> str:
        """Plain words: what was done, what failed and why, what was not done."""
        done = ", ".join(
            _done_label(call, res) for call, res in zip(self.done, self.results, strict=False)
        )
        parts = [f"Done: {done or 'nothing'}."]
        if self.failed is not None:
            parts.append(f"Failed: {self.failed.operation}: {(self.error or '').rstrip('.')}.")
        elif self.error:
            parts.append(f"Failed: {self.error.rstrip('.')}.")
        if self.failed is not None or self.error or self.not_done:
            rest = ", ".join(c.operation for c in self.not_done)
            parts.append(f"Not done: {rest or 'none'}.")
            if self.plan.if_failed:
                parts.append(self.plan.if_failed)
        parts.extend(self.warnings)
        return " ".join(parts)


def _done_label(call: ApiCall, result: dict[str, Any]) -> str:
    if call.operation == "RegisterTaskDefinition":
        arn = (result.get("taskDefinition") or {}).get("taskDefinitionArn")
        return f"{call.operation} ({td_label(arn)})" if arn else call.operation
    return call.label()


def _resolve(value: Any, registered: str | None) -> Any:
    if isinstance(value, str) and value == REGISTERED:
        if registered is None:
            raise ActionError(
                "this step needs the ARN of a task definition registered by an earlier step, "
                "and none was registered"
            )
        return registered
    if isinstance(value, dict):
        return {k: _resolve(v, registered) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, registered) for v in value]
    return value


def _explain(exc: BaseException) -> str:
    try:
        from aws.errors import explain
    except ImportError:
        return _fallback_explain(exc)
    try:
        return str(explain(exc))
    except Exception:  # the explainer must never hide the original error
        return _fallback_explain(exc)


_PLAIN = {
    "AccessDeniedException": "your credentials are not allowed to do this (IAM)",
    "AccessDenied": "your credentials are not allowed to do this (IAM)",
    "InvalidParameterException": "AWS rejected a parameter",
    "ClientException": "AWS rejected the request",
    "ServiceNotFoundException": "the service no longer exists",
    "ServiceNotActiveException": "the service is not ACTIVE",
    "ClusterNotFoundException": "the cluster no longer exists",
    "ThrottlingException": "AWS is throttling this account; try again in a moment",
    "Throttling": "AWS is throttling this account; try again in a moment",
    "ExpiredTokenException": "your credentials have expired; log in again",
}


def _fallback_explain(exc: BaseException) -> str:
    from botocore.exceptions import BotoCoreError, ClientError

    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code = str(err.get("Code") or "Error")
        message = str(err.get("Message") or "").strip()
        plain = _PLAIN.get(code)
        text = f"{code}: {message}" if message else code
        return f"{text} ({plain})" if plain else text
    if isinstance(exc, BotoCoreError):
        return f"{type(exc).__name__}: {exc}"
    return f"{type(exc).__name__}: {exc}"


def _clean(response: Any) -> dict[str, Any]:
    if not isinstance(response, dict):
        return {}
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def _summary(call: ApiCall, result: dict[str, Any]) -> dict[str, Any]:
    """A few fields of a response worth keeping in the audit log."""
    if "taskDefinition" in result:
        td = result["taskDefinition"] or {}
        return {"taskDefinitionArn": td.get("taskDefinitionArn")}
    if "service" in result:
        svc = result["service"] or {}
        return {
            "serviceArn": svc.get("serviceArn"),
            "taskDefinition": svc.get("taskDefinition"),
            "desiredCount": svc.get("desiredCount"),
            "capacityProviderStrategy": svc.get("capacityProviderStrategy"),
        }
    if "task" in result:
        task = result["task"] or {}
        return {k: task.get(k) for k in ("taskArn", "lastStatus", "desiredStatus")}
    if "cluster" in result:
        cl = result["cluster"] or {}
        return {
            "clusterArn": cl.get("clusterArn"),
            "capacityProviders": cl.get("capacityProviders"),
            "defaultCapacityProviderStrategy": cl.get("defaultCapacityProviderStrategy"),
        }
    return {k: v for k, v in result.items() if isinstance(v, str | int | float | bool)}


_IDENTITY_ATTR = "_ecsdeck_caller_arn"


async def caller_identity(c: Clients) -> str | None:
    """STS GetCallerIdentity's ARN, fetched once per client bundle; None if STS fails."""
    cached = getattr(c, _IDENTITY_ATTR, None)
    if cached is not None:
        return str(cached)
    try:
        resp = await c.sts.get_caller_identity()
    except Exception:
        return None
    arn = resp.get("Arn")
    if arn:
        setattr(c, _IDENTITY_ATTR, arn)
    return str(arn) if arn else None


class _Audit:
    """Writes audit lines for one execution; a write failure becomes a warning, not a crash."""

    def __init__(self, log: AuditLog | None, c: Clients, plan: Plan, identity: str | None):
        self.log, self.c, self.plan, self.identity = log, c, plan, identity
        self.warnings: list[str] = []

    def __call__(
        self,
        call: ApiCall,
        result: str,
        error: str | None = None,
        response: dict[str, Any] | None = None,
    ) -> None:
        if self.log is None:
            return
        try:
            self.log.record(
                identity=self.identity,
                region=self.c.region,
                cluster=self.plan.cluster or call.params.get("cluster"),
                service=self.plan.service,
                call=call.operation,
                params=call.params,
                result=result,
                error=error,
                response_summary=response,
            )
        except OSError as exc:
            msg = f"Warning: the audit log could not be written ({exc})."
            if msg not in self.warnings:
                self.warnings.append(msg)


async def execute(c: Clients, plan: Plan, *, audit: AuditLog | None = None) -> Outcome:
    """Send the plan's calls in order, stop at the first failure, audit every attempt.

    Raises ReadOnlyError (nothing sent; a "refused" audit line per call) or BusyError (nothing
    sent) before any request. AWS and network errors do not raise: they end up in the Outcome.
    """
    if c.settings.read_only:
        log = _Audit(audit, c, plan, getattr(c, _IDENTITY_ATTR, None))
        for call in plan.calls:
            log(call, "refused", _READ_ONLY_MESSAGE)
        raise ReadOnlyError(_READ_ONLY_MESSAGE)
    key = (c.endpoint, plan.cluster, plan.service or "")
    guarded = bool(plan.service)
    if guarded:
        if key in _IN_FLIGHT:
            raise BusyError(
                f"A change to {plan.service} is already in progress: wait for it to finish."
            )
        _IN_FLIGHT.add(key)
    try:
        return await _run(c, plan, audit)
    finally:
        if guarded:
            _IN_FLIGHT.discard(key)


async def _run(c: Clients, plan: Plan, audit: AuditLog | None) -> Outcome:
    identity = await caller_identity(c) if audit is not None else None
    log = _Audit(audit, c, plan, identity)
    done: list[ApiCall] = []
    results: list[dict[str, Any]] = []
    registered: str | None = None
    for i, planned in enumerate(plan.calls):
        try:
            call = replace(planned, params=_resolve(planned.params, registered))
        except ActionError as exc:
            log(planned, "error", exc.message)
            return _outcome(plan, done, results, planned, exc.message, i, registered, log)
        try:
            client = getattr(c, call.service)
            response = _clean(await getattr(client, call.method())(**call.params))
        except Exception as exc:
            message = _explain(exc)
            log(call, "error", message)
            return _outcome(plan, done, results, call, message, i, registered, log)
        if call.operation == "RegisterTaskDefinition":
            registered = (response.get("taskDefinition") or {}).get("taskDefinitionArn")
        done.append(call)
        results.append(response)
        log(call, "ok", None, _summary(call, response))
    return _outcome(plan, done, results, None, None, len(plan.calls), registered, log)


def _outcome(
    plan: Plan,
    done: list[ApiCall],
    results: list[dict[str, Any]],
    failed: ApiCall | None,
    error: str | None,
    index: int,
    registered: str | None,
    log: _Audit,
) -> Outcome:
    rest = plan.calls[index + 1 :] if failed is not None else plan.calls[index:]
    not_done = []
    for call in rest:
        try:
            not_done.append(replace(call, params=_resolve(call.params, registered)))
        except ActionError:
            not_done.append(call)
    return Outcome(
        plan=plan,
        done=tuple(done),
        failed=failed,
        error=error,
        not_done=tuple(not_done),
        results=tuple(results),
        registered_arn=registered,
        warnings=tuple(log.warnings),
    )

"""Running a plan: ``execute`` sends its calls, audits each attempt and returns an ``Outcome``.

``execute`` refuses in read-only mode (before any request and before building one), allows one
mutation in flight per service, stops at the first failure, writes every attempt to the audit
log, and returns an ``Outcome`` that says in plain words what was done and what was not. It
replaces the ``REGISTERED`` placeholder with the ARN registered by an earlier step of the plan.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from aws.audit import new_id
from aws.errors import explain
from aws.plan import REGISTERED, ActionError, ApiCall, BusyError, Plan, ReadOnlyError, td_label
from aws.session import in_own_context

if TYPE_CHECKING:
    from aws.audit import AuditLog
    from aws.session import Clients

_READ_ONLY_MESSAGE = (
    "Read-only mode: ecsdeck sends no changes (started with --read-only or the setting)."
)

#: The audit ``error`` of a call given up on while waiting for AWS's answer (``abandoned``).
ABANDONED_MESSAGE = (
    "given up while waiting for AWS's answer: the request may or may not have reached AWS"
)

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
    #: The response of ``failed`` when AWS answered 200 with a ``failures`` list: a RunTask may
    #: have started some of its tasks all the same.
    failed_response: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.failed is None and self.error is None and not self.not_done

    def report(self) -> str:
        """Plain words: what was done, what failed and why, what was not done."""
        done = ", ".join(
            _done_label(call, res) for call, res in zip(self.done, self.results, strict=False)
        )
        parts = [f"Done: {done}." if done else "Nothing was changed."]
        if self.failed is not None:
            parts.append(f"Failed: {self.failed.operation}: {(self.error or '').rstrip('.')}.")
        elif self.error:
            parts.append(f"Failed: {self.error.rstrip('.')}.")
        if self.failed is not None or self.error or self.not_done:
            if self.not_done:  # nothing to say when the failed call was the last one
                rest = ", ".join(c.operation for c in self.not_done)
                parts.append(f"Not done: {rest}.")
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
        return explain(exc)
    except Exception:  # the explainer must never hide the original error
        return f"{type(exc).__name__}: {exc}"


def _clean(response: Any) -> dict[str, Any]:
    if not isinstance(response, dict):
        return {}
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def _failures(result: dict[str, Any]) -> str | None:
    """ECS batch calls (UpdateContainerInstancesState) answer 200 with a ``failures`` list for
    the resources they could not change: those are failures, in words."""
    failures = result.get("failures")
    if not isinstance(failures, list) or not failures:
        return None
    return "; ".join(
        f"{f.get('arn', '?')}: {f.get('reason', '?')}"
        + (f" ({f['detail']})" if f.get("detail") else "")
        for f in failures
        if isinstance(f, dict)
    )


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
    if "tasks" in result:  # RunTask: the tasks it started
        return {
            "taskArns": [t.get("taskArn") for t in result["tasks"] or [] if isinstance(t, dict)]
        }
    if "containerInstances" in result:
        return {
            "containerInstances": [
                {k: ci.get(k) for k in ("containerInstanceArn", "status")}
                for ci in result["containerInstances"] or []
                if isinstance(ci, dict)
            ]
        }
    if "cluster" in result:
        cl = result["cluster"] or {}
        return {
            "clusterArn": cl.get("clusterArn"),
            "capacityProviders": cl.get("capacityProviders"),
            "defaultCapacityProviderStrategy": cl.get("defaultCapacityProviderStrategy"),
        }
    if "SessionId" in result:  # ssm StartSession: the token opens the session, never logged
        return {"SessionId": result.get("SessionId")}
    return {k: v for k, v in result.items() if isinstance(v, str | int | float | bool)}


async def caller_identity(c: Clients) -> str | None:
    """STS GetCallerIdentity's ARN, fetched once per client bundle (``whoami`` fills the same
    cache at start, so a change sent while STS hangs is not held up); None if STS fails."""
    if c.caller_arn is not None:
        return c.caller_arn
    try:
        resp = await in_own_context(c.sts.get_caller_identity)
    except Exception:
        return None
    arn = resp.get("Arn")
    if arn:
        c.caller_arn = str(arn)
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
        id: str | None = None,
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
                id=id,
                profile=self.c.settings.profile,
            )
        except OSError as exc:
            msg = f"Warning: the audit log could not be written ({exc})."
            if msg not in self.warnings:
                self.warnings.append(msg)


def record_refusal(
    c: Clients,
    audit: AuditLog,
    *,
    action: str,
    cluster: str | None,
    service: str | None,
    params: dict[str, Any] | None = None,
) -> str | None:
    """Write a ``refused`` line for an action refused before any plan was built (read-only
    mode refuses at the key press). Returns a warning if the line could not be written."""
    try:
        audit.record(
            identity=c.caller_arn,
            region=c.region,
            cluster=cluster,
            service=service,
            call=action,
            params=params or {},
            result="refused",
            error=_READ_ONLY_MESSAGE,
            response_summary=None,
            profile=c.settings.profile,
        )
    except OSError as exc:
        return f"Warning: the audit log could not be written ({exc})."
    return None


async def execute(c: Clients, plan: Plan, *, audit: AuditLog | None = None) -> Outcome:
    """Send the plan's calls in order, stop at the first failure, audit every attempt.

    Raises ReadOnlyError (nothing sent; a "refused" audit line per call) or BusyError (nothing
    sent) before any request. AWS and network errors do not raise: they end up in the Outcome.
    Cancelling the task running it while a call waits for AWS completes that call's intent line
    with ``abandoned`` and re-raises CancelledError.
    """
    if c.settings.read_only:
        log = _Audit(audit, c, plan, c.caller_arn)
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
        # The intent is on disk before the request leaves: a crash mid-call leaves a record.
        attempt = new_id()
        log(call, "intent", id=attempt)
        try:
            client = getattr(c, call.service)
            # Not in_own_context: a SystemExit inside a task leaves through the event loop, not here,
            # and the intent line above is what a crash mid-call must leave (writes are rare, and
            # a connection one opens is the pool's, reused by the reads that follow).
            response = _clean(await getattr(client, call.method())(**call.params))
        except asyncio.CancelledError:
            # Given up on (the user, or the app closing): the request may have been applied,
            # so the intent is completed with what is known, not left looking in flight.
            log(call, "abandoned", ABANDONED_MESSAGE, id=attempt)
            raise
        except Exception as exc:
            message = _explain(exc)
            log(call, "error", message, id=attempt)
            return _outcome(plan, done, results, call, message, i, registered, log)
        refused = _failures(response)
        if refused:  # answered 200, but ECS did not apply it to some resource
            log(call, "error", refused, _summary(call, response), id=attempt)
            out = _outcome(plan, done, results, call, refused, i, registered, log)
            return replace(out, failed_response=response)
        if call.operation == "RegisterTaskDefinition":
            registered = (response.get("taskDefinition") or {}).get("taskDefinitionArn")
        done.append(call)
        results.append(response)
        log(call, "ok", None, _summary(call, response), id=attempt)
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

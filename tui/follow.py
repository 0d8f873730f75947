"""After a change sent from ecsdeck, follow the service's rollout to its end and say how it ended.

An on-call who deploys (or scales, rolls back, switches launch type) wants the answer to "did it
work?" without watching the counts: the pane that shows the service feeds each fresh read to
``Follows.observe``, which returns the follow once it ends (COMPLETED or FAILED), for one
notification, and keeps the outcome for the summary line. Plain logic, no widgets: testable
without an app. Costs no extra request: it reads what the panes already describe.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from rich.text import Text

from aws.models import Deployment, Service
from tui.text import clean, plural

#: After this long without an end, stop following (ECS itself may take longer; the pane still
#: shows the counts).
GIVE_UP_AFTER = 30 * 60.0
#: How long an ended follow stays in the summary.
SHOW_ENDED_FOR = 10 * 60.0

IN_PROGRESS, COMPLETED, FAILED, REPLACED, GAVE_UP = (
    "IN_PROGRESS",
    "COMPLETED",
    "FAILED",
    "REPLACED",
    "GAVE_UP",
)


@dataclass(frozen=True, slots=True)
class Follow:
    """One change being followed, keyed by the service's cluster ARN and name."""

    key: str
    #: The change, as the plan titles it ("Deploy revision", "Scale service").
    what: str
    #: The deployment the UpdateService answer named PRIMARY: a new one for deploy, rollback,
    #: force and switch; the running one for a scale (then the end is "all tasks running").
    deployment_id: str | None
    started: float
    state: str = IN_PROGRESS
    reason: str = ""
    ended: float | None = None
    #: The deployment was in a read: a read without it is news (not one sent before the change).
    seen: bool = False

    @property
    def done(self) -> bool:
        return self.state != IN_PROGRESS

    def took(self, now: float | None = None) -> str:
        seconds = int((self.ended or now or time.monotonic()) - self.started)
        return f"{seconds}s" if seconds < 120 else f"{seconds // 60}m"


def service_key(cluster_arn: str, name: str) -> str:
    return f"{cluster_arn}/{name}"


def primary_id(update_service_response: dict[str, Any]) -> str | None:
    """The PRIMARY deployment id in an UpdateService answer (the deployment it made)."""
    service = update_service_response.get("service") or {}
    for d in service.get("deployments") or []:
        if isinstance(d, dict) and d.get("status") == "PRIMARY":
            return str(d.get("id")) if d.get("id") else None
    return None


def judge(follow: Follow, service: Service, now: float) -> Follow:
    """The follow after one fresh read of its service: still going, or how it ended."""
    ours: Deployment | None = next(
        (d for d in service.deployments if d.id == follow.deployment_id), None
    )
    if ours is not None and not follow.seen:
        follow = replace(follow, seen=True)
    if ours is not None and ours.rollout_state == FAILED:
        reason = ours.rollout_reason or f"{plural(ours.failed_tasks, 'task')} failed to start"
        return replace(follow, state=FAILED, reason=reason, ended=now)
    if follow.deployment_id and ours is None and follow.seen:
        # ECS dropped it: a newer deployment (a circuit-breaker rollback, or someone else's
        # change) took over. Not a success of ours, whatever happens next.
        newer = service.primary
        label = newer.task_definition.rsplit("/", 1)[-1] if newer else "another deployment"
        reason = f"replaced by a newer deployment ({label})"
        return replace(follow, state=REPLACED, reason=reason, ended=now)
    if ours is None:
        settled = not follow.deployment_id
    else:
        settled = ours.status == "PRIMARY" and ours.rollout_state != IN_PROGRESS
    if settled and service.steady:
        reason = f"{service.running}/{plural(service.desired, 'task')} running"
        return replace(follow, state=COMPLETED, reason=reason, ended=now)
    if now - follow.started > GIVE_UP_AFTER:
        reason = f"still {service.running}/{service.desired} after {follow.took(now)}"
        return replace(follow, state=GAVE_UP, reason=reason, ended=now)
    return follow


class Follows:
    """The app's follows, one per service at most (a newer change replaces the older)."""

    def __init__(self) -> None:
        self._by_key: dict[str, Follow] = {}

    def start(self, cluster_arn: str, name: str, what: str, deployment_id: str | None) -> None:
        key = service_key(cluster_arn, name)
        self._by_key[key] = Follow(key, what, deployment_id, time.monotonic())

    def start_from_outcome(self, what: str, calls: Sequence[Any], results: Sequence[Any]) -> None:
        """Follow every service an executed plan updated (UpdateService answers name it)."""
        for call, result in zip(calls, results, strict=False):
            if call.operation != "UpdateService" or not isinstance(result, dict):
                continue
            service = result.get("service") or {}
            cluster, name = service.get("clusterArn"), service.get("serviceName")
            if cluster and name:
                self.start(str(cluster), str(name), what, primary_id(result))

    def observe(self, service: Service) -> Follow | None:
        """Judge the follow of this service (if any); the follow when it has just ended."""
        key = service_key(service.cluster_arn, service.name)
        follow = self._by_key.get(key)
        if follow is None or follow.done:
            return None
        now = time.monotonic()
        judged = judge(follow, service, now)
        self._by_key[key] = judged
        return judged if judged.done else None

    def of(self, service: Service) -> Follow | None:
        """The follow to show for this service: running, or ended a short while ago."""
        follow = self._by_key.get(service_key(service.cluster_arn, service.name))
        if follow is None:
            return None
        if follow.ended is not None and time.monotonic() - follow.ended > SHOW_ENDED_FOR:
            return None
        return follow


def follow_line(follow: Follow) -> Text:
    """The summary line (and the notification text) for a follow, by its state."""
    what = clean(follow.what, 60)
    reason = clean(follow.reason, 300)
    if follow.state == IN_PROGRESS:
        return Text(f"⟳ {what}: following the rollout ({follow.took()})", style="yellow")
    if follow.state == COMPLETED:
        return Text(f"✓ {what}: rollout COMPLETED in {follow.took()} ({reason})", style="green")
    if follow.state == FAILED:
        return Text(f"✗ {what}: rollout FAILED after {follow.took()}: {reason}", style="bold red")
    if follow.state == REPLACED:
        return Text(f"✗ {what}: rollout {reason}", style="bold red")
    return Text(f"! {what}: stopped following, {reason}", style="yellow")

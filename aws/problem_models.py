"""What the problems reader (:mod:`aws.triage`) reports: one thing wrong in the account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

#: What a Problem can be about, in the order the problems view groups them.
PROBLEM_KINDS = ("rollout", "targets", "stopped", "short", "stuck", "instance")

#: Between the links of a cause chain in a ``why`` (aws.triage.chains): what AWS reported, then
#: what that points at, then the root; a view may show each link on its own line.
CHAIN = " → "
#: Where a Problem's ``since`` comes from -> how a view says it. Only "seen" is not an onset
#: AWS reported: a disconnected agent, say, has no timestamp in DescribeContainerInstances.
ONSETS = {
    "stopped": "stoppedAt",
    "deployment created": "deployment createdAt",
    "deployment updated": "deployment updatedAt",
    "event": "first service event of the episode",
    "seen": "when ecsdeck first saw it",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in the account right now, in words an on-call engineer can act on.

    ``key`` is stable across refreshes (kind + the resource it is about + the cause), so a view
    can update the row in place and notice when the problem clears.
    """

    key: str
    #: One of PROBLEM_KINDS: rollout (FAILED, or IN_PROGRESS too long), targets (unhealthy,
    #: draining, unused), stopped (tasks stopped in the last hour, grouped by cause), short
    #: (running < desired too long), stuck (placement failure events), instance (EC2 agent
    #: disconnected, DRAINING with tasks).
    kind: str
    cluster_arn: str
    cluster_name: str
    #: One line: "health checks failed", "out of memory", "rollout failed (circuit breaker)".
    what: str
    #: The evidence: reason code explained, stoppedReason, rolloutStateReason, latest event.
    why: str
    service_arn: str | None = None
    service_name: str | None = None
    #: The culprit the view opens with the cursor on (a task or target id), when there is one.
    task_arn: str | None = None
    target_id: str | None = None
    container_instance_arn: str | None = None
    #: The EC2 instance behind ``container_instance_arn`` (the console page `o` gives).
    ec2_instance_id: str | None = None
    #: When it started, as far as AWS tells (stoppedAt, deployment createdAt/updatedAt, the
    #: first event of the episode); else when ecsdeck first saw it (``onset`` says which).
    since: datetime | None = None
    #: How many tasks/targets share this cause (grouped stopped tasks, unhealthy targets).
    count: int = 1
    #: "error" (broken now) or "warning" (degraded or at risk).
    severity: str = "error"
    #: Where ``since`` comes from, one of ONSETS; "seen" means only that ecsdeck first saw the
    #: problem then (it began earlier, and a restart starts that clock again).
    onset: str = "seen"

    @property
    def since_known(self) -> bool:
        """``since`` is the real onset (an AWS timestamp), not when ecsdeck first looked."""
        return self.since is not None and self.onset != "seen"

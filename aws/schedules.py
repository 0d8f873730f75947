"""Scheduled tasks: the EventBridge Scheduler schedules and EventBridge rules that run an ECS
task and what they run; run now, enable, disable (their last runs: aws/schedule_runs.py).

Scheduler's ListSchedules gives each schedule's target ARN only, so a schedule whose target is
an ECS cluster is read whole with GetSchedule. Rules are listed with ListRules and each one's
targets with ListTargetsByRule (every list paged). A rule with two ECS targets is two rows.
``ScheduleReader`` sends GetSchedule and ListTargetsByRule again only when they may have changed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aws.models import Task, arn_tail
from aws.paging import call, pages
from aws.plan import ApiCall, Plan, ValidationError, td_label

if TYPE_CHECKING:
    from aws.session import Clients

SCHEDULE = "schedule"
RULE = "rule"
#: The fields GetSchedule returns that UpdateSchedule takes back (it replaces the whole schedule).
_UPDATE_FIELDS = (
    "Name",
    "GroupName",
    "ScheduleExpression",
    "ScheduleExpressionTimezone",
    "StartDate",
    "EndDate",
    "Description",
    "FlexibleTimeWindow",
    "Target",
    "KmsKeyArn",
    "ActionAfterCompletion",
)


def is_ecs_target(arn: str | None) -> bool:
    return bool(arn) and ":ecs:" in str(arn) and ":cluster/" in str(arn)


@dataclass(frozen=True, slots=True)
class ScheduledTask:
    """One schedule (or one ECS target of a rule) and the task it runs."""

    kind: str  # SCHEDULE or RULE
    name: str
    #: The schedule group, or the rule's event bus.
    group: str
    expression: str | None
    timezone: str | None
    state: str
    cluster_arn: str
    #: EcsParameters as the API spells them (PascalCase): what RunTask gets.
    ecs: dict[str, Any]
    created_at: datetime | None = None
    #: A rule's target id; a schedule's full GetSchedule body (UpdateSchedule needs all of it).
    target_id: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.kind}/{self.group}/{self.name}/{self.target_id or ''}"

    @property
    def task_definition(self) -> str | None:
        value = self.ecs.get("TaskDefinitionArn")
        return str(value) if value else None

    @property
    def cluster(self) -> str:
        return arn_tail(self.cluster_arn)

    @property
    def enabled(self) -> bool:
        return self.state == "ENABLED"

    def started_us(self, task: Task) -> bool:
        """Whether ``task`` was started by this schedule: EventBridge rules start tasks with
        startedBy ``events-rule/<name>`` (cut to 36 characters), Scheduler with
        ``chronos-schedule/...``; a ``Group`` parameter is matched too."""
        by = task.started_by or ""
        if self.ecs.get("Group") and task.group == self.ecs["Group"]:
            return True
        if self.kind == RULE:
            return by == f"events-rule/{self.name}"[:36]
        return by.startswith("chronos-schedule") and (
            self.name[: 36 - len("chronos-schedule/")] in by or by == "chronos-schedule"
        )


# --------------------------------------------------------------------------- reading

#: A rule's targets are read again after this many seconds even if the rule did not change:
#: ListRules says nothing of PutTargets, and rules give no modification date.
TARGETS_MAX_AGE = 300.0


def _from_schedule(doc: dict[str, Any]) -> ScheduledTask:
    target = doc.get("Target") or {}
    return ScheduledTask(
        kind=SCHEDULE,
        name=str(doc.get("Name")),
        group=str(doc.get("GroupName") or "default"),
        expression=doc.get("ScheduleExpression"),
        timezone=doc.get("ScheduleExpressionTimezone"),
        state=str(doc.get("State") or "?"),
        cluster_arn=str(target.get("Arn")),
        ecs=dict(target.get("EcsParameters") or {}),
        created_at=doc.get("StartDate") or doc.get("CreationDate"),
        raw=doc,
    )


def _from_target(rule: Any, target: Any) -> ScheduledTask:
    return ScheduledTask(
        kind=RULE,
        name=str(rule["Name"]),
        group=str(rule.get("EventBusName") or "default"),
        expression=rule.get("ScheduleExpression") or None,
        timezone=None,  # rules run in UTC
        state=str(rule.get("State") or "?"),
        cluster_arn=str(target.get("Arn")),
        ecs=dict(target.get("EcsParameters") or {}),
        target_id=str(target.get("Id")),
    )


class ScheduleReader:
    """Reads the region's scheduled tasks, sending again only what may have changed.

    ListSchedules and ListRules are sent every read (a page each per 100). GetSchedule is sent
    for a schedule only when its ARN, LastModificationDate or State in the list differs from the
    last read (any UpdateSchedule changes the date). A rule's targets (ListTargetsByRule) are
    read again when its listing changed or every ``targets_max_age`` seconds, since PutTargets
    leaves the rule's listing as it was."""

    def __init__(
        self, targets_max_age: float = TARGETS_MAX_AGE, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.targets_max_age = targets_max_age
        self.clock = clock
        #: (group, name) -> (the list entry's stamp, the schedule as GetSchedule gave it).
        self._schedules: dict[tuple[str, str], tuple[tuple[Any, ...], ScheduledTask]] = {}
        #: (bus, name) -> (the rule as listed, when its targets were read, its ECS targets).
        self._rules: dict[tuple[str, str], tuple[dict[str, Any], float, list[ScheduledTask]]] = {}

    async def read(self, c: Clients) -> list[ScheduledTask]:
        """Every schedule and rule of the region that runs an ECS task, by name."""
        schedules, rules = await asyncio.gather(self._read_schedules(c), self._read_rules(c))
        return sorted([*schedules, *rules], key=lambda s: (s.name, s.kind, s.target_id or ""))

    async def _read_schedules(self, c: Clients) -> list[ScheduledTask]:
        pager = c.scheduler.get_paginator("list_schedules").paginate()
        summaries: list[dict[str, Any]] = [
            dict(s) async for page in pages(c, pager) for s in page.get("Schedules", [])
        ]
        ecs = [s for s in summaries if is_ecs_target((s.get("Target") or {}).get("Arn"))]

        async def read(summary: dict[str, Any]) -> ScheduledTask:
            key = (str(summary.get("GroupName") or "default"), str(summary["Name"]))
            stamp = (summary.get("Arn"), summary.get("LastModificationDate"), summary.get("State"))
            known = self._schedules.get(key)
            if known and known[0] == stamp:
                return known[1]
            doc = dict(await call(c, c.scheduler.get_schedule, Name=key[1], GroupName=key[0]))
            doc.pop("ResponseMetadata", None)
            self._schedules[key] = (stamp, _from_schedule(doc))
            return self._schedules[key][1]

        found = list(await asyncio.gather(*(read(s) for s in ecs)))
        listed = {(str(s.get("GroupName") or "default"), str(s["Name"])) for s in ecs}
        self._schedules = {k: v for k, v in self._schedules.items() if k in listed}
        return found

    async def _read_rules(self, c: Clients) -> list[ScheduledTask]:
        pager = c.events.get_paginator("list_rules").paginate()
        rules = [dict(r) async for page in pages(c, pager) for r in page.get("Rules", [])]

        async def targets(rule: dict[str, Any]) -> list[ScheduledTask]:
            key = (str(rule.get("EventBusName") or "default"), str(rule["Name"]))
            known = self._rules.get(key)
            fresh = known and self.clock() - known[1] < self.targets_max_age
            if known and fresh and known[0] == rule:
                return known[2]
            pager = c.events.get_paginator("list_targets_by_rule").paginate(
                Rule=key[1], EventBusName=key[0]
            )
            found = [t async for page in pages(c, pager) for t in page.get("Targets", [])]
            mine = [_from_target(rule, t) for t in found if is_ecs_target(t.get("Arn"))]
            self._rules[key] = (rule, self.clock(), mine)
            return mine

        found = [s for group in await asyncio.gather(*(targets(r) for r in rules)) for s in group]
        listed = {(str(r.get("EventBusName") or "default"), str(r["Name"])) for r in rules}
        self._rules = {k: v for k, v in self._rules.items() if k in listed}
        return found


async def read_scheduled_tasks(c: Clients) -> list[ScheduledTask]:
    """Every schedule and rule of the region that runs an ECS task, by name (nothing cached)."""
    return await ScheduleReader().read(c)


# --------------------------------------------------------------------------- plans


def _lower_first(key: str) -> str:
    return key[:1].lower() + key[1:]


def run_now_params(s: ScheduledTask, started_by: str) -> dict[str, Any]:
    """RunTask with the target's EcsParameters (PascalCase -> RunTask's camelCase)."""
    if not s.task_definition:
        raise ValidationError(f"{s.name} names no task definition to run.")
    e = s.ecs
    params: dict[str, Any] = {
        "cluster": s.cluster,
        "taskDefinition": s.task_definition,
        "count": int(e.get("TaskCount") or 1),
        "startedBy": started_by,
    }
    if e.get("CapacityProviderStrategy"):
        params["capacityProviderStrategy"] = [
            {_lower_first(k): v for k, v in item.items()} for item in e["CapacityProviderStrategy"]
        ]
    elif e.get("LaunchType"):
        params["launchType"] = e["LaunchType"]
    for key in ("PlatformVersion", "Group", "EnableExecuteCommand", "EnableECSManagedTags"):
        if e.get(key) is not None:
            name = "enableECSManagedTags" if key == "EnableECSManagedTags" else _lower_first(key)
            params[name] = e[key]
    vpc = (e.get("NetworkConfiguration") or {}).get("AwsvpcConfiguration") or (
        e.get("NetworkConfiguration") or {}
    ).get("awsvpcConfiguration")
    if vpc:
        params["networkConfiguration"] = {
            "awsvpcConfiguration": {_lower_first(k): v for k, v in vpc.items()}
        }
    if e.get("PropagateTags"):
        params["propagateTags"] = e["PropagateTags"]
    return params


def plan_run_now(s: ScheduledTask, started_by: str) -> Plan:
    """RunTask as the schedule would send it (startedBy says ecsdeck sent it, not the schedule)."""
    params = run_now_params(s, started_by)
    return Plan(
        title="Run now",
        cluster=s.cluster,
        service=None,
        calls=(ApiCall("ecs", "RunTask", params),),
        summary=f"{s.kind} {s.name}: {params['count']} x {td_label(s.task_definition)} in "
        f"{s.cluster}, now",
        notes=("The schedule itself is not changed: its next run happens as planned.",),
        if_failed="No task was started.",
    )


def _iso(value: Any) -> Any:
    """Dates as ISO text: the CLI line then reads as typed, and botocore takes it back."""
    return value.isoformat() if isinstance(value, datetime) else value


def plan_set_state(s: ScheduledTask, enabled: bool) -> Plan:
    """Scheduler: UpdateSchedule with the whole schedule as read and the new State (it has no
    partial update). A rule: EnableRule or DisableRule."""
    state = "ENABLED" if enabled else "DISABLED"
    verb = "Enable" if enabled else "Disable"
    if s.kind == SCHEDULE:
        params = {k: _iso(s.raw[k]) for k in _UPDATE_FIELDS if s.raw.get(k) is not None}
        params["State"] = state
        call_ = ApiCall("scheduler", "UpdateSchedule", params)
    else:
        op = "EnableRule" if enabled else "DisableRule"
        call_ = ApiCall("events", op, {"Name": s.name, "EventBusName": s.group})
    notes = []
    if s.state == state:
        notes.append(f"{s.name} is already {state}: nothing would change.")
    if s.kind == RULE:
        notes.append("A rule's state applies to every target of the rule, not only this task.")
    return Plan(
        title=f"{verb} {s.kind}",
        cluster=s.cluster,
        service=None,
        calls=(call_,),
        summary=f"{s.kind} {s.name}: {s.state} -> {state}",
        notes=tuple(notes),
        if_failed=f"{s.name} is still {s.state}.",
    )

"""Scheduled tasks (aws/schedules.py) against the moto server: the reader (Scheduler and rules,
ECS targets only), the last run, run now and enable/disable through the one executor."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws.execute import execute
from aws.schedule_expr import next_run
from aws.schedule_runs import last_runs
from aws.schedules import plan_run_now, plan_set_state, read_scheduled_tasks
from tests.aws.test_actions import boto, open_clients

ACCOUNT = "123456789012"
CLUSTER_ARN = f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/jobs"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/scheduler"


def _seed(url: str) -> str:
    ecs = boto(url, "ecs")
    ecs.create_cluster(clusterName="jobs")
    td = ecs.register_task_definition(
        family="report",
        networkMode="bridge",  # moto's awsvpc RunTask fails on its own ENIs (private_dns_name)
        requiresCompatibilities=["EC2"],
        containerDefinitions=[{"name": "app", "image": "busybox", "memory": 512}],
    )["taskDefinition"]["taskDefinitionArn"]
    params = {
        "TaskDefinitionArn": td,
        "TaskCount": 1,
        "LaunchType": "FARGATE",
    }
    boto(url, "scheduler").create_schedule(
        Name="nightly-report",
        ScheduleExpression="cron(0 3 * * ? *)",
        ScheduleExpressionTimezone="Europe/Paris",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": CLUSTER_ARN, "RoleArn": ROLE, "EcsParameters": params},
    )
    boto(url, "scheduler").create_schedule(  # not an ECS target: left out
        Name="lambda-thing",
        ScheduleExpression="rate(5 minutes)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:f", "RoleArn": ROLE},
    )
    events = boto(url, "events")
    events.put_rule(Name="hourly-sync", ScheduleExpression="rate(1 hour)")
    events.put_targets(
        Rule="hourly-sync",
        Targets=[{"Id": "ecs", "Arn": CLUSTER_ARN, "RoleArn": ROLE, "EcsParameters": params}],
    )
    # A task the rule started (EventBridge's startedBy), stopped since.
    arn = ecs.run_task(
        cluster="jobs",
        taskDefinition=td,
        launchType="FARGATE",
        startedBy="events-rule/hourly-sync",
    )["tasks"][0]["taskArn"]
    ecs.stop_task(cluster="jobs", task=arn, reason="done")
    return str(arn)


async def test_schedules_listed_run_now_and_disabled(moto_url: str, tmp_path) -> None:
    from aws.audit import AuditLog

    ran = _seed(moto_url)
    async with open_clients(moto_url) as c:
        found = await read_scheduled_tasks(c)
        assert [(s.kind, s.name) for s in found] == [
            ("rule", "hourly-sync"),
            ("schedule", "nightly-report"),
        ]
        rule, schedule = found
        assert schedule.timezone == "Europe/Paris" and schedule.cluster == "jobs"
        assert schedule.task_definition and schedule.task_definition.endswith("report:1")
        when = next_run(
            schedule.expression or "", schedule.timezone, after=datetime(2026, 1, 10, tzinfo=UTC)
        )
        assert when == datetime(2026, 1, 10, 2, 0, tzinfo=UTC)  # 03:00 in Paris (CET)
        runs = await last_runs(c, found)
        assert runs[rule.key].arn == ran and schedule.key not in runs

        audit = AuditLog(tmp_path / "audit.jsonl")
        outcome = await execute(c, plan_run_now(schedule, "ecsdeck/test"), audit=audit)
        assert outcome.ok, outcome.report()
        (sent,) = outcome.done
        assert sent.params["launchType"] == "FARGATE" and sent.params["count"] == 1
        for s in (schedule, rule):
            outcome = await execute(c, plan_set_state(s, enabled=False), audit=audit)
            assert outcome.ok, outcome.report()
        after = {s.name: s.state for s in await read_scheduled_tasks(c)}
        assert after == {"hourly-sync": "DISABLED", "nightly-report": "DISABLED"}
        # UpdateSchedule replaces the whole schedule: nothing but the state changed.
        again = next(s for s in await read_scheduled_tasks(c) if s.name == "nightly-report")
        assert again.expression == schedule.expression and again.ecs == schedule.ecs
    cli = plan_set_state(schedule, enabled=False).cli()
    assert cli.startswith("aws scheduler update-schedule --name nightly-report")
    assert "--state DISABLED" in cli
    assert (
        plan_set_state(rule, enabled=True)
        .cli()
        .startswith("aws events enable-rule --name hourly-sync --event-bus-name default")
    )


def test_run_now_takes_the_targets_network_and_strategy() -> None:
    from aws.schedules import SCHEDULE, ScheduledTask, run_now_params

    s = ScheduledTask(
        kind=SCHEDULE,
        name="n",
        group="default",
        expression="rate(1 hour)",
        timezone=None,
        state="ENABLED",
        cluster_arn=CLUSTER_ARN,
        ecs={
            "TaskDefinitionArn": "arn:aws:ecs:us-east-1:1:task-definition/report:4",
            "TaskCount": 2,
            "CapacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
            "PlatformVersion": "1.4.0",
            "NetworkConfiguration": {
                "awsvpcConfiguration": {"Subnets": ["subnet-1"], "SecurityGroups": ["sg-1"]}
            },
        },
    )
    assert run_now_params(s, "ecsdeck") == {
        "cluster": "jobs",
        "taskDefinition": "arn:aws:ecs:us-east-1:1:task-definition/report:4",
        "count": 2,
        "startedBy": "ecsdeck",
        "capacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
        "platformVersion": "1.4.0",
        "networkConfiguration": {
            "awsvpcConfiguration": {"subnets": ["subnet-1"], "securityGroups": ["sg-1"]}
        },
    }


async def test_a_refresh_reads_only_what_may_have_changed(moto_url: str) -> None:
    """The schedules pane's cost: listing is 2 calls; GetSchedule and ListTargetsByRule only
    for what changed; a last run only when it may have changed, a stopped task described once."""
    from aws.schedule_runs import LastRuns
    from aws.schedules import ScheduleReader

    ecs = boto(moto_url, "ecs")
    cluster = ecs.create_cluster(clusterName="cadence")["cluster"]["clusterArn"]
    td = ecs.register_task_definition(
        family="cadence-job",
        networkMode="bridge",
        containerDefinitions=[{"name": "app", "image": "busybox", "memory": 128}],
    )["taskDefinition"]["taskDefinitionArn"]
    target = {"Arn": cluster, "RoleArn": ROLE, "EcsParameters": {"TaskDefinitionArn": td}}
    scheduler = boto(moto_url, "scheduler")
    scheduler.create_schedule(
        Name="cadence-sched",
        ScheduleExpression="cron(0 3 * * ? *)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target=target,
    )
    boto(moto_url, "events").put_rule(Name="cadence-rule", ScheduleExpression="rate(1 day)")
    boto(moto_url, "events").put_targets(Rule="cadence-rule", Targets=[{"Id": "t", **target}])
    arn = ecs.run_task(
        cluster="cadence",
        taskDefinition=td,
        launchType="FARGATE",
        startedBy="events-rule/cadence-rule",
    )
    ecs.stop_task(cluster="cadence", task=arn["tasks"][0]["taskArn"], reason="done")

    clock = [0.0]
    reader = ScheduleReader(targets_max_age=300, clock=lambda: clock[0])
    runs = LastRuns(max_age=60, clock=lambda: clock[0])
    now = datetime(2026, 1, 10, 12, tzinfo=UTC)  # the next fires are hours away
    async with open_clients(moto_url) as c:

        async def refresh() -> tuple[list[Any], dict[str, int]]:
            with c.calls.scope() as sent:
                found = [s for s in await reader.read(c) if s.name.startswith("cadence")]
                await runs.read(c, found, now=now)
            return found, {op.split(".")[-1]: n for op, n in sent.items()}

        found, first = await refresh()
        assert {s.name for s in found} == {"cadence-sched", "cadence-rule"}
        assert first["GetSchedule"] >= 1 and first["ListTargetsByRule"] >= 1
        assert first["ListTasks"] == 2 and first["DescribeTasks"] == 1  # one cluster and family
        rule = next(s for s in found if s.name == "cadence-rule")
        assert runs.last[rule.key].last_status == "STOPPED"

        _, idle = await refresh()
        assert idle == {"ListSchedules": 1, "ListRules": 1}

        scheduler.update_schedule(  # a change elsewhere: only that schedule is read again
            Name="cadence-sched",
            ScheduleExpression="cron(0 4 * * ? *)",
            FlexibleTimeWindow={"Mode": "OFF"},
            Target=target,
        )
        clock[0] = 61.0  # the last runs are a minute old: listed again, nothing described
        found, later = await refresh()
        assert later == {"ListSchedules": 1, "ListRules": 1, "GetSchedule": 1, "ListTasks": 2}
        assert next(s for s in found if s.kind == "schedule").expression == "cron(0 4 * * ? *)"
        assert runs.last[rule.key].last_status == "STOPPED"

        clock[0] = 400.0  # rule targets are read again after targets_max_age
        _, old = await refresh()
        assert old["ListTargetsByRule"] >= 1 and "GetSchedule" not in old

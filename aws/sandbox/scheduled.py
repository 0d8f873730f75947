"""The demo account's scheduled tasks: two EventBridge Scheduler schedules and two EventBridge
rules that run the showcase services' task definitions (seeded over HTTP, as a client would).

Each target copies its service's network configuration, so "run now" starts a task that the
sandbox walks to its exit (:mod:`.runs`). One schedule and one rule are disabled, one schedule
is in a time zone, one is a rate: the schedules pane shows each kind.
"""

from __future__ import annotations

from typing import Any

import boto3

from aws.sandbox import accounts
from aws.sandbox.state import where

#: (kind, name, expression, time zone, state, cluster, service whose revision and network it runs)
SCHEDULED: tuple[tuple[str, str, str, str | None, str, str, str], ...] = (
    ("schedule", "nightly-report", "cron(0 3 * * ? *)", "Europe/Paris", "ENABLED",
     "shared-mixed", "reporting-batch"),
    ("schedule", "search-reindex", "rate(6 hours)", None, "ENABLED", "web-fargate", "search-api"),
    ("rule", "hourly-email-digest", "cron(15 * * * ? *)", None, "ENABLED", "core-ec2",
     "email-worker"),
    ("rule", "weekly-ledger-archive", "cron(0 4 ? * SUN *)", None, "DISABLED", "core-ec2",
     "ledger-service"),
)  # fmt: skip


def _target(ecs: Any, cluster: str, service: str) -> tuple[str, dict[str, Any]]:
    svc = ecs.describe_services(cluster=cluster, services=[service])["services"][0]
    params: dict[str, Any] = {"TaskDefinitionArn": svc["taskDefinition"], "TaskCount": 1}
    fargate = svc.get("launchType") == "FARGATE" or any(
        i["capacityProvider"].startswith("FARGATE") for i in svc.get("capacityProviderStrategy", [])
    )
    params["LaunchType"] = "FARGATE" if fargate else "EC2"
    vpc = (svc.get("networkConfiguration") or {}).get("awsvpcConfiguration")
    if vpc:
        params["NetworkConfiguration"] = {
            "awsvpcConfiguration": {k[:1].upper() + k[1:]: v for k, v in vpc.items()}
        }
    return str(svc["clusterArn"]), params


def seed_scheduled(url: str) -> None:
    account, region = where()
    kw: dict[str, Any] = {"endpoint_url": url, "region_name": region}
    kw.update(accounts.credentials(url, account))
    ecs = boto3.client("ecs", **kw)
    scheduler = boto3.client("scheduler", **kw)
    events = boto3.client("events", **kw)
    role = f"arn:aws:iam::{account}:role/ecs-scheduled-tasks"
    for kind, name, expression, zone, state, cluster, service in SCHEDULED:
        arn, params = _target(ecs, cluster, service)
        if kind == "schedule":
            extra = {"ScheduleExpressionTimezone": zone} if zone else {}
            scheduler.create_schedule(
                Name=name,
                ScheduleExpression=expression,
                FlexibleTimeWindow={"Mode": "OFF"},
                State=state,
                Target={"Arn": arn, "RoleArn": role, "EcsParameters": params},
                **extra,
            )
        else:
            events.put_rule(Name=name, ScheduleExpression=expression, State=state)
            target = {"Id": "ecs-task", "Arn": arn, "RoleArn": role, "EcsParameters": params}
            events.put_targets(Rule=name, Targets=[target])

"""aws.plan, aws.actions and aws.execute against a real moto server.

Plans, the executor, read-only, the in-flight guard.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import boto3
import pytest

from aws.actions import (
    plan_deploy,
    plan_force_deployment,
    plan_register,
    plan_rollback,
    plan_scale,
    plan_stop_task,
)
from aws.audit import AuditLog
from aws.execute import execute
from aws.models import (
    CapacityProviderItem,
    LoadBalancerRef,
    NetworkConfig,
    Service,
    Task,
    TaskDefinition,
)
from aws.plan import (
    REGISTERED,
    ApiCall,
    BusyError,
    Plan,
    ReadOnlyError,
    ValidationError,
    parse_count,
)
from aws.session import Clients, SessionSettings
from tests.aws.models import fargate_task

REGION = "us-east-1"
CLUSTER = "prod"

# --- helpers (also used by test_launch_type) ---------------------------------------------


def boto(url: str, name: str) -> Any:
    return boto3.client(name, endpoint_url=url, region_name=REGION)


@asynccontextmanager
async def open_clients(url: str, *, read_only: bool = False) -> AsyncIterator[Clients]:
    settings = SessionSettings(
        endpoint_url=url,
        region=REGION,
        retry_mode="standard",
        max_attempts=1,
        read_only=read_only,
    )
    async with Clients.open(settings) as c:
        yield c


def bridge_td(family: str = "web", image: str = "nginx:1.25", **extra: Any) -> dict[str, Any]:
    return {
        "family": family,
        "networkMode": "bridge",
        "requiresCompatibilities": ["EC2"],
        "containerDefinitions": [
            {
                "name": "app",
                "image": image,
                "cpu": 128,
                "memory": 300,
                "portMappings": [{"containerPort": 8080, "hostPort": 0, "protocol": "tcp"}],
                "links": [],
                "environment": [{"name": "SECRET", "value": "hunter2"}],
            }
        ],
        **extra,
    }


def seed_service(url: str, *, revisions: int = 1, name: str = "web", **svc: Any) -> list[str]:
    """Cluster ``prod`` + ``revisions`` revisions of family web + a service on the last one."""
    ecs = boto(url, "ecs")
    ecs.create_cluster(clusterName=CLUSTER)
    arns = [
        ecs.register_task_definition(**bridge_td(image=f"nginx:1.{i}"))["taskDefinition"][
            "taskDefinitionArn"
        ]
        for i in range(revisions)
    ]
    ecs.create_service(
        cluster=CLUSTER, serviceName=name, taskDefinition=arns[-1], desiredCount=2, **svc
    )
    return arns


def to_service(raw: dict[str, Any]) -> Service:
    """A minimal converter (the real reader lives in aws/ecs.py, written elsewhere)."""
    net = (raw.get("networkConfiguration") or {}).get("awsvpcConfiguration")
    return Service(
        arn=raw["serviceArn"],
        name=raw["serviceName"],
        cluster_arn=raw["clusterArn"],
        status=raw.get("status"),
        desired=raw.get("desiredCount", 0),
        running=raw.get("runningCount", 0),
        pending=raw.get("pendingCount", 0),
        task_definition=raw.get("taskDefinition"),
        launch_type=raw.get("launchType"),
        capacity_provider_strategy=tuple(
            CapacityProviderItem(i["capacityProvider"], i.get("weight", 0), i.get("base", 0))
            for i in raw.get("capacityProviderStrategy") or []
        ),
        deployments=(),
        events=(),
        load_balancers=tuple(
            LoadBalancerRef(
                lb.get("targetGroupArn"),
                lb.get("containerName"),
                lb.get("containerPort"),
                lb.get("loadBalancerName"),
            )
            for lb in raw.get("loadBalancers") or []
        ),
        network=NetworkConfig(
            tuple(net.get("subnets", [])),
            tuple(net.get("securityGroups", [])),
            net.get("assignPublicIp"),
        )
        if net
        else None,
        deployment_controller=(raw.get("deploymentController") or {}).get("type"),
        created_at=None,
    )


def describe(url: str, name: str = "web") -> dict[str, Any]:
    svc: dict[str, Any] = boto(url, "ecs").describe_services(cluster=CLUSTER, services=[name])[
        "services"
    ][0]
    return svc


def service(url: str, name: str = "web") -> Service:
    return to_service(describe(url, name))


def task_definition(url: str, arn: str) -> TaskDefinition:
    raw = boto(url, "ecs").describe_task_definition(taskDefinition=arn)["taskDefinition"]
    return TaskDefinition(
        arn=raw["taskDefinitionArn"],
        family=raw["family"],
        revision=raw["revision"],
        network_mode=raw.get("networkMode"),
        requires_compatibilities=tuple(raw.get("requiresCompatibilities") or ()),
        cpu=raw.get("cpu"),
        memory=raw.get("memory"),
        raw=raw,
    )


def sent(c: Clients, op: str) -> int:
    return c.calls.total[f"ecs.{op}"]


def fail_operation(
    c: Clients, op: str, code: str = "InvalidParameterException", message: str = "injected failure"
) -> None:
    """Make every ``op`` request answer HTTP 400 with ``code`` (a before-send hook)."""
    from aiobotocore.awsrequest import AioAWSResponse

    body = json.dumps({"__type": code, "message": message}).encode()

    class _Raw:
        async def read(self) -> bytes:
            return body

    def hook(request: Any, **_: Any) -> AioAWSResponse:
        return AioAWSResponse(
            request.url, 400, {"Content-Type": "application/x-amz-json-1.1"}, _Raw()
        )

    c.ecs.meta.events.register_first(f"before-send.ecs.{op}", hook)


# --- parse_count ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["-1", "abc", "1e9", "", "   ", "2.5", "+3", "0x10", "٣", "5 5"])
def test_parse_count_rejects(text: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_count(text)
    assert err.value.problems and err.value.message


def test_parse_count_accepts_and_caps() -> None:
    assert parse_count("5") == 5
    assert parse_count(" 5 ") == 5
    assert parse_count("0") == 0
    assert parse_count("1000") == 1000
    with pytest.raises(ValidationError, match="confirm explicitly"):
        parse_count("1001")
    assert parse_count("1001", allow_over_max=True) == 1001
    assert parse_count("20", maximum=10, allow_over_max=True) == 20
    with pytest.raises(ValidationError, match="too large"):
        parse_count("100001", allow_over_max=True)
    with pytest.raises(ValidationError, match="too large"):
        parse_count("9" * 5000, allow_over_max=True)
    with pytest.raises(ValidationError, match="negative"):
        parse_count("-1")


def test_api_call_cli_and_method() -> None:
    call = ApiCall(
        "ecs",
        "UpdateService",
        {
            "cluster": "prod",
            "service": "my svc",
            "desiredCount": 5,
            "forceNewDeployment": True,
            "capacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1}],
        },
    )
    assert call.method() == "update_service"
    assert call.cli() == (
        "aws ecs update-service --cluster prod --service 'my svc' --desired-count 5 "
        "--force-new-deployment --capacity-provider-strategy "
        '\'[{"capacityProvider":"FARGATE","weight":1}]\''
    )
    assert ApiCall("ecs", "PutClusterCapacityProviders", {}).cli() == (
        "aws ecs put-cluster-capacity-providers"
    )


def test_cli_names_region_profile_and_endpoint() -> None:
    """A pasted line goes to the same account/region/endpoint, whatever the other shell says."""
    call = ApiCall("ecs", "UpdateService", {"cluster": "prod", "service": "web"})
    base = "aws ecs update-service --cluster prod --service web"
    assert call.cli() == base
    assert call.cli(region="eu-west-1") == base + " --region eu-west-1"
    assert call.cli(region="eu-west-1", profile="ops admin", endpoint_url="http://x:5000") == (
        base + " --region eu-west-1 --profile 'ops admin' --endpoint-url http://x:5000"
    )
    assert call.cli(region=None, profile="", endpoint_url=None) == base  # unset: left out
    plan = Plan(
        title="t",
        cluster="prod",
        service="web",
        calls=(call, ApiCall("ecs", "StopTask", {"task": "t1"})),
        summary="s",
    )
    assert plan.cli(region="us-east-1", profile="p").splitlines() == [
        base + " --region us-east-1 --profile p",
        "aws ecs stop-task --task t1 --region us-east-1 --profile p",
    ]
    assert plan.cli() == base + "\naws ecs stop-task --task t1"


# --- scale, read-only, busy ------------------------------------------------------------------


async def test_scale_executes_and_audits(moto_url: str) -> None:
    seed_service(moto_url)
    plan = plan_scale(service(moto_url), 5)
    assert plan.summary == "web: 2 -> 5"
    assert plan.calls[0].params == {"cluster": "prod", "service": "web", "desiredCount": 5}
    assert "--desired-count 5" in plan.calls[0].cli()
    log = AuditLog()
    async with open_clients(moto_url) as c:
        outcome = await execute(c, plan, audit=log)
        assert outcome.ok, outcome.report()
        assert sent(c, "UpdateService") == 1
    assert describe(moto_url)["desiredCount"] == 5
    assert outcome.report() == "Done: UpdateService (web)."
    (line,) = log.read()
    assert line["call"] == "UpdateService"
    assert line["params"]["desiredCount"] == 5
    assert line["result"] == "ok" and line["error"] is None
    assert line["cluster"] == "prod" and line["service"] == "web"
    assert line["identity"].startswith("arn:aws:")
    assert line["region"] == REGION
    assert line["response"]["desiredCount"] == 5
    assert line["time"].endswith("Z")


async def test_read_only_refuses_before_sending(moto_url: str) -> None:
    seed_service(moto_url)
    plan = plan_scale(service(moto_url), 7)
    log = AuditLog()
    async with open_clients(moto_url, read_only=True) as c:
        with pytest.raises(ReadOnlyError):
            await execute(c, plan, audit=log)
        assert sum(c.calls.total.values()) == 0  # not even STS
    assert describe(moto_url)["desiredCount"] == 2
    (line,) = log.read()
    assert line["result"] == "refused" and line["call"] == "UpdateService"


async def test_second_execute_for_same_service_is_busy(moto_url: str) -> None:
    seed_service(moto_url)
    svc = service(moto_url)
    async with open_clients(moto_url) as c:
        results = await asyncio.gather(
            execute(c, plan_scale(svc, 3)),
            execute(c, plan_scale(svc, 4)),
            return_exceptions=True,
        )
        assert sent(c, "UpdateService") == 1
        # The guard is released afterwards.
        assert (await execute(c, plan_scale(svc, 6))).ok
    busy = [r for r in results if isinstance(r, BusyError)]
    assert len(busy) == 1 and "already in progress" in busy[0].message
    assert describe(moto_url)["desiredCount"] == 6


def test_scale_rejects_negative() -> None:
    svc = to_service({"serviceArn": "arn:x/web", "serviceName": "web", "clusterArn": "arn:y/p"})
    with pytest.raises(ValidationError):
        plan_scale(svc, -1)


# --- deploy, rollback, force -----------------------------------------------------------------


async def test_deploy_rollback_force(moto_url: str) -> None:
    arns = seed_service(moto_url, revisions=3)
    ecs = boto(moto_url, "ecs")
    # A family sharing the prefix must not be picked as "previous".
    ecs.register_task_definition(**bridge_td(family="web-worker"))
    ecs.deregister_task_definition(taskDefinition=arns[1])  # rev 2 is INACTIVE
    async with open_clients(moto_url) as c:
        plan = await plan_rollback(c, service(moto_url))
        assert plan.summary == "web: web:3 -> web:1"
        assert (await execute(c, plan)).ok
        assert describe(moto_url)["taskDefinition"] == arns[0]
        with pytest.raises(ValidationError, match="No earlier ACTIVE revision"):
            await plan_rollback(c, service(moto_url))

        assert (await execute(c, plan_deploy(service(moto_url), arns[2]))).ok
        assert describe(moto_url)["taskDefinition"] == arns[2]

        before = describe(moto_url)["deployments"][0]["id"]
        force = plan_force_deployment(service(moto_url))
        assert force.calls[0].params["forceNewDeployment"] is True
        assert (await execute(c, force)).ok
        assert describe(moto_url)["deployments"][0]["id"] != before


def _deployment(status: str, task_definition: str, minute: int) -> Any:
    from datetime import UTC, datetime

    from aws.models import Deployment

    return Deployment(
        id=f"ecs-svc/{minute}",
        status=status,
        task_definition=task_definition,
        desired=2,
        running=1,
        pending=1,
        failed_tasks=0,
        rollout_state="IN_PROGRESS" if status == "PRIMARY" else "COMPLETED",
        rollout_reason=None,
        launch_type="EC2",
        capacity_provider_strategy=(),
        created_at=datetime(2026, 1, 1, 12, minute, tzinfo=UTC),
        updated_at=None,
    )


async def test_rollback_goes_to_the_previous_deployment_not_the_next_lower_revision(
    moto_url: str,
) -> None:
    """Deployed :5 from :2 (rollout in progress): roll back to :2, never to :4 (which never ran)."""
    from dataclasses import replace

    from aws.actions import ROLLBACK_FROM_DEPLOYMENT

    arns = seed_service(moto_url, revisions=5)  # the service runs web:5
    svc = replace(
        service(moto_url),
        deployments=(
            _deployment("PRIMARY", arns[4], 30),
            _deployment("ACTIVE", arns[1], 10),
            _deployment("INACTIVE", arns[0], 1),  # older still: not picked
        ),
    )
    async with open_clients(moto_url) as c:
        plan = await plan_rollback(c, svc)
        assert plan.summary == "web: web:5 -> web:2"
        assert plan.notes[-1] == ROLLBACK_FROM_DEPLOYMENT
        assert c.calls.total["ecs.ListTaskDefinitions"] == 0  # decided from the service alone
        assert (await execute(c, plan)).ok
    assert describe(moto_url)["taskDefinition"] == arns[1]


async def test_rollback_without_deployment_history_takes_the_next_lower_revision(
    moto_url: str,
) -> None:
    """One deployment (ECS forgets completed ones): the highest ACTIVE revision below, said so."""
    from dataclasses import replace

    from aws.actions import ROLLBACK_FROM_LOWER_REVISION

    arns = seed_service(moto_url, revisions=5)
    # Only the PRIMARY, plus a stale deployment of the *same* revision: neither is a target.
    svc = replace(
        service(moto_url),
        deployments=(_deployment("PRIMARY", arns[4], 30), _deployment("ACTIVE", arns[4], 10)),
    )
    async with open_clients(moto_url) as c:
        plan = await plan_rollback(c, svc)
        assert plan.summary == "web: web:5 -> web:4"
        assert plan.notes[-1] == ROLLBACK_FROM_LOWER_REVISION
        assert "ECS keeps no history of completed deployments" in plan.notes[-1]
        assert (await execute(c, plan)).ok
    assert describe(moto_url)["taskDefinition"] == arns[3]


def test_previous_deployment_skips_empty_and_same_revisions() -> None:
    from dataclasses import replace

    from aws.actions import previous_deployment

    td = "arn:aws:ecs:us-east-1:1:task-definition/web"
    svc = replace(
        to_service({"serviceArn": "arn:x/web", "serviceName": "web", "clusterArn": "arn:y/p"}),
        task_definition=f"{td}:5",
    )
    assert previous_deployment(svc) is None
    svc = replace(
        svc,
        deployments=(
            _deployment("PRIMARY", f"{td}:5", 30),
            _deployment("ACTIVE", "", 40),  # no task definition: skipped
            _deployment("INACTIVE", f"{td}:3", 5),
            _deployment("ACTIVE", f"{td}:2", 20),
        ),
    )
    assert previous_deployment(svc) == f"{td}:2"


def test_code_deploy_refuses_force() -> None:
    svc = to_service(
        {
            "serviceArn": "arn:x/web",
            "serviceName": "web",
            "clusterArn": "arn:y/p",
            "deploymentController": {"type": "CODE_DEPLOY"},
        }
    )
    with pytest.raises(ValidationError, match="CODE_DEPLOY"):
        plan_force_deployment(svc)
    with pytest.raises(ValidationError, match="EXTERNAL"):
        plan_deploy(
            to_service(
                {
                    "serviceArn": "a/w",
                    "serviceName": "w",
                    "clusterArn": "a/p",
                    "deploymentController": {"type": "EXTERNAL"},
                }
            ),
            "arn:td/w:2",
        )


# --- register ---------------------------------------------------------------------------------


async def test_register_new_image_creates_next_revision(moto_url: str) -> None:
    arns = seed_service(moto_url, revisions=2)
    from aws import taskdef

    current = task_definition(moto_url, arns[-1])
    body = taskdef.with_image(current.raw, "app", "nginx:2.0")
    plan = plan_register(current, body)
    assert '-      "image": "nginx:1.1"' in (plan.diff or "")
    assert '+      "image": "nginx:2.0"' in (plan.diff or "")
    assert plan.calls[0].operation == "RegisterTaskDefinition"
    assert "taskDefinitionArn" not in plan.calls[0].params
    log = AuditLog()
    async with open_clients(moto_url) as c:
        outcome = await execute(c, plan, audit=log)
    assert outcome.ok, outcome.report()
    assert outcome.registered_arn and outcome.registered_arn.endswith("web:3")
    assert "RegisterTaskDefinition (web:3)" in outcome.report()
    new = boto(moto_url, "ecs").describe_task_definition(taskDefinition="web:3")["taskDefinition"]
    assert new["containerDefinitions"][0]["image"] == "nginx:2.0"
    (line,) = log.read()
    assert line["response"]["taskDefinitionArn"] == outcome.registered_arn
    assert line["params"]["containerDefinitions"][0]["environment"][0]["value"] == "<redacted>"


def test_register_refuses_invalid_body() -> None:
    current = TaskDefinition("arn:td/web:1", "web", 1, "bridge", ("EC2",), None, None, bridge_td())
    bad = {
        **bridge_td(),
        "requiresCompatibilities": ["FARGATE"],
        "networkMode": "awsvpc",
        "cpu": "256",
        "memory": "4096",
    }
    with pytest.raises(ValidationError) as err:
        plan_register(current, bad)
    assert any("memory 4096 does not fit cpu 256" in p for p in err.value.problems)


# --- stop task ----------------------------------------------------------------------------------


async def test_stop_task_with_reason(moto_url: str) -> None:
    seed_service(moto_url)
    ecs, ec2 = boto(moto_url, "ecs"), boto(moto_url, "ec2")
    subnet = ec2.describe_subnets()["Subnets"][0]
    sg = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [subnet["VpcId"]]}])[
        "SecurityGroups"
    ][0]["GroupId"]
    td = ecs.register_task_definition(
        family="job",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "j", "image": "busybox", "memory": 256}],
    )["taskDefinition"]["taskDefinitionArn"]
    raw = ecs.run_task(
        cluster=CLUSTER,
        taskDefinition=td,
        launchType="FARGATE",
        group="service:web",
        networkConfiguration={
            "awsvpcConfiguration": {"subnets": [subnet["SubnetId"]], "securityGroups": [sg]}
        },
    )["tasks"][0]
    task = fargate_task(
        raw["taskArn"], raw["clusterArn"], td, group="service:web", cpu="256", memory="512"
    )
    with pytest.raises(ValidationError, match="255"):
        plan_stop_task(task, "x" * 256)
    assert plan_stop_task(task, "  ").calls[0].params["reason"] == "Stopped by ecsdeck"
    plan = plan_stop_task(task, "on-call: stuck")
    async with open_clients(moto_url) as c:
        outcome = await execute(c, plan, audit=AuditLog())
    assert outcome.ok, outcome.report()
    stopped = ecs.describe_tasks(cluster=CLUSTER, tasks=[raw["taskArn"]])["tasks"][0]
    assert stopped["desiredStatus"] == "STOPPED"
    assert stopped["stoppedReason"] == "on-call: stuck"
    assert AuditLog().read()[0]["call"] == "StopTask"


def _task(status: str = "RUNNING", group: str | None = "service:payments-api") -> Task:
    return fargate_task(
        "arn:aws:ecs:us-east-1:1:task/prod/0123456789abcdef",
        "arn:aws:ecs:us-east-1:1:cluster/prod",
        "arn:aws:ecs:us-east-1:1:task-definition/payments:3",
        group=group,
        last_status=status,
        cpu="256",
        memory="512",
    )


def test_stop_task_warns_when_the_service_drops_to_zero() -> None:
    last = (
        "payments-api has 1 running task: it will have none until the scheduler starts a "
        "replacement."
    )
    plan = plan_stop_task(_task(), "stuck", service_running=1)
    assert plan.notes[0] == last
    assert "0 running tasks" in plan_stop_task(_task(), "x", service_running=0).notes[0]
    # more running, the count unknown, a task not yet running, or no service: no such note
    for plan in (
        plan_stop_task(_task(), "x", service_running=2),
        plan_stop_task(_task(), "x"),
        plan_stop_task(_task("PENDING"), "x", service_running=1),
        plan_stop_task(_task(group="family:payments"), "x", service_running=1),
    ):
        assert not any("until the scheduler" in n for n in plan.notes), plan.notes


# --- failures -------------------------------------------------------------------------------------


async def test_failure_is_reported_and_audited(moto_url: str) -> None:
    seed_service(moto_url)
    log = AuditLog()
    async with open_clients(moto_url) as c:
        fail_operation(c, "UpdateService", "AccessDeniedException", "not authorized")
        outcome = await execute(c, plan_scale(service(moto_url), 9), audit=log)
    assert not outcome.ok
    assert outcome.failed is not None and outcome.failed.operation == "UpdateService"
    assert outcome.error and "AccessDeniedException" in outcome.error
    assert "not authorized" in outcome.error
    assert "Failed: UpdateService: AccessDeniedException" in outcome.report()
    assert outcome.report().startswith("Nothing was changed. Failed:")  # not "Done: nothing."
    assert "web still wants 2 tasks." in outcome.report()
    assert describe(moto_url)["desiredCount"] == 2
    (line,) = log.read()
    assert line["result"] == "error" and "AccessDeniedException" in line["error"]


async def test_placeholder_without_registration_fails_without_sending(moto_url: str) -> None:
    seed_service(moto_url)
    plan = Plan(
        "x",
        "prod",
        "web",
        (
            ApiCall(
                "ecs",
                "UpdateService",
                {"cluster": "prod", "service": "web", "taskDefinition": REGISTERED},
            ),
        ),
        "x",
    )
    async with open_clients(moto_url) as c:
        outcome = await execute(c, plan)
        assert sent(c, "UpdateService") == 0
    assert not outcome.ok and "registered" in (outcome.error or "")

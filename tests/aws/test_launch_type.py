"""aws.launch_type: preflight and the EC2 <-> Fargate switch, executed against moto."""

from __future__ import annotations

import json
from typing import Any

from aws.actions import REGISTERED, execute
from aws.audit import AuditLog
from aws.launch_type import plan_switch
from tests.aws.test_actions import (
    CLUSTER,
    boto,
    describe,
    fail_operation,
    open_clients,
    seed_service,
    service,
)

MUTATING = ("RegisterTaskDefinition", "PutClusterCapacityProviders", "UpdateService")
ASG_ARN = (
    "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:1234:autoScalingGroupName/asg"
)


def default_network(url: str) -> tuple[str, str, str]:
    ec2 = boto(url, "ec2")
    subnet = sorted(ec2.describe_subnets()["Subnets"], key=lambda s: s["SubnetId"])[0]
    sg = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [subnet["VpcId"]]}])[
        "SecurityGroups"
    ][0]
    return subnet["VpcId"], subnet["SubnetId"], sg["GroupId"]


def add_container_instance(url: str, subnet: str, sg: str) -> str:
    ec2, ecs = boto(url, "ec2"), boto(url, "ecs")
    image = ec2.describe_images()["Images"][0]["ImageId"]
    inst = ec2.run_instances(
        ImageId=image, MinCount=1, MaxCount=1, SubnetId=subnet, SecurityGroupIds=[sg]
    )["Instances"][0]["InstanceId"]
    doc = json.dumps({"instanceId": inst, "region": "us-east-1"})
    ecs.register_container_instance(cluster=CLUSTER, instanceIdentityDocument=doc)
    return str(inst)


def attach_asg_provider(url: str) -> None:
    ecs = boto(url, "ecs")
    ecs.create_capacity_provider(
        name="asg-cp", autoScalingGroupProvider={"autoScalingGroupArn": ASG_ARN}
    )
    ecs.put_cluster_capacity_providers(
        cluster=CLUSTER,
        capacityProviders=["asg-cp"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "asg-cp", "weight": 1, "base": 0}],
    )


def mutations(c: Any) -> int:
    return sum(c.calls.total[f"ecs.{op}"] for op in MUTATING)


async def test_ec2_to_fargate_and_back(moto_url: str) -> None:
    arns = seed_service(moto_url)
    attach_asg_provider(moto_url)
    _vpc, subnet, sg = default_network(moto_url)
    add_container_instance(moto_url, subnet, sg)
    log = AuditLog()
    async with open_clients(moto_url) as c:
        sp = await plan_switch(c, service(moto_url), to="FARGATE")
        assert sp.blocked is None, sp.blocked
        assert mutations(c) == 0  # preflight only reads
        ops = [call.operation for call in sp.plan.calls]
        assert ops == list(MUTATING)
        register, put, update = sp.plan.calls
        assert register.params["networkMode"] == "awsvpc"
        assert register.params["requiresCompatibilities"] == ["FARGATE"]
        assert (register.params["cpu"], register.params["memory"]) == ("256", "512")
        assert register.params["containerDefinitions"][0]["portMappings"][0]["hostPort"] == 8080
        assert put.params == {
            "cluster": "prod",
            "capacityProviders": ["asg-cp", "FARGATE"],
            "defaultCapacityProviderStrategy": [
                {"capacityProvider": "asg-cp", "weight": 1, "base": 0}
            ],
        }
        assert update.params["capacityProviderStrategy"] == [
            {"capacityProvider": "FARGATE", "weight": 1, "base": 0}
        ]
        assert update.params["forceNewDeployment"] is True
        assert update.params["taskDefinition"] == REGISTERED
        assert update.params["networkConfiguration"] == {
            "awsvpcConfiguration": {
                "subnets": [subnet],
                "assignPublicIp": "DISABLED",
                "securityGroups": [sg],
            }
        }
        assert sp.subnets == (subnet,) and sp.security_groups == (sg,)
        assert subnet in {s.id for s in sp.candidate_subnets}
        assert sg in {g.id for g in sp.candidate_security_groups}
        assert [ch.name for ch in sp.checks] == [
            "task definition",
            "capacity provider",
            "load balancer",
            "network",
        ]
        assert not sp.checks[0].ok and sp.checks[0].fix
        assert sp.plan.diff and '+  "networkMode": "awsvpc"' in sp.plan.diff
        assert "web: EC2 -> FARGATE" in sp.plan.summary

        outcome = await execute(c, sp.plan, audit=log)
        assert outcome.ok, outcome.report()
        assert outcome.registered_arn and outcome.registered_arn.endswith("web:2")
        assert outcome.done[2].params["taskDefinition"] == outcome.registered_arn

        raw = describe(moto_url)
        assert raw["taskDefinition"] == outcome.registered_arn
        assert [i["capacityProvider"] for i in raw["capacityProviderStrategy"]] == ["FARGATE"]
        cluster = boto(moto_url, "ecs").describe_clusters(clusters=[CLUSTER])["clusters"][0]
        assert cluster["capacityProviders"] == ["asg-cp", "FARGATE"]

        # Back to EC2: moto reports the awsvpc FARGATE revision as EC2-compatible too.
        back = await plan_switch(c, service(moto_url), to="EC2")
        assert back.blocked is None
        (call,) = back.plan.calls
        assert call.params["capacityProviderStrategy"] == []
        assert call.params["forceNewDeployment"] is True
        assert call.params["taskDefinition"] == outcome.registered_arn
        assert (await execute(c, back.plan, audit=log)).ok
    raw = describe(moto_url)
    assert raw.get("capacityProviderStrategy", []) == []
    assert raw["taskDefinition"] != arns[0]
    assert [e["call"] for e in log.read()] == [*MUTATING, "UpdateService"]


async def test_already_fargate_task_definition_and_provider(moto_url: str) -> None:
    seed_service(moto_url)
    _vpc, subnet, sg = default_network(moto_url)
    ecs = boto(moto_url, "ecs")
    ecs.put_cluster_capacity_providers(
        cluster=CLUSTER, capacityProviders=["FARGATE_SPOT"], defaultCapacityProviderStrategy=[]
    )
    td = ecs.register_task_definition(
        family="web",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="512",
        memory="1024",
        containerDefinitions=[{"name": "app", "image": "nginx", "memory": 256}],
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.update_service(cluster=CLUSTER, service="web", taskDefinition=td)
    async with open_clients(moto_url) as c:
        sp = await plan_switch(
            c,
            service(moto_url),
            to="FARGATE_SPOT",
            subnets=[subnet],
            security_groups=[sg],
            assign_public_ip="ENABLED",
        )
    assert sp.blocked is None
    (update,) = sp.plan.calls
    assert update.params["taskDefinition"] == td
    assert update.params["capacityProviderStrategy"][0]["capacityProvider"] == "FARGATE_SPOT"
    assert update.params["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"] == (
        "ENABLED"
    )
    assert all(ch.ok for ch in sp.checks)
    assert sp.plan.diff is None


async def test_instance_target_group_blocks(moto_url: str) -> None:
    vpc, _subnet, _sg = default_network(moto_url)
    tg = boto(moto_url, "elbv2").create_target_group(
        Name="web-tg", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="instance"
    )["TargetGroups"][0]["TargetGroupArn"]
    seed_service(
        moto_url,
        loadBalancers=[{"targetGroupArn": tg, "containerName": "app", "containerPort": 8080}],
    )
    async with open_clients(moto_url) as c:
        sp = await plan_switch(c, service(moto_url), to="FARGATE")
        assert sp.blocked and "web-tg is type instance" in sp.blocked
        assert "ip" in sp.blocked
        assert sp.plan.calls == ()
        assert mutations(c) == 0
    assert describe(moto_url)["launchType"] == "EC2"


async def test_no_network_blocks_with_explanation(moto_url: str) -> None:
    seed_service(moto_url)
    async with open_clients(moto_url) as c:
        sp = await plan_switch(c, service(moto_url), to="FARGATE")
        assert sp.blocked and "Pick the subnets" in sp.blocked
        assert sp.plan.calls == () and mutations(c) == 0


async def test_failure_at_step_k_reports_done_and_not_done(moto_url: str) -> None:
    seed_service(moto_url)
    _vpc, subnet, sg = default_network(moto_url)
    log = AuditLog()
    async with open_clients(moto_url) as c:
        svc = service(moto_url)
        sp = await plan_switch(c, svc, to="FARGATE", subnets=[subnet], security_groups=[sg])
        fail_operation(c, "UpdateService", message="When switching ... force a new deployment.")
        outcome = await execute(c, sp.plan, audit=log)

        assert [call.operation for call in outcome.done] == [
            "RegisterTaskDefinition",
            "PutClusterCapacityProviders",
        ]
        assert outcome.failed is not None and outcome.failed.operation == "UpdateService"
        assert outcome.failed.params["taskDefinition"] == outcome.registered_arn
        assert outcome.not_done == ()
        report = outcome.report()
        assert report.startswith(
            "Done: RegisterTaskDefinition (web:2), PutClusterCapacityProviders (prod). "
            "Failed: UpdateService: InvalidParameterException"
        )
        assert "Not done: none. The service still runs web:1 on EC2." in report

        # Step 2 of 3 fails: UpdateService is listed as not done, with the ARN resolved.
        fail_operation(c, "PutClusterCapacityProviders", "ClientException", "nope")
        sp2 = await plan_switch(c, svc, to="FARGATE_SPOT", subnets=[subnet], security_groups=[sg])
        out2 = await execute(c, sp2.plan)
        assert out2.failed is not None and out2.failed.operation == "PutClusterCapacityProviders"
        (left,) = out2.not_done
        assert left.operation == "UpdateService"
        assert left.params["taskDefinition"] == out2.registered_arn
        assert "Not done: UpdateService." in out2.report()
    raw = describe(moto_url)
    assert raw["launchType"] == "EC2" and not raw.get("capacityProviderStrategy")
    assert [e["result"] for e in log.read()] == ["ok", "ok", "error"]


async def test_service_created_on_fargate_cannot_be_emptied_back_to_ec2(moto_url: str) -> None:
    """An empty strategy returns to the *creation* launch type: FARGATE here, not EC2."""
    _vpc, subnet, sg = default_network(moto_url)
    seed_service(
        moto_url,
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [sg]}},
    )
    async with open_clients(moto_url) as c:
        svc = service(moto_url)
        assert svc.launch_type == "FARGATE" and not svc.capacity_provider_strategy
        sp = await plan_switch(c, svc, to="EC2")
        assert sp.blocked is not None and "Auto Scaling group capacity provider" in sp.blocked
        assert sp.plan.calls == ()
        assert mutations(c) == 0

"""aws.launch_type.switch: preflight and the EC2 <-> Fargate switch, executed against moto."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from aws import models as ecs_models
from aws.audit import AuditLog
from aws.ecs_convert import service_from_dict, task_definition_from_response
from aws.execute import execute
from aws.launch_type.switch import (
    _candidates,
    instance_network,
    plan_switch,
    security_group_choice,
    subnet_choice,
)
from aws.plan import REGISTERED
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
    # No placement rules: nothing to clear, and nothing is described a second time.
    assert "placementStrategy" not in update.params


async def test_placement_rules_come_from_the_service_model(moto_url: str) -> None:
    """The Service read once carries its placement rules; the switch clears them without
    describing the service again."""
    seed_service(moto_url)
    _vpc, subnet, sg = default_network(moto_url)
    spread = ecs_models.PlacementRule("spread", "attribute:ecs.availability-zone")
    # The bare moto server drops placement rules (the sandbox keeps them): set them on the model.
    svc = replace(service(moto_url), placement_strategy=(spread,))
    async with open_clients(moto_url) as c:
        sp = await plan_switch(c, svc, to="FARGATE", subnets=[subnet], security_groups=[sg])
        assert c.calls.total["ecs.DescribeServices"] == 0
    assert sp.blocked is None
    update = sp.plan.calls[-1]
    assert update.params["placementStrategy"] == [] and update.params["placementConstraints"] == []
    assert any("placement" in n for n in sp.plan.notes)


def test_service_model_reads_placement_fields() -> None:
    svc = service_from_dict(
        {
            "serviceArn": "arn:aws:ecs:us-east-1:1:service/prod/web",
            "placementConstraints": [{"type": "memberOf", "expression": "attribute:x == y"}],
            "placementStrategy": [{"type": "binpack", "field": "memory"}, {"field": "no type"}],
        }
    )
    assert svc.placement_constraints == (ecs_models.PlacementRule("memberOf", "attribute:x == y"),)
    assert svc.placement_strategy == (ecs_models.PlacementRule("binpack", "memory"),)


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
        # The failed call was the last: no "Not done: none." before what the service runs.
        assert report.endswith("deployment.). The service still runs web:1 on EC2."), report
        assert "Not done" not in report

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


# --- partial responses and paging (EC2 and DescribeTaskDefinition through the read layer) --------


def test_subnet_and_group_without_an_id_are_skipped() -> None:
    assert subnet_choice({"VpcId": "vpc-1", "AvailabilityZone": "us-east-1a"}) is None
    assert security_group_choice({"GroupName": "default", "VpcId": "vpc-1"}) is None
    sub = subnet_choice(
        {"SubnetId": "subnet-1", "Tags": [{"Key": "Name", "Value": "a"}, "junk", {"Key": "x"}]}
    )
    assert sub is not None and sub.id == "subnet-1" and sub.name == "a"
    assert sub.vpc_id is None and sub.cidr is None and sub.public is None
    sg = security_group_choice({"GroupId": "sg-1"})
    assert sg is not None and (sg.id, sg.name, sg.vpc_id) == ("sg-1", None, None)
    # Instances without a SubnetId, groups without a GroupId, odd shapes: skipped, not KeyError.
    instances: list[dict[str, Any]] = [
        {"VpcId": "vpc-1", "SubnetId": "subnet-2", "SecurityGroups": [{"GroupName": "x"}]},
        {"VpcId": "vpc-1", "SecurityGroups": [{"GroupId": "sg-2"}, "junk"]},
        {"VpcId": "vpc-1", "SubnetId": "subnet-1", "SecurityGroups": None},
        {"VpcId": "vpc-9", "SubnetId": "subnet-9", "SecurityGroups": [{"GroupId": "sg-9"}]},
    ]
    assert instance_network(instances, "vpc-1") == (["subnet-1", "subnet-2"], ["sg-2"])
    assert instance_network(instances, None) == (
        ["subnet-1", "subnet-2", "subnet-9"],
        ["sg-2", "sg-9"],
    )


def test_task_definition_response_missing_family_and_revision() -> None:
    arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:7"
    td = task_definition_from_response({"taskDefinition": {"taskDefinitionArn": arn}})
    assert (td.arn, td.family, td.revision) == (arn, "web", 0)
    empty = task_definition_from_response({})
    assert (empty.arn, empty.family, empty.raw) == ("", "", {})


def _stub(body: bytes, content_type: str) -> Any:
    from aiobotocore.awsrequest import AioAWSResponse

    class _Raw:
        async def read(self) -> bytes:
            return body

    headers = {"Content-Type": content_type, "x-amzn-RequestId": "stub"}
    return AioAWSResponse("http://stub", 200, headers, _Raw())


async def test_partial_task_definition_response_does_not_crash_the_switch(moto_url: str) -> None:
    """DescribeTaskDefinition without family/revision: the plan is built, named from the ARN."""
    seed_service(moto_url)
    _vpc, subnet, sg = default_network(moto_url)
    svc = service(moto_url)
    raw = boto(moto_url, "ecs").describe_task_definition(taskDefinition=svc.task_definition)
    body = {k: v for k, v in raw["taskDefinition"].items() if k not in ("family", "revision")}
    partial = json.dumps({"taskDefinition": body}, default=str).encode()
    async with open_clients(moto_url) as c:
        c.ecs.meta.events.register(
            "before-send.ecs.DescribeTaskDefinition",
            lambda **_: _stub(partial, "application/x-amz-json-1.1"),
        )
        sp = await plan_switch(c, svc, to="FARGATE", subnets=[subnet], security_groups=[sg])
        assert c.calls.total["ecs.DescribeTaskDefinition"] == 1
        # Through the read layer: cached by ARN, so a second plan asks no more.
        await plan_switch(c, svc, to="FARGATE", subnets=[subnet], security_groups=[sg])
        assert c.calls.total["ecs.DescribeTaskDefinition"] == 1
    # Named from the ARN; the copy cannot be registered without a family, which is said, not raised.
    assert sp.blocked and "web:1" in sp.blocked and "'family' is required" in sp.blocked
    assert sp.plan.calls == ()


def _ec2_xml(operation: str, set_name: str, items: list[str], token: str | None) -> bytes:
    nxt = f"<nextToken>{token}</nextToken>" if token else ""
    return (
        f'<{operation}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
        f"<requestId>stub</requestId><{set_name}>{''.join(items)}</{set_name}>{nxt}"
        f"</{operation}Response>"
    ).encode()


async def test_candidates_follow_next_token_and_skip_items_without_ids(moto_url: str) -> None:
    from urllib.parse import parse_qs

    subnets = [
        f"<item><subnetId>subnet-{i}</subnetId><vpcId>vpc-1</vpcId>"
        f"<availabilityZone>us-east-1{'ab'[i % 2]}</availabilityZone></item>"
        for i in range(5)
    ] + ["<item><vpcId>vpc-1</vpcId></item>"]  # no subnetId
    groups = [
        "<item><groupId>sg-1</groupId><groupName>default</groupName></item>",
        "<item><groupName>no-id</groupName></item>",
        "<item><groupId>sg-2</groupId></item>",
    ]
    sent: dict[str, list[dict[str, list[str]]]] = {
        "DescribeSubnets": [],
        "DescribeSecurityGroups": [],
    }

    def pages(operation: str, set_name: str, items: list[str], size: int) -> Any:
        def handler(request: Any, **_: Any) -> Any:
            form = parse_qs(
                request.body.decode() if isinstance(request.body, bytes) else request.body
            )
            sent[operation].append(form)
            start = int(form.get("NextToken", ["0"])[0])
            token = str(start + size) if start + size < len(items) else None
            return _stub(
                _ec2_xml(operation, set_name, items[start : start + size], token), "text/xml"
            )

        return handler

    async with open_clients(moto_url) as c:
        c.ec2.meta.events.register(
            "before-send.ec2.DescribeSubnets", pages("DescribeSubnets", "subnetSet", subnets, 2)
        )
        c.ec2.meta.events.register(
            "before-send.ec2.DescribeSecurityGroups",
            pages("DescribeSecurityGroups", "securityGroupInfo", groups, 2),
        )
        cand_subnets, cand_groups = await _candidates(c, "vpc-1")
        assert c.calls.total["ec2.DescribeSubnets"] == 3
        assert c.calls.total["ec2.DescribeSecurityGroups"] == 2
    assert [s.id for s in cand_subnets] == [
        "subnet-0",
        "subnet-2",
        "subnet-4",
        "subnet-1",
        "subnet-3",
    ]
    assert [g.id for g in cand_groups] == ["sg-1", "sg-2"]
    assert all(f["Filter.1.Name"] == ["vpc-id"] for f in sent["DescribeSubnets"])
    assert all(f["MaxResults"] == ["1000"] for fs in sent.values() for f in fs)

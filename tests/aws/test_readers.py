"""Readers against a real moto server over HTTP, and conversion of minimal dicts."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import boto3

from aws import ecr, ecs, ecs_convert, elb, identity, logs
from aws.ecs_convert import container_from_dict, service_from_dict, task_from_dict
from aws.models import Service, Task
from aws.session import Clients

REGION = "us-east-1"
AMI = "ami-03cf127a"  # one of moto's built-in images (describe_images is slow)


def boto(moto_url: str, name: str) -> Any:
    return boto3.client(name, endpoint_url=moto_url, region_name=REGION)


def ec2_cluster(moto_url: str, name: str = "ec2") -> tuple[str, str, str]:
    """A cluster with one registered container instance: (cluster arn, instance arn, ec2 id)."""
    ecs_c, ec2_c = boto(moto_url, "ecs"), boto(moto_url, "ec2")
    arn = ecs_c.create_cluster(clusterName=name)["cluster"]["clusterArn"]
    image = AMI
    inst = ec2_c.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]
    doc = {
        "instanceId": inst["InstanceId"],
        "region": REGION,
        "availabilityZone": f"{REGION}a",
        "instanceType": inst.get("InstanceType", "m1.small"),
        "imageId": image,
    }
    ci = ecs_c.register_container_instance(cluster=name, instanceIdentityDocument=json.dumps(doc))
    return arn, ci["containerInstance"]["containerInstanceArn"], inst["InstanceId"]


def register_td(moto_url: str, family: str = "web", **extra: Any) -> str:
    td = boto(moto_url, "ecs").register_task_definition(
        family=family,
        containerDefinitions=[
            {
                "name": "app",
                "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1",
                "memory": 16,
                "cpu": 8,
            }
        ],
        **extra,
    )
    return str(td["taskDefinition"]["taskDefinitionArn"])


# --------------------------------------------------------------------------- clusters


async def test_read_clusters_reads_describe_clusters(moto_url: str, clients: Clients) -> None:
    cluster_arn, _, _ = ec2_cluster(moto_url, "ec2")
    e = boto(moto_url, "ecs")
    e.create_cluster(
        clusterName="fargate",
        capacityProviders=["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1, "base": 1}],
    )
    td = register_td(moto_url)
    for n in range(3):
        e.create_service(cluster="ec2", serviceName=f"s{n}", taskDefinition=td, desiredCount=1)
    e.run_task(cluster="ec2", taskDefinition=td, count=2, launchType="EC2", group="service:s0")

    clusters = await ecs.read_clusters(clients)
    by_name = {c.name: c for c in clusters}
    assert set(by_name) == {"ec2", "fargate"}
    ec2 = by_name["ec2"]
    assert (ec2.arn, ec2.status) == (cluster_arn, "ACTIVE")
    # Counts are DescribeClusters' own (bare moto does not keep them all; the sandbox does).
    assert ec2.container_instances == 1 and ec2.service_count is not None
    fargate = by_name["fargate"]
    assert fargate.capacity_providers == ("FARGATE", "FARGATE_SPOT")
    assert fargate.default_strategy[0].provider == "FARGATE"
    assert (fargate.default_strategy[0].weight, fargate.default_strategy[0].base) == (1, 1)

    # ARNs or names, in the order asked; MISSING ones dropped; one call
    clients.calls.mark()
    asked = await ecs.read_clusters(clients, ["fargate", "nope", cluster_arn, "ec2"])
    assert [c.name for c in asked] == ["fargate", "ec2"]
    assert dict(clients.calls.mark()) == {"ecs.DescribeClusters": 1}


def test_cluster_counts_come_from_the_describe_doc() -> None:
    doc = {
        "clusterArn": "arn:aws:ecs:us-east-1:1:cluster/prod",
        "activeServicesCount": 12,
        "runningTasksCount": 40,
        "pendingTasksCount": 2,
        "registeredContainerInstancesCount": 5,
    }
    c = ecs_convert.cluster_from_dict(doc)
    assert c.name == "prod"
    assert (c.service_count, c.running_tasks, c.pending_tasks, c.container_instances) == (
        12,
        40,
        2,
        5,
    )
    bare = ecs_convert.cluster_from_dict({"clusterArn": "arn:aws:ecs:us-east-1:1:cluster/x"})
    assert (bare.service_count, bare.running_tasks, bare.pending_tasks) == (None, None, None)
    assert bare.container_instances is None


# --------------------------------------------------------------------------- tasks


async def test_read_service_tasks_sorts_and_fills_instance(moto_url: str, clients: Clients) -> None:
    _, ci_arn, ec2_id = ec2_cluster(moto_url, "ec2")
    e = boto(moto_url, "ecs")
    td = register_td(moto_url)
    e.create_service(cluster="ec2", serviceName="web", taskDefinition=td, desiredCount=3)
    # Only this service's tasks: ListTasks(serviceName) is AWS's filter, which bare moto ignores.
    mine = e.run_task(
        cluster="ec2", taskDefinition=td, count=3, launchType="EC2", group="service:web"
    )
    stopped = mine["tasks"][0]["taskArn"]
    e.stop_task(cluster="ec2", task=stopped, reason="Essential container in task exited")

    tasks = await ecs.read_service_tasks(clients, "ec2", "web")
    arns = [t.arn for t in tasks]
    assert set(arns) == {t["taskArn"] for t in mine["tasks"]}
    assert arns[-1] == stopped  # running first, stopped after
    assert tasks[-1].stopped_reason == "Essential container in task exited"
    assert all(t.service_name == "web" for t in tasks)
    assert {t.container_instance_arn for t in tasks} == {ci_arn}
    assert {t.ec2_instance_id for t in tasks} == {ec2_id}
    assert clients.calls.total["ecs.DescribeContainerInstances"] == 1

    running_only = await ecs.read_service_tasks(clients, "ec2", "web", include_stopped=False)
    assert stopped not in {t.arn for t in running_only} and len(running_only) == 2

    instances = await ecs.read_container_instances(clients, "ec2")
    assert [(i.arn, i.ec2_instance_id, i.status) for i in instances] == [(ci_arn, ec2_id, "ACTIVE")]


async def test_task_definition_is_cached_by_full_arn(moto_url: str, clients: Clients) -> None:
    arn = register_td(moto_url, tags=[{"key": "team", "value": "core"}])
    first = await ecs.read_task_definition(clients, arn)
    second = await ecs.read_task_definition(clients, arn)
    assert first is second
    assert clients.calls.total["ecs.DescribeTaskDefinition"] == 1
    assert (first.family, first.revision, first.arn) == ("web", 1, arn)
    assert first.raw.get("tags") == [{"key": "team", "value": "core"}]
    assert first.container_images == {"app": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1"}
    # A bare family may move to a newer revision: always asked for.
    await ecs.read_task_definition(clients, "web")
    assert clients.calls.total["ecs.DescribeTaskDefinition"] == 2


async def test_task_definition_revisions_newest_first(moto_url: str, clients: Clients) -> None:
    for _ in range(3):
        register_td(moto_url, "web")
    register_td(moto_url, "webx")
    revisions = await ecs.list_task_definition_revisions(clients, "web")
    assert [r.rsplit(":", 1)[-1] for r in revisions] == ["3", "2", "1"]
    assert all("/web:" in r for r in revisions)


# --------------------------------------------------------------------------- target health


async def test_target_health_joins_ip_and_instance_targets(moto_url: str, clients: Clients) -> None:
    ec2_c, elb_c, e = boto(moto_url, "ec2"), boto(moto_url, "elbv2"), boto(moto_url, "ecs")
    vpc = ec2_c.describe_vpcs()["Vpcs"][0]["VpcId"]
    subnet = ec2_c.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"][0]
    sg = ec2_c.describe_security_groups()["SecurityGroups"][0]["GroupId"]
    ip_tg = elb_c.create_target_group(
        Name="ip-tg", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip"
    )["TargetGroups"][0]["TargetGroupArn"]
    inst_tg = elb_c.create_target_group(
        Name="inst-tg", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="instance"
    )["TargetGroups"][0]["TargetGroupArn"]
    image = AMI
    ec2_id, other_id = (
        i["InstanceId"]
        for i in ec2_c.run_instances(ImageId=image, MinCount=2, MaxCount=2)["Instances"]
    )

    e.create_cluster(clusterName="mixed")
    td = register_td(moto_url, "api", networkMode="awsvpc", requiresCompatibilities=["FARGATE"])
    net = {"awsvpcConfiguration": {"subnets": [subnet["SubnetId"]], "securityGroups": [sg]}}
    run = e.run_task(
        cluster="mixed",
        taskDefinition=td,
        count=1,
        launchType="FARGATE",
        group="service:api",
        networkConfiguration=net,
    )
    fargate_task = ecs_convert.task_from_dict(
        e.describe_tasks(cluster="mixed", tasks=[run["tasks"][0]["taskArn"]])["tasks"][0]
    )
    assert fargate_task.private_ip
    ec2_task = task_from_dict(
        {
            "taskArn": "arn:aws:ecs:us-east-1:123456789012:task/mixed/ec2task",
            "containers": [{"name": "app", "networkBindings": [{"hostPort": 32768}]}],
        },
        ec2_instance_id=ec2_id,
    )
    elb_c.register_targets(
        TargetGroupArn=ip_tg,
        Targets=[{"Id": fargate_task.private_ip, "Port": 80}, {"Id": "10.9.9.9", "Port": 80}],
    )
    elb_c.register_targets(
        TargetGroupArn=inst_tg,
        Targets=[{"Id": ec2_id, "Port": 32768}, {"Id": other_id, "Port": 32768}],
    )
    service = service_from_dict(
        {
            "serviceArn": "arn:aws:ecs:us-east-1:123456789012:service/mixed/api",
            "loadBalancers": [
                {"targetGroupArn": ip_tg, "containerName": "app", "containerPort": 80},
                {"targetGroupArn": inst_tg, "containerName": "app", "containerPort": 80},
            ],
        }
    )

    targets = await elb.read_target_health(clients, service, [fargate_task, ec2_task])
    joined = {(t.target_group_arn, t.id, t.port): t.task_arn for t in targets}
    assert joined == {
        (ip_tg, fargate_task.private_ip, 80): fargate_task.arn,
        (ip_tg, "10.9.9.9", 80): None,
        (inst_tg, ec2_id, 32768): ec2_task.arn,
        (inst_tg, other_id, 32768): None,
    }
    assert all(t.state == "healthy" for t in targets)
    assert clients.calls.total["elastic-load-balancing-v2.DescribeTargetHealth"] == 2

    groups = await elb.read_target_groups(clients, [inst_tg, ip_tg])
    assert [(g.name, g.target_type, g.port) for g in groups] == [
        ("inst-tg", "instance", 80),
        ("ip-tg", "ip", 80),
    ]


# --------------------------------------------------------------------------- ecr, logs, sts


async def test_ecr_repositories_and_images(moto_url: str, clients: Clients) -> None:
    r = boto(moto_url, "ecr")
    r.create_repository(repositoryName="web")
    r.create_repository(repositoryName="api")
    for tag in ("v1", "v2", "v3"):
        manifest = json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                "config": {"digest": f"sha256:{tag}"},
                "layers": [],
            }
        )
        r.put_image(repositoryName="web", imageManifest=manifest, imageTag=tag)
    repos = await ecr.list_repositories(clients)
    assert [x.name for x in repos] == ["api", "web"]
    assert repos[1].uri.endswith("/web")
    images = await ecr.list_images(clients, "web")
    assert len(images) == 3
    assert all(i.repository == "web" and i.digest.startswith("sha256:") for i in images)
    assert all(i.pushed_at is None or i.pushed_at.tzinfo for i in images)
    # newest pushed first, whether or not the pushes fell in one second (AWS stamps seconds)
    pushed = [(i.pushed_at.timestamp() if i.pushed_at else 0.0, i.digest) for i in images]
    assert pushed == sorted(pushed, reverse=True)
    assert sorted(t for i in images for t in i.tags) == ["v1", "v2", "v3"]


def test_parse_image_uri() -> None:
    reg = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
    assert ecr.parse_image_uri(f"{reg}/web:v1") == (reg, "web", "v1")
    assert ecr.parse_image_uri(f"{reg}/team/web@sha256:abc123") == (
        reg,
        "team/web",
        "sha256:abc123",
    )
    assert ecr.parse_image_uri(f"{reg}/web") == (reg, "web", None)
    assert ecr.parse_image_uri("nginx:latest") == (None, None, None)
    assert ecr.parse_image_uri("") == (None, None, None)


async def test_recent_log_events_keeps_newest(moto_url: str, clients: Clients) -> None:
    lg = boto(moto_url, "logs")
    lg.create_log_group(logGroupName="/ecs/web")
    lg.create_log_stream(logGroupName="/ecs/web", logStreamName="web/app/1")
    lg.create_log_stream(logGroupName="/ecs/web", logStreamName="other/app/2")
    now = int(time.time() * 1000)
    lg.put_log_events(
        logGroupName="/ecs/web",
        logStreamName="web/app/1",
        logEvents=[{"timestamp": now - 1000 * (5 - n), "message": f"line {n}\n"} for n in range(5)],
    )
    lg.put_log_events(
        logGroupName="/ecs/web",
        logStreamName="other/app/2",
        logEvents=[{"timestamp": now, "message": "other"}],
    )
    events = await logs.recent_log_events(clients, "/ecs/web", stream_prefix="web/", limit=2)
    assert [e.message for e in events] == ["line 3", "line 4"]
    assert all(e.stream == "web/app/1" and e.timestamp and e.timestamp.tzinfo for e in events)


async def test_whoami(clients: Clients, moto_url: str) -> None:
    me = await identity.whoami(clients)
    assert me.account == "123456789012"
    assert me.region == REGION and me.endpoint == moto_url


# --------------------------------------------------------------------------- conversion


def test_minimal_dicts_become_none_not_keyerror() -> None:
    s = service_from_dict({})
    assert isinstance(s, Service)
    assert (s.arn, s.status, s.launch_type, s.network, s.deployment_controller) == (
        "",
        None,
        None,
        None,
        None,
    )
    assert (s.desired, s.running, s.pending, s.deployments, s.events) == (0, 0, 0, (), ())
    assert s.primary is None and s.created_at is None
    t = task_from_dict({"taskArn": "arn:aws:ecs:us-east-1:1:task/c/abc", "containers": [{}]})
    assert isinstance(t, Task)
    assert t.id == "abc"
    assert (t.private_ip, t.stopped_at, t.stop_code, t.health, t.service_name) == (None,) * 5
    assert t.containers[0].exit_code is None and t.host_ports == ()
    assert ecs_convert.deployment_from_dict({}).rollout_state is None
    assert ecs_convert.container_instance_from_dict({}).agent_connected is None
    assert ecs_convert.cluster_from_dict({}).status is None
    assert ecs_convert.task_definition_from_response({}).revision == 0
    assert elb.target_group_from_dict({}).port is None
    assert ecr.image_from_dict({}).scan_findings == {}
    assert ecr.repository_from_dict({}).created_at is None
    assert (
        container_from_dict({"exitCode": None, "networkBindings": [{}]})
        .network_bindings[0]
        .host_port
        is None
    )
    tgt = elb.join_target("tg", {}, [t])
    assert (tgt.id, tgt.state, tgt.task_arn) == ("", None, None)


def test_service_reads_compute_from_primary_deployment() -> None:
    s = service_from_dict(
        {
            "serviceArn": "arn:aws:ecs:us-east-1:1:service/c/web",
            "serviceName": "web",
            "launchType": "EC2",
            "desiredCount": 3,
            "runningCount": 2,
            "pendingCount": 1,
            "deploymentController": {"type": "ECS"},
            "networkConfiguration": {
                "awsvpcConfiguration": {
                    "subnets": ["s-1"],
                    "securityGroups": ["sg-1"],
                    "assignPublicIp": "DISABLED",
                }
            },
            "deployments": [
                {
                    "id": "ecs-svc/2",
                    "status": "PRIMARY",
                    "taskDefinition": "td:2",
                    "capacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT", "weight": 2}],
                    "rolloutState": "IN_PROGRESS",
                    "rolloutStateReason": "started",
                    "failedTasks": 1,
                    "desiredCount": 3,
                },
                {
                    "id": "ecs-svc/1",
                    "status": "ACTIVE",
                    "launchType": "EC2",
                    "taskDefinition": "td:1",
                },
            ],
            "events": [
                {"id": "1", "createdAt": datetime(2026, 1, 1, tzinfo=UTC), "message": "old"},
                {"id": "2", "createdAt": datetime(2026, 1, 2, tzinfo=UTC), "message": "new"},
            ],
        }
    )
    assert s.launch_type is None
    assert [(i.provider, i.weight) for i in s.capacity_provider_strategy] == [("FARGATE_SPOT", 2)]
    assert s.compute == "FARGATE_SPOT"
    assert s.rollout_state == "IN_PROGRESS" and s.primary and s.primary.failed_tasks == 1
    assert [e.message for e in s.events] == ["new", "old"]
    assert s.network and s.network.subnets == ("s-1",) and s.network.assign_public_ip == "DISABLED"
    assert s.deployment_controller == "ECS" and s.in_motion
    # Without a PRIMARY deployment saying otherwise, the top-level launch type stands.
    assert service_from_dict({"launchType": "FARGATE"}).launch_type == "FARGATE"


def test_task_private_ip_and_times() -> None:
    eni = {
        "type": "ElasticNetworkInterface",
        "details": [
            {"name": "subnetId", "value": "s"},
            {"name": "privateIPv4Address", "value": "10.0.0.5"},
        ],
    }
    assert task_from_dict({"attachments": [eni]}).private_ip == "10.0.0.5"
    fallback = {
        "containers": [{"name": "a", "networkInterfaces": [{"privateIpv4Address": "10.0.0.6"}]}]
    }
    assert task_from_dict(fallback).private_ip == "10.0.0.6"
    t = task_from_dict(
        {
            "startedAt": datetime(2026, 1, 1, 12, 0),  # naive -> UTC
            "stoppedAt": 1767268800,
            "stopCode": "EssentialContainerExited",
            "containers": [
                {
                    "name": "app",
                    "exitCode": 137,
                    "reason": "OutOfMemoryError",
                    "healthStatus": "UNHEALTHY",
                }
            ],
        }
    )
    assert t.started_at == datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert t.stopped_at == datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    c = t.containers[0]
    assert (c.exit_code, c.reason, c.health) == (137, "OutOfMemoryError", "UNHEALTHY")

"""The sandbox account's contents: what a small real company's ECS estate looks like.

Seeding goes through boto3 over HTTP against the sandbox's own moto server, so it exercises the
same request parsing a client does (and the create_service patch). Only what HTTP cannot express
(image push times spread over weeks) uses moto's backends directly here; the clusters that must
seed by the dozen or the thousand (``--services``, ``--clusters``) are in :mod:`.fleet`.

:func:`seed_estate` builds any set of clusters and services the same way, so the planted-problem
clusters (:mod:`.planted`) are made exactly like the showcase ones.

Every choice comes from ``random.Random(seed)``; nothing depends on the wall clock except
timestamps themselves.
"""

from __future__ import annotations

import json
import random
from datetime import timedelta
from typing import Any

import boto3

from aws.sandbox import accounts, moto_patches, scans
from aws.sandbox.clock import now
from aws.sandbox.specs import (
    CLUSTERS,
    REVISIONS,
    SERVICES,
    VERSIONS,
    ClusterSpec,
    Seeded,
    ServiceSpec,
    container_defs,
    execution_role,
    manifest,
    task_role,
)
from aws.sandbox.state import where


def clients(url: str) -> dict[str, Any]:
    """Clients of the account and region being seeded (:func:`aws.sandbox.state.where`)."""
    account, region = where()
    kw: dict[str, Any] = {
        "endpoint_url": url,
        "region_name": region,
        **accounts.credentials(url, account),
    }
    return {n: boto3.client(n, **kw) for n in ("ecs", "ec2", "elbv2", "ecr", "logs")}  # type: ignore[call-overload]


def seed_account(url: str, rng: random.Random) -> Seeded:
    """Create the showcase account over HTTP: network, clusters, registry, services."""
    c = clients(url)
    out = Seeded()
    network(c, out)
    seed_estate(c, rng, out, CLUSTERS, SERVICES)
    return out


def seed_estate(
    c: dict[str, Any],
    rng: random.Random,
    out: Seeded,
    clusters: tuple[ClusterSpec, ...],
    services: tuple[ServiceSpec, ...],
) -> None:
    """Clusters (with EC2 instances), one ECR repository, log group and REVISIONS task
    definition revisions per service, an ALB per cluster with load-balanced services, then the
    services (desired count set, no tasks yet: the simulator's converge starts them)."""
    _clusters(c, rng, out, clusters)
    _registry(c, rng, services)
    _task_definitions(c, services)
    _load_balancers(c, out, clusters, services)
    _services(c, out, services)


def network(c: dict[str, Any], out: Seeded) -> None:
    """A VPC of three private subnets and the security groups every estate uses."""
    ec2 = c["ec2"]
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": "prod-vpc"}])
    # awsvpc tasks in a custom VPC need DNS hostnames (moto answers 500 otherwise).
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    out.vpc_id = vpc
    region = where()[1]
    for i, az in enumerate(f"{region}{zone}" for zone in "abc"):
        sn = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{16 * i}.0/20", AvailabilityZone=az)
        sid = sn["Subnet"]["SubnetId"]
        ec2.create_tags(Resources=[sid], Tags=[{"Key": "Name", "Value": f"prod-private-{az}"}])
        out.subnets.append(sid)
    groups = {}
    for name, desc in (
        ("prod-alb", "Public load balancers"),
        ("prod-ecs-tasks", "ECS tasks (awsvpc)"),
        ("prod-ecs-instances", "ECS container instances"),
    ):
        groups[name] = ec2.create_security_group(GroupName=name, Description=desc, VpcId=vpc)[
            "GroupId"
        ]
    out.task_sg = groups["prod-ecs-tasks"]
    out_groups = groups
    ec2.authorize_security_group_ingress(
        GroupId=out.task_sg,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 8080,
                "ToPort": 8080,
                "UserIdGroupPairs": [{"GroupId": out_groups["prod-alb"]}],
            }
        ],
    )
    out.target_groups["__alb_sg__"] = out_groups["prod-alb"]
    out.target_groups["__instance_sg__"] = out_groups["prod-ecs-instances"]


def _clusters(
    c: dict[str, Any], rng: random.Random, out: Seeded, clusters: tuple[ClusterSpec, ...]
) -> None:
    ecs, ec2 = c["ecs"], c["ec2"]
    if not out.ami and any(spec.instances for spec in clusters):
        # One call for the whole account: moto answers it with every Amazon AMI it knows.
        out.ami = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    ami = out.ami
    for spec in clusters:
        name = spec.name
        kwargs: dict[str, Any] = {
            "clusterName": name,
            "settings": [{"name": "containerInsights", "value": "enabled"}],
            "tags": [{"key": "team", "value": "platform"}, {"key": "env", "value": "prod"}],
        }
        if spec.providers:
            kwargs["capacityProviders"] = list(spec.providers)
            kwargs["defaultCapacityProviderStrategy"] = [
                {"capacityProvider": "FARGATE", "weight": 1, "base": 0}
            ]
        ecs.create_cluster(**kwargs)
        for i in range(spec.instances):
            subnet = out.subnets[i % len(out.subnets)]
            inst = ec2.run_instances(
                ImageId=ami,
                MinCount=1,
                MaxCount=1,
                InstanceType=rng.choice(("m5.xlarge", "m6i.xlarge")),
                SubnetId=subnet,
                SecurityGroupIds=[out.target_groups["__instance_sg__"]],
                TagSpecifications=[
                    {
                        "ResourceType": "instance",
                        "Tags": [{"Key": "Name", "Value": f"ecs-{name}-{i + 1}"}],
                    }
                ],
            )["Instances"][0]["InstanceId"]
            ecs.register_container_instance(
                cluster=name, instanceIdentityDocument=json.dumps({"instanceId": inst})
            )


def _registry(c: dict[str, Any], rng: random.Random, services: tuple[ServiceSpec, ...]) -> None:
    ecr = c["ecr"]
    for spec in services:
        ecr.create_repository(
            repositoryName=spec.name,
            imageScanningConfiguration={"scanOnPush": True},
            tags=[{"Key": "team", "Value": "platform"}],
        )
        for version in VERSIONS:
            ecr.put_image(
                repositoryName=spec.name,
                imageManifest=manifest(spec.name, version, rng),
                imageTag=version,
            )
        # The newest build is also tagged latest, as CI pipelines usually do.
        latest = ecr.batch_get_image(
            repositoryName=spec.name, imageIds=[{"imageTag": VERSIONS[-1]}]
        )["images"][0]
        ecr.put_image(
            repositoryName=spec.name, imageManifest=latest["imageManifest"], imageTag="latest"
        )
    # Push times spread over the last weeks: not expressible over HTTP.
    stamp = now()
    with moto_patches.LOCK:
        repos = moto_patches.backends()["ecr"].repositories
        for spec in services:
            for image in repos[spec.name].images:
                tag = image.image_tag
                age = (len(VERSIONS) - VERSIONS.index(tag)) if tag in VERSIONS else 1
                pushed = stamp - timedelta(days=7 * age - 6, hours=rng.randint(0, 20))
                image.image_pushed_at = int(pushed.timestamp())
            scans.scan_repository(repos[spec.name].images, spec.name)


def register_revision(ecs: Any, spec: ServiceSpec, version: str) -> str:
    kwargs: dict[str, Any] = {
        "family": spec.name,
        "executionRoleArn": execution_role(),
        "containerDefinitions": container_defs(spec, version),
        "tags": [{"key": "service", "value": spec.name}],
    }
    if spec.task_role:
        kwargs["taskRoleArn"] = task_role(spec.name)
    if spec.kind == "ec2-bridge":
        kwargs.update(networkMode="bridge", requiresCompatibilities=["EC2"])
    elif spec.kind == "ec2-awsvpc":
        kwargs.update(
            networkMode="awsvpc",
            requiresCompatibilities=["EC2", "FARGATE"],
            cpu=spec.cpu,
            memory=spec.memory,
        )
    else:
        kwargs.update(
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu=spec.cpu,
            memory=spec.memory,
        )
    arn: str = ecs.register_task_definition(**kwargs)["taskDefinition"]["taskDefinitionArn"]
    return arn


def _task_definitions(c: dict[str, Any], services: tuple[ServiceSpec, ...]) -> None:
    for spec in services:
        for rev in range(REVISIONS):
            register_revision(c["ecs"], spec, VERSIONS[rev])
        c["logs"].create_log_group(logGroupName=f"/ecs/{spec.name}", tags={"service": spec.name})
        c["logs"].put_retention_policy(logGroupName=f"/ecs/{spec.name}", retentionInDays=30)
    # Each revision registered a few hours after its image was pushed (weeks apart), as a
    # release history reads: not expressible over HTTP. No rng draw: the seed stays the same.
    stamp = now()
    with moto_patches.LOCK:
        families = moto_patches.backends()["ecs"].task_definitions
        for spec in services:
            for revision, td in families.get(spec.name, {}).items():
                age = len(VERSIONS) - (revision - 1)
                td.registered_at = stamp - timedelta(days=7 * age - 6) + timedelta(hours=3)


def _load_balancers(
    c: dict[str, Any],
    out: Seeded,
    clusters: tuple[ClusterSpec, ...],
    services: tuple[ServiceSpec, ...],
) -> None:
    elb = c["elbv2"]
    for cluster in (spec.name for spec in clusters):
        specs = [s for s in services if s.cluster == cluster and s.load_balanced]
        if not specs:
            continue
        lb = elb.create_load_balancer(
            Name=f"{cluster}-alb",
            Subnets=out.subnets,
            SecurityGroups=[out.target_groups["__alb_sg__"]],
            Scheme="internet-facing",
            Type="application",
        )["LoadBalancers"][0]["LoadBalancerArn"]
        tgs = []
        for spec in specs:
            bridge = spec.kind == "ec2-bridge"
            tg = elb.create_target_group(
                Name=f"{spec.name}-tg"[:32],
                Protocol="HTTP",
                Port=8080,
                VpcId=out.vpc_id,
                TargetType="instance" if bridge else "ip",
                HealthCheckPath="/health",
                HealthCheckIntervalSeconds=15,
                HealthyThresholdCount=3,
                UnhealthyThresholdCount=2,
                Matcher={"HttpCode": "200"},
            )["TargetGroups"][0]["TargetGroupArn"]
            elb.modify_target_group_attributes(
                TargetGroupArn=tg,
                Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": "30"}],
            )
            out.target_groups[spec.name] = tg
            tgs.append((spec, tg))
        # describe_target_groups(LoadBalancerArn=...) only finds groups a listener forwards to.
        listener = elb.create_listener(
            LoadBalancerArn=lb,
            Protocol="HTTP",
            Port=80,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": tgs[0][1]}],
        )["Listeners"][0]["ListenerArn"]
        for priority, (spec, tg) in enumerate(tgs[1:], start=10):
            elb.create_rule(
                ListenerArn=listener,
                Priority=priority,
                Conditions=[{"Field": "host-header", "Values": [f"{spec.name}.example.com"]}],
                Actions=[{"Type": "forward", "TargetGroupArn": tg}],
            )


def _services(c: dict[str, Any], out: Seeded, services: tuple[ServiceSpec, ...]) -> None:
    ecs = c["ecs"]
    for spec in services:
        kwargs: dict[str, Any] = {
            "cluster": spec.cluster,
            "serviceName": spec.name,
            "taskDefinition": f"{spec.name}:{spec.revision}",
            "desiredCount": spec.desired,
            "deploymentConfiguration": {
                "maximumPercent": 200,
                "minimumHealthyPercent": 100,
                "deploymentCircuitBreaker": {"enable": True, "rollback": spec.rollback},
            },
            "propagateTags": "SERVICE",
            "enableECSManagedTags": True,
            "enableExecuteCommand": spec.exec_enabled,
            "tags": [{"key": "team", "value": "platform"}, {"key": "service", "value": spec.name}],
        }
        if spec.strategy:
            kwargs["capacityProviderStrategy"] = [
                {"capacityProvider": p, "base": b, "weight": w} for p, b, w in spec.strategy
            ]
        else:
            kwargs["launchType"] = "EC2" if spec.kind.startswith("ec2") else "FARGATE"
        if spec.kind != "ec2-bridge":
            kwargs["networkConfiguration"] = {
                "awsvpcConfiguration": {
                    "subnets": out.subnets,
                    "securityGroups": [out.task_sg],
                    "assignPublicIp": "DISABLED",
                }
            }
        if spec.load_balanced:
            kwargs["loadBalancers"] = [
                {
                    "targetGroupArn": out.target_groups[spec.name],
                    "containerName": spec.name,
                    "containerPort": 8080,
                }
            ]
            kwargs["healthCheckGracePeriodSeconds"] = 30
        ecs.create_service(**kwargs)
        out.services[f"{spec.cluster}/{spec.name}"] = spec

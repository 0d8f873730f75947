"""The sandbox account's contents: what a small real company's ECS estate looks like.

Seeding goes through boto3 over HTTP against the sandbox's own moto server, so it exercises the
same request parsing a client does (and the create_service patch). Only what HTTP cannot express
(image push times spread over weeks) and the ``--services N`` benchmark cluster, which must seed
2,000 services in seconds, use moto's backends directly.

Every choice comes from ``random.Random(seed)``; nothing depends on the wall clock except
timestamps themselves.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import boto3

from aws.sandbox import moto_patches

ACCOUNT = "123456789012"
REGION = "us-east-1"
REGISTRY = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"
EXECUTION_ROLE = f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole"
#: Image tags per repository, oldest first; task definition revision n uses VERSIONS[n].
VERSIONS = ("1.3.2", "1.4.0", "1.4.1", "1.5.0")
REVISIONS = 3


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    name: str
    cluster: str
    #: "ec2-bridge" (instance target group, static host port), "ec2-awsvpc" (ip target group,
    #: Fargate-compatible task definition) or "fargate".
    kind: str
    desired: int
    load_balanced: bool = True
    host_port: int | None = None
    #: Capacity provider strategy instead of a launch type (Fargate providers only here).
    strategy: tuple[tuple[str, int, int], ...] = ()
    cpu: str = "256"
    memory: str = "512"
    #: Which revision the service runs: the latest by default, so "a new revision" means
    #: registering one; ``payments-api`` runs 2 of 3 so a rollback/forward target exists.
    revision: int = REVISIONS
    sidecar: bool = False


CLUSTERS: dict[str, dict[str, Any]] = {
    "core-ec2": {"instances": 3, "providers": ()},
    "web-fargate": {"instances": 0, "providers": ("FARGATE", "FARGATE_SPOT")},
    "shared-mixed": {"instances": 2, "providers": ("FARGATE", "FARGATE_SPOT")},
}

SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec("payments-api", "core-ec2", "ec2-bridge", 2, host_port=8081, revision=2),
    ServiceSpec("ledger-service", "core-ec2", "ec2-bridge", 2, host_port=8082, sidecar=True),
    ServiceSpec("inventory-api", "core-ec2", "ec2-awsvpc", 2, cpu="512", memory="1024"),
    ServiceSpec("email-worker", "core-ec2", "ec2-bridge", 1, load_balanced=False),
    ServiceSpec("checkout-web", "web-fargate", "fargate", 3, cpu="512", memory="1024"),
    ServiceSpec("catalog-api", "web-fargate", "fargate", 2, sidecar=True),
    ServiceSpec("search-api", "web-fargate", "fargate", 2, cpu="1024", memory="2048"),
    ServiceSpec("auth-service", "web-fargate", "fargate", 2),
    ServiceSpec(
        "notifications",
        "web-fargate",
        "fargate",
        2,
        load_balanced=False,
        strategy=(("FARGATE", 1, 1), ("FARGATE_SPOT", 0, 3)),
    ),
    ServiceSpec("events-ingest", "shared-mixed", "fargate", 120, cpu="256", memory="1024"),
    ServiceSpec("reporting-batch", "shared-mixed", "ec2-bridge", 1, host_port=8090),
    ServiceSpec(
        "image-resizer",
        "shared-mixed",
        "fargate",
        2,
        strategy=(("FARGATE_SPOT", 0, 1),),
        cpu="1024",
        memory="3072",
    ),
)


@dataclass
class Seeded:
    """Ids the simulator and tests need, so nobody rediscovers them by listing."""

    vpc_id: str = ""
    subnets: list[str] = field(default_factory=list)
    task_sg: str = ""
    target_groups: dict[str, str] = field(default_factory=dict)  # service -> TG ARN
    services: dict[str, ServiceSpec] = field(default_factory=dict)  # "cluster/name" -> spec
    bench_services: int = 0


def clients(url: str) -> dict[str, Any]:
    kw: dict[str, Any] = {
        "endpoint_url": url,
        "region_name": REGION,
        "aws_access_key_id": "sandbox",
        "aws_secret_access_key": "sandbox",
    }
    return {n: boto3.client(n, **kw) for n in ("ecs", "ec2", "elbv2", "ecr", "logs")}  # type: ignore[call-overload]


def seed_account(
    url: str,
    rng: random.Random,
    services: int = 0,
    *,
    tasks_per_service: int = 2,
    big_service: int = 0,
) -> Seeded:
    """Create the whole account over HTTP. Returns what was created."""
    c = clients(url)
    out = Seeded()
    _network(c, out)
    _clusters(c, rng, out)
    _registry(c, rng)
    _task_definitions(c)
    _load_balancers(c, out)
    _services(c, out)
    if services or big_service:
        seed_bench(out, services, tasks_per_service=tasks_per_service, big_service=big_service)
    return out


def _network(c: dict[str, Any], out: Seeded) -> None:
    ec2 = c["ec2"]
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": "prod-vpc"}])
    # awsvpc tasks in a custom VPC need DNS hostnames (moto answers 500 otherwise).
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    out.vpc_id = vpc
    for i, az in enumerate(("us-east-1a", "us-east-1b", "us-east-1c")):
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


def _clusters(c: dict[str, Any], rng: random.Random, out: Seeded) -> None:
    ecs, ec2 = c["ecs"], c["ec2"]
    ami = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    for name, spec in CLUSTERS.items():
        kwargs: dict[str, Any] = {
            "clusterName": name,
            "settings": [{"name": "containerInsights", "value": "enabled"}],
            "tags": [{"key": "team", "value": "platform"}, {"key": "env", "value": "prod"}],
        }
        if spec["providers"]:
            kwargs["capacityProviders"] = list(spec["providers"])
            kwargs["defaultCapacityProviderStrategy"] = [
                {"capacityProvider": "FARGATE", "weight": 1, "base": 0}
            ]
        ecs.create_cluster(**kwargs)
        for i in range(spec["instances"]):
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


def _registry(c: dict[str, Any], rng: random.Random) -> None:
    ecr = c["ecr"]
    for spec in SERVICES:
        ecr.create_repository(
            repositoryName=spec.name,
            imageScanningConfiguration={"scanOnPush": True},
            tags=[{"Key": "team", "Value": "platform"}],
        )
        for version in VERSIONS:
            ecr.put_image(
                repositoryName=spec.name,
                imageManifest=_manifest(spec.name, version, rng),
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
    stamp = moto_patches.now()
    with moto_patches.LOCK:
        repos = moto_patches.backends()["ecr"].repositories
        for spec in SERVICES:
            for image in repos[spec.name].images:
                tag = image.image_tag
                age = (len(VERSIONS) - VERSIONS.index(tag)) if tag in VERSIONS else 1
                pushed = stamp - timedelta(days=7 * age - 6, hours=rng.randint(0, 20))
                image.image_pushed_at = int(pushed.timestamp())


def _manifest(repo: str, version: str, rng: random.Random) -> str:
    def digest(text: str) -> str:
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()

    layers = [
        {
            "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
            "size": rng.randint(2_000_000, 60_000_000),
            "digest": digest(f"{repo}:{version}:layer{i}"),
        }
        for i in range(rng.randint(3, 6))
    ]
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 7023,
                "digest": digest(f"{repo}:{version}:config"),
            },
            "layers": layers,
        }
    )


def container_defs(spec: ServiceSpec, version: str) -> list[dict[str, Any]]:
    port: dict[str, Any] = {"containerPort": 8080, "protocol": "tcp"}
    if spec.kind == "ec2-bridge" and spec.host_port:
        port["hostPort"] = spec.host_port
    elif spec.kind != "ec2-bridge":
        port["hostPort"] = 8080
    main: dict[str, Any] = {
        "name": spec.name,
        "image": f"{REGISTRY}/{spec.name}:{version}",
        "essential": True,
        "cpu": 256 if spec.kind != "fargate" else int(spec.cpu) // (2 if spec.sidecar else 1),
        "memory": 512 if spec.kind != "fargate" else int(spec.memory) // (2 if spec.sidecar else 1),
        "portMappings": [port] if spec.load_balanced or spec.kind != "ec2-bridge" else [],
        "environment": [
            {"name": "APP_ENV", "value": "prod"},
            {"name": "APP_VERSION", "value": version},
        ],
        "healthCheck": {
            "command": ["CMD-SHELL", "curl -fs http://localhost:8080/health || exit 1"],
            "interval": 15,
            "timeout": 5,
            "retries": 3,
            "startPeriod": 30,
        },
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": f"/ecs/{spec.name}",
                "awslogs-region": REGION,
                "awslogs-stream-prefix": "ecs",
            },
        },
    }
    defs = [main]
    if spec.sidecar:
        defs.append(
            {
                "name": "datadog-agent",
                "image": "public.ecr.aws/datadog/agent:7",
                "essential": False,
                "cpu": 64,
                "memory": 256,
                "logConfiguration": main["logConfiguration"],
            }
        )
    return defs


def register_revision(ecs: Any, spec: ServiceSpec, version: str) -> str:
    kwargs: dict[str, Any] = {
        "family": spec.name,
        "executionRoleArn": EXECUTION_ROLE,
        "taskRoleArn": f"arn:aws:iam::{ACCOUNT}:role/{spec.name}-task",
        "containerDefinitions": container_defs(spec, version),
        "tags": [{"key": "service", "value": spec.name}],
    }
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


def _task_definitions(c: dict[str, Any]) -> None:
    for spec in SERVICES:
        for rev in range(REVISIONS):
            register_revision(c["ecs"], spec, VERSIONS[rev])
        c["logs"].create_log_group(logGroupName=f"/ecs/{spec.name}", tags={"service": spec.name})
        c["logs"].put_retention_policy(logGroupName=f"/ecs/{spec.name}", retentionInDays=30)


def _load_balancers(c: dict[str, Any], out: Seeded) -> None:
    elb = c["elbv2"]
    for cluster in CLUSTERS:
        specs = [s for s in SERVICES if s.cluster == cluster and s.load_balanced]
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


def _services(c: dict[str, Any], out: Seeded) -> None:
    ecs = c["ecs"]
    for spec in SERVICES:
        kwargs: dict[str, Any] = {
            "cluster": spec.cluster,
            "serviceName": spec.name,
            "taskDefinition": f"{spec.name}:{spec.revision}",
            "desiredCount": spec.desired,
            "deploymentConfiguration": {
                "maximumPercent": 200,
                "minimumHealthyPercent": 100,
                "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            },
            "propagateTags": "SERVICE",
            "enableECSManagedTags": True,
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


BENCH_CLUSTER = "bench"


BIG_SERVICE = "bench-big"


def seed_bench(
    out: Seeded, count: int, *, tasks_per_service: int = 2, big_service: int = 0
) -> None:
    """``count`` Fargate services of ``tasks_per_service`` tasks each, plus ``bench-big`` with
    ``big_service`` tasks when asked, straight into moto's backend (HTTP would take minutes for
    2,000). Tasks are started by the simulator's first converge."""
    spec = ServiceSpec("bench-app", BENCH_CLUSTER, "fargate", 2, load_balanced=False)
    with moto_patches.LOCK:
        b = moto_patches.backends()
        ecs = b["ecs"]
        ecs.create_cluster(
            cluster_name=BENCH_CLUSTER,
            capacity_providers=["FARGATE", "FARGATE_SPOT"],
            default_capacity_provider_strategy=[
                {"capacityProvider": "FARGATE", "weight": 1, "base": 0}
            ],
        )
        td = ecs.register_task_definition(
            family="bench-app",
            task_role_arn=None,
            execution_role_arn=EXECUTION_ROLE,
            requires_compatibilities=["FARGATE"],
            network_mode="awsvpc",
            container_definitions=container_defs(spec, VERSIONS[-1]),
            cpu="256",
            memory="512",
        )
        network = {
            "awsvpcConfiguration": {
                "subnets": out.subnets,
                "securityGroups": [out.task_sg],
                "assignPublicIp": "DISABLED",
            }
        }
        sizes = [(f"bench-{i:05d}", tasks_per_service) for i in range(count)]
        if big_service:
            sizes.append((BIG_SERVICE, big_service))
        for name, desired in sizes:
            ecs.create_service(
                BENCH_CLUSTER,
                name,
                desired,
                task_definition_str=td.arn,
                launch_type="FARGATE",
                network_configuration=network,
            )
            out.services[f"{BENCH_CLUSTER}/{name}"] = ServiceSpec(
                name, BENCH_CLUSTER, "fargate", desired, load_balanced=False
            )
    out.bench_services = len(sizes)

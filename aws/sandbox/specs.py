"""What the sandbox account is made of, as data: clusters, services, images, task definitions.

Shared by the HTTP seeder (:mod:`.seed`), the backend seeders (:mod:`.fleet`) and the planted
problems (:mod:`.planted`), so every cluster is described the same way whichever path builds it.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from aws.sandbox.state import where

ACCOUNT = "123456789012"
REGION = "us-east-1"
REGISTRY = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"
EXECUTION_ROLE = f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole"
#: Image tags per repository, oldest first; task definition revision n uses VERSIONS[n].
VERSIONS = ("1.3.2", "1.4.0", "1.4.1", "1.5.0")
REVISIONS = 3


def registry() -> str:
    """The ECR registry of the account and region being worked in (REGISTRY in the default)."""
    account, region = where()
    return f"{account}.dkr.ecr.{region}.amazonaws.com"


def execution_role() -> str:
    return f"arn:aws:iam::{where()[0]}:role/ecsTaskExecutionRole"


def task_role(service: str) -> str:
    return f"arn:aws:iam::{where()[0]}:role/{service}-task"


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
    #: deploymentCircuitBreaker.rollback (the breaker itself is always on).
    rollback: bool = True
    #: ECS Exec on (enableExecuteCommand): its tasks pass the exec preflight.
    exec_enabled: bool = False
    #: A task role in the task definition; email-worker has none (a failing exec preflight).
    task_role: bool = True


@dataclass(frozen=True, slots=True)
class ClusterSpec:
    name: str
    #: EC2 container instances to register (0: Fargate only).
    instances: int = 0
    providers: tuple[str, ...] = ()


FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")
CLUSTERS: tuple[ClusterSpec, ...] = (
    ClusterSpec("core-ec2", instances=3),
    ClusterSpec("web-fargate", providers=FARGATE_PROVIDERS),
    ClusterSpec("shared-mixed", instances=2, providers=FARGATE_PROVIDERS),
)

SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec("payments-api", "core-ec2", "ec2-bridge", 2, host_port=8081, revision=2),
    ServiceSpec("ledger-service", "core-ec2", "ec2-bridge", 2, host_port=8082, sidecar=True),
    ServiceSpec("inventory-api", "core-ec2", "ec2-awsvpc", 2, cpu="512", memory="1024"),
    ServiceSpec("email-worker", "core-ec2", "ec2-bridge", 1, load_balanced=False, task_role=False),
    ServiceSpec("checkout-web", "web-fargate", "fargate", 3, cpu="512", memory="1024"),
    ServiceSpec("catalog-api", "web-fargate", "fargate", 2, sidecar=True, exec_enabled=True),
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


#: Showcase services the weather may deploy broken revisions to or scale past capacity
#: (:mod:`.faults`): none of them is one the live tests deploy, scale or delete.
WEATHER_SERVICES = ("auth-service", "ledger-service", "image-resizer")


@dataclass(frozen=True, slots=True)
class PlantedProblem:
    """One planted problem and the ids a test needs to recognise it in API answers."""

    kind: str  # targets / stopped / rollout / stuck / instance (aws.problem_models.PROBLEM_KINDS words)
    cluster: str
    service: str | None
    #: One line, as an on-call engineer would say it.
    what: str
    #: When it began (unhealthy since, stoppedAt, rollout failed at, first placement failure);
    #: None when the API has no time for it (an agent disconnect).
    since: datetime | None
    task_arn: str | None = None
    target_ids: tuple[str, ...] = ()
    deployment_id: str | None = None
    container_instance_arn: str | None = None

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["since"] = self.since.isoformat() if self.since else None
        out["target_ids"] = list(self.target_ids)
        return out


@dataclass
class Seeded:
    """Ids the simulator and tests need, so nobody rediscovers them by listing."""

    vpc_id: str = ""
    #: The AMI container instances are launched from.
    ami: str = ""
    subnets: list[str] = field(default_factory=list)
    task_sg: str = ""
    target_groups: dict[str, str] = field(default_factory=dict)  # service -> TG ARN
    services: dict[str, ServiceSpec] = field(default_factory=dict)  # "cluster/name" -> spec
    bench_services: int = 0
    #: Problems planted on purpose (``--problems``), for tests to compare with what they find.
    planted: list[PlantedProblem] = field(default_factory=list)


def manifest(repo: str, version: str, rng: random.Random) -> str:
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
        "image": f"{registry()}/{spec.name}:{version}",
        "essential": True,
        "cpu": 256 if spec.kind != "fargate" else int(spec.cpu) // (2 if spec.sidecar else 1),
        "memory": 512 if spec.kind != "fargate" else int(spec.memory) // (2 if spec.sidecar else 1),
        "portMappings": [port]
        if spec.load_balanced or spec.kind != "ec2-bridge" or spec.host_port
        else [],
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
                "awslogs-region": where()[1],
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

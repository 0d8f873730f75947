"""Clusters by the dozen or services by the thousand, written straight into moto's backends.

The showcase account goes over HTTP (:mod:`.seed`), a dozen calls a service. That is too slow
for the ``--services 2000`` bench or the ``--clusters 40`` fleet, so these are created with the
backend methods the HTTP handlers call, plus the same sandbox touches (deploymentConfiguration,
ECR images, log groups) a client would otherwise see missing. Tasks are started by the
simulator's first converge, as for every other service.

Filler clusters are plain and healthy: Fargate services of one to three tasks, half of them
behind an ALB, each image pushed to ECR so a task can pull it.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from aws.sandbox import deployments, ids, moto_patches, scans
from aws.sandbox.clock import now
from aws.sandbox.specs import (
    FARGATE_PROVIDERS,
    VERSIONS,
    Seeded,
    ServiceSpec,
    container_defs,
    execution_role,
    manifest,
    task_role,
)

BENCH_CLUSTER = "bench"
BIG_SERVICE = "bench-big"

#: Filler clusters are "<team>-prod"; no team names a showcase or planted service or cluster.
TEAMS = (
    "accounts", "ads", "audit", "booking", "cart", "chat", "crm", "datalake", "docs", "edge",
    "feeds", "fraud", "geo", "growth", "helpdesk", "iam", "ingest", "loyalty", "maps", "mobile",
    "offers", "orders", "partner", "pricing", "profile", "promo", "quotes", "ratings", "recs",
    "returns", "reviews", "risk", "shipping", "sso", "tax", "tickets", "vault", "wallet",
    "warehouse", "webhooks",
)  # fmt: skip
ROLES = ("api", "web", "worker", "sync", "cron", "gateway")
LOAD_BALANCED_ROLES = ("api", "web", "gateway")
BREAKER = {
    "deploymentCircuitBreaker": {"enable": True, "rollback": True},
    "maximumPercent": 200,
    "minimumHealthyPercent": 100,
}


def filler_names(count: int, env: str = "prod", first: int = 0) -> list[tuple[str, str]]:
    """``count`` (cluster name, service name prefix) pairs: each team once, then numbered
    rounds ("orders-prod-2" runs "orders-2-api"), so every name is unique in the account.
    ``env`` names the account ("orders-staging") and ``first`` the team to start from, so two
    accounts of the sandbox do not hold the same clusters."""
    teams = TEAMS[first % len(TEAMS) :] + TEAMS[: first % len(TEAMS)]
    names: list[tuple[str, str]] = []
    round_ = 1
    while len(names) < count:
        for team in teams[: count - len(names)]:
            if round_ == 1:
                names.append((f"{team}-{env}", team))
            else:
                names.append((f"{team}-{env}-{round_}", f"{team}-{round_}"))
        round_ += 1
    return names


def seed_fleet(
    out: Seeded, rng: random.Random, count: int, env: str = "prod", first: int = 0
) -> list[str]:
    """``count`` healthy filler clusters: two to four Fargate services each, an ALB for the
    load-balanced ones, ECR images, task definitions and log groups. Returns their names."""
    names = filler_names(count, env, first)
    with moto_patches.LOCK:
        b = moto_patches.backends()
        for name, team in names:
            roles = rng.sample(ROLES, rng.randint(2, 4))
            specs = [
                ServiceSpec(
                    f"{team}-{role}",
                    name,
                    "fargate",
                    rng.choice((1, 2, 2, 3)),
                    load_balanced=role in LOAD_BALANCED_ROLES,
                )
                for role in roles
            ]
            # Straight into the backends, not over HTTP: the cluster's ARNs from its own stream.
            with ids.minting("fleet-cluster", name):
                _fargate_cluster(b["ecs"], name)
                balanced = [s for s in specs if s.load_balanced]
                groups = _load_balancer(b["elbv2"], out, name, balanced)
                for spec in specs:
                    _repository(b["ecr"], spec.name, rng)
                    b["logs"].create_log_group(f"/ecs/{spec.name}", {"service": spec.name})
                    arn = _task_definition(b["ecs"], spec, VERSIONS[-1])
                    _service(b["ecs"], out, spec, arn, groups.get(spec.name))
    return [name for name, _ in names]


def seed_bench(
    out: Seeded, count: int, *, tasks_per_service: int = 2, big_service: int = 0
) -> None:
    """``count`` Fargate services of ``tasks_per_service`` tasks each, plus ``bench-big`` with
    ``big_service`` tasks when asked (HTTP would take minutes for 2,000)."""
    spec = ServiceSpec("bench-app", BENCH_CLUSTER, "fargate", 2, load_balanced=False)
    with moto_patches.LOCK, ids.minting("bench-cluster", BENCH_CLUSTER):
        b = moto_patches.backends()
        ecs = b["ecs"]
        _fargate_cluster(ecs, BENCH_CLUSTER)
        _repository(b["ecr"], "bench-app", random.Random(0))
        td = _task_definition(ecs, spec, VERSIONS[-1])
        sizes = [(f"bench-{i:05d}", tasks_per_service) for i in range(count)]
        if big_service:
            sizes.append((BIG_SERVICE, big_service))
        for name, desired in sizes:
            bench = ServiceSpec(name, BENCH_CLUSTER, "fargate", desired, load_balanced=False)
            _service(ecs, out, bench, td, None, config=None)
    out.bench_services = len(sizes)


def _fargate_cluster(ecs: Any, name: str) -> None:
    ecs.create_cluster(
        cluster_name=name,
        capacity_providers=list(FARGATE_PROVIDERS),
        default_capacity_provider_strategy=[
            {"capacityProvider": "FARGATE", "weight": 1, "base": 0}
        ],
    )


def _repository(ecr: Any, name: str, rng: random.Random) -> None:
    """Every release's image, a week apart (the task definition names the newest), so the
    simulator's pull finds it and the images view has a history."""
    ecr.create_repository(
        repository_name=name,
        registry_id=None,
        encryption_config={"encryptionType": "AES256"},
        image_scan_config={"scanOnPush": True},
        image_tag_mutability="MUTABLE",
        tags=[{"Key": "team", "Value": "platform"}],
    )
    stamp = now()
    for age, version in enumerate(reversed(VERSIONS)):
        image = ecr.put_image(name, manifest(name, version, rng), version)
        image.image_pushed_at = int((stamp - timedelta(days=7 * age + 1)).timestamp())
    scans.scan_repository(ecr.repositories[name].images, name)


def _task_definition(ecs: Any, spec: ServiceSpec, version: str) -> str:
    td = ecs.register_task_definition(
        family=spec.name,
        container_definitions=container_defs(spec, version),
        network_mode="awsvpc",
        requires_compatibilities=["FARGATE"],
        cpu=spec.cpu,
        memory=spec.memory,
        task_role_arn=task_role(spec.name),
        execution_role_arn=execution_role(),
        tags=[{"key": "service", "value": spec.name}],
    )
    arn: str = td.arn
    return arn


def _load_balancer(elb: Any, out: Seeded, cluster: str, specs: list[ServiceSpec]) -> dict[str, str]:
    """An ALB for the cluster with one ip target group per service; a listener forwards to
    each (describe_target_groups by load balancer only finds groups a listener uses)."""
    if not specs:
        return {}
    lb = elb.create_load_balancer(
        name=f"{cluster}-alb"[:32],
        security_groups=[out.target_groups["__alb_sg__"]],
        subnet_ids=out.subnets,
        scheme="internet-facing",
        loadbalancer_type="application",
    )
    groups: dict[str, str] = {}
    for spec in specs:
        tg = elb.create_target_group(
            f"{spec.name}-tg"[:32],
            vpc_id=out.vpc_id,
            protocol="HTTP",
            port=8080,
            healthcheck_path="/health",
            healthcheck_interval_seconds=15,
            healthy_threshold_count=3,
            unhealthy_threshold_count=2,
            matcher={"HttpCode": "200"},
            target_type="ip",
        )
        groups[spec.name] = tg.arn
        out.target_groups[spec.name] = tg.arn
    first, *others = specs
    listener = elb.create_listener(
        load_balancer_arn=lb.arn,
        protocol="HTTP",
        port="80",
        ssl_policy="",
        certificate=None,
        actions=[{"Type": "forward", "TargetGroupArn": groups[first.name]}],
    )
    for priority, spec in enumerate(others, start=10):
        elb.create_rule(
            listener_arn=listener.arn,
            conditions=[{"Field": "host-header", "Values": [f"{spec.name}.example.com"]}],
            priority=priority,
            actions=[{"Type": "forward", "TargetGroupArn": groups[spec.name]}],
        )
    return groups


def _service(
    ecs: Any,
    out: Seeded,
    spec: ServiceSpec,
    taskdef_arn: str,
    target_group: str | None,
    *,
    config: dict[str, Any] | None = BREAKER,
) -> None:
    network = {
        "awsvpcConfiguration": {
            "subnets": out.subnets,
            "securityGroups": [out.task_sg],
            "assignPublicIp": "DISABLED",
        }
    }
    balancers = (
        [{"targetGroupArn": target_group, "containerName": spec.name, "containerPort": 8080}]
        if target_group
        else []
    )
    service = ecs.create_service(
        spec.cluster,
        spec.name,
        spec.desired,
        task_definition_str=taskdef_arn,
        load_balancers=balancers,
        tags=[{"key": "service", "value": spec.name}] if config else None,
        launch_type="FARGATE",
        network_configuration=network,
        propagate_tags="SERVICE" if config else "NONE",
    )
    deployments.set_deployment_configuration(service, config)
    out.services[f"{spec.cluster}/{spec.name}"] = spec

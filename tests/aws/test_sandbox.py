"""The sandbox seen from outside, over HTTP with boto3, as any client (the app, a script) sees it.

Two sandboxes per session: a frozen one (``--no-simulate``) for exact static assertions, and a
live one at 5 ticks a second for rollouts, replacements and health flaps. Each mutating test
uses its own service so they never wait on each other.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from aws.sandbox.server import spawn_sandbox
from tests.aws.observe import all_services, all_tasks, boto_clients, one_service, wait_for

Clients = dict[str, Any]


@pytest.fixture(scope="module")
def frozen(sandbox_frozen: str) -> Clients:
    return boto_clients(sandbox_frozen)


@pytest.fixture(scope="module")
def live(sandbox_live: str) -> Clients:
    return boto_clients(sandbox_live)


def _compute(service: dict[str, Any]) -> set[str]:
    primary = next(d for d in service["deployments"] if d["status"] == "PRIMARY")
    if primary.get("capacityProviderStrategy"):
        return (
            {"FARGATE"}
            if all(
                i["capacityProvider"].startswith("FARGATE")
                for i in primary["capacityProviderStrategy"]
            )
            else {"EC2"}
        )
    return {primary["launchType"]}


# ---------------------------------------------------------------- the seeded account (frozen)


def test_account_has_clusters_services_and_both_launch_types(frozen: Clients) -> None:
    ecs = frozen["ecs"]
    clusters = [a.rsplit("/", 1)[-1] for a in ecs.list_clusters()["clusterArns"]]
    assert {"core-ec2", "web-fargate", "shared-mixed", "bench"} <= set(clusters)
    services = [
        s for c in ("core-ec2", "web-fargate", "shared-mixed") for s in all_services(ecs, c)
    ]
    assert len(services) >= 10
    kinds = set().union(*(_compute(s) for s in services))
    assert kinds == {"EC2", "FARGATE"}
    fargate = ecs.describe_clusters(clusters=["web-fargate"])["clusters"][0]
    assert set(fargate["capacityProviders"]) == {"FARGATE", "FARGATE_SPOT"}
    assert ecs.list_container_instances(cluster="core-ec2")["containerInstanceArns"]
    assert len(all_services(ecs, "bench")) == 300


def test_running_tasks_equal_desired_for_every_service(frozen: Clients) -> None:
    ecs = frozen["ecs"]
    for cluster in ("core-ec2", "web-fargate", "shared-mixed", "bench"):
        tasks = all_tasks(ecs, cluster)
        for service in all_services(ecs, cluster):
            mine = [t for t in tasks if t["group"] == f"service:{service['serviceName']}"]
            assert all(t["lastStatus"] == "RUNNING" for t in mine)
            assert len(mine) == service["desiredCount"] == service["runningCount"], service[
                "serviceName"
            ]
            (primary,) = service["deployments"]
            assert primary["rolloutState"] == "COMPLETED"
            assert {t["startedBy"] for t in mine} <= {primary["id"]}
    big = one_service(ecs, "shared-mixed", "events-ingest")
    assert big["desiredCount"] > 100


def test_registered_targets_belong_to_tasks(frozen: Clients) -> None:
    ecs, elb = frozen["ecs"], frozen["elbv2"]
    instances: dict[str, str] = {}
    for cluster in ("core-ec2", "shared-mixed"):
        arns = ecs.list_container_instances(cluster=cluster)["containerInstanceArns"]
        for ci in ecs.describe_container_instances(cluster=cluster, containerInstances=arns)[
            "containerInstances"
        ]:
            instances[ci["containerInstanceArn"]] = ci["ec2InstanceId"]
    seen_types = set()
    for cluster in ("core-ec2", "web-fargate", "shared-mixed"):
        tasks = all_tasks(ecs, cluster)
        for service in all_services(ecs, cluster):
            if not service["loadBalancers"]:
                continue
            tg_arn = service["loadBalancers"][0]["targetGroupArn"]
            tg = elb.describe_target_groups(TargetGroupArns=[tg_arn])["TargetGroups"][0]
            assert tg["LoadBalancerArns"], "a listener forwards to every group"
            seen_types.add(tg["TargetType"])
            mine = [t for t in tasks if t["group"] == f"service:{service['serviceName']}"]
            if tg["TargetType"] == "ip":
                expected = {
                    (d["value"], 8080)
                    for t in mine
                    for a in t["attachments"]
                    for d in a["details"]
                    if d["name"] == "privateIPv4Address"
                }
            else:
                expected = {
                    (instances[t["containerInstanceArn"]], nb["hostPort"])
                    for t in mine
                    for c in t["containers"]
                    for nb in c.get("networkBindings", [])
                }
            health = elb.describe_target_health(TargetGroupArn=tg_arn)["TargetHealthDescriptions"]
            got = {(h["Target"]["Id"], h["Target"]["Port"]) for h in health}
            assert got == expected, service["serviceName"]
    assert seen_types == {"ip", "instance"}


def test_launch_type_variety_for_the_switch_feature(frozen: Clients) -> None:
    ecs, elb = frozen["ecs"], frozen["elbv2"]

    def taskdef(service: dict[str, Any]) -> dict[str, Any]:
        td: dict[str, Any] = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])[
            "taskDefinition"
        ]
        return td

    def tg_type(service: dict[str, Any]) -> str:
        arn = service["loadBalancers"][0]["targetGroupArn"]
        kind: str = elb.describe_target_groups(TargetGroupArns=[arn])["TargetGroups"][0][
            "TargetType"
        ]
        return kind

    bridge = one_service(ecs, "core-ec2", "payments-api")
    assert bridge["launchType"] == "EC2"
    assert taskdef(bridge)["networkMode"] == "bridge"
    assert "FARGATE" not in taskdef(bridge)["requiresCompatibilities"]
    assert tg_type(bridge) == "instance"
    awsvpc = one_service(ecs, "core-ec2", "inventory-api")
    assert awsvpc["launchType"] == "EC2"
    assert taskdef(awsvpc)["networkMode"] == "awsvpc"
    assert "FARGATE" in taskdef(awsvpc)["requiresCompatibilities"]
    assert tg_type(awsvpc) == "ip"
    spot = one_service(ecs, "web-fargate", "notifications")
    assert "launchType" not in spot
    assert {i["capacityProvider"] for i in spot["capacityProviderStrategy"]} == {
        "FARGATE",
        "FARGATE_SPOT",
    }
    assert spot["deployments"][0]["capacityProviderStrategy"] == spot["capacityProviderStrategy"]


def test_ecr_repositories_images_and_task_definitions_use_them(frozen: Clients) -> None:
    ecs, ecr = frozen["ecs"], frozen["ecr"]
    repos = ecr.describe_repositories()["repositories"]
    assert len(repos) >= 2
    uris = {r["repositoryUri"] for r in repos}
    for repo in repos:
        images = ecr.describe_images(repositoryName=repo["repositoryName"])["imageDetails"]
        assert len(images) >= 3
        assert len({i["imagePushedAt"] for i in images}) >= 3
    td = ecs.describe_task_definition(taskDefinition="checkout-web")["taskDefinition"]
    assert td["revision"] >= 3
    assert td["requiresCompatibilities"] == ["FARGATE"]
    assert (td["cpu"], td["memory"]) == ("512", "1024")
    image = td["containerDefinitions"][0]["image"]
    assert image.rsplit(":", 1)[0] in uris
    assert td["containerDefinitions"][0]["logConfiguration"]["logDriver"] == "awslogs"


def test_log_groups_have_recent_lines(frozen: Clients) -> None:
    logs = frozen["logs"]
    events = logs.filter_log_events(logGroupName="/ecs/checkout-web", limit=20)["events"]
    assert any("Listening on" in e["message"] for e in events)


def test_stopped_tasks_with_reasons_exist_from_the_start(frozen: Clients) -> None:
    ecs = frozen["ecs"]
    stopped = [t for c in ("core-ec2", "web-fargate") for t in all_tasks(ecs, c, "STOPPED")]
    codes = {t["stopCode"] for t in stopped}
    assert {"EssentialContainerExited", "TaskFailedToStart"} <= codes
    assert all(t["stoppedReason"] and t.get("stoppedAt") for t in stopped)
    oom = [c for t in stopped for c in t["containers"] if c.get("exitCode") == 137]
    assert oom and "OutOfMemoryError" in oom[0]["reason"]
    pull = [t for t in stopped if t["stopCode"] == "TaskFailedToStart"]
    assert pull[0]["stoppedReason"].startswith("CannotPullContainerError")


def test_some_targets_are_unhealthy_with_a_reason(frozen: Clients) -> None:
    ecs, elb = frozen["ecs"], frozen["elbv2"]
    states = []
    for cluster in ("core-ec2", "web-fargate", "shared-mixed"):
        for service in all_services(ecs, cluster):
            for lb in service["loadBalancers"]:
                states += [
                    h["TargetHealth"]
                    for h in elb.describe_target_health(TargetGroupArn=lb["targetGroupArn"])[
                        "TargetHealthDescriptions"
                    ]
                ]
    unhealthy = [s for s in states if s["State"] == "unhealthy"]
    assert unhealthy and all(s["Reason"].startswith("Target.") for s in unhealthy)


# ---------------------------------------------------------------- answering mutations (live)


def _rolled_out(ecs: Any, cluster: str, name: str, revision: str, count: int) -> bool:
    service = one_service(ecs, cluster, name)
    if len(service["deployments"]) != 1:
        return False
    primary = service["deployments"][0]
    tasks = [t for t in all_tasks(ecs, cluster) if t["group"] == f"service:{name}"]
    on_new = [
        t for t in tasks if t["taskDefinitionArn"] == revision and t["lastStatus"] == "RUNNING"
    ]
    return bool(
        primary["rolloutState"] == "COMPLETED"
        and primary["taskDefinition"] == revision
        and len(on_new) == count == primary["runningCount"]
    )


def test_new_revision_rolls_out_to_completed(live: Clients) -> None:
    ecs = live["ecs"]
    td = ecs.describe_task_definition(taskDefinition="catalog-api")["taskDefinition"]
    keep = ecs.meta.service_model.operation_model("RegisterTaskDefinition").input_shape.members
    new = ecs.register_task_definition(**{k: v for k, v in td.items() if k in keep})
    revision = new["taskDefinition"]["taskDefinitionArn"]
    family_rev = f"catalog-api:{new['taskDefinition']['revision']}"
    old_primary = one_service(ecs, "web-fargate", "catalog-api")["deployments"][0]["id"]

    updated = ecs.update_service(
        cluster="web-fargate", service="catalog-api", taskDefinition=family_rev
    )
    service = updated["service"]
    assert service["taskDefinition"] == revision  # normalised to the full ARN
    statuses = {d["status"]: d for d in service["deployments"]}
    assert statuses["PRIMARY"]["rolloutState"] == "IN_PROGRESS"
    assert statuses["ACTIVE"]["id"] == old_primary

    wait_for(lambda: _rolled_out(ecs, "web-fargate", "catalog-api", revision, 2), what="rollout")
    messages = [e["message"] for e in one_service(ecs, "web-fargate", "catalog-api")["events"]]
    assert any("deployment completed" in m for m in messages)
    assert any("has reached a steady state" in m for m in messages)
    assert any("registered 1 targets" in m for m in messages)
    assert any("has begun draining" in m for m in messages)
    # The old deployment's tasks were stopped by the rollout (the weather may have killed one
    # out of memory before that; those stopped for their own reasons).
    rollout = f"Scaling activity initiated by (deployment {statuses['PRIMARY']['id']})"
    stopped = [
        t
        for t in all_tasks(ecs, "web-fargate", "STOPPED")
        if t["group"] == "service:catalog-api"
        and t["startedBy"] == old_primary
        and t["stoppedReason"] == rollout
    ]
    assert stopped and {t["stopCode"] for t in stopped} == {"ServiceSchedulerInitiated"}


def test_scale_plus_one_completes(live: Clients) -> None:
    ecs = live["ecs"]
    before = one_service(ecs, "web-fargate", "checkout-web")
    ecs.update_service(
        cluster="web-fargate", service="checkout-web", desiredCount=before["desiredCount"] + 1
    )
    after = one_service(ecs, "web-fargate", "checkout-web")
    assert len(after["deployments"]) == 1  # a pure scale is not a new deployment
    assert after["runningCount"] <= before["desiredCount"]  # not moto's instant running
    wait_for(
        lambda: _rolled_out(
            ecs, "web-fargate", "checkout-web", before["taskDefinition"], before["desiredCount"] + 1
        ),
        what="scale",
    )
    messages = [e["message"] for e in one_service(ecs, "web-fargate", "checkout-web")["events"]]
    assert any("has started 1 tasks" in m for m in messages)


def test_ec2_bridge_service_rolls_out_past_static_host_ports(live: Clients) -> None:
    ecs = live["ecs"]
    service = one_service(ecs, "core-ec2", "payments-api")
    family, rev = service["taskDefinition"].rsplit("/", 1)[-1].split(":")
    target = f"{family}:{int(rev) + 1}"
    arn = ecs.describe_task_definition(taskDefinition=target)["taskDefinition"]["taskDefinitionArn"]
    ecs.update_service(cluster="core-ec2", service="payments-api", taskDefinition=arn)
    wait_for(lambda: _rolled_out(ecs, "core-ec2", "payments-api", arn, 2), what="EC2 rollout")


def test_stop_task_gets_a_replacement(live: Clients) -> None:
    ecs = live["ecs"]
    mine = [t for t in all_tasks(ecs, "web-fargate") if t["group"] == "service:search-api"]
    victim = mine[0]["taskArn"]
    stopped = ecs.stop_task(cluster="web-fargate", task=victim, reason="ops: testing")["task"]
    assert stopped["lastStatus"] == "STOPPED" and stopped["stopCode"] == "UserInitiated"

    def replaced() -> bool:
        now = [t for t in all_tasks(ecs, "web-fargate") if t["group"] == "service:search-api"]
        running = [t for t in now if t["lastStatus"] == "RUNNING"]
        return victim not in {t["taskArn"] for t in now} and len(running) == 2

    wait_for(replaced, what="replacement")


def test_switch_to_fargate_capacity_provider(live: Clients) -> None:
    ecs = live["ecs"]
    strategy = [{"capacityProvider": "FARGATE", "weight": 1}]
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="not associated"):
        ecs.update_service(
            cluster="core-ec2",
            service="inventory-api",
            capacityProviderStrategy=strategy,
            forceNewDeployment=True,
        )
    # As on AWS: attach the provider first (the call replaces the cluster's whole list).
    ecs.put_cluster_capacity_providers(
        cluster="core-ec2",
        capacityProviders=["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy=[],
    )
    ecs.update_service(
        cluster="core-ec2",
        service="inventory-api",
        capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}],
        forceNewDeployment=True,
    )
    service = one_service(ecs, "core-ec2", "inventory-api")
    assert "launchType" not in service
    assert service["deployments"][0]["capacityProviderStrategy"][0]["capacityProvider"] == "FARGATE"

    def on_fargate() -> bool:
        svc = one_service(ecs, "core-ec2", "inventory-api")
        tasks = [
            t
            for t in all_tasks(ecs, "core-ec2")
            if t["group"] == "service:inventory-api" and t["lastStatus"] == "RUNNING"
        ]
        return (
            len(svc["deployments"]) == 1
            and svc["deployments"][0]["rolloutState"] == "COMPLETED"
            and len(tasks) == 2
            and all(t.get("capacityProviderName") == "FARGATE" for t in tasks)
        )

    wait_for(on_fargate, what="switch to Fargate")


def test_a_target_turns_non_healthy(live: Clients) -> None:
    ecs, elb = live["ecs"], live["elbv2"]
    groups = [
        lb["targetGroupArn"]
        for c in ("core-ec2", "web-fargate", "shared-mixed")
        for s in all_services(ecs, c)
        for lb in s["loadBalancers"]
    ]

    def states() -> dict[tuple[str, str, int], tuple[str, str | None]]:
        out = {}
        for arn in groups:
            for h in elb.describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]:
                key = (arn, h["Target"]["Id"], h["Target"]["Port"])
                out[key] = (h["TargetHealth"]["State"], h["TargetHealth"].get("Reason"))
        return out

    first = states()
    healthy = {k for k, (state, _) in first.items() if state == "healthy"}

    def flapped() -> list[tuple[str, str | None]]:
        return [v for k, v in states().items() if k in healthy and v[0] == "unhealthy"]

    # 20 s is 100 ticks at --tick 0.2 (a flap comes every ~12 ticks on average).
    found = wait_for(flapped, timeout=20, what="a healthy target to turn unhealthy")
    assert found[0][1] in (
        "Target.FailedHealthChecks",
        "Target.Timeout",
        "Target.ResponseCodeMismatch",
    )


def test_deleted_service_tasks_stop(live: Clients) -> None:
    ecs = live["ecs"]
    ecs.update_service(cluster="shared-mixed", service="reporting-batch", desiredCount=0)
    ecs.delete_service(cluster="shared-mixed", service="reporting-batch")

    def gone() -> bool:
        return not [
            t for t in all_tasks(ecs, "shared-mixed") if t["group"] == "service:reporting-batch"
        ]

    wait_for(gone, what="the deleted service's tasks to stop")


def test_busy_port_fails_fast_instead_of_hanging() -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(RuntimeError, match="did not print its URL"):
            spawn_sandbox(["--port", str(port)], timeout=30)
        assert time.monotonic() - started < 25

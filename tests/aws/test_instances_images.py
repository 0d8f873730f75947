"""Container instances (the new fields, drain/activate plans, a batch call's failures) and which
services use an ECR image, against a bare moto server."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from aws import ecs, ecs_convert
from aws.actions import plan_instance_state
from aws.ecr_models import Image
from aws.execute import execute
from aws.image_usage import ImageUse, in_repository, refers_to, services_first, users_of
from aws.models import ContainerInstance, Service
from aws.plan import ValidationError
from tests.aws.test_actions import boto, open_clients

REPO = "123456789012.dkr.ecr.us-east-1.amazonaws.com/web"
IMAGE = Image(
    "web", "sha256:" + "a" * 64, ("1.2.0", "latest"), datetime(2026, 1, 1, tzinfo=UTC), 1, None
)


def make_service(name: str) -> Service:
    return Service(
        f"arn:service/prod/{name}", name, "arn:cluster/prod", "ACTIVE", 1, 1, 0, f"{name}:1",
        None, (), (), (), (), None, "ECS", None,
    )  # fmt: skip


def ec2_cluster(url: str, name: str = "ec2") -> str:
    ec2 = boto(url, "ec2")
    ami = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    inst = ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1, InstanceType="m5.large")
    instance_id = inst["Instances"][0]["InstanceId"]
    client = boto(url, "ecs")
    client.create_cluster(clusterName=name)
    doc = json.dumps({"instanceId": instance_id})
    return str(
        client.register_container_instance(cluster=name, instanceIdentityDocument=doc)[
            "containerInstance"
        ]["containerInstanceArn"]
    )


async def test_instances_carry_type_zone_agent_and_resources(moto_url: str) -> None:
    arn = ec2_cluster(moto_url)
    async with open_clients(moto_url) as c:
        [ci] = await ecs.read_container_instances(c, "ec2")
    assert ci.arn == arn and ci.id == arn.rsplit("/", 1)[-1]
    assert ci.instance_type == "m5.large"
    assert ci.availability_zone and ci.availability_zone.startswith("us-east-1")
    assert ci.agent_version
    assert ci.cpu_registered and ci.memory_registered
    assert ci.cpu_remaining == ci.cpu_registered  # nothing placed yet


def test_container_instance_without_the_optional_fields() -> None:
    ci = ecs_convert.container_instance_from_dict({"containerInstanceArn": "arn:x/ci/1"})
    assert (ci.instance_type, ci.availability_zone, ci.agent_version) == (None, None, None)
    assert (ci.cpu_registered, ci.memory_remaining) == (None, None)


async def test_drain_and_activate_plans_round_trip(moto_url: str) -> None:
    arn = ec2_cluster(moto_url)
    async with open_clients(moto_url) as c:
        [ci] = await ecs.read_container_instances(c, "ec2")
        plan = plan_instance_state("ec2", ci, "DRAINING")
        assert plan.calls[0].operation == "UpdateContainerInstancesState"
        assert plan.calls[0].params == {
            "cluster": "ec2",
            "containerInstances": [arn],
            "status": "DRAINING",
        }
        assert "update-container-instances-state" in plan.cli()
        outcome = await execute(c, plan)
        assert outcome.ok, outcome.report()
        # the answer is AWS-shaped: the same attributes DescribeContainerInstances gives
        answered = outcome.results[0]["containerInstances"][0]
        assert {"name": "ecs.instance-type", "value": "m5.large"} in answered["attributes"]
        [drained] = await ecs.read_container_instances(c, "ec2")
        assert drained.status == "DRAINING"
        assert "already DRAINING" in " ".join(plan_instance_state("ec2", drained, "DRAINING").notes)
        assert (await execute(c, plan_instance_state("ec2", drained, "ACTIVE"))).ok
        [back] = await ecs.read_container_instances(c, "ec2")
        assert back.status == "ACTIVE"
    with pytest.raises(ValidationError):
        plan_instance_state("ec2", back, "DEREGISTERING")


async def test_a_batch_calls_failures_are_a_failure(moto_url: str) -> None:
    """UpdateContainerInstancesState answers 200 with ``failures`` for an unknown instance."""
    ec2_cluster(moto_url)
    ghost = ContainerInstance(
        "arn:aws:ecs:us-east-1:123456789012:container-instance/ec2/0000",
        "i-0",
        "ACTIVE",
        True,
        0,
        0,
    )
    async with open_clients(moto_url) as c:
        outcome = await execute(c, plan_instance_state("ec2", ghost, "DRAINING"))
    assert not outcome.ok
    assert outcome.error and "MISSING" in outcome.error
    assert "Failed: UpdateContainerInstancesState" in outcome.report()


def test_an_image_is_named_by_digest_tag_or_no_tag() -> None:
    assert refers_to(f"{REPO}:1.2.0", REPO, IMAGE)
    assert refers_to(f"{REPO}@{IMAGE.digest}", REPO, IMAGE)
    assert refers_to(REPO, REPO, IMAGE)  # no tag: latest
    assert not refers_to(f"{REPO}:1.1.0", REPO, IMAGE)
    assert not refers_to(f"{REPO}-worker:1.2.0", REPO, IMAGE)  # another repository
    assert not refers_to("nginx:1.2.0", REPO, IMAGE)
    assert in_repository(f"{REPO}:9.9.9", REPO) and not in_repository("nginx", REPO)


def test_users_of_an_image_and_the_picker_order() -> None:
    api, worker, other = (make_service(name) for name in ("api", "worker", "other"))
    uses = [
        ImageUse(worker, "worker", f"{REPO}:1.1.0"),
        ImageUse(api, "api", f"{REPO}:1.2.0"),
        ImageUse(other, "other", "nginx:1.25"),
    ]
    assert [u.service.name for u in users_of(uses, REPO, IMAGE)] == ["api"]
    ordered = services_first([other, worker, api], uses, REPO)
    assert [s.name for s in ordered] == ["api", "worker", "other"]


async def test_used_by_counts_the_revision_a_failed_rollout_left_running(
    sandbox_problems: str,
) -> None:
    """billing-prod/invoice-api's rollout to a never-pushed tag failed: its current task
    definition names that tag, while every running task runs the previous revision's image.
    Both are in use; the one that runs is the one that matters."""
    from aws.image_usage import read_image_uses
    from aws.sandbox.planted import BROKEN_TAG

    async with open_clients(sandbox_problems) as c:
        found = await read_image_uses(c, "billing-prod")
    service = next(s for s in found.services if s.name == "invoice-api")
    running = next(d for d in service.deployments if d.running > 0)
    assert running.task_definition != service.task_definition
    images = {u.image for u in found.uses if u.service.name == "invoice-api"}
    assert any(i.endswith(f":{BROKEN_TAG}") for i in images)
    served = {i for i in images if not i.endswith(f":{BROKEN_TAG}")}
    assert served, images
    mine = [(u.container, u.image) for u in found.uses if u.service.name == "invoice-api"]
    assert len(mine) == len(set(mine))  # a revision both current and running counts once

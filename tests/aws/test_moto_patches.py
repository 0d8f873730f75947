"""The sandbox's edits to moto internals, checked against the installed moto.

These fail loudly (and first) when a moto upgrade moves something the sandbox relies on, so the
fix is in aws/sandbox/ (moto_patches.py and the ecs_/elb_patches.py it installs, fidelity.py,
aws_like.py) rather than a sandbox that quietly stops moving or stops keeping AWS's contract.
They run in-process with ``mock_aws``; the patches stay installed afterwards, which is harmless:
with no health overrides and no sandbox, patched moto answers as plain moto does.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import boto3
import moto
import pytest
from moto import mock_aws

from aws.sandbox import moto_patches, patching


@pytest.fixture(autouse=True)
def _restore_moto() -> Iterator[None]:
    """Other test files share this process (and moto's classes): leave moto unpatched."""
    yield
    moto_patches.unapply()
    moto_patches.HEALTH.clear()


@pytest.fixture
def patched() -> Iterator[dict[str, Any]]:
    moto_patches.apply()
    with mock_aws():
        kw: dict[str, Any] = {"region_name": "us-east-1"}
        yield {n: boto3.client(n, **kw) for n in ("ecs", "ec2", "elbv2")}


def test_moto_version_is_in_the_pinned_range() -> None:
    major, minor, *_ = (int(p) for p in moto.__version__.split(".")[:3])
    assert (major, minor) == (5, 2), (
        f"moto {moto.__version__}: aws/sandbox/moto_patches.py was written for 5.2.x; "
        "recheck every patch, then move the pin in pyproject.toml"
    )


def test_apply_installs_every_patch_once() -> None:
    from moto.ecs.models import EC2ContainerServiceBackend
    from moto.ecs.responses import EC2ContainerServiceResponse
    from moto.elbv2.models import FakeTargetGroup
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    moto_patches.apply()
    moto_patches.apply()
    for owner, name in (
        (DomainDispatcherApplication, "__call__"),
        (FakeTargetGroup, "health_for"),
        (EC2ContainerServiceBackend, "update_service"),
        (EC2ContainerServiceBackend, "stop_task"),
        (EC2ContainerServiceBackend, "describe_tasks"),
        (EC2ContainerServiceResponse, "create_service"),
    ):
        patched = getattr(owner, name)
        assert getattr(patched, "__ecsdeck_patched__", False), f"{owner.__name__}.{name}"
        original = patched.__ecsdeck_original__
        assert not getattr(original, "__ecsdeck_patched__", False), "patched twice"
    moto_patches.unapply()
    assert not getattr(FakeTargetGroup.health_for, "__ecsdeck_patched__", False)


def test_missing_attribute_names_the_moto_version() -> None:
    class Empty:
        pass

    with pytest.raises(RuntimeError, match=rf"moto {moto.__version__}.*Empty\.health_for"):
        patching.require(Empty, "health_for")


def test_moto_internals_the_simulator_uses_still_exist() -> None:
    from moto.ecs.models import EC2ContainerServiceBackend, Service, Task
    from moto.elbv2.models import FakeHealthStatus, FakeTargetGroup
    from moto.moto_api import state_manager
    from moto.moto_api._internal import mock_random

    for name in (
        "_get_cluster",
        "_get_service",
        "_calculate_task_resource_requirements",
        "_can_be_placed",
        "update_container_instance_resources",
        "describe_task_definition",
    ):
        assert callable(getattr(EC2ContainerServiceBackend, name)), name
    task_params = inspect.signature(Task.__init__).parameters
    for p in (
        "cluster",
        "task_definition",
        "container_instance_arn",
        "resource_requirements",
        "backend",
        "group",
        "launch_type",
        "started_by",
        "networking_configuration",
        "platform_version",
        "capacity_provider_name",
    ):
        assert p in task_params, p
    assert isinstance(Task.last_status, property) and Task.last_status.fset is not None
    assert "deployments" in inspect.getsource(Service.__init__)
    health_params = list(inspect.signature(FakeHealthStatus.__init__).parameters)
    assert health_params[1:7] == [
        "instance_id",
        "port",
        "health_port",
        "status",
        "reason",
        "description",
    ]
    assert {"register", "deregister"} <= set(dir(FakeTargetGroup))
    assert callable(state_manager.set_transition) and callable(mock_random.seed)


def _fargate_service(ecs: Any, ec2: Any, **extra: Any) -> tuple[str, list[str]]:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(GroupName="t", Description="t", VpcId=vpc)["GroupId"]
    ecs.create_cluster(clusterName="c", capacityProviders=["FARGATE", "FARGATE_SPOT"])
    arns = []
    for tag in ("1", "2"):
        arns.append(
            ecs.register_task_definition(
                family="web",
                networkMode="awsvpc",
                requiresCompatibilities=["FARGATE"],
                cpu="256",
                memory="512",
                containerDefinitions=[{"name": "web", "image": f"web:{tag}", "memory": 512}],
            )["taskDefinition"]["taskDefinitionArn"]
        )
    ecs.create_service(
        cluster="c",
        serviceName="web",
        taskDefinition="web:1",
        desiredCount=2,
        networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [sg]}},
        **extra,
    )
    return vpc, arns


def test_health_for_returns_the_simulators_state(patched: dict[str, Any]) -> None:
    ec2, elb = patched["ec2"], patched["elbv2"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    tg = elb.create_target_group(Name="t", Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="ip")[
        "TargetGroups"
    ][0]["TargetGroupArn"]
    elb.register_targets(TargetGroupArn=tg, Targets=[{"Id": "10.0.0.5", "Port": 8080}])

    def state() -> dict[str, Any]:
        (desc,) = elb.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]
        health: dict[str, Any] = desc["TargetHealth"]
        return health

    assert state()["State"] == "healthy"
    moto_patches.HEALTH[(tg, "10.0.0.5", 8080)] = (
        "unhealthy",
        "Target.Timeout",
        "Request timed out",
    )
    assert state() == {
        "State": "unhealthy",
        "Reason": "Target.Timeout",
        "Description": "Request timed out",
    }
    moto_patches.HEALTH.clear()
    assert state()["State"] == "healthy"


def test_moto_internals_the_faults_and_backend_seeding_use_still_exist() -> None:
    """Faults read and set container instance state, ECR images, log streams; --clusters and
    --services create through backend methods with these parameters."""
    from moto.ecr.models import ECRBackend, Image
    from moto.ecs.models import ContainerInstance, EC2ContainerServiceBackend
    from moto.elbv2.models import ELBv2Backend
    from moto.logs.models import LogGroup

    instance = inspect.getsource(ContainerInstance.__init__)
    for attribute in ("agent_connected", "status", "remaining_resources", "running_tasks_count"):
        assert f"self.{attribute}" in instance, attribute
    image = inspect.getsource(Image.__init__)
    assert "self.image_tag " in image and "self.image_tags " in image
    assert {"create_log_stream", "delete_log_stream", "put_log_events"} <= set(dir(LogGroup))
    expected = {
        (EC2ContainerServiceBackend, "create_cluster"): {"cluster_name", "capacity_providers"},
        (EC2ContainerServiceBackend, "register_task_definition"): {
            "family",
            "container_definitions",
            "network_mode",
            "requires_compatibilities",
            "execution_role_arn",
        },
        (EC2ContainerServiceBackend, "create_service"): {
            "task_definition_str",
            "load_balancers",
            "launch_type",
            "network_configuration",
        },
        (ECRBackend, "create_repository"): {"repository_name", "image_scan_config"},
        (ECRBackend, "put_image"): {"repository_name", "image_manifest", "image_tag"},
        (ELBv2Backend, "create_load_balancer"): {"name", "subnet_ids", "loadbalancer_type"},
        (ELBv2Backend, "create_listener"): {"load_balancer_arn", "actions"},
        (ELBv2Backend, "create_rule"): {"listener_arn", "conditions", "priority", "actions"},
    }
    for (owner, name), params in expected.items():
        assert params <= set(inspect.signature(getattr(owner, name)).parameters), name


def test_deployment_configuration_is_kept_echoed_and_merged(patched: dict[str, Any]) -> None:
    ecs = patched["ecs"]
    breaker = {"enable": True, "rollback": True}
    _fargate_service(
        ecs,
        patched["ec2"],
        launchType="FARGATE",
        deploymentConfiguration={"deploymentCircuitBreaker": breaker},
    )

    def config() -> dict[str, Any]:
        found: dict[str, Any] = ecs.describe_services(cluster="c", services=["web"])["services"][0][
            "deploymentConfiguration"
        ]
        return found

    assert config() == {
        "deploymentCircuitBreaker": breaker,
        "maximumPercent": 200,
        "minimumHealthyPercent": 100,
    }
    ecs.update_service(
        cluster="c",
        service="web",
        deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": False}},
    )
    assert config()["deploymentCircuitBreaker"] == {"enable": True, "rollback": False}
    assert config()["maximumPercent"] == 200


def test_new_services_describe_az_rebalancing_as_ecs_does(patched: dict[str, Any]) -> None:
    """moto leaves availabilityZoneRebalancing out; ECS describes a new service's default,
    ENABLED, and keeps a value given at creation or by UpdateService."""
    ecs = patched["ecs"]
    _fargate_service(ecs, patched["ec2"], launchType="FARGATE")

    def rebalancing() -> str | None:
        found = ecs.describe_services(cluster="c", services=["web"])["services"][0]
        return found.get("availabilityZoneRebalancing")

    assert rebalancing() == "ENABLED"
    ecs.update_service(cluster="c", service="web", availabilityZoneRebalancing="DISABLED")
    assert rebalancing() == "DISABLED"
    ecs.update_service(cluster="c", service="web", desiredCount=3)
    assert rebalancing() == "DISABLED"


def test_update_service_starts_a_primary_deployment(patched: dict[str, Any]) -> None:
    ecs = patched["ecs"]
    _, arns = _fargate_service(ecs, patched["ec2"], launchType="FARGATE")
    (first,) = ecs.describe_services(cluster="c", services=["web"])["services"][0]["deployments"]

    service = ecs.update_service(cluster="c", service="web", taskDefinition="web:2")["service"]
    assert service["taskDefinition"] == arns[1]
    assert service["runningCount"] == 0  # moto alone would claim running == desired
    primary, active = service["deployments"]
    assert (primary["status"], primary["rolloutState"], primary["taskDefinition"]) == (
        "PRIMARY",
        "IN_PROGRESS",
        arns[1],
    )
    assert primary["launchType"] == "FARGATE"
    assert (active["status"], active["id"]) == ("ACTIVE", first["id"])

    service = ecs.update_service(cluster="c", service="web", forceNewDeployment=True)["service"]
    ids = [d["id"] for d in service["deployments"]]
    assert len(ids) == 3 and ids[1] == primary["id"] and ids[2] == first["id"]

    scaled = ecs.update_service(cluster="c", service="web", desiredCount=5)["service"]
    assert len(scaled["deployments"]) == 3  # a pure scale is no new deployment
    assert scaled["deployments"][0]["desiredCount"] == 5


def test_capacity_provider_strategy_on_create_and_update(patched: dict[str, Any]) -> None:
    ecs = patched["ecs"]
    strategy = [{"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}]
    _fargate_service(ecs, patched["ec2"], capacityProviderStrategy=strategy)
    service = ecs.describe_services(cluster="c", services=["web"])["services"][0]
    assert "launchType" not in service
    assert service["capacityProviderStrategy"] == strategy
    assert service["deployments"][0]["capacityProviderStrategy"] == strategy
    assert "launchType" not in service["deployments"][0]

    with pytest.raises(ecs.exceptions.InvalidParameterException, match="force a new deployment"):
        ecs.update_service(cluster="c", service="web", capacityProviderStrategy=[])
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="not associated"):
        ecs.update_service(
            cluster="c",
            service="web",
            capacityProviderStrategy=[{"capacityProvider": "my-asg", "weight": 1}],
            forceNewDeployment=True,
        )
    back = ecs.update_service(
        cluster="c", service="web", capacityProviderStrategy=[], forceNewDeployment=True
    )["service"]
    assert back["deployments"][0]["status"] == "PRIMARY"
    assert back["deployments"][0]["launchType"] == "EC2"  # moto's create default came back
    assert back["launchType"] == "EC2" and "capacityProviderStrategy" not in back


def test_placement_rules_are_kept_as_ecs_does(patched: dict[str, Any]) -> None:
    ecs = patched["ecs"]
    spread = [{"type": "spread", "field": "attribute:ecs.availability-zone"}]
    _fargate_service(
        ecs,
        patched["ec2"],
        placementStrategy=spread,
        placementConstraints=[{"type": "distinctInstance"}],
    )
    service = ecs.describe_services(cluster="c", services=["web"])["services"][0]
    assert service["placementStrategy"] == spread
    assert service["placementConstraints"] == [{"type": "distinctInstance"}]


def test_stop_task_records_stop_code(patched: dict[str, Any]) -> None:
    ecs = patched["ecs"]
    _fargate_service(ecs, patched["ec2"], launchType="FARGATE")
    subnet = patched["ec2"].describe_subnets()["Subnets"][-1]["SubnetId"]
    sg = patched["ec2"].describe_security_groups(Filters=[{"Name": "group-name", "Values": ["t"]}])
    task = ecs.run_task(
        cluster="c",
        taskDefinition="web:1",
        launchType="FARGATE",
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": [subnet],
                "securityGroups": [sg["SecurityGroups"][0]["GroupId"]],
            }
        },
    )["tasks"][0]
    stopped = ecs.stop_task(cluster="c", task=task["taskArn"], reason="by hand")["task"]
    assert stopped["stopCode"] == "UserInitiated"
    assert stopped["stoppedReason"] == "by hand"
    assert "stoppedAt" in stopped
    # describe_tasks: by ARN or id, in the named cluster only (as AWS).
    task_id = task["taskArn"].rsplit("/", 1)[-1]
    assert [t["taskArn"] for t in ecs.describe_tasks(cluster="c", tasks=[task_id])["tasks"]] == [
        task["taskArn"]
    ]
    ecs.create_cluster(clusterName="other")
    assert ecs.describe_tasks(cluster="other", tasks=[task["taskArn"]])["tasks"] == []


def test_create_task_places_on_the_chosen_instance(patched: dict[str, Any]) -> None:
    import json

    ecs, ec2 = patched["ecs"], patched["ec2"]
    ecs.create_cluster(clusterName="e")
    ami = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    ids = [
        i["InstanceId"] for i in ec2.run_instances(ImageId=ami, MinCount=2, MaxCount=2)["Instances"]
    ]
    cis = [
        ecs.register_container_instance(
            cluster="e", instanceIdentityDocument=json.dumps({"instanceId": i})
        )["containerInstance"]["containerInstanceArn"]
        for i in ids
    ]
    td = ecs.register_task_definition(
        family="b",
        containerDefinitions=[
            {
                "name": "b",
                "image": "b:1",
                "cpu": 256,
                "memory": 512,
                "portMappings": [{"containerPort": 80, "hostPort": 8081}],
            }
        ],
    )["taskDefinition"]["taskDefinitionArn"]
    second = cis[1].rsplit("/", 1)[-1]
    kwargs: dict[str, Any] = {
        "container_instance_id": second,
        "group": "service:b",
        "started_by": "ecs-svc/1",
        "launch_type": "EC2",
        "network_configuration": None,
        "capacity_provider": None,
        "platform_version": None,
    }
    task = moto_patches.create_task("e", td, **kwargs)
    assert task.container_instance_arn == cis[1]
    assert not moto_patches.can_place("e", second, td)  # host port 8081 now taken there
    assert moto_patches.create_task("e", td, **kwargs) is None
    described = ecs.describe_tasks(cluster="e", tasks=[task.task_arn])["tasks"][0]
    assert described["group"] == "service:b" and described["startedBy"] == "ecs-svc/1"


def test_fidelity_patches_install_once_and_come_off() -> None:
    from moto.ecs.models import EC2ContainerServiceBackend
    from moto.ecs.responses import EC2ContainerServiceResponse
    from moto.logs.responses import LogsResponse

    from aws.sandbox import fidelity

    was_applied = bool(fidelity._installed)  # the session's moto server applies them
    targets = [
        (EC2ContainerServiceBackend, "describe_clusters"),
        (EC2ContainerServiceBackend, "list_tasks"),
        (EC2ContainerServiceBackend, "register_task_definition"),
        (EC2ContainerServiceBackend, "deregister_task_definition"),
        (LogsResponse, "filter_log_events"),
        *((EC2ContainerServiceResponse, n) for n in fidelity.LIST_PAGES),
        *((EC2ContainerServiceResponse, n) for n in fidelity.DESCRIBE_LIMITS),
    ]
    try:
        fidelity.unapply()
        assert not any(getattr(getattr(o, n), "__ecsdeck_patched__", False) for o, n in targets)
        transforms = EC2ContainerServiceResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER
        assert fidelity._UPDATED not in transforms
        fidelity.apply()
        fidelity.apply()
        for owner, name in targets:
            patched = getattr(owner, name)
            assert getattr(patched, "__ecsdeck_patched__", False), f"{owner.__name__}.{name}"
            assert not getattr(patched.__ecsdeck_original__, "__ecsdeck_patched__", False)
        # ... and UpdateContainerInstancesState's attributes get DescribeContainerInstances' form
        transforms = EC2ContainerServiceResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER
        assert transforms[fidelity._UPDATED] is transforms[fidelity._DESCRIBED]
        assert len(fidelity._installed) == len(targets) + 1
    finally:
        if not was_applied:
            fidelity.unapply()


def test_moto_internals_the_fidelity_patches_read_still_exist() -> None:
    from moto.core.responses import ActionResult
    from moto.ecs.models import (
        Cluster,
        ContainerInstance,
        EC2ContainerServiceBackend,
        Task,
        TaskDefinition,
        ecs_backends,
    )
    from moto.ecs.responses import EC2ContainerServiceResponse
    from moto.logs.models import LogGroup, LogsBackend
    from moto.logs.responses import LogsResponse

    backend = ecs_backends["123456789012"]["us-east-1"]
    for attribute in ("services", "tasks", "container_instances", "clusters", "task_definitions"):
        assert isinstance(getattr(backend, attribute), dict), attribute
    # The families filter reads each revision's status; the stamps are set on the revision.
    assert "self.status =" in inspect.getsource(TaskDefinition.__init__)
    cluster = Cluster("probe", "123456789012", "us-east-1")
    for counter in (
        "active_services_count",
        "running_tasks_count",
        "pending_tasks_count",
        "registered_container_instances_count",
    ):
        assert getattr(cluster, counter) == 0, counter
    task_init = inspect.getsource(Task.__init__)
    for attribute in (
        "desired_status",
        "group",
        "started_by",
        "container_instance_arn",
        "task_definition_arn",
        "launch_type",
        "id",
    ):
        assert f"self.{attribute} =" in task_init, attribute
    assert "self.status =" in inspect.getsource(ContainerInstance.__init__)
    # The responses call list_tasks positionally; the patch keeps moto's parameter order.
    assert list(inspect.signature(EC2ContainerServiceBackend.list_tasks).parameters) == [
        "self",
        "cluster_str",
        "container_instance",
        "family",
        "started_by",
        "service_name",
        "desiredStatus",
    ]
    moto_list_tasks = patching.require(EC2ContainerServiceResponse, "list_tasks")
    assert "self.ecs_backend.list_tasks(" in inspect.getsource(moto_list_tasks)
    assert isinstance(ActionResult, type) and isinstance(ActionResult.result, property)
    assert callable(EC2ContainerServiceResponse._get_param)
    assert isinstance(LogsResponse.logs_backend, property)
    assert list(inspect.signature(LogsBackend.filter_log_events).parameters)[1:] == [
        "log_group_name",
        "log_stream_names",
        "start_time",
        "end_time",
        "limit",
        "next_token",
        "filter_pattern",
        "interleaved",
    ]
    assert "self.streams" in inspect.getsource(LogGroup.__init__)
    assert "self.groups" in inspect.getsource(LogsBackend.__init__)


def test_moto_server_pieces_the_aws_like_server_uses_still_exist() -> None:
    from moto.moto_server import werkzeug_app
    from werkzeug.serving import WSGIRequestHandler

    assert issubclass(werkzeug_app.MotoRequestHandler, WSGIRequestHandler)
    assert callable(werkzeug_app.create_backend_app)
    assert callable(werkzeug_app.DomainDispatcherApplication)

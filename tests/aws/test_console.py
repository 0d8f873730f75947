"""aws.console: the console address of each kind of resource, in its own region and partition."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aws import console
from aws.ecr_models import Image, Repository
from aws.elb_models import Target
from aws.models import Cluster, ContainerInstance, Service, Task, TaskDefinition

ACCT = "123456789012"
CLUSTER_ARN = f"arn:aws:ecs:eu-west-1:{ACCT}:cluster/prod"
SERVICE_ARN = f"arn:aws:ecs:eu-west-1:{ACCT}:service/prod/web"
TASK_ARN = f"arn:aws:ecs:eu-west-1:{ACCT}:task/prod/7a2df0e1c2b34d5e"
TD_ARN = f"arn:aws:ecs:eu-west-1:{ACCT}:task-definition/web:7"
TG_ARN = f"arn:aws:elasticloadbalancing:eu-west-1:{ACCT}:targetgroup/web-tg/50dc6c495c0c9188"
REPO_ARN = f"arn:aws:ecr:eu-west-1:{ACCT}:repository/team/web"
CI_ARN = f"arn:aws:ecs:eu-west-1:{ACCT}:container-instance/prod/0a1b2c3d"
HOST = "https://eu-west-1.console.aws.amazon.com"


def service() -> Service:
    return Service(
        SERVICE_ARN, "web", CLUSTER_ARN, "ACTIVE", 1, 1, 0, TD_ARN, "EC2", (), (), (), (), None,
        None, None,
    )  # fmt: skip


def task() -> Task:
    return Task(
        TASK_ARN, CLUSTER_ARN, TD_ARN, "service:web", None, "RUNNING", "RUNNING", None, "EC2",
        None, None, None, None, None, None, None, None, None, None, None, None, None, (),
    )  # fmt: skip


CASES = [
    (
        Cluster(CLUSTER_ARN, "prod", "ACTIVE", 1, 1, 0, 0),
        f"{HOST}/ecs/v2/clusters/prod/services?region=eu-west-1",
    ),
    (service(), f"{HOST}/ecs/v2/clusters/prod/services/web/health?region=eu-west-1"),
    (
        task(),
        f"{HOST}/ecs/v2/clusters/prod/tasks/7a2df0e1c2b34d5e/configuration?region=eu-west-1",
    ),
    (
        TaskDefinition(TD_ARN, "web", 7, None, (), None, None, {}),
        f"{HOST}/ecs/v2/task-definitions/web/7/containers?region=eu-west-1",
    ),
    (
        Target(TG_ARN, "10.0.1.5", 8080, "healthy", None, None, TASK_ARN),
        f"{HOST}/ec2/home?region=eu-west-1#TargetGroup:targetGroupArn={TG_ARN}",
    ),
    (
        ContainerInstance(CI_ARN, "i-0abc", "ACTIVE", True, 1, 0),
        f"{HOST}/ec2/home?region=eu-west-1#InstanceDetails:instanceId=i-0abc",
    ),
    (
        ContainerInstance(CI_ARN, None, "ACTIVE", True, 1, 0),
        f"{HOST}/ecs/v2/clusters/prod/infrastructure?region=eu-west-1",
    ),
    (
        Repository("team/web", REPO_ARN, "x.dkr.ecr/team/web", None),
        f"{HOST}/ecr/repositories/private/{ACCT}/team/web?region=eu-west-1",
    ),
]


@pytest.mark.parametrize(("resource", "url"), CASES, ids=lambda v: type(v).__name__)
def test_each_kind_opens_its_own_page(resource: object, url: str) -> None:
    # The session is in us-east-1; the ARN's region wins.
    assert console.url_for(resource, region="us-east-1", cluster=CLUSTER_ARN) == url


def test_an_image_needs_its_repository() -> None:
    image = Image("team/web", "sha256:ab12", ("1.4",), datetime.now(UTC), 1, None)
    repo = Repository("team/web", REPO_ARN, "x", None)
    assert console.url_for(image, region="us-east-1") is None
    assert console.url_for(image, region="us-east-1", repository=repo) == (
        f"{HOST}/ecr/repositories/private/{ACCT}/team/web/_/image/sha256%3Aab12/details"
        "?region=eu-west-1"
    )


def test_partitions_and_names_without_arns() -> None:
    gov = "arn:aws-us-gov:ecs:us-gov-west-1:1:cluster/prod"
    assert console.cluster_url(gov, "us-east-1") == (
        "https://console.amazonaws-us-gov.com/ecs/v2/clusters/prod/services?region=us-gov-west-1"
    )
    cn = "arn:aws-cn:ecs:cn-north-1:1:cluster/prod"
    assert console.cluster_url(cn, "us-east-1").startswith("https://console.amazonaws.cn/")
    # A bare name takes the session's region.
    assert console.cluster_url("prod", "ap-south-1") == (
        "https://ap-south-1.console.aws.amazon.com/ecs/v2/clusters/prod/services?region=ap-south-1"
    )
    assert console.task_definition_url("web", "us-east-1").endswith(
        "/ecs/v2/task-definitions/web?region=us-east-1"
    )
    # Names are path segments: nothing in them can change the page or add a query.
    odd = console.service_url("a b?x=1#y", "prod", "us-east-1")
    assert "/services/a%20b%3Fx%3D1%23y/health?region=us-east-1" in odd


def test_a_kind_without_a_page_is_none() -> None:
    assert console.url_for("just text", region="us-east-1") is None
    assert console.parse_arn("prod") is None


def test_a_deployment_opens_its_services_deployments_tab() -> None:
    from aws.models import Deployment

    d = Deployment(
        "ecs-svc/1", "PRIMARY", TD_ARN, 1, 1, 0, 0, "COMPLETED", None, "EC2", (), None, None
    )
    assert console.url_for(d, region="us-east-1") is None  # which service: not known alone
    assert console.url_for(d, region="us-east-1", service=service()) == (
        f"{HOST}/ecs/v2/clusters/prod/services/web/deployments?region=eu-west-1"
    )


def test_a_problem_opens_its_culprit() -> None:
    from aws.problem_models import Problem

    on_task = Problem("k", "stopped", CLUSTER_ARN, "prod", "oom", "x", SERVICE_ARN, "web", TASK_ARN)
    assert console.url_for(on_task, region="us-east-1") == console.task_url(
        TASK_ARN, CLUSTER_ARN, "us-east-1"
    )
    on_service = Problem("k", "short", CLUSTER_ARN, "prod", "1 of 2", "x", SERVICE_ARN, "web")
    assert console.url_for(on_service, region="us-east-1", cluster="other") == (
        f"{HOST}/ecs/v2/clusters/prod/services/web/health?region=eu-west-1"
    )
    on_cluster = Problem("k", "instance", CLUSTER_ARN, "prod", "agent", "x")
    assert console.url_for(on_cluster, region="us-east-1") == console.cluster_url(
        CLUSTER_ARN, "us-east-1"
    )


def test_a_disconnected_agent_opens_its_ec2_instance() -> None:
    from aws.problem_models import Problem

    ci = CLUSTER_ARN.replace(":cluster/", ":container-instance/") + "/0abc"
    agent = Problem(
        "k", "instance", CLUSTER_ARN, "prod", "agent", "x",
        container_instance_arn=ci, ec2_instance_id="i-0123",
    )  # fmt: skip
    assert console.url_for(agent, region="us-east-1") == console.ec2_instance_url(
        "i-0123", "eu-west-1"
    )

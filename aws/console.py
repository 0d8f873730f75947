"""AWS console addresses of the things ecsdeck shows, so `o` can hand one to a browser.

Pure functions: no I/O, nothing read from the environment. The region and partition come from
the resource's ARN where it has them (a cross-region ARN opens in its own region), else from the
``region`` the session uses. Partitions have their own console hosts: ``aws`` uses
``https://<region>.console.aws.amazon.com``, ``aws-cn`` ``https://console.amazonaws.cn`` and
``aws-us-gov`` ``https://console.amazonaws-us-gov.com``; the region is also always given as the
``region`` query parameter, which every console page honours.

ECS pages are those of the current (v2) ECS console; a target group and an EC2 instance are on
the EC2 console, an ECR repository or image on the ECR console.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from aws.ecr_models import Image, Repository
from aws.elb_models import Target
from aws.models import (
    Cluster,
    ContainerInstance,
    Deployment,
    Service,
    Task,
    TaskDefinition,
    arn_tail,
)
from aws.problem_models import Problem

_HOSTS = {
    "aws-cn": "https://console.amazonaws.cn",
    "aws-us-gov": "https://console.amazonaws-us-gov.com",
}


@dataclass(frozen=True, slots=True)
class Arn:
    partition: str
    service: str
    region: str
    account: str
    #: What follows the fifth colon: ``cluster/prod``, ``task/prod/abc``, ``targetgroup/n/id``.
    resource: str


def parse_arn(arn: str | None) -> Arn | None:
    """The parts of an ARN; None for anything that is not one (a bare name, an id)."""
    parts = (arn or "").split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return Arn(*parts[1:])


def _q(value: str) -> str:
    return quote(value, safe="")


def _page(path: str, region: str, partition: str = "aws", fragment: str = "") -> str:
    host = _HOSTS.get(partition) or f"https://{region}.console.aws.amazon.com"
    return f"{host}{path}?region={_q(region)}" + (f"#{fragment}" if fragment else "")


def _where(arn: Arn | None, region: str) -> tuple[str, str]:
    """(region, partition): the ARN's own, else the session's region in the ``aws`` partition."""
    if arn is None:
        return region, "aws"
    return arn.region or region, arn.partition or "aws"


def cluster_url(cluster: str, region: str) -> str:
    """``cluster`` is an ARN or a name."""
    r, p = _where(parse_arn(cluster), region)
    return _page(f"/ecs/v2/clusters/{_q(arn_tail(cluster))}/services", r, p)


def service_url(service: str, cluster: str, region: str) -> str:
    """``service`` is an ARN or a name; ``cluster`` names the cluster when the ARN does not."""
    arn = parse_arn(service) or parse_arn(cluster)
    r, p = _where(arn, region)
    path = f"/ecs/v2/clusters/{_q(arn_tail(cluster))}/services/{_q(arn_tail(service))}/health"
    return _page(path, r, p)


def deployments_url(service: str, cluster: str, region: str) -> str:
    """The service's deployments tab: its rollouts, as the deployments pane lists them."""
    return service_url(service, cluster, region).replace("/health?", "/deployments?", 1)


def task_url(task: str, cluster: str, region: str) -> str:
    arn = parse_arn(task) or parse_arn(cluster)
    r, p = _where(arn, region)
    path = f"/ecs/v2/clusters/{_q(arn_tail(cluster))}/tasks/{_q(arn_tail(task))}/configuration"
    return _page(path, r, p)


def task_definition_url(task_definition: str, region: str) -> str:
    """A revision (ARN or ``family:revision``) opens that revision; a family its revisions."""
    r, p = _where(parse_arn(task_definition), region)
    family, _, revision = arn_tail(task_definition).partition(":")
    if revision:
        return _page(f"/ecs/v2/task-definitions/{_q(family)}/{_q(revision)}/containers", r, p)
    return _page(f"/ecs/v2/task-definitions/{_q(family)}", r, p)


def target_group_url(target_group_arn: str, region: str) -> str:
    r, p = _where(parse_arn(target_group_arn), region)
    return _page("/ec2/home", r, p, f"TargetGroup:targetGroupArn={target_group_arn}")


def ec2_instance_url(instance_id: str, region: str, partition: str = "aws") -> str:
    return _page("/ec2/home", region, partition, f"InstanceDetails:instanceId={instance_id}")


def container_instance_url(
    container_instance_arn: str, ec2_instance_id: str | None, cluster: str, region: str
) -> str:
    """The EC2 instance behind it when known (its page has the state, type and network); else
    the cluster's infrastructure tab, where container instances are listed."""
    r, p = _where(parse_arn(container_instance_arn) or parse_arn(cluster), region)
    if ec2_instance_id:
        return ec2_instance_url(ec2_instance_id, r, p)
    return _page(f"/ecs/v2/clusters/{_q(arn_tail(cluster))}/infrastructure", r, p)


def repository_url(repository_arn: str, region: str) -> str:
    arn = parse_arn(repository_arn)
    r, p = _where(arn, region)
    account = arn.account if arn else ""
    name = arn.resource.removeprefix("repository/") if arn else arn_tail(repository_arn)
    return _page(f"/ecr/repositories/private/{_q(account)}/{name}", r, p)


def image_url(repository_arn: str, digest: str, region: str) -> str:
    repo = repository_url(repository_arn, region)
    path, _, query = repo.partition("?")
    return f"{path}/_/image/{_q(digest)}/details?{query}"


def problem_url(problem: Problem, region: str) -> str:
    """The page of the culprit: the task, else the service, else the container instance (its
    EC2 instance), else the cluster."""
    if problem.task_arn:
        return task_url(problem.task_arn, problem.cluster_arn, region)
    if problem.service_arn:
        return service_url(problem.service_arn, problem.cluster_arn, region)
    if problem.container_instance_arn:
        return container_instance_url(
            problem.container_instance_arn, problem.ec2_instance_id, problem.cluster_arn, region
        )
    return cluster_url(problem.cluster_arn, region)


def url_for(
    resource: object,
    *,
    region: str,
    cluster: str | None = None,
    repository: Repository | None = None,
    service: Service | None = None,
) -> str | None:
    """The console page of a model ecsdeck shows; None for a kind with no page of its own.

    ``cluster`` (ARN or name) is the pane's cluster, for resources whose ARN may not name it;
    ``repository`` is the repository an ``Image`` belongs to, ``service`` the service a
    ``Deployment`` belongs to.
    """
    match resource:
        case Cluster(arn=arn):
            return cluster_url(arn, region)
        case Service(arn=arn, cluster_arn=cluster_arn):
            return service_url(arn, cluster_arn or cluster or "", region)
        case Task(arn=arn, cluster_arn=cluster_arn):
            return task_url(arn, cluster_arn or cluster or "", region)
        case TaskDefinition(arn=arn):
            return task_definition_url(arn, region)
        case Target(target_group_arn=tg):
            return target_group_url(tg, region)
        case ContainerInstance(arn=arn, ec2_instance_id=instance):
            return container_instance_url(arn, instance, cluster or "", region)
        case Repository(arn=arn):
            return repository_url(arn, region)
        case Image(digest=digest) if repository is not None:
            return image_url(repository.arn, digest, region)
        case Deployment() if service is not None:
            return deployments_url(service.arn, service.cluster_arn or cluster or "", region)
        case Problem():
            return problem_url(resource, region)
    return None

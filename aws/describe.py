"""`y`: a resource as AWS's own Describe call returns it, to diff against the CLI or pipe to jq.

The models (aws.models) are ecsdeck's reading of a response, not the response: field names,
nesting and what is kept differ. So `y` asks AWS again with the request ``aws ecs describe-*``
would send (``describe_call``, which also renders as that CLI line) and shows the response
body as the CLI prints it: ResponseMetadata dropped, AWS's key order, secrets masked
(aws.secrets) unless revealed. One call per key press, nothing kept in memory per row.
A deployment is a part of its service's response: the body is that element, and ``jq`` says
the filter that picks it out of the CLI's output.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aws import secrets
from aws.ecr_models import Image, Repository
from aws.elb_models import Target
from aws.models import Cluster, ContainerInstance, Deployment, Service, Task
from aws.paging import call
from aws.plan import ApiCall
from aws.session import Clients


@dataclass(frozen=True)
class Described:
    request: ApiCall
    #: The response body (or, with ``jq``, the part of it that is the resource), secrets masked.
    body: Any
    #: The same, secrets and all; equal to ``body`` when nothing was hidden.
    real: Any
    #: The jq filter that picks ``body`` out of the CLI's output; None: the whole output.
    jq: str | None = None


def _cluster_of_instance(arn: str) -> str | None:
    """``…:container-instance/CLUSTER/ID`` names its cluster; the old ARN format does not."""
    parts = arn.partition(":container-instance/")[2].split("/")
    return parts[0] if len(parts) == 2 else None


def describe_call(resource: object, service: Service | None = None) -> ApiCall | None:
    """The Describe request that returns ``resource`` (None: AWS has none for it, e.g. a
    problem, which is ecsdeck's own finding). A deployment needs its ``service``."""
    params: dict[str, Any]
    match resource:
        case Cluster():
            return ApiCall("ecs", "DescribeClusters", {"clusters": [resource.arn]})
        case Service():
            params = {"cluster": resource.cluster_arn, "services": [resource.arn]}
            return ApiCall("ecs", "DescribeServices", params)
        case Deployment() if service is not None:
            return describe_call(service)
        case Task():
            return ApiCall(
                "ecs", "DescribeTasks", {"cluster": resource.cluster_arn, "tasks": [resource.arn]}
            )
        case ContainerInstance() if (cluster := _cluster_of_instance(resource.arn)) is not None:
            params = {"cluster": cluster, "containerInstances": [resource.arn]}
            return ApiCall("ecs", "DescribeContainerInstances", params)
        case Target():
            target: dict[str, Any] = {"Id": resource.id}
            if resource.port is not None:
                target["Port"] = resource.port
            params = {
                "TargetGroupArn": resource.target_group_arn,
                "Targets": [target],
            }
            return ApiCall("elbv2", "DescribeTargetHealth", params)
        case Repository():
            return ApiCall("ecr", "DescribeRepositories", {"repositoryNames": [resource.name]})
        case Image():
            params = {
                "repositoryName": resource.repository,
                "imageIds": [{"imageDigest": resource.digest}],
            }
            return ApiCall("ecr", "DescribeImages", params)
        case {"arn": str(arn)} if ":task-definition/" in arn:
            return ApiCall("ecs", "DescribeTaskDefinition", {"taskDefinition": arn})
    return None


async def describe(
    c: Clients, resource: object, service: Service | None = None
) -> Described | None:
    """Send ``describe_call(resource)`` and return what AWS said (None: no such call)."""
    request = describe_call(resource, service)
    if request is None:
        return None
    client = getattr(c, request.service)
    body: Any = dict(await call(c, getattr(client, request.method()), **request.params))
    body.pop("ResponseMetadata", None)
    jq = None
    if isinstance(resource, Deployment):
        jq = f".services[0].deployments[] | select(.id == {json.dumps(resource.id)})"
        services = body.get("services") or [{}]
        deployments = services[0].get("deployments") or []
        body = next((d for d in deployments if d.get("id") == resource.id), None)
        if body is None:
            raise LookupError(f"Deployment {resource.id} is no longer in its service's answer.")
    return Described(request, secrets.mask(body), body, jq)

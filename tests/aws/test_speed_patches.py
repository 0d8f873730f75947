"""The sandbox's speed patches (aws.sandbox.speed_patches) answer exactly as moto does."""

from __future__ import annotations

import json
from enum import Enum
from typing import Any
from unittest import mock

from moto.core.serialize import JSONSerializer, ResponseSerializer, XFormedAttributePicker
from moto.core.utils import get_service_model
from moto.ecs.responses import EC2ContainerServiceResponse

from aws.sandbox.patching import require
from aws.sandbox.speed_patches import (
    MethodNames,
    _planned_structure,
    _remembering_get_value,
    _request_id,
)


def test_method_names_answer_as_moto_listed_them() -> None:
    from moto.core.utils import method_names_from_class

    listed = set(method_names_from_class(EC2ContainerServiceResponse))
    asked = MethodNames(EC2ContainerServiceResponse)
    for name in ("list_clusters", "describe_services", "dispatch", "no_such_action", "uri"):
        assert (name in asked) == (name in listed), name
    assert "list_clusters" in asked


class Instance:  # moto's own spellings: snake_case attributes, a dict moto's transformer formats
    def __init__(self, arn: str, cpu: int) -> None:
        self.container_instance_arn, self.status, self.agent_connected = arn, "ACTIVE", True
        self.running_tasks_count, self.pending_tasks_count = cpu // 256, None
        self.attributes = {"ecs.os-type": "linux", "ecs.cpu-architecture": "x86_64"}
        self.remaining_resources = [{"name": "CPU", "type": "INTEGER", "integerValue": cpu}]


class Cluster:
    def __init__(self, name: str, running: int) -> None:
        self.name, self.status = name, "ACTIVE"
        self.running_tasks_count, self.active_services_count = running, None


def serialized(
    get_value: Any,
    operation: str,
    result: Any,
    structure: Any = None,
    serializer_class: type[JSONSerializer] = JSONSerializer,
) -> Any:
    model = get_service_model("ecs").operation_model(operation)
    picker = XFormedAttributePicker(
        response_transformers=EC2ContainerServiceResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER
    )
    serializer = serializer_class(operation_model=model, value_picker=picker)
    original = require(JSONSerializer, "_serialize_type_structure")
    with (
        mock.patch.object(ResponseSerializer, "get_value", get_value),
        mock.patch.object(JSONSerializer, "_serialize_type_structure", structure or original),
    ):
        return json.loads(serializer.serialize(result)["body"])


def test_the_remembering_serializer_answers_as_moto_does() -> None:
    original = require(ResponseSerializer, "get_value")
    remembering = _remembering_get_value(original)
    results = {
        "DescribeClusters": {
            "clusters": [Cluster("a", 1), Cluster("b", 7), {"clusterName": "c", "status": "X"}]
        },
        "DescribeContainerInstances": {
            "containerInstances": [Instance("arn:1", 512), Instance("arn:2", 1024)]
        },
    }
    for operation, result in results.items():
        for _ in range(2):  # the second time from what was remembered: names, never values
            ours = serialized(remembering, operation, result)
            assert ours == serialized(original, operation, result), operation
    attributes = ours["containerInstances"][0]["attributes"]
    assert {"name": "ecs.os-type", "value": "linux"} in attributes  # the transformer ran
    clusters = serialized(remembering, "DescribeClusters", results["DescribeClusters"])
    assert [c["clusterName"] for c in clusters["clusters"]] == ["a", "b", "c"]
    assert [c.get("runningTasksCount") for c in clusters["clusters"]] == [1, 7, None]


def test_planned_structures_answer_as_moto_does_for_real_ecs_objects() -> None:
    """moto's own Service, Deployment and Cluster objects (plus dicts and the container
    instance transformer), serialized by moto and through the plans, twice each."""
    from moto import mock_aws
    from moto.ecs.models import ecs_backends

    with mock_aws():
        import boto3

        ecs = boto3.client("ecs", region_name="us-east-1")
        ecs.create_cluster(clusterName="c", tags=[{"key": "team", "value": "orders"}])
        ecs.register_task_definition(
            family="f", containerDefinitions=[{"name": "web", "image": "nginx", "memory": 64}]
        )
        for i in range(3):
            ecs.create_service(cluster="c", serviceName=f"s{i}", taskDefinition="f", desiredCount=i)
        backend = ecs_backends["123456789012"]["us-east-1"]
        services, failures = backend.describe_services("c", ["s0", "s1", "s2", "gone"])
        results = {
            "DescribeServices": {"services": services, "failures": failures},
            "DescribeClusters": {"clusters": [*backend.clusters.values(), Cluster("x", 2)]},
            "DescribeContainerInstances": {"containerInstances": [Instance("arn:1", 512)]},
        }
    original = require(ResponseSerializer, "get_value")
    planned = _planned_structure(require(JSONSerializer, "_serialize_type_structure"))
    for operation, result in results.items():
        theirs = serialized(original, operation, result)
        for _ in range(2):
            assert serialized(original, operation, result, planned) == theirs, operation
    attributes = theirs["containerInstances"][0]["attributes"]
    assert {"name": "ecs.os-type", "value": "linux"} in attributes  # the transformer ran
    described = serialized(original, "DescribeServices", results["DescribeServices"], planned)
    assert [s["serviceName"] for s in described["services"]] == ["s0", "s1", "s2"]
    assert described["services"][2]["desiredCount"] == 2
    assert described["failures"][0]["reason"] == "MISSING"


class Color(Enum):
    RED = "red"


class Shouting(JSONSerializer):
    """A serializer whose strings are its own: the plans must leave them to it."""

    def _serialize_type_string(self, serialized: Any, value: Any, shape: Any, key: str) -> None:
        serialized[self.get_serialized_name(shape, key)] = str(value).upper()


def test_planned_scalars_are_converted_as_moto_converts_them() -> None:
    """Strings, numbers and booleans set straight into the answer: an Enum by its value, a
    number under a string shape as text, empty containers as they are, a numeric string
    under an integer shape as a number; a serializer with its own string rule keeps it."""
    service: dict[str, Any] = {
        "serviceName": Color.RED,
        "status": 5,
        "launchType": {},
        "desiredCount": "3",
        "runningCount": 2.0,
        "enableExecuteCommand": True,
        "enableECSManagedTags": 0,
    }
    result = {"services": [service, {"serviceName": "plain", "pendingCount": 0}]}
    original = require(ResponseSerializer, "get_value")
    planned = _planned_structure(require(JSONSerializer, "_serialize_type_structure"))
    for _ in range(2):
        theirs = serialized(original, "DescribeServices", result)
        assert serialized(original, "DescribeServices", result, planned) == theirs
    first = theirs["services"][0]
    assert first["serviceName"] == "red" and first["status"] == "5"
    assert first["launchType"] == {} and first["desiredCount"] == 3
    assert first["enableExecuteCommand"] is True and first["enableECSManagedTags"] == 0
    assert theirs["services"][1]["pendingCount"] == 0
    shouted = serialized(original, "DescribeServices", result, planned, Shouting)
    assert shouted["services"][1]["serviceName"] == "PLAIN"
    assert shouted == serialized(original, "DescribeServices", result, None, Shouting)


def test_request_ids_look_like_moto_s_and_follow_its_seeded_generator() -> None:
    from moto.moto_api._internal import mock_random

    headers: dict[str, Any] = {}
    state = mock_random.getstate()
    try:
        mock_random.seed(7)
        first = _request_id(headers)
        mock_random.seed(7)
        assert _request_id() == first == headers["x-amzn-requestid"]
        assert _request_id() != first
    finally:
        mock_random.setstate(state)
    assert len(first) == 52 and first.isalnum() and first.isascii()


def test_the_account_of_an_access_key_is_moto_s_answer_remembered_until_the_key_is_gone() -> None:
    import boto3
    from moto import mock_aws
    from moto.iam.models import get_account_id_from

    from aws.sandbox.accounts import ROOT_KEYS
    from aws.sandbox.speed_patches import _account_of

    account_of = _account_of()
    with mock_aws():
        sts = boto3.client("sts", region_name="us-east-1")
        assumed = sts.assume_role(
            RoleArn="arn:aws:iam::222233334444:role/ecsdeck-sandbox", RoleSessionName="test"
        )["Credentials"]["AccessKeyId"]
        iam = boto3.client("iam", region_name="us-east-1")
        iam.create_user(UserName="u")
        own = iam.create_access_key(UserName="u")["AccessKey"]["AccessKeyId"]
        for key in (assumed, own, ROOT_KEYS[0], "AKIANOSUCHKEY"):
            for _ in range(2):  # the second answer from what was remembered
                assert account_of(key) == get_account_id_from(key), key
        assert account_of(assumed) == "222233334444"
    with mock_aws():  # a new mock: every key is gone
        assert account_of(assumed) == get_account_id_from(assumed) == "123456789012"


def test_enriched_answers_are_moto_s_with_the_regex_run_only_where_it_can_match() -> None:
    """Same headers (status as text, the same seeded request id) and body as moto's own
    ``_enrich_response``, for a JSON body, an XML body with a request id, and bytes."""
    from moto.core.responses import BaseResponse
    from moto.moto_api._internal import mock_random

    from aws.sandbox.speed_patches import _enriched

    original = require(BaseResponse, "_enrich_response")
    fast = _enriched(original)
    bodies: list[Any] = [
        '{"services": [{"serviceName": "web"}]}',
        "<R><RequestId>old</RequestId><X>1</X></R>",
        b"<RequestId>bytes stay as they are</RequestId>",
    ]
    state = mock_random.getstate()
    try:
        for body in bodies:
            answers = []
            for enrich in (original, fast):
                mock_random.seed(11)
                answers.append(enrich({"status": 200}, body))
            assert answers[0] == answers[1], body
            headers = answers[1][0]
            assert headers["status"] == "200" and len(headers["x-amzn-requestid"]) == 52
        headers, xml = fast({}, bodies[1])
        assert xml == f"<R><RequestId>{headers['x-amzn-requestid']}</RequestId><X>1</X></R>"
    finally:
        mock_random.setstate(state)

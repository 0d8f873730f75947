"""aws.taskdef and aws.fargate: pure functions, no server."""

from __future__ import annotations

import pytest

from aws import fargate, taskdef
from aws.plan import ValidationError
from tests.aws.test_actions import bridge_td

DESCRIBED = {
    **bridge_td(),
    "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:7",
    "revision": 7,
    "status": "ACTIVE",
    "requiresAttributes": [{"name": "com.amazonaws.ecs.capability.docker-remote-api.1.18"}],
    "compatibilities": ["EC2"],
    "registeredAt": "2026-01-01T00:00:00Z",
    "registeredBy": "arn:aws:iam::123456789012:user/alice",
    "deregisteredAt": None,
    "volumes": [],
    "placementConstraints": [],
    "tags": [],
    "cpu": 256,
}


def fargate_body(**over: object) -> dict[str, object]:
    body: dict[str, object] = {
        "family": "web",
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": "256",
        "memory": "512",
        "containerDefinitions": [
            {"name": "app", "image": "nginx", "portMappings": [{"containerPort": 80}]}
        ],
    }
    body.update(over)
    return body


def test_register_keys_come_from_botocore() -> None:
    keys = taskdef.register_input_keys()
    assert {"family", "containerDefinitions", "cpu", "memory", "tags"} <= keys
    assert "taskDefinitionArn" not in keys and "revision" not in keys


def test_strip_removes_describe_only_keys() -> None:
    body = taskdef.strip_for_register(DESCRIBED)
    for key in taskdef.DESCRIBE_ONLY:
        assert key not in body
    assert "volumes" not in body and "tags" not in body  # empty
    assert body["cpu"] == "256"  # the API wants a string
    assert body["containerDefinitions"][0]["image"] == "nginx:1.25"
    tagged = taskdef.strip_for_register({**DESCRIBED, "tags": [{"key": "team", "value": "a"}]})
    assert tagged["tags"] == [{"key": "team", "value": "a"}]
    assert "taskDefinitionArn" in DESCRIBED  # input untouched


def test_parse_json_reports_line_and_column() -> None:
    with pytest.raises(ValidationError) as err:
        taskdef.parse_json('{\n  "family": "web",\n  "cpu": ,\n}')
    assert "line 3, column 10" in err.value.message
    with pytest.raises(ValidationError, match="line 1, column 1"):
        taskdef.parse_json("[1, 2]")
    with pytest.raises(ValidationError):
        taskdef.parse_json("   ")
    assert taskdef.parse_json('{"family": "x"}') == {"family": "x"}
    # A pasted DescribeTaskDefinition response is unwrapped.
    assert taskdef.parse_json('{"taskDefinition": {"family": "x"}}') == {"family": "x"}


def test_validate_required_keys_and_unknown() -> None:
    problems = taskdef.validate({"containerDefinitions": [{"name": "a"}], "colour": "red"})
    assert "unknown top-level key 'colour'" in problems
    assert any("'family' is required" in p for p in problems)
    assert any("needs an 'image'" in p for p in problems)
    assert any("containerDefinitions" in p for p in taskdef.validate({"family": "x"}))
    assert taskdef.validate(DESCRIBED) == []  # describe-only keys are not problems


def test_validate_fargate_rules() -> None:
    assert taskdef.validate(fargate_body()) == []
    problems = taskdef.validate(fargate_body(memory="4096"))
    assert problems == [
        "FARGATE size: memory 4096 does not fit cpu 256: cpu 256 allows memory 512, 1024, 2048"
    ]
    assert any("awsvpc" in p for p in taskdef.validate(fargate_body(networkMode="bridge")))
    assert any("cpu" in p for p in taskdef.validate(fargate_body(cpu=None, memory=None)))
    linked = fargate_body(
        containerDefinitions=[{"name": "a", "image": "x", "links": ["b"], "privileged": True}],
        placementConstraints=[{"type": "memberOf", "expression": "x"}],
    )
    problems = taskdef.validate(linked)
    assert len([p for p in problems if "does not support" in p]) == 3


def test_container_memory_must_fit_the_task_memory() -> None:
    def body(*containers: dict[str, object], memory: str = "512") -> dict[str, object]:
        return fargate_body(memory=memory, containerDefinitions=list(containers))

    (problem,) = taskdef.validate(body({"name": "app", "image": "x", "memory": 1024}))
    assert problem == (
        "container 'app': memory 1024 MiB is more than the task's memory 512 MiB; "
        "lower it or raise the task's memory"
    )
    assert taskdef.validate(body({"name": "app", "image": "x", "memory": 512})) == []
    # the containers' reservations together must fit too
    two = body(
        {"name": "a", "image": "x", "memoryReservation": 300},
        {"name": "b", "image": "x", "memory": 400},
    )
    (problem,) = taskdef.validate(two)
    assert "reserve 700 MiB in all" in problem and "512 MiB" in problem
    assert taskdef.validate({**two, "memory": "1024", "cpu": "256"}) == []
    # a task without task-level memory (EC2): the rule does not apply
    ec2 = {"family": "w", "containerDefinitions": [{"name": "a", "image": "x", "memory": 4096}]}
    assert taskdef.validate(ec2) == []
    assert taskdef.validate({**ec2, "memory": "2 GB"})[0].startswith("container 'a': memory 4096")


def test_validate_host_port_under_awsvpc() -> None:
    bad = fargate_body(
        containerDefinitions=[
            {"name": "app", "image": "x", "portMappings": [{"containerPort": 80, "hostPort": 8080}]}
        ]
    )
    (problem,) = taskdef.validate(bad)
    assert "hostPort must be absent or equal to containerPort" in problem
    ok = fargate_body(
        containerDefinitions=[
            {"name": "app", "image": "x", "portMappings": [{"containerPort": 80, "hostPort": 80}]}
        ]
    )
    assert taskdef.validate(ok) == []


def test_validate_uses_botocore_types() -> None:
    body = fargate_body(containerDefinitions=[{"name": "a", "image": "x", "memory": "lots"}])
    (problem,) = taskdef.validate(body)
    assert "containerDefinitions[0].memory" in problem


def test_diff_labels_and_content() -> None:
    new = taskdef.with_image(DESCRIBED, "app", "nginx:1.27")
    text = taskdef.diff(DESCRIBED, new)
    assert text.startswith("--- rev 7\n+++ new\n")
    assert '-      "image": "nginx:1.25",' in text
    assert '+      "image": "nginx:1.27",' in text
    assert taskdef.diff(DESCRIBED, DESCRIBED) == ""
    with pytest.raises(ValidationError, match="no container named 'db'"):
        taskdef.with_image(DESCRIBED, "db", "x")


def test_fargate_compatible_from_bridge() -> None:
    body = taskdef.fargate_compatible(DESCRIBED)
    assert body["networkMode"] == "awsvpc"
    assert body["requiresCompatibilities"] == ["FARGATE"]
    container = body["containerDefinitions"][0]
    assert container["portMappings"][0]["hostPort"] == 8080
    assert "links" not in container
    # 128 cpu units + 300 MiB, task-level cpu 256: the smallest size is 256/512.
    assert (body["cpu"], body["memory"]) == ("256", "512")
    assert taskdef.validate(body) == []
    assert taskdef.is_fargate_compatible(body)
    assert not taskdef.is_fargate_compatible(DESCRIBED)
    big = taskdef.fargate_compatible(DESCRIBED, cpu="1024", memory="4096")
    assert (big["cpu"], big["memory"]) == ("1024", "4096")
    ec2 = taskdef.ec2_compatible(body)
    assert ec2["requiresCompatibilities"] == ["EC2"]
    assert taskdef.is_ec2_compatible(ec2)
    assert not taskdef.is_ec2_compatible({**body, "compatibilities": ["FARGATE"]})


def test_fargate_table() -> None:
    assert fargate.valid("256", "512") and fargate.valid(256, 2048)
    assert not fargate.valid("256", "4096")
    assert fargate.valid("512", "3072") and not fargate.valid("512", "512")
    assert fargate.valid("4096", "30720") and not fargate.valid("4096", "31744")
    assert fargate.valid("8192", "20480") and not fargate.valid("8192", "17408")
    assert fargate.valid("16384", "122880") and not fargate.valid("16384", "36864")
    assert fargate.valid("1 vCPU", "2 GB")
    assert not fargate.valid("300", "512") and not fargate.valid(None, "512")
    assert fargate.explain(256, 4096) == (
        "memory 4096 does not fit cpu 256: cpu 256 allows memory 512, 1024, 2048"
    )
    assert "1024-4096 in steps of 1024" in fargate.explain(512, 100)
    assert fargate.smallest_fitting(0, 0) == ("256", "512")
    assert fargate.smallest_fitting(300, 600) == ("512", "1024")
    assert fargate.smallest_fitting(256, 3000) == ("512", "3072")
    assert fargate.smallest_fitting(4096, 40000) == ("8192", "40960")
    with pytest.raises(ValueError):
        fargate.smallest_fitting(16384, 200000)


TD_TEXT = (
    '{\n  "family": "web",\n  "containerDefinitions": [\n    {\n      "name": "app"\n    }\n  ]\n}'
)


@pytest.mark.parametrize(
    ("edited", "says"),
    [
        # the opening brace deleted: Python says "Extra data"
        (TD_TEXT[1:], "missing opening brace '{'"),
        # the last closing brace deleted
        (TD_TEXT[:-1], "missing closing brace '}'"),
        # the container's closing brace deleted
        (TD_TEXT.replace("    }\n", ""), "expected , or }"),
        (TD_TEXT.replace('"web",', '"web"'), "expected , or }"),
        (TD_TEXT.replace('"app"', '"app",'), "a comma before } is not allowed in JSON"),
    ],
)
def test_json_errors_say_what_is_wrong_in_json_terms(edited: str, says: str) -> None:
    with pytest.raises(ValidationError) as err:
        taskdef.parse_json(edited)
    assert says in err.value.message
    assert "Extra data" not in err.value.message and "Expecting" not in err.value.message
    assert "line " in err.value.message and "column " in err.value.message


def test_braces_inside_strings_are_not_counted() -> None:
    with pytest.raises(ValidationError) as err:
        taskdef.parse_json('{"command": "echo }}", "x": 1')
    assert "missing closing brace '}'" in err.value.message

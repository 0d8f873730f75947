"""Service settings (``u``): ECS's ranges checked before anything is sent, the diff, and the
UpdateService that carries only what changed. Plain unit tests: no server."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from aws import service_settings as ss
from aws.ecs_convert import service_from_dict
from aws.models import Service
from aws.plan import ValidationError


def _service(**extra: Any) -> Service:
    return service_from_dict(
        {
            "serviceArn": "arn:aws:ecs:us-east-1:1:service/prod/web",
            "serviceName": "web",
            "clusterArn": "arn:aws:ecs:us-east-1:1:cluster/prod",
            "deploymentConfiguration": {
                "minimumHealthyPercent": 100,
                "maximumPercent": 200,
                "deploymentCircuitBreaker": {"enable": False, "rollback": False},
            },
            "enableExecuteCommand": False,
            "propagateTags": "NONE",
            "availabilityZoneRebalancing": "ENABLED",
            "loadBalancers": [{"targetGroupArn": "arn:tg", "containerPort": 80}],
            "healthCheckGracePeriodSeconds": 0,
            **extra,
        }
    )


def _form(service: Service, **changes: Any) -> ss.Form:
    return replace(ss.form_of(ss.current(service)), **changes)


def _problems(service: Service, **changes: Any) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        ss.parse(_form(service, **changes), service)
    return caught.value.problems


def test_every_bad_field_gets_its_own_message_at_once() -> None:
    problems = _problems(
        _service(),
        grace="2147483648",
        minimum="101",
        maximum="abc",
        alarms_enabled=True,
        propagate_tags="ALL",
    )
    assert problems == [
        "Health-check grace period: 2147483648 is outside 0 to 2147483647.",
        "Minimum healthy percent: 101 is outside 0 to 100.",
        "Maximum percent: 'abc' is not a whole number from 100 to 200.",
        "CloudWatch alarms: name at least one alarm to enable them.",
        "Propagate tags: one of NONE, SERVICE, TASK_DEFINITION.",
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("grace", "-1", "'-1' is not a whole number"),
        ("grace", "", "enter a whole number from 0 to 2147483647"),
        ("maximum", "99", "99 is outside 100 to 200"),
        ("maximum", "201", "201 is outside 100 to 200"),
        ("minimum", "1e3", "'1e3' is not a whole number"),
        ("az_rebalancing", "on", "AZ rebalancing: one of ENABLED, DISABLED"),
        ("alarms", "x" * 256, "at most 255 characters"),
    ],
)
def test_out_of_range(field: str, value: str, message: str) -> None:
    assert message in " ".join(_problems(_service(), **{field: value}))


def test_edges_are_accepted() -> None:
    s = _service()
    new = ss.parse(_form(s, grace="2147483647", minimum="0", maximum="100"), s)
    assert (new.grace, new.minimum, new.maximum) == (2_147_483_647, 0, 100)
    new = ss.parse(_form(s, minimum=" 100 ", maximum="200"), s)
    assert (new.minimum, new.maximum) == (100, 200)


def test_code_deploy_services_keep_their_deployment_configuration() -> None:
    s = _service(deploymentController={"type": "CODE_DEPLOY"})
    assert "CODE_DEPLOY deployment controller" in _problems(s, breaker=True)[0]
    assert ss.parse(_form(s, execute_command=True), s).execute_command  # the rest is fine


def test_the_update_carries_only_what_changed_and_the_whole_deployment_configuration() -> None:
    s = _service()
    new = ss.parse(
        _form(s, maximum="150", breaker=True, breaker_rollback=True, propagate_tags="SERVICE"), s
    )
    plan = ss.plan_settings(s, new)
    (call,) = plan.calls
    assert call.params == {
        "cluster": "prod",
        "service": "web",
        "deploymentConfiguration": {
            "minimumHealthyPercent": 100,
            "maximumPercent": 150,
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
        },
        "propagateTags": "SERVICE",
    }
    assert plan.diff == (
        "-maximum percent: 200%\n+maximum percent: 150%\n"
        "-circuit breaker: off\n+circuit breaker: on\n"
        "-circuit breaker rollback: off\n+circuit breaker rollback: on\n"
        "-propagate tags: NONE\n+propagate tags: SERVICE"
    )
    assert plan.summary == "web: 4 settings changed"
    assert "--deployment-configuration" in call.cli()
    assert ss.unchanged(s, new) is None


def test_no_change_says_so_and_alarms_are_sent_with_their_names() -> None:
    s = _service()
    same = ss.parse(_form(s), s)
    assert ss.unchanged(s, same) == "web's settings are already these: nothing would change."
    new = ss.parse(_form(s, alarms="cpu-high, 5xx ,cpu-high", alarms_enabled=True), s)
    config = ss.plan_settings(s, new).calls[0].params["deploymentConfiguration"]
    assert config["alarms"] == {
        "alarmNames": ["cpu-high", "5xx"],
        "enable": True,
        "rollback": False,
    }


def test_warnings_for_settings_allowed_but_likely_not_meant() -> None:
    s = _service(loadBalancers=[])
    new = ss.parse(_form(s, grace="60", minimum="100", maximum="100", breaker_rollback=True), s)
    said = " ".join(ss.warnings(s, new))
    assert "nothing rolls back" in said
    assert "cannot make progress" in said
    assert "no load balancer" in said
    assert "needs maximum > 100%" in said

"""`--no-weather`: the sandbox simulates (rollouts converge) without the random faults."""

from __future__ import annotations

from aws.sandbox.__main__ import arguments, sandbox_from
from tests.sandbox_fork import split_args


def test_no_weather_turns_the_faults_off_and_is_said_per_forked_copy() -> None:
    live = sandbox_from(arguments(["--seed", "7"]))
    calm = sandbox_from(arguments(["--seed", "7", "--no-weather"]))
    assert live.chaos and live.simulate
    assert not calm.chaos and calm.simulate  # still simulating: rollouts converge
    assert not sandbox_from(arguments(["--problems"])).chaos
    assert not sandbox_from(arguments(["--no-simulate"])).chaos
    # A frozen and a calm copy share the template that seed 7 seeds.
    assert split_args(["--seed", "7", "--no-weather"]) == (["--seed", "7"], ["--no-weather"])

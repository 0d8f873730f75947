"""--demo's AWS-like flags: layered like every setting, and passed to the sandbox process."""

from __future__ import annotations

from typing import Any

import pytest

from tui import config
from tui import main as tui_main


def test_demo_flags_layer_file_env_and_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    assert (config.load([]).demo_latency_ms, config.load([]).demo_throttle) == (0, False)
    monkeypatch.setenv("ECSDECK_DEMO_LATENCY_MS", "25")
    monkeypatch.setenv("ECSDECK_DEMO_THROTTLE", "yes")
    from_env = config.load([])
    assert (from_env.demo_latency_ms, from_env.demo_throttle) == (25, True)
    assert config.load(["--demo-latency-ms", "40"]).demo_latency_ms == 40
    with pytest.raises(config.SettingsError, match="demo_latency_ms must be 0 or more"):
        config.load(["--demo-latency-ms", "-1"])
    assert config.load(["--demo-accounts", "3"]).demo_accounts == 3
    with pytest.raises(config.SettingsError, match="demo_regions must be region names"):
        config.load(["--demo-regions", "us-east-1;eu-west-1"])


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--demo"], ["--seed", "7"]),
        (
            ["--demo", "--demo-latency-ms", "40", "--demo-throttle"],
            ["--seed", "7", "--latency-ms", "40", "--throttle"],
        ),
        (
            ["--demo", "--demo-accounts", "3", "--demo-regions", "us-east-1,eu-west-1"],
            ["--seed", "7", "--accounts", "3", "--regions", "us-east-1,eu-west-1"],
        ),
    ],
)
def test_demo_passes_them_to_the_sandbox(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], expected: list[str]
) -> None:
    from aws.sandbox import server

    seen: list[Any] = []

    def spawn(args: list[str], **kwargs: Any) -> Any:
        seen.append(list(args))
        raise SystemExit(3)  # stop before a process or the app starts

    monkeypatch.setattr(server, "spawn_sandbox", spawn)
    with pytest.raises(SystemExit):
        tui_main.main(argv)
    assert seen == [expected]


def test_the_sandbox_logs_to_a_file_not_over_the_tui(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """The sandbox's stderr (a warning, a simulator traceback) drew over the TUI: --demo gives
    it a log file under the state directory instead."""
    from aws.sandbox import server

    monkeypatch.setenv("ECSDECK_STATE_DIR", str(tmp_path))
    given: list[Any] = []

    def spawn(args: list[str], **kwargs: Any) -> Any:
        given.append(kwargs.get("stderr"))
        raise SystemExit(3)

    monkeypatch.setattr(server, "spawn_sandbox", spawn)
    with pytest.raises(SystemExit):
        tui_main.main(["--demo"])
    (log,) = given
    assert log is not None and log.name == str(tmp_path / "sandbox.log")
    log.close()

"""The command line refuses settings that cannot work with one sentence and exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.main", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--refresh", "0"], "refresh must be at least"),
        (["--max-desired", "-5"], "max_desired must be 0 or more"),
        (["--profile", "nope", "--region", "us-east-1"], "AWS profile 'nope'"),
        (["--endpoint-url", "localhost:4566"], "must start with http"),
    ],
)
def test_bad_settings_exit_2_with_one_line(args: list[str], words: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_no_region_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("AWS_REGION", "AWS_DEFAULT_REGION")}
    result = run(env=env)
    assert result.returncode == 2
    assert "No AWS region" in result.stderr


def test_bad_env_and_config_file(tmp_path: Path) -> None:
    import os

    env = dict(os.environ, ECSDECK_REFRESH="abc")
    result = run(env=env)
    assert result.returncode == 2 and "ECSDECK_REFRESH='abc'" in result.stderr
    (tmp_path / "config.toml").write_text("refresh = = 3\n")
    env = dict(os.environ, ECSDECK_CONFIG_DIR=str(tmp_path))
    result = run(env=env)
    assert result.returncode == 2 and "config.toml" in result.stderr


def test_bad_config_values_exit_2_with_one_line_before_the_ui(tmp_path: Path) -> None:
    import os

    (tmp_path / "config.toml").write_text('refresh = "abc"\nread_only = "no"\n')
    result = run(env=dict(os.environ, ECSDECK_CONFIG_DIR=str(tmp_path)))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"ecsdeck: {tmp_path / 'config.toml'}: refresh must be at least 0.2 seconds (a number)"
        " (got 'abc')"
    ]


def test_version_and_help() -> None:
    assert run("--version").stdout.startswith("ecsdeck ")
    assert "--endpoint-url" in run("--help").stdout

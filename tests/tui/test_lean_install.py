"""The sandbox's server stack is the `demo` extra: nothing outside aws/sandbox imports moto, and
`--demo` without it names the one command that installs it."""

from __future__ import annotations

import importlib.util
import pkgutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import aws
import tui
from tui import main as tui_main

ROOT = Path(__file__).resolve().parents[2]


def test_nothing_outside_the_sandbox_imports_moto() -> None:
    modules = [
        m.name
        for pkg in (aws, tui)
        for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + ".")
        if not m.name.startswith("aws.sandbox")
    ]
    assert "tui.main" in modules and "aws.ecs" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('moto', 'flask'))\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"imported at module level: {done.stdout}"


def test_demo_without_moto_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> Any:
        return None if name == "moto" else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.raises(SystemExit) as exc:
        tui_main.main(["--demo"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "pip install 'ecsdeck[demo]'" in err and "Traceback" not in err


def test_the_demo_extra_holds_moto() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert not any(d.startswith("moto") for d in project["dependencies"])
    assert any(d.startswith("moto[server]") for d in project["optional-dependencies"]["demo"])
    assert ".[dev,demo]" in (ROOT / "Makefile").read_text()

"""The import contracts in pyproject.toml hold on the code, and each one would catch its breach.

`make lint` runs `lint-imports` on the ids in the Makefile's LINT_CONTRACTS; the tests here run the
same command, once on the real tree and once per contract on a small synthetic aws/ + tui/ tree
(written to tmp_path) with one bad import, so a contract that silently stopped matching anything
(a typo in a module name, a wildcard that no longer expands) shows up as a failing test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def make_variable(name: str) -> list[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    found = re.search(rf"^{name}\s*:=(.*)$", text, re.MULTILINE)
    assert found, f"{name} is not set in the Makefile"
    return found.group(1).split()


def config_ids() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return [c["id"] for c in config["tool"]["importlinter"]["contracts"]]


def lint_imports(cwd: Path, contracts: list[str]) -> subprocess.CompletedProcess[str]:
    """Run the CLI, as `make lint` does, in a fresh process: the synthetic tree is also named
    aws/tui, so it must not share sys.modules (or the import cache) with this test run."""
    args = [str(LINT_IMPORTS), "--no-logo", "--no-cache"]
    for contract in contracts:
        args += ["--contract", contract]
    env = {**os.environ, "PYTHONPATH": str(cwd), "COLUMNS": "200"}
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_every_contract_is_enforced_or_listed_as_pending() -> None:
    enforced = make_variable("LINT_CONTRACTS")
    pending = make_variable("LINT_CONTRACTS_PENDING")
    assert not set(enforced) & set(pending)
    assert sorted(enforced + pending) == sorted(config_ids())


def test_the_code_keeps_the_enforced_contracts() -> None:
    enforced = make_variable("LINT_CONTRACTS")
    out = lint_imports(ROOT, enforced)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"Contracts: {len(enforced)} kept, 0 broken." in out.stdout


# A tree shaped like the real one that keeps every contract: the demo launcher imports the
# sandbox, a screen imports the shared base and a dialog, the sandbox's imports run one way.
CLEAN_TREE = {
    "aws/__init__.py": "",
    "aws/words.py": "import botocore\n",
    "aws/sandbox/__init__.py": "",
    "aws/sandbox/clock.py": "",
    "aws/sandbox/server.py": "from aws.sandbox import clock\n",
    "tui/__init__.py": "",
    "tui/main.py": "import textual\n\n\ndef main():\n    from aws.sandbox import server\n",
    "tui/text.py": "import rich\nfrom aws import words\n",
    "tui/screens/__init__.py": "",
    "tui/screens/base.py": "from tui import text\n",
    "tui/screens/clusters.py": "from tui.screens import base\n",
    "tui/screens/services.py": "from tui.screens.base import text\n",
    "tui/screens/dialogs/__init__.py": "",
    "tui/screens/dialogs/confirm.py": "from tui.screens import base\n",
    "tui/screens/dialogs/switch.py": "from tui.screens.dialogs import confirm\n",
}

# (file, import added inside a function, the contract that must catch it, the importer it names)
BREACHES = [
    ("aws/words.py", "import textual", "aws-no-ui", "aws.words"),
    ("aws/words.py", "from rich.text import Text", "aws-no-ui", "aws.words"),
    ("aws/words.py", "from tui import text", "aws-no-ui", "aws.words"),
    ("tui/text.py", "import botocore.session", "tui-no-boto", "tui.text"),
    ("tui/screens/base.py", "from aiobotocore import session", "tui-no-boto", "tui.screens.base"),
    ("tui/text.py", "from aws.sandbox import server", "sandbox-demo-only", "tui.text"),
    ("aws/words.py", "from aws.sandbox.clock import now", "sandbox-demo-only", "aws.words"),
    (
        "tui/screens/clusters.py",
        "from tui.screens import services",
        "screens-independent",
        "tui.screens.clusters",
    ),
    # A pane shows no dialog itself (a flow does), and a dialog opens no pane.
    (
        "tui/screens/clusters.py",
        "from tui.screens.dialogs import confirm",
        "screens-independent",
        "tui.screens.clusters",
    ),
    (
        "tui/screens/dialogs/confirm.py",
        "from tui.screens import clusters",
        "screens-independent",
        "tui.screens.dialogs.confirm",
    ),
    ("aws/sandbox/clock.py", "from aws.sandbox import server", "sandbox-acyclic", ".clock"),
]


def write_tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")


def test_the_synthetic_tree_keeps_every_contract(tmp_path: Path) -> None:
    write_tree(tmp_path, CLEAN_TREE)
    out = lint_imports(tmp_path, config_ids())
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"Contracts: {len(config_ids())} kept, 0 broken." in out.stdout


@pytest.mark.parametrize(("name", "line", "contract", "importer"), BREACHES)
def test_a_bad_import_breaks_its_contract(
    tmp_path: Path, name: str, line: str, contract: str, importer: str
) -> None:
    files = dict(CLEAN_TREE)
    files[name] += f"\n\ndef probe():\n    {line}\n"
    write_tree(tmp_path, files)
    out = lint_imports(tmp_path, [contract])
    assert out.returncode == 1, out.stdout + out.stderr
    assert "Contracts: 0 kept, 1 broken." in out.stdout, out.stdout + out.stderr
    assert importer in out.stdout

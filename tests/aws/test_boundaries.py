"""Dependencies point one way: tui -> aws. aws/ never imports textual or rich; tui/ never botocore."""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AWS_ONLY = ("botocore", "aiobotocore", "boto3")
UI_ONLY = ("textual", "rich")


def aws_modules() -> list[str]:
    import aws

    found = pkgutil.walk_packages(aws.__path__, "aws.")
    return ["aws", *sorted(m.name for m in found if not m.name.endswith("__main__"))]


def test_aws_imports_neither_textual_nor_rich() -> None:
    modules = aws_modules()
    assert {"aws.ecs", "aws.elb", "aws.ecr", "aws.logs", "aws.errors", "aws.session"} <= set(
        modules
    )
    code = (
        "import importlib, json, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"print(json.dumps(sorted(k for k in sys.modules if k.split('.')[0] in {UI_ONLY!r})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_tui_never_imports_botocore() -> None:
    offenders = {
        str(p.relative_to(ROOT)): sorted(imported_roots(p) & set(AWS_ONLY))
        for p in sorted((ROOT / "tui").rglob("*.py"))
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_scanner_sees_imports(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("import botocore.session\nfrom aiobotocore.session import get_session\n")
    assert imported_roots(sample) >= {"botocore", "aiobotocore"}

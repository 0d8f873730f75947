"""Small modules and functions in aws/ and tui/ (issue 16): no module over 400 lines, no function
or method over 60.

A long module or function is where unrelated changes collide and where a reader loses the thread;
the limits are the ones the code-taste rules name. A function counts from its ``def`` line to its
last line (decorators not included); a nested function counts on its own, and inside its parent.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("aws", "tui")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

#: Offenders allowed while they are being split (none left after issue 16; keep it empty).
PENDING: frozenset[str] = frozenset()


def _functions(tree: ast.AST, prefix: str = "") -> list[tuple[str, int]]:
    """(qualified name, lines) of every function and method, nested ones included."""
    found: list[tuple[str, int]] = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            name = prefix + node.name
            assert node.end_lineno is not None
            found.append((name, node.end_lineno - node.lineno + 1))
            found += _functions(node, name + ".")
        elif isinstance(node, ast.ClassDef):
            found += _functions(node, prefix + node.name + ".")
        else:
            found += _functions(node, prefix)
    return found


def offenders(root: Path) -> dict[str, str]:
    """``path`` (module) or ``path::qualname`` (function) -> why it is over its limit."""
    found: dict[str, str] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            text = path.read_text(encoding="utf-8")
            lines = len(text.splitlines())
            if lines > MAX_MODULE_LINES:
                found[rel] = f"{lines} lines (limit {MAX_MODULE_LINES})"
            for name, length in _functions(ast.parse(text, filename=rel)):
                if length > MAX_FUNCTION_LINES:
                    found[f"{rel}::{name}"] = f"{length} lines (limit {MAX_FUNCTION_LINES})"
    return found


def test_no_module_or_function_over_its_limit() -> None:
    new = {k: why for k, why in offenders(ROOT).items() if k not in PENDING}
    assert not new, "over the size limit (split it by concern):\n" + "\n".join(
        f"  {k}: {why}" for k, why in sorted(new.items())
    )


def test_pending_entries_are_still_over_their_limit() -> None:
    """PENDING only shrinks: an entry that got under its limit must leave the list, so it cannot
    grow back unnoticed."""
    found = offenders(ROOT)
    done = sorted(PENDING - found.keys())
    assert not done, "now under the limit: remove from PENDING in tests/test_sizes.py:\n" + (
        "\n".join(f"  {k}" for k in done)
    )


def test_offenders_names_long_modules_functions_and_methods(tmp_path: Path) -> None:
    """The check itself: a synthetic tree with one of each offence, and near misses it passes."""
    body = "\n".join(f"    x = {i}" for i in range(MAX_FUNCTION_LINES - 1))
    long_function = f"def long():\n{body}\n"
    short_function = "def short():\n    return 1\n"
    method = (
        f"class C:\n    async def m(self):\n{body.replace('    ', '        ')}\n        x = 0\n"
    )
    (tmp_path / "aws").mkdir()
    (tmp_path / "tui" / "sub").mkdir(parents=True)
    (tmp_path / "aws" / "ok.py").write_text(long_function + short_function)
    (tmp_path / "aws" / "big.py").write_text("x = 1\n" * (MAX_MODULE_LINES + 1))
    (tmp_path / "aws" / "edge.py").write_text("x = 1\n" * MAX_MODULE_LINES)
    (tmp_path / "tui" / "sub" / "m.py").write_text(
        f"def outer():\n    def inner():\n{body.replace('    ', '        ')}\n"
        f"        x = 0\n    return inner\n\n\n{method}"
    )
    assert offenders(tmp_path).keys() == {
        "aws/big.py",
        "tui/sub/m.py::outer",
        "tui/sub/m.py::outer.inner",
        "tui/sub/m.py::C.m",
    }

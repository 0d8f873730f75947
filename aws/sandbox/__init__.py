"""The built-in sandbox: a local mock of AWS (moto's server, patched to answer as AWS does)."""

from __future__ import annotations

import importlib.util

#: What the sandbox's server needs beyond ecsdeck's own dependencies (the ``demo`` extra).
REQUIRES = ("moto", "flask")


def installed() -> bool:
    """Whether the sandbox can run here: its server stack is an extra a real account does
    without, and importing this package does not need it."""
    return all(importlib.util.find_spec(name) is not None for name in REQUIRES)

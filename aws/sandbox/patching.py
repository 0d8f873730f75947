"""The registry every sandbox patch goes through: find a moto attribute, wrap it, undo it.

Each patching module (:mod:`.moto_patches`, :mod:`.fidelity`, :mod:`.exec_agent`,
:mod:`.fidelity_metrics`) keeps its own :data:`Installed` list, so tests can take one set of
patches off and leave the others. The wrapped attributes are private moto APIs: :func:`require`
fails loudly, naming the moto version, when an upgrade moves one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import moto

#: (owner, attribute, original) of each patch, newest last, to undo it; original is ADDED when
#: moto had no such attribute (undoing deletes it).
Installed = list[tuple[Any, str, Any]]
ADDED: Any = object()

#: (owner, attribute, wrapper, original): one patch, ready for :func:`install`.
Patch = tuple[Any, str, Callable[..., Any], Any]


def require(owner: Any, attribute: str) -> Callable[..., Any]:
    original = getattr(owner, attribute, None)
    if original is None or not callable(original):
        raise RuntimeError(
            f"ecsdeck sandbox: moto {moto.__version__} has no "
            f"{getattr(owner, '__name__', owner)}.{attribute}; the patches in "
            "aws/sandbox/ were written for moto 5.2.x (see pyproject.toml)"
        )
    # Unwrap our own wrapper if apply() ran against a reloaded module.
    unwrapped: Callable[..., Any] = getattr(original, "__ecsdeck_original__", original)
    return unwrapped


def _mark(wrapper: Callable[..., Any], original: Callable[..., Any]) -> Callable[..., Any]:
    wrapper.__ecsdeck_original__ = original  # type: ignore[attr-defined]
    wrapper.__ecsdeck_patched__ = True  # type: ignore[attr-defined]
    return wrapper


def install(
    installed: Installed, owner: Any, name: str, wrapper: Callable[..., Any], original: Any = ADDED
) -> None:
    """Put ``wrapper`` (marked with the original it stands for) at ``owner.name``, remembered in
    ``installed`` for :func:`uninstall`."""
    setattr(owner, name, _mark(wrapper, original))
    installed.append((owner, name, original))


def uninstall(installed: Installed) -> None:
    """Undo the patches in ``installed``, newest first."""
    while installed:
        owner, name, original = installed.pop()
        if original is ADDED:
            delattr(owner, name)
        else:
            setattr(owner, name, original)

"""``[plugins.NAME]``: a program of the user's, run on the selected row (k9s' plugins).

The command is a list and stays one: each ``$VARIABLE`` (or ``${VARIABLE}``) is replaced inside
its own argument, the values are never read again (a ``$(id)`` in a service name stays those
five characters), and the list goes to ``exec`` as argv, never through a shell. A plugin that
wants a shell says so itself (``["sh", "-c", "...", "sh", "$SERVICE"]``, the name as ``$1``).

Foreground (the default) suspends the TUI while the program has the terminal, as ``e`` does
with ``$EDITOR``; ``background = true`` runs it beside the TUI, its output discarded, and says
how it exited. ``confirm = true`` shows the expanded command first.
"""

from __future__ import annotations

import asyncio
import re
import shlex
import subprocess
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.binding import Binding

from aws.models import Cluster, ContainerInstance, Service, Task, arn_tail
from tui.config_plugins import VARIABLES, PluginSpec
from tui.keymap import Key
from tui.text import clean

if TYPE_CHECKING:
    from tui.deck import DeckApp

_NAMES = "|".join(VARIABLES)
#: ``$NAME`` (not the start of a longer word: ``$TASKS`` is no variable) or ``${NAME}``.
_VARIABLE = re.compile(rf"\$(?:\{{({_NAMES})\}}|({_NAMES})(?![A-Za-z0-9_]))")


def expand(command: list[str], values: dict[str, str]) -> list[str]:
    """Each argument with its variables replaced, one argv entry per argument. A variable with
    no value becomes "" (an unknown ``$NAME`` is left as written)."""

    def value(match: re.Match[str]) -> str:
        return values.get(match.group(1) or match.group(2), "")

    return [_VARIABLE.sub(value, argument) for argument in command]


def plugin_keys(plugins: dict[str, PluginSpec]) -> list[Key]:
    """The plugins as keymap entries (help lists them with their tooltip)."""
    return [
        Key(
            ("app",),
            spec.key,
            f"plugin({name!r})",
            name,
            tooltip=f"Plugin {name}: {spec.description or shlex.join(spec.command)}",
            show=False,
        )
        for name, spec in plugins.items()
    ]


def install(app: DeckApp) -> None:
    """Bind each plugin's key on the app (checked against the built-in keys at load)."""
    for key in plugin_keys(app.settings.plugins):
        for binding in Binding.make_bindings([key.binding()]):
            app._bindings.key_to_bindings.setdefault(binding.key, []).append(binding)


def target(screen: Any, scopes: list[str]) -> tuple[str, Any] | None:
    """(scope, resource) of the first scope the screen's selection is in, or None."""
    selected = getattr(screen, "selected_resource", lambda: None)()
    task = getattr(screen, "ecs_task", None)  # the task detail overlay
    found: dict[str, Any] = {
        "cluster": selected if isinstance(selected, Cluster) else None,
        "service": selected if isinstance(selected, Service) else getattr(screen, "service", None),
        "task": selected if isinstance(selected, Task) else task,
        "container_instance": selected if isinstance(selected, ContainerInstance) else None,
    }
    kinds = {"cluster": Cluster, "service": Service, "task": Task}
    kinds["container_instance"] = ContainerInstance
    for scope in scopes:
        if isinstance(found[scope], kinds[scope]):
            return scope, found[scope]
    return None


def variables(app: DeckApp, screen: Any, resource: Any) -> dict[str, str]:
    """The values of the variables for ``resource`` on ``screen``: PROFILE, REGION and
    ACCOUNT are those of the pane's context (the resource's, across contexts)."""
    from tui.where import where_of, where_of_app

    clients = getattr(screen, "clients", None) or app.clients
    where = where_of(screen) if hasattr(screen, "deck") else where_of_app(app)
    cluster = getattr(screen, "current_cluster", lambda: None)()
    task = resource if isinstance(resource, Task) else None
    service = resource.name if isinstance(resource, Service) else (task and task.service_name)
    if isinstance(resource, Cluster):
        cluster_name = resource.name
    elif hasattr(resource, "cluster_arn"):
        cluster_name = arn_tail(resource.cluster_arn)
    else:
        cluster_name = cluster.name if isinstance(cluster, Cluster) else ""
    return {
        "PROFILE": where.profile or clients.session.profile or "",
        "REGION": clients.region or "",
        "ACCOUNT": where.account or "",
        "CLUSTER": cluster_name or "",
        "SERVICE": service or "",
        "TASK": task.id if task else "",
        "ARN": str(getattr(resource, "arn", "") or ""),
        "CONTAINER": task.containers[0].name if task and task.containers else "",
    }


def run(app: DeckApp, name: str) -> None:
    """The plugin's key: expand on the selection, confirm if asked, run."""
    spec = app.settings.plugins.get(name)
    if spec is None:
        return
    found = target(app.screen, list(spec.scopes))
    if found is None:
        where = ", ".join(s.replace("_", " ") for s in spec.scopes)
        app.notify(f"Plugin {name} works on a selected {where}.", severity="warning")
        return
    argv = expand(spec.command, variables(app, app.screen, found[1]))
    app.run_worker(_run(app, name, spec, argv), group="plugins", exit_on_error=False)


async def _run(app: DeckApp, name: str, spec: PluginSpec, argv: list[str]) -> None:
    from tui.screens.dialogs.ask import AskScreen

    if spec.confirm:
        body = Text("Run this command (each line one argument, as the program gets it)?\n\n")
        for argument in argv:
            body.append(clean(argument, 2000) + "\n", style="bold")
        if not await app.push_screen_wait(AskScreen(f"Plugin {name}", body, ok="Run")):
            return
    code = await _background(argv) if spec.background else _foreground(app, argv)
    if code is None:
        return
    ok = code == 0
    app.notify(
        clean(f"{argv[0]} exited with {code}.", 300),
        title=f"Plugin {name}",
        severity="information" if ok else "error",
        markup=False,
    )


async def _background(argv: list[str]) -> int:
    try:
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        return 127
    return await process.wait()


def _foreground(app: DeckApp, argv: list[str]) -> int | None:
    from textual.app import SuspendNotSupported

    try:
        with app.suspend():
            try:
                return subprocess.run(argv, check=False).returncode
            except OSError:
                return 127
    except SuspendNotSupported:
        app.notify("This terminal cannot be suspended: run it with background = true.")
        return None

"""The command palette (Ctrl+P) lists the actions of the pane it was opened over, by name, and
the app's own views (`!` problems) from any pane."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Provider

from tui.actions import SERVICE_BINDINGS, TASK_BINDINGS
from tui.view_keys import VIEW_BINDINGS

ACTIONS: list[Binding] = [*VIEW_BINDINGS, *SERVICE_BINDINGS, *TASK_BINDINGS]


class ActionCommands(Provider):
    """Problems, deployments, scale, deploy, roll back ... for the current pane's selection."""

    def _available(self) -> list[tuple[str, Binding, Callable[[], object]]]:
        screen, app = self.screen, self.app
        out: list[tuple[str, Binding, Callable[[], object]]] = []
        for binding in app.BINDINGS:
            if isinstance(binding, Binding) and binding.action == "problems":
                run = partial(app.call_later, app.run_action, binding.action)
                out.append((binding.tooltip or binding.description, binding, run))
        for binding in ACTIONS:
            if hasattr(screen, f"action_{binding.action}"):
                name = binding.tooltip or binding.description
                out.append(
                    (name, binding, partial(app.call_later, screen.run_action, binding.action))
                )
        return out

    async def discover(self) -> AsyncIterator[DiscoveryHit]:
        for name, binding, run in self._available():
            yield DiscoveryHit(name, run, help=f"key {binding.key_display or binding.key}")

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        for name, binding, run in self._available():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    run,
                    help=f"key {binding.key_display or binding.key}",
                )


class ResourceCommands(Provider):
    """`:clusters`, `:services` … from the registry: a new pane is in the palette too."""

    def _commands(self) -> list[tuple[str, str, str]]:
        from tui.resources import RESOURCES

        out = []
        for r in RESOURCES:
            if r.open is not None:
                out.append((f":{r.name}", r.name, r.summary))
        return out

    def _run(self, line: str) -> None:
        run_command = getattr(self.app, "run_command", None)
        if run_command is not None:
            run_command(line)

    async def discover(self) -> AsyncIterator[DiscoveryHit]:
        for name, line, summary in self._commands():
            yield DiscoveryHit(name, partial(self._run, line), help=summary)

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        for name, line, summary in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self._run, line), help=summary)

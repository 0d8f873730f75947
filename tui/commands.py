"""The command palette (Ctrl+P) lists the actions of the pane it was opened over, by name."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Provider

from tui.actions import SERVICE_BINDINGS, TASK_BINDINGS

ACTIONS: list[Binding] = [*SERVICE_BINDINGS, *TASK_BINDINGS]


class ActionCommands(Provider):
    """Scale, deploy, roll back ... for the selected service or task of the current pane."""

    def _available(self) -> list[tuple[str, Binding]]:
        screen = self.screen
        out = []
        for binding in ACTIONS:
            if hasattr(screen, f"action_{binding.action}"):
                name = binding.tooltip or binding.description
                out.append((name, binding))
        return out

    async def discover(self) -> AsyncIterator[DiscoveryHit]:
        for name, binding in self._available():
            yield DiscoveryHit(
                name,
                partial(self.app.call_later, self.screen.run_action, binding.action),
                help=f"key {binding.key}",
            )

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        for name, binding in self._available():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    partial(self.app.call_later, self.screen.run_action, binding.action),
                    help=f"key {binding.key}",
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

"""A cluster by name across contexts: for `:svc NAME`, `:cluster NAME` and ``--cluster`` /
``--service`` when the app watches several account-regions.

The app's own clients are one context of many (the first that opened), so a name looked up
there alone was "not found" for every other account's cluster. Here the name is asked of every
ready context side by side (one DescribeClusters each, at most ``IN_FLIGHT`` at a time, each
within ``LOOKUP_TIMEOUT`` so a hanging account does not hold the answer): one match opens in its
context, several (the same name in two accounts or regions is common: ``prod`` in each) are a
picker naming account and region, none says which contexts were asked.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aws import ecs
from aws.context_errors import why_not
from aws.contexts import IN_FLIGHT
from tui.app_contexts import account_label, several

if TYPE_CHECKING:
    from aws.contexts import Context, ContextState
    from aws.models import Cluster
    from aws.session import Clients
    from tui.deck import DeckApp

#: Seconds one context may take to answer a lookup (its line then says so).
LOOKUP_TIMEOUT = 15.0


@dataclass(frozen=True, slots=True)
class Place:
    """A cluster and, across contexts, the context it is in (None: the app's own)."""

    cluster: Cluster
    state: ContextState | None = None

    @property
    def aws(self) -> Context | None:
        return self.state.context if self.state is not None else None

    def pane(self) -> dict[str, Any]:
        """What a pane of this cluster opens with: the cluster, and across contexts its
        context (one context: the pane's own, as before)."""
        return {"cluster": self.cluster} | ({"aws": self.aws} if self.state else {})

    def clients(self, app: DeckApp) -> Clients:
        return app.clients_for(self.aws)


def label(place: Place) -> str:
    """``prod (123456789012) · eu-west-1``: how the picker tells two clusters of one name apart."""
    assert place.state is not None
    return f"{account_label(place.state)} · {place.state.context.region}"


async def clusters_named(app: DeckApp, name: str) -> tuple[list[Place], list[str]]:
    """The clusters called ``name`` in every ready context, and the contexts that could not
    answer (one line each: profile, region, why)."""
    ready = app.contexts.ready if app.contexts is not None else []
    limit = asyncio.Semaphore(IN_FLIGHT)

    async def ask(state: ContextState) -> list[Cluster]:
        assert state.clients is not None
        async with limit, asyncio.timeout(LOOKUP_TIMEOUT):
            return await ecs.read_clusters(state.clients, [name])

    answers = await asyncio.gather(*(ask(s) for s in ready), return_exceptions=True)
    found: list[Place] = []
    failed: list[str] = []
    for state, answer in zip(ready, answers, strict=True):
        if isinstance(answer, BaseException):
            ctx = state.context
            failed.append(why_not(ctx.profile, ctx.region, answer, LOOKUP_TIMEOUT))
        else:
            found += [Place(c, state) for c in answer]
    return found, failed


async def choose(app: DeckApp, name: str, found: list[Place]) -> Place | None:
    """One match: it; several: the one picked (Esc: None)."""
    if len(found) == 1:
        return found[0]
    from tui.screens.dialogs.picker import PickerScreen

    by_label = {label(p): p for p in found}
    title = f"Cluster {name} is in {len(found)} contexts"
    picked = await app.push_screen_wait(PickerScreen(title, list(by_label)))
    return by_label.get(picked) if picked else None


def searched(app: DeckApp) -> str:
    """``4 contexts (prod/us-east-1, …)``: where a name was looked for."""
    ready = [s.context.name for s in app.contexts.ready] if app.contexts is not None else []
    shown = ", ".join(ready[:6]) + (", …" if len(ready) > 6 else "")
    return f"{len(ready)} context{'s' if len(ready) != 1 else ''} ({shown})"


def place_of(app: DeckApp, cluster: Cluster) -> Place:
    """The cluster on screen, in the context its ARN names (the clusters pane across contexts
    is in none of its own); one context: the pane's own."""
    if not several(app) or app.contexts is None:
        return Place(cluster)
    _, _, _, region, account, _ = (cluster.arn.split(":", 5) + [""] * 6)[:6]
    for state in app.contexts.ready:
        if state.context.region == region and state.account == account:
            return Place(cluster, state)
    own = getattr(app.screen, "aws_context", None)
    return Place(cluster, next((s for s in app.contexts.ready if s.context == own), None))

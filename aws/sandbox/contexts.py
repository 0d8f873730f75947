"""The sandbox's other accounts and regions: each (account, region) a context of its own.

The default context (123456789012, us-east-1) is the showcase account :mod:`.server` has always
built, unchanged. Every other pair of ``--accounts`` x ``--regions`` gets a smaller estate of
its own in the same moto server: a VPC, ``clusters`` filler clusters named after the account
("orders-staging", the teams rotated per context so two contexts hold different clusters), and
in every other context the five planted problems (:mod:`.planted`). It is seeded as a client of
that account would (HTTP with the account's assumed-role keys, in that region), and has its own
simulator (no weather), so services converge and actions take effect there too.

Every random choice comes from a stream of (seed, account, region), so adding a context never
moves another one's ids.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from aws.sandbox import accounts, fleet, ids, planted
from aws.sandbox.seed import clients, network
from aws.sandbox.simulator import Simulator
from aws.sandbox.specs import Seeded
from aws.sandbox.state import DEFAULT_WHERE, in_context

#: Filler clusters per extra context by default: two to four services each, a few dozen in all.
CLUSTERS = 8


@dataclass
class Context:
    """One seeded (account, region) besides the default one."""

    index: int
    account: str
    region: str
    seeded: Seeded
    simulator: Simulator

    @property
    def label(self) -> str:
        return accounts.label(self.index)


def pairs(count: int, regions: Sequence[str]) -> list[tuple[int, int, str, str]]:
    """(account index, region index, account id, region) of every context but the default
    one, accounts first."""
    return [
        (i, r, account, region)
        for i, account in enumerate(accounts.account_ids(count))
        for r, region in enumerate(regions)
        if (account, region) != DEFAULT_WHERE
    ]


def seed_contexts(
    url: str,
    count: int,
    regions: Sequence[str],
    *,
    clusters: int = CLUSTERS,
    tick: float = 1.0,
) -> list[Context]:
    """Seed and converge every extra context (their simulators are not started)."""
    return [
        seed_context(
            url,
            (index, 7 * index + 3 * r),
            (account, region),
            clusters=clusters,
            problems=n % 2 == 0,
            tick=tick,
        )
        for n, (index, r, account, region) in enumerate(pairs(count, regions))
    ]


def seed_context(
    url: str,
    position: tuple[int, int],
    where: tuple[str, str],
    *,
    clusters: int,
    problems: bool,
    tick: float = 1.0,
) -> Context:
    """One context's estate, converged, with its planted problems in place when ``problems``.
    ``position`` is (account index, first filler team); ``where`` is (account, region)."""
    index, first = position
    account, region = where
    with in_context(account, region):
        rng = random.Random(int.from_bytes(ids.digest("context")))
        out = Seeded()
        network(clients(url), out)
        fleet.seed_fleet(out, rng, clusters, env=accounts.label(index), first=first)
        if problems:
            planted.seed(url, rng, out)
        simulator = Simulator(
            random.Random(rng.getrandbits(64)),
            chaos=False,
            tick=tick,
            default_security_group=out.task_sg,
            quiet_clusters=(),
            where=(account, region),
        )
        simulator.converge()
        if problems:
            planted.plant(simulator, out)
    return Context(index, account, region, out, simulator)

"""Prices from the AWS Price List API, kept on disk for a week, with the built-in table
(:mod:`aws.price_table`) when the API cannot be asked.

Order of trust: a cache file younger than a week; else the API (``pricing:GetProducts``,
paged); else an older cache file; else the built-in table. Whatever was used is said in
:class:`Source`, which the UI shows beside the price. Each price is read once per client bundle
(``Clients.prices``), a failure included: a denied Price List is not asked again every tick.

The cache is ``$ECSDECK_CACHE_DIR``, else ``$XDG_CACHE_HOME/ecsdeck``, else
``~/.cache/ecsdeck``, under ``pricing/``: one JSON file per kind and Region.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, Literal, TypeVar

from aws import price_table
from aws.cost import FargateRates
from aws.errors import explain
from aws.price_list import ec2_hourly, fargate_rates, parse_products
from aws.session import Clients, in_own_context
from aws.state import write_private

#: How long a price read from the API is trusted before it is read again.
CACHE_FOR = timedelta(days=7)
#: Products per GetProducts page (the API's maximum).
PAGE = 100

T = TypeVar("T")


def cache_dir() -> Path:
    explicit = os.environ.get("ECSDECK_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "ecsdeck"


@dataclass(frozen=True, slots=True)
class Source:
    """Where a price came from: ``api`` (just read), ``cache`` (read from the API on ``date``)
    or ``table`` (built in, written on ``date``); ``why`` says why the API was not used."""

    kind: Literal["api", "cache", "table"]
    date: str
    why: str | None = None

    def words(self) -> str:
        if self.kind == "api":
            return "AWS Price List API"
        if self.kind == "cache":
            said = f"AWS Price List API of {self.date}"
        else:
            said = f"built-in prices of {self.date}"
        return f"{said} (Price List API: {self.why})" if self.why else said


@dataclass(frozen=True, slots=True)
class FargatePrices:
    region: str
    #: Architecture (``x86_64``, ``arm64``) -> rates; empty when nothing knows this Region.
    rates: dict[str, FargateRates]
    source: Source


@dataclass(frozen=True, slots=True)
class Ec2Prices:
    region: str
    #: Instance type -> on-demand Linux USD per hour (types nothing knows are left out).
    hourly: dict[str, float]
    source: Source


async def get_products(c: Clients, service_code: str, filters: dict[str, str]) -> list[str]:
    """Every ``PriceList`` document of ``service_code`` matching ``filters`` (TERM_MATCH)."""
    client = await c.pricing()
    terms: Any = [{"Type": "TERM_MATCH", "Field": k, "Value": v} for k, v in filters.items()]
    documents: list[str] = []
    token: str | None = None
    while True:
        extra: dict[str, Any] = {"NextToken": token} if token else {}
        request = partial(
            client.get_products,
            ServiceCode=service_code,
            Filters=terms,
            FormatVersion="aws_v1",
            MaxResults=PAGE,
            **extra,
        )
        page = await in_own_context(request)
        documents.extend(str(d) for d in page.get("PriceList", []))
        token = page.get("NextToken")
        if not token:
            return documents


def _now() -> datetime:
    return datetime.now(UTC)


def _read_cache(path: Path) -> tuple[datetime, dict[str, Any]] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return datetime.fromisoformat(data["fetched"]), data
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_cache(path: Path, body: dict[str, Any]) -> None:
    with contextlib.suppress(OSError):  # a read-only home still gets prices, just not kept
        write_private(path, json.dumps({"fetched": _now().isoformat(), **body}))


async def _cached(
    c: Clients,
    key: tuple[str, ...],
    path: Path,
    fetch: Callable[[], Awaitable[dict[str, Any]]],
    build: Callable[[dict[str, Any], Source], T],
    table: Callable[[Source], T],
) -> T:
    """The fresh cache, else ``fetch`` (kept), else the stale cache, else ``table``; once per
    bundle and key (concurrent callers share one read)."""

    async def read() -> T:
        cached = _read_cache(path)
        if cached is not None and _now() - cached[0] < CACHE_FOR:
            return build(cached[1], Source("cache", cached[0].date().isoformat()))
        try:
            body = await fetch()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            why = explain(exc)
            if cached is not None:
                return build(cached[1], Source("cache", cached[0].date().isoformat(), why))
            return table(Source("table", price_table.TAKEN, why))
        _write_cache(path, body)
        return build(body, Source("api", _now().date().isoformat()))

    entry = c.prices.get(key)
    if entry is not None and not isinstance(entry, asyncio.Future):
        known: T = entry
        return known
    if entry is None:
        entry = c.prices[key] = asyncio.ensure_future(read())
        entry.add_done_callback(lambda done: _settle(c.prices, key, done))
    # Shielded: a pane closed mid-read cancels its own wait, not the read the others share
    # (a cancelled read kept here would answer CancelledError to every later caller).
    result: T = await asyncio.shield(entry)
    return result


def _settle(
    prices: dict[tuple[str, ...], Any], key: tuple[str, ...], done: asyncio.Future[Any]
) -> None:
    """Keep the read's value, not its task: a finished task still holds the context of the pane
    that started it (Textual's active screen), which would keep that pane alive for the session."""
    if done.cancelled() or done.exception() is not None:
        prices.pop(key, None)
    else:
        prices[key] = done.result()


async def fargate_prices(c: Clients, region: str) -> FargatePrices:
    """Linux Fargate rates of ``region`` (both architectures, on demand and Spot)."""

    async def fetch() -> dict[str, Any]:
        documents = await get_products(c, "AmazonECS", {"regionCode": region})
        rates = fargate_rates(parse_products(documents), region)
        if not rates:
            raise LookupError(f"no Fargate prices for {region}")
        return {"rates": {arch: asdict(r) for arch, r in rates.items()}}

    def build(body: dict[str, Any], source: Source) -> FargatePrices:
        rates = {arch: FargateRates(**r) for arch, r in body["rates"].items()}
        return FargatePrices(region, rates, source)

    def table(source: Source) -> FargatePrices:
        return FargatePrices(region, dict(price_table.FARGATE.get(region, {})), source)

    path = cache_dir() / "pricing" / f"fargate-{region}.json"
    return await _cached(c, ("fargate", region), path, fetch, build, table)


async def ec2_prices(c: Clients, region: str, instance_type: str) -> Ec2Prices:
    """The on-demand Linux price of one instance type in ``region``."""

    async def fetch() -> dict[str, Any]:
        filters = {
            "regionCode": region,
            "instanceType": instance_type,
            "operatingSystem": "Linux",
            "tenancy": "Shared",
            "preInstalledSw": "NA",
            "capacitystatus": "Used",
        }
        documents = await get_products(c, "AmazonEC2", filters)
        usd = ec2_hourly(parse_products(documents), region, instance_type)
        if usd is None:
            raise LookupError(f"no on-demand Linux price for {instance_type} in {region}")
        return {"hourly": {instance_type: usd}}

    def build(body: dict[str, Any], source: Source) -> Ec2Prices:
        return Ec2Prices(region, {k: float(v) for k, v in body["hourly"].items()}, source)

    def table(source: Source) -> Ec2Prices:
        usd = price_table.EC2.get(region, {}).get(instance_type)
        return Ec2Prices(region, {instance_type: usd} if usd is not None else {}, source)

    path = cache_dir() / "pricing" / f"ec2-{region}-{instance_type}.json"
    return await _cached(c, ("ec2", region, instance_type), path, fetch, build, table)

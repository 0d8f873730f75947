"""aws.pricing against the sandbox's Price List API (aws/sandbox/pricing.py), served alone on
127.0.0.1 (no moto behind it: a few milliseconds to start), and its fallbacks."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from aws import price_table, pricing
from aws.sandbox.pricing import PriceList
from aws.session import Clients, SessionSettings


@pytest.fixture(scope="module")
def price_list() -> Iterator[tuple[str, PriceList]]:
    def nothing_else(environ, start_response):
        start_response("404 Not Found", [("Content-Length", "0")])
        return [b""]

    app = PriceList(nothing_else)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", app
    server.shutdown()


def _clients(url: str, region: str = "us-east-1") -> Clients:
    return Clients.open(SessionSettings(endpoint_url=url, region=region, max_attempts=1))


async def test_prices_come_from_get_products_paged_then_from_the_week_old_cache(
    price_list, monkeypatch, tmp_path
):
    url, app = price_list
    monkeypatch.setenv("ECSDECK_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(pricing, "PAGE", 4)  # eleven eu-central-1 products: three pages
    async with _clients(url) as c:
        got = await pricing.fargate_prices(c, "eu-central-1")
        ec2 = await pricing.ec2_prices(c, "us-east-1", "m6i.xlarge")
        assert c.calls.total["pricing.GetProducts"] == 3 + 1
        assert await pricing.fargate_prices(c, "eu-central-1") is got  # once per bundle
    assert got.source.kind == "api" and got.source.words() == "AWS Price List API"
    assert got.rates["x86_64"].vcpu_hour == 0.04656
    assert got.rates["arm64"].gb_hour == 0.00409
    assert got.rates["x86_64"].spot_vcpu_hour == pytest.approx(0.014537)
    assert ec2.hourly == {"m6i.xlarge": 0.192}
    kept = json.loads((tmp_path / "pricing" / "fargate-eu-central-1.json").read_text())
    assert kept["rates"]["x86_64"]["vcpu_hour"] == 0.04656
    assert os.stat(tmp_path / "pricing" / "fargate-eu-central-1.json").st_mode & 0o077 == 0

    app.deny = True  # a new session within the week reads the cache, asks nothing
    try:
        async with _clients(url) as c:
            again = await pricing.fargate_prices(c, "eu-central-1")
            assert c.calls.total["pricing.GetProducts"] == 0
    finally:
        app.deny = False
    assert again.source.kind == "cache" and again.rates == got.rates


async def test_denied_or_unreachable_price_list_falls_back_to_the_dated_table(
    price_list, monkeypatch, tmp_path
):
    url, app = price_list
    monkeypatch.setenv("ECSDECK_CACHE_DIR", str(tmp_path))
    app.deny = True
    try:
        async with _clients(url) as c:
            denied = await pricing.fargate_prices(c, "us-east-1")
            ec2 = await pricing.ec2_prices(c, "us-east-1", "m5.xlarge")
    finally:
        app.deny = False
    assert denied.source.kind == "table" and denied.source.date == price_table.TAKEN
    assert "AccessDeniedException" in (denied.source.why or "")
    assert f"built-in prices of {price_table.TAKEN}" in denied.source.words()
    assert denied.rates == price_table.FARGATE["us-east-1"]
    assert ec2.hourly == {"m5.xlarge": price_table.EC2["us-east-1"]["m5.xlarge"]}
    assert not (tmp_path / "pricing" / "fargate-us-east-1.json").exists()

    async with _clients("http://127.0.0.1:9") as c:  # nothing listens on the discard port
        unreachable = await pricing.fargate_prices(c, "eu-central-1")
    assert unreachable.source.kind == "table"
    assert unreachable.rates == price_table.FARGATE["eu-central-1"]


async def test_a_caller_cancelled_mid_read_neither_cancels_nor_poisons_the_shared_read(
    tmp_path: Path,
) -> None:
    """A pane closed while its price was being read cancels its own wait only: the others get
    the price, and what is kept is the value, not a task holding the closed pane's context."""
    import asyncio
    from types import SimpleNamespace

    started, release = asyncio.Event(), asyncio.Event()

    async def fetch() -> dict[str, Any]:
        started.set()
        await release.wait()
        return {"v": 1}

    c: Any = SimpleNamespace(prices={})

    def read() -> Any:
        build = lambda body, source: (body["v"], source.kind)  # noqa: E731
        return pricing._cached(c, ("k",), tmp_path / "p.json", fetch, build, lambda s: None)

    first = asyncio.ensure_future(read())
    await started.wait()
    first.cancel()
    second = asyncio.ensure_future(read())
    release.set()
    assert await second == (1, "api")
    assert first.cancelled()
    assert c.prices[("k",)] == (1, "api")  # the value, no task

"""Reading the AWS Price List API's documents (pure: no calls, no I/O).

GetProducts answers ``{"PriceList": [str, ...], "NextToken": ...}`` where each entry is a JSON
*string*: one product (its ``attributes``: usagetype, regionCode, instanceType ...) and its
``terms``. The on-demand price is under ``terms.OnDemand.<offer>.priceDimensions.<rate>``
``.pricePerUnit.USD`` (a decimal string). docs/cost.md lists the usagetypes read here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from aws.cost import FargateRates

#: The region prefix AWS puts before a usagetype (``USE1-``, ``EU-``, ``APN1-``); us-east-1's
#: older entries have none.
_REGION_PREFIX = re.compile(r"^[A-Z0-9]+-(?=(?:Fargate|SpotUsage|BoxUsage)[-:])")

#: usagetype without its region prefix -> (architecture, Spot?, dimension).
FARGATE_USAGE: dict[str, tuple[str, bool, str]] = {
    "Fargate-vCPU-Hours:perCPU": ("x86_64", False, "vcpu"),
    "Fargate-GB-Hours": ("x86_64", False, "gb"),
    "Fargate-ARM-vCPU-Hours:perCPU": ("arm64", False, "vcpu"),
    "Fargate-ARM-GB-Hours": ("arm64", False, "gb"),
    "SpotUsage-Fargate-vCPU-Hours:perCPU": ("x86_64", True, "vcpu"),
    "SpotUsage-Fargate-GB-Hours": ("x86_64", True, "gb"),
    "SpotUsage-Fargate-ARM-vCPU-Hours:perCPU": ("arm64", True, "vcpu"),
    "SpotUsage-Fargate-ARM-GB-Hours": ("arm64", True, "gb"),
    "Fargate-EphemeralStorage-GB-Hours": ("*", False, "storage"),
}


class PriceListError(ValueError):
    """A document that is not a price-list product (bad JSON, no on-demand USD price)."""


@dataclass(frozen=True, slots=True)
class Product:
    attributes: dict[str, str]
    #: The first on-demand dimension's USD price per ``unit`` (None: no on-demand term).
    usd: float | None
    unit: str | None

    @property
    def usage(self) -> str:
        """The usagetype without its region prefix."""
        return _REGION_PREFIX.sub("", self.attributes.get("usagetype", ""))


def _on_demand(terms: Any) -> tuple[float | None, str | None]:
    offers = terms.get("OnDemand") if isinstance(terms, dict) else None
    for offer in (offers or {}).values():
        for dimension in (offer.get("priceDimensions") or {}).values():
            usd = (dimension.get("pricePerUnit") or {}).get("USD")
            if usd is None:
                continue
            try:
                return float(usd), dimension.get("unit")
            except (TypeError, ValueError):
                raise PriceListError(f"price {usd!r} is not a number") from None
    return None, None


def parse_product(document: str) -> Product:
    """One ``PriceList`` entry (a JSON string) -> its attributes and on-demand price."""
    try:
        doc = json.loads(document)
    except (TypeError, ValueError) as exc:
        raise PriceListError(f"not a JSON document: {exc}") from None
    product = doc.get("product") if isinstance(doc, dict) else None
    if not isinstance(product, dict):
        raise PriceListError("no product in the document")
    attributes = product.get("attributes") or {}
    usd, unit = _on_demand(doc.get("terms"))
    return Product({str(k): str(v) for k, v in attributes.items()}, usd, unit)


def parse_products(documents: list[str]) -> list[Product]:
    """Every entry that parses; one odd entry does not lose the page."""
    out = []
    for document in documents:
        try:
            out.append(parse_product(document))
        except PriceListError:
            continue
    return out


def fargate_rates(products: list[Product], region: str) -> dict[str, FargateRates]:
    """Linux Fargate rates of ``region`` by architecture (``x86_64``, ``arm64``); an
    architecture missing its on-demand vCPU or GB price is left out."""
    found: dict[tuple[str, bool, str], float] = {}
    for p in products:
        if p.usd is None or p.attributes.get("regionCode", region) != region:
            continue
        key = FARGATE_USAGE.get(p.usage)
        if key is not None:
            found[key] = p.usd
    storage = found.get(("*", False, "storage"), 0.0)
    out = {}
    for arch in ("x86_64", "arm64"):
        vcpu, gb = found.get((arch, False, "vcpu")), found.get((arch, False, "gb"))
        if vcpu is None or gb is None:
            continue
        out[arch] = FargateRates(
            vcpu,
            gb,
            found.get((arch, True, "vcpu")),
            found.get((arch, True, "gb")),
            storage,
        )
    return out


def ec2_hourly(products: list[Product], region: str, instance_type: str) -> float | None:
    """The on-demand USD per hour of a Linux, shared-tenancy ``instance_type`` in ``region``
    (no pre-installed software, not a capacity reservation), or None."""
    prices = [
        p.usd
        for p in products
        if p.usd is not None
        and p.usd > 0
        and p.attributes.get("instanceType") == instance_type
        and p.attributes.get("regionCode", region) == region
        and p.attributes.get("operatingSystem") == "Linux"
        and p.attributes.get("tenancy") == "Shared"
        and p.attributes.get("preInstalledSw", "NA") == "NA"
        and p.attributes.get("capacitystatus", "Used") == "Used"
        and p.usage.startswith("BoxUsage")
    ]
    return min(prices) if prices else None

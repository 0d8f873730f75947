"""The AWS Price List API for the sandbox: moto 5.2 has no ``pricing`` service at all.

:class:`PriceList` is a WSGI wrapper in front of moto (as :mod:`.trail` is for CloudTrail's
LookupEvents) answering ``AWSPriceListService.GetProducts`` from a small, realistic subset of
the real price list: Linux Fargate in four Regions (x86 and ARM, on demand and Spot, ephemeral
storage, and some neighbours a reader must skip: Windows, ECS Anywhere) and a few EC2 instance
types in two Regions (each also as Windows, dedicated tenancy and an unused capacity
reservation, as the real list has them). Each ``PriceList`` entry is a JSON *string* in AWS's
``aws_v1`` shape (``product.attributes``, ``terms.OnDemand...pricePerUnit.USD``).

As AWS does: ``Filters`` of ``TERM_MATCH`` compare an attribute case-insensitively,
``MaxResults`` is 1-100 (100 by default), ``NextToken`` is opaque and only the ones it issued
are taken (``InvalidNextTokenException``), an unknown ``ServiceCode`` is ``NotFoundException``.
``deny = True`` answers ``AccessDeniedException`` (a caller without ``pricing:GetProducts``).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
from collections.abc import Callable, Iterable
from typing import Any

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

TARGET = "AWSPriceListService.GetProducts"
ON_DEMAND = "JRTCKXETXF"
RATE = "6YS6EN2CT7"
PUBLISHED = "2026-11-20T15:00:00Z"
MAX_RESULTS = 100

#: Region -> (usagetype prefix, location).
REGIONS = {
    "us-east-1": ("USE1", "US East (N. Virginia)"),
    "us-west-2": ("USW2", "US West (Oregon)"),
    "eu-west-1": ("EU", "EU (Ireland)"),
    "eu-central-1": ("EUC1", "EU (Frankfurt)"),
}
_US = {
    "Fargate-vCPU-Hours:perCPU": "0.0404800000",
    "Fargate-GB-Hours": "0.0044450000",
    "Fargate-ARM-vCPU-Hours:perCPU": "0.0323800000",
    "Fargate-ARM-GB-Hours": "0.0035600000",
    "SpotUsage-Fargate-vCPU-Hours:perCPU": "0.0126470000",
    "SpotUsage-Fargate-GB-Hours": "0.0013888000",
    "SpotUsage-Fargate-ARM-vCPU-Hours:perCPU": "0.0101180000",
    "SpotUsage-Fargate-ARM-GB-Hours": "0.0011124000",
    "Fargate-EphemeralStorage-GB-Hours": "0.0001110000",
    "Fargate-Windows-vCPU-Hours:perCPU": "0.0465520000",
    "ECS-Anywhere-Instance-hours": "0.0102500000",
}
_FRANKFURT = {
    **_US,
    "Fargate-vCPU-Hours:perCPU": "0.0465600000",
    "Fargate-GB-Hours": "0.0051100000",
    "Fargate-ARM-vCPU-Hours:perCPU": "0.0372500000",
    "Fargate-ARM-GB-Hours": "0.0040900000",
    "SpotUsage-Fargate-vCPU-Hours:perCPU": "0.0145370000",
    "SpotUsage-Fargate-GB-Hours": "0.0015954000",
    "Fargate-EphemeralStorage-GB-Hours": "0.0001220000",
}
FARGATE = {"us-east-1": _US, "us-west-2": _US, "eu-west-1": _US, "eu-central-1": _FRANKFURT}
#: Region -> instance type -> on-demand Linux USD per hour.
EC2 = {
    "us-east-1": {
        "t3.medium": "0.0416000000",
        "m5.large": "0.0960000000",
        "m5.xlarge": "0.1920000000",
        "m6i.xlarge": "0.1920000000",
        "c5.large": "0.0850000000",
        "m6g.large": "0.0770000000",
    },
    "eu-west-1": {"m5.large": "0.1070000000", "m5.xlarge": "0.2140000000"},
}


def _sku(*parts: str) -> str:
    digest = hashlib.sha256("/".join(parts).encode()).digest()
    return base64.b32encode(digest).decode()[:16]


def _document(service: str, family: str, attributes: dict[str, str], usd: str, unit: str) -> str:
    sku = _sku(service, *attributes.values())
    term = f"{sku}.{ON_DEMAND}"
    dimension = {
        "unit": unit,
        "endRange": "Inf",
        "description": f"{attributes['usagetype']} in {attributes['location']}",
        "appliesTo": [],
        "rateCode": f"{term}.{RATE}",
        "beginRange": "0",
        "pricePerUnit": {"USD": usd},
    }
    on_demand = {
        "priceDimensions": {f"{term}.{RATE}": dimension},
        "sku": sku,
        "effectiveDate": "2026-11-01T00:00:00Z",
        "offerTermCode": ON_DEMAND,
        "termAttributes": {},
    }
    doc = {
        "product": {"productFamily": family, "attributes": attributes, "sku": sku},
        "serviceCode": service,
        "terms": {"OnDemand": {term: on_demand}},
        "version": PUBLISHED.replace("-", "").replace(":", "").replace("T", "")[:14],
        "publicationDate": PUBLISHED,
    }
    return json.dumps(doc)


def _ecs_products() -> list[tuple[dict[str, str], str]]:
    out = []
    for region, usages in FARGATE.items():
        prefix, location = REGIONS[region]
        for usage, usd in usages.items():
            attributes = {
                "servicecode": "AmazonECS",
                "regionCode": region,
                "location": location,
                "locationType": "AWS Region",
                "usagetype": f"{prefix}-{usage}",
                "operation": "",
                "servicename": "Amazon Elastic Container Service",
                "tenancy": "Shared",
            }
            out.append((attributes, _document("AmazonECS", "Compute", attributes, usd, "hours")))
    return out


def _ec2_variants(usd: str) -> list[tuple[dict[str, str], str]]:
    """The real price and the neighbours a reader must not take for it."""
    plain = {"operatingSystem": "Linux", "tenancy": "Shared", "capacitystatus": "Used"}
    return [
        (plain, usd),
        ({**plain, "capacitystatus": "UnusedCapacityReservation"}, usd),
        ({**plain, "tenancy": "Dedicated"}, f"{float(usd) * 1.1:.10f}"),
        ({**plain, "operatingSystem": "Windows"}, f"{float(usd) + 0.092:.10f}"),
    ]


def _ec2_products() -> list[tuple[dict[str, str], str]]:
    out = []
    for region, types in EC2.items():
        prefix, location = REGIONS[region]
        for instance_type, usd in types.items():
            for variant, price in _ec2_variants(usd):
                kind = "Reservation" if "Reservation" in variant["capacitystatus"] else "BoxUsage"
                box = "DedicatedUsage" if variant["tenancy"] == "Dedicated" else kind
                attributes = {
                    "servicecode": "AmazonEC2",
                    "regionCode": region,
                    "location": location,
                    "locationType": "AWS Region",
                    "instanceType": instance_type,
                    "usagetype": f"{prefix}-{box}:{instance_type}",
                    "preInstalledSw": "NA",
                    "licenseModel": "No License required",
                    **variant,
                }
                doc = _document("AmazonEC2", "Compute Instance", attributes, price, "Hrs")
                out.append((attributes, doc))
    return out


class PriceList:
    """Answers GetProducts itself; everything else goes to ``app``."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self.deny = False
        self.products: dict[str, list[tuple[dict[str, str], str]]] = {
            "AmazonECS": _ecs_products(),
            "AmazonEC2": _ec2_products(),
        }

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if str(environ.get("HTTP_X_AMZ_TARGET", "")) != TARGET:
            return self.app(environ, start_response)
        if self.deny:
            return _error(
                start_response,
                "AccessDeniedException",
                "User: arn:aws:iam::123456789012:user/testing is not authorized to perform: "
                "pricing:GetProducts",
            )
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b"{}"
        environ["wsgi.input"] = io.BytesIO(body)
        return self._get_products(json.loads(body or b"{}"), start_response)

    def _get_products(self, request: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        code = str(request.get("ServiceCode", ""))
        if code not in self.products:
            return _error(start_response, "NotFoundException", f"Unknown service code {code}")
        limit = int(request.get("MaxResults") or MAX_RESULTS)
        if not 1 <= limit <= MAX_RESULTS:
            return _error(start_response, "InvalidParameterException", "MaxResults 1-100")
        wanted = {
            str(f.get("Field", "")): str(f.get("Value", "")).lower()
            for f in request.get("Filters") or []
        }
        found = [
            doc
            for attributes, doc in self.products[code]
            if all(attributes.get(k, "").lower() == v for k, v in wanted.items())
        ]
        start = 0
        token = request.get("NextToken")
        if token:
            try:
                start = int(base64.b64decode(str(token)).decode().split(":", 1)[1])
            except (ValueError, IndexError):
                return _error(start_response, "InvalidNextTokenException", "bad NextToken")
        answer: dict[str, Any] = {"FormatVersion": "aws_v1", "PriceList": found[start:][:limit]}
        if start + limit < len(found):
            answer["NextToken"] = base64.b64encode(f"{code}:{start + limit}".encode()).decode()
        return _json(start_response, "200 OK", answer)


def _json(start_response: StartResponse, status: str, body: dict[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(
        status,
        [("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(data)))],
    )
    return [data]


def _error(start_response: StartResponse, code: str, message: str) -> list[bytes]:
    return _json(start_response, "400 Bad Request", {"__type": code, "Message": message})

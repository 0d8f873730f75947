"""The cost arithmetic and the price-list parsing: plain unit tests, no server."""

from __future__ import annotations

import json

import pytest

from aws import cost
from aws.cost import FargateRates, TaskShape
from aws.price_list import PriceListError, ec2_hourly, fargate_rates, parse_product, parse_products
from aws.sandbox import pricing as sandbox_pricing

RATES = FargateRates(0.04, 0.004, 0.012, 0.0012, 0.0001)


def test_fargate_task_hourly_is_vcpu_plus_gb_with_storage_past_the_free_20():
    shape = TaskShape(512, 1024)  # 0.5 vCPU, 1 GB
    assert cost.fargate_task_hourly(shape, RATES) == pytest.approx(0.5 * 0.04 + 1 * 0.004)
    assert cost.fargate_task_hourly(shape, RATES, spot=True) == pytest.approx(0.5 * 0.012 + 0.0012)
    bigger = TaskShape(512, 1024, storage_gb=50)
    assert cost.fargate_task_hourly(bigger, RATES) == pytest.approx(0.024 + 30 * 0.0001)


def test_spot_without_a_spot_rate_is_priced_on_demand():
    no_spot = FargateRates(0.04, 0.004)
    shape = TaskShape(1024, 2048)
    assert cost.fargate_task_hourly(shape, no_spot, spot=True) == cost.fargate_task_hourly(
        shape, no_spot
    )


@pytest.mark.parametrize(
    ("strategy", "count", "expected"),
    [
        # base 1 on FARGATE, then 1:3 -> of 9 left, 2.25 / 6.75 -> 2 / 7.
        ((("FARGATE", 1, 1), ("FARGATE_SPOT", 0, 3)), 10, {"FARGATE": 3, "FARGATE_SPOT": 7}),
        ((("FARGATE", 1, 1), ("FARGATE_SPOT", 0, 3)), 1, {"FARGATE": 1, "FARGATE_SPOT": 0}),
        ((("FARGATE", 1, 1), ("FARGATE_SPOT", 0, 3)), 0, {"FARGATE": 0, "FARGATE_SPOT": 0}),
        ((("FARGATE_SPOT", 0, 1),), 4, {"FARGATE_SPOT": 4}),
        # 1:1 with 3 tasks: the tie goes to the earlier provider.
        ((("FARGATE", 0, 1), ("FARGATE_SPOT", 0, 1)), 3, {"FARGATE": 2, "FARGATE_SPOT": 1}),
        # A base larger than the count takes them all.
        ((("FARGATE", 5, 0), ("FARGATE_SPOT", 0, 1)), 3, {"FARGATE": 3, "FARGATE_SPOT": 0}),
        ((("FARGATE", 0, 0),), 2, {"FARGATE": 2}),
    ],
)
def test_split_tasks_as_ecs_spreads_them(strategy, count, expected):
    assert cost.split_tasks(strategy, count) == expected
    assert sum(cost.split_tasks(strategy, count).values()) == count


def test_fargate_service_hourly_prices_the_spot_share_at_spot():
    shape = TaskShape(1024, 2048)
    strategy = (("FARGATE", 1, 1), ("FARGATE_SPOT", 0, 3))
    od, spot = (
        cost.fargate_task_hourly(shape, RATES),
        cost.fargate_task_hourly(shape, RATES, spot=True),
    )
    assert cost.fargate_service_hourly(shape, RATES, 10, strategy) == pytest.approx(
        3 * od + 7 * spot
    )
    assert cost.fargate_service_hourly(shape, RATES, 10) == pytest.approx(10 * od)
    assert cost.monthly(1.0) == 730.0


def test_ec2_share_is_the_scarcer_resource_averaged_over_hosts():
    hosts = [cost.Host(0.192, 4096, 15000), cost.Host(0.096, 2048, 7500)]
    # 512 units of 4096 = 1/8; 3750 MiB of 15000 = 1/4 -> memory binds.
    expected = (0.192 * 0.25 + 0.096 * 0.5) / 2
    assert cost.ec2_task_hourly(512, 3750, hosts) == pytest.approx(expected)
    assert cost.ec2_task_hourly(512, 512, []) is None
    assert cost.ec2_task_hourly(512, 512, [cost.Host(0.1, 0, 0)]) is None


def _doc(usagetype: str, usd: str, **attributes: str) -> str:
    return json.dumps(
        {
            "product": {"attributes": {"usagetype": usagetype, **attributes}, "sku": "X"},
            "terms": {
                "OnDemand": {
                    "X.T": {
                        "priceDimensions": {
                            "X.T.R": {"unit": "hours", "pricePerUnit": {"USD": usd}}
                        }
                    }
                }
            },
        }
    )


def test_parsing_reads_the_on_demand_usd_and_skips_odd_entries():
    product = parse_product(_doc("USE1-Fargate-GB-Hours", "0.0044450000"))
    assert (product.usage, product.usd, product.unit) == ("Fargate-GB-Hours", 0.004445, "hours")
    with pytest.raises(PriceListError):
        parse_product("not json")
    with pytest.raises(PriceListError):
        parse_product(_doc("USE1-Fargate-GB-Hours", "free"))
    assert len(parse_products(["{}", "[]", _doc("EU-Fargate-GB-Hours", "1")])) == 1


def test_fargate_rates_tell_architecture_and_spot_apart_and_ignore_neighbours():
    docs = [
        _doc("USE1-Fargate-ARM-vCPU-Hours:perCPU", "0.03238", regionCode="us-east-1"),
        _doc("USE1-SpotUsage-Fargate-vCPU-Hours:perCPU", "0.012", regionCode="us-east-1"),
        _doc("USE1-Fargate-vCPU-Hours:perCPU", "0.04048", regionCode="us-east-1"),
        _doc("USE1-Fargate-Windows-vCPU-Hours:perCPU", "0.09", regionCode="us-east-1"),
        _doc("Fargate-GB-Hours", "0.004445", regionCode="us-east-1"),  # no region prefix
        _doc("EUC1-Fargate-GB-Hours", "0.00511", regionCode="eu-central-1"),
    ]
    rates = fargate_rates(parse_products(docs), "us-east-1")
    assert set(rates) == {"x86_64"}  # ARM has no GB price here
    assert rates["x86_64"] == FargateRates(0.04048, 0.004445, 0.012, None, 0.0)


def test_the_sandbox_documents_parse_as_the_real_shape_does():
    """Every sandbox entry is a JSON string the parser reads; EC2's neighbours are skipped."""
    ecs = [doc for _, doc in sandbox_pricing.PriceList(lambda e, s: []).products["AmazonECS"]]
    rates = fargate_rates(parse_products(ecs), "eu-central-1")
    assert rates["x86_64"].vcpu_hour == 0.04656
    assert rates["arm64"].spot_gb_hour == pytest.approx(0.0011124)
    ec2 = [doc for _, doc in sandbox_pricing.PriceList(lambda e, s: []).products["AmazonEC2"]]
    assert ec2_hourly(parse_products(ec2), "us-east-1", "m5.xlarge") == 0.192
    assert ec2_hourly(parse_products(ec2), "eu-west-1", "m5.xlarge") == 0.214
    assert ec2_hourly(parse_products(ec2), "us-east-1", "x9.huge") is None

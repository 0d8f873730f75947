"""The built-in prices: what ecsdeck shows when the Price List API cannot be asked (denied,
unreachable, a Region it does not know yet), always with the date they were written in.

On-demand Linux rates as AWS published them on TAKEN; Fargate Spot rates move with spare
capacity and are a snapshot of that day (docs/cost.md). USD; Fargate per vCPU-hour and
GB-hour, EC2 per instance-hour.
"""

from __future__ import annotations

from aws.cost import FargateRates

#: When these figures were written in (ISO date): the UI names it beside any price from here.
TAKEN = "2026-12-07"

_STORAGE = 0.000111
_US = {
    "x86_64": FargateRates(0.04048, 0.004445, 0.012144, 0.0013335, _STORAGE),
    "arm64": FargateRates(0.03238, 0.00356, 0.009714, 0.001068, _STORAGE),
}
_EU_HIGH = {
    "x86_64": FargateRates(0.04656, 0.00511, 0.013968, 0.001533, 0.000122),
    "arm64": FargateRates(0.03725, 0.00409, 0.011175, 0.001227, 0.000122),
}
_ASIA = {
    "x86_64": FargateRates(0.05056, 0.00553, 0.015168, 0.001659, 0.000133),
    "arm64": FargateRates(0.04045, 0.00442, 0.012135, 0.001326, 0.000133),
}

#: Region -> architecture -> rates.
FARGATE: dict[str, dict[str, FargateRates]] = {
    "us-east-1": _US,
    "us-east-2": _US,
    "us-west-2": _US,
    "eu-west-1": _US,
    "eu-central-1": _EU_HIGH,
    "eu-west-2": _EU_HIGH,
    "ap-southeast-1": _ASIA,
    "ap-northeast-1": _ASIA,
}

_EC2_US = {
    "t3.medium": 0.0416,
    "t3.large": 0.0832,
    "m5.large": 0.096,
    "m5.xlarge": 0.192,
    "m6i.large": 0.096,
    "m6i.xlarge": 0.192,
    "m6g.large": 0.077,
    "m7g.large": 0.0816,
    "c5.large": 0.085,
    "c5.xlarge": 0.17,
    "r5.large": 0.126,
}
_EC2_EU_WEST_1 = {
    "t3.medium": 0.0456,
    "m5.large": 0.107,
    "m5.xlarge": 0.214,
    "m6i.large": 0.107,
    "m6i.xlarge": 0.214,
    "c5.large": 0.096,
}

#: Region -> instance type -> on-demand Linux USD per hour.
EC2: dict[str, dict[str, float]] = {
    "us-east-1": _EC2_US,
    "us-east-2": _EC2_US,
    "us-west-2": _EC2_US,
    "eu-west-1": _EC2_EU_WEST_1,
}

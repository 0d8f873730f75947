"""Fargate task sizes (Linux): which task-level cpu/memory pairs Fargate accepts.

The table is the one in the ECS developer guide. The two
largest sizes need platform version 1.4.0 or later, which is the default ("LATEST") today.
Values may be given as ints or as the strings a task definition holds ("256", "1 vCPU", "2 GB").
"""

from __future__ import annotations

import re

#: cpu units -> allowed memory values in MiB, ascending.
TABLE: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4096 + 1, 1024)),
    1024: tuple(range(2048, 8192 + 1, 1024)),
    2048: tuple(range(4096, 16384 + 1, 1024)),
    4096: tuple(range(8192, 30720 + 1, 1024)),
    8192: tuple(range(16384, 61440 + 1, 4096)),
    16384: tuple(range(32768, 122880 + 1, 8192)),
}

#: Sizes that need platform version >= 1.4.0.
NEEDS_PLATFORM_1_4 = frozenset({8192, 16384})

_VCPU = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*vcpu\s*$", re.IGNORECASE)
_GB = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*gb\s*$", re.IGNORECASE)


def _units(value: str | int | None, suffix: re.Pattern[str]) -> int | None:
    """A plain number, or "<n> <suffix>" scaled by 1024; anything else -> None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if text.isdigit():
        return int(text)
    m = suffix.match(text)
    if m:
        scaled = float(m.group(1)) * 1024
        return int(scaled) if scaled.is_integer() else None
    return None


def cpu_units(value: str | int | None) -> int | None:
    """``"1024"``, ``1024`` or ``"1 vCPU"`` -> 1024; anything else -> None."""
    return _units(value, _VCPU)


def memory_mib(value: str | int | None) -> int | None:
    """``"2048"``, ``2048`` or ``"2 GB"`` -> 2048; anything else -> None."""
    return _units(value, _GB)


def valid(cpu: str | int | None, memory: str | int | None) -> bool:
    """True when Fargate accepts this task-level cpu/memory pair."""
    c, m = cpu_units(cpu), memory_mib(memory)
    if c is None or m is None:
        return False
    return m in TABLE.get(c, ())


def _ranges(values: tuple[int, ...]) -> str:
    if len(values) <= 3:
        return ", ".join(str(v) for v in values)
    step = values[1] - values[0]
    return f"{values[0]}-{values[-1]} in steps of {step}"


def got(value: object) -> str:
    """What a field holds, for a message: ``not set`` when absent or empty, else ``got '3'``."""
    if value is None or value == "":
        return "not set"
    return f"got {value!r}"


def explain(cpu: str | int | None, memory: str | int | None) -> str:
    """Say why a pair is (in)valid, in words a user can act on."""
    c, m = cpu_units(cpu), memory_mib(memory)
    if c is None:
        sizes = ", ".join(str(k) for k in TABLE)
        return f"Fargate needs a task-level cpu, one of {sizes} ({got(cpu)})"
    if c not in TABLE:
        sizes = ", ".join(str(k) for k in TABLE)
        return f"cpu {c} is not a Fargate size; use one of {sizes}"
    allowed = f"cpu {c} allows memory {_ranges(TABLE[c])}"
    if m is None:
        return f"Fargate needs a task-level memory ({got(memory)}); {allowed}"
    if m not in TABLE[c]:
        return f"memory {m} does not fit cpu {c}: {allowed}"
    note = " (needs platform version 1.4.0 or later)" if c in NEEDS_PLATFORM_1_4 else ""
    return f"cpu {c} with memory {m} is a valid Fargate size{note}"


def smallest_fitting(cpu_units: int, memory_mib: int) -> tuple[str, str]:
    """The smallest Fargate size with at least this much cpu and memory, as strings.

    Raises ValueError when nothing in the table is big enough.
    """
    for cpu, memories in TABLE.items():
        if cpu < cpu_units:
            continue
        for mem in memories:
            if mem >= memory_mib:
                return str(cpu), str(mem)
    raise ValueError(
        f"no Fargate size has {cpu_units} cpu units and {memory_mib} MiB; the largest is "
        "16384 cpu with 122880 MiB"
    )

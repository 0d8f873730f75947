"""CPU and memory use, and Auto Scaling, as the panes draw them: cells, sparklines, lines.

Use is a percentage of what the tasks reserve, so it is drawn beside the reservation: 95 % of
0.25 vCPU and 95 % of 4 vCPU are different problems. Colours are backed by the number itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from aws.autoscaling import Scaling, ScalingPolicy
from aws.metrics import History, Utilization
from tui.text import clean

BARS = "▁▂▃▄▅▆▇█"
#: Use at or above which a cell turns yellow, then red.
WARM = 75.0
HOT = 90.0
#: What a target-tracking policy's predefined metric is, in words.
METRIC_WORDS = {
    "ECSServiceAverageCPUUtilization": "CPU",
    "ECSServiceAverageMemoryUtilization": "memory",
    "ALBRequestCountPerTarget": "requests/target",
}


def percent_style(value: float) -> str:
    return "bold red" if value >= HOT else ("yellow" if value >= WARM else "")


def usage_cell(value: float | None, *, read: bool, stale: bool = False) -> Text:
    """ "42%", "-" with no datapoint (no running task), "…" until first read; dim when stale."""
    if not read:
        return Text("…", style="dim")
    if value is None:
        return Text("-", style="dim")
    return Text(f"{value:.0f}%", style="dim" if stale else percent_style(value))


def usage_cells(usage: Utilization | None, *, stale: bool = False) -> tuple[Text, Text]:
    read = usage is not None
    return (
        usage_cell(usage.cpu if usage else None, read=read, stale=stale),
        usage_cell(usage.memory if usage else None, read=read, stale=stale),
    )


def sparkline(values: Sequence[float], width: int, top: float = 100.0) -> str:
    """The last ``width`` buckets of ``values`` (averaged when there are more), one bar each,
    scaled 0..``top`` so two sparklines of percentages compare at a glance."""
    if not values:
        return ""
    size = max(1, -(-len(values) // width))  # ceil: never more than width bars
    buckets = [values[i : i + size] for i in range(0, len(values), size)]
    bars = []
    for bucket in buckets[-width:]:
        level = sum(bucket) / len(bucket) / top
        bars.append(BARS[min(len(BARS) - 1, max(0, int(level * len(BARS))))])
    return "".join(bars)


def _vcpu(units: int) -> str:
    return f"{units / 1024:g} vCPU"


def usage_line(
    history: History | None,
    reserved: tuple[int | None, int | None],
    width: int = 16,
    *,
    stale: bool = False,
) -> Text:
    """``cpu ▂▃▅▆ 63% of 0.5 vCPU · mem ▃▃▄▄ 50% of 1024 MiB`` over the last hour."""
    text = Text("  ")
    cpu_units, mib = reserved
    parts = (
        ("cpu", history.cpu if history else (), _vcpu(cpu_units) if cpu_units else None),
        ("mem", history.memory if history else (), f"{mib} MiB" if mib else None),
    )
    for i, (label, values, of) in enumerate(parts):
        if i:
            text.append(" · ")
        text.append(f"{label} ", style="bold")
        if history is None:
            text.append("…", style="dim")
        elif values:
            last = values[-1]
            text.append(sparkline(values, width), style="dim" if stale else "cyan")
            text.append(f" {last:.0f}%", style="dim" if stale else percent_style(last))
        else:
            text.append("no data", style="dim")
        if of:
            # "63% of 0.5 vCPU"; with no datapoint, the reservation alone ("no data of" is not
            # English).
            text.append(f" of {of}" if values else f" ({of} reserved)", style="dim")
    text.append("  (last hour)", style="dim")
    return text


def policy_words(p: ScalingPolicy) -> str:
    kind = {"TargetTrackingScaling": "target tracking", "StepScaling": "step scaling"}.get(
        p.policy_type, clean(p.policy_type, 30)
    )
    words = clean(p.name, 60) + f" ({kind}"
    if p.target_value is not None:
        metric = METRIC_WORDS.get(p.metric or "", clean(p.metric or "metric", 40))
        unit = "%" if metric in ("CPU", "memory") else ""
        words += f" {metric} {p.target_value:g}{unit}"
    return words + ")"


def scaling_line(scaling: Scaling) -> Text:
    """``autoscaling 2-6 tasks · checkout-web-cpu60 (target tracking CPU 60%)`` (one line)."""
    text = Text("  ")
    text.append("autoscaling ", style="bold")
    text.append(f"{scaling.min_capacity}-{scaling.max_capacity} tasks")
    if scaling.suspended:
        text.append(" (suspended)", style="yellow")
    for p in scaling.policies:
        text.append(" · " + policy_words(p))
    if not scaling.policies:
        text.append(" · no policy", style="dim")
    return text

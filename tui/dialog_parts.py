"""What the dialogs share and build from that is not a screen: the frame's CSS, the line saying
what Enter does, and the text of each dialog's lines (checks, revisions, images, what a run
prefills).

Kept out of tui/screens/dialogs/ (dialogs only): flows and other dialogs import these, and a
module importing a dialog's helper would depend on the dialog."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Button, Static

from aws import taskdef_history
from aws.ecr_models import Image
from aws.plan import td_label
from tui.rows.ecr import size_text
from tui.text import age, clean, short_arn, utc_stamp

if TYPE_CHECKING:
    from aws.exec_preflight import Preflight
    from aws.launch_type.switch import SwitchPlan
    from aws.models import TaskDefinition
    from aws.run_task import RunSpec

#: The frame of every dialog: the title docked on top, the buttons and the hint docked at the
#: bottom, and the frame itself scrolls what lies between, so the buttons stay on screen at any
#: height (an inner scroll with a fixed max-height pushed them off a 24- or 36-row terminal).
DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 110; max-width: 96%; height: auto; max-height: 94%;
    border: thick $accent; background: $surface; padding: 0 1; overflow-y: auto; }}
{name} > Vertical > .title {{ text-style: bold; padding: 0 0 1 0; dock: top; }}
{name} VerticalScroll {{ height: auto; }}
{name} .buttons {{ height: auto; align-horizontal: right; padding: 1 0 0 0; dock: bottom; }}
{name} .buttons Button {{ margin: 0 0 0 2; }}
{name} .buttons .focus-hint {{ width: 1fr; height: 3; content-align: left middle;
    text-style: bold; }}
{name} .error {{ color: $error; }}
"""


def update_focus_hint(screen: Screen[Any], enter: str | None = None, extra: str = "") -> None:
    """Say in words what Enter does now, in the screen's ``#focus-hint`` (not by colour only).

    On a focused button: its label; elsewhere ``enter`` (what Enter does there), if given.
    ``extra`` is one more key to mention.
    """
    hints = screen.query("#focus-hint")
    if not hints:
        return
    focused = screen.focused
    what = str(focused.label) if isinstance(focused, Button) else enter
    text = f"Enter = {what}  ·  " if what else ""
    text += "Esc cancels" + (f"  ·  {extra}" if extra else "")
    hints.first(Static).update(Text(text))


def preflight_checks_text(result: Preflight) -> Text:
    """One line a check (✓ / ✗ / ? when unknown), the fix under each failure."""
    out = Text()
    for i, check in enumerate(result.checks):
        if i:
            out.append("\n")
        mark, style = {True: ("✓", "green"), False: ("✗", "bold red"), None: ("?", "yellow")}[
            check.ok
        ]
        out.append(f"{mark} ", style=style)
        out.append(clean(check.label, 80), style="bold" if check.ok is False else "")
        out.append(f"  {clean(check.found, 200)}", style="dim")
        if check.ok is False and check.fix:
            out.append("\n    → ")
            out.append(clean(check.fix, 500), style="yellow")
    return out


def switch_checks_text(sp: SwitchPlan) -> Text:
    out = Text()
    for i, check in enumerate(sp.checks):
        if i:
            out.append("\n")
        # Three states: fine (✓), wrong and fixed by this plan (→), wrong and not fixed (✗).
        if check.ok:
            out.append("✓ ", style="bold green")
        elif check.fix and not sp.blocked:
            out.append("→ ", style="bold yellow")
        else:
            out.append("✗ ", style="bold red")
        out.append(clean(check.name, 40), style="bold")
        out.append(": " + clean(check.detail, 400))
        if check.fix:
            lead = "to fix: " if sp.blocked else "will be fixed by this plan: "
            out.append("\n    " + lead + clean(check.fix, 400), style="yellow")
    if sp.blocked:
        out.append("\n\nBlocked: ", style="bold red")
        out.append(clean(sp.blocked, 800))
    return out


def selected_text(ids: list[str]) -> Text:
    """``selected: subnet-a, subnet-b`` (or ``selected: none``), for a SelectionList."""
    out = Text("selected: ", style="bold")
    out.append(clean(", ".join(ids), 400) if ids else "none")
    return out


def revision_label(arn: str, running: bool, td: TaskDefinition | None = None) -> Text:
    """``web:7  image 1.4.2 · registered 3d ago  (running now)``."""
    label = Text(clean(short_arn(arn), 60))
    if td is not None:
        tags = ", ".join(taskdef_history.image_tags(td)) or "no image"
        label.append(f"  image {clean(tags, 60)}", style="cyan")
        registered = taskdef_history.registered_at(td)
        if registered is not None:
            label.append(f" · registered {age(registered)} ago", style="dim")
    if running:
        label.append("  (running now)", style="dim")
    return label


def prefilled(spec: RunSpec) -> Text:
    """What comes from the service or task definition, as it will be sent."""
    if spec.capacity_provider_strategy:
        compute = "capacity providers " + ", ".join(
            f"{i.provider} (weight {i.weight}, base {i.base})"
            for i in spec.capacity_provider_strategy
        )
    else:
        compute = f"launch type {spec.launch_type or 'the cluster default'}"
    lines = [
        f"cluster {spec.cluster} · {td_label(spec.task_definition)}"
        + (f" · {spec.origin}" if spec.origin else ""),
        compute + (f" · platform {spec.platform_version}" if spec.platform_version else ""),
    ]
    net = spec.network
    if net is not None and net.subnets:
        lines.append(
            f"subnets {', '.join(net.subnets)} · security groups "
            f"{', '.join(net.security_groups) or 'the VPC default'} · public IP "
            f"{net.assign_public_ip or 'DISABLED'}"
        )
    lines.append(f"startedBy {spec.started_by}")
    return Text("\n".join(clean(line, 200) for line in lines), style="dim")


def _scan(image: Image) -> str:
    if image.scan_findings:
        order = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED"]
        found = sorted(image.scan_findings.items(), key=lambda kv: [*order, kv[0]].index(kv[0]))
        return "scan: " + ", ".join(f"{n} {sev}" for sev, n in found if n)
    return f"scan: {image.scan_status.lower()}" if image.scan_status else "not scanned"


def image_uri(prefix: str, image: Image) -> str:
    """``registry/repo:tag`` (first tag), or ``@digest`` when untagged."""
    return f"{prefix}:{image.tags[0]}" if image.tags else f"{prefix}@{image.digest}"


def image_label(image: Image, current: bool) -> Text:
    tags = ", ".join(image.tags) or "(untagged) " + image.digest[:19]
    pushed = utc_stamp(image.pushed_at)
    text = Text(clean(tags, 40).ljust(24), style="bold")
    text.append(f"  pushed {pushed}  {size_text(image.size_bytes):>9}  ")
    scan = _scan(image)
    text.append(clean(scan, 60), style="red" if "CRITICAL" in scan or "HIGH" in scan else "dim")
    if current:
        text.append("  (running now)", style="dim")
    return text


#: (container name, current image URI, repository registry/name prefix, images newest first)
ContainerImages = tuple[str, str, str, list[Image]]

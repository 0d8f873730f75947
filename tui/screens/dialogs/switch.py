"""Switch launch type: the preflight checks (✓ fine, → fixed by this plan, ✗ not), the network choice, the plan.

A blocked switch explains why and offers only Close. Otherwise the subnets and security groups
are chosen from the service's VPC (preselected with what the plan uses); Next re-plans with the
choice and goes on to the confirmation.
"""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, SelectionList, Static

from aws.launch_type.switch import SwitchPlan
from tui import keymap
from tui.dialog_parts import DIALOG_CSS, selected_text, switch_checks_text, update_focus_hint
from tui.plan_text import calls_text, cli_target
from tui.screens.dialogs.frame import Dialog
from tui.text import clean, diff_text
from tui.where import Where
from tui.widgets.ticks import TickList

#: (subnets, security groups) chosen by the user
Choice = tuple[list[str], list[str]]


class SwitchScreen(Dialog[Choice | None]):
    BINDINGS = keymap.bindings_for("switch")
    DEFAULT_CSS = (
        DIALOG_CSS.format(name="SwitchScreen")
        + """
    SwitchScreen SelectionList { height: auto; max-height: 8; }
    SwitchScreen .label { text-style: underline; padding: 1 0 0 0; }
    """
    )

    def __init__(self, sp: SwitchPlan, to_ec2: bool, where: Where | None = None) -> None:
        super().__init__()
        self.sp = sp
        self.to_ec2 = to_ec2
        #: The account-region the plan goes to (None: the app's own), for its CLI lines.
        self.where = where

    def compose(self) -> ComposeResult:
        sp = self.sp
        with Vertical():
            yield Static(
                Text(clean(sp.plan.title, 60) + ": ") + Text(clean(sp.plan.summary, 200)),
                classes="title",
            )
            with VerticalScroll():
                yield Static(Text("Preflight", style="underline"))
                yield Static(switch_checks_text(sp), id="checks")
                if not sp.blocked:
                    overview = Text("\nThe plan: ", style="bold")
                    for n, call in enumerate(sp.plan.calls, 1):
                        overview.append(f"{n}. {clean(call.label(), 80)}  ")
                    yield Static(overview, id="overview")
                if not sp.blocked and not self.to_ec2 and sp.candidate_subnets:
                    yield from self._network_choice()
                if not sp.blocked:
                    yield from self._plan_details()
            with Horizontal(classes="buttons"):
                yield Static(id="focus-hint", classes="focus-hint")
                yield Button("Close" if sp.blocked else "Cancel", id="cancel", variant="primary")
                if not sp.blocked:
                    yield Button("Next", id="next", variant="warning")

    def _network_choice(self) -> ComposeResult:
        """The subnets and security groups of the service's VPC, the plan's own ticked."""
        sp = self.sp
        yield Static("Subnets (space toggles)", classes="label")
        yield TickList[str](
            *[
                (
                    Text(
                        clean(
                            f"{s.id}  {s.availability_zone or ''}  {s.cidr or ''}  {s.name or ''}",
                            120,
                        )
                    ),
                    s.id,
                    s.id in sp.subnets,
                )
                for s in sp.candidate_subnets
            ],
            id="subnets",
        )
        yield Static(selected_text(list(sp.subnets)), id="subnets-chosen")
        yield Static("Security groups (space toggles)", classes="label")
        yield TickList[str](
            *[
                (Text(clean(f"{g.id}  {g.name or ''}", 120)), g.id, g.id in sp.security_groups)
                for g in sp.candidate_security_groups
            ],
            id="groups",
        )
        yield Static(selected_text(list(sp.security_groups)), id="groups-chosen")

    def _plan_details(self) -> ComposeResult:
        """The calls in order, the plan's notes and the task-definition diff it registers."""
        plan = self.sp.plan
        yield Static("The plan, in order (nothing sent yet)", classes="label")
        yield Static(calls_text(plan, cli_target(self.where or self.app)), id="calls")
        for note in plan.notes:
            yield Static(Text("• " + clean(note, 400), style="yellow"))
        if plan.diff:
            yield Static("Task definition diff", classes="label")
            yield Static(diff_text(plan.diff))

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()
        self._hint()

    @on(events.DescendantFocus)
    def _hint(self) -> None:
        enter = "tick/untick" if isinstance(self.focused, SelectionList) else None
        update_focus_hint(self, enter)

    @on(SelectionList.SelectedChanged)
    def _chosen(self, event: SelectionList.SelectedChanged[str]) -> None:
        """Say in words what is ticked: the list shows it by colour only."""
        lists = event.selection_list
        if lists.id in ("subnets", "groups"):
            chosen = self.query_one(f"#{lists.id}-chosen", Static)
            chosen.update(selected_text([str(v) for v in lists.selected]))

    def choice(self) -> Choice:
        subnets, groups = list(self.sp.subnets), list(self.sp.security_groups)
        if self.query("#subnets"):
            subnets = list(self.query_one("#subnets", SelectionList).selected)
            groups = list(self.query_one("#groups", SelectionList).selected)
        return subnets, groups

    @on(Button.Pressed, "#next")
    def _next(self) -> None:
        self.dismiss(self.choice())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

"""How a service's state reads: a symbol and a word, in the order an on-call needs."""

from __future__ import annotations

import re
from dataclasses import replace

from aws.models import Deployment, Service
from tui.status import service_health


def svc(desired: int, running: int, rollout: str | None = "COMPLETED", deps: int = 1) -> Service:
    d = Deployment(
        "ecs-svc/1", "PRIMARY", "td:1", desired, running, 0, 0, rollout, None, "EC2", (), None, None
    )
    extra = tuple(replace(d, id=f"ecs-svc/{i}", status="ACTIVE") for i in range(2, deps + 1))
    return Service(
        "arn:svc",
        "web",
        "arn:cluster",
        "ACTIVE",
        desired,
        running,
        0,
        "td:1",
        "EC2",
        (),
        (d, *extra),
        (),
        (),
        None,
        "ECS",
        None,
    )


def test_states_read_without_colour() -> None:
    assert service_health(svc(2, 2)).plain == "✓ steady"
    assert service_health(svc(4, 3)).plain == "✗ short"  # no rollout explains it
    assert service_health(svc(4, 3, "IN_PROGRESS")).plain == "⟳ deploying"  # a scale-up
    assert service_health(svc(2, 2, "COMPLETED", deps=2)).plain == "⟳ deploying"
    assert service_health(svc(2, 1, "FAILED")).plain == "✗ rollout failed"


def test_service_summary_says_when_targets_fail() -> None:
    from tui.rows.service import summary

    assert "unhealthy" not in summary(svc(2, 2)).plain
    assert "2 targets unhealthy" in summary(svc(2, 2), unhealthy_targets=2).plain


def test_the_list_and_the_pane_say_the_same_state() -> None:
    """One state function: a steady service whose targets all fail reads ``✗ targets failing``
    in the services list and on its pane, never ``✓ steady`` in one of them."""
    from tui.rows.service import summary
    from tui.rows.services import state_cell

    for service, counts in (
        (svc(3, 3), {"unhealthy": 3}),
        (svc(3, 3), {"healthy": 2, "unhealthy.draining": 1}),
        (svc(3, 3), {"healthy": 3}),
        (svc(3, 3, "IN_PROGRESS"), {"unhealthy": 3}),
        (svc(4, 3), {"unhealthy": 1, "healthy": 2}),
    ):
        listed = state_cell(service, counts).plain
        unhealthy = counts.get("unhealthy", 0) + counts.get("unhealthy.draining", 0)
        first_line = summary(service, unhealthy_targets=unhealthy).plain.splitlines()[0]
        assert first_line.startswith(f"web  {listed}"), (listed, first_line)
        assert "✓ steady" not in first_line or not unhealthy
    assert state_cell(svc(3, 3), {"unhealthy": 3}).plain == "✗ targets failing"


def test_events_view_flags_trouble_and_keeps_text_inert() -> None:
    from datetime import UTC, datetime

    from rich.console import Console

    from aws.models import ServiceEvent
    from tui.render.events import render_events

    events = (
        ServiceEvent("2", datetime.now(UTC), "(service web) was unable to place a task [b]x[/b]"),
        ServiceEvent("1", None, "(service web) has reached a steady state."),
    )
    console = Console(width=200, record=True, color_system=None)
    console.print(render_events(replace(svc(2, 2), events=events)))
    text = console.export_text()
    assert "✗ (service web) was unable to place a task [b]x[/b]" in text
    assert re.search(r"-   +\(service web\) has reached a steady state\.", text)


def test_task_counts_read_run_des_everywhere() -> None:
    """One order for task counts, RUN/DES as the services list: the deployments view, the
    service pane's summary and its deployment lines, and the scale dialog."""
    from tui.rows import deployments, services
    from tui.rows.service import summary

    primary = replace(svc(3, 1).deployments[0], pending=2)
    service = replace(svc(3, 1), pending=2, deployments=(primary,))
    assert dict(deployments.COLUMNS)["tasks"] == dict(services.COLUMNS)["tasks"] == "RUN/DES"
    listed = services.service_row(service).cells[2].plain
    assert listed == "1/3 +2p"
    shown = deployments.deployment_row(primary).cells[2]
    assert shown.plain == listed and shown.style == "bold red"  # short: red, as the list
    text = summary(service).plain
    first, deployment_line = text.splitlines()[:2]
    assert "1/3 running · 2 pending" in first and "desired" not in first
    assert "1/3 running · 2 pending" in deployment_line

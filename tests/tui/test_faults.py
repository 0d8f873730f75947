"""What the user sees when AWS misbehaves: each fault named in words, the rest keeps working.

Faults are injected with botocore ``before-send`` hooks on the app's own clients (so the real
retry logic runs) or with the TCP proxy of test_live (a dead endpoint). No timings asserted:
the words, which parts stay fresh, and recovery.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.tui.conftest import wait_for
from tests.tui.test_live import Proxy
from tests.tui.test_panes import open_cluster, open_service

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")

ELB_DENIED = (
    b'<ErrorResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">'
    b"<Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: "
    b"arn:aws:iam::123456789012:user/oncall is not authorized to perform: "
    b"elasticloadbalancing:DescribeTargetHealth</Message></Error>"
    b"<RequestId>f00</RequestId></ErrorResponse>"
)


def inject(client: Any, event: str, status: int, body: bytes, content_type: str) -> Any:
    """Answer every request of ``event`` with ``status``/``body``; returns the undo."""
    from aiobotocore.awsrequest import AioAWSResponse

    class _Raw:
        async def read(self) -> bytes:
            return body

    def hook(request: Any, **_: Any) -> AioAWSResponse:
        return AioAWSResponse(request.url, status, {"Content-Type": content_type}, _Raw())

    client.meta.events.register_first(event, hook)
    return lambda: client.meta.events.unregister(event, hook)


def deny_target_health(clients: Any) -> Any:
    event = "before-send.elastic-load-balancing-v2.DescribeTargetHealth"
    return inject(clients.elbv2, event, 403, ELB_DENIED, "text/xml")


def throttle_ecs(clients: Any, op: str) -> Any:
    body = b'{"__type": "ThrottlingException", "message": "Rate exceeded"}'
    return inject(clients.ecs, f"before-send.ecs.{op}", 400, body, "application/x-amz-json-1.1")


async def test_denied_target_health_marks_only_that_part(
    frozen_sandbox: str, make_app: Any
) -> None:
    app = make_app(frozen_sandbox, max_attempts=1)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_service(app, pilot, "web-fargate")
        screen = app.screen
        header = screen.header
        await wait_for(pilot, lambda: screen.loaded and screen.targets)
        undo = deny_target_health(app.clients)
        await wait_for(pilot, lambda: header.part_errors)
        (part, reason), *_ = header.part_errors.items()
        assert "target health" in part
        assert "elasticloadbalancing:DescribeTargetHealth" in reason
        ticks = screen.ticks
        await wait_for(pilot, lambda: screen.ticks >= ticks + 2)
        assert not header.stale  # tasks and the summary kept refreshing
        assert screen.targets  # the last targets stay on screen
        assert "target health not refreshed" in header.render().plain
        undo()
        await wait_for(pilot, lambda: not header.part_errors)


async def test_throttling_storm_says_throttled_and_recovers(
    frozen_sandbox: str, make_app: Any
) -> None:
    app = make_app(frozen_sandbox, max_attempts=3)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_cluster(app, pilot, "web-fargate")
        header = app.screen.header
        rows = app.screen.services_table.row_count
        undo = throttle_ecs(app.clients, "DescribeServices")
        await wait_for(pilot, lambda: header.stale)
        assert "throttled by AWS" in (header.error or "")
        assert app.screen.services_table.row_count == rows  # rows kept
        assert header.next_in > app.settings.refresh  # backing off, as AWS asks
        undo()
        await wait_for(pilot, lambda: not header.stale, timeout=60)


async def test_dead_endpoint_is_named_and_polled_at_the_refresh_rate(
    frozen_sandbox: str, make_app: Any
) -> None:
    proxy = Proxy(frozen_sandbox)
    await proxy.start()
    app = make_app(proxy.url)  # default retries: the stall watchdog, not retries, decides
    async with app.run_test(size=(120, 36)) as pilot:
        await open_cluster(app, pilot, "web-fargate")
        header = app.screen.header
        await proxy.stop()
        await wait_for(pilot, lambda: header.stale)
        assert "unreachable" in (header.error or "") or "not answering" in (header.error or "")
        assert header.next_in <= app.settings.refresh  # no exponential back-off on a dead link
        await proxy.start()
        await wait_for(pilot, lambda: not header.stale, timeout=60)
    await proxy.stop()


async def test_hanging_endpoint_is_named_and_recovers(frozen_sandbox: str, make_app: Any) -> None:
    proxy = Proxy(frozen_sandbox)
    await proxy.start()
    app = make_app(proxy.url)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_cluster(app, pilot, "web-fargate")
        header = app.screen.header
        proxy.hanging = True
        await wait_for(pilot, lambda: header.stale)
        assert "not answering" in (header.error or "")
        assert "STALE" in header.render().plain
        proxy.hanging = False
        await wait_for(pilot, lambda: not header.stale, timeout=60)
    await proxy.stop()


async def test_expired_credentials_are_reloaded_with_ctrl_r(
    frozen_sandbox: str, make_app: Any
) -> None:
    app = make_app(frozen_sandbox, max_attempts=1)
    # The line to log in again names the profile in use (the clients are built already).
    app.settings = app.settings.model_copy(update={"profile": "sandbox-sso"})
    async with app.run_test(size=(120, 36)) as pilot:
        await open_cluster(app, pilot, "web-fargate")
        header = app.screen.header
        old = app.clients
        body = b'{"__type": "ExpiredTokenException", "message": "The security token has expired"}'
        inject(old.ecs, "before-send.ecs.DescribeServices", 400, body, "application/x-amz-json-1.1")
        await wait_for(pilot, lambda: header.stale)
        assert "expired" in (header.error or "").lower()
        assert "aws sso login --profile sandbox-sso" in (header.error or "")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: app.clients is not old)
        await wait_for(pilot, lambda: not header.stale)  # the new bundle has no expired token
        assert app.screen.services_table.row_count > 0


async def test_reload_command_opens_new_clients(frozen_sandbox: str, make_app: Any) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_cluster(app, pilot, "web-fargate")
        old = app.clients
        await pilot.press("colon", *"reload", "enter")
        await wait_for(pilot, lambda: app.clients is not old)
        header = app.screen.header
        await wait_for(pilot, lambda: header.fetched_at is not None and not header.stale)


async def test_a_change_during_a_hang_shows_pending_and_can_be_given_up(
    frozen_sandbox: str, make_app: Any
) -> None:
    from aws.audit import AuditLog
    from tests.tui.test_actions import confirm, notes, open_services
    from tui.screens.dialogs.scale import ScaleScreen

    proxy = Proxy(frozen_sandbox)
    await proxy.start()
    app = make_app(proxy.url)
    async with app.run_test(size=(90, 36)) as pilot:
        screen = await open_services(pilot, "web-fargate", "auth-service")
        await wait_for(pilot, lambda: app.clients.caller_arn)  # whoami ran: no STS call later
        header = screen.header
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ScaleScreen))
        await pilot.press("3", "enter")
        proxy.hanging = True
        await confirm(pilot)  # confirmed during the hang
        # on screen, on a line of its own, under a status line too long for the width
        await wait_for(pilot, lambda: header.stale and "PENDING" in header.render_line(2).text)
        first = header.render().plain.split("\n")[2]
        assert "Scale service auth-service: 2 -> 3: pending" in first
        assert "waiting for AWS" in first and "ctrl+g gives up" in first
        # the elapsed time is updated on screen, second by second
        await wait_for(pilot, lambda: header._painted[-1][0] not in ("", first))
        await wait_for(pilot, lambda: header.size.height == 3)
        [entry] = [e for e in AuditLog().read() if e.get("service") == "auth-service"]
        assert entry["result"] == "intent"  # on disk before the request left
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: not app.pending.items)
        assert "may or may not have reached AWS" in notes(app)
        assert "next refresh will show" in notes(app)
        [entry] = [e for e in AuditLog().read() if e.get("service") == "auth-service"]
        assert entry["result"] == "abandoned"
        await wait_for(pilot, lambda: "PENDING" not in header.render().plain)
        proxy.hanging = False
        await wait_for(pilot, lambda: not header.stale and header.fetched_at, timeout=60)
        await wait_for(pilot, lambda: header.size.height == 2)
        # the service can be changed again: the per-service guard was released
        assert not app._ecsdeck_busy
    await proxy.stop()

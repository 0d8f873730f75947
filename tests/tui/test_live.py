"""Liveness under failure, and AWS text that must stay inert."""

from __future__ import annotations

import asyncio
import contextlib
import html
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.tui.conftest import aws_client, log_stream, put_log_lines, wait_for
from tests.tui.test_panes import open_cluster, open_service, table
from tui.screens.service import ServiceScreen

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")


class Proxy:
    """A TCP proxy in front of the sandbox that can play a dead endpoint (connection refused),
    or, with ``hanging`` set, one that accepts requests and never answers."""

    hanging = False

    def __init__(self, upstream: str) -> None:
        u = urlparse(upstream)
        self.host, self.port_up = u.hostname or "127.0.0.1", u.port or 80
        self.port = 0
        self.server: asyncio.base_events.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self.server is not None
        self.server.close()
        for w in list(self.writers):
            w.close()
        self.writers.clear()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.server.wait_closed(), 2)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(self.host, self.port_up)
        self.writers |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    if not self.hanging:
                        dst.write(data)
                        await dst.drain()
            except Exception:
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


async def test_stale_marker_when_endpoint_dies_and_recovery(
    frozen_sandbox: str, make_app: Any
) -> None:
    proxy = Proxy(frozen_sandbox)
    await proxy.start()
    app = make_app(proxy.url, max_attempts=1)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_cluster(app, pilot, "web-fargate")
        before = table(app).row_count
        header = app.screen.header
        await wait_for(pilot, lambda: header.fetched_at is not None and not header.stale)
        await proxy.stop()
        # A request in flight as the endpoint dies fails "connection was closed"; the next one
        # is refused: plain words, cannot reach the endpoint, as long as it stays down.
        await wait_for(pilot, lambda: header.stale and "reach" in (header.error or "").lower())
        rendered = header.render().plain
        assert "STALE" in rendered
        assert table(app).row_count == before  # the data stays on screen
        await proxy.start()  # same port: the endpoint comes back
        await wait_for(pilot, lambda: not header.stale, timeout=40)
        assert "STALE" not in header.render().plain
    await proxy.stop()


async def test_hostile_aws_text_is_shown_as_characters(moto_url: str, make_app: Any) -> None:
    ecs = aws_client(moto_url, "ecs")
    cluster = ecs.create_cluster(clusterName="hostile")["cluster"]["clusterArn"]
    td = ecs.register_task_definition(
        family="hostile",
        containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128}],
    )["taskDefinition"]["taskDefinitionArn"]
    long_value = "A" * 5000
    ecs.create_service(
        cluster=cluster,
        # AWS allows no "/" in a name (moto splits on it), so the closing tag lives in a tag value
        serviceName="[red]x[red]",
        taskDefinition=td,
        desiredCount=0,
        tags=[
            {"key": "clear", "value": "\x1b[2J"},
            {"key": "markup", "value": "[red]x[/red]"},
            {"key": "long", "value": long_value},
        ],
    )
    app = make_app(moto_url)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_cluster(app, pilot, "hostile")
        svg = app.export_screenshot()
        assert "[red]x[red]" in svg
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))
        await wait_for(pilot, lambda: app.screen.header.fetched_at is not None)
        svg = app.export_screenshot()
        assert "\x1b" not in svg
        assert "␛[2J" in svg  # the escape is shown as a visible glyph
        assert "A" * 5000 not in svg and "AAAA" in svg  # long tag truncated, not dropped
        assert "[red]x[red]" in svg and "markup=[red]x[/red]" in svg


async def test_denied_api_is_explained_in_plain_words_and_the_app_keeps_running(
    frozen_sandbox: str, make_app: Any
) -> None:
    from tests.aws.test_actions import fail_operation

    app = make_app(frozen_sandbox, max_attempts=1)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_cluster(app, pilot, "web-fargate")
        header = app.screen.header
        await wait_for(pilot, lambda: header.fetched_at is not None)
        rows = table(app).row_count
        fail_operation(
            app.clients,
            "DescribeServices",
            "AccessDeniedException",
            "User: arn:aws:iam::123456789012:user/oncall is not authorized to perform: "
            "ecs:DescribeServices",
        )
        await wait_for(pilot, lambda: header.stale)
        assert "AccessDeniedException" in (header.error or "")
        assert "ecs:DescribeServices" in (header.error or "")
        assert "STALE" in header.render().plain
        assert table(app).row_count == rows
        await pilot.press("down")  # still answering keys
        assert table(app).cursor_row == 1


async def test_task_detail_shows_its_log_lines_as_characters(
    frozen_sandbox: str, make_app: Any
) -> None:
    from tui.screens.task_detail import TaskDetail

    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_service(app, pilot, "web-fargate")
        await wait_for(pilot, lambda: table(app, "#tasks").row_count > 0)
        screen = app.screen
        task = screen.tasks[table(app, "#tasks").shown_keys()[0]]
        group, stream = log_stream(frozen_sandbox, task)
        hostile = "ERROR [red]x[/red] \x1b[2J payment failed"
        put_log_lines(frozen_sandbox, group, stream, [hostile])
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskDetail))
        detail = app.screen
        await wait_for(pilot, lambda: "Logs ·" in str(detail.logs.render()))
        detail.query_one("VerticalScroll").scroll_end(animate=False, immediate=True)
        await pilot.pause()
        svg = html.unescape(app.export_screenshot()).replace("\xa0", " ")
        assert "[red]x[/red]" in svg and "␛[2J payment failed" in svg
        assert "\x1b" not in svg

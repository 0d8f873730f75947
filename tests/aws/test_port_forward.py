"""Port forwarding: its plan and input checks (plain), StartSession as the sandbox answers it
(moto has none: aws.sandbox.ssm_sessions), and the plugin processes it leaves behind."""

from __future__ import annotations

import json
import shlex
import socket
import sys
import time
from collections.abc import AsyncIterator

import pytest
from botocore.exceptions import ClientError

from aws import port_forward
from aws.audit import AuditLog
from aws.ecs_exec import runtime_id
from aws.execute import execute
from aws.forward_sessions import ForwardSessions
from aws.plan import ValidationError
from aws.session import Clients, SessionSettings
from tests.aws.test_exec_sandbox import a_task


@pytest.fixture
async def clients(sandbox_frozen: str) -> AsyncIterator[Clients]:
    settings = SessionSettings(
        endpoint_url=sandbox_frozen, region="us-east-1", retry_mode="standard", max_attempts=1
    )
    async with Clients.open(settings) as c:
        yield c


@pytest.mark.parametrize("text", ["0", "65536", "-1", "80a", "", " ", "٣"])
def test_bad_ports_are_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        port_forward.parse_port(text, "Remote port")


def test_good_ports_and_hosts() -> None:
    assert port_forward.parse_port(" 5432 ", "Remote port") == 5432
    assert port_forward.parse_host("") == "localhost"
    assert port_forward.parse_host("db.internal") == "db.internal"
    with pytest.raises(ValidationError):
        port_forward.parse_host("a b")


def test_a_local_port_in_use_is_refused() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ValidationError, match="in use"):
            port_forward.check_local_port(port)
    free = port_forward.free_port()
    port_forward.check_local_port(free)  # nothing listens there


async def test_start_session_as_aws_answers_it(clients: Clients, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ECSDECK_STATE_DIR", str(tmp_path))
    target = await port_forward.read_forward_target(
        clients, await a_task(clients, "web-fargate", "catalog-api")
    )
    task = target.exec.task
    assert target.ports.get("catalog-api")  # the container port is the default remote port
    plan = port_forward.plan_port_forward(
        task,
        "catalog-api",
        runtime_id(task, "catalog-api"),
        host="localhost",
        remote_port=target.ports["catalog-api"],
        local_port=15432,
    )
    line = plan.cli(region="us-east-1")
    assert line.startswith("aws ssm start-session --target ") and "--document-name" in line
    params = json.loads(shlex.split(line)[shlex.split(line).index("--parameters") + 1])
    assert params == {
        "host": ["localhost"],
        "portNumber": [str(target.ports["catalog-api"])],
        "localPortNumber": ["15432"],
    }
    outcome = await execute(clients, plan, audit=AuditLog())
    assert outcome.ok, outcome.report()
    assert set(outcome.results[0]) == {"SessionId", "StreamUrl", "TokenValue"}
    assert outcome.results[0]["StreamUrl"].startswith("wss://ssmmessages.us-east-1.")
    [line_ok] = [r for r in AuditLog().read() if r["result"] == "ok"]
    assert line_ok["call"] == "StartSession"
    assert outcome.results[0]["TokenValue"] not in AuditLog().path.read_text()


async def test_a_task_without_exec_is_not_connected(clients: Clients) -> None:
    task = await a_task(clients, "core-ec2", "email-worker")
    container = task.containers[0]
    with pytest.raises(ClientError) as err:
        await clients.ssm.start_session(
            Target=f"ecs:core-ec2_{task.id}_{container.runtime_id}",
            DocumentName=port_forward.DOCUMENT,
            Parameters={"portNumber": ["80"], "localPortNumber": ["8080"]},
        )
    assert err.value.response["Error"]["Code"] == "TargetNotConnected"


def test_stop_all_leaves_no_child_running(tmp_path) -> None:
    sessions = ForwardSessions()
    sleeper = [
        sys.executable,
        "-c",
        "import time; print('Waiting for connections...', flush=True); time.sleep(60)",
    ]
    a = sessions.start(sleeper, task_id="t1", container="c", local_port=1, host="h", remote_port=2)
    b = sessions.start(sleeper, task_id="t2", container="c", local_port=3, host="h", remote_port=4)
    dies = sessions.start(
        [sys.executable, "-c", "print('no route'); raise SystemExit(3)"],
        task_id="t3",
        container="c",
        local_port=5,
        host="h",
        remote_port=6,
    )
    deadline = time.monotonic() + 10
    while dies.running and time.monotonic() < deadline:
        time.sleep(0.05)
    assert dies.state() == "exited 3: no route"
    assert sessions.stop(a.id) is a and a.state() == "stopped"
    assert sessions.stop_all() == 1
    assert not a.running and not b.running and b.state() == "stopped"
    assert sessions.running() == []

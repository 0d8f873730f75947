"""The port-forwarding sessions ecsdeck started: ``session-manager-plugin`` child processes.

Unlike ECS Exec (which gives the plugin the terminal), a forward runs beside the app: its
output goes to a temporary file (never the app's terminal), it has its own process group (a
Ctrl-C meant for something else does not reach it), and ``stop_all`` ends every one when ecsdeck
quits, so no plugin outlives the app and keeps a local port open behind the user's back.
"""

from __future__ import annotations

import itertools
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO

#: Seconds a plugin gets to end after SIGTERM before it is killed.
STOP_GRACE = 3.0


@dataclass
class Forward:
    """One session: what it forwards, and the plugin process carrying it."""

    id: int
    task_id: str
    container: str
    local_port: int
    host: str
    remote_port: int
    started: float
    process: subprocess.Popen[bytes]
    output: IO[bytes]
    stopped: bool = field(default=False)

    @property
    def ports(self) -> str:
        return f"{self.local_port} -> {self.host}:{self.remote_port}"

    def age(self, now: float | None = None) -> float:
        return max(0.0, (time.time() if now is None else now) - self.started)

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def state(self) -> str:
        """``running``, ``stopped`` (by the user), or ``exited N: last line of its output``."""
        code = self.process.poll()
        if code is None:
            return "running"
        if self.stopped:
            return "stopped"
        return f"exited {code}" + (f": {last}" if (last := self.last_line()) else "")

    def last_line(self) -> str:
        try:
            self.output.seek(0)
            lines = self.output.read()[-2000:].decode(errors="replace").strip().splitlines()
        except (OSError, ValueError):
            return ""
        return lines[-1].strip() if lines else ""


class ForwardSessions:
    """Every forward of this ecsdeck run, by id (ids are never reused)."""

    def __init__(self) -> None:
        self.sessions: dict[int, Forward] = {}
        self._ids = itertools.count(1)

    def start(
        self,
        argv: Sequence[str],
        *,
        task_id: str,
        container: str,
        local_port: int,
        host: str,
        remote_port: int,
    ) -> Forward:
        """Start the plugin in the background; OSError when it cannot be started."""
        output = tempfile.TemporaryFile(prefix="ecsdeck-forward-")  # noqa: SIM115 (kept open)
        try:
            process = subprocess.Popen(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError:
            output.close()
            raise
        forward = Forward(
            next(self._ids),
            task_id,
            container,
            local_port,
            host,
            remote_port,
            time.time(),
            process,
            output,
        )
        self.sessions[forward.id] = forward
        return forward

    def stop(self, forward_id: int) -> Forward | None:
        """End one session's plugin (SIGTERM, then SIGKILL after ``STOP_GRACE``)."""
        forward = self.sessions.get(forward_id)
        if forward is None:
            return None
        if forward.running:
            forward.stopped = True
            forward.process.terminate()
            try:
                forward.process.wait(STOP_GRACE)
            except subprocess.TimeoutExpired:
                forward.process.kill()
                forward.process.wait()
        return forward

    def stop_all(self) -> int:
        """End every running plugin (at quit): how many were running."""
        running = [f for f in self.sessions.values() if f.running]
        for forward in running:
            forward.stopped = True
            forward.process.terminate()
        deadline = time.monotonic() + STOP_GRACE
        for forward in running:
            try:
                forward.process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                forward.process.kill()
                forward.process.wait()
        for forward in self.sessions.values():
            forward.output.close()
        return len(running)

    def running(self) -> list[Forward]:
        return [f for f in self.sessions.values() if f.running]

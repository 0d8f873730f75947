"""Seed each kind of sandbox once per test run and hand every test module a forked copy.

Seeding a sandbox costs ~7 CPU-seconds (moto imports, then a few thousand HTTP calls), and the
suite asks for the same few kinds ~30 times across its xdist workers: re-seeding was a quarter
of the suite's CPU. A *template* (``python -m tests.sandbox_fork SOCKET OWNER ARGS...``) seeds
the account ``python -m aws.sandbox ARGS`` would, stops serving, and then forks a copy for each
request on its unix socket. A copy binds its own port, starts the simulator (if any) and shares
nothing with its siblings after the fork, so a test that writes to its copy disturbs no one.
Whether a copy's account lives (``--no-simulate``, ``--tick``, ``--no-weather``) is said per
copy: a frozen and a live copy of the same seed share one template.

:func:`spawn` is the client: the first caller of a kind (in any worker) starts its template
under a file lock, everyone else waits for it. Without ``ECSDECK_TEST_TEMPLATES`` (set by
tests/conftest.py for the run) it falls back to a fresh ``python -m aws.sandbox``. Tests that
are *about* seeding (same seed, same ids; another day, another hash seed) must keep calling
:func:`aws.sandbox.server.spawn_sandbox`: a fork would prove nothing.

Templates exit when the run's owner process (the pytest controller) is gone; copies exit when
their template is gone, so a crashed run leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

TEMPLATES_VARIABLE = "ECSDECK_TEST_TEMPLATES"
OWNER_VARIABLE = "ECSDECK_TEST_OWNER"
ROOT = Path(__file__).resolve().parent.parent


class ForkedSandbox:
    """The copy's process, with the part of ``subprocess.Popen`` the tests use."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def poll(self) -> int | None:
        try:
            os.kill(self.pid, 0)  # the template reaps its copies (SIGCHLD ignored)
        except ProcessLookupError:
            return 0
        return None

    def terminate(self) -> None:
        self._signal(signal.SIGTERM)

    def kill(self) -> None:
        self._signal(signal.SIGKILL)

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"sandbox copy {self.pid}", timeout or 0)
            time.sleep(0.05)
        return 0

    def _signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signum)


#: Options that say how a copy runs, not what is seeded (``Sandbox.go_live``): copies of one
#: template may differ in them. The value is how many arguments follow the option.
PER_COPY = {"--no-simulate": 0, "--tick": 1, "--no-weather": 0}


def split_args(args: Sequence[str]) -> tuple[list[str], list[str]]:
    """(what the template seeds from, what each copy runs with)."""
    seeded: list[str] = []
    per_copy: list[str] = []
    rest = list(args)
    while rest:
        option = rest.pop(0)
        if option in PER_COPY:
            per_copy += [option, *rest[: PER_COPY[option]]]
            del rest[: PER_COPY[option]]
        else:
            seeded.append(option)
    return seeded, per_copy


def spawn(args: Sequence[str], timeout: float = 120.0) -> tuple[Any, str]:
    """A sandbox like ``python -m aws.sandbox *args``: (process, url)."""
    root = os.environ.get(TEMPLATES_VARIABLE)
    if not root:
        from aws.sandbox.server import spawn_sandbox

        return spawn_sandbox(list(args), timeout=timeout)
    seeded, per_copy = split_args(args)
    key = hashlib.sha1("\0".join(seeded).encode()).hexdigest()[:16]
    path = Path(root) / f"{key}.sock"
    with open(Path(root) / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one template per kind, whichever worker asks first
        if not path.exists():
            _start_template(path, seeded, timeout)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(timeout)
        conn.connect(str(path))  # the request: how the copy runs; it answers and hangs up
        conn.sendall(("\0".join(per_copy) + "\n").encode())
        answer = conn.makefile().readline().split()
    if len(answer) != 2:
        raise RuntimeError(f"sandbox template for {list(args)} answered {answer!r}")
    return ForkedSandbox(int(answer[0])), answer[1]


def _start_template(path: Path, args: Sequence[str], timeout: float) -> None:
    owner = os.environ.get(OWNER_VARIABLE) or str(os.getpid())
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.sandbox_fork", str(path), owner, *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        start_new_session=True,  # a worker's Ctrl+C must not take the shared template down
    )
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            raise RuntimeError(f"sandbox template for {list(args)} exited ({proc.returncode})")
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"sandbox template for {list(args)} not ready in {timeout:.0f}s")
        time.sleep(0.05)


# --- The template process ------------------------------------------------------------------


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _serve_copy(sandbox: Any, conn: socket.socket, template: int) -> None:
    """In the forked child: serve the copy until SIGTERM or until the template is gone."""
    done = threading.Event()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    from aws.sandbox.__main__ import arguments

    line = conn.makefile().readline().rstrip("\n")
    how = arguments([a for a in line.split("\0") if a])
    url = sandbox.rebind(0)
    sandbox.go_live(simulate=not how.no_simulate, tick=how.tick, weather=not how.no_weather)
    conn.sendall(f"{os.getpid()} {url}\n".encode())
    conn.close()
    while not done.wait(0.5):
        if os.getppid() != template:
            break
    sandbox.stop()


def template(argv: list[str]) -> None:
    path, owner, args = Path(argv[0]), int(argv[1]), argv[2:]
    from aws.sandbox.__main__ import arguments, sandbox_from

    sandbox = sandbox_from(arguments(args))
    sandbox.prepare()
    sandbox.unbind()  # no thread may run across a fork
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # copies are reaped as they exit
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    partial = path.with_suffix(".partial")
    listener.bind(str(partial))
    listener.listen(16)
    partial.rename(path)  # the socket appears only once it can answer
    listener.settimeout(1.0)
    me = os.getpid()
    try:
        while _alive(owner):
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            conn.settimeout(None)
            if os.fork() == 0:
                code = 0
                try:
                    listener.close()
                    _serve_copy(sandbox, conn, me)
                except BaseException:
                    code = 1
                    import traceback

                    traceback.print_exc()
                finally:
                    os._exit(code)
            conn.close()
    finally:
        listener.close()
        path.unlink(missing_ok=True)
    os._exit(0)  # freeing a seeded account object by object takes seconds of CPU: skip it


if __name__ == "__main__":
    template(sys.argv[1:])

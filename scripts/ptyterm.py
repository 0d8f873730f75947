"""Run a program in a pseudo-terminal and measure what it writes to the screen.

Two parts, usable on their own:

* :func:`rows_touched` / :func:`tick_stats` parse terminal output: which screen rows got text
  written (absolute cursor moves ``ESC [ row ; col H`` set the row, a newline moves to the next,
  so a full repaint that homes once and writes line after line counts every line), and the bytes
  and rows of each refresh period;
* :class:`PtyProcess` starts a command with a pty of a given size as its terminal, reads
  everything it writes (with arrival times), types keys and waits for text.
"""

from __future__ import annotations

import bisect
import fcntl
import os
import re
import select
import struct
import subprocess
import termios
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: One token of terminal output: a CSI sequence (params, final byte), an OSC string, another
#: two-byte escape, a newline, or a run of text.
_TOKEN = re.compile(
    rb"\x1b\[([0-9;:?<>=]*)[ -/]*([@-~])"
    rb"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    rb"|\x1bP[^\x1b]*(?:\x1b\\)?"
    rb"|\x1b[^\[\]P]?"
    rb"|(\n)"
    rb"|([^\x1b\n]+)",
    re.S,
)


def rows_touched(data: bytes, row: int = 1) -> set[int]:
    """1-based screen rows that text was written to in ``data``.

    ``row`` is the cursor's row before ``data``. Cursor-position sequences (``CSI r;c H`` or
    ``f``, ``CSI H`` = row 1) set the row, ``\\n`` moves one down; carriage returns and other
    control sequences (colours, modes) write nothing.
    """
    return {r for r, _ in row_texts(data, row)}


def row_texts(data: bytes, row: int = 1) -> list[tuple[int, str]]:
    """The text written to each row, in order: one (row, text) per run between cursor moves.

    Colours and other escapes are dropped, so ``ESC[2;1H ESC[1m clusters ESC[0m · 9 rows``
    gives ``(2, "clusters · 9 rows")``. Bytes that are not UTF-8 are replaced.
    """
    out: list[tuple[int, str]] = []
    current: list[bytes] = []

    def flush() -> None:
        if current:
            out.append((row, b"".join(current).decode("utf-8", "replace")))
            current.clear()

    for m in _TOKEN.finditer(data):
        final, newline, text = m.group(2), m.group(3), m.group(4)
        if final in (b"H", b"f"):
            flush()
            first = (m.group(1) or b"").split(b";")[0].lstrip(b"?")
            row = int(first) if first.isdigit() and int(first) > 0 else 1
        elif newline:
            flush()
            row += 1
        elif text and (written := text.replace(b"\r", b"")):
            current.append(written)
    flush()
    return out


@dataclass(frozen=True, slots=True)
class TickStats:
    """Output per interval (one refresh each): bytes and distinct rows written, mean and max."""

    ticks: int
    bytes_total: int
    bytes_max: int
    rows_mean: float
    rows_max: int

    @property
    def bytes_per_tick(self) -> float:
        return self.bytes_total / self.ticks if self.ticks else 0.0


def interval_stats(chunks: Sequence[tuple[float, bytes]], edges: Sequence[float]) -> TickStats:
    """Bytes and rows of ``chunks`` (arrival time, bytes) in each ``[edges[i], edges[i+1])``."""
    count = max(1, len(edges) - 1)
    windows: list[bytearray] = [bytearray() for _ in range(count)]
    for at, data in chunks:
        if not edges[0] <= at < edges[-1]:
            continue
        index = bisect.bisect_right(edges, at) - 1
        windows[min(index, count - 1)] += data
    rows = [len(rows_touched(bytes(w))) for w in windows]
    return TickStats(
        ticks=count,
        bytes_total=sum(len(w) for w in windows),
        bytes_max=max(len(w) for w in windows),
        rows_mean=sum(rows) / count,
        rows_max=max(rows),
    )


def tick_stats(
    chunks: Sequence[tuple[float, bytes]], start: float, end: float, period: float
) -> TickStats:
    """:func:`interval_stats` over ``period``-long windows from ``start`` to ``end``."""
    count = max(1, round((end - start) / period))
    return interval_stats(chunks, [start + i * (end - start) / count for i in range(count + 1)])


def set_size(fd: int, columns: int, lines: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))


class PtyProcess:
    """``argv`` with a ``columns`` x ``lines`` pty as stdin, stdout and stderr."""

    def __init__(
        self,
        argv: Sequence[str],
        size: tuple[int, int],
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
    ) -> None:
        columns, lines = size
        master, slave = os.openpty()
        set_size(slave, columns, lines)
        full_env = dict(os.environ if env is None else env)
        full_env.update(TERM="xterm-256color", COLUMNS=str(columns), LINES=str(lines))
        self.proc = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=full_env,
            cwd=cwd,
            start_new_session=True,
        )
        os.close(slave)
        os.set_blocking(master, False)
        self.fd = master
        #: Everything read so far, and (arrival time, bytes) per read.
        self.output = bytearray()
        self.chunks: list[tuple[float, bytes]] = []

    @property
    def pid(self) -> int:
        return self.proc.pid

    def pump(self, seconds: float) -> None:
        """Read whatever arrives for ``seconds`` (the program never blocks on a full pty)."""
        deadline = time.perf_counter() + seconds
        while (left := deadline - time.perf_counter()) > 0:
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                continue
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                continue
            except OSError:  # EIO: the program exited and closed the pty
                return
            if not data:
                return
            self.chunks.append((time.perf_counter(), data))
            self.output += data

    def wait_for(self, needle: bytes, timeout: float, since: int = 0) -> int | None:
        """Pump until ``needle`` appears in the output at or after ``since``; its offset."""
        deadline = time.perf_counter() + timeout
        while True:
            found = self.output.find(needle, since)
            if found >= 0:
                return found
            if time.perf_counter() >= deadline:
                return None
            if self.proc.poll() is not None:
                # What it wrote before it ended is still in the pty: read it all, then look.
                self.pump(0.5)
                found = self.output.find(needle, since)
                return found if found >= 0 else None
            self.pump(0.05)

    def send(self, data: bytes, settle: float = 0.3) -> None:
        """Type ``data``, then keep reading for ``settle`` seconds."""
        os.write(self.fd, data)
        self.pump(settle)

    def close(self, timeout: float = 5.0) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            end = time.perf_counter() + timeout
            while self.proc.poll() is None and time.perf_counter() < end:
                self.pump(0.05)
            if self.proc.poll() is None:
                self.proc.kill()
        self.proc.wait()
        os.close(self.fd)

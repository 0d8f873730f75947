"""HTTP keep-alive for the sandbox's server, as AWS's endpoints keep a connection open.

werkzeug's development server answers every request with ``Connection: close``: each call
against the sandbox cost the client a TCP connect and the server a new thread, which a call to
AWS over a kept-alive connection does not. With twelve contexts reading at once that was most
of the reader's CPU (one connect and one close per call) and a thread per call in the sandbox,
so the bench measured the mock's sockets rather than ecsdeck.

werkzeug closes because ``http.server`` cannot tell where an unread request body ends and the
next request line starts. :class:`KeepAliveHandler` reads the body (``Content-Length`` bytes)
before the application runs, so whatever the answer (a throttling refusal reads nothing) the
next request starts where it should. A request it cannot frame that way (chunked) is answered
and its connection closed, as werkzeug does. :func:`close_all` ends the kept connections when
the server stops, so a stopped sandbox answers nothing more on them.
"""

from __future__ import annotations

import contextlib
import io
import logging
import socket
import threading
from typing import Any

from moto.moto_server.werkzeug_app import MotoRequestHandler

#: Seconds a kept connection may sit idle before the server closes it (AWS closes idle ones
#: too; the SDKs reconnect).
IDLE_TIMEOUT = 60.0


class KeepAliveHandler(MotoRequestHandler):
    """moto's request handler, keeping the connection open between requests."""

    timeout = IDLE_TIMEOUT
    #: Whether this request's connection stays open (its body was read in full).
    _keep = False

    def setup(self) -> None:
        super().setup()
        # The status line and headers leave in one write and the body in another; with Nagle's
        # algorithm on, the body waits for the client's delayed ACK of the first (40 ms on
        # Linux), so every sequential call took the configured latency plus ~44 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        _open(self.server).add(self.connection)

    def finish(self) -> None:
        _open(self.server).discard(self.connection)
        super().finish()

    def run_wsgi(self) -> None:
        length = self.headers.get("Content-Length", "0")
        framed = "Transfer-Encoding" not in self.headers and length.isdigit()
        if not framed or getattr(self.server, "stopping", False):
            self._keep = False
            return super().run_wsgi()  # type: ignore[no-any-return]
        self._keep = not self.close_connection
        socket_file = self.rfile
        self.rfile = io.BytesIO(socket_file.read(int(length)))  # type: ignore[assignment]
        try:
            super().run_wsgi()
        finally:
            self.rfile = socket_file

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """werkzeug formats each request's log line (a date, the status's colour) before its
        logger drops it: the sandbox logs requests at ERROR only, so skip the work."""
        if logging.getLogger("werkzeug").isEnabledFor(logging.INFO):
            super().log_request(code, size)

    def send_header(self, keyword: str, value: str) -> None:
        """Drop werkzeug's ``Connection: close`` when the request's body was read in full."""
        if keyword.lower() == "connection" and value.lower() == "close" and self._keep:
            return
        super().send_header(keyword, value)


_LOCK = threading.Lock()


def _open(server: Any) -> set[socket.socket]:
    with _LOCK:
        found: set[socket.socket] | None = getattr(server, "kept_connections", None)
        if found is None:
            found = server.kept_connections = set()
        return found


def close_all(server: Any) -> None:
    """Stop answering on every kept connection of ``server`` (the sandbox stops or unbinds)."""
    server.stopping = True
    for connection in list(_open(server)):
        with contextlib.suppress(OSError):  # the client hung up first
            connection.shutdown(socket.SHUT_RDWR)

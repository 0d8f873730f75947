"""The sandbox's HTTP/1.1 server: kept-alive connections, one write per answer, little else.

moto's server runs on werkzeug's development server, which answers every request with
``Connection: close`` (each call cost the client a TCP connect and the server a thread, which
a call to AWS over a kept-alive connection does not) and spends, per request, about a third of
the sandbox's CPU on the way in and out: ``http.server`` parses the headers with the ``email``
package, formats a date and a log line, and writes the status line, each header and the body
separately. With twelve contexts reading at once the sandbox is one process under the GIL, so
that CPU was the floor under the bench's many-context time rather than anything ecsdeck does.

:class:`Handler` serves WSGI over kept-alive connections with none of that: the request line and
headers are split by hand, the environ is the one werkzeug's server builds (moto's request
handler's underscore-header rule included, and ``werkzeug.socket`` for the code that resets a
connection), and the answer leaves in one ``sendall`` with ``TCP_NODELAY`` set (otherwise
Nagle's algorithm holds a body until the client's delayed ACK, 40 ms on Linux). The body is
read before the application runs, so whatever the application reads (a throttling refusal
reads nothing) the next request starts where it should. :func:`close_all` ends the kept
connections when the server stops, so a stopped sandbox answers nothing more on them.
tests/aws/test_sandbox_http_server.py holds it to werkzeug's environ, request for request.
"""

from __future__ import annotations

import contextlib
import email.utils
import io
import logging
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote, urlsplit

from moto.core.request import (
    PRESERVED_HEADER_NAMES_ENVIRON_KEY,
    environ_key_for_header,
    should_preserve_original_header_name,
)

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

#: Seconds a kept connection may sit idle before the server closes it (AWS closes idle ones
#: too; the SDKs reconnect).
IDLE_TIMEOUT = 60.0
#: Longest request line or header line, and most header lines, as ``http.server`` allows.
MAX_LINE = 65536
MAX_HEADERS = 100
SERVER_SOFTWARE = "ecsdeck-sandbox"

log = logging.getLogger(__name__)


class BadRequest(Exception):
    """A request the server cannot frame: answered with ``status`` and the connection closed."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


class ThreadedServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    """One daemon thread per connection, as werkzeug's threaded server has. Binding a port
    in use raises OSError."""

    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False
    request_queue_size = 128

    def __init__(self, host: str, port: int, app: WsgiApp) -> None:
        self.app = app
        self.stopping = False
        self.kept: set[socket.socket] = set()
        self.kept_lock = threading.Lock()
        super().__init__((host, port), Handler)


def close_all(server: ThreadedServer) -> None:
    """Stop answering on every kept connection of ``server`` (the sandbox stops or unbinds)."""
    server.stopping = True
    with server.kept_lock:
        connections = list(server.kept)
    for connection in connections:
        with contextlib.suppress(OSError):  # the client hung up first
            connection.shutdown(socket.SHUT_RDWR)


class Handler(socketserver.StreamRequestHandler):
    """Requests of one connection, one after another, until either side closes it."""

    server: ThreadedServer
    timeout = IDLE_TIMEOUT

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.kept_lock:
            self.server.kept.add(self.connection)

    def finish(self) -> None:
        with self.server.kept_lock:
            self.server.kept.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def handle(self) -> None:
        with contextlib.suppress(ConnectionError, TimeoutError, OSError):
            while not self.server.stopping and self.answer_one():
                pass

    def answer_one(self) -> bool:
        """Read one request, answer it; whether the connection stays open for the next."""
        try:
            request = self.read_request()
        except BadRequest as bad:
            self.send(bad.status, [], b"", keep=False)
            return False
        if request is None:
            return False
        environ, keep = request
        status, headers, body = run_app(self.server.app, environ)
        keep = keep and not self.server.stopping
        self.send(status, headers, body, keep)
        return keep

    def read_request(self) -> tuple[dict[str, Any], bool] | None:
        """The WSGI environ of the next request, and whether its connection may be kept; None
        when the client closed the connection between requests."""
        line = self.rfile.readline(MAX_LINE + 1)
        if not line:
            return None
        if len(line) > MAX_LINE:
            raise BadRequest("414 Request-URI Too Long")
        parts = line.decode("latin-1").split()
        if len(parts) != 3 or not parts[2].startswith("HTTP/"):
            raise BadRequest("400 Bad Request")
        method, target, version = parts
        environ = wsgi_environ(method, target, version, self.read_headers(), self)
        connection = environ.get("HTTP_CONNECTION", "").lower()
        keep = connection != "close" if version >= "HTTP/1.1" else connection == "keep-alive"
        if environ.get("HTTP_EXPECT", "").lower() == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        environ["wsgi.input"] = io.BytesIO(self.read_body(environ))
        return environ, keep

    def read_headers(self) -> list[tuple[str, str]]:
        headers: list[tuple[str, str]] = []
        while True:
            line = self.rfile.readline(MAX_LINE + 1)
            if len(line) > MAX_LINE or len(headers) > MAX_HEADERS:
                raise BadRequest("431 Request Header Fields Too Large")
            if line in (b"\r\n", b"\n", b""):
                return headers
            name, colon, value = line.decode("latin-1").partition(":")
            if not colon:
                raise BadRequest("400 Bad Request")
            headers.append((name.strip(), value.strip()))

    def read_body(self, environ: dict[str, Any]) -> bytes:
        if environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked":
            environ["wsgi.input_terminated"] = True
            return self.read_chunked()
        length = environ.get("CONTENT_LENGTH") or "0"
        if not length.isdigit():
            raise BadRequest("400 Bad Request")
        return self.rfile.read(int(length))

    def read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        while True:
            size_line = self.rfile.readline(MAX_LINE + 1).split(b";", 1)[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError:
                raise BadRequest("400 Bad Request") from None
            if size == 0:
                while self.rfile.readline(MAX_LINE + 1) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline(MAX_LINE + 1)  # the CRLF after the chunk

    def send(self, status: str, headers: list[tuple[str, str]], body: bytes, keep: bool) -> None:
        self.wfile.write(response_bytes(status, headers, body, keep))


def wsgi_environ(
    method: str, target: str, version: str, headers: list[tuple[str, str]], handler: Handler
) -> dict[str, Any]:
    """The environ werkzeug's ``WSGIRequestHandler.make_environ`` builds, with moto's request
    handler's rule for header names with an underscore (S3 metadata keeps its spelling)."""
    url = urlsplit(target)
    path = f"/{url.netloc}{url.path}" if not url.scheme and url.netloc else url.path
    host, port = handler.server.server_address[:2]
    client = handler.client_address
    environ: dict[str, Any] = {
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "werkzeug.socket": handler.connection,
        "SERVER_SOFTWARE": SERVER_SOFTWARE,
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": _latin1(unquote(path)),
        "QUERY_STRING": _latin1(url.query),
        "REQUEST_URI": _latin1(target),
        "RAW_URI": _latin1(target),
        "REMOTE_ADDR": client[0],
        "REMOTE_PORT": client[1],
        "SERVER_NAME": host,
        "SERVER_PORT": str(port),
        "SERVER_PROTOCOL": version,
    }
    underscored = False
    for name, value in headers:
        if "_" in name:
            underscored = True
            continue
        key = name.upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = f"HTTP_{key}"
            if key in environ:
                value = f"{environ[key]},{value}"
        environ[key] = value
    if url.scheme and url.netloc:
        environ["HTTP_HOST"] = url.netloc
    environ[PRESERVED_HEADER_NAMES_ENVIRON_KEY] = (
        _preserve_underscored(environ, headers) if underscored else {}
    )
    return environ


def _latin1(text: str) -> str:
    """WSGI's "bytes as latin-1" strings: werkzeug's ``_wsgi_encoding_dance``."""
    return text.encode().decode("latin-1")


def _preserve_underscored(
    environ: dict[str, Any], headers: list[tuple[str, str]]
) -> dict[str, str]:
    """moto's ``MotoRequestHandler.make_environ``: headers with an underscore in their name,
    which werkzeug drops, are kept under their own spelling unless a dashed one claims the key.
    Returns their names by environ key."""
    dashed = {environ_key_for_header(name) for name, _ in headers if "_" not in name}
    names: dict[str, str] = {}
    values: dict[str, list[str]] = {}
    for name, value in headers:
        if not should_preserve_original_header_name(name):
            continue
        key = environ_key_for_header(name)
        if key in dashed:
            continue
        names.setdefault(key, name)
        values.setdefault(key, []).append(value)
    for key, key_values in values.items():
        environ[key] = ",".join(key_values)
    return names


def run_app(app: WsgiApp, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    """Call the WSGI app; its status, headers and whole body. A ConnectionError (the outage
    mode's reset) goes up to close the connection; any other error is logged and a 500."""
    started: list[tuple[str, list[tuple[str, str]]]] = []
    written: list[bytes] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started[:] = [(status, list(headers))]
        return written.append

    try:
        answer = app(environ, start_response)
        try:
            written.extend(answer)
        finally:
            close = getattr(answer, "close", None)
            if close is not None:
                close()
    except ConnectionError:
        raise
    except Exception:
        log.exception("Error on request %s %s", environ["REQUEST_METHOD"], environ["RAW_URI"])
        return "500 Internal Server Error", [("Content-Type", "text/plain")], b"Internal error"
    if not started:
        return "500 Internal Server Error", [("Content-Type", "text/plain")], b"No answer"
    status, headers = started[0]
    return status, headers, b"".join(written)


_date_lock = threading.Lock()
_date: tuple[int, str] = (0, "")


def http_date() -> str:
    """The Date header, formatted once a second rather than once a request."""
    global _date
    now = int(time.time())
    if _date[0] != now:
        with _date_lock:
            _date = (now, email.utils.formatdate(now, usegmt=True))
    return _date[1]


def response_bytes(status: str, headers: list[tuple[str, str]], body: bytes, keep: bool) -> bytes:
    """Status line, headers and body as one buffer. Adds what ``http.server`` adds (Server,
    Date), a Content-Length when the app gave none, and ``Connection: close`` when closing."""
    lines = [f"HTTP/1.1 {status}"]
    names = set()
    for name, value in headers:
        lines.append(f"{name}: {value}")
        names.add(name.lower())
    if "server" not in names:
        lines.append(f"Server: {SERVER_SOFTWARE}")
    if "date" not in names:
        lines.append(f"Date: {http_date()}")
    code = status[:3]
    if "content-length" not in names and not (code[0] == "1" or code in ("204", "304")):
        lines.append(f"Content-Length: {len(body)}")
    if not keep:
        lines.append("Connection: close")
    head = "\r\n".join(lines) + "\r\n\r\n"
    return head.encode("latin-1") + body

"""The sandbox keeps a connection open between requests, as AWS does, and answers without
Nagle's delay. No moto server: a tiny WSGI app behind the sandbox's own server."""

from __future__ import annotations

import http.client
from collections.abc import Iterable
from typing import Any

import pytest

from aws.sandbox.aws_like import AwsLike, Server


def _app(seen: list[tuple[str, bytes]]) -> Any:
    """Answers every request; reads the body of every other one only (as a throttling
    refusal never reads it), so an unread body must not become the next request line."""

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = str(environ["PATH_INFO"])
        body = environ["wsgi.input"].read() if len(seen) % 2 else b""
        seen.append((path, body))
        start_response("200 OK", [("Content-Length", "2"), ("Content-Type", "text/plain")])
        return [b"ok"]

    return app


def test_requests_share_one_connection_even_when_a_body_is_left_unread() -> None:
    seen: list[tuple[str, bytes]] = []
    server = Server(AwsLike(_app(seen)))
    port = int(server.start().rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        sockets = []
        for i in range(4):
            conn.request("POST", f"/{i}", body=b'{"n": %d}' % i)
            answer = conn.getresponse()
            assert (answer.status, answer.read()) == (200, b"ok")
            assert answer.getheader("Connection") != "close"
            sockets.append(conn.sock)
        assert len({id(s) for s in sockets}) == 1 and sockets[0] is not None
        assert seen == [("/0", b""), ("/1", b'{"n": 1}'), ("/2", b""), ("/3", b'{"n": 3}')]
        server.stop()
        with pytest.raises((ConnectionError, http.client.HTTPException, OSError)):
            conn.request("POST", "/late", body=b"{}")
            conn.getresponse().read()
        assert [p for p, _ in seen][-1] == "/3"  # a stopped sandbox answers nothing more
    finally:
        conn.close()
        server.stop()


def test_answers_are_sent_without_waiting_for_the_client_s_ack() -> None:
    """Nagle's algorithm held each body until the client's delayed ACK of the headers: 40 ms
    more per call than the latency the sandbox was asked for."""
    import socket

    nodelay: list[int] = []

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        sock = environ["werkzeug.socket"]
        nodelay.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        start_response("200 OK", [("Content-Length", "2"), ("Content-Type", "text/plain")])
        return [b"ok"]

    server = Server(AwsLike(app))
    port = int(server.start().rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/")
        assert conn.getresponse().read() == b"ok"
        assert nodelay and all(nodelay)
    finally:
        conn.close()
        server.stop()

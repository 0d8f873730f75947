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


def _capture(seen: list[dict[str, Any]]) -> Any:
    """Records what the app sees of each request (its environ and body) and echoes the body."""

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        length = environ.get("CONTENT_LENGTH")
        terminated = environ.get("wsgi.input_terminated")  # chunked: read to its end
        body = environ["wsgi.input"].read(int(length) if length else -1 if terminated else 0)
        skip = {"wsgi.input", "wsgi.errors", "werkzeug.socket", "SERVER_SOFTWARE", "REMOTE_PORT"}
        seen.append({k: v for k, v in environ.items() if k not in skip} | {"body": body})
        start_response("201 Created", [("Content-Type", "text/plain"), ("X-Echo", "yes")])
        return [b"got ", body]

    return app


#: (method, target, headers, body): framings and spellings a client may send.
REQUESTS: list[tuple[str, str, dict[str, str], Any]] = [
    (
        "POST",
        "/",
        {"X-Amz-Target": "AmazonEC2ContainerServiceV20141113.ListServices",
         "Content-Type": "application/x-amz-json-1.1"},
        b'{"cluster": "default"}',
    ),
    ("GET", "/caf%C3%A9/a%20b?x=1&y=%2F", {"X-Dup": "one"}, None),
    ("PUT", "/bucket/key", {"x-amz-meta-my_key": "v", "X_Foo": "bar", "X-Foo": "dash"}, b"x"),
    ("POST", "/chunked", {"Transfer-Encoding": "chunked"}, [b"ab", b"cde"]),
    ("GET", "http://example.com/absolute?q=1", {}, None),
    ("HEAD", "/head", {}, None),
]  # fmt: skip


def _send_all(port: int) -> list[tuple[int, bytes, dict[str, str]]]:
    answers = []
    for method, target, headers, body in REQUESTS:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            conn.putheader("Host", "sandbox.test")
            for name, value in headers.items():
                conn.putheader(name, value)
            if method == "GET" and headers.get("X-Dup"):
                conn.putheader("X-Dup", "two")
            if isinstance(body, bytes):
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders()
            if isinstance(body, bytes):
                conn.send(body)
            elif body is not None:
                for chunk in body:
                    conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                conn.send(b"0\r\n\r\n")
            answer = conn.getresponse()
            kept = {k: v for k, v in answer.getheaders() if k in ("Content-Type", "X-Echo")}
            answers.append((answer.status, answer.read(), kept))
        finally:
            conn.close()
    return answers


def test_the_app_sees_what_werkzeug_s_server_gives_it_request_for_request() -> None:
    """The environ, body and answer of each request match werkzeug's server with moto's
    request handler (the server the sandbox ran on before), but for the port numbers."""
    import threading

    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from werkzeug.serving import make_server

    from aws.sandbox.http_server import ThreadedServer

    theirs: list[dict[str, Any]] = []
    ours: list[dict[str, Any]] = []
    reference = make_server(
        "127.0.0.1", 0, _capture(theirs), threaded=True, request_handler=MotoRequestHandler
    )
    threading.Thread(target=reference.serve_forever, daemon=True).start()
    sandbox = ThreadedServer("127.0.0.1", 0, _capture(ours))
    threading.Thread(target=sandbox.serve_forever, daemon=True).start()
    try:
        their_answers = _send_all(reference.server_port)
        our_answers = _send_all(sandbox.server_address[1])
    finally:
        reference.shutdown()
        sandbox.shutdown()
        sandbox.server_close()
    for environ in theirs + ours:
        environ.pop("SERVER_PORT")
        environ.pop("wsgi.input_terminated", None)  # werkzeug's chunked input: read in full here
    assert len(ours) == len(REQUESTS) and ours == theirs
    assert our_answers == their_answers
    assert ours[3]["body"] == b"abcde" and ours[2]["HTTP_X_FOO"] == "dash"
    assert our_answers[0] == (201, b'got {"cluster": "default"}', {"Content-Type": "text/plain",
                                                                  "X-Echo": "yes"})  # fmt: skip

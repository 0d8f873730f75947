"""The sandbox keeps a connection open between requests, as AWS does, and its per-request moto
lookups give moto's answers. No moto server: a tiny WSGI app behind the sandbox's own server."""

from __future__ import annotations

import http.client
from collections.abc import Iterable
from typing import Any

import pytest

from aws.sandbox.aws_like import AwsLike, Server
from aws.sandbox.moto_patches import MethodNames


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


def test_method_names_answer_as_moto_listed_them() -> None:
    from moto.core.utils import method_names_from_class
    from moto.ecs.responses import EC2ContainerServiceResponse

    listed = set(method_names_from_class(EC2ContainerServiceResponse))
    asked = MethodNames(EC2ContainerServiceResponse)
    for name in ("list_clusters", "describe_services", "dispatch", "no_such_action", "uri"):
        assert (name in asked) == (name in listed), name
    assert "list_clusters" in asked


def test_the_remembering_attribute_picker_picks_what_moto_picks() -> None:
    from moto.core.serialize import AttributePickerContext, XFormedAttributePicker
    from moto.core.utils import get_service_model

    from aws.sandbox.moto_patches import _picker
    from aws.sandbox.patching import require

    original = require(XFormedAttributePicker, "__call__")
    picked = _picker()
    picker = XFormedAttributePicker()
    cluster = get_service_model("ecs").operation_model("DescribeClusters").output_shape
    shape = cluster.members["clusters"].member  # type: ignore[attr-defined]

    class Cluster:  # moto's own attribute spellings: snake_case, and the class-prefixed name
        def __init__(self, name: str, running: int) -> None:
            self.name, self.status = name, "ACTIVE"
            self.running_tasks_count, self.active_services_count = running, None

    for obj in (Cluster("a", 1), Cluster("b", 7), {"clusterName": "c", "status": "INACTIVE"}):
        for key, member in shape.members.items():
            member.parent = shape
            context = AttributePickerContext(obj=obj, key=key, shape=member, key_path="clusters")
            assert picked(picker, context) == original(picker, context), (obj, key)
    name = shape.members["clusterName"]
    for obj in (Cluster("d", 3), Cluster("e", 3)):  # remembered: the names, never the values
        assert picked(picker, AttributePickerContext(obj, "clusterName", name)) == obj.name

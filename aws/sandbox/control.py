"""The sandbox's own control plane: ``/ecsdeck/...`` routes next to moto's ``/moto-api``.

Tests run the sandbox in another process, so what it planted and the switch that clears a
problem must be reachable over HTTP:

* ``GET /ecsdeck/planted``: the planted problems still in place, as JSON
  (``{"planted": [PlantedProblem.as_json(), ...]}``).
* ``POST /ecsdeck/clear?kind=targets``: end that planted problem as an operator would
  (200 ``{"cleared": "targets"}``; 404 when no such problem is left).
* ``POST /ecsdeck/fault?kind=hang``: switch the endpoint's outage (:mod:`.outage`; ``none``
  ends it), 200 ``{"fault": "hang"}``, 400 for an unknown kind; ``GET /ecsdeck/fault`` says
  which is on and how many requests each kind answered. Served from the start, seeded or not.

Anything else goes to the wrapped app unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from aws.sandbox.outage import Outage

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

PREFIX = "/ecsdeck/"


class Control:
    """WSGI wrapper serving ``/ecsdeck/`` routes from the two callables the sandbox sets once
    it has seeded (until then both routes answer 503)."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self.planted: Callable[[], list[dict[str, Any]]] | None = None
        self.clear: Callable[[str], bool] | None = None
        #: The endpoint's outage switch (set by the server).
        self.outage: Outage | None = None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO", ""))
        if not path.startswith(PREFIX):
            return self.app(environ, start_response)
        method = str(environ.get("REQUEST_METHOD", "GET"))
        if path == f"{PREFIX}fault" and self.outage is not None:
            return self._fault(environ, start_response, method)
        if self.planted is None or self.clear is None:
            return _json(start_response, "503 Service Unavailable", {"error": "seeding"})
        if path == f"{PREFIX}planted" and method == "GET":
            return _json(start_response, "200 OK", {"planted": self.planted()})
        if path == f"{PREFIX}clear" and method == "POST":
            query = parse_qs(str(environ.get("QUERY_STRING", "")))
            kind = (query.get("kind") or [""])[0]
            if self.clear(kind):
                return _json(start_response, "200 OK", {"cleared": kind})
            return _json(start_response, "404 Not Found", {"error": f"no planted {kind!r}"})
        return _json(start_response, "404 Not Found", {"error": f"no route {method} {path}"})

    def _fault(
        self, environ: dict[str, Any], start_response: StartResponse, method: str
    ) -> Iterable[bytes]:
        assert self.outage is not None
        if method == "POST":
            query = parse_qs(str(environ.get("QUERY_STRING", "")))
            try:
                self.outage.set((query.get("kind") or [""])[0])
            except ValueError as exc:
                return _json(start_response, "400 Bad Request", {"error": str(exc)})
        body = {"fault": self.outage.kind, "hits": self.outage.hits}
        return _json(start_response, "200 OK", body)


def _json(start_response: StartResponse, status: str, body: dict[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    )
    return [data]

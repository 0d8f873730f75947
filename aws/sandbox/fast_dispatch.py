"""ECS's JSON requests handed to moto's ECS responses directly, without Flask around them.

moto's server builds one Flask app per service and routes every request through it: a request
context pushed and popped, URL-map matching, before/after hooks (flask-cors's among them) and
Flask's response finalisation. For ECS every request is ``POST /`` with an ``X-Amz-Target``
header and the route always leads to the same ``EC2ContainerServiceResponse.dispatch``, so all
of that picks the one handler it always picks; measured on the 12-context bench it was about a
fifth of the sandbox's CPU per request. :class:`JsonDispatch` does what moto's
``convert_to_flask_response`` does for that handler (normalised request, recorder, ClientError
as a 400, a Flask ``Response``), and sends anything else (another path or method, the
``moto-api``) through the Flask app as before.

Left out on purpose: flask-cors's ``Access-Control-*`` headers, which a browser would need and
AWS's ECS endpoint does not send either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from botocore.exceptions import ClientError

from aws.sandbox.patching import Patch, require

StartResponse = Callable[..., Any]


def patches() -> list[Patch]:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    application = require(DomainDispatcherApplication, "get_application")

    def fast_application(self: Any, environ: dict[str, Any]) -> Any:
        app = application(self, environ)
        if getattr(app, "service", None) != "ecs":
            return app
        fast: JsonDispatch | None = self.__dict__.get("_ecsdeck_ecs")
        if fast is None or fast.app is not app:  # moto builds the app once; a reset keeps it
            fast = self._ecsdeck_ecs = JsonDispatch(app)
        return fast

    return [(DomainDispatcherApplication, "get_application", fast_application, application)]


def _server_request() -> type:
    from moto.core.request import Request

    class ServerRequest(Request):
        """moto's request, marked as coming from a WSGI server (the server sends Date)."""

        from_wsgi_server = True

    return ServerRequest


class JsonDispatch:
    """A WSGI app: ECS JSON calls straight to moto's ECS responses, the rest to ``app``."""

    def __init__(self, app: Any) -> None:
        from flask import Response
        from moto.ecs.responses import EC2ContainerServiceResponse
        from moto.moto_api import recorder

        self.app = app
        self.dispatch = EC2ContainerServiceResponse.dispatch
        self.request_class = _server_request()
        self.response_class = Response
        self.recorder = recorder

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if (
            environ.get("REQUEST_METHOD") != "POST"
            or environ.get("PATH_INFO") != "/"
            or "HTTP_X_AMZ_TARGET" not in environ
        ):
            return self.app(environ, start_response)  # type: ignore[no-any-return]
        return self.respond(environ, start_response)

    def respond(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """moto's ``convert_to_flask_response.__call__`` for the ECS dispatch handler."""
        request = self.request_class(environ)
        try:
            self.recorder._record_request(request)
            result = self.dispatch(request, request.raw_url, dict(request.headers))
        except ClientError as exc:
            result = 400, {}, exc.response["Error"]["Message"]
        if len(result) == 3:
            status, headers, content = result
        else:
            status, headers, content = 200, {}, result
        response = self.response_class(response=content, status=status, headers=headers)
        return response(environ, start_response)  # type: ignore[no-any-return]

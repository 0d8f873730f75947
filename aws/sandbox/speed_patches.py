"""moto's per-request work, done once where its answer cannot change: the same answers, less CPU.

The sandbox is one moto process serving every account and region under the GIL, so its CPU per
request bounds how fast twelve contexts can be read on a laptop (``make bench``), where AWS
would serve each account-region apart. Measured with a CPU profiler on that bench, moto spent
its time on work that gives the same answer every time:

* ``DomainDispatcherApplication.get_backend_for_host`` (which service a host is) listed moto's
  package directory on disk for every request: remembered per host.
* ``responses.method_names_from_class`` listed every member of the response class
  (``inspect.getmembers``) to ask whether one action exists: :class:`MethodNames` asks about
  that one name.
* The response serializer (half of what is left) builds a context object, the dotted path of
  the field and asks six alias rules which attribute names to try, for every field of every
  item it serializes. :func:`_remembering_get_value` remembers the names per (object class,
  field, shape, parent shape) and builds the path only when a response transformer could
  apply to the field (moto's ECS has two, for container instance attributes).
* ``gen_amzn_requestid_long`` drew the 52 characters of each request id one ``random.choice``
  at a time: :func:`_request_id` draws them in one go from the same generator, so ids stay
  determined by the request's seeded stream.
"""

from __future__ import annotations

import string
import types
from typing import Any

from aws.sandbox.patching import Patch, require


def patches() -> list[Patch]:
    import moto.core.responses as responses
    from moto.core.serialize import ResponseSerializer
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    find = require(DomainDispatcherApplication, "get_backend_for_host")
    listed = require(responses, "method_names_from_class")
    get_value = require(ResponseSerializer, "get_value")
    request_id = require(responses, "gen_amzn_requestid_long")

    def remembered(self: Any, host: str | None) -> Any:
        known: dict[str | None, Any] = self.__dict__.setdefault("_ecsdeck_hosts", {})
        if host not in known:
            known[host] = find(self, host)
        return known[host]

    return [
        (DomainDispatcherApplication, "get_backend_for_host", remembered, find),
        (responses, "method_names_from_class", MethodNames, listed),
        (ResponseSerializer, "get_value", _remembering_get_value(get_value), get_value),
        (responses, "gen_amzn_requestid_long", _request_id, request_id),
    ]


class MethodNames:
    """``name in MethodNames(cls)`` is ``name in method_names_from_class(cls)`` (a plain
    function on the class or a base), asked of that one name."""

    def __init__(self, owner: type) -> None:
        self.owner = owner

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and isinstance(
            getattr(self.owner, name, None), types.FunctionType
        )


def _remembering_get_value(original: Any) -> Any:
    """moto's ``ResponseSerializer.get_value`` for its ``XFormedAttributePicker``: the names it
    tries depend on the object's class, the field, its shape and that shape's parent, never on
    the object's values; other pickers go to moto's own."""
    from moto.core.constants import MISSING
    from moto.core.serialize import AttributePickerContext, XFormedAttributePicker
    from moto.core.utils import get_value

    names: dict[tuple[Any, ...], tuple[str, ...]] = {}

    def picked(self: Any, value: Any, key: str, shape: Any) -> Any:
        picker = self._value_picker
        if type(picker) is not XFormedAttributePicker:
            return original(self, value, key, shape)
        remembered = (type(value), key, shape, getattr(shape, "parent", None))
        tried = names.get(remembered)
        if tried is None:
            context = AttributePickerContext(value, key, shape, self.operation_model)
            tried = names[remembered] = tuple(picker.get_possible_keys(context))
        found = None
        for name in tried:
            got = get_value(value, name, MISSING)
            if got is not MISSING:
                found = got
                break
        transformers = picker.response_transformers
        # moto applies the first transformer whose path ends the field's dotted path, which
        # ends with the key: none can match unless its path and the key end alike.
        if transformers and any(p.endswith(key) or key.endswith(p) for p in transformers):
            path = f"{'.'.join(self.path)}.{key}"
            for suffix, transform in transformers.items():
                if path.endswith(suffix):
                    return transform(found)
        return found

    return picked


_ID_ALPHABET = string.ascii_letters + string.digits


def _request_id(headerdict: dict[str, Any] | None = None) -> str:
    """moto's request id (52 characters of A-Za-z0-9, also set as ``x-amzn-requestid``), drawn
    in one call from moto's seeded generator."""
    from moto.moto_api._internal import mock_random as random

    drawn = random.getrandbits(52 * 6)
    req_id = "".join(_ID_ALPHABET[(drawn >> (6 * i)) % 62] for i in range(52))
    if isinstance(headerdict, dict):
        headerdict["x-amzn-requestid"] = req_id
    return req_id

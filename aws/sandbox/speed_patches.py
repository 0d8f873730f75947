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
* For JSON answers (ECS) the same is done a level up: :func:`_planned_structure` works out
  once per (object class, structure shape) which members to look for under which names, so
  each member of each object costs one lookup loop instead of four calls; members the object
  lacks (most of a service's sixty) are skipped without building anything. A string, number
  or boolean member found is set into the answer with the conversion moto's JSON serializer
  would apply (:func:`_scalar`), unless the serializer has its own rule for that type: moto's
  call per member (path kept, method looked up by type name) cost more than the conversion,
  and three in four members found are such scalars.
* ``moto.iam.models.get_account_id_from`` (which account a request's access key belongs to,
  asked two or three times a request) looked through every partition of every account, each
  lookup a backend fetch: :func:`_account_of` remembers where a key was found and checks only
  there next time (a reset that removes the key sends it back to the full search), and answers
  the sandbox's root keys, which no IAM account holds, with the default account at once.
* ``gen_amzn_requestid_long`` drew the 52 characters of each request id one ``random.choice``
  at a time: :func:`_request_id` draws them in one go from the same generator, so ids stay
  determined by the request's seeded stream.
* ``BaseResponse._enrich_response`` put the request id into an XML body with a look-behind
  regex run over every body, JSON ones of a hundred kilobytes included: :func:`_enriched` runs
  it only on a body that holds a ``<RequestId>`` (any other comes back unchanged from it).
"""

from __future__ import annotations

import string
import types
from collections.abc import Callable
from enum import Enum
from typing import Any

from moto.core.constants import MISSING
from moto.core.utils import get_value

from aws.sandbox.patching import Patch, require


def patches() -> list[Patch]:
    import moto.core.responses as responses
    import moto.iam.models as iam_models
    from moto.core.serialize import JSONSerializer, ResponseSerializer
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    find = require(DomainDispatcherApplication, "get_backend_for_host")
    listed = require(responses, "method_names_from_class")
    get_value = require(ResponseSerializer, "get_value")
    request_id = require(responses, "gen_amzn_requestid_long")
    structure = require(JSONSerializer, "_serialize_type_structure")
    account_of = require(iam_models, "get_account_id_from")
    enrich = require(responses.BaseResponse, "_enrich_response")

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
        (JSONSerializer, "_serialize_type_structure", _planned_structure(structure), structure),
        (iam_models, "get_account_id_from", _account_of(), account_of),
        (
            responses.BaseResponse,
            "_enrich_response",
            staticmethod(_enriched(enrich)),  # as moto's is: S3 calls it on the class
            responses.BaseResponse.__dict__["_enrich_response"],
        ),
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


def _field(
    serializer: Any, picker: Any, value: Any, key: str, shape: Any
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What moto's ``XFormedAttributePicker`` does for one field of one class of object, worked
    out once: the attribute names it tries, in order (they depend on the class, the field, its
    shape and that shape's parent, never on values), and the response transformers whose path
    could end the field's dotted path (that path ends with the key, so both must end alike)."""
    from moto.core.serialize import AttributePickerContext

    context = AttributePickerContext(value, key, shape, serializer.operation_model)
    names = tuple(picker.get_possible_keys(context))
    suffixes = tuple(p for p in picker.response_transformers if p.endswith(key) or key.endswith(p))
    return names, suffixes


def _transformed(
    serializer: Any, transformers: Any, suffixes: tuple[str, ...], key: str, found: Any
) -> Any:
    """``found`` through the first transformer whose path ends the field's dotted path, as moto
    applies them."""
    path = f"{'.'.join(serializer.path)}.{key}"
    for suffix in suffixes:
        if path.endswith(suffix):
            return transformers[suffix](found)
    return found


def _first_found(value: Any, names: tuple[str, ...]) -> Any:
    """The value under the first of ``names`` ``value`` has (moto's ``get_value``, which
    follows dotted names), else None."""
    for name in names:
        got = get_value(value, name, MISSING)
        if got is not MISSING:
            return got
    return None


def _remembering_get_value(original: Any) -> Any:
    """moto's ``ResponseSerializer.get_value`` for its ``XFormedAttributePicker``, with each
    field's names and transformers (:func:`_field`) remembered per (object class, field, shape,
    parent shape, transformers); other pickers go to moto's own."""
    from moto.core.serialize import XFormedAttributePicker

    #: key -> (names, suffixes, the transformers dict: held so its id, in the key, stays its own)
    fields: dict[tuple[Any, ...], tuple[tuple[str, ...], tuple[str, ...], Any]] = {}

    def picked(self: Any, value: Any, key: str, shape: Any) -> Any:
        picker = self._value_picker
        if type(picker) is not XFormedAttributePicker:
            return original(self, value, key, shape)
        transformers = picker.response_transformers
        remembered = (type(value), key, shape, getattr(shape, "parent", None), id(transformers))
        field = fields.get(remembered)
        if field is None:
            field = fields[remembered] = (*_field(self, picker, value, key, shape), transformers)
        names, suffixes, _ = field
        found = _first_found(value, names)
        return _transformed(self, transformers, suffixes, key, found) if suffixes else found

    return picked


def _planned_structure(original: Any) -> Any:
    """moto's JSON ``_serialize_type_structure`` with its ``XFormedAttributePicker``: each
    member's value is looked up under the names :class:`_StructurePlan` worked out for the
    object's class and the shape, transformed where one of the response's transformers could
    apply, and serialized by moto when present; other pickers and document shapes go to
    moto's own."""
    from moto.core.serialize import XFormedAttributePicker

    plans: dict[tuple[Any, ...], _StructurePlan] = {}

    def structure(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        picker = self._value_picker
        if value is None or type(picker) is not XFormedAttributePicker or shape.is_document_type:
            return original(self, serialized, value, shape, key)  # type: ignore[no-any-return]
        transformers = picker.response_transformers
        remembered = (type(self), type(value), shape, id(transformers))
        plan = plans.get(remembered)
        if plan is None:
            plan = plans[remembered] = _StructurePlan(self, picker, value, shape)
        wrapper = self.MAP_TYPE() if key else serialized
        for member_key, member_shape, names, suffixes, scalar in plan.members:
            member_shape.parent = shape  # as moto's loop sets it
            found = None
            if plan.dotted:
                found = _first_found(value, names)
            elif plan.keyed:  # moto's _get_value_for_key, inlined
                for name in names:
                    try:
                        got = value[name]
                    except (KeyError, IndexError, TypeError, AttributeError):
                        continue
                    if got is not MISSING:
                        found = got
                        break
            else:
                for name in names:
                    got = getattr(value, name, MISSING)
                    if got is not MISSING:
                        found = got
                        break
            if suffixes:
                found = _transformed(self, transformers, suffixes, member_key, found)
            if found is None:
                continue
            if scalar is None:
                self._serialize(wrapper, found, member_shape, member_key)
            else:
                name, convert = scalar
                wrapper[name] = convert(found)
        if key:
            self._default_serialize(serialized, wrapper, shape, key)
        return None

    return structure


#: A scalar member's serialized name and the conversion moto's JSON serializer applies to it.
Scalar = tuple[str, Callable[[Any], Any]]


class _StructurePlan:
    """For one class of object and one structure shape: each member's key, shape, names and
    transformers (:func:`_field`). Holds the transformers dict so its id, part of the plan's
    key, is never reused."""

    def __init__(self, serializer: Any, picker: Any, value: Any, shape: Any) -> None:
        self.transformers = picker.response_transformers
        self.keyed = hasattr(value, "__getitem__")
        self.members: list[tuple[str, Any, tuple[str, ...], tuple[str, ...], Scalar | None]] = []
        for key, member in shape.members.items():
            member.parent = shape
            names, suffixes = _field(serializer, picker, value, key, member)
            scalar = _scalar(type(serializer), member, key)
            self.members.append((key, member, names, suffixes, scalar))
        self.dotted = any("." in name for _, _, names, _, _ in self.members for name in names)


def _json_string(value: Any) -> Any:
    """moto's ``BaseJSONSerializer._serialize_type_string``, without the call around it."""
    if isinstance(value, Enum):
        value = value.value
    return str(value) if value not in [None, {}, []] else value


def _as_is(value: Any) -> Any:
    return value


def _scalar(serializer: type, shape: Any, key: str) -> Scalar | None:
    """For a string, number or boolean member: its name and what moto's JSON serializer would
    do to its value (for three in four of a service's members, the per-member dispatch cost
    more than the conversion), when ``serializer`` serializes that type as moto's base JSON
    serializer does; None for every other member, which goes through moto's ``_serialize``."""
    from moto.core.serialize import BaseJSONSerializer, ResponseSerializer

    kind = shape.type_name
    known: dict[str, tuple[Any, Callable[[Any], Any]]] = {
        "string": (BaseJSONSerializer._serialize_type_string, _json_string),
        "integer": (ResponseSerializer._serialize_type_integer, int),
        "long": (ResponseSerializer._serialize_type_long, int),
        "double": (ResponseSerializer._serialize_type_double, float),
        "float": (ResponseSerializer._serialize_type_float, float),
        "boolean": (None, _as_is),  # no method of its own: moto's _default_serialize
    }
    own = known.get(kind)
    if own is None or getattr(serializer, f"_serialize_type_{kind}", None) is not own[0]:
        return None
    if (
        serializer._serialize is not ResponseSerializer._serialize  # type: ignore[attr-defined]
        or serializer._default_serialize is not ResponseSerializer._default_serialize  # type: ignore[attr-defined]
        or serializer.get_serialized_name is not ResponseSerializer.get_serialized_name  # type: ignore[attr-defined]
    ):
        return None
    return shape.serialization.get("name", key), own[1]


def _account_of() -> Any:
    """moto's ``get_account_id_from``: the first account (in moto's order) one of whose
    partitions holds the access key, else the default account; remembered per key."""
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.iam.models import iam_backends
    from moto.utilities.utils import PARTITION_NAMES

    from aws.sandbox.accounts import ROOT_KEYS

    found: dict[str, tuple[str, str]] = {}

    def account_of(access_key: str) -> str:
        if access_key == ROOT_KEYS[0]:
            return DEFAULT_ACCOUNT_ID
        where = found.get(access_key)
        if where is not None:
            account_id, partition = where
            if access_key in iam_backends[account_id][partition].access_keys:
                return account_id
            del found[access_key]  # gone (a reset): search again
        for account_id, account in list(iam_backends.items()):
            for partition in PARTITION_NAMES:
                if access_key in account[partition].access_keys:
                    found[access_key] = (account_id, partition)
                    return account_id
        return DEFAULT_ACCOUNT_ID

    return account_of


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


def _enriched(original: Any) -> Any:
    """moto's ``_enrich_response`` (status as a string, a request id drawn and set in the
    headers), its regex given the body only when the body has a ``<RequestId>`` to fill."""

    def enrich(headers: dict[str, Any], body: Any) -> tuple[dict[str, Any], Any]:
        if isinstance(body, str) and "<RequestId>" not in body:
            headers, _ = original(headers, "")
            return headers, body
        return original(headers, body)  # type: ignore[no-any-return]

    return enrich

"""Secrets in task definitions and call parameters: one masking rule for every view and the log.

``mask`` hides, anywhere in a structure:

- container ``environment`` values whose names look secret (``looks_secret``: PASSWORD, SECRET,
  TOKEN, KEY, CREDENTIAL, AUTH, PRIVATE, CERT ...), and the password of any ``scheme://user:pw@``
  URL in the other values; with ``all_environment`` (the audit log) every environment value;
- ``secrets[].valueFrom`` and ``secretOptions[].valueFrom`` (Secrets Manager / SSM ARNs);
- ``repositoryCredentials.credentialsParameter``.

``unmask`` puts the real values back into an edited copy of a masked structure (matched by
container and variable name), so a user can edit a masked task definition and register it with
the real values (a placeholder the user edited around, e.g. in a URL, stands for the hidden
part); ``leftover`` finds placeholders that had nothing to put back. ``mask_pair``
masks two revisions for a diff, marking a hidden value that changed. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from typing import Any

REDACTED = "<redacted>"
#: Shown in a diff in place of a hidden value that differs between the two sides.
CHANGED = "<redacted: changed>"

_SECRET_NAME = re.compile(
    r"PASS|PWD|SECRET|TOKEN|KEY|CREDENTIAL|AUTH|PRIVATE|CERT|SIGNATURE|SALT|DSN|COOKIE|SESSION",
    re.IGNORECASE,
)
_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*:)[^@\s]+(?=@)")
_VALUE_FROM_LISTS = frozenset({"secrets", "secretOptions"})


def looks_secret(name: object) -> bool:
    """True for variable names that usually hold a secret (DB_PASSWORD, API_KEY, GH_TOKEN ...)."""
    return isinstance(name, str) and bool(_SECRET_NAME.search(name))


def _mask_env_entry(entry: Any, all_environment: bool) -> Any:
    if not isinstance(entry, dict) or "value" not in entry:
        return mask(entry, all_environment=all_environment)
    value = entry["value"]
    if all_environment or looks_secret(entry.get("name")):
        return {**entry, "value": REDACTED}
    if isinstance(value, str):
        return {**entry, "value": _URL_PASSWORD.sub(rf"\g<head>{REDACTED}", value)}
    return dict(entry)


def mask(value: Any, *, all_environment: bool = False) -> Any:
    """A copy of ``value`` with the secrets hidden (see the module docstring); input untouched."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            if k == "environment" and isinstance(v, list):
                out[k] = [_mask_env_entry(e, all_environment) for e in v]
            elif k in _VALUE_FROM_LISTS and isinstance(v, list):
                out[k] = [
                    {**e, "valueFrom": REDACTED} if isinstance(e, dict) and "valueFrom" in e else e
                    for e in v
                ]
            elif k == "repositoryCredentials" and isinstance(v, dict):
                out[k] = {
                    ck: (
                        REDACTED
                        if ck == "credentialsParameter"
                        else mask(cv, all_environment=all_environment)
                    )
                    for ck, cv in v.items()
                }
            else:
                out[k] = mask(v, all_environment=all_environment)
        return out
    if isinstance(value, list):
        return [mask(v, all_environment=all_environment) for v in value]
    return value


def _match(item: Any, index: int, ref: list[Any]) -> int | None:
    """The index in ``ref`` that ``item`` (at ``index`` of its list) corresponds to: the entry
    with the same ``name`` for named entries (containers, variables), else the same index."""
    if isinstance(item, dict) and isinstance(item.get("name"), str):
        for j, r in enumerate(ref):
            if isinstance(r, dict) and r.get("name") == item["name"]:
                return j
        return None
    return index if index < len(ref) else None


def _restore(edited: Any, masked: Any, real: Any) -> Any:
    if isinstance(edited, dict):
        if not (isinstance(masked, dict) and isinstance(real, dict)):
            return edited
        return {k: _restore(v, masked.get(k), real.get(k)) for k, v in edited.items()}
    if isinstance(edited, list):
        if not (isinstance(masked, list) and isinstance(real, list)):
            return edited
        out = []
        for i, e in enumerate(edited):
            j = _match(e, i, masked)
            out.append(e if j is None else _restore(e, masked[j], real[j]))
        return out
    if isinstance(edited, str) and isinstance(masked, str) and isinstance(real, str):
        if edited == masked and masked != real:
            return real
        if REDACTED in edited and masked.count(REDACTED) == 1:
            # Part of the value was hidden (a URL's password) and the user edited around the
            # placeholder: put the hidden part back where the placeholder still stands.
            head, tail = masked.split(REDACTED)
            if real.startswith(head) and real.endswith(tail) and len(real) >= len(head + tail):
                return edited.replace(REDACTED, real[len(head) : len(real) - len(tail)])
    return edited


def unmask(edited: Any, original: Any) -> Any:
    """``edited`` (a masked copy of ``original``, then edited) with each placeholder the user
    left in place replaced by the real value from ``original``. Values the user typed win."""
    return _restore(edited, mask(original), original)


def leftover(value: Any, path: str = "") -> list[str]:
    """Paths of values still holding a placeholder (copied somewhere with no real value)."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in leftover(v, f"{path}.{k}" if path else k)]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in leftover(v, f"{path}[{i}]")]
    if isinstance(value, str) and REDACTED in value:
        return [path]
    return []


def _changed(m_new: Any, m_old: Any, new: Any, old: Any) -> Any:
    if isinstance(m_new, dict) and isinstance(m_old, dict):
        od: dict[str, Any] = old if isinstance(old, dict) else {}
        nd: dict[str, Any] = new if isinstance(new, dict) else {}
        return {k: _changed(v, m_old.get(k), nd.get(k), od.get(k)) for k, v in m_new.items()}
    if isinstance(m_new, list) and isinstance(m_old, list):
        ol: list[Any] = old if isinstance(old, list) else []
        out = []
        for i, e in enumerate(m_new):
            j = _match(e, i, m_old)
            real_new = new[i] if isinstance(new, list) and i < len(new) else None
            if j is None or j >= len(ol):
                out.append(e)
            else:
                out.append(_changed(e, m_old[j], real_new, ol[j]))
        return out
    if isinstance(m_new, str) and m_new == m_old and m_new != new and new != old:
        return m_new.replace(REDACTED, CHANGED)
    return m_new


def mask_pair(old: Any, new: Any) -> tuple[Any, Any]:
    """Both sides masked for a diff; a hidden value that changed reads ``CHANGED`` on the new
    side, so the diff still says that it changed without saying what it is."""
    m_old, m_new = mask(old), mask(new)
    return m_old, _changed(m_new, m_old, new, old)

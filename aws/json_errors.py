"""Say what is wrong with a JSON text in JSON terms, where it is and what is likely missing.

Python's ``json`` messages name the parser's state ("Extra data", "Expecting ',' delimiter"),
which reads as nonsense to someone who deleted a brace while editing a task definition. The
parser stops where it notices, often well after the slip, so the message also counts the
braces and brackets (outside strings) and names the one that is short.
"""

from __future__ import annotations

import json

from aws.words import noun

_PAIRS = (("{", "}", "brace"), ("[", "]", "bracket"))


def _counts(text: str) -> dict[str, int]:
    """How often each of ``{}[]`` occurs outside JSON strings."""
    counts = dict.fromkeys("{}[]", 0)
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in counts:
            counts[ch] += 1
    return counts


def imbalance(text: str) -> str | None:
    """ "missing closing brace '}'" (or opening, or bracket) when the counts differ; else None."""
    counts = _counts(text)
    for opening, closing, what in _PAIRS:
        short = counts[opening] - counts[closing]
        if short:
            n = abs(short)
            side, char = ("closing", closing) if short > 0 else ("opening", opening)
            count = f"{n} " if n > 1 else ""
            return f"missing {count}{side} {noun(n, what)} '{char}'"
    return None


def _what(exc: json.JSONDecodeError) -> str:
    msg, doc, pos = exc.msg, exc.doc, exc.pos
    at_end = not doc[pos:].strip()
    if msg == "Extra data":
        return "the JSON value ends before this point but more text follows"
    if msg == "Expecting ',' delimiter":
        if at_end:
            return "the text ends inside an object or list"
        return "expected , or } (or , or ] in a list)"
    if msg == "Expecting ':' delimiter":
        return "expected : after the name"
    if msg.startswith("Expecting property name"):
        after_comma = doc[:pos].rstrip().endswith(",")
        if after_comma and doc[pos:].lstrip().startswith("}"):
            return "a comma before } is not allowed in JSON"
        return "expected a name in double quotes, or }"
    if msg == "Expecting value":
        if at_end:
            return "the text ends where a value should follow"
        if doc[:pos].rstrip().endswith(",") and doc[pos:].lstrip()[:1] in ("]", "}"):
            return "a comma before ] or } is not allowed in JSON"
        return "expected a value (a string in double quotes, a number, true, false, null, { or [)"
    if msg.startswith("Unterminated string"):
        return 'a string that starts here has no closing "'
    if msg.startswith("Invalid control character"):
        return "a line break or tab inside a string: write it as \\n or \\t"
    if msg.startswith("Invalid \\escape"):
        return "an unknown escape after \\ (use \\\\ for a backslash)"
    return msg


def describe(exc: json.JSONDecodeError) -> str:
    """``line 3, column 10: expected , or }; missing closing brace '}'``."""
    where = f"line {exc.lineno}, column {exc.colno}"
    missing = imbalance(exc.doc)
    return f"{where}: {_what(exc)}" + (f"; {missing}" if missing else "")

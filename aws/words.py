"""Counts that agree with their nouns, for every message aws/ and tui/ compose."""

from __future__ import annotations


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """``1 row``, ``2 rows``, ``0 rows``: a count with its noun agreeing."""
    return f"{count} {noun if count == 1 else (plural_form or noun + 's')}"


def noun(count: int, word: str, plural_form: str | None = None) -> str:
    """The noun alone, agreeing with ``count`` (for "3 of 1 task" style phrases)."""
    return word if count == 1 else (plural_form or word + "s")

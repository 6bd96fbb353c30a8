"""Small checks on untrusted text."""

from __future__ import annotations

from typing import Any

# Identifiers and sizes in URLs are short; anything longer is not a number we issued.
_MAX_DIGITS = 12
MAX_WHOLE_NUMBER = 10**_MAX_DIGITS - 1


def is_whole_number(text: object) -> bool:
    """True for ASCII digits only: str.isdigit() also accepts "²" and "٣", which int() refuses
    or reads as something else."""
    return (
        isinstance(text, str) and 0 < len(text) <= _MAX_DIGITS and text.isascii() and text.isdigit()
    )


def is_storable(text: str) -> bool:
    """False for text no database column should get: NUL characters (PostgreSQL refuses
    them) and lone surrogates (not UTF-8 at all)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def all_storable(value: Any) -> bool:
    """:func:`is_storable` for every string in a decoded JSON value, keys included. Walks
    with a stack, not recursion: a few hundred bytes of ``[[[[...]]]]`` nest deeper than
    Python's recursion limit."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if not is_storable(item):
                return False
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return True

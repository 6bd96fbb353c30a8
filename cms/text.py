"""Small checks on untrusted text."""

from __future__ import annotations

# Identifiers and sizes in URLs are short; anything longer is not a number we issued.
_MAX_DIGITS = 12


def is_whole_number(text: object) -> bool:
    """True for ASCII digits only: str.isdigit() also accepts "²" and "٣", which int() refuses
    or reads as something else."""
    return (
        isinstance(text, str) and 0 < len(text) <= _MAX_DIGITS and text.isascii() and text.isdigit()
    )

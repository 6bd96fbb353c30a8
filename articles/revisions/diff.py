"""A side-by-side comparison of two revisions, field by field, for people to read.

Each field becomes lines of text (the body one line per paragraph or block, as its plain
text), compared with difflib: lines only on one side are added or removed, changed lines are
paired and their changed words marked.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from cms.sanitize import html_to_text

from ..lifecycle import ArticleStatus
from ..models import Article
from .snapshot import SNAPSHOT_FIELDS, Note, Reference, Snapshot

# Labels where the column's own name would mislead: the body is compared as its plain text
# (what a reader reads), the authors are the byline.
_LABELS = {"body_html": "Body", "authors": "Byline", "corrections": "Corrections and updates"}


@dataclass(frozen=True)
class Row:
    left: SafeString
    right: SafeString
    # "same", "changed", "added" (right only) or "removed" (left only)
    kind: str


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: str
    rows: list[Row]

    @property
    def changed(self) -> bool:
        return any(row.kind != "same" for row in self.rows)


def compare(old: Snapshot, new: Snapshot) -> list[FieldDiff]:
    """Every field of ``SNAPSHOT_FIELDS``, ``old`` on the left and ``new`` on the right."""
    return [
        FieldDiff(
            name, _label(name), _rows(_lines(name, old.get(name)), _lines(name, new.get(name)))
        )
        for name in SNAPSHOT_FIELDS
    ]


def _label(name: str) -> str:
    if name in _LABELS:
        return _LABELS[name]
    field = Article._meta.get_field(name)
    return capfirst(str(getattr(field, "verbose_name", name))) or name


def _lines(name: str, value: Any) -> list[str]:
    if value is None or value == "" or value == []:
        return []
    if name == "body_html":
        return [line for line in html_to_text(value).splitlines() if line.strip()]
    if isinstance(value, Reference):
        return [value.name]
    if isinstance(value, list):
        return [
            f"{date_format(item.date, 'j F Y')}, {item.kind}: {item.text}"
            if isinstance(item, Note)
            else item.name
            for item in value
        ]
    if name == "status":
        return [str(ArticleStatus(value).label)]
    if isinstance(value, datetime):
        return [date_format(value, "j F Y, H:i")]
    if isinstance(value, bool):
        return ["Yes" if value else "No"]
    return str(value).splitlines() or [""]


def _rows(left: list[str], right: list[str]) -> list[Row]:
    rows: list[Row] = []
    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows += [Row(_plain(line), _plain(line), "same") for line in left[i1:i2]]
            continue
        old, new = left[i1:i2], right[j1:j2]
        for index in range(max(len(old), len(new))):
            a = old[index] if index < len(old) else None
            b = new[index] if index < len(new) else None
            if a is not None and b is not None:
                marked_a, marked_b = _words(a, b)
                rows.append(Row(marked_a, marked_b, "changed"))
            elif a is not None:
                rows.append(Row(_plain(a), mark_safe(""), "removed"))
            else:
                rows.append(Row(mark_safe(""), _plain(b or ""), "added"))
    return rows


def _plain(text: str) -> SafeString:
    return mark_safe(escape(text))  # noqa: S308 - escaped just now


def _words(a: str, b: str) -> tuple[SafeString, SafeString]:
    """``a`` and ``b`` with the words that differ marked (<del> on the left, <ins> on the
    right)."""
    left, right = a.split(" "), b.split(" ")
    out_a: list[str] = []
    out_b: list[str] = []
    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old, new = escape(" ".join(left[i1:i2])), escape(" ".join(right[j1:j2]))
        if tag == "equal":
            out_a.append(old)
            out_b.append(new)
            continue
        if old:
            out_a.append(f"<del>{old}</del>")
        if new:
            out_b.append(f"<ins>{new}</ins>")
    return mark_safe(" ".join(out_a)), mark_safe(" ".join(out_b))  # noqa: S308 - escaped above

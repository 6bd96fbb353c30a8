"""Two people saving one article: what the second is shown when their save is refused.

The change form carries the version it was opened at and a signed snapshot of the article as
it was then (what the editor started from). When someone saved in between, the save is
refused (by the form, and by ``services.article_update`` for a save racing the check) and the
page shows who saved, when, and field by field what they changed, beside what this editor
typed, which stays in the form.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.admin import helpers
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Model
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format

from cms import audit
from cms.sanitize import html_to_text

from .. import services
from ..fields import admin_form_fields
from ..models import Article, Author

# A field's value as shown to an editor: text, or a list of names (tags, the byline).
Shown = str | list[str]
Snapshot = dict[str, Shown]

_SALT = "articles.admin.conflicts.snapshot"
BYLINE = "authors"
# The body is compared as text, line by line; other fields are shown whole.
BODY = "body_html"


# The form errors' codes: a save naming an older version than the stored one, and a change
# post naming none.
VERSION_CONFLICT = "version_conflict"
VERSION_MISSING = "version_missing"


def snapshot_fields() -> tuple[str, ...]:
    """What a snapshot holds: every field the form edits, and the byline."""
    return (*admin_form_fields(), BYLINE)


def _shown(value: Any) -> Shown:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, Iterable):
        return [str(item) for item in value]
    return str(value)


def snapshot(values: Mapping[str, Any], authors: Iterable[Author]) -> Snapshot:
    """The snapshot of ``values`` (an article's fields by name) and its byline. Tags are
    sorted (their order means nothing); the byline keeps its order."""
    taken: Snapshot = {}
    for name in admin_form_fields():
        if name not in values:
            continue
        shown = _shown(values[name])
        taken[name] = sorted(shown) if isinstance(shown, list) else shown
    taken[BYLINE] = [str(author) for author in authors]
    return taken


def snapshot_of(article: Article) -> Snapshot:
    """The stored article (fresh from the database: bylines and tags are queried)."""
    values = {name: getattr(article, name) for name in admin_form_fields()}
    values["tags"] = list(article.tags.all())
    authors = [b.author for b in article.bylines.select_related("author").order_by("position")]
    return snapshot(values, authors)


def sign(article: Article, taken: Snapshot) -> str:
    """``taken`` signed for one article at its current version: a snapshot cannot be moved to
    another article's form."""
    signed = {"a": article.pk, "v": article.version, "f": taken}
    return signing.dumps(signed, salt=_SALT, compress=True)


def unsign(value: str | None, article: Article) -> Snapshot | None:
    """The snapshot a form carried for ``article``, or None when it is missing, was altered
    or was signed for another article."""
    if not value:
        return None
    try:
        loaded = signing.loads(value, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(loaded, dict) or loaded.get("a") != article.pk:
        return None
    taken = loaded.get("f")
    return taken if isinstance(taken, dict) else None


@dataclass
class Row:
    """One field someone else changed: as this editor found it, as saved now, as typed."""

    label: str
    before: str
    theirs: str
    yours: str
    # The body only: the lines of the text diff (kind is "del", "ins", "same" or "gap").
    lines: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Conflict:
    """Why a save was refused, for the change form's one message."""

    who: str
    when: str
    version: int
    rows: list[Row]

    @property
    def message(self) -> str:
        return (
            f"Not saved: {self.who} saved this article at {self.when}, while you were editing "
            "it. Nothing you typed is lost: it is all still in the form below."
        )


def last_writer(article: Article, viewer: Any) -> tuple[str, datetime]:
    """Who last saved ``article`` and when, from the audit log (``updated_at`` when nothing
    is logged, e.g. a change made before the log existed)."""
    entry = audit.last_entry(article)
    if entry is None:
        return "someone", article.updated_at
    if entry.action == services.PUBLISH_DUE_ACTION:
        return "the scheduler (publishing it at its time)", entry.created_at
    user = entry.user
    if user is not None and viewer is not None and user.pk == viewer.pk:
        return "you (in another window)", entry.created_at
    if user is not None:
        return user.get_full_name() or user.get_username(), entry.created_at
    return entry.actor, entry.created_at


def describe(
    *,
    article: Article,
    before: Snapshot | None,
    yours: Snapshot,
    labels: Mapping[str, str],
    viewer: Any,
) -> Conflict:
    """The refusal of a save of ``yours`` over ``article`` as stored now, which changed since
    ``before`` (what the editor opened; None if unknown: then every field where the stored
    article differs from what was typed is listed)."""
    theirs = snapshot_of(article)
    who, when = last_writer(article, viewer)
    rows = []
    for name in snapshot_fields():
        if name not in theirs:
            continue
        old = before.get(name, theirs[name]) if before is not None else yours.get(name)
        if old == theirs[name]:
            continue
        label = labels.get(name, name.replace("_", " ").capitalize())
        if name == BODY:
            rows.append(_body_row(label, str(old or ""), str(theirs[name]), yours.get(name)))
        else:
            opened = _text(old) if before is not None else "(not known)"
            rows.append(Row(label, opened, _text(theirs[name]), _text(yours.get(name))))
    return Conflict(
        who=who,
        when=date_format(timezone.localtime(when), "j M Y, H:i"),
        version=article.version,
        rows=rows,
    )


def _text(value: Shown | None) -> str:
    if value is None:
        return "(not valid)"
    if isinstance(value, list):
        return ", ".join(value) or "(none)"
    return value or "(empty)"


def _body_row(label: str, before: str, theirs: str, yours: Shown | None) -> Row:
    old, new = html_to_text(before).splitlines(), html_to_text(theirs).splitlines()
    lines: list[tuple[str, str]] = []
    for line in list(difflib.unified_diff(old, new, lineterm="", n=1))[2:]:
        if not line[1:].strip():
            continue  # the blank line between paragraphs
        if line.startswith("@@"):
            lines.append(("gap", "…"))
        elif line.startswith("-"):
            lines.append(("del", line[1:]))
        elif line.startswith("+"):
            lines.append(("ins", line[1:]))
        else:
            lines.append(("same", line[1:]))
    if not any(kind in ("del", "ins") for kind, _ in lines):
        lines = [("same", "Formatting changed; the words are the same.")]
    if yours is None:
        typed = "(not valid)"
    elif yours == before:
        typed = "unchanged by you"
    else:
        typed = "changed by you: your text is in the editor below"
    return Row(label, "", "", typed, lines)


def explain(
    *,
    form: Any,
    formsets: list[Any],
    byline: list[Author],
    article_pk: int,
    viewer: Any,
    context: dict[str, Any],
) -> None:
    """Put the account of a refused save on the change page's ``context``: the form's short
    version error gives way to the :class:`Conflict` (who saved, when, what they changed,
    what this editor typed), and the page carries the newer version as the one now seen."""
    refusals = form.errors.get(NON_FIELD_ERRORS)
    if refusals is not None:
        kept = [e for e in refusals.as_data() if e.code != VERSION_CONFLICT]
        form.errors[NON_FIELD_ERRORS] = form.error_class(kept, error_class="nonfield")
        if not kept:
            del form.errors[NON_FIELD_ERRORS]
    context["errors"] = helpers.AdminErrorList(form, formsets)
    current = Article.objects.select_related("section", "cover_image").get(pk=article_pk)
    typed = {name: form.cleaned_data[name] for name in form.cleaned_data}
    labels = {name: str(field.label or name) for name, field in form.fields.items()}
    labels[BYLINE] = "Byline"
    context["conflict"] = describe(
        article=current,
        before=unsign(form.cleaned_data.get("base_snapshot"), current),
        yours=snapshot(typed, byline),
        labels=labels,
        viewer=viewer,
    )
    # The editor has now seen the newer version: a later conflict is told against it.
    data = QueryDict(mutable=True)  # a request's QueryDict is immutable: copy it
    data.update(form.data)
    data[form.add_prefix("base_snapshot")] = sign(current, snapshot_of(current))
    form.data = data

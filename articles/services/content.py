"""Creating and editing articles: content fields, bylines, tags, slugs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.crypto import get_random_string
from django.utils.text import slugify

from cms.access import Action, require
from cms.actors import Actor
from cms.errors import (
    NotFound,
    ValidationFailed,
    VersionConflict,
)
from cms.sanitize import count_words, html_to_text, reading_time_minutes, sanitize_article_html

from .. import selectors
from ..fields import TRIMMED_COLUMNS, WRITTEN_COLUMNS
from ..models import (
    Article,
    ArticleAuthor,
    ArticleSlug,
    ArticleStatus,
    Author,
    Section,
    Tag,
)
from .bylines import recount_authors
from .history import article_saved

# The columns a caller may set directly (``articles.fields.CONTENT_FIELDS``). Status, dates,
# counters, version and the derived fields change only through the functions below (no mass
# assignment).
CONTENT_FIELDS = WRITTEN_COLUMNS
_SLUG_ATTEMPTS = 3
_DERIVED_FIELDS = ("body_text", "word_count", "reading_time_minutes")


def article_create(
    *,
    actor: Actor,
    article: Article | None = None,
    authors: Iterable[Author] | None = None,
    tags: Iterable[Tag] | None = None,
    **fields: Any,
) -> Article:
    """Create a draft. ``article`` may be an unsaved instance already filled in (the admin).

    With no ``authors``, the byline is the acting user's author profile, if they have one.
    """
    require(actor, Action.ADD, Article)
    authors, tags = _listed(authors), _listed(tags)
    check_list_lengths(authors=authors, tags=tags)
    article = article or Article()
    _assign(article, fields)
    article.status = ArticleStatus.DRAFT
    article.version = 1
    article.created_by = actor.user
    # A slug the caller did not choose exactly may be replaced if another article takes it
    # in the moment between the check and the insert.
    generated_slug = not article.slug or not selectors.sees_all_unpublished(actor)
    article.slug = _claim_slug(actor, article.slug, article.title)
    _derive(article)
    _validate(article)
    for attempt in range(_SLUG_ATTEMPTS):
        try:
            with transaction.atomic():
                article.save(force_insert=True)
                if authors is None:
                    article_default_byline(article=article, actor=actor)
                else:
                    set_byline(article, authors)
                if tags is not None:
                    article.tags.set(tags)
                article_saved(actor=actor, action="article.create", article=article)
        except IntegrityError:
            # Another article took the slug between the check and the insert.
            article.pk = None
            article._state.adding = True
            taken = Article.with_trashed.filter(slug=article.slug).exists()
            if not taken:
                raise
            if not generated_slug or attempt == _SLUG_ATTEMPTS - 1:
                raise ValidationFailed(
                    {"slug": ["Another article already has this address."]}
                ) from None
            article.slug = _claim_slug(actor, "", article.title)
        else:
            return article
    raise AssertionError("unreachable")  # pragma: no cover


def article_update(
    *,
    article: Article,
    actor: Actor,
    expected_version: int | None = None,
    authors: Iterable[Author] | None = None,
    tags: Iterable[Tag] | None = None,
    action: str = "article.update",
    summary: str | None = None,
    **fields: Any,
) -> Article:
    """Change an article's content. Only content fields are written, so a concurrent
    lifecycle change (someone publishing meanwhile) is never overwritten.

    ``expected_version``, when given, must match the stored version (else
    :class:`VersionConflict`). ``action`` and ``summary`` say what the change was, for the
    audit log and the revision (a restore is recorded as one, not as an edit).
    """
    require(actor, Action.CHANGE, article)
    authors, tags = _listed(authors), _listed(tags)
    check_list_lengths(authors=authors, tags=tags)
    # The slug asked for, whether passed here (the APIs) or already set on the instance (the
    # admin's form): compared with the stored one, so every rename is claimed alike.
    wanted = fields.get("slug") or article.slug
    stored = Article.objects.filter(pk=article.pk).values_list("slug", flat=True).first()
    if wanted and wanted != stored:
        fields = {**fields, "slug": _claim_slug(actor, wanted, article.title, article=article)}
    _assign(article, fields)
    _derive(article)
    _validate(article)
    with transaction.atomic():
        current = locked(article)
        if expected_version is not None and current.version != expected_version:
            raise VersionConflict(
                f"This article was changed by someone else (now version {current.version}, "
                f"you edited version {expected_version}). Reload it and apply your changes."
            )
        require(actor, Action.CHANGE, current)  # the locked row decides, not a stale copy
        article.version = current.version + 1
        _keep_former_slug(current, article.slug)
        article.save(update_fields=[*CONTENT_FIELDS, *_DERIVED_FIELDS, "version", "updated_at"])
        if authors is not None:
            set_byline(article, authors)
        if tags is not None:
            article.tags.set(tags)
        article_saved(actor=actor, action=action, article=article, summary=summary)
    return article


def article_default_byline(*, article: Article, actor: Actor) -> None:
    """Credit the acting user's author profile on an article that has no byline yet."""
    if actor.user is None or article.bylines.exists():
        return
    profile = Author.objects.filter(user=actor.user).first()
    if profile is not None:
        ArticleAuthor.objects.create(article=article, author=profile, position=1)


def resolve_references(data: Mapping[str, Any]) -> dict[str, Any]:
    """Content input from an API with section, tags and authors given by slug, resolved to
    objects (ValidationFailed naming each unknown slug)."""
    resolved = dict(data)
    errors: dict[str, list[str]] = {}
    if resolved.get("section") is not None:
        resolved["section"] = Section.objects.filter(slug=resolved["section"]).first()
        if resolved["section"] is None:
            errors["section"] = ["No section has that slug."]
    # Counted before any lookup: a list of a million slugs is refused without querying them.
    check_list_lengths(
        **{name: list(resolved[name]) for name in ("tags", "authors") if resolved.get(name)}
    )
    for name, model in (("tags", Tag), ("authors", Author)):
        if resolved.get(name) is not None:
            slugs = list(resolved[name])
            found = {obj.slug: obj for obj in model.objects.filter(slug__in=slugs)}
            missing = [slug for slug in slugs if slug not in found]
            if missing:
                errors[name] = [f"Unknown: {', '.join(missing)}."]
            resolved[name] = [found[slug] for slug in slugs if slug in found]
    if errors:
        raise ValidationFailed(errors)
    return resolved


def check_list_lengths(*, tags: list[Any] | None = None, authors: list[Any] | None = None) -> None:
    """Refuse more distinct tags than ARTICLE_MAX_TAGS or byline names than
    ARTICLE_MAX_AUTHORS (ValidationFailed naming ``tags`` or ``authors``). The GraphQL query
    cost counts an article's lists at these numbers, so they must hold for every article."""
    errors: dict[str, list[str]] = {}
    limits = (
        ("tags", tags, settings.ARTICLE_MAX_TAGS, "tags"),
        ("authors", authors, settings.ARTICLE_MAX_AUTHORS, "names in its byline"),
    )
    for name, given, limit, noun in limits:
        if given is not None and len(set(given)) > limit:
            errors[name] = [f"An article may have at most {limit} {noun}."]
    if errors:
        raise ValidationFailed(errors)


def _listed(items: Iterable[Any] | None) -> list[Any] | None:
    return None if items is None else list(items)


def set_byline(article: Article, authors: Iterable[Author]) -> None:
    """Make the article's byline ``authors``, in that order (positions 1, 2, 3...).

    Rows are kept, not re-created: an author already credited keeps their row (and its id,
    which an admin page opened earlier still names), only their position changes; authors no
    longer listed lose their row and new ones get one.
    """
    ordered = list(dict.fromkeys(authors))  # keep first occurrence, drop repeats
    rows = {row.author_id: row for row in ArticleAuthor.objects.filter(article=article)}
    wanted = {author.pk for author in ordered}
    gone = {author_id: row.pk for author_id, row in rows.items() if author_id not in wanted}
    if gone:
        ArticleAuthor.objects.filter(pk__in=gone.values()).delete()
        # Those still credited are counted by ``article_saved``, which no longer sees these.
        recount_authors(gone)
    moved, added = [], []
    for position, author in enumerate(ordered, start=1):
        row = rows.get(author.pk)
        if row is None:
            added.append(ArticleAuthor(article=article, author=author, position=position))
        elif row.position != position:
            row.position = position
            moved.append(row)
    if moved:
        ArticleAuthor.objects.bulk_update(moved, ["position"])
    if added:
        ArticleAuthor.objects.bulk_create(added)


def _claim_slug(actor: Actor, wanted: str, title: str, *, article: Article | None = None) -> str:
    """The slug an article gets when ``actor`` asks for ``wanted`` (or none, from ``title``).

    Those who may read every article get what they ask for (a taken one, or another
    article's former slug, is refused by validation, naming nothing they cannot see) or the
    title's slug with -2, -3, ... Everyone else always gets their slug with a random ending:
    whether the exact slug was free would otherwise tell them that an unpublished article
    they may not read has it (or once had it). The one exception is going back to a former
    slug of the same ``article``: it names only what the writer is editing.
    """
    if article is not None and wanted and _former_slug_of(article, wanted):
        return wanted
    if selectors.sees_all_unpublished(actor):
        return wanted or unique_slug(title)
    return private_slug(wanted or slugify(title))


def _former_slug_of(article: Article, slug: str) -> bool:
    return (
        article.pk is not None and ArticleSlug.objects.filter(article=article, slug=slug).exists()
    )


def _keep_former_slug(current: Article, new_slug: str) -> None:
    """On a rename of an article that was ever live (``current``, its locked row), keep the
    slug it leaves so that links to it keep working; one it returns to is current again.
    A draft that never went live was never linked to: its old slugs are not kept."""
    if new_slug == current.slug:
        return
    ArticleSlug.objects.filter(article=current, slug=new_slug).delete()
    if current.was_ever_live:
        ArticleSlug.objects.get_or_create(slug=current.slug, defaults={"article": current})


def slug_is_taken(slug: str, *, by_other_than: Article | None = None) -> bool:
    """Whether an article other than ``by_other_than`` has ``slug``, now or formerly."""
    # A trashed article keeps its slug: restoring it needs it back.
    articles = Article.with_trashed.filter(slug=slug)
    former = ArticleSlug.objects.filter(slug=slug)
    if by_other_than is not None and by_other_than.pk is not None:
        articles = articles.exclude(pk=by_other_than.pk)
        former = former.exclude(article_id=by_other_than.pk)
    return articles.exists() or former.exists()


# Random endings of private slugs: lower-case letters and digits that cannot be confused.
_PRIVATE_ENDING_CHARS = "abcdefghjkmnpqrstuvwxyz23456789"
_PRIVATE_ENDING_LENGTH = 6


def private_slug(base: str) -> str:
    """``base`` with a random ending that no article has."""
    max_length = Article._meta.get_field("slug").max_length or 200
    base = base[: max_length - _PRIVATE_ENDING_LENGTH - 1].strip("-") or "article"
    while True:
        ending = get_random_string(_PRIVATE_ENDING_LENGTH, _PRIVATE_ENDING_CHARS)
        candidate = f"{base}-{ending}"
        if not slug_is_taken(candidate):
            return candidate


def unique_slug(title: str) -> str:
    """A slug from the title, suffixed -2, -3, ... until no other article has it."""
    max_length = Article._meta.get_field("slug").max_length or 200
    base = slugify(title)[: max_length - 8].strip("-") or "article"
    taken = set(Article.with_trashed.filter(slug__startswith=base).values_list("slug", flat=True))
    # Former slugs keep answering for their article: never handed to another.
    taken |= set(ArticleSlug.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


# --- internals ------------------------------------------------------------------------------


def _assign(article: Article, fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - set(CONTENT_FIELDS)
    if unknown:
        raise ValidationFailed({name: ["This field cannot be set directly."] for name in unknown})
    # NUL characters (which PostgreSQL refuses) never get this far: DRF's and Django's form
    # CharFields refuse them, and the GraphQL view refuses any string holding one.
    for name, value in fields.items():
        if name in TRIMMED_COLUMNS and isinstance(value, str):
            value = value.strip()  # for every adapter alike (GraphQL does not trim)
        setattr(article, name, value)


def _derive(article: Article) -> None:
    try:
        article.body_html = sanitize_article_html(article.body_html)
    except ValidationError as error:
        raise ValidationFailed({"body_html": error.messages}) from error
    article.body_text = html_to_text(article.body_html)
    article.word_count = count_words(article.body_text)
    article.reading_time_minutes = reading_time_minutes(
        article.word_count, settings.READING_WORDS_PER_MINUTE
    )


def _validate(article: Article) -> None:
    try:
        article.full_clean(exclude=["status", "published_at", "version", "created_by"])
    except ValidationError as error:
        raise ValidationFailed(
            {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
        ) from error
    if (
        article.slug
        and ArticleSlug.objects.filter(slug=article.slug).exclude(article_id=article.pk).exists()
    ):
        # Another article's former address, which still leads to it: refused in the words
        # of a taken slug, so that the refusal tells no more than that one does.
        taken = article.unique_error_message(Article, ("slug",))
        raise ValidationFailed({"slug": list(taken.messages)})


def locked(article: Article) -> Article:
    """The article's row, locked for the rest of the transaction. One moved to the trash
    (or deleted) since the caller looked it up is :class:`NotFound`, as it would be now."""
    if article.pk is None:
        raise ValueError("Only a saved article can be locked.")
    current = Article.objects.select_for_update().filter(pk=article.pk).first()
    if current is None:
        raise NotFound("This article was moved to the trash or deleted meanwhile.", field="slug")
    return current

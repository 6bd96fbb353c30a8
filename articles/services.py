"""Writes to articles. REST, GraphQL, the admin and management commands all call these.

Every function takes keyword arguments, checks the policy, validates, and saves inside a
transaction. Lifecycle changes lock the article's row so two editors cannot interleave.
Each successful write bumps ``version`` (optimistic locking for API clients).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify

from cms import audit
from cms.access import Action, require
from cms.actors import Actor
from cms.crawlers import is_crawler
from cms.errors import (
    InUse,
    InvalidTransition,
    NotFound,
    ValidationFailed,
    VersionConflict,
)
from cms.privacy import hash_ip, reader_id
from cms.ratelimit import network_of
from cms.sanitize import count_words, html_to_text, reading_time_minutes, sanitize_article_html

from . import selectors
from .fields import TRIMMED_COLUMNS, WRITTEN_COLUMNS
from .lifecycle import TRANSITIONS, live_status_q
from .models import (
    Article,
    ArticleAuthor,
    ArticleStatus,
    ArticleViewDay,
    Author,
    Section,
    Tag,
)

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
                audit.record(actor, "article.create", article)
                if authors is None:
                    article_default_byline(article=article, actor=actor)
                else:
                    set_byline(article, authors)
                if tags is not None:
                    article.tags.set(tags)
        except IntegrityError:
            # Another article took the slug between the check and the insert.
            article.pk = None
            article._state.adding = True
            taken = Article.objects.filter(slug=article.slug).exists()
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
    **fields: Any,
) -> Article:
    """Change an article's content. Only content fields are written, so a concurrent
    lifecycle change (someone publishing meanwhile) is never overwritten.

    ``expected_version``, when given, must match the stored version (else
    :class:`VersionConflict`).
    """
    require(actor, Action.CHANGE, article)
    authors, tags = _listed(authors), _listed(tags)
    check_list_lengths(authors=authors, tags=tags)
    # The slug asked for, whether passed here (the APIs) or already set on the instance (the
    # admin's form): compared with the stored one, so every rename is claimed alike.
    wanted = fields.get("slug") or article.slug
    stored = Article.objects.filter(pk=article.pk).values_list("slug", flat=True).first()
    if wanted and wanted != stored:
        fields = {**fields, "slug": _claim_slug(actor, wanted, article.title)}
    _assign(article, fields)
    _derive(article)
    _validate(article)
    with transaction.atomic():
        current = _lock(article)
        if expected_version is not None and current.version != expected_version:
            raise VersionConflict(
                f"This article was changed by someone else (now version {current.version}, "
                f"you edited version {expected_version}). Reload it and apply your changes."
            )
        require(actor, Action.CHANGE, current)  # the locked row decides, not a stale copy
        article.version = current.version + 1
        article.save(update_fields=[*CONTENT_FIELDS, *_DERIVED_FIELDS, "version", "updated_at"])
        audit.record(actor, "article.update", article)
        if authors is not None:
            set_byline(article, authors)
        if tags is not None:
            article.tags.set(tags)
    return article


def article_submit_for_review(*, article: Article, actor: Actor) -> Article:
    """Hand a draft to the editors."""
    return _transition(article, actor, Action.SUBMIT)


def article_return_to_writer(*, article: Article, actor: Actor) -> Article:
    """Send an article in review back to its writer as a draft (an editor's "not yet"; an
    author withdrawing their own). Records when, in ``returned_at``, until its next
    transition."""
    return _transition(article, actor, Action.RETURN)


def article_publish(
    *, article: Article, actor: Actor, published_at: datetime | None = None
) -> Article:
    """Publish now, or schedule when ``published_at`` is in the future.

    A scheduled article becomes visible at its time without any job running (see
    ``ArticleQuerySet.published``). Publishing a live article again is refused; to move a
    publication date, unpublish first or edit the schedule of a scheduled article.
    """
    now = timezone.now()
    when = published_at or now
    if timezone.is_naive(when):
        raise ValidationFailed({"published_at": ["Give a date and time with a time zone."]})
    _check_publication_date(when, now)
    when = when.astimezone(UTC)  # PostgreSQL refuses offsets past ±15:59; Python allows ±23:59
    publish = TRANSITIONS[Action.PUBLISH]
    status = publish.alternative_status if when > now else publish.to_status
    return _transition(article, actor, Action.PUBLISH, status=status, published_at=when)


# Back-dating is allowed (archives are imported with their original dates); scheduling is
# bounded, because a date near year 9999 overflows when stored in UTC (PostgreSQL refuses it,
# and every later read of the row fails).
EARLIEST_PUBLICATION = datetime(1700, 1, 1, tzinfo=UTC)
MAX_SCHEDULE_AHEAD = timedelta(days=366 * 10)


def _check_publication_date(when: datetime, now: datetime) -> None:
    try:
        in_range = EARLIEST_PUBLICATION <= when.astimezone(UTC) <= now + MAX_SCHEDULE_AHEAD
    except OverflowError:
        in_range = False
    if not in_range:
        raise ValidationFailed({"published_at": ["Give a date from 1700 to ten years from now."]})


def article_unpublish(*, article: Article, actor: Actor) -> Article:
    """Take a live or scheduled article back to draft. Its last publication date is kept."""
    return _transition(article, actor, Action.UNPUBLISH)


def article_archive(*, article: Article, actor: Actor) -> Article:
    """Withdraw a published article from the public site while keeping it."""
    return _transition(article, actor, Action.ARCHIVE)


def article_take_transition(
    *, article: Article, actor: Actor, action: Action, published_at: datetime | None = None
) -> Article:
    """Take the lifecycle transition ``action`` (one of ``lifecycle.TRANSITIONS``) through
    its service. For callers that read the table: the admin's buttons and bulk actions.
    ``published_at`` is for publishing only (None: now)."""
    if action == Action.PUBLISH:
        return article_publish(article=article, actor=actor, published_at=published_at)
    if published_at is not None:
        raise ValueError(f"Only publishing takes a date, not {action}.")
    return _TRANSITION_SERVICES[action](article=article, actor=actor)


# The service of each transition that takes nothing but the article (publishing also takes a
# date, above). tests/articles/test_lifecycle.py holds these keys to lifecycle.TRANSITIONS.
_TRANSITION_SERVICES = {
    Action.SUBMIT: article_submit_for_review,
    Action.RETURN: article_return_to_writer,
    Action.UNPUBLISH: article_unpublish,
    Action.ARCHIVE: article_archive,
}


def article_set_featured(*, article: Article, actor: Actor, featured: bool) -> Article:
    with transaction.atomic():
        current = _lock(article)
        require(actor, Action.FEATURE, current)
        if current.featured == featured:
            return current
        current.featured = featured
        current.version += 1
        current.save(update_fields=["featured", "version", "updated_at"])
        audit.record(actor, "article.feature" if featured else "article.unfeature", current)
    _copy_state(current, article)
    return article


def article_delete(*, article: Article, actor: Actor) -> None:
    with transaction.atomic():
        current = _lock(article)
        require(actor, Action.DELETE, current)
        audit.record(actor, "article.delete", current)
        current.delete()


def register_view(*, article: Article, ip_address: str, user_agent: str) -> int:
    """Count one view of a live article by the reader at ``ip_address`` with ``user_agent``
    (identified by a keyed hash, ``cms.privacy.reader_id``): at most one per reader, article
    and day (UTC), none from crawlers, and at most VIEWS_MAX_READERS_PER_ADDRESS readers per
    address, article and day (a household or an office shares an address; a script rotating
    its User-Agent buys no more than that). Returns the article's views.

    Counting is atomic (UPDATE ... SET n = n + 1, never read-modify-write), so concurrent
    readers on any number of servers add up exactly. The de-duplication marks live in the
    shared cache until the day ends.
    """
    if not article.is_live:
        raise NotFound("No published article has that address.", field="slug")
    if not is_crawler(user_agent):
        now = timezone.now()
        day = now.date()
        until_midnight = int((datetime.combine(day, time.max, tzinfo=UTC) - now).total_seconds())
        prefix = f"{article.pk}:{day.isoformat()}"
        ttl = until_midnight + 60
        reader = f"viewed:{prefix}:{reader_id(ip_address, user_agent)}"
        address = f"readers:{prefix}:{hash_ip(network_of(ip_address))}"
        if cache.add(reader, 1, timeout=ttl) and _another_reader_at(address, ttl):
            with transaction.atomic():
                Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
                _count_day(article, day)
    return Article.objects.filter(pk=article.pk).values_list("view_count", flat=True)[0]


def _another_reader_at(address_key: str, ttl: int) -> bool:
    """Count a new reader at an address; False once the address has had its share today."""
    cache.add(address_key, 0, timeout=ttl)
    try:
        return int(cache.incr(address_key)) <= settings.VIEWS_MAX_READERS_PER_ADDRESS
    except ValueError:  # the key expired in between, at midnight: a new day, a new count
        return True


def _count_day(article: Article, day: date) -> None:
    bumped = ArticleViewDay.objects.filter(article=article, day=day).update(count=F("count") + 1)
    if bumped:
        return
    try:
        with transaction.atomic():  # a savepoint: losing the race below is not an error
            ArticleViewDay.objects.create(article=article, day=day, count=1)
    except IntegrityError:  # another request created today's row first
        ArticleViewDay.objects.filter(article=article, day=day).update(count=F("count") + 1)


# The audit log's action for a scheduled article put live by the job (no person acted).
PUBLISH_DUE_ACTION = "article.publish_due"


def publish_due_articles(*, now: datetime | None = None) -> int:
    """Mark scheduled articles whose time has come as published. Returns how many.

    Visibility never waits for this (the queryset already treats them as live); it keeps the
    stored status truthful for the admin and for integrations that filter on it.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # Locked, so two workers racing over the same period record each article once.
        due = list(
            Article.objects.select_for_update()
            .filter(status=ArticleStatus.SCHEDULED, published_at__lte=now)
            .only("id", "title")
        )
        if not due:
            return 0
        Article.objects.filter(pk__in=[a.pk for a in due]).update(
            status=ArticleStatus.PUBLISHED,
            # Those a service has not already recorded went live at their time.
            first_published_at=Coalesce("first_published_at", "published_at"),
            version=F("version") + 1,
            updated_at=now,
        )
        # Every write is recorded: "who saved this last?" must not name the person who
        # scheduled it when the scheduler was the last to change the article.
        audit.record_many(
            Actor.system(), PUBLISH_DUE_ACTION, ((article, str(article)) for article in due)
        )
    return len(due)


def article_default_byline(*, article: Article, actor: Actor) -> None:
    """Credit the acting user's author profile on an article that has no byline yet."""
    if actor.user is None or article.bylines.exists():
        return
    profile = Author.objects.filter(user=actor.user).first()
    if profile is not None:
        ArticleAuthor.objects.create(article=article, author=profile, position=1)


def taxonomy_save(*, obj: Author | Section | Tag, actor: Actor) -> None:
    """Save an author profile, section or tag (validated already by the caller's form)."""
    require(actor, Action.CHANGE if obj.pk else Action.ADD, obj if obj.pk else type(obj))
    with transaction.atomic():
        previous_slug = None
        if isinstance(obj, Section) and obj.pk is not None:
            previous_slug = (
                Section.objects.select_for_update().filter(pk=obj.pk).values_list("slug", flat=True)
            ).first()
        obj.save()
        audit.record(actor, f"{obj._meta.model_name}.save", obj)
        if isinstance(obj, Section) and previous_slug not in (None, obj.slug):
            _record_section_move(obj, str(previous_slug), actor)


def _record_section_move(section: Section, previous_slug: str, actor: Actor) -> None:
    """A section's slug is part of its live articles' addresses (``FRONTEND_ARTICLE_URL``'s
    ``{section}``): renaming it moves them, so each is recorded as edited (a new version,
    ``updated_at``, an audit entry) rather than changing behind its readers' caches."""
    # Live or scheduled to be: the addresses readers have, or will have.
    moved = Article.objects.select_for_update().filter(live_status_q(), section=section)
    articles = list(moved.only("id", "title"))
    if not articles:
        return
    Article.objects.filter(pk__in=[a.pk for a in articles]).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    note = f"moved with its section from {previous_slug} to {section.slug}"
    audit.record_many(actor, "article.update", ((a, f"{a.title} ({note})") for a in articles))


def taxonomy_delete(*, obj: Author | Section | Tag, actor: Actor) -> None:
    """Delete an author profile, section or tag that no article uses.

    One in use is refused (``InUse``, naming the articles): deleting it would change those
    articles (a byline, an address, a tag list) without an edit, a version or an audit entry
    of any of them. Editors move the articles first, each change recorded.
    """
    require(actor, Action.DELETE, obj)
    with transaction.atomic():
        # The row lock conflicts with the key-share lock that saving a reference to it takes
        # (PostgreSQL), so no article can take it up between the check and the delete.
        list(type(obj)._default_manager.select_for_update().filter(pk=obj.pk).values("pk"))
        refuse_if_in_use(obj)
        audit.record(actor, f"{obj._meta.model_name}.delete", obj)
        obj.delete()


def refuse_if_in_use(obj: Author | Section | Tag) -> None:
    count, titles = selectors.usage_summary(obj)
    if not count:
        return
    named = ", ".join(f"“{title}”" for title in titles)
    more = f" and {count - len(titles)} more" if count > len(titles) else ""
    noun = "article uses" if count == 1 else "articles use"
    raise InUse(
        f"{count} {noun} this {obj._meta.verbose_name} ({named}{more}); "
        "move them off it before deleting it."
    )


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
    gone = [row.pk for author_id, row in rows.items() if author_id not in wanted]
    if gone:
        ArticleAuthor.objects.filter(pk__in=gone).delete()
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


def _claim_slug(actor: Actor, wanted: str, title: str) -> str:
    """The slug an article gets when ``actor`` asks for ``wanted`` (or none, from ``title``).

    Those who may read every article get what they ask for (a taken one is refused by
    validation, naming nothing they cannot see) or the title's slug with -2, -3, ...
    Everyone else always gets their slug with a random ending: whether the exact slug was
    free would otherwise tell them that an unpublished article they may not read has it.
    """
    if selectors.sees_all_unpublished(actor):
        return wanted or unique_slug(title)
    return private_slug(wanted or slugify(title))


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
        if not Article.objects.filter(slug=candidate).exists():
            return candidate


def unique_slug(title: str) -> str:
    """A slug from the title, suffixed -2, -3, ... until no other article has it."""
    max_length = Article._meta.get_field("slug").max_length or 200
    base = slugify(title)[: max_length - 8].strip("-") or "article"
    taken = set(Article.objects.filter(slug__startswith=base).values_list("slug", flat=True))
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


def _lock(article: Article) -> Article:
    """The article's row, locked for the rest of the transaction."""
    if article.pk is None:
        raise ValueError("Only a saved article can be locked.")
    return Article.objects.select_for_update().get(pk=article.pk)


def _transition(
    article: Article,
    actor: Actor,
    action: Action,
    *,
    status: ArticleStatus | None = None,
    published_at: datetime | None = None,
) -> Article:
    """Take ``lifecycle.TRANSITIONS[action]``, to its ``to_status`` unless ``status`` names
    another it allows."""
    transition = TRANSITIONS[action]
    status = status or transition.to_status
    if status not in transition.to_statuses:
        raise ValueError(f"{action} does not lead to {status}.")
    with transaction.atomic():
        current = _lock(article)
        require(actor, action, current)
        if not transition.allowed_from(current.status, current.published_at):
            raise InvalidTransition(
                f"A {current.get_status_display().lower()} article cannot be "
                f"{transition.past_tense}.",
                field="status",
            )
        fields = ["status", "version", "updated_at"]
        # Live already (a scheduled article whose time came, which the job has not tidied
        # yet): record that before the transition can take it down.
        if _record_if_live(current):
            fields.append("first_published_at")
        current.status = status
        if published_at is not None:
            current.published_at = published_at
            fields.append("published_at")
        # Published now (not scheduled for later): it goes live with this transition.
        if _record_if_live(current):
            fields.append("first_published_at")
        if status == ArticleStatus.IN_REVIEW:
            current.submitted_at = timezone.now()
            fields.append("submitted_at")
        # "Returned to you" lasts until the writer acts on it: submitting it again (or any
        # other transition) clears it.
        returned_at = timezone.now() if action == Action.RETURN else None
        if current.returned_at != returned_at:
            current.returned_at = returned_at
            fields.append("returned_at")
        current.version += 1
        current.save(update_fields=fields)
        audit.record(actor, f"article.{action}", current)
    _copy_state(current, article)
    return article


def _record_if_live(article: Article) -> bool:
    """Set ``first_published_at`` (once: never moved, never cleared) if the article is live;
    True if it was set now."""
    if article.first_published_at is not None or not article.is_live:
        return False
    article.first_published_at = article.published_at
    return True


def _copy_state(source: Article, target: Article) -> None:
    """Keep the caller's instance in step with what was saved."""
    for name in (
        "status",
        "published_at",
        "first_published_at",
        "submitted_at",
        "returned_at",
        "featured",
        "version",
        "updated_at",
    ):
        setattr(target, name, getattr(source, name))

"""Composite reads of articles and the taxonomy, shared by REST and GraphQL.

Every function starts from the visibility querysets, and loads related rows in a fixed number
of queries whatever the number of articles (select_related / prefetch_related), so adapters
never cause N+1 queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    When,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from cms import cachetags as tagversions
from cms.access import Action, can, may_read_content
from cms.actors import Actor
from cms.errors import ValidationFailed

from . import cachetags, lifecycle, notes
from .cachetags import ARTICLES
from .fields import COLUMNS, PUBLIC_FIELDS, REFERENCE_FIELDS
from .fields import PRIVILEGED_FIELDS as PRIVILEGED_FIELDS  # re-exported for the adapters
from .models import Article, ArticleAuthor, ArticleStatus, ArticleViewDay, Author, Section, Tag
from .search import matching, search_errors

# Public article fields, and with editorial state (shown to those who may edit or preview,
# ``sees_editorial_state``); the columns each loads. Declared in ``articles.fields``.
ARTICLE_FIELDS: Final = PUBLIC_FIELDS
# Always read: identity, and what HTTP caches key their ETags on.
STATE_COLUMNS: Final = ("id", "slug", "version", "updated_at", "view_count", "comment_count")

Row = dict[str, Any]


def readable_articles(actor: Actor) -> QuerySet[Article]:
    """The articles the public listings serve to ``actor``: live ones.

    Listings, search, feeds and counts hold only live articles for everyone, so every item in
    them has a publication date. Unpublished work is read one article at a time
    (:func:`retrievable_articles`) or through a preview token.
    """
    # Every live article is visible to every actor (the policy's first rule for reading:
    # ``visible_to`` is the live set, plus unpublished work some may preview), so the live set
    # is what ``visible_to(actor).published()`` leaves. Written once rather than intersected:
    # the live condition twice over made SQLite's planner take it for a rare one and sort the
    # whole live archive for every page, rather than read the listing indexes in order.
    # tests/articles/test_listing_pages.py holds the two equal for every kind of reader.
    return Article.objects.published()


def retrievable_articles(actor: Actor) -> QuerySet[Article]:
    """The articles ``actor`` may read one at a time by address: live ones, plus the
    unpublished work the policy lets it preview (its own; all for editors; a token needs
    ``content:preview``)."""
    return Article.objects.visible_to(actor)


def sees_editorial_state(actor: Actor) -> bool:
    """Does ``actor`` see ``status`` and ``version``: may it edit or preview any article?"""
    return can(actor, Action.CHANGE, Article) or can(actor, Action.PREVIEW, Article)


def sees_all_unpublished(actor: Actor) -> bool:
    """May ``actor`` read every unpublished article, not only its own? (Asked of an unsaved
    draft that nobody owns.)"""
    return can(actor, Action.PREVIEW, Article(status=ArticleStatus.DRAFT))


def is_live_row(row: Row) -> bool:
    """Is a row loaded with ``status`` live? (Rows without it come from live-only queries.)"""
    if "status" not in row:
        return True
    return lifecycle.is_live(row["status"], row["published_at"])


def article_for_editing(actor: Actor, slug: str, action: Action) -> Article | None:
    """The article an API write names, if the actor may see it or take ``action`` on it
    (else None, so adapters answer "not found" rather than confirm that a draft exists).

    ``action`` matters for tokens: one with only ``content:publish`` cannot read drafts, yet
    may publish them.
    """
    article = Article.objects.filter(slug=slug).first()
    if article is None:
        return None
    if can(actor, Action.VIEW, article) or can(actor, action, article):
        return article
    return None


def article_rows(
    queryset: QuerySet[Article], fields: Iterable[str], *, also: Iterable[str] = ()
) -> QuerySet[Any]:
    """``queryset`` as plain rows (dicts) holding the columns ``fields`` need, section
    included, and the columns named in ``also`` (a listing's ordering, for its cursors).
    Lazy: paginate or slice it, then call :func:`attach_related`.

    Readers get rows rather than model instances because the public listings are the hot
    path of every front-end, and building instances costs more than the queries themselves.
    """
    columns = dict.fromkeys(STATE_COLUMNS)
    for name in fields:
        columns.update(dict.fromkeys(COLUMNS[name]))
    columns.update(dict.fromkeys(also))
    return queryset.values(*columns)


def attach_related(rows: list[Row], fields: Iterable[str]) -> list[Row]:
    """Give each row its ``authors`` (the byline, in order) and ``tags``: one query each,
    however many rows. Its ``status`` becomes the one people are shown
    (:func:`lifecycle.effective_status`: a scheduled article whose time has come is
    published), as the admin shows it, whether or not the worker has tidied the column."""
    for row in rows:
        if "status" in row and "published_at" in row:
            row["status"] = lifecycle.effective_status(row["status"], row["published_at"])
    fields = set(fields)
    ids = [row["id"] for row in rows]
    if not ids:
        return rows
    if "corrections" in fields:
        notes.attach_corrections(rows)
    if "authors" in fields:
        bylines: dict[int, list[Row]] = {pk: [] for pk in ids}
        for article_id, *author in _fetch(_BYLINES_SQL, ids):
            bylines[article_id].append(dict(zip(BYLINE_COLUMNS, author, strict=True)))
        for row in rows:
            row["authors"] = bylines[row["id"]]
    if "tags" in fields:
        tagged: dict[int, list[Row]] = {pk: [] for pk in ids}
        tag_ids: dict[int, list[int]] = {pk: [] for pk in ids}
        for article_id, tag_id, slug, name in _fetch(_TAGS_SQL, ids):
            tagged[article_id].append({"slug": slug, "name": name})
            tag_ids[article_id].append(tag_id)
        for row in rows:
            # REST shows ``tags`` as they are; the ids (GraphQL's Tag identity) stand beside.
            row["tags"] = tagged[row["id"]]
            row["tag_ids"] = tag_ids[row["id"]]
    cachetags.record_rows(rows)  # what a cached response showing these rows names
    return rows


# The author columns a byline carries: what every article answer shows of its authors
# (REST's slug, name and avatar; the id is GraphQL's Author identity). Not the profile (bio,
# website): it is public only once the author has published work (``public_authors``), and
# these rows are read for every author of every article on the hot path.
BYLINE_COLUMNS: Final = ("id", "slug", "name", "avatar")


# The two lookups every article read makes, written as SQL: building them through the ORM
# costs several times what the database takes to answer them, on every request. Plain SQL
# that PostgreSQL and SQLite both accept; table names come from the models.
_BYLINES_SQL = (
    # Only model table names, BYLINE_COLUMNS and placeholders are interpolated.
    f"SELECT b.article_id, {', '.join('a.' + c for c in BYLINE_COLUMNS)} "  # noqa: S608
    f"FROM {ArticleAuthor._meta.db_table} b "
    f"JOIN {Author._meta.db_table} a ON a.id = b.author_id "
    "WHERE b.article_id IN ({ids}) ORDER BY b.article_id, b.position, b.id"
)
_TAGS_SQL = (
    f"SELECT at.article_id, t.id, t.slug, t.name FROM {Article.tags.through._meta.db_table} at "  # noqa: S608
    f"JOIN {Tag._meta.db_table} t ON t.id = at.tag_id "
    "WHERE at.article_id IN ({ids}) ORDER BY t.name, t.id"
)


def _fetch(template: str, ids: list[int]) -> list[tuple[Any, ...]]:
    sql = template.format(ids=", ".join(["%s"] * len(ids)))
    # Raw SQL bypasses the database router: ask it, so these reads go where the ORM's would
    # (a read replica, or the primary once the request has written: cms.db_routing).
    with connections[router.db_for_read(ArticleAuthor)].cursor() as cursor:
        cursor.execute(sql, ids)
        return cursor.fetchall()


@dataclass(frozen=True)
class Ordering:
    """One ordering a listing may be asked for: its columns (ties broken newest first, then
    by id), and what it means to a client (REST's enum and GraphQL's ``ArticleOrder`` say
    it)."""

    columns: tuple[str, ...]
    description: str


# Orderings clients may ask for, by the name REST takes (GraphQL's enum is derived from it).
# Without one, a listing is newest first, or by relevance when it searches.
ORDERINGS: Final = {
    "-published_at": Ordering(("-published_at", "-id"), "Newest first (the default)."),
    "published_at": Ordering(("published_at", "id"), "Oldest first."),
    "-view_count": Ordering(("-view_count", "-published_at", "-id"), "Most viewed first."),
    "-comment_count": Ordering(
        ("-comment_count", "-published_at", "-id"), "Most commented (approved comments) first."
    ),
    "title": Ordering(("title", "id"), "By title, A to Z."),
}


# Filters are subqueries on the article table, so counting a filtered list never joins. Each
# looks its slug's id up once (a scalar subquery) rather than joining the taxonomy table for
# every candidate row: walking the listing index newest first, the database then checks each
# article with one probe of the (article, tag) or (article, author) unique index. At 100,000
# articles a tag's first page probes some 1,500 of them: 1 ms this way, 15 ms with the join.


def _id_of(model: type[Author] | type[Section] | type[Tag], slug: str) -> Subquery:
    return Subquery(model.objects.filter(slug=slug).values("pk")[:1])


def tagged(queryset: QuerySet[Article], tag_slug: str) -> QuerySet[Article]:
    through = Article.tags.through.objects.filter(
        article_id=OuterRef("pk"), tag_id=_id_of(Tag, tag_slug)
    )
    return queryset.filter(Exists(through))


def in_section(queryset: QuerySet[Article], section_slug: str) -> QuerySet[Article]:
    # An equality, so the (section, published_at, id) listing index is walked in order.
    return queryset.filter(section_id=_id_of(Section, section_slug))


def credited_to(queryset: QuerySet[Article], author_slug: str) -> QuerySet[Article]:
    bylines = ArticleAuthor.objects.filter(
        article_id=OuterRef("pk"), author_id=_id_of(Author, author_slug)
    )
    return queryset.filter(Exists(bylines))


def ordered(queryset: QuerySet[Article], ordering: str) -> QuerySet[Article]:
    """``queryset`` in one of ORDERINGS (:func:`article_list` checks the name)."""
    return queryset.order_by(*ORDERINGS[ordering].columns)


# Publication dates a listing may be filtered by: every database stores these years, and
# PostgreSQL refuses some that Python accepts (0001-01-01 with an offset overflows in UTC).
PUBLISHED_YEARS: Final = (1900, 2999)
PUBLISHED_YEARS_MESSAGE: Final = "Give a date between {} and {}.".format(*PUBLISHED_YEARS)


def _in_utc(moment: datetime) -> datetime | None:
    """``moment`` in UTC, or None outside PUBLISHED_YEARS. (Converting first: PostgreSQL
    refuses offsets past ±15:59 that Python accepts, up to ±23:59.)"""
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        moment = moment.astimezone(UTC)
    except OverflowError:
        return None
    return moment if PUBLISHED_YEARS[0] <= moment.year <= PUBLISHED_YEARS[1] else None


def ordering_message(ordering: str) -> str:
    # REST's wording since the list was a django-filter ChoiceFilter; GraphQL now says the same.
    return f"Select a valid choice. {ordering} is not one of the available choices."


def article_list(
    actor: Actor,
    *,
    tag: str | None = None,
    section: str | None = None,
    author: str | None = None,
    featured: bool | None = None,
    search: str | None = None,
    ordering: str | None = None,
    published_after: datetime | None = None,
    published_before: datetime | None = None,
) -> QuerySet[Article]:
    """The live articles ``actor`` may list, filtered and ordered (lazy: adapters page it as
    ``articles.listing.article_listing``). REST and GraphQL only translate their parameters
    into these.

    Every argument out of bounds is named in one :class:`ValidationFailed`, raised before any
    query runs, so both adapters refuse the same input with the same field and code.
    """
    errors: dict[str, list[str]] = {}
    texts = {"tag": tag, "section": section, "author": author}
    for name, value in texts.items():
        if value is not None and not value.strip():
            errors[name] = ["May not be blank."]  # the same answer REST gives a blank value
    after = before = None
    if published_after is not None and (after := _in_utc(published_after)) is None:
        errors["published_after"] = [PUBLISHED_YEARS_MESSAGE]
    if published_before is not None and (before := _in_utc(published_before)) is None:
        errors["published_before"] = [PUBLISHED_YEARS_MESSAGE]
    if search is not None and (refused := search_errors(search)):
        errors["search"] = refused
    if ordering is not None and ordering not in ORDERINGS:
        errors["ordering"] = [ordering_message(ordering)]
    if errors:
        raise ValidationFailed(errors)

    cachetags.record_listing(tag=tag, section=section, author=author)
    # Applied in this order so the SQL is what the FilterSet's declaration order produced.
    queryset = readable_articles(actor)
    if tag is not None:
        queryset = tagged(queryset, tag)
    if section is not None:
        queryset = in_section(queryset, section)
    if author is not None:
        queryset = credited_to(queryset, author)
    if featured is not None:
        queryset = queryset.filter(featured=featured)
    if after is not None:
        queryset = queryset.filter(published_at__gte=after)
    if before is not None:
        queryset = queryset.filter(published_at__lt=before)
    if search is not None:
        queryset = matching(queryset, search)
    if ordering is not None:
        # After search, so an explicit ordering replaces relevance.
        queryset = ordered(queryset, ordering)
    return queryset


# "Most read" looks back at most this many days, and by default this many; it lists by
# default this many articles, and at most API_MAX_PAGE_SIZE (a page's worth).
MOST_READ_MAX_DAYS: Final = 90
MOST_READ_DEFAULT_DAYS: Final = 7
MOST_READ_DEFAULT_LIMIT: Final = 10


@dataclass(frozen=True)
class Bound:
    """A whole-number argument's range and default: the selector checks it, and the adapters
    read their parsing message, OpenAPI bounds and GraphQL descriptions from it."""

    minimum: int
    maximum: int
    default: int

    @property
    def message(self) -> str:
        return f"Must be a whole number from {self.minimum} to {self.maximum}."

    def admits(self, value: int) -> bool:
        return self.minimum <= value <= self.maximum


def most_read_bounds() -> dict[str, Bound]:
    """The bounds of :func:`most_read`'s arguments. A function: the limit follows the
    ``API_MAX_PAGE_SIZE`` setting."""
    return {
        "days": Bound(1, MOST_READ_MAX_DAYS, MOST_READ_DEFAULT_DAYS),
        "limit": Bound(1, int(settings.API_MAX_PAGE_SIZE), MOST_READ_DEFAULT_LIMIT),
    }


def most_read(
    *, days: int = MOST_READ_DEFAULT_DAYS, limit: int = MOST_READ_DEFAULT_LIMIT
) -> list[tuple[int, int]]:
    """(article id, views in the last ``days`` days) of the ``limit`` most read live
    articles. Arguments out of :func:`most_read_bounds` are a :class:`ValidationFailed`
    naming each, raised before any query."""
    bounds = most_read_bounds()
    errors = {
        name: [bounds[name].message]
        for name, value in (("days", days), ("limit", limit))
        if not bounds[name].admits(value)
    }
    if errors:
        raise ValidationFailed(errors)
    cachetags.record_listing()  # any article may enter or leave the ranking
    since = timezone.now().date() - timedelta(days=days - 1)
    key = f"most-read:{since.isoformat()}:{days}:{limit}"
    stored = cache.get(key)
    if stored is not None and tagversions.still_current(stored["versions"]):
        ranked = stored["ranked"]
        # Unpublished or trashed since it was ranked (its invalidation not committed yet)?
        live = set(
            Article.objects.published()
            .filter(pk__in=[pk for pk, _ in ranked])
            .values_list("pk", flat=True)
        )
        return [(pk, views) for pk, views in ranked if pk in live]
    # Taken before reading, so a change committed meanwhile leaves this answer stale at once.
    versions = tagversions.versions(MOST_READ_TAGS)
    ranked = _rank(since, limit)
    # Views reach the database only when they are flushed, which invalidates VIEWS_TAG; a
    # scheduled article that goes live by the clock enters within VIEWS_FLUSH_EVERY.
    cache.set(key, {"versions": versions, "ranked": ranked}, max(1, settings.VIEWS_FLUSH_EVERY))
    return ranked


# Every listing of articles (any write to an article), and every flush of buffered views.
VIEWS_TAG: Final = "article-views"
MOST_READ_TAGS: Final = (ARTICLES, VIEWS_TAG)


# The period's views are summed first, over the view days' (day, article) index, and sorted;
# live articles are then looked up by key in that order until ``limit`` are found (PostgreSQL
# plans a nested loop under an incremental sort; SQLite walks the sorted rows), instead of
# joining every live article of the archive to its views. The ORM cannot join a grouped
# subquery; only model table names and placeholders are interpolated.
_MOST_READ_SQL = (
    "SELECT p.article_id, p.views FROM ("  # noqa: S608
    "SELECT article_id, SUM(count) AS views "
    f"FROM {ArticleViewDay._meta.db_table} WHERE day >= %s "
    "GROUP BY article_id ORDER BY views DESC"
    f") p JOIN {Article._meta.db_table} a ON a.id = p.article_id "
    "WHERE a.status IN ({statuses}) AND a.published_at <= %s AND a.deleted_at IS NULL "
    "AND p.views > 0 "
    "ORDER BY p.views DESC, a.published_at DESC, a.id DESC LIMIT %s"
)


def _rank(since: date, limit: int) -> list[tuple[int, int]]:
    statuses = [status.value for status in lifecycle.LIVE_STATUSES]
    sql = _MOST_READ_SQL.format(statuses=", ".join(["%s"] * len(statuses)))
    # Raw SQL bypasses the database router: ask it (see ``_fetch``).
    database = connections[router.db_for_read(ArticleViewDay)]
    # Dates as the ORM writes them for this database (SQLite compares them as text).
    now = database.ops.adapt_datetimefield_value(timezone.now())
    with database.cursor() as cursor:
        cursor.execute(sql, [database.ops.adapt_datefield_value(since), *statuses, now, limit])
        return [(int(pk), int(views)) for pk, views in cursor.fetchall()]


def article_rows_by_id(ids: list[int], fields: Iterable[str]) -> list[Row]:
    """Rows for ``ids`` in that order, with their bylines and tags."""
    rows = {row["id"]: row for row in article_rows(Article.objects.filter(pk__in=ids), fields)}
    return attach_related([rows[pk] for pk in ids if pk in rows], fields)


def written_article(actor: Actor, article: Article, fields: Iterable[str]) -> Row | None:
    """The article a write just changed, as its writer may read it back: its row with
    ``fields`` (byline and tags attached), or None when ``actor`` may not read it, as a read
    would answer: unpublished work it may not preview (a token without ``content:preview``),
    or anything at all with the API closed to it (:func:`cms.access.may_read_content`).

    REST's and GraphQL's write answers both follow this; a writer it gives None is answered
    :func:`article_reference` instead.
    """
    if not may_read_content(actor):
        return None
    fields = tuple(fields)
    visible = retrievable_articles(actor).filter(pk=article.pk)
    rows = attach_related(list(article_rows(visible, fields)[:1]), fields)
    return rows[0] if rows else None


def article_reference(article: Article) -> Row:
    """The ``REFERENCE_FIELDS`` row of an article someone just wrote, whoever may read it."""
    return article_rows_by_id([article.pk], REFERENCE_FIELDS)[0]


def _not_yet_live() -> QuerySet[ArticleAuthor]:
    """Bylines that ``Author.published_or_scheduled_count`` counts on articles not live yet:
    scheduled for a time still to come. Few, found through the status and date index."""
    return ArticleAuthor.objects.filter(
        lifecycle.live_status_q(prefix="article__"),
        article__published_at__gt=timezone.now(),
        article__deleted_at__isnull=True,
    )


def public_authors(author_ids: Iterable[int]) -> dict[int, Author]:
    """The authors among ``author_ids`` whose profile is public (those
    :func:`authors_with_published_work` lists), with their counts, by id. An author missing
    here is credited only on unpublished work: its name shows in a byline the caller may
    read, its bio and website do not."""
    public = authors_with_published_work().filter(pk__in=list(author_ids)).order_by()
    return {author.pk: author for author in public}


def authors_with_published_work() -> QuerySet[Author]:
    """Authors credited on at least one live article, each with how many (``article_count``):
    the authors whose profile (bio, website) is public, for REST and GraphQL alike.

    The count is stored (``Author.published_or_scheduled_count``, kept by the services), so
    the list costs the same whatever the size of the archive. It is exact at every moment:
    a scheduled article counts from its time on, with no write needed, because the articles
    still to come (:func:`_not_yet_live`) are subtracted here.
    """
    cachetags.record_taxonomy(cachetags.AUTHORS)
    stored = F("published_or_scheduled_count")
    upcoming = _not_yet_live()
    later = upcoming.filter(author_id=OuterRef("pk")).order_by().values("author_id")
    # The authors with work to come are read once (an uncorrelated IN, hashed); only theirs
    # are counted one by one.
    count = Case(
        When(
            pk__in=upcoming.values("author_id"),
            then=stored - Coalesce(Subquery(later.annotate(n=Count("pk")).values("n")), 0),
        ),
        default=stored,
        output_field=IntegerField(),
    )
    return (
        Author.objects.filter(published_or_scheduled_count__gt=0)
        .annotate(article_count=count)
        .filter(article_count__gt=0)
        .only("id", "slug", "name", "bio", "avatar", "website")
        .order_by("name", "id")
    )


def articles_using(obj: Author | Section | Tag) -> QuerySet[Article]:
    """Every article (in any status, the trash included: restoring one must find its byline,
    section and tags) that names ``obj`` in its byline, section or tags."""
    articles = Article.with_trashed
    if isinstance(obj, Section):
        return articles.filter(section=obj)
    if isinstance(obj, Tag):
        return articles.filter(tags=obj)
    return articles.filter(bylines__author=obj)


TRASHED_NOTE: Final = " (in the trash)"


def usage_summary(obj: Author | Section | Tag, *, named: int = 5) -> tuple[int, list[str]]:
    """How many articles use ``obj``, and the titles of the ``named`` latest edited (a
    trashed one's title says it is in the trash)."""
    using = articles_using(obj)
    latest = using.order_by("-updated_at", "-id").values_list("title", "deleted_at")[:named]
    titles = [title + (TRASHED_NOTE if deleted else "") for title, deleted in latest]
    return (using.count() if len(titles) == named else len(titles)), titles


def sections() -> QuerySet[Section]:
    """Sections holding at least one live article: a section made for unpublished plans
    (and its description) would announce them."""
    cachetags.record_taxonomy(cachetags.SECTIONS)
    live = Article.objects.published().filter(section_id=OuterRef("pk"))
    return (
        Section.objects.filter(Exists(live))
        .only("id", "slug", "name", "description")
        .order_by("name", "id")
    )


def tags() -> QuerySet[Tag]:
    """Tags on at least one live article: a tag made for an unpublished story would name it."""
    cachetags.record_taxonomy(cachetags.TAGS)
    # A join from each tag's rows to their articles, stopping at the first live one: an
    # ``article_id IN (live articles)`` here made SQLite list the whole live archive per tag
    # (4 s for 200 tags at 100,000 articles).
    in_use = Article.tags.through.objects.filter(
        lifecycle.live_q(prefix="article__"), tag_id=OuterRef("pk")
    )
    return Tag.objects.filter(Exists(in_use)).only("id", "slug", "name").order_by("name", "id")


# --- The editors' desk (the admin index) ----------------------------------------------------

DESK_ROWS: Final = 5  # the oldest or latest few a desk panel names; the rest are a link away
DESK_SCHEDULE_ROWS: Final = 20  # a day's schedule is read whole, up to a busy day's worth


@dataclass(frozen=True)
class DeskList:
    """Some articles for a desk panel: how many there are, and the first ``DESK_ROWS``."""

    count: int
    rows: Sequence[Article]


def _desk_list(
    queryset: QuerySet[Article], *ordering: Any, limit: int = DESK_ROWS, bylines: bool = True
) -> DeskList:
    """A fixed number of queries however many match: the first rows with the total beside
    each (a window over the whole match, computed before the limit), and their bylines."""
    listed = queryset.annotate(total=Window(Count("id"))).order_by(*ordering)
    if bylines:
        listed = listed.prefetch_related("bylines__author")
    rows = list(listed[:limit])
    return DeskList(count=rows[0].total if rows else 0, rows=rows)


def review_queue(actor: Actor) -> DeskList:
    """Articles waiting for review that ``actor`` may see, longest waiting first."""
    waiting = Article.objects.visible_to(actor).filter(status=ArticleStatus.IN_REVIEW)
    return _desk_list(waiting, F("submitted_at").asc(nulls_first=True), "id")


def going_live_between(actor: Actor, start: datetime, end: datetime) -> DeskList:
    """Live and scheduled articles ``actor`` may see whose publication time falls in
    [start, end), in time order, the first ``DESK_SCHEDULE_ROWS``: a day's schedule, whether
    each has gone out yet or not. One query."""
    day = (
        Article.objects.visible_to(actor)
        .filter(lifecycle.live_status_q(), published_at__gte=start, published_at__lt=end)
        .only("id", "title", "status", "published_at")
    )
    return _desk_list(day, "published_at", "id", limit=DESK_SCHEDULE_ROWS, bylines=False)


def own_work(actor: Actor, status: ArticleStatus) -> DeskList:
    """``actor``'s own articles (created or credited) in ``status``, latest edited first."""
    if actor.user is None:
        return DeskList(count=0, rows=[])
    mine = Article.objects.visible_to(actor).owned_by(actor.user).filter(status=status)
    return _desk_list(mine, "-updated_at", "-id")


def returned_to(actor: Actor) -> DeskList:
    """``actor``'s own drafts that came back from review (``returned_at`` set), latest
    returned first."""
    if actor.user is None:
        return DeskList(count=0, rows=[])
    mine = Article.objects.visible_to(actor).owned_by(actor.user)
    back = mine.returned()
    return _desk_list(back, "-returned_at", "-id")

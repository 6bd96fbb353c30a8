"""The cache tags (``cms.cachetags``) an article's public answers are built from.

These are also the surrogate keys of ../API.md: ``articles`` (every listing of articles that
any article may enter or leave), ``article-{id}``, ``author-{slug}``, ``section-{slug}``,
``tag-{slug}``; and ``authors``, ``sections``, ``tags`` for the taxonomy listings.

Reads *record* the tags of what they load (:func:`record_rows`, :func:`record_listing`) while
the response cache collects them; writes *invalidate* the tags of what they change.

A listing filtered by a tag, section or author names that instead of ``articles``, so an edit
elsewhere leaves it cached. An article leaving it must then give that tag a new version too:
what each article shows up under publicly (its tags while live, nothing otherwise) is
remembered in the cache when it is saved, and the next save invalidates the remembered tags
with the new ones. Where the memory is lost (evicted,
flushed) the save invalidates ``articles-filtered``, which every such listing also names:
correctness never depends on the memory, only exactness does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from django.core.cache import cache
from django.db import transaction

from cms import cachetags

from .lifecycle import LIVE_STATUSES
from .models import Article, ArticleAuthor

ARTICLES: Final = "articles"
# Named by every listing filtered by a tag, section or author (see the module's note).
FILTERED: Final = "articles-filtered"
AUTHORS: Final = "authors"
SECTIONS: Final = "sections"
TAGS: Final = "tags"
# The generation of the remembered tags: a taxonomy slug changing makes every memory stale
# (an article's ``tag-old`` is now ``tag-new``), so a new generation forgets them all.
_MEMORY_GENERATION: Final = "article-memory"
_MEMORY_PREFIX: Final = "articletags:"


def article_tag(article_id: int) -> str:
    return f"article-{article_id}"


def author_tag(slug: str) -> str:
    return f"author-{slug}"


def section_tag(slug: str) -> str:
    return f"section-{slug}"


def tag_tag(slug: str) -> str:
    return f"tag-{slug}"


# --- Reads ----------------------------------------------------------------------------------


def record_rows(rows: Iterable[dict[str, Any]]) -> None:
    """Record the tags of article rows about to be shown: each article, and the authors,
    section and tags it shows by name (only those loaded: a sparse row names fewer)."""
    found: set[str] = set()
    for row in rows:
        found.add(article_tag(row["id"]))
        for author in row.get("authors", ()):
            found.add(author_tag(author["slug"]))
        for tag in row.get("tags", ()):
            found.add(tag_tag(tag["slug"]))
        if row.get("section__slug"):
            found.add(section_tag(row["section__slug"]))
    cachetags.record(found)


def record_listing(
    *, tag: str | None = None, section: str | None = None, author: str | None = None
) -> None:
    """Record what decides which articles a listing holds: the tag, section and author it is
    filtered by, or, unfiltered by any, every article (``articles``)."""
    named = [
        *([tag_tag(tag)] if tag is not None else []),
        *([section_tag(section)] if section is not None else []),
        *([author_tag(author)] if author is not None else []),
    ]
    cachetags.record([*named, FILTERED] if named else [ARTICLES])


def record_taxonomy(listing: str) -> None:
    """Record a taxonomy listing (``authors``, ``sections``, ``tags``): it changes with its
    own kind, and with every article (who has published work, which are in use)."""
    cachetags.record([listing, ARTICLES])


# --- Writes ---------------------------------------------------------------------------------


def tags_by_article(article_ids: Iterable[int]) -> dict[int, set[str]]:
    """The tags naming each of these articles as it now stands: the article, its byline's
    authors, its section and its tags. Three queries, however many articles."""
    ids = list(article_ids)
    found: dict[int, set[str]] = {pk: {article_tag(pk)} for pk in ids}
    if not ids:
        return found
    sections = Article.with_trashed.filter(pk__in=ids, section__isnull=False)
    for pk, slug in sections.values_list("pk", "section__slug"):
        found[pk].add(section_tag(slug))
    authors = ArticleAuthor.objects.filter(article_id__in=ids)
    for pk, slug in authors.values_list("article_id", "author__slug"):
        found[pk].add(author_tag(slug))
    tagged = Article.tags.through.objects.filter(article_id__in=ids)
    for pk, slug in tagged.values_list("article_id", "tag__slug"):
        found[pk].add(tag_tag(slug))
    return found


def tags_of(article_ids: Iterable[int]) -> set[str]:
    """The tags naming these articles as they now stand, and every listing."""
    ids = list(article_ids)
    if not ids:
        return set()
    return {ARTICLES}.union(*tags_by_article(ids).values())


def invalidate_articles(article_ids: Iterable[int], *, only_public: bool = False) -> None:
    """Invalidate, once the transaction commits, every cached answer naming these articles
    now or as they were last saved.

    ``only_public``: the write changed content only, not status, so an article not in a live
    status (a draft, in review, archived) or in the trash is in no public answer before or
    after it, and invalidates nothing. Status is read here, under the writer's row lock, not
    from the writer's copy (which may predate a publication).
    """
    ids = list(article_ids)
    if not ids:
        return
    public = set(
        Article.with_trashed.filter(
            pk__in=ids, status__in=LIVE_STATUSES, deleted_at__isnull=True
        ).values_list("pk", flat=True)
    )
    now = tags_by_article(ids)
    changed = [pk for pk in ids if pk in public] if only_public else ids
    # What each article shows up under in public answers from now on: nothing unless live.
    shown = {pk: now[pk] if pk in public else set() for pk in ids}
    # After commit: a rolled-back write neither invalidates nor leaves a memory behind.
    transaction.on_commit(lambda: _invalidate_remembering({pk: now[pk] for pk in changed}, shown))


def _invalidate_remembering(changed: dict[int, set[str]], shown: dict[int, set[str]]) -> None:
    generation = cachetags.versions([_MEMORY_GENERATION])[_MEMORY_GENERATION]
    keys = {pk: f"{_MEMORY_PREFIX}{generation}:{pk}" for pk in shown}
    remembered = cache.get_many([keys[pk] for pk in changed])
    cache.set_many({keys[pk]: sorted(found) for pk, found in shown.items()}, timeout=None)
    if not changed:
        return
    tags = {ARTICLES}.union(*changed.values())
    for pk in changed:
        if keys[pk] in remembered:
            tags.update(remembered[keys[pk]])
        else:
            tags.add(FILTERED)  # what it showed under before is unknown: every filtered list
    cachetags.invalidate(tags)  # not in a transaction any more: at once


def forget_article_tags() -> None:
    """Forget every article's remembered tags (a taxonomy slug changed under them)."""
    cachetags.invalidate([_MEMORY_GENERATION])


def invalidate_taxonomy(listing: str, tags: Iterable[str], *, slug_changed: bool) -> None:
    """Invalidate, on commit, a taxonomy listing and the tags of the author, section or tag
    that changed (its old and new slugs)."""
    cachetags.invalidate([listing, *tags])
    if slug_changed:
        forget_article_tags()

"""The cache tags (``cms.cachetags``) an article's public answers are built from.

These are also the surrogate keys of ../API.md: ``articles`` (every listing of articles),
``article-{id}``, ``author-{slug}``, ``section-{slug}``, ``tag-{slug}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from cms import cachetags

from .models import Article, ArticleAuthor

ARTICLES: Final = "articles"


def article_tag(article_id: int) -> str:
    return f"article-{article_id}"


def author_tag(slug: str) -> str:
    return f"author-{slug}"


def section_tag(slug: str) -> str:
    return f"section-{slug}"


def tag_tag(slug: str) -> str:
    return f"tag-{slug}"


def tags_of(article_ids: Iterable[int]) -> set[str]:
    """The tags naming these articles as they now stand: each article, its byline's authors,
    its section and its tags, and every listing. Three queries, however many articles."""
    ids = list(article_ids)
    if not ids:
        return set()
    found = {ARTICLES, *(article_tag(pk) for pk in ids)}
    sections = Article.with_trashed.filter(pk__in=ids, section__isnull=False)
    found.update(section_tag(slug) for slug in sections.values_list("section__slug", flat=True))
    authors = ArticleAuthor.objects.filter(article_id__in=ids).values_list(
        "author__slug", flat=True
    )
    found.update(author_tag(slug) for slug in authors)
    tagged = Article.tags.through.objects.filter(article_id__in=ids)
    found.update(tag_tag(slug) for slug in tagged.values_list("tag__slug", flat=True))
    return found


def invalidate_articles(article_ids: Iterable[int]) -> None:
    """Invalidate, once the transaction commits, every cached answer naming these articles."""
    cachetags.invalidate(tags_of(article_ids))

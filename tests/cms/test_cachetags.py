"""Versioned cache tags: an answer stored under some tags holds until one of them changes."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from articles.cachetags import tags_of
from cms import cachetags
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, TagFactory


@pytest.mark.django_db
def test_versions_hold_until_a_tag_is_invalidated(django_capture_on_commit_callbacks) -> None:
    stored = cachetags.versions(["articles", "article-1"])
    assert cachetags.still_current(stored)
    with django_capture_on_commit_callbacks(execute=True):
        cachetags.invalidate(["article-2"])
    assert cachetags.still_current(stored)
    with django_capture_on_commit_callbacks(execute=True):
        cachetags.invalidate(["article-1"])
    assert not cachetags.still_current(stored)


@pytest.mark.django_db
def test_an_evicted_version_never_makes_an_old_answer_current_again(
    django_capture_on_commit_callbacks,
) -> None:
    stored = cachetags.versions(["tag-x"])
    with django_capture_on_commit_callbacks(execute=True):
        cachetags.invalidate(["tag-x"])
    cache.delete(cachetags.PREFIX + "tag-x")  # evicted
    assert not cachetags.still_current(stored)
    assert cachetags.versions(["tag-x"]) != stored


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_invalidates_nothing() -> None:
    from django.db import transaction

    stored = cachetags.versions(["articles"])

    def change_then_fail() -> None:
        with transaction.atomic():
            cachetags.invalidate(["articles"])
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert cachetags.still_current(stored)
    with transaction.atomic():
        cachetags.invalidate(["articles"])
        assert cachetags.still_current(stored)  # not before the commit
    assert not cachetags.still_current(stored)


@pytest.mark.django_db
def test_an_article_is_named_by_its_byline_section_and_tags() -> None:
    """Its surrogate keys: every listing, the article, its section, tags and authors."""
    section = SectionFactory(slug="harbour")
    article = ArticleFactory(section=section)
    article.tags.add(TagFactory(slug="ferries"))
    article.bylines.create(author=AuthorFactory(slug="ana"), position=0)
    assert tags_of([article.pk]) == {
        "articles",
        f"article-{article.pk}",
        "section-harbour",
        "tag-ferries",
        "author-ana",
    }

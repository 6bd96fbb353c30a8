"""GET /api/v1/authors/, /sections/, /tags/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import services
from articles.models import ArticleStatus
from cms.actors import Actor
from tests.api import assert_queries, get
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db


def test_authors_with_published_work_and_their_counts(client):
    maya = AuthorFactory(slug="maya", name="Maya", email="maya@private.example", bio="Reporter.")
    ArticleFactory(authors=[maya])
    ArticleFactory(authors=[maya])
    ArticleFactory(status=ArticleStatus.DRAFT, authors=[maya])
    ArticleFactory(status=ArticleStatus.ARCHIVED, authors=[maya])
    ArticleFactory(
        status=ArticleStatus.SCHEDULED,
        published_at=timezone.now() + timedelta(days=1),
        authors=[maya],
    )
    idle = AuthorFactory(slug="idle")
    ArticleFactory(status=ArticleStatus.DRAFT, authors=[idle])
    body = get(client, "/api/v1/authors/").json()
    assert body["count"] == 1
    assert body["results"] == [
        {
            "slug": "maya",
            "name": "Maya",
            "bio": "Reporter.",
            "avatar_url": None,
            "website": "",
            "article_count": 2,
        }
    ]
    assert get(client, "/api/v1/authors/maya/").json()["article_count"] == 2
    assert get(client, "/api/v1/authors/idle/").status_code == 404
    assert "private.example" not in get(client, "/api/v1/authors/").content.decode()


def test_author_list_costs_the_same_for_1_and_50(client):
    ArticleFactory(authors=[AuthorFactory()])
    with assert_queries(2):
        response = get(client, "/api/v1/authors/", page_size=50)
    assert response.json()["count"] == 1
    for _ in range(49):
        ArticleFactory(authors=[AuthorFactory()])
    with assert_queries(2):
        response = get(client, "/api/v1/authors/", page_size=50)
    assert response.json()["count"] == 50


def test_sections_and_tags(client):
    town = SectionFactory(slug="town", name="Town", description="Local news.")
    ArticleFactory(section=town, tags=[TagFactory(slug="harbour", name="Harbour")])
    ArticleFactory(status=ArticleStatus.DRAFT, tags=[TagFactory(slug="merger", name="Merger")])
    sections = get(client, "/api/v1/sections/").json()["results"]
    assert {"slug": "town", "name": "Town", "description": "Local news."} in sections
    assert get(client, "/api/v1/sections/town/").json()["name"] == "Town"
    # A tag only on unpublished work would give the story away.
    assert get(client, "/api/v1/tags/").json()["results"] == [
        {"slug": "harbour", "name": "Harbour"}
    ]
    assert get(client, "/api/v1/tags/merger/").status_code == 404


@pytest.mark.parametrize(
    "status", [ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW, ArticleStatus.ARCHIVED, "future"]
)
def test_sections_used_only_by_unpublished_work_are_not_listed(client, status):
    plans = SectionFactory(slug="election-2027", description="Our plans for the election.")
    if status == "future":
        ArticleFactory(
            section=plans,
            status=ArticleStatus.SCHEDULED,
            published_at=timezone.now() + timedelta(days=1),
        )
    else:
        ArticleFactory(section=plans, status=status)
    SectionFactory(slug="empty")
    ArticleFactory(section=SectionFactory(slug="town"))
    body = get(client, "/api/v1/sections/").json()
    assert [s["slug"] for s in body["results"]] == ["town"]
    assert body["count"] == 1
    assert "election" not in get(client, "/api/v1/sections/").content.decode()
    assert get(client, "/api/v1/sections/election-2027/").status_code == 404
    assert get(client, "/api/v1/sections/empty/").status_code == 404


def test_a_section_is_listed_once_its_first_article_goes_live(client):
    town = SectionFactory(slug="town")
    draft = ArticleFactory(section=town, status=ArticleStatus.DRAFT)
    assert get(client, "/api/v1/sections/").json()["results"] == []
    services.article_publish(article=draft, actor=Actor.system())
    assert [s["slug"] for s in get(client, "/api/v1/sections/").json()["results"]] == ["town"]


def test_author_etags_change_when_a_profile_changes(client):
    maya = AuthorFactory(slug="maya", name="Maya")
    ArticleFactory(authors=[maya])
    etag = get(client, "/api/v1/authors/")["ETag"]
    assert client.get("/api/v1/authors/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    maya.bio = "New bio"
    services.taxonomy_save(obj=maya, actor=Actor.system())
    assert client.get("/api/v1/authors/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_unknown_parameters_are_refused(client):
    for path in ("/api/v1/authors/", "/api/v1/sections/", "/api/v1/tags/"):
        response = get(client, path, email="x")
        assert response.status_code == 400
        assert "email" in response.json()["errors"]

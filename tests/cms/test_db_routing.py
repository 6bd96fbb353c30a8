"""Read-replica routing (cms.db_routing): which connection each query of a request goes to.

The test settings give the test database a second alias, ``replica1``, a mirror: a separate
connection to the same database, as a streaming replica would be. These tests turn the router
on and record every query of both connections in order. They are transactional (each write
commits), so the replica's connection sees what the primary's wrote, on SQLite as on PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any
from unittest import mock

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import OperationalError, connections, router, transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Tag
from cms.actors import Actor
from cms.db_routing import ReplicaReadsMiddleware, _skipped_until, read_alias
from comments.models import Comment, CommentStatus
from comments.services import comment_moderate
from tests.factories import ArticleFactory, CommentFactory, UserFactory

ALIASES = ("default", "replica1")

pytestmark = [
    pytest.mark.django_db(transaction=True, databases=list(ALIASES)),
    pytest.mark.usefixtures("_replica_router"),
]


@pytest.fixture
def _replica_router() -> Iterator[None]:
    with override_settings(
        DATABASE_REPLICAS=["replica1"], DATABASE_ROUTERS=["cms.db_routing.ReplicaRouter"]
    ):
        yield


class Recorder:
    """Every query on the two aliases, in the order they ran: (alias, sql)."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, str]] = []

    def wrapper(self, alias: str) -> Callable[..., Any]:
        def record(execute, sql, params, many, context):
            self.queries.append((alias, sql))
            return execute(sql, params, many, context)

        return record

    def on(self, alias: str) -> list[str]:
        return [sql for used, sql in self.queries if used == alias]

    def touching(self, table: str) -> list[tuple[str, str]]:
        return [(alias, sql) for alias, sql in self.queries if f'"{table}"' in sql]


@contextmanager
def recorded() -> Iterator[Recorder]:
    recorder = Recorder()
    with ExitStack() as stack:
        for alias in ALIASES:
            stack.enter_context(connections[alias].execute_wrapper(recorder.wrapper(alias)))
        yield recorder


def in_request(view: Callable[[], object], method: str = "GET") -> object:
    """Run ``view`` as a request's view, behind the middleware that lets reads go to a replica."""
    result: list[object] = []

    def django_view(request: HttpRequest) -> HttpResponse:
        result.append(view())
        return HttpResponse()

    def get_response(request: HttpRequest) -> HttpResponse:
        middleware.process_view(request, django_view, (), {})
        return django_view(request)

    middleware = ReplicaReadsMiddleware(get_response)
    middleware(RequestFactory().generic(method, "/api/v1/articles/"))
    return result[0]


def test_a_list_is_read_from_the_replica():
    ArticleFactory.create_batch(3)
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica1"]) as replica,
    ):
        response = Client().get("/api/v1/articles/")
    assert response.status_code == 200
    assert response.json()["count"] == 3
    articles = Article._meta.db_table
    assert any(articles in query["sql"] for query in replica.captured_queries)
    assert not any(articles in query["sql"] for query in primary.captured_queries), [
        (q["sql"][:300]) for q in primary.captured_queries
    ]


def test_a_graphql_query_is_read_from_the_replica():
    ArticleFactory.create_batch(2)
    with recorded() as queries:
        response = Client().post(
            "/graphql/",
            json.dumps({"query": "{ articles(first: 5) { edges { node { slug } } } }"}),
            content_type="application/json",
        )
    assert response.status_code == 200, response.content
    assert len(response.json()["data"]["articles"]["edges"]) == 2
    assert queries.touching(Article._meta.db_table)
    assert {alias for alias, _ in queries.touching(Article._meta.db_table)} == {"replica1"}


def test_a_comment_is_posted_on_the_primary_and_the_next_request_reads_the_replica():
    """A POST reads from the primary from its first query: a write must not be built on a
    lagging read. The request after it is a new one, and reads from the replica again."""
    article = ArticleFactory()
    with recorded() as queries:
        response = Client(REMOTE_ADDR="203.0.113.7").post(
            f"/api/v1/articles/{article.slug}/comments/",
            json.dumps({"author_name": "Ruth", "author_email": "r@example.net", "body": "Good."}),
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    assert Comment.objects.get().author_name == "Ruth"
    inserts = [(a, sql) for a, sql in queries.touching("comments_comment") if "INSERT" in sql]
    assert [alias for alias, _ in inserts] == ["default"]
    assert queries.touching(Article._meta.db_table)  # the article was looked up...
    assert not queries.on("replica1")  # ...on the primary, like everything else

    with recorded() as queries:
        assert Client().get(f"/api/v1/articles/{article.slug}/").status_code == 200
    assert {alias for alias, _ in queries.touching(Article._meta.db_table)} == {"replica1"}


def test_an_article_edit_reads_what_it_changes_from_the_primary(editor):
    """PATCH with If-Match: the article is loaded, changed and saved on the primary only (a
    copy read from a lagging replica would put back what someone else changed meanwhile)."""
    article = ArticleFactory(title="Before")
    client = Client()
    client.force_login(editor)  # a session (a token's last use is a write, which pins anyway)
    cache.clear()  # no session in the cache: all that the request reads is on the database
    with recorded() as queries:
        response = client.patch(
            f"/api/v1/articles/{article.slug}/",
            json.dumps({"title": "After"}),
            content_type="application/json",
            HTTP_IF_MATCH=f'"v{article.version}"',
        )
    assert response.status_code == 200, response.content
    assert queries.on("default")
    assert not queries.on("replica1")


def test_a_graphql_mutation_reads_from_the_primary():
    article = ArticleFactory()
    mutation = """mutation($input: SubmitCommentInput!) { submitComment(input: $input) {
        status errors { field code message } } }"""
    variables = {
        "input": {
            "articleSlug": article.slug,
            "authorName": "Ruth",
            "authorEmail": "r@example.net",
            "body": "Good.",
        }
    }
    with recorded() as queries:
        response = Client(REMOTE_ADDR="203.0.113.8").post(
            "/graphql/",
            json.dumps({"query": mutation, "variables": variables}),
            content_type="application/json",
        )
    assert response.status_code == 200, response.content
    assert response.json()["data"]["submitComment"]["errors"] == []
    assert Comment.objects.count() == 1
    assert queries.touching(Article._meta.db_table)
    assert not queries.on("replica1")


def test_the_admin_reads_from_the_primary():
    """Editors read what they just saved, and every admin form reads in order to write."""
    ArticleFactory()
    client = Client()
    client.force_login(UserFactory(username="editor", is_superuser=True))
    with recorded() as queries:
        assert client.get("/admin/articles/article/").status_code == 200
    assert queries.touching(Article._meta.db_table)
    assert not queries.on("replica1")


def test_reads_after_a_write_in_the_same_request_go_to_the_primary():
    ArticleFactory()

    def view() -> list[str]:
        used = [read_alias()]
        Article.objects.count()
        Tag.objects.create(name="Harbour", slug="harbour")
        used.append(read_alias())
        Article.objects.count()
        return used

    with recorded() as queries:
        used = in_request(view)
    assert used == ["replica1", "default"]
    assert [alias for alias, sql in queries.queries if '"articles_article"' in sql] == [
        "replica1",
        "default",
    ]
    assert read_alias() == "default"  # the request is over: nothing outside it reads a replica


def test_a_transaction_on_the_primary_reads_from_the_primary():
    ArticleFactory()

    def view() -> None:
        with transaction.atomic():
            Article.objects.count()  # inside the transaction: must see its rows and locks
        Article.objects.count()  # and after it, still the primary: the request may have written

    with recorded() as queries:
        in_request(view)
    assert not queries.on("replica1")
    assert len(queries.touching(Article._meta.db_table)) == 2


def test_row_locks_are_taken_on_the_primary():
    article = ArticleFactory()

    def view() -> None:
        with transaction.atomic():
            Article.objects.select_for_update().get(pk=article.pk)

    with recorded() as queries:
        in_request(view)
    assert not queries.on("replica1")
    assert router.db_for_write(Article) == "default"


def test_the_services_row_locks_hit_the_primary():
    """articles.services and comments.services lock rows (select_for_update in a transaction):
    called from a request that has not written yet, they still lock on the primary."""
    editor = UserFactory(username="editor", is_superuser=True)
    comment = CommentFactory()

    def view() -> None:
        comment_moderate(
            comment=comment, actor=Actor.for_user(editor), status=CommentStatus.APPROVED
        )

    with recorded() as queries:
        in_request(view)
    assert not queries.on("replica1")
    assert Comment.objects.get().status == CommentStatus.APPROVED
    if connections["default"].vendor == "postgresql":  # SQLite has no FOR UPDATE: it locks the file
        assert any("FOR UPDATE" in sql for sql in queries.on("default"))


def test_outside_a_request_everything_goes_to_the_primary():
    """The task worker, its tasks and management commands never read a replica."""
    ArticleFactory()
    with recorded() as queries:
        Article.objects.count()
        list(Tag.objects.all())
    assert not queries.on("replica1")
    assert len(queries.on("default")) == 2


def test_sign_in_state_is_read_from_the_primary():
    """Sessions, users, tokens and failed sign-ins: a lagging replica would sign an editor out
    right after they signed in, or accept a revoked token."""
    user = UserFactory(username="editor", is_superuser=True)
    client = Client()
    client.force_login(user)
    cache.clear()  # with Redis, sessions are read from the cache first (cached_db): miss it
    with recorded() as queries:
        assert client.get("/api/v1/articles/").status_code == 200
    for table in ("django_session", "auth_user"):
        assert queries.touching(table), table
        assert {alias for alias, _ in queries.touching(table)} == {"default"}, table


def test_the_admin_works_behind_the_router():
    UserFactory(username="editor", is_superuser=True)
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "editor", "password": "pw", "next": "/admin/"}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/articles/article/").status_code == 200


def test_migrations_run_on_the_primary_only():
    models = apps.get_models(include_auto_created=True)
    assert models
    for model in models:
        assert router.allow_migrate_model("default", model), model
        assert not router.allow_migrate_model("replica1", model), model
    assert router.allow_relation(Article(), Tag())


@pytest.fixture
def _replica_down() -> Iterator[None]:
    """replica1 refuses connections; no replica is remembered as skipped before or after."""
    _skipped_until.clear()
    refused = OperationalError("connection refused")
    with mock.patch.object(connections["replica1"], "ensure_connection", side_effect=refused):
        yield
    _skipped_until.clear()


@pytest.mark.usefixtures("_replica_down")
def test_reads_fall_back_to_the_primary_while_a_replica_does_not_answer():
    ArticleFactory()
    with recorded() as queries:
        first = Client().get("/api/v1/articles/")
    assert first.status_code == 200
    assert first.json()["count"] == 1
    assert {alias for alias, _ in queries.touching(Article._meta.db_table)} == {"default"}
    # The next request does not wait for the replica again: it is skipped for a while.
    with mock.patch.object(connections["replica1"], "ensure_connection") as tried:
        assert Client().get("/api/v1/articles/").status_code == 200
    tried.assert_not_called()


def test_a_replica_that_answers_again_is_used_again(settings):
    settings.DATABASE_REPLICA_RETRY_SECONDS = 0
    _skipped_until.clear()
    with mock.patch.object(
        connections["replica1"], "ensure_connection", side_effect=OperationalError("down")
    ):
        assert Client().get("/api/v1/articles/").status_code == 200
    cache.clear()  # the first request stored the (empty) list's count: count again
    with recorded() as queries:
        assert Client().get("/api/v1/articles/").status_code == 200
    assert {alias for alias, _ in queries.touching(Article._meta.db_table)} == {"replica1"}


def test_readyz_reports_the_replicas():
    response = Client().get("/readyz/")
    assert response.status_code == 200
    assert response.json()["checks"]["replicas"] == {"replica1": "ok"}


@pytest.mark.usefixtures("_replica_down")
def test_a_replica_that_does_not_answer_does_not_fail_readiness():
    response = Client().get("/readyz/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["replicas"] == {"replica1": "unavailable"}
    # Later probes do not wait for it again until it is due to be retried.
    with mock.patch.object(connections["replica1"], "ensure_connection") as tried:
        assert Client().get("/readyz/").json()["checks"]["replicas"] == {"replica1": "unavailable"}
    tried.assert_not_called()


def test_a_request_that_reads_nothing_opens_no_replica_connection():
    connections["replica1"].close()
    with recorded() as queries:
        assert Client().get("/healthz/").status_code == 200
    assert queries.queries == []
    assert connections["replica1"].connection is None

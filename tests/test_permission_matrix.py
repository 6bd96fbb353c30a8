"""Every action, by every role, with every kind of credential, through REST and GraphQL.

The expected outcomes below are written out by hand, one table per action, from the rules in
README.md ("Editorial workflow", "API tokens"); they are not computed from the policy. Each
cell is run as:

* a signed-in session (a person in the admin: not narrowed by scopes),
* a token holding exactly the scopes the action needs,
* a token holding every scope except the one the action needs,

and anonymous requests once. A refused action must leave the database as it was; an allowed
one must have done its work. The target articles are credited to both the contributor and
the author, so "own" applies to both; other_author is credited on nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from graphql_relay import to_global_id

from articles.models import Article, ArticleStatus
from cms import scopes, tokens
from comments.models import Comment, CommentStatus
from tests.api import gql
from tests.conftest import profile
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

FUTURE = (timezone.now() + timedelta(days=30)).isoformat()
OK, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND = "ok", "unauthenticated", "forbidden", "not_found"
ROLES = ("anonymous", "no_role", "contributor", "author", "other_author", "editor")
CREDENTIALS = ("session", "exact_scopes", "all_but_needed")


@dataclass(frozen=True)
class Case:
    """One action: the scope it needs, and its outcome for each role holding that scope."""

    scope: str
    outcomes: dict[str, str]
    # What a token without the scope gets where the role alone would have been allowed.
    without_scope: str = FORBIDDEN
    closed_api: bool = False
    # Cells that differ from the role's outcome because of what the token holds.
    overrides: tuple[tuple[str, str, str], ...] = ()


def table(**outcomes: str) -> dict[str, str]:
    assert set(outcomes) == set(ROLES)
    return outcomes


CASES = {
    "read_live": Case(
        scopes.CONTENT_READ,
        table(anonymous=OK, no_role=OK, contributor=OK, author=OK, other_author=OK, editor=OK),
        without_scope=OK,  # the public API: a token is never less than nobody
    ),
    "read_live_closed_api": Case(
        scopes.CONTENT_READ,
        table(
            anonymous=UNAUTHENTICATED, no_role=OK, contributor=OK, author=OK, other_author=OK,
            editor=OK,
        ),
        closed_api=True,
    ),
    "read_draft": Case(
        scopes.CONTENT_PREVIEW,
        table(
            anonymous=NOT_FOUND, no_role=NOT_FOUND, contributor=OK, author=OK,
            other_author=NOT_FOUND, editor=OK,
        ),
        without_scope=NOT_FOUND,
    ),
    "create": Case(
        scopes.CONTENT_WRITE,
        table(
            anonymous=UNAUTHENTICATED, no_role=FORBIDDEN, contributor=OK, author=OK,
            other_author=OK, editor=OK,
        ),
    ),
    "update_draft": Case(
        scopes.CONTENT_WRITE,
        table(
            anonymous=UNAUTHENTICATED, no_role=NOT_FOUND, contributor=OK, author=OK,
            other_author=NOT_FOUND, editor=OK,
        ),
    ),
    "update_live": Case(
        scopes.CONTENT_WRITE,
        table(
            anonymous=UNAUTHENTICATED, no_role=FORBIDDEN, contributor=FORBIDDEN, author=OK,
            other_author=FORBIDDEN, editor=OK,
        ),
    ),
    "delete_draft": Case(
        scopes.CONTENT_WRITE,
        table(
            anonymous=UNAUTHENTICATED, no_role=NOT_FOUND, contributor=OK, author=OK,
            other_author=NOT_FOUND, editor=OK,
        ),
    ),
    "publish_draft": Case(
        scopes.CONTENT_PUBLISH,
        table(
            anonymous=UNAUTHENTICATED, no_role=NOT_FOUND, contributor=FORBIDDEN, author=OK,
            other_author=NOT_FOUND, editor=OK,
        ),
        # A publish-only token cannot read drafts (no content:preview), and a contributor
        # may not publish: the draft does not exist as far as that token can tell.
        overrides=(("contributor", "exact_scopes", NOT_FOUND),),
    ),
    "schedule_draft": Case(
        scopes.CONTENT_PUBLISH,
        table(
            anonymous=UNAUTHENTICATED, no_role=NOT_FOUND, contributor=FORBIDDEN, author=OK,
            other_author=NOT_FOUND, editor=OK,
        ),
        # A publish-only token cannot read drafts (no content:preview), and a contributor
        # may not publish: the draft does not exist as far as that token can tell.
        overrides=(("contributor", "exact_scopes", NOT_FOUND),),
    ),
    "unpublish_live": Case(
        scopes.CONTENT_PUBLISH,
        table(
            anonymous=UNAUTHENTICATED, no_role=FORBIDDEN, contributor=FORBIDDEN, author=OK,
            other_author=FORBIDDEN, editor=OK,
        ),
    ),
    "moderate_comment": Case(
        scopes.COMMENTS_MODERATE,
        table(
            anonymous=UNAUTHENTICATED, no_role=FORBIDDEN, contributor=FORBIDDEN,
            author=FORBIDDEN, other_author=FORBIDDEN, editor=OK,
        ),
    ),
    "moderation_queue": Case(
        scopes.COMMENTS_MODERATE,
        table(
            anonymous=UNAUTHENTICATED, no_role=FORBIDDEN, contributor=FORBIDDEN,
            author=FORBIDDEN, other_author=FORBIDDEN, editor=OK,
        ),
    ),
}  # fmt: skip
# The moderation queue is a REST listing; GraphQL has no queue (yet), only moderateComment.
GRAPHQL_CASES = [name for name in CASES if name != "moderation_queue"]


def expected(case: Case, role: str, credential: str) -> str:
    for who, held, outcome in case.overrides:
        if (who, held) == (role, credential):
            return outcome
    outcome = case.outcomes[role]
    if credential == "all_but_needed" and outcome == OK:
        return case.without_scope
    return outcome


@dataclass
class World:
    draft: Article
    live: Article
    comment: Comment


@pytest.fixture
def world(client, editor, author, other_author, contributor, staff_without_role) -> Any:
    owners = [profile(contributor), profile(author)]
    draft = ArticleFactory(slug="draft", status=ArticleStatus.DRAFT, authors=owners)
    live = ArticleFactory(slug="live", authors=owners)
    comment = CommentFactory(article=live, status=CommentStatus.PENDING)
    people = {
        "no_role": staff_without_role,
        "contributor": contributor,
        "author": author,
        "other_author": other_author,
        "editor": editor,
    }

    def make(role: str, credential: str, case: Case) -> Client:
        if role == "anonymous":
            return client
        user = people[role]
        if credential == "session":
            session = Client()
            session.force_login(user)
            return session
        needed = [case.scope]
        held = (
            needed if credential == "exact_scopes" else sorted(set(scopes.ALL_SCOPES) - {*needed})
        )
        _, plaintext = tokens.token_create(owner=user, name="matrix", scopes=held)
        return Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")

    return World(draft, live, comment), make


def snapshot() -> tuple[Any, ...]:
    return (
        sorted(Article.objects.values_list("slug", "status", "version", "title")),
        sorted(Comment.objects.values_list("pk", "status")),
    )


def effect_happened(name: str, world: World) -> bool:
    """Did the allowed action do its work (reads change nothing)?"""
    articles = {a.slug: a for a in Article.objects.all()}
    if name in ("read_live", "read_live_closed_api", "read_draft"):
        return True
    if name == "create":
        return "wire-story" in articles and articles["wire-story"].status == ArticleStatus.DRAFT
    if name == "update_draft":
        return articles["draft"].title == "Edited" and articles["draft"].version == 2
    if name == "update_live":
        return articles["live"].title == "Edited" and articles["live"].version == 2
    if name == "delete_draft":
        return "draft" not in articles
    if name == "publish_draft":
        return articles["draft"].is_live
    if name == "schedule_draft":
        return articles["draft"].status == ArticleStatus.SCHEDULED
    if name == "unpublish_live":
        return articles["live"].status == ArticleStatus.DRAFT
    if name == "moderate_comment":
        return Comment.objects.get().status == CommentStatus.APPROVED
    if name == "moderation_queue":
        return True
    raise AssertionError(name)


# --- REST ----------------------------------------------------------------------------------


def rest_call(name: str, client: Client, world: World):
    def send(method: str, path: str, body: Any = None, **headers: Any):
        data = json.dumps(body) if body is not None else None
        return getattr(client, method)(path, data, content_type="application/json", **headers)

    match name:
        case "read_live" | "read_live_closed_api":
            return send("get", "/api/v1/articles/live/")
        case "read_draft":
            return send("get", "/api/v1/articles/draft/")
        case "create":
            return send("post", "/api/v1/articles/", {"title": "Wire story"})
        case "update_draft" | "update_live":
            slug = name.removeprefix("update_")
            return send(
                "patch", f"/api/v1/articles/{slug}/", {"title": "Edited"}, HTTP_IF_MATCH='"v1"'
            )
        case "delete_draft":
            return send("delete", "/api/v1/articles/draft/")
        case "publish_draft":
            return send("post", "/api/v1/articles/draft/publish/", {})
        case "schedule_draft":
            future = {"published_at": FUTURE}
            return send("post", "/api/v1/articles/draft/publish/", future)
        case "unpublish_live":
            return send("post", "/api/v1/articles/live/unpublish/")
        case "moderate_comment":
            return send("patch", f"/api/v1/comments/{world.comment.pk}/", {"status": "approved"})
        case "moderation_queue":
            return send("get", "/api/v1/comments/?status=pending")
    raise AssertionError(name)


REST_STATUS = {UNAUTHENTICATED: {401}, FORBIDDEN: {403}, NOT_FOUND: {404}, OK: {200, 201, 204}}
REST_CODE = {
    UNAUTHENTICATED: "not_authenticated",
    FORBIDDEN: "permission_denied",
    NOT_FOUND: "not_found",
}


def rest_outcome(response: Any) -> str:
    for outcome, statuses in REST_STATUS.items():
        if response.status_code in statuses:
            if outcome != OK:
                assert response.json()["code"] == REST_CODE[outcome], response.content
            return outcome
    raise AssertionError((response.status_code, response.content))


# --- GraphQL -------------------------------------------------------------------------------

PAYLOAD = "{ article { slug status } errors { field code message } }"


def graphql_call(name: str, client: Client, world: World) -> tuple[Any, Any]:
    comment_id = to_global_id("Comment", world.comment.pk)
    documents = {
        "read_live": '{ article(slug: "live") { slug status } }',
        "read_live_closed_api": '{ article(slug: "live") { slug status } }',
        "read_draft": '{ article(slug: "draft") { slug status version } }',
        "create": 'mutation { createArticle(input: {title: "Wire story"}) ' + PAYLOAD + " }",
        "update_draft": 'mutation { updateArticle(slug: "draft", input: {title: "Edited"}, '
        "expectedVersion: 1) " + PAYLOAD + " }",
        "update_live": 'mutation { updateArticle(slug: "live", input: {title: "Edited"}, '
        "expectedVersion: 1) " + PAYLOAD + " }",
        "delete_draft": 'mutation { deleteArticle(slug: "draft") ' + PAYLOAD + " }",
        "publish_draft": 'mutation { publishArticle(slug: "draft") ' + PAYLOAD + " }",
        "schedule_draft": 'mutation { publishArticle(slug: "draft", '
        f'publishedAt: "{FUTURE}") ' + PAYLOAD + " }",
        "unpublish_live": 'mutation { unpublishArticle(slug: "live") ' + PAYLOAD + " }",
        "moderate_comment": f'mutation {{ moderateComment(id: "{comment_id}", '
        'status: "approved") { comment { id status } errors { field code message } } }',
    }
    return gql(client, documents[name])


GRAPHQL_TOP_LEVEL = {401: UNAUTHENTICATED, 403: FORBIDDEN}
GRAPHQL_CODE = {
    "not_authenticated": UNAUTHENTICATED,
    "permission_denied": FORBIDDEN,
    "not_found": NOT_FOUND,
}


def graphql_outcome(name: str, response: Any, body: Any) -> str:
    if response.status_code in GRAPHQL_TOP_LEVEL:  # refused before execution (closed API)
        return GRAPHQL_TOP_LEVEL[response.status_code]
    assert response.status_code == 200, body
    assert "errors" not in body, body
    result = next(iter(body["data"].values()))
    if name.startswith("read_"):
        return OK if result is not None else NOT_FOUND
    if result["errors"]:
        return GRAPHQL_CODE[result["errors"][0]["code"]]
    return OK


# --- the matrix ----------------------------------------------------------------------------


def cells(case_names: list[str]) -> list[tuple[str, str, str]]:
    return [
        (name, role, credential)
        for name in case_names
        for role in ROLES
        for credential in (("none",) if role == "anonymous" else CREDENTIALS)
    ]


def _run(world_and_make, settings, name, role, credential, call, outcome_of) -> None:
    world, make = world_and_make
    case = CASES[name]
    if case.closed_api:
        settings.API_PUBLIC_READS = False
    client = make(role, credential, case)
    before = snapshot()
    got = outcome_of(call(name, client, world))
    want = expected(case, role, credential)
    assert got == want, f"{name} by {role} ({credential}): {got}, expected {want}"
    if want == OK:
        assert effect_happened(name, world), f"{name} by {role} ({credential}) did nothing"
    else:
        assert snapshot() == before, f"{name} by {role} ({credential}) was refused but wrote"


@pytest.mark.parametrize(("name", "role", "credential"), cells(list(CASES)))
def test_rest(world, settings, name, role, credential):
    _run(world, settings, name, role, credential, rest_call, rest_outcome)


@pytest.mark.parametrize(("name", "role", "credential"), cells(GRAPHQL_CASES))
def test_graphql(world, settings, name, role, credential):
    def outcome_of(result: tuple[Any, Any]) -> str:
        return graphql_outcome(name, *result)

    _run(world, settings, name, role, credential, graphql_call, outcome_of)


def test_draft_reads_show_editorial_state_and_are_never_stored(world):
    _, make = world
    editor = make("editor", "exact_scopes", CASES["read_draft"])
    response = editor.get("/api/v1/articles/draft/")
    assert response.json()["status"] == "draft"
    assert response.json()["version"] == 1
    assert response["Cache-Control"] == "private, no-store"
    _, body = gql(editor, '{ article(slug: "draft") { status version } }')
    assert body["data"]["article"] == {"status": "draft", "version": 1}

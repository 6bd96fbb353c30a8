"""Every action, by every role, with every kind of credential, through REST and GraphQL.

The expected outcomes below are written out by hand, one table per action, from the rules in
README.md ("Editorial workflow", "API tokens"); they are not computed from the policy. Each
cell is run as:

* a signed-in session (a person in the admin: not narrowed by scopes),
* a token holding exactly the scopes the action needs,
* a token holding every scope except those the action needs,

and anonymous requests once. A refused action must leave the database as it was; an allowed
one must have done its work, and reads must show ``status`` and ``version`` exactly to those
who may edit or preview. The target articles are credited to both the contributor and the
author, so "own" applies to both; other_author is credited on nothing.
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

from articles import previews, services
from articles.models import Article, ArticleRevision, ArticleStatus, Correction, CorrectionKind
from cms import scopes, tokens
from cms.access import Action, can
from cms.actors import Actor
from comments.models import Comment, CommentStatus
from comments.services import recount_comments
from tests.api import gql
from tests.articles.test_admin import edit_data
from tests.conftest import actor, profile
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

FUTURE = (timezone.now() + timedelta(days=30)).isoformat()
OK, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND = "ok", "unauthenticated", "forbidden", "not_found"
ROLES = ("anonymous", "no_role", "contributor", "author", "other_author", "editor")
CREDENTIALS = ("session", "exact_scopes", "all_but_needed")


@dataclass(frozen=True)
class Case:
    """One action: the scopes it needs, and its outcome for each role holding them."""

    needs: tuple[str, ...]
    outcomes: dict[str, str]
    # What a token without the scopes gets where the role alone would have been allowed.
    without_scope: str = FORBIDDEN
    closed_api: bool = False
    # Cells that differ from the role's outcome because of what the token holds.
    overrides: tuple[tuple[str, str, str], ...] = ()


def table(**outcomes: str) -> dict[str, str]:
    assert set(outcomes) == set(ROLES)
    return outcomes


EVERYONE = table(
    anonymous=OK, no_role=OK, contributor=OK, author=OK, other_author=OK, editor=OK
)  # fmt: skip
# With API_PUBLIC_READS off: credentials needed; a token needs content:read.
SIGNED_IN = table(
    anonymous=UNAUTHENTICATED, no_role=OK, contributor=OK, author=OK, other_author=OK, editor=OK
)  # fmt: skip
# Unpublished work: its own people, and editors; a token needs content:preview.
PREVIEWERS = table(
    anonymous=NOT_FOUND, no_role=NOT_FOUND, contributor=OK, author=OK, other_author=NOT_FOUND,
    editor=OK,
)  # fmt: skip
# Anyone with a role may start a draft.
CONTRIBUTORS = table(
    anonymous=UNAUTHENTICATED, no_role=FORBIDDEN, contributor=OK, author=OK, other_author=OK,
    editor=OK,
)  # fmt: skip
EDITORS_ONLY = table(
    anonymous=UNAUTHENTICATED, no_role=FORBIDDEN, contributor=FORBIDDEN, author=FORBIDDEN,
    other_author=FORBIDDEN, editor=OK,
)  # fmt: skip
# Acting on a draft: contributors and authors on their own, editors on any.
DRAFT_EDITORS = table(
    anonymous=UNAUTHENTICATED, no_role=NOT_FOUND, contributor=OK, author=OK,
    other_author=NOT_FOUND, editor=OK,
)  # fmt: skip
# Acting on a live article (which everyone can see): authors on their own, editors on any.
LIVE_EDITORS = table(
    anonymous=UNAUTHENTICATED, no_role=FORBIDDEN, contributor=FORBIDDEN, author=OK,
    other_author=FORBIDDEN, editor=OK,
)  # fmt: skip
# Deleting work that was ever live, whatever its status now: editors only. Its writers are
# refused (with the reason), and others cannot see it, as for any draft.
WAS_LIVE_DELETERS = table(
    anonymous=UNAUTHENTICATED, no_role=NOT_FOUND, contributor=FORBIDDEN, author=FORBIDDEN,
    other_author=NOT_FOUND, editor=OK,
)  # fmt: skip
# An article's revisions: for those who may preview it. A draft's are not found by anyone
# else; a live article's are refused to those who can read it but not preview it.
HISTORY_READERS_DRAFT = table(
    anonymous=UNAUTHENTICATED, no_role=NOT_FOUND, contributor=OK, author=OK,
    other_author=NOT_FOUND, editor=OK,
)  # fmt: skip
HISTORY_READERS_LIVE = table(
    anonymous=UNAUTHENTICATED, no_role=FORBIDDEN, contributor=OK, author=OK,
    other_author=FORBIDDEN, editor=OK,
)  # fmt: skip
# A write-only token cannot read unpublished work, and may not delete this: not found.
BLIND_WRITERS = (("contributor", "exact_scopes", NOT_FOUND), ("author", "exact_scopes", NOT_FOUND))
# Publishing a draft: authors on their own, editors on any; contributors never.
PUBLISHERS = table(
    anonymous=UNAUTHENTICATED, no_role=NOT_FOUND, contributor=FORBIDDEN, author=OK,
    other_author=NOT_FOUND, editor=OK,
)  # fmt: skip
# A publish-only token cannot read drafts (no content:preview), and a contributor may not
# publish: the draft does not exist as far as that token can tell.
BLIND_CONTRIBUTOR = (("contributor", "exact_scopes", NOT_FOUND),)
# A closed API refuses a token without content:read before anything else is looked at.
CLOSED_GATE = tuple((role, "all_but_needed", FORBIDDEN) for role in ROLES if role != "anonymous")

READ, PREVIEW = scopes.CONTENT_READ, scopes.CONTENT_PREVIEW
WRITE, PUBLISH = scopes.CONTENT_WRITE, scopes.CONTENT_PUBLISH
MODERATE = scopes.COMMENTS_MODERATE

CASES = {
    # Readers' actions: open to all, or behind content:read on a closed API.
    "read_live": Case((READ,), EVERYONE, without_scope=OK),
    "list_live": Case((READ,), EVERYONE, without_scope=OK),
    "comment_thread": Case((READ,), EVERYONE, without_scope=OK),
    "submit_comment": Case((READ,), EVERYONE, without_scope=OK),
    "register_view": Case((READ,), EVERYONE, without_scope=OK),
    "read_live_closed_api": Case((READ,), SIGNED_IN, closed_api=True),
    "list_live_closed_api": Case((READ,), SIGNED_IN, closed_api=True),
    "submit_comment_closed_api": Case((READ,), SIGNED_IN, closed_api=True),
    "register_view_closed_api": Case((READ,), SIGNED_IN, closed_api=True),
    # Unpublished work, in each status.
    "read_draft": Case((PREVIEW,), PREVIEWERS, without_scope=NOT_FOUND),
    "read_in_review": Case((PREVIEW,), PREVIEWERS, without_scope=NOT_FOUND),
    "read_scheduled": Case((PREVIEW,), PREVIEWERS, without_scope=NOT_FOUND),
    "read_archived": Case((PREVIEW,), PREVIEWERS, without_scope=NOT_FOUND),
    "read_draft_closed_api": Case(
        (READ, PREVIEW),
        {**PREVIEWERS, "anonymous": UNAUTHENTICATED},
        closed_api=True,
        overrides=CLOSED_GATE,
    ),
    # Editorial writes.
    "create": Case(
        (WRITE,),
        table(
            anonymous=UNAUTHENTICATED,
            no_role=FORBIDDEN,
            contributor=OK,
            author=OK,
            other_author=OK,
            editor=OK,
        ),
    ),
    "update_draft": Case((WRITE,), DRAFT_EDITORS),
    "update_live": Case((WRITE,), LIVE_EDITORS),
    "delete_draft": Case((WRITE,), DRAFT_EDITORS),
    # Published, then unpublished (a draft again), or archived after it went out.
    "delete_unpublished_after_live": Case((WRITE,), WAS_LIVE_DELETERS, overrides=BLIND_WRITERS),
    "delete_archived": Case((WRITE,), WAS_LIVE_DELETERS, overrides=BLIND_WRITERS),
    "publish_draft": Case((PUBLISH,), PUBLISHERS, overrides=BLIND_CONTRIBUTOR),
    "schedule_draft": Case((PUBLISH,), PUBLISHERS, overrides=BLIND_CONTRIBUTOR),
    "unpublish_live": Case((PUBLISH,), LIVE_EDITORS),
    # Revisions: read by those who may preview the article (its own people, editors; a token
    # needs content:preview), restored by those who may change it.
    "history_draft": Case((PREVIEW,), HISTORY_READERS_DRAFT, without_scope=NOT_FOUND),
    "history_live": Case((PREVIEW,), HISTORY_READERS_LIVE),
    "restore_draft": Case((WRITE,), DRAFT_EDITORS),
    "restore_live": Case((WRITE,), LIVE_EDITORS),
    # Moderation.
    "moderate_comment": Case((MODERATE,), EDITORS_ONLY),
    "moderation_queue": Case((MODERATE,), EDITORS_ONLY),
    # Correction and update notes on a live article (which everyone can see): editors only.
    "add_correction": Case((WRITE,), EDITORS_ONLY),
    "remove_correction": Case((WRITE,), EDITORS_ONLY),
    # Writes and moderation answer to their own scopes whether or not the API is public: the
    # exact-scope tokens here hold no content:read.
    "create_closed_api": Case((WRITE,), CONTRIBUTORS, closed_api=True),
    "update_draft_closed_api": Case((WRITE,), DRAFT_EDITORS, closed_api=True),
    "publish_draft_closed_api": Case(
        (PUBLISH,), PUBLISHERS, closed_api=True, overrides=BLIND_CONTRIBUTOR
    ),
    "moderate_comment_closed_api": Case((MODERATE,), EDITORS_ONLY, closed_api=True),
    "moderation_queue_closed_api": Case((MODERATE,), EDITORS_ONLY, closed_api=True),
    # The trash (a deleted live article with its comments): editors only, content:write.
    "trash_list": Case((WRITE,), EDITORS_ONLY),
    "restore_trashed": Case((WRITE,), EDITORS_ONLY),
    "delete_forever": Case((WRITE,), EDITORS_ONLY),
    "trash_list_closed_api": Case((WRITE,), EDITORS_ONLY, closed_api=True),
    "add_correction_closed_api": Case((WRITE,), EDITORS_ONLY, closed_api=True),
}
READS = {name for name in CASES if name.startswith(("read_", "list_", "comment_thread"))}
UNPUBLISHED = {
    "read_draft": "draft",
    "read_in_review": "review",
    "read_scheduled": "soon",
    "read_archived": "archived",
    "read_draft_closed_api": "draft",
}


def expected(case: Case, role: str, credential: str) -> str:
    for who, held, outcome in case.overrides:
        if (who, held) == (role, credential):
            return outcome
    outcome = case.outcomes[role]
    if credential == "all_but_needed" and outcome == OK:
        return case.without_scope
    return outcome


def held_scopes(case: Case, credential: str) -> set[str]:
    if credential == "exact_scopes":
        return set(case.needs)
    return set(scopes.ALL_SCOPES) - set(case.needs)


def sees_editorial_state(case: Case, role: str, credential: str) -> bool:
    """Status and version are for people with a role who may edit or preview."""
    if role in ("anonymous", "no_role"):
        return False
    return credential == "session" or bool(held_scopes(case, credential) & {WRITE, PREVIEW})


@dataclass
class World:
    live: Article
    comment: Comment
    binned: Article  # in the trash
    correction: Correction


@pytest.fixture
def world(editor, author, other_author, contributor, staff_without_role) -> Any:
    owners = [profile(contributor), profile(author)]
    live = ArticleFactory(slug="live", authors=owners)
    ArticleFactory(slug="draft", status=ArticleStatus.DRAFT, authors=owners)
    ArticleFactory(slug="review", status=ArticleStatus.IN_REVIEW, authors=owners)
    ArticleFactory(slug="archived", status=ArticleStatus.ARCHIVED, authors=owners)
    went_out = timezone.now() - timedelta(days=3)
    ArticleFactory(slug="was-live", status=ArticleStatus.DRAFT, published_at=went_out,
                   first_published_at=went_out, authors=owners)  # fmt: skip
    ArticleFactory(slug="soon", status=ArticleStatus.SCHEDULED, authors=owners,
                   published_at=timezone.now() + timedelta(days=1))  # fmt: skip
    # Revision 1 of the live article and the draft, as they are (version 1 still).
    services.record_revisions(
        actor=Actor.system(),
        action="article.update",
        entries=[(a, None) for a in Article.objects.filter(slug__in=("live", "draft"))],
    )
    comment = CommentFactory(article=live, status=CommentStatus.PENDING)
    CommentFactory(article=live, status=CommentStatus.APPROVED)
    recount_comments([live.pk])
    binned = ArticleFactory(slug="binned", authors=owners, first_published_at=went_out)
    CommentFactory(article=binned, status=CommentStatus.APPROVED)
    recount_comments([binned.pk])
    services.article_delete(article=binned, actor=actor(editor))
    correction = Correction.objects.create(article=live, kind=CorrectionKind.UPDATE, text="Noted.")
    people = {
        "no_role": staff_without_role,
        "contributor": contributor,
        "author": author,
        "other_author": other_author,
        "editor": editor,
    }

    def make(role: str, credential: str, case: Case) -> Client:
        if role == "anonymous":
            return Client(HTTP_USER_AGENT=BROWSER)
        user = people[role]
        if credential == "session":
            session = Client(HTTP_USER_AGENT=BROWSER)
            session.force_login(user)
            return session
        held = sorted(held_scopes(case, credential))
        _, plaintext = tokens.token_create(owner=user, name="matrix", scopes=held)
        return Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}", HTTP_USER_AGENT=BROWSER)

    return World(live, comment, binned, correction), make


def snapshot() -> tuple[Any, ...]:
    return (
        sorted(
            Article.with_trashed.values_list(
                "slug", "status", "version", "title", "body_html", "published_at", "featured",
                "view_count", "comment_count", "deleted_at",
            )
        ),
        sorted(Comment.with_trashed.values_list("pk", "status")),
        sorted(Comment.objects.values_list("pk", "status")),
        sorted(Correction.objects.values_list("pk", "text", "removed_at")),
        sorted(ArticleRevision.objects.values_list("article__slug", "number", "summary")),
    )  # fmt: skip


def effect_happened(name: str, world: World, before: tuple[Any, ...]) -> bool:
    """Did the allowed action do its work? Reads must have changed nothing."""
    name = name.removesuffix("_closed_api")
    if name == "register_view":
        services.flush_views()  # a view is counted in the cache first; the worker writes it
    articles = {a.slug: a for a in Article.objects.all()}
    if name in READS or name in ("moderation_queue", "trash_list", "history_draft", "history_live"):
        return snapshot() == before
    if name == "restore_trashed":
        return "binned" in articles and articles["binned"].comment_count == 1
    if name == "delete_forever":
        gone = not Article.with_trashed.filter(slug="binned").exists()
        return gone and not Comment.with_trashed.filter(article_id=world.binned.pk).exists()
    if name in ("restore_draft", "restore_live"):
        slug = name.removeprefix("restore_")
        latest = ArticleRevision.objects.filter(article__slug=slug).order_by("-number")[0]
        return articles[slug].version == 2 and latest.summary == "Restored revision 1"
    if name == "submit_comment":
        return Comment.objects.count() == 3
    if name == "register_view":
        return articles["live"].view_count == 1
    if name == "create":
        # Those who may not read every draft get a slug with a random ending.
        created = [a for slug, a in articles.items() if slug.startswith("wire-story")]
        return len(created) == 1 and created[0].status == ArticleStatus.DRAFT
    if name in ("update_draft", "update_live"):
        slug = name.removeprefix("update_")
        return articles[slug].title == "Edited" and articles[slug].version == 2
    if name == "delete_draft":
        return "draft" not in articles
    if name == "delete_unpublished_after_live":
        return "was-live" not in articles
    if name == "delete_archived":
        return "archived" not in articles
    if name == "publish_draft":
        return articles["draft"].is_live
    if name == "schedule_draft":
        return articles["draft"].status == ArticleStatus.SCHEDULED
    if name == "unpublish_live":
        return articles["live"].status == ArticleStatus.DRAFT
    if name == "moderate_comment":
        return Comment.objects.get(pk=world.comment.pk).status == CommentStatus.APPROVED
    if name == "add_correction":
        added = Correction.objects.exclude(pk=world.correction.pk)
        return [c.text for c in added] == ["Fixed."] and articles["live"].version == 2
    if name == "remove_correction":
        removed = Correction.objects.get(pk=world.correction.pk)
        return removed.removed_at is not None and articles["live"].version == 2
    raise AssertionError(name)


BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
COMMENT = {"author_name": "Ann", "author_email": "ann@example.com", "body": "Well said."}


# --- REST ----------------------------------------------------------------------------------


def rest_call(name: str, client: Client, world: World) -> Any:
    def send(method: str, path: str, body: Any = None, **headers: Any) -> Any:
        data = json.dumps(body) if body is not None else None
        return getattr(client, method)(path, data, content_type="application/json", **headers)

    if name in UNPUBLISHED:
        return send("get", f"/api/v1/articles/{UNPUBLISHED[name]}/")
    match name.removesuffix("_closed_api"):
        case "read_live":
            return send("get", "/api/v1/articles/live/")
        case "list_live":
            return send("get", "/api/v1/articles/")
        case "comment_thread":
            return send("get", "/api/v1/articles/live/comments/")
        case "submit_comment":
            return send("post", "/api/v1/articles/live/comments/", COMMENT)
        case "register_view":
            return send("post", "/api/v1/articles/live/views/")
        case "create":
            return send("post", "/api/v1/articles/", {"title": "Wire story"})
        case "update_draft" | "update_live":
            slug = name.removesuffix("_closed_api").removeprefix("update_")
            return send(
                "patch", f"/api/v1/articles/{slug}/", {"title": "Edited"}, HTTP_IF_MATCH='"v1"'
            )
        case "delete_draft":
            return send("delete", "/api/v1/articles/draft/")
        case "delete_unpublished_after_live":
            return send("delete", "/api/v1/articles/was-live/")
        case "delete_archived":
            return send("delete", "/api/v1/articles/archived/")
        case "publish_draft":
            return send("post", "/api/v1/articles/draft/publish/", {})
        case "schedule_draft":
            return send("post", "/api/v1/articles/draft/publish/", {"published_at": FUTURE})
        case "unpublish_live":
            return send("post", "/api/v1/articles/live/unpublish/")
        case "history_draft" | "history_live":
            return send("get", f"/api/v1/articles/{name.removeprefix('history_')}/revisions/")
        case "restore_draft" | "restore_live":
            slug = name.removeprefix("restore_")
            path = f"/api/v1/articles/{slug}/revisions/1/restore/"
            return send("post", path, HTTP_IF_MATCH='"v1"')
        case "moderate_comment":
            return send("patch", f"/api/v1/comments/{world.comment.pk}/", {"status": "approved"})
        case "moderation_queue":
            return send("get", "/api/v1/comments/?status=pending")
        case "trash_list":
            return send("get", "/api/v1/trash/")
        case "restore_trashed":
            return send("post", f"/api/v1/trash/{world.binned.pk}/restore/")
        case "delete_forever":
            return send("delete", f"/api/v1/trash/{world.binned.pk}/")
        case "add_correction":
            note = {"kind": "correction", "text": "Fixed."}
            return send("post", "/api/v1/articles/live/corrections/", note)
        case "remove_correction":
            return send("delete", f"/api/v1/articles/live/corrections/{world.correction.pk}/")
    raise AssertionError(name)


REST_STATUS = {UNAUTHENTICATED: {401}, FORBIDDEN: {403}, NOT_FOUND: {404}, OK: {200, 201, 204}}
REST_CODE = {
    UNAUTHENTICATED: "not_authenticated",
    FORBIDDEN: "permission_denied",
    NOT_FOUND: "not_found",
}


def rest_check(name: str, response: Any, world: World, shows_state: bool) -> str:
    name = name.removesuffix("_closed_api")
    for outcome, statuses in REST_STATUS.items():
        if response.status_code not in statuses:
            continue
        if outcome != OK:
            assert response.json()["code"] == REST_CODE[outcome], response.content
        elif name in READS and name != "comment_thread":
            body = response.json()
            item = body["results"][0] if "results" in body else body
            assert ("status" in item) == shows_state, (name, sorted(item))
            assert ("version" in item) == shows_state
        elif name == "comment_thread":
            assert len(response.json()["results"]) == 1  # the approved one, never the pending
        elif name == "moderation_queue":
            assert [c["id"] for c in response.json()["results"]] == [world.comment.pk]
        elif name == "trash_list":
            assert [a["slug"] for a in response.json()["results"]] == ["binned"]
        return outcome
    raise AssertionError((response.status_code, response.content))


# --- GraphQL -------------------------------------------------------------------------------

PAYLOAD = "{ slug status article { id } errors { field code message } }"


def graphql_call(name: str, client: Client, world: World) -> tuple[Any, Any]:
    comment_id = to_global_id("ModeratedComment", world.comment.pk)
    trashed_id = to_global_id("TrashedArticle", world.binned.pk)
    slug = UNPUBLISHED.get(name, "live")
    node_id = to_global_id("Article", Article.objects.get(slug=slug).pk)
    one = f'a: article(slug: "{slug}") {{ slug status version }} n: node(id: "{node_id}") {{ id }}'
    submit = (
        'mutation { submitComment(input: {articleSlug: "live", authorName: "Ann", '
        'authorEmail: "ann@example.com", body: "Well said."}) { errors { code } } }'
    )
    documents = {
        "read": f"{{ {one} }}",
        "list_live": "{ articles { edges { node { slug status version } } } }",
        "comment_thread": '{ article(slug: "live") { comments { totalCount edges { cursor } } } }',
        "submit_comment": submit,
        "register_view": 'mutation { registerView(slug: "live") { errors { code } } }',
        "create": 'mutation { createArticle(input: {title: "Wire story"}) ' + PAYLOAD + " }",
        "update_draft": 'mutation { updateArticle(slug: "draft", input: {title: "Edited"}, '
        "expectedVersion: 1) " + PAYLOAD + " }",
        "update_live": 'mutation { updateArticle(slug: "live", input: {title: "Edited"}, '
        "expectedVersion: 1) " + PAYLOAD + " }",
        "delete_draft": 'mutation { deleteArticle(slug: "draft") '
        "{ deletedId errors { field code message } } }",
        "delete_unpublished_after_live": 'mutation { deleteArticle(slug: "was-live") '
        "{ deletedId errors { field code message } } }",
        "delete_archived": 'mutation { deleteArticle(slug: "archived") '
        "{ deletedId errors { field code message } } }",
        "publish_draft": 'mutation { publishArticle(slug: "draft") ' + PAYLOAD + " }",
        "schedule_draft": 'mutation { publishArticle(slug: "draft", '
        f'publishedAt: "{FUTURE}") ' + PAYLOAD + " }",
        "unpublish_live": 'mutation { unpublishArticle(slug: "live") ' + PAYLOAD + " }",
        "history_draft": '{ articleRevisions(slug: "draft") { totalCount } }',
        "history_live": '{ articleRevisions(slug: "live") { totalCount } }',
        "restore_draft": 'mutation { restoreArticleRevision(slug: "draft", number: 1, '
        "expectedVersion: 1) " + PAYLOAD + " }",
        "restore_live": 'mutation { restoreArticleRevision(slug: "live", number: 1, '
        "expectedVersion: 1) " + PAYLOAD + " }",
        "moderate_comment": f'mutation {{ moderateComment(id: "{comment_id}", '
        "status: APPROVED) { comment { id status } errors { field code message } } }",
        "moderation_queue": "{ moderationQueue(status: PENDING) { edges { node { id } } } }",
        "trash_list": "{ trash { edges { node { slug } } } }",
        "restore_trashed": f'mutation {{ restoreArticle(id: "{trashed_id}") ' + PAYLOAD + " }",
        "delete_forever": f'mutation {{ deleteArticleForever(id: "{trashed_id}") '
        "{ deletedId errors { field code message } } }",
        "add_correction": 'mutation { addCorrection(slug: "live", kind: CORRECTION, '
        'text: "Fixed.") { correction { id } errors { field code message } } }',
        "remove_correction": "mutation { removeCorrection(id: "
        f'"{to_global_id("Correction", world.correction.pk)}") '
        "{ removedId errors { field code message } } }",
    }
    base = name.removesuffix("_closed_api")
    key = "read" if base.startswith("read_") else base
    return gql(client, documents[key])


GRAPHQL_TOP_LEVEL = {401: UNAUTHENTICATED, 403: FORBIDDEN}
# GraphQL's codes are REST's in capitals (the ErrorCode enum; extensions.code likewise).
GRAPHQL_CODE = {
    "NOT_AUTHENTICATED": UNAUTHENTICATED,
    "PERMISSION_DENIED": FORBIDDEN,
    "NOT_FOUND": NOT_FOUND,
}


def graphql_check(name: str, result: tuple[Any, Any], world: World, shows_state: bool) -> str:
    name = name.removesuffix("_closed_api")
    response, body = result
    if response.status_code in GRAPHQL_TOP_LEVEL:  # refused before execution (closed API)
        return GRAPHQL_TOP_LEVEL[response.status_code]
    assert response.status_code == 200, body
    if "errors" in body:  # a refused query field: the same code as REST, in capitals
        return GRAPHQL_CODE[body["errors"][0]["extensions"]["code"]]
    data = body["data"]
    if name.startswith("read_"):
        article, node = data["a"], data["n"]
        assert (article is None) == (node is None), data  # article(slug:) and node(id:) agree
        if article is None:
            return NOT_FOUND
        assert (article["status"] is not None) == shows_state, (name, article)
        assert (article["version"] is not None) == shows_state
        return OK
    if name.startswith("list_"):
        (edge,) = data["articles"]["edges"]
        assert (edge["node"]["status"] is not None) == shows_state
        return OK
    if name == "comment_thread":
        comments = data["article"]["comments"]
        assert comments["totalCount"] == len(comments["edges"]) == 1  # the approved one
        return OK
    if name in ("history_draft", "history_live"):
        assert data["articleRevisions"]["totalCount"] == 1
        return OK
    if name == "moderation_queue":
        ids = [edge["node"]["id"] for edge in data["moderationQueue"]["edges"]]
        assert ids == [to_global_id("ModeratedComment", world.comment.pk)]
        return OK
    if name == "trash_list":
        assert [edge["node"]["slug"] for edge in data["trash"]["edges"]] == ["binned"]
        return OK
    result_data = next(iter(data.values()))
    if result_data["errors"]:
        return GRAPHQL_CODE[result_data["errors"][0]["code"]]
    return OK


# --- the matrix ----------------------------------------------------------------------------


def cells() -> list[tuple[str, str, str]]:
    return [
        (name, role, credential)
        for name in CASES
        for role in ROLES
        for credential in (("none",) if role == "anonymous" else CREDENTIALS)
    ]


def _run(world_and_make, settings, name, role, credential, call, check) -> None:
    world, make = world_and_make
    case = CASES[name]
    if case.closed_api:
        settings.API_PUBLIC_READS = False
    client = make(role, credential, case)
    before = snapshot()
    shows_state = sees_editorial_state(case, role, credential)
    got = check(name, call(name, client, world), world, shows_state)
    want = expected(case, role, credential)
    assert got == want, f"{name} by {role} ({credential}): {got}, expected {want}"
    if want == OK:
        assert effect_happened(name, world, before), f"{name} by {role} ({credential}) failed"
    else:
        assert snapshot() == before, f"{name} by {role} ({credential}) was refused but wrote"


@pytest.mark.parametrize(("name", "role", "credential"), cells())
def test_rest(world, settings, name, role, credential):
    _run(world, settings, name, role, credential, rest_call, rest_check)


@pytest.mark.parametrize(("name", "role", "credential"), cells())
def test_graphql(world, settings, name, role, credential):
    _run(world, settings, name, role, credential, graphql_call, graphql_check)


def test_every_scope_but_webhooks_is_exercised():
    used = {scope for case in CASES.values() for scope in case.needs}
    assert used == set(scopes.ALL_SCOPES) - {scopes.WEBHOOKS_MANAGE}


def test_unpublished_reads_are_never_stored(world, editor):
    _, make = world
    previewer = make("editor", "exact_scopes", CASES["read_draft"])
    live = previewer.get("/api/v1/articles/live/")
    assert live["Cache-Control"] == "private, max-age=0, must-revalidate"  # may be revalidated
    for slug in ("draft", "review", "soon", "archived"):
        response = previewer.get(f"/api/v1/articles/{slug}/")
        assert response.json()["status"] != "published"
        assert response["Cache-Control"] == "private, no-store"  # may not even be kept
        previewed = Article.objects.get(slug=slug)
        anonymous = Client()
        graphql, body = gql(
            anonymous,
            f'{{ article(slug: "{slug}", previewToken: "{previews.issue(previewed, editor)}") '
            "{ status } }",
        )
        # The ArticleStatus enum's name (DRAFT); REST shows its value (draft).
        assert body["data"]["article"]["status"] == ArticleStatus(previewed.status).name
        assert graphql["Cache-Control"] == "private, no-store"
    public, _ = gql(Client(), '{ article(slug: "live") { title } }')
    assert "no-store" not in public.get("Cache-Control", "")


def test_a_closed_api_refuses_previews_to_a_token_without_content_read(world, settings):
    settings.API_PUBLIC_READS = False
    _, make = world
    previewer = make("editor", "exact_scopes", CASES["read_draft"])  # content:preview only
    assert previewer.get("/api/v1/articles/draft/").status_code == 403
    response, _ = gql(previewer, '{ article(slug: "draft") { title } }')
    assert response.status_code == 403


# --- Admin-only transitions ------------------------------------------------------------------
#
# Submitting, returning to the writer and archiving are taken in the admin only (the APIs
# publish and unpublish), so they have no REST or GraphQL cell. Returning an article in review
# to its writer, by every role: pressing the change form's button as a signed-in person, and
# the policy's answer for a token holding exactly content:write or everything but it (a token
# cannot reach the admin; the policy is what would answer it anywhere else).

ADMIN_CASES = {
    "return_in_review": (
        (WRITE,),
        # Editors on any article; an author withdraws their own; a contributor may not take
        # back what they submitted; another author cannot see it; staff without a role are
        # refused the admin's article pages outright.
        table(
            anonymous=UNAUTHENTICATED, no_role=FORBIDDEN, contributor=FORBIDDEN, author=OK,
            other_author=NOT_FOUND, editor=OK,
        ),
    ),
}  # fmt: skip


def admin_cells() -> list[tuple[str, str, str]]:
    return [
        (name, role, credential)
        for name in ADMIN_CASES
        for role in ROLES
        for credential in (("none",) if role == "anonymous" else CREDENTIALS)
    ]


@pytest.mark.parametrize(("name", "role", "credential"), admin_cells())
def test_admin_only_transitions(world, request, name, role, credential):
    _, make = world
    needs, outcomes = ADMIN_CASES[name]
    want = outcomes[role]
    review = Article.objects.get(slug="review")
    before = snapshot()
    if credential != "session" and role != "anonymous":
        fixture = "staff_without_role" if role == "no_role" else role
        held = frozenset(held_scopes(Case(needs, outcomes), credential))
        token_actor = Actor(user=request.getfixturevalue(fixture), scopes=held)
        allowed = can(token_actor, Action.RETURN, review)
        expect_allowed = want == OK and credential == "exact_scopes"
        assert allowed == expect_allowed, f"{name} by {role} ({credential}): policy {allowed}"
        return
    client = make(role, credential, Case(needs, outcomes))
    page = f"/admin/articles/article/{review.pk}/change/"
    shown = client.get(page)
    offered = shown.status_code == 200 and b'name="_return"' in shown.content
    assert offered == (want == OK), f"{name} by {role}: button offered {offered}"
    # The form as the page holds it (its byline kept), with the button pressed.
    data = edit_data(review, _return="Return to writer")
    response = client.post(page, data)
    got = admin_outcome(response)
    assert got == want, f"{name} by {role}: {got}, expected {want}"
    returned = Article.objects.get(slug="review")
    if want == OK:
        assert returned.status == ArticleStatus.DRAFT, f"{name} by {role}: not returned"
        assert returned.returned_at is not None
    else:
        assert snapshot() == before, f"{name} by {role} was refused but wrote"


def admin_outcome(response: Any) -> str:
    if response.status_code == 302 and "/admin/login/" in response["Location"]:
        return UNAUTHENTICATED
    if response.status_code == 403:
        return FORBIDDEN
    if response.status_code == 404 or (
        response.status_code == 302 and response["Location"].rstrip("/") == "/admin"
    ):
        return NOT_FOUND  # the admin's "doesn't exist. Perhaps it was deleted?"
    if response.status_code == 302:
        return OK
    return f"unexpected {response.status_code}"


# Deleting in the admin, by every role signed in: the delete page of an article that was
# published and then unpublished. Tokens cannot reach the admin; the REST and GraphQL cells
# above hold the same rule for them.
ADMIN_DELETE_WAS_LIVE = table(
    anonymous=UNAUTHENTICATED, no_role=FORBIDDEN, contributor=FORBIDDEN, author=FORBIDDEN,
    other_author=NOT_FOUND, editor=OK,
)  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_admin_delete_of_work_that_was_ever_live(world, role):
    _, make = world
    was_live = Article.objects.get(slug="was-live")
    before = snapshot()
    client = make(role, "session", CASES["delete_unpublished_after_live"])
    response = client.post(f"/admin/articles/article/{was_live.pk}/delete/", {"post": "yes"})
    got, want = admin_outcome(response), ADMIN_DELETE_WAS_LIVE[role]
    assert got == want, f"admin delete by {role}: {got}, expected {want}"
    if want == OK:
        assert not Article.objects.filter(slug="was-live").exists()
    else:
        assert snapshot() == before, f"admin delete by {role} was refused but wrote"


# The admin's Trash page, restoring and deleting forever, by every role signed in: editors
# only; staff without a role, contributors and authors never see the page (403), as tokens
# cannot reach the admin (the REST and GraphQL cells above hold the rule for them).
ADMIN_TRASH = table(
    anonymous=UNAUTHENTICATED, no_role=FORBIDDEN, contributor=FORBIDDEN, author=FORBIDDEN,
    other_author=FORBIDDEN, editor=OK,
)  # fmt: skip


# Adding a correction note in the admin, by every role signed in: the form's "Add note" posts
# to its own address. Tokens cannot reach the admin; the REST and GraphQL cells above hold
# the same rule for them.
ADMIN_ADD_CORRECTION = table(
    anonymous=UNAUTHENTICATED, no_role=FORBIDDEN, contributor=FORBIDDEN, author=FORBIDDEN,
    other_author=FORBIDDEN, editor=OK,
)  # fmt: skip


@pytest.mark.parametrize("action", ["restore", "delete-forever"])
@pytest.mark.parametrize("role", ROLES)
def test_admin_trash(world, role, action):
    the_world, make = world
    binned = the_world.binned
    before = snapshot()
    client = make(role, "session", CASES["trash_list"])
    listing = client.get("/admin/articles/trashedarticle/")
    page = f"/admin/articles/trashedarticle/{binned.pk}/{action}/"
    shown = client.get(page)
    response = client.post(page)
    got, want = admin_outcome(response), ADMIN_TRASH[role]
    assert got == want, f"admin {action} by {role}: {got}, expected {want}"
    if want == OK:
        assert shown.status_code == 200
        assert listing.status_code == 200
        assert page.encode() in listing.content
        restored = Article.objects.filter(slug="binned").exists()
        assert restored == (action == "restore")
        assert Article.with_trashed.filter(slug="binned").exists() == (action == "restore")
    else:
        assert admin_outcome(shown) == admin_outcome(listing) == want
        assert snapshot() == before, f"admin {action} by {role} was refused but wrote"


@pytest.mark.parametrize("role", ROLES)
def test_admin_add_correction(world, role):
    state, make = world
    before = snapshot()
    client = make(role, "session", CASES["add_correction"])
    page = f"/admin/articles/article/{state.live.pk}/change/"
    shown = client.get(page)
    offered = shown.status_code == 200 and b'name="correction_text"' in shown.content
    want = ADMIN_ADD_CORRECTION[role]
    assert offered == (want == OK), f"add_correction by {role}: form offered {offered}"
    note = {"correction_kind": "correction", "correction_text": "Fixed."}
    response = client.post(f"/admin/articles/article/{state.live.pk}/corrections/add/", note)
    got = admin_outcome(response)
    assert got == want, f"add_correction by {role}: {got}, expected {want}"
    if want == OK:
        assert effect_happened("add_correction", state, before)
    else:
        assert snapshot() == before, f"add_correction by {role} was refused but wrote"

"""What normalised caches (Relay's store, urql's graphcache, Apollo's InMemoryCache) rely on:
every global ID names exactly one type, node(id:) answers each type only to those who may
see it, and the schema says what is never null."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from graphql import (
    FieldNode,
    NameNode,
    SelectionSetNode,
    Visitor,
    get_named_type,
    get_nullable_type,
    is_list_type,
    is_non_null_type,
    parse,
    print_ast,
    print_schema,
    visit,
)
from graphql_relay import from_global_id, to_global_id

from articles import previews
from articles.models import Article, ArticleStatus
from cms import scopes, tokens
from comments import form_tokens
from comments.models import Comment, CommentStatus
from config.schema import schema
from tests.api import assert_queries, gql
from tests.conftest import profile
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    SectionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


def as_token(user: Any, scope_list: list[str]) -> Client:
    _, plaintext = tokens.token_create(owner=user, name="t", scopes=scope_list)
    return Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")


class _AddTypename(Visitor):
    """What Apollo and urql do to every document: ask each object's __typename."""

    def leave_selection_set(self, node: SelectionSetNode, *args: Any) -> SelectionSetNode:
        typename = FieldNode(name=NameNode(value="__typename"), arguments=(), directives=())
        return SelectionSetNode(selections=(*node.selections, typename))


def with_typenames(document: str) -> str:
    return print_ast(visit(parse(document), _AddTypename()))


def objects(value: Any) -> list[dict[str, Any]]:
    """Every object in a response, nested ones included."""
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        found.append(value)
        for item in value.values():
            found.extend(objects(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(objects(item))
    return found


POST_PAGE = """query($slug: String!) {
  article(slug: $slug) {
    id slug title publishedAt readingTimeMinutes viewCount commentCount commentFormToken
    status version
    section { id slug name description }
    authors { id slug name bio website avatarUrl articleCount }
    tags { id slug name }
    coverImage { url alt }
    seo { title description canonicalUrl }
    comments(first: 20) { totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { id parentId authorName bodyHtml createdAt } } }
  }
  articles(first: 5, orderBy: PUBLISHED_AT_DESC) {
    edges { node { id slug authors { id name } section { id name } tags { id name } } } }
  sections { id slug }
  tags { id slug }
  authors(first: 5) { edges { node { id slug articleCount } } }
}"""

ARTICLE_FIELDS = """id slug status version publishedAt url commentFormToken
  section { id name } authors { id name articleCount } tags { id name }
  seo { title canonicalUrl } comments { totalCount }"""
CREATE = (
    "mutation($input: ArticleInput!) { createArticle(input: $input) "
    "{ slug title url status version article { " + ARTICLE_FIELDS + " } errors { code } } }"
)
UPDATE = (
    "mutation($slug: String!, $v: Int!) { updateArticle(slug: $slug, expectedVersion: $v, "
    'input: {subtitle: "Now with a subtitle"}) { article { '
    + ARTICLE_FIELDS
    + " } errors { code } } }"
)
QUEUE = """{ moderationQueue(first: 10) { totalCount
  edges { node { id article parentId status authorName createdAt moderatedAt } } } }"""
MODERATE = """mutation($id: ID!) { moderateComment(id: $id, status: APPROVED) {
  comment { id status parentId } errors { code } } }"""
SUBMIT = """mutation($input: SubmitCommentInput!) { submitComment(input: $input) {
  comment { id parentId authorName bodyHtml createdAt } status commenterToken
  errors { field code } } }"""


def test_every_global_id_names_one_type_across_reads_and_writes(editor):
    """The post page, the writes and moderation, as an editor's front-end runs them: each
    id in all the responses comes with one __typename, and decodes to that type."""
    town = SectionFactory(slug="town", name="Town")
    maya = AuthorFactory(slug="maya")
    harbour = TagFactory(slug="harbour")
    live = ArticleFactory(slug="live", section=town, authors=[maya], tags=[harbour])
    root = CommentFactory(article=live, status=CommentStatus.APPROVED)
    CommentFactory(article=live, status=CommentStatus.APPROVED, parent=root, depth=1)
    pending = CommentFactory(article=live, parent=root, depth=1)
    client = as_token(editor, list(scopes.ALL_SCOPES))

    responses = []

    def run(document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        _, body = gql(client, with_typenames(document), variables)
        assert "errors" not in body, body
        responses.append(body["data"])
        return body["data"]

    run(POST_PAGE, {"slug": "live"})
    created = run(CREATE, {"input": {"title": "Wire", "section": "town", "authors": ["maya"],
                                     "tags": ["harbour"]}})["createArticle"]  # fmt: skip
    run(UPDATE, {"slug": created["slug"], "v": created["version"]})
    queue = run(QUEUE)["moderationQueue"]
    run(MODERATE, {"id": to_global_id("ModeratedComment", pending.pk)})
    token = form_tokens.issue(live.pk)
    run(SUBMIT, {"input": {"articleSlug": "live", "authorName": "Ann", "authorEmail":
                           "ann@example.com", "body": "Well said.", "formToken": token,
                           "parentId": to_global_id("Comment", root.pk)}})  # fmt: skip
    for node_id in [edge["node"]["id"] for edge in queue["edges"]]:
        run('query($id: ID!) { node(id: $id) { id ... on ModeratedComment { status } } }',
            {"id": node_id})  # fmt: skip

    typenames: dict[str, set[str]] = {}
    for data in responses:
        for obj in objects(data):
            assert "__typename" in obj
            if "id" in obj:
                typenames.setdefault(obj["id"], set()).add(obj["__typename"])
    assert typenames, "the responses hold identified objects"
    assert {i: t for i, t in typenames.items() if len(t) > 1} == {}
    for node_id, (typename,) in typenames.items():
        assert from_global_id(node_id)[0] == typename
    kinds = {t for (t,) in typenames.values()}
    assert kinds == {"Article", "Author", "Section", "Tag", "Comment", "ModeratedComment"}
    # The same comment appears as a Comment (the thread) and as a ModeratedComment (the
    # queue), under two IDs: never one ID with two typenames.
    assert to_global_id("Comment", root.pk) in typenames
    assert to_global_id("ModeratedComment", root.pk) in typenames


def test_a_draft_written_through_graphql_resolves_every_article_field(editor):
    SectionFactory(slug="town")
    AuthorFactory(slug="maya")
    client = as_token(editor, list(scopes.ALL_SCOPES))
    _, body = gql(client, CREATE, {"input": {"title": "Wire", "section": "town",
                                             "authors": ["maya"]}})  # fmt: skip
    payload = body["data"]["createArticle"]
    assert payload["errors"] == []
    article = payload["article"]
    stored = Article.objects.get()
    assert article["id"] == to_global_id("Article", stored.pk)
    assert (article["status"], article["version"], article["publishedAt"]) == ("DRAFT", 1, None)
    assert (payload["status"], payload["version"], payload["slug"]) == ("DRAFT", 1, stored.slug)
    assert article["authors"][0]["name"] == stored.bylines.get().author.name
    assert article["authors"][0]["articleCount"] == 0  # nothing of theirs is live
    assert stored.section is not None
    assert article["section"]["id"] == to_global_id("Section", stored.section.pk)
    assert article["commentFormToken"]
    assert article["url"]
    assert article["seo"]["canonicalUrl"] == article["url"]
    assert article["comments"] == {"totalCount": 0}


@pytest.mark.parametrize(
    ("scope_list", "readable"),
    [
        ([scopes.CONTENT_WRITE, scopes.CONTENT_PREVIEW], True),
        ([scopes.CONTENT_WRITE], False),  # may write drafts, not read them
    ],
)
def test_a_write_answers_the_article_only_to_who_may_read_it(editor, scope_list, readable):
    client = as_token(editor, scope_list)
    _, body = gql(client, CREATE, {"input": {"title": "Wire"}})
    payload = body["data"]["createArticle"]
    assert payload["errors"] == []
    assert (payload["article"] is not None) == readable
    # Where the draft stands, either way: enough to update it next; what REST's short answer
    # (EditedArticleRef) says too.
    assert (payload["status"], payload["version"]) == ("DRAFT", 1)
    stored = Article.objects.get()
    rest = as_token(editor, scope_list).patch(
        f"/api/v1/articles/{stored.slug}/",
        {"subtitle": "Sub"},
        content_type="application/json",
        HTTP_IF_MATCH='"v1"',
    )
    expected = {"slug": stored.slug, "title": "Wire", "url": rest.json()["url"]}
    assert {key: payload[key] for key in expected} == expected
    assert ("body_html" in rest.json()) == readable


def test_publishing_answers_the_article_once_anyone_may_read_it(author):
    ArticleFactory(slug="now", status=ArticleStatus.DRAFT, authors=[profile(author)])
    ArticleFactory(slug="later", status=ArticleStatus.DRAFT, authors=[profile(author)])
    publisher = as_token(author, [scopes.CONTENT_PUBLISH])  # no content:preview
    query = (
        "mutation($slug: String!, $at: DateTime) { publishArticle(slug: $slug, publishedAt: $at) "
        "{ status publishedAt article { status version } errors { code } } }"
    )
    _, body = gql(publisher, query, {"slug": "now"})
    now = body["data"]["publishArticle"]
    assert now["article"] == {"status": "PUBLISHED", "version": 2}  # live: the writer sees state
    future = (timezone.now() + timedelta(days=2)).isoformat()
    _, body = gql(publisher, query, {"slug": "later", "at": future})
    later = body["data"]["publishArticle"]
    assert (later["status"], later["article"], later["errors"]) == ("SCHEDULED", None, [])
    assert later["publishedAt"].endswith("+00:00")


def test_delete_answers_the_id_of_what_is_gone(editor):
    draft = ArticleFactory(slug="d", status=ArticleStatus.DRAFT)
    client = as_token(editor, list(scopes.ALL_SCOPES))
    article_id = to_global_id("Article", draft.pk)
    _, body = gql(client, 'mutation { deleteArticle(slug: "d") { deletedId errors { code } } }')
    assert body["data"]["deleteArticle"] == {"deletedId": article_id, "errors": []}
    _, body = gql(client, f'{{ node(id: "{article_id}") {{ id }} }}')
    assert body["data"]["node"] is None


def test_a_submitted_comment_is_the_readers_comment_and_no_more(client):
    live = ArticleFactory(slug="live")
    token = form_tokens.issue(live.pk)
    variables = {
        "input": {
            "articleSlug": "live",
            "authorName": "Ann",
            "authorEmail": "ann@secret.example",
            "body": "Well said.",
            "formToken": token,
        }
    }
    response, body = gql(client, SUBMIT, variables)
    payload = body["data"]["submitComment"]
    stored = Comment.objects.get()
    assert payload["comment"]["id"] == to_global_id("Comment", stored.pk)
    assert payload["comment"]["authorName"] == "Ann"
    assert payload["status"] in ("PENDING", "APPROVED")
    assert "ann@secret.example" not in response.content.decode()
    # node() shows readers approved comments only.
    _, body = gql(client, f'{{ node(id: "{payload["comment"]["id"]}") {{ id }} }}')
    assert body["data"]["node"] is None


# --- node(id:) for each type, and who it answers -------------------------------------------

NODE = "query($id: ID!) { node(id: $id) { __typename id } }"


def node(client: Client, node_id: str) -> Any:
    _, body = gql(client, NODE, {"id": node_id})
    assert "errors" not in body, body
    return body["data"]["node"]


@pytest.mark.parametrize("kind", ["Section", "Tag"])
def test_sections_and_tags_round_trip_and_hide_unpublished_plans(client, editor, kind):
    factory = SectionFactory if kind == "Section" else TagFactory
    public, secret = factory(slug="public"), factory(slug="secret")
    if kind == "Section":
        ArticleFactory(section=public)
        ArticleFactory(section=secret, status=ArticleStatus.DRAFT)
    else:
        ArticleFactory(tags=[public])
        ArticleFactory(tags=[secret], status=ArticleStatus.DRAFT)
    field = "sections" if kind == "Section" else "tags"
    _, body = gql(client, f"{{ {field} {{ id slug }} }}")
    (listed,) = body["data"][field]
    assert listed == {"id": to_global_id(kind, public.pk), "slug": "public"}
    assert node(client, listed["id"]) == {"__typename": kind, "id": listed["id"]}
    # Only drafts use it: no one learns of it through node(), editors included (the public
    # listings' rule).
    for who in (client, as_token(editor, list(scopes.ALL_SCOPES))):
        assert node(who, to_global_id(kind, secret.pk)) is None


def test_byline_authors_are_author_nodes(client):
    maya = AuthorFactory(slug="maya", website="https://maya.example")
    ArticleFactory(slug="a", authors=[maya])
    _, body = gql(client, '{ article(slug: "a") { authors { id slug website articleCount } } }')
    (byline,) = body["data"]["article"]["authors"]
    author_id = to_global_id("Author", maya.pk)
    assert byline == {"id": author_id, "slug": "maya", "website": "https://maya.example",
                      "articleCount": 1}  # fmt: skip
    assert node(client, author_id) == {"__typename": "Author", "id": author_id}


BYLINE_PROFILE = "authors { slug name bio website articleCount }"
UNPUBLISHED_PROFILE = {"slug": "newcomer", "name": "New Comer", "bio": "", "website": "",
                       "articleCount": 0}  # fmt: skip


def newcomer() -> Any:
    """An author credited on nothing live yet, with a profile that is not public."""
    return AuthorFactory(slug="newcomer", name="New Comer", bio="Secret plans.",
                         website="https://newcomer.example")  # fmt: skip


def test_a_preview_shows_no_profile_of_an_author_without_published_work(client, editor):
    """What REST's preview shows of the byline (slug, name, avatar), no more: the profile is
    public from the author's first published article, as /authors/ has it."""
    author = newcomer()
    draft = ArticleFactory(slug="embargo", status=ArticleStatus.DRAFT, authors=[author])
    token = previews.issue(draft, editor)
    query = (
        f'query($t: String) {{ article(slug: "embargo", previewToken: $t) {{ {BYLINE_PROFILE} }} }}'
    )
    response, body = gql(client, query, {"t": token})
    assert body["data"]["article"]["authors"] == [UNPUBLISHED_PROFILE]
    assert "Secret plans" not in response.content.decode()
    rest = client.get("/api/v1/articles/embargo/", {"preview": token}).json()
    assert rest["authors"] == [{"slug": "newcomer", "name": "New Comer", "avatar_url": None}]
    assert client.get("/api/v1/authors/newcomer/").status_code == 404
    _, body = gql(client, '{ author(slug: "newcomer") { bio } }')
    assert body["data"]["author"] is None
    assert node(client, to_global_id("Author", author.pk)) is None


def test_a_write_payload_shows_no_profile_of_an_author_without_published_work(editor):
    newcomer()
    client = as_token(editor, list(scopes.ALL_SCOPES))
    query = (
        "mutation($input: ArticleInput!) { createArticle(input: $input) "
        f"{{ article {{ {BYLINE_PROFILE} }} errors {{ code }} }} }}"
    )
    response, body = gql(client, query, {"input": {"title": "Wire", "authors": ["newcomer"]}})
    payload = body["data"]["createArticle"]
    assert payload["errors"] == []
    assert payload["article"]["authors"] == [UNPUBLISHED_PROFILE]
    assert "Secret plans" not in response.content.decode()


def test_a_profile_is_public_from_the_first_published_article(client):
    author = newcomer()
    ArticleFactory(slug="draft", status=ArticleStatus.DRAFT, authors=[author])
    ArticleFactory(slug="live", authors=[author])
    _, body = gql(client, f'{{ article(slug: "live") {{ {BYLINE_PROFILE} }} }}')
    assert body["data"]["article"]["authors"] == [
        {
            **UNPUBLISHED_PROFILE,
            "bio": "Secret plans.",
            "website": "https://newcomer.example",
            "articleCount": 1,
        }
    ]


def moderator_and_readers(editor: Any, author: Any) -> tuple[Client, list[Client]]:
    moderator = as_token(editor, [scopes.COMMENTS_MODERATE])
    readers = [
        Client(),  # anonymous
        as_token(editor, [scopes.CONTENT_READ]),  # an editor's token without the scope
        as_token(author, [scopes.COMMENTS_MODERATE]),  # the scope without the role
    ]
    return moderator, readers


def test_a_moderated_comment_is_a_node_for_moderators_only(editor, author):
    pending = CommentFactory(status=CommentStatus.PENDING)
    approved = CommentFactory(status=CommentStatus.APPROVED)
    moderator, readers = moderator_and_readers(editor, author)
    for comment in (pending, approved):
        moderated_id = to_global_id("ModeratedComment", comment.pk)
        assert node(moderator, moderated_id) == {
            "__typename": "ModeratedComment",
            "id": moderated_id,
        }
        for reader in readers:
            assert node(reader, moderated_id) is None
    # The reader's identity of the same approved comment is a Comment, for anyone.
    comment_id = to_global_id("Comment", approved.pk)
    for who in (moderator, *readers):
        assert node(who, comment_id) == {"__typename": "Comment", "id": comment_id}
    assert node(moderator, to_global_id("Comment", pending.pk)) is None


@pytest.mark.parametrize("kind", ["ModeratedComment", "Comment"])
def test_moderate_comment_takes_either_id_and_answers_the_moderated_comment(editor, kind):
    comment = CommentFactory()
    moderator = as_token(editor, [scopes.COMMENTS_MODERATE])
    _, body = gql(moderator, MODERATE, {"id": to_global_id(kind, comment.pk)})
    assert body["data"]["moderateComment"] == {
        "comment": {
            "id": to_global_id("ModeratedComment", comment.pk),
            "status": "APPROVED",
            "parentId": None,
        },
        "errors": [],
    }


def test_moderate_comment_refuses_other_ids(editor):
    comment = CommentFactory()
    moderator = as_token(editor, [scopes.COMMENTS_MODERATE])
    for wrong in (to_global_id("Article", comment.article_id), "nonsense"):
        _, body = gql(moderator, MODERATE, {"id": wrong})
        assert body["data"]["moderateComment"]["errors"] == [{"code": "NOT_FOUND"}]
    assert Comment.objects.get().status == CommentStatus.PENDING


# --- the byline's authors cost no query per article ------------------------------------------


def test_author_profiles_and_counts_are_one_query_for_any_number_of_articles(client):
    """A byline carries no profile: bio, website and articleCount come from one query for
    every byline author in the response, and only when one of them is asked."""
    without = """{ articles(first: 50) { edges { node { slug
        authors { id name avatarUrl } } } } }"""
    profiles = [
        without.replace("avatarUrl", f"avatarUrl {asked}")
        for asked in ("bio", "website", "articleCount", "bio website articleCount")
    ]

    def make() -> None:
        authors = [AuthorFactory(bio="Writes."), AuthorFactory(bio="Also writes.")]
        ArticleFactory(authors=authors, tags=[TagFactory()])

    make()
    # The page (ids and rows in one statement), the bylines; and the profiles, when asked.
    with assert_queries(2):
        gql(client, without)
    for query in profiles:
        with assert_queries(3):
            _, body = gql(client, query)
    authors = [a for e in body["data"]["articles"]["edges"] for a in e["node"]["authors"]]
    assert [(a["bio"], a["articleCount"]) for a in authors] == [("Writes.", 1), ("Also writes.", 1)]
    for _ in range(49):
        make()
    with assert_queries(2):
        gql(client, without)
    for query in profiles:
        with assert_queries(3):
            _, body = gql(client, query)
    bios = [a["bio"] for e in body["data"]["articles"]["edges"] for a in e["node"]["authors"]]
    assert bios.count("Writes.") == 50


# --- the schema's shape ---------------------------------------------------------------------


def test_connections_edges_and_nodes_are_non_null():
    connections = [t for name, t in schema.graphql_schema.type_map.items()
                   if name.endswith("Connection")]  # fmt: skip
    assert len(connections) >= 4
    for connection in connections:
        edges = connection.fields["edges"].type
        assert is_non_null_type(edges)
        assert is_list_type(get_nullable_type(edges))
        edge_item = get_nullable_type(edges).of_type
        assert is_non_null_type(edge_item), connection.name
        assert is_non_null_type(get_named_type(edge_item).fields["node"].type), connection.name


def test_every_mutation_answers_a_non_null_payload_named_for_it():
    mutation = schema.graphql_schema.mutation_type
    assert mutation is not None
    for name, field in mutation.fields.items():
        assert is_non_null_type(field.type), name
        assert get_named_type(field.type).name.endswith("Payload"), name


def test_no_type_repeats_another_types_id_under_its_own_name():
    """Only Node types have an `id` field (a payload or a wrapper with one would be a second
    typename for an ID)."""
    node_types = {t.name for t in schema.graphql_schema.get_possible_types(
        schema.graphql_schema.type_map["Node"])}  # fmt: skip
    with_id = {name for name, t in schema.graphql_schema.type_map.items()
               if not name.startswith("__") and hasattr(t, "fields") and "id" in t.fields
               and not hasattr(t, "resolve_type")}  # fmt: skip
    assert with_id == node_types
    assert {"Article", "Author", "Section", "Tag", "Comment", "ModeratedComment"} <= node_types


def test_date_times_are_specified_and_read_strictly(client, editor):
    sdl = print_schema(schema.graphql_schema)
    rfc = '@specifiedBy(url: "https://datatracker.ietf.org/doc/html/rfc3339")'
    assert f"scalar DateTime {rfc}" in sdl
    ArticleFactory(slug="d", status=ArticleStatus.DRAFT)
    client.force_login(editor)
    query = 'mutation($at: DateTime) { publishArticle(slug: "d", publishedAt: $at) { status } }'
    for no_offset in ("2030-01-01T10:00:00", "2030-01-01", "tomorrow"):
        response, body = gql(client, query, {"at": no_offset})
        assert response.status_code == 400, no_offset
        assert "RFC 3339" in body["errors"][0]["message"]
    assert Article.objects.get().status == ArticleStatus.DRAFT
    _, body = gql(client, query, {"at": "2030-01-01T10:00:00Z"})
    assert body["data"]["publishArticle"]["status"] == "SCHEDULED"
    _, body = gql(client, '{ article(slug: "d") { publishedAt updatedAt } }')
    emitted = body["data"]["article"]
    assert emitted["publishedAt"] == "2030-01-01T10:00:00+00:00"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00", emitted["updatedAt"])

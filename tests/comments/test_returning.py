"""Auto-approval of returning commenters: a commenter token from an approved comment, the same
name and email, no links, no staff name. Through REST and GraphQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import signing
from django.test import Client

from cms import scopes, tokens
from comments import form_tokens, returning
from comments.models import Comment, CommentStatus
from tests.api import gql
from tests.factories import ArticleFactory, AuthorFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 6, 1, 12, 0, 10, tzinfo=UTC)
SUBMIT = """mutation($input: SubmitCommentInput!) { submitComment(input: $input) {
    comment { id } status commenterToken errors { field code message } } }"""


@pytest.fixture(autouse=True)
def clock(settings):
    settings.COMMENTS_AUTO_APPROVE_RETURNING = True
    with time_machine.travel(START, tick=False) as clock:
        yield clock


def _form(article, clock):
    """A form token shown long enough ago to pass the timing check."""
    token = form_tokens.issue(article.pk)
    clock.shift(timedelta(seconds=5))
    return token


def rest(article, clock, ip="203.0.113.7", **fields):
    body = {
        "author_name": "Ruth Okafor",
        "author_email": "ruth@example.net",
        "body": "A fair point.",
        "form_token": _form(article, clock),
    }
    body.update(fields)
    body = {k: v for k, v in body.items() if v is not None}  # None: leave the field out
    response = Client(REMOTE_ADDR=ip).post(
        f"/api/v1/articles/{article.slug}/comments/",
        json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    answer = response.json()
    return answer["status"], answer["commenter_token"]


def graphql(article, clock, ip="203.0.113.8", **fields):
    variables = {
        "articleSlug": article.slug,
        "authorName": "Ruth Okafor",
        "authorEmail": "ruth@example.net",
        "body": "A fair point.",
        "formToken": _form(article, clock),
    }
    variables.update({_camel(k): v for k, v in fields.items()})
    variables = {k: v for k, v in variables.items() if v is not None}
    _, body = gql(Client(REMOTE_ADDR=ip), SUBMIT, {"input": variables})
    result = body["data"]["submitComment"]
    assert result["errors"] == []
    # GraphQL answers the enum's name (PENDING), REST its value (pending).
    status = CommentStatus[result["status"]].value
    return status, result["commenterToken"]


def _camel(name: str) -> str:
    head, *rest_ = name.split("_")
    return head + "".join(part.title() for part in rest_)


SENDERS = [pytest.param(rest, id="rest"), pytest.param(graphql, id="graphql")]


def approved_token(article, clock, send, **fields):
    """Submit, have a moderator approve it, and return the commenter token."""
    status, token = send(article, clock, body="My first comment here.", **fields)
    assert status == "pending"
    Comment.objects.filter(pk=Comment.objects.latest("id").pk).update(status=CommentStatus.APPROVED)
    return token


@pytest.mark.parametrize("send", SENDERS)
def test_an_approved_commenter_with_their_token_goes_live(send, clock):
    article = ArticleFactory()
    token = approved_token(article, clock, send)
    status, again = send(article, clock, body="Back again.", commenter_token=token)
    assert status == "approved"
    assert Comment.objects.latest("id").status == CommentStatus.APPROVED
    # The new comment's own token works as well as the old one.
    status, _ = send(article, clock, body="And again.", commenter_token=again)
    assert status == "approved"


@pytest.mark.parametrize("send", SENDERS)
def test_off_by_default(send, clock, settings):
    article = ArticleFactory()
    token = approved_token(article, clock, send)
    settings.COMMENTS_AUTO_APPROVE_RETURNING = False
    assert send(article, clock, body="Back again.", commenter_token=token)[0] == "pending"


@pytest.mark.parametrize("send", SENDERS)
def test_a_token_for_a_comment_still_pending_or_later_removed_approves_nothing(send, clock):
    article = ArticleFactory()
    _, pending_token = send(article, clock, body="Waiting.")
    assert send(article, clock, body="Again.", commenter_token=pending_token)[0] == "pending"
    token = approved_token(article, clock, send, author_email="other@example.net")
    Comment.objects.filter(status=CommentStatus.APPROVED).update(status=CommentStatus.REMOVED)
    answer = send(
        article, clock, body="Third.", author_email="other@example.net", commenter_token=token
    )
    assert answer[0] == "pending"


@pytest.mark.parametrize("send", SENDERS)
@pytest.mark.parametrize(
    ("why", "fields"),
    [
        ("known email, another name", {"author_name": "Someone Else"}),
        (
            "known email, other case, another name",
            {"author_email": "RUTH@Example.NET", "author_name": "R. Okafor"},
        ),
        ("same name, another email", {"author_email": "ruth@elsewhere.example"}),
        ("a link in the body", {"body": 'See <a href="https://news.example/">this</a>'}),
        ("an address in the text", {"body": "See news.example/story for more"}),
        ("a held comment (no form token)", {"form_token": None}),
        ("spam (honeypot)", {"website": "x"}),
        ("a name alike only to the old folding (t~u~r)", {"author_name": "Rurh Okafor"}),
        ("direction controls", {"body": "c\u202eonisa"}),
    ],
)
def test_a_valid_token_approves_nothing_that_differs(send, why, fields, clock):
    article = ArticleFactory()
    token = approved_token(article, clock, send)
    status, _ = send(article, clock, commenter_token=token, **fields)
    assert status != "approved", why
    assert Comment.objects.filter(status=CommentStatus.APPROVED).count() == 1


@pytest.mark.parametrize("send", SENDERS)
@pytest.mark.parametrize(
    "name",
    [
        "Priya Nandakumar",
        "Priya Nandakumar (Editor)",
        "PRIYA  NANDAKUMAR",
        "Priya Nandakumár",
        "Priya Nandakum\u0430r",  # a Cyrillic a
        "Priya\u200b Nandakumar",
        "Editor: Priya-Nandakumar",
        "Sam Reyes, staff",
        "ᴘʀɪʏᴀ ɴᴀɴᴅᴀᴋᴜᴍᴀʀ",  # small capitals
        "Nandakumar, Priya",
        "Priya N.",
        "P. Nandakumar",
        "Nandakumar P",
        "P r i y a",
        "PriyaNandakumar",
        "editor",
        "Admin",
        "The Moderators",
        "Contributor",
        "sreyes",
        "W. Li",
        "Li W",
    ],
)
def test_a_staff_name_is_never_approved_even_with_a_valid_token(send, name, clock):
    AuthorFactory(name="Priya Nandakumar")
    AuthorFactory(name="Wei Li")
    UserFactory(username="sreyes", first_name="Sam", last_name="Reyes")
    article = ArticleFactory()
    # Even a reader whose earlier comment under that very name a moderator approved.
    token = approved_token(article, clock, send, author_name=name)
    status, _ = send(article, clock, author_name=name, body="Official word.", commenter_token=token)
    assert status == "pending"


@pytest.mark.parametrize("send", SENDERS)
def test_forged_expired_or_overlong_tokens_are_ignored_not_errors(send, clock, settings):
    article = ArticleFactory()
    token = approved_token(article, clock, send)
    comment_id = Comment.objects.get(status=CommentStatus.APPROVED).pk
    forged = signing.dumps({"c": comment_id}, salt="another.salt")
    for bad in (forged, "garbage", "x" * 5000, token[:-2] + "zz"):
        assert (
            send(article, clock, body=f"Try {len(bad)} {bad[-3:]}", commenter_token=bad)[0]
            == "pending"
        )
    clock.shift(timedelta(days=settings.COMMENTS_RETURNING_TOKEN_DAYS + 1))
    assert send(article, clock, body="A year on.", commenter_token=token)[0] == "pending"


def test_the_token_handed_back_keeps_proving_an_approved_comment():
    article = ArticleFactory()
    approved = CommentFactory(article=article, status=CommentStatus.APPROVED)
    pending = CommentFactory(article=article)
    kept = returning.issue(approved)
    assert returning.token_after(pending, kept) == kept
    assert returning.credential(returning.token_after(pending, "garbage")) is None
    assert returning.credential(returning.token_after(approved, None)) == approved


@pytest.mark.parametrize("send", SENDERS)
@pytest.mark.parametrize("name", ["Ruth Okafor", "Truth Seeker", "Pri Yam", "Lily Weiss"])
def test_a_name_that_merely_resembles_a_staff_name_still_goes_live(send, name, clock):
    AuthorFactory(name="Priya Nandakumar")
    AuthorFactory(name="Wei Li")
    UserFactory(username="sreyes", first_name="Sam", last_name="Reyes")
    article = ArticleFactory()
    token = approved_token(article, clock, send, author_name=name)
    status, _ = send(article, clock, author_name=name, body="Back.", commenter_token=token)
    assert status == "approved"


@pytest.mark.parametrize("send", SENDERS)
def test_blocked_words_make_a_returning_commenters_comment_spam(send, clock, settings):
    settings.COMMENTS_BLOCKED_WORDS = ["casino"]
    article = ArticleFactory()
    token = approved_token(article, clock, send)
    status, _ = send(article, clock, body="Best c a s i n o here", commenter_token=token)
    assert status == "pending"  # what the sender is told
    assert Comment.objects.latest("id").status == CommentStatus.SPAM


def make_token(user):
    _, plaintext = tokens.token_create(owner=user, name="t", scopes=[scopes.COMMENTS_MODERATE])
    return plaintext


def _moderate_rest(comment_id, status, moderator):
    response = Client(HTTP_AUTHORIZATION=f"Bearer {moderator}").patch(
        f"/api/v1/comments/{comment_id}/",
        json.dumps({"status": status}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("send", SENDERS)
@pytest.mark.parametrize("verdict", ["removed", "spam"])
def test_moderating_a_later_comment_takes_the_token_away(send, verdict, clock, editor):
    moderator = make_token(editor)
    article = ArticleFactory()
    token = approved_token(article, clock, send)
    status, _ = send(article, clock, body="Live at once.", commenter_token=token)
    assert status == "approved"
    _moderate_rest(Comment.objects.latest("id").pk, verdict, moderator)
    # The first token still names an approved comment, but its holder is no longer trusted.
    status, handed_back = send(article, clock, body="Trying again.", commenter_token=token)
    assert status == "pending"
    assert handed_back != token
    # A moderator approving a new comment gives the reader a working token again.
    _moderate_rest(Comment.objects.latest("id").pk, "approved", moderator)
    assert send(article, clock, body="Trusted again.", commenter_token=handed_back)[0] == (
        "approved"
    )
    assert send(article, clock, body="And the old one?", commenter_token=token)[0] == "pending"


@pytest.mark.parametrize("send", SENDERS)
def test_spam_sent_with_a_token_takes_the_token_away(send, clock):
    article = ArticleFactory()
    token = approved_token(article, clock, send)
    assert send(article, clock, body="Buy now", website="bot", commenter_token=token)[0] == (
        "pending"
    )
    assert send(article, clock, body="Innocent again.", commenter_token=token)[0] == "pending"


@pytest.mark.parametrize("send", SENDERS)
def test_a_held_comment_does_not_cost_the_reader_their_token(send, clock):
    article = ArticleFactory()
    token = approved_token(article, clock, send)
    status, handed_back = send(
        article, clock, body="See news.example/story for more", commenter_token=token
    )
    assert status == "pending"
    assert handed_back == token
    assert send(article, clock, body="No link now.", commenter_token=handed_back)[0] == ("approved")

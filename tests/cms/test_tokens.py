"""API tokens: shown once, stored hashed, checked on every request, narrowed by scopes."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from articles.models import ArticleStatus
from cms import scopes, tokens
from cms.access import Action, can
from cms.actors import actor_from_request
from cms.errors import ValidationFailed
from cms.models import ApiToken
from tests.api import gql
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def editor_token(editor):
    return tokens.token_create(owner=editor, name="wire", scopes=[scopes.CONTENT_READ])


def test_the_secret_is_shown_once_and_never_stored(editor):
    token, plaintext = tokens.token_create(
        owner=editor, name="newsletter", scopes=[scopes.CONTENT_READ]
    )
    assert plaintext.startswith(f"byl_{token.prefix}_")
    # The secret is URL-safe base64, which may itself hold "_": cut the prefix, do not split.
    secret = plaintext.removeprefix(f"byl_{token.prefix}_")
    assert len(secret) >= 32
    stored = json.dumps(list(ApiToken.objects.values()), default=str)
    assert secret not in stored
    assert len(token.digest) == 64
    assert tokens.authenticate(plaintext).pk == token.pk


def test_many_tokens_per_owner(editor):
    first = tokens.token_create(owner=editor, name="a", scopes=[])[0]
    second = tokens.token_create(owner=editor, name="b", scopes=[])[0]
    assert first.prefix != second.prefix
    assert editor.api_tokens.count() == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"scopes": ["content:everything"]}, "scopes"),
        ({"name": "  "}, "name"),
        ({"expires_at": timezone.now() - timedelta(days=1)}, "expires_at"),
    ],
)
def test_bad_token_requests_are_refused(editor, fields, field):
    from cms.errors import ValidationFailed

    arguments = {"owner": editor, "name": "x", "scopes": []} | fields
    with pytest.raises(ValidationFailed) as refused:
        tokens.token_create(**arguments)
    assert field in refused.value.errors


def test_a_valid_token_reads_the_api_privately(client, editor_token):
    ArticleFactory(slug="live")
    response = client.get("/api/v1/articles/live/", **bearer(editor_token[1]))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")


@pytest.mark.parametrize(
    "presented",
    ["nonsense", "byl_abc_def", "byl__", "Basic dXNlcjpwdw==", "byl_000000000000_" + "x" * 43],
)
def test_wrong_tokens_are_401_never_anonymous(client, presented):
    ArticleFactory(slug="live")
    response = client.get("/api/v1/articles/live/", HTTP_AUTHORIZATION=f"Bearer {presented}")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_token"
    assert response["WWW-Authenticate"].startswith("Bearer")
    _, body = gql(Client(), "{ tags { slug } }", HTTP_AUTHORIZATION=f"Bearer {presented}")
    assert body["errors"][0]["extensions"]["code"] == "INVALID_TOKEN"


def test_a_tampered_secret_is_refused(client, editor_token):
    plaintext = editor_token[1]
    tampered = plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B")
    assert client.get("/api/v1/tags/", **bearer(tampered)).status_code == 401


def test_revocation_takes_effect_on_the_next_request(client, editor_token):
    token, plaintext = editor_token
    assert client.get("/api/v1/tags/", **bearer(plaintext)).status_code == 200
    tokens.token_revoke(token=token)
    assert client.get("/api/v1/tags/", **bearer(plaintext)).status_code == 401


def test_expiry_takes_effect_on_the_next_request(client, editor):
    now = timezone.now()
    with time_machine.travel(now, tick=False) as clock:
        _, plaintext = tokens.token_create(
            owner=editor, name="x", scopes=[], expires_at=now + timedelta(hours=1)
        )
        assert client.get("/api/v1/tags/", **bearer(plaintext)).status_code == 200
        clock.shift(timedelta(hours=1, seconds=1))
        assert client.get("/api/v1/tags/", **bearer(plaintext)).status_code == 401


def test_an_inactive_owner_disables_the_token(client, editor, editor_token):
    editor.is_active = False
    editor.save()
    assert client.get("/api/v1/tags/", **bearer(editor_token[1])).status_code == 401


def test_last_use_is_recorded_at_most_once_a_minute(client, editor_token):
    token, plaintext = editor_token
    now = timezone.now()
    with time_machine.travel(now, tick=False) as clock:
        client.get("/api/v1/tags/", **bearer(plaintext))
        first = ApiToken.objects.get(pk=token.pk).last_used_at
        assert first is not None
        clock.shift(timedelta(seconds=30))
        client.get("/api/v1/tags/", **bearer(plaintext))
        assert ApiToken.objects.get(pk=token.pk).last_used_at == first
        clock.shift(timedelta(seconds=31))
        client.get("/api/v1/tags/", **bearer(plaintext))
        later = ApiToken.objects.get(pk=token.pk).last_used_at
        assert later is not None
        assert later > first


def test_a_token_acts_as_its_owner_narrowed_to_its_scopes(rf, editor):
    from rest_framework.request import Request

    from cms.api.authentication import BearerTokenAuthentication

    draft = ArticleFactory(status=ArticleStatus.DRAFT)
    _, read_only = tokens.token_create(owner=editor, name="r", scopes=[scopes.CONTENT_READ])
    request = Request(rf.get("/", HTTP_AUTHORIZATION=f"Bearer {read_only}"))
    result = BearerTokenAuthentication().authenticate(request)
    assert result is not None
    user, _ = result
    actor = actor_from_request(request)
    assert user == editor
    assert actor.user == editor
    assert actor.scopes == frozenset({scopes.CONTENT_READ})
    assert not can(actor, Action.PUBLISH, draft)  # the editor could; this token cannot


def test_graphql_token_requests_need_no_csrf_token(editor_token):
    csrf_client = Client(enforce_csrf_checks=True)
    response, body = gql(csrf_client, "{ tags { slug } }", None, **bearer(editor_token[1]))
    assert response.status_code == 200
    assert "errors" not in body


def test_staff_create_tokens_in_the_admin_and_see_the_secret_once(client, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/cms/apitoken/add/",
        {"name": "wire importer", "scopes": [scopes.CONTENT_READ, scopes.CONTENT_WRITE]},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    token = ApiToken.objects.get()
    assert token.owner == editor
    assert token.scopes == [scopes.CONTENT_READ, scopes.CONTENT_WRITE]
    shown = next(m for m in messages if "byl_" in m)
    plaintext = shown.split(": ", 1)[1]
    assert tokens.authenticate(plaintext).pk == token.pk
    page = client.get(f"/admin/cms/apitoken/{token.pk}/change/").content.decode()
    assert plaintext not in page
    client.post(
        "/admin/cms/apitoken/", {"action": "revoke_selected", "_selected_action": [token.pk]}
    )
    assert ApiToken.objects.get().revoked_at is not None


def test_staff_see_only_their_own_tokens(client, editor, author):
    tokens.token_create(owner=editor, name="editor's", scopes=[])
    tokens.token_create(owner=author, name="author's", scopes=[])
    client.force_login(author)
    page = client.get("/admin/cms/apitoken/").content.decode()
    assert "author&#x27;s" in page
    assert "editor&#x27;s" not in page


def test_the_command_prints_the_token_once(editor):
    out, err = StringIO(), StringIO()
    call_command(
        "create_api_token", user="editor", name="ci", scope=[scopes.CONTENT_READ],
        stdout=out, stderr=err,
    )  # fmt: skip
    plaintext = out.getvalue().strip()
    assert tokens.authenticate(plaintext).name == "ci"
    assert "will not be shown again" in err.getvalue()


def _take_away(user, what: str) -> None:
    setattr(user, {"staff": "is_staff", "active": "is_active"}[what], False)
    user.save()


@pytest.mark.parametrize("what", ["staff", "active"])
def test_a_token_acts_only_while_its_owner_is_active_staff(client, editor, what):
    draft = ArticleFactory(slug="plans", status=ArticleStatus.DRAFT, title="Plans")
    _, plaintext = tokens.token_create(
        owner=editor, name="wire", scopes=[scopes.CONTENT_PREVIEW, scopes.CONTENT_WRITE]
    )
    query = '{ article(slug: "plans") { title } }'
    assert client.get("/api/v1/articles/plans/", **bearer(plaintext)).status_code == 200
    assert gql(client, query, None, **bearer(plaintext))[1]["data"]["article"] == {"title": "Plans"}
    _take_away(editor, what)
    # REST: every endpoint, reads and writes, refuses the token outright (never anonymous).
    assert client.get("/api/v1/articles/plans/", **bearer(plaintext)).status_code == 401
    assert client.get("/api/v1/tags/", **bearer(plaintext)).status_code == 401
    patch = client.patch(
        "/api/v1/articles/plans/",
        json.dumps({"title": "Changed"}),
        content_type="application/json",
        **bearer(plaintext),
    )
    assert patch.status_code == 401
    # GraphQL likewise.
    response, body = gql(client, query, None, **bearer(plaintext))
    assert response.status_code == 401
    assert "data" not in body or body["data"] is None
    mutation = (
        'mutation { updateArticle(slug: "plans", input: {title: "Changed"}) { errors { code } } }'
    )
    response, _ = gql(client, mutation, None, **bearer(plaintext))
    assert response.status_code == 401
    draft.refresh_from_db()
    assert draft.title == "Plans"


@pytest.mark.parametrize("what", ["staff", "active"])
def test_a_session_of_a_user_no_longer_staff_has_no_editorial_rights(client, editor, what):
    ArticleFactory(slug="plans", status=ArticleStatus.DRAFT, title="Plans")
    client.force_login(editor)
    assert client.get("/api/v1/articles/plans/").status_code == 200
    _take_away(editor, what)
    assert client.get("/api/v1/articles/plans/").status_code == 404
    _, body = gql(client, '{ article(slug: "plans") { title } }')
    assert body["data"]["article"] is None


def test_tokens_are_made_only_for_active_staff(editor):
    editor.is_staff = False
    editor.save()
    with pytest.raises(ValidationFailed) as refused:
        tokens.token_create(owner=editor, name="wire", scopes=[scopes.CONTENT_READ])
    assert refused.value.errors == {"owner": ["Tokens are for active staff users only."]}


def test_the_admin_offers_only_active_staff_as_token_owners(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@staff.example", "pw")
    django_user_model.objects.create_user("reader", is_staff=False)
    django_user_model.objects.create_user("gone", is_staff=True, is_active=False)
    client.force_login(admin)
    page = client.get("/admin/cms/apitoken/add/").content.decode()
    assert ">root<" in page
    assert ">reader<" not in page
    assert ">gone<" not in page

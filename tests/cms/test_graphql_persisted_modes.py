"""Persisted queries: the modes (off, allowlist), the manifest, its check and its command."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import CommandError

from cms import scopes
from cms.graphql import persisted
from tests.cms.persisted_requests import (
    ARTICLE,
    TAGS,
    code,
    extension,
    get_by_hash,
    post,
    register,
    sha,
    token_client,
)

pytestmark = pytest.mark.django_db


# --- modes -------------------------------------------------------------------------------------


def test_off_answers_not_supported_and_runs_documents_sent_whole(client, settings, harbour_tag):
    settings.GRAPHQL_PERSISTED_QUERIES = "off"
    for response in (get_by_hash(client, TAGS), register(client, TAGS)):
        assert response.status_code == 200
        assert response.json()["errors"][0] == {
            "message": "PersistedQueryNotSupported",
            "extensions": {"code": "PERSISTED_QUERY_NOT_SUPPORTED"},
        }
    assert post(client, {"query": TAGS}).json() == {"data": {"tags": [{"slug": "harbour"}]}}


def manifest(path, *documents: str, **overrides: Any) -> str:
    operations = [
        {"id": sha(d), "name": f"Op{n}", "type": "query", "body": d}
        for n, d in enumerate(documents)
    ]
    data = {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}
    path.write_text(json.dumps({**data, **overrides}))
    return str(path)


@pytest.fixture
def allowlist(settings, tmp_path):
    settings.GRAPHQL_PERSISTED_QUERIES = "allowlist"
    settings.GRAPHQL_PERSISTED_QUERIES_FILE = manifest(tmp_path / "manifest.json", TAGS, ARTICLE)


def test_allowlist_runs_listed_documents_by_hash_or_whole(client, allowlist, harbour_tag):
    assert get_by_hash(client, TAGS).json() == {"data": {"tags": [{"slug": "harbour"}]}}
    assert post(client, {"query": TAGS}).json() == {"data": {"tags": [{"slug": "harbour"}]}}
    assert register(client, TAGS).json() == {"data": {"tags": [{"slug": "harbour"}]}}
    assert get_by_hash(client, TAGS)["Cache-Control"].startswith("public, ")


def test_allowlist_refuses_anything_else_before_parsing(client, allowlist, monkeypatch):
    from cms.graphql import view

    def no_parsing(*args: Any) -> Any:
        raise AssertionError("parsed")

    monkeypatch.setattr(view, "_prepare", no_parsing)
    other = "{ sections { slug } }"
    for response in (
        post(client, {"query": other}),
        register(client, other),  # clients cannot add to the list
        get_by_hash(client, other),
        client.get("/graphql/", {"query": other}),
    ):
        assert response.status_code == 403
        assert code(response) == "PERSISTED_QUERY_NOT_ALLOWED"
        assert response["Cache-Control"] == "private, no-store"
    assert code(post(client, {"query": "{ nonsense"})) == "PERSISTED_QUERY_NOT_ALLOWED"


def test_allowlist_holds_for_tokens_and_sessions_alike(client, allowlist, editor, harbour_tag):
    other = "{ sections { slug } }"
    reader = token_client(editor, *scopes.ALL_SCOPES)
    assert code(post(reader, {"query": other})) == "PERSISTED_QUERY_NOT_ALLOWED"
    assert reader.post(
        "/graphql/", json.dumps({"query": TAGS}), content_type="application/json"
    ).json() == {"data": {"tags": [{"slug": "harbour"}]}}
    client.force_login(editor)
    assert code(get_by_hash(client, other)) == "PERSISTED_QUERY_NOT_ALLOWED"


def test_allowlist_refuses_a_listed_hash_sent_with_another_document(client, allowlist):
    response = post(client, {"query": "{ sections { slug } }", "extensions": extension(TAGS)})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["field"] == persisted.HASH_FIELD


def test_in_auto_the_manifests_documents_are_known_from_the_start(
    client, settings, tmp_path, harbour_tag
):
    settings.GRAPHQL_PERSISTED_QUERIES_FILE = manifest(tmp_path / "m.json", TAGS)
    assert get_by_hash(client, TAGS).json() == {"data": {"tags": [{"slug": "harbour"}]}}
    assert code(get_by_hash(client, ARTICLE)) == "PERSISTED_QUERY_NOT_FOUND"


# --- the manifest, its check and its command --------------------------------------------------


def e004(settings) -> list[str]:
    from cms.checks import persisted_queries_configured

    messages = persisted_queries_configured()
    assert all(isinstance(m, checks.Error) and m.id == "byline.E004" for m in messages)
    return [m.msg for m in messages]


def test_allowlist_without_a_manifest_does_not_start(settings):
    settings.GRAPHQL_PERSISTED_QUERIES = "allowlist"
    settings.GRAPHQL_PERSISTED_QUERIES_FILE = ""
    assert "needs GRAPHQL_PERSISTED_QUERIES_FILE" in e004(settings)[0]


def test_a_valid_manifest_passes_the_check(settings, tmp_path):
    settings.GRAPHQL_PERSISTED_QUERIES_FILE = manifest(tmp_path / "ok.json", TAGS)
    assert e004(settings) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"format": "relay"}, '"format" must be "apollo-persisted-query-manifest"'),
        ({"version": 2}, '"version" must be 1'),
        ({"operations": {}}, '"operations" must be a list'),
        (
            {"operations": [{"id": "0" * 64, "name": "T", "type": "query", "body": TAGS}]},
            f"operations[0].id must be the SHA-256 of its body, {sha(TAGS)}",
        ),
        (
            {"operations": [{"id": sha(TAGS), "name": "T", "type": "read", "body": TAGS}]},
            "operations[0].type must be",
        ),
        (
            {"operations": [{"id": sha(TAGS), "type": "query", "body": TAGS}]},
            "operations[0].name must be a string",
        ),
        ({"operations": ["x"]}, "operations[0] must be an object"),
    ],
)
def test_a_bad_manifest_is_named_by_the_check(settings, tmp_path, change, problem):
    path = manifest(tmp_path / f"bad{abs(hash(problem))}.json", TAGS, **change)
    settings.GRAPHQL_PERSISTED_QUERIES_FILE = path
    [message] = e004(settings)
    assert path in message
    assert problem in message


def test_an_unreadable_manifest_is_named_by_the_check(settings, tmp_path):
    (tmp_path / "broken.json").write_text("{")
    settings.GRAPHQL_PERSISTED_QUERIES_FILE = str(tmp_path / "broken.json")
    assert "is not valid JSON" in e004(settings)[0]
    settings.GRAPHQL_PERSISTED_QUERIES_FILE = str(tmp_path / "missing.json")
    assert "cannot be read" in e004(settings)[0]


def test_the_command_checks_bodies_against_the_schema_and_limits(tmp_path, capsys, settings):
    good = manifest(tmp_path / "good.json", TAGS, ARTICLE)
    call_command("check_persisted_queries", good)
    assert "2 operations, each runs here" in capsys.readouterr().out
    settings.GRAPHQL_MAX_DEPTH = 1
    bad = manifest(tmp_path / "bad.json", TAGS, "{ nosuchfield }")
    with pytest.raises(CommandError) as refused:
        call_command("check_persisted_queries", bad)
    assert "Cannot query field 'nosuchfield'" in str(refused.value)
    assert "depth" in str(refused.value)
    with pytest.raises(CommandError, match="format"):
        call_command("check_persisted_queries", manifest(tmp_path / "f.json", TAGS, format="x"))

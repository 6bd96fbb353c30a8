"""Requests as Apollo Client's persisted-query link makes them, for the persisted-query tests."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.test import Client

from cms import tokens

TAGS = "query Tags { tags { slug } }"
ARTICLE = "query Article($slug: String!) { article(slug: $slug) { slug title } }"
VIEW = "mutation View($slug: String!) { registerView(slug: $slug) { viewCount } }"


def sha(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def extension(document: str | None = None, *, digest: str | None = None, version: Any = 1):
    return {"persistedQuery": {"version": version, "sha256Hash": digest or sha(document or "")}}


def post(client: Client, body: dict[str, Any], **extra: Any):
    return client.post("/graphql/", json.dumps(body), content_type="application/json", **extra)


def get_by_hash(client: Client, document: str, variables: dict[str, Any] | None = None, **extra):
    """The request Apollo Client's link sends with useGETForHashedQueries."""
    params = {"extensions": json.dumps(extension(document))}
    if variables is not None:
        params["variables"] = json.dumps(variables)
    return client.get("/graphql/", params, **extra)


def register(client: Client, document: str, variables: dict[str, Any] | None = None, **extra):
    body = {"query": document, "variables": variables or {}, "extensions": extension(document)}
    return post(client, body, **extra)


def code(response) -> str:
    return response.json()["errors"][0]["extensions"]["code"]


def token_client(user, *scope_list: str) -> Client:
    _, plaintext = tokens.token_create(owner=user, name="t", scopes=list(scope_list))
    return Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")

"""What `make bench` measures: one table, the only place to add or change an endpoint.

Each :class:`Endpoint` says how to request it and in which parts of the run it takes part:
``inprocess`` (cold and warm p50 through Django's test client, compared across sizes),
``wrk`` (req/s through gunicorn, as a ratio of the floor), ``mix`` (its weight in the mixed
requests after which worker memory is read: a news site's traffic, mostly the front page and
articles, search, authors and the rest once in a while) and ``target`` (which of the issue's
targets applies). Paths may hold ``{slug}`` (the most commented published article) and
``{deep}`` (the deepest list page the API answers): :func:`resolve` fills them in.

An endpoint marked ``optional`` is measured when the server answers it and reported as
"n/a" otherwise, so a row for a feature still being built (persisted queries over GET) can
sit in the table before the feature lands.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import quote

Target = Literal["floor", "flat", "search", "rest", "graphql", "view", "comment", "none"]

FLOOR_PATH = "/bench/floor/"

GRAPHQL_LIST = """{ articles(first: 20) { totalCount edges { node { id slug title subtitle
  excerpt authors { slug name avatarUrl } section { slug name } tags { slug name }
  publishedAt readingTimeMinutes viewCount commentCount url } } } }"""
GRAPHQL_ARTICLE = """query($slug: String!) { article(slug: $slug) { id slug title bodyHtml
  authors { name } section { name } tags { name } publishedAt viewCount commentCount
  comments(first: 20) { totalCount edges { node { id parentId authorName bodyHtml createdAt } } }
  } }"""

# Filled in by wrk's script for each request it sends: ``{n}`` a number unique to the request,
# ``{ip}`` an IPv4 address made from it. Comments and views then come from distinct readers,
# as real traffic sends them, not one reader repeated (and held by the per-reader limits).
UNIQUE = ("{n}", "{ip}")


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    method: str = "GET"
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    inprocess: bool = True
    wrk: bool = False
    mix: int = 1
    target: Target = "flat"
    # Automatic persisted query: the document registered (POST) before it is fetched by hash.
    persisted: str | None = None
    optional: bool = False


def graphql_body(query: str, variables: dict[str, str] | None = None) -> str:
    return json.dumps({"query": query, "variables": variables or {}})


def persisted_get(query: str, variables: dict[str, str]) -> str:
    """Apollo's automatic persisted query over GET: the document's hash, never its text."""
    digest = hashlib.sha256(query.encode()).hexdigest()
    extensions = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": digest}})
    return f"/graphql/?variables={quote(json.dumps(variables))}&extensions={quote(extensions)}"


ARTICLES = "/api/v1/articles/"

ENDPOINTS: list[Endpoint] = [
    Endpoint("floor (bare Django JSON view)", FLOOR_PATH, wrk=True, target="floor"),
    Endpoint("REST list, page 1", f"{ARTICLES}?page_size=20", wrk=True, mix=10, target="rest"),
    Endpoint("REST list, deep page", f"{ARTICLES}?page_size=20&{{deep}}"),
    Endpoint("REST list, ordering=-view_count", f"{ARTICLES}?ordering=-view_count"),
    Endpoint("REST list, tag filter", f"{ARTICLES}?tag=tag-5"),
    Endpoint("REST list, section filter", f"{ARTICLES}?section=section-2"),
    Endpoint("REST list, author filter", f"{ARTICLES}?author=author-3"),
    Endpoint("REST search, 1 word", f"{ARTICLES}?search=harbour", target="search"),
    Endpoint("REST search, 3 words", f"{ARTICLES}?search=harbour+ferry+tide", target="search"),
    Endpoint("REST popular", f"{ARTICLES}popular/?days=7"),
    Endpoint("REST authors", "/api/v1/authors/"),
    Endpoint("REST sections", "/api/v1/sections/"),
    Endpoint("REST tags", "/api/v1/tags/"),
    Endpoint("REST article detail", f"{ARTICLES}{{slug}}/", wrk=True, mix=10, target="rest"),
    Endpoint("REST comments thread", f"{ARTICLES}{{slug}}/comments/", mix=4),
    Endpoint(
        "GraphQL list (POST)",
        "/graphql/",
        method="POST",
        body=graphql_body(GRAPHQL_LIST),
        wrk=True,
        mix=4,
        target="graphql",
    ),
    Endpoint(
        "GraphQL article + comments (POST)",
        "/graphql/",
        method="POST",
        body=graphql_body(GRAPHQL_ARTICLE, {"slug": "{slug}"}),
        wrk=True,
        mix=4,
        target="graphql",
    ),
    Endpoint(
        "GraphQL list (persisted, GET)",
        persisted_get(GRAPHQL_LIST, {}),
        persisted=GRAPHQL_LIST,
        inprocess=False,
        wrk=True,
        mix=4,
        target="graphql",
        optional=True,
    ),
    Endpoint(
        "GraphQL article + comments (persisted, GET)",
        persisted_get(GRAPHQL_ARTICLE, {"slug": "{slug}"}),
        persisted=GRAPHQL_ARTICLE,
        inprocess=False,
        wrk=True,
        mix=4,
        target="graphql",
        optional=True,
    ),
    Endpoint(
        "view POST",
        f"{ARTICLES}{{slug}}/views/",
        method="POST",
        body="{}",
        # A new reader each time (TRUSTED_PROXY_COUNT=1 on the bench server): every request
        # takes the counting path, the costly one.
        headers={"X-Forwarded-For": "{ip}", "User-Agent": "bench-reader/{n}"},
        inprocess=False,
        wrk=True,
        mix=6,
        target="view",
    ),
    Endpoint(
        "comment POST",
        f"{ARTICLES}{{slug}}/comments/",
        method="POST",
        body=json.dumps(
            {
                "author_name": "Reader {n}",
                "author_email": "reader-{n}@example.net",
                "body": "A thought on the harbour plan, number {n}.",
            }
        ),
        headers={"X-Forwarded-For": "{ip}"},
        inprocess=False,
        wrk=True,
        mix=1,
        target="comment",
    ),
]


def find(name: str) -> Endpoint:
    (endpoint,) = (e for e in ENDPOINTS if e.name == name)
    return endpoint


def resolve(text: str, slug: str, deep: str) -> str:
    """``text`` with the dataset's article slug and deep-page parameter filled in."""
    for placeholder, value in (("{slug}", slug), ("{deep}", deep)):
        # Also as quote() leaves it inside a persisted query's variables.
        text = text.replace(placeholder, value).replace(quote(placeholder), quote(value))
    return text

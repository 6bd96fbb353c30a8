"""The codes of refusals that belong to a GraphQL request itself, not to a domain rule.

``cms.errors`` declares the domain's codes (a mutation's ``errors { code }``, and REST's); the
codes here only ever appear in a top-level error's ``extensions.code``. ``ErrorCode`` lists
both, so a client can type every ``extensions.code`` it may receive from the schema alone.
"""

from __future__ import annotations

MAX_DEPTH_EXCEEDED = "MAX_DEPTH_EXCEEDED"
MAX_ALIASES_EXCEEDED = "MAX_ALIASES_EXCEEDED"
MAX_TOKENS_EXCEEDED = "MAX_TOKENS_EXCEEDED"
MAX_BODY_SIZE_EXCEEDED = "MAX_BODY_SIZE_EXCEEDED"
MAX_PAGE_SIZE_EXCEEDED = "MAX_PAGE_SIZE_EXCEEDED"
BATCH_NOT_SUPPORTED = "BATCH_NOT_SUPPORTED"
QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
RESPONSE_TOO_LARGE = "RESPONSE_TOO_LARGE"
BAD_CURSOR = "BAD_CURSOR"
CSRF_FAILED = "CSRF_FAILED"
GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
# Apollo's persisted-query protocol (cms.graphql.persisted): the first two are Apollo Server's
# codes, which Apollo Client's persisted-query link acts on.
PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
PERSISTED_QUERY_NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
PERSISTED_QUERY_NOT_ALLOWED = "PERSISTED_QUERY_NOT_ALLOWED"

REQUEST_CODES: dict[str, str] = {
    MAX_DEPTH_EXCEEDED: "The document nests deeper than GRAPHQL_MAX_DEPTH (top-level only).",
    MAX_ALIASES_EXCEEDED: "The document has more aliases than GRAPHQL_MAX_ALIASES (top-level "
    "only).",
    MAX_TOKENS_EXCEEDED: "The document has more tokens than GRAPHQL_MAX_TOKENS (top-level only).",
    MAX_BODY_SIZE_EXCEEDED: "The request body is larger than the server accepts (413; "
    "top-level only).",
    MAX_PAGE_SIZE_EXCEEDED: "A connection's `first` is outside 0 to API_MAX_PAGE_SIZE "
    "(top-level only).",
    BATCH_NOT_SUPPORTED: "A JSON array of operations was sent; send one operation per request "
    "(top-level only).",
    QUERY_TOO_COSTLY: "The query could return more than GRAPHQL_MAX_NODES objects, or runs more "
    "than GRAPHQL_MAX_SEARCHES searches (top-level only).",
    RESPONSE_TOO_LARGE: "The query's response is larger than GRAPHQL_MAX_RESPONSE_BYTES; "
    "nothing of it is sent (top-level only).",
    BAD_CURSOR: "An `after` cursor this server did not give, one given with another `orderBy`, "
    "or an offset cursor deeper than the API goes by offset (top-level only).",
    CSRF_FAILED: "A signed-in session sent a mutation without its CSRF token (403; top-level "
    "only).",
    GRAPHQL_PARSE_FAILED: "The document is not valid GraphQL syntax (top-level only).",
    GRAPHQL_VALIDATION_FAILED: "The document does not fit the schema: an unknown field or "
    "argument, a wrong type, a bad variable (top-level only).",
    INTERNAL_SERVER_ERROR: "A server error; nothing about its cause is disclosed (top-level only).",
    PERSISTED_QUERY_NOT_FOUND: "No document is known by the hash in "
    "`extensions.persistedQuery`: send it once with the document (top-level only).",
    PERSISTED_QUERY_NOT_SUPPORTED: "Persisted queries are off (GRAPHQL_PERSISTED_QUERIES): send "
    "the document itself (top-level only).",
    PERSISTED_QUERY_NOT_ALLOWED: "Only the documents in the server's allow-list run, and this "
    "one is not in it (403; top-level only).",
}

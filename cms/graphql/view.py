"""The GraphQL endpoint: graphene-django's view with Byline's limits, CSRF rule and errors."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import orjson
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from graphene.utils.str_converters import to_camel_case
from graphene_django.views import GraphQLView, HttpError
from graphql import (
    DocumentNode,
    ExecutionResult,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    StringValueNode,
    Visitor,
    execute,
    get_operation_ast,
    parse,
    specified_rules,
    validate,
    visit,
)
from graphql.error import GraphQLSyntaxError
from graphql.validation import NoSchemaIntrospectionCustomRule

from cms import tokens
from cms.access import may_read_content, require_content_read
from cms.actors import actor_from_request, token_actor
from cms.api.caching import NEVER_STORE
from cms.db_routing import pin_to_primary
from cms.errors import BadRequest, DomainError
from cms.graphql import caching, codes, cost, limits, persisted
from cms.graphql.selection import SelectionWalk
from cms.text import all_storable, is_storable

logger = logging.getLogger(__name__)


def _csrf_refusal(request: HttpRequest) -> HttpResponse | None:
    """Run Django's CSRF check; the response it would send, or None when the request passes."""

    def no_view(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
        return HttpResponse()

    return CsrfViewMiddleware(no_view).process_view(request, no_view, (), {})


def _never_awaitable(value: Any) -> bool:
    return False


def _limits_key() -> tuple[Any, ...]:
    """The settings a prepared document depends on (tests and deployments may change them)."""
    return (
        settings.GRAPHQL_MAX_TOKENS,
        settings.GRAPHQL_MAX_DEPTH,
        settings.GRAPHQL_MAX_ALIASES,
        settings.GRAPHQL_MAX_PAGE_SIZE,
        settings.GRAPHQL_DEFAULT_PAGE_SIZE,
        settings.GRAPHQL_MAX_NODES,
        settings.GRAPHQL_MAX_SEARCHES,
        settings.GRAPHQL_MAX_TAXONOMY,
        settings.ARTICLE_MAX_TAGS,
        settings.ARTICLE_MAX_AUTHORS,
        settings.GRAPHQL_INTROSPECTION,
        settings.DEBUG,
    )


def prepare(
    schema: GraphQLSchema, query: str, limits_key: tuple[Any, ...]
) -> tuple[DocumentNode | None, tuple[GraphQLError, ...]]:
    """Parse and validate a query, once for each query a front-end sends: they send the same
    few over and over, and parsing plus validation costs about as much as executing them.

    Only documents that fit an anonymous body (GRAPHQL_MAX_BODY_BYTES) are remembered: a
    larger one comes with credentials and usually carries an article's body in a literal,
    which a cache of 256 documents would keep alive (up to 4 MiB each).
    """
    if len(query) <= settings.GRAPHQL_MAX_BODY_BYTES:
        return _remembered_prepare(schema, query, limits_key)
    return _prepare(schema, query)


@lru_cache(maxsize=256)
def _remembered_prepare(
    schema: GraphQLSchema, query: str, limits_key: tuple[Any, ...]
) -> tuple[DocumentNode | None, tuple[GraphQLError, ...]]:
    return _prepare(schema, query)


def _prepare(
    schema: GraphQLSchema, query: str
) -> tuple[DocumentNode | None, tuple[GraphQLError, ...]]:
    """The token limit applies while parsing, so an oversized document is never built."""
    try:
        document = parse(query, max_tokens=settings.GRAPHQL_MAX_TOKENS)
    except GraphQLSyntaxError as error:
        if "tokens" in error.message:
            return None, (limits.limit_error(error.message, limits.TOKENS),)
        return None, (error,)
    if not all(is_storable(s.value) for s in _string_literals(document)):
        return None, (_unstorable_error(),)
    rules: list[Any] = [
        *specified_rules,
        limits.DepthLimitRule,
        limits.AliasLimitRule,
        limits.PageSizeRule,
    ]
    if not settings.GRAPHQL_INTROSPECTION:
        rules.append(NoSchemaIntrospectionCustomRule)
    # Field suggestions ("Did you mean ...?") describe the schema; only while developing.
    errors = validate(schema, document, rules, max_errors=20, hide_suggestions=not settings.DEBUG)
    return document, tuple(errors)


class _Memo:
    """A small LRU map, safe across threads, whose keys the caller keeps small: unlike
    ``lru_cache``, the arguments of the computation are not its key."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
        value = compute()
        with self.lock:
            self.entries[key] = value
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return value


# Cost refusals of queries, by digest of (query, operation, variables).
COST_MEMO = _Memo(256)
# Variables past this are costed afresh each time: a front-end's filters are a few bytes, and
# hashing a large payload costs more than counting.
COST_MEMO_MAX_VARIABLE_BYTES = 4096


def cost_errors(
    schema: GraphQLSchema,
    query: str,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: dict[str, Any] | None,
) -> tuple[GraphQLError, ...]:
    """``cost.cost_errors``, remembered for queries: counting a front-end's usual query takes
    about as long as its SQL.

    Mutations are counted every time (an article write's variables are new each time, and
    may be megabytes), as are documents ``prepare`` does not keep (the errors point into
    them). The memo's key is a digest, so it never holds what was sent.
    """

    def count() -> tuple[GraphQLError, ...]:
        return tuple(cost.cost_errors(schema, document, operation, variables))

    if operation.operation != OperationType.QUERY or len(query) > settings.GRAPHQL_MAX_BODY_BYTES:
        return count()
    try:
        encoded = orjson.dumps(variables or {}, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # not JSON orjson writes (integers past 64 bits): not remembered
        return count()
    if len(encoded) > COST_MEMO_MAX_VARIABLE_BYTES:
        return count()
    name = operation.name.value if operation.name else None
    # The JSON array ends unambiguously, so the variables that follow cannot shift into it.
    digest = hashlib.sha256(orjson.dumps([query, name]) + encoded).digest()
    result: tuple[GraphQLError, ...] = COST_MEMO.get((schema, digest, _limits_key()), count)
    return result


def _string_literals(document: DocumentNode) -> list[StringValueNode]:
    found: list[StringValueNode] = []

    class Collect(Visitor):
        def enter_string_value(self, node: StringValueNode, *args: Any) -> None:
            found.append(node)

    visit(document, Collect())
    return found


def _unstorable_error() -> GraphQLError:
    # Escapes (\u0000, \u{0}) decode to these only after parsing, so the raw body cannot
    # be searched for them.
    return GraphQLError(
        "Strings may not contain NUL characters or lone surrogates.",
        extensions={"code": "BAD_USER_INPUT"},
    )


def root_fields(document: DocumentNode) -> set[str]:
    """The names of the root fields the document's operations select, through fragments.

    Runs before validation, so unknown fragments are skipped and cycles are cut.
    """
    walk = SelectionWalk(
        {
            node.name.value: node
            for node in document.definitions
            if isinstance(node, FragmentDefinitionNode)
        }
    )
    return {
        name
        for node in document.definitions
        if isinstance(node, OperationDefinitionNode)
        for name in walk.names(node.selection_set)
    }


class _ResponseTooLarge(Exception):
    pass


class _ResponseBudget:
    """graphql-core middleware counting the text the resolvers return, so a response heading
    past GRAPHQL_MAX_RESPONSE_BYTES stops resolving (and querying) there, rather than being
    built whole and refused after: the node count bounds objects, not the size of each
    article body in them."""

    def __init__(self, limit: int) -> None:
        self.left = limit
        self.exceeded = False

    def resolve(self, next_: Any, root: Any, info: Any, **kwargs: Any) -> Any:
        if self.exceeded:
            raise _ResponseTooLarge
        value = next_(root, info, **kwargs)
        if isinstance(value, str):
            self.left -= len(value)
            if self.left < 0:
                self.exceeded = True
                raise _ResponseTooLarge
        return value


def _too_large_error() -> GraphQLError:
    limit = settings.GRAPHQL_MAX_RESPONSE_BYTES
    return limits.limit_error(
        f"The response would exceed {limit:,} bytes. Ask for smaller pages (first) or fewer "
        "fields.",
        limits.RESPONSE_SIZE,
    )


NO_STORE = "_byline_no_store"
_UNCAPPED = "_byline_response_uncapped"  # a mutation's answer: see execute_graphql_request


def never_store(request: HttpRequest) -> None:
    """Mark the response to ``request`` uncacheable (it shows unpublished work)."""
    setattr(request, NO_STORE, True)


class _Refused(Exception):
    """Raised while handling a request to answer with a top-level error (``extensions.code``
    the error's code in capitals) and the error's HTTP status."""

    def __init__(self, error: DomainError):
        super().__init__(error.message)
        self.error = error


@method_decorator(csrf_exempt, name="dispatch")
class BylineGraphQLView(GraphQLView):
    """POST (or GET for queries) ``{query, variables, operationName}``.

    * CSRF: anonymous requests need no token (there is no session to ride on); a request
      carrying a signed-in admin session must send the CSRF token like any form would. The
      view is exempted from the middleware only so that it can make that distinction.
    * Limits: body size, tokens, depth, aliases, page sizes and the worst-case number of
      objects (``cms.graphql.cost``) are checked before execution; the response's size as
      it is built.
    * Introspection follows GRAPHQL_INTROSPECTION (on with DEBUG); batches are refused.
    * Every root field except ``scoped_fields`` (writes and moderation, which check their own
      scopes) serves readers and closes with the public API (``cms.access.may_read_content``).
      When it is closed, a caller who may not read learns nothing of the schema: the refusal
      comes before validation.
    * Responses to signed-in or token requests, and any showing unpublished work, are
      ``Cache-Control: private, no-store``; an anonymous query's complete answer is public,
      with an ETag, like REST's reads (``cms.graphql.caching``).
    * Apollo's persisted queries, and the allow-list mode: ``cms.graphql.persisted``.
    """

    scoped_fields: frozenset[str] = frozenset()
    # Queries come by POST too: they may read from a replica; mutations are pinned to the
    # primary in execute_graphql_request (cms.db_routing).
    replica_reads = True

    def __init__(self, *, scoped_fields: frozenset[str] = frozenset(), **kwargs: Any):
        super().__init__(**kwargs)  # graphene's view names its own keyword arguments
        self.scoped_fields = scoped_fields

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if (
            request.method not in ("GET", "HEAD", "OPTIONS")
            and request.user.is_authenticated  # only a session can be ridden
            and _csrf_refusal(request) is not None
        ):
            return self._refuse(
                "Signed-in requests need the CSRF token (X-CSRFToken), or use an API token.",
                codes.CSRF_FAILED,
                403,
            )
        try:
            presented = tokens.presented_token(request.headers.get("Authorization", ""))
            if presented is not None:
                token_actor(request, tokens.authenticate(presented))
        except tokens.InvalidToken as error:
            response = self._refuse(error.message, "INVALID_TOKEN", 401)
            response["WWW-Authenticate"] = 'Bearer realm="api"'
            return response
        # Anonymous requests are reads and readers' comments; credentialed ones may carry
        # whole article bodies.
        limit = (
            settings.GRAPHQL_MAX_SIGNED_IN_BODY_BYTES
            if actor_from_request(request).is_authenticated
            else settings.GRAPHQL_MAX_BODY_BYTES
        )
        try:
            too_big = len(request.body) > limit
        except RequestDataTooBig:  # over MAX_REQUEST_BYTES: Django would not even read it
            too_big = True
        if too_big:
            return self._refuse(f"Request body exceeds {limit} bytes.", limits.BODY, 413)
        if request.body.lstrip()[:1] == b"[":
            return self._refuse("Batched requests are not supported.", limits.BATCH, 400)
        try:
            response = super().dispatch(request, *args, **kwargs)
        except _Refused as refused:
            response = self._refuse(
                refused.error.message, refused.error.code.upper(), refused.error.status
            )
            if refused.error.status == 401:
                response["WWW-Authenticate"] = 'Bearer realm="api"'
        except persisted.Refused as refused:
            response = self._refuse(refused.message, refused.code, refused.status, refused.field)
            never_store(request)  # a miss now may be found after the client registers it
        answer: HttpResponseBase = response
        if actor_from_request(request).is_authenticated or getattr(request, NO_STORE, False):
            answer["Cache-Control"] = NEVER_STORE
        else:
            answer = caching.public_answer(request, response)
        # Answers depend on the session cookie as on the token.
        patch_vary_headers(answer, ("Authorization", "Cookie"))
        return answer

    def _check_content_read(self, request: HttpRequest, document: DocumentNode | None) -> None:
        """Refuse (401/403) a caller who may not read content anything but scoped fields.

        Called before the document is parsed (``document`` None), when an anonymous caller is
        refused outright, since every scoped field needs credentials too: so nothing about
        the schema reaches it. A token without content:read has the document checked.
        """
        actor = actor_from_request(request)
        if may_read_content(actor):
            return
        if document is None and actor.is_authenticated:
            return  # decided once the document is parsed
        fields = root_fields(document) if document is not None else set()
        if fields and fields <= self.scoped_fields:
            return
        try:
            require_content_read(actor)
        except DomainError as error:
            raise _Refused(error) from None

    def parse_body(self, request: HttpRequest) -> Any:
        """graphene-django's, with JSON read by orjson: the standard library's parser turns a
        few kilobytes of ``[[[[...`` into a RecursionError (a 500); orjson refuses it.

        A GET's parameters are all in its URL: its body is not read, whatever its
        Content-Type (Apollo Client sends ``application/json`` with its GETs by hash)."""
        if request.method == "GET":
            return {}
        content_type = self.get_content_type(request)
        if content_type == "application/graphql":
            try:
                return {"query": request.body.decode("utf-8")}
            except UnicodeDecodeError:
                raise _Refused(BadRequest("The body is not UTF-8.")) from None
        if content_type != "application/json":
            return super().parse_body(request)
        try:
            data = orjson.loads(request.body)
        except orjson.JSONDecodeError as error:
            raise _Refused(BadRequest(f"The body is not valid JSON: {error}.")) from None
        if not isinstance(data, dict):
            raise _Refused(BadRequest("Send one JSON object: {query, variables, operationName}."))
        return data

    def _refuse(
        self, message: str, code: str, status: int, field: str | None = None
    ) -> JsonResponse:
        extensions = {"code": code, **({"field": field} if field else {})}
        return JsonResponse(
            {"errors": [{"message": message, "extensions": extensions}]}, status=status
        )

    def execute_graphql_request(
        self,
        request: HttpRequest,
        data: Any,
        query: str | None,
        variables: Any,
        operation_name: str | None,
        show_graphiql: bool = False,
    ) -> ExecutionResult | None:
        """graphene-django's flow, with the token limit at parse time and Byline's rules."""
        schema = self.schema.graphql_schema
        # Before a persisted query is looked up: a caller refused outright learns nothing.
        self._check_content_read(request, None)
        # The document a hash names (Apollo's persisted queries), or the one sent, checked
        # against its hash; in allow-list mode only a listed one (cms.graphql.persisted).
        query = persisted.resolve(
            request,
            data,
            query,
            acceptable=lambda text: not prepare(schema, text, _limits_key())[1],
        )
        if not query:
            if show_graphiql:
                return None
            raise HttpError(HttpResponseBadRequest("Must provide query string."))
        if not isinstance(query, str):
            raise HttpError(HttpResponseBadRequest("`query` must be a string."))
        if variables is not None and not isinstance(variables, dict):
            raise HttpError(HttpResponseBadRequest("`variables` must be an object."))
        document, errors = prepare(schema, query, _limits_key())
        if document is not None:
            self._check_content_read(request, document)
        if document is None or errors:
            return ExecutionResult(data=None, errors=list(errors))
        if variables and not all_storable(variables):
            return ExecutionResult(data=None, errors=[_unstorable_error()])
        page_errors = limits.variable_page_size_errors(schema, document, variables)
        if page_errors:
            return ExecutionResult(data=None, errors=page_errors)
        operation = get_operation_ast(document, operation_name)
        if operation is None or operation.operation != OperationType.QUERY:
            # A mutation reads what it writes from the primary (cms.db_routing): this view
            # lets POSTed queries read from a replica, so it must say which are not queries.
            pin_to_primary()
        if (
            request.method == "GET"
            and operation is not None
            and operation.operation != OperationType.QUERY
        ):
            if show_graphiql:
                return None
            raise HttpError(HttpResponseNotAllowed(["POST"], "Send mutations with POST."))
        if operation is not None:  # else execution reports the missing or ambiguous operation
            too_costly = cost_errors(schema, query, document, operation, variables)
            if too_costly:
                return ExecutionResult(data=None, errors=list(too_costly))
        # The byte cap is for queries. A mutation's writes are done as it resolves, so refusing
        # its answer would hide what was committed; its payloads are small, and the cost
        # bounds how many there are.
        budget = _ResponseBudget(settings.GRAPHQL_MAX_RESPONSE_BYTES)
        capped = operation is None or operation.operation == OperationType.QUERY
        if operation is not None and operation.operation == OperationType.QUERY:
            caching.mark_query(request)  # its answer may be public (cms.graphql.caching)
        if not capped:
            setattr(request, _UNCAPPED, True)
        try:
            result: ExecutionResult = execute(  # type: ignore[assignment] # all synchronous
                schema,
                document,
                root_value=self.get_root_value(request),
                context_value=self.get_context(request),
                variable_values=variables,
                operation_name=operation_name,
                middleware=[*(self.get_middleware(request) or ()), *([budget] if capped else [])],
                # Every resolver here is synchronous; skip asking each value if it awaits.
                is_awaitable=_never_awaitable,
            )
        except GraphQLError as error:  # graphql-core reports resolver errors in the result;
            return ExecutionResult(errors=[error])  # this is for errors around execution
        if budget.exceeded:
            return ExecutionResult(data=None, errors=[_too_large_error()])
        return result

    def get_response(
        self, request: HttpRequest, data: Any, show_graphiql: bool = False
    ) -> tuple[str | None, int]:
        """graphene-django's, with the response size capped: the text resolved is counted as
        the query runs (``_ResponseBudget``), and the body is measured once encoded."""
        body, status = super().get_response(request, data, show_graphiql)
        # json.dumps escapes everything to ASCII, so characters are bytes.
        if (
            body is not None
            and len(body) > settings.GRAPHQL_MAX_RESPONSE_BYTES
            and not getattr(request, _UNCAPPED, False)
        ):
            body = self.json_encode(request, {"errors": [_too_large_error().formatted]})
            status = 400
        return body, status

    @staticmethod
    def format_error(error: Any) -> dict[str, Any]:
        formatted: dict[str, Any] = GraphQLView.format_error(error)
        original = getattr(error, "original_error", None)
        if isinstance(original, DomainError):
            formatted["message"] = original.message
            extensions = formatted.setdefault("extensions", {})
            # Capitals, as every top-level GraphQL code here (a payload's errors { code } keeps
            # REST's spelling).
            extensions["code"] = original.code.upper()
            if original.field:
                extensions["field"] = to_camel_case(original.field)
        elif original is not None and not isinstance(original, GraphQLError):
            # An unexpected exception in a resolver: log it, tell the client nothing inside.
            logger.error("GraphQL resolver error", exc_info=original)
            formatted["message"] = "Internal server error."
            formatted.setdefault("extensions", {})["code"] = codes.INTERNAL_SERVER_ERROR
        extensions = formatted.setdefault("extensions", {})
        if "code" not in extensions:
            # graphql-core's own errors carry no code: a syntax error, a document or variables
            # that do not fit the schema (no path: refused before execution), or, with a path,
            # a broken promise of the schema's (a null for a non-null field), which is ours.
            if isinstance(error, HttpError):  # graphene's view: a malformed request
                extensions["code"] = BadRequest.code.upper()
            elif isinstance(error, GraphQLSyntaxError):
                extensions["code"] = codes.GRAPHQL_PARSE_FAILED
            elif getattr(error, "path", None):
                extensions["code"] = codes.INTERNAL_SERVER_ERROR
            else:
                extensions["code"] = codes.GRAPHQL_VALIDATION_FAILED
        return formatted

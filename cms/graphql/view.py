"""The GraphQL endpoint: graphene-django's view with Byline's limits, CSRF rule and errors."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView, HttpError
from graphql import (
    ExecutionResult,
    GraphQLError,
    OperationType,
    execute,
    get_operation_ast,
    parse,
    specified_rules,
    validate,
)
from graphql.error import GraphQLSyntaxError
from graphql.validation import NoSchemaIntrospectionCustomRule

from cms.errors import DomainError
from cms.graphql import limits

logger = logging.getLogger(__name__)


def _csrf_refusal(request: HttpRequest) -> HttpResponse | None:
    """Run Django's CSRF check; the response it would send, or None when the request passes."""

    def no_view(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
        return HttpResponse()

    return CsrfViewMiddleware(no_view).process_view(request, no_view, (), {})


@method_decorator(csrf_exempt, name="dispatch")
class BylineGraphQLView(GraphQLView):
    """POST (or GET for queries) ``{query, variables, operationName}``.

    * CSRF: anonymous requests need no token (there is no session to ride on); a request
      carrying a signed-in admin session must send the CSRF token like any form would. The
      view is exempted from the middleware only so that it can make that distinction.
    * Limits: body size, tokens, depth, aliases and page sizes are checked before execution.
    * Introspection follows GRAPHQL_INTROSPECTION (on with DEBUG); batches are refused.
    """

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD", "OPTIONS") and request.user.is_authenticated:
            refusal = _csrf_refusal(request)
            if refusal is not None:
                return refusal
        if len(request.body) > settings.GRAPHQL_MAX_BODY_BYTES:
            return self._refuse(
                f"Request body exceeds {settings.GRAPHQL_MAX_BODY_BYTES} bytes.", limits.BODY, 413
            )
        if request.body.lstrip()[:1] == b"[":
            return self._refuse("Batched requests are not supported.", limits.BATCH, 400)
        return super().dispatch(request, *args, **kwargs)

    def _refuse(self, message: str, code: str, status: int) -> JsonResponse:
        body = {"errors": [{"message": message, "extensions": {"code": code}}]}
        return JsonResponse(body, status=status)

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
        if not query:
            if show_graphiql:
                return None
            raise HttpError(HttpResponseBadRequest("Must provide query string."))
        try:
            document = parse(query, max_tokens=settings.GRAPHQL_MAX_TOKENS)
        except GraphQLSyntaxError as error:
            if "tokens" in error.message:
                return ExecutionResult(errors=[limits.limit_error(error.message, limits.TOKENS)])
            return ExecutionResult(errors=[error])
        operation = get_operation_ast(document, operation_name)
        if (
            request.method == "GET"
            and operation is not None
            and operation.operation != OperationType.QUERY
        ):
            if show_graphiql:
                return None
            raise HttpError(HttpResponseNotAllowed(["POST"], "Send mutations with POST."))
        schema = self.schema.graphql_schema
        errors = validate(schema, document, self.byline_rules(), max_errors=20)
        if errors:
            return ExecutionResult(data=None, errors=errors)
        try:
            return execute(  # type: ignore[return-value] # no async resolvers here
                schema,
                document,
                root_value=self.get_root_value(request),
                context_value=self.get_context(request),
                variable_values=variables,
                operation_name=operation_name,
                middleware=self.get_middleware(request),
            )
        except GraphQLError as error:  # graphql-core reports resolver errors in the result;
            return ExecutionResult(errors=[error])  # this is for errors around execution

    @staticmethod
    def byline_rules() -> list[Any]:
        rules: list[Any] = [
            *specified_rules,
            limits.DepthLimitRule,
            limits.AliasLimitRule,
            limits.PageSizeRule,
        ]
        if not settings.GRAPHQL_INTROSPECTION:
            rules.append(NoSchemaIntrospectionCustomRule)
        return rules

    @staticmethod
    def format_error(error: Any) -> dict[str, Any]:
        formatted: dict[str, Any] = GraphQLView.format_error(error)
        original = getattr(error, "original_error", None)
        if isinstance(original, DomainError):
            formatted["message"] = original.message
            formatted.setdefault("extensions", {})["code"] = original.code
        elif original is not None and not isinstance(original, GraphQLError):
            # An unexpected exception in a resolver: log it, tell the client nothing inside.
            logger.error("GraphQL resolver error", exc_info=original)
            formatted["message"] = "Internal server error."
            formatted.setdefault("extensions", {})["code"] = "INTERNAL_SERVER_ERROR"
        if not settings.DEBUG:
            # Field suggestions describe the schema to clients that may not introspect it.
            formatted["message"] = formatted["message"].split(" Did you mean")[0]
        return formatted

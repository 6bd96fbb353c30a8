"""Cost limits for GraphQL documents, checked before anything executes.

Each refusal is a GraphQLError whose ``extensions.code`` names the limit, so clients can tell
"too deep" from "too many aliases" without parsing messages.
"""

from __future__ import annotations

from typing import Any

import graphene
from django.conf import settings
from graphql import (
    GraphQLError,
    GraphQLField,
    GraphQLSchema,
    TypeInfo,
    TypeInfoVisitor,
    get_named_type,
)
from graphql.language import (
    ArgumentNode,
    FragmentDefinitionNode,
    OperationDefinitionNode,
    VariableNode,
    Visitor,
    visit,
)
from graphql.validation import ValidationRule

from cms.graphql import codes
from cms.graphql.selection import SelectionFold
from cms.text import is_whole_number

DEPTH = codes.MAX_DEPTH_EXCEEDED
ALIASES = codes.MAX_ALIASES_EXCEEDED
TOKENS = codes.MAX_TOKENS_EXCEEDED
BODY = codes.MAX_BODY_SIZE_EXCEEDED
PAGE_SIZE = codes.MAX_PAGE_SIZE_EXCEEDED
BATCH = codes.BATCH_NOT_SUPPORTED
COST = codes.QUERY_TOO_COSTLY
RESPONSE_SIZE = codes.RESPONSE_TOO_LARGE


def limit_error(message: str, code: str, node: Any = None) -> GraphQLError:
    return GraphQLError(message, node, extensions={"code": code})


def _fragments(context: Any) -> dict[str, Any]:
    return {
        definition.name.value: definition
        for definition in context.document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }


class DepthLimitRule(ValidationRule):
    """Refuse operations nested deeper than GRAPHQL_MAX_DEPTH. Introspection fields
    (``__schema``, ``__type``) do not count, so tools can still read the schema where
    introspection is enabled. (Each fragment's depth is computed once: ``SelectionFold``.)"""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        limit = settings.GRAPHQL_MAX_DEPTH
        depth = SelectionFold(
            _fragments(self.context),
            per_field=lambda field, below: 0 if field.name.value.startswith("__") else 1 + below,
            combine=max,
        )(node.selection_set)
        if depth > limit:
            self.report_error(
                limit_error(f"Query depth {depth} exceeds the limit of {limit}.", DEPTH, node)
            )


class AliasLimitRule(ValidationRule):
    """Refuse operations with more than GRAPHQL_MAX_ALIASES aliased fields: aliases are how one
    request asks for the same expensive field many times. They are counted as the operation
    runs them: a fragment's at every place it is spread."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        limit = settings.GRAPHQL_MAX_ALIASES
        count = SelectionFold(
            _fragments(self.context),
            per_field=lambda field, below: (field.alias is not None) + below,
            combine=sum,
        )(node.selection_set)
        if count > limit:
            self.report_error(
                limit_error(f"{count} aliases exceed the limit of {limit}.", ALIASES, node)
            )


def is_connection(type_: Any) -> bool:
    graphene_type = getattr(get_named_type(type_), "graphene_type", None)
    return isinstance(graphene_type, type) and issubclass(graphene_type, graphene.relay.Connection)


def _is_page_size(argument: Any, field: GraphQLField | None) -> bool:
    """Is ``argument`` a connection's ``first``/``last``? A plain list's ``first``
    (``popularArticles``) is a limit its selector bounds, and refuses naming the argument,
    as REST does."""
    return (
        argument.name.value in ("first", "last") and field is not None and is_connection(field.type)
    )


class PageSizeRule(ValidationRule):
    """Refuse literal ``first``/``last`` arguments of connections outside
    0..GRAPHQL_MAX_PAGE_SIZE. Values given through variables are checked by
    :func:`variable_page_size_errors`, also before any query."""

    def enter_argument(self, node: Any, *_: Any) -> None:
        if not _is_page_size(node, self.context.get_field_def()):
            return
        raw = getattr(node.value, "value", None)
        if raw is not None and is_whole_number(str(raw).lstrip("-")):
            error = page_size_error(int(raw), node)
            if error is not None:
                self.report_error(error)


def page_size_error(value: int, node: Any = None) -> GraphQLError | None:
    limit = settings.GRAPHQL_MAX_PAGE_SIZE
    if 0 <= value <= limit:
        return None
    return limit_error(f"Page size {value} is outside 0 to {limit}.", PAGE_SIZE, node)


def variable_page_size_errors(
    schema: GraphQLSchema, document: Any, variables: dict[str, Any] | None
) -> list[GraphQLError]:
    """Connections' ``first``/``last`` given through variables, checked against the limit
    before execution (validation rules cannot see variable values)."""
    if not variables:
        return []
    errors: list[GraphQLError] = []
    given = variables  # narrowed for the visitor below
    type_info = TypeInfo(schema)

    class _Arguments(Visitor):
        def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
            if not isinstance(node.value, VariableNode):
                return
            if not _is_page_size(node, type_info.get_field_def()):
                return
            value = given.get(node.value.name.value)
            if isinstance(value, int):
                error = page_size_error(value, node)
                if error is not None:
                    errors.append(error)

    visit(document, TypeInfoVisitor(type_info, _Arguments()))
    return errors[:1]

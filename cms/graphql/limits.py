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
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    Visitor,
    visit,
)
from graphql.validation import ValidationRule

from cms.text import is_whole_number

DEPTH = "MAX_DEPTH_EXCEEDED"
ALIASES = "MAX_ALIASES_EXCEEDED"
TOKENS = "MAX_TOKENS_EXCEEDED"
BODY = "MAX_BODY_SIZE_EXCEEDED"
PAGE_SIZE = "MAX_PAGE_SIZE_EXCEEDED"
BATCH = "BATCH_NOT_SUPPORTED"
COST = "QUERY_TOO_COSTLY"
RESPONSE_SIZE = "RESPONSE_TOO_LARGE"


def limit_error(message: str, code: str, node: Any = None) -> GraphQLError:
    return GraphQLError(message, node, extensions={"code": code})


class DepthLimitRule(ValidationRule):
    """Refuse operations nested deeper than GRAPHQL_MAX_DEPTH. Introspection fields
    (``__schema``, ``__type``) do not count, so tools can still read the schema where
    introspection is enabled.

    Each fragment's depth is computed once: a fragment spread twice in a fragment spread
    twice, and so on, would otherwise cost 2^n walks for a document of a few hundred bytes.
    """

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self.fragment_depths: dict[str, int] = {}

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        limit = settings.GRAPHQL_MAX_DEPTH
        depth = self._depth(node.selection_set, set())
        if depth > limit:
            self.report_error(
                limit_error(f"Query depth {depth} exceeds the limit of {limit}.", DEPTH, node)
            )

    def _depth(self, selection_set: SelectionSetNode | None, seen: set[str]) -> int:
        if selection_set is None:
            return 0
        deepest = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if selection.name.value.startswith("__"):
                    continue
                child = self._depth(selection.selection_set, seen)
                deepest = max(deepest, 1 + child if selection.selection_set else 1)
            elif isinstance(selection, InlineFragmentNode):
                deepest = max(deepest, self._depth(selection.selection_set, seen))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.context.get_fragment(name)
                if fragment is None or name in seen:
                    continue  # unknown or cyclic: other rules report those
                if name not in self.fragment_depths:
                    self.fragment_depths[name] = self._depth(fragment.selection_set, seen | {name})
                deepest = max(deepest, self.fragment_depths[name])
        return deepest


class AliasLimitRule(ValidationRule):
    """Refuse operations with more than GRAPHQL_MAX_ALIASES aliased fields: aliases are how one
    request asks for the same expensive field many times.

    Aliases are counted as the operation runs them: a fragment's are counted at every place
    it is spread (once per fragment computed, as for depth).
    """

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self.fragment_counts: dict[str, int] = {}

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        limit = settings.GRAPHQL_MAX_ALIASES
        count = self._count(node.selection_set, set())
        if count > limit:
            self.report_error(
                limit_error(f"{count} aliases exceed the limit of {limit}.", ALIASES, node)
            )

    def _count(self, selection_set: SelectionSetNode | None, seen: set[str]) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += (selection.alias is not None) + self._count(selection.selection_set, seen)
            elif isinstance(selection, InlineFragmentNode):
                total += self._count(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.context.get_fragment(name)
                if fragment is None or name in seen:
                    continue
                if name not in self.fragment_counts:
                    self.fragment_counts[name] = self._count(fragment.selection_set, seen | {name})
                total += self.fragment_counts[name]
        return total


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

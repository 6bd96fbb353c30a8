"""The worst-case size of a GraphQL response, counted before anything executes.

Depth, alias and token limits bound a document's shape, not what it asks for: fifteen aliases
of ``articles(first: 100) { ... comments(first: 100) }`` fit all three and answer ~300,000
objects. The cost of an operation is the most objects (not scalars) its response can hold:

* an object field counts 1, plus what is selected in it;
* a list counts its bound times each item: a connection's ``edges`` its ``first`` (the default
  page size when not given, the maximum when over it), any other list the bound declared for
  it in ``LIST_BOUNDS`` (a number, the setting that caps it, or the argument that sets it);
* nested lists multiply, aliases add up, and fields merged by GraphQL (the same response key
  from several fragments) count once, as they execute once.

Introspection (``__schema``, ``__type``) is not counted: its size is the schema's.

Searches are counted apart (``SEARCHES``), up to GRAPHQL_MAX_SEARCHES: a full-text search
over every article costs more than any number of objects it returns.

graphene and graphql-core limit depth but count no cost, so the count is made here, on the
fragment-expanding walk the resolvers use (``cms.graphql.selection``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLField,
    GraphQLSchema,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
)
from graphql.execution.values import get_argument_values, get_variable_values

from cms.graphql import limits
from cms.graphql.selection import SelectionWalk, unique_sets


@dataclass(frozen=True)
class Setting:
    """A list bound that is a setting the list is held to where it is written or served, so
    that the count and the cap are one number (read when counted: tests change settings)."""

    name: str

    def __call__(self) -> int:
        return int(getattr(settings, self.name))


# (type name, field name) -> the most items a list field holds: a number, the Setting that
# caps it, or the name of the page-size argument that sets it. Filled in by the apps that
# define the types; a test holds every list in the schema to having one, and the property
# test in tests/cms/test_graphql_cost.py holds the bounds to what resolvers return. An
# undeclared list counts GRAPHQL_MAX_PAGE_SIZE.
LIST_BOUNDS: dict[tuple[str, str], int | Setting | str] = {}
# Item type name -> the most items any list of that type holds, wherever it appears.
ITEM_BOUNDS: dict[str, int] = {}
# (type name, field name) -> the argument that makes the field run a search when it is given.
SEARCHES: dict[tuple[str, str], str] = {}


def cost_errors(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any] | None,
) -> list[GraphQLError]:
    """Refuse ``operation`` when its cost is over GRAPHQL_MAX_NODES (or its variables do not
    fit their definitions, which execution would refuse too)."""
    coerced = get_variable_values(
        schema, operation.variable_definitions or (), dict(variables or {}), max_errors=1
    )
    if isinstance(coerced, list):  # the message names the variable and what it should be
        return [
            GraphQLError(error.message, error.nodes, extensions={"code": "BAD_USER_INPUT"})
            for error in coerced
        ]
    cost, searches = _count(schema, document, operation, coerced)
    most_searches = settings.GRAPHQL_MAX_SEARCHES
    if searches > most_searches:
        error = limits.limit_error(
            f"The query runs {searches} searches; the limit is {most_searches}.",
            limits.COST,
            operation,
        )
        error.extensions.update(searches=searches, limit=most_searches)  # type: ignore[union-attr]
        return [error]
    limit = settings.GRAPHQL_MAX_NODES
    if cost <= limit:
        return []
    error = limits.limit_error(
        f"The query could return {cost:,} objects; the limit is {limit:,}. Ask for smaller "
        "pages (first) or fewer nested lists.",
        limits.COST,
        operation,
    )
    error.extensions.update(cost=cost, limit=limit)  # type: ignore[union-attr]
    return [error]


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any],
) -> int:
    """The most objects ``operation``'s response can hold (``variables`` coerced)."""
    return _count(schema, document, operation, variables)[0]


def _count(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any],
) -> tuple[int, int]:
    """The most objects ``operation``'s response can hold, and the most searches it runs."""
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0, 0
    fragments = {
        node.name.value: node
        for node in document.definitions
        if isinstance(node, FragmentDefinitionNode)
    }
    return _Cost(schema, fragments, dict(variables)).level(root, [operation.selection_set], None)


class _Cost:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: dict[str, Any],
    ) -> None:
        self.schema = schema
        self.walk = SelectionWalk(fragments)
        self.variables = variables
        # Each merged level is costed once, however often the document repeats it.
        self.costs: dict[tuple[str, int | None, frozenset[int]], tuple[int, int]] = {}

    def level(self, parent: Any, sets: list[SelectionSetNode], page: int | None) -> tuple[int, int]:
        """The cost of the fields ``sets`` select on one ``parent`` object (``page``: the
        page size, when ``parent`` is a connection), and the searches they run."""
        key = (parent.name, page, frozenset(id(s) for s in sets))
        if key in self.costs:
            return self.costs[key]
        # Fields with the same response key on the same type are merged into one by GraphQL.
        merged: dict[tuple[str, str], list[FieldNode]] = {}
        for selection_set in sets:
            for on, field in self.walk.fields(selection_set):
                if field.name.value.startswith("__"):
                    continue  # introspection, or the __typename leaf
                response_key = field.alias.value if field.alias else field.name.value
                merged.setdefault((on or parent.name, response_key), []).append(field)
        total = searches = 0
        for (type_name, _), fields in merged.items():
            owner = self.schema.get_type(type_name)
            definition = getattr(owner, "fields", {}).get(fields[0].name.value)
            if definition is None:
                continue  # not on that type: validation reports it
            child = get_named_type(definition.type)
            if is_leaf_type(child):
                continue
            items = max(self._items(owner, definition, field, page) for field in fields)
            child_page = (
                max(self._page_size(definition, field) for field in fields)
                if limits.is_connection(child)
                else None
            )
            children = unique_sets(field.selection_set for field in fields)
            child_cost, child_searches = self.level(child, children, child_page)
            searched = any(self._searches(owner, definition, field) for field in fields)
            total += items * (1 + child_cost)
            searches += items * (searched + child_searches)
        self.costs[key] = (total, searches)
        return total, searches

    def _searches(self, owner: Any, definition: GraphQLField, field: FieldNode) -> bool:
        argument = SEARCHES.get((owner.name, field.name.value))
        if argument is None:
            return False
        try:
            return bool(get_argument_values(definition, field, self.variables).get(argument))
        except GraphQLError:  # an invalid value: execution refuses it; count it
            return True

    def _items(
        self, owner: Any, definition: GraphQLField, field: FieldNode, page: int | None
    ) -> int:
        if not is_list_type(get_nullable_type(definition.type)):  # type: ignore[arg-type]
            return 1
        if page is not None and field.name.value == "edges":
            return page
        bound = LIST_BOUNDS.get((owner.name, field.name.value))
        if bound is None:
            bound = ITEM_BOUNDS.get(get_named_type(definition.type).name)
        if isinstance(bound, Setting):
            return bound()
        if isinstance(bound, int):
            return bound
        largest = settings.GRAPHQL_MAX_PAGE_SIZE
        if bound is None:
            return largest
        value = self._argument(definition, field, bound)
        return largest if value is None else _clamp(value)

    def _page_size(self, definition: GraphQLField, field: FieldNode) -> int:
        if "first" not in definition.args:
            return int(settings.GRAPHQL_MAX_PAGE_SIZE)
        value = self._argument(definition, field, "first")
        return settings.GRAPHQL_DEFAULT_PAGE_SIZE if value is None else _clamp(value)

    def _argument(self, definition: GraphQLField, field: FieldNode, name: str) -> int | None:
        try:
            value = get_argument_values(definition, field, self.variables).get(name)
        except GraphQLError:  # an invalid value: execution refuses it; count the most
            return int(settings.GRAPHQL_MAX_PAGE_SIZE)
        return value if isinstance(value, int) else None


def _clamp(size: int) -> int:
    """A page size as it can be served: over the maximum is refused (counted at it). Plain
    lists (``popularArticles``) are bounded by their selectors with the REST maximum, so the
    larger of the two maxima is what can be served."""
    largest = max(settings.GRAPHQL_MAX_PAGE_SIZE, settings.API_MAX_PAGE_SIZE)
    return max(0, min(size, largest))

"""What a GraphQL query asks for, so resolvers load only that, and so its cost can be counted
before it runs (``cms.graphql.cost``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from graphene.utils.str_converters import to_snake_case
from graphql.language import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)

# A field selected at one level, with the type condition of the innermost fragment it sits in
# (None: no fragment, or one without a type condition).
TypedField = tuple[str | None, FieldNode]


def requested_fields(info: Any, path: Iterable[str] = ()) -> set[str]:
    """snake_case names of the fields selected under the current field, following ``path``
    (e.g. ("edges", "node") for a connection). Fragments and inline fragments are expanded.
    """
    walk = SelectionWalk(info.fragments)
    sets = unique_sets(node.selection_set for node in info.field_nodes)
    for step in path:
        sets = unique_sets(field.selection_set for s in sets for field in walk.named(s, step))
    names: set[str] = set()
    for selection_set in sets:
        names |= walk.names(selection_set)
    return {to_snake_case(name) for name in names}


def unique_sets(sets: Iterable[SelectionSetNode | None]) -> list[SelectionSetNode]:
    return list({id(s): s for s in sets if s is not None}.values())


class SelectionWalk:
    """The fields of one selection level, fragments expanded.

    The walk costs about the size of the document, however it repeats itself: each fragment
    is expanded once per walk (not once per place it is spread) and its fields are kept once
    each. A naive walk multiplies: 40 copies of a field whose fragment holds 40 copies of the
    next, and so on, is 40^n selection sets from a few kilobytes of query; a fragment that
    spreads the next one twice, 30 deep, is 2^30 paths.
    """

    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.fragment_fields: dict[str, list[TypedField]] = {}

    def fields(self, selection_set: SelectionSetNode, on: str | None = None) -> list[TypedField]:
        """The fields one selection level selects, each once; ``on`` is the type condition
        of the fragment holding the level."""
        found: list[TypedField] = []
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                found.append((on, selection))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                found.extend(
                    self.fields(selection.selection_set, condition.name.value if condition else on)
                )
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in self.fragment_fields and name in self.fragments:
                    self.fragment_fields[name] = []  # a cycle stops here
                    fragment = self.fragments[name]
                    self.fragment_fields[name] = self.fields(
                        fragment.selection_set, fragment.type_condition.name.value
                    )
                found.extend(self.fragment_fields.get(name, []))
        return list({id(field): (type_, field) for type_, field in found}.values())

    def names(self, selection_set: SelectionSetNode) -> set[str]:
        """The names of the fields one selection level selects."""
        return {field.name.value for _, field in self.fields(selection_set)}

    def named(self, selection_set: SelectionSetNode, step: str) -> list[FieldNode]:
        """The fields called ``step`` at one selection level."""
        return [field for _, field in self.fields(selection_set) if field.name.value == step]


class SelectionFold:
    """One number from a whole selection tree, fragments expanded as the operation runs them
    (a fragment counts at every place it is spread) yet each fragment computed once: the
    depth and alias limits (``cms.graphql.limits``) are folds.

    ``per_field(field, below)`` is a field's value given the folded value of its own
    selections; ``combine`` joins the values of one level (``max`` for depth, ``sum`` for
    counts). Unknown and cyclic fragments count as nothing (validation reports those).
    """

    def __init__(
        self,
        fragments: Mapping[str, FragmentDefinitionNode],
        *,
        per_field: Callable[[FieldNode, int], int],
        combine: Callable[[Iterable[int]], int],
    ) -> None:
        self.fragments = fragments
        self.per_field = per_field
        self.combine = combine
        self.memo: dict[str, int] = {}

    def __call__(
        self, selection_set: SelectionSetNode | None, seen: frozenset[str] = frozenset()
    ) -> int:
        if selection_set is None:
            return 0
        values: list[int] = []
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                values.append(self.per_field(selection, self(selection.selection_set, seen)))
            elif isinstance(selection, InlineFragmentNode):
                values.append(self(selection.selection_set, seen))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    continue
                if name not in self.memo:
                    self.memo[name] = self(fragment.selection_set, seen | {name})
                values.append(self.memo[name])
        return self.combine(values) if values else 0

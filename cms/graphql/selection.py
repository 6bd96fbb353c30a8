"""What a GraphQL query asks for, so resolvers load only that."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graphene.utils.str_converters import to_snake_case
from graphql.language import FieldNode, FragmentSpreadNode, InlineFragmentNode


def requested_fields(info: Any, path: Iterable[str] = ()) -> set[str]:
    """snake_case names of the fields selected under the current field, following ``path``
    (e.g. ("edges", "node") for a connection). Fragments and inline fragments are expanded."""
    selections = [node.selection_set for node in info.field_nodes]
    for step in path:
        selections = [
            field.selection_set
            for selection_set in selections
            for field in _fields(selection_set, info)
            if field.name.value == step
        ]
    return {to_snake_case(field.name.value) for s in selections for field in _fields(s, info)}


def _fields(selection_set: Any, info: Any, spread: set[str] | None = None) -> list[FieldNode]:
    """The fields of one selection level. Each fragment is expanded once per level, as
    GraphQL's own field collection does: expanding a fragment that spreads another twice,
    and so on, would otherwise build 2^n entries from a few hundred bytes of query."""
    if selection_set is None:
        return []
    spread = set() if spread is None else spread
    found: list[FieldNode] = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            found.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            found.extend(_fields(selection.selection_set, info, spread))
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = info.fragments.get(name)
            if fragment is not None and name not in spread:
                spread.add(name)
                found.extend(_fields(fragment.selection_set, info, spread))
    return found

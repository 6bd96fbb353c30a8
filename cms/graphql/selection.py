"""What a GraphQL query asks for, so resolvers load only that."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graphene.utils.str_converters import to_snake_case
from graphql.language import FieldNode, FragmentSpreadNode, InlineFragmentNode, SelectionSetNode


def requested_fields(info: Any, path: Iterable[str] = ()) -> set[str]:
    """snake_case names of the fields selected under the current field, following ``path``
    (e.g. ("edges", "node") for a connection). Fragments and inline fragments are expanded.

    The walk costs about the size of the document, however it repeats itself: each fragment
    is expanded once per call (not once per place it is spread) and each selection set is
    visited once. A naive walk multiplies: 40 copies of a field whose fragment holds 40
    copies of the next, and so on, is 40^n selection sets from a few kilobytes of query.
    """
    walk = _Walk(info)
    sets = _unique(node.selection_set for node in info.field_nodes)
    for step in path:
        sets = _unique(field.selection_set for s in sets for field in walk.named(s, step))
    names: set[str] = set()
    for selection_set in sets:
        names |= walk.names(selection_set)
    return {to_snake_case(name) for name in names}


def _unique(sets: Iterable[SelectionSetNode | None]) -> list[SelectionSetNode]:
    return list({id(s): s for s in sets if s is not None}.values())


class _Walk:
    def __init__(self, info: Any) -> None:
        self.fragments = info.fragments
        self.fragment_names: dict[str, frozenset[str]] = {}
        self.fragment_fields: dict[tuple[str, str], list[FieldNode]] = {}

    def names(self, selection_set: SelectionSetNode) -> set[str]:
        """The names of the fields one selection level selects."""
        found: set[str] = set()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                found.add(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                found |= self.names(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in self.fragment_names and name in self.fragments:
                    self.fragment_names[name] = frozenset()  # a cycle stops here
                    self.fragment_names[name] = frozenset(
                        self.names(self.fragments[name].selection_set)
                    )
                found |= self.fragment_names.get(name, frozenset())
        return found

    def named(self, selection_set: SelectionSetNode, step: str) -> list[FieldNode]:
        """The fields called ``step`` at one selection level."""
        found: list[FieldNode] = []
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if selection.name.value == step:
                    found.append(selection)
            elif isinstance(selection, InlineFragmentNode):
                found.extend(self.named(selection.selection_set, step))
            elif isinstance(selection, FragmentSpreadNode):
                key = (selection.name.value, step)
                if key not in self.fragment_fields and key[0] in self.fragments:
                    self.fragment_fields[key] = []  # a cycle stops here
                    self.fragment_fields[key] = self.named(
                        self.fragments[key[0]].selection_set, step
                    )
                found.extend(self.fragment_fields.get(key, []))
        return _unique_fields(found)


def _unique_fields(fields: list[FieldNode]) -> list[FieldNode]:
    return list({id(f): f for f in fields}.values())

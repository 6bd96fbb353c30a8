"""The Relay ``Node`` interface, for types that resolve from plain rows as well as models."""

from __future__ import annotations

from typing import Any

from graphene import relay

# Object types implementing Node; each has a classmethod ``owns(root) -> bool``.
NODE_TYPES: list[Any] = []


class Node(relay.Node):
    class Meta:
        name = "Node"

    @classmethod
    def resolve_type(cls, instance: Any, info: Any) -> Any:
        for node_type in NODE_TYPES:
            if node_type.owns(instance):
                return node_type
        return super().resolve_type(instance, info)

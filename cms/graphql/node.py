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
    def get_node_from_global_id(cls, info: Any, global_id: str, only_type: Any = None) -> Any:
        """The object behind a global ID, or null for any ID that is not one of ours (graphene
        raises, which clients would see as a server error)."""
        try:
            type_name, raw_id = cls.resolve_global_id(info, global_id)
        except Exception:  # malformed base64 or no separator
            return None
        schema_type = info.schema.get_type(type_name) if type_name else None
        graphene_type = getattr(schema_type, "graphene_type", None)
        if graphene_type is None or cls not in getattr(graphene_type._meta, "interfaces", ()):
            return None
        if only_type and only_type is not cls and graphene_type is not only_type:
            return None
        return graphene_type.get_node(info, raw_id)

    @classmethod
    def resolve_type(cls, instance: Any, info: Any) -> Any:
        for node_type in NODE_TYPES:
            if node_type.owns(instance):
                return node_type
        return super().resolve_type(instance, info)

"""The Relay ``Node`` interface, for types that resolve from plain rows as well as models."""

from __future__ import annotations

from typing import Any

from graphene import relay


class _FoundRow(dict[str, Any]):
    """A row found by ``node(id:)``, carrying the type its global ID named: a plain row
    cannot say which type it is (articles and comments are both dicts)."""

    node_type: Any = None


# Where node(id:) records the type on an object it found (a model instance).
_NODE_TYPE_ATTRIBUTE = "_graphql_node_type"


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
        found = graphene_type.get_node(info, raw_id)
        if isinstance(found, dict):
            found = _FoundRow(found)
            found.node_type = graphene_type
        elif found is not None:
            setattr(found, _NODE_TYPE_ATTRIBUTE, graphene_type)
        return found

    @classmethod
    def resolve_type(cls, instance: Any, info: Any) -> Any:
        """The type the global ID named (only node(id:) answers with the interface, and it
        records it), never guessed from the row's keys."""
        if isinstance(instance, _FoundRow):
            return instance.node_type
        return getattr(instance, _NODE_TYPE_ATTRIBUTE)

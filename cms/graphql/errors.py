"""Mutation payload errors: ``errors { field code message }``, the GraphQL face of
``cms.errors.DomainError`` (REST shows the same codes in problem details; here ``code`` is
the ``ErrorCode`` enum, in capitals)."""

from __future__ import annotations

import graphene
from graphene.utils.str_converters import to_camel_case

from cms.errors import DomainError, ValidationFailed
from cms.graphql.cost import ITEM_BOUNDS
from cms.graphql.enums import error_code_enum


class FieldError(graphene.ObjectType):
    field = graphene.String(description="The input field at fault (camelCase), if one is.")
    # Named lazily: the enum is built from the codes declared once the schema is assembled.
    code = graphene.Field(lambda: error_code_enum(), required=True)
    message = graphene.String(required=True)


# Counted by the query cost (cms.graphql.cost): an input has at most a dozen fields, each with
# a message or two.
ITEM_BOUNDS["FieldError"] = 20


def field_errors(error: DomainError) -> list[FieldError]:
    if isinstance(error, ValidationFailed):
        return [
            FieldError(field=to_camel_case(field), code=error.code, message=message)
            for field, messages in error.errors.items()
            for message in messages
        ]
    field = to_camel_case(error.field) if error.field else None
    return [FieldError(field=field, code=error.code, message=error.message)]

"""GraphQL enums derived from their one declaration: a model's choices, the error codes.

GraphQL names enum values in capitals (``PUBLISHED``); the value behind each is the stored
one (``"published"``), which REST shows as it is. Resolvers return the stored value and
graphene writes the name; arguments arrive as the choices' members.
"""

from __future__ import annotations

from enum import Enum
from functools import cache
from typing import Any

import graphene
from django.db import models

from cms.errors import error_codes
from cms.graphql.codes import REQUEST_CODES


def enum_from_choices(
    choices: type[models.TextChoices], *, name: str, description: str
) -> type[graphene.Enum]:
    """The GraphQL enum of a model's choices: member names, each described by its label."""

    def describe(member: Any) -> str:
        return description if member is None else str(member.label)

    return graphene.Enum.from_enum(choices, name=name, description=describe)


@cache
def error_code_enum() -> type[graphene.Enum]:
    """``ErrorCode``: every declared ``DomainError`` code (``cms.errors.error_codes``).

    Built when the schema is (fields name it lazily), after every app's GraphQL modules, and
    so their services and errors, are imported.
    """
    declared = error_codes()
    members = [(code.upper(), code) for code in declared]
    members += [(code, code) for code in REQUEST_CODES]
    codes = Enum("ErrorCode", sorted(members))  # type: ignore[misc]

    def describe(member: Any) -> str | None:
        if member is None:
            return (
                "Why a request was refused: a mutation's errors { code }, and the same name in "
                "extensions.code of a top-level error, which always carries one of these. REST's "
                "problem details carry the domain's codes in lower case; those marked "
                "top-level only belong to the GraphQL request itself."
            )
        if member.value in REQUEST_CODES:
            return REQUEST_CODES[member.value]
        doc = declared[member.value].__doc__ or ""
        return " ".join(doc.split("\n\n")[0].split()) or None

    return graphene.Enum.from_enum(codes, name="ErrorCode", description=describe)

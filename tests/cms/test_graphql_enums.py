"""GraphQL's enums are derived from their one declaration: the models' status choices, and the
error codes the DomainError classes declare (cms.errors.error_codes)."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType, get_named_type

from articles.models import ArticleStatus
from cms import errors
from cms.errors import DomainError
from cms.graphql.codes import REQUEST_CODES
from comments.models import CommentStatus
from config.schema import schema

SCHEMA = schema.graphql_schema
APPS = ("articles", "comments", "cms")


def _import_every_module() -> None:
    """Import every module of the apps, so that every DomainError subclass is defined."""
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in module.name:
                importlib.import_module(module.name)


def _subclasses(cls: type[DomainError]) -> set[type[DomainError]]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def _enum(name: str) -> GraphQLEnumType:
    enum = SCHEMA.get_type(name)
    assert isinstance(enum, GraphQLEnumType), name
    return enum


def test_every_domain_error_code_is_in_the_error_code_enum():
    _import_every_module()
    enum = _enum("ErrorCode")
    classes: set[type[DomainError]] = {DomainError, *_subclasses(DomainError)}
    declared = {cls.code: cls for cls in classes}
    missing = {
        f"{cls.__module__}.{cls.__qualname__}: {code}"
        for code, cls in declared.items()
        if code.upper() not in enum.values
    }
    assert not missing, f"error codes missing from the GraphQL ErrorCode enum: {missing}"
    # Each name stands for the code REST shows, or for a code of the GraphQL request itself
    # (cms.graphql.codes); nothing in the enum is undeclared.
    assert {name: value.value.value for name, value in enum.values.items()} == {
        **{code.upper(): code for code in declared},
        **{code: code for code in REQUEST_CODES},
    }
    assert not {code.upper() for code in declared} & set(REQUEST_CODES)
    assert set(errors.error_codes()) == set(declared)


def test_an_undeclared_code_cannot_be_raised():
    with pytest.raises(ValueError, match="no_such_code"):
        DomainError("Nope.", code="no_such_code")
    assert DomainError("Fine.", code="not_found").code == "not_found"


def test_a_code_declared_after_the_schema_was_built_is_refused_loudly():
    with pytest.raises(TypeError, match="after the GraphQL schema read the codes"):
        type("LateError", (DomainError,), {"code": "declared_too_late"})
    assert "declared_too_late" not in errors.error_codes()


@pytest.mark.parametrize(
    ("name", "choices"), [("ArticleStatus", ArticleStatus), ("CommentStatus", CommentStatus)]
)
def test_status_enums_are_the_models_choices(name: str, choices: Any):
    enum = _enum(name)
    assert [(n, v.value, v.description) for n, v in enum.values.items()] == [
        (member.name, member, member.label) for member in choices
    ]


def test_every_status_in_the_schema_is_an_enum():
    """A status field or argument typed String would be the undeclared contract again."""
    strings = []
    for type_name, named in SCHEMA.type_map.items():
        if type_name.startswith("__") or not isinstance(
            named, GraphQLObjectType | GraphQLInputObjectType
        ):
            continue
        for field_name, field in named.fields.items():
            places = [(f"{type_name}.{field_name}", field.type)]
            places += [
                (f"{type_name}.{field_name}({arg})", argument.type)
                for arg, argument in getattr(field, "args", {}).items()
            ]
            strings += [
                where
                for where, of_type in places
                if where.rsplit(".", 1)[-1].rstrip(")").endswith("status")
                and not isinstance(get_named_type(of_type), GraphQLEnumType)
            ]
    assert not strings, f"statuses typed as something other than an enum: {strings}"

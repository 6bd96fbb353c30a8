"""Every place that lists an article's fields agrees with ``articles.fields``.

The REST serializers, the GraphQL types, the admin's form, the services and the selectors
derive their field lists from the declaration; these tests catch a place that drifts (edited
by hand to drop or add a field) and name the field and the place.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from django.db import models
from graphene.utils.str_converters import to_camel_case

from articles import fields, selectors, services
from articles.admin import ArticleAdmin, ArticleAdminForm
from articles.api.serializers import _GETTERS, ArticleSerializer
from articles.api.writes import ArticleInputSerializer
from articles.models import Article
from config.schema import schema

# Columns that are not content a writer sets: lifecycle, counters, derived and bookkeeping
# fields, each changed only by its own service.
NOT_CONTENT = {
    "id", "body_text", "status", "published_at", "first_published_at", "submitted_at",
    "returned_at", "featured",
    "word_count", "reading_time_minutes", "version", "view_count", "comment_count",
    "created_at", "updated_at", "created_by", "deleted_at", "deleted_by",
}  # fmt: skip
# Fields other apps hang on GraphQL's Article (comments/graphql).
GRAPHQL_EXTENSIONS = {"comments", "commentFormToken"}


def assert_agrees(place: str, actual: Iterable[str], declared: Iterable[str]) -> None:
    actual, declared = set(actual), set(declared)
    missing, extra = sorted(declared - actual), sorted(actual - declared)
    assert (missing, extra) == ([], []), (
        f"{place} disagrees with articles.fields: "
        f"missing {missing or 'nothing'}, undeclared {extra or 'nothing'}"
    )


def camel(names: Iterable[str]) -> set[str]:
    return {to_camel_case(name) for name in names}


def test_rest_read_serializer():
    # Every field, editorial state included: the document describes what privileged readers
    # see too (all optional, as ``fields`` may leave any out).
    assert_agrees("REST ArticleSerializer", ArticleSerializer().fields, fields.PRIVILEGED_FIELDS)


def test_rest_representation_builds_every_field():
    assert_agrees("REST represent_article", _GETTERS, fields.PRIVILEGED_FIELDS)


def test_rest_write_serializer():
    declared = [f.name for f in fields.API_CONTENT_FIELDS]
    assert_agrees("REST ArticleInputSerializer", ArticleInputSerializer().fields, declared)


def test_graphql_article_type():
    article = schema.graphql_schema.type_map["Article"]
    declared = camel(fields.PRIVILEGED_FIELDS) | GRAPHQL_EXTENSIONS
    assert_agrees("GraphQL type Article", article.fields, declared)


def test_graphql_article_input():
    article_input = schema.graphql_schema.type_map["ArticleInput"]
    declared = camel(f.name for f in fields.API_CONTENT_FIELDS)
    assert_agrees("GraphQL input ArticleInput", article_input.fields, declared)


def test_openapi_article_schema():
    from drf_spectacular.generators import SchemaGenerator

    document = SchemaGenerator().get_schema(request=None, public=True)
    properties = document["components"]["schemas"]["Article"]["properties"]
    assert_agrees("OpenAPI schema Article", properties, ArticleSerializer().fields)


def test_admin_form_and_fieldsets():
    form_fields: Any = ArticleAdminForm.base_fields
    not_content = {*ArticleAdminForm.CONCURRENCY_FIELDS, "publish_at"}
    assert_agrees("admin ArticleAdminForm", set(form_fields) - not_content,
                  fields.admin_form_fields())  # fmt: skip
    fieldsets: Any = ArticleAdmin.fieldsets
    shown = {name for _, options in fieldsets for name in options["fields"]}
    content_shown = shown & {f.name for f in fields.CONTENT_FIELDS}
    assert_agrees("admin ArticleAdmin.fieldsets", content_shown, fields.admin_form_fields())


def test_services_write_exactly_the_content_columns():
    assert_agrees("services.CONTENT_FIELDS", services.CONTENT_FIELDS, fields.WRITTEN_COLUMNS)


def test_selectors_serve_the_declared_fields():
    assert_agrees("selectors.ARTICLE_FIELDS", selectors.ARTICLE_FIELDS, fields.PUBLIC_FIELDS)
    assert_agrees(
        "selectors.PRIVILEGED_FIELDS", selectors.PRIVILEGED_FIELDS, fields.PRIVILEGED_FIELDS
    )


@pytest.mark.django_db
def test_every_declared_field_loads():
    row = selectors.article_rows(Article.objects.all(), fields.PRIVILEGED_FIELDS).query
    str(row)  # compiling the query raises FieldError for any column that does not exist


def test_every_model_column_is_declared_or_known_not_to_be_content():
    """A new column must be declared content (or added to NOT_CONTENT on purpose)."""
    columns = {
        f.name
        for f in Article._meta.get_fields()
        if isinstance(f, models.Field) and not f.auto_created and f.concrete
    } | {"tags", "authors"}
    content = {f.name for f in fields.CONTENT_FIELDS}
    assert_agrees("the Article model's columns", columns - NOT_CONTENT, content)
    for f in fields.READ_FIELDS:
        if not f.composite:
            assert f.model_field.name == f.name

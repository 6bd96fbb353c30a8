"""Every operation, called with requests generated from the OpenAPI document itself (valid and
invalid), answers as the document says: no server error, a documented status, content type
and headers, a body matching its schema, and invalid input refused. Anonymously and with a
token of every scope, in-process (schemathesis against the WSGI application)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from cms import scopes, tokens
from comments.models import CommentStatus
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    SectionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

# positive_data_acceptance is left out: some valid-looking input is refused by rules no schema
# can state (a section slug that does not exist, a stale If-Match, a reply to a comment that
# is not there, a publication date more than ten years ahead).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    missing_required_header,
    unsupported_method,
    ignored_auth,
]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # As Django's test client does: WSGIHandler closes the connection after each request,
    # which would end the test's transaction (and its data) on PostgreSQL.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def world(db):
    writer = AuthorFactory(slug="ann")
    for n in range(3):
        article = ArticleFactory(
            slug=f"story-{n}", authors=[writer], tags=[TagFactory(slug="harbour")],
            section=SectionFactory(slug="news"),
        )  # fmt: skip
        CommentFactory(article=article, status=CommentStatus.APPROVED)
        CommentFactory(article=article)


# Read from the application as served (the schema view touches no database).
schema = schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler())
# A PATCH without If-Match is a 428 (RFC 6585), as documented.
schema.config.checks.missing_required_header.expected_statuses.append("428")
FUZZ = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@FUZZ
def test_every_operation_answers_anonymous_callers_as_documented(case):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_every_operation_answers_a_token_of_every_scope_as_documented(case, editor):
    _, plaintext = tokens.token_create(owner=editor, name="fuzz", scopes=list(scopes.ALL_SCOPES))
    case.call_and_validate(headers={"Authorization": f"Bearer {plaintext}"}, checks=CHECKS)

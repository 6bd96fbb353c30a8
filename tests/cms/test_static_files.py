"""Under the production storage (hashed names from a manifest, compressed copies), collectstatic
succeeds and every admin page, the API docs page and GraphiQL name only collected, hashed files.
Any {% static %} of a file the manifest lacks is an error there, and was a 500 on every page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

PRODUCTION_STORAGE = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
STATIC_URLS = re.compile(r"""["'](/static/[^"'?#]+)""")
HASHED = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")


@pytest.fixture(scope="module")
def collected_root(tmp_path_factory) -> Path:
    """Collected once for the module (compressing takes seconds)."""
    root = tmp_path_factory.mktemp("static")
    storages = {**django_settings.STORAGES, "staticfiles": PRODUCTION_STORAGE}
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", "--noinput", verbosity=0)
    return root


@pytest.fixture
def collected(settings, collected_root) -> Path:
    """The production storage, reading the manifest collected above."""
    settings.STATIC_ROOT = collected_root
    settings.STORAGES = {**settings.STORAGES, "staticfiles": PRODUCTION_STORAGE}
    return collected_root


def static_urls(html: str) -> list[str]:
    return STATIC_URLS.findall(html)


def assert_hashed_and_collected(html: str, root: Path, page: str) -> None:
    urls = static_urls(html)
    for url in urls:
        assert HASHED.search(url), f"{page} names {url}, which has no content hash"
        assert (root / url.removeprefix("/static/")).is_file(), f"{page}: {url} not collected"


def test_collectstatic_keeps_the_vendored_graphiql_without_source_maps(collected):
    names = [path.name for path in (collected / "graphiql").iterdir()]
    assert any(HASHED.search(name) and name.startswith("graphiql.min.") for name in names)
    assert any(name.endswith(".gz") for name in names)  # WhiteNoise compressed it


def test_every_admin_page_names_hashed_files(collected, admin_client: Client):
    article = ArticleFactory()
    CommentFactory(article=article)
    request = RequestFactory().get("/")
    request.user = get_user_model().objects.get(is_superuser=True)  # admin_client's
    pages = [reverse("admin:index"), reverse("admin:password_change")]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        pages.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(request):
            pages.append(reverse("admin:{}_{}_add".format(*info)))
        first = model._default_manager.first()
        if first is not None:
            pages.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    assert reverse("admin:articles_article_change", args=[article.pk]) in pages
    for page in pages:
        response = admin_client.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert static_urls(html), f"{page} names no static file"
        assert_hashed_and_collected(html, collected, page)


def test_the_sign_in_page_and_api_docs_name_hashed_files(collected, client: Client):
    for page in ("/admin/login/", "/api/docs/"):
        response = client.get(page)
        assert response.status_code == 200, page
        assert_hashed_and_collected(response.content.decode(), collected, page)


def test_graphiql_names_hashed_files(collected):
    # Served only while DEBUG is on, where static URLs are not hashed; rendered here as it
    # would be with DEBUG off, so that its assets are known to be collected and hashed.
    from django.contrib.auth.models import AnonymousUser

    from cms.graphql.view import BylineGraphQLView
    from config.schema import schema

    view = BylineGraphQLView.as_view(schema=schema, graphiql=True)
    request = RequestFactory().get("/graphql/", HTTP_ACCEPT="text/html")
    request.user = AnonymousUser()
    html = view(request).content.decode()
    assert "graphiql.min" in html
    assert_hashed_and_collected(html, collected, "GraphiQL")

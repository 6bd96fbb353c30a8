"""The HTTP surface: the REST API and its documents, the admin, health checks."""

from django.apps import apps
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views import defaults
from drf_spectacular.views import SpectacularSwaggerView

from cms import views as cms_views
from cms.api.docs import SchemaView
from cms.api.errors import api_not_found, api_server_error
from cms.graphql.view import BylineGraphQLView
from config.schema import SCOPED_FIELDS, schema

admin.site.site_header = "Byline"
admin.site.site_title = "Byline"
admin.site.index_title = "Newsroom"
# Byline is headless: there is no site of its own to link to from the admin header.
admin.site.site_url = None

urlpatterns = [
    path("api/v1/", include("config.api_router")),
    # The docs page holds nothing but the viewer that fetches the schema.
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="api-schema", http_method_names=["get", "head"]),
        name="api-docs",
    ),
    # GraphiQL (the in-browser IDE) only while developing.
    path(
        "graphql/",
        BylineGraphQLView.as_view(
            schema=schema, graphiql=settings.DEBUG, scoped_fields=SCOPED_FIELDS
        ),
    ),
    path("admin/", admin.site.urls),
    path("healthz/", cms_views.healthz, name="healthz"),
    path("readyz/", cms_views.readyz, name="readyz"),
]

if apps.is_installed("devtools"):
    # The benchmark's floor view, first so that resolving it costs no more than it must.
    # Production settings do not install devtools, so these URLs never exist there.
    urlpatterns.insert(0, path("", include("devtools.urls")))

if settings.DEBUG:
    # Production serves media from object storage or the web server, never from Django.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_not_found(request, exception)
    return defaults.page_not_found(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_server_error(request)
    return defaults.server_error(request)

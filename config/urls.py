"""The HTTP surface: admin, health checks, and media while developing."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import path

from cms import views as cms_views

admin.site.site_header = "Byline"
admin.site.site_title = "Byline"
admin.site.index_title = "Newsroom"
# Byline is headless: there is no site of its own to link to from the admin header.
admin.site.site_url = None

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz/", cms_views.healthz, name="healthz"),
    path("readyz/", cms_views.readyz, name="readyz"),
]

if settings.DEBUG:
    # Production serves media from object storage or the web server, never from Django.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

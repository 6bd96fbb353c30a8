"""URLs under the benchmark settings only: the app, plus the framework's floor."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns


def floor(request: HttpRequest) -> JsonResponse:
    """The cheapest JSON answer Django gives through the same middleware: the yardstick."""
    return JsonResponse({"status": "ok", "items": [1, 2, 3]})


urlpatterns = [path("bench/floor/", floor), *app_urlpatterns]

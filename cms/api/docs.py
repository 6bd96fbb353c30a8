"""The OpenAPI document's view."""

from __future__ import annotations

from typing import Any

from drf_spectacular.views import SpectacularAPIView
from rest_framework.renderers import JSONRenderer

from cms.api.permissions import MayReadContent


class SchemaView(SpectacularAPIView):
    """The OpenAPI document, closed with the content (API_PUBLIC_READS: a closed GraphQL API
    hides its schema too), answering refusals in JSON problem details rather than in the YAML
    it serves by default."""

    permission_classes = [MayReadContent]
    http_method_names = ["get", "head"]

    def handle_exception(self, exc: Exception) -> Any:
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = "application/json"
        return super().handle_exception(exc)

"""DRF permission classes that defer to the one policy."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from cms.access import require_content_read
from cms.actors import actor_from_request


class MayReadContent(BasePermission):
    """Open while the API is public; with API_PUBLIC_READS off, only for those who may read
    content (raising the policy's 401 or 403)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        require_content_read(actor_from_request(request))
        return True

"""Former slugs: a read of an article at an address it has left answers 301 to where it is
now, so links and bookmarks to a renamed article keep working."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.request import Request
from rest_framework.response import Response

from cms.api.caching import cache_control

from .. import notes
from ..models import Article

MOVED = OpenApiResponse(
    description="A former slug of the article: `Location` is its current address (the same "
    "path and query under the new slug). Only for a caller who may read it there."
)
LOCATION = OpenApiParameter(
    "Location",
    OpenApiTypes.URI,
    OpenApiParameter.HEADER,
    response=[301],
    description="The article's current address.",
)


def moved(request: Request, *, slug: str, readable: QuerySet[Article]) -> Response | None:
    """A 301 to the current address of the article of ``readable`` (what the caller may read
    there) that once had ``slug``; None when there is none (the caller answers 404).

    ``Location`` keeps the path after the slug and the query string (``?fields=``), and is
    built from ``PUBLIC_API_URL``, never from the Host header a cached copy would carry.
    Cached like the article itself: public for anonymous readers, private otherwise.
    """
    if request.method not in ("GET", "HEAD"):
        return None
    article = notes.former_slug_owner(readable, slug)
    if article is None:
        return None
    before, marker, after = request.path.partition(f"/articles/{slug}")
    path = f"{before}/articles/{article.slug}{after}" if marker else request.path
    query = request.META.get("QUERY_STRING", "")
    location = settings.PUBLIC_API_URL + path + (f"?{query}" if query else "")
    response = Response(status=301, headers={"Location": location})
    response["Cache-Control"] = cache_control(request)
    response["Vary"] = "Authorization, Cookie"
    return response

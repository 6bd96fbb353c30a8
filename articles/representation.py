"""The parts of an article's public representation that are rules rather than columns: its
front-end URL, SEO fallbacks, cover image, section and byline. REST and GraphQL both build
them from selector rows (``articles.selectors.article_rows``) through these functions."""

from __future__ import annotations

from typing import Any

from cms.media import media_url

from .fields import REFERENCE_FIELDS
from .models import frontend_url
from .selectors import Row


def url(row: Row) -> str:
    return frontend_url(
        slug=row["slug"],
        pk=row["id"],
        section_slug=row["section__slug"],
        published_at=row["published_at"],
    )


def seo(row: Row) -> dict[str, str]:
    """SEO fields fall back to the headline, the excerpt and the front-end URL."""
    return {
        "title": row["seo_title"] or row["title"],
        "description": row["seo_description"] or row["excerpt"],
        "canonical_url": row["canonical_url"] or url(row),
    }


def cover_image(row: Row) -> dict[str, Any] | None:
    if not row["cover_image_id"]:
        return None
    return image(row, prefix="cover_image__")


def image(row: Row, *, prefix: str = "") -> dict[str, Any]:
    """A library image as the APIs show it: the original and its WebP renditions, narrowest
    first (a ``srcset``), all absolute URLs. Renditions not made yet are simply absent."""
    return {
        "url": media_url(row[f"{prefix}file"]),
        "alt": row[f"{prefix}alt"],
        "caption": row[f"{prefix}caption"],
        "credit": row[f"{prefix}credit"],
        "width": row[f"{prefix}width"],
        "height": row[f"{prefix}height"],
        "renditions": [
            {
                "url": media_url(r["name"]),
                "width": r["width"],
                "height": r["height"],
                "format": r["format"],
            }
            for r in row[f"{prefix}renditions"] or ()
        ],
    }


def section(row: Row) -> dict[str, str] | None:
    if not row["section__slug"]:
        return None
    return {
        "slug": row["section__slug"],
        "name": row["section__name"],
        "description": row.get("section__description", ""),
    }


def byline(row: Row) -> list[dict[str, Any]]:
    return [
        {"slug": a["slug"], "name": a["name"], "avatar_url": media_url(a["avatar"])}
        for a in row["authors"]
    ]


def corrections(row: Row) -> list[dict[str, Any]]:
    """The article's correction and update notes (``notes.attach_corrections``), oldest
    first: ``id`` (what an editor removes it by), ``date`` (ISO), ``text``, ``kind``."""
    return [
        {
            "id": note["id"],
            "date": note["date"].isoformat(),
            "text": note["text"],
            "kind": note["kind"],
        }
        for note in row["corrections"]
    ]


def reference(row: Row) -> dict[str, Any]:
    """The ``REFERENCE_FIELDS`` of an article row (``selectors.article_reference``, or a
    fuller one): its columns, and its URL, the one field among them built here."""
    return {name: url(row) if name == "url" else row[name] for name in REFERENCE_FIELDS}

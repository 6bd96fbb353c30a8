"""Template tags of the trash's admin pages."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def trash_kept_for() -> str:
    """How long the trash keeps a deleted article: "30 days" (``TRASH_RETENTION_DAYS``)."""
    days = settings.TRASH_RETENTION_DAYS
    return f"{days} day{'s' if days != 1 else ''}"

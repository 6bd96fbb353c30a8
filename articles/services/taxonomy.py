"""Author profiles, sections and tags."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cms import audit
from cms.access import Action, require
from cms.actors import Actor
from cms.errors import (
    InUse,
)

from .. import cachetags, selectors
from ..lifecycle import live_status_q
from ..models import (
    Article,
    Author,
    Section,
    Tag,
)
from .bylines import recount_authors
from .history import articles_saved


def taxonomy_save(*, obj: Author | Section | Tag, actor: Actor) -> None:
    """Save an author profile, section or tag (validated already by the caller's form)."""
    require(actor, Action.CHANGE if obj.pk else Action.ADD, obj if obj.pk else type(obj))
    with transaction.atomic():
        previous_slug = None
        if obj.pk is not None:
            previous_slug = (
                type(obj)
                ._default_manager.select_for_update()
                .filter(pk=obj.pk)
                .values_list("slug", flat=True)
            ).first()
        obj.save()
        if isinstance(obj, Author):
            # The stored count is the services' to keep: the caller's copy of the author may
            # have been loaded before an article of theirs went live, and saving it wrote
            # that older count back.
            recount_authors([obj.pk])
        audit.record(actor, f"{obj._meta.model_name}.save", obj)
        slugs = {obj.slug} if previous_slug is None else {obj.slug, previous_slug}
        _invalidate(obj, slugs, slug_changed=previous_slug not in (None, obj.slug))
        if isinstance(obj, Section) and previous_slug not in (None, obj.slug):
            _record_section_move(obj, str(previous_slug), actor)


def _invalidate(obj: Author | Section | Tag, slugs: set[str], *, slug_changed: bool) -> None:
    """Invalidate, on commit, the listing of ``obj``'s kind and whatever names it (by its
    old and new slugs): the articles showing its name, the listings filtered by it."""
    if isinstance(obj, Author):
        listing, named = cachetags.AUTHORS, cachetags.author_tag
    elif isinstance(obj, Section):
        listing, named = cachetags.SECTIONS, cachetags.section_tag
    else:
        listing, named = cachetags.TAGS, cachetags.tag_tag
    cachetags.invalidate_taxonomy(listing, map(named, slugs), slug_changed=slug_changed)


def _record_section_move(section: Section, previous_slug: str, actor: Actor) -> None:
    """A section's slug is part of its live articles' addresses (``FRONTEND_ARTICLE_URL``'s
    ``{section}``): renaming it moves them, so each is recorded as edited (a new version,
    ``updated_at``, an audit entry) rather than changing behind its readers' caches."""
    # Live or scheduled to be: the addresses readers have, or will have.
    moved = Article.objects.select_for_update().filter(live_status_q(), section=section)
    articles = list(moved.only("id", "title"))
    if not articles:
        return
    Article.objects.filter(pk__in=[a.pk for a in articles]).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    note = f"moved with its section from {previous_slug} to {section.slug}"
    articles_saved(
        actor=actor,
        action="article.update",
        entries=((a, f"{a.title} ({note})") for a in articles),
        summary=note.capitalize(),
    )


def taxonomy_delete(*, obj: Author | Section | Tag, actor: Actor) -> None:
    """Delete an author profile, section or tag that no article uses.

    One in use is refused (``InUse``, naming the articles): deleting it would change those
    articles (a byline, an address, a tag list) without an edit, a version or an audit entry
    of any of them. Editors move the articles first, each change recorded.
    """
    require(actor, Action.DELETE, obj)
    with transaction.atomic():
        # The row lock conflicts with the key-share lock that saving a reference to it takes
        # (PostgreSQL), so no article can take it up between the check and the delete.
        list(type(obj)._default_manager.select_for_update().filter(pk=obj.pk).values("pk"))
        refuse_if_in_use(obj)
        audit.record(actor, f"{obj._meta.model_name}.delete", obj)
        _invalidate(obj, {obj.slug}, slug_changed=False)
        obj.delete()


def refuse_if_in_use(obj: Author | Section | Tag) -> None:
    count, titles = selectors.usage_summary(obj)
    if not count:
        return
    named = ", ".join(f"“{title}”" for title in titles)
    more = f" and {count - len(titles)} more" if count > len(titles) else ""
    noun = "article uses" if count == 1 else "articles use"
    raise InUse(
        f"{count} {noun} this {obj._meta.verbose_name} ({named}{more}); "
        "move them off it before deleting it."
    )

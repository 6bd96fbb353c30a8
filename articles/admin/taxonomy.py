"""The taxonomy's admin: authors, sections and tags, saved through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import User
from django.http import HttpRequest

from cms.access import Action, can
from cms.admin import AllOrNothingDelete

from .. import selectors, services
from ..models import Author, Section, Tag


class TaxonomyAdmin(AllOrNothingDelete):
    """Authors, sections and tags are saved through the services, which tell caches."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.taxonomy_save(obj=obj, actor=self.actor(request))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.taxonomy_delete(obj=obj, actor=self.actor(request))

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        """One in use by any article cannot be deleted (``services.taxonomy_delete``): the
        confirmation page names the articles in the way (a few, and how many more) instead
        of Django's list of every protected row, which would run to thousands."""
        in_use = []
        for obj in objs:
            count, titles = selectors.usage_summary(obj)
            if count:
                names = [f"article “{title}”" for title in titles]
                if count > len(titles):
                    names.append(f"{count - len(titles)} more")
                in_use.append(f"{obj._meta.verbose_name} “{obj}”, used by {', '.join(names)}")
        if in_use:
            return [], {}, set(), in_use
        return super().get_deleted_objects(objs, request)


@admin.register(Author)
class AuthorAdmin(TaxonomyAdmin):
    list_display = ("name", "slug", "user", "website")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "bio", "avatar", "website", "email", "user")

    def _manages_authors(self, request: HttpRequest) -> bool:
        # Linking a login and reading private emails are for those who manage every profile;
        # people editing their own profile see neither.
        return can(self.actor(request), Action.ADD, Author)

    def get_fields(self, request: HttpRequest, obj: Author | None = None) -> Any:
        fields = super().get_fields(request, obj)
        if self._manages_authors(request):
            return fields
        return [f for f in fields if f != "email"]

    def get_readonly_fields(self, request: HttpRequest, obj: Author | None = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly if self._manages_authors(request) else (*readonly, "user")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user":
            # Only staff logins can be linked to a byline.
            kwargs["queryset"] = User.objects.filter(is_staff=True).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Section)
class SectionAdmin(TaxonomyAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "description")


@admin.register(Tag)
class TagAdmin(TaxonomyAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug")

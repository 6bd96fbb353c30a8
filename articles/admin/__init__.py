"""The editors' workspace: articles (``article``, with its form in ``forms``) and the
taxonomy (``taxonomy``). Importing the package registers them with the admin site."""

from . import desk  # noqa: F401 - registers the articles' panels on the admin index
from .article import BULK_ACTIONS, LIFECYCLE_BUTTONS, ArticleAdmin
from .forms import BODY_EDITOR_EXTENSIONS, ArticleAdminForm, BylineFormSet, BylineInline
from .taxonomy import AuthorAdmin, SectionAdmin, TagAdmin, TaxonomyAdmin
from .trash import TrashAdmin

__all__ = [
    "BODY_EDITOR_EXTENSIONS",
    "BULK_ACTIONS",
    "LIFECYCLE_BUTTONS",
    "ArticleAdmin",
    "ArticleAdminForm",
    "AuthorAdmin",
    "BylineFormSet",
    "BylineInline",
    "SectionAdmin",
    "TagAdmin",
    "TaxonomyAdmin",
    "TrashAdmin",
]

"""The REST API under /api/v1/: every resource the apps expose, in one place."""

from django.urls import re_path
from rest_framework.routers import SimpleRouter

from articles.api.revisions import NUMBER_PATTERN, ArticleRevisionViewSet
from articles.api.trash import TrashViewSet
from articles.api.views import (
    SLUG_PATTERN,
    ArticleViewSet,
    AuthorViewSet,
    SectionViewSet,
    TagViewSet,
)
from comments.api.views import ArticleCommentViewSet, ModerationViewSet

# Every path answers with and without its trailing slash (the same view, no redirect): the
# OpenAPI document lists them without (cms.api.schema.postprocess), as linters and
# generators expect, while the slash forms in use keep working.
OPTIONAL_SLASH = "/?"

router = SimpleRouter()
router.trailing_slash = OPTIONAL_SLASH  # the routes read this; the argument takes a boolean
router.register("articles", ArticleViewSet, basename="article")
router.register("authors", AuthorViewSet, basename="author")
router.register("sections", SectionViewSet, basename="section")
router.register("tags", TagViewSet, basename="tag")
router.register("comments", ModerationViewSet, basename="comment")
router.register("trash", TrashViewSet, basename="trash")

urlpatterns = [
    re_path(
        rf"^articles/(?P<slug>{SLUG_PATTERN})/comments{OPTIONAL_SLASH}$",
        ArticleCommentViewSet.as_view({"get": "list", "post": "create"}),
        name="article-comments",
    ),
    re_path(
        rf"^articles/(?P<slug>{SLUG_PATTERN})/revisions{OPTIONAL_SLASH}$",
        ArticleRevisionViewSet.as_view({"get": "list"}),
        name="article-revisions",
    ),
    re_path(
        rf"^articles/(?P<slug>{SLUG_PATTERN})/revisions/(?P<number>{NUMBER_PATTERN}){OPTIONAL_SLASH}$",
        ArticleRevisionViewSet.as_view({"get": "retrieve"}),
        name="article-revision",
    ),
    re_path(
        rf"^articles/(?P<slug>{SLUG_PATTERN})/revisions/(?P<number>{NUMBER_PATTERN})/restore"
        rf"{OPTIONAL_SLASH}$",
        ArticleRevisionViewSet.as_view({"post": "restore"}),
        name="article-revision-restore",
    ),
    *router.urls,
]

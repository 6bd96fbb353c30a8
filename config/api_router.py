"""The REST API under /api/v1/: every resource the apps expose, in one place."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from articles.api.views import ArticleViewSet, AuthorViewSet, SectionViewSet, TagViewSet
from comments.api.views import ArticleCommentViewSet, ModerationViewSet

router = SimpleRouter()
router.register("articles", ArticleViewSet, basename="article")
router.register("authors", AuthorViewSet, basename="author")
router.register("sections", SectionViewSet, basename="section")
router.register("tags", TagViewSet, basename="tag")
router.register("comments", ModerationViewSet, basename="comment")

urlpatterns = [
    path(
        "articles/<slug:article_slug>/comments/",
        ArticleCommentViewSet.as_view({"get": "list", "post": "create"}),
        name="article-comments",
    ),
    *router.urls,
]

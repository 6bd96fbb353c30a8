"""Load the demo publication. Safe to run again: what exists (by slug) is left alone.

It lives in ``devtools``, above both content apps that it needs (apps depend downwards only),
and out of production, which installs only the product.
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw

from articles import services as article_services
from articles.lifecycle import LIVE_STATUSES
from articles.models import Article, ArticleStatus, Author, Section, Tag
from cms.actors import Actor
from comments import services as comment_services
from comments.models import Comment, CommentStatus
from devtools import demo_content
from media import services as media_services
from media import validation
from media.models import Image
from media.tasks import make_renditions


class Command(BaseCommand):
    help = "Load the demo publication (The Harbour Ledger). Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.system()
        with transaction.atomic():
            authors = {
                a["slug"]: Author.objects.get_or_create(slug=a["slug"], defaults=a)[0]
                for a in demo_content.AUTHORS
            }
            sections = {
                s["slug"]: Section.objects.get_or_create(slug=s["slug"], defaults=s)[0]
                for s in demo_content.SECTIONS
            }
            tags = {
                t["slug"]: Tag.objects.get_or_create(slug=t["slug"], defaults=t)[0]
                for t in demo_content.TAGS
            }
            created = 0
            for spec in demo_content.ARTICLES:
                if Article.objects.filter(slug=spec["slug"]).exists():
                    continue
                self._create_article(spec, actor, authors, sections, tags)
                created += 1
            comments = 0
            for slug, specs in demo_content.COMMENTS.items():
                article = Article.objects.get(slug=slug)
                if Comment.objects.filter(article=article).exists():
                    continue
                comments += self._create_comments(article, specs, actor)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content ready: {created} article(s) and {comments} comment(s) added, "
                f"{Article.objects.count()} articles in all."
            )
        )

    def _create_article(
        self,
        spec: dict[str, Any],
        actor: Actor,
        authors: dict[str, Author],
        sections: dict[str, Section],
        tags: dict[str, Tag],
    ) -> None:
        article = article_services.article_create(
            actor=actor,
            title=spec["title"],
            slug=spec["slug"],
            subtitle=spec.get("subtitle", ""),
            excerpt=spec.get("excerpt", ""),
            body_html=spec["body"],
            section=sections[spec["section"]],
            authors=[authors[slug] for slug in spec["authors"]],
            tags=[tags[slug] for slug in spec["tags"]],
            cover_image=self._cover(spec["cover"], actor) if "cover" in spec else None,
        )
        status = spec["status"]
        when = timezone.now() + timedelta(days=spec["day"]) if spec["day"] is not None else None
        if status == ArticleStatus.IN_REVIEW:
            article_services.article_submit_for_review(article=article, actor=actor)
        elif status in (*LIVE_STATUSES, ArticleStatus.ARCHIVED):
            # Live statuses come from publishing (a future day schedules); archived, after it.
            article_services.article_publish(article=article, actor=actor, published_at=when)
            if status == ArticleStatus.ARCHIVED:
                article_services.article_archive(article=article, actor=actor)
        if spec.get("featured"):
            article_services.article_set_featured(article=article, actor=actor, featured=True)
        if spec.get("views"):
            # Demo figures: set directly rather than replaying hundreds of reader visits.
            Article.objects.filter(pk=article.pk).update(view_count=spec["views"])

    def _cover(self, spec: dict[str, str], actor: Actor) -> Image:
        """A picture drawn here (no binary files in the repository), uploaded to the media
        library with its renditions made at once, so the demo needs no worker to show them."""
        picture = PILImage.new("RGB", (1600, 1000), "#f3b27a")
        draw = ImageDraw.Draw(picture)
        draw.rectangle((0, 620, 1600, 1000), fill="#1f4e6b")  # the sea
        draw.rectangle((0, 560, 520, 640), fill="#6b6259")  # the quay
        draw.polygon([(700, 600), (1250, 600), (1180, 680), (760, 680)], fill="#f4f1ea")  # hull
        draw.rectangle((860, 520, 1060, 600), fill="#c0392b")  # wheelhouse
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=85)
        upload = ContentFile(buffer.getvalue(), name=spec["name"])
        checked = validation.check_upload(upload)
        image = media_services.find_duplicate(checked.content_hash)
        if image is None:
            image = media_services.image_create(
                actor=actor,
                file=upload,
                alt=spec["alt"],
                caption=spec["caption"],
                credit=spec["credit"],
            )
        make_renditions.call(image.pk)
        return image

    def _create_comments(self, article: Article, specs: list[dict[str, str]], actor: Actor) -> int:
        by_key: dict[str, Comment] = {}
        for spec in specs:
            status = CommentStatus(spec["status"])
            initial = status if status == CommentStatus.APPROVED else CommentStatus.PENDING
            comment = comment_services.comment_create(
                article=article,
                author_name=spec["name"],
                author_email=spec["email"],
                body=spec["body"],
                parent=by_key.get(spec.get("reply_to", "")),
                status=initial,
                actor=actor,
            )
            if status != initial:
                comment_services.comment_moderate(comment=comment, actor=actor, status=status)
            by_key[spec["key"]] = comment
        return len(by_key)

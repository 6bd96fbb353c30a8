from typing import Any

from django.core.management.base import BaseCommand

from articles.models import Author
from articles.services.bylines import recount_authors


class Command(BaseCommand):
    help = (
        "Count again every author's published and scheduled articles (what the authors list "
        "shows as article_count). The services keep the counts as they write; run this after "
        "loading articles or bylines outside them (a bulk import, raw SQL)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        ids = list(Author.objects.values_list("pk", flat=True))
        for start in range(0, len(ids), 1000):
            recount_authors(ids[start : start + 1000])
        self.stdout.write(f"{len(ids)} author(s) counted.")

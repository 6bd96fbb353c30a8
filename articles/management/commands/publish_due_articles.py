from typing import Any

from django.core.management.base import BaseCommand

from articles.services import publish_due_articles


class Command(BaseCommand):
    help = (
        "Mark scheduled articles whose time has come as published. Visibility does not wait "
        "for this; run it from cron to keep the stored status truthful."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = publish_due_articles()
        self.stdout.write(f"{count} scheduled article(s) marked published.")

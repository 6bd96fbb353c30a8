from typing import Any

from django.core.management.base import BaseCommand

from articles.services import publish_due_articles


class Command(BaseCommand):
    help = (
        "Mark scheduled articles whose time has come as published. Visibility does not wait "
        "for this, and the task worker (run_worker) does it every PUBLISH_DUE_EVERY seconds; "
        "run it by hand or from cron only where no worker runs."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = publish_due_articles()
        self.stdout.write(f"{count} scheduled article(s) marked published.")

"""Create the local-only logins that ``make run`` documents. Refuses to run without DEBUG.

admin (superuser), editor, author and contributor, all with the password ``byline-local``;
the role users are linked to demo authors so that "own articles" means something.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.models import Author
from cms.roles import Role

LOCAL_PASSWORD = "byline-local"  # noqa: S105 - documented, DEBUG-only demo logins
LOCAL_HOSTS = ("", "localhost", "127.0.0.1", "::1")
LOGINS: list[tuple[str, Role | None, str | None]] = [
    ("admin", None, None),
    ("editor", Role.EDITOR, "priya-nandakumar"),
    ("author", Role.AUTHOR, "maya-okafor"),
    ("contributor", Role.CONTRIBUTOR, "jonas-berg"),
]


class Command(BaseCommand):
    help = "Create local demo logins (DEBUG only). Existing users are left as they are."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Refusing to create demo logins: DEBUG is off.")
        database = settings.DATABASES["default"]
        local = database["ENGINE"].endswith("sqlite3") or database.get("HOST", "") in LOCAL_HOSTS
        if not local:
            raise CommandError(
                "Refusing to create demo logins: the database is not on this machine."
            )
        created = []
        with transaction.atomic():
            for username, role, author_slug in LOGINS:
                if User.objects.filter(username=username).exists():
                    continue
                user = User.objects.create_user(
                    username=username,
                    password=LOCAL_PASSWORD,
                    is_staff=True,
                    is_superuser=role is None,
                )
                if role is not None:
                    user.groups.add(Group.objects.get(name=role.group_name))
                if author_slug:
                    Author.objects.filter(slug=author_slug, user__isnull=True).update(user=user)
                created.append(username)
        if created:
            self.stdout.write(
                f"Local logins created: {', '.join(created)} (password: {LOCAL_PASSWORD})"
            )
        else:
            self.stdout.write("Local logins already exist (see README).")

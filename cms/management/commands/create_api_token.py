from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cms import scopes, tokens
from cms.errors import ValidationFailed


class Command(BaseCommand):
    help = "Create an API token for a user and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="The owner's username.")
        parser.add_argument("--name", required=True, help="What the token is for.")
        parser.add_argument(
            "--scope", action="append", default=[], choices=scopes.ALL_SCOPES, dest="scopes"
        )
        parser.add_argument("--expires-days", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user called {options['user']!r}.")
        days = options["expires_days"]
        expires = timezone.now() + timedelta(days=days) if days else None
        try:
            token, plaintext = tokens.token_create(
                owner=user, name=options["name"], scopes=options["scopes"], expires_at=expires
            )
        except ValidationFailed as error:
            raise CommandError(error.message) from None
        self.stderr.write(f"Token {token.prefix} for {user}; it will not be shown again:")
        self.stdout.write(plaintext)

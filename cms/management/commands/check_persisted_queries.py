"""Check an Apollo persisted-query manifest before it is deployed as the allow-list."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from graphene_django.settings import graphene_settings

from cms.graphql.persisted import ManifestError, load_manifest


class Command(BaseCommand):
    help = (
        "Check a persisted-query manifest (Apollo's generate-persisted-query-manifest format): "
        "each id is the SHA-256 of its body, and each body parses, fits the schema and is "
        "within the GraphQL limits as configured here. Exits 1, listing the problems, if not."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            nargs="?",
            help="The manifest (default: GRAPHQL_PERSISTED_QUERIES_FILE).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The view's own preparation, so the command agrees with what requests would meet.
        from cms.graphql.view import _limits_key, prepare

        path = options["file"] or settings.GRAPHQL_PERSISTED_QUERIES_FILE
        if not path:
            raise CommandError("Name a manifest, or set GRAPHQL_PERSISTED_QUERIES_FILE.")
        load_manifest.cache_clear()  # read the file as it is now
        try:
            operations = load_manifest(path)
        except ManifestError as error:
            raise CommandError("\n".join([f"{path}:", *error.problems])) from None
        schema = graphene_settings.SCHEMA.graphql_schema
        problems = []
        for digest, body in operations.items():
            _, errors = prepare(schema, body, _limits_key())
            problems += [f"{digest[:12]}…: {error.message}" for error in errors]
        if problems:
            raise CommandError("\n".join([f"{path}:", *problems]))
        self.stdout.write(f"{path}: {len(operations)} operations, each runs here.")

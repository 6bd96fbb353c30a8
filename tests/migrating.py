"""Moving the test database to a migration state and back, for data-migration tests (which
need ``pytest.mark.django_db(transaction=True)``)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets: list[tuple[str, str]]) -> Any:
    """Migrate to ``targets`` (app, migration) and return the app registry of that state."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest() -> None:
    """Back to every app's latest migration (for the tests after this one)."""
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

"""The checks themselves: pre-commit and `make lint` agree; query counts are exact."""

import re

import pytest
import yaml
from django.contrib.auth.models import User
from django.db import connection

from tests.api import assert_queries
from tests.subprocesses import ROOT

RUFF_HOOKS = "https://github.com/astral-sh/ruff-pre-commit"


def hook_repos() -> dict[str, dict]:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    return {repo["repo"]: repo for repo in config["repos"]}


def lint_recipe() -> list[str]:
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^lint:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe, "Makefile has no lint target"
    return [line.strip() for line in recipe.group(1).splitlines()]


def test_pre_commit_runs_the_ruff_pinned_in_requirements():
    pinned = re.search(
        r"^ruff==(\S+)$", (ROOT / "requirements" / "dev.txt").read_text(), re.MULTILINE
    )
    assert pinned, "requirements/dev.txt pins no ruff"
    rev = hook_repos()[RUFF_HOOKS]["rev"]
    assert rev == f"v{pinned.group(1)}", (
        f".pre-commit-config.yaml runs ruff {rev}, requirements/dev.txt pins "
        f"{pinned.group(1)}: change both"
    )


def test_pre_commit_and_make_lint_run_the_same_checks():
    hooks = hook_repos()[RUFF_HOOKS]["hooks"]
    # No arguments: the hooks read pyproject.toml, as make lint's ruff does.
    assert hooks == [{"id": "ruff-check"}, {"id": "ruff-format"}]
    recipe = lint_recipe()
    assert "$(BIN)/ruff check ." in recipe
    assert "$(BIN)/ruff format --check ." in recipe
    (mypy,) = (hook for hook in hook_repos()["local"]["hooks"] if hook["id"] == "mypy")
    assert mypy["entry"].replace(".venv/bin/", "$(BIN)/") in recipe


@pytest.mark.django_db
def test_a_query_count_that_differs_fails_listing_the_sql():
    with pytest.raises(AssertionError) as failed, assert_queries(2):
        User.objects.filter(username="nobody").exists()
    message = str(failed.value)
    assert message.startswith(f"1 queries on {connection.vendor}, expected 2:\n1. SELECT ")
    assert "nobody" in message

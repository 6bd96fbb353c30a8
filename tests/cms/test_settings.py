"""Production settings refuse unsafe configuration, and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k3y-" + "aZ9" * 20


def run_with_production(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    unset = ("SECRET_KEY", "ALLOWED_HOSTS", "WEB_CONCURRENCY")
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


BASE_ENV = {"DATABASE_URL": "sqlite:////tmp/byline-prod-check.sqlite3"}


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"ALLOWED_HOSTS": "news.example"}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": "news.example", "SECRET_KEY": "short"}, "SECRET_KEY"),
        (
            {"ALLOWED_HOSTS": "news.example", "SECRET_KEY": "django-insecure-" + "x" * 60},
            "SECRET_KEY",
        ),
        ({"SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS"),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        (
            {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "news.example", "DATABASE_URL": ""},
            "DATABASE_URL",
        ),
    ],
)
def test_production_refuses_to_start_without_real_secrets(env, complaint):
    result = run_with_production({**BASE_ENV, **env}, "check")
    assert result.returncode != 0
    assert complaint in result.stderr


def test_production_passes_the_deployment_checks():
    env = {**BASE_ENV, "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "news.example"}
    result = run_with_production(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout

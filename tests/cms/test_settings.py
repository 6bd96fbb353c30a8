"""Production settings refuse unsafe configuration, and pass Django's deployment checks."""

import subprocess

import pytest

from tests.subprocesses import collected_static_root, run_manage

GOOD_KEY = "k3y-" + "aZ9" * 20


def run_with_production(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    unset = ("SECRET_KEY", "ALLOWED_HOSTS", "PUBLIC_API_URL", "WEB_CONCURRENCY")
    return run_manage("config.settings.production", env, *args, unset=unset)


BASE_ENV = {
    "DATABASE_URL": "sqlite:////tmp/byline-prod-check.sqlite3",
    "PUBLIC_API_URL": "https://cms.news.example",
    "STATIC_ROOT": str(collected_static_root()),
}
GOOD = {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "news.example"}


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
            {**GOOD, "DATABASE_URL": ""},
            "DATABASE_URL",
        ),
        ({**GOOD, "PUBLIC_API_URL": ""}, "PUBLIC_API_URL"),
        ({**GOOD, "PUBLIC_API_URL": "cms.news.example"}, "PUBLIC_API_URL"),
        ({**GOOD, "PUBLIC_API_URL": "https://cms.news.example/api/v1/"}, "PUBLIC_API_URL"),
        ({**GOOD, "PUBLIC_API_URL": "ftp://cms.news.example"}, "PUBLIC_API_URL"),
    ],
)
def test_production_refuses_to_start_without_real_secrets(env, complaint):
    env = {**BASE_ENV, **env}
    result = run_with_production(
        {k: v for k, v in env.items() if v or k != "PUBLIC_API_URL"}, "check"
    )
    assert result.returncode != 0
    assert complaint in result.stderr


def test_production_passes_the_deployment_checks():
    result = run_with_production(
        {**BASE_ENV, **GOOD}, "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout

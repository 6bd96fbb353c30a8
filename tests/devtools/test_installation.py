"""Developer tools exist where developers work and benchmarks run, never in production."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.cms.test_settings import BASE_ENV, GOOD, run_with_production
from tests.subprocesses import run_manage

DEVTOOLS_COMMANDS = ("bench_dataset", "seed_demo", "create_local_logins")
# Each child process gets a database of its own and the in-process cache, whatever the suite
# runs on: these runs must neither touch the suite's databases nor depend on their services.
HERMETIC = ("DATABASE_URL", "REDIS_URL")


def test_production_does_not_install_devtools():
    probe = (
        "import json; from django.apps import apps; from django.urls import resolve, Resolver404\n"
        "try:\n    resolve('/bench/floor/'); floor = True\n"
        "except Resolver404:\n    floor = False\n"
        "print('PROBE', json.dumps({'installed': apps.is_installed('devtools'), 'floor': floor}))"
    )
    result = run_with_production({**BASE_ENV, **GOOD}, "shell", "--no-imports", "-c", probe)
    assert result.returncode == 0, result.stderr
    # Start-up logging may share stdout; the probe's answer is the line it marked.
    (answer,) = (line for line in result.stdout.splitlines() if line.startswith("PROBE "))
    assert json.loads(answer.removeprefix("PROBE ")) == {"installed": False, "floor": False}


def test_production_lists_no_developer_commands():
    result = run_with_production({**BASE_ENV, **GOOD}, "help")
    assert result.returncode == 0, result.stderr
    assert "publish_due_articles" in result.stdout  # the product's own commands are there
    for command in DEVTOOLS_COMMANDS:
        assert command not in result.stdout


def test_make_run_commands_work_under_local_settings(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'local.sqlite3'}"}
    out = {}
    for command in ("migrate", "seed_demo", "create_local_logins"):
        result = run_manage("config.settings.local", env, command, unset=HERMETIC, timeout=180)
        assert result.returncode == 0, f"{command}: {result.stderr}"
        out[command] = result.stdout
    assert "Demo content ready" in out["seed_demo"]
    assert "Local logins created: admin, editor, author, contributor" in out["create_local_logins"]


def test_bench_dataset_keeps_its_flags_under_the_benchmark_settings(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}"}
    migrated = run_manage("config.settings.bench", env, "migrate", unset=HERMETIC, timeout=180)
    assert migrated.returncode == 0, migrated.stderr
    flags = ("--articles", "50", "--authors", "5", "--tags", "10", "--comments", "100")
    result = run_manage("config.settings.bench", env, "bench_dataset", *flags, unset=HERMETIC)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("50 articles, 5 authors, 10 tags, 100 comments, ")


@pytest.mark.django_db
def test_bench_dataset_refuses_a_database_not_declared_the_benchmarks():
    with pytest.raises(CommandError, match=r"config\.settings\.bench"):
        call_command("bench_dataset", "--articles", "1")


def test_the_benchmark_floor_is_served_where_devtools_is_installed(client):
    response = client.get("/bench/floor/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "items": [1, 2, 3]}

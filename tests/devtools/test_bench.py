"""`make bench`'s harness works: on a tiny dataset its in-process part measures every read it
lists and its report has a row for each (no timing is checked: the machine decides those)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bench import report
from bench.endpoints import ENDPOINTS, find, resolve
from bench.load import Request, WrkResult, wrk_script
from tests.subprocesses import ROOT, run_manage

HERMETIC = ("DATABASE_URL", "REDIS_URL")
FLAGS = ("--articles", "20", "--authors", "3", "--tags", "4", "--comments", "40")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A migrated SQLite database holding a 20-article benchmark dataset."""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('bench') / 'bench.sqlite3'}"}
    migrated = run_manage("config.settings.bench", env, "migrate", unset=HERMETIC, timeout=300)
    assert migrated.returncode == 0, migrated.stderr
    built = run_manage("config.settings.bench", env, "bench_dataset", *FLAGS, unset=HERMETIC)
    assert built.returncode == 0, built.stderr
    return env


def inprocess(env: dict[str, str]) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in HERMETIC}
    result = subprocess.run(
        [sys.executable, "-m", "bench.inprocess"],
        cwd=ROOT,
        env={
            **clean,
            **env,
            "DJANGO_SETTINGS_MODULE": "config.settings.bench",
            "BENCH_RUNS": "2",
            "BENCH_MIN_RUNS": "1",
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (line,) = (line for line in result.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def test_the_in_process_part_measures_every_read_and_reports_each(tiny):
    answer = inprocess(tiny)
    rows = {row["name"]: row for row in answer["rows"]}
    assert set(rows) == {e.name for e in ENDPOINTS if e.inprocess}
    for row in rows.values():
        for state in ("cold", "warm"):
            assert row[state]["status"] == 200, row
            assert row[state]["runs"] >= 1, row
            assert row[state]["p50"] > 0, row
    # Reads answered from the database run SQL when cold; the floor never does.
    assert rows["REST list, page 1"]["cold"]["queries"] > 0
    assert rows["floor (bare Django JSON view)"]["cold"]["queries"] == 0
    # The deep page is the list's last one: 18 published articles, 20 to a page.
    assert rows["REST list, deep page"]["path"].endswith("&page=1")
    assert answer["slug"].startswith("story-")

    runs = {20: report.Run(inprocess=rows), 40: report.Run(inprocess=rows)}
    printed = report.inprocess_table("postgres", runs)
    for endpoint in ENDPOINTS:
        if endpoint.inprocess:
            assert f"| {endpoint.name} |" in printed
    # The same figures at both sizes: no growth, so every growth target passes.
    assert "growth <= 1.5x PASS" in printed
    assert "MISS" not in printed


def test_the_dataset_has_view_days_for_popular_within_each_articles_views(tiny):
    probe = (
        "from django.db.models import Sum\n"
        "from articles.models import Article, ArticleViewDay\n"
        "days = ArticleViewDay.objects.values('article').annotate(n=Sum('count'))\n"
        "short = [d for d in days if Article.objects.get(pk=d['article']).view_count < d['n']]\n"
        "print('PROBE', len(days), len(short))"
    )
    result = run_manage(
        "config.settings.bench", tiny, "shell", "--no-imports", "-c", probe, unset=HERMETIC
    )
    assert result.returncode == 0, result.stderr
    (line,) = (line for line in result.stdout.splitlines() if line.startswith("PROBE "))
    viewed, short = map(int, line.split()[1:])
    assert viewed == 18  # every published article, the 20 most recent being within 5,000
    assert short == 0


def figures(p50: float, p95: float | None = None) -> dict:
    timing = {"p50": p50, "p95": p95 or p50, "runs": 5, "queries": 3, "status": 200}
    return {"cold": timing, "warm": timing}


def test_targets_compare_growth_and_postgresql_time_at_100k():
    name = "REST authors"
    runs = {
        1000: report.Run(inprocess={name: figures(5)}),
        100_000: report.Run(inprocess={name: figures(9)}),
    }
    assert report.inprocess_targets("postgres", find(name), runs) == [
        "growth <= 1.5x MISS",
        "< 20 ms PASS",
    ]
    runs[100_000].inprocess[name] = figures(7)
    assert report.inprocess_targets("sqlite", find(name), runs) == ["growth <= 1.5x PASS"]


def test_search_targets_are_p95_on_postgresql_and_p50_on_sqlite():
    name = "REST search, 3 words"
    runs = {
        1000: report.Run(inprocess={name: figures(5)}),
        100_000: report.Run(inprocess={name: figures(30, p95=60)}),
    }
    assert report.inprocess_targets("postgres", find(name), runs) == ["p95 < 50 ms MISS"]
    assert report.inprocess_targets("sqlite", find(name), runs) == ["p50 < 50 ms PASS"]


def test_throughput_targets_are_shares_of_the_floor():
    def result(rps: float) -> WrkResult:
        return WrkResult(rps=rps, p50="1ms", p99="2ms", requests=1, failed=0)

    floor, listing, view = ENDPOINTS[0].name, "REST list, page 1", "view POST"
    runs = {1000: report.Run(wrk={floor: result(1000), listing: result(599), view: result(300)})}
    assert report.wrk_targets(find(listing), runs) == ["1,000: >= 0.60x MISS"]
    assert report.wrk_targets(find(view), runs) == ["1,000: >= 0.30x PASS"]
    printed = report.wrk_table(runs)
    for endpoint in ENDPOINTS:
        if endpoint.wrk:
            assert f"| {endpoint.name} |" in printed
    # Not measured (persisted queries not answered yet): said so, not a failure.
    assert "| GraphQL article + comments (persisted, GET) | n/a |" in printed


def test_wrk_requests_fill_in_a_distinct_reader_each_time():
    request = Request(
        "POST",
        resolve(find("view POST").path, "story-1", "page=1"),
        "{}",
        find("view POST").headers,
    )
    assert request.path == "/api/v1/articles/story-1/views/"
    assert request.varies
    script = wrk_script([request])
    assert "[ [==[X-Forwarded-For]==] ]=[==[{ip}]==]" in script
    assert 'gsub("{n}"' in script
    assert 'gsub("{ip}"' in script

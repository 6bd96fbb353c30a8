"""CDN purgers: invalidated tags handed to Fastly- and Cloudflare-style APIs, through the task
worker, after commit; checked against a loopback stub of each API."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from articles import services
from cms import cachetags, cdn
from tests.conftest import actor
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@dataclass
class Stub:
    """A loopback HTTP server recording each request; answers ``status``."""

    url: str = ""
    status: int = 200
    requests: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def stub() -> Iterator[Stub]:
    recorded = Stub()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            recorded.requests.append(
                {"path": self.path, "headers": dict(self.headers), "body": body}
            )
            self.send_response(recorded.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"status": "ok"}')

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    recorded.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield recorded
    server.shutdown()
    server.server_close()


@pytest.fixture
def fastly(settings, stub) -> Stub:
    settings.TASKS = IMMEDIATE
    settings.CDN_PURGER = "fastly"
    settings.CDN_FASTLY_API_URL = stub.url
    settings.CDN_FASTLY_SERVICE_ID = "svc123"
    settings.CDN_FASTLY_API_KEY = "fastly-secret"
    return stub


@pytest.fixture
def cloudflare(settings, stub) -> Stub:
    settings.TASKS = IMMEDIATE
    settings.CDN_PURGER = "cloudflare"
    settings.CDN_CLOUDFLARE_API_URL = stub.url + "/"
    settings.CDN_CLOUDFLARE_ZONE_ID = "zone9"
    settings.CDN_CLOUDFLARE_API_TOKEN = "cf-secret"
    return stub


def tags(n: int) -> list[str]:
    return [f"article-{i}" for i in range(n)]


def test_fastly_purges_by_surrogate_key_in_batches_of_256(fastly):
    cdn.purge.call(tags(300))
    assert [r["path"] for r in fastly.requests] == ["/service/svc123/purge"] * 2
    sent = [r["headers"]["Surrogate-Key"].split(" ") for r in fastly.requests]
    assert [len(keys) for keys in sent] == [256, 44]
    assert sorted(sent[0] + sent[1]) == sorted(tags(300))
    assert {r["headers"]["Fastly-Key"] for r in fastly.requests} == {"fastly-secret"}


def test_cloudflare_purges_by_cache_tag_in_batches_of_30(cloudflare):
    cdn.purge.call(tags(65))
    assert [r["path"] for r in cloudflare.requests] == ["/client/v4/zones/zone9/purge_cache"] * 3
    bodies = [json.loads(r["body"]) for r in cloudflare.requests]
    assert [len(body["tags"]) for body in bodies] == [30, 30, 5]
    assert sorted(t for body in bodies for t in body["tags"]) == sorted(tags(65))
    headers = cloudflare.requests[0]["headers"]
    assert headers["Authorization"] == "Bearer cf-secret"
    assert headers["Content-Type"] == "application/json"


def test_a_publish_purges_its_tags_after_commit(fastly, editor, django_capture_on_commit_callbacks):
    draft = ArticleFactory(authors=[], tags=[], status="draft")
    with django_capture_on_commit_callbacks(execute=False) as hooks:
        services.article_publish(article=draft, actor=actor(editor))
    assert fastly.requests == []  # nothing before the commit
    with django_capture_on_commit_callbacks(execute=True):  # the commit, and what it runs
        for hook in hooks:
            hook()
    purged = {k for r in fastly.requests for k in r["headers"]["Surrogate-Key"].split(" ")}
    assert {"articles", f"article-{draft.pk}", f"section-{draft.section.slug}"} <= purged


def test_the_purge_goes_through_the_worker(settings, fastly, django_capture_on_commit_callbacks):
    settings.TASKS = DATABASE
    with django_capture_on_commit_callbacks(execute=True):
        cachetags.invalidate(["tag-ferries", "articles"])
    assert fastly.requests == []  # the write's request does not wait for the CDN
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "cms.cdn.purge"
    assert queued.args_kwargs["args"] == [["articles", "tag-ferries"]]


def test_a_failed_purge_is_logged_and_retried(settings, fastly, caplog):
    settings.CDN_PURGE_ATTEMPTS = 3
    fastly.status = 503
    with caplog.at_level(logging.WARNING, logger="cms.cdn"):
        result = cdn.purge.enqueue(["tag-ferries"])
    assert len(fastly.requests) == 3  # each attempt asked again
    failures = [r for r in caplog.records if "CDN purge" in r.getMessage()]
    assert len(failures) == 3
    assert "503" in failures[0].getMessage()
    assert result.status.name == "SUCCESSFUL"  # the first attempt enqueued the retry


def test_a_retry_waits_when_the_backend_can_defer(settings, fastly):
    settings.TASKS = DATABASE
    fastly.status = 500
    cdn.purge.call(["tag-ferries"])
    retry = DBTaskResult.objects.get()
    assert retry.args_kwargs["args"] == [["tag-ferries"], 2]
    assert retry.run_after is not None


def test_no_purger_by_default_enqueues_nothing(settings, django_capture_on_commit_callbacks):
    settings.TASKS = DATABASE
    assert settings.CDN_PURGER == ""
    with django_capture_on_commit_callbacks(execute=True):
        cachetags.invalidate(["articles"])
    assert not DBTaskResult.objects.exists()


def test_a_purger_may_be_named_by_its_dotted_path(settings):
    settings.CDN_PURGER = "tests.cms.caching.test_cdn.Recording"
    Recording.seen.clear()
    cdn.purge.call(["b", "a"])
    assert Recording.seen == [["b", "a"]]


class Recording:
    seen: list[list[str]] = []

    def purge(self, tags: list[str]) -> None:
        self.seen.append(list(tags))

"""The admin in a real browser: Playwright for Python driving Debian's headless Chromium
against pytest-django's live server (``make browser-test``; ``make test`` leaves these out).

Nothing leaves the machine: every request to a host other than the live server is aborted
and recorded, and a test that caused one fails. Each test leaves a full-page screenshot of
where it ended under ``var/browser/`` (CI keeps them as artefacts), and every page it opened
through :func:`visit` adds its load time to ``var/browser/timings.jsonl``.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

ARTEFACTS = Path(settings.BASE_DIR) / "var" / "browser"
TIMINGS = ARTEFACTS / "timings.jsonl"
# The newsroom in these tests works in Berlin; the browser says so too.
BROWSER_TIME_ZONE = "Europe/Berlin"
DEFAULT_TIMEOUT_MS = 15_000


@pytest.hookimpl(tryfirst=True)  # before `-m "not browser"` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    """Playwright's sync API keeps an event loop running in the test's thread, and Django
    refuses ORM calls from a thread with a running loop unless told the caller is synchronous
    (it is: the loop only drives the browser). Only for browser tests: the variable must never
    reach a deployment check."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not path:
        pytest.fail(
            "Chromium is not installed: `make browser-test` installs Debian's chromium "
            "(apt-get install chromium), or set CHROMIUM to a Chromium binary."
        )
    return path


@pytest.fixture
def chromium(live_server: Any, transactional_db: None) -> Iterator[Browser]:
    """Chromium for one test. Per test, not per session: while Playwright runs, its event loop
    runs in this thread, and a later test outside tests/browser/ must not inherit it. Started
    after the live server and the database, so it stops before they are torn down."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=["--no-sandbox"]
        )
        yield browser
        browser.close()


class BrowserSession:
    """One person's browser: a context of its own (cookies, time zone), opened on demand."""

    def __init__(self, browser: Browser, base_url: str, request: pytest.FixtureRequest) -> None:
        self.browser = browser
        self.base_url = base_url
        self.request = request
        self.contexts: list[BrowserContext] = []
        self.pages: list[Page] = []
        self.offsite: list[str] = []
        self.console_errors: list[str] = []

    def new_page(self, *, time_zone: str = BROWSER_TIME_ZONE) -> Page:
        context = self.browser.new_context(
            base_url=self.base_url,
            viewport={"width": 1366, "height": 900},
            locale="en-GB",
            timezone_id=time_zone,
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        own_host = urlsplit(self.base_url).netloc

        def guard(route: Any) -> None:
            url = route.request.url
            if urlsplit(url).netloc == own_host or url.startswith(("data:", "blob:")):
                route.continue_()
            else:
                self.offsite.append(url)
                route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                self.console_errors.append(message.text) if message.type == "error" else None
            ),
        )
        self.contexts.append(context)
        self.pages.append(page)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browser(
    chromium: Browser, live_server: Any, request: pytest.FixtureRequest
) -> Iterator[BrowserSession]:
    """Pages against the live server; at the end, a screenshot of each under var/browser/."""
    session = BrowserSession(chromium, live_server.url, request)
    yield session
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    name = request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
    for index, page in enumerate(session.pages):
        suffix = "" if index == 0 else f"-{index + 1}"
        if not page.is_closed():
            page.screenshot(path=str(ARTEFACTS / f"{name}{suffix}.png"), full_page=True)
    session.close()
    assert not session.offsite, f"the page asked for something off this machine: {session.offsite}"


@pytest.fixture
def page(browser: BrowserSession) -> Page:
    return browser.new_page()


def visit(page: Page, path: str) -> Any:
    """Open ``path`` and record how long the page took to load (navigation start to the load
    event) in var/browser/timings.jsonl."""
    response = page.goto(path)
    record_load(page, path)
    return response


def record_load(page: Page, label: str) -> float:
    """The load time of the page now shown, in milliseconds, recorded under ``label``."""
    page.wait_for_load_state("load")
    duration = page.evaluate(
        "() => { const [n] = performance.getEntriesByType('navigation');"
        " return n ? n.loadEventEnd - n.startTime : 0 }"
    )
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with TIMINGS.open("a") as out:
        out.write(
            json.dumps(
                {
                    "page": label,
                    "url": urlsplit(page.url).path,
                    "ms": round(float(duration), 1),
                    "test": os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0],
                    "at": time.time(),
                }
            )
            + "\n"
        )
    return float(duration)


def sign_in(page: Page, user: User, password: str = "pw") -> None:  # noqa: S107 - the factories' test password
    """Sign in through the admin's login form, as a person does."""
    visit(page, "/admin/login/?next=/admin/")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    record_load(page, "admin index")

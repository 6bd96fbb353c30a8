"""An editor's day, played in a browser on the real admin pages: a contributor writes and
submits, an editor previews and publishes, an article scheduled a few seconds ahead goes live
through a real task worker, a reader's comment is approved, and an author is kept off someone
else's article. What readers then get is checked over REST and GraphQL on the same server."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from articles.models import Article, ArticleStatus
from comments import services as comment_services
from comments.models import Comment, CommentStatus
from tests.browser.conftest import BrowserSession, record_load, sign_in, visit
from tests.cms.test_worker_processes import stop, wait_for, worker_env
from tests.conftest import profile
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, TagFactory
from tests.subprocesses import ROOT

TITLE = "Harbour reopens after the storm"
LINK = "https://port.example/notice"


# --- the people's tools ----------------------------------------------------------------------


def stay_on_leaving(page: Page) -> None:
    """Accept any "leave this page?" question: each step below saves before it moves on."""
    page.on("dialog", lambda dialog: dialog.accept())


def pick(page: Page, select_id: str, text: str) -> None:
    """Choose ``text`` in the admin's autocomplete (select2) for the select ``select_id``:
    open it, type, click the suggestion the server sends."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    page.keyboard.type(text)
    page.locator(".select2-results__option", has_text=text).click()


def pick_in(row: Locator, page: Page, text: str) -> None:
    """The same, for the autocomplete in one inline row."""
    row.locator(".select2-selection").click()
    page.keyboard.type(text)
    page.locator(".select2-results__option", has_text=text).click()


# The page's messages (the change form also has a live region of who else is editing).
MESSAGES = "ul.messagelist:not(#article-editing)"
BODY_EDITOR = ".prose-editor .ProseMirror[contenteditable=true]"
# The text the body editor's own state has selected. ProseMirror learns of a selection the
# keyboard moved from the browser's asynchronous selectionchange event: a person's next key
# comes long after it, a script's may not, so each step waits for the editor to have caught up.
EDITOR_SELECTION = f"""() => {{
    const state = document.querySelector("{BODY_EDITOR}").editor.state;
    return state.doc.textBetween(state.selection.from, state.selection.to);
}}"""


def body_editor(page: Page) -> Locator:
    return page.locator(BODY_EDITOR)


def wait_for_editor_selection(page: Page, text: str) -> None:
    page.wait_for_function(f"(text) => ({EDITOR_SELECTION})() === text", arg=text)


def write_body(page: Page) -> None:
    """Write the story in the body editor as a person does: a heading from the toolbar's
    block menu, bold by its shortcut, a link through the toolbar's link dialog, a quote from
    the toolbar."""
    editor = body_editor(page)
    editor.click()
    page.locator(".prose-editor .prose-menubar__selected").click()
    page.locator(".prose-editor .prose-menubar__option[data-name=heading2]").click()
    page.keyboard.type("What happened")
    page.keyboard.press("Enter")
    page.keyboard.type("The harbour ")
    page.keyboard.press("Control+b")
    page.keyboard.type("reopened on Monday")
    page.keyboard.press("Control+b")
    page.keyboard.type(" after a week of storms.")
    page.keyboard.press("Enter")
    page.keyboard.type("Read the notice")
    expect(editor).to_contain_text("Read the notice")
    page.keyboard.press("Shift+Home")
    wait_for_editor_selection(page, "Read the notice")
    page.locator(".prose-editor button[data-name=link]").click()
    dialog = page.locator("dialog.prose-editor-dialog[open]")
    dialog.locator("input[name=href]").fill(LINK)
    dialog.get_by_role("button", name="Update").click()
    expect(dialog).to_have_count(0)
    expect(editor.locator(f'a[href="{LINK}"]')).to_have_text("Read the notice")
    expect(editor).to_be_focused()
    page.keyboard.press("End")
    wait_for_editor_selection(page, "")
    page.keyboard.press("Enter")
    page.locator(".prose-editor button[data-name=blockquote]").click()
    page.keyboard.type("We are open again, said the harbour master.")
    expect(editor.locator("h2")).to_have_text("What happened")
    expect(editor.locator("strong")).to_have_text("reopened on Monday")
    expect(editor.locator("blockquote")).to_contain_text("We are open again")


def press(page: Page, name: str) -> None:
    """Click the change form's submit button named ``name`` and wait for the next page."""
    with page.expect_navigation():
        page.locator(f"input[type=submit][name={name}]").click()
    record_load(page, f"after {name}")


def row_of(page: Page, text: str) -> Locator:
    return page.locator("#result_list tbody tr", has_text=text)


def api(live_server: Any, path: str, **kwargs: Any) -> requests.Response:
    """A reader's request to the live server (no session: what the public gets)."""
    return requests.get(live_server.url + path, timeout=10, **kwargs)


def graphql(live_server: Any, query: str) -> dict[str, Any]:
    response = requests.post(live_server.url + "/graphql/", json={"query": query}, timeout=10)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def newsroom_time(moment: Any) -> Any:
    """``moment`` as the admin's "Publish at" field reads what is typed into it."""
    return timezone.localtime(moment)


# --- a. and b.: written, submitted, previewed, published ---------------------------------------


def test_a_contributor_writes_and_submits_and_an_editor_previews_and_publishes(
    browser: BrowserSession, live_server: Any, contributor: User, editor: User
) -> None:
    SectionFactory(name="City", slug="city")
    SectionFactory(name="Sport", slug="sport")
    TagFactory(name="Harbour", slug="harbour")
    TagFactory(name="Weather", slug="weather")
    TagFactory(name="Elections", slug="elections")
    AuthorFactory(name="Grace Hopper", slug="grace-hopper")

    # The contributor writes.
    writer = browser.new_page()
    stay_on_leaving(writer)
    sign_in(writer, contributor)
    visit(writer, "/admin/articles/article/add/")
    writer.fill("#id_title", TITLE)
    writer.fill("#id_subtitle", "Ships return after a week at anchor")
    write_body(writer)
    pick(writer, "id_section", "City")
    pick(writer, "id_tags", "Harbour")
    pick(writer, "id_tags", "Weather")
    byline = writer.locator("#bylines-group")
    byline.locator(".add-row a").click()
    new_row = byline.locator(".dynamic-bylines").last
    pick_in(new_row, writer, "Grace Hopper")
    press(writer, "_continue")
    expect(writer.locator(MESSAGES)).to_contain_text("added successfully")
    article = Article.objects.get(title=TITLE)
    assert article.status == ArticleStatus.DRAFT
    assert "<strong>reopened on Monday</strong>" in article.body_html
    assert f'href="{LINK}"' in article.body_html
    assert "<blockquote>" in article.body_html
    assert sorted(article.tags.values_list("name", flat=True)) == ["Harbour", "Weather"]
    assert article.section is not None
    assert article.section.name == "City"
    # The writer stays credited, first, beside the co-author they added.
    assert [b.author.name for b in article.bylines.all()] == [
        profile(contributor).name,
        "Grace Hopper",
    ]
    press(writer, "_submit_review")
    article.refresh_from_db()
    assert article.status == ArticleStatus.IN_REVIEW
    # Not yet for readers.
    assert api(live_server, f"/api/v1/articles/{article.slug}/").status_code == 404

    # The editor finds it, previews it and publishes it.
    desk = browser.new_page()
    stay_on_leaving(desk)
    sign_in(desk, editor)
    visit(desk, "/admin/articles/article/")
    desk.fill("#searchbar", "Harbour reopens")
    with desk.expect_navigation():
        desk.keyboard.press("Enter")
    record_load(desk, "article search")
    expect(row_of(desk, TITLE)).to_contain_text("In review")
    with desk.expect_navigation():
        row_of(desk, TITLE).get_by_role("link", name=TITLE).click()
    record_load(desk, "article change form")
    with desk.expect_popup() as opened:
        desk.get_by_role("link", name="Preview", exact=True).click()
    preview = opened.value
    browser.pages.append(preview)
    record_load(preview, "article preview")
    expect(preview.get_by_role("status")).to_contain_text("Preview — not published")
    post = preview.locator("article.post")
    expect(post.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(post.locator(".post-byline")).to_contain_text(
        f"{profile(contributor).name} and Grace Hopper"
    )
    expect(post.locator(".post-section")).to_have_text("City")
    expect(post.locator(".post-body strong")).to_have_text("reopened on Monday")
    expect(post.locator(".post-body blockquote")).to_contain_text("We are open again")
    expect(
        post.locator(".post-body").get_by_role("link", name="Read the notice")
    ).to_have_attribute("href", LINK)
    expect(post.get_by_role("list", name="Tags")).to_have_text("HarbourWeather")

    press(desk, "_publish")
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED

    # Readers find it over REST and GraphQL.
    served = api(live_server, f"/api/v1/articles/{article.slug}/")
    assert served.status_code == 200
    data = served.json()
    assert data["title"] == TITLE
    assert "<strong>reopened on Monday</strong>" in data["body_html"]
    assert "Grace Hopper" in [a["name"] for a in data["authors"]]
    assert sorted(t["name"] for t in data["tags"]) == ["Harbour", "Weather"]
    found = graphql(
        live_server,
        f'{{ article(slug: "{article.slug}") {{ title bodyHtml authors {{ name }} '
        "section { name } tags { name } } }",
    )["data"]["article"]
    assert found["title"] == TITLE
    assert "<blockquote>" in found["bodyHtml"]
    assert found["section"] == {"name": "City"}
    assert "Grace Hopper" in [a["name"] for a in found["authors"]]


# --- c.: scheduled a few seconds ahead, put live by a real task worker --------------------------


@pytest.fixture
def task_worker(tmp_path: Path) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """Starts ``manage.py run_worker`` against the live server's database, publishing due
    articles every second; stopped (and its log shown on failure) at the end."""
    started: list[subprocess.Popen[bytes]] = []
    log_path = tmp_path / "worker.log"

    def start() -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--worker-id", "editors-day"],
            cwd=ROOT,
            env=worker_env(PUBLISH_DUE_EVERY="1"),
            stdout=log_path.open("wb"),
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_an_editor_schedules_an_article_and_a_worker_puts_it_live(
    page: Page, live_server: Any, editor: User, task_worker: Callable[[], subprocess.Popen[bytes]]
) -> None:
    article = ArticleFactory(
        title="Ferry timetable for the winter",
        slug="ferry-timetable",
        status=ArticleStatus.DRAFT,
        authors=[AuthorFactory(name="Ada Lovelace")],
    )
    stay_on_leaving(page)
    sign_in(page, editor)
    visit(page, f"/admin/articles/article/{article.pk}/change/")
    goes_live = newsroom_time(timezone.now() + timedelta(seconds=20)).replace(microsecond=0)
    page.fill("#id_publish_at_0", goes_live.strftime("%Y-%m-%d"))
    page.fill("#id_publish_at_1", goes_live.strftime("%H:%M:%S"))
    press(page, "_publish")
    article.refresh_from_db()
    assert article.status == ArticleStatus.SCHEDULED
    assert article.published_at == goes_live
    assert api(live_server, "/api/v1/articles/ferry-timetable/").status_code == 404

    worker = task_worker()
    wait_for(
        lambda: Article.objects.get(pk=article.pk).status == ArticleStatus.PUBLISHED,
        timeout=60,
        what="the worker to publish the scheduled article",
    )
    published_by_worker_at = timezone.now()
    stop(worker)
    assert published_by_worker_at >= goes_live
    served = api(live_server, "/api/v1/articles/ferry-timetable/")
    assert served.status_code == 200
    assert served.json()["title"] == "Ferry timetable for the winter"
    visit(page, "/admin/articles/article/")
    expect(row_of(page, "Ferry timetable for the winter")).to_contain_text("Published")


# --- d.: a reader's comment approved in the moderation queue -----------------------------------


def test_an_editor_approves_a_pending_comment_and_the_count_follows(
    browser: BrowserSession, page: Page, live_server: Any, editor: User
) -> None:
    article = ArticleFactory(
        title="Lighthouse restored", slug="lighthouse", authors=[AuthorFactory(name="Ada Lovelace")]
    )
    comment_services.comment_create(
        article=article,
        author_name="Harbour Watcher",
        author_email="watcher@mail.example",
        body="Lovely to see the lamp lit again.",
    )
    assert api(live_server, "/api/v1/articles/lighthouse/").json()["comment_count"] == 0

    sign_in(page, editor)
    visit(page, f"/admin/articles/article/{article.pk}/preview/")
    expect(page.locator(".post-stats")).to_contain_text("0 comments")
    visit(page, "/admin/comments/comment/")
    pending = row_of(page, "Lovely to see the lamp")
    expect(pending).to_contain_text("Pending")
    pending.locator("input.action-select").check()
    page.locator("select[name=action]").select_option("approve_selected")
    with page.expect_navigation():
        page.locator("#changelist-form button[name=index]").click()
    record_load(page, "comment queue after approving")
    expect(row_of(page, "Lovely to see the lamp")).to_contain_text("Approved")
    assert Comment.objects.get().status == CommentStatus.APPROVED

    assert api(live_server, "/api/v1/articles/lighthouse/").json()["comment_count"] == 1
    visit(page, f"/admin/articles/article/{article.pk}/preview/")
    expect(page.locator(".post-stats")).to_contain_text("1 comment")
    expect(page.locator(".post-comments")).to_contain_text("Lovely to see the lamp lit again.")


# --- e.: an author on someone else's article ----------------------------------------------------


def test_an_author_cannot_change_or_preview_another_authors_article(
    page: Page, live_server: Any, author: User, other_author: User
) -> None:
    live = ArticleFactory(
        title="Their live story", slug="their-live", authors=[profile(other_author)]
    )
    draft = ArticleFactory(
        title="Their secret draft",
        slug="their-draft",
        status=ArticleStatus.DRAFT,
        authors=[profile(other_author)],
    )
    sign_in(page, author)

    # The live one opens read-only: no field to type in, no button to save with.
    visit(page, f"/admin/articles/article/{live.pk}/change/")
    expect(page.locator("#content")).to_contain_text("Their live story")
    expect(page.locator("#id_title")).to_have_count(0)
    expect(page.locator("input[type=submit]")).to_have_count(0)
    # A save sent anyway (as a crafted form post from this signed-in browser) is refused.
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    refused = page.request.post(
        f"/admin/articles/article/{live.pk}/change/",
        form={"csrfmiddlewaretoken": token, "title": "Taken over", "_save": "Save"},
        headers={"Referer": live_server.url + f"/admin/articles/article/{live.pk}/change/"},
        max_redirects=0,
    )
    assert refused.status == 403
    live.refresh_from_db()
    assert live.title == "Their live story"

    # The draft is not theirs to see at all.
    visit(page, f"/admin/articles/article/{draft.pk}/change/")
    expect(page.locator("body")).not_to_contain_text("Their secret draft")
    for article in (draft, live):
        response = visit(page, f"/admin/articles/article/{article.pk}/preview/")
        assert response is not None
        assert response.status == 404
        expect(page.locator("body")).not_to_contain_text(article.title)

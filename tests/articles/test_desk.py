"""The admin index as each person's desk: what waits for them, from the selectors, in a fixed
number of queries."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from articles import services
from articles.models import ArticleStatus
from comments.models import CommentStatus
from tests.api import assert_queries
from tests.conftest import actor, profile
from tests.factories import ArticleFactory, AuthorFactory, CommentFactory

pytestmark = pytest.mark.django_db

INDEX = "/admin/"


def panel(page: str, panel_id: str) -> str:
    match = re.search(rf'<div class="module desk-panel" id="{panel_id}">(.*?)</div>', page, re.S)
    assert match, f"no #{panel_id} on the desk"
    return match.group(1)


def count_in(page: str, panel_id: str) -> int:
    match = re.search(r'data-count="(\d+)"', panel(page, panel_id))
    assert match
    return int(match.group(1))


def test_editor_desk_counts_reviews_and_pending_comments_with_links(client, editor):
    old = ArticleFactory(title="Waiting longest", status=ArticleStatus.IN_REVIEW)
    old.submitted_at = timezone.now() - timedelta(days=2)
    old.save()
    for n in range(6):
        ArticleFactory(
            title=f"Waiting {n}",
            status=ArticleStatus.IN_REVIEW,
            submitted_at=timezone.now() - timedelta(hours=n),
        )
    ArticleFactory(title="A draft", status=ArticleStatus.DRAFT)
    CommentFactory.create_batch(3, status=CommentStatus.PENDING)
    CommentFactory(status=CommentStatus.APPROVED)
    client.force_login(editor)
    page = client.get(INDEX).content.decode()
    review = panel(page, "desk-review")
    assert count_in(page, "desk-review") == 7
    assert "?status__exact=in_review" in review
    # The oldest few, the longest waiting first, linked to their change forms.
    assert review.index("Waiting longest") < review.index("Waiting 5")
    assert f"/admin/articles/article/{old.pk}/change/" in review
    assert "Waiting 0" not in review  # five shown; the rest are behind the link
    assert "All 7 in review" in review
    assert count_in(page, "desk-comments") == 3
    assert "/admin/comments/comment/?status__exact=pending" in panel(page, "desk-comments")
    assert "desk-own" not in page  # the writer's panel is not the editor's


def test_review_rows_name_the_byline_and_when_it_was_submitted(client, editor):
    writer = AuthorFactory(name="Ada Quill")
    ArticleFactory(
        status=ArticleStatus.IN_REVIEW,
        authors=[writer],
        submitted_at=timezone.now().replace(month=3, day=4, hour=9, minute=30),
    )
    client.force_login(editor)
    review = panel(client.get(INDEX).content.decode(), "desk-review")
    assert "Ada Quill" in review
    assert "submitted 4 Mar" in review


@override_settings(TIME_ZONE="Europe/Berlin")
def test_today_schedule_is_the_newsroom_day_with_times_and_due_ones_published(client, editor):
    berlin = ZoneInfo("Europe/Berlin")
    now = timezone.now().astimezone(berlin)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    later = ArticleFactory(
        title="Later today",
        status=ArticleStatus.SCHEDULED,
        published_at=min(now + timedelta(minutes=5), midnight + timedelta(hours=23, minutes=59)),
    )
    due = ArticleFactory(
        title="Went out this morning",
        status=ArticleStatus.SCHEDULED,
        published_at=midnight + timedelta(minutes=1),
    )
    ArticleFactory(title="Tomorrow", status=ArticleStatus.SCHEDULED,
                   published_at=midnight + timedelta(days=1, minutes=1))  # fmt: skip
    ArticleFactory(title="Yesterday", published_at=midnight - timedelta(minutes=1))
    client.force_login(editor)
    today = panel(client.get(INDEX).content.decode(), "desk-today")
    assert "Tomorrow" not in today
    assert "Yesterday" not in today
    assert "Europe/Berlin" in today
    assert "00:01" in today  # Berlin time, not UTC
    row = today[today.index("Went out this morning") :]
    assert "status-published" in row.split("</tr>")[0]  # live, though the job has not run
    if later.published_at > due.published_at:
        assert today.index("Went out this morning") < today.index("Later today")


def test_author_desk_lists_only_their_own_drafts_and_submissions(client, author, other_author):
    ArticleFactory(title="My draft", status=ArticleStatus.DRAFT, authors=[profile(author)])
    ArticleFactory(title="My submission", status=ArticleStatus.IN_REVIEW,
                   authors=[profile(author)])  # fmt: skip
    ArticleFactory(title="Their draft", status=ArticleStatus.DRAFT,
                   authors=[profile(other_author)])  # fmt: skip
    ArticleFactory(title="Their submission", status=ArticleStatus.IN_REVIEW,
                   authors=[profile(other_author)])  # fmt: skip
    client.force_login(author)
    page = client.get(INDEX).content.decode()
    assert count_in(page, "desk-own") == 1
    assert "My draft" in panel(page, "desk-own")
    assert count_in(page, "desk-own-review") == 1
    assert "My submission" in panel(page, "desk-own-review")
    assert "Their" not in page
    assert "desk-review" not in page  # the editors' queue is not theirs
    assert "desk-comments" not in page  # nor the moderation figure


def test_a_writer_sees_what_was_returned_to_them_newest_first_with_when(
    client, editor, contributor, other_author
):
    mine = [profile(contributor)]
    earlier = ArticleFactory(title="Back first", status=ArticleStatus.IN_REVIEW, authors=mine)
    later = ArticleFactory(title="Back second", status=ArticleStatus.IN_REVIEW, authors=mine)
    theirs = ArticleFactory(title="Their return", status=ArticleStatus.IN_REVIEW,
                            authors=[profile(other_author)])  # fmt: skip
    ArticleFactory(title="Plain draft", status=ArticleStatus.DRAFT, authors=mine)
    client.force_login(contributor)
    assert "desk-own-returned" not in client.get(INDEX).content.decode()  # nothing came back
    for article in (earlier, later, theirs):
        services.article_return_to_writer(article=article, actor=actor(editor))
    client.force_login(contributor)
    page = client.get(INDEX).content.decode()
    returned = panel(page, "desk-own-returned")
    assert count_in(page, "desk-own-returned") == 2
    assert returned.index("Back second") < returned.index("Back first")
    when = timezone.localtime(later.returned_at).strftime("%-d %b, %H:%M")
    assert f"returned {when}" in returned
    assert "Plain draft" not in returned
    assert "Their return" not in page
    assert count_in(page, "desk-own") == 3  # still among their drafts
    link = re.search(r'href="([^"]+)" class="section">Returned to you', page)
    assert link
    listed = client.get(link.group(1).replace("&amp;", "&"))
    assert {a.title for a in listed.context["cl"].result_list} == {"Back first", "Back second"}
    # Submitted again, it has been dealt with: no longer "returned".
    services.article_submit_for_review(article=later, actor=actor(contributor))
    page = client.get(INDEX).content.decode()
    assert count_in(page, "desk-own-returned") == 1
    assert "Back second" in panel(page, "desk-own-review")


def test_contributor_desk_shows_their_drafts_and_no_moderation(client, contributor):
    ArticleFactory(title="Notes", status=ArticleStatus.DRAFT, authors=[profile(contributor)])
    CommentFactory(status=CommentStatus.PENDING)
    client.force_login(contributor)
    page = client.get(INDEX).content.decode()
    assert "Notes" in panel(page, "desk-own")
    assert "desk-comments" not in page


def test_staff_without_a_role_get_no_desk(client, staff_without_role):
    ArticleFactory(status=ArticleStatus.IN_REVIEW)
    client.force_login(staff_without_role)
    page = client.get(INDEX).content.decode()
    assert "desk-panel" not in page


def _desk_queries(client) -> None:
    assert client.get(INDEX).status_code == 200


@pytest.mark.parametrize("who", ["editor", "author"])
def test_the_desk_costs_the_same_queries_for_1_and_50_rows(client, request, who):
    user = request.getfixturevalue(who)
    mine = [profile(user)] if who == "author" else []
    now = timezone.now()

    def make_rows():
        writer = AuthorFactory()
        ArticleFactory(status=ArticleStatus.IN_REVIEW, authors=[writer, *mine], submitted_at=now)
        ArticleFactory(status=ArticleStatus.DRAFT, authors=[writer, *mine])
        ArticleFactory(status=ArticleStatus.DRAFT, authors=[writer, *mine], returned_at=now)
        ArticleFactory(status=ArticleStatus.SCHEDULED, published_at=now + timedelta(seconds=30))
        CommentFactory(status=CommentStatus.PENDING)

    client.force_login(user)
    make_rows()
    # The session is one query from the database, none when it is read from Redis (cached_db).
    session = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
    with assert_queries(QUERIES[who] + session) as first:
        _desk_queries(client)
    for _ in range(49):
        make_rows()
    with assert_queries(len(first.captured_queries)):
        _desk_queries(client)


# The page: the user, their permissions (2), role groups, recent actions, and for editors the
# worker panel (2). The panels: editor: review rows, bylines, their authors; today's rows;
# the pending count. Author: (rows, bylines, authors) for drafts, for those returned to them
# and for those in review.
QUERIES = {"editor": 12, "author": 14}


def test_a_busy_day_lists_the_first_twenty_and_links_to_the_rest(client, editor):
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    for n in range(25):
        ArticleFactory(title=f"Slot {n:02d}", status=ArticleStatus.SCHEDULED,
                       published_at=start + timedelta(minutes=n))  # fmt: skip
    client.force_login(editor)
    today = panel(client.get(INDEX).content.decode(), "desk-today")
    assert today.count("<tr>") == 21  # twenty rows and the link to all
    assert "Slot 19" in today
    assert "Slot 20" not in today
    assert "All 25 going live today" in today
    link = re.search(r'href="(/admin/articles/article/\?published_at__year=[^"]+)"', today)
    assert link
    listed = client.get(link.group(1).replace("&amp;", "&"))
    assert listed.context["cl"].result_count == 25

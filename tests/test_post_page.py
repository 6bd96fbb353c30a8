"""A front-end renders the post page of DESIGN.md from two REST calls."""

from html.parser import HTMLParser

import pytest
from django.core.management import call_command

from tests.api import get

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """The demo's cover image and its renditions are written here, not in a shared folder."""
    settings.MEDIA_ROOT = tmp_path


class Blocks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def render_post_page(client, slug: str) -> dict:
    """What a front-end does: one call for the article, one for its comments."""
    article = get(client, f"/api/v1/articles/{slug}/")
    comments = get(client, f"/api/v1/articles/{slug}/comments/")
    assert article.status_code == comments.status_code == 200
    a, c = article.json(), comments.json()
    children: dict = {}
    for comment in c["results"]:
        children.setdefault(comment["parent_id"], []).append(comment)

    def thread(parent_id, depth=0):
        lines = []
        for comment in children.get(parent_id, []):
            lines.append(("  " * depth) + f"{comment['author_name']}: {comment['body_html']}")
            lines.extend(thread(comment["id"], depth + 1))
        return lines

    return {
        "kicker": a["section"]["name"] if a["section"] else "",
        "headline": a["title"],
        "byline": " and ".join(author["name"] for author in a["authors"]),
        "dateline": a["published_at"][:10],
        "reading_time": f"{a['reading_time_minutes']} min read",
        "cover": a["cover_image"],
        "body": a["body_html"],
        "tags": [t["name"] for t in a["tags"]],
        "counts": f"{a['view_count']:,} views · {a['comment_count']} comments",
        "thread": thread(None),
        "comment_form": a["comments_enabled"],
        "comment_total": c["count"],
    }


def test_a_typical_news_post_renders_from_the_api(client):
    call_command("seed_demo", verbosity=0)
    page = render_post_page(client, "harbour-ferry-returns-after-winter-repairs")
    assert page["kicker"] == "Town"
    assert page["headline"] == "Harbour ferry returns after winter repairs"
    assert page["byline"] == "Maya Okafor"
    assert page["reading_time"] == "1 min read"
    blocks = Blocks()
    blocks.feed(page["body"])
    assert blocks.tags.count("p") >= 4
    assert "blockquote" in blocks.tags
    assert page["tags"] == ["Harbour", "Transport"]
    cover = page["cover"]
    assert cover["alt"].startswith("The Saltwick ferry moored")
    assert cover["credit"] == "The Harbour Ledger"
    assert (cover["width"], cover["height"]) == (1600, 1000)
    srcset = ", ".join(f"{r['url']} {r['width']}w" for r in cover["renditions"])
    assert srcset.count(".webp ") == 3
    assert srcset.endswith(".w1600.webp 1600w")
    assert page["counts"] == "7 views · 0 comments"
    assert page["thread"] == []
    assert page["comment_form"] is True


def test_a_discussed_post_renders_its_moderated_thread(client):
    call_command("seed_demo", verbosity=0)
    page = render_post_page(client, "council-approves-200-homes-on-old-rope-works")
    assert page["byline"] == "Maya Okafor and Priya Nandakumar"
    assert page["counts"] == "342 views · 4 comments"
    assert page["comment_total"] == 4
    assert page["thread"][0].startswith("Ruth Adeyemi:")
    assert page["thread"][1].startswith("Callum:")
    assert page["thread"][2].startswith("  Priya's neighbour:")
    assert page["thread"][3].startswith("    Callum:")
    text = "\n".join(page["thread"])
    assert "Cheap Loans" not in text  # spam
    assert "Hugh" not in text  # pending
    assert "house rules" not in text  # removed

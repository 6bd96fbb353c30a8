from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cms.sanitize import (
    ARTICLE_ATTRIBUTES,
    ARTICLE_TAGS,
    COMMENT_ATTRIBUTES,
    COMMENT_TAGS,
    count_words,
    html_to_text,
    reading_time_minutes,
    sanitize_article_html,
    sanitize_comment_html,
)

CORPUS = [
    line
    for line in (Path(__file__).parent / "xss_payloads.txt").read_text().splitlines()
    if line.strip()
]


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))

    handle_startendtag = handle_starttag


def elements(html: str):
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.found


def assert_inert(html: str, tags, attributes, schemes=("http", "https", "mailto")):
    """Structural check of sanitised output, the way a browser would parse it."""
    for tag, attrs in elements(html):
        assert tag in tags, tag
        for name, value in attrs:
            assert not name.startswith("on"), name
            assert name in attributes.get(tag, set()) | {"rel"}, (tag, name)
            if name in ("href", "src"):
                scheme = urlsplit((value or "").strip()).scheme.lower()
                assert scheme in ("", *schemes), value


def test_the_corpus_is_large_enough():
    assert len(CORPUS) >= 50


@pytest.mark.parametrize("payload", CORPUS)
def test_corpus_payload_is_inert_in_article_bodies(payload):
    assert_inert(sanitize_article_html(payload), ARTICLE_TAGS, ARTICLE_ATTRIBUTES)


@pytest.mark.parametrize("payload", CORPUS)
def test_corpus_payload_is_inert_in_comments(payload):
    assert_inert(
        sanitize_comment_html(payload), COMMENT_TAGS, COMMENT_ATTRIBUTES, ("http", "https")
    )


def test_the_inertness_check_itself_catches_live_payloads():
    with pytest.raises(AssertionError):
        assert_inert('<img src="x" onerror="alert(1)">', {"img"}, {"img": {"src"}})
    with pytest.raises(AssertionError):
        assert_inert('<a href="javascript:alert(1)">x</a>', {"a"}, {"a": {"href"}})
    with pytest.raises(AssertionError):
        assert_inert("<script>alert(1)</script>", {"p"}, {})


ATTACKS = [
    ("<script>alert(1)</script><p>ok</p>", "alert"),
    ('<p onclick="alert(1)">ok</p>', "onclick"),
    ('<img src="x" onerror="alert(1)">', "onerror"),
    ('<a href="javascript:alert(1)">x</a>', "javascript:"),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert"),
    ('<img src="data:image/svg+xml;base64,PHN2Zz4=">', "data:"),
    ("<svg><script>alert(1)</script><circle onload=alert(2)></circle></svg>", "alert"),
    ('<svg onload="alert(1)"></svg>', "onload"),
    ("<style>body{display:none}</style><p>ok</p>", "display"),
    ('<p style="position:fixed">ok</p>', "style"),
    ('<iframe src="https://evil.example"></iframe>', "iframe"),
    ("<math><mtext><script>alert(1)</script></mtext></math>", "alert"),
    ('<form action="https://evil.example"><input name="x"></form>', "form"),
    ("<!-- <script>alert(1)</script> -->", "alert"),
    ('<a href="vbscript:msgbox(1)">x</a>', "vbscript"),
]


@pytest.mark.parametrize(("payload", "forbidden"), ATTACKS)
def test_article_sanitiser_removes_active_content(payload, forbidden):
    assert forbidden.lower() not in sanitize_article_html(payload).lower()


@pytest.mark.parametrize(("payload", "forbidden"), ATTACKS)
def test_comment_sanitiser_removes_active_content(payload, forbidden):
    assert forbidden.lower() not in sanitize_comment_html(payload).lower()


def test_article_sanitiser_keeps_what_a_news_post_needs():
    html = (
        "<h2>Sub-heading</h2><p>Text with <strong>bold</strong>, <em>emphasis</em> and "
        '<a href="https://example.com/a">a link</a>.</p>'
        "<blockquote><p>A quotation.</p></blockquote>"
        '<figure><img src="https://cms.example.com/media/images/p.jpg" alt="A boat">'
        "<figcaption>Cap</figcaption>"
        "</figure><ul><li>one</li></ul>"
    )
    clean = sanitize_article_html(html)
    for kept in ("<h2>", "<strong>", "<em>", "<blockquote>", "<figure>", "<figcaption>", "<li>"):
        assert kept in clean
    assert 'src="https://cms.example.com/media/images/p.jpg"' in clean
    assert 'alt="A boat"' in clean
    assert 'href="https://example.com/a"' in clean
    assert 'rel="noopener noreferrer"' in clean


def test_comment_links_are_marked_nofollow_ugc():
    clean = sanitize_comment_html('<p><a href="https://example.com">site</a></p>')
    assert 'rel="nofollow ugc noopener"' in clean


def test_comment_sanitiser_drops_headings_and_images():
    clean = sanitize_comment_html('<h1>Big</h1><img src="https://x.example/i.png"><p>ok</p>')
    assert "<h1>" not in clean
    assert "<img" not in clean
    assert "Big" in clean


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<script>",
                "</script>",
                "<img src=x onerror=alert(1)>",
                "<a href='javascript:alert(1)'>",
                "<svg onload=alert(1)>",
                "<p>",
                "</p>",
                "<b>",
                '"',
                "'",
                "<",
                ">",
                "&",
                "=",
                " ",
                "on",
                "error",
                "java",
                "script:",
            ]
        )
        | st.text(max_size=8)
    )
)
def test_sanitised_output_never_carries_script_or_handlers(parts):
    clean = sanitize_article_html("".join(parts)).lower()
    assert "<script" not in clean
    assert "<svg" not in clean
    assert " onerror=" not in clean
    assert " onload=" not in clean
    assert 'href="javascript:' not in clean
    # Idempotent: cleaning clean HTML changes nothing.
    assert sanitize_article_html(clean) == clean


def test_plain_text_keeps_paragraphs_apart():
    html = "<h2>Title</h2><p>One <em>two</em></p><blockquote><p>Three&amp;four</p></blockquote>"
    assert html_to_text(html) == "Title\n\nOne two\n\nThree&four"


def test_word_count_and_reading_time():
    assert count_words("one two  three\nfour") == 4
    assert reading_time_minutes(0, 230) == 0
    assert reading_time_minutes(1, 230) == 1
    assert reading_time_minutes(230, 230) == 1
    assert reading_time_minutes(231, 230) == 2


@pytest.mark.parametrize(
    "pattern", ["<div>", "<div></x>", "<div/>", "<b><div></b>", "<a", "<i><b></i>"]
)
def test_bodies_with_too_many_tags_are_refused_however_they_nest(pattern, settings):
    from django.core.exceptions import ValidationError

    from cms.sanitize import sanitize_article_html

    tags = pattern.count("<")
    at_limit = pattern * (settings.ARTICLE_BODY_MAX_TAGS // tags)
    sanitize_article_html(at_limit)  # the worst case the limit allows runs
    with pytest.raises(ValidationError, match="too many tags"):
        sanitize_article_html(at_limit + pattern)


def test_oversized_bodies_are_refused_before_the_sanitiser_runs(monkeypatch, settings):
    from django.core.exceptions import ValidationError

    from cms import sanitize

    class Refuse:
        def clean(self, html):
            raise AssertionError("the sanitiser ran")

    monkeypatch.setattr(sanitize, "_article_cleaner", Refuse())
    with pytest.raises(ValidationError, match="too many tags"):
        sanitize.sanitize_article_html("<div>" * 200_000)
    settings.ARTICLE_BODY_MAX_CHARS = 1000
    with pytest.raises(ValidationError, match="too long"):
        sanitize.sanitize_article_html("<p>x</p>" * 200)


# --- images in a body come from the media library ----------------------------------------------

MEDIA = "https://cms.example.com/media/"  # PUBLIC_API_URL + MEDIA_URL in the test settings


def test_a_library_image_keeps_its_address_alt_and_size_in_a_figure():
    html = (
        f'<figure><img src="{MEDIA}images/2026/12/boat.png" alt="A boat" width="640" '
        'height="480"><figcaption>The ferry</figcaption></figure>'
    )
    assert sanitize_article_html(html) == html


@pytest.mark.parametrize(
    "src",
    [
        "https://cdn.example/p.jpg",  # another host: a tracking pixel or a hotlink
        "http://cms.example.com/media/images/a.png",  # another scheme
        "https://cms.example.com.evil.example/media/images/a.png",
        "https://cms.example.com/admin/logout/",  # ours, but not media
        f"{MEDIA}../admin/logout/",
        f"{MEDIA}images/%2e%2e/%2e%2e/admin/",
        f"{MEDIA}images\\..\\..\\admin",
        f"{MEDIA}images/a.png?track=1",
        f"{MEDIA}",
        "//cdn.example/p.jpg",
        "/media/images/a.png",  # relative: readers' apps are on other hosts
        "data:image/png;base64,iVBORw0KGgo=",
    ],
)
def test_an_image_from_anywhere_else_loses_its_src(src):
    clean = sanitize_article_html(f'<p><img src="{src}" alt="kept"></p>')
    assert "src=" not in clean
    assert 'alt="kept"' in clean


def test_the_media_base_follows_object_storage_settings(settings):
    settings.MEDIA_URL = "https://images.example.net/m/"
    assert 'src="https://images.example.net/m/images/a.png"' in sanitize_article_html(
        '<img src="https://images.example.net/m/images/a.png">'
    )
    assert "src" not in sanitize_article_html(f'<img src="{MEDIA}images/a.png">')


def test_sanitising_a_body_with_library_images_twice_changes_nothing():
    once = sanitize_article_html(f'<img src="{MEDIA}images/a.png" alt="a"><img src="x">')
    assert sanitize_article_html(once) == once

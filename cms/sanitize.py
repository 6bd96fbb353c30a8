"""HTML sanitising (nh3, an allow-list sanitiser) and plain-text derivation.

Rich text is cleaned on the way in, in the services, so what is stored is already safe and
every reader (REST, GraphQL, the admin preview) gets the same bytes. Nothing here uses
regular expressions on HTML.
"""

from __future__ import annotations

import math
from html.parser import HTMLParser
from typing import Final

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError

from cms.media import is_media_url

# Tags an article body may contain: what a news post needs (sub-headings, quotes, lists,
# figures with captions, links, inline emphasis) and nothing that runs or restyles the page.
ARTICLE_TAGS: Final = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4", "h5", "h6",
        "strong", "b", "em", "i", "u", "s", "sub", "sup", "mark", "small",
        "a", "abbr", "cite", "q", "blockquote", "code", "pre",
        "ul", "ol", "li",
        "figure", "figcaption", "img",
        "table", "thead", "tbody", "tr", "th", "td", "caption",
    }
)  # fmt: skip
ARTICLE_ATTRIBUTES: Final = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height", "title"},
    "ol": {"start"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
# Comments from readers get a much smaller set.
COMMENT_TAGS: Final = frozenset(
    {"p", "br", "strong", "b", "em", "i", "code", "pre", "blockquote", "a"}
)
COMMENT_ATTRIBUTES: Final = {"a": {"href"}}
COMMENT_URL_SCHEMES: Final = frozenset({"http", "https"})
URL_SCHEMES: Final = frozenset({"http", "https", "mailto"})
# Contents of these are dropped entirely, not just their tags.
DROP_CONTENT_TAGS: Final = frozenset({"script", "style", "svg", "math", "template", "iframe"})


def _article_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Images in a body come from the media library: an ``<img>`` whose ``src`` is anywhere
    else loses it. Another host's image would tell that host every reader's address and
    browser (a tracking pixel), and could change or vanish after the article is published."""
    if tag == "img" and attribute == "src" and not is_media_url(value):
        return None
    return value


_article_cleaner = nh3.Cleaner(
    tags=set(ARTICLE_TAGS),
    clean_content_tags=set(DROP_CONTENT_TAGS),
    attributes={tag: set(attrs) for tag, attrs in ARTICLE_ATTRIBUTES.items()},
    attribute_filter=_article_attribute,
    url_schemes=set(URL_SCHEMES),
    link_rel="noopener noreferrer",
    strip_comments=True,
)
_comment_cleaner = nh3.Cleaner(
    tags=set(COMMENT_TAGS),
    clean_content_tags=set(DROP_CONTENT_TAGS),
    attributes={tag: set(attrs) for tag, attrs in COMMENT_ATTRIBUTES.items()},
    url_schemes=set(COMMENT_URL_SCHEMES),
    link_rel="nofollow ugc noopener",
    strip_comments=True,
)


def sanitize_article_html(html: str) -> str:
    """Clean an article body against the article allow-list.

    Raises ``ValidationError``, before the sanitiser sees it, for a body longer than
    ARTICLE_BODY_MAX_CHARS or with more than ARTICLE_BODY_MAX_TAGS tags. The sanitiser's
    parser can take time in proportion to tags times nesting depth (``"<div>" * 100000``
    costs it a minute), so bounding the tags bounds the worst case: about 0.2 s at 10,000.
    Counting "<" is linear and cannot be fooled, where a pre-parse would need a parser.
    """
    html = html or ""
    if len(html) > settings.ARTICLE_BODY_MAX_CHARS:
        raise ValidationError(
            f"The body is too long ({settings.ARTICLE_BODY_MAX_CHARS:,} characters at most)."
        )
    if html.count("<") > settings.ARTICLE_BODY_MAX_TAGS:
        raise ValidationError(
            f"The body has too many tags ({settings.ARTICLE_BODY_MAX_TAGS:,} at most)."
        )
    return _trimmed(_article_cleaner.clean(html))


def sanitize_comment_html(html: str) -> str:
    """Clean a reader's comment against the comment allow-list."""
    return _trimmed(_comment_cleaner.clean(html or ""))


def _trimmed(html: str) -> str:
    """Cleaned HTML without surrounding whitespace or byte order marks. The HTML parser
    drops one BOM at the very start of its input, so a leading one left in the output would
    vanish when the stored bytes are cleaned again: trimming them keeps cleaning idempotent."""
    while (trimmed := html.strip().strip("\ufeff")) != html:
        html = trimmed
    return html


_BLOCK_TAGS: Final = frozenset(
    {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "li", "ul",
        "ol", "figure", "figcaption", "table", "tr", "hr", "br", "caption",
    }
)  # fmt: skip


class _TextExtractor(HTMLParser):
    """Collects text, starting a new paragraph at each block element.

    Hand-written because the stdlib parser already does the parsing and no library gives
    paragraph-aware text from HTML without pulling in a DOM; it only ever reads HTML that
    nh3 has already cleaned.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] = []

    def _break(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.blocks.append(text)
        self._current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self._break()

    def handle_data(self, data: str) -> None:
        self._current.append(data)

    def text(self) -> str:
        self._break()
        return "\n\n".join(self.blocks)


def html_to_text(html: str) -> str:
    """Plain text of (already sanitised) HTML, paragraphs separated by a blank line."""
    extractor = _TextExtractor()
    extractor.feed(html or "")
    extractor.close()
    return extractor.text()


def count_words(text: str) -> int:
    return len(text.split())


def reading_time_minutes(word_count: int, words_per_minute: int) -> int:
    """Whole minutes, at least one for any text, none for an empty body."""
    if word_count <= 0:
        return 0
    return max(1, math.ceil(word_count / max(words_per_minute, 1)))

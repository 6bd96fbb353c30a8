"""HTML sanitising (nh3, an allow-list sanitiser) and plain-text derivation.

Rich text is cleaned on the way in, in the services, so what is stored is already safe and
every reader (REST, GraphQL, the admin preview) gets the same bytes. Nothing here uses
regular expressions on HTML: the one pre-pass uses the standard library's tokenizer.
"""

from __future__ import annotations

import math
from html.parser import HTMLParser
from typing import Final

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError

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
URL_SCHEMES: Final = frozenset({"http", "https", "mailto"})
# Contents of these are dropped entirely, not just their tags.
DROP_CONTENT_TAGS: Final = frozenset({"script", "style", "svg", "math", "template", "iframe"})

_article_cleaner = nh3.Cleaner(
    tags=set(ARTICLE_TAGS),
    clean_content_tags=set(DROP_CONTENT_TAGS),
    attributes={tag: set(attrs) for tag, attrs in ARTICLE_ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    link_rel="noopener noreferrer",
    strip_comments=True,
)
_comment_cleaner = nh3.Cleaner(
    tags=set(COMMENT_TAGS),
    clean_content_tags=set(DROP_CONTENT_TAGS),
    attributes={tag: set(attrs) for tag, attrs in COMMENT_ATTRIBUTES.items()},
    url_schemes={"http", "https"},
    link_rel="nofollow ugc noopener",
    strip_comments=True,
)


# Real rich text nests a few levels deep (a list in a quote in a table cell); pasted office
# documents a few dozen. The sanitiser's parser spends time in proportion to the depth for
# every tag, so input nested thousands deep costs it minutes: it is refused first.
MAX_NESTING: Final = 100
# Elements whose end tags HTML lets authors leave out: browsers close them implicitly, so an
# unclosed run of them is flat, not deep. Void elements never have content.
_IMPLICITLY_CLOSED: Final = frozenset(
    {"p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "optgroup",
     "rb", "rt", "rp", "colgroup", "caption", "html", "head", "body", "a", "nobr"}
)  # fmt: skip
# Formatting elements, which HTML parsing closes without closing what was opened inside them.
_FORMATTING: Final = frozenset(
    {"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt",
     "u"}
)  # fmt: skip
_VOID: Final = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr"}
)  # fmt: skip


class _TooDeep(Exception):
    pass


class _DepthProbe(HTMLParser):
    """Tracks open elements with the standard library's tokenizer (linear time, no tree), as
    an HTML parser would: an end tag closes its element and any opened inside it (except for
    formatting elements, see below), a stray one closes nothing, and ``<div/>`` opens a div
    like ``<div>`` does. Where it is unsure it counts deeper, never shallower."""

    def __init__(self, limit: int) -> None:
        super().__init__(convert_charrefs=False)
        self.limit = limit
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID or tag in _IMPLICITLY_CLOSED:
            return
        self.open.append(tag)
        if len(self.open) > self.limit:
            raise _TooDeep

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)  # the slash means nothing on a non-void element

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.open:  # at most ``limit`` long
            return
        at = len(self.open) - 1 - self.open[::-1].index(tag)
        if tag in _FORMATTING:
            # The adoption agency: closing <b> around an open <div> leaves the div open.
            del self.open[at]
        else:
            del self.open[at:]


def nests_deeper_than(html: str, limit: int = MAX_NESTING) -> bool:
    """Do elements in ``html`` nest more than ``limit`` deep?"""
    probe = _DepthProbe(limit)
    try:
        probe.feed(html)
        probe.close()
    except _TooDeep:
        return True
    return False


def sanitize_article_html(html: str) -> str:
    """Clean an article body against the article allow-list.

    Raises ``ValidationError`` for a body longer than ARTICLE_BODY_MAX_CHARS or nested deeper
    than MAX_NESTING, before the sanitiser sees it.
    """
    html = html or ""
    if len(html) > settings.ARTICLE_BODY_MAX_CHARS:
        raise ValidationError(
            f"The body is too long ({settings.ARTICLE_BODY_MAX_CHARS:,} characters at most)."
        )
    if nests_deeper_than(html):
        raise ValidationError(f"The body nests elements more than {MAX_NESTING} deep.")
    return _article_cleaner.clean(html).strip()


def sanitize_comment_html(html: str) -> str:
    """Clean a reader's comment against the comment allow-list."""
    return _comment_cleaner.clean(html or "").strip()


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

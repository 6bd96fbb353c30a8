"""A comment as a person and a browser read it, for the spam checks.

Everything here starts from the sanitised HTML, the bytes that are stored and shown: the
sanitiser's HTML5 parser (html5ever, inside nh3) is the only parser that sees a reader's
markup. Links are every ``href`` the sanitiser kept, resolved by a WHATWG URL parser (ada,
the one in Node.js) the way a browser resolves them, plus addresses written out in the text.
Words and domains are matched on *folded* text: entities decoded, compatibility forms
(full-width, ligatures) unified, invisible characters dropped, case and accents ignored,
look-alike letters from other scripts mapped to one letter.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import nh3
from ada_url import URL, idna_to_unicode

from cms.sanitize import COMMENT_TAGS, COMMENT_URL_SCHEMES, html_to_text

# Relative links resolve against this (".invalid" never resolves, RFC 6761): a relative href
# stays on the publisher's site, a protocol-relative one ("//host/") does not.
_LINK_BASE = "https://comment.invalid/"
_SITE_HOST = "comment.invalid"
# Schemes whose URLs have a host a reader can visit.
_WEB_SCHEMES = frozenset({"http:", "https:", "ftp:", "ws:", "wss:"})
# Default_Ignorable_Code_Point (Unicode DerivedCoreProperties.txt) beyond format characters
# (category Cf, checked directly): invisible, so a reader never sees them split a word.
# Python's unicodedata has no property lookup, hence this short list.
_IGNORABLE_RANGES = (
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x115F, 0x1160),  # Hangul fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian variation selectors
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFFA0, 0xFFA0),  # half-width Hangul filler
    (0xE0000, 0xE0FFF),  # tags and variation selectors supplement
)
# Label separators a browser's host parser (UTS 46) reads as "." once NFKC has run.
_DOTS = str.maketrans({"\u3002": "."})


@functools.cache
def _invisibles() -> dict[int, None]:
    """A ``str.translate`` table deleting every invisible character, built once (~40 ms).
    Format characters (Cf) lie in the first two planes and in plane 14, which
    _IGNORABLE_RANGES covers whole."""
    table: dict[int, None] = dict.fromkeys(
        point for point in range(0x20000) if unicodedata.category(chr(point)) == "Cf"
    )
    for low, high in _IGNORABLE_RANGES:
        table.update(dict.fromkeys(range(low, high + 1)))
    return table


def _invisible(char: str) -> bool:
    return ord(char) in _invisibles()


def visible(text: str) -> str:
    """``text`` without invisible characters, in compatibility form (NFKC): what a reader
    sees, spelled one way. Full-width letters and dots become ASCII, ligatures letters."""
    text = text.translate(_invisibles())
    return unicodedata.normalize("NFKC", text).translate(_DOTS)


@functools.cache
def _skeleton_map() -> dict[int, str]:
    """Each confusable character mapped to one representative of its class.

    The classes come from Unicode's confusables data (UTS #39) as packaged by
    confusable-homoglyphs: a maintained copy of the data, where the TR39 skeleton itself is
    only in ICU, which has no wheel. Classes are merged across case (so "0" ~ "O" ~ "o") and
    keep single characters only; the representative is an ASCII lowercase letter when the
    class has one.
    """
    # The package ships no type information; its data is a plain dict of lists of dicts.
    from confusable_homoglyphs.confusables import confusables_data  # type: ignore[import-untyped]

    parent: dict[str, str] = {}

    def root(char: str) -> str:
        parent.setdefault(char, char)
        while parent[char] != char:
            parent[char] = parent[parent[char]]
            char = parent[char]
        return char

    def join(a: str, b: str) -> None:
        parent[root(a)] = root(b)

    def plain(text: str) -> str:
        return "".join(char for char in text if not _invisible(char))

    for key, glyphs in confusables_data.items():
        source = plain(key)
        if len(source) != 1:
            continue
        for glyph in glyphs:
            target = plain(glyph["c"])
            if len(target) == 1:
                join(source, target)
    for char in list(parent):
        folded = char.casefold()
        if len(folded) == 1 and folded != char:
            join(char, folded)
    classes: dict[str, list[str]] = {}
    for char in list(parent):
        classes.setdefault(root(char), []).append(char)
    mapping: dict[int, str] = {}
    for members in classes.values():
        best = min(members, key=lambda c: (not (c.isascii() and c.islower()), not c.isascii(), c))
        mapping.update({ord(char): best for char in members if char != best})
    return mapping


def fold(text: str) -> str:
    """``text`` reduced for matching: visible, accents and case dropped, look-alikes unified,
    whitespace runs as one space. Applied alike to what is searched and what is looked for."""
    text = unicodedata.normalize("NFKD", visible(text))
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = unicodedata.normalize("NFKC", text.casefold()).translate(_skeleton_map())
    return " ".join(text.split())


def contains_word(text: str, word: str) -> bool:
    needle = fold(word)
    return bool(needle) and needle in fold(text)


# --- hosts --------------------------------------------------------------------------------


def _parse(url: str, base: str | None = None) -> URL | None:
    try:
        return URL(url, base) if base else URL(url)
    except ValueError:
        return None


def host_of_domain(domain: str) -> str:
    """A configured domain in the form the URL parser gives hosts (IDNA, lowercase, no
    trailing dot), so "Bücher.example." and "xn--bcher-kva.example" are one entry."""
    domain = visible(domain).strip().strip(".")
    url = _parse(f"http://{domain}/")
    return (url.hostname if url else domain.casefold()).rstrip(".")


def host_matches(host: str, blocked: Iterable[str]) -> bool:
    """``host`` is on the list or under a domain on it, compared as the URL parser spells
    hosts and again with look-alike letters unified (a Cyrillic "\u0435" for an "e")."""
    host = host.rstrip(".")
    if not host:
        return False
    shown = fold(idna_to_unicode(host) or host) if "xn--" in host else fold(host)
    for domain in blocked:
        if not domain:
            continue
        for candidate, entry in ((host, domain), (shown, fold(idna_to_unicode(domain) or domain))):
            if candidate == entry or candidate.endswith("." + entry):
                return True
    return False


def mentions_domain(text: str, blocked: Iterable[str]) -> bool:
    """A blocked domain written anywhere in ``text`` as a reader would read it, even glued
    to punctuation ("see:evil.example") or in look-alike letters; not inside a longer name
    ("notevil.example", "evil.example.org")."""
    folded = fold(text)
    for domain in blocked:
        entry = fold(idna_to_unicode(domain) or domain) if domain else ""
        if entry and re.search(rf"(?<![\w-]){re.escape(entry)}(?![\w-]|\.\w)", folded):
            return True
    return False


@dataclass(frozen=True)
class Address:
    """A URL written out in text: its host, and whether a reader would take it for a link
    (a scheme, "www." or a path; "e.g." or "node.js" alone is not)."""

    host: str
    is_link: bool


def _strip_wrapping(token: str) -> str:
    start, end = 0, len(token)
    while (
        start < end
        and unicodedata.category(token[start]) in {"Ps", "Pi", "Pf", "Po"}
        and token[start] not in "/\\"
    ):
        start += 1
    while (
        end > start
        and unicodedata.category(token[end - 1]) in {"Pe", "Pi", "Pf", "Po"}
        and token[end - 1] not in "/\\"
    ):
        end -= 1
    return token[start:end]


def address_in(token: str) -> Address | None:
    """The address in one whitespace-free piece of text, read as a browser's address bar
    would: with its scheme if it has one ("https:\\\\host", "HTTP:host"), else as http."""
    token = _strip_wrapping(token)
    if "." not in token and "%" not in token:
        return None  # no dot, even percent-encoded: no host of two labels
    url = _parse(token)
    if url is not None and url.protocol in _WEB_SCHEMES and url.hostname:
        return Address(host=url.hostname.rstrip("."), is_link=True)
    bare = token.lstrip("/\\")
    url = _parse(f"http://{bare}")
    if url is None or not url.hostname:
        return None
    host = url.hostname.rstrip(".")
    labels = host.split(".")
    if len(labels) < 2 or not any(char.isalpha() for char in labels[-1]):
        return None  # one word, a number or an IP address: not what a reader calls a link
    has_more = url.pathname not in ("", "/") or bool(url.search) or bool(url.hash)
    is_link = has_more or host.startswith("www.") or bare != token
    return Address(host=host, is_link=is_link)


def addresses_in(text: str) -> list[Address]:
    found = (address_in(token) for token in visible(text).split())
    return [address for address in found if address is not None]


# --- a comment --------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """What a sanitised comment shows: its text, its links, and the hosts it points at."""

    text: str
    hrefs: tuple[str, ...]
    link_count: int
    hosts: frozenset[str]


def _hrefs(body_html: str) -> list[str]:
    """Every href the sanitiser kept, in order, entities decoded by html5ever."""
    found: list[str] = []

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag == "a" and attribute == "href":
            found.append(value)
        return value

    # Per call: the callback collects into this call's list. Building a Cleaner costs ~8 µs.
    nh3.Cleaner(
        tags={"a"},
        attributes={"a": {"href"}},
        url_schemes=set(COMMENT_URL_SCHEMES),
        attribute_filter=keep,
    ).clean(body_html)
    return found


_without_links = nh3.Cleaner(
    tags=set(COMMENT_TAGS) - {"a"}, clean_content_tags={"a"}, attributes={}, link_rel=None
)


def read(body_html: str) -> Reading:
    """Read sanitised comment HTML (``cms.sanitize.sanitize_comment_html``'s output only).

    Every link counts, the same URL three times included: each anchor, and each address
    written in the text outside anchors (an anchor showing its own URL is one link).
    """
    text = html_to_text(body_html)
    hrefs = _hrefs(body_html)
    hosts: set[str] = set()
    for href in hrefs:
        url = _parse(visible(href).strip(), _LINK_BASE)
        if url is not None and url.hostname and url.hostname != _SITE_HOST:
            hosts.add(url.hostname.rstrip("."))
    hosts.update(address.host for address in addresses_in(text))
    outside = addresses_in(html_to_text(_without_links.clean(body_html)))
    return Reading(
        text=text,
        hrefs=tuple(hrefs),
        link_count=len(hrefs) + sum(1 for address in outside if address.is_link),
        hosts=frozenset(hosts),
    )


def plain_text_variants(value: str) -> tuple[str, str]:
    """A plain-text field (a name, an email) as shown escaped and as a careless front-end
    would show it unescaped: a blocked word in either reading counts."""
    return value, html.unescape(value)

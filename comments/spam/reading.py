"""A comment as a person and a browser read it, for the spam checks.

Everything here starts from the sanitised HTML, the bytes that are stored and shown. The
reader's own markup is parsed only by the sanitiser's HTML5 parser (html5ever, inside nh3);
the text is then taken from nh3's output with Python's HTMLParser
(``cms.sanitize.html_to_text``), which is safe because that output is well-formed: allowed
tags only, every element closed, attributes quoted, text and attribute values escaped, no
comments, CDATA or processing instructions, so both parsers read the same tree. Links are
every ``href`` the sanitiser kept, resolved by a WHATWG URL parser (ada, the one in Node.js)
the way a browser resolves them on an http page and on an https one, plus addresses written
out in the text. Words and domains are matched on *folded* text: entities decoded,
compatibility forms (full-width, ligatures) unified, invisible characters dropped, case and
accents ignored, look-alike letters from other scripts read as the ASCII letter they imitate.
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

# Relative links resolve against these (".invalid" never resolves, RFC 6761): a relative href
# stays on the publisher's site, a protocol-relative one ("//host/") does not. Both schemes,
# as the page may be served over either: "https:evil.example" is a path on an https page
# but https://evil.example/ on an http one.
_LINK_BASES = ("http://comment.invalid/", "https://comment.invalid/")
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


# Letters the confusables data leaves out or pairs only with other non-ASCII letters: Latin
# small capitals and the turned (upside-down) and IPA letters that "fancy text" generators
# use. Each is read as the ASCII letter it is drawn from.
_LOOKALIKES = {
    # small capitals
    "\u1d00": "a", "\u0299": "b", "\u1d04": "c", "\u1d05": "d", "\u1d07": "e",
    "\ua730": "f", "\u0262": "g", "\u029c": "h", "\u026a": "i", "\u1d0a": "j",
    "\u1d0b": "k", "\u029f": "l", "\u1d0d": "m", "\u0274": "n", "\u1d0f": "o",
    "\u1d18": "p", "\ua7af": "q", "\u0280": "r", "\ua731": "s", "\u1d1b": "t",
    "\u1d1c": "u", "\u1d20": "v", "\u1d21": "w", "\u028f": "y", "\u1d22": "z",
    "\u0281": "r", "\u1d0c": "l",
    # turned and reversed letters, and IPA forms of ASCII letters
    "\u0250": "a", "\u0252": "a", "\u0251": "a", "\u0254": "c", "\u01dd": "e",
    "\u0258": "e", "\u025f": "f", "\u1d77": "g", "\u0261": "g", "\u0265": "h",
    "\u1d09": "i", "\u0131": "i", "\u0237": "j", "\u029e": "k", "\ua781": "l",
    "\u026f": "m", "\u0279": "r", "\u027e": "r", "\u027f": "r", "\u0287": "t",
    "\u028c": "v", "\u028d": "w", "\u028e": "y",
}  # fmt: skip


@functools.cache
def _skeleton_map() -> dict[int, str]:
    """Each non-ASCII character that looks like an ASCII letter or digit, mapped to it (lower
    case): the TR39 skeleton's direction, from look-alike to prototype, and one step only.

    The pairs come from Unicode's confusables data (UTS #39) as packaged by
    confusable-homoglyphs (ICU, where the skeleton itself lives, has no wheel), plus
    _LOOKALIKES. The package's data lists each pair both ways; only pairs with exactly one
    ASCII side are kept, read towards the ASCII side. ASCII is never remapped: "s" stays "s"
    however many non-ASCII shapes lie between it and "f", and "0" stays "0" (the leet forms
    in :func:`match_forms` read digits as letters, and only inside words).
    """
    # The package ships no type information; its data is a plain dict of lists of dicts.
    from confusable_homoglyphs.confusables import confusables_data  # type: ignore[import-untyped]

    def plain(text: str) -> str:
        return "".join(char for char in text if not _invisible(char))

    def prototype(char: str) -> bool:
        return char.isascii() and char.isalnum()

    mapping: dict[int, str] = {}
    for key, glyphs in confusables_data.items():
        source = plain(key)
        if len(source) != 1:
            continue
        for glyph in glyphs:
            target = plain(glyph["c"])
            if len(target) != 1:
                continue
            if prototype(source) and not target.isascii():
                mapping.setdefault(ord(target), source.lower())
            elif prototype(target) and not source.isascii():
                mapping.setdefault(ord(source), target.lower())
    mapping.update({ord(char): letter for char, letter in _LOOKALIKES.items()})
    return mapping


def fold(text: str) -> str:
    """``text`` reduced for matching: visible, accents and case dropped, look-alikes read as
    the ASCII letter they imitate, whitespace runs as one space. Applied alike to what is
    searched and what is looked for. ASCII text only changes case and spacing."""
    text = unicodedata.normalize("NFKD", visible(text))
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = unicodedata.normalize("NFKC", text.casefold()).translate(_skeleton_map())
    return " ".join(text.split())


# Digits and symbols written for letters ("ca$ino", "c4s1no"), read as letters only inside a
# run of text that has letters too: "$5" and "2024" stay what they are.
_LEET = str.maketrans(
    {"$": "s", "@": "a", "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t"}
)
_LEET_CHARS = frozenset("$@013457")
# Single letters or digits each followed by one separator, four or more: "c a s i n o",
# "c-a-s-i-n-o", "c.a.s.i.n.o"; never part of a longer word ("of a b c" is not one).
_SPACED = re.compile(r"(?<![^\W_])(?:[^\W_][\W_]){3,}[^\W_](?![^\W_])")
_SEPARATOR = re.compile(r"[\W_]")


def _leet(text: str) -> str:
    def read(token: re.Match[str]) -> str:
        word = token.group()
        mixed = any(c.isalpha() for c in word) and any(c in _LEET_CHARS for c in word)
        return word.translate(_LEET) if mixed else word

    return re.sub(r"\S+", read, text)


def squeezed(text: str) -> str:
    """Runs of spaced-out single letters joined: "c a s i n o" -> "casino"."""
    return _SPACED.sub(lambda run: _SEPARATOR.sub("", run.group()), text)


def match_forms(folded: str) -> tuple[str, ...]:
    """The readings of already folded text a blocked word is looked for in: as written, with
    spaced-out letters joined, and with leet symbols read as letters (alone and together)."""
    forms = dict.fromkeys(
        (
            folded,
            squeezed(folded),
            _leet(folded),
            squeezed(_leet(folded)),
            _leet(squeezed(folded)),
        )
    )
    return tuple(forms)


def contains_word(text: str, word: str) -> bool:
    needle = fold(word)
    return bool(needle) and any(needle in form for form in match_forms(fold(text)))


# Characters that reorder what is shown (embeddings, overrides, isolates): the text a reader
# sees is not the text stored, so no blocklist reading of it can be trusted.
_DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def has_direction_controls(text: str) -> bool:
    return not _DIRECTION_CONTROLS.isdisjoint(html.unescape(text))


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
        for base in _LINK_BASES:
            url = _parse(visible(href).strip(), base)
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

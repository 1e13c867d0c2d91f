"""Title, authors, date, outlet, canonical URL and language hint of a page.

Structured data first: JSON-LD `NewsArticle` (and its kin) is what publishers
feed to search engines, so it is the most carefully kept; OpenGraph and
`<meta>` tags next; visible markup last. Each field is taken from the first
source that has it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

_ARTICLE_TYPES = {
    "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "backgroundnewsarticle", "reviewnewsarticle", "blogposting", "liveblogposting", "report",
    "scholarlyarticle", "techarticle", "socialmediaposting", "webpage",
}
_BY = re.compile(r"^\s*(by|von|par|por)\s+", re.I)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&|\|)\s*", re.I)
_NOT_A_NAME = re.compile(r"https?://|www\.|@|\d{3,}", re.I)


@dataclass(slots=True)
class PageMetadata:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    outlet: str | None = None
    url: str | None = None
    lang: str | None = None


def read_metadata(tree: HtmlElement, url: str | None = None) -> PageMetadata:
    """Metadata of a parsed page; fields the page does not give stay None."""
    meta = _meta_tags(tree)
    ld = _json_ld_article(tree)
    publisher = ld.get("publisher")
    canonical = _first(
        _attr(tree, "//link[@rel='canonical']/@href"), meta.get("og:url"), _ld_url(ld), url
    )
    if canonical and url:
        canonical = urljoin(url, canonical)
    title = _first(
        _text(ld.get("headline")), meta.get("og:title"), meta.get("twitter:title"),
        _attr(tree, "//h1//text()"), _attr(tree, "//title/text()"),
    )
    authors = (
        _ld_names(ld.get("author"))
        or _names([meta[k] for k in ("author", "article:author", "parsely-author", "dc.creator", "sailthru.author")
                   if k in meta])
        or _names(tree.xpath("//*[@rel='author' or @itemprop='author']//text()")[:3])
    )
    published = _first(
        *(_iso(v) for v in (
            _text(ld.get("datePublished")), meta.get("article:published_time"), meta.get("og:published_time"),
            meta.get("parsely-pub-date"), meta.get("pubdate"), meta.get("publishdate"), meta.get("date"),
            meta.get("dc.date"), meta.get("dc.date.issued"), meta.get("sailthru.date"),
            _attr(tree, "//time/@datetime"), _text(ld.get("dateCreated")),
        ))
    )
    outlet = _first(
        _ld_names(publisher)[0] if _ld_names(publisher) else None,
        meta.get("og:site_name"), meta.get("application-name"), meta.get("twitter:site", "").lstrip("@") or None,
    )
    lang = _first(_attr(tree, "/html/@lang"), meta.get("og:locale"), meta.get("content-language"))
    return PageMetadata(title=_clean(title), authors=authors, published=published, outlet=_clean(outlet),
                        url=canonical, lang=lang)


def outlet_from_url(url: str | None) -> str | None:
    """'https://www.themoscowtimes.com/a/b' -> 'themoscowtimes.com'."""
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    out: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv")
        value = el.get("content")
        if key and value and value.strip():
            out.setdefault(key.strip().lower(), value.strip())
    return out


def _json_ld_article(tree: HtmlElement) -> dict:
    """The first JSON-LD object that describes an article, or {}."""
    candidates: list[dict] = []
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                types = item.get("@type")
                types = types if isinstance(types, list) else [types]
                if any(isinstance(t, str) and t.lower() in _ARTICLE_TYPES for t in types):
                    candidates.append(item)
                if "@graph" in item:
                    stack.extend(item["@graph"] if isinstance(item["@graph"], list) else [item["@graph"]])
    # Prefer a real article over a WebPage wrapper.
    candidates.sort(key=lambda c: str(c.get("@type")).lower() in ("webpage", "['webpage']"))
    return candidates[0] if candidates else {}


def _ld_url(ld: dict) -> str | None:
    page = ld.get("mainEntityOfPage")
    if isinstance(page, dict):
        page = page.get("@id") or page.get("url")
    return _first(_text(ld.get("url")), page if isinstance(page, str) and page.startswith("http") else None)


def _ld_names(value: object) -> list[str]:
    if isinstance(value, list):
        return [n for v in value for n in _ld_names(v)]
    if isinstance(value, dict):
        return _names([_text(value.get("name"))] if value.get("name") else [])
    if isinstance(value, str):
        return _names([value])
    return []


def _names(raw: list[str | None]) -> list[str]:
    out: list[str] = []
    for item in raw:
        if not item:
            continue
        for part in _AUTHOR_SPLIT.split(_BY.sub("", item.strip())):
            name = " ".join(part.split()).strip(" .,")
            if name and len(name) < 80 and not _NOT_A_NAME.search(name) and name not in out:
                out.append(name)
    return out


def _iso(value: str | None) -> str | None:
    """An ISO 8601 datetime (date-only when that is all the page says), or None."""
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        import warnings

        from dateutil import parser

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unknown zone names ("EST") are dropped, not fatal
            try:
                parsed = parser.parse(value)
            except (ValueError, OverflowError):
                return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return parsed.date().isoformat()
    return parsed.isoformat()


def _text(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _attr(tree: HtmlElement, xpath: str) -> str | None:
    for value in tree.xpath(xpath):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _first(*values: str | None) -> str | None:
    return next((v for v in values if v), None)


def _clean(value: str | None) -> str | None:
    return " ".join(value.split()) if value else None


_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


def space_letters_digits(text: str) -> str:
    """'20:32 GMT04 August 2020' -> '20:32 GMT 04 August 2020': scraped stamps lose their spaces."""
    return _LETTER_DIGIT.sub(" ", text)


def date_from_dateline(line: str) -> str | None:
    """The datetime in a scraped time stamp such as '20:32 GMT04 August 2020'.

    Day-first, as such stamps are written outside the US; a line that holds
    no full date (day, month and year) gives None rather than a guess.
    """
    import warnings

    from dateutil import parser

    spaced = space_letters_digits(line.strip())
    if not re.search(r"\b(19|20)\d\d\b", spaced):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unknown zone names ("ET") are dropped, not fatal
        try:
            parsed = parser.parse(spaced, fuzzy=True, dayfirst=True)
        except (ValueError, OverflowError):
            return None
    return parsed.isoformat()

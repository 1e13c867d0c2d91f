"""RSS and Atom feeds: each entry becomes a document.

A feed entry is usually a teaser; the article is on the page it links to.
So when we may fetch (a feed that came over HTTP) we follow the link and
use the feed only for the metadata the page may lack. A feed that carries
the full text (content:encoded, Atom content, a long summary) is used as it
is when links cannot or may not be followed.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import feedparser

from counterpoint.errors import InputError
from counterpoint.ingest.options import IngestOptions
from counterpoint.model import ContentKind, Document

__all__ = ["FULL_TEXT_MIN_CHARS", "read_feed"]

# A summary this long (in characters of text) is the article, not a teaser:
# teasers run to a sentence or three.
FULL_TEXT_MIN_CHARS = 1000

Fetch = Callable[[str], Iterator[Document | InputError]]

_TAG = re.compile(r"<[^>]*>")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_EMAIL_AND_NAME = re.compile(r"^[^@\s()]+@[^@\s()]+\s*\((.+)\)$")


@dataclass(slots=True)
class _Hints:
    title: str | None
    outlet: str | None
    authors: list[str] = field(default_factory=list)
    published: str | None = None


def read_feed(
    raw: bytes,
    source: str,
    options: IngestOptions,
    fetch: Fetch | None = None,
    *,
    base: str | None = None,
) -> Iterator[Document | InputError]:
    """The entries of the feed in `raw`, one Document (or InputError) each, never raising.

    `fetch` follows an entry's link (the web reader passes its own, so the
    same robots and address rules apply); without it, as for a feed file on
    disk, only the full text carried in the feed is used. `base` is the URL
    the feed came from after redirects, for resolving relative links; it
    defaults to `source` when that is a URL.
    """
    if not raw.strip():
        yield InputError(source, "empty, not a feed")
        return
    if base is None and source.startswith(("http://", "https://")):
        base = source
    # feedparser reads the encoding from these headers when it has any; application/xml
    # lets the feed's own XML declaration decide, as it would for a file.
    headers = {"content-type": "application/xml", "content-location": base} if base else None
    # A stream, not bytes: feedparser treats a bytes argument as a file name
    # first, and a feed that happens to be a short path would read that file.
    parsed = feedparser.parse(io.BytesIO(raw), response_headers=headers)
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            yield InputError(source, f"not a readable RSS or Atom feed ({_one_line(parsed.get('bozo_exception'))})")
        elif not parsed.get("version"):
            yield InputError(source, "not an RSS or Atom feed")
        else:
            yield InputError(source, "feed has no entries")
        return
    for n, entry in enumerate(entries, 1):
        yield from _read_entry(entry, n, source, options, fetch)


def _read_entry(
    entry: Any, n: int, source: str, options: IngestOptions, fetch: Fetch | None
) -> Iterator[Document | InputError]:
    where = f"{source}#{n}"
    hints = _Hints(
        title=_clean(entry.get("title")),
        outlet=options.outlet,  # the user's name only: a feed title ("X - World") is not an outlet name
        authors=_authors(entry),
        published=_published(entry),
    )
    link = _clean(entry.get("link"))
    if link and not link.startswith(("http://", "https://")):
        link = None  # an Atom id like "urn:uuid:..." that feedparser offers as the link, or an unresolved path
    full = _full_text(entry)
    if link and fetch is not None and options.fetch_links:
        results = list(fetch(link))
        # If the page cannot be had (robots, paywall, gone) but the feed carries
        # the whole text, the publisher's own syndicated copy is the article.
        if full is None or any(isinstance(r, Document) for r in results):
            for result in results:
                if isinstance(result, Document):
                    _fill(result, hints)
                yield result
            return
    if full is None:
        name = f'entry "{hints.title[:80]}"' if hints.title else "entry"
        if not link:
            problem = "has no content and no link"
        elif fetch is None:
            problem = "has no full text, and links in a feed file are not followed"
        else:
            problem = "has no full text, and following links is turned off"
        yield InputError(where, f"{name} {problem}")
        return
    text, kind = full
    yield Document(
        raw=text.encode("utf-8"),
        kind=kind,
        source=where,
        url=link,
        encoding="utf-8",
        title=hints.title,
        outlet=hints.outlet,
        authors=hints.authors,
        published=hints.published,
    )


def _full_text(entry: Any) -> tuple[str, ContentKind] | None:
    """The entry's article text and how to read it, if the feed carries the whole of it."""
    contents = [c for c in entry.get("content") or [] if (c.get("value") or "").strip()]
    contents.sort(key=lambda c: "html" not in (c.get("type") or ""))  # HTML first, keeps order otherwise
    if contents:
        return contents[0]["value"], _kind(contents[0].get("type"))
    summary = entry.get("summary") or ""
    if len(" ".join(_TAG.sub(" ", summary).split())) >= FULL_TEXT_MIN_CHARS:
        return summary, _kind((entry.get("summary_detail") or {}).get("type"))
    return None


def _kind(mime: str | None) -> ContentKind:
    # Plain-text content is already the article's text: nothing to extract from it.
    return "article" if mime == "text/plain" else "html"


def _fill(doc: Document, hints: _Hints) -> None:
    """Give the fetched page the feed's metadata where it has none of its own."""
    doc.title = doc.title or hints.title
    doc.outlet = doc.outlet or hints.outlet
    doc.authors = doc.authors or list(hints.authors)
    doc.published = doc.published or hints.published


def _authors(entry: Any) -> list[str]:
    """Names only: later stages match authors against people, and an address is not a name."""
    raw = _clean(entry.get("author")) or ""
    # RSS's "desk@paper.example (Jane Doe)": feedparser's own split of this
    # breaks on long top-level domains, so read the name from the brackets.
    bracketed = _EMAIL_AND_NAME.match(raw)
    if bracketed:
        return [bracketed.group(1).strip()]
    names = [_clean(a.get("name")) for a in entry.get("authors") or [] if isinstance(a, dict)]
    found = [name for name in names if name and not _EMAIL.match(name)]
    if not found and raw and not _EMAIL.match(raw):
        found = [raw]
    return list(dict.fromkeys(found))


def _published(entry: Any) -> str | None:
    """ISO 8601 in UTC: feedparser has already read the feed's many date formats and normalised them."""
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=UTC).isoformat()
    except (TypeError, ValueError):
        return None


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def _one_line(exc: Any) -> str:
    # "<unknown>:2:0: syntax error": the position is feedparser's, after its own rewriting, so drop it.
    text = re.sub(r"^<unknown>:\d+:\d+:\s*", "", " ".join(str(exc).split())) if exc else ""
    return text or "unknown error"

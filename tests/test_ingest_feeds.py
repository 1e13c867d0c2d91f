"""RSS and Atom: feed files on disk, and feeds whose links are followed by a stand-in fetcher."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from counterpoint.errors import InputError
from counterpoint.ingest import read_sources
from counterpoint.ingest.feeds import FULL_TEXT_MIN_CHARS, read_feed
from counterpoint.ingest.options import IngestOptions
from counterpoint.model import Document

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>The Daily Example</title>
  <link>https://daily.example/</link>
  <item>
    <title>Minister resigns</title>
    <link>https://daily.example/news/minister</link>
    <dc:creator>Jane Doe</dc:creator>
    <pubDate>Mon, 06 Jan 2025 09:30:00 +0100</pubDate>
    <description>The minister has resigned.</description>
    <content:encoded><![CDATA[<p>The minister has <b>resigned</b>, officials said.</p>]]></content:encoded>
  </item>
  <item>
    <title>Only a link</title>
    <link>https://daily.example/news/link-only</link>
    <description>Read more on our site.</description>
  </item>
  <item>
    <title>Caf\xc3\xa9 owner speaks</title>
    <link>https://daily.example/news/cafe</link>
    <author>desk@daily.example (John Roe)</author>
    <content:encoded><![CDATA[<p>"We are open," the owner of the caf\xc3\xa9 said.</p>]]></content:encoded>
  </item>
</channel>
</rss>
"""

ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom Times</title>
  <id>urn:example:atom-times</id>
  <updated>2025-01-07T12:00:00Z</updated>
  <entry>
    <title>Talks collapse</title>
    <link rel="alternate" href="https://atom.example/talks"/>
    <id>urn:example:1</id>
    <updated>2025-01-07T11:00:00+02:00</updated>
    <author><name>Ann Lee</name></author>
    <author><name>Bo Chan</name></author>
    <content type="html">&lt;p&gt;Talks collapsed, a spokesman said.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Plain words</title>
    <id>urn:example:2</id>
    <updated>2025-01-07T10:00:00Z</updated>
    <content type="text">Just text, no markup.</content>
  </entry>
  <entry>
    <title>Long summary</title>
    <link rel="alternate" href="https://atom.example/long"/>
    <id>urn:example:3</id>
    <updated>2025-01-07T09:00:00Z</updated>
    <summary type="html">&lt;p&gt;{"Every word of the story. " * 60}&lt;/p&gt;</summary>
  </entry>
  <entry>
    <title>Short summary</title>
    <id>urn:example:4</id>
    <updated>2025-01-07T08:00:00Z</updated>
    <summary>Just a teaser.</summary>
  </entry>
</feed>
""".encode()

EMPTY_ENTRIES = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Hollow</title>
  <item><title>Nothing here</title><description></description></item>
  <item><guid isPermaLink="false">x-2</guid></item>
</channel></rss>
"""


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def lines(items: Iterator[Document | InputError]) -> list[str]:
    """Each result as one line: the error, or the document's source."""
    out = []
    for item in items:
        text = str(item) if isinstance(item, InputError) else item.source
        assert "\n" not in text
        out.append(text)
    return out


def test_rss_file_with_full_content(tmp_path: Path) -> None:
    path = write(tmp_path, "daily.rss", RSS)
    items = list(read_sources([str(path)]))
    assert lines(iter(items)) == [
        f"{path}#1",
        f'{path}#2: entry "Only a link" has no full text, and links in a feed file are not followed',
        f"{path}#3",
    ]
    first, _, third = items
    assert isinstance(first, Document) and isinstance(third, Document)
    assert first.raw == b"<p>The minister has <b>resigned</b>, officials said.</p>"
    assert (first.kind, first.url, first.title, first.authors, first.published, first.outlet, first.encoding) == (
        "html",
        "https://daily.example/news/minister",
        "Minister resigns",
        ["Jane Doe"],
        "2025-01-06T08:30:00+00:00",
        None,  # a feed title is not an outlet name; extraction uses the page or its host
        "utf-8",
    )
    assert third.title == "Café owner speaks"
    assert third.authors == ["John Roe"]
    assert third.published is None
    assert "café".encode() in third.raw


def test_outlet_option_overrides_the_feed_title(tmp_path: Path) -> None:
    path = write(tmp_path, "daily.xml", RSS)
    docs = [i for i in read_sources([str(path)], IngestOptions(outlet="Mine")) if isinstance(i, Document)]
    assert {d.outlet for d in docs} == {"Mine"}


def test_atom_file(tmp_path: Path) -> None:
    path = write(tmp_path, "times.atom", ATOM)
    items = list(read_feed(path.read_bytes(), str(path), IngestOptions()))
    assert lines(iter(items)) == [
        f"{path}#1",
        f"{path}#2",
        f"{path}#3",
        f'{path}#4: entry "Short summary" has no content and no link',
    ]
    talks, plain, long = items[:3]
    assert isinstance(talks, Document) and isinstance(plain, Document) and isinstance(long, Document)
    assert (talks.kind, talks.raw, talks.url, talks.authors, talks.published, talks.outlet) == (
        "html",
        b"<p>Talks collapsed, a spokesman said.</p>",
        "https://atom.example/talks",
        ["Ann Lee", "Bo Chan"],
        "2025-01-07T09:00:00+00:00",
        None,  # a feed title is not an outlet name; extraction uses the page or its host
    )
    assert (plain.kind, plain.raw, plain.url) == ("article", b"Just text, no markup.", None)
    assert long.kind == "html" and len(long.raw) >= FULL_TEXT_MIN_CHARS


def test_entries_with_nothing_to_read(tmp_path: Path) -> None:
    path = write(tmp_path, "hollow.xml", EMPTY_ENTRIES)
    assert lines(read_sources([str(path)])) == [
        f'{path}#1: entry "Nothing here" has no content and no link',
        f"{path}#2: entry has no content and no link",
    ]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"\x00\x01 this is not xml at all \xff", "not a readable RSS or Atom feed (not well-formed (invalid token))"),
        (b"<rss><channel><title>cut off", "not a readable RSS or Atom feed (no element found)"),
        (b"<html><body><p>A web page.</p></body></html>", "not an RSS or Atom feed"),
        (b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>', "feed has no entries"),
        (b"", "empty, not a feed"),
    ],
)
def test_unreadable_feeds(tmp_path: Path, data: bytes, problem: str) -> None:
    path = write(tmp_path, "bad.xml", data)
    assert lines(read_sources([str(path)])) == [f"{path}: {problem}"]


def test_feed_bytes_are_never_taken_for_a_file_name(tmp_path: Path) -> None:
    """feedparser opens a bytes argument as a path if it can; a feed must not read local files."""
    secret = write(tmp_path, "secret.xml", RSS)
    assert lines(read_feed(str(secret).encode(), "evil.xml", IngestOptions())) == [
        "evil.xml: not a readable RSS or Atom feed (not well-formed (invalid token))"
    ]


class FakeWeb:
    """Stands in for the web reader: answers from a dict and records what was asked."""

    def __init__(self, pages: dict[str, Document | InputError]) -> None:
        self.pages = pages
        self.asked: list[str] = []

    def __call__(self, url: str) -> Iterator[Document | InputError]:
        self.asked.append(url)
        yield self.pages.get(url) or InputError(url, "HTTP 404 Not Found")


def test_links_are_followed_and_hints_fill_the_gaps() -> None:
    own = Document(
        raw=b"<html>minister page</html>",
        kind="html",
        source="https://daily.example/news/minister",
        url="https://daily.example/news/minister",
        title="The page's own title",
    )
    web = FakeWeb(
        {
            "https://daily.example/news/minister": own,
            "https://daily.example/news/link-only": InputError(
                "https://daily.example/news/link-only", "timed out after 20 s"
            ),
            "https://daily.example/news/cafe": InputError(
                "https://daily.example/news/cafe", "disallowed by robots.txt"
            ),
        }
    )
    items = list(read_feed(RSS, "https://daily.example/feed", IngestOptions(), fetch=web))
    assert web.asked == [
        "https://daily.example/news/minister",
        "https://daily.example/news/link-only",
        "https://daily.example/news/cafe",
    ]
    assert lines(iter(items)) == [
        "https://daily.example/news/minister",
        "https://daily.example/news/link-only: timed out after 20 s",
        # The page could not be had, but the feed carries the whole text.
        "https://daily.example/feed#3",
    ]
    page = items[0]
    assert page is own
    assert (page.title, page.authors, page.published, page.outlet) == (
        "The page's own title",
        ["Jane Doe"],
        "2025-01-06T08:30:00+00:00",
        None,  # a feed title is not an outlet name; extraction uses the page or its host
    )


def test_fetch_links_off_uses_feed_content_only() -> None:
    web = FakeWeb({})
    options = IngestOptions(fetch_links=False)
    assert lines(read_feed(RSS, "https://daily.example/feed", options, fetch=web)) == [
        "https://daily.example/feed#1",
        'https://daily.example/feed#2: entry "Only a link" has no full text, and following links is turned off',
        "https://daily.example/feed#3",
    ]
    assert web.asked == []


def test_relative_links_resolve_against_the_feed_url() -> None:
    feed = b"""<rss version="2.0"><channel><title>R</title>
      <item><title>Rel</title><link>/news/1</link></item></channel></rss>"""
    web = FakeWeb({})
    list(read_feed(feed, "https://old.example/feed", IngestOptions(), fetch=web, base="https://new.example/rss/"))
    assert web.asked == ["https://new.example/news/1"]

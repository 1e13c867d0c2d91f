"""Fetching over HTTP, against a real server on 127.0.0.1 (no other network)."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from counterpoint.errors import InputError
from counterpoint.ingest import read_sources
from counterpoint.ingest.options import IngestOptions
from counterpoint.ingest.web import Fetcher, fetch_url, private_kind
from counterpoint.model import Document

ARTICLE = b"<html><head><title>Page title</title></head><body><p>The article.</p></body></html>"
LOCAL = IngestOptions(allow_private=True, timeout=0.5)


def rss(base: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Local Gazette</title><link>{base}/</link>
<item><title>Linked story</title><link>/article</link><dc:creator>Jane Doe</dc:creator>
  <pubDate>Mon, 06 Jan 2025 09:30:00 +0100</pubDate><description>Teaser.</description></item>
<item><title>Robots say no</title><link>{base}/private/story</link>
  <content:encoded><![CDATA[<p>The whole story, as syndicated.</p>]]></content:encoded></item>
<item><title>Gone story</title><link>{base}/missing</link></item>
<item><title>A feed in a feed</title><link>{base}/feed.xml</link></item>
</channel></rss>""".encode()


@dataclass
class Site:
    """The test server: its base URL, what it saw, and knobs a test may turn."""

    base: str
    hits: Counter[str] = field(default_factory=Counter)
    agents: list[str] = field(default_factory=list)
    robots: tuple[int, bytes] = (200, b"User-agent: *\nDisallow: /private/\n")

    def url(self, path: str) -> str:
        return self.base + path


def make_handler(site: Site) -> type[BaseHTTPRequestHandler]:
    def send(
        h: BaseHTTPRequestHandler,
        status: int,
        body: bytes = b"",
        ctype: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        length: bool = True,
    ) -> None:
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        if length:
            h.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(body)

    def slow(h: BaseHTTPRequestHandler) -> None:
        time.sleep(1.0)
        send(h, 200, ARTICLE)

    def trickle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.end_headers()
        for _ in range(10):
            h.wfile.write(b"<p>.</p>")
            h.wfile.flush()
            time.sleep(0.2)

    def big_stream(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.end_headers()  # no Content-Length: the body ends when the connection closes
        for _ in range(20):
            h.wfile.write(b"x" * 100)

    routes: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {
        "/robots.txt": lambda h: send(h, site.robots[0], site.robots[1], "text/plain"),
        "/article": lambda h: send(h, 200, ARTICLE),
        "/article2": lambda h: send(h, 200, ARTICLE.replace(b"article", b"second article")),
        "/plain": lambda h: send(h, 200, b"Just text.", "text/plain; charset=iso-8859-1"),
        "/private/story": lambda h: send(h, 200, ARTICLE),
        "/image.png": lambda h: send(h, 200, b"\x89PNG\r\n\x1a\n", "image/png"),
        "/redirect": lambda h: send(h, 302, headers={"Location": "/article"}),
        "/loop": lambda h: send(h, 302, headers={"Location": "/loop"}),
        "/to-metadata": lambda h: send(h, 302, headers={"Location": "http://169.254.169.254/latest"}),
        "/to-ftp": lambda h: send(h, 301, headers={"Location": "ftp://files.example/x"}),
        "/slow": slow,
        "/trickle": trickle,
        "/big": lambda h: send(h, 200, b"x" * 2000),
        "/big-stream": big_stream,
        "/feed.xml": lambda h: send(h, 200, rss(site.base), "application/rss+xml"),
    }

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            site.hits[path] += 1
            site.agents.append(self.headers.get("User-Agent", ""))
            route = routes.get(path)
            if route is None:
                send(self, 404, b"<h1>Not here</h1>")
            else:
                route(self)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the client hanging up on /slow is the point of that test


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    for var in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    site = Site(base="")
    server = QuietServer(("127.0.0.1", 0), make_handler(site))
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()


def only(items: Iterator[Document | InputError]) -> Document | InputError:
    got = list(items)
    assert len(got) == 1, got
    return got[0]


def doc(items: Iterator[Document | InputError]) -> Document:
    item = only(items)
    assert isinstance(item, Document), str(item)
    return item


def error(items: Iterator[Document | InputError]) -> str:
    item = only(items)
    assert isinstance(item, InputError), item
    line = str(item)
    assert "\n" not in line
    return line


def test_fetches_a_page(site: Site) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    d = doc(fetch_url(site.url("/article"), IngestOptions(allow_private=True, outlet="Gazette")))
    assert d.raw == ARTICLE
    assert (d.kind, d.source, d.url, d.encoding, d.outlet) == (
        "html",
        site.url("/article"),
        site.url("/article"),
        "utf-8",
        "Gazette",
    )
    assert d.fetched is not None
    fetched = datetime.fromisoformat(d.fetched)
    assert fetched.utcoffset() is not None and fetched.utcoffset().total_seconds() == 0
    assert before <= fetched <= datetime.now(UTC)
    assert set(site.agents) == {LOCAL.user_agent}


def test_plain_text_page(site: Site) -> None:
    d = doc(fetch_url(site.url("/plain"), LOCAL))
    assert (d.kind, d.encoding, d.raw) == ("text", "iso-8859-1", b"Just text.")


def test_read_sources_fetches_urls(site: Site) -> None:
    assert [d.url for d in read_sources([site.url("/article")], LOCAL)] == [site.url("/article")]


def test_redirect_is_followed(site: Site) -> None:
    d = doc(fetch_url(site.url("/redirect"), LOCAL))
    assert (d.source, d.url) == (site.url("/redirect"), site.url("/article"))


def test_redirect_loop_stops(site: Site) -> None:
    assert error(fetch_url(site.url("/loop"), LOCAL)) == f"{site.url('/loop')}: too many redirects (more than 5)"
    assert site.hits["/loop"] == 6


def test_redirect_to_another_scheme_is_refused(site: Site) -> None:
    assert error(fetch_url(site.url("/to-ftp"), LOCAL)) == (
        f"{site.url('/to-ftp')}: refused: redirects to a non-HTTP URL ftp://files.example/x"
    )


def test_robots_txt_disallows(site: Site) -> None:
    url = site.url("/private/story")
    assert error(fetch_url(url, LOCAL)) == (
        f"{url}: disallowed by {site.base}/robots.txt (use --ignore-robots to fetch anyway)"
    )
    assert site.hits["/private/story"] == 0
    ignoring = IngestOptions(allow_private=True, respect_robots=False)
    assert doc(fetch_url(url, ignoring)).raw == ARTICLE


def test_robots_txt_is_read_once_per_fetcher(site: Site) -> None:
    with Fetcher(LOCAL) as fetcher:
        for path in ("/article", "/article2", "/private/story", "/plain"):
            list(fetcher.fetch(site.url(path)))
    assert site.hits["/robots.txt"] == 1


def test_robots_txt_rules_for_our_user_agent(site: Site) -> None:
    site.robots = (200, b"User-agent: somebot\nDisallow:\n\nUser-agent: counterpoint\nDisallow: /\n")
    assert error(fetch_url(site.url("/article"), LOCAL)) == (
        f"{site.url('/article')}: disallowed by {site.base}/robots.txt (use --ignore-robots to fetch anyway)"
    )


def test_missing_robots_txt_allows_everything(site: Site) -> None:
    site.robots = (404, b"")
    assert doc(fetch_url(site.url("/private/story"), LOCAL)).raw == ARTICLE


def test_broken_robots_txt_disallows_everything(site: Site) -> None:
    site.robots = (503, b"")
    assert error(fetch_url(site.url("/article"), LOCAL)) == (
        f"{site.url('/article')}: cannot read {site.base}/robots.txt (HTTP 503 Service Unavailable), "
        "so not fetching (use --ignore-robots to fetch anyway)"
    )


def test_http_error(site: Site) -> None:
    assert error(fetch_url(site.url("/missing"), LOCAL)) == f"{site.url('/missing')}: HTTP 404 Not Found"


def test_not_a_page(site: Site) -> None:
    assert error(fetch_url(site.url("/image.png"), LOCAL)) == (
        f"{site.url('/image.png')}: not a web page (content type image/png)"
    )


def test_timeout(site: Site) -> None:
    started = time.monotonic()
    assert error(fetch_url(site.url("/slow"), LOCAL)) == f"{site.url('/slow')}: timed out after 0.5 s"
    assert time.monotonic() - started < 0.95


def test_a_trickling_server_still_times_out(site: Site) -> None:
    started = time.monotonic()
    assert error(fetch_url(site.url("/trickle"), LOCAL)) == f"{site.url('/trickle')}: timed out after 0.5 s"
    assert time.monotonic() - started < 1.5


def test_declared_size_over_the_limit(site: Site) -> None:
    options = IngestOptions(allow_private=True, max_bytes=1000)
    assert error(fetch_url(site.url("/big"), options)) == (
        f"{site.url('/big')}: response too large (2000 bytes, over the limit of 1000 bytes)"
    )


def test_streamed_size_over_the_limit(site: Site) -> None:
    options = IngestOptions(allow_private=True, max_bytes=1000)
    assert error(fetch_url(site.url("/big-stream"), options)) == (
        f"{site.url('/big-stream')}: response over the limit of 1000 bytes"
    )


def test_connection_refused() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/article"
    assert error(fetch_url(url, LOCAL)) == f"{url}: cannot connect (Connection refused)"


def test_not_http() -> None:
    assert error(fetch_url("ftp://files.example/x", LOCAL)) == "ftp://files.example/x: not an http(s) URL"


def test_private_address_refused_by_default(site: Site) -> None:
    url = site.url("/article")
    assert error(fetch_url(url, IngestOptions())) == (
        f"{url}: refused: 127.0.0.1 is a loopback address (use --allow-private to allow)"
    )
    assert site.hits["/article"] == 0 and site.hits["/robots.txt"] == 0


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("10.0.0.1", "private"),
        ("192.168.1.1", "private"),
        ("172.16.5.4", "private"),
        ("169.254.169.254", "link-local"),
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("fd00::1", "private"),
        ("::ffff:10.0.0.1", "private"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("100.64.0.1", "non-public"),
        ("93.184.216.34", None),
        ("2606:2800:220:1:248:1893:25c8:1946", None),
    ],
)
def test_private_kind(address: str, kind: str | None) -> None:
    assert private_kind(address) == kind


def test_a_name_that_resolves_to_a_private_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def resolve(host: str, port: int, *args: object, **kwargs: object) -> list[tuple]:
        assert host == "intranet.example"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    assert error(fetch_url("http://intranet.example/wiki", IngestOptions())) == (
        "http://intranet.example/wiki: refused: intranet.example resolves to a private address 10.0.0.5 "
        "(use --allow-private to allow)"
    )


def test_a_name_that_does_not_resolve(monkeypatch: pytest.MonkeyPatch) -> None:
    def resolve(*args: object, **kwargs: object) -> list[tuple]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    assert error(fetch_url("https://no-such-host.example/x", IngestOptions())) == (
        "https://no-such-host.example/x: cannot resolve host no-such-host.example (Name or service not known)"
    )


def test_redirect_to_a_metadata_address_is_refused(site: Site) -> None:
    """The first hop is allowed (the test server stands in for a public site); the redirect is not."""
    loopback = ipaddress.ip_address("127.0.0.1")

    def public_or_test_server(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return ip == loopback or private_kind(ip) is None

    with Fetcher(IngestOptions(timeout=0.5), address_allowed=public_or_test_server) as fetcher:
        assert doc(fetcher.fetch(site.url("/redirect"))).url == site.url("/article")
        assert error(fetcher.fetch(site.url("/to-metadata"))) == (
            f"{site.url('/to-metadata')}: refused: redirects to a link-local address 169.254.169.254 "
            "(use --allow-private to allow)"
        )


def test_feed_entries_are_followed(site: Site) -> None:
    items = list(fetch_url(site.url("/feed.xml"), LOCAL))
    assert len(items) == 4
    linked, syndicated, gone, nested = items

    assert isinstance(linked, Document)
    assert (linked.source, linked.url, linked.raw) == (site.url("/article"), site.url("/article"), ARTICLE)
    # The page said nothing about itself; the feed's hints fill in.
    assert (linked.title, linked.authors, linked.published, linked.outlet) == (
        "Linked story",
        ["Jane Doe"],
        "2025-01-06T08:30:00+00:00",
        None,  # a feed title is not an outlet name; extraction uses the page or its host
    )

    # robots.txt forbids the page, but the feed carries the whole text.
    assert isinstance(syndicated, Document)
    assert (syndicated.source, syndicated.url, syndicated.kind) == (
        f"{site.url('/feed.xml')}#2",
        site.url("/private/story"),
        "html",
    )
    assert syndicated.raw == b"<p>The whole story, as syndicated.</p>"

    assert str(gone) == f"{site.url('/missing')}: HTTP 404 Not Found"
    assert str(nested) == (
        f"{site.url('/feed.xml')}: is a feed, not a page (feeds linked from a feed are not followed)"
    )
    assert site.hits["/robots.txt"] == 1
    assert site.hits["/private/story"] == 0


def test_feed_without_following_links(site: Site) -> None:
    options = IngestOptions(allow_private=True, fetch_links=False)
    lines = [str(i) if isinstance(i, InputError) else i.source for i in fetch_url(site.url("/feed.xml"), options)]
    feed = site.url("/feed.xml")
    assert lines == [
        f'{feed}#1: entry "Linked story" has no full text, and following links is turned off',
        f"{feed}#2",
        f'{feed}#3: entry "Gone story" has no full text, and following links is turned off',
        f'{feed}#4: entry "A feed in a feed" has no full text, and following links is turned off',
    ]
    assert site.hits["/article"] == 0

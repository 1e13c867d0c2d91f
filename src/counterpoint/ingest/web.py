"""Pages and feeds fetched over HTTP(S).

A URL given to this tool may come from an untrusted list or feed, so every
request, including each redirect hop and each robots.txt, goes through the
same address check: by default nothing on loopback, private, link-local or
otherwise non-public networks is fetched (no reaching cloud metadata services
or the user's router on behalf of a stranger's feed).
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from urllib.robotparser import RobotFileParser

import httpx

from counterpoint.errors import InputError
from counterpoint.ingest.feeds import read_feed
from counterpoint.ingest.files import format_size, sniff_kind
from counterpoint.ingest.options import IngestOptions
from counterpoint.model import ContentKind, Document

__all__ = ["MAX_REDIRECTS", "Fetcher", "fetch_url", "private_kind"]

MAX_REDIRECTS = 5
# RFC 9309 lets a crawler stop reading robots.txt after 500 KiB.
ROBOTS_MAX_BYTES = 500 * 1024
_REDIRECT_CODES = {301, 302, 303, 307, 308}
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
# Types a server uses when it does not know better: the body decides.
_UNKNOWN_TYPES = {"", "application/octet-stream", "application/xml", "text/xml"}
_FEED_ROOT = re.compile(
    rb"^\s*(?:<\?[^>]*\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<(?:rss|feed|rdf:RDF)\b", re.DOTALL | re.IGNORECASE
)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
AddressCheck = Callable[[IPAddress], bool]


def private_kind(address: str | IPAddress) -> str | None:
    """What kind of non-public address this is ('loopback', 'private'...), or None when it is public.

    The word goes into the refusal message, so the user can tell a typo'd
    intranet name from a redirect aimed at a metadata service.
    """
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:10.0.0.1 reaches 10.0.0.1
    # Order matters: 127.0.0.1 and 169.254.x.x are also "private" to the ipaddress module.
    for kind, flag in (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("non-public", not ip.is_global),  # e.g. 100.64.0.0/10, shared carrier-grade NAT space
    ):
        if flag:
            return kind
    return None


def fetch_url(url: str, options: IngestOptions) -> Iterator[Document | InputError]:
    """The page at `url` (or, for a feed, its entries' pages) as Documents, never raising."""
    with Fetcher(options) as fetcher:
        yield from fetcher.fetch(url)


class _Problem(Exception):
    """Why one request failed; `fetch` turns it into an InputError naming the URL the user gave.

    `unreachable` marks a host that did not answer at all, as opposed to one that answered badly.
    """

    def __init__(self, message: str, *, unreachable: bool = False) -> None:
        super().__init__(message)
        self.unreachable = unreachable


@dataclass(slots=True)
class _Response:
    url: str  # after redirects
    status: int
    reason: str
    content_type: str
    charset: str | None
    body: bytes
    location: str = ""  # for redirects


class Fetcher:
    """One HTTP client and one robots.txt cache, shared by a page and the entries of a feed.

    Sharing the client reuses connections, and sharing the cache means a
    feed of fifty links on one site asks for its robots.txt once. There is no
    module-level state: a Fetcher lives as long as one call chain.

    `address_allowed` decides which resolved addresses may be contacted; by
    default public ones, or all of them with `options.allow_private`.
    """

    def __init__(self, options: IngestOptions, *, address_allowed: AddressCheck | None = None) -> None:
        self.options = options
        self._address_allowed = address_allowed or self._default_address_allowed
        # Redirects are followed by hand so that every hop passes the address and robots checks.
        self._client = httpx.Client(
            timeout=options.timeout,
            headers={"User-Agent": options.user_agent},
            follow_redirects=False,
        )
        self._robots: dict[str, RobotFileParser | str] = {}  # origin -> rules, or why there are none

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(self, url: str) -> Iterator[Document | InputError]:
        """The Document at `url`, or the entries of the feed there; each failure as an InputError."""
        return self._fetch(url, follow_feeds=True)

    # -- the steps ---------------------------------------------------------

    def _default_address_allowed(self, ip: IPAddress) -> bool:
        return self.options.allow_private or private_kind(ip) is None

    def _fetch(self, url: str, *, follow_feeds: bool) -> Iterator[Document | InputError]:
        try:
            response = self._get(url, self.options.max_bytes, robots=self.options.respect_robots)
        except _Problem as problem:
            yield InputError(url, str(problem))
            return
        except (httpx.InvalidURL, httpx.StreamError, ValueError, OSError) as exc:
            # What httpx lets through on a malformed URL or response: still a bad input, not a crash.
            yield InputError(url, f"{type(exc).__name__} ({_one_line(exc)})")
            return
        if not 200 <= response.status < 300:
            yield InputError(url, _status_text(response))
            return
        if _is_feed(response.content_type, response.body):
            if follow_feeds:
                yield from read_feed(
                    response.body,
                    url,
                    self.options,
                    fetch=lambda link: self._fetch(link, follow_feeds=False),
                    base=response.url,
                )
            else:
                # A feed entry pointing at another feed could loop for ever; one level is enough.
                yield InputError(url, "is a feed, not a page (feeds linked from a feed are not followed)")
            return
        kind = _kind_of(response.content_type, response.body)
        if kind is None:
            yield InputError(url, f"not a web page (content type {response.content_type or 'missing'})")
            return
        yield Document(
            raw=response.body,
            kind=kind,
            source=url,
            url=response.url,
            fetched=datetime.now(UTC).isoformat(timespec="seconds"),
            encoding=response.charset,
            outlet=self.options.outlet,
        )

    def _get(self, url: str, limit: int, *, robots: bool, truncate: bool = False) -> _Response:
        """GET `url`, following up to MAX_REDIRECTS redirects, each hop checked like the first."""
        current = url
        for hop in range(MAX_REDIRECTS + 1):
            target = self._parse(current, redirected=hop > 0)
            self._check_address(target, redirected=hop > 0)
            if robots:
                self._check_robots(target)
            response = self._request(target, limit, truncate=truncate)
            if response.status not in _REDIRECT_CODES:
                return response
            location = response.location
            if not location:
                raise _Problem(f"HTTP {response.status} {response.reason} without a Location header")
            try:
                current = str(target.join(location))
            except httpx.InvalidURL as exc:
                raise _Problem(f"redirects to an invalid URL ({_one_line(exc)})") from None
        raise _Problem(f"too many redirects (more than {MAX_REDIRECTS})")

    def _parse(self, url: str, *, redirected: bool) -> httpx.URL:
        try:
            target = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise _Problem(f"{'redirects to an ' if redirected else ''}invalid URL ({exc})") from None
        if target.scheme not in ("http", "https"):
            raise _Problem(f"refused: redirects to a non-HTTP URL {url[:200]}" if redirected else "not an http(s) URL")
        if not target.host:
            raise _Problem("URL has no host")
        return target

    def _check_address(self, target: httpx.URL, *, redirected: bool) -> None:
        """Refuse a host that resolves to any address we may not contact.

        Every address the name resolves to is checked, since the connection
        may use any of them. httpx then resolves the name again to connect, so
        a DNS server that answers differently the second time (DNS
        rebinding) can slip past this check; closing that gap would mean
        connecting to the checked IP ourselves, which breaks TLS name checks
        and proxies. The check still stops plain private URLs and
        redirects, which are the common attack.
        """
        host = target.raw_host.decode("ascii")
        port = target.port or (443 if target.scheme == "https" else 80)
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (UnicodeError, OSError) as exc:  # socket.gaierror is an OSError
            said = f"redirects to {host}, which does not resolve" if redirected else f"cannot resolve host {host}"
            raise _Problem(f"{said} ({_one_line(exc)})") from None
        for info in infos:
            ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
            if self._address_allowed(ip):
                continue
            kind = private_kind(ip) or "non-public"
            if _is_ip_literal(host):
                said = f"redirects to a {kind} address {ip}" if redirected else f"{ip} is a {kind} address"
            elif redirected:
                said = f"redirects to {host}, a {kind} address {ip}"
            else:
                said = f"{host} resolves to a {kind} address {ip}"
            raise _Problem(f"refused: {said} (use --allow-private to allow)")

    def _check_robots(self, target: httpx.URL) -> None:
        origin = f"{target.scheme}://{target.netloc.decode('ascii')}"
        rules = self._robots.get(origin)
        if rules is None:
            rules = self._robots[origin] = self._load_robots(origin)
        if isinstance(rules, str):
            raise _Problem(rules)
        if not rules.can_fetch(self.options.user_agent, str(target)):
            raise _Problem(f"disallowed by {origin}/robots.txt (use --ignore-robots to fetch anyway)")

    def _load_robots(self, origin: str) -> RobotFileParser | str:
        """The rules for one origin, following RFC 9309.

        A 4xx (no robots.txt) allows everything. A server error or an
        unreachable robots.txt disallows everything: we cannot tell what the
        site wants, and the RFC says to assume the worst.
        """
        url = f"{origin}/robots.txt"
        rules = RobotFileParser(url)
        try:
            response = self._get(url, ROBOTS_MAX_BYTES, robots=False, truncate=True)
        except _Problem as problem:
            if problem.unreachable:
                # The page is on the same host and would fail the same way; say so plainly,
                # and once per host rather than once per timeout per link.
                return str(problem)
            return f"cannot read {url} ({problem}), so not fetching (use --ignore-robots to fetch anyway)"
        if 400 <= response.status < 500:
            rules.allow_all = True
        elif 200 <= response.status < 300:
            rules.parse(response.body.decode("utf-8", "replace").splitlines())
        else:
            problem = _status_text(response)
            return f"cannot read {url} ({problem}), so not fetching (use --ignore-robots to fetch anyway)"
        return rules

    def _request(self, target: httpx.URL, limit: int, *, truncate: bool) -> _Response:
        """One GET, its body streamed and cut off at `limit` bytes (after decompression)."""
        timeout = self.options.timeout
        # httpx times each read; the deadline also stops a server that trickles a byte at a time.
        deadline = time.monotonic() + timeout
        try:
            with self._client.stream("GET", target) as r:
                if r.status_code in _REDIRECT_CODES:
                    location = r.headers.get("location", "")
                    return _Response(str(r.url), r.status_code, r.reason_phrase, "", None, b"", location)
                content_type = r.headers.get("content-type", "")
                result = _Response(str(r.url), r.status_code, r.reason_phrase, content_type, r.charset_encoding, b"")
                if not 200 <= r.status_code < 300:
                    return result
                declared = r.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit and not truncate:
                    size_text = format_size(int(declared))
                    raise _Problem(f"response too large ({size_text}, over the limit of {format_size(limit)})")
                chunks: list[bytes] = []
                size = 0
                for chunk in r.iter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > limit:
                        if truncate:
                            break
                        raise _Problem(f"response over the limit of {format_size(limit)}")
                    if time.monotonic() > deadline:
                        raise httpx.ReadTimeout("deadline passed")
                result.body = b"".join(chunks)[:limit]
                return result
        except httpx.TimeoutException:
            raise _Problem(f"timed out after {timeout:g} s", unreachable=True) from None
        except httpx.ConnectError as exc:
            raise _Problem(f"cannot connect ({_one_line(exc)})", unreachable=True) from None
        except httpx.HTTPError as exc:
            raise _Problem(f"{type(exc).__name__} ({_one_line(exc)})") from None


def _status_text(response: _Response) -> str:
    return f"HTTP {response.status} {response.reason}".rstrip()


def _is_feed(content_type: str, body: bytes) -> bool:
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime and not any(word in mime for word in ("rss", "atom", "xml")):
        return False
    return _FEED_ROOT.match(body[:4096].removeprefix(b"\xef\xbb\xbf")) is not None


def _kind_of(content_type: str, body: bytes) -> ContentKind | None:
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime in _HTML_TYPES:
        return "html"
    if mime == "text/plain":
        return "text"
    if mime in _UNKNOWN_TYPES and sniff_kind(body) == "html":
        return "html"
    return None


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _one_line(exc: BaseException) -> str:
    text = re.sub(r"^\[Errno -?\d+\] ", "", " ".join(str(exc).split()))  # the number helps nobody
    return text or type(exc).__name__

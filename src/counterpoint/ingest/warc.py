"""Web archives (WARC, gzipped WARC, Common Crawl's CC-NEWS, legacy ARC).

Archives are big and often damaged: a crawl cut off mid-write, a download
that stopped early. One bad record must not cost the rest, so a failure
becomes one InputError naming the record, and reading resumes at the next
record boundary that can be found.
"""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator, WARCIterator
from warcio.exceptions import ArchiveLoadFailed

from counterpoint.errors import InputError
from counterpoint.ingest.files import _mb, sniff_kind, suffix_of
from counterpoint.ingest.options import IngestOptions
from counterpoint.model import ContentKind, Document

__all__ = ["read_warc"]

_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_GZIP_MEMBER = re.compile(rb"\x1f\x8b\x08")
_WARC_RECORD = re.compile(rb"WARC/\d\.\d+\r?\n")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([^"';\s]+)""", re.IGNORECASE)
_SCAN_CHUNK = 1 << 20


def read_warc(path: Path, options: IngestOptions) -> Iterator[Document | InputError]:
    """Each HTML or plain-text 2xx response in the archive at `path`, never raising.

    Other records (requests, metadata, images, redirects, 404s) are not
    articles and are skipped without a word; damage is reported once per
    damaged stretch, naming the record number and byte offset.
    """
    try:
        fh = path.open("rb")
    except OSError as exc:
        yield InputError(str(path), f"cannot read file ({exc.strerror or exc})")
        return
    with fh:
        yield from _ArchiveReader(path, fh, options).records()


class _ArchiveReader:
    """One pass over one archive file, with resynchronisation after damage."""

    def __init__(self, path: Path, fh: IO[bytes], options: IngestOptions) -> None:
        self.path = path
        self.fh = fh
        self.options = options
        self.size = os.fstat(fh.fileno()).st_size
        self.gzipped = fh.read(2) == b"\x1f\x8b"
        self.is_arc = suffix_of(path) == ".arc"
        self.number = 0  # records seen so far; the record-N in sources and errors
        self.damaged = False  # inside a damaged stretch, already reported

    def records(self) -> Iterator[Document | InputError]:
        start: int | None = 0
        while start is not None:
            start = yield from self._pass(start)

    def _iterator(self, stream: IO[bytes]) -> ArchiveIterator:
        # A .warc must hold WARC records: letting warcio fall back to ARC would
        # read any line of garbage as an ARC header and report nothing.
        if self.is_arc:
            return ArchiveIterator(stream, arc2warc=True)
        return WARCIterator(stream)

    def _pass(self, start: int) -> Iterator[Document | InputError]:
        """Read records from byte `start` until the end or damage; return where to resume, or None."""
        self.fh.seek(start)
        it = self._iterator(self.fh)
        end = start
        while True:
            offset = end
            in_record = False
            try:
                record = next(it, None)
                if record is None:
                    break
                self.number += 1
                in_record = True
                offset = it.offset
                result = self._convert(record)
                it.get_record_length()  # reads the rest of the record, so a cut-off one shows
                end = it.offset
                missing = getattr(record.raw_stream, "limit", 0)
                if missing:
                    result = self._error(f"truncated or corrupt record at byte {offset} ({missing} bytes missing)")
            except ArchiveLoadFailed as exc:
                if "non-chunked gzip" in str(exc):
                    # `gzip file.warc` makes one gzip stream, not one per record:
                    # valid, just not seekable. Read it again as a plain stream.
                    yield from self._whole_gzip(skip=self.number - (0 if in_record else 1))
                    return None
                return (yield from self._damage(exc, offset, in_record))
            except Exception as exc:  # noqa: BLE001 - warcio raises many types on bad input
                return (yield from self._damage(exc, offset, in_record))
            self.damaged = False
            if result is not None:
                yield result
        if end < self.size and self._tail_has_data(end):
            # warcio stops quietly at a record cut off inside its headers or a broken gzip member.
            self.number += 1
            return (yield from self._damage(EOFError("truncated or unreadable data"), end, True))
        return None

    def _damage(self, exc: BaseException, offset: int, counted: bool) -> Iterator[InputError]:
        """Report damage (once per damaged stretch) and find where the next record may start."""
        if not counted:
            self.number += 1
        if not self.damaged:
            self.damaged = True
            yield self._error(f"unreadable record at byte {offset} ({_one_line(exc)})")
        return self._next_boundary(offset + 1)

    def _next_boundary(self, pos: int) -> int | None:
        """The next byte from `pos` that looks like the start of a record (a gzip member or 'WARC/1.x')."""
        if self.is_arc:
            return None
        pattern = _GZIP_MEMBER if self.gzipped else _WARC_RECORD
        while pos < self.size:
            self.fh.seek(pos)
            chunk = self.fh.read(_SCAN_CHUNK)
            found = pattern.search(chunk)
            if found:
                return pos + found.start()
            if len(chunk) < _SCAN_CHUNK:
                return None
            pos += len(chunk) - 16  # overlap, so a marker across the chunk edge is not missed
        return None

    def _tail_has_data(self, pos: int) -> bool:
        self.fh.seek(pos)
        return bool(self.fh.read(_SCAN_CHUNK).strip())

    def _whole_gzip(self, skip: int) -> Iterator[Document | InputError]:
        """A single-stream .warc.gz, read through gzip; `skip` records were already read."""
        self.fh.seek(0)
        self.number -= skip
        with gzip.GzipFile(fileobj=self.fh) as stream:
            it = self._iterator(stream)  # type: ignore[arg-type]
            while True:
                try:
                    record = next(it, None)
                    if record is None:
                        return
                    self.number += 1
                    result = None if self.number <= skip else self._convert(record)
                except Exception as exc:  # noqa: BLE001 - warcio and gzip raise many types on bad input
                    # No resynchronising inside one gzip stream: the rest is unreadable.
                    yield self._error(f"unreadable record ({_one_line(exc)})", number=self.number + 1)
                    return
                if result is not None:
                    yield result

    def _convert(self, record: Any) -> Document | InputError | None:
        """A Document for an HTML or text 2xx response; None for any other record."""
        if record.rec_type != "response" or record.http_headers is None:
            return None
        status = record.http_headers.get_statuscode() or ""
        if not status.isdigit():
            return self._error(f"malformed HTTP status line {_one_line(record.http_headers.statusline)[:80]!r}")
        if not 200 <= int(status) < 300:
            return None
        content_type = record.http_headers.get_header("Content-Type") or ""
        # Common Crawl records the type it detected; it helps where the server sent none.
        mime = (content_type or record.rec_headers.get_header("WARC-Identified-Payload-Type") or "").split(";")[0]
        mime = mime.strip().lower()
        kind: ContentKind | None = "html" if mime in _HTML_TYPES else "text" if mime == "text/plain" else None
        if kind is None and mime:
            return None
        try:
            payload = record.content_stream().read(self.options.max_bytes + 1)
        except Exception as exc:  # noqa: BLE001 - a bad Content-Encoding or chunking; the archive is fine
            return self._error(f"cannot decode the HTTP payload ({_one_line(exc)})")
        if len(payload) > self.options.max_bytes:
            return self._error(f"payload over the limit of {_mb(self.options.max_bytes)}")
        if kind is None:
            if sniff_kind(payload) != "html":
                return None
            kind = "html"
        charset = _CHARSET.search(content_type)
        return Document(
            raw=payload,
            kind=kind,
            source=self._where(),
            url=record.rec_headers.get_header("WARC-Target-URI"),
            fetched=record.rec_headers.get_header("WARC-Date"),
            encoding=charset.group(1) if charset else None,
            outlet=self.options.outlet,
        )

    def _where(self, number: int | None = None) -> str:
        return f"{self.path}#record-{self.number if number is None else number}"

    def _error(self, problem: str, number: int | None = None) -> InputError:
        return InputError(self._where(number), problem)


def _one_line(value: object) -> str:
    """A message safe to print on one line, whatever bytes the archive held."""
    text = " ".join(str(value).split()) or type(value).__name__
    return "".join(ch if ch.isprintable() else "?" for ch in text)[:200]

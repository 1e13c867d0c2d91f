"""Web archives (WARC, gzipped WARC, Common Crawl's CC-NEWS, legacy ARC).

Archives are big and often damaged: a crawl cut off mid-write, a download
that stopped early. One bad record must not cost the rest, so a failure
becomes one InputError naming the record, and reading resumes at the next
record boundary that can be found.
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator, WARCIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParserException

from counterpoint.errors import InputError
from counterpoint.ingest.files import format_size, sniff_kind, suffix_of
from counterpoint.ingest.options import IngestOptions
from counterpoint.model import ContentKind, Document

__all__ = ["read_warc"]

_WARC_TYPES = {"warcinfo", "response", "resource", "request", "metadata", "revisit", "conversion", "continuation"}
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_GZIP_MEMBER = re.compile(rb"\x1f\x8b\x08")
_WARC_RECORD = re.compile(rb"WARC/\d\.\d+\r?\n")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([^"';\s]+)""", re.IGNORECASE)
_SCAN_CHUNK = 1 << 20
_INFLATE_CHUNK = 1 << 16
_TRUNCATED_GZIP = "truncated archive (the gzip stream ends inside this record)"
_TRUNCATED_AFTER = "truncated archive (the gzip stream ends early, after this record)"


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
        self.cut = False  # the last record read was cut short or malformed, and said so

    def records(self) -> Iterator[Document | InputError]:
        start: int | None = 0
        while start is not None:
            start = yield from self._pass(start)

    def _iterator(self, stream: Any) -> ArchiveIterator:
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
        last = None  # where the last whole record began
        while True:
            offset = end
            in_record = False
            try:
                record = next(it, None)
                if record is None:
                    break
                self.number += 1
                in_record = True
                offset = self._clamp(it.offset, end)
                result = self._take(it, record)
                end = self._clamp(it.offset, offset)
                last = offset
            except ArchiveLoadFailed as exc:
                if "non-chunked gzip" in str(exc):
                    # `gzip file.warc` makes one gzip stream, not one per record:
                    # valid, just not seekable. Read it again as a plain stream.
                    yield from self._whole_gzip(skip=self.number - (1 if in_record else 0))
                    return None
                return (yield from self._damage(self._unreadable(exc, offset), offset, in_record))
            except Exception as exc:  # warcio raises many types on bad input
                return (yield from self._damage(self._unreadable(exc, offset), offset, in_record))
            self.damaged = False
            if result is not None:
                yield result
        if end < self.size and self._tail_has_data(end):
            # warcio stops quietly at a record cut off inside its headers or a broken gzip member.
            return (yield from self._damage(f"truncated or unreadable data at byte {end}", end, False))
        if self.gzipped and last is not None and not self.cut and not self._gzip_member_complete(last):
            # The gzip data ends early after the last record warcio could parse
            # (in its trailer, or in a record warcio took for the end).
            yield self._error(_TRUNCATED_AFTER)
        return None

    def _take(self, it: ArchiveIterator, record: Any) -> Document | InputError | None:
        """The record's Document or error, after reading it to its end so a cut-off record shows."""
        warnings = it.err_count
        declared = record.rec_headers.get_header("Content-Length") or ""
        # Every WARC record must say what it is and how long it is. warcio takes a
        # missing length for zero, which is what a record cut off inside its
        # headers looks like, and a garbled type would be skipped without a word.
        valid = record.format != "warc" or (declared.strip().isdigit() and record.rec_type in _WARC_TYPES)
        result = self._convert(record) if valid else None
        it.get_record_length()  # reads whatever _convert left
        missing = getattr(record.raw_stream, "limit", 0)
        self.cut = bool(missing) or not valid
        if missing:
            return self._error(f"truncated or corrupt record ({missing} bytes missing)")
        if not valid:
            return self._error("malformed record (no valid WARC-Type or Content-Length header)")
        if it.err_count > warnings:
            # warcio found no blank line where the record should end: its Content-Length is wrong.
            return self._error("corrupt record (its length does not match its Content-Length)")
        return result

    def _clamp(self, offset: int, low: int) -> int:
        # warcio's offsets are arithmetic on buffer lengths and go wild in corrupt gzip data;
        # keeping them moving forward within the file is what guarantees progress.
        return min(max(offset, low), self.size)

    def _damage(self, problem: str, offset: int, counted: bool) -> Iterator[InputError]:
        """Report damage (once per damaged stretch) and find where the next record may start."""
        if not self.damaged:
            # A damaged stretch counts as one record, however many it swallowed.
            self.damaged = True
            if not counted:
                self.number += 1
            yield self._error(problem)
        return self._next_boundary(offset + 1)

    def _unreadable(self, exc: BaseException, offset: int) -> str:
        if self.gzipped and not self._gzip_member_complete(offset):
            return f"truncated or corrupt gzip data at byte {offset}"
        if isinstance(exc, ArchiveLoadFailed | StatusAndHeadersParserException):
            return f"unreadable record at byte {offset} ({_one_line(exc)})"
        # Anything else is warcio tripping over headers it did not expect; its message would not help.
        return f"unreadable record at byte {offset} (malformed headers: {type(exc).__name__})"

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

    def _gzip_member_complete(self, pos: int) -> bool:
        """Whether the gzip member starting at `pos` reaches its end marker (decompressed and discarded)."""
        self.fh.seek(pos)
        z = zlib.decompressobj(31)
        while not z.eof:
            data = z.unconsumed_tail or self.fh.read(_INFLATE_CHUNK)
            if not data:
                return False
            try:
                z.decompress(data, _INFLATE_CHUNK)
            except zlib.error:
                return False
        return True

    def _tail_has_data(self, pos: int) -> bool:
        self.fh.seek(pos)
        return bool(self.fh.read(_SCAN_CHUNK).strip())

    def _whole_gzip(self, skip: int) -> Iterator[Document | InputError]:
        """A single-stream .warc.gz, read through gzip; the first `skip` records were already read."""
        self.fh.seek(0)
        self.number -= skip
        stream = _Gunzip(self.fh)
        it = self._iterator(stream)
        result: Document | InputError | None = None
        end = 0
        while True:
            try:
                record = next(it, None)
                if record is None:
                    break
                self.number += 1
                result = None if self.number <= skip else self._take(it, record)
                end = it.offset
            except Exception as exc:  # warcio and zlib raise many types on bad input
                # No resynchronising inside one gzip stream: the rest is unreadable.
                problem = _TRUNCATED_GZIP if stream.truncated else f"unreadable record ({_one_line(exc)})"
                yield self._error(problem, number=self.number + 1)
                return
            if result is not None:
                yield result
        if stream.truncated and not self.cut:
            # More than the blank lines after the last record came out: a record was cut in its headers.
            inside = stream.tell() > end + 4
            yield self._error(_TRUNCATED_GZIP if inside else _TRUNCATED_AFTER, self.number + inside)

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
        except Exception as exc:  # a bad Content-Encoding or chunking; the archive is fine
            return self._error(f"cannot decode the HTTP payload ({_one_line(exc)})")
        if len(payload) > self.options.max_bytes:
            return self._error(f"payload over the limit of {format_size(self.options.max_bytes)}")
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


class _Gunzip:
    """A gzip stream, multi-member or not, that yields all it can before it fails.

    `gzip.GzipFile.read` raises at a truncated end and loses the data it had
    decompressed in that call; here everything before the cut comes out, and
    `truncated` says that the end was missing.
    """

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.z = zlib.decompressobj(31)
        self.buf = bytearray()
        self.pos = 0
        self.fed = False  # the current member has received input
        self.finished = False
        self.truncated = False

    def tell(self) -> int:
        return self.pos

    def read(self, size: int = -1) -> bytes:
        while not self.finished and (size < 0 or len(self.buf) < size):
            self._inflate()
        n = len(self.buf) if size < 0 else min(size, len(self.buf))
        out = bytes(self.buf[:n])
        del self.buf[:n]
        self.pos += n
        return out

    def _inflate(self) -> None:
        if self.z.eof:  # the member ended: what follows is the next member, or the end
            data = self.z.unused_data or self.fh.read(_INFLATE_CHUNK)
            if not data.strip(b"\0"):  # some writers pad the end with zeros
                self.finished = True
                return
            self.z = zlib.decompressobj(31)
            self.fed = False
        else:
            data = self.z.unconsumed_tail or self.fh.read(_INFLATE_CHUNK)
            if not data:
                self.finished = True
                self.truncated = self.fed
                return
        self.fed = True
        # Bounded output per call, so a decompression bomb costs memory only as it is read.
        self.buf += self.z.decompress(data, _INFLATE_CHUNK)


def _one_line(value: object) -> str:
    """A message safe to print on one line, whatever bytes the archive held."""
    text = " ".join(str(value).split()) or type(value).__name__
    return "".join(ch if ch.isprintable() else "?" for ch in text)[:200]

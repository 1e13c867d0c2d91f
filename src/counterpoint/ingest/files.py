"""Local files and folders, stdin, and JSON lines of articles."""

from __future__ import annotations

import gzip
import io
import stat
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from counterpoint.errors import InputError
from counterpoint.ingest.options import IngestOptions
from counterpoint.jsonlines import OPTIONAL_STRING, Contract, read_lines
from counterpoint.model import ContentKind, Document
from counterpoint.textsafe import display_path

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
TEXT_SUFFIXES = {".txt", ".text"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
WARC_SUFFIXES = {".warc", ".arc"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}


def suffix_of(path: Path) -> str:
    """'.html' for 'a.html.gz' too: what the content is, whatever wraps it."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def read_bytes(path: Path, options: IngestOptions) -> bytes:
    """A regular file's content, decompressed, within the size limit.

    Devices, FIFOs and sockets are refused by type: /dev/zero reports size 0 and
    never ends, and a FIFO blocks until someone writes to it.
    """
    source = display_path(str(path))
    try:
        info = path.stat()
    except OSError as exc:
        raise InputError(source, f"cannot read file ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(source, f"not a regular file ({_file_type(info.st_mode)}); give a file or a folder")
    if info.st_size > options.max_bytes:
        limit = format_size(options.max_bytes)
        raise InputError(source, f"file too large ({format_size(info.st_size)} > limit {limit})")
    try:
        opener = gzip.open if path.name.lower().endswith(".gz") else open
        with opener(path, "rb") as fh:
            data = fh.read(options.max_bytes + 1)  # a file that grows while read is still bounded
        if len(data) > options.max_bytes:
            raise InputError(source, f"{'decompressed ' if opener is gzip.open else ''}size over the limit of"
                                     f" {format_size(options.max_bytes)}")
        return data
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise InputError(source, f"truncated or corrupt gzip ({exc})") from None
    except OSError as exc:
        raise InputError(source, f"cannot read file ({exc.strerror or exc})") from None


def _file_type(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def sniff_kind(raw: bytes) -> ContentKind:
    head = raw[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body", b"<div", b"<p", b"<article")):
        return "html"
    return "text"


def outlet_from_filename(path: Path) -> str:
    """'moscow-times.txt' -> 'Moscow Times': the user's own name for the outlet."""
    stem = display_path(path.name).split(".")[0]
    return " ".join(w.capitalize() for w in stem.replace("_", "-").split("-") if w) or stem


def read_file(path: Path, options: IngestOptions) -> Iterator[Document | InputError]:
    """Documents from one HTML or text file (JSONL, WARC and feeds are dispatched elsewhere)."""
    try:
        raw = read_bytes(path, options)
    except InputError as err:
        yield err
        return
    suffix = suffix_of(path)
    kind: ContentKind = "html" if suffix in HTML_SUFFIXES else "text" if suffix in TEXT_SUFFIXES else sniff_kind(raw)
    outlet = options.outlet or (outlet_from_filename(path) if kind == "text" else None)
    yield Document(raw=raw, kind=kind, source=display_path(str(path)), outlet=outlet)


def read_stdin(options: IngestOptions) -> Iterator[Document | InputError]:
    raw = sys.stdin.buffer.read(options.max_bytes + 1)
    if len(raw) > options.max_bytes:
        yield InputError("stdin", f"input over the limit of {format_size(options.max_bytes)}")
        return
    if raw.lstrip().startswith(b"{"):
        yield from read_jsonl_lines(io.BytesIO(raw), "stdin", options)
        return
    yield Document(raw=raw, kind=sniff_kind(raw), source="stdin", outlet=options.outlet)


def read_jsonl(path: Path, options: IngestOptions) -> Iterator[Document | InputError]:
    try:
        raw = read_bytes(path, options)
    except InputError as err:
        yield err
        return
    yield from read_jsonl_lines(io.BytesIO(raw), display_path(str(path)), options)


# An article record: 'text' (already clean) or 'html', and metadata that must be text when given.
ARTICLE = Contract(
    {"text": OPTIONAL_STRING, "html": OPTIONAL_STRING, "title": OPTIONAL_STRING, "url": OPTIONAL_STRING,
     "outlet": OPTIONAL_STRING, "published": OPTIONAL_STRING, "date": OPTIONAL_STRING,
     "author": OPTIONAL_STRING, "authors": (list, str, None)},
    one_of=("text", "html"),
)


def read_jsonl_lines(stream: IO[bytes], source: str, options: IngestOptions) -> Iterator[Document | InputError]:
    """Articles as JSON objects, one per line: `text` (already clean) or `html`, plus any metadata."""
    for line in read_lines(stream, ARTICLE):
        where = f"{source}#{line.id}" if line.id is not None else f"{source}:{line.number}"
        if not line.ok:
            yield InputError(where, line.problem)
            continue
        record = line.record
        authors = record.get("authors") or ([record["author"]] if record.get("author") else [])
        authors = [authors] if isinstance(authors, str) else authors
        if not all(isinstance(a, str) for a in authors):
            yield InputError(where, "'authors' must be a list of strings")
            continue
        body, kind = (record["html"], "html") if record.get("html") else (record["text"], "article")
        yield Document(
            raw=body.encode("utf-8"),
            kind=kind,  # type: ignore[arg-type]
            source=where,
            url=record.get("url"),
            title=record.get("title"),
            outlet=options.outlet or record.get("outlet"),
            authors=authors,
            published=record.get("published") or record.get("date"),
        )


def format_size(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n} bytes"

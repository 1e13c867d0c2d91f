"""Local files and folders, stdin, and JSON lines of articles."""

from __future__ import annotations

import gzip
import json
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

from counterpoint.errors import InputError
from counterpoint.ingest.options import IngestOptions
from counterpoint.model import ContentKind, Document

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
    """A file's content, decompressed, within the size limit."""
    source = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(source, f"cannot read file ({exc.strerror or exc})") from None
    if size > options.max_bytes:
        raise InputError(source, f"file too large ({format_size(size)} > limit {format_size(options.max_bytes)})")
    try:
        if path.name.lower().endswith(".gz"):
            with gzip.open(path, "rb") as fh:
                data = fh.read(options.max_bytes + 1)
            if len(data) > options.max_bytes:
                raise InputError(source, f"decompressed size over the limit of {format_size(options.max_bytes)}")
            return data
        return path.read_bytes()
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise InputError(source, f"truncated or corrupt gzip ({exc})") from None
    except OSError as exc:
        raise InputError(source, f"cannot read file ({exc.strerror or exc})") from None


def sniff_kind(raw: bytes) -> ContentKind:
    head = raw[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body", b"<div", b"<p", b"<article")):
        return "html"
    return "text"


def outlet_from_filename(path: Path) -> str:
    """'moscow-times.txt' -> 'Moscow Times': the user's own name for the outlet."""
    stem = path.name.split(".")[0]
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
    yield Document(raw=raw, kind=kind, source=str(path), outlet=outlet)


def read_stdin(options: IngestOptions) -> Iterator[Document | InputError]:
    raw = sys.stdin.buffer.read(options.max_bytes + 1)
    if len(raw) > options.max_bytes:
        yield InputError("stdin", f"input over the limit of {format_size(options.max_bytes)}")
        return
    if raw.lstrip().startswith(b"{"):
        yield from read_jsonl_lines(raw.decode("utf-8", "replace").splitlines(), "stdin", options)
        return
    yield Document(raw=raw, kind=sniff_kind(raw), source="stdin", outlet=options.outlet)


def read_jsonl(path: Path, options: IngestOptions) -> Iterator[Document | InputError]:
    try:
        raw = read_bytes(path, options)
    except InputError as err:
        yield err
        return
    yield from read_jsonl_lines(raw.decode("utf-8", "replace").splitlines(), str(path), options)


def read_jsonl_lines(lines: list[str], source: str, options: IngestOptions) -> Iterator[Document | InputError]:
    """Articles as JSON objects: `text` (already clean) or `html`, plus any metadata."""
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{source}:{n}"
        try:
            record = json.loads(line)
        except ValueError as exc:
            yield InputError(where, f"not valid JSON ({exc.msg})")
            continue
        if not isinstance(record, dict):
            yield InputError(where, "a JSON line must be an object")
            continue
        if record.get("id") is not None:
            where = f"{source}#{record['id']}"
        body, kind = (record.get("html"), "html") if record.get("html") else (record.get("text"), "article")
        if not isinstance(body, str) or not body.strip():
            yield InputError(where, "record has no 'text' or 'html'")
            continue
        authors = record.get("authors") or ([record["author"]] if record.get("author") else [])
        yield Document(
            raw=body.encode("utf-8"),
            kind=kind,  # type: ignore[arg-type]
            source=where,
            url=record.get("url"),
            title=record.get("title"),
            outlet=options.outlet or record.get("outlet"),
            authors=[str(a) for a in authors] if isinstance(authors, list) else [str(authors)],
            published=record.get("published") or record.get("date"),
        )


def format_size(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n} bytes"

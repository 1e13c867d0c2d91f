"""Ingest: sources (files, folders, stdin, URLs, feeds, WARC, JSONL) become Documents.

`read_sources` yields a `Document` for each readable document and an
`InputError` for each one that is not, so a batch always goes on past a bad
input and the caller decides how to report it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from counterpoint.errors import InputError
from counterpoint.ingest.files import (
    FEED_SUFFIXES,
    HTML_SUFFIXES,
    JSONL_SUFFIXES,
    TEXT_SUFFIXES,
    WARC_SUFFIXES,
    read_bytes,
    read_file,
    read_jsonl,
    read_stdin,
    suffix_of,
)
from counterpoint.ingest.options import IngestOptions
from counterpoint.model import Document

__all__ = ["IngestOptions", "read_sources", "read_url_list"]

KNOWN_SUFFIXES = HTML_SUFFIXES | TEXT_SUFFIXES | JSONL_SUFFIXES | WARC_SUFFIXES | FEED_SUFFIXES


def read_sources(sources: Iterable[str], options: IngestOptions | None = None) -> Iterator[Document | InputError]:
    """Every document in `sources`: paths, folders, '-' for stdin, http(s) URLs."""
    options = options or IngestOptions()
    for source in sources:
        if source == "-":
            yield from read_stdin(options)
        elif source.startswith(("http://", "https://")):
            from counterpoint.ingest.web import fetch_url

            yield from fetch_url(source, options)
        else:
            path = Path(source)
            if path.is_dir():
                for child in sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p, path)):
                    if suffix_of(child) in KNOWN_SUFFIXES:
                        yield from _read_path(child, options)
            elif path.exists():
                yield from _read_path(path, options)
            else:
                yield InputError(source, "no such file or folder")


def read_url_list(path: str, options: IngestOptions | None = None) -> Iterator[Document | InputError]:
    """Fetch each URL listed in a file, one per line ('#' starts a comment)."""
    options = options or IngestOptions()
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines() if path != "-" else None
    except OSError as exc:
        yield InputError(path, f"cannot read URL list ({exc.strerror or exc})")
        return
    if lines is None:
        import sys

        lines = sys.stdin.read().splitlines()
    urls = [line.split("#", 1)[0].strip() for line in lines]
    for n, url in enumerate(urls, 1):
        if not url:
            continue
        if not url.startswith(("http://", "https://")):
            yield InputError(f"{path}:{n}", f"not an http(s) URL: {url[:80]!r}")
            continue
        yield from read_sources([url], options)


def _read_path(path: Path, options: IngestOptions) -> Iterator[Document | InputError]:
    suffix = suffix_of(path)
    if suffix in JSONL_SUFFIXES:
        yield from read_jsonl(path, options)
    elif suffix in WARC_SUFFIXES:
        from counterpoint.ingest.warc import read_warc

        yield from read_warc(path, options)
    elif suffix in FEED_SUFFIXES:
        from counterpoint.ingest.feeds import read_feed

        try:
            raw = read_bytes(path, options)
        except InputError as err:
            yield err
            return
        yield from read_feed(raw, str(path), options)
    else:
        yield from read_file(path, options)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


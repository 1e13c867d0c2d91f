"""Running stages over many documents: parallel workers, timing, errors kept apart.

This is where stages are composed; the stages themselves stay pure functions.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from counterpoint.errors import InputError
from counterpoint.extract import extract
from counterpoint.ingest import IngestOptions, read_sources
from counterpoint.model import Article, Document
from counterpoint.models.language import warm_up as detect_language_warm_up

T = TypeVar("T")


@dataclass(slots=True)
class Extracted:
    """One document's extraction: the article or the reason there is none."""

    document: Document
    article: Article | None
    error: InputError | None
    seconds: float


def extract_one(doc: Document) -> Extracted:
    """Never raises for bad input: a batch must go on past any one document."""
    start = time.perf_counter()
    try:
        article, error = extract(doc), None
    except InputError as exc:
        article, error = None, exc
    except Exception as exc:  # a library bug on a hostile page must not end the batch
        article, error = None, InputError(doc.source, f"extraction failed ({type(exc).__name__}: {exc})")
    return Extracted(doc, article, error, time.perf_counter() - start)


def extract_many(docs: Iterable[Document], workers: int = 1) -> Iterator[Extracted]:
    """Extract in input order, in `workers` processes (1: in this process)."""
    return ordered_map(extract_one, docs, workers)


def warm_up() -> None:
    """Load what extraction loads lazily, before any document's clock starts."""
    detect_language_warm_up()


def ordered_map(fn: Callable[..., T], items: Iterable, workers: int = 1, star: bool = False) -> Iterator[T]:
    """`map` in worker processes, results in input order, at most a small window in flight.

    The bounded window keeps memory flat however long the input is.
    """
    call = (lambda item: fn(*item)) if star else fn
    if workers <= 1:
        warm_up()
        yield from map(call, items)
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=warm_up) as pool:
        window: deque[Future[T]] = deque()
        for item in items:
            window.append(pool.submit(fn, *item) if star else pool.submit(fn, item))
            if len(window) >= workers * 16:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()


def extract_path(path: str, url: str | None = None, options: IngestOptions | None = None) -> Extracted:
    """Read and extract one file (the manifest contract).

    `seconds` is the extraction time from bytes in memory, as the shared
    benchmark times the libraries it compares (their pages are read and
    decompressed before the clock starts); a read error reports its own time.
    """
    start = time.perf_counter()
    if os.path.isdir(path):
        error = InputError(path, "is a folder; a manifest line names one file")
        return Extracted(Document(b"", "text", path), None, error, time.perf_counter() - start)
    item = next(iter(read_sources([path], options or IngestOptions())), None)
    if item is None:
        item = InputError(path, "no document in this file")
    if isinstance(item, InputError):
        return Extracted(Document(b"", "text", path), None, item, time.perf_counter() - start)
    if url:
        item.url = url
    return extract_one(item)


def extract_paths(entries: Iterable[tuple[str, str | None]], workers: int = 1,
                  options: IngestOptions | None = None) -> Iterator[Extracted]:
    """`extract_path` over many (path, url) pairs, in input order, in `workers` processes."""
    options = options or IngestOptions()
    return ordered_map(extract_path, ((path, url, options) for path, url in entries), workers, star=True)

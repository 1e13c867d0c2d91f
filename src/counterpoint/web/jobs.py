"""Ingest jobs of the web app: run in a background thread, polled for progress.

Uploaded files never choose their own path: each job writes into a fresh
temporary folder under a name reduced to ``[A-Za-z0-9._-]`` (the name is kept
because the file name tells the outlet, as on the command line), and the
folder is removed when the job ends.

A job that fails shows a one-line error (the exception's type and message);
its traceback goes to the server log, never to the page or the API.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

MAX_JOBS_KEPT = 50
MAX_ERROR_CHARS = 500

log = logging.getLogger(__name__)


def safe_name(name: str | None, index: int) -> str:
    """A file name that cannot leave its folder or hide: no separators, no leading dot, bounded length."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", base).strip(".-")[:100]
    return base or f"upload-{index}.html"


def one_line(text: str, limit: int = MAX_ERROR_CHARS) -> str:
    """An error as the job page and the API show it: one line, bounded, encodable as UTF-8.

    Exception messages can span lines (parsers quote the input) and carry lone surrogates (from file
    names or bytes decoded with surrogateescape), which would break the JSON response.
    """
    text = " ".join(text.split()).encode("utf-8", "replace").decode("utf-8")
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(slots=True)
class Job:
    """One ingest: its state as the progress page shows it."""

    id: str
    sources: int
    state: str = "queued"  # queued, running, done, failed
    stage: str = ""
    done: int = 0
    total: int | None = None
    added: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    stories: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    finished: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "state": self.state, "stage": self.stage, "done": self.done, "total": self.total,
                "sources": self.sources, "added": self.added, "unchanged": self.unchanged,
                "errors": [one_line(e) for e in self.errors],
                "stories": self.stories, "seconds": round((self.finished or time.time()) - self.started, 1)}


Runner = Callable[[list[str], "Job", Callable[[Iterable[T], str], Iterator[T]]], None]


class Jobs:
    """The app's ingest jobs; one runs at a time (SQLite has one writer, and the machine few cores)."""

    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()
        self.writer = threading.Lock()

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def start(self, urls: list[str], files: list[tuple[str | None, bytes]]) -> Job:
        job = Job(uuid.uuid4().hex, len(urls) + len(files))
        with self.lock:
            self.jobs[job.id] = job
            for old in list(self.jobs)[:-MAX_JOBS_KEPT]:
                del self.jobs[old]
        threading.Thread(target=self._run, args=(job, urls, files), daemon=True, name=f"ingest-{job.id[:8]}").start()
        return job

    def _run(self, job: Job, urls: list[str], files: list[tuple[str | None, bytes]]) -> None:
        folder: Path | None = None
        try:
            folder = Path(tempfile.mkdtemp(prefix="counterpoint-upload-"))
            sources = list(urls)
            used: set[str] = set()
            for i, (name, data) in enumerate(files):
                fname = safe_name(name, i)
                while fname in used:
                    fname = f"{i}-{fname}"
                used.add(fname)
                path = folder / fname
                path.write_bytes(data)
                sources.append(str(path))

            def progress(items: Iterable[T], label: str) -> Iterator[T]:
                job.stage, job.done = label, 0
                job.total = len(items) if hasattr(items, "__len__") else None  # type: ignore[arg-type]
                for item in items:
                    yield item
                    job.done += 1

            with self.writer:
                job.state = "running"
                self.runner(sources, job, progress)
            job.state = "done"
        except Exception as exc:  # the job reports it in one line, the log keeps the traceback; the server goes on
            log.exception("ingest job %s failed", job.id)
            job.errors.append(one_line(f"{type(exc).__name__}: {exc}"))
            job.state = "failed"
        finally:
            job.finished = time.time()
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)

"""Runs on a Dask cluster: extract + analyse in partitions, stories compared in parallel.

`--cluster local:N` starts a LocalCluster of N worker processes on this machine; `--cluster
tcp://HOST:PORT` uses a running scheduler (`dask scheduler`, `dask worker tcp://HOST:PORT`). Dask
schedules, retries the tasks of a worker that dies and moves data; counterpoint only cuts the
work into partitions and writes the results.

Results are written by this process, never by the workers, and in input order as partitions
finish: a partition is all-or-nothing (a worker killed mid-partition loses only work that Dask
reruns elsewhere), nothing is written twice, and the store ends up exactly as a single process
leaves it (the same versions, the same statements and stories). Each worker loads the models
once (they are cached per process) and parses with one thread, as `--workers` does.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from counterpoint.errors import InputError, first_line
from counterpoint.model import Analysis, Document
from counterpoint.pipeline import Extracted, extract_one

if TYPE_CHECKING:
    from distributed import Client

# What a worker process needs in its environment (`dask worker` started by hand: set the same).
WORKER_ENVIRONMENT = {"COUNTERPOINT_THREADS": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                      "MKL_NUM_THREADS": "1"}
PARTITION = 1000  # documents per partition: big enough that scheduling costs nothing, small enough to spread
_LOCAL = re.compile(r"local(?::(\d+))?")


class ClusterError(Exception):
    """The cluster cannot be used (no Dask installed, a bad --cluster, an unreachable scheduler): one line."""


@dataclass(slots=True)
class Done:
    """One document of a partition, extracted and (when asked) analysed."""

    extracted: Extracted
    analysis: Analysis | InputError | None


def check_spec(spec: str) -> str:
    """`local:N` or `tcp://HOST:PORT` (or another Dask address), or ClusterError saying what is accepted."""
    spec = spec.strip()
    m = _LOCAL.fullmatch(spec)
    if m:
        if m.group(1) is not None and not 1 <= int(m.group(1)) <= 256:
            raise ClusterError(f"--cluster {spec}: the number of local workers must be 1 to 256")
        return spec
    if re.fullmatch(r"(tcp|tls|inproc|ucx)://[^\s/]+", spec):
        return spec
    raise ClusterError(f"--cluster {spec}: expected local:N (N workers on this machine) or tcp://HOST:PORT"
                       " (a running Dask scheduler)")


@contextmanager
def connect(spec: str, timeout: float = 10.0) -> Iterator[Client]:
    """A Dask client for `spec`, and the LocalCluster behind it when `spec` is local:N (closed after)."""
    spec = check_spec(spec)
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:
        raise ClusterError("--cluster needs Dask: pip install 'counterpoint[scale]'") from None
    m = _LOCAL.fullmatch(spec)
    # Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536, which slows spaCy by 10-20%: keep the default;
    # and one thread each for every numeric library, so N workers on N cores do not fight over them.
    with dask.config.set({"distributed.nanny.pre-spawn-environ": WORKER_ENVIRONMENT,
                          "distributed.scheduler.allowed-failures": 3, "distributed.worker.daemon": False}):
        if m:
            workers = int(m.group(1) or 2)
            try:
                cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
            except Exception as exc:
                raise ClusterError(f"--cluster {spec}: cannot start local workers ({exc})") from None
            with cluster, Client(cluster) as client:
                yield client
            return
        try:
            client = Client(spec, timeout=timeout)
        except Exception as exc:  # OSError, TimeoutError: the scheduler is not there
            raise ClusterError(f"--cluster {spec}: cannot reach the Dask scheduler ({first_line(exc)})") from None
        with client:
            yield client


def extract_partition(docs: Sequence[Document]) -> list[Done]:
    """Extract each document (in a worker)."""
    return [Done(extract_one(d), None) for d in docs]


def extract_analyse_partition(docs: Sequence[Document]) -> list[Done]:
    """Extract each document and analyse what was extracted (in a worker; the models load once per process)."""
    done = extract_partition(docs)
    todo = [d for d in done if d.extracted.article is not None and d.extracted.error is None]
    for d, result in zip(todo, analyse_partition([_analysis_input(d.extracted) for d in todo]), strict=True):
        d.analysis = result
    return done


def analyse_partition(items: Sequence[tuple[str, str, str | None]]) -> list[Analysis | InputError]:
    """Analyse (text, source, lang) triples (in a worker), exactly as `analyse_many` does in one process."""
    from counterpoint.analyse import analyse_many

    return list(analyse_many(items, workers=1))


def _analysis_input(e: Extracted) -> tuple[str, str, str | None]:
    a = e.article
    assert a is not None
    return a.text, a.source or a.id, a.lang


def partitions(docs: Iterable[Document], size: int = PARTITION) -> Iterator[list[Document]]:
    it = iter(docs)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def run_partitions(client: Client, parts: Iterable[Any], task: Callable[[Any], Any],
                   in_flight: int | None = None) -> Iterator[tuple[Any, Any]]:
    """(partition, `task(partition)`) for each partition, run on the cluster and handed back in input order,
    while at most `in_flight` partitions are out (memory stays flat however long the input).

    Partitions run wherever Dask puts them and finish in any order; they are handed back in the order
    they were given, so what is written is what one process would write. A partition that fails even
    after Dask's retries (its task raised, or it killed every worker it ran on) comes back with the
    exception in place of its result, and the others go on.
    """
    from distributed import as_completed

    limit = in_flight or max(2, 2 * len(client.scheduler_info().get("workers", {})))
    parts = iter(parts)
    out: dict[str, tuple[int, Any]] = {}  # future key -> (position, partition)
    ready: dict[int, tuple[Any, Any]] = {}
    submitted = next_out = 0
    pending = as_completed()

    def submit() -> bool:
        nonlocal submitted
        part = next(parts, None)
        if part is None:
            return False
        future = client.submit(task, part, pure=False)
        out[future.key] = (submitted, part)
        pending.add(future)
        submitted += 1
        return True

    while len(out) < limit and submit():
        pass
    for future in pending:
        n, part = out.pop(future.key)
        try:
            result = future.result()
        except Exception as exc:  # the task's own exception, or Dask's KilledWorker
            result = exc
        ready[n] = (part, result)
        future.release()
        while next_out in ready:
            yield ready.pop(next_out)
            next_out += 1
        while len(out) < limit and submit():
            pass


def map_ordered(client: Client, fn: Callable[..., Any], items: Iterable[Any]) -> Iterator[Any]:
    """`fn` over items on the cluster, results (or the exception each raised) in input order, a few items out
    at a time (a story's articles travel with it: not all of an archive at once)."""
    for _, result in run_partitions(client, items, fn):
        yield result

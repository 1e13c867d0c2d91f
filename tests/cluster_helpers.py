"""Tasks the cluster tests ship to Dask workers (importable there: workers get the tests' sys.path)."""

from __future__ import annotations

import os
from pathlib import Path

from counterpoint.cluster import extract_analyse_partition


def die_once_then_extract(docs):
    """Kill this worker process the first time any partition runs (as an OOM kill or a lost machine would),
    then work as usual: Dask must rerun the lost partition elsewhere."""
    marker = Path(os.environ["COUNTERPOINT_TEST_KILL_MARKER"])
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return extract_analyse_partition(docs)
    os.close(fd)
    os._exit(1)


def fail_on_poison(docs):
    """Fail the whole partition that holds a document named 'poison' (as a bug or a bad library would)."""
    if any("poison" in d.source for d in docs):
        raise ValueError("poisoned partition")
    return extract_analyse_partition(docs)

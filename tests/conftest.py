"""Shared fixtures: the bundled example, the shared research data (skipped when absent), the CLI."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "arms-race-2018"
SHARED = Path(os.environ.get("COUNTERPOINT_SHARED", ROOT.parent / "shared"))


@pytest.fixture
def example_dir() -> Path:
    return EXAMPLE


@pytest.fixture
def shared_data() -> Path:
    data = SHARED / "data"
    if not data.is_dir():
        pytest.skip(f"shared research data not found at {data} (set COUNTERPOINT_SHARED)")
    return data


_databases = itertools.count()


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL cluster for the session (skipped, with the reason, where none can be started)."""
    import pgcluster

    why = pgcluster.available()
    if why:
        pytest.skip(f"PostgreSQL store tests skipped: {why}")
    cluster = pgcluster.Cluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path: Path) -> str:
    """A new, empty database of each engine: a SQLite file path, or a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "test.db")
    return request.getfixturevalue("pg_cluster").fresh_database(f"test{os.getpid()}_{next(_databases)}")


def run_cli(*args: str, stdin: str | bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real command line in a subprocess, as a user would."""
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    return subprocess.run(
        [sys.executable, "-m", "counterpoint", *args], input=data, capture_output=True, cwd=cwd, timeout=300,
    )

"""Shared fixtures: the bundled example, the shared research data (skipped when absent), the CLI."""

from __future__ import annotations

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


def run_cli(*args: str, stdin: str | bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real command line in a subprocess, as a user would."""
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    return subprocess.run(
        [sys.executable, "-m", "counterpoint", *args], input=data, capture_output=True, cwd=cwd, timeout=300,
    )

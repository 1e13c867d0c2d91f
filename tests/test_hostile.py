"""Every stage against a generated corpus of hostile input (tests/hostile_corpus.py).

The promise under test: one output line per input line, in input order, naming the
input's id (or its line number when the id cannot be read); never a traceback; the
batch goes on past anything; memory stays bounded. Each stage runs as the command a
user types, in its own process, under a wrapper that reports the peak memory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_corpus import Line, hostile_files, special_files, stance_lines, statements_lines, stories_lines

from counterpoint.textsafe import valid_data

MAX_RSS_MB = 1536
HANG_GUARD_S = 900  # not a timing assertion: a hung stage must fail the test instead of the CI job

_MEASURE = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]);"
            " sys.stderr.write('\\nMAXRSS %d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);"
            " sys.exit(r.returncode)")


def run_stage(args: list[str], stdin: bytes = b"", cwd: Path | None = None) -> tuple[int, bytes, str, int]:
    """(exit status, stdout, stderr, peak RSS in MB) of `counterpoint ARGS`."""
    env = {**os.environ, "PYTHONUTF8": "1"}
    env.pop("COUNTERPOINT_DEBUG", None)
    proc = subprocess.run([sys.executable, "-c", _MEASURE, sys.executable, "-m", "counterpoint", *args],
                          input=stdin, capture_output=True, timeout=HANG_GUARD_S, env=env, cwd=cwd)
    err = proc.stderr.decode("utf-8", "replace")
    rss = int(err.rsplit("MAXRSS ", 1)[1].split()[0]) // 1024
    return proc.returncode, proc.stdout, err.rsplit("\nMAXRSS", 1)[0], rss


def expected_id(line: Line, number: int) -> object:
    if isinstance(line.id, str):  # as JSON reads it: a surrogate pair is one character, a lone one is invalid
        return valid_data(line.id.encode("utf-16", "surrogatepass").decode("utf-16", "replace"))
    return valid_data(line.id) if line.id is not None else number


def check_lines(lines: list[Line], out: bytes, key: str) -> list[str]:
    """Problems with a stage's output for `lines`: count, order, ids, shape."""
    outputs = out.split(b"\n")
    assert outputs[-1] == b"", "output must end with a newline"
    outputs = outputs[:-1]
    assert len(outputs) == len(lines), f"{len(lines)} lines in, {len(outputs)} out"
    problems = []
    for number, (line, raw) in enumerate(zip(lines, outputs, strict=True), 1):
        record = json.loads(raw.decode("utf-8"))  # strict UTF-8 and valid JSON, or the test fails here
        if record.get("id") != expected_id(line, number):
            problems.append(f"line {number} ({line.family}): id {str(record.get('id'))[:40]!r},"
                            f" expected {str(expected_id(line, number))[:40]!r}")
        if key not in record and "error" not in record:
            problems.append(f"line {number} ({line.family}): neither {key!r} nor 'error'")
        if "error" in record and "\n" in record["error"]:
            problems.append(f"line {number} ({line.family}): an error of several lines")
    return problems


def assert_clean_run(code: int, err: str, rss: int, expect_code: int = 0) -> None:
    assert "Traceback" not in err, err[-3000:]
    assert code == expect_code, err[-2000:]
    assert rss < MAX_RSS_MB, f"peak memory {rss} MB"


@pytest.mark.slow
@pytest.mark.parametrize(("stage", "make", "key"), [
    ("statements", statements_lines, "statements"),
    ("stories", stories_lines, "story"),
    ("stance", stance_lines, "stance"),
])
def test_json_lines_stage_survives_the_hostile_corpus(stage, make, key) -> None:
    lines = make()
    code, out, err, rss = run_stage([stage], b"\n".join(line.raw for line in lines) + b"\n")
    assert_clean_run(code, err, rss)
    assert check_lines(lines, out, key) == []


@pytest.mark.slow
def test_statements_in_two_workers_keeps_order() -> None:
    lines = statements_lines()[:60]
    code, out, err, rss = run_stage(["statements", "--workers", "2"], b"\n".join(line.raw for line in lines) + b"\n")
    assert_clean_run(code, err, rss)
    assert check_lines(lines, out, "statements") == []


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> tuple[Path, dict[str, list[Path]]]:
    folder = tmp_path_factory.mktemp("hostile")
    fams = hostile_files(folder / "docs")
    fams.update(special_files(folder))
    return folder, fams


@pytest.mark.slow
def test_extract_manifest_survives_hostile_files(files) -> None:
    folder, fams = files
    entries = [(fam, {"id": f"{fam}/{i}", "path": os.fsdecode(p)}) for fam, paths in fams.items()
               for i, p in enumerate(paths)]
    entries += [("bad manifest", {"id": "m1", "path": 5}), ("bad manifest", {"id": "m2", "path": ["a"]}),
                ("bad manifest", {"id": "m3"}), ("bad manifest", {"id": "m4", "path": ""}),
                ("bad manifest", {"id": "m5", "path": str(folder)}),
                ("bad manifest", {"id": "m6", "path": str(folder / "nope.html")}),
                ("bad manifest", {"id": "m7", "path": str(fams["valid"][0]), "url": 5})]
    lines = [Line(fam, json.dumps(e, ensure_ascii=True).encode("ascii", "backslashreplace"), e["id"])
             for fam, e in entries]
    code, out, err, rss = run_stage(["extract", "--manifest", "-"], b"\n".join(line.raw for line in lines) + b"\n")
    assert_clean_run(code, err, rss)
    assert check_lines(lines, out, "text") == []
    records = [json.loads(x) for x in out.splitlines()]
    assert all("error" not in r for r, (fam, _) in zip(records, entries, strict=True) if fam == "valid")
    assert all("error" in r for r, (fam, _) in zip(records, entries, strict=True)
               if fam in {"special files", "bad manifest", "empty and binary"})


@pytest.mark.slow
def test_ingest_and_compare_survive_hostile_files(files, tmp_path) -> None:
    folder, fams = files
    db = str(tmp_path / "h.db")
    specials = [str(p) for p in fams["special files"]]
    code, _, err, rss = run_stage(["ingest", str(folder / "docs"), *specials, "--db", db])
    assert_clean_run(code, err, rss, expect_code=1)  # some documents failed, and said so
    failed = [line for line in err.splitlines() if line.startswith("  ") and ": " in line]
    assert any("/dev/zero: not a regular file" in line for line in failed)
    assert any("pipe.html: not a regular file (a FIFO)" in line for line in failed)
    assert any("records.jsonl#j1: 'title' must be a string or null, not a list" in line for line in failed)
    assert len(failed) >= len(fams["special files"]) + len(fams["empty and binary"])
    code, _, err, rss = run_stage(["compare", "--db", db, "--json", str(tmp_path / "c.json")])
    assert_clean_run(code, err, rss)
    assert json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))["stories"]
    code, _out, err, rss = run_stage(["export", "--db", db, "--format", "csv", "-o", str(tmp_path / "a.csv")])
    assert_clean_run(code, err, rss)

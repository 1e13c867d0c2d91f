"""Kill the process mid-ingest: a re-run completes with nothing lost or duplicated."""

import signal
import sqlite3
import subprocess
import sys
import time

N = 150


def make_pages(folder):
    folder.mkdir()
    for i in range(N):
        body = " ".join(f"Sentence {i}-{j} of the report says the officials spoke on condition of anonymity."
                        for j in range(30))
        (folder / f"page{i:03}.html").write_text(
            f"<html><head><title>Page {i}</title></head><body><article><p>{body}</p></article></body></html>")


def stored(db):
    with sqlite3.connect(db, timeout=30) as conn:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]


def test_kill_mid_ingest_then_rerun(tmp_path):
    pages, db = tmp_path / "pages", tmp_path / "cp.db"
    make_pages(pages)
    cmd = [sys.executable, "-m", "counterpoint", "ingest", str(pages), "--db", str(db)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                if stored(db) >= 10:
                    break
            except sqlite3.OperationalError:
                pass  # schema not created yet
        time.sleep(0.02)
    assert proc.poll() is None, "ingest finished before it could be killed; make the test input bigger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = stored(db)
    assert 10 <= partial < N

    rerun = subprocess.run(cmd, capture_output=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{N - partial} added".encode() in rerun.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == N
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == N
        assert conn.execute("SELECT count(DISTINCT title) FROM articles").fetchone()[0] == N
        orphans = conn.execute("SELECT count(*) FROM documents d LEFT JOIN articles a ON a.id = d.id"
                               " WHERE a.id IS NULL").fetchone()[0]
        assert orphans == 0

"""The store and the files around it: every failure is one line, and nothing stored is lost or half-written."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from conftest import run_cli

from counterpoint.model import Document
from counterpoint.pipeline import extract_one
from counterpoint.store import Store, StoreError

TEXT = "Kremlin spokesman Dmitry Peskov said the report was not true. He said Putin would speak on Friday."


def _doc(i: int) -> Document:
    return Document(raw=f"{TEXT} Item {i}.".encode(), kind="text", source=f"doc-{i}.txt", outlet=f"Outlet {i}")


def _add(store: Store, i: int) -> str:
    result = extract_one(_doc(i))
    return store.add(result.document, result.article)


def test_a_full_disk_is_one_clear_error_and_what_was_stored_stays(tmp_path: Path) -> None:
    path = tmp_path / "full.db"
    with Store(path) as store:
        _add(store, 0)
        pages = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.db.execute(f"PRAGMA max_page_count = {pages}")  # the disk is now full for this database
        with pytest.raises(StoreError, match="the disk is full; nothing was half-written"):
            for i in range(1, 200):
                _add(store, i)
    with Store(path) as store:
        assert store.count("documents") == store.count("articles") >= 1
        assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_lock_held_too_long_is_waited_for_with_a_message_then_one_error(db: str) -> None:
    with Store(db) as holder:
        holder.db.begin()  # another writer's transaction, left open
        told: list[str] = []
        with Store(db, on_wait=told.append, lock_wait=0.5) as store, \
                pytest.raises(StoreError, match="locked by another process"):
            _add(store, 1)
        assert len(told) == 1 and "waiting" in told[0]
        holder.db.rollback()
    with Store(db) as store:
        assert store.count("documents") == 0


def test_a_short_lock_is_simply_waited_for(db: str) -> None:
    Store(db).close()
    begun, done = threading.Event(), threading.Event()

    def hold() -> None:
        with Store(db) as holder:
            holder.db.begin()
            begun.set()
            time.sleep(0.3)
            holder.db.commit()
        done.set()

    threading.Thread(target=hold).start()
    assert begun.wait(30)
    with Store(db) as store:
        assert _add(store, 1) == "added"
    assert done.wait(30)


def test_a_damaged_analysis_row_leaves_the_article_unanalysed_not_the_store_broken(db: str) -> None:
    with Store(db) as store:
        _add(store, 1)
        article_id = next(store.articles()).id
        store.db.execute("INSERT INTO analyses (article_id, analysed, analyser, data)"
                         " VALUES (?, 'x', 'y', '{not json')", (article_id,))
    with Store(db) as store:
        assert store.analysis(article_id) is None
        assert [a.analysis for a in store.articles()] == [None]


def test_cli_database_problems_are_one_line(tmp_path: Path) -> None:
    notdb = tmp_path / "notes.db"
    notdb.write_text("my notes\n" * 500)
    for args in (["show", "--db", str(notdb)], ["compare", "--db", str(notdb)], ["analyse", "--db", str(notdb)],
                 ["ingest", str(tmp_path), "--db", str(notdb)], ["show", "--db", str(tmp_path)]):
        result = run_cli(*args)
        err = result.stderr.decode()
        assert result.returncode == 2 and "Traceback" not in err, err
        assert len(err.strip().splitlines()) == 1 and err.startswith("error: "), err


def test_a_database_corrupted_after_its_header_is_one_line(tmp_path: Path, example_dir: Path) -> None:
    db = tmp_path / "c.db"
    assert run_cli("ingest", str(example_dir), "--db", str(db)).returncode == 0
    data = bytearray(db.read_bytes())
    for offset in range(4096 * 2, len(data), 4096):  # keep the header page, scramble the rest
        data[offset + 100:offset + 400] = bytes(300)
    db.write_bytes(bytes(data))
    for wal in tmp_path.glob("c.db-*"):
        wal.unlink()
    result = run_cli("compare", "--db", str(db))
    err = result.stderr.decode()
    assert result.returncode in (1, 2) and "Traceback" not in err, err
    assert all(not line.startswith(" ") or line.startswith("  ") for line in err.splitlines())


@pytest.mark.parametrize("flag", ["--json", "--html", "--csv"])
def test_unwritable_outputs_are_refused_before_any_work(tmp_path: Path, example_dir: Path, flag: str) -> None:
    db = tmp_path / "w.db"
    target = tmp_path / "no" / "such" / "folder" / "out.x" if flag != "--csv" else tmp_path / "a-file"
    if flag == "--csv":
        target.write_text("a file, not a folder")
    started = time.monotonic()
    result = run_cli("compare", str(example_dir), "--db", str(db), flag, str(target))
    err = result.stderr.decode()
    assert result.returncode == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert not db.exists(), "nothing is read or stored when the output cannot be written"
    assert time.monotonic() - started < 60  # a hang guard, not a timing: the work never started


def test_export_to_an_unwritable_path_is_one_line(tmp_path: Path, example_dir: Path) -> None:
    db = tmp_path / "e.db"
    assert run_cli("ingest", str(example_dir), "--db", str(db), "--no-analyse").returncode == 0
    result = run_cli("export", "--db", str(db), "-o", str(tmp_path / "missing" / "a.jsonl"))
    err = result.stderr.decode()
    assert result.returncode == 2 and err.startswith("error: ") and "Traceback" not in err, err


def test_an_unanalysable_article_never_blocks_later_work(tmp_path: Path, example_dir: Path) -> None:
    """An article stored without analysis (here: one the analysis refuses) must not fail later runs."""
    db = tmp_path / "later.db"
    german = tmp_path / "de.txt"
    german.write_text("Der Kreml hat den Bericht dementiert. Ein Sprecher sagte, das sei nicht wahr. " * 20)
    first = run_cli("ingest", str(german), "--db", str(db))
    assert "Traceback" not in first.stderr.decode()
    again = run_cli("compare", str(example_dir), "--db", str(db), "--json", str(tmp_path / "c.json"))
    assert again.returncode == 0, again.stderr.decode()
    stories = json.loads((tmp_path / "c.json").read_text())["stories"]
    assert stories and all("de.txt" not in json.dumps(s["articles"]) for s in stories)


def _open(path: str) -> str:
    try:
        Store(path).close()
        return "ok"
    except StoreError as exc:
        return str(exc)


def test_processes_that_create_one_database_file_at_once_all_open_it(tmp_path: Path) -> None:
    """Each switches the new file to WAL, which needs it alone: one is refused at once, and must wait as a writer
    does rather than fail (without the wait, about one try in four failed here with four processes)."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(4) as pool:
        for i in range(12):
            assert pool.map(_open, [str(tmp_path / f"new-{i}.db")] * 4) == ["ok"] * 4

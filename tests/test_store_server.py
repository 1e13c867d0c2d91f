"""The PostgreSQL store beside the SQLite one: the same results, several writers, moving data between them,
the web app over either, and one clear line for a database that cannot be used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE, run_cli

from counterpoint.store import Store

TABLES = ("documents", "articles", "removals", "analyses", "speakers", "statements", "entities", "stories",
          "story_articles", "findings", "claims")


def dump(target: str) -> dict[str, list]:
    """Every row of every table, sorted, as plain values (what a copy must carry unchanged)."""
    with Store(target) as store:
        out = {}
        for table in TABLES:
            rows = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in r)
                    for r in store.db.execute(f"SELECT * FROM {table}")]
            out[table] = sorted(rows, key=repr)
        out["errors"] = sorted(tuple(r) for r in store.db.execute("SELECT source, problem, at FROM errors"))
        return out


def comparison(path: Path) -> list[dict]:
    """The stories of a `compare --json` document without the times they were made."""
    stories = json.loads(path.read_text())["stories"]
    for s in stories:
        s.pop("compared", None)
    return stories


@pytest.fixture(scope="module")
def example_sqlite(tmp_path_factory) -> tuple[str, Path]:
    """The example story ingested and compared into SQLite, with its comparison JSON."""
    example_dir = EXAMPLE
    folder = tmp_path_factory.mktemp("sqlite")
    db, out = str(folder / "example.db"), folder / "sqlite.json"
    result = run_cli("compare", str(example_dir), "--db", db, "--json", str(out))
    assert result.returncode == 0, result.stderr.decode()
    return db, out


def test_compare_into_postgresql_gives_what_sqlite_gives(pg_cluster, example_sqlite, example_dir, tmp_path):
    url = pg_cluster.fresh_database("same_results")
    out = tmp_path / "pg.json"
    result = run_cli("compare", str(example_dir), "--db", url, "--json", str(out))
    assert result.returncode == 0, result.stderr.decode()
    assert comparison(out) == comparison(example_sqlite[1])
    with Store(url) as pg, Store(example_sqlite[0]) as lite:
        for table in TABLES:
            assert pg.count(table) == lite.count(table), table
        assert [a.id for a in pg.articles()] == [a.id for a in lite.articles()]


def test_copy_moves_everything_up_to_postgresql_and_back(pg_cluster, example_sqlite, tmp_path):
    url = pg_cluster.fresh_database("copy_target")
    up = run_cli("copy", example_sqlite[0], url)
    assert up.returncode == 0, up.stderr.decode()
    assert "2 documents copied" in up.stderr.decode()
    back = str(tmp_path / "back.db")
    down = run_cli("copy", url, back)
    assert down.returncode == 0, down.stderr.decode()
    original = dump(example_sqlite[0])
    assert dump(url) == original
    assert dump(back) == original
    again = run_cli("copy", example_sqlite[0], url)  # resumable: nothing twice
    assert again.returncode == 0 and "0 documents copied (2 already there)" in again.stderr.decode()
    assert dump(url) == original
    shown = run_cli("show", "--db", url)
    assert shown.returncode == 0 and b"sputnik" in shown.stdout.lower()


def test_the_database_may_come_from_the_environment(pg_cluster, example_sqlite):
    url = pg_cluster.fresh_database("from_env")
    assert run_cli("copy", example_sqlite[0], url).returncode == 0
    env = {**os.environ, "COUNTERPOINT_DB": url}
    result = subprocess.run([sys.executable, "-m", "counterpoint", "show", "--json"], env=env,
                            capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    assert len(result.stdout.decode().splitlines()) == 2


def _many_texts(folder: Path, n: int) -> list[Path]:
    folder.mkdir()
    files = []
    for i in range(n):
        f = folder / f"report-{i:03d}.txt"
        f.write_text(f"Report {i}. The council said on Monday that road {i} would close for {i + 2} days."
                     f" A spokesman for the council denied that the closure was linked to budget cuts.\n")
        files.append(f)
    return files


def test_two_ingests_at_once_lose_and_duplicate_nothing(db, tmp_path):
    files = _many_texts(tmp_path / "texts", 40)
    first, second = files[:28], files[12:]  # 16 files both runs store
    cmd = [sys.executable, "-m", "counterpoint", "ingest", "--no-analyse", "--db", db]
    procs = [subprocess.Popen([*cmd, *map(str, part)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for part in (first, second)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()
    with Store(db) as store:
        assert store.count("documents") == store.count("articles") == 40
        assert sorted(a.source for a in store.articles()) == sorted(str(f) for f in files)
    again = run_cli("ingest", "--no-analyse", "--db", db, *map(str, files))
    assert again.returncode == 0 and "40 already stored" in again.stderr.decode()


def test_the_web_app_serves_a_postgresql_store(pg_cluster, example_sqlite):
    from fastapi.testclient import TestClient

    from counterpoint.web.app import create_app

    url = pg_cluster.fresh_database("web")
    assert run_cli("copy", example_sqlite[0], url).returncode == 0
    with Store(url) as store:
        (story,) = store.story_ids()
    client = TestClient(create_app(url, runner=lambda *a: None), base_url="http://127.0.0.1:8000")
    listed = client.get("/api/stories")
    assert listed.status_code == 200 and [s["story"] for s in listed.json()["stories"]] == [story]
    page = client.get(f"/story/{story}")
    assert page.status_code == 200 and "Peskov" in page.text


@pytest.mark.parametrize("url, problem", [
    ("postgresql://nobody@127.0.0.1:1/news", "cannot connect to the database"),
    ("postgresql://me:secret@127.0.0.1:1/news", "cannot connect to the database"),
    ("postgresql://127.0.0.1:5432/news?nosuchoption=1", "not a valid PostgreSQL URL"),
    ("postgresql://[::1/news", "not a valid PostgreSQL URL"),
    ("postgresql://127.0.0.1:notaport/news", ""),
])
def test_a_database_that_cannot_be_reached_is_one_line_and_nothing_is_written(url, problem, example_dir, tmp_path):
    for args in (["show", "--db", url], ["ingest", str(example_dir), "--db", url], ["serve", "--db", url]):
        result = run_cli(*args, cwd=tmp_path)
        err = result.stderr.decode()
        assert result.returncode == 2 and "Traceback" not in err, err
        assert len(err.strip().splitlines()) == 1 and err.startswith("error: "), err
        assert problem in err and "secret" not in err, err
    assert list(tmp_path.iterdir()) == []


def test_a_server_that_goes_away_mid_run_is_one_store_error(pg_cluster):
    import psycopg

    from counterpoint.store import StoreError

    url = pg_cluster.fresh_database("gone_away")
    with Store(url) as store:
        pid = store.db.execute("SELECT pg_backend_pid()").fetchone()[0]
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(StoreError, match="the database connection failed"):
            store.count("documents")


def _open(url: str) -> str:
    try:
        Store(url).close()
        return "ok"
    except Exception as exc:
        return str(exc)


def test_processes_that_create_one_database_at_once_all_open_it(pg_cluster):
    """The first open migrates; others waiting on the write lock must then see the tables it made."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(3) as pool:
        for i in range(4):
            url = pg_cluster.fresh_database(f"first_open_{i}")
            assert pool.map(_open, [url] * 3) == ["ok"] * 3

"""Dask cluster runs: the same store as one process, a killed worker retried, bad clusters one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EXAMPLE, run_cli
from storedump import contents

from counterpoint.store import Store

pytest.importorskip("distributed", reason="Dask is not installed (pip install 'counterpoint[scale]')")

@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The example story, 24 short reports (two of them the same bytes: 25 documents), and two files that fail."""
    folder = tmp_path_factory.mktemp("corpus")
    for f in EXAMPLE.glob("*.txt"):
        (folder / f.name).write_bytes(f.read_bytes())
    for i in range(24):
        n = i if i != 23 else 5  # report 23 repeats report 5
        (folder / f"report-{i:02d}.txt").write_text(
            f"Council closes road {n}. The council said on Monday that road {n} would close for {n + 2} days, a"
            f" spokesman told reporters. Residents' group chair Ann Lee denied that the closure was needed.\n")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    return folder


@pytest.fixture(scope="module")
def single(corpus, tmp_path_factory) -> dict:
    """One process into SQLite: the reference."""
    db = str(tmp_path_factory.mktemp("single") / "single.db")
    first = run_cli("ingest", str(corpus), "--db", db)
    assert first.returncode == 1, first.stderr.decode()  # the two bad files
    compared = run_cli("compare", "--db", db)
    assert compared.returncode == 0, compared.stderr.decode()
    return contents(db)


def test_a_cluster_run_stores_what_one_process_stores(corpus, single, db):
    ingest = run_cli("ingest", str(corpus), "--db", db, "--cluster", "local:2", "--partition-size", "5")
    err = ingest.stderr.decode()
    assert ingest.returncode == 1 and "Traceback" not in err, err
    assert "25 added, 0 new versions, 1 already stored, 2 failed; 25 analysed" in err
    compared = run_cli("compare", "--db", db, "--cluster", "local:2")
    assert compared.returncode == 0, compared.stderr.decode()
    got = contents(db)
    for table in single:
        assert got[table] == single[table], table
    assert len(single["statements"]) > 40 and len(single["stories"]) >= 2


def test_a_worker_killed_mid_partition_is_retried_and_nothing_is_lost_or_doubled(corpus, single, tmp_path,
                                                                                 monkeypatch):
    import cluster_helpers
    from distributed import Client, LocalCluster

    import counterpoint.cluster
    from counterpoint.workflow import ingest_sources

    marker = tmp_path / "killed"
    monkeypatch.setenv("COUNTERPOINT_TEST_KILL_MARKER", str(marker))
    monkeypatch.setattr(counterpoint.cluster, "extract_analyse_partition", cluster_helpers.die_once_then_extract)
    db = str(tmp_path / "killed.db")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=50) as cluster, Client(cluster) as client, Store(db) as store:
        report = ingest_sources(store, [str(corpus)], cluster=client, partition=4)
    assert marker.exists(), "a worker was killed"
    assert (report.added, report.unchanged, len(report.errors), report.analysed) == (25, 1, 2, 25)
    got = contents(db)
    for table in ("documents", "articles", "removals", "analyses", "speakers", "statements", "entities"):
        assert got[table] == single[table], table


def test_a_partition_that_fails_on_the_cluster_fails_its_documents_and_the_run_goes_on(tmp_path, monkeypatch):
    import cluster_helpers
    from distributed import Client, LocalCluster

    import counterpoint.cluster
    from counterpoint.workflow import ingest_sources

    folder = tmp_path / "texts"
    folder.mkdir()
    names = ["a", "b", "poison", "c", "d", "e"]
    for n in names:
        (folder / f"{n}.txt").write_text(f"The mayor of {n.title()}ville said the bridge would reopen on {n}day.\n")
    monkeypatch.setattr(counterpoint.cluster, "extract_analyse_partition", cluster_helpers.fail_on_poison)
    db = str(tmp_path / "partial.db")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=50) as cluster, Client(cluster) as client, Store(db) as store:
        report = ingest_sources(store, [str(folder)], cluster=client, partition=2)
        stored = sorted(Path(a.source).stem for a in store.articles())
    failed = sorted(Path(e.source).stem for e in report.errors)
    assert failed == ["e", "poison"]  # the partition [e, poison]: files are read in name order, two at a time
    assert all("failed on the cluster (ValueError: poisoned partition)" in e.problem for e in report.errors)
    assert stored == ["a", "b", "c", "d"] and report.analysed == 4


@pytest.mark.parametrize("spec, problem", [
    ("tcp://127.0.0.1:1", "cannot reach the Dask scheduler"),
    ("banana", "expected local:N"),
    ("local:0", "must be 1 to 256"),
])
def test_a_cluster_that_cannot_be_used_is_one_line_and_nothing_is_written(spec, problem, tmp_path):
    db = tmp_path / "never.db"
    result = run_cli("ingest", str(EXAMPLE), "--db", str(db), "--cluster", spec)
    err = result.stderr.decode()
    assert result.returncode == 2 and "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: ") and problem in err, err
    assert not db.exists()

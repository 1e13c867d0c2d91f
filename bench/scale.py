#!/usr/bin/env python3
"""Scale benchmark: a Dask cluster into PostgreSQL against one process into SQLite, on 1,000 articles.

    python bench/scale.py [--articles 1000] [--baseline ../baseline] [--analyse-articles 300]

The articles are the ECB+ texts (train, then dev) and then FNC-1 train bodies, in that order, as one
JSON-lines file (outside the repository). In one run, on this machine:

1. One process: `ingest --workers 2` into SQLite, then `compare` (every stored story).
2. The cluster: `ingest --cluster local:2` into a throwaway PostgreSQL, then `compare --cluster local:2`.
   Their stores are compared row for row, sorted, without write times: documents, articles,
   statements, entities, speakers, stories, findings, claims must be the same. Throughput is
   articles per wall second of the ingest (extract + analyse), the cluster's beside `--workers 2`.
3. Two `ingest --no-analyse` runs at once into one store (SQLite, then PostgreSQL), overlapping by a
   third: every document stored once.
4. A worker killed (SIGKILL) while partitions are running: Dask reruns its work; every document stored
   and analysed once.
5. Analysis cost: `analyse` CPU seconds per article (the process and its children) for this checkout
   and the v0.1.0 baseline on the same articles, and peak memory; extraction and comparison costs too;
   and where the analysis spends its time (each spaCy component, then counterpoint's own work).
   These feed the cost sheet in `docs/scale.md`.

Timings on a shared 2-core machine are noisy: compare only rows of one run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))
csv.field_size_limit(10**9)

import pgcluster  # noqa: E402
from storedump import contents  # noqa: E402


def shared_dir() -> Path:
    return Path(os.environ.get("COUNTERPOINT_SHARED") or ROOT.parent / "shared").resolve()


def corpus(n: int, out: Path) -> int:
    """The first `n` distinct articles (ECB+ train, dev, then FNC-1 train bodies) as JSON lines."""
    data = shared_dir() / "data"
    seen: set[str] = set()
    rows = []
    for split in ("train", "dev"):
        for line in (data / "ecbplus" / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            rows.append({"id": f"ecb-{r['id']}", "title": r.get("title"), "text": r["text"], "outlet": "ECB+"})
    with open(data / "fnc1" / "train_bodies.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            rows.append({"id": f"fnc-{r['Body ID']}", "text": r["articleBody"], "outlet": "FNC-1"})
    kept = []
    for r in rows:
        if r["text"].strip() and r["text"] not in seen:
            seen.add(r["text"])
            kept.append(r)
        if len(kept) == n:
            break
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept), encoding="utf-8")
    return len(kept)


_MEASURE = ("import json, resource, subprocess, sys; r = subprocess.run(sys.argv[1:]);"
            " u = resource.getrusage(resource.RUSAGE_CHILDREN);"
            " print(json.dumps([u.ru_utime + u.ru_stime, u.ru_maxrss, r.returncode]), file=sys.stderr)")


def run(cmd: list[str]) -> tuple[float, float, int, subprocess.CompletedProcess]:
    """Wall seconds, CPU seconds of the command and every process it started, the largest of those processes'
    peak RSS (MB), the result (stderr without the measurement line)."""
    start = time.monotonic()
    result = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], capture_output=True)
    wall = time.monotonic() - start
    lines = result.stderr.decode().rstrip("\n").split("\n")
    cpu, rss, code = json.loads(lines[-1])
    result = subprocess.CompletedProcess(cmd, code, result.stdout, "\n".join(lines[:-1]).encode())
    if code not in (0, 1):
        sys.exit(f"{' '.join(cmd[:4])}...: exit {code}\n{result.stderr.decode()[-2000:]}")
    return wall, cpu, rss // 1024, result


def same(a: dict[str, list[str]], b: dict[str, list[str]]) -> list[str]:
    """Tables whose rows differ."""
    return [t for t in a if a[t] != b[t]]


def stored(db: str) -> tuple[int, int]:
    from counterpoint.store import Store

    with Store(db) as store:
        return store.count("documents"), store.count("analyses")


def concurrent_ingests(cp: str, files: list[Path], db: str, reference: str) -> tuple[int, int]:
    """Two ingest runs at once over overlapping halves; (documents stored, documents one run stores)."""
    subprocess.run([cp, "ingest", "--no-analyse", "--db", reference, *map(str, files)], capture_output=True)
    third = len(files) // 3
    parts = (files[: 2 * third], files[third:])
    procs = [subprocess.Popen([cp, "ingest", "--no-analyse", "--db", db, *map(str, p)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE) for p in parts]
    for p in procs:
        p.communicate()
    return stored(db)[0], stored(reference)[0]


def killed_worker(jsonl: Path, db: str, n: int) -> tuple[int, int, int, bool]:
    """Ingest with a worker SIGKILLed after the first partition; (documents, analyses, given, killed)."""
    from distributed import Client, LocalCluster

    from counterpoint.store import Store
    from counterpoint.workflow import ingest_sources

    killed = threading.Event()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=50) as cluster, Client(cluster) as client, Store(db) as store:
        pids = list(client.run(os.getpid).values())

        def progress(items, label):
            for i, item in enumerate(items):
                if i == 0 and not killed.is_set():
                    os.kill(pids[0], signal.SIGKILL)  # while the other partitions run
                    killed.set()
                yield item

        ingest_sources(store, [str(jsonl)], cluster=client, partition=max(1, n // 8), progress=progress)
        return store.count("documents"), store.count("analyses"), n, killed.is_set()


def where_time_goes(texts: list[str]) -> list[tuple[str, float]]:
    """CPU seconds of the analysis of `texts` (one process), split into spaCy's components and counterpoint's
    own work: the whole analysis, less spaCy's parse of the same texts, is counterpoint's; the parse is
    split in the proportions each component takes when run alone over the texts."""
    from counterpoint.analyse import analyse_many
    from counterpoint.models import spacy_pipeline

    nlp = spacy_pipeline()
    list(analyse_many([(t, "warm-up", "en") for t in texts[:3]]))
    start = time.process_time()
    list(analyse_many([(t, "text", "en") for t in texts]))
    whole = time.process_time() - start
    start = time.process_time()
    list(nlp.pipe(texts, batch_size=64))
    parse = time.process_time() - start
    alone = []
    start = time.process_time()
    docs = [nlp.make_doc(t) for t in texts]
    alone.append(("tokenizer", time.process_time() - start))
    for name, component in nlp.pipeline:
        start = time.process_time()
        docs = list(component.pipe(docs, batch_size=64))
        alone.append((f"spaCy {name}", time.process_time() - start))
    share = sum(c for _, c in alone)
    out = [(name, parse * c / share) for name, c in alone]
    out.append(("attribution, speakers, statements (counterpoint)", max(0.0, whole - parse)))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--analyse-articles", type=int, default=300, help="articles for the analysis-cost rows")
    ap.add_argument("--baseline", default=str(ROOT.parent / "baseline"), help="a checkout of v0.1.0 with its .venv")
    args = ap.parse_args()
    why = pgcluster.available()
    if why:
        sys.exit(f"needs PostgreSQL: {why}")
    cp = str(Path(sys.executable).with_name("counterpoint"))
    base = Path(args.baseline) / ".venv" / "bin" / "counterpoint"
    pg = pgcluster.Cluster().start()
    try:
        with tempfile.TemporaryDirectory(prefix="counterpoint-scale-") as tmp:
            tmp = Path(tmp)
            jsonl = tmp / "articles.jsonl"
            n = corpus(args.articles, jsonl)
            print(f"{n} distinct articles ({jsonl.stat().st_size / 1e6:.1f} MB of JSON lines)\n")

            single_db, cluster_db = str(tmp / "single.db"), pg.fresh_database("cluster")
            w1, c1, m1, r1 = run([cp, "ingest", str(jsonl), "--workers", "2", "--db", single_db])
            w2, c2, m2, _ = run([cp, "compare", "--db", single_db])
            # 1,000 articles on 2 workers: partitions of 100, so both workers have work (the default, 1,000,
            # suits archives of millions)
            w3, c3, m3, r3 = run([cp, "ingest", str(jsonl), "--cluster", "local:2", "--partition-size",
                                  str(max(1, n // 10)), "--db", cluster_db])
            w4, c4, m4, _ = run([cp, "compare", "--cluster", "local:2", "--db", cluster_db])
            print(r1.stderr.decode().strip().splitlines()[0])
            print(r3.stderr.decode().strip().splitlines()[0])
            a, b = contents(single_db), contents(cluster_db)
            differ = same(a, b)
            print("\n| run | ingest wall s | articles/s | ingest CPU s | largest process MB | compare wall s |"
                  " compare CPU s | stories | findings |")
            print("|---|---|---|---|---|---|---|---|---|")
            print(f"| one process, --workers 2, SQLite | {w1:.0f} | {n / w1:.1f} | {c1:.0f} | {m1} | {w2:.0f} |"
                  f" {c2:.0f} | {len(a['stories'])} | {len(a['findings'])} |")
            print(f"| --cluster local:2, PostgreSQL | {w3:.0f} | {n / w3:.1f} | {c3:.0f} | {m3} | {w4:.0f} |"
                  f" {c4:.0f} | {len(b['stories'])} | {len(b['findings'])} |")
            print(f"\ncluster throughput / --workers 2: {w1 / w3:.2f}x (bar: at least 1x); compare peak MB {m2} / {m4}")
            print(f"\nsame results: {'yes, every table' if not differ else 'NO: ' + ', '.join(differ)}"
                  f" ({len(a['statements'])} statements, {len(a['entities'])} entities, {len(a['claims'])} claims)")
            with __import__("counterpoint.store", fromlist=["Store"]).Store(cluster_db) as store:
                size = store.db.execute("SELECT pg_database_size(current_database())").fetchone()[0]
            print(f"PostgreSQL database: {size / 1e6:.0f} MB for {n} articles ({size / n / 1e3:.0f} kB each);"
                  f" SQLite file: {Path(single_db).stat().st_size / 1e6:.0f} MB")

            files = []
            (tmp / "files").mkdir()
            for i, line in enumerate(jsonl.read_text(encoding="utf-8").splitlines()[:300]):
                f = tmp / "files" / f"a{i:04d}.txt"
                f.write_text(json.loads(line)["text"], encoding="utf-8")
                files.append(f)
            print(f"\ntwo ingest runs at once, overlapping by a third ({len(files)} files):")
            for name, db in (("SQLite", str(tmp / "two.db")), ("PostgreSQL", pg.fresh_database("two"))):
                got, want = concurrent_ingests(cp, files, db, str(tmp / f"one-{name}.db"))
                print(f"  {name}: {got} documents stored; one run alone stores {want}"
                      f" ({'ok' if got == want else 'LOST OR DOUBLED'})")

            small = tmp / "small.jsonl"
            lines = jsonl.read_text(encoding="utf-8").splitlines(True)[:160]
            small.write_text("".join(lines), encoding="utf-8")
            docs, analyses, _, killed = killed_worker(small, pg.fresh_database("killed"), len(lines))
            reference = str(tmp / "killed-reference.db")
            run([cp, "ingest", str(small), "--db", reference])
            want = stored(reference)
            print(f"\na worker killed mid-run ({'killed' if killed else 'NOT killed'}): {docs} documents and"
                  f" {analyses} analyses stored; one process stores {want[0]} and {want[1]}"
                  f" ({'ok' if (docs, analyses) == want else 'LOST OR DOUBLED'})")

            k = args.analyse_articles
            part = tmp / "part.jsonl"
            part.write_text("".join(jsonl.read_text(encoding="utf-8").splitlines(True)[:k]), encoding="utf-8")
            print(f"\ncost per article ({k} articles, one process, CPU seconds of the process and its children):")
            print("| code | extract CPU s/article | analyse CPU s/article | analyse articles per CPU-second |"
                  " analyse peak MB |")
            print("|---|---|---|---|---|")
            rates = {}
            for name, exe in (("v0.1.0", base), ("this checkout", Path(cp))):
                if not exe.exists():
                    print(f"| {name} | (no {exe}) | | | |")
                    continue
                db = str(tmp / f"cost-{name.replace(' ', '-')}.db")
                _, ce, _, _ = run([str(exe), "ingest", str(part), "--no-analyse", "--db", db])
                _, ca, ma, _ = run([str(exe), "analyse", "--db", db])
                rates[name] = k / ca
                print(f"| {name} | {ce / k:.3f} | {ca / k:.3f} | {k / ca:.1f} | {ma} |")
            if len(rates) == 2:
                print(f"\nanalysis speed, this checkout / v0.1.0: {rates['this checkout'] / rates['v0.1.0']:.2f}x"
                      " articles per CPU-second (bar: 2x)")
            print(f"compare: {c2:.0f} CPU s for {len(a['stories'])} stories, one process"
                  f" ({c2 / max(1, len(a['stories'])):.2f} CPU s per story)")
            texts = [json.loads(line)["text"] for line in part.read_text(encoding="utf-8").splitlines()]
            costs = where_time_goes(texts)
            total = sum(c for _, c in costs)
            print(f"\nwhere analysis spends its time ({len(texts)} articles, {total:.1f} CPU s, this process):")
            print("| part | CPU s | share |")
            print("|---|---|---|")
            for name, c in costs:
                print(f"| {name} | {c:.1f} | {c / total:.0%} |")
    finally:
        pg.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

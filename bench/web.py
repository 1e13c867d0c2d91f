"""Web app benchmark: a store of 10,000 articles, page latency, and 50 concurrent clients on loopback.

Not a test (it takes minutes). It builds (or reuses, with --db) a database
of N articles synthesised from the bundled example: the two example articles
are ingested and compared by the real pipeline once, then copied N/2 times,
each copy perturbed (a numbered paragraph appended, the date moved) so every
copy is a new document with its own id, analysis and stored comparison.
It then serves the app with uvicorn in a separate process on 127.0.0.1 and

1. times story and article pages one request at a time (p50 / p95 / max);
2. runs C concurrent clients for S seconds (story pages, article pages, API
   calls, listings), checking every answer (status 200 and the requested
   story's or article's id in the body), and reports throughput, latency and
   errors.

Traffic goes to 127.0.0.1 only; the load run is bounded in time and stops by itself.
Exit status 0 when story and article p95 < 200 ms and the load run had no wrong answer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "arms-race-2018"


def build(db: Path, n_articles: int) -> tuple[list[str], list[str]]:
    """Fill `db` with n_articles perturbed copies of the example; returns (story ids, article ids)."""
    from counterpoint.model import Article, Comparison, Document
    from counterpoint.store import Store
    from counterpoint.workflow import compare_stored, ingest_sources

    with Store(db) as store:
        existing = store.count("latest_articles")
        if existing >= n_articles:
            stories = [r["story"] for r in store.story_rows(limit=10_000_000)]
            arts = [r[0] for r in store.db.execute("SELECT article_id FROM story_articles")]
            return stories, arts
        t0 = time.perf_counter()
        report = ingest_sources(store, [str(EXAMPLE)])
        seed = compare_stored(store, report.article_ids)[0]
        seed_arts = {a.id: store.article(a.id) for a in seed.articles}
        seed_json = json.dumps(seed.to_dict())
        copies = n_articles // len(seed.articles) - 1
        print(f"seed story compared in {time.perf_counter() - t0:.1f}s; writing {copies} copies ...", flush=True)
        t0 = time.perf_counter()
        for k in range(copies):
            suffix = f"\n\nBench copy {k}: {random.Random(k).random():.12f}."
            mapping, texts = {}, {}
            for aid, art in seed_arts.items():
                text = art.text + suffix
                doc = Document(raw=text.encode("utf-8"), kind="text", source=f"bench/{k}/{art.outlet}.txt")
                day = f"20{10 + k % 14:02d}-{1 + k % 12:02d}-{1 + k % 28:02d}T12:00:00+00:00"
                copy = Article(id=doc.id, text=text, title=f"{art.title or 'Arms race'} #{k}", outlet=art.outlet,
                               published=day, lang="en", url=f"https://bench.invalid/{k}/{aid[:8]}",
                               source=doc.source)
                store.add(doc, copy)
                if art.analysis:
                    store.save_analysis(doc.id, art.analysis)
                mapping[aid], texts[doc.id] = doc.id, (text, day)
            data = seed_json
            for old, new in mapping.items():
                data = data.replace(old, new)
            c = Comparison.from_dict(json.loads(data))
            c.story = f"bench-{k:05d}"
            for a in c.articles:
                a.text, a.published = texts[a.id]
            store.save_comparison(c)
            if k % 500 == 0:
                print(f"  {k}/{copies} ({time.perf_counter() - t0:.0f}s)", flush=True)
        stories = [r["story"] for r in store.story_rows(limit=10_000_000)]
        arts = [r[0] for r in store.db.execute("SELECT article_id FROM story_articles")]
        print(f"built {store.count('latest_articles')} articles, {len(stories)} stories "
              f"in {time.perf_counter() - t0:.0f}s", flush=True)
        return stories, arts


def serve(db: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = ("import sys, uvicorn; from counterpoint.web.app import create_app; "
            "uvicorn.run(create_app(sys.argv[1]), host='127.0.0.1', port=int(sys.argv[2]), log_level='warning',"
            " timeout_keep_alive=75)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(db), str(port)])
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(base + "/api/stories", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    return proc, base


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))] * 1000


def sequential(base: str, stories: list[str], arts: list[str], n: int) -> dict[str, list[float]]:
    rng = random.Random(1)
    out: dict[str, list[float]] = {"story page": [], "article page": [], "stories list": [], "story JSON": []}
    with httpx.Client(base_url=base, timeout=10) as client:
        for _ in range(n):
            for name, path in [("story page", f"/story/{rng.choice(stories)}"),
                               ("article page", f"/article/{rng.choice(arts)}"),
                               ("stories list", f"/?page={rng.randint(1, 20)}"),
                               ("story JSON", f"/api/stories/{rng.choice(stories)}")]:
                t = time.perf_counter()
                r = client.get(path)
                out[name].append(time.perf_counter() - t)
                assert r.status_code == 200, (path, r.status_code)
    return out


async def load(base: str, stories: list[str], arts: list[str], clients: int, seconds: float) -> dict:
    """`clients` concurrent clients for `seconds`; every answer is checked, not just counted."""
    deadline = time.perf_counter() + seconds
    lat: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:

        async def one(i: int) -> None:
            rng = random.Random(100 + i)
            while time.perf_counter() < deadline:
                kind = rng.random()
                if kind < 0.4:
                    sid = rng.choice(stories)
                    path, expect = f"/story/{sid}", sid
                elif kind < 0.8:
                    aid = rng.choice(arts)
                    path, expect = f"/article/{aid}", aid[:12]
                elif kind < 0.9:
                    sid = rng.choice(stories)
                    path, expect = f"/api/stories/{sid}", f'"story":"{sid}"'
                else:
                    path, expect = "/?type=disputed", "/story/"
                t = time.perf_counter()
                try:
                    r = await client.get(path)
                    ok = r.status_code == 200 and expect in r.text.replace('"story": "', '"story":"')
                    if not ok:
                        errors.append(f"{path}: {r.status_code}")
                except httpx.HTTPError as exc:
                    errors.append(f"{path}: {type(exc).__name__}")
                lat.append(time.perf_counter() - t)

        t0 = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(clients)))
        elapsed = time.perf_counter() - t0
    return {"requests": len(lat), "seconds": elapsed, "rps": len(lat) / elapsed, "errors": errors,
            "p50": pct(lat, 50), "p95": pct(lat, 95), "max": max(lat) * 1000}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "counterpoint-bench-web.db")
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--requests", type=int, default=200, help="sequential requests per page kind")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    args = ap.parse_args()
    stories, arts = build(args.db, args.articles)
    proc, base = serve(args.db)
    try:
        seq = sequential(base, stories, arts, args.requests)
        print(f"\nsequential, {args.requests} requests each ({len(arts)} articles, {len(stories)} stories):")
        print(f"  {'page':14} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for name, xs in seq.items():
            print(f"  {name:14} {pct(xs, 50):8.1f} {pct(xs, 95):8.1f} {max(xs) * 1000:8.1f}")
        res = asyncio.run(load(base, stories, arts, args.clients, args.seconds))
        print(f"\nload: {args.clients} clients for {res['seconds']:.0f}s: {res['requests']} requests, "
              f"{res['rps']:.0f} req/s, p50 {res['p50']:.0f} ms, p95 {res['p95']:.0f} ms, max {res['max']:.0f} ms, "
              f"{len(res['errors'])} wrong answers {res['errors'][:5]}")
    finally:
        proc.terminate()
        proc.wait(10)
    ok = (pct(seq["story page"], 95) < 200 and pct(seq["article page"], 95) < 200 and not res["errors"])
    print("\nverdict:", "PASS" if ok else "FAIL", "(story and article p95 < 200 ms; no wrong answer under load)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Story-grouping benchmark: quality on ECB+ dev beside a TF-IDF baseline, then a 100,000-article stream.

1. Quality. Runs `counterpoint.stories.group` and a plain single-pass TF-IDF
   clusterer (cosine to each story's centroid, one threshold, tuned on ECB+
   train in this run) over ECB+ dev in file order, writes both as stage output
   (`{"id", "story"}`), and scores both with the shared
   `eval/score_clustering.py --pred-key story --table`.
2. Streaming. Feeds `StoryGrouper.add` 100,000 synthetic articles (20,000
   with `--quick`) made from the real ECB+ texts (train + dev): each gold
   event is re-played as many look-alike events over a simulated three-year
   time line (its main names swapped for invented ones, years shifted,
   sentences shuffled, words dropped and replaced, some wire copies, some
   pages without dates or with a wrong date), topics interleaved. It prints
   the grouping time per article for each block of 10,000 (flat when the
   cost does not grow with the archive), the live index sizes, the process
   memory, and B-cubed F1 against the synthetic events.

The shared folder is ../shared next to the repository, or $COUNTERPOINT_SHARED.
Exit status: 0 when dev B-cubed F1 >= 0.85 and above the baseline, 1 when not, 2 when the data is missing.

    python bench/stories.py [--quick] [--articles N] [--skip-stream] [--skip-dev] [--keep DIR]
"""

from __future__ import annotations

import argparse
import heapq
import json
import math
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from counterpoint.stories import StoryGrouper, StoryInput, group  # noqa: E402
from counterpoint.stories.features import STOPWORDS  # noqa: E402

BAR = 0.85
BLOCK = 10_000


def shared_dir() -> Path:
    return Path(os.environ.get("COUNTERPOINT_SHARED") or ROOT.parent / "shared").resolve()


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8")]


def as_input(row: dict) -> StoryInput:
    return StoryInput(row["id"], row.get("title"), row["text"], row.get("published") or row.get("date"))


def bcubed_f1(gold: list[str], pred: list[str]) -> float:
    """B-cubed F1 from the contingency table (the shared scorer's definition), for tuning and the stream."""
    cells = Counter(zip(gold, pred, strict=True))
    g, p = Counter(gold), Counter(pred)
    prec = sum(c * c / p[pc] for (_, pc), c in cells.items()) / len(gold)
    rec = sum(c * c / g[gc] for (gc, _), c in cells.items()) / len(gold)
    return 2 * prec * rec / (prec + rec) if prec + rec else 0.0


# -- the baseline: single-pass TF-IDF, cosine to centroid, one threshold -------------------------------

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def baseline(rows: list[dict], threshold: float) -> list[str]:
    """What a careful first attempt looks like: exact vocabulary, online IDF, every story compared."""
    df: Counter[str] = Counter()
    n_docs = 0
    sums: list[dict[str, float]] = []
    norms: list[float] = []
    out: list[str] = []
    for row in rows:
        text = ((row.get("title") or "") + "\n" + row["text"]).lower()
        tf = Counter(w for w in _WORD.findall(text) if w not in STOPWORDS and len(w) > 1)
        df.update(tf.keys())
        n_docs += 1  # noqa: SIM113 - counts documents seen, the online IDF's N
        vec = {w: (1 + math.log(c)) * (math.log((n_docs + 1) / (1 + df[w])) + 1) for w, c in tf.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vec = {w: v / norm for w, v in vec.items()}
        best, best_sim = -1, 0.0
        for i, (s, s_norm) in enumerate(zip(sums, norms, strict=True)):
            sim = sum(v * s.get(w, 0.0) for w, v in vec.items()) / s_norm
            if sim > best_sim:
                best, best_sim = i, sim
        if best < 0 or best_sim < threshold:
            sums.append({})
            norms.append(1.0)
            best = len(sums) - 1
        for w, v in vec.items():
            sums[best][w] = sums[best].get(w, 0.0) + v
        norms[best] = math.sqrt(sum(v * v for v in sums[best].values())) or 1.0
        out.append(f"base-{best:06d}")
    return out


def tune_baseline(train: list[dict]) -> tuple[float, float]:
    gold = [r["gold_cluster"] for r in train]
    best = (0.0, 0.0)
    for t in [x / 100 for x in range(5, 61, 1)]:
        f = bcubed_f1(gold, baseline(train, t))
        if f > best[1]:
            best = (t, f)
    return best


def score_table(scorer: Path, gold: Path, pred: Path) -> tuple[str, dict]:
    cmd = [sys.executable, str(scorer), str(gold), str(pred), "--pred-key", "story"]
    table = subprocess.run([*cmd, "--table"], check=True, capture_output=True, text=True).stdout
    data = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    return table, data


def find_f1(data: dict) -> float:
    """The B-cubed F1 in the scorer's JSON, wherever its layout puts it."""
    stack = [data]
    while stack:
        d = stack.pop()
        if isinstance(d, dict):
            for k, v in d.items():
                kl = k.lower().replace("-", "").replace("_", "")
                if isinstance(v, dict) and "bcubed" in kl:
                    for kk, vv in v.items():
                        if kk.lower() in ("f1", "f") and isinstance(vv, int | float):
                            return float(vv)
                if "bcubed" in kl and "f1" in kl and isinstance(v, int | float):
                    return float(v)
                stack.append(v)
    raise KeyError("no B-cubed F1 in the scorer's output")


def quality(shared: Path, keep: Path | None) -> bool:
    data = shared / "data" / "ecbplus"
    scorer = shared / "eval" / "score_clustering.py"
    train, dev = load(data / "train.jsonl"), load(data / "dev.jsonl")
    t0 = time.perf_counter()
    threshold, train_f1 = tune_baseline(train)
    secs = time.perf_counter() - t0
    print(f"baseline threshold {threshold:.2f} (B-cubed F1 {train_f1:.3f} on train, tuned in {secs:.1f}s)")

    t0 = time.perf_counter()
    ours = [a.story for a in group(as_input(r) for r in dev)]
    ours_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    base = baseline(dev, threshold)
    base_s = time.perf_counter() - t0

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        out_dir = keep or Path(tmp)
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, pred, secs in (("counterpoint", ours, ours_s), ("tfidf-single-pass", base, base_s)):
            path = out_dir / f"stories-dev-{name}.jsonl"
            with path.open("w", encoding="utf-8") as fh:
                for row, story in zip(dev, pred, strict=True):
                    fh.write(json.dumps({"id": row["id"], "story": story}) + "\n")
            table, scores = score_table(scorer, data / "dev.jsonl", path)
            results[name] = find_f1(scores)
            print(f"\n== {name} ({len(dev)} articles in {secs:.2f}s) ==\n{table.rstrip()}")
    ok = results["counterpoint"] >= BAR and results["counterpoint"] > results["tfidf-single-pass"]
    print(f"\nECB+ dev B-cubed F1: counterpoint {results['counterpoint']:.3f}, baseline "
          f"{results['tfidf-single-pass']:.3f}, bar {BAR:.2f} -> {'ok' if ok else 'MISSED'}")
    return ok


# -- the synthetic stream ------------------------------------------------------------------------------

_YEAR = re.compile(r"\b(19[5-9]\d|20[0-2]\d)\b")
_SYLLABLES = ["ka", "lo", "mi", "ra", "ten", "vo", "zu", "bel", "dor", "fin", "gar", "hul", "ish", "jo", "ne", "pa"]


def _invented(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _main_names(texts: list[str], k: int = 8) -> list[str]:
    """The event's most frequent capitalised words away from sentence starts: what makes it that event."""
    counts: Counter[str] = Counter()
    for text in texts:
        for m in re.finditer(r"(?<=[a-z,] )([A-Z][a-z]{2,})", text):
            counts[m.group(1)] += 1
    return [w for w, _ in counts.most_common(k)]


def _perturb(text: str, rng: random.Random, names: dict[str, str], year_shift: int, vocab: list[str]) -> str:
    lines = [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]
    if len(lines) > 3 and rng.random() < 0.7:
        head, tail = lines[:2], lines[2:]
        rng.shuffle(tail)
        lines = head + tail[: max(2, int(len(tail) * rng.uniform(0.6, 1.0)))]
    words = " ".join(lines).split(" ")
    out = []
    for w in words:
        r = rng.random()
        if r < 0.08:
            continue
        if r < 0.11:
            out.append(rng.choice(vocab))
            continue
        out.append(names.get(w.strip(".,;:\"'()"), w) if w[:1].isupper() else w)
    text = " ".join(out)
    return _YEAR.sub(lambda m: str(int(m.group(1)) + year_shift), text)


def synthetic_stream(rows: list[dict], n: int, seed: int = 7) -> Iterator[tuple[StoryInput, str]]:
    """(article, event id) pairs in page-date order; events replay ECB+ gold stories with new names."""
    rng = random.Random(seed)
    by_cluster: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_cluster[r["gold_cluster"]].append(r)
    clusters = sorted(by_cluster)
    names = {c: _main_names([r["text"] for r in by_cluster[c]]) for c in clusters}
    vocab = sorted({w for r in rows[:200] for w in r["text"].split()[:60] if w.isalpha()})
    start = date(2015, 1, 1)
    per_event = 8.0
    days = 3 * 365
    events_per_day = n / per_event / days
    pending: list[tuple[float, int, int]] = []  # (time, tie-break, event) heap of scheduled articles
    events: dict[int, dict] = {}
    emitted = 0
    tie = 0
    next_event = 0
    day = 0
    while emitted < n:
        # Open today's events and schedule their articles over the following days.
        for _ in range(sum(1 for _ in range(50) if rng.random() < events_per_day / 50) if day < days else 0):
            cluster = rng.choice(clusters)
            k = max(1, min(40, int(rng.expovariate(1 / per_event)) + 1))
            ev = {"cluster": cluster, "names": {w: _invented(rng) for w in names[cluster]},
                  "day": day, "left": k, "last": None}
            events[next_event] = ev
            for _ in range(k):
                heapq.heappush(pending, (day + rng.expovariate(1 / 1.5), tie, next_event))
                tie += 1
            next_event += 1
        while pending and pending[0][0] < day + 1 and emitted < n:
            t, _, e = heapq.heappop(pending)
            ev = events[e]
            published = start + timedelta(days=int(t))
            r = rng.random()
            if ev["last"] is not None and r < 0.05:
                text = ev["last"] if rng.random() < 0.5 else _perturb(ev["last"], rng, {}, 0, vocab)
            else:
                src = rng.choice(by_cluster[ev["cluster"]])
                src_year = next((int(y) for y in _YEAR.findall(src["text"][:2000])), published.year)
                text = _perturb(src["text"], rng, ev["names"], published.year - src_year, vocab)
            ev["last"] = text
            page: str | None = published.isoformat()
            if rng.random() < 0.1:
                page = None
            elif rng.random() < 0.01:
                page = (published + timedelta(days=rng.randint(400, 900))).isoformat()  # a re-stamped page
            title = None
            if rng.random() < 0.5:
                title = " ".join(text.split()[:10])
            yield StoryInput(f"syn-{emitted:06d}", title, text, page), f"event-{e}"
            emitted += 1
            ev["left"] -= 1
            if ev["left"] == 0:
                del events[e]
        day += 1
        if day > days and not pending:
            day = 0  # the time line is exhausted before n: wrap around (a second pass over it)
            start = start + timedelta(days=days + 30)


def rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def stream(shared: Path, n: int) -> bool:
    data = shared / "data" / "ecbplus"
    rows = load(data / "train.jsonl") + load(data / "dev.jsonl")
    grouper = StoryGrouper()
    gold: list[str] = []
    pred: list[str] = []
    dups = conflicts = 0
    print(f"\nStreaming {n:,} synthetic articles from {len(rows)} ECB+ texts (train + dev), blocks of {BLOCK:,}")
    print(f"{'block':>14s} {'ms/article':>10s} {'gen ms':>7s} {'live':>6s} {'postings':>9s} {'dup idx':>8s} "
          f"{'retired':>8s} {'RSS MB':>7s}")
    block_ms: list[float] = []
    t_group = t_gen = 0.0
    t_mark = time.perf_counter()
    it = synthetic_stream(rows, n)
    for i in range(n):
        t0 = time.perf_counter()
        art, event = next(it)
        t1 = time.perf_counter()
        a = grouper.add(art)
        t2 = time.perf_counter()
        t_gen += t1 - t0
        t_group += t2 - t1
        gold.append(event)
        pred.append(a.story)
        dups += a.duplicate_of is not None
        conflicts += a.date_conflict is not None
        if (i + 1) % BLOCK == 0 or i + 1 == n:
            size = grouper.index_size()
            count = (i % BLOCK) + 1
            block_ms.append(1000 * t_group / count)
            print(f"{i + 1 - count + 1:>6,}-{i + 1:<7,} {block_ms[-1]:10.2f} {1000 * t_gen / count:7.2f} "
                  f"{size['live_stories']:6d} {size['postings']:9d} {size['duplicate_index']:8d} "
                  f"{size['retired']:8d} {rss_mb():7.0f}")
            t_group = t_gen = 0.0
    wall = time.perf_counter() - t_mark
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    f1 = bcubed_f1(gold, pred)
    later = block_ms[1:] or block_ms
    ratio = max(later) / min(later) if later else 1.0
    print(f"total {wall:.0f}s; peak RSS {peak:.0f} MB (the process, corpus included); "
          f"{dups:,} flagged copies, {conflicts:,} date conflicts; {len(set(pred)):,} stories for "
          f"{len(set(gold)):,} synthetic events, B-cubed F1 {f1:.3f}")
    flat = ratio < 2.0
    print(f"per-article time, slowest/fastest block after the first: {ratio:.2f}x -> {'flat' if flat else 'GROWING'}")
    return flat


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="20,000 articles instead of 100,000")
    ap.add_argument("--articles", type=int, default=None, help="stream length (overrides --quick)")
    ap.add_argument("--skip-dev", action="store_true", help="only the streaming benchmark")
    ap.add_argument("--skip-stream", action="store_true", help="only the dev scores")
    ap.add_argument("--keep", type=Path, default=None, help="keep the dev predictions in this folder")
    args = ap.parse_args()

    shared = shared_dir()
    if not (shared / "data" / "ecbplus" / "dev.jsonl").exists() or not (shared / "eval").is_dir():
        print(f"missing {shared}/data/ecbplus or {shared}/eval: set COUNTERPOINT_SHARED", file=sys.stderr)
        return 2
    ok = True
    if not args.skip_dev:
        ok &= quality(shared, args.keep)
    if not args.skip_stream:
        n = args.articles or (20_000 if args.quick else 100_000)
        ok &= stream(shared, n)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

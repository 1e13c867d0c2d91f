#!/usr/bin/env python3
"""`counterpoint compare` on real multi-outlet stories, for a person to read: findings by type, and every
disputed and contradicted finding in full.

There is no gold standard for findings, so this prints no score. It exists so that a review of the
high-stakes findings (a false "disputed" or "contradicted" misleads a reader more than a missed one) can
be repeated after a change, on stories the rules were not written for.

Stories: ECB+ (`../shared/data/ecbplus/`). By default it uses the train articles that have a URL, so each
outlet is the web site (290 articles). With `--split dev`, it uses every dev article with a text (196);
where one has no URL, the record stands for its own outlet. The articles are grouped into stories by
counterpoint itself, as a user's would be.

    python bench/findings_review.py [--split train|dev] [--show disputed,contradicted]

The shared folder is ../shared next to the repository, or $COUNTERPOINT_SHARED.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    return Path(os.environ.get("COUNTERPOINT_SHARED") or ROOT.parent / "shared").resolve()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=["train", "dev"], default="train")
    ap.add_argument("--show", default="disputed,contradicted", help="finding types to print in full")
    args = ap.parse_args()
    src = shared_dir() / "data" / "ecbplus" / f"{args.split}.jsonl"
    if not src.exists():
        print(f"missing {src}: set COUNTERPOINT_SHARED", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        jsonl, db, out = Path(tmp, "articles.jsonl"), Path(tmp, "review.db"), Path(tmp, "review.json")
        n = 0
        with src.open(encoding="utf-8") as fh, jsonl.open("w", encoding="utf-8") as w:
            for line in fh:
                a = json.loads(line)
                if (args.split == "train" and not a.get("url")) or not (a.get("text") or "").strip():
                    continue
                record = {"id": a["id"], "url": a.get("url"), "title": a.get("title"), "text": a["text"],
                          "published": a.get("date")}
                w.write(json.dumps(record) + "\n")
                n += 1
        t = time.perf_counter()
        cmd = [sys.executable, "-m", "counterpoint", "compare", str(jsonl), "--db", str(db), "--json", str(out),
               "--no-color"]
        run = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if not out.exists():
            print(run.stdout[-2000:], run.stderr[-2000:], file=sys.stderr)
            return 1
        seconds = time.perf_counter() - t
        stories = json.loads(out.read_text(encoding="utf-8"))["stories"]
    counts = Counter(f["type"] for s in stories for f in s["findings"])
    print(f"ECB+ {args.split}: {n} articles, {len(stories)} stories, compared in {seconds:.0f} s")
    print("findings: " + ", ".join(f"{k} {counts[k]}" for k in sorted(counts)))
    for kind in [k for k in args.show.split(",") if k]:
        print(f"\n{kind}:")
        for s in stories:
            for f in s["findings"]:
                if f["type"] == kind:
                    print(f"- {f['summary']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

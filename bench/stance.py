#!/usr/bin/env python3
"""Stance benchmark: our stage on the FNC-1 claim-grouped dev split, beside TF-IDF + LR.

Numbers the dev gold rows (`splits/train_stances.dev.csv`) as ids, runs the stage as
`counterpoint stance` would (`counterpoint.compare.stance.classify_stance` on the
(claim, text) pairs, model loading and a warm-up excluded from the timing), writes the
predictions back in gold order as `Headline,Body ID,Stance` CSV and scores them with the
shared `eval/score_fnc.py`. In the same run it trains the usual baseline (TF-IDF of
headline and body, 5,000 words each, plus their cosine, multinomial logistic regression;
scikit-learn, bench-only) on `splits/train_stances.train.csv` and scores it the same way,
so both rows come from one process on one machine. Prints relative FNC score, macro-F1
and per-class F1 for both, and our stage's pairs/s.

The shared folder is ../shared next to the repository, or $COUNTERPOINT_SHARED.
Exit status: 0 when every goal of the stance issue is met, 1 when one is missed, 2 when
the data is missing.

    python bench/stance.py [--keep DIR] [--no-baseline]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

BAR = {"relative": 88.0, "macro_f1": 0.70, "disagree_f1": 0.45, "pairs_per_s": 20.0}
LABELS = ("agree", "disagree", "discuss", "unrelated")


def shared_dir() -> Path:
    return Path(os.environ.get("COUNTERPOINT_SHARED") or ROOT.parent / "shared").resolve()


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_pred(path: Path, gold: list[dict[str, str]], stances: list[str]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Headline", "Body ID", "Stance"])
        for row, stance in zip(gold, stances, strict=True):
            w.writerow([row["Headline"], row["Body ID"], stance])


def score(gold_csv: Path, pred_csv: Path) -> dict:
    out = subprocess.run(
        [sys.executable, str(shared_dir() / "eval" / "score_fnc.py"), "--json", str(gold_csv), str(pred_csv)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def run_ours(records: list[dict[str, str]]) -> tuple[list[str], float]:
    """The stage on `{"id", "claim", "text"}` records, as the CLI feeds it; returns stances and pairs/s."""
    from counterpoint.compare.stance import classify_stance

    classify_stance([("warm-up claim", "A warm-up text. It loads the models.")])
    t0 = time.perf_counter()
    results = classify_stance([(r["claim"], r["text"]) for r in records])
    seconds = time.perf_counter() - t0
    return [r.stance for r in results], len(records) / seconds


def run_baseline(train: list[dict[str, str]], dev: list[dict[str, str]], bodies: dict[str, str]) -> list[str]:
    """TF-IDF + logistic regression, the FNC-1 baseline family, trained here on the train split."""
    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = list(dict.fromkeys([r["Headline"] for r in train] + [bodies[r["Body ID"]] for r in train]))
    vec = TfidfVectorizer(max_features=5000, stop_words="english", sublinear_tf=True).fit(texts)

    def features(rows: list[dict[str, str]]) -> sparse.csr_matrix:
        h = vec.transform([r["Headline"] for r in rows])
        b = vec.transform([bodies[r["Body ID"]] for r in rows])
        cos = np.asarray(h.multiply(b).sum(axis=1))
        return sparse.hstack([h, b, sparse.csr_matrix(cos)]).tocsr()

    clf = LogisticRegression(max_iter=2000, C=1.0)
    clf.fit(features(train), [r["Stance"] for r in train])
    return list(clf.predict(features(dev)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--keep", type=Path, help="folder to keep the prediction CSVs in")
    ap.add_argument("--no-baseline", action="store_true", help="skip the TF-IDF + LR row")
    args = ap.parse_args()

    data = shared_dir() / "data" / "fnc1"
    gold_csv = data / "splits" / "train_stances.dev.csv"
    if not gold_csv.is_file():
        print(f"FNC-1 data not found under {data} (set COUNTERPOINT_SHARED)", file=sys.stderr)
        return 2
    bodies = {r["Body ID"]: r["articleBody"] for r in read_rows(data / "train_bodies.csv")}
    gold = read_rows(gold_csv)
    records = [{"id": str(i), "claim": r["Headline"], "text": bodies[r["Body ID"]]} for i, r in enumerate(gold)]

    out_dir = args.keep or Path(tempfile.mkdtemp(prefix="stance-bench-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    stances, pairs_per_s = run_ours(records)
    write_pred(out_dir / "ours.csv", gold, stances)
    rows.append(("counterpoint stance (MiniLM relatedness + LR)", score(gold_csv, out_dir / "ours.csv")))
    if not args.no_baseline:
        base = run_baseline(read_rows(data / "splits" / "train_stances.train.csv"), gold, bodies)
        write_pred(out_dir / "tfidf_lr.csv", gold, base)
        rows.append(("TF-IDF + logistic regression", score(gold_csv, out_dir / "tfidf_lr.csv")))

    print(f"FNC-1 claim-grouped dev: {len(gold)} pairs; predictions in {out_dir}\n")
    print(f"| {'system':<44} | rel. FNC % | macro-F1 | agree F1 | disagree F1 | discuss F1 | unrelated F1 |")
    print(f"|{'-' * 46}|---|---|---|---|---|---|")
    for name, m in rows:
        f1 = {k: m["per_class"][k]["f1"] for k in LABELS}
        print(
            f"| {name:<44} | {m['relative_score']:.2f} | {m['macro_f1']:.4f} | {f1['agree']:.3f} | "
            f"{f1['disagree']:.3f} | {f1['discuss']:.3f} | {f1['unrelated']:.3f} |"
        )
    print(f"\nour stage: {pairs_per_s:.1f} pairs/s (model loading excluded)")
    ours = rows[0][1]
    checks = {
        "relative": ours["relative_score"] >= BAR["relative"],
        "macro_f1": ours["macro_f1"] >= BAR["macro_f1"],
        "disagree_f1": ours["per_class"]["disagree"]["f1"] >= BAR["disagree_f1"],
        "pairs_per_s": pairs_per_s >= BAR["pairs_per_s"],
    }
    print("goals: " + ", ".join(f"{k} >= {BAR[k]}: {'met' if ok else 'MISSED'}" for k, ok in checks.items()))
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

"""Train the attribution frame classifier on PolNeAR train (CPU, a few minutes).

    python training/train_attribution.py                 # parse train, 5-fold CV on train, fit, write weights
    python training/train_attribution.py --cache /tmp/attr   # reuse/keep parses as DocBin files there

The engine (`counterpoint.analyse.attribution`) reads candidate frames off the
dependency parse; this script labels each candidate against PolNeAR's gold
relations (positive: its cue token lies in a gold cue and its content overlaps
that relation's content; candidates inside a gold content that match nothing
are left out, since PolNeAR does not annotate nested relations), fits an
L2-regularised logistic regression over the frame features with numpy, picks the
decision threshold by cross-validation on train (frame-level F1 of
out-of-fold scores), and writes the weights to
src/counterpoint/models/attribution/frames.json. With --cv-pred it also writes
the out-of-fold predictions as scorer input, for train-CV scores.

The data is read in place (../shared/data/polnear/train.jsonl, or
$COUNTERPOINT_SHARED/data/polnear/train.jsonl) and never copied into the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from counterpoint.analyse.attribution import (  # noqa: E402
    Model,
    _lin,
    _score,
    assemble,
    candidate_frames,
    cue_extension_options,
    source_cut_options,
    to_record,
)
from counterpoint.models import spacy_pipeline  # noqa: E402

OUT = ROOT / "src" / "counterpoint" / "models" / "attribution" / "frames.json"


def shared_dir() -> Path:
    return Path(os.environ.get("COUNTERPOINT_SHARED") or ROOT.parent / "shared")


def load_docs(split: str, cache: Path | None):
    from spacy.tokens import DocBin

    nlp = spacy_pipeline()
    data = [json.loads(line) for line in open(shared_dir() / "data" / "polnear" / f"{split}.jsonl", encoding="utf-8")]
    path = cache / f"{split}.spacy" if cache else None
    if path is not None and path.exists():
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
        if len(docs) == len(data) and all(d.text == a["text"] for d, a in zip(docs, data, strict=True)):
            return data, docs
    docs = list(nlp.pipe((a["text"] for a in data), batch_size=32))
    if path is not None:
        db = DocBin(store_user_data=False)
        for d in docs:
            db.add(d)
        path.parent.mkdir(parents=True, exist_ok=True)
        db.to_disk(path)
    return data, docs


def label(article: dict, frames, matched: list | None = None) -> list[int | None]:
    """1 / 0 per frame, None to leave it out of training; `matched` collects (frame, gold) pairs."""
    gold = article["attributions"]
    out: list[int | None] = []
    for f in frames:
        c = f.verb.idx
        cs, ce = f.content[0][0], f.content[-1][1]
        y: int | None = 0
        for g in gold:
            gs, ge = g["cue"]
            if f.type == "according":
                hit = gs <= c < ge or (gs <= c + 10 and c < ge)
            else:
                hit = gs <= c < ge
            if hit and g["content"][0] < ce and cs < g["content"][1]:
                y = 1
                if matched is not None:
                    matched.append((f, g))
                break
        if y == 0 and any(g["content"][0] <= c < g["content"][1] for g in gold):
            y = None
        out.append(y)
    return out


class Vocab:
    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def ids(self, feats: list[str], grow: bool) -> list[int]:
        out = []
        for x in feats:
            i = self.index.get(x)
            if i is None and grow:
                i = self.index[x] = len(self.index)
            if i is not None:
                out.append(i)
        return out


def fit(rows: list[list[int]], y: np.ndarray, n_feat: int, l2: float = 1.0, epochs: int = 300, lr: float = 0.5):
    """Full-batch logistic regression with Adam; rows are lists of active (binary) feature ids."""
    lens = np.array([len(r) for r in rows])
    flat = np.array([i for r in rows for i in r], dtype=np.int64)
    row_of = np.repeat(np.arange(len(rows)), lens)
    w = np.zeros(n_feat)
    b = 0.0
    m_w, v_w = np.zeros(n_feat), np.zeros(n_feat)
    m_b = v_b = 0.0
    n = len(rows)
    for t in range(1, epochs + 1):
        z = np.bincount(row_of, weights=w[flat], minlength=n) + b
        p = 1 / (1 + np.exp(-np.clip(z, -30, 30)))
        g = p - y
        gw = np.bincount(flat, weights=g[row_of], minlength=n_feat) / n + l2 * w / n
        gb = g.mean()
        m_w = 0.9 * m_w + 0.1 * gw
        v_w = 0.999 * v_w + 0.001 * gw * gw
        m_b = 0.9 * m_b + 0.1 * gb
        v_b = 0.999 * v_b + 0.001 * gb * gb
        w -= lr * 0.1 * (m_w / (1 - 0.9**t)) / (np.sqrt(v_w / (1 - 0.999**t)) + 1e-8)
        b -= lr * 0.1 * (m_b / (1 - 0.9**t)) / (np.sqrt(v_b / (1 - 0.999**t)) + 1e-8)
    return w, b


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=None, help="folder for DocBin parse caches (outside the repo)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--epochs", type=int, default=300)
    ap.add_argument("--min-count", type=int, default=2, help="drop features seen fewer times")
    ap.add_argument("--cv-pred", type=Path, default=None, help="write out-of-fold predictions (scorer input) here")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()

    t0 = time.time()
    data, docs = load_docs("train", args.cache)
    print(f"parsed/loaded {len(docs)} articles in {time.time() - t0:.0f}s", flush=True)
    all_frames = [candidate_frames(d) for d in docs]
    examples = []  # (doc index, frame index, feats, y)
    matched: list = []
    for di, (a, frames) in enumerate(zip(data, all_frames, strict=True)):
        for fi, (f, y) in enumerate(zip(frames, label(a, frames, matched), strict=True)):
            if y is not None:
                examples.append((di, fi, f.feats, y))

    # boundary decisions, learned from the frames that match a gold relation (teacher forcing)
    cue_rows: list[tuple[list[str], int]] = []
    src_rows: list[tuple[list[str], int]] = []
    for f, g in matched:
        doc = f.verb.doc
        gc_end = g["cue"][1]
        cue_extension_options(doc, f, lambda x, e, ge=gc_end: cue_rows.append((x, int(ge >= e))) or ge >= e)
        if g["source"] and f.source is not None and g["source"][0] < f.source[1] and f.source[0] < g["source"][1]:
            gs_end = g["source"][1]
            source_cut_options(doc, f, lambda x, e, ge=gs_end: src_rows.append((x, int(ge >= e))) or ge >= e)

    def fit_rows(rows: list[tuple[list[str], int]]) -> dict[str, float]:
        voc = Vocab()
        ids = [voc.ids(x, grow=True) for x, _ in rows]
        yy = np.array([lab for _, lab in rows], dtype=float)
        w, b = fit(ids, yy, len(voc.index), l2=args.l2, epochs=args.epochs)
        inv = {i: x for x, i in voc.index.items()}
        out = {inv[i]: round(float(w[i]), 4) for i in range(len(w)) if abs(w[i]) > 1e-3}
        out["_bias"] = round(float(b), 4)
        acc = np.mean([(_lin(out, x) > 0) == bool(lab) for x, lab in rows]) if rows else 0.0
        print(f"  boundary model: {len(rows)} decisions, {yy.mean() if rows else 0:.2f} positive, train accuracy {acc:.3f}")
        return out

    cue_ext = fit_rows(cue_rows)
    src_keep = fit_rows(src_rows)
    print(f"{sum(len(f) for f in all_frames)} candidate frames, {len(examples)} labelled, "
          f"{sum(e[3] for e in examples)} positive; gold relations {sum(len(a['attributions']) for a in data)}")

    from collections import Counter

    counts = Counter(x for e in examples for x in e[2])

    def train_on(idx: list[int]) -> Model:
        voc = Vocab()
        rows = []
        for k in idx:
            feats = [x for x in examples[k][2] if counts[x] >= args.min_count]
            rows.append(voc.ids(feats, grow=True))
        y = np.array([examples[k][3] for k in idx], dtype=float)
        w, b = fit(rows, y, len(voc.index), l2=args.l2, epochs=args.epochs)
        inv = {i: x for x, i in voc.index.items()}
        return Model(
            {inv[i]: round(float(w[i]), 4) for i in range(len(w)) if abs(w[i]) > 1e-3}, float(b), 0.5, cue_ext, src_keep
        )

    # cross-validation on train, folds by article
    fold_of = [di % args.folds for di in range(len(data))]
    oof = np.zeros(len(examples))
    fold_models = []
    for k in range(args.folds):
        tr = [i for i, e in enumerate(examples) if fold_of[e[0]] != k]
        m = train_on(tr)
        fold_models.append(m)
        for i, e in enumerate(examples):
            if fold_of[e[0]] == k:
                oof[i] = _score(m, e[2])
        print(f"fold {k} done ({time.time() - t0:.0f}s)", flush=True)
    y = np.array([e[3] for e in examples])
    best = (0.0, 0.5)
    for thr in np.arange(0.2, 0.8, 0.025):
        pred = oof >= thr
        tp = float((pred & (y == 1)).sum())
        p = tp / max(pred.sum(), 1)
        r = tp / max((y == 1).sum(), 1)
        f = 2 * p * r / max(p + r, 1e-9)
        if f > best[0]:
            best = (f, float(thr))
    print(f"CV frame-level F1 {100 * best[0]:.1f} at threshold {best[1]:.3f}")

    if args.cv_pred:
        with open(args.cv_pred, "w", encoding="utf-8") as fh:
            for di, (a, d, frames) in enumerate(zip(data, docs, all_frames, strict=True)):
                m = fold_models[fold_of[di]]
                m.threshold = best[1]
                atts = assemble(d, frames, m)
                fh.write(json.dumps({"id": a["id"], "statements": [to_record(d.text, x) for x in atts]}) + "\n")
        print(f"out-of-fold predictions -> {args.cv_pred}")

    final = train_on(list(range(len(examples))))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "about": "counterpoint attribution frame classifier (logistic regression over parse-frame features); "
                "trained on PolNeAR train by training/train_attribution.py",
                "bias": final.bias,
                "threshold": best[1],
                "cv_frame_f1": round(100 * best[0], 2),
                "weights": dict(sorted(final.weights.items())),
                "cue_ext": dict(sorted(cue_ext.items())),
                "src_keep": dict(sorted(src_keep.items())),
            },
            indent=0,
        ),
        encoding="utf-8",
    )
    print(f"wrote {args.out} ({len(final.weights)} weights) in {time.time() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

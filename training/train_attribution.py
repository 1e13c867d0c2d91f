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

from counterpoint.analyse.attribution import Model, assemble, score_frame, to_record  # noqa: E402
from counterpoint.analyse.boundaries import (  # noqa: E402
    best_frame_per_verb,
    chain_options,
    content_cut_options,
    content_extend_options,
    cue_extension_options,
    logit,
    source_cut_options,
    source_presence_features,
)
from counterpoint.analyse.frames import candidate_frames  # noqa: E402
from counterpoint.models import spacy_pipeline  # noqa: E402

OUT = ROOT / "src" / "counterpoint" / "models" / "attribution" / "frames.json"


def shared_dir() -> Path:
    return Path(os.environ.get("COUNTERPOINT_SHARED") or ROOT.parent / "shared")


def load_docs(split: str, cache: Path | None):
    from spacy.tokens import DocBin

    nlp = spacy_pipeline()
    with open(shared_dir() / "data" / "polnear" / f"{split}.jsonl", encoding="utf-8") as fh:
        data = [json.loads(line) for line in fh]
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
    """1 / 0 per frame, -1 inside a gold content, None to leave it out; `matched` collects (frame, gold) pairs."""
    gold = article["attributions"]
    out: list[int | None] = []
    for f in frames:
        c = f.verb.idx
        cs, ce = f.content[0][0], f.content[-1][1]
        y: int | None = 0
        for g in gold:
            gs, ge = g["cue"]
            # "according to": the cue token is "according"
            hit = gs <= c < ge or (f.type == "according" and gs <= c + 10 and c < ge)
            if hit and g["content"][0] < ce and cs < g["content"][1]:
                inter = sum(max(0, min(b, g["content"][1]) - max(a, g["content"][0])) for a, b in f.content)
                size = sum(b - a for a, b in f.content) + g["content"][1] - g["content"][0]
                # a frame with the right cue but the wrong extent teaches nothing either way
                y = 1 if 2 * inter / max(size, 1) >= 0.5 else None
                if matched is not None:
                    matched.append((f, g))
                break
        if y == 0 and any(g["content"][0] <= c < g["content"][1] for g in gold):
            y = -1  # inside a gold content: maybe a nested relation (not for the main model)
        out.append(y)
    # several frames of one verb (dobj / dobj+prep / prep...) matching one gold relation: only the
    # closest (content Dice, then exact cue) is positive, so the classifier learns to prefer it
    best: dict[tuple[int, int], tuple[float, int]] = {}
    for i, f in enumerate(frames):
        if out[i] != 1:
            continue
        g = next(
            g
            for g in gold
            if g["cue"][0] <= f.verb.idx + (10 if f.type == "according" else 0) and f.verb.idx < g["cue"][1]
        )
        gs, ge = g["content"]
        inter = sum(max(0, min(b, ge) - max(a, gs)) for a, b in f.content)
        size = sum(b - a for a, b in f.content) + ge - gs
        ct = sorted(f.cue_toks)
        doc = f.verb.doc
        cue_exact = (doc[ct[0]].idx, doc[ct[-1]].idx + len(doc[ct[-1]].text)) == tuple(g["cue"])
        q = 2 * inter / max(size, 1) + (0.5 if cue_exact else 0.0)
        key = (f.verb.i, g["cue"][0])
        if key not in best or q > best[key][0]:
            if key in best:
                out[best[key][1]] = 0
            best[key] = (q, i)
        else:
            out[i] = 0
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
    ap.add_argument(
        "--outer-threshold",
        type=float,
        default=0.0,
        help="experimental: drop a parentless relation below this (0: off)",
    )
    ap.add_argument("--no-chain", action="store_true", help="do not learn control chains as one cue")
    ap.add_argument("--threshold", type=float, default=None, help="force the decision threshold (default: CV-chosen)")
    args = ap.parse_args()

    t0 = time.time()
    data, docs = load_docs("train", args.cache)
    print(f"parsed/loaded {len(docs)} articles in {time.time() - t0:.0f}s", flush=True)
    all_frames = [candidate_frames(d) for d in docs]
    examples = []  # (doc index, frame index, feats, y)
    examples_all = []  # also the frames inside gold contents (y = -1)
    matched: list = []  # (doc index, frame, gold relation)
    for di, (a, frames) in enumerate(zip(data, all_frames, strict=True)):
        pairs: list = []
        for fi, (f, y) in enumerate(zip(frames, label(a, frames, pairs), strict=True)):
            if y is not None:
                examples_all.append((di, fi, f.feats, y))
                if y >= 0:
                    examples.append((di, fi, f.feats, y))
        matched += [(di, f, g) for f, g in pairs]

    # boundary decisions, learned from the frames that match a gold relation (teacher forcing)
    # rows: (doc index, features, keep?)
    cue_rows: list[tuple[int, list[str], int]] = []
    src_rows: list[tuple[int, list[str], int]] = []
    con_rows: list[tuple[int, list[str], int]] = []
    any_rows: list[tuple[int, list[str], int]] = []
    chain_rows: list[tuple[int, list[str], int]] = []
    ext_rows: list[tuple[int, list[str], int]] = []
    first_of_verb = [best_frame_per_verb(frames) for frames in all_frames]
    # the tokens of every gold cue: a content extension must not swallow another relation
    gold_cue_toks = [
        {t.i for g in a["attributions"] for cs, ce in g["cue_spans"] for t in d if cs <= t.idx < ce}
        for a, d in zip(data, docs, strict=True)
    ]
    for di, f, g in matched:
        doc = f.verb.doc
        # a control chain is one cue when the gold cue covers both verbs ("is set to release")
        chain_options(
            f,
            first_of_verb[di],
            lambda x, xe, hs, gc=g["cue"], di=di: chain_rows.append((di, x, int(gc[0] <= hs and gc[1] >= xe))),
        )
        gc_end = g["cue"][1]
        if f.source is not None:
            any_rows.append((di, source_presence_features(f), int(g["source"] is not None)))
        cue_extension_options(doc, f, lambda x, e, ge=gc_end, di=di: cue_rows.append((di, x, int(ge >= e))) or ge >= e)
        if g["source"] and f.source is not None and g["source"][0] < f.source[1] and f.source[0] < g["source"][1]:
            gs_end = g["source"][1]
            source_cut_options(doc, f, lambda x, e, ge=gs_end, di=di: src_rows.append((di, x, int(ge >= e))) or ge >= e)
        if len(g["content_spans"]) == 1 and f.content[0][0] < g["content"][1] and g["content"][0] < f.content[-1][1]:
            gc_end2 = g["content"][1]
            content_cut_options(
                doc, f, lambda x, e, ge=gc_end2, di=di: con_rows.append((di, x, int(ge >= e))) or ge >= e
            )
        if f.content[-1][1] <= g["content"][1] and g["content"][0] < f.content[-1][1]:
            gc_end3 = g["content"][1]
            content_extend_options(
                doc,
                f,
                lambda x, e, ge=gc_end3, di=di: ext_rows.append((di, x, int(ge >= e))) or ge >= e,
                gold_cue_toks[di] - set(f.cue_toks),
            )

    def fit_rows(rows3: list[tuple[int, list[str], int]], docs_in: set[int]) -> dict[str, float]:
        rows = [(x, lab) for di, x, lab in rows3 if di in docs_in]
        voc = Vocab()
        ids = [voc.ids(x, grow=True) for x, _ in rows]
        yy = np.array([lab for _, lab in rows], dtype=float)
        w, b = fit(ids, yy, len(voc.index), l2=args.l2, epochs=args.epochs)
        inv = {i: x for x, i in voc.index.items()}
        out = {inv[i]: round(float(w[i]), 4) for i in range(len(w)) if abs(w[i]) > 1e-3}
        out["_bias"] = round(float(b), 4)
        acc = np.mean([(logit(out, x) > 0) == bool(lab) for x, lab in rows]) if rows else 0.0
        pos = yy.mean() if rows else 0.0
        print(f"  boundary model: {len(rows)} decisions, {pos:.2f} positive, train accuracy {acc:.3f}")
        return out

    print(
        f"{sum(len(f) for f in all_frames)} candidate frames, {len(examples)} labelled, "
        f"{sum(e[3] for e in examples)} positive; gold relations {sum(len(a['attributions']) for a in data)}"
    )

    from collections import Counter

    counts = Counter(x for e in examples for x in e[2])

    def fit_outer(docs_in: set[int]) -> dict[str, float]:
        """Is a frame that found no parent an outermost relation? (frames inside gold contents are negatives)"""
        voc = Vocab()
        rows, yy = [], []
        for di, _fi, feats, y in examples_all:
            if di in docs_in:
                rows.append(voc.ids([x for x in feats if counts[x] >= args.min_count], grow=True))
                yy.append(1.0 if y == 1 else 0.0)
        w, b = fit(rows, np.array(yy), len(voc.index), l2=args.l2, epochs=args.epochs)
        inv = {i: x for x, i in voc.index.items()}
        out = {inv[i]: round(float(w[i]), 4) for i in range(len(w)) if abs(w[i]) > 1e-3}
        out["_bias"] = round(float(b), 4)
        return out

    def train_on(idx: list[int]) -> Model:
        docs_in = {examples[k][0] for k in idx}
        outer = fit_outer(docs_in) if args.outer_threshold > 0 else {}
        src_any = fit_rows(any_rows, docs_in)
        chain = fit_rows(chain_rows, docs_in) if not args.no_chain else {}
        cue_ext = fit_rows(cue_rows, docs_in)
        src_keep = fit_rows(src_rows, docs_in)
        content_keep = fit_rows(con_rows, docs_in)
        content_ext = fit_rows(ext_rows, docs_in)
        voc = Vocab()
        rows = []
        for k in idx:
            feats = [x for x in examples[k][2] if counts[x] >= args.min_count]
            rows.append(voc.ids(feats, grow=True))
        y = np.array([examples[k][3] for k in idx], dtype=float)
        w, b = fit(rows, y, len(voc.index), l2=args.l2, epochs=args.epochs)
        inv = {i: x for x, i in voc.index.items()}
        return Model(
            {inv[i]: round(float(w[i]), 4) for i in range(len(w)) if abs(w[i]) > 1e-3},
            float(b),
            0.5,
            cue_ext=cue_ext,
            src_keep=src_keep,
            content_keep=content_keep,
            outer=outer,
            outer_threshold=args.outer_threshold,
            src_any=src_any,
            chain=chain,
            content_ext=content_ext,
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
                oof[i] = score_frame(m, e[2])
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
    if args.threshold is not None:
        best = (best[0], args.threshold)
        print(f"threshold forced to {args.threshold}")

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
                "cue_ext": dict(sorted(final.cue_ext.items())),
                "src_keep": dict(sorted(final.src_keep.items())),
                "content_keep": dict(sorted(final.content_keep.items())),
                "outer": dict(sorted(final.outer.items())) if args.outer_threshold > 0 else {},
                "outer_threshold": final.outer_threshold,
                "src_any": dict(sorted(final.src_any.items())),
                "chain": dict(sorted(final.chain.items())),
                "content_ext": dict(sorted(final.content_ext.items())),
            },
            indent=0,
        ),
        encoding="utf-8",
    )
    print(f"wrote {args.out} ({len(final.weights)} weights) in {time.time() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

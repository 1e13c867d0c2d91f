"""Train the stance model (relatedness + agree/disagree/discuss) on FNC-1 train, CPU only.

    nice python training/train_stance.py --cache /tmp/stance-cache     # ~6 minutes on 2 cores, features cached
    nice python training/train_stance.py --cache /tmp/stance-cache --no-cv   # refit only

Reads ../shared/data/fnc1 (or $COUNTERPOINT_SHARED/data/fnc1) in place and trains on
`splits/train_stances.train.csv` only; the claim-grouped dev split is left to
`bench/stance.py`. Features come from `counterpoint.compare.stance.featurize`, the
same code the stage runs, so the shipped weights see at run time what they saw here.

Settings are chosen by 5-fold cross-validation on train with folds grouped by claim
(connected components of related headline/body pairs, the way the dev split is built):
a validation fold holds whole claims and its headlines never appear in the fold's
training rows, which is what an unseen story looks like. The script prints the CV
table for every setting tried, refits the best one on all of train and writes
src/counterpoint/models/stance/stance.npz (float32 weights, standardisation folded
into the first layer). torch is used here only; run time needs numpy.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from counterpoint.compare.stance import (  # noqa: E402
    FEATURE_VERSION,
    LABELS,
    RELATED_LABELS,
    WEIGHTS,
    Idf,
    body_words,
    content_stems,
    featurize,
    mlp_forward,
)
from counterpoint.models.embeddings import sentence_encoder  # noqa: E402

# Stance settings tried by CV: (name, C of the logistic regression, weight of the dense
# cue/overlap block against the TF-IDF block, class-weight power: 1 = balanced, 0 = none).
# Earlier, an MLP over claim-vs-passage embedding products/differences plus the cues scored
# 79.5% / macro-F1 0.573 / disagree 0.129 in the same CV and was dropped. C0.3-w1-cw1 did
# not converge within minutes on 2 shared cores; add settings here to widen the search.
GRID = [
    ("C0.3-w0.3-cw1", 0.3, 0.3, 1.0),
    ("C0.3-w0.3-cw0.5", 0.3, 0.3, 0.5),
    ("C1-w0.3-cw1", 1.0, 0.3, 1.0),
    ("C0.1-w0.3-cw1", 0.1, 0.3, 1.0),
]
# Log-offsets added to the agree and disagree logits, chosen on the out-of-fold scores of
# the best setting: class weighting fixes the training prior, not the decision rule.
OFFSETS = np.arange(-0.5, 1.51, 0.25)
REL_SETTING = (16, 1e-4, 8)  # relatedness MLP: hidden units, weight decay, epochs
BOW = {"max_features": 5000, "min_df": 3, "sublinear_tf": True}


def shared_dir() -> Path:
    return Path(os.environ.get("COUNTERPOINT_SHARED") or ROOT.parent / "shared")


def read_fnc(split_csv: Path, bodies_csv: Path) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """(headline, body text) pairs, labels and body ids of one stances file."""
    with open(bodies_csv, encoding="utf-8", newline="") as fh:
        bodies = {row["Body ID"]: row["articleBody"] for row in csv.DictReader(fh)}
    pairs, labels, body_ids = [], [], []
    with open(split_csv, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            pairs.append((row["Headline"], bodies[row["Body ID"]]))
            labels.append(row["Stance"])
            body_ids.append(row["Body ID"])
    return pairs, labels, body_ids


def claim_groups(pairs: list[tuple[str, str]], labels: list[str], body_ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Claim component of each row's body and of its headline (union-find over related pairs)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for (head, _), lab, bid in zip(pairs, labels, body_ids, strict=True):
        find("h:" + head)
        find("b:" + bid)
        if lab != "unrelated":
            parent[find("h:" + head)] = find("b:" + bid)
    roots = {r: i for i, r in enumerate(sorted({find(k) for k in list(parent)}))}
    body_g = np.array([roots[find("b:" + b)] for b in body_ids])
    head_g = np.array([roots[find("h:" + h)] for h, _ in pairs])
    return body_g, head_g


def build_idf(pairs: list[tuple[str, str]]) -> tuple[list[str], np.ndarray]:
    """Smoothed IDF over the distinct training texts (headlines and bodies), stems seen at least twice."""
    texts = list(dict.fromkeys([h for h, _ in pairs] + [b for _, b in pairs]))
    df: Counter[str] = Counter()
    for t in texts:
        df.update(set(content_stems(t)))
    vocab = sorted(w for w, c in df.items() if c >= 2)
    n = len(texts)
    return vocab, np.array([math.log((n + 1) / (df[w] + 1)) + 1.0 for w in vocab], dtype=np.float32)


# ---------------------------------------------------------------------- training


def fit_mlp(
    x: np.ndarray,
    y: np.ndarray,
    n_classes: int,
    hidden: int,
    wd: float,
    epochs: int,
    cw_power: float,
    dropout: float,
    seed: int = 0,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Class-weighted softmax MLP (the relatedness stage); returns numpy layers, standardisation folded in."""
    import torch

    torch.manual_seed(seed)
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-6
    xt = torch.tensor((x - mean) / std, dtype=torch.float32)
    yt = torch.tensor(y, dtype=torch.long)
    counts = np.bincount(y, minlength=n_classes).astype(np.float64)
    cw = (counts.sum() / np.maximum(counts, 1) / n_classes) ** cw_power
    if hidden:
        net = torch.nn.Sequential(
            torch.nn.Dropout(dropout / 2),
            torch.nn.Linear(x.shape[1], hidden),
            torch.nn.ReLU(),
            torch.nn.Dropout(dropout),
            torch.nn.Linear(hidden, n_classes),
        )
    else:
        net = torch.nn.Sequential(torch.nn.Dropout(dropout), torch.nn.Linear(x.shape[1], n_classes))
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=wd)
    loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor(cw, dtype=torch.float32))
    gen = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        net.train()
        for idx in torch.randperm(len(xt), generator=gen).split(256):
            opt.zero_grad()
            loss_fn(net(xt[idx]), yt[idx]).backward()
            opt.step()
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    layers = [
        (m.weight.detach().numpy().T.astype(np.float64), m.bias.detach().numpy().astype(np.float64)) for m in linears
    ]
    w0, b0 = layers[0]
    layers[0] = (w0 / std[:, None], b0 - (mean / std) @ w0)
    return layers


def fit_stance(
    dense: np.ndarray, bodies: list[str], y: np.ndarray, c: float, w: float, cw_power: float
) -> tuple[list[tuple[np.ndarray, np.ndarray]], list[str], np.ndarray]:
    """Multinomial logistic regression over [standardised dense * w, body TF-IDF], as one numpy layer.

    Returns the layer (standardisation and w folded in), the TF-IDF vocabulary and its IDF.
    """
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    distinct = list(dict.fromkeys(bodies))
    vec = TfidfVectorizer(**BOW).fit(distinct)
    vocab = [str(t) for t in vec.get_feature_names_out()]
    idf = vec.idf_.astype(np.float64)
    x_bow = stance_input(np.zeros((len(bodies), 0)), bodies, vocab, idf)
    mean, std = dense.mean(axis=0), dense.std(axis=0) + 1e-6
    x = sparse.hstack([sparse.csr_matrix((dense - mean) / std * w), sparse.csr_matrix(x_bow)]).tocsr()
    counts = np.bincount(y, minlength=3).astype(np.float64)
    cw = (counts.sum() / np.maximum(counts, 1) / 3) ** cw_power
    clf = LogisticRegression(C=c, max_iter=3000, class_weight=dict(enumerate(cw)))
    clf.fit(x, y)
    coef = clf.coef_.T.astype(np.float64)  # (features, 3)
    nd = dense.shape[1]
    wd = coef[:nd] * w / std[:, None]
    bias = clf.intercept_.astype(np.float64) - (mean / std * w) @ coef[:nd]
    return [(np.concatenate([wd, coef[nd:]], axis=0), bias)], vocab, idf


def stance_input(dense: np.ndarray, bodies: list[str], vocab: list[str], idf: np.ndarray) -> np.ndarray:
    """Dense features beside the body TF-IDF rows, computed once per distinct body."""
    from counterpoint.compare.stance import bow_matrix

    distinct = list(dict.fromkeys(bodies))
    rows = bow_matrix(distinct, {t: j for j, t in enumerate(vocab)}, idf)
    row_of = {b: j for j, b in enumerate(distinct)}
    return np.concatenate([dense, rows[[row_of[b] for b in bodies]]], axis=1)


# ---------------------------------------------------------------------- metrics (as score_fnc.py)


def fnc_metrics(gold: list[str], pred: list[str]) -> dict[str, float]:
    score = best = 0.0
    for g, p in zip(gold, pred, strict=True):
        best += 0.25 if g == "unrelated" else 1.0
        if g == p:
            score += 0.25 if g == "unrelated" else 1.0
        elif g != "unrelated" and p != "unrelated":
            score += 0.25
    f1 = {}
    for lab in LABELS:
        tp = sum(g == p == lab for g, p in zip(gold, pred, strict=True))
        fp = sum(p == lab != g for g, p in zip(gold, pred, strict=True))
        fn = sum(g == lab != p for g, p in zip(gold, pred, strict=True))
        f1[lab] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return {"relative": 100 * score / best, "macro_f1": float(np.mean(list(f1.values()))), **f1}


def predict_probs(rel_layers, stance_layers, rel_x, stance_x) -> tuple[np.ndarray, np.ndarray]:
    return mlp_forward(rel_x, rel_layers), mlp_forward(stance_x, stance_layers)


def decide(p_rel: np.ndarray, p_st: np.ndarray, offsets: tuple[float, float] = (0.0, 0.0)) -> list[str]:
    p_st = p_st * np.exp([offsets[0], offsets[1], 0.0])
    p_st = p_st / p_st.sum(axis=1, keepdims=True)
    probs = np.concatenate([p_rel[:, :1] * p_st, p_rel[:, 1:]], axis=1)
    return [LABELS[i] for i in probs.argmax(axis=1)]


def goal(m: dict[str, float]) -> float:
    return m["macro_f1"] + m["relative"] / 100


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", type=Path, help="folder (outside the repo) to keep the train features in")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument(
        "--no-cv",
        action="store_true",
        help="skip CV: refit the first setting of the grid, without the CV-chosen offsets",
    )
    ap.add_argument("--out", type=Path, default=WEIGHTS)
    args = ap.parse_args()

    import torch

    torch.set_num_threads(1)  # tiny matrices: threads cost more than they save
    data = shared_dir() / "data" / "fnc1"
    pairs, labels, body_ids = read_fnc(data / "splits" / "train_stances.train.csv", data / "train_bodies.csv")
    print(f"train rows: {len(pairs)}  {dict(Counter(labels))}", flush=True)
    vocab, idf_values = build_idf(pairs)
    idf = Idf(vocab, idf_values)

    cache = args.cache / f"train_features_v{FEATURE_VERSION}.npz" if args.cache else None
    if cache is not None and cache.is_file():
        z = np.load(cache)
        rel_x, stance_x = z["rel"], z["stance"]
        print(f"features from {cache}", flush=True)
    else:
        t0 = time.time()
        rel_x, stance_x = featurize(pairs, sentence_encoder(), idf)
        print(f"features: {time.time() - t0:.0f}s", flush=True)
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            np.savez(cache, rel=rel_x, stance=stance_x)

    y = np.array([LABELS.index(lab) for lab in labels])
    y_rel = (y == 3).astype(int)  # columns: related, unrelated
    related = y != 3
    words = [body_words(b) for _, b in pairs]
    body_g, head_g = claim_groups(pairs, labels, body_ids)
    rng = np.random.default_rng(0)
    claims = rng.permutation(np.unique(body_g))
    fold_of = {int(g): i % args.folds for i, g in enumerate(claims)}
    body_fold = np.array([fold_of[int(g)] for g in body_g])
    head_fold = np.array([fold_of.get(int(g), -1) for g in head_g])

    best = (GRID[0], None)
    offsets = (0.0, 0.0)
    if not args.no_cv:
        print(f"\n{args.folds}-fold CV on train, folds grouped by claim ({len(claims)} claims)")
        print(f"{'setting':<22} {'rel%':>6} {'macroF1':>8} {'agree':>6} {'disag':>6} {'discu':>6} {'unrel':>6}")
        fold_rel = {}
        for k in range(args.folds):
            tr = (body_fold != k) & (head_fold != k)
            fold_rel[k] = fit_mlp(rel_x[tr], y_rel[tr], 2, *REL_SETTING, cw_power=0.0, dropout=0.1)
        for setting in GRID:
            name, c, w, cwp = setting
            oof_r, oof_s = np.zeros((len(y), 2)), np.zeros((len(y), 3))
            for k in range(args.folds):
                tr = np.flatnonzero((body_fold != k) & (head_fold != k) & related)
                va = np.flatnonzero(body_fold == k)
                st, vocab_k, idf_k = fit_stance(stance_x[tr], [words[i] for i in tr], y[tr], c, w, cwp)
                x_va = stance_input(stance_x[va], [words[i] for i in va], vocab_k, idf_k)
                oof_r[va], oof_s[va] = predict_probs(fold_rel[k], st, rel_x[va], x_va)
            m = fnc_metrics(labels, decide(oof_r, oof_s))
            print(
                f"{name:<22} {m['relative']:6.2f} {m['macro_f1']:8.4f} {m['agree']:6.3f} {m['disagree']:6.3f} "
                f"{m['discuss']:6.3f} {m['unrelated']:6.3f}",
                flush=True,
            )
            if best[1] is None or goal(m) > goal(best[1]):
                best = (setting, m)
                best_oof = (oof_r, oof_s)
        print(f"best: {best[0][0]}  {json.dumps({k: round(v, 4) for k, v in best[1].items()})}")
        scored = []
        for oa in OFFSETS:
            for od in OFFSETS:
                scored.append((goal(fnc_metrics(labels, decide(*best_oof, (oa, od)))), float(oa), float(od)))
        _, oa, od = max(scored)
        offsets = (oa, od)
        m = fnc_metrics(labels, decide(*best_oof, offsets))
        print(f"offsets agree {oa:+.2f} disagree {od:+.2f}: {json.dumps({k: round(v, 4) for k, v in m.items()})}")

    name, c, w, cwp = best[0]
    rel_layers = fit_mlp(rel_x, y_rel, 2, *REL_SETTING, cw_power=0.0, dropout=0.1)
    rel_idx = np.flatnonzero(related)
    st_layers, bow_vocab, bow_idf = fit_stance(stance_x[rel_idx], [words[i] for i in rel_idx], y[rel_idx], c, w, cwp)
    st_layers[-1] = (st_layers[-1][0], st_layers[-1][1] + np.array([offsets[0], offsets[1], 0.0]))
    out: dict[str, np.ndarray] = {
        "feature_version": np.array(FEATURE_VERSION),
        "labels": np.array(LABELS),
        "related_labels": np.array(RELATED_LABELS),
        "setting": np.array(name),
        "idf_vocab": np.array(vocab),
        "idf_values": idf_values.astype(np.float32),
        "bow_vocab": np.array(bow_vocab),
        "bow_idf": bow_idf.astype(np.float32),
    }
    for prefix, layers in (("rel", rel_layers), ("stance", st_layers)):
        for j, (w, b) in enumerate(layers):
            out[f"{prefix}_w{j}"] = w.astype(np.float32)
            out[f"{prefix}_b{j}"] = b.astype(np.float32)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB), setting {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Make each finding's `confidence` the probability that it is right, by cross-validation.

    python training/findings/calibrate.py

The keyed stories are compared out-of-fold (every learned part trained without the story,
`tune.CV`); each finding is judged right or wrong exactly as the shared scorer judges it (its
`score_story`, imported); and per finding type a logistic curve maps the raw score the finding
came with and what the finding shows (`compare.calibration.features`) to P(right). A type with
fewer than MIN_FINDINGS findings gets a constant, its smoothed rate of being right. Before fitting
on all the findings, the same fit is cross-validated by story (5 folds) and its Brier score printed
beside the raw score's and the previous three-feature curve's (raw score, rank, outlets). The curves
are written to src/counterpoint/models/claims/calibration.json, which `compare` applies to every
finding.

The two kinds of keyed story weigh the same in every fit (`kind_weights`): three in four are FNC-1 rumours,
whose findings are right less often than those of the ECB+ events, and a curve fitted on the raw mix would
learn the rumours' rate for every story. 5-fold CV on the 149 stories, out-of-fold Brier on ECB+ / FNC-1
findings: 0.1640 / 0.2020 unweighted, 0.1583 / 0.2044 balanced (pooled 0.1937 / 0.1943).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fit
import lab
import tune

from counterpoint.compare.calibration import MODEL, TYPES, features
from counterpoint.model import Finding

sys.path.insert(0, str(lab.shared_dir() / "eval"))
import score_findings

MIN_FINDINGS = 30  # fewer findings of a type than this say too little about how often it is right
CEILINGS = (0.9, 0.92, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99, 1.0)  # the caps `ceiling` chooses among


def judged(story: Path, comp: dict) -> list[tuple[dict, bool]]:
    """Every finding of the comparison with the scorer's verdict on it."""
    files = lab.article_files(story)
    aid_of = {f.stem: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
    texts = {a["id"]: a.get("text", "") for st in comp.get("stories", []) for a in st.get("articles", [])}
    for i, st in enumerate(comp.get("stories", [])):
        for f in st.get("findings", []):
            f["_story"] = f"{story.name}/{i}"
    raw = [f for st in comp.get("stories", []) for f in st.get("findings", []) if f.get("type") in score_findings.TYPES]
    # the scorer appends one Brier term per finding, in order: (confidence - right)^2 tells right from wrong
    marked = [dict(f, confidence=0.25) for f in raw]
    marked_comp = {"stories": [dict(st, findings=[m for m in marked if m["_story"].endswith(f"/{i}")])
                               for i, st in enumerate(comp.get("stories", []))]}
    result = score_findings.score_story(score_findings.Key(str(story), texts, aid_of), marked_comp)
    verdicts = [abs(b - 0.5625) < 1e-9 for b in result["brier"]]  # (0.25 - 1)^2 when right
    return list(zip(raw, verdicts, strict=True))


def _kind(story: str) -> str:
    """A keyed story's kind: the name before its first "-" ("ecb", "fnc")."""
    return story.split("-", 1)[0]


def kind_weights(names: np.ndarray) -> np.ndarray:
    """One weight per finding, by its story's kind, so that every kind weighs the same in a fit and the weights
    average 1."""
    kinds = np.array([_kind(n) for n in names])
    found = sorted(set(kinds.tolist()))
    share = {k: (kinds == k).sum() for k in found}
    return np.array([len(kinds) / (len(found) * share[k]) for k in kinds])


def _fit(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> dict:
    if len(y) < MIN_FINDINGS or len(set(y.tolist())) < 2:
        # too few findings of this type to fit a curve: how often they were right, one right and one wrong added
        rate = ((w * y).sum() + 1) / (w.sum() + 2)
        return {"weights": [], "bias": float(np.log(rate / (1 - rate)))}
    weights, b = fit.logistic(x, y, l2=1.0, weights=w)
    return {"weights": weights.tolist(), "bias": b}


def _predict(curve: dict, x: np.ndarray) -> np.ndarray:
    w = np.array(curve["weights"]) if curve["weights"] else np.zeros(x.shape[1])
    return 1 / (1 + np.exp(-(x @ w + curve["bias"])))


def ceiling(p: np.ndarray, y: np.ndarray) -> float:
    """The highest confidence a finding of the type may show: the cap on out-of-fold probabilities with the
    lowest Brier (the highest such cap on a tie). A logistic curve runs to 0.999 for findings that are right
    0.96 of the time; no finding is certain, and a reader takes "1.00" for certainty."""
    best = min(CEILINGS, key=lambda c: (round(float(np.mean((np.minimum(p, c) - y) ** 2)), 6), -c))
    return float(best)


def main() -> None:
    cv = tune.CV()
    current = json.loads((lab.ROOT / "src/counterpoint/models/claims/pairs.json").read_text())
    models = cv.models(1.0, **{k: float(current[k]) for k in tune.THRESHOLDS if k in current})
    rows: dict[str, list[tuple[str, list[float], float]]] = {t: [] for t in TYPES}
    for story in cv.stories:
        comp = cv.compare(story, models, calibrated=False)
        lengths = {a["id"]: len(a.get("text", "")) for st in comp["stories"] for a in st["articles"]}
        outlets = max((len(st["outlets"]) for st in comp["stories"]), default=0)
        rank: dict[str, int] = {}
        for f, right in judged(story, comp):
            rank[f["type"]] = rank.get(f["type"], 0) + 1
            rows[f["type"]].append((story.name, features(Finding.from_dict(f), rank[f["type"]], outlets, lengths),
                                    float(right)))
    curves, errors = {}, {"raw score": [], "raw, rank, outlets": [], "these features": [], "with the ceiling": []}
    by_kind: dict[str, list[float]] = {}
    for t, data in rows.items():
        if not data:
            continue
        names = np.array([n for n, _, _ in data])
        x = np.array([xx for _, xx, _ in data])
        y = np.array([yy for _, _, yy in data])
        held_out = np.zeros(len(y))  # each finding's out-of-fold probability, for the ceiling
        for held in cv.folds:  # out-of-fold Brier of each way of calibrating
            test = np.isin(names, list(held))
            if not test.any():
                continue
            errors["raw score"] += list((x[test, 0] - y[test]) ** 2)
            for name, cols in (("raw, rank, outlets", slice(0, 3)), ("these features", slice(None))):
                curve = _fit(x[~test][:, cols], y[~test], kind_weights(names[~test]))
                err = (_predict(curve, x[test][:, cols]) - y[test]) ** 2
                errors[name] += list(err)
                if name == "these features":
                    held_out[test] = _predict(curve, x[test][:, cols])
                    for n, e in zip(names[test], err, strict=True):
                        by_kind.setdefault(_kind(n), []).append(float(e))
        curves[t] = _fit(x, y, kind_weights(names))
        curves[t]["ceiling"] = ceiling(held_out, y)
        errors["with the ceiling"] += list((np.minimum(held_out, curves[t]["ceiling"]) - y) ** 2)
        kind = "constant" if not curves[t]["weights"] else "curve"
        print(f"{t:15} {len(y):4d} findings, {y.mean():.2f} right: {kind}, ceiling {curves[t]['ceiling']:.2f}")
    for name, e in errors.items():
        print(f"out-of-fold Brier, {name}: {float(np.mean(e)):.4f} over {len(e)} findings")
    for story_kind, e in sorted(by_kind.items()):
        print(f"  these features, {story_kind} stories: {float(np.mean(e)):.4f} over {len(e)} findings")
    MODEL.write_text(json.dumps(curves, indent=1) + "\n")
    print(f"-> {MODEL}")


if __name__ == "__main__":
    main()

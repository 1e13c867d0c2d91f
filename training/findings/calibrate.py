#!/usr/bin/env python3
"""Make each finding's `confidence` the probability that it is right, by cross-validation.

    python training/findings/calibrate.py

The keyed stories are compared out-of-fold (every learned part trained without the story,
`tune.CV`); each finding is judged right or wrong exactly as the shared scorer judges it (its
`score_story`, imported); and per finding type a logistic curve maps the raw score the finding
came with (and, for omissions, its rank in the story) to P(right). The curves are written to
src/counterpoint/models/claims/calibration.json, which `compare` applies to every finding.
"""

from __future__ import annotations

import functools
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
from counterpoint.workflow import compare_stored

sys.path.insert(0, str(lab.shared_dir() / "eval"))
import score_findings

MIN_FINDINGS = 30  # fewer findings of a type than this say too little about how often it is right


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


def main() -> None:
    cv = tune.CV()
    current = json.loads((lab.ROOT / "src/counterpoint/models/claims/pairs.json").read_text())
    models = cv.models(1.0, **{k: float(current[k]) for k in tune.THRESHOLDS if k in current})
    rows: dict[str, list[tuple[list[float], float]]] = {t: [] for t in TYPES}
    for story in cv.stories:
        compare = functools.partial(compare_stored, pair_model=models[story.name], calibrated=False)
        comp = lab.compare_story_dir(story, compare)
        rank: dict[str, int] = {}
        for f, right in judged(story, comp):
            rank[f["type"]] = rank.get(f["type"], 0) + 1
            rows[f["type"]].append((features(f["confidence"], rank[f["type"]], len(f.get("outlets", []))),
                                    float(right)))
    curves = {}
    for t, data in rows.items():
        if len(data) < MIN_FINDINGS or len({y for _, y in data}) < 2:
            # too few findings of this type to say how often they are right: the raw score stands
            print(f"{t:15} {len(data):4d} findings: too few to calibrate, raw score kept")
            continue
        x = np.array([xx for xx, _ in data])
        y = np.array([yy for _, yy in data])
        w, b = fit.logistic(x, y, l2=1.0)
        p = 1 / (1 + np.exp(-(x @ w + b)))
        before = float(np.mean((x[:, 0] - y) ** 2))
        print(f"{t:15} {len(y):4d} findings, {y.mean():.2f} right; Brier of the raw score {before:.3f},"
              f" calibrated (in-sample) {float(np.mean((p - y) ** 2)):.3f}")
        curves[t] = {"weights": w.tolist(), "bias": b}
    MODEL.write_text(json.dumps(curves, indent=1) + "\n")
    print(f"-> {MODEL}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Train the claim-pair model (P(two units report the same claim)) on the project's keyed stories.

    python training/findings/train_pairs.py [--cv] [--l2 1.0]

Data: `training/findings/keys/` (the stories we annotated; never the findings dev keys), their
articles rebuilt from ../shared and analysed by counterpoint itself (`lab.py`). Candidate pairs
are chosen exactly as `compare` chooses them (`compare/pairs.py`); a pair is positive when the
two units carry a common key claim. With --cv, 5-fold cross-validation by story prints average
precision and the best F1 of the held-out folds. The model is then fitted on all the stories and
written to src/counterpoint/models/claims/pairs.json (the decision thresholds in it are set by
`training/findings/tune.py`, which scores whole comparisons by cross-validation).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data
import fit

from counterpoint.compare.pairs import FEATURES, MODEL, PairModel, Scored, score_pairs
from counterpoint.models.embeddings import sentence_encoder


def story_scored(story: data.KeyedStory) -> Scored:
    """The story's candidate pairs and their features, as `compare` computes them (the costly part: it embeds)."""
    units = [ku.unit for ku in story.units]
    entities = {a.id: a.analysis.entities if a.analysis else [] for a in story.articles}
    lengths = {a.id: len(a.text) for a in story.articles}
    return score_pairs(units, sentence_encoder(), entities, lengths, None)


def story_pairs(story: data.KeyedStory, scored: Scored | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs' features, and their labels: same claim, one refutes the other."""
    scored = scored if scored is not None else story_scored(story)
    labels = [data.pair_label(story, story.units[i], story.units[j]) for i, j in scored.pairs]
    y = np.array([[float(x == "same"), float(x == "refutation")] for x in labels]).reshape(len(labels), 2)
    return scored.features, y


def train(xs: list[np.ndarray], ys: list[np.ndarray], l2: float) -> PairModel:
    x, y = np.vstack(xs), np.concatenate(ys)
    mean, scale = fit.standardise(x)
    w, b = fit.logistic((x - mean) / scale, y[:, 0], l2=l2)
    return PairModel(mean, scale, w, b, link=0.5, carried=0.4)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cv", action="store_true")
    ap.add_argument("--l2", type=float, default=1.0)
    args = ap.parse_args()
    stories = data.all_stories("train")
    per = {s.name: story_pairs(s) for s in stories}
    if args.cv:
        scores, labels = [], []
        for held in fit.folds(list(per)):
            model = train([per[n][0] for n in per if n not in held], [per[n][1] for n in per if n not in held],
                          args.l2)
            for n in held:
                scores.append(model.predict(per[n][0]))
                labels.append(per[n][1])
        s, y = np.concatenate(scores), np.concatenate(labels)
        cos = np.concatenate([per[n][0][:, 0] for n in per])
        ycos = np.concatenate([per[n][1][:, 0] for n in per])
        print(f"{len(y)} candidate pairs, {int(y[:, 0].sum())} same-claim, {int(y[:, 1].sum())} refutations")
        print(f"same claim: held-out AP {fit.average_precision(s, y[:, 0]):.3f}, best F1"
              f" {fit.best_f1(s, y[:, 0])[0]:.3f} at {fit.best_f1(s, y[:, 0])[1]:.2f}; cosine alone: AP"
              f" {fit.average_precision(cos, ycos):.3f}, best F1 {fit.best_f1(cos, ycos)[0]:.3f}")

    model = train([x for x, _ in per.values()], [y for _, y in per.values()], args.l2)
    old = json.loads(MODEL.read_text()) if MODEL.exists() else {}
    kept = {k: float(old[k]) for k in ("link", "carried", "contradicts_at") if k in old}
    model = dataclasses.replace(model, **kept)
    MODEL.parent.mkdir(parents=True, exist_ok=True)
    MODEL.write_text(json.dumps(model.to_dict(), indent=1) + "\n")
    print("weights:", ", ".join(f"{f} {w:+.2f}" for f, w in zip(FEATURES, model.weights, strict=True)))
    print(f"-> {MODEL}")


if __name__ == "__main__":
    main()

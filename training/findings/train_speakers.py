#!/usr/bin/env python3
"""Train the speaker model (is this grammatical source a person, organisation or anonymous group?).

    python training/findings/train_speakers.py [--cv]

Each speaker the analysis finds in the keyed stories' articles is positive when the key lists it
among the story's speakers (matched as the shared scorer matches names). With --cv, 5-fold
cross-validation by story prints precision and recall of the kept speakers at several thresholds;
the list threshold is kept as it is (it is chosen on whole comparisons, where the scorer de-duplicates
names: `--threshold` sets it).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data
import fit

from counterpoint.compare.speakers import FEATURES, MODEL, SpeakerModel, cues_by_speaker, speaker_features

_TRANS = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def _nm(s: str | None) -> tuple[str, ...]:
    return tuple(re.sub(r"[^a-z ]", " ", (s or "").lower().translate(_TRANS)).split())


def _same(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return bool(a and b) and (a == b or set(a) <= set(b) or set(b) <= set(a)) and any(
        len(w) >= 3 for w in min(a, b, key=len))


def story_speakers(story: data.KeyedStory) -> tuple[np.ndarray, np.ndarray]:
    gold = [_nm(s["name"]) for s in story.key.get("speakers", [])]
    xs, ys = [], []
    for a in story.articles:
        if a.analysis is None:
            continue
        cues = cues_by_speaker(a.analysis.statements)
        for sp in a.analysis.speakers:
            xs.append(speaker_features(sp, a.analysis.entities, cues.get(sp.key or sp.name, [])))
            ys.append(float(any(_same(_nm(sp.name), g) for g in gold)))
    return np.array(xs, dtype=np.float64).reshape(len(xs), len(FEATURES)), np.array(ys)


def train(xs: list[np.ndarray], ys: list[np.ndarray], threshold: float = 0.5) -> SpeakerModel:
    x, y = np.vstack(xs), np.concatenate(ys)
    mean, scale = fit.standardise(x)
    w, b = fit.logistic((x - mean) / scale, y, l2=1.0)
    return SpeakerModel(mean, scale, w, b, threshold)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cv", action="store_true")
    ap.add_argument("--threshold", type=float, help="P(real speaker) from which a speaker is listed")
    args = ap.parse_args()
    per = {s.name: story_speakers(s) for s in data.all_stories("train")}
    if args.cv:
        scores, labels = [], []
        for held in fit.folds(list(per)):
            model = train([per[n][0] for n in per if n not in held], [per[n][1] for n in per if n not in held])
            for n in held:
                scores.append(model.predict(per[n][0]))
                labels.append(per[n][1])
        s, y = np.concatenate(scores), np.concatenate(labels)
        print(f"{len(y)} speakers found by the analysis, {int(y.sum())} real ({y.mean():.2f})")
        for t in np.arange(0.2, 0.9, 0.05):
            keep = s >= t
            p = float(y[keep].mean()) if keep.any() else 0.0
            r = float(y[keep].sum() / max(1, y.sum()))
            f = 2 * p * r / (p + r) if p + r else 0.0
            print(f"  threshold {t:.2f}: precision {p:.3f} recall {r:.3f} F1 {f:.3f}")
    old = json.loads(MODEL.read_text()) if MODEL.exists() else {}
    model = train([x for x, _ in per.values()], [y for _, y in per.values()],
                  args.threshold if args.threshold is not None else float(old.get("threshold", 0.6)))
    MODEL.parent.mkdir(parents=True, exist_ok=True)
    MODEL.write_text(json.dumps(model.to_dict(), indent=1) + "\n")
    print("weights:", ", ".join(f"{f} {w:+.2f}" for f, w in zip(FEATURES, model.weights, strict=True)))
    print(f"threshold {model.threshold} -> {MODEL}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Train the speaker model (is this grammatical source a person, organisation or anonymous group?).

    python training/findings/train_speakers.py [--cv]

Each speaker the analysis finds in the keyed stories' articles is positive when the key lists it
among the story's speakers (matched as the shared scorer matches names). With --cv, 5-fold
cross-validation by story prints precision and recall at several thresholds twice: over every speaker
the analysis found, and over each story's list of names as the shared scorer counts it (names
de-duplicated per story, a key speaker found when any listed name matches it). The list threshold is
kept as it is unless `--threshold` sets it.
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

from counterpoint.compare.speakers import FEATURES, HANDMADE, MODEL, SpeakerModel, speaker_rows
from counterpoint.models.embeddings import sentence_encoder

_TRANS = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def _nm(s: str | None) -> tuple[str, ...]:
    return tuple(re.sub(r"[^a-z ]", " ", (s or "").lower().translate(_TRANS)).split())


def _same(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return bool(a and b) and (a == b or set(a) <= set(b) or set(b) <= set(a)) and any(
        len(w) >= 3 for w in min(a, b, key=len))


def _gold(story: data.KeyedStory) -> list[tuple[str, ...]]:
    return list(dict.fromkeys(_nm(s["name"]) for s in story.key.get("speakers", [])))


def story_speakers(story: data.KeyedStory) -> tuple[np.ndarray, np.ndarray]:
    """Each speaker the analysis finds, as `compare` reads it, and whether the key lists it."""
    gold = _gold(story)
    xs, ys = [], []
    for a in story.articles:
        if a.analysis is None or not a.analysis.speakers:
            continue
        xs.append(speaker_rows(a.analysis.speakers, a.analysis.entities, a.analysis.statements, sentence_encoder()))
        ys += [float(any(_same(_nm(sp.name), g) for g in gold)) for sp in a.analysis.speakers]
    return (np.vstack(xs) if xs else np.zeros((0, len(FEATURES)))), np.array(ys)


def speaker_names(story: data.KeyedStory) -> list[tuple[str, ...]]:
    """The analysis speakers' names, in the order of `story_speakers`' rows."""
    return [_nm(sp.name) for a in story.articles if a.analysis is not None for sp in a.analysis.speakers]


def listed_counts(story: data.KeyedStory, names: list[tuple[str, ...]], p: np.ndarray,
                  threshold: float) -> tuple[int, int, int, int]:
    """(names listed, of them right, key speakers, of them found), as the shared scorer counts a story."""
    gold = _gold(story)
    listed = list(dict.fromkeys(n for n, q in zip(names, p, strict=True) if q >= threshold and n))
    return (len(listed), sum(any(_same(n, g) for g in gold) for n in listed), len(gold),
            sum(any(_same(n, g) for n in listed) for g in gold))


# The name embedding's 384 weights are penalised this much harder than the 17 made by hand. 5-fold story CV of
# the listed names at 0.6, penalties 30 / 100 / 300 / 1,000 / 3,000: precision 0.784 / 0.796 / 0.811 / 0.807 /
# 0.793, recall 0.627 / 0.639 / 0.654 / 0.661 / 0.661, against 0.790 / 0.661 without the embedding; 1,000 is at
# least as good at every threshold from 0.55 to 0.7.
NAME_PENALTY = 1000.0


def train(xs: list[np.ndarray], ys: list[np.ndarray], threshold: float = 0.5) -> SpeakerModel:
    x, y = np.vstack(xs), np.concatenate(ys)
    mean, scale = fit.standardise(x)
    penalty = np.full(x.shape[1], 1.0)
    penalty[len(HANDMADE):] = NAME_PENALTY
    w, b = fit.logistic((x - mean) / scale, y, l2=penalty)
    return SpeakerModel(mean, scale, w, b, threshold)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cv", action="store_true")
    ap.add_argument("--threshold", type=float, help="P(real speaker) from which a speaker is listed")
    args = ap.parse_args()
    stories = {s.name: s for s in data.all_stories("train")}
    per = {n: story_speakers(s) for n, s in stories.items()}
    if args.cv:
        held_out: dict[str, np.ndarray] = {}
        for held in fit.folds(list(per)):
            model = train([per[n][0] for n in per if n not in held], [per[n][1] for n in per if n not in held])
            held_out.update({n: model.predict(per[n][0]) for n in held})
        s, y = np.concatenate([held_out[n] for n in per]), np.concatenate([per[n][1] for n in per])
        names = {n: speaker_names(stories[n]) for n in per}
        print(f"{len(y)} speakers found by the analysis, {int(y.sum())} real ({y.mean():.2f});"
              " precision / recall over them, and over each story's listed names as the scorer counts them:")
        for t in np.arange(0.2, 0.9, 0.05):
            keep = s >= t
            p = float(y[keep].mean()) if keep.any() else 0.0
            r = float(y[keep].sum() / max(1, y.sum()))
            f = 2 * p * r / (p + r) if p + r else 0.0
            c = np.sum([listed_counts(stories[n], names[n], held_out[n], t) for n in per], axis=0)
            lp, lr = c[1] / max(1, c[0]), c[3] / max(1, c[2])
            print(f"  threshold {t:.2f}: precision {p:.3f} recall {r:.3f} F1 {f:.3f};"
                  f" listed names: precision {lp:.3f} recall {lr:.3f} F1 {2 * lp * lr / max(1e-9, lp + lr):.3f}")
    old = json.loads(MODEL.read_text()) if MODEL.exists() else {}
    model = train([x for x, _ in per.values()], [y for _, y in per.values()],
                  args.threshold if args.threshold is not None else float(old.get("threshold", 0.6)))
    MODEL.parent.mkdir(parents=True, exist_ok=True)
    MODEL.write_text(json.dumps(model.to_dict(), indent=1) + "\n")
    print("weights:", ", ".join(f"{f} {w:+.2f}" for f, w in zip(HANDMADE, model.weights, strict=False)))
    print(f"threshold {model.threshold} -> {MODEL}")


if __name__ == "__main__":
    main()

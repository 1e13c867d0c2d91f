"""A finding's confidence as the probability that it is right.

Each finding type comes with a raw score of its own (a pair probability, a salience times an
absence, a refutation probability); what a reader needs is how often findings like it are right.
Per type, a logistic curve maps the raw score and what the finding itself shows to that
probability: its rank among the story's findings of its type, how many outlets it involves and
leaves out, how much text its evidence covers and where in the article it starts, whether it rests
on a reported statement, and whether its words hold figures or names. The curves are fitted by
`training/findings/calibrate.py` on out-of-fold comparisons of the keyed stories, each finding
judged right or wrong exactly as the shared scorer judges it. A type with too few findings to fit
a curve gets a constant: how often its findings were right (with one right and one wrong added). Each type's
confidence stops at a ceiling chosen on the same out-of-fold findings (no finding is certain).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from counterpoint.model import Finding

MODEL = Path(__file__).resolve().parents[1] / "models" / "claims" / "calibration.json"
TYPES = ("disputed", "contradicted", "single_sourced", "corroborated", "omitted")
FEATURES = ("raw", "first_ranks", "outlets", "absent_share", "evidence_chars", "statement", "reported",
            "figures", "position", "words", "story_outlets", "capitals")
_DIGIT = re.compile(r"\d")


def features(f: Finding, rank: int, story_outlets: int, lengths: dict[str, int]) -> list[float]:
    """What calibration reads of a finding; `lengths` are the characters of each article by id."""
    text = " ".join(e.span.text for e in f.evidence if e.role in ("content", "sentence"))
    words = text.split()
    position = min((e.span.start / max(1, lengths.get(e.article, 1)) for e in f.evidence), default=1.0)
    return [
        f.confidence, 1.0 / max(1, rank), min(len(f.outlets), 5) / 5, len(f.absent) / max(1, story_outlets),
        math.log1p(sum(len(e.span.text) for e in f.evidence)) / 8, float(bool(f.statements)),
        float(any(e.role == "cue" for e in f.evidence)), float(bool(_DIGIT.search(text))), min(1.0, position),
        min(len(words), 60) / 60, min(story_outlets, 5) / 5,
        sum(w[:1].isupper() for w in words[1:]) / max(1, len(words)),
    ]


@lru_cache(maxsize=1)
def curves() -> dict[str, dict]:
    return json.loads(MODEL.read_text(encoding="utf-8")) if MODEL.is_file() else {}


def calibrate(findings: list[Finding], story_outlets: int, lengths: dict[str, int],
              fitted: dict[str, dict] | None = None) -> list[Finding]:
    """The findings with calibrated confidences (framing findings, and types without a curve, unchanged)."""
    fitted = curves() if fitted is None else fitted
    rank: dict[str, int] = {}
    out = []
    for f in findings:
        curve = fitted.get(f.type)
        if curve is None:
            out.append(f)
            continue
        rank[f.type] = rank.get(f.type, 0) + 1
        weights = curve.get("weights") or []
        x = features(f, rank[f.type], story_outlets, lengths) if weights else []
        z = sum(w * v for w, v in zip(weights, x, strict=True)) + curve["bias"]
        # four decimals: a probability read off a fitted curve means nothing past them, and the float noise of
        # batching (one process or a cluster's workers embed in different batches) must not change a stored finding
        out.append(replace(f, confidence=round(min(1.0 / (1.0 + math.exp(-z)), curve.get("ceiling", 1.0)), 4)))
    return out

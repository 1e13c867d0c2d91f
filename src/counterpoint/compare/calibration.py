"""A finding's confidence as the probability that it is right.

Each finding type comes with a raw score of its own (a pair probability, a salience times an
absence, a refutation probability); what a reader needs is how often findings like it are right.
Per type, a logistic curve over the raw score, the finding's rank among the story's findings of
its type, and how many outlets it involves maps the score to that probability. The curves are
fitted by `training/findings/calibrate.py` on out-of-fold comparisons of the keyed stories, each
finding judged right or wrong exactly as the shared scorer judges it.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from counterpoint.model import Finding

MODEL = Path(__file__).resolve().parents[1] / "models" / "claims" / "calibration.json"
TYPES = ("disputed", "contradicted", "single_sourced", "corroborated", "omitted")


def features(raw: float, rank: int, outlets: int) -> list[float]:
    return [raw, 1.0 / max(1, rank), min(outlets, 5) / 5]


@lru_cache(maxsize=1)
def curves() -> dict[str, dict]:
    return json.loads(MODEL.read_text(encoding="utf-8")) if MODEL.is_file() else {}


def calibrate(findings: list[Finding], fitted: dict[str, dict] | None = None) -> list[Finding]:
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
        z = sum(w * x for w, x in zip(curve["weights"], features(f.confidence, rank[f.type], len(f.outlets)),
                                      strict=True)) + curve["bias"]
        out.append(replace(f, confidence=1.0 / (1.0 + math.exp(-z))))
    return out

"""How much a claim matters to a fact-checker: who did what, numbers, accusations, official statements
rank above colour, background and feelings.

"Left out by some outlets" is only useful ranked: most sentences one outlet has and another lacks
are a quote's colour, a history paragraph, a dateline. The answer keys mark each claim
`substantive` or not, so the ranking is learned: a logistic model over what a unit states (numbers,
dates, money, names of people, places and organisations), how (reported speech, a denial, a direct
quote, first-person words, a question), where (its position in the article), and how central it is to
the story (how like it the likest statements of the other articles are: every outlet retells the main
event in its own words, not another's colour and background), and what it is about (the MiniLM embedding of
what it says, which the alignment has already computed: a sentence about a death toll or a charge reads
unlike one about a singer's mood, whatever its numbers and names), trained on the project's keyed stories
(`training/findings/train_salience.py`, weights in `models/claims/`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from counterpoint.compare.logistic import Logistic
from counterpoint.compare.units import Unit
from counterpoint.model import Entity

MODEL = Path(__file__).resolve().parents[1] / "models" / "claims" / "salience.json"
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|me|my|we|our|us)\b")
_FEELING = re.compile(r"\b(?:feel\w*|felt|happy|sad|proud|excit\w*|love\w*|hope\w*|scared|afraid|shock\w*|"
                      r"thrill\w*|amaz\w*|wonderful|great|terribl\w*|heartbroken|devastat\w*|sorry)\b", re.I)
_ACTION = re.compile(r"\b(?:kill\w*|die[ds]?|dead|arrest\w*|charg\w*|injur\w*|fir(?:e|ed|ing)|sign\w*|announc\w*|"
                     r"confirm\w*|den(?:y|ied|ies)|accus\w*|ban\w*|won|win\w*|lost|launch\w*|sentenc\w*|"
                     r"resign\w*|elect\w*|struck|hit|destroy\w*|rais\w*|cut\w*|sold|bought|paid)\b", re.I)

MEANING_DIM = 384  # all-MiniLM-L6-v2's embedding size
HANDMADE = (
    "words", "short", "digits", "money", "date", "cardinal", "person", "org", "place", "norp", "statement",
    "direct", "denied", "hedged", "first_person", "feeling", "action", "question", "exclaim", "position",
    "lead", "tail", "quote_share", "central",
)
FEATURES = (*HANDMADE, *(f"meaning_{i}" for i in range(MEANING_DIM)))
CENTRAL_K = 5  # a claim is central to the story when the k likest statements of the other articles are like it


def unit_features(u: Unit, entities: list[Entity], length: int) -> list[float]:
    spans = [e.span for e in u.evidence if e.role in ("content", "sentence")]
    text = " ".join(s.text for s in spans) or u.text
    labels = [e.label for e in entities if any(s.start <= e.span.start and e.span.end <= s.end for s in spans)]
    words = len(text.split())
    quotes = sum(text.count(q) for q in "\"“”")
    position = u.order / max(1, length)
    statement = u.statement
    return [
        min(words, 60) / 60, float(words < 8), float(bool(re.search(r"\d", text))), float("MONEY" in labels),
        float("DATE" in labels or "TIME" in labels), float("CARDINAL" in labels or "QUANTITY" in labels),
        min(labels.count("PERSON"), 3) / 3, min(labels.count("ORG"), 3) / 3,
        min(labels.count("GPE") + labels.count("LOC") + labels.count("FAC"), 3) / 3, float("NORP" in labels),
        float(statement is not None), float(statement is not None and statement.kind != "indirect"),
        float(u.status == "denied"), float(u.status == "hedged"), float(bool(_FIRST_PERSON.search(text))),
        float(bool(_FEELING.search(text))), float(bool(_ACTION.search(text))), float("?" in text),
        float("!" in text), position, float(position < 0.15), float(position > 0.85),
        min(1.0, quotes * 20 / max(1, len(text))),
    ]


@dataclass(frozen=True, slots=True)
class SalienceModel(Logistic):
    """P(substantive) of a unit over `FEATURES`."""

    FEATURES = FEATURES
    PATH = MODEL
    WHAT = "the salience model"
    SCRIPT = "training/findings/train_salience.py"


@lru_cache(maxsize=1)
def salience_model() -> SalienceModel:
    return SalienceModel.load()


def salience_features(units: Sequence[Unit], entities: dict[str, list[Entity]], lengths: dict[str, int],
                       likeness: np.ndarray, meaning: np.ndarray) -> np.ndarray:
    """One row of `FEATURES` per unit; `likeness` is how alike what two units say (the alignment's content
    similarity, units by units), `meaning` the embedding of what each says (`Alignment.meaning`)."""
    x = np.array([unit_features(u, entities.get(u.article, []), lengths.get(u.article, 1)) for u in units],
                 dtype=np.float64).reshape(len(units), len(HANDMADE) - 1)
    central = centrality(likeness, [u.article for u in units])[:, None]
    return np.hstack([x, central, np.asarray(meaning, dtype=np.float64).reshape(len(units), MEANING_DIM)])


def centrality(likeness: np.ndarray, articles: Sequence[str], k: int = CENTRAL_K) -> np.ndarray:
    """Per unit, the mean likeness of its k likest units in the other articles (0 where there are none).

    Story CV (70 keyed stories, salience trained per fold): omitted salient precision@10 0.659 -> 0.675; the
    same for the unit's own article as well: 0.670.
    """
    n = len(articles)
    out = np.zeros(n, dtype=np.float64)
    art = np.asarray(articles)
    for start in range(0, n, 512):  # rows at a time: a large story's matrix is millions of cells
        rows = np.where(art[start:start + 512, None] != art[None, :],
                        np.asarray(likeness[start:start + 512], dtype=np.float64), -np.inf)
        kk = min(k, n)
        top = -np.partition(-rows, kk - 1, axis=1)[:, :kk]
        real = np.isfinite(top)
        out[start:start + len(rows)] = np.where(real, top, 0.0).sum(1) / np.maximum(real.sum(1), 1)
    return out


def salience(units: Sequence[Unit], entities: dict[str, list[Entity]], lengths: dict[str, int],
             likeness: np.ndarray, meaning: np.ndarray | None, model: SalienceModel) -> np.ndarray:
    """P(substantive) of each unit. Without embeddings (an alignment made without the pair model) every unit
    gets the training mean for them, so they weigh nothing."""
    if meaning is None:
        meaning = np.tile(model.mean[len(HANDMADE):], (len(units), 1))
    return model.predict(salience_features(units, entities, lengths, likeness, meaning))

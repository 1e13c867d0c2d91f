"""Article vectors for story grouping: hashed, entity-weighted, lead-weighted TF-IDF.

Two reports of look-alike events (two earthquakes, two celebrities checking
into rehab) share their topic words; what tells them apart is who, where,
how many and when. So capitalised words (as the body writes them, away from a
sentence start), numbers and years weigh more than common words, and the
title and lead, where a report states its event, weigh more than the tail.
Terms are hashed into a fixed number of buckets and document frequencies
live in one fixed array, so memory does not grow with the vocabulary.
"""

from __future__ import annotations

import math
import re
import zlib

import numpy as np

_TOKEN = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*", re.UNICODE)
_SENTENCE_END = frozenset(".!?\n\"“”:;")

_STOPWORD_TEXT = """
a about above after again against all also am an and any are as at be because been before being below between
both but by can could did do does doing down during each few for from further had has have having he her here
hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off
on once only or other our ours ourselves out over own same she should so some such than that the their theirs
them themselves then there these they this those through to too under until up very was we were what when where
which while who whom why will with would you your yours yourself yourselves said says say told according one two
new would could may might must also it's he's she's i'm don't didn't mr mrs ms monday tuesday wednesday thursday
friday saturday sunday today yesterday tomorrow week year years last first time people like get got just around
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

Vector = dict[int, float]


def term_id(term: str, dim_bits: int) -> int:
    return zlib.crc32(term.encode("utf-8")) & ((1 << dim_bits) - 1)


def _tokens(text: str) -> list[tuple[str, bool]]:
    """(token, starts-a-sentence) pairs."""
    out = []
    for m in _TOKEN.finditer(text):
        i = m.start() - 1
        while i >= 0 and text[i] in " \t\r":
            i -= 1
        out.append((m.group(), i < 0 or text[i] in _SENTENCE_END))
    return out


class Featurizer:
    """Turns (title, text) into a unit-length sparse vector, learning document frequencies as it goes."""

    def __init__(self, dim_bits: int = 20, entity_weight: float = 2.5, title_weight: float = 2.0,
                 lead_weight: float = 1.5, lead_chars: int = 600, max_chars: int = 6000) -> None:
        self.dim_bits = dim_bits
        self.entity_weight = entity_weight
        self.title_weight = title_weight
        self.lead_weight = lead_weight
        self.lead_chars = lead_chars
        self.max_chars = max_chars
        self.df = np.zeros(1 << dim_bits, dtype=np.int32)
        self.n_docs = 0

    def counts(self, title: str | None, text: str) -> tuple[dict[int, float], dict[int, float]]:
        """Weighted term counts before IDF: all terms, and the entity-like ones alone.

        Entity-likeness is judged on the body only.

        Headlines are often Title Case, so a word counts as a name only when
        the body capitalises it away from a sentence start.
        """
        body = _tokens(text[: self.max_chars])
        names: set[str] = set()
        for tok, initial in body:
            if (not initial and tok[0].isupper()) or tok[0].isdigit():
                names.add(tok.lower())
        counts: dict[int, float] = {}
        names_only: dict[int, float] = {}
        pos = 0
        segments: list[tuple[list[tuple[str, bool]], float, int]] = []
        if title:
            segments.append((_tokens(title), self.title_weight, -1))
        segments.append((body, 1.0, 0))
        for toks, seg_weight, kind in segments:
            for tok, _ in toks:
                low = tok.lower()
                if kind == 0:
                    pos += len(tok) + 1
                if low in STOPWORDS or (len(low) < 2 and not low.isdigit()):
                    continue
                w = seg_weight
                if kind == 0 and pos <= self.lead_chars:
                    w *= self.lead_weight
                tid = term_id(low, self.dim_bits)
                if low in names:
                    w *= self.entity_weight
                    names_only[tid] = names_only.get(tid, 0.0) + w
                counts[tid] = counts.get(tid, 0.0) + w
        return counts, names_only

    def vector(self, counts: dict[int, float], learn: bool = False) -> Vector:
        """Unit-length TF-IDF (sublinear TF, smoothed IDF); `learn` counts this document in the DF first."""
        if learn and counts:
            idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            self.df[idx] += 1
            self.n_docs += 1
        n = self.n_docs + 1
        df = self.df
        vec: Vector = {}
        for tid, c in counts.items():
            vec[tid] = (1.0 + math.log(c) if c >= 1 else c) * (math.log(n / (1 + int(df[tid]))) + 1.0)
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {k: v / norm for k, v in vec.items()}


def dot(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    get = b.get
    return sum(v * get(k, 0.0) for k, v in a.items())


def top_terms(vec: Vector, k: int) -> Vector:
    if len(vec) <= k:
        return vec
    items = sorted(vec.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
    return dict(items)

"""How two units of a story relate: the probability that they report the same claim.

Sentence embeddings alone score two different claims on one topic alike, and word
overlap alone misses paraphrase; what tells them apart is a combination — the
embedding cosine, how well each one's words find their counterparts in the other
(matched in context, word piece by word piece), the story-weighted words they share,
whether their numbers and names agree, whether one is the other's best match in its
article, whether the same speaker says both. Rather than hand-weighting these, a
logistic model over them is trained on the project's own keyed stories
(`training/findings/train_pairs.py`, weights and model card in `models/claims/`), its
settings chosen by story-level cross-validation.

Only candidate pairs are scored: for each unit, its nearest units in every other
article by the embedding-plus-words similarity (`CANDIDATES`), so the cost grows
with the units of a story, not with their square.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from counterpoint.compare.logistic import Logistic
from counterpoint.compare.stance import content_stems
from counterpoint.compare.units import Unit, speaker_key
from counterpoint.model import Entity
from counterpoint.models.embeddings import Tokens


class Encoder(Protocol):
    """What pair scoring needs from a sentence encoder (counterpoint.models.embeddings.SentenceEncoder)."""

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_with_tokens(self, texts: Sequence[str], pieces: int | None = None) -> tuple[np.ndarray, list[Tokens]]:
        ...


MODEL = Path(__file__).resolve().parents[1] / "models" / "claims" / "pairs.json"
CANDIDATES = 6  # nearest units per unit in each other article
RANK_BLOCK = 4_000_000  # similarities compared at once when ranking (16 MB of float32)
LEX_DIM = 4096
_NUMBER = re.compile(r"\d[\d,.]*")
_NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT"}

FEATURES = (
    "cos", "lex", "contain", "jaccard", "cos_x_lex", "rank_ab", "rank_ba", "mutual_best", "num_shared",
    "num_clash", "name_shared", "name_only", "same_speaker", "other_speaker", "both_statements",
    "one_statement", "len_ratio", "position_gap", "both_lead", "one_denied", "same_article", "short",
    "content_cos", "speaker_x_content", "align_low", "align_high", "align_f",
)


@dataclass(slots=True)
class UnitSignals:
    """What the pair features read off one unit, computed once."""

    stems: set[str]
    numbers: set[str]
    names: set[str]
    position: float  # 0 at the article's start, 1 at its end
    words: int


def unit_signals(units: Sequence[Unit], entities: dict[str, list[Entity]],
                 lengths: dict[str, int]) -> list[UnitSignals]:
    out = []
    for u in units:
        spans = [e.span for e in u.evidence if e.role in ("content", "sentence", "source")]
        names = {" ".join(e.span.text.lower().split()[-1:]) for e in entities.get(u.article, ())
                 if e.label in _NAME_LABELS and any(s.start <= e.span.start and e.span.end <= s.end for s in spans)}
        numbers = {n.rstrip(".,").replace(",", "") for n in _NUMBER.findall(u.text)}
        out.append(UnitSignals(set(content_stems(u.text)), numbers, names - {""},
                               u.order / max(1, lengths.get(u.article, 1)), len(u.text.split())))
    return out


def cosines(embeddings: np.ndarray) -> np.ndarray:
    """The cosine of every pair of rows."""
    emb = embeddings / np.maximum(np.linalg.norm(embeddings, axis=1, keepdims=True), 1e-9)
    return emb @ emb.T


def lexical_vectors(bags: Sequence[set[str]]) -> np.ndarray:
    """Hashed bags of stems weighted by the square root of their IDF in the story, unit length: a dot
    product is the IDF mass two bags share over the geometric mean of their own masses (a word every unit
    of the story uses says little about which claim one makes)."""
    df = Counter(w for bag in bags for w in bag)
    n = len(bags)
    lex = np.zeros((n, LEX_DIM), dtype=np.float32)
    for row, bag in enumerate(bags):
        for w in bag:
            lex[row, zlib.crc32(w.encode()) % LEX_DIM] += math.sqrt(math.log((n + 1) / (df[w] + 0.5)))
    lex /= np.maximum(np.linalg.norm(lex, axis=1, keepdims=True), 1e-9)
    return lex


def word_overlap(bags: Sequence[set[str]]) -> np.ndarray:
    lex = lexical_vectors(bags)
    return (lex @ lex.T).astype(np.float32)


def _by_article(units: Sequence[Unit]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, u in enumerate(units):
        out.setdefault(u.article, []).append(i)
    return out


def candidate_pairs(units: Sequence[Unit], combined: np.ndarray, k: int = CANDIDATES,
                    within: Sequence[int] = ()) -> list[tuple[int, int]]:
    """Each unit's `k` nearest units in every other article (and, for `within`, in its own), as (i < j) pairs.

    One sort per article over every unit's row at once; ties go to the earlier unit of the article."""
    n = len(units)
    inside = np.zeros(n, dtype=bool)
    inside[list(within)] = True
    found: list[np.ndarray] = []
    for members in _by_article(units).values():
        cols = np.asarray(members)
        own = np.zeros(n, dtype=bool)
        own[cols] = True
        rows = np.flatnonzero(~own | inside)
        block = -combined[np.ix_(rows, cols)]
        here = own[rows]  # a unit is never its own candidate: last in the order
        block[np.flatnonzero(here), np.searchsorted(cols, rows[here])] = np.inf
        order = np.argsort(block, axis=1, kind="stable")
        for is_own in (False, True):
            take = min(k, len(cols) - int(is_own))
            sel = np.flatnonzero(here == is_own)
            if take <= 0 or not len(sel):
                continue
            a = np.repeat(rows[sel], take)
            b = cols[order[sel, :take]].ravel()
            found.append(np.minimum(a, b) * n + np.maximum(a, b))
    if not found:
        return []
    codes = np.unique(np.concatenate(found))
    return list(zip((codes // n).tolist(), (codes % n).tolist(), strict=True))


def piece_weights(tokens: Sequence[Tokens]) -> list[np.ndarray]:
    """Each word piece's IDF among the story's units: matching "the" says little, matching "arson" much."""
    df = Counter(int(t) for tok in tokens for t in set(tok.ids.tolist()))
    n = len(tokens)
    return [np.array([math.log((n + 1) / (df[int(t)] + 0.5)) for t in tok.ids], dtype=np.float32) for tok in tokens]


def token_alignment(pairs: Sequence[tuple[int, int]], tokens: Sequence[Tokens],
                    weights: Sequence[np.ndarray]) -> np.ndarray:
    """For each pair, how well each unit's words find a counterpart in the other: IDF-weighted greedy matching
    of contextual word pieces (BERTScore). Columns: the lower and the higher of the two directions, and their
    harmonic mean; a claim reported inside a longer sentence scores high one way and low the other. 0 where
    a unit has no word.

    One unit's pairs are matched in one product against all its partners' pieces side by side (gathered from
    one matrix of every piece), so a 200-article story's millions of pairs cost no Python step each."""
    out = np.zeros((len(pairs), 3), dtype=np.float64)
    lengths = np.array([len(t.ids) for t in tokens], dtype=np.int64)
    p = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    rows = np.flatnonzero((lengths[p[:, 0]] > 0) & (lengths[p[:, 1]] > 0)) if len(p) else p[:0, 0]
    if not len(rows):
        return out
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    flat = np.vstack([t.vectors for t in tokens if len(t.ids)])
    flat_weights = np.concatenate(list(weights))
    rows = rows[np.argsort(p[rows, 0], kind="stable")]
    for chunk in np.split(rows, np.flatnonzero(np.diff(p[rows, 0])) + 1):
        i, partners = p[chunk[0], 0], p[chunk, 1]
        a, wa = flat[offsets[i]:offsets[i + 1]], flat_weights[offsets[i]:offsets[i + 1]]
        n = lengths[partners]
        starts = np.cumsum(n) - n  # where each partner's pieces begin among the gathered ones
        pieces = np.repeat(offsets[partners] - starts, n) + np.arange(int(n.sum()))
        wb = flat_weights[pieces]
        sim = a @ flat[pieces].T
        recall = (np.maximum.reduceat(sim, starts, axis=1) * wa[:, None]).sum(axis=0) / max(float(wa.sum()), 1e-9)
        precision = np.add.reduceat(sim.max(axis=0) * wb, starts) / np.maximum(np.add.reduceat(wb, starts), 1e-9)
        out[chunk] = np.stack([np.minimum(recall, precision), np.maximum(recall, precision),
                               2 * recall * precision / np.maximum(recall + precision, 1e-9)], axis=1)
    return out


def _shared(pairs: np.ndarray, bags: Sequence[set[str]]) -> np.ndarray:
    """For each pair, how many items the two units' bags share: one unit's partners at a time, their items
    looked up in a mask of its own (a large story has millions of pairs and few units)."""
    vocab: dict[str, int] = {}
    ids = [np.fromiter((vocab.setdefault(w, len(vocab)) for w in bag), dtype=np.int64, count=len(bag)) for bag in bags]
    out = np.zeros(len(pairs), dtype=np.int64)
    if not len(pairs) or not vocab:
        return out
    sizes = np.array([len(x) for x in ids], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    flat = np.concatenate(ids)
    mask = np.zeros(len(vocab), dtype=np.int64)
    rows = np.argsort(pairs[:, 0], kind="stable")
    for chunk in np.split(rows, np.flatnonzero(np.diff(pairs[rows, 0])) + 1):
        i, partners = pairs[chunk[0], 0], pairs[chunk, 1]
        n = sizes[partners]
        if not sizes[i] or not n.sum():
            continue
        starts = np.cumsum(n) - n
        items = flat[np.repeat(offsets[partners] - starts, n) + np.arange(int(n.sum()))]
        mask[ids[i]] = 1
        hits = np.concatenate([[0], np.cumsum(mask[items])])
        out[chunk] = hits[starts + n] - hits[starts]
        mask[ids[i]] = 0
    return out


def pair_feature_matrix(pairs: np.ndarray, units: Sequence[Unit], signals: Sequence[UnitSignals], cos: np.ndarray,
                        lex: np.ndarray, rank_ab: np.ndarray, rank_ba: np.ndarray,
                        content_cos: np.ndarray) -> np.ndarray:
    """Every feature of `FEATURES` but the last three (the word-piece alignment, `token_alignment`), one row per
    pair (i, j); `rank_ab` is j's rank among i's likenesses in j's article, `rank_ba` the other way."""
    i, j = pairs[:, 0], pairs[:, 1]

    def per_unit(values: Sequence[float | int | bool]) -> tuple[np.ndarray, np.ndarray]:
        v = np.asarray(values)
        return v[i], v[j]

    sa, sb = per_unit([len(s.stems) for s in signals])
    shared = _shared(pairs, [s.stems for s in signals])
    na, nb = per_unit([len(s.numbers) for s in signals])
    num_shared = _shared(pairs, [s.numbers for s in signals])
    ma, mb = per_unit([len(s.names) for s in signals])
    name_shared = _shared(pairs, [s.names for s in signals])
    speakers: dict[str, int] = {"": 0}
    ka, kb = per_unit([speakers.setdefault(speaker_key(u.statement.speaker) if u.statement is not None else "",
                                           len(speakers)) for u in units])
    qa, qb = per_unit([u.statement is not None for u in units])
    da, db = per_unit([u.status == "denied" for u in units])
    articles: dict[str, int] = {}
    aa, ab = per_unit([articles.setdefault(u.article, len(articles)) for u in units])
    wa, wb = per_unit([s.words for s in signals])
    pa, pb = per_unit([s.position for s in signals])
    c, lx, cc = cos[i, j], lex[i, j], content_cos[i, j]
    contain = shared / np.maximum(1, np.minimum(sa, sb))
    same_speaker = (ka != 0) & (ka == kb)
    columns = {
        "cos": c, "lex": lx, "contain": contain, "jaccard": shared / np.maximum(1, sa + sb - shared),
        "cos_x_lex": c * lx, "rank_ab": 1.0 / rank_ab, "rank_ba": 1.0 / rank_ba,
        "mutual_best": (rank_ab == 1) & (rank_ba == 1), "num_shared": np.minimum(num_shared, 3) / 3,
        "num_clash": (na > 0) & (nb > 0) & (num_shared == 0), "name_shared": np.minimum(name_shared, 3) / 3,
        "name_only": np.minimum(ma + mb - 2 * name_shared, 6) / 6, "same_speaker": same_speaker,
        "other_speaker": (ka != 0) & (kb != 0) & (ka != kb), "both_statements": qa & qb, "one_statement": qa != qb,
        "len_ratio": np.minimum(wa, wb) / np.maximum(1, np.maximum(wa, wb)), "position_gap": np.abs(pa - pb),
        "both_lead": (pa < 0.2) & (pb < 0.2), "one_denied": da != db, "same_article": aa == ab,
        "short": np.minimum(wa, wb) < 8, "content_cos": cc,
        # one person's statement reported twice: the same speaker saying overlapping things
        "speaker_x_content": same_speaker * np.maximum(cc.astype(np.float64), contain),
    }
    out = np.empty((len(pairs), len(FEATURES) - 3), dtype=np.float64)
    for col, name in enumerate(FEATURES[:-3]):
        out[:, col] = columns[name]
    return out


def rank_arrays(units: Sequence[Unit], combined: np.ndarray, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each pair (i, j): 1 when j is i's most similar unit in j's article, 2 for the second, ...; and the
    same of i among j's. Each article's column block answers all the questions asked of it at once."""
    n = len(units)
    article = np.empty(n, dtype=np.int64)
    members = list(_by_article(units).values())
    for a, m in enumerate(members):
        article[m] = a
    x = np.concatenate([pairs[:, 0], pairs[:, 1]])
    y = np.concatenate([pairs[:, 1], pairs[:, 0]])
    out = np.ones(len(x), dtype=np.int64)
    order = np.argsort(article[y], kind="stable")
    bounds = np.searchsorted(article[y][order], np.arange(len(members) + 1))
    for a, m in enumerate(members):
        q = order[bounds[a]:bounds[a + 1]]
        for part in np.array_split(q, len(q) * len(m) // RANK_BLOCK + 1):  # bounded memory per block
            xs, value = x[part], combined[x[part], y[part]]
            higher = (combined[np.ix_(xs, np.asarray(m))] > value[:, None]).sum(axis=1)
            # a unit is not ranked against itself
            higher -= (article[xs] == a) & (combined[xs, xs] > value)
            out[part] += higher
    return out[: len(pairs)], out[len(pairs):]


@dataclass(frozen=True, slots=True)
class PairModel(Logistic):
    """P(same claim) over `FEATURES`, and the decision thresholds chosen by cross-validation."""

    FEATURES = FEATURES
    PATH = MODEL
    WHAT = "the claim-pair model"
    SCRIPT = "training/findings/train_pairs.py"

    link: float  # P(same) at which two units may join one claim
    carried: float  # P(same) at which an outlet counts as carrying a claim (not "left out")
    contradicts_at: float = 0.5  # P(same) from which two units' differing values of one slot contradict


@lru_cache(maxsize=1)
def pair_model() -> PairModel:
    return PairModel.load()


@dataclass(slots=True)
class Scored:
    """Every candidate pair of a story: its features and P(same claim)."""

    pairs: list[tuple[int, int]]
    features: np.ndarray
    same: np.ndarray
    content: np.ndarray  # the same similarity of what the units say alone (no speaker, no cue)
    meaning: np.ndarray | None = None  # the unit-length MiniLM embedding of what each unit says alone

    def matrix(self, n: int) -> np.ndarray:
        """P(same) as a symmetric matrix; 0 for pairs never scored."""
        m = np.zeros((n, n), dtype=np.float32)
        if self.pairs:
            p = np.asarray(self.pairs)
            m[p[:, 0], p[:, 1]] = self.same
            m[p[:, 1], p[:, 0]] = self.same
        return m


def score_pairs(units: Sequence[Unit], encoder: Encoder, entities: dict[str, list[Entity]],
                lengths: dict[str, int], model: PairModel | None, within: Sequence[int] | None = None) -> Scored:
    """Candidate pairs (within an article too: an article restates its claims, a denial answers a claim of its
    own article; `within` limits which units are paired in their own article), their features and P(same).

    Without `model`, P(same) is 0 (training computes the features only). Units are embedded twice:
    as read (speaker, cue and content) and by what is said alone, since "Trump warned that he would win
    a possible nuclear arms race" and "Trump told Putin that Washington would prevail in an arms race"
    differ most in their frames.
    """
    signals = unit_signals(units, entities, lengths)
    contents = [u.statement.content_text if u.statement is not None else u.text for u in units]
    both, tokens = encoder.encode_with_tokens([u.text for u in units] + contents, pieces=len(units))
    both = np.asarray(both, dtype=np.float32)
    cos, content_cos = cosines(both[: len(units)]), cosines(both[len(units):])
    meaning = both[len(units):] / np.maximum(np.linalg.norm(both[len(units):], axis=1, keepdims=True), 1e-9)
    lex = word_overlap([s.stems for s in signals])
    content = 0.5 * content_cos + 0.5 * word_overlap([set(content_stems(c)) for c in contents])
    combined = 0.5 * cos + 0.5 * lex
    pairs = candidate_pairs(units, combined, within=range(len(units)) if within is None else within)
    p = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    x = np.empty((len(pairs), len(FEATURES)), dtype=np.float64)  # filled in place: a large story has millions
    x[:, :-3] = pair_feature_matrix(p, units, signals, cos, lex, *rank_arrays(units, combined, p), content_cos)
    x[:, -3:] = token_alignment(pairs, tokens, piece_weights(tokens))
    same = model.predict(x).astype(np.float32) if model is not None else np.zeros(len(pairs), dtype=np.float32)
    return Scored(pairs, x, same, content, meaning)

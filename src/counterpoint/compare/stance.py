"""Stance of an article towards a claim: agree / disagree / discuss / unrelated.

Two small numpy models trained on FNC-1 (`training/train_stance.py`, weights in
`models/stance/`), because no stance model is published as a package and fine-tuning a
transformer needs a GPU we do not assume:

1. *relatedness*: is the article about the claim at all? Lexical overlap (TF-IDF cosine,
   IDF-weighted coverage of the claim's words, shared bigrams) and MiniLM similarity
   between the claim and the article's most similar sentences. Topic overlap is what
   separates FNC-1's unrelated pairs, and it transfers to unseen claims.
2. *stance among related*: agree / disagree / discuss by a multinomial logistic
   regression over cue words (refutation, hedging/reporting, confirmation, negation,
   questions) in the article's most claim-like sentences (by MiniLM similarity), its lead
   and the whole article, the stage-1 overlap features, and the article's TF-IDF word
   profile (how it reports: "claims", "reportedly", "according to"). Claims in a real
   comparison are unseen, so every setting was chosen by claim-grouped cross-validation.

The four scores are P(unrelated) from stage 1 and (1 - P(unrelated)) * P(class | related)
from stage 2, so they always sum to 1. Everything here is numpy plus the shared
`sentence_encoder()`; the feature code is also what training uses, so train and run time
cannot drift apart.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from counterpoint.models import ModelMissing

if TYPE_CHECKING:
    from counterpoint.models.embeddings import SentenceEncoder

LABELS: tuple[str, ...] = ("agree", "disagree", "discuss", "unrelated")
RELATED_LABELS: tuple[str, ...] = ("agree", "disagree", "discuss")
MODEL_DIR = Path(__file__).resolve().parents[1] / "models" / "stance"
WEIGHTS = MODEL_DIR / "stance.npz"
FEATURE_VERSION = 2

# Long articles repeat themselves; the claim-relevant sentences are nearly always early,
# and the cap bounds the encoder's work per article.
MAX_SENTENCES = 40
MAX_SENTENCE_CHARS = 600
TOP_K = 3

_STOPWORD_TEXT = """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having
    he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
    nor not of off on once only or other our ours ourselves out over own same she should so some such than
    that the their theirs them themselves then there these they this those through to too under until up very
    was we were what when where which while who whom why will with would you your yours yourself yourselves
    s t said says say also new one two would could may might us mr mrs ms"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_WORD = re.compile(r"[a-z0-9]+")
_BOW_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token_pattern, which training used
_SENT_SPLIT = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])|\n\s*")

# Cue lexicons, matched on lower-cased text with word boundaries. They only need to be
# good features: the weights decide how much each group counts.
_CUES: dict[str, re.Pattern[str]] = {
    "refute": re.compile(
        r"\b(?:fake|fakes|faked|fraud|hoax(?:es)?|fals(?:e|ely|ehood)|untrue|not true|debunk\w*|den(?:y|ies|ied|ial)"
        r"|refut\w*|rebut\w*|dismiss\w*|reject\w*|deni\w*|myth|rumou?rs?\b.{0,20}\b(?:false|untrue|baseless)"
        r"|baseless|unfounded|no evidence|fabricat\w*|made up|satir\w*|prank|doctored|photoshop\w*|misleading"
        r"|incorrect|wrong|lie|lies|lying|nonsense|bogus|scam|never happened|did not happen|didn't happen"
        r"|retract\w*|correct(?:ion|ed)|contrary|disput\w*|discredit\w*|contradict\w*)\b"
    ),
    "hedge": re.compile(
        r"\b(?:reported(?:ly)?|claim(?:s|ed|ing)?|according to|allegedly|alleged|purported(?:ly)?|apparently"
        r"|unconfirmed|unverified|rumou?r(?:s|ed)?|may|might|could|possibly|suggest\w*|speculat\w*|believed"
        r"|appears?|seem(?:s|ed)?|supposedly|if true|not (?:yet )?(?:been )?(?:confirmed|verified)|sources?"
        r"|unclear|unknown|uncertain|report(?:s)?|said to|is thought|thought to)\b"
    ),
    "support": re.compile(
        r"\b(?:confirm\w*|verif(?:y|ied|ies)|official(?:ly)?|announc\w*|prov(?:e|es|ed|en)|indeed|true|"
        r"real|genuine|authentic|acknowledg\w*|admit\w*|revealed|has been|have been|did)\b"
    ),
    "negation": re.compile(r"\b(?:not|no|never|none|nothing|neither|nor|without|n't|cannot|isn't|wasn't|aren't)\b"),
    "question": re.compile(r"\?"),
}
_CUE_NAMES = tuple(_CUES)


@dataclass(frozen=True)
class StanceResult:
    """One pair's verdict, with scores for all four labels (summing to 1) so callers can threshold."""

    stance: str
    scores: dict[str, float] = field(default_factory=dict)


# --------------------------------------------------------------------------------------
# text helpers
# --------------------------------------------------------------------------------------


def _text(value: object) -> str:
    """Odd input (None, numbers, bytes) becomes text instead of an exception: the stage never fails a line."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value if isinstance(value, str) else str(value)


def split_sentences(text: str) -> list[str]:
    """Sentences (capped in number and length), because relevance is decided sentence by sentence."""
    out = []
    for part in _SENT_SPLIT.split(text):
        part = " ".join(part.split())
        if len(part) >= 3:
            out.append(part[:MAX_SENTENCE_CHARS])
            if len(out) >= MAX_SENTENCES:
                break
    return out


def content_stems(text: str) -> list[str]:
    """Content words cut to 7 characters: a crude stemmer that is enough to match 'denied' to 'denies'."""
    return [w[:7] for w in _WORD.findall(text.lower()) if w not in _STOPWORDS and len(w) > 1]


def _bigrams(stems: list[str]) -> set[tuple[str, str]]:
    return set(itertools.pairwise(stems))


# --------------------------------------------------------------------------------------
# features
# --------------------------------------------------------------------------------------

N_REL = 14
N_CUE = 5 * len(_CUE_NAMES) + 3


@dataclass
class _Doc:
    """A body's per-text work, done once per distinct body in a batch."""

    sentences: list[str]
    stems: list[list[str]]
    counts: Counter[str]
    bigrams: set[tuple[str, str]]
    cues: np.ndarray  # (n_sentences, n_cue_groups) 0/1
    emb: np.ndarray  # (n_sentences, 384)
    centroid: np.ndarray  # (384,)


class Idf:
    """IDF of stems from the training texts; an unseen stem counts as the rarest seen."""

    def __init__(self, vocab: Sequence[str], idf: np.ndarray) -> None:
        self.table = dict(zip(vocab, (float(x) for x in idf), strict=True))
        self.default = float(np.max(idf)) if len(idf) else 1.0

    def __call__(self, stem: str) -> float:
        return self.table.get(stem, self.default)


def _cue_row(text: str) -> np.ndarray:
    low = text.lower()
    return np.array([1.0 if pat.search(low) else 0.0 for pat in _CUES.values()], dtype=np.float32)


def _tfidf_cos(a: Counter[str], b: Counter[str], idf: Idf) -> float:
    if not a or not b:
        return 0.0
    dot = sum(c * b[w] * idf(w) ** 2 for w, c in a.items() if w in b)
    na = math.sqrt(sum((c * idf(w)) ** 2 for w, c in a.items()))
    nb = math.sqrt(sum((c * idf(w)) ** 2 for w, c in b.items()))
    return dot / (na * nb) if na and nb else 0.0


def _coverage(claim: set[str], other: set[str] | Counter[str], idf: Idf) -> float:
    total = sum(idf(w) for w in claim)
    return sum(idf(w) for w in claim if w in other) / total if total else 0.0


def _docs(bodies: Sequence[str], encoder: SentenceEncoder) -> list[_Doc]:
    """Split and embed every body in one encoder call, so short sentences batch together."""
    all_sentences = [split_sentences(b) or [b[:MAX_SENTENCE_CHARS] or " "] for b in bodies]
    flat = [s for ss in all_sentences for s in ss]
    emb = encoder.encode(flat) if flat else np.zeros((0, 384), np.float32)
    docs, at = [], 0
    for ss in all_sentences:
        e = emb[at : at + len(ss)]
        at += len(ss)
        stems = [content_stems(s) for s in ss]
        centroid = e.mean(axis=0)
        centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
        docs.append(
            _Doc(
                sentences=ss,
                stems=stems,
                counts=Counter(w for st in stems for w in st),
                bigrams=set().union(*(_bigrams(st) for st in stems)),
                cues=np.stack([_cue_row(s) for s in ss]),
                emb=e,
                centroid=centroid,
            )
        )
    return docs


def featurize(pairs: Sequence[tuple[str, str]], encoder: SentenceEncoder, idf: Idf) -> tuple[np.ndarray, np.ndarray]:
    """Relatedness features (n, N_REL) and dense stance features (n, N_REL + N_CUE) for each pair.

    The claim-vs-passage embedding product and difference were tried as stance features
    and dropped: under claim-grouped cross-validation they fit the training claims' topics
    and lowered macro-F1 (0.50 -> 0.40 for agree/disagree/discuss); cue positions and
    the article's word use carry over to unseen claims better.

    Distinct claims and bodies are embedded once per call: FNC-style inputs (and a
    comparison of one story across outlets) pair each text with many others.
    """
    claims = [_text(c) for c, _ in pairs]
    bodies = [_text(b) for _, b in pairs]
    uniq_claims = list(dict.fromkeys(claims))
    uniq_bodies = list(dict.fromkeys(bodies))
    claim_emb = encoder.encode(uniq_claims) if uniq_claims else np.zeros((0, 384), np.float32)
    claim_at = {c: i for i, c in enumerate(uniq_claims)}
    docs = dict(zip(uniq_bodies, _docs(uniq_bodies, encoder), strict=True))

    rel = np.zeros((len(pairs), N_REL), dtype=np.float32)
    cue = np.zeros((len(pairs), N_CUE), dtype=np.float32)
    for i, (claim, body) in enumerate(zip(claims, bodies, strict=True)):
        d = docs[body]
        c = claim_emb[claim_at[claim]]
        c_stems = content_stems(claim)
        c_set = set(c_stems)
        c_counts = Counter(c_stems)
        c_bi = _bigrams(c_stems)
        sims = d.emb @ c
        order = np.argsort(-sims, kind="stable")
        top = order[:TOP_K]
        sent_cov = [_coverage(c_set, set(st), idf) for st in d.stems]
        lead = Counter(w for st in d.stems[:3] for w in st)
        rel[i] = [
            _tfidf_cos(c_counts, d.counts, idf),
            _tfidf_cos(c_counts, lead, idf),
            _coverage(c_set, d.counts, idf),
            max(sent_cov),
            math.log1p(len(c_set & d.counts.keys())),
            len(c_bi & d.bigrams) / len(c_bi) if c_bi else 0.0,
            float(sims[order[0]]),
            float(sims[top].mean()),
            float(sims[0]),
            float(d.centroid @ c),
            float(sims.mean()),
            math.log1p(len(c_stems)),
            math.log1p(len(d.sentences)),
            float((sims > 0.5).mean()),
        ]
        # Cue groups: where in the article they occur matters as much as whether they do.
        w = np.exp((sims - sims.max()) * 10.0)
        w /= w.sum()
        top_cues = d.cues[top].mean(axis=0)
        lead_cues = d.cues[:2].max(axis=0)
        body_cues = d.cues.mean(axis=0)
        weighted = w @ d.cues
        claim_cues = _cue_row(claim)
        best_neg = d.cues[order[0], _CUE_NAMES.index("negation")]
        neg = claim_cues[_CUE_NAMES.index("negation")]
        cue[i] = np.concatenate(
            [top_cues, lead_cues, body_cues, weighted, claim_cues, [float(neg != best_neg), best_neg, len(c_bi) > 0]]
        )
    return rel, np.concatenate([rel, cue], axis=1)


def body_words(text: str) -> str:
    """The part of an article the word features read: the same capped sentences the encoder sees."""
    return " ".join(split_sentences(_text(text)))


def bow_matrix(texts: Sequence[str], vocab: dict[str, int], idf: np.ndarray) -> np.ndarray:
    """Sublinear TF-IDF rows, L2-normalised: scikit-learn's TfidfVectorizer(sublinear_tf=True) in numpy.

    The stance classifier learns its hedging and reporting vocabulary from these ("claims",
    "reportedly", "according"), beyond the hand-written cue lists.
    """
    out = np.zeros((len(texts), len(idf)), dtype=np.float32)
    for i, text in enumerate(texts):
        counts = Counter(j for w in _BOW_TOKEN.findall(text.lower()) if (j := vocab.get(w)) is not None)
        if counts:
            cols = np.fromiter(counts.keys(), dtype=np.int64)
            row = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64))) * idf[cols]
            out[i, cols] = row / np.linalg.norm(row)
    return out


# --------------------------------------------------------------------------------------
# models
# --------------------------------------------------------------------------------------


def mlp_forward(x: np.ndarray, layers: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Softmax probabilities of a ReLU MLP (standardisation folded into the first layer)."""
    h = x.astype(np.float64)
    for j, (w, b) in enumerate(layers):
        h = h @ w + b
        if j < len(layers) - 1:
            h = np.maximum(h, 0.0)
    h -= h.max(axis=1, keepdims=True)
    p = np.exp(h)
    return p / p.sum(axis=1, keepdims=True)


class StanceModel:
    """The two shipped classifiers and the IDF table, read from one .npz file."""

    def __init__(self, path: Path = WEIGHTS) -> None:
        if not path.is_file():
            raise ModelMissing(
                f"the stance model is missing: {path} not found; retrain it with: python training/train_stance.py"
            )
        with np.load(path, allow_pickle=False) as z:
            data = {k: z[k] for k in z.files}
        if int(data["feature_version"]) != FEATURE_VERSION:
            raise ModelMissing(
                f"{path} was trained for feature version {int(data['feature_version'])}, "
                f"this code computes version {FEATURE_VERSION}; retrain with training/train_stance.py"
            )
        self.idf = Idf([str(v) for v in data["idf_vocab"]], data["idf_values"])
        self.bow_vocab = {str(w): j for j, w in enumerate(data["bow_vocab"])}
        self.bow_idf = data["bow_idf"].astype(np.float64)
        self.rel_layers = _layers(data, "rel")
        self.stance_layers = _layers(data, "stance")

    def predict(self, pairs: Sequence[tuple[str, str]], encoder: SentenceEncoder) -> np.ndarray:
        """(n, 4) probabilities in LABELS order."""
        rel_x, stance_x = featurize(pairs, encoder, self.idf)
        bodies = list(dict.fromkeys(_text(b) for _, b in pairs))
        bow = bow_matrix([body_words(b) for b in bodies], self.bow_vocab, self.bow_idf)
        row_of = {b: j for j, b in enumerate(bodies)}
        bow_x = bow[[row_of[_text(b)] for _, b in pairs]]
        p_rel = mlp_forward(rel_x, self.rel_layers)  # columns: related, unrelated
        p_stance = mlp_forward(np.concatenate([stance_x, bow_x], axis=1), self.stance_layers)
        out = np.empty((len(pairs), 4))
        out[:, :3] = p_rel[:, :1] * p_stance
        out[:, 3] = p_rel[:, 1]
        return out


def _layers(data: dict[str, Any], prefix: str) -> list[tuple[np.ndarray, np.ndarray]]:
    layers = []
    j = 0
    while f"{prefix}_w{j}" in data:
        layers.append((data[f"{prefix}_w{j}"].astype(np.float64), data[f"{prefix}_b{j}"].astype(np.float64)))
        j += 1
    return layers


@lru_cache(maxsize=1)
def stance_model() -> StanceModel:
    """The shipped model, loaded on first use (a few MB) and shared by every call."""
    return StanceModel()


def _unrelated() -> StanceResult:
    return StanceResult("unrelated", {"agree": 0.0, "disagree": 0.0, "discuss": 0.0, "unrelated": 1.0})


def classify_stance(pairs: Sequence[tuple[str, str]], batch_size: int = 512) -> list[StanceResult]:
    """Stance of each (claim, text) pair, in input order.

    A pair with an empty claim or text cannot be about anything: it is "unrelated" without
    touching the models. Pairs are processed in batches of `batch_size` so that memory stays
    flat on large inputs while distinct texts inside a batch are still embedded once.
    """
    cleaned = []
    for pair in pairs:
        try:
            claim, text = pair
        except (TypeError, ValueError):
            claim, text = "", ""
        cleaned.append((_text(claim).strip(), _text(text).strip()))
    results: list[StanceResult | None] = [None] * len(cleaned)
    todo = [i for i, (c, t) in enumerate(cleaned) if c and t and _WORD.search(c.lower()) and _WORD.search(t.lower())]
    if todo:
        from counterpoint.models.embeddings import sentence_encoder

        model, encoder = stance_model(), sentence_encoder()
        for start in range(0, len(todo), max(1, batch_size)):
            idx = todo[start : start + max(1, batch_size)]
            probs = model.predict([cleaned[i] for i in idx], encoder)
            for i, p in zip(idx, probs, strict=True):
                scores = {label: float(v) for label, v in zip(LABELS, p / p.sum(), strict=True)}
                results[i] = StanceResult(LABELS[int(np.argmax(p))], scores)
    return [r if r is not None else _unrelated() for r in results]

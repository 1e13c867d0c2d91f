"""Pair features that read meaning: a claim reported inside a longer sentence still finds its words."""

from __future__ import annotations

import numpy as np
import pytest

from counterpoint.compare.pairs import piece_weights, token_alignment
from counterpoint.models.embeddings import sentence_encoder

TEXTS = [
    "Trump told Putin he would win an arms race.",
    "According to NBC, which cited two officials, Trump told Putin in a phone call that he would win any "
    "arms race, and the Kremlin denied it on Friday.",
    "Heavy rain flooded the old town and closed the bridge.",
    "",
    "the the the of of and",
]


@pytest.fixture(scope="module")
def aligned():
    _, tokens = sentence_encoder().encode_with_tokens(TEXTS)
    pairs = [(0, 1), (1, 0), (0, 2), (3, 1), (0, 3), (2, 1)]
    return dict(zip(pairs, token_alignment(pairs, tokens, piece_weights(tokens)).tolist(), strict=True))


def test_claim_inside_a_longer_report_matches_one_way(aligned) -> None:
    low, high, f = aligned[(0, 1)]
    assert high > 0.8  # every word of the short claim has its counterpart in the long report
    assert high - low > 0.15  # not the other way round
    assert low <= f <= high
    assert aligned[(1, 0)] == pytest.approx((low, high, f))  # symmetric


def test_unrelated_sentences_match_less_than_a_restatement(aligned) -> None:
    assert aligned[(0, 2)][1] < aligned[(0, 1)][1] - 0.2


def test_a_text_without_words_aligns_with_nothing(aligned) -> None:
    assert aligned[(3, 1)] == [0.0, 0.0, 0.0]
    assert aligned[(0, 3)] == [0.0, 0.0, 0.0]


def test_one_units_pairs_scored_together_equal_each_scored_alone() -> None:
    _, tokens = sentence_encoder().encode_with_tokens(TEXTS)
    weights = piece_weights(tokens)
    pairs = [(0, 1), (0, 2), (0, 3), (0, 4), (2, 1)]
    together = token_alignment(pairs, tokens, weights)
    alone = np.vstack([token_alignment([p], tokens, weights) for p in pairs])
    np.testing.assert_allclose(together, alone, atol=1e-6)
    sim = tokens[0].vectors @ tokens[2].vectors.T  # by hand: IDF-weighted mean of each piece's best match
    recall = float(sim.max(axis=1) @ weights[0] / weights[0].sum())
    precision = float(sim.max(axis=0) @ weights[2] / weights[2].sum())
    assert together[1, :2] == pytest.approx(sorted((recall, precision)), abs=1e-5)


def test_common_words_weigh_little() -> None:
    _, tokens = sentence_encoder().encode_with_tokens(["the arson of the church", "the fire at the church",
                                                       "the mayor spoke", "the team won"])
    w = piece_weights(tokens)
    vocab = sentence_encoder().tokenizer.token_to_id
    first = dict(zip(tokens[0].ids.tolist(), w[0].tolist(), strict=True))
    assert first[vocab("the")] < first[vocab("arson")]


def test_pieces_only_for_the_texts_asked() -> None:
    vectors, tokens = sentence_encoder().encode_with_tokens(TEXTS, pieces=2)
    assert len(tokens) == 2 and len(vectors) == len(TEXTS)
    np.testing.assert_array_equal(vectors, sentence_encoder().encode(TEXTS))

"""Pair features that read meaning: a claim reported inside a longer sentence still finds its words."""

from __future__ import annotations

import numpy as np
import pytest

from counterpoint.compare.pairs import piece_weights, token_alignment
from counterpoint.models.embeddings import sentence_encoder


@pytest.fixture(scope="module")
def aligned():
    texts = [
        "Trump told Putin he would win an arms race.",
        "According to NBC, which cited two officials, Trump told Putin in a phone call that he would win any "
        "arms race, and the Kremlin denied it on Friday.",
        "Heavy rain flooded the old town and closed the bridge.",
        "the the the of of and",
    ]
    _, tokens = sentence_encoder().encode_with_tokens(texts)
    weights = piece_weights(tokens)

    def score(i: int, j: int) -> tuple[float, float, float]:
        return token_alignment(tokens[i], tokens[j], weights[i], weights[j])

    return score


def test_claim_inside_a_longer_report_matches_one_way(aligned) -> None:
    low, high, f = aligned(0, 1)
    assert high > 0.8  # every word of the short claim has its counterpart in the long report
    assert high - low > 0.15  # not the other way round
    assert low <= f <= high
    assert aligned(1, 0) == pytest.approx((low, high, f))  # symmetric


def test_unrelated_sentences_match_less_than_a_restatement(aligned) -> None:
    assert aligned(0, 2)[1] < aligned(0, 1)[1] - 0.2


def test_common_words_weigh_little() -> None:
    _, tokens = sentence_encoder().encode_with_tokens(["the arson of the church", "the fire at the church",
                                                       "the mayor spoke", "the team won"])
    w = piece_weights(tokens)
    vocab = sentence_encoder().tokenizer.token_to_id
    first = dict(zip(tokens[0].ids.tolist(), w[0].tolist(), strict=True))
    assert first[vocab("the")] < first[vocab("arson")]


def test_empty_text_aligns_with_nothing() -> None:
    _, tokens = sentence_encoder().encode_with_tokens(["", "A fire broke out."])
    w = piece_weights(tokens)
    assert token_alignment(tokens[0], tokens[1], w[0], w[1]) == (0.0, 0.0, 0.0)
    assert np.isfinite(w[1]).all()

"""Pair features that read meaning: a claim reported inside a longer sentence still finds its words."""

from __future__ import annotations

import numpy as np
import pytest

from counterpoint.compare.pairs import (
    UnitSignals,
    _shared,
    candidate_pairs,
    pair_feature_matrix,
    piece_weights,
    rank_arrays,
    token_alignment,
)
from counterpoint.compare.units import Unit
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


# A large story has millions of candidate pairs, so candidates, ranks and features are computed a whole
# article or a whole unit at a time; these tests hold them to the plain per-pair reading they replace.

def _story(seed: int, articles: int = 4) -> tuple[list[Unit], np.ndarray]:
    rng = np.random.default_rng(seed)
    units = [Unit(f"art{a}", f"Outlet {a}", k, "", "", []) for a in range(articles) for k in range(rng.integers(1, 9))]
    rng.shuffle(units)  # an article's units need not sit together
    # values on a coarse grid, so that ties (broken by the earlier unit of the article) occur
    combined = (rng.integers(0, 6, size=(len(units), len(units))) / 5).astype(np.float32)
    return units, combined


def _nearest_by_hand(units: list[Unit], combined: np.ndarray, k: int, within: set[int]) -> list[tuple[int, int]]:
    pairs = set()
    for i, u in enumerate(units):
        for art in {v.article for v in units}:
            if art == u.article and i not in within:
                continue
            others = [j for j, v in enumerate(units) if v.article == art and j != i]
            top = np.argsort(-combined[i, others], kind="stable")[:k] if others else []
            pairs.update((min(i, others[t]), max(i, others[t])) for t in top)
    return sorted(pairs)


@pytest.mark.parametrize("seed", range(6))
def test_candidates_are_each_units_nearest_in_every_article(seed: int) -> None:
    units, combined = _story(seed)
    n = len(units)
    for k in (1, 3):
        for within in (set(range(n)), set(), set(range(0, n, 2))):
            assert candidate_pairs(units, combined, k=k, within=sorted(within)) == \
                _nearest_by_hand(units, combined, k, within)


@pytest.mark.parametrize("seed", range(6))
def test_a_rank_counts_the_likelier_units_of_that_article(seed: int) -> None:
    units, combined = _story(seed)
    pairs = np.asarray(candidate_pairs(units, combined, k=3, within=range(len(units)))).reshape(-1, 2)
    r_ab, r_ba = rank_arrays(units, combined, pairs)

    def by_hand(x: int, y: int) -> int:
        others = [z for z, v in enumerate(units) if v.article == units[y].article and z != x]
        return 1 + sum(combined[x, z] > combined[x, y] for z in others)

    assert r_ab.tolist() == [by_hand(i, j) for i, j in pairs]
    assert r_ba.tolist() == [by_hand(j, i) for i, j in pairs]


def test_shared_items_are_counted_per_pair() -> None:
    rng = np.random.default_rng(7)
    bags = [{f"w{x}" for x in rng.integers(0, 12, size=rng.integers(0, 7))} for _ in range(15)]
    pairs = np.array([(i, j) for i in range(15) for j in range(15) if i != j])
    assert _shared(pairs, bags).tolist() == [len(bags[i] & bags[j]) for i, j in pairs]
    assert _shared(pairs, [set() for _ in bags]).tolist() == [0] * len(pairs)


def test_pair_features_read_each_pair() -> None:
    units = [Unit("a", "A", 0, "x", "x", []), Unit("b", "B", 0, "x", "x", [], status="denied"),
             Unit("a", "A", 90, "x", "x", [])]
    signals = [UnitSignals({"fire", "church", "arson"}, {"2"}, {"palin"}, 0.0, 12),
               UnitSignals({"fire", "church"}, {"3"}, {"palin", "steele"}, 0.1, 6),
               UnitSignals(set(), set(), set(), 0.9, 30)]
    ones = np.ones((3, 3), dtype=np.float32)
    pairs = np.array([(0, 1), (0, 2)])
    x = pair_feature_matrix(pairs, units, signals, ones * 0.5, ones * 0.25, np.array([1, 2]), np.array([1, 1]),
                            ones * 0.75)
    row = dict(zip(["cos", "lex", "contain", "jaccard", "cos_x_lex", "rank_ab", "rank_ba", "mutual_best",
                    "num_shared", "num_clash", "name_shared", "name_only", "same_speaker", "other_speaker",
                    "both_statements", "one_statement", "len_ratio", "position_gap", "both_lead", "one_denied",
                    "same_article", "short", "content_cos", "speaker_x_content"], x[0].tolist(), strict=True))
    assert row == pytest.approx({
        "cos": 0.5, "lex": 0.25, "contain": 1.0, "jaccard": 2 / 3, "cos_x_lex": 0.125, "rank_ab": 1.0,
        "rank_ba": 1.0, "mutual_best": 1.0, "num_shared": 0.0, "num_clash": 1.0, "name_shared": 1 / 3,
        "name_only": 1 / 6, "same_speaker": 0.0, "other_speaker": 0.0, "both_statements": 0.0,
        "one_statement": 0.0, "len_ratio": 0.5, "position_gap": 0.1, "both_lead": 1.0, "one_denied": 1.0,
        "same_article": 0.0, "short": 1.0, "content_cos": 0.75, "speaker_x_content": 0.0})
    assert x[1, 2] == 0.0 and x[1, 5] == 0.5 and x[1, 7] == 0.0 and x[1, 20] == 1.0  # empty bag; same article

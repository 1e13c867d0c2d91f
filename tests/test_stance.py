"""The stance stage's contract and a few cases any stance model must get right."""

from __future__ import annotations

import math

import pytest

from counterpoint.compare.stance import LABELS, StanceResult, classify_stance, split_sentences

CLAIM = "Giant spider found living in man's ear in Australia"
DENIAL = (
    "A story claiming that a giant spider was found living in a man's ear in Australia is false. "
    "Doctors at the hospital denied it ever happened and said the photo is a hoax. "
    "The report was fake, officials said, and the spider picture was doctored. "
    "There is no evidence that any spider was found in a man's ear."
)
UNRELATED = (
    "The central bank raised interest rates by a quarter point on Wednesday. "
    "Markets had expected the move after inflation rose for a third month. "
    "Bond yields climbed and the currency strengthened against the dollar."
)


def _check(result: StanceResult) -> None:
    assert result.stance in LABELS
    assert set(result.scores) == set(LABELS)
    assert all(0.0 <= v <= 1.0 for v in result.scores.values())
    assert math.isclose(sum(result.scores.values()), 1.0, abs_tol=1e-6)
    assert result.stance == max(result.scores, key=result.scores.get)


def test_contract_and_order() -> None:
    pairs = [(CLAIM, DENIAL), (CLAIM, UNRELATED), ("", DENIAL), (CLAIM, "")]
    results = classify_stance(pairs)
    assert len(results) == len(pairs)
    for r in results:
        _check(r)
    assert results[2].stance == results[3].stance == "unrelated"


def test_empty_and_odd_input() -> None:
    assert classify_stance([]) == []
    odd = classify_stance([(None, None), ("   ", "\n\n"), ("!!!", "..."), (123, b"bytes text")])  # type: ignore[list-item]
    assert len(odd) == 4
    for r in odd:
        _check(r)
    assert [r.stance for r in odd[:3]] == ["unrelated"] * 3


def test_denial_ranks_disagree_above_agree() -> None:
    (result,) = classify_stance([(CLAIM, DENIAL)])
    assert result.stance != "unrelated"
    assert result.scores["disagree"] > result.scores["agree"]


def test_unrelated_body() -> None:
    (result,) = classify_stance([(CLAIM, UNRELATED)])
    assert result.stance == "unrelated"


def test_deterministic() -> None:
    pairs = [(CLAIM, DENIAL), (CLAIM, UNRELATED)]
    first, second = classify_stance(pairs), classify_stance(pairs)
    assert first == second


@pytest.mark.parametrize("text", ["", "   ", "One sentence only", "A. B. C."])
def test_split_sentences_never_fails(text: str) -> None:
    assert isinstance(split_sentences(text), list)

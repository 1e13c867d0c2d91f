"""Grouping units into claims from the pair model's P(same claim)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from counterpoint.compare.align import link_groups
from counterpoint.compare.pairs import Scored


@dataclass
class _Unit:  # what grouping reads of a unit
    article: str
    order: int


def _scored(same: dict[tuple[int, int], float]) -> Scored:
    pairs = sorted(same)
    return Scored(pairs, np.zeros((len(pairs), 1)), np.array([same[p] for p in pairs]), np.zeros((1, 1)))


def test_two_articles_telling_one_claim_join_though_their_restatements_pull_the_average_down() -> None:
    # a: a sentence (0) and the quote inside it (1); b: one sentence (2) that matches the sentence well
    units = [_Unit("a", 0), _Unit("a", 0), _Unit("b", 0)]
    groups = link_groups(units, _scored({(0, 1): 0.9, (0, 2): 0.7, (1, 2): 0.3}), link=0.55)
    assert groups == [[0, 1, 2]]


def test_a_chain_of_look_alikes_across_articles_still_needs_the_average() -> None:
    # 0 and 1 are one claim in two articles; 2, in a third, is like 1 but not like 0: it stays apart
    units = [_Unit("a", 0), _Unit("b", 0), _Unit("c", 0)]
    groups = link_groups(units, _scored({(0, 1): 0.9, (1, 2): 0.6, (0, 2): 0.1}), link=0.55)
    assert sorted(groups) == [[0, 1], [2]]


def test_nothing_joins_below_the_link() -> None:
    units = [_Unit("a", 0), _Unit("a", 1), _Unit("b", 0)]
    groups = link_groups(units, _scored({(0, 1): 0.9, (0, 2): 0.5, (1, 2): 0.5}), link=0.55)
    assert sorted(groups) == [[0, 1], [2]]

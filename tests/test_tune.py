"""The rule that picks the shipped thresholds from a cross-validated grid (training/findings/tune.py)."""

from __future__ import annotations

import importlib
import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "training" / "findings"))
try:
    tune = importlib.import_module("tune")  # its imports are the package and plain modules: no torch, no ../shared
finally:
    sys.path.pop(0)


def _result(macro: float, at10: float, corroborated: float, contradicted: float = 0.5) -> dict:
    return {"macro_f1": macro, "omitted_salient_precision_at_10": at10,
            "totals": [{"type": "disputed", "precision": 1.0}, {"type": "corroborated", "precision": corroborated},
                       {"type": "contradicted", "precision": contradicted}]}


def test_macro_f1_ties_are_broken_by_what_a_reader_sees_first():
    # session 11's grid, rounded: the best macro-F1 (0.423) ranks omissions worse than settings within noise of it
    grid = [(_result(0.423, 0.61, 0.82), "link 0.55 / carried 0.40"),
            (_result(0.418, 0.647, 0.822), "link 0.55 / carried 0.25"),
            (_result(0.4179, 0.652, 0.831), "link 0.65 / carried 0.25"),
            (_result(0.403, 0.70, 0.95), "link 0.45: far below on macro-F1, never chosen")]
    assert tune.choose(grid) == "link 0.65 / carried 0.25"


def test_a_clearly_better_macro_f1_wins():
    grid = [(_result(0.40, 0.70, 0.95), "a"), (_result(0.45, 0.55, 0.70), "b")]
    assert tune.choose(grid) == "b"


def test_contradicts_at_is_swept_at_the_chosen_link_and_carried():
    """Session 12's sweep: contradicted findings alone change with contradicts_at, so ties on everything a
    reader sees first go to the better macro-F1."""
    by_threshold = {0.3: _result(0.431, 0.652, 0.831), 0.4: _result(0.427, 0.652, 0.831),
                    0.5: _result(0.419, 0.652, 0.831)}

    class FakeCV:
        def score(self, **setting: float) -> dict:
            return by_threshold[setting["contradicts_at"]]

    settings = [{"link": 0.65, "carried": 0.25, "contradicts_at": c} for c in tune.CONTRADICTS_AT]
    assert tune._sweep(FakeCV(), settings) == {"link": 0.65, "carried": 0.25, "contradicts_at": 0.3}


def test_then_the_fewer_wrong_contradictions():
    """Session 16's sweep on 149 stories: 0.3 and 0.4 find the same 8 contradictions, 0.4 with 4 fewer wrong."""
    grid = [(_result(0.411, 0.66, 0.79, 8 / 19), "0.3"), (_result(0.411, 0.66, 0.79, 8 / 15), "0.4"),
            (_result(0.409, 0.66, 0.79, 7 / 13), "0.5")]
    assert tune.choose(grid) == "0.4"

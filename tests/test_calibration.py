"""A finding's confidence is P(right): the shipped curves cover every finding type and move the right way."""

from dataclasses import replace

from counterpoint.compare.calibration import FEATURES, TYPES, calibrate, curves, features
from counterpoint.model import Evidence, Finding, Span

TEXT = "Police said 12 people were killed when the bridge collapsed on Tuesday. The mayor visited the site."


def _omitted(raw: float) -> Finding:
    content = Span(0, 70, TEXT[:70])
    return Finding("f1", "omitted", "Only in A1 (absent from A2): ...", raw, ["s1"], ["A1"],
                   [Evidence("a" * 64, content, "content")], absent=["A2"])


def test_every_finding_type_has_a_fitted_curve_over_the_features_compare_computes():
    fitted = curves()
    assert set(fitted) == set(TYPES)
    for curve in fitted.values():
        assert len(curve["weights"]) in (0, len(FEATURES))
    assert len(features(_omitted(0.5), 1, 2, {"a" * 64: len(TEXT)})) == len(FEATURES)


def test_calibrated_confidence_is_a_probability_that_rises_with_the_raw_score():
    lengths = {"a" * 64: len(TEXT)}
    low, high = (calibrate([_omitted(r)], 2, lengths)[0].confidence for r in (0.1, 0.9))
    assert 0.0 < low < high < 1.0


def test_a_type_with_a_constant_keeps_it_and_framing_findings_are_untouched():
    fitted = {"omitted": {"weights": [], "bias": 0.0}}
    framing = replace(_omitted(0.9), type="framing")
    out = calibrate([_omitted(0.9), framing], 2, {}, fitted)
    assert out[0].confidence == 0.5 and out[1].confidence == 0.9


def test_each_kind_of_keyed_story_weighs_the_same_in_the_fit(shared_data):
    """Three in four keyed stories are FNC-1 rumours: unweighted, the curves would learn their rate for all."""
    import importlib
    import sys

    import numpy as np
    from conftest import ROOT

    sys.path.insert(0, str(ROOT / "training" / "findings"))
    try:
        calibrate_script = importlib.import_module("calibrate")
    finally:
        sys.path.pop(0)
    w = calibrate_script.kind_weights(np.array(["ecb-1_ecb", "fnc-17", "fnc-24", "fnc-68"]))
    assert w[0] == sum(w[1:]) and abs(w.mean() - 1) < 1e-9


def test_no_finding_shows_more_confidence_than_its_type_s_ceiling():
    """A curve runs to 0.999 for findings right 0.96 of the time; a reader takes "1.00" for certainty."""
    fitted = {"omitted": {"weights": [], "bias": 9.0, "ceiling": 0.97}}
    assert calibrate([_omitted(0.9)], 2, {}, fitted)[0].confidence == 0.97
    assert all("ceiling" in curve for curve in curves().values())


def test_a_confidence_holds_four_decimals_so_float_noise_does_not_change_a_stored_finding():
    """One process and a cluster's workers embed in different batches; the last digits of a similarity differ,
    and a stored finding must not (tests/test_cluster.py compares the two stores)."""
    fitted = {"omitted": {"weights": [], "bias": 0.123456789, "ceiling": 1.0}}
    assert calibrate([_omitted(0.9)], 2, {}, fitted)[0].confidence == 0.5308

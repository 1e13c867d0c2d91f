"""The answer keys kept in the repository hold offsets and the annotators' own words, never article text."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest
from conftest import ROOT

KEYS = ROOT / "training" / "findings" / "keys"


def _keys_to_offsets():
    spec = importlib.util.spec_from_file_location("keys_to_offsets", KEYS.parent / "keys_to_offsets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_scrub_replaces_borrowed_runs_whatever_their_case_and_punctuation():
    k = _keys_to_offsets()
    grams = k.ngrams("The minister said on Tuesday that the talks had failed, officials confirmed.")
    assert k.scrub("Talks had failed; officials confirmed it (per the minister)", grams) == (
        "… it (per the minister)")
    # Four borrowed words in a row are still the annotator's own sentence.
    assert k.scrub("Officials confirmed that talks failed", grams) == "Officials confirmed that talks failed"


def _strings(value, key=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, key)
    elif isinstance(value, str):
        yield key, value


def test_repository_keys_carry_no_run_of_article_words(shared_data, tmp_path):
    rebuild = shared_data / "findings" / "rebuild.py"
    subprocess.run([sys.executable, str(rebuild), str(KEYS), str(tmp_path)], check=True, capture_output=True,
                   timeout=300)
    k = _keys_to_offsets()
    stories = sorted(p for p in KEYS.iterdir() if (p / "gold.json").exists())
    assert len(stories) >= 20
    for story in stories:
        texts = [p.read_text(encoding="utf-8") for p in sorted((tmp_path / story.name).glob("a*.txt"))]
        if not texts:
            pytest.fail(f"{story.name}: rebuild.py wrote no article files")
        grams = set().union(*(k.ngrams(t) for t in texts))
        gold = json.loads((story / "gold.json").read_text(encoding="utf-8"))
        for field, text in _strings(gold):
            for piece in text.split("…") if field not in k._KEEP else []:  # a run never spans a cut
                assert k.scrub(piece, grams) == piece, f"{story.name}: {field} borrows article wording"

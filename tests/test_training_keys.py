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


def test_claims_no_article_states_apart_are_merged_and_their_disputes_follow(monkeypatch):
    monkeypatch.syspath_prepend(str(KEYS.parent))
    spec = importlib.util.spec_from_file_location("merge_inseparable", KEYS.parent / "merge_inseparable.py")
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    texts = {"a1": "Pat Quill, 41, was fined on Monday. A spokesman denied it. The fine was 300 euros.",
             "a2": "Pat Quill, 41, was fined on Monday. Later the fine was 400 euros."}

    def claim(cid, mentions, source=None):
        return {"id": cid, "claim": cid, "substantive": cid == "c2", "source": source, "anonymous": False,
                "single_source": False,
                "mentions": [{"article": a, "start": texts[a].index(q), "end": texts[a].index(q) + len(q)}
                             for a, q in mentions]}

    gold = {"claims": [claim("c1", [("a1", "Pat Quill, 41"), ("a2", "Pat Quill, 41")]),
                       claim("c2", [("a1", "was fined on Monday"), ("a2", "was fined on Monday")]),
                       claim("c3", [("a1", "was fined on Monday")], source="the court"),
                       claim("c4", [("a1", "The fine was 300 euros")]),
                       claim("c5", [("a1", "The fine was 300 euros")]),
                       claim("c6", [("a2", "the fine was 400 euros")])],
            "disputes": [{"claim": "c2", "denied_by": "a spokesman", "denials": []}],
            "contradictions": [{"about": "fine", "claims": ["c4", "c6"], "values": []}]}
    merged, n = m.merge(gold, texts)
    ids = [c["id"] for c in merged["claims"]]
    # c2 states nothing apart from c1 (same sentences, same source); c3 rests on another source; c4 holds a
    # contradiction's value, so c5 is not folded into it (c5 is kept on its own).
    assert n == 1 and ids == ["c1", "c3", "c4", "c5", "c6"]
    assert merged["claims"][0]["substantive"] is True and merged["disputes"][0]["claim"] == "c1"

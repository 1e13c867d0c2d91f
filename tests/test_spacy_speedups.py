"""The sped-up attribute ruler and lemmatizer give every token exactly what spaCy's own components give."""

import json

import pytest
import spacy
from conftest import EXAMPLE

from counterpoint.models import SPACY_MODEL, spacy_pipeline


def _annotations(doc):
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in doc]


@pytest.fixture(scope="module")
def both():
    return spacy_pipeline(), spacy.load(SPACY_MODEL)


def _texts(shared_data=None) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLE.glob("*.txt"))]
    # what the patterns single out: spaces, contractions, "gonna", pronouns, "there is", "'d", "ai n't"
    texts.append("We're gonna win, y'all.  He'd said it ain't so; there were 2 of 'em.\n\nGot it? I'd have gone.")
    if shared_data is not None:
        lines = (shared_data / "ecbplus" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
        texts += [json.loads(line)["text"] for line in lines[:40]]
    return texts


def test_the_example_and_the_patterns_edge_cases_are_annotated_as_spacy_does(both):
    from counterpoint.models.spacy_speedups import AttributeMatches, Lemmas

    fast, slow = both
    assert isinstance(fast.get_pipe("attribute_ruler").match, AttributeMatches)
    assert isinstance(fast.get_pipe("lemmatizer").lemmas, Lemmas)
    for text in _texts():
        assert _annotations(fast(text)) == _annotations(slow(text))


def test_real_news_articles_are_annotated_as_spacy_does(both, shared_data):
    fast, slow = both
    texts = _texts(shared_data)
    for a, b in zip(fast.pipe(texts, batch_size=16), slow.pipe(texts, batch_size=16), strict=True):
        assert _annotations(a) == _annotations(b)


def test_the_sped_up_pipeline_survives_pickling_as_worker_processes_receive_it(both):
    """Where worker processes are spawned (macOS, Windows, Python 3.14's Linux default), spaCy pickles the
    pipeline: the replacements must travel with it and still give the same annotations."""
    import pickle

    fast, _ = both
    again = pickle.loads(pickle.dumps(fast))
    text = _texts()[-1]
    assert type(again.get_pipe("lemmatizer")).__name__ == "FastEnglishLemmatizer"
    assert _annotations(again(text)) == _annotations(fast(text))

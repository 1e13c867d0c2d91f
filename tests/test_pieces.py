"""Long texts are parsed in bounded, contiguous pieces, and absurd "sentences" are cut."""

from __future__ import annotations

import itertools

from counterpoint.analyse.pieces import PIECE_CHARS, SENTENCE_CHARS, piece_bounds


def _check(text: str) -> list[tuple[int, int]]:
    bounds = piece_bounds(text)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))
    assert all(e - s <= PIECE_CHARS for s, e in bounds)
    return bounds


def test_a_news_article_is_one_piece() -> None:
    text = "The minister said the report was false. " * 100
    assert _check(text) == [(0, len(text))]


def test_a_long_text_is_cut_at_paragraph_breaks() -> None:
    para = "Police said the fire started in the kitchen. " * 40 + "\n\n"
    text = para * 30
    bounds = _check(text)
    assert len(bounds) > 1 and all(text[e - 1] == "\n" for _, e in bounds[:-1])


def test_an_unpunctuated_run_is_cut_into_sentence_sized_pieces() -> None:
    text = "word " * 40_000
    bounds = _check(text)
    assert max(e - s for s, e in bounds) <= SENTENCE_CHARS

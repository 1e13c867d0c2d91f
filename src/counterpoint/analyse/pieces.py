"""Where to cut a text into pieces for parsing, so the cost of an article grows linearly with its length.

spaCy's memory grows with the length of what it parses at once, and parts of
attribution walk whole sentences and subtrees: one unpunctuated run of 200,000
characters is one "sentence" and takes minutes. So a text is parsed as
consecutive pieces of at most `PIECE_CHARS`, cut at paragraph breaks (then at
sentence ends) so that nearly every news article stays one piece and nothing a
reader would call a sentence is cut; a run of more than `SENTENCE_CHARS`
without a sentence end is not a sentence anyone wrote, and is cut at a space
into pieces of its own. Pieces are contiguous: offsets are kept by adding each
piece's start.
"""

from __future__ import annotations

import re

PIECE_CHARS = 20_000
SENTENCE_CHARS = 2_000

_PARAGRAPH_END = re.compile(r"\n+")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+|\n+")


def piece_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of consecutive pieces covering `text`, each at most `PIECE_CHARS` long."""
    units: list[tuple[int, int, bool]] = []  # (start, end, must stand alone)
    for start, end in _split(text, 0, len(text), _PARAGRAPH_END):
        if end - start <= PIECE_CHARS and not _has_run(text, start, end):
            units.append((start, end, False))
            continue
        for s, e in _split(text, start, end, _SENTENCE_END):
            if e - s <= SENTENCE_CHARS:
                units.append((s, e, False))
            else:
                units += [(a, b, True) for a, b in _cut_run(text, s, e)]
    pieces: list[tuple[int, int, bool]] = []
    for start, end, alone in units:
        if pieces and not alone and not pieces[-1][2] and end - pieces[-1][0] <= PIECE_CHARS:
            pieces[-1] = (pieces[-1][0], end, False)
        else:
            pieces.append((start, end, alone))
    return [(s, e) for s, e, _ in pieces] or [(0, len(text))]


def _split(text: str, start: int, end: int, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """[start, end) cut after each match of `pattern` (the separator stays with what precedes it)."""
    out, s = [], start
    for m in pattern.finditer(text, start, end):
        if m.end() > s:
            out.append((s, m.end()))
            s = m.end()
    if s < end:
        out.append((s, end))
    return out


def _has_run(text: str, start: int, end: int) -> bool:
    """Whether [start, end) holds more than SENTENCE_CHARS without a sentence end."""
    if end - start <= SENTENCE_CHARS:
        return False
    last = start
    for m in _SENTENCE_END.finditer(text, start, end):
        if m.start() - last > SENTENCE_CHARS:
            return True
        last = m.end()
    return end - last > SENTENCE_CHARS


def _cut_run(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A run too long to be a sentence, cut after a space into pieces of at most SENTENCE_CHARS."""
    out = []
    while end - start > SENTENCE_CHARS:
        cut = text.rfind(" ", start + SENTENCE_CHARS // 2, start + SENTENCE_CHARS)
        stop = cut + 1 if cut != -1 else start + SENTENCE_CHARS
        out.append((start, stop))
        start = stop
    if start < end:
        out.append((start, end))
    return out

"""Quotation regions of a text: where direct speech starts and ends.

The attribution engine treats a quotation as a unit: a parse-based frame whose
content falls inside (or runs into) a quotation takes the whole quotation, so
that quotes of several sentences, and quotes running over paragraphs, come out
whole. Handles typographic quotes (“ ”), ASCII double quotes, the NYT style
``...'' / ''...'', guillemets, and the mess scraped text makes of them (a “
used as a closing mark). Single quotes (‘ ’ and ') are left alone: they are
apostrophes far more often than quotation marks, and nested quotes live
inside a double-quoted region anyway.

Everything here is linear in the length of the text and never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MARK = re.compile(r"``|''|[\"“”„«»]")
_PARA = re.compile(r"\n\s*\n")
_OPENERS = {"``", "„", "«"}
_CLOSERS = {"»"}
MAX_PARAGRAPHS = 12  # a longer "quotation" is a stray mark
MAX_CHARS = 6000


@dataclass(slots=True)
class Quote:
    start: int  # the opening mark
    end: int  # just after the closing mark (or the end of the last paragraph's text)
    pieces: list[tuple[int, int]]  # one per paragraph

    def contains(self, s: int, e: int) -> bool:
        return self.start <= s and e <= self.end


def paragraph_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each blank-line-delimited paragraph, whitespace trimmed."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _PARA.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    res = []
    for s, e in out:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            res.append((s, e))
    return res


def _side(text: str, s: int, e: int, mark: str) -> str:
    """'open', 'close' or 'either' for a quotation mark at text[s:e]."""
    if mark in _OPENERS:
        return "open"
    if mark in _CLOSERS:
        return "close"
    before = text[s - 1] if s > 0 else " "
    after = text[e] if e < len(text) else " "
    left_space = before.isspace() or before in "([{—–-/"
    right_space = after.isspace() or after in ".,;:!?)]}—–-/"
    if left_space and not right_space:
        return "open"
    if right_space and not left_space:
        return "close"
    if mark == "“":
        return "open" if not right_space else "either"
    if mark == "”":
        return "close" if not left_space else "either"
    return "either"


def find_quotes(text: str) -> list[Quote]:
    """Balanced quotation regions, in text order, never overlapping."""
    quotes: list[Quote] = []
    try:
        paras = paragraph_bounds(text)
    except Exception:  # pragma: no cover - defensive
        return []
    open_at: int | None = None  # opening mark position of the current region
    pieces: list[tuple[int, int]] = []
    piece_start: int | None = None
    for pi, (ps, pe) in enumerate(paras):
        para = text[ps:pe]
        if open_at is not None:
            # a quote left open at the end of the previous paragraph goes on only
            # if this paragraph starts with an opening mark (the press convention)
            m0 = _MARK.match(para)
            if (
                m0 is None
                or _side(text, ps, ps + len(m0.group()), m0.group()) == "close"
                or (len(pieces) >= MAX_PARAGRAPHS or ps - open_at > MAX_CHARS)
            ):
                open_at, pieces, piece_start = None, [], None
            else:
                piece_start = ps
        first = True
        for m in _MARK.finditer(para):
            s, e = ps + m.start(), ps + m.end()
            mark = m.group()
            if first and open_at is not None and piece_start == ps and s == ps:
                first = False
                continue  # the re-opening mark of a continued paragraph
            first = False
            side = _side(text, s, e, mark)
            if open_at is None:
                if side != "close":
                    open_at, piece_start, pieces = s, s, []
            else:
                if side == "open" and mark in _OPENERS:
                    # an unambiguous opener while open: restart here
                    open_at, piece_start, pieces = s, s, []
                    continue
                if side == "open" and s > (piece_start or 0) and text[s - 1].isspace() and mark != "''":
                    # looks like a new quotation: the previous one was never closed
                    open_at, piece_start, pieces = s, s, []
                    continue
                pieces.append((piece_start if piece_start is not None else open_at, e))
                quotes.append(Quote(open_at, e, pieces))
                open_at, pieces, piece_start = None, [], None
        if open_at is not None:
            if piece_start is None:
                piece_start = open_at
            pieces.append((piece_start, pe))
            if pi + 1 == len(paras):
                open_at, pieces, piece_start = None, [], None
    return quotes


class QuoteIndex:
    """Quotation regions with fast lookup by character offset."""

    def __init__(self, text: str) -> None:
        self.text = text  # (Doc.text rebuilds the string on every access: keep one)
        self.quotes = find_quotes(text)
        self._starts = [q.start for q in self.quotes]

    def at(self, pos: int) -> Quote | None:
        """The region containing character `pos` (marks included), if any."""
        import bisect

        i = bisect.bisect_right(self._starts, pos) - 1
        if i >= 0 and self.quotes[i].start <= pos < self.quotes[i].end:
            return self.quotes[i]
        return None

    def overlapping(self, s: int, e: int) -> list[Quote]:
        import bisect

        i = max(bisect.bisect_right(self._starts, s) - 1, 0)
        out = []
        while i < len(self.quotes) and self.quotes[i].start < e:
            q = self.quotes[i]
            if q.end > s:
                out.append(q)
            i += 1
        return out

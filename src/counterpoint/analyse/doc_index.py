"""Fast lookups into a parsed document.

spaCy rebuilds `doc.text` and `doc.ents` and walks `doc.sents` from the
start on every access, so asking for them inside a loop is quadratic on
long articles. This index computes each once.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan


def doc_text(doc: Doc) -> str:
    """`doc.text`, which spaCy joins from every token each time it is asked, joined once per doc."""
    text = doc.user_data.get("counterpoint.text")
    if text is None:
        text = doc.user_data["counterpoint.text"] = doc.text
    return text


class DocIndex:
    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text: str = doc_text(doc)
        self.ents: list[SpacySpan] = list(doc.ents)
        self._ent_starts = [e.start for e in self.ents]
        self.sent_starts: list[int] = [s.start for s in doc.sents]

    def ents_in(self, start: int, end: int) -> list[SpacySpan]:
        """Entities wholly inside tokens [start, end)."""
        i = bisect_left(self._ent_starts, start)
        out = []
        while i < len(self.ents) and self.ents[i].start < end:
            if self.ents[i].end <= end:
                out.append(self.ents[i])
            i += 1
        return out

    def sentence_start(self, token: int) -> int:
        """First token of the sentence holding `token`."""
        i = bisect_right(self.sent_starts, token) - 1
        return self.sent_starts[i] if i >= 0 else 0

    def window_start(self, token: int, sentences: int) -> int:
        """First token of the sentence `sentences - 1` before the one holding `token`."""
        i = bisect_right(self.sent_starts, token) - 1
        return self.sent_starts[max(0, i - sentences + 1)] if self.sent_starts else 0

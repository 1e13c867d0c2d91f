"""Embedded social-media posts: the signature under a quoted post says who wrote it.

Web articles embed a tweet as its text followed by a signature, "— Name (@handle) Month D, YYYY",
on the same line or the next one. The parse sees a paragraph and a dash, not reported speech, so no
reporting-verb frame credits the post to its author; yet the signature is as sure a mark of who said
it as "said" is, and fact-checkers ask exactly that of viral claims. In the keyed training stories,
62 of the 65 signatures name someone the key lists among the story's speakers.

Everything here is a linear scan of the text and never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
SIGNATURE = re.compile(
    r"(?P<dash>[—–]|--)[ \t]*(?P<name>[^\n—–@()]{0,60}?)[ \t]*(?P<handle>\(@\w{1,30}\))"
    r"[ \t]*(?:on[ \t]+)?(?P<date>" + _MONTH + r"[ \t]+\d{1,2},[ \t]+\d{4})"
)
MAX_POST = 320  # characters: a post is at most 280, with room for a link; longer means the start is unclear
_STOPS = re.compile(r"[.:!?][\"”’)]?[ \t]{2,}")  # where scraped text ran two paragraphs together


@dataclass(frozen=True, slots=True)
class Post:
    """One embedded post: character offsets (start, end) of its text, its signature's handle and date,
    and the name it is signed with (the handle where the signature gives no name)."""

    content: tuple[int, int]
    cue: tuple[int, int]
    author: tuple[int, int]


def embedded_posts(text: str) -> list[Post]:
    """Every signed post in `text`, in reading order."""
    out: list[Post] = []
    floor = 0  # a post never reaches back past the previous signature
    for m in SIGNATURE.finditer(text):
        end = m.start("dash")
        while end > floor and text[end - 1].isspace():
            end -= 1
        start = max(floor, text.rfind("\n", floor, end) + 1)
        # a line that ran paragraphs together: the post is its last one
        start = max([start, *(s.end() for s in _STOPS.finditer(text, start, end) if end - s.end() >= 10)])
        floor = m.end()
        if end - start < 2 or end - start > MAX_POST:
            continue
        name = m.span("name") if m.group("name").strip() else (m.start("handle") + 1, m.end("handle") - 1)
        a, b = name
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        out.append(Post(content=(start, end), cue=(m.start("handle"), m.end("date")), author=(a, b)))
    return out

"""The units a story is aligned on: each article's statements and its unattributed sentences.

A claim reaches readers in two shapes: as reported speech ("Trump reportedly
told Putin ...", a Statement with a speaker and a chain of sources) or in the
outlet's own voice ("Putin touted Russia's new weapons"). Statements are the
finer unit — a sentence often carries a denial and the claim it denies — so
every statement is a unit, and a sentence becomes one only where statements
leave most of it uncovered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from counterpoint.model import Article, Evidence, MentionStatus, Span, Speaker, Statement

# A sentence mostly covered by statements adds nothing the statements do not already say.
COVERED = 0.6
MIN_WORDS = 4
HEADING_WORDS = 8  # a line shorter than this with no sentence end is a heading, not a claim
_WORD = re.compile(r"\w+")
# Credit lines ("Reuters contributed reporting to this article.", "Editing by ..."): they say who made the
# article, which no other outlet would repeat, so they would only ever show up as "omitted".
_CREDIT = re.compile(
    r"\bcontributed (?:reporting|to (?:this|the) (?:report|article|story))\b"
    r"|^\W*(?:additional )?(?:reporting|writing|editing) by\b",
    re.I,
)
_QUOTES = "\"'“”‘’ \t\n"
# Script and markup a page's text kept ("google_ad_width = 468; google_ad_height = 60;", "<!--", "var x = new
# Object();"): no outlet reports it, so it would only ever show up as "omitted", ranked as if it mattered.
_CODE = re.compile(r"<!--|//-->|\bfunction\s*\(|\bvar\s+\w+\s*=|(?:\b[\w.]+\s*=\s*[^;=]{1,40};.*){2}")


@dataclass(slots=True)
class Unit:
    """One alignable piece of an article."""

    article: str
    outlet: str
    order: int  # position in the article (character offset), for "what leads"
    text: str  # what is compared: speaker + cue + content, or the sentence
    shown: str  # what a reader is shown
    evidence: list[Evidence]
    status: MentionStatus = "asserted"
    statement: Statement | None = None
    denial_of: Statement | None = None  # the denial this unit sits in: itself, or the one it is nested in
    via: list[str] = field(default_factory=list)
    sentence: Span | None = None  # the sentence (line-trimmed) the unit sits in, for context


def statement_units(article: Article, outlet: str) -> list[Unit]:
    """Every statement of the article as a unit, with its status as the article carries it."""
    analysis = article.analysis
    if analysis is None:
        return []
    by_id = {s.id: s for s in analysis.statements}
    pieces = [p for sent in analysis.sentences for p in _paragraph_pieces(article.text, sent)]
    units = []
    for s in analysis.statements:
        if not s.content:
            continue
        denial = _denial_above(s, by_id)
        status: MentionStatus = "denied" if denial else "hedged" if s.hedged else "asserted"
        who = s.speaker.name if s.speaker else " ".join(x.text for x in s.source or [])
        cue = " ".join(c.text for c in s.cue)
        content = s.content_text.strip(_QUOTES)
        evidence = [Evidence(article.id, sp, "content") for sp in s.content]
        evidence += [Evidence(article.id, sp, "cue") for sp in s.cue]
        evidence += [Evidence(article.id, sp, "source") for sp in s.source or []]
        content = content.rstrip(",;: ")
        sentence = _around(pieces, s.content[0])
        # Without a speaker the cue and content read as one clause: "to congratulate the Russian president".
        if who and cue.lower().startswith("according"):
            shown = f"{cue} {who}: {content}"  # "according to NBC: ...", not "NBC according to: ..."
        else:
            shown = f"{who} {cue.rstrip(':')}: {content}" if who else f"{cue} {content}"  # not "said:: ..."
        units.append(Unit(
            article=article.id, outlet=outlet, order=min(sp.start for sp in s.content), text=f"{who} {cue} {content}",
            shown=shown, evidence=evidence, status=status, statement=s,
            denial_of=denial, via=[v.name for v in s.via],
            sentence=sentence,
        ))
    return units


def sentence_units(article: Article, outlet: str) -> list[Unit]:
    """Sentences in the outlet's own voice: those statements leave mostly uncovered."""
    analysis = article.analysis
    sentences = analysis.sentences if analysis else []
    covered = _covered_chars(article)
    units = []
    for sent in sentences:
        for piece in _paragraph_pieces(article.text, sent):
            inside = sum(1 for i in range(piece.start, piece.end) if i in covered)
            if inside / max(1, piece.end - piece.start) >= COVERED or len(_WORD.findall(piece.text)) < MIN_WORDS:
                continue
            if _CREDIT.search(piece.text) or _CODE.search(piece.text):  # about the page, not the story
                continue
            if _heading(piece.text):
                continue
            units.append(Unit(article.id, outlet, piece.start, piece.text, piece.text,
                              [Evidence(article.id, piece, "sentence")], sentence=piece))
    return units


def _heading(text: str) -> bool:
    """A subheading or a link line ("Both scientific and religious", "Live updates and local coverage"):
    a few words with no sentence end. It labels what follows rather than stating a claim."""
    words = len(_WORD.findall(text))
    return words < HEADING_WORDS and not text.rstrip(_QUOTES).endswith((".", "!", "?", ":"))


def speaker_key(s: Speaker | None) -> str:
    """The same for the same speaker across articles ("" for none): their key, or their name."""
    return (s.key or s.name.lower()) if s else ""


def article_units(article: Article, outlet: str) -> list[Unit]:
    units = statement_units(article, outlet) + sentence_units(article, outlet)
    units.sort(key=lambda u: u.order)
    return units


def _around(pieces: list[Span], span: Span) -> Span | None:
    for p in pieces:
        if p.start <= span.start < p.end:
            return p
    return None


def _denial_above(s: Statement, by_id: dict[str, Statement]) -> Statement | None:
    """The statement itself if it is a denial, else the nearest denial it is nested in."""
    seen = set()
    node: Statement | None = s
    while node is not None and node.id not in seen:
        if node.denial:
            return node
        seen.add(node.id)
        node = by_id.get(node.parent) if node.parent else None
    return None


def _covered_chars(article: Article) -> set[int]:
    out: set[int] = set()
    for s in article.analysis.statements if article.analysis else []:
        for sp in (*s.content, *s.cue, *(s.source or [])):
            out.update(range(sp.start, sp.end))
    return out


def _paragraph_pieces(text: str, sent: Span) -> list[Span]:
    """A sentence cut at line breaks and trimmed of a stray quote mark, so every piece is clean evidence.

    Sentence splitters leave the closing quote of one paragraph at the start of the next
    sentence; a mark is stray when it leaves the piece's quote marks unbalanced.
    """
    pieces = []
    pos = sent.start
    for line in sent.text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start and _odd_quotes(text[start:end]) and text[start] in _MARKS and not text[start + 1 : end].strip():
            start = end
        elif end > start and _odd_quotes(text[start:end]):
            if text[start] in "\"”’" and text[start] != "“":
                start += 1
            elif text[end - 1] in "\"“":
                end -= 1
        if end > start:
            pieces.append(Span.of(text, start, end))
    return pieces


_MARKS = "\"“”"


def _odd_quotes(piece: str) -> bool:
    return sum(piece.count(m) for m in _MARKS) % 2 == 1

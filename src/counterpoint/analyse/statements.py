"""From parsed text to the data model: attributions become Statements with speakers, chains and markers."""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc

from counterpoint.analyse.attribution import Attribution, find_attributions
from counterpoint.analyse.chains import cited_by_speaker, split_relay
from counterpoint.analyse.doc_index import DocIndex, doc_text
from counterpoint.analyse.markers import markers
from counterpoint.analyse.speakers import SpeakerResolver, normalise
from counterpoint.model import Analysis, Entity, Span, Speaker, Statement, Via


def build_analysis(text: str, docs: Iterable[Doc]) -> Analysis:
    """The analysis of `text`, parsed as consecutive pieces `docs` (one piece for all but long texts).

    `docs` may be lazy: each piece is used and let go before the next is parsed.
    """
    analysis = Analysis()
    offset = 0
    speakers: dict[str, Speaker] = {}
    for doc in docs:
        shift = _Shift(text, offset)
        analysis.sentences += [shift.span(s.start_char, s.end_char) for s in doc.sents if s.text.strip()]
        analysis.entities += [Entity(shift.span(e.start_char, e.end_char), e.label_) for e in doc.ents]
        statements, found = _statements(doc, shift, start_id=len(analysis.statements))
        analysis.statements += statements
        for sp in found:
            if sp.key in speakers:
                speakers[sp.key].mentions += [m for m in sp.mentions if m not in speakers[sp.key].mentions]
            else:
                speakers[sp.key] = sp
        offset += len(doc_text(doc))
    analysis.speakers = list(speakers.values())
    return analysis


class _Shift:
    """Offsets in one parsed piece -> offsets in the whole text."""

    def __init__(self, text: str, offset: int) -> None:
        self.text, self.offset = text, offset

    def span(self, start: int, end: int) -> Span:
        return Span.of(self.text, start + self.offset, end + self.offset)

    def spans(self, pieces: list[tuple[int, int]]) -> list[Span]:
        return [self.span(s, e) for s, e in pieces]


def _statements(doc: Doc, shift: _Shift, start_id: int) -> tuple[list[Statement], list[Speaker]]:
    attributions = find_attributions(doc)
    index = DocIndex(doc)
    resolver = SpeakerResolver(doc, index)
    # Speakers are resolved in reading order, so "he" finds the person named before it.
    cores: dict[int, tuple[tuple[int, int] | None, list[tuple[int, int]]]] = {}
    for i in sorted(range(len(attributions)), key=lambda i: _first(attributions[i])):
        a = attributions[i]
        if a.source and a.post:
            cores[i] = (a.source[0], [])  # a signature names its author as the account gives it
        elif a.source:
            core, relays = split_relay(doc, *a.source[0])
            cores[i] = (core, relays)
    speakers: dict[int, Speaker | None] = {}
    for i in sorted(cores, key=lambda i: cores[i][0][0]):  # type: ignore[index]
        core = cores[i][0]
        speakers[i] = (resolver.poster(*core) if attributions[i].post else resolver.resolve(*core)) if core else None

    ids = [f"s{start_id + i + 1}" for i in range(len(attributions))]
    built: dict[int, Statement] = {}

    def build(i: int) -> Statement:
        if i in built:
            return built[i]
        a: Attribution = attributions[i]
        parent = build(a.parent) if a.parent is not None and a.parent != i and a.parent < len(attributions) else None
        via: list[Via] = []
        if parent is not None:
            via += parent.via
            if parent.speaker is not None and parent.speaker is not speakers.get(i):
                via.append(Via(parent.speaker.name, parent.speaker.kind, parent.source[0] if parent.source else None))
            for s, e in cited_by_speaker(doc, *attributions[a.parent].cue[0]) if attributions[a.parent].cue else []:
                via.append(_via(doc, index, shift, s, e))
        for s, e in cores.get(i, (None, []))[1]:
            via.append(_via(doc, index, shift, s, e))
        cue_spans = [doc.char_span(s, e, alignment_mode="expand") for s, e in a.cue]
        content_spans = [doc.char_span(s, e, alignment_mode="expand") for s, e in a.content]
        cues = [c for c in cue_spans if c is not None]
        m = markers(doc, cues, [c for c in content_spans if c is not None],
                    parent_hedged=bool(parent and parent.hedged),
                    sentence_start=index.sentence_start(cues[0].start) if cues else None)
        statement = Statement(
            id=ids[i], kind=a.kind, content=shift.spans(a.content), cue=shift.spans(a.cue),
            source=shift.spans(a.source) if a.source else None, speaker=speakers.get(i),
            addressee=shift.span(*a.addressee) if a.addressee else None, via=_dedupe(via, speakers.get(i)),
            nested=parent is not None, parent=parent.id if parent else None, hedged=m.hedged, denial=m.denial,
            confirmation=m.confirmation, cue_connotation=m.cue_connotation,  # type: ignore[arg-type]
        )
        built[i] = statement
        return statement

    statements = [build(i) for i in range(len(attributions))]
    return statements, resolver.speakers()


def _first(a: Attribution) -> int:
    return min(s for s, _ in (a.source or a.cue or a.content))


def _via(doc: Doc, index: DocIndex, shift: _Shift, start: int, end: int) -> Via:
    mention = doc.char_span(start, end, alignment_mode="expand")
    ents = index.ents_in(mention.start, mention.end) if mention is not None else []
    kind = "anonymous"
    if mention is not None and any(e.label_ in {"ORG", "NORP", "GPE", "FAC"} for e in ents):
        kind = "organisation" if mention.root.ent_type_ else "anonymous"
    if any(e.label_ == "PERSON" for e in ents):
        kind = "person"
    text = index.text[start:end]
    name = text[4:] if text.lower().startswith("the ") else text
    return Via(name, kind, shift.span(start, end))  # type: ignore[arg-type]


def _dedupe(via: list[Via], speaker: Speaker | None) -> list[Via]:
    """A chain never repeats a link, nor ends with the speaker itself."""
    out: list[Via] = []
    for v in via:
        if not any(normalise(v.name) == normalise(o.name) for o in out):
            out.append(v)
    while out and speaker is not None and normalise(out[-1].name) == normalise(speaker.name):
        out.pop()
    return out

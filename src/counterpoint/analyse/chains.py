"""Chains of sourcing: who passed a statement on to whom before the outlet printed it.

Two constructions carry the chain inside one sentence: a source phrase
that names its own relay ("two White House officials cited by NBC") and a
speaker who cites someone ("NBC News, citing White House sources,
reported ..."). Nesting carries the rest: "NBC reported that Trump
said X" makes NBC the outer link of Trump's statement.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

CITE_LEMMAS = {"cite", "quote"}


def split_relay(doc: Doc, start: int, end: int) -> tuple[tuple[int, int], list[tuple[int, int]]]:
    """A source mention without its relay, and the relays, outermost first.

    "two White House officials cited by NBC" -> ("two White House officials", ["NBC"]).
    """
    mention = doc.char_span(start, end, alignment_mode="expand")
    if mention is None:
        return (start, end), []
    for tok in mention:
        if tok.lemma_.lower() in CITE_LEMMAS and tok.dep_ in {"acl", "relcl"} and tok.i > mention.start:
            agents = [g for a in tok.children if a.dep_ == "agent" for g in a.children if g.dep_ == "pobj"]
            if agents:
                core_end = doc[tok.i - 1]
                while core_end.i > mention.start and core_end.is_punct:
                    core_end = doc[core_end.i - 1]
                relay = _extent(agents[0])
                return (mention.start_char, core_end.idx + len(core_end)), [relay]
    return (start, end), []


def cited_by_speaker(doc: Doc, cue_start: int, cue_end: int) -> list[tuple[int, int]]:
    """Who the speaker of a cue cites: 'NBC, citing officials, reported' -> ['officials']."""
    cue = doc.char_span(cue_start, cue_end, alignment_mode="expand")
    if cue is None:
        return []
    root = cue.root
    neighbours = [*root.children, root.head, *root.head.children] if root.head is not root else [*root.children]
    for tok in [root, *neighbours]:
        if tok.lemma_.lower() in CITE_LEMMAS and tok.pos_ == "VERB":
            objects = [c for c in tok.children if c.dep_ in {"dobj", "obj"}]
            if objects:
                return [_extent(objects[0])]
    return []


def _extent(tok: Token) -> tuple[int, int]:
    """The noun phrase headed by `tok`, without trailing clauses or punctuation."""
    left = tok.left_edge
    right = tok
    for child in tok.rights:
        if child.dep_ in {"compound", "amod", "nummod", "poss", "flat", "appos"} or (
            child.dep_ == "prep" and child.lower_ == "of"
        ):
            right = child.right_edge
    return left.idx, right.idx + len(right)

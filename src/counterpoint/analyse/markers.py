"""Stance markers on a statement: hedged, denial, confirmation, and the cue's connotation.

Lexicons, not models: these words are few, well studied in attribution
research (e.g. Bergler's reporting-verb classes), and a user must be able
to see exactly why a statement was marked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

# Words that put distance between the outlet and the claim it reports.
HEDGE_WORDS = {
    "reportedly", "allegedly", "purportedly", "apparently", "supposedly", "ostensibly", "rumoredly",
    "claiming", "claim", "claims", "claimed", "alleging", "alleged", "allege", "alleges", "purported",
}
HEDGE_PHRASES = re.compile(
    r"\b(?:is|are|was|were) (?:said|reported|rumou?red|believed|thought) to\b|\bit (?:is|was|has been) reported\b"
    r"|\bunconfirmed reports?\b|\bunverified\b",
    re.I,
)
DENIAL_CUES = {"deny", "refute", "reject", "dismiss", "rebut", "disavow", "contradict", "disprove", "debunk",
               "dispute", "deride", "repudiate", "discount"}
DENIAL_CONTENT = re.compile(
    # "false" and "fiction" only as a verdict: "is false", "false reports", "pure fiction" (not "false documents")
    r"\b(?:not true|untrue|fake news|no truth|baseless|groundless|nonsense|fabricat\w+|"
    r"(?:is|was|are|were|be|been|completely|totally|entirely|patently|simply|absolutely|utterly) false|"
    r"false (?:claims?|reports?|allegations?|accusations?|stor(?:y|ies)|information|news|rumou?rs?)|^false|"
    r"(?:pure|complete|total|a work of) fiction|"
    r"(?:was|were) not said|never said|did not say|didn't say|never happened|no such (?:thing|phrase|words?)|"
    r"categorically|does not correspond to reality)\b"
    r"|^\W*no\b[,.!]\s.*(?:\bnot\b|\bnever\b|n't\b)",  # "No, this phrase was not said" (not a bare "No, no, no!")
    re.I,
)
# "denied the reports", "rejected the accusations": what a denial cue takes when it is not a clause.
# "continue to deny coverage" or "reject the offer" refuses something, it does not deny a claim.
CLAIM_NOUNS = {
    "report", "claim", "allegation", "accusation", "charge", "story", "rumor", "rumour", "statement",
    "assertion", "suggestion", "notion", "idea", "speculation", "account", "version", "theory", "quote",
    "remark", "comment", "word", "conclusion", "finding", "assessment", "criticism", "characterization",
    "characterisation", "interpretation", "reporting", "suspicion", "premise", "narrative", "link", "involvement",
    "wrongdoing", "responsibility", "knowledge", "existence", "authenticity", "veracity", "truth", "it", "this",
    "that", "everything", "anything",
}  # fmt: skip
CONFIRMATION_CUES = {"confirm", "acknowledge", "admit", "verify", "corroborate", "concede", "affirm", "reaffirm"}
# Cues that carry the reporter's judgement ("claimed" doubts, "admitted" implies guilt, "insisted" implies
# resistance), against the neutral "said", "told", "added", "according to".
LOADED_CUES = {
    "claim", "insist", "admit", "allege", "concede", "boast", "complain", "reveal", "assert", "maintain",
    "contend", "purport", "brag", "rant", "slam", "blast", "lash", "scoff", "grumble", "whine", "tout",
    "confess", "gloat", "sneer", "accuse", "threaten", "vow", "trumpet", "hail", "decry", "lament",
}


@dataclass(frozen=True, slots=True)
class Markers:
    hedged: bool
    denial: bool
    confirmation: bool
    cue_connotation: str  # "neutral" | "loaded"


def markers(doc: Doc, cue: list[Span], content: list[Span], parent_hedged: bool = False,
            sentence_start: int | None = None) -> Markers:
    """Markers of one statement, from its cue and content tokens and the words that modify them.

    `sentence_start` is the first token of the cue's sentence, when the caller knows it cheaply.
    """
    cue_lemmas = {t.lemma_.lower() for span in cue for t in span}
    # Hedges that modify the cue ("Trump reportedly told") or stand between
    # the sentence start and the cue ("..., claiming that").
    hedged = parent_hedged or any(
        t.lower_ in HEDGE_WORDS for span in cue for t in (*span, *(c for tok in span for c in tok.children))
    )
    if not hedged and cue:
        first = cue[0]
        start = sentence_start if sentence_start is not None else first.sent.start
        lead = doc[start : first.start].text
        hedged = bool(HEDGE_PHRASES.search(lead)) or bool(HEDGE_PHRASES.search(first.text))
    content_text = " ".join(span.text for span in content)
    # "did not deny", "never confirmed", "Gupta, not denying the story": the opposite of the marker
    negated = any(t.dep_ == "neg" for span in cue for tok in span for t in (tok, *tok.children))
    denial = not negated and (
        (bool(cue_lemmas & DENIAL_CUES) and _is_claim(content))
        or bool(DENIAL_CONTENT.search(content_text.strip("\"'“”‘’ ")))
    )
    return Markers(
        hedged=hedged,
        denial=denial,
        confirmation=not negated and bool(cue_lemmas & CONFIRMATION_CUES),
        cue_connotation="loaded" if cue_lemmas & (LOADED_CUES | HEDGE_WORDS) else "neutral",
    )


def _is_claim(content: list[Span]) -> bool:
    """Content a denial cue can deny: a clause ("denied that X", "denied having met him") or a claim noun."""
    toks = [t for span in content for t in span]
    if any(t.pos_ in ("VERB", "AUX") for t in toks) or any(t.text in "\"“”" for t in toks):
        return True
    return any(t.lemma_.lower() in CLAIM_NOUNS for t in toks if t.pos_ in ("NOUN", "PROPN", "PRON"))

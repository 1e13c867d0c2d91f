"""Who really speaks: people, organisations and anonymous groups, not "nothing", "two", "the report".

The attribution stage finds the grammatical subject of every reporting verb, and some subjects are
not speakers at all: pronouns and quantifiers ("no one said", "Two told"), things ("the report
says", "pictures show"), abstractions ("My hope is"). Naming them as the source of a claim, or
listing them among a story's speakers, misleads a reader. A small logistic model over the name
(entity type, capitals, the head word's kind, quantifier and pronoun words, digits, and its MiniLM embedding)
and how the speaker is used (mentions, a role, the kind the analysis gave it) says whether a speaker is real;
it is trained on the speakers of the project's keyed stories (`training/findings/train_speakers.py`,
weights in `models/claims/speakers.json`). A statement whose speaker is not real keeps its source
words but no speaker, so no finding rests a claim on it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from counterpoint.compare.logistic import Logistic
from counterpoint.compare.pairs import Encoder
from counterpoint.model import Entity, Speaker, Statement

MODEL = Path(__file__).resolve().parents[1] / "models" / "claims" / "speakers.json"


def _words(text: str) -> list[str]:
    return text.split()


_PRONOUNS = frozenset(_words("""
    nothing no one none nobody noone one two three four five some many all both each every everyone
    everybody someone somebody anyone anybody it this that these those they them their he she we i you who which
    what whoever others another other most few several something anything everything"""))
_SPEAKER_HEADS = frozenset(_words("""
    official officials spokesman spokeswoman spokesperson spokespeople police minister
    ministry source sources witness witnesses expert experts analyst analysts authorities authority government agency
    company
    lawyer lawyers attorney attorneys prosecutor prosecutors judge court department office president leader leaders
    researchers scientists doctors residents critics officer officers chief director secretary spokesmen
    representative representatives commission council committee board party union group organisation organization
    team club coach manager embassy ambassador governor mayor senator democrats republicans administration
    investigators firefighters people observers activists aides aide advisers adviser executive executives
    newspaper agency reporters journalist journalists editor station network outlet site blogger"""))
_THING_HEADS = frozenset(_words("""
    report reports story stories article articles statement statements study studies survey
    surveys poll polls data photo photos video videos picture pictures image images footage record records document
    documents letter letters website page post posts evidence investigation analysis figures attempt hope hopes
    desire telecast amendment law bill rule rules move decision plan idea theory rumor rumour rumors rumours note
    message messages email emails tweet tweets book books film movie show list map chart graph version account
    accounts claim claims allegation allegations finding findings results result sign signs signal research decree
    decrees information recording recordings sheet constitution resolution release releases records percent
    respondents death plans wave release statement"""))
# Verbs by which someone speaks (said, told, denied...), against verbs of wanting, planning or believing.
_SPEECH_CUE = re.compile(r"\b(?:say|said|says|saying|tell|told|tells|announc\w*|den(?:y|ied|ies)|confirm\w*|claim\w*|"
                         r"report\w*|stat(?:e|ed|es)|add(?:ed|s)?|insist\w*|warn\w*|accus\w*|according|explain\w*|"
                         r"describ\w*|call(?:ed|s)?|wrote|writ\w*|tweet\w*|quot\w*|cit\w*|reveal\w*|admit\w*|"
                         r"dismiss\w*|reject\w*|rul(?:ed|es)|testif\w*|comment\w*|ask\w*|argu\w*)\b"
                         r"|\(@\w", re.I)  # and an embedded post's signature, "(@handle) May 1, 2015"
_WORD = re.compile(r"[\w'’-]+")
_NAME_LABELS = {"PERSON", "ORG", "NORP", "GPE", "FAC"}

HANDMADE = (
    "person", "organisation", "anonymous", "entity", "capitals", "all_lower", "pronoun_start", "pronoun_only",
    "digits", "speaker_head", "thing_head", "role", "mentions", "words", "determiner", "speech_cue", "statements",
)
NAME_DIM = 384  # all-MiniLM-L6-v2's embedding of the name: "feminist blogger" reads like a person, "pictures" not
FEATURES = (*HANDMADE, *(f"name_{i}" for i in range(NAME_DIM)))


# Words that open a noun's post-modifier: "officials familiar with the talks", "sources close to the
# investigation", "a man who saw the crash" are officials, sources and a man.
_POSTMODIFIER = frozenset(_words("""
    familiar close with of in at from on for to who that which briefed involved knowledgeable speaking"""))


def _head(low: list[str]) -> str:
    """The head word of a speaker's name, lower-cased: the last word before any post-modifier."""
    cut = next((k for k, w in enumerate(low) if k > 0 and w in _POSTMODIFIER), len(low))
    return low[cut - 1] if cut else ""


def speaker_features(sp: Speaker, entities: list[Entity], cues: list[str] = ()) -> list[float]:
    """The speaker's features; `cues` are the cue words of the statements it is the speaker of."""
    words = _WORD.findall(sp.name)
    low = [w.lower() for w in words]
    head = _head(low)
    caps = sum(1 for w in words if w[:1].isupper())
    entity = any(e.label in _NAME_LABELS and any(m.start <= e.span.start < m.end or e.span.start <= m.start
                                                 < e.span.end for m in sp.mentions) for e in entities)
    return [
        float(sp.kind == "person"), float(sp.kind == "organisation"), float(sp.kind == "anonymous"), float(entity),
        caps / max(1, len(words)), float(bool(words) and caps == 0), float(bool(low) and low[0] in _PRONOUNS),
        float(bool(low) and all(w in _PRONOUNS for w in low)), float(any(c.isdigit() for c in sp.name)),
        float(head in _SPEAKER_HEADS or head.rstrip("s") in _SPEAKER_HEADS), float(head in _THING_HEADS),
        float(bool(sp.role)), min(len(sp.mentions), 5) / 5, min(len(words), 8) / 8,
        float(bool(low) and low[0] in {"the", "a", "an", "his", "her", "its", "our", "my"}),
        sum(1 for c in cues if _SPEECH_CUE.search(c)) / max(1, len(cues)), min(len(cues), 5) / 5,
    ]


_PREPOSITION = re.compile(r"\s+(?:in|on|of|from|at|by|for|about|to)\s+", re.I)


# What a role extracted from the sentence around a name can drag along: a possessive or a preposition at its
# edges ("CNN’s", "of Metropolis", "Business Times as"), an empty bracket ("its head ( )").
_ROLE_EDGES = re.compile(r"^(?:(?:of|as|and|in|at|by|from|with)\s+)+|\s*\(\s*\)|\s*['’]\s*s?\s*$|"
                         r"\s+(?:as|and|of|the|from|at|in|by|for|with)\s*$", re.I)
# A role that is no description at all: a possessive's tail ("’s official website"), a clause ("rumour that has
# been"), only an age or a pronoun.
_NO_ROLE = re.compile(r"^\s*['’]|\b(?:that|which)\s+(?:has|have|had|is|was|were|are)\b|^\d+-year-old$|"
                      r"^(?:him|her|them|it)self$", re.I)


def shown_role(role: str | None) -> str | None:
    """The role to print beside a speaker's name: the description without the scraps of the sentence around it
    ("CNN’s" -> "CNN"), or None where there is none ("rumour that has been")."""
    if not role or _NO_ROLE.search(role.strip()):
        return None
    cleaned = role.strip()
    while (trimmed := _ROLE_EDGES.sub("", cleaned).strip()) != cleaned:
        cleaned = trimmed
    return cleaned or None


# A capitalised word in a source's label that says what kind of person or body speaks, not which one (narrower
# than _SPEAKER_HEADS: "Board", "Party" or "Team" in a name still tell two sources apart).
_NOT_A_NAME = frozenset(_words("""
    mr mrs ms dr lt sgt gen rep sen gov the a an president minister governor spokesman spokeswoman spokesperson
    police department ministry news agency office state national county city university times post daily general
    chief head secretary official officials source sources council court government service company group"""))


def source_name_words(label: str, places: frozenset[str] = frozenset()) -> set[str]:
    """The words that pick out one source in a label, lower-cased, possessives dropped: a person's surname (the
    last of two capitalised words, "Nat Kerris" -> kerris: two people share first names), every word of a longer
    name ("Central Bedfordshire Council" -> central, bedfordshire), never a title or a kind of body ("Police",
    "Ministry") nor a place (`places`): two different sources share those."""
    out: set[str] = set()
    for run in re.findall(r"[A-Z][\w'’.-]*(?: +[A-Z][\w'’.-]*)*", label):
        words = [re.sub(r"(?:['’]s?|\.)$", "", w).lower() for w in run.split()]
        # two words: a person's surname, unless the last is a kind of body ("NBC News" -> nbc)
        for w in words[-1:] if len(words) == 2 and words[-1] not in _NOT_A_NAME else words:
            if len(w) >= 3 and w not in _NOT_A_NAME and w not in places:
                out.add(w)
    return out


def one_source(labels: list[str], places: frozenset[str] = frozenset()) -> bool:
    """Do these labels name one source? One label does; several do when each shares a name word with another and
    all are linked ("Nat Kerris (Apple spokeswoman)" / "an Apple spokesperson"). On our 149 keyed stories, 175 of
    the single-source claims no finding flagged were told under several labels, most of them one source's ("Central
    Bedfordshire Council" / "a spokesman for Central Bedfordshire Council"); 5-fold story CV: single-sourced F1
    0.508 -> 0.517."""
    if len(labels) == 1:
        return True
    words = [source_name_words(x, places) for x in labels]
    if not all(words):
        return False
    linked, todo = {0}, [0]
    while todo:
        k = todo.pop()
        for j in range(len(labels)):
            if j not in linked and words[j] & words[k]:
                linked.add(j)
                todo.append(j)
    return len(linked) == len(labels)


def is_document(name: str) -> bool:
    """Is this source a document or a medium ("a 1997 article in Ebony", "media reports", "a disclaimer on the
    site") rather than people? A document is not an anonymous source: it is where the words are printed."""
    head = _PREPOSITION.split(name.strip(), maxsplit=1)[0]
    words = _WORD.findall(head.lower())
    return bool(words) and (words[-1] in _THING_HEADS or words[-1] in {"disclaimer", "press", "media"})


def names_people(sp: Speaker) -> bool:
    """Does the speaker's name say what kind of speaker it is, by a head noun of `_SPEAKER_HEADS` ("two people
    with knowledge of the matter", "a spokeswoman for the charity", "Kurdish sources", "the site", "his
    office")? Such a description is a source whether or not a story's list of speakers should carry it (the
    speaker model learns the keys' lists, which rarely hold descriptions). A head cut at "of" is not read:
    "one of the officials" is left to the model."""
    head = _head([w.lower() for w in _WORD.findall(sp.name)])
    return not is_document(sp.name) and (head in _SPEAKER_HEADS or head.rstrip("s") in _SPEAKER_HEADS)


@dataclass(frozen=True, slots=True)
class SpeakerModel(Logistic):
    """P(real speaker) over `FEATURES`, and the thresholds that decide what a speaker may do."""

    FEATURES = FEATURES
    PATH = MODEL
    WHAT = "the speaker model"
    SCRIPT = "training/findings/train_speakers.py"

    threshold: float  # listed among the story's speakers from this P(real speaker) up
    keep_at: float = 0.35  # a statement keeps its speaker (for sourcing and denials) from this one up


@lru_cache(maxsize=1)
def speaker_model() -> SpeakerModel:
    return SpeakerModel.load()


def cues_by_speaker(statements: list[Statement], speakers: list[Speaker] = ()) -> dict[str, list[str]]:
    """The cue words of each speaker's statements; a speaker named inside another's source ("said Zadan and
    Meron": the statement goes to Zadan) is credited with that statement's cue too."""
    out: dict[str, list[str]] = {}
    for st in statements:
        cue = " ".join(c.text for c in st.cue)
        credited = {st.speaker.key or st.speaker.name} if st.speaker is not None else set()
        for sp in speakers:
            if any(src.start <= m.start and m.end <= src.end for src in st.source or [] for m in sp.mentions):
                credited.add(sp.key or sp.name)
        for key in credited:
            out.setdefault(key, []).append(cue)
    return out


def speaker_rows(speakers: list[Speaker], entities: list[Entity], statements: list[Statement],
                 encoder: Encoder) -> np.ndarray:
    """One row of `FEATURES` per speaker: the hand-made features, then the embedding of the name."""
    cues = cues_by_speaker(statements, speakers)
    x = np.array([speaker_features(sp, entities, cues.get(sp.key or sp.name, [])) for sp in speakers],
                 dtype=np.float64).reshape(len(speakers), len(HANDMADE))
    names = np.asarray(encoder.encode([sp.name for sp in speakers]), dtype=np.float64).reshape(len(speakers), NAME_DIM)
    return np.hstack([x, names])


def speaker_scores(speakers: list[Speaker], entities: list[Entity], statements: list[Statement],
                   model: SpeakerModel, encoder: Encoder) -> dict[str, float]:
    """P(real speaker) by speaker key (or name)."""
    if not speakers:
        return {}
    x = speaker_rows(speakers, entities, statements, encoder)
    return {sp.key or sp.name: float(p) for sp, p in zip(speakers, model.predict(x), strict=True)}


_NAME_WORD = re.compile(r"[a-z0-9]+")
_DESCRIPTION_SKIP = frozenset(_words("the a an of for in at his her its their former then"))
# The head nouns of a person's description rather than a name ("the Vermont governor", "county councilman").
_ROLE_HEADS = _SPEAKER_HEADS | frozenset(_words("""
    congressman congresswoman councilman councilwoman senator chairman chairwoman pastor filmmaker producer
    actor actress singer rapper star player owner founder ceo veteran sheriff commissioner general"""))


def _name_words(text: str) -> list[str]:
    return [w for w in _NAME_WORD.findall(text.lower().replace("’", "'").replace("'s", "")) if w not in
            _DESCRIPTION_SKIP]


_ROLE_END = re.compile(r",|\s(?:of|in|at|for|from|with|to|on|and|who)\s", re.I)  # "Governor of Vermont": governor


_PARTICLES = frozenset(_words("de van von der al bin ibn da di la le del dos du"))


def _proper(name: str) -> bool:
    """A person's name, every word capitalised ("Hugh Jackman", "Ludwig van Beethoven"), not a description
    ("Shoppers in Carlisle")."""
    return all(w[:1].isupper() or w.lower() in _PARTICLES for w in name.split())


def _abbreviates(a: str, b: str) -> bool:
    """"gov" and "governor", "sen" and "senator": one word the start of the other."""
    return a == b or (min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a)))


_TITLE_WORD = re.compile(r"([A-Za-z][\w'’.-]*)\s*$")


def titles(text: str, entities: Sequence[Entity]) -> dict[str, list[str]]:
    """The words right before each person the text names, by the person's surname: "Vermont Gov. Karen Halvorsen"
    gives halvorsen -> [vermont, gov]. A speaker's role comes only from where they speak; this is how an
    article titles them anywhere."""
    out: dict[str, list[str]] = {}
    for e in entities:
        if e.label != "PERSON" or not (name := _name_words(e.span.text)):
            continue
        words: list[str] = []
        end = e.span.start
        while len(words) < 4 and (m := _TITLE_WORD.search(text, max(0, end - 40), end)) is not None:
            word = m.group(1)
            if not (word[:1].isupper() or word.lower() in _ROLE_HEADS):
                break
            words.insert(0, word)
            end = m.start()
        if words:
            out.setdefault(name[-1], []).extend(_name_words(" ".join(words)))
    return out


def same_people(speakers: Sequence[Speaker], titled: Mapping[str, Sequence[str]] | None = None) -> dict[str, Speaker]:
    """Speakers of a story's articles that name a person another article names more fully, by their key.

    Each article resolves its own mentions ("Peskov" after "Dmitry Peskov"); across articles the keys
    differ when one outlet writes only "Peskov", or only "the Vermont governor" where another wrote "Vermont
    Gov. Karen Halvorsen". A reader takes them for one person, and so must sourcing (one source or two?) and the
    story's list of speakers. A surname goes to the one person of the story with that surname; a description
    without a name ("Vermont Governor") to the one named person whose role holds all its words, its last as
    the role's head. Two candidates, or none: left alone.
    """
    titled = titled or {}
    named = [sp for sp in speakers if sp.kind == "person" and len(words := _name_words(sp.name)) >= 2
             and words[-1] not in _ROLE_HEADS and _proper(sp.name)]
    out: dict[str, Speaker] = {}
    for sp in speakers:
        if sp.kind != "person" or sp in named or not sp.key:
            continue
        words = _name_words(sp.name)
        if len(words) == 1 and sp.name[:1].isupper() and words[0] not in _ROLE_HEADS:
            found = {q.key: q for q in named if _name_words(q.name)[-1] == words[0]}
        elif words and words[-1] in _ROLE_HEADS and not sp.role:
            found = {q.key: q for q in named if _described(words, q.role, titled.get(_name_words(q.name)[-1], ()))}
        else:
            continue
        if len(found) == 1:
            out[sp.key] = next(iter(found.values()))
    return out


def _described(words: list[str], role: str | None, title: Sequence[str]) -> bool:
    """Does a description ("vermont governor") fit a person's role ("the Governor of Vermont"), or the words
    an article titles them with ("Vermont Gov.")? Its last word must be the role's head, or a title word."""
    if role and (head := _name_words(_ROLE_END.split(role)[0])) and _abbreviates(words[-1], head[-1]) and all(
            any(_abbreviates(w, r) for r in _name_words(role)) for w in words[:-1]):
        return True
    return bool(title) and all(any(_abbreviates(w, t) for t in title) for w in words)

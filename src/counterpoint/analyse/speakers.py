"""Who a source mention refers to: one canonical speaker per person or group per article.

"Kremlin spokesman Dmitry Peskov", "Peskov", "the spokesman" and "he"
become one speaker named "Dmitry Peskov" with the role "Kremlin
spokesman". The rules are the ones a careful reader applies: names merge
by surname, pronouns and definite descriptions ("the spokesman") go to the
nearest earlier speaker that fits, plural and indefinite descriptions
("two White House officials", "a source") are anonymous groups, and "one
of the officials" belongs to the group already named.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from counterpoint.analyse.doc_index import DocIndex
from counterpoint.model import Span, Speaker, SpeakerKind

PERSON_PRONOUNS = {"he", "she", "him", "her"}
GROUP_PRONOUNS = {"they", "them", "we"}
ANONYMOUS_HEADS = {
    "official", "source", "aide", "insider", "person", "people", "adviser", "advisor", "diplomat", "officer",
    "staffer", "member", "expert", "analyst", "observer", "witness", "resident", "lawmaker", "employee",
}
# Sources that name nobody in particular: a pronoun of the speaker or the reader, or a quantifier.
UNRESOLVED_WORDS = {
    "i", "you", "it", "all", "both", "some", "many", "most", "several", "few", "others", "everyone",
    "everybody", "nobody", "none", "each", "any", "anyone", "someone", "somebody",
}  # fmt: skip
# Institutions that speak as one voice ("police said", "the ministry said"): an organisation on the record,
# not an anonymous source, though the parser tags "police" as a plural noun.
INSTITUTION_HEADS = {
    "police", "army", "navy", "military", "government", "ministry", "department", "agency", "court", "council",
    "committee", "commission", "company", "administration", "embassy", "parliament", "congress", "senate",
    "coastguard", "office", "university", "hospital", "club", "team", "party", "bank", "firm", "network",
    "academy", "guild", "union", "association", "institute", "foundation", "bureau", "federation", "league",
    "organization", "organisation", "board", "church", "school", "newspaper", "magazine",
}  # fmt: skip
# Role nouns whose variants name the same job ("spokesman" / "spokesperson").
ROLE_SYNONYMS = {"spokesman": "spokesperson", "spokeswoman": "spokesperson", "spokesperson": "spokesperson",
                 "sources": "source", "officials": "official", "gov": "governor", "sen": "senator",
                 "rep": "representative", "gen": "general", "pres": "president", "atty": "attorney"}
# Words that end a role's head noun phrase: "Russian Ambassador in Washington", "chief of police".
ROLE_POSTMODIFIERS = re.compile(r",|\s(?:of|in|at|for|from|with|to|on|and|who|which)\s", re.I)
# Things that speak for whoever made them: "figures from Nielsen", "a report by the WHO".
DOCUMENT_HEADS = {
    "figure", "report", "statement", "study", "survey", "data", "poll", "analysis", "document", "letter",
    "release", "estimate", "count", "record", "tally", "research", "review", "audit", "filing", "memo",
}  # fmt: skip
_ACRONYM = re.compile(r"^[A-Z]{2,6}$")
_ACRONYM_SKIP = {"of", "and", "the", "for", "in", "on", "&"}
# A title before a name, stripped from it ("Gov. Sarah Palin" -> "Sarah Palin"); models.titles.TITLES lists
# the abbreviated titles a sentence must not end at, a different list for a different job.
_TITLE_PREFIX = re.compile(r"^(?:mr|mrs|ms|miss|dr|prof|sir|president|prime minister|minister|senator|sen|rep|gov|"
                           r"governor|general|gen|secretary|ambassador|judge|justice|chancellor|king|queen|pope)\.?\s+",
                           re.I)
PLACE_TYPES = {"GPE", "LOC"}
ROLE_WORDS = {"president", "ambassador", "minister", "spokesman", "spokeswoman", "spokesperson", "secretary",
              "senator", "governor", "chancellor", "general", "judge", "mayor", "chairman", "director", "chief",
              "leader", "envoy", "adviser", "advisor", "official", "representative", "congressman", "prosecutor"}
DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "his", "her", "their", "its", "our", "one", "of",
               "two", "three", "four", "several", "some", "many", "other", "another", "both", "all"}


@dataclass(slots=True)
class _Entry:
    speaker: Speaker
    surname: str | None = None
    heads: set[str] = field(default_factory=set)
    last_seen: int = -1


def normalise(text: str) -> str:
    """Lower case, no accents, no punctuation: the basis of cross-article keys. A name in another script
    ("الرقة تذبح بصمت") keeps its letters: folded to ASCII it would be empty, and every such name one key."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = " ".join(re.sub(r"[^a-z0-9 ]+", " ", folded.lower()).split())
    return out or " ".join(re.sub(r"[\W_]+", " ", text.lower()).split())


def role_key(role: str | None) -> str:
    words = [ROLE_SYNONYMS.get(w, w) for w in normalise(role or "").split() if w not in DETERMINERS]
    return " ".join(words)


class SpeakerResolver:
    """Resolves source mentions in document order; holds the article's speakers so far."""

    def __init__(self, doc: Doc, index: DocIndex | None = None) -> None:
        self.doc = doc
        self.index = index or DocIndex(doc)
        self.entries: list[_Entry] = []
        self.person_ents = [e for e in self.index.ents if _is_person(e)]
        names = {normalise(_strip_possessive(e.text)) for e in self.person_ents}
        self._ent_surnames = {n.split()[-1] for n in names if n}
        self._acronyms = _acronyms(self.index.ents)

    def speakers(self) -> list[Speaker]:
        return [e.speaker for e in self.entries]

    def resolve(self, start: int, end: int) -> Speaker | None:
        """The speaker for the source mention at character offsets [start, end)."""
        mention = self.doc.char_span(start, end, alignment_mode="expand")
        if mention is None or not mention.text.strip():
            return None
        evidence = Span.of(self.index.text, start, end)
        entry = self._resolve(mention)
        if entry is None:
            return None
        if evidence not in entry.speaker.mentions:
            entry.speaker.mentions.append(evidence)
        entry.last_seen = mention.start
        return entry.speaker

    def poster(self, start: int, end: int) -> Speaker | None:
        """The author of an embedded post, by the name its signature gives ("gwendolyn richards", "BroBible"):
        an account's name is a name whatever its case, so no rule about descriptions or pronouns applies;
        an organisation where the NER says so, else a person."""
        mention = self.doc.char_span(start, end, alignment_mode="expand")
        if mention is None or not mention.text.strip():
            return None
        name = clean_name(mention.text)
        if any(e.label_ in {"ORG", "NORP", "GPE", "FAC"} for e in self.index.ents_in(mention.start, mention.end)):
            entry = self._group(_strip_the(name), "organisation", role=None, heads={normalise(name)})
        else:
            entry = self._person(name, None)
        if (evidence := Span.of(self.index.text, start, end)) not in entry.speaker.mentions:
            entry.speaker.mentions.append(evidence)
        entry.last_seen = mention.start
        return entry.speaker

    # -- the rules ----------------------------------------------------------

    def _resolve(self, mention: SpacySpan) -> _Entry | None:
        words = [t for t in mention if not t.is_punct]
        if not words:
            return None
        if len(words) == 1 and words[0].lower_ in PERSON_PRONOUNS:
            return self._person_before(mention.start)
        if len(words) == 1 and words[0].lower_ in GROUP_PRONOUNS:
            return self._latest(mention.start, kinds={"anonymous", "organisation"})
        if len(words) == 1 and words[0].lower_ in UNRESOLVED_WORDS:
            return None  # "All have denied it": who "all" are is more than these rules can tell
        if len(words) == 1 and words[0].tag_ in {"WP", "WDT"} and words[0].head.dep_ == "relcl":
            # "Christians who reject ...": the relative pronoun stands for the noun its clause modifies
            noun = words[0].head.head
            if noun.pos_ in {"NOUN", "PROPN"} and noun.i < words[0].i:
                return self._resolve(self.doc[noun.left_edge.i : noun.i + 1])
        ents = self.index.ents_in(mention.start, mention.end)
        persons = [e for e in ents if _is_person(e)]
        head = mention.root
        if not persons and head.pos_ == "PROPN" and head.lower_ in self._surnames():
            # "Trump" tagged ORG by the small NER model, though the article names him as a person
            return self._person(_strip_possessive(_strip_the(mention.text)), None)
        if len(persons) >= 2 and any(t.dep_ == "cc" for t in self.doc[persons[0].end : persons[1].start]):
            # "Producers Craig Zadan and Neil Meron": two speakers; the statement goes to the first
            role = _strip_the(self.doc[mention.start : persons[0].start].text) or None
            entries = [self._person(_strip_possessive(p.text), role) for p in persons]
            for p, entry in zip(persons[1:], entries[1:], strict=True):
                if (span := Span.of(self.index.text, p.start_char, p.end_char)) not in entry.speaker.mentions:
                    entry.speaker.mentions.append(span)
            return entries[0]
        if persons:
            name_span = max(persons, key=len)
            return self._person(_strip_possessive(name_span.text), _role_of(mention, name_span))
        head_lemma = head.lemma_.lower()
        if head_lemma in DOCUMENT_HEADS:
            author = _author_of(head)
            if author is not None:  # "figures from Nielsen Media Research": Nielsen is the source
                return self._resolve(author)
        orgs = [e for e in ents if e.label_ in {"ORG", "NORP", "GPE", "FAC"}]
        if head.lower_ not in self._surnames():
            # "the US President" when the article already quoted "U.S. President Donald Trump"
            found = self._latest(mention.start, kinds={"person"}, head=ROLE_SYNONYMS.get(head_lemma, head_lemma))
            if found and head_lemma not in {"official", "source"}:
                return found
        if orgs and head.ent_type_ in {"ORG", "GPE", "FAC", "NORP"}:
            org = max(orgs, key=len)
            return self._group(_strip_the(org.text), "organisation", role=None, heads={normalise(org.text)})
        if head.pos_ == "PROPN":
            return self._named_without_ner(mention)
        if head_lemma in INSTITUTION_HEADS and not _member_of(mention):
            named = self._named_institution(mention, head_lemma)
            if named is not None:
                return named
            return self._group(_strip_the(mention.text), "organisation", role=None, heads={head_lemma})
        anonymous = head_lemma in ANONYMOUS_HEADS or head.tag_ in {"NNS", "NNPS"} or _indefinite(mention)
        if _member_of(mention):  # "one of the officials": a member of a group already named
            nouns = [t.lemma_.lower() for t in mention if t.pos_ in {"NOUN", "PROPN"}]
            noun = nouns[-1] if nouns else head_lemma
            group = self._latest(mention.start, kinds={"anonymous"}, head=ROLE_SYNONYMS.get(noun, noun))
            if group:
                return group
            head_lemma, anonymous = noun, True
        if not anonymous:
            # "the spokesman", "the president": the nearest earlier named person with that role.
            found = self._role_holder(mention, ROLE_SYNONYMS.get(head_lemma, head_lemma))
            if found:
                return found
            return self._group(_strip_the(mention.text), "person", role=None,
                               heads={ROLE_SYNONYMS.get(head_lemma, head_lemma)})
        return self._group(_strip_the(mention.text), "anonymous", role=None,
                           heads={ROLE_SYNONYMS.get(head_lemma, head_lemma)})

    def _named_without_ner(self, mention: SpacySpan) -> _Entry:
        """'Russian Ambassador in Washington Anatoly Antonov' when NER found no person in it: the trailing
        capitalised words are the name (at most three, titles excluded), what precedes them the role."""
        words = [t for t in mention if not t.is_punct]
        end = len(words)
        start = end
        while start > 0 and end - start < 3 and words[start - 1].pos_ == "PROPN" and words[start - 1].is_title \
                and words[start - 1].lower_ not in ROLE_WORDS and words[start - 1].ent_type_ not in PLACE_TYPES:
            start -= 1
        if start == end:
            role = ROLE_SYNONYMS.get(words[-1].lower_, words[-1].lower_)
            if role in ROLE_WORDS or words[-1].lower_ in ROLE_WORDS:  # "Alaska Governor": a role, not a name
                found = self._role_holder(mention, role)
                if found:
                    return found
            return self._person(_strip_possessive(_strip_the(mention.text)), None)
        if end - start == 3 and start > 0 and words[start - 1].pos_ == "ADP":
            start += 1  # "Ambassador in Washington Anatoly Antonov": the place belongs to the preposition
        name = " ".join(t.text for t in words[start:end])
        role = " ".join(t.text for t in words[:start])
        if role.lower() in DETERMINERS:  # "The Hollywood Reporter": no role
            role = ""
        return self._person(_strip_possessive(name), _strip_the(role) if role else None)

    def _person(self, name: str, role: str | None) -> _Entry:
        name = clean_name(_TITLE_PREFIX.sub("", name).strip() or name)
        surname = normalise(name).split()[-1] if normalise(name) else name.lower()
        full = self._full_name(name, surname)
        for entry in self.entries:
            if entry.speaker.kind == "person" and entry.surname == surname:
                if len(full) > len(entry.speaker.name):
                    entry.speaker.name = full
                    entry.speaker.key = "person:" + normalise(full)
                if role and not entry.speaker.role:
                    entry.speaker.role = role
                entry.heads |= _role_heads(role)
                return entry
        speaker = Speaker(name=full, role=role, kind="person", key="person:" + normalise(full))
        entry = _Entry(speaker, surname=surname, heads=_role_heads(role))
        self.entries.append(entry)
        return entry

    def _full_name(self, name: str, surname: str) -> str:
        """The longest PERSON name in the article ending with this surname ("Peskov" -> "Dmitry Peskov")."""
        best = name
        for ent in self.person_ents:
            text = _TITLE_PREFIX.sub("", _strip_possessive(ent.text)).strip()
            norm = normalise(text)
            if norm.split() and norm.split()[-1] == surname and len(text) > len(best) and len(norm.split()) <= 4:
                best = clean_name(text)  # an entity cut inside "Barbara Kay (@BarbaraRKay)" keeps its "("
        return best

    def _group(self, name: str, kind: SpeakerKind, role: str | None, heads: set[str]) -> _Entry:
        name = clean_name(self._expanded(name))
        key = f"{'org' if kind == 'organisation' else 'anon' if kind == 'anonymous' else 'person'}:" + (
            normalise(name) if kind != "anonymous" else role_key(name))
        for entry in self.entries:
            if entry.speaker.key == key:
                return entry
            if kind == "organisation" == entry.speaker.kind and _short_form(key, entry.speaker.key):
                if len(name) > len(entry.speaker.name):  # "NBC" then "NBC News": keep the full name
                    entry.speaker.name, entry.speaker.key = name, key
                return entry
        entry = _Entry(Speaker(name=name, role=role, kind=kind, key=key), heads=heads)
        self.entries.append(entry)
        return entry

    def _latest(self, before: int, kinds: set[str], head: str | None = None) -> _Entry | None:
        candidates = [e for e in self.entries if e.speaker.kind in kinds and e.last_seen <= before
                      and (head is None or head in e.heads or head in _role_heads(e.speaker.role)
                           or (e.speaker.kind != "person" and head in role_key(e.speaker.name).split()))]
        return max(candidates, key=lambda e: e.last_seen, default=None)

    def _named_institution(self, mention: SpacySpan, head: str) -> _Entry | None:
        """"the agency" after "the Korean Central News Agency", "the company" after "Apple said": a definite
        institution noun is the organisation the last few sentences named, one whose name holds the noun
        (or, for a company or firm, the latest organisation named as a subject), so sourcing names it."""
        if mention[0].lower_ != "the" or any(t.pos_ == "PROPN" for t in mention) or len(mention) > 3:
            return None
        found = self._latest(mention.start, kinds={"organisation"}, head=head)
        if found is not None:
            return found
        window = self.index.window_start(mention.start, 3)
        orgs = [e for e in self.index.ents if e.label_ == "ORG" and window <= e.start and e.end <= mention.start]
        named = [e for e in orgs if head in {t.lemma_.lower() for t in e}]
        if not named and head in {"company", "firm"}:
            named = [e for e in orgs if e.root.dep_ in {"nsubj", "nsubjpass", "poss"}]
        if not named:
            return None
        org = named[-1]
        return self._group(_strip_possessive(_strip_the(org.text)), "organisation", role=None,
                           heads={normalise(org.text), head})

    def _role_holder(self, mention: SpacySpan, role: str) -> _Entry | None:
        """The person a role description ("the spokesman", "the Alaska governor") stands for: the latest speaker
        with that role, else the person the article titles with it."""
        return self._latest(mention.start, kinds={"person"}, head=role) or self._titled_person(mention, role)

    def _titled_person(self, mention: SpacySpan, role: str) -> _Entry | None:
        """"the Alaska governor" where no speaker so far has that role: the person the article names with it
        ("Alaska Gov. Sarah Palin"), the latest before the mention, else the first after it."""
        if role not in ROLE_WORDS or any(not t.is_punct for t in self.doc[mention.root.i + 1 : mention.end]):
            return None  # "the president of the bank" is not the "President Obama" the article named
        titled = [e for e in self.person_ents if e.start > 0 and role == ROLE_SYNONYMS.get(
            title := normalise(self.doc[e.start - 1].text), title)]
        before = [e for e in titled if e.end <= mention.start]
        chosen = before[-1] if before else next((e for e in titled if e.start >= mention.end), None)
        if chosen is None:
            return None
        return self._person(_strip_possessive(chosen.text), _strip_the(mention.text))

    def _expanded(self, name: str) -> str:
        """"SAG leaders" -> "Screen Actors Guild leaders" when the article spells the acronym out."""
        return " ".join(self._acronyms.get(w, w) for w in name.split())

    def _surnames(self) -> set[str]:
        """Surnames of the people the article names (by NER, or as speakers already resolved)."""
        return self._ent_surnames | {e.surname for e in self.entries if e.surname}

    def _person_before(self, before: int) -> _Entry | None:
        """The antecedent of "he"/"she": the latest person named as a subject (or possessor) in the last
        few sentences, else the latest person named at all. Subjects are what pronouns usually continue.

        A person counts as named wherever their surname appears, since the
        small NER model misses many later mentions ("Trump's advisers").
        """
        window_start = self.index.window_start(before, 3) if before else 0
        surnames = self._surnames()
        candidates = [t for t in self.doc[window_start:before] if t.pos_ == "PROPN" and t.lower_ in surnames
                      and (t.i + 1 >= len(self.doc) or self.doc[t.i + 1].pos_ != "PROPN")]
        if not candidates:
            earlier = [e for e in self.person_ents if e.end <= before]
            candidates = [earlier[-1].root] if earlier else []  # linear, but only when the window is empty
        if not candidates:
            return None
        subjects = [t for t in candidates if t.dep_ in {"nsubj", "nsubjpass", "poss"}]
        chosen = (subjects or candidates)[-1]
        return self._person(_strip_possessive(chosen.text), None)


def _short_form(a: str, b: str) -> bool:
    """'org:nbc' and 'org:nbc news' name the same organisation."""
    return a.startswith(b + " ") or b.startswith(a + " ")


def _role_of(mention: SpacySpan, name: SpacySpan) -> str | None:
    """'Kremlin spokesman Dmitry Peskov' -> 'Kremlin spokesman'; 'Peskov, the spokesman' -> 'spokesman'."""
    before = mention.doc[mention.start : name.start]
    end = name.end
    while end < mention.end and not (mention.doc[end].lower_ in {"who", "which", "whose", "that"}
                                     or mention.doc[end].dep_ == "relcl"):
        end += 1  # a relative clause ("Putin, who was re-elected ...") describes, it is not a role
    after = mention.doc[name.end : end]
    parts = [p for p in (before.text, after.text) if p.strip(" ,")]
    if not parts:
        return None
    role = " ".join(p.strip(" ,") for p in parts)
    role = _strip_the(role)
    return role if role and len(role) <= 80 and any(c.isalpha() for c in role) else None


def _role_heads(role: str | None) -> set[str]:
    """The head noun of a role: "academy President" -> president, "Ambassador in Washington" -> ambassador."""
    words = role_key(ROLE_POSTMODIFIERS.split(" " + role, maxsplit=1)[0]).split() if role else []
    return {words[-1]} if words else set()


def _is_person(ent: SpacySpan) -> bool:
    """A PERSON entity, unless it is an acronym: the small NER model tags "SAG" a person."""
    return ent.label_ == "PERSON" and not _ACRONYM.match(ent.text)


def _author_of(head) -> SpacySpan | None:
    """The maker a document noun names: "figures from Nielsen", "a report by the WHO", "a Washington Post
    report", "NBC's report"."""
    for mod in head.lefts if head.pos_ != "PROPN" else ():  # "Nielsen Media Research" is a name, not a document
        if mod.dep_ in {"compound", "poss"} and mod.pos_ == "PROPN" and mod.ent_type_ in {"ORG", "PERSON"}:
            end = mod.i + 1 if mod.dep_ == "poss" else head.i  # without the possessive's "'s"
            return head.doc[mod.left_edge.i : end]
    for prep in head.rights:
        if prep.dep_ == "prep" and prep.lower_ in {"from", "by"}:
            for obj in prep.children:
                span = head.doc[obj.left_edge.i : obj.right_edge.i + 1]
                if obj.dep_ == "pobj" and (obj.pos_ == "PROPN" or any(t.ent_type_ for t in span)):
                    return span
    return None


def _acronyms(ents) -> dict[str, str]:
    """Each acronym the article's multi-word organisation names spell ("Screen Actors Guild" -> SAG); not
    places, whose short forms ("US", "UK") are how readers name them."""
    out: dict[str, str] = {}
    for e in ents:
        words = [w for w in e.text.split() if w.lower() not in _ACRONYM_SKIP]
        if e.label_ == "ORG" and len(words) >= 2 and all(w[:1].isupper() for w in words):
            out.setdefault("".join(w[0] for w in words), _strip_the(e.text))
    return out


_PAIRS = (("(", ")"), ("[", "]"), ("“", "”"))  # not ‘ ’: ’ is also the apostrophe


def clean_name(name: str) -> str:
    """A name without a bracket or quotation mark left open by where the mention was cut."""
    for left, right in _PAIRS:
        if name.count(left) != name.count(right):
            name = name.replace(left, "").replace(right, "")
    if name.count('"') % 2:
        name = name.replace('"', "")
    return " ".join(name.split()).strip(" ,;:-") or name


def _strip_the(text: str) -> str:
    return re.sub(r"^(?:the|a|an)\s+", "", text.strip(" ,"), flags=re.I)


def _strip_possessive(text: str) -> str:
    return re.sub(r"(?:'s|’s|'|’)$", "", text.strip())


def _indefinite(mention: SpacySpan) -> bool:
    first = mention[0].lower_
    return first in {"a", "an", "one", "two", "three", "four", "several", "some", "many", "another"} or (
        mention[0].like_num)


def _member_of(mention: SpacySpan) -> bool:
    """'one of the officials', 'another of his aides'."""
    lowers = [t.lower_ for t in mention]
    return len(lowers) >= 3 and lowers[0] in {"one", "another", "two", "some"} and lowers[1] == "of"

"""The one vocabulary every stage reads and writes.

Stages never import each other: they meet here. Every type is a plain
dataclass that round-trips through JSON (`to_dict` / `from_dict`), so the
JSON lines between stages and the rows in the store are the same thing.
Offsets are Python string indices (code points), end exclusive, and a
`Span` always satisfies ``text == owner_text[start:end]``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, fields
from typing import Any, Literal, Self

from counterpoint.textsafe import valid_text

SCHEMA_VERSION = 1

ContentKind = Literal["html", "text", "article"]


@dataclass(frozen=True, slots=True)
class Span:
    """Evidence: an exact slice of some stored text."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, owner: str, start: int, end: int) -> Span:
        return cls(start, end, owner[start:end])

    def valid_in(self, owner: str) -> bool:
        return 0 <= self.start <= self.end <= len(owner) and owner[self.start : self.end] == self.text

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Span:
        return cls(int(d["start"]), int(d["end"]), str(d["text"]))


@dataclass(frozen=True, slots=True)
class Removal:
    """A block of page furniture the cleaner took out, and why.

    The span points into `Article.source_text` (the text before cleaning), so
    a user can always see exactly what was dropped.
    """

    span: Span
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.span.to_dict(), "reason": self.reason}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Removal:
        return cls(Span.from_dict(d), str(d["reason"]))


def content_hash(data: bytes) -> str:
    """The key of a document: same bytes, same document, whatever the path."""
    return hashlib.sha256(data).hexdigest()


@dataclass(slots=True)
class Document:
    """Raw input as it arrived, before any interpretation.

    `kind` says how to read `raw`: an HTML page, plain text, or an article
    that arrived already extracted (a JSONL record, a feed entry with full
    text). The hints are what the source told us (a feed entry's title, a
    JSONL record's fields); extraction prefers the page's own metadata and
    falls back to them, except `outlet`, which is set only by the user
    (`--outlet`, a file name, a JSONL record) and so wins.
    """

    raw: bytes
    kind: ContentKind
    source: str  # a path, URL, "stdin", "file.warc.gz#record-3"...
    url: str | None = None
    fetched: str | None = None  # ISO 8601
    encoding: str | None = None  # declared by the transport (HTTP header, WARC)
    title: str | None = None
    outlet: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None

    def __post_init__(self) -> None:
        # Names and hints come from file names, headers and feeds: make them storable text here, once.
        for name in ("source", "url", "fetched", "encoding", "title", "outlet", "published"):
            value = getattr(self, name)
            if value is not None:
                setattr(self, name, valid_text(str(value)))
        self.authors = [valid_text(str(a)) for a in self.authors]

    @property
    def id(self) -> str:
        return content_hash(self.raw)


@dataclass(slots=True)
class Article:
    """Clean text and metadata of one document: what every later stage reads."""

    id: str  # the document's content hash
    text: str
    title: str | None = None
    outlet: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # ISO 8601, with offset when the page gives one
    lang: str | None = None
    url: str | None = None  # canonical URL when the page declares one
    source: str | None = None
    source_text: str = ""  # the text before furniture cleaning
    removed: list[Removal] = field(default_factory=list)
    analysis: Analysis | None = None  # filled by the analyse stage

    def to_dict(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["removed"] = [r.to_dict() for r in self.removed]
        d["analysis"] = self.analysis.to_dict() if self.analysis else None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Self:
        known = {f.name for f in fields(cls)}
        kw = {k: v for k, v in d.items() if k in known}
        kw["removed"] = [Removal.from_dict(r) for r in d.get("removed") or []]
        kw["authors"] = list(d.get("authors") or [])
        kw["analysis"] = Analysis.from_dict(d["analysis"]) if d.get("analysis") else None
        return cls(**kw)


# -- analysis: who said what ------------------------------------------------

SpeakerKind = Literal["person", "organisation", "anonymous"]
StatementKind = Literal["direct", "indirect", "mixed"]
FindingType = Literal["corroborated", "disputed", "contradicted", "single_sourced", "omitted", "framing"]


def spans_to_json(spans: list[Span] | None) -> dict[str, Any] | list[dict[str, Any]] | None:
    """One span as an object, a discontinuous role as a list of them (the stage contract)."""
    if spans is None:
        return None
    return spans[0].to_dict() if len(spans) == 1 else [s.to_dict() for s in spans]


def spans_from_json(value: Any) -> list[Span] | None:
    if value is None:
        return None
    return [Span.from_dict(v) for v in value] if isinstance(value, list) else [Span.from_dict(value)]


@dataclass(slots=True)
class Entity:
    """A named entity as spaCy found it (PERSON, ORG, GPE, DATE, MONEY...)."""

    span: Span
    label: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.span.to_dict(), "label": self.label}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Entity:
        return cls(Span.from_dict(d), str(d["label"]))


@dataclass(slots=True)
class Speaker:
    """One speaker of an article, with every mention of them merged.

    "Kremlin spokesman Dmitry Peskov", "Peskov" and "he" are one Speaker,
    named "Dmitry Peskov" with the role "Kremlin spokesman". `key` is the
    same for the same person across articles ("spokesman"/"spokesperson"
    variants and titles ignored), so later stages can match speakers
    between outlets.
    """

    name: str
    role: str | None = None
    kind: SpeakerKind = "person"
    key: str = ""
    mentions: list[Span] = field(default_factory=list)

    def ref(self) -> dict[str, Any]:
        """How a statement names its speaker."""
        return {"name": self.name, "role": self.role, "kind": self.kind, "key": self.key}

    def to_dict(self) -> dict[str, Any]:
        return {**self.ref(), "mentions": [m.to_dict() for m in self.mentions]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Speaker:
        return cls(name=d["name"], role=d.get("role"), kind=d.get("kind", "person"), key=d.get("key", ""),
                   mentions=[Span.from_dict(m) for m in d.get("mentions") or []])


@dataclass(slots=True)
class Via:
    """One link of a sourcing chain: "NBC News" in "according to officials cited by NBC News"."""

    name: str
    kind: SpeakerKind
    span: Span | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "span": self.span.to_dict() if self.span else None}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Via:
        return cls(d["name"], d.get("kind", "person"), Span.from_dict(d["span"]) if d.get("span") else None)


@dataclass(slots=True)
class Statement:
    """A reported statement: who (source, speaker) said (cue) what (content), as evidence spans.

    `via` is the chain of sourcing outside the speaker, outermost first,
    the outlet itself not included: for "NBC, citing officials, reported
    that Trump said X" the statement "X" has speaker Trump and via
    [NBC News, officials]. `nested` marks a relation inside another's
    content, `parent` names that one.
    """

    id: str
    kind: StatementKind
    content: list[Span]
    cue: list[Span]
    source: list[Span] | None = None
    speaker: Speaker | None = None
    addressee: Span | None = None
    via: list[Via] = field(default_factory=list)
    nested: bool = False
    parent: str | None = None
    hedged: bool = False
    denial: bool = False
    confirmation: bool = False
    cue_connotation: Literal["neutral", "loaded"] = "neutral"

    @property
    def content_text(self) -> str:
        return " … ".join(s.text for s in self.content)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "content": spans_to_json(self.content), "cue": spans_to_json(self.cue),
            "source": spans_to_json(self.source), "speaker": self.speaker.ref() if self.speaker else None,
            "addressee": self.addressee.to_dict() if self.addressee else None,
            "via": [v.to_dict() for v in self.via], "nested": self.nested, "parent": self.parent,
            "hedged": self.hedged, "denial": self.denial, "confirmation": self.confirmation,
            "cue_connotation": self.cue_connotation,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Statement:
        sp = d.get("speaker")
        return cls(
            id=d["id"], kind=d["kind"], content=spans_from_json(d["content"]) or [],
            cue=spans_from_json(d.get("cue")) or [], source=spans_from_json(d.get("source")),
            speaker=Speaker(sp["name"], sp.get("role"), sp.get("kind", "person"), sp.get("key", "")) if sp else None,
            addressee=Span.from_dict(d["addressee"]) if d.get("addressee") else None,
            via=[Via.from_dict(v) for v in d.get("via") or []], nested=bool(d.get("nested")),
            parent=d.get("parent"), hedged=bool(d.get("hedged")), denial=bool(d.get("denial")),
            confirmation=bool(d.get("confirmation")), cue_connotation=d.get("cue_connotation", "neutral"),
        )


@dataclass(slots=True)
class Analysis:
    """What the analyse stage adds to an article: its sentences, entities, speakers and statements."""

    sentences: list[Span] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    speakers: list[Speaker] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentences": [s.to_dict() for s in self.sentences], "entities": [e.to_dict() for e in self.entities],
            "speakers": [s.to_dict() for s in self.speakers], "statements": [s.to_dict() for s in self.statements],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Analysis:
        return cls(
            sentences=[Span.from_dict(s) for s in d.get("sentences") or []],
            entities=[Entity.from_dict(e) for e in d.get("entities") or []],
            speakers=[Speaker.from_dict(s) for s in d.get("speakers") or []],
            statements=[Statement.from_dict(s) for s in d.get("statements") or []],
        )


@dataclass(slots=True)
class Story:
    id: str
    articles: list[str]
    duplicates: dict[str, str] = field(default_factory=dict)  # article id -> the copy it repeats


# ----------------------------------------------------------------------------------------------
# The comparison of one story: what every report (terminal, JSON, HTML, web app) reads.
# ----------------------------------------------------------------------------------------------

MentionStatus = Literal["asserted", "hedged", "denied"]
OutletStatus = Literal["asserted", "hedged", "denied", "absent"]
EvidenceRole = Literal["content", "cue", "source", "sentence", "addressee"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """A span of one article's stored text, and what part it plays (content, cue, source...)."""

    article: str
    span: Span
    role: EvidenceRole = "content"

    def to_dict(self) -> dict[str, Any]:
        return {"article": self.article, **self.span.to_dict(), "role": self.role}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Evidence:
        return cls(d["article"], Span.from_dict(d), d.get("role", "content"))


@dataclass(slots=True)
class OutletInfo:
    """What the user's outlets file says about an outlet; nothing about an outlet is built in."""

    outlet: str
    country: str | None = None
    ownership: str | None = None  # state, public, private...
    notes: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"outlet": self.outlet, "country": self.country, "ownership": self.ownership, "notes": self.notes}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> OutletInfo:
        return cls(d["outlet"], d.get("country"), d.get("ownership"), d.get("notes"))


@dataclass(slots=True)
class ComparedArticle:
    """An article as the comparison shows it: its text (the evidence offsets point into it) and metadata."""

    id: str
    outlet: str
    text: str
    title: str | None = None
    published: str | None = None
    url: str | None = None
    lang: str | None = None
    duplicate_of: str | None = None  # a wire copy or near-duplicate of that article: not independent
    notes: list[str] = field(default_factory=list)  # e.g. a page date that contradicts the text
    outlet_info: OutletInfo | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "outlet": self.outlet, "title": self.title, "published": self.published,
                "url": self.url, "lang": self.lang, "duplicate_of": self.duplicate_of, "notes": self.notes,
                "outlet_info": self.outlet_info.to_dict() if self.outlet_info else None, "text": self.text}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ComparedArticle:
        info = d.get("outlet_info")
        return cls(d["id"], d["outlet"], d["text"], d.get("title"), d.get("published"), d.get("url"), d.get("lang"),
                   d.get("duplicate_of"), list(d.get("notes") or []), OutletInfo.from_dict(info) if info else None)


def speaker_id(key: str) -> str:
    """The id of a speaker across a story and the store: "sp:" + their cross-article key as a slug."""
    slug = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")
    if any(c.isalnum() and not c.isascii() for c in key):  # "person:الرقة تذبح بصمت": letters the slug drops
        slug = f"{slug}-{hashlib.sha256(key.encode()).hexdigest()[:10]}".strip("-")
    return "sp:" + slug


@dataclass(slots=True)
class CanonicalSpeaker:
    """One speaker across the story's articles ("Kremlin spokesman" and "spokesperson" Peskov are one)."""

    id: str
    name: str
    role: str | None
    kind: SpeakerKind
    outlets: dict[str, int] = field(default_factory=dict)  # outlet -> statements it attributes to them
    statements: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "role": self.role, "kind": self.kind, "outlets": self.outlets,
                "statements": self.statements}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CanonicalSpeaker:
        return cls(d["id"], d["name"], d.get("role"), d.get("kind", "person"), dict(d.get("outlets") or {}),
                   list(d.get("statements") or []))


@dataclass(slots=True)
class ComparedStatement:
    """A statement of one article, its id made unique within the story, its speaker made canonical."""

    article: str
    statement: Statement
    speaker_id: str | None = None

    @property
    def id(self) -> str:
        return self.statement.id

    def to_dict(self) -> dict[str, Any]:
        return {**self.statement.to_dict(), "article": self.article, "speaker_id": self.speaker_id}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ComparedStatement:
        return cls(d["article"], Statement.from_dict(d), d.get("speaker_id"))


@dataclass(slots=True)
class Mention:
    """One article's wording of a claim, with how the outlet carries it (asserted, hedged, denied)."""

    article: str
    outlet: str
    status: MentionStatus
    text: str
    evidence: list[Evidence]
    statement: str | None = None  # the statement id, when the claim is reported speech
    speaker_id: str | None = None
    via: list[str] = field(default_factory=list)  # the sourcing chain's names, outermost first
    denied_by: str | None = None  # speaker id of the denial this mention sits in

    def to_dict(self) -> dict[str, Any]:
        return {"article": self.article, "outlet": self.outlet, "status": self.status, "text": self.text,
                "evidence": [e.to_dict() for e in self.evidence], "statement": self.statement,
                "speaker_id": self.speaker_id, "via": self.via, "denied_by": self.denied_by}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Mention:
        return cls(d["article"], d["outlet"], d["status"], d["text"], [Evidence.from_dict(e) for e in d["evidence"]],
                   d.get("statement"), d.get("speaker_id"), list(d.get("via") or []), d.get("denied_by"))


@dataclass(slots=True)
class Claim:
    """One claim as several articles word it: a row of the claim matrix."""

    id: str
    text: str  # the wording of its first mention
    mentions: list[Mention]
    outlets: dict[str, OutletStatus]  # every outlet of the story, "absent" included

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "outlets": self.outlets,
                "mentions": [m.to_dict() for m in self.mentions]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Claim:
        return cls(d["id"], d["text"], [Mention.from_dict(m) for m in d["mentions"]], dict(d["outlets"]))


def confidence_words(p: float) -> str:
    """A finding's confidence (the estimated probability that it is right) as a reader would say it."""
    if p >= 0.8:
        return "likely right"
    if p >= 0.6:
        return "probably right"
    if p >= 0.4:
        return "uncertain"
    return "doubtful: check it"


@dataclass(slots=True)
class Finding:
    """What the comparison concludes, with the evidence for it in every article involved."""

    id: str
    type: FindingType
    summary: str
    confidence: float
    statements: list[str]
    outlets: list[str]
    evidence: list[Evidence]
    claims: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)  # for "omitted": the outlets that leave it out

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "summary": self.summary, "confidence": round(self.confidence, 3),
                "statements": self.statements, "outlets": self.outlets, "absent": self.absent,
                "claims": self.claims, "evidence": [e.to_dict() for e in self.evidence]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        return cls(d["id"], d["type"], d["summary"], float(d["confidence"]), list(d["statements"]),
                   list(d["outlets"]), [Evidence.from_dict(e) for e in d["evidence"]], list(d.get("claims") or []),
                   list(d.get("absent") or []))


@dataclass(slots=True)
class Framing:
    """How one outlet tells the story: what it leads with, whose voices, how it hedges."""

    outlet: str
    lead: Evidence | None
    statements: int
    speakers: dict[str, int]  # speaker id -> statements attributed to them
    hedged: list[Evidence]  # the hedge-bearing cues ("reportedly told", "claiming")
    loaded: list[Evidence]  # loaded cue verbs ("claimed", "touted", "vowed")
    anonymous: int  # statements resting on an anonymous source somewhere in their chain
    direct: int  # direct or mixed quotations

    def to_dict(self) -> dict[str, Any]:
        return {"outlet": self.outlet, "lead": self.lead.to_dict() if self.lead else None,
                "statements": self.statements, "speakers": self.speakers,
                "hedged": [e.to_dict() for e in self.hedged], "loaded": [e.to_dict() for e in self.loaded],
                "anonymous": self.anonymous, "direct": self.direct}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Framing:
        return cls(d["outlet"], Evidence.from_dict(d["lead"]) if d.get("lead") else None, d["statements"],
                   dict(d["speakers"]), [Evidence.from_dict(e) for e in d["hedged"]],
                   [Evidence.from_dict(e) for e in d["loaded"]], d["anonymous"], d["direct"])


@dataclass(slots=True)
class Comparison:
    """One story compared across its outlets: the single input of every report."""

    story: str
    articles: list[ComparedArticle]
    speakers: list[CanonicalSpeaker] = field(default_factory=list)
    statements: list[ComparedStatement] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    framing: list[Framing] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def outlets(self) -> list[str]:
        return list(dict.fromkeys(a.outlet for a in self.articles))

    def to_dict(self) -> dict[str, Any]:
        return {
            "story": self.story, "outlets": self.outlets, "notes": self.notes,
            "articles": [a.to_dict() for a in self.articles], "speakers": [s.to_dict() for s in self.speakers],
            "statements": [s.to_dict() for s in self.statements], "claims": [c.to_dict() for c in self.claims],
            "findings": [f.to_dict() for f in self.findings], "framing": [f.to_dict() for f in self.framing],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Comparison:
        return cls(
            d["story"], [ComparedArticle.from_dict(a) for a in d["articles"]],
            [CanonicalSpeaker.from_dict(s) for s in d.get("speakers") or []],
            [ComparedStatement.from_dict(s) for s in d.get("statements") or []],
            [Claim.from_dict(c) for c in d.get("claims") or []],
            [Finding.from_dict(f) for f in d.get("findings") or []],
            [Framing.from_dict(f) for f in d.get("framing") or []], list(d.get("notes") or []),
        )

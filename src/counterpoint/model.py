"""The one vocabulary every stage reads and writes.

Stages never import each other: they meet here. Every type is a plain
dataclass that round-trips through JSON (`to_dict` / `from_dict`), so the
JSON lines between stages and the rows in the store are the same thing.
Offsets are Python string indices (code points), end exclusive, and a
`Span` always satisfies ``text == owner_text[start:end]``.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal, Self

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

    def to_dict(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["removed"] = [r.to_dict() for r in self.removed]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Self:
        known = {f.name for f in fields(cls)}
        kw = {k: v for k, v in d.items() if k in known}
        kw["removed"] = [Removal.from_dict(r) for r in d.get("removed") or []]
        kw["authors"] = list(d.get("authors") or [])
        return cls(**kw)


# The later stages' types. They are declared here now so that the store and
# the JSON schema have one place to grow from.

SpeakerKind = Literal["person", "organisation", "anonymous"]
StatementKind = Literal["direct", "indirect", "mixed"]
FindingType = Literal["corroborated", "disputed", "contradicted", "single_sourced", "omitted", "framing"]


@dataclass(slots=True)
class Speaker:
    name: str
    role: str | None = None
    kind: SpeakerKind = "person"
    mentions: list[Span] = field(default_factory=list)


@dataclass(slots=True)
class Statement:
    id: str
    kind: StatementKind
    content: list[Span]
    cue: list[Span]
    source: list[Span] | None
    speaker: Speaker | None = None
    addressee: Span | None = None
    via: list[Speaker] = field(default_factory=list)  # outermost first
    nested: bool = False
    parent: str | None = None
    hedged: bool = False
    denial: bool = False
    confirmation: bool = False
    cue_connotation: Literal["neutral", "loaded"] = "neutral"


@dataclass(slots=True)
class Story:
    id: str
    articles: list[str]
    duplicates: dict[str, str] = field(default_factory=dict)  # article id -> the copy it repeats


@dataclass(slots=True)
class Finding:
    id: str
    type: FindingType
    summary: str
    confidence: float
    statements: list[str]
    outlets: list[str]
    evidence: list[tuple[str, Span]]  # (article id, span)


def as_json(obj: Any) -> Any:
    """Any model object as JSON-ready data."""
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    return asdict(obj)

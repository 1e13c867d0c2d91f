"""Keyed stories as training data: the units `compare` aligns, and what the answer key says of each.

For every keyed story this reads the analysed articles (`lab.analysed_store`), builds
the same units `compare` builds (`counterpoint.compare.units`), locates the key's
mentions, denials and contradiction values in the tool's article text, and says for
each unit which key claims it carries (its evidence overlaps their mentions) and
whether it carries a denial. Pair labels then follow: two units of different
articles are the *same* claim when they share a key claim, a *contradiction* when
their claims are listed as contradicting each other, a *refutation* when one
carries a claim and the other a denial of it (also within one article), and
*unrelated* otherwise.

Nothing here decides anything at run time; it is the data the run-time models are
trained and cross-validated on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import lab

from counterpoint.compare import _outlet_names
from counterpoint.compare.units import Unit, article_units
from counterpoint.model import Article
from counterpoint.store import Store

_TRANS = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " ", "\u2013": "-",
                        "\u2014": "-"})


def _norm_index(text: str) -> tuple[str, list[int]]:
    out, idx, prev_space = [], [], False
    for i, ch in enumerate(text.translate(_TRANS)):
        if ch.isspace():
            if prev_space:
                continue
            ch, prev_space = " ", True
        else:
            prev_space = False
        out.append(ch)
        idx.append(i)
    return "".join(out), idx


def locate(text: str, quote: str) -> tuple[int, int] | None:
    """Where the scorer would find `quote` in the tool's text (exact, else normalised)."""
    if not quote.strip():
        return None
    i = text.find(quote)
    if i >= 0:
        return i, i + len(quote)
    nt, idx = _norm_index(text)
    nq, _ = _norm_index(quote.strip())
    j = nt.find(nq)
    if j < 0 or not nq:
        return None
    return idx[j], idx[j + len(nq) - 1] + 1


@dataclass
class KeyedUnit:
    unit: Unit
    index: int
    claims: set[str] = field(default_factory=set)
    denies: set[int] = field(default_factory=set)  # indices of the key's disputes whose denial it carries
    values: set[tuple[int, str]] = field(default_factory=set)  # (contradiction index, value) it states


@dataclass
class KeyedStory:
    name: str
    articles: list[Article]
    outlet_of: dict[str, str]
    units: list[KeyedUnit]
    key: dict
    file_of: dict[str, str]  # article id -> "a1"
    mentions: list[tuple[str, str, tuple[int, int]]] = field(default_factory=list)  # (claim, article, span)
    denials: list[tuple[int, str, tuple[int, int]]] = field(default_factory=list)  # (dispute, article, span)

    def carried(self, unit: Unit) -> tuple[set[str], set[int]]:
        """The key claims a unit carries and the disputes whose denial it carries (by its evidence spans)."""
        spans = _spans(unit)
        claims = {c for c, a, sp in self.mentions if a == unit.article and any(_hit(s, sp) for s in spans)}
        denies = {d for d, a, sp in self.denials if a == unit.article and any(_hit(s, sp) for s in spans)}
        return claims, denies

    @property
    def claims(self) -> dict[str, dict]:
        return {c["id"]: c for c in self.key["claims"]}

    def contra_pairs(self) -> set[tuple[str, str]]:
        return {(a, b) for c in self.key.get("contradictions", []) for a in c.get("claims", [])
                for b in c.get("claims", []) if a != b}


def _spans(u: Unit) -> list[tuple[int, int]]:
    return [(e.span.start, e.span.end) for e in u.evidence if e.role in ("content", "sentence")]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _hit(unit_span: tuple[int, int], key_span: tuple[int, int]) -> bool:
    shorter = min(key_span[1] - key_span[0], unit_span[1] - unit_span[0])
    return _overlap(unit_span, key_span) >= max(1, min(20, 0.5 * shorter))


def keyed_story(story: Path) -> KeyedStory:
    key = json.loads((story / "gold.json").read_text(encoding="utf-8"))
    raw = {p.stem: p.read_text(encoding="utf-8") for p in lab.article_files(story)}
    import hashlib

    aid_of = {p.stem: hashlib.sha256(p.read_bytes()).hexdigest() for p in lab.article_files(story)}
    with Store(lab.analysed_store(story)) as store:
        articles = [store.article(aid_of[a]) for a in sorted(aid_of, key=lambda x: int(x[1:]))]
    articles = [a for a in articles if a is not None]
    outlet_of = _outlet_names(articles)
    text_of = {a.id: a.text for a in articles}
    units = [u for a in articles for u in article_units(a, outlet_of[a.id])]
    keyed = [KeyedUnit(u, i) for i, u in enumerate(units)]

    def where(m: dict) -> tuple[str, tuple[int, int]] | None:
        aid = aid_of.get(m.get("article"))
        quote = m.get("quote")
        if quote is None and "start" in m:
            quote = raw[m["article"]][m["start"]:m["end"]]
        found = locate(text_of.get(aid, ""), quote or "") if aid else None
        return (aid, found) if found else None

    def units_at(aid: str, span: tuple[int, int]) -> Iterator[KeyedUnit]:
        for ku in keyed:
            if ku.unit.article != aid:
                continue
            best = max((_overlap(s, span) for s in _spans(ku.unit)), default=0)
            shorter = min(span[1] - span[0], max((e - s for s, e in _spans(ku.unit)), default=0))
            if best >= max(1, min(20, 0.5 * shorter)):
                yield ku

    mentions, denials = [], []
    for c in key["claims"]:
        for m in c["mentions"]:
            if (w := where(m)) is not None:
                mentions.append((c["id"], *w))
                for ku in units_at(*w):
                    ku.claims.add(c["id"])
    for d_i, d in enumerate(key.get("disputes", [])):
        for m in d.get("denials", []):
            if (w := where(m)) is not None:
                denials.append((d_i, *w))
                for ku in units_at(*w):
                    ku.denies.add(d_i)
    for x_i, x in enumerate(key.get("contradictions", [])):
        for m in x.get("values", []):
            if (w := where(m)) is not None:
                for ku in units_at(*w):
                    ku.values.add((x_i, re.sub(r"[^a-z0-9.]", "", str(m.get("value")).lower())))
    file_of = {v: k for k, v in aid_of.items()}
    return KeyedStory(story.name, articles, outlet_of, keyed, key, file_of, mentions, denials)


LABELS = ("unrelated", "same", "contradiction", "refutation")


def pair_label(story: KeyedStory, a: KeyedUnit, b: KeyedUnit) -> str:
    if a.claims & b.claims:
        return "same"
    contra = story.contra_pairs()
    if any((x, y) in contra for x in a.claims for y in b.claims):
        return "contradiction"
    disputed = {d_i: d["claim"] for d_i, d in enumerate(story.key.get("disputes", []))}
    if any(disputed[d] in b.claims for d in a.denies) or any(disputed[d] in a.claims for d in b.denies):
        return "refutation"
    return "unrelated"


def all_stories(split: str = "train") -> list[KeyedStory]:
    root = lab.train_stories() if split == "train" else lab.dev_stories()
    return [keyed_story(s) for s in lab.story_dirs(root)]

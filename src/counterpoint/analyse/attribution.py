"""Attribution (reported speech) extraction: who said what, from a spaCy parse.

`find_attributions(doc)` returns every reported-speech relation of a parsed
article: direct quotes, indirect speech, mixed quotes, "according to X",
"as X reported", post-posed "..., X said" / "..., X told Reuters", "X said in a
statement that ...", colon introductions, and the relations nested in
another's content ("NBC reported that Trump said X": the inner relation comes
back with `parent` pointing to the outer one).

How it works
------------
1. Candidate frames from the dependency parse (`frames`): every verb with a complement
   (ccomp / that-clause, xcomp, dobj...), "according to X", a reporting verb
   attached after its content (“...,” he said), and "X said:" before a quote.
   Source = the subject's subtree (or the agent / "according to" object),
   addressee = the indirect object of tell/ask/warn..., cue = the verb with its
   auxiliaries, negation and particles.
2. Quotation regions (`attribution_quotes`) are units: content that falls
   inside or runs into a quotation takes the whole of it, so quotes of many
   sentences or paragraphs and split quotes ("A," he said, "B") come out whole.
3. A small logistic model (weights in `counterpoint/models/attribution/`,
   trained on PolNeAR train by `training/train_attribution.py`) decides which
   frames are attributions; PolNeAR annotates beliefs, evidence and stances
   too (think, show, call for, support...), so the cue lexicon is learned.
4. Smaller models decide how far each kept relation's cue, source and content
   reach ("said Tuesday", ", saying ..."): the options are offered by
   `boundaries`.
5. Relations are nested by containment: a relation whose cue lies in another's
   content is its child.

Conventions follow PolNeAR: content keeps its quotation marks and a leading
"that"; the outermost relation takes the outermost source.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

from counterpoint.analyse.attribution_quotes import QuoteIndex
from counterpoint.analyse.boundaries import (
    best_frame_per_verb,
    chain_options,
    content_cut_options,
    content_extend_options,
    cue_extension_options,
    cut_content_after_cue,
    logit,
    merge_chain,
    source_cut_options,
    source_presence_features,
)
from counterpoint.analyse.doc_index import doc_text
from counterpoint.analyse.frames import Frame, Piece, candidate_frames
from counterpoint.analyse.posts import embedded_posts

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["Attribution", "find_attributions"]



@dataclass(slots=True)
class Attribution:
    kind: Literal["direct", "indirect", "mixed"]
    content: list[Piece]  # char offsets into doc.text, end exclusive; several pieces for a split quote
    cue: list[Piece]  # the reporting verb / phrase
    source: list[Piece] | None  # the speaker mention as written; None when there is none
    addressee: Piece | None = None  # "told Putin" -> Putin
    parent: int | None = None  # index of the attribution whose content contains this one
    score: float = field(default=1.0, compare=False)
    post: bool = False  # an embedded social-media post, its source the name it is signed with



# --------------------------------------------------------------------------- model


@dataclass(slots=True)
class Model:
    weights: dict[str, float]
    bias: float
    threshold: float
    cue_ext: dict[str, float] = field(default_factory=dict)  # keep extending the cue? ("said Tuesday")
    src_keep: dict[str, float] = field(default_factory=dict)  # keep a post-modifier in the source?
    content_keep: dict[str, float] = field(default_factory=dict)  # keep a trailing modifier in the content?
    outer: dict[str, float] = field(default_factory=dict)  # is a relation with no parent an outermost one?
    src_any: dict[str, float] = field(default_factory=dict)  # does PolNeAR give this frame a source at all?
    chain: dict[str, float] = field(default_factory=dict)  # is "wanted to show" / "has to remind" one cue?
    content_ext: dict[str, float] = field(default_factory=dict)  # take the verb's next dependent into the content?
    outer_threshold: float = 0.5


@lru_cache(maxsize=1)
def _model() -> Model:
    try:
        ref = resources.files("counterpoint.models").joinpath("attribution", "frames.json")
        data = json.loads(ref.read_text(encoding="utf-8"))
        return Model(
            dict(data["weights"]), float(data["bias"]), float(data["threshold"]),
            cue_ext=dict(data.get("cue_ext", {})), src_keep=dict(data.get("src_keep", {})),
            content_keep=dict(data.get("content_keep", {})),
            outer=dict(data.get("outer", {})), outer_threshold=float(data.get("outer_threshold", 0.5)),
            src_any=dict(data.get("src_any", {})), chain=dict(data.get("chain", {})),
            content_ext=dict(data.get("content_ext", {})),
        )  # fmt: skip
    except Exception as exc:
        # no weights shipped: a small hand lexicon keeps the engine usable, at a much lower accuracy
        import warnings

        warnings.warn(
            f"attribution weights not found ({exc}); falling back to a small cue lexicon. "
            "Install the package with counterpoint/models/attribution/frames.json as package data.",
            RuntimeWarning,
            stacklevel=2,
        )
        w = {f"lemma={x}": 4.0 for x in ("say", "tell", "add", "write", "report", "announce", "claim", "deny", "state")}
        return Model(w, -2.0, 0.5)


# --------------------------------------------------------------------------- frames
def score_frame(m: Model, feats: list[str]) -> float:
    z = m.bias + sum(m.weights.get(x, 0.0) for x in feats)
    return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))



# --------------------------------------------------------------------------- assembly


def _kind(text: str, content: list[Piece]) -> Literal["direct", "indirect", "mixed"]:
    s = "".join(text[a:b] for a, b in content).strip()
    qc = '"“”«»„'
    if not s:
        return "indirect"
    starts = s[0] in qc or s.startswith("``") or s.startswith("''")
    ends = s[-1] in qc or s.endswith("''")
    if starts and ends:
        return "direct"
    if any(c in qc for c in s) or "''" in s or "``" in s:
        return "mixed"
    return "indirect"


def find_attributions(doc: Doc, threshold: float | None = None) -> list[Attribution]:
    """Every attribution relation in a parsed article (nested ones with `parent`)."""
    if doc is None or len(doc) == 0:
        return []
    try:
        return _with_posts(doc_text(doc), assemble(doc, candidate_frames(doc), _model(), threshold))
    except Exception:  # never let one odd article kill a run
        return []


def _with_posts(text: str, found: list[Attribution]) -> list[Attribution]:
    """The relations found, and the embedded posts' (a relation whose cue lies in a post's signature is that
    post misread); a relation inside a post ("RT @x: ...said...") becomes its child."""
    posts = [Attribution(kind="direct", content=[p.content], cue=[p.cue], source=[p.author], post=True)
             for p in embedded_posts(text)]
    if not posts:
        return found
    signed = [(p.source[0][0], p.cue[0][1]) for p in posts if p.source]
    found = [a for a in found if not any(s <= a.cue[0][0] < e for s, e in signed)]
    for a in found:  # a source the parse ran back over a signature starts after it
        if a.source and (ends := [e for s, e in signed if a.source[0][0] < e <= a.source[0][1]]):
            start, end = max(ends), a.source[0][1]
            while start < end and text[start].isspace():
                start += 1
            a.source = [(start, end)] if start < end else None
    out = sorted(found + posts, key=lambda a: a.cue[0][0])
    _nest(out)
    return out


def assemble(doc: Doc, frames: list[Frame], m: Model, threshold: float | None = None) -> list[Attribution]:
    """Score candidate frames with model `m` and build the attributions (used by training too)."""
    thr = m.threshold if threshold is None else threshold
    text = doc_text(doc)
    kept: list[Frame] = []
    for f in frames:
        f.score = score_frame(m, f.feats)
        if f.score >= thr:
            kept.append(f)
    # one relation per cue token: keep the best-scoring frame
    best: dict[int, Frame] = {}
    for f in kept:
        k = f.verb.i
        if k not in best or f.score > best[k].score:
            best[k] = f
    kept = sorted(best.values(), key=lambda f: f.verb.i)
    # two cues over the same content ("posted a photo, saying “...”", "seemed to confirm X" and
    # "confirm X"): keep the better one
    by_content: dict[tuple[int, int], Frame] = {}
    for f in kept:
        k2 = (f.content[0][0], f.content[-1][1])
        if k2 not in by_content or f.score > by_content[k2].score:
            by_content[k2] = f
    if len(by_content) < len(kept):
        keep_ids = {id(f) for f in by_content.values()}
        kept = [f for f in kept if id(f) in keep_ids]
    if m.chain:
        kept = _merge_chains(frames, kept, m)
    out: list[Attribution] = []
    inq: list[bool] = []
    cue_toks = {i for f in kept for i in f.cue_toks}
    absorbed: set[int] = set()  # tokens an extended cue took ("issued a statement saying")
    for f in kept:
        if f.verb.i in absorbed:
            continue  # its verb is part of an earlier relation's cue: the same relation twice
        if m.cue_ext:
            f.cue_toks = cue_extension_options(doc, f, lambda x, _e: logit(m.cue_ext, x) > 0)
            f.content = cut_content_after_cue(doc, f)
            absorbed.update(i for i in f.cue_toks if i != f.verb.i)
        if m.src_any and f.source is not None and logit(m.src_any, source_presence_features(f)) <= 0:
            f.source = None  # "it appears", "Clinton appeared to": PolNeAR gives seem/appear no source
        if m.src_keep:
            f.source = source_cut_options(doc, f, lambda x, _e: logit(m.src_keep, x) > 0)
        before = f.content
        if m.content_keep:
            f.content = content_cut_options(doc, f, lambda x, _e: logit(m.content_keep, x) > 0)
        if m.content_ext and f.content == before:
            # a content the cut model left whole may run on past its subtree; never over another cue
            f.content = content_extend_options(
                doc, f, lambda x, _e: logit(m.content_ext, x) > 0, cue_toks - set(f.cue_toks)
            )
        ctoks = sorted(f.cue_toks)
        cue = [(doc[ctoks[0]].idx, doc[ctoks[-1]].idx + len(doc[ctoks[-1]].text))]
        content = [(a, b) for a, b in f.content if 0 <= a < b <= len(text)]
        if not content:
            continue
        out.append(
            Attribution(
                kind=_kind(text, content),
                content=content,
                cue=cue,
                source=[f.source] if f.source is not None else None,
                addressee=f.addressee,
                score=f.score,
            )
        )
        orphan_ok = True
        if m.outer and m.outer_threshold > 0:
            z = logit(m.outer, f.feats)
            orphan_ok = 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0))) >= m.outer_threshold
        inq.append(f.in_quote or not orphan_ok)
    if frames and frames[0].quotes is not None:  # the quotation regions the frames were read with
        _continue_quotes(text, frames[0].quotes, out)
    _nest(out)
    if any(inq):
        # "I think..." inside a quotation nobody is credited with, or a relation that reads as a
        # nested one whose container we did not find: not an (outermost) relation of the article
        out = [a for a, q in zip(out, inq, strict=True) if not (q and a.parent is None)]
        for a in out:
            a.parent = None
        _nest(out)
    return out


def _continue_quotes(text: str, index: QuoteIndex, found: list[Attribution]) -> None:
    """Give a quoted speaker the quotation nobody is credited with that runs straight on from their words.

    '"It is an honor to welcome her back," said Paul Lee.\n"We look forward to having her on ABC."':
    the second quotation has no cue of its own; the press convention is that Paul Lee is still
    speaking, so it joins his statement as another piece of its content (one statement, as a quote
    split by its cue is). Only a quotation with nothing but spaces and punctuation between it and
    the end of a direct or mixed relation continues it: a sentence in between ends the run.
    """
    quotes = [q for q in index.quotes
              if not any(a.content[0][0] < q.end and q.start < a.content[-1][1] for a in found)
              and not any(q.start <= c0 < q.end for a in found for c0, _ in a.cue)]
    if not quotes:
        return
    spoken = [a for a in found if a.kind != "indirect" and a.source]
    for q in quotes:
        ends = [(max(b for _, b in [*a.content, *a.cue, *(a.source or [])]), a) for a in spoken]
        before = [(end, a) for end, a in ends if end <= q.start]
        if not before:
            continue
        end, a = max(before, key=lambda x: x[0])
        if text[end:q.start].strip(" \t\n.,;:") or len(text[q.start:q.end]) < 12:
            continue
        a.content = [*a.content, *q.pieces]


def _merge_chains(frames: list[Frame], kept: list[Frame], m: Model) -> list[Frame]:
    """Fuse "has to remind X" / "wanted to show X" into one relation where the chain model says so."""
    by_verb = best_frame_per_verb(frames)
    plain: list[Frame] = []
    merged: list[Frame] = []
    gone: set[int] = set()  # verbs absorbed into a merged relation's cue
    for f in kept:
        if f.verb.i in gone:
            continue
        r = chain_options(f, by_verb, lambda x, _e, _s: logit(m.chain, x) > 0)
        if r is None:
            plain.append(f)
            continue
        outer, inner = r
        merged.append(merge_chain(outer, inner))
        gone |= {inner.verb.head.i, inner.verb.i}
    return sorted([f for f in plain if f.verb.i not in gone] + merged, key=lambda f: f.verb.i)


def _nest(atts: list[Attribution]) -> None:
    """parent = the attribution with the smallest content that contains this one's cue."""
    import bisect

    env = [(a.content[0][0], a.content[-1][1]) for a in atts]
    pieces = sorted((s, e, j) for j, a in enumerate(atts) for s, e in a.content)
    starts = [p[0] for p in pieces]
    longest = max((e - s for s, e, _ in pieces), default=0)
    for i, a in enumerate(atts):
        a.parent = None
        cs, ce = a.cue[0]
        best, size = None, None
        k = bisect.bisect_right(starts, cs) - 1
        # only pieces starting within `longest` characters before the cue can contain it
        while k >= 0 and pieces[k][0] >= cs - longest:
            s, e, j = pieces[k]
            k -= 1
            if j == i or not (s <= cs and ce <= e):
                continue
            sz = env[j][1] - env[j][0]
            if size is None or sz < size:
                best, size = j, sz
        a.parent = best
    # break cycles (a -> b -> a) by dropping the parent of the larger one
    for a in atts:
        seen = set()
        j = a.parent
        while j is not None:
            if j in seen:
                a.parent = None
                break
            seen.add(j)
            j = atts[j].parent


def to_record(text: str, a: Attribution) -> dict[str, Any]:
    """The scorer's / stage's JSON shape of one attribution (spans as objects)."""

    def span(p: Piece) -> dict[str, Any]:
        return {"start": p[0], "end": p[1], "text": text[p[0] : p[1]]}

    def role(ps: list[Piece] | None) -> Any:
        if not ps:
            return None
        return span(ps[0]) if len(ps) == 1 else [span(p) for p in ps]

    return {
        "kind": a.kind,
        "content": role(a.content),
        "cue": role(a.cue),
        "source": role(a.source),
        "addressee": span(a.addressee) if a.addressee else None,
        "nested": a.parent is not None,
        "parent": a.parent,
    }

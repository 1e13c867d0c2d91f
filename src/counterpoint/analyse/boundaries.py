"""Boundary decisions for a kept frame: how far its cue, source and content reach.

PolNeAR's span conventions are learned, not written down: "said Tuesday" is one
cue, "said in an interview" sometimes; a source keeps "who had addressed the
convention" or not; a content runs on over ", saying ..." or stops. Each
function here offers one kind of option at a time to a `decide(features, end)`
callback. At run time the callback is a small logistic model (`attribution`);
in training (`training/train_attribution.py`) it records the option with the
gold answer, so the same code produces the training rows and the decisions.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING

from counterpoint.analyse.doc_index import doc_text
from counterpoint.analyse.frames import PUNCT_TRIM, Frame, Piece, cue_tokens

if TYPE_CHECKING:
    from spacy.tokens import Doc

# a boundary decision: (features, char offset the option would reach) -> take it?
Decide = Callable[[list[str], int], bool]


def logit(w: dict[str, float], feats: list[str]) -> float:
    """A sparse binary logistic model's logit; each boundary model is a dict of feature weights."""
    return w.get("_bias", 0.0) + sum(w.get(x, 0.0) for x in feats)


def cue_extension_options(doc: Doc, f: Frame, decide) -> list[int]:
    """Grow the cue to the right, one dependent at a time, while `decide(feats)` says so.

    Options: a colon right after the cue ("said:"), and adjacent dependents of the
    verb: time expressions ("said Tuesday", "said on Sunday"), settings ("said in
    a statement"), adverbs ("said later").
    """
    v = f.verb
    toks = sorted(f.cue_toks)
    if f.type == "according":
        return toks
    end = toks[-1]
    src_span = f.source
    lem = v.lemma_.lower()
    end = _absorb_object(doc, f, toks, end, lem, decide)
    for _ in range(4):
        j = end + 1
        if j >= len(doc):
            break
        t = doc[j]
        if any(ca <= t.idx < cb for ca, cb in f.content):
            break
        if src_span is not None and src_span[0] <= t.idx < src_span[1]:
            break
        if t.text == ":":
            feats = ["cx_colon", f"cx_colon|{f.type}", f"cx_colon|{lem}"]
            if decide(feats, t.idx + 1):
                toks.append(j)
            break
        if t.head.i != v.i or t.dep_ not in ("npadvmod", "prep", "advmod", "agent", "dobj", "dative"):
            break
        a, b = t.left_edge.i, t.right_edge.i
        if a != j or b - a > 8:
            break
        if any(doc[k].text in ("“", '"', "''", "``") for k in range(a, b + 1)):
            break
        pobj = next((g for g in t.children if g.dep_ in ("pobj", "pcomp")), None)
        ent = (pobj.ent_type_ if pobj is not None else t.ent_type_) or "O"
        plem = pobj.lemma_.lower() if pobj is not None else "-"
        feats = [
            f"cx_dep={t.dep_}",
            f"cx_dep_lem={t.dep_}|{t.lower_}",
            f"cx_ent={t.dep_}|{ent}",
            f"cx_pobj={t.lower_}|{plem}",
            f"cx_verb={lem}|{t.dep_}",
            f"cx_type={f.type}|{t.dep_}",
            f"cx_len={min(b - a, 4)}",
        ]
        if not decide(feats, doc[b].idx + len(doc[b].text)):
            break
        toks.extend(range(a, b + 1))
        end = b
    return sorted(set(toks))


def _absorb_object(doc: Doc, f: Frame, toks: list[int], end: int, lem: str, decide: Decide) -> int:
    """Take a verb's object (and the preposition after it) into the cue: "made the observation | that X".

    PolNeAR often reads a light verb and its object as the cue and only the object's
    complement as the content ("expressed concern | about X", "have no idea | what X",
    "reserved his most eloquent passion for | X"). For a verb+object frame whose object
    has a complement on its right, `decide` is asked whether the object (then its
    preposition) belongs to the cue; the tokens taken are appended to `toks` and the new
    last cue token is returned (the content is cut after it by `cut_content_after_cue`).
    """
    if f.type != "dobj" or not f.kids or f.kids[0].dep_ != "dobj":
        return end
    d = f.kids[0]
    # the object's complement: its own right dependents, or the verb's preposition right after it
    # ("warned the Fed against | buying bonds")
    verb_pp = len(f.kids) > 1 and f.kids[1].dep_ == "prep" and f.kids[1].i == d.right_edge.i + 1
    if d.left_edge.i != end + 1 or (d.right_edge.i <= d.i and not verb_pp) or d.i - d.left_edge.i > 5:
        return end
    if any(doc[k].is_punct or doc[k].is_space for k in range(d.left_edge.i, d.i + 1)):
        return end
    right = next((c for c in d.children if c.i > d.i), None)
    rk = "-" if right is None else f"{right.dep_}|{right.lower_}" if right.dep_ == "prep" else right.dep_
    dl = d.lemma_.lower()
    det = next((c.lower_ for c in d.children if c.dep_ in ("det", "poss") and c.i < d.i), "-")
    feats = [
        "ox",
        f"ox_obj={dl}",
        f"ox_verb={lem}",
        f"ox_verb_obj={lem}|{dl}",
        f"ox_right={rk}",
        f"ox_obj_right={dl}|{rk}",
        f"ox_verb_right={lem}|{rk}",
        f"ox_det={det}",
        f"ox_pos={d.pos_}",
        f"ox_len={min(d.i - d.left_edge.i, 3)}",
        f"ox_quoted={f.quoted}",
    ]
    if not decide(feats, doc[d.i].idx + len(doc[d.i].text)):
        return end
    toks.extend(range(d.left_edge.i, d.i + 1))
    end = d.i
    acl = doc[d.i + 1] if d.i + 1 < len(doc) else None
    if acl is not None and acl.dep_ == "acl" and acl.head.i == d.i and acl.pos_ == "VERB" and acl.right_edge.i > acl.i:
        # "issued a statement saying | X", "published a report detailing | X"
        al = acl.lemma_.lower()
        if not decide(["ax", f"ax_lem={al}", f"ax_obj_lem={dl}|{al}", f"ax_tag={acl.tag_}"], acl.idx + len(acl.text)):
            return end
        toks.append(acl.i)
        return acl.i
    pp = doc[d.i + 1] if d.i + 1 < len(doc) else None
    if pp is None or pp.dep_ != "prep" or pp.head.i not in (d.i, f.verb.i) or pp.right_edge.i <= pp.i:
        return end
    feats = ["px", f"px_prep={pp.lower_}", f"px_obj_prep={dl}|{pp.lower_}", f"px_verb_prep={lem}|{pp.lower_}"]
    if decide(feats, pp.idx + len(pp.text)):
        toks.append(pp.i)
        end = pp.i
    return end


def cut_content_after_cue(doc: Doc, f: Frame) -> list[Piece]:
    """The content without what the cue has taken from its start ("the observation | that X")."""
    ce = doc[max(f.cue_toks)]
    cue_end = ce.idx + len(ce.text)
    if not f.content or not f.verb.idx < f.content[0][0] < cue_end:
        return f.content
    k = ce.i + 1
    while k < len(doc) and (doc[k].is_space or doc[k].text in PUNCT_TRIM):
        k += 1
    start = doc[k].idx if k < len(doc) else len(doc_text(doc))
    return [(max(a, start), b) for a, b in f.content if b > start]


CHAIN_GAP_DEPS = {"aux", "neg", "advmod", "prt"}


def _chain_gap_ok(doc: Doc, a: int, b: int) -> bool:
    """Tokens strictly between a and b are only "to", auxiliaries, negation and short adverbs."""
    return b - a <= 4 and all(doc[k].dep_ in CHAIN_GAP_DEPS for k in range(a + 1, b))


def chain_options(f: Frame, by_verb: dict[int, Frame], decide) -> tuple[Frame, Frame] | None:
    """Read a control chain as one cue when `decide(feats)` says so: "wanted to show X", "has to remind X".

    PolNeAR often marks the whole chain as the cue and the inner verb's complement as the content
    (cue "is set to release", content "a series of orders"), but not always ("wanted" + "to meet
    him"), so the choice is learned per verb pair. Two directions: `f` is the outer verb's frame
    (type xcomp) and its xcomp child has a frame of its own, or `f` is the inner verb's frame and
    its head is a verb just before it. Returns (outer-verb frame or None, inner frame) when merged.
    """
    v = f.verb
    doc = v.doc
    if f.type == "xcomp" and f.kids:
        x = f.kids[0]
        inner = by_verb.get(x.i)
        if x.dep_ != "xcomp" or inner is None or inner is f or x.i < v.i or not _chain_gap_ok(doc, v.i, x.i):
            return None
        h, direction = v, "down"
    elif v.dep_ == "xcomp" and v.head.i < v.i and v.head.pos_ in ("VERB", "AUX"):
        h, x, inner, direction = v.head, v, f, "up"
        if not _chain_gap_ok(doc, h.i, v.i):
            return None
    else:
        return None
    # only the inner verb's own complement can become the content ("declined to comment" stays as is)
    x_end = doc[x.right_edge.i].idx + len(doc[x.right_edge.i].text)
    if not (inner.content and inner.content[0][0] > x.idx and inner.content[-1][1] <= x_end):
        return None
    hl, xl = h.lemma_.lower(), x.lemma_.lower()
    feats = [
        f"ch_dir={direction}",
        f"ch_h={hl}",
        f"ch_x={xl}",
        f"ch_hx={hl}|{xl}",
        f"ch_itype={inner.type}",
        f"ch_h_itype={hl}|{inner.type}",
        f"ch_dir_h={direction}|{hl}",
        f"ch_gap={x.i - h.i}",
    ]
    if not decide(feats, x.idx + len(x.text), h.idx):
        return None
    return by_verb.get(h.i), inner


def best_frame_per_verb(frames: list[Frame]) -> dict[int, Frame]:
    """The highest-scoring frame of each verb (the first one when unscored, as in training)."""
    by_verb: dict[int, Frame] = {}
    for f in frames:
        if f.verb.i not in by_verb or f.score > by_verb[f.verb.i].score:
            by_verb[f.verb.i] = f
    return by_verb


def merge_chain(f_outer: Frame | None, inner: Frame) -> Frame:
    """The inner frame with the outer verb (and what lies between) prepended to its cue."""
    doc = inner.verb.doc
    h = inner.verb.head
    toks = set(inner.cue_toks) | set(range(h.i, inner.verb.i + 1)) | set(cue_tokens(h))
    if f_outer is not None:
        toks |= {t for t in f_outer.cue_toks if t <= h.i}
    lo = min(toks)
    toks = set(range(lo, max(inner.cue_toks) + 1)) if max(toks) - lo < 12 else toks
    src, src_tok = inner.source, inner.src_tok
    if f_outer is not None and f_outer.source is not None:
        src, src_tok = f_outer.source, f_outer.src_tok
    g = Frame(
        inner.verb, inner.type, sorted(toks), inner.content, src, inner.addressee, src_tok=src_tok,
        in_quote=inner.in_quote, quoted=inner.quoted, feats=inner.feats, kids=inner.kids, quotes=inner.quotes,
    )  # fmt: skip
    g.score = max(inner.score, f_outer.score if f_outer is not None else 0.0)
    del doc
    return g


def source_presence_features(f: Frame) -> list[str]:
    """Features of the `src_any` decision: does PolNeAR give this frame's relation a source?

    Besides the cue lemma and the kind of source, whether the source is the verb's own
    subject or one inherited from another clause (", saying X", "by stating X"), and the
    verb's own label and tag: participles and infinitives borrow their source, and
    PolNeAR credits some of those and not others.
    """
    lem = f.verb.lemma_.lower()
    s = f.src_tok
    kind = "none" if s is None else (s.ent_type_ or s.pos_)
    w = s.lower_ if s is not None and s.pos_ == "PRON" else "-"
    return [
        f"sp_lem={lem}",
        f"sp_kind={kind}",
        f"sp_lem_kind={lem}|{kind}",
        f"sp_type={f.type}",
        f"sp_pron={w}",
        f"sp_lem_type={lem}|{f.type}",
        f"sp_own={s is not None and s.head.i == f.verb.i}",
        f"sp_vdep={f.verb.dep_}|{f.verb.tag_}",
        f"sp_sdep={s.dep_ if s is not None else '-'}",
    ]


def source_cut_options(doc: Doc, f: Frame, decide) -> Piece | None:
    """Trim the source before a post-modifier ("Mr. Khan, who had addressed...") unless `decide` keeps it."""
    s = f.src_tok
    if s is None or f.source is None:
        return f.source
    a0 = f.source[0]
    lem = f.verb.lemma_.lower()
    mods = sorted(
        (
            c
            for c in s.children
            if c.i > s.i and c.dep_ in ("appos", "relcl", "acl", "prep", "cc", "conj", "punct", "amod", "npadvmod")
        ),
        key=lambda t: t.i,
    )
    for c in mods:
        if c.dep_ == "punct":
            continue
        a, b = c.left_edge.i, c.right_edge.i
        comma = a > 0 and doc[a - 1].text == ","
        n = b - a + 1
        feats = [
            f"sx_dep={c.dep_}",
            f"sx_dep_comma={c.dep_}|{comma}",
            f"sx_dep_len={c.dep_}|{min(n, 12) // 3}",
            f"sx_head={s.ent_type_ or s.pos_}|{c.dep_}",
            f"sx_lem={c.dep_}|{c.lower_}",
            f"sx_verb={lem}|{c.dep_}",
            f"sx_srcpos={'pre' if s.i < f.verb.i else 'post'}|{c.dep_}",
        ]
        if not decide(feats, doc[b].idx + len(doc[b].text)):
            k = a - 1
            while k >= s.left_edge.i and (doc[k].text in PUNCT_TRIM or doc[k].is_space):
                k -= 1
            if k < s.left_edge.i:
                return f.source
            end = doc[k].idx + len(doc[k].text)
            return (a0, end) if end > a0 else f.source
    return f.source


TRAIL_DEPS = {
    "advcl",
    "prep",
    "conj",
    "cc",
    "relcl",
    "acl",
    "npadvmod",
    "ccomp",
    "xcomp",
    "dobj",
    "advmod",
    "parataxis",
    "dep",
    "appos",
    "punct",
}


def content_cut_options(doc: Doc, f: Frame, decide) -> list[Piece]:
    """Cut an indirect content before a trailing modifier (", saying...", "despite...") unless `decide` keeps it."""
    if not f.kids or not f.content:
        return f.content
    k = f.kids[-1]
    q = f.quotes
    lem = f.verb.lemma_.lower()
    end_char = f.content[-1][1]
    for c in sorted((c for c in k.children if c.i > k.i and c.dep_ in TRAIL_DEPS), key=lambda t: t.i):
        if c.dep_ == "punct" or c.dep_ == "cc":
            continue
        a, b = c.left_edge.i, c.right_edge.i
        if doc[a].idx >= end_char:
            break
        if q is not None and q.at(doc[a].idx) is not None:
            continue  # never cut inside a quotation
        comma = a > 0 and doc[a - 1].text in (",", "—", "–", "--", ";")
        own_subj = any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children)
        n = b - a + 1
        feats = [
            f"kx_dep={c.dep_}",
            f"kx_dep_comma={c.dep_}|{comma}",
            f"kx_dep_lem={c.dep_}|{c.lower_}",
            f"kx_dep_tag={c.dep_}|{c.tag_}",
            f"kx_kid={k.dep_}|{c.dep_}",
            f"kx_subj={c.dep_}|{own_subj}",
            f"kx_len={c.dep_}|{min(n, 15) // 4}",
            f"kx_verb={lem}|{c.dep_}",
            f"kx_type={f.type}|{c.dep_}|{comma}",
        ]
        if a > 0 and doc[a - 1].dep_ == "cc":
            feats.append(f"kx_cc={doc[a - 1].lower_}|{c.dep_}")
        if not decide(feats, doc[b].idx + len(doc[b].text)):
            j = a - 1
            while j > k.left_edge.i and (doc[j].text in PUNCT_TRIM or doc[j].is_space or doc[j].dep_ == "cc"):
                j -= 1
            new_end = doc[j].idx + len(doc[j].text)
            out = [(s0, min(e0, new_end)) for s0, e0 in f.content if s0 < new_end]
            return out or f.content
    return f.content


EXTEND_DEPS = {"advcl", "prep", "npadvmod", "advmod", "conj", "oprd", "dobj", "xcomp", "ccomp", "dative", "acomp"}


def content_extend_options(doc: Doc, f: Frame, decide: Decide, blocked: AbstractSet[int] = frozenset()) -> list[Piece]:
    """Grow a content after the verb over the verb's next dependents while `decide` says so.

    The parse often hangs the end of a statement on the verb rather than on the
    complement ("was proud of X, and especially Y", "recalled what it was like ...
    when Z", "called that vision 'an urgent one' at a time when ..."), so the content
    read off the complement's subtree stops short. Each right dependent of the verb
    that follows the content with only punctuation or a conjunction between is
    offered in turn; coordinated clauses (a second statement) are not, nor is a
    dependent holding a token of `blocked` (the cue of another relation, which would
    otherwise end up nested in this one).
    """
    if not f.kids or not f.content or f.content[0][0] < f.verb.idx:
        return f.content
    v = f.verb
    lem = v.lemma_.lower()
    q = f.quotes
    out = list(f.content)
    end_tok = None
    for t in doc[v.i + 1 :]:
        if t.idx >= out[-1][1]:
            break
        end_tok = t
    if end_tok is None:
        return f.content
    last = end_tok.i
    kids = sorted((c for c in v.children if c.i > last and c.dep_ in EXTEND_DEPS), key=lambda t: t.i)
    for c in kids[:3]:
        a, b = c.left_edge.i, c.right_edge.i
        if a <= last:
            break
        gap = [doc[k] for k in range(last + 1, a)]
        if any(not (g.is_punct or g.is_space or g.dep_ == "cc") for g in gap) or len(gap) > 3:
            break
        if (c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")) or any(a <= k <= b for k in blocked):
            break
        if q is not None and q.at(doc[a].idx) is not None and q.at(out[-1][1] - 1) is None:
            break  # a quotation of its own starts there
        comma = any(g.text == "," for g in gap)
        own_subj = any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children)
        n = b - a + 1
        feats = [
            f"ex_dep={c.dep_}",
            f"ex_dep_comma={c.dep_}|{comma}",
            f"ex_dep_lem={c.dep_}|{c.lower_}",
            f"ex_dep_tag={c.dep_}|{c.tag_}",
            f"ex_subj={c.dep_}|{own_subj}",
            f"ex_len={c.dep_}|{min(n, 15) // 4}",
            f"ex_verb={lem}|{c.dep_}",
            f"ex_type={f.type}|{c.dep_}|{comma}",
            f"ex_kid={f.kids[-1].dep_}|{c.dep_}",
        ]
        if any(g.dep_ == "cc" for g in gap):
            feats.append(f"ex_cc={c.dep_}")
        if not decide(feats, doc[b].idx + len(doc[b].text)):
            break
        e = doc[b].idx + len(doc[b].text)
        while b > a and doc[b].text in PUNCT_TRIM:
            b -= 1
            e = doc[b].idx + len(doc[b].text)
        out[-1] = (out[-1][0], max(out[-1][1], e))
        last = c.right_edge.i
    return out



"""Candidate attribution frames read off a spaCy dependency parse.

A frame is a possible reported-speech relation before any model has looked at
it: a verb with a complement clause, "according to X", a quotation before or
after "he said", "X said:", a parenthetical "..., he said, ...", a headline
"Name: ...", a noun or adjective cue ("his call for X", "uneasy about X").
Each frame carries its cue tokens, content pieces, source, addressee and the
sparse features the frame classifier (`attribution.assemble`) scores. Quotation
regions (`attribution_quotes`) are units: content that falls inside or runs
into a quotation takes the whole of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from counterpoint.analyse.attribution_quotes import QuoteIndex
from counterpoint.analyse.doc_index import doc_text
from counterpoint.analyse.markers import DENIAL_CUES
from counterpoint.models.titles import TITLES

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

Piece = tuple[int, int]

# --------------------------------------------------------------------------- lexicon

CONTENT_DEPS = {"ccomp", "xcomp", "dobj", "oprd", "acomp"}
CONTENT_PREPS = {"as", "for", "of", "about", "on", "against", "to", "with", "into", "over"}
ADDRESSEE_LEMMAS = {
    "tell", "ask", "warn", "assure", "inform", "remind", "urge", "advise", "promise", "notify",
    "reassure", "convince", "persuade", "caution", "instruct", "order", "beg", "email", "text",
}  # fmt: skip
CUE_PREP_OBJECTS = {
    "statement", "interview", "speech", "email", "e-mail", "letter", "tweet", "post", "op-ed", "release",
    "memo", "conference", "call", "briefing", "appearance", "address", "debate", "video", "ad",
    "message", "filing", "report", "remarks", "testimony", "rally", "blog", "column", "editorial",
}  # fmt: skip
SUBJ_DEPS = {"nsubj", "nsubjpass", "csubj"}
REPORTS_CLAIMING = {"claim", "allege", "suggest", "assert"}
REPORT_NOUNS = {"report", "claim", "rumor", "rumour", "allegation", "accusation", "story", "article", "speculation"}
QUOTE_CHARS = set("\"“”„«»`'")
PUNCT_TRIM = set(",.;:—–-") | {"--"}




@dataclass(slots=True)
class Frame:
    """A candidate relation read off the parse, before the model decides."""

    verb: Token
    type: str  # ccomp / xcomp / dobj / according / as_clause / prep_clause / inverted / colon / quote
    cue_toks: list[int]
    content: list[Piece]
    source: Piece | None
    addressee: Piece | None = None
    src_tok: Token | None = None
    in_quote: bool = False
    quoted: bool = False  # the content is (or contains) a quotation
    feats: list[str] = field(default_factory=list)
    score: float = 0.0
    kids: list[Token] = field(default_factory=list)  # the complement heads of a content after the verb
    quotes: QuoteIndex | None = None


def _tok_range(doc: Doc, i: int, j: int) -> Piece:
    """Char span of tokens i..j inclusive."""
    return (doc[i].idx, doc[j].idx + len(doc[j].text))


def _subtree_range(tok: Token) -> tuple[int, int]:
    return tok.left_edge.i, tok.right_edge.i


def _is_trim(tok: Token) -> bool:
    return tok.text in PUNCT_TRIM or tok.is_space


def _runs(idx: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for i in sorted(set(idx)):
        if runs and i == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _trim_runs(doc: Doc, runs: list[tuple[int, int]], cc_ok: bool = False) -> list[tuple[int, int]]:
    out = []
    for a, b in runs:
        while a <= b and (_is_trim(doc[a]) or (doc[a].dep_ == "cc" and not cc_ok)):
            a += 1
        while b >= a and _is_trim(doc[b]):
            b -= 1
        if a <= b:
            out.append((a, b))
    return out


def _source_of(v: Token) -> Token | None:
    for c in v.children:
        if c.dep_ in ("nsubj", "csubj"):
            return c
    for c in v.children:
        if c.dep_ == "agent":
            for g in c.children:
                if g.dep_ == "pobj":
                    return g
    # inherit through coordination / control: "X said A and added B", "X went on to say"
    # "by stating", "a statement backing X", ", saying": climb to the clause that has one
    if (report := _reports_claiming(v)) is not None:
        return report
    h, steps = v, 0
    while (
        h.dep_ in ("conj", "xcomp", "advcl", "pcomp", "prep", "acl", "dobj", "pobj") and h.head.i != h.i and steps < 4
    ):
        h, steps = h.head, steps + 1
        if h.pos_ not in ("VERB", "AUX"):
            continue
        for c in h.children:
            if c.dep_ == "nsubj" and c.i < v.i:
                return c
    return None


def _inverted_subject(v: Token) -> tuple[Token, Token] | None:
    """“...,” said Ron Howard, whose latest film is considered a contender: the parse makes the name the subject
    of the relative clause's verb, a second complement of "said". A verb with a complement before it and none of
    its own subjects, whose complement after it starts with its subject right after the verb, a name that a comma
    ends, has that subject as its source (and the clause as the source's description, not what was said)."""
    if any(c.dep_ in SUBJ_DEPS for c in v.children) or not any(c.dep_ == "ccomp" and c.i < v.i for c in v.children):
        return None
    for c in v.children:
        if c.dep_ == "ccomp" and c.i > v.i:
            subj = next((g for g in c.children if g.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is not None and subj.left_edge.i == v.i + 1 and subj.pos_ == "PROPN" and \
                    subj.i + 1 < len(v.doc) and v.doc[subj.i + 1].text == ",":  # "said Ron Howard, whose ..."
                return subj, c
    return None


def _reports_claiming(v: Token) -> Token | None:
    """"Peskov denied media reports, claiming that Trump told Putin ...": the reports claim it, not the denier,
    who would be "saying" what he holds. A claiming-word clause on a denial of reports belongs to the reports."""
    h = v.head
    if not (v.dep_ == "advcl" and v.tag_ == "VBG" and v.lemma_ in REPORTS_CLAIMING and h.lemma_ in DENIAL_CUES):
        return None
    return next((c for c in h.children if c.dep_ == "dobj" and c.lemma_.lower() in REPORT_NOUNS and c.i < v.i), None)


def _source_piece(doc: Doc, s: Token) -> Piece | None:
    a, b = _subtree_range(s)
    # a hyphenated name the parse split off ("spokesman Muhammad al-Midana": "-Midana" hangs elsewhere)
    while b + 2 < len(doc) and doc[b + 1].text in ("-", "–") and not doc[b].whitespace_ and \
            not doc[b + 1].whitespace_ and doc[b + 2].pos_ == "PROPN":
        b += 2
    # a title the parse left without its name ("said Dist. Atty. Steve Cooley": "Cooley" is a second subject)
    if doc[b].text in TITLES:
        while b + 1 < len(doc) and doc[b + 1].pos_ == "PROPN" and doc[b].whitespace_:
            b += 1
    strip = PUNCT_TRIM | {'"', "“", "”", "''", "``", "'"}
    # a dateline or a headline glued on by the parse: "LONDON (Reuters) - President Obama", "...\n\nMr. X"
    for k in range(b - 1, a, -1):
        t = doc[k]
        if (t.text in ("-", "—", "–", "--") and t.whitespace_ and doc[k - 1].whitespace_) or "\n" in t.text_with_ws:
            a = k + 1
            break
    while a <= b and (doc[a].text in strip or doc[a].is_space):
        a += 1
    while b > a and (doc[b].text in strip - {","} or doc[b].is_space):
        b -= 1
    if a > b:
        return None
    # keep a trailing comma only when it closes an apposition ("X, a spokesman,")
    if b > a and doc[b].text == "," and not any(t.dep_ in ("appos", "relcl", "acl") for t in doc[a : b + 1]):
        b -= 1
    return _tok_range(doc, a, b)


def cue_tokens(v: Token) -> list[int]:
    toks = [v.i]
    for c in v.children:
        if (
            (c.dep_ in ("aux", "auxpass", "neg") and c.i < v.i)
            or (c.dep_ == "prt" and c.i > v.i)
            or (
                c.dep_ == "advmod"
                and c.i < v.i
                and v.i - c.i <= 2
                and c.lower_ not in ("reportedly", "then", "when", "how", "why", "where")
            )
        ):
            toks.append(c.i)
    lo = min(toks)
    # keep the cue contiguous: drop pieces separated from the verb by other material
    keep = [v.i]
    for i in sorted((t for t in toks if t < v.i), reverse=True):
        if i == min(keep) - 1:
            keep.append(i)
    keep += [t for t in toks if t > v.i]
    del lo
    return sorted(set(keep))


def _content_children(v: Token) -> tuple[list[Token], Token | None]:
    """The complement children that make the content, and an addressee object set aside."""
    kids = [c for c in v.children if c.dep_ in CONTENT_DEPS]
    if not kids:
        return [], None
    right = [c for c in kids if c.i > v.i]
    left = [c for c in kids if c.i < v.i]
    if right and left and any(c.dep_ == "ccomp" for c in left) and any(c.dep_ == "ccomp" for c in right):
        # "“A,” she said, “B.”" parsed with a clause on each side
        return sorted(left + right, key=lambda t: t.i), None
    if (left and right and v.lemma_.lower() in ADDRESSEE_LEMMAS and any(c.dep_ == "ccomp" for c in left)
            and all(c.dep_ in ("dobj", "dative", "iobj") for c in right)):
        # "The plant will close, two people told Reuters": the clause before is what was said, the object whom to
        return sorted(left, key=lambda t: t.i), min(right, key=lambda t: t.i)
    if right:
        right.sort(key=lambda t: t.i)
        objs = [c for c in v.children if c.dep_ in ("dobj", "dative", "iobj", "npadvmod") and c.i > v.i]
        clause = next((c for c in right if c.dep_ in ("ccomp", "xcomp")), None)
        if clause is not None and objs and min(o.i for o in objs) < clause.i:
            # "told reporters that X", "urged Congress to act": the object is the addressee
            obj = min(objs, key=lambda t: t.i)
            return [c for c in right if c.i >= clause.i], obj
        first = right[0].i
        # objects followed by "as X" / "for X" / "of X" belong together
        extra = [
            c
            for c in v.children
            if c.dep_ == "prep"
            and c.i > first
            and c.lower_ in CONTENT_PREPS
            and any(g.dep_ in ("pobj", "pcomp") for g in c.children)
        ]
        if extra and any(c.dep_ == "dobj" for c in right):
            right += extra[:1]
        return sorted(right, key=lambda t: t.i), None
    return sorted(left, key=lambda t: t.i), None


def _prep_child(v: Token) -> tuple[Token, Token] | None:
    """ "focused on X", "bragged about X": the preposition and its object."""
    for c in v.children:
        if c.dep_ == "prep" and c.i > v.i and c.i - v.i <= 3:
            g = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
            if g is not None:
                return c, g
    return None


def _clause_on_prep_object(v: Token) -> Token | None:
    """"said in a statement that X", "told reporters at a briefing that X": the parse often hangs the that-clause
    on the preposition's noun; it is what the verb reports. A clause whose subject is its "that" ("at a rally that
    drew thousands") describes the noun instead."""
    for c in v.children:
        if c.dep_ != "prep" or c.i < v.i or c.i - v.i > 4:
            continue
        for g in c.children:
            if g.dep_ != "pobj":
                continue
            for k in g.children:
                if (k.dep_ in ("acl", "relcl") and k.i > g.i and k.doc[k.left_edge.i].lower_ == "that"
                        and any(x.dep_ in ("nsubj", "nsubjpass") and x.lower_ != "that" for x in k.children)):
                    return k
    return None


def _content_runs(doc: Doc, v: Token, kids: list[Token], exclude: set[int]) -> list[tuple[int, int]]:
    idx: list[int] = []
    for c in kids:
        a, b = _subtree_range(c)
        idx.extend(i for i in range(a, b + 1) if i not in exclude)
    if not idx:
        return []
    runs = _runs(idx)
    # a content child to the right: stop before a trailing ", doing..." participial tail
    return _trim_runs(doc, runs)


def _snap(doc: Doc, q: QuoteIndex, runs: list[tuple[int, int]], cue_char: int) -> tuple[list[Piece], bool]:
    """Token runs -> char pieces, each expanded to the whole quotation(s) it runs into."""
    pieces = [_tok_range(doc, a, b) for a, b in runs]
    if not pieces:
        return [], False
    quoted = False
    out: list[Piece] = []
    for a, b in pieces:
        for qu in q.overlapping(a, b):
            if qu.start <= cue_char < qu.end:
                continue  # the cue itself is inside this quotation: no snapping
            quoted = True
            a, b = min(a, qu.start), max(b, qu.end)
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out, quoted


def _para_ids(doc: Doc) -> list[int]:
    """Paragraph number of every token (blank-line-delimited paragraphs)."""
    ids, n = [], 0
    for t in doc:
        ids.append(n)
        if t.text_with_ws.count("\n") >= 2 or (t.is_space and t.text.count("\n") >= 2):
            n += 1
    return ids


def _clip_para(runs: list[tuple[int, int]], para: list[int], anchor: int) -> list[tuple[int, int]]:
    """Keep only the tokens in the anchor token's paragraph (quotations re-extend across them later)."""
    p = para[anchor]
    out = []
    for a, b in runs:
        while a <= b and para[a] != p:
            a += 1
        while b >= a and para[b] != p:
            b -= 1
        if a <= b:
            out.append((a, b))
    return out


def _quote_before(doc: Doc, q: QuoteIndex, v: Token, src: Token) -> list[Piece] | None:
    """A quotation ending right before the reporting clause: “...,” the senator said."""
    text = q.text
    start = min(v.idx, src.left_edge.idx)
    k = start
    while k > 0 and text[k - 1] in " ,\t":
        k -= 1
    pq = q.at(k - 1) if k > 0 else None
    if pq is not None and pq.end == k and start - k < 4:
        return list(pq.pieces) if len(pq.pieces) > 1 else [(pq.start, pq.end)]
    return None


def _quote_after(doc: Doc, q: QuoteIndex, v: Token) -> list[Piece] | None:
    """A quotation right after the reporting verb and its adjuncts: said during talks, "..."."""
    j = v.i + 1
    while j < len(doc) and j - v.i <= 8:
        t = doc[j]
        qq = q.at(t.idx)
        if qq is not None:
            if qq.start == t.idx and doc[j - 1].text in (",", ":"):
                return list(qq.pieces) if len(qq.pieces) > 1 else [(qq.start, qq.end)]
            return None
        if (t.is_punct and t.text not in (",",)) or t.is_sent_start:
            return None
        j += 1
    return None


def _split_quote(doc: Doc, q: QuoteIndex, v: Token, cue_toks: list[int], srcp: Piece | None, content: list[Piece]):
    """ "A," he said, "B." / "A," he said on Tuesday. "B.": add the quotation that follows the reporting clause."""
    text = q.text
    end = max(doc[max(cue_toks)].idx + len(doc[max(cue_toks)].text), srcp[1] if srcp else 0)
    # the rest of the reporting clause ("he said on Tuesday, adding"), if short and quote-free
    sent_end = v.sent.end_char
    rest = text[end:sent_end]
    if len(rest) < 240 and not any(ch in rest for ch in '"“”«»') and "''" not in rest and "\n" not in rest:
        end = max(end, sent_end)
    k = end
    while k < len(text) and k - end < 4 and text[k] in " ,.:;\t":
        k += 1
    nq = q.at(k)
    if nq is not None and nq.start == k:
        content = content + list(nq.pieces)
        # and the quotations that follow it in the same paragraph: “B.” “C.”
        for _ in range(10):
            k = nq.end
            while k < len(text) and text[k] in " \t":
                k += 1
            nq = q.at(k)
            if nq is None or nq.start != k:
                break
            content = content + list(nq.pieces)
    return content


def _reported_before(doc: Doc, v: Token, src: Token) -> tuple[int, int] | None:
    """The clause a reporting clause after it reports, as token indices (first, last): "..., the Daily Mail
    reported earlier this week." (the parse makes "reported" the root and the report its adverbial clause)
    and "..., as Gawker points out." (the report is the clause the as-clause hangs on). The reporting clause
    ends the sentence and follows a comma; the content is everything before that comma."""
    first = min(src.left_edge.i, v.i)
    if v.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in v.children):
        first = min(first, next(c.i for c in v.children if c.dep_ == "mark"))
        if v.head.i >= first:
            return None
    elif v.dep_ != "ROOT" or not any(c.i < first and c.dep_ in ("advcl", "ccomp", "parataxis") for c in v.children):
        return None
    sent = v.sent
    rest = [t for t in doc[v.right_edge.i + 1 : sent.end] if not (t.is_punct or t.is_space)]
    if rest or first - 1 <= sent.start or doc[first - 1].text != ",":
        return None
    return sent.start, first - 2


def _parenthetical(doc: Doc, q: QuoteIndex, v: Token, src: Token, para: list[int]) -> Frame | None:
    """ "After small increases, the budget office said, they will go up": content on both sides."""
    a, b = min(src.left_edge.i, v.i), max(v.i, src.right_edge.i if src.i > v.i else v.i)
    # the reporting clause's own adjuncts ("said on Tuesday")
    while (
        b + 1 < len(doc)
        and doc[b + 1].head.i == v.i
        and doc[b + 1].dep_ in ("npadvmod", "advmod", "prep")
        and b - v.i < 6
    ):
        b = doc[b + 1].right_edge.i
    if a < 1 or b + 1 >= len(doc) or doc[a - 1].text != "," or doc[b + 1].text != ",":
        return None
    sent = v.sent
    if a - 1 <= sent.start or b + 2 >= sent.end:
        return None
    left = [(sent.start, a - 2)]
    right = [(b + 2, sent.end - 1)]
    runs = _clip_para(_trim_runs(doc, left + right), para, v.i)
    if len(runs) != 2:
        return None
    if runs[0][1] - runs[0][0] < 2 and not any(
        doc[i].pos_ in ("NOUN", "PROPN", "PRON", "VERB") for i in range(runs[0][0], runs[0][1] + 1)
    ):
        runs = runs[1:]  # "Still, he said, officials have to decide": the adverb is not content
    content, quoted = _snap(doc, q, runs, v.idx)
    if not content:
        return None
    return Frame(v, "parenthetical", cue_tokens(v), content, _source_piece(doc, src), src_tok=src, quoted=quoted)


def _headline_colon(doc: Doc, q: QuoteIndex, c: Token, para: list[int]) -> Frame | None:
    """ "Lynch: No outside influence on FBI probe", "- Pew Research: “...”": a name, a colon, what they said."""
    i = c.i - 1
    start = i
    while (
        start - 1 >= 0
        and para[start - 1] == para[c.i]
        and doc[start - 1].text not in ("-", "—", "–", ".", "|")
        and c.i - start < 8
    ):
        start -= 1
    while start < c.i and (doc[start].is_space or doc[start].is_punct):
        start += 1
    if start > i or i - start > 6:
        return None
    left = doc[start : c.i]
    if not any(t.pos_ == "PROPN" or t.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") for t in left):
        return None
    if any(t.pos_ in ("VERB", "AUX") for t in left):
        return None
    j = c.i + 1
    while j < len(doc) and doc[j].is_space:
        j += 1
    if j >= len(doc) or para[j] != para[c.i]:
        return None
    nq = q.at(doc[j].idx)
    if nq is not None and nq.start == doc[j].idx:
        content = list(nq.pieces) if len(nq.pieces) > 1 else [(nq.start, nq.end)]
        quoted = True
    else:
        e = j
        while e + 1 < len(doc) and para[e + 1] == para[c.i] and doc[e + 1].text != "\n":
            e += 1
        runs = _trim_runs(doc, [(j, e)])
        if not runs:
            return None
        content, quoted = _snap(doc, q, runs, c.idx)
    src = (left[0].idx, left[-1].idx + len(left[-1].text))
    f = Frame(c, "headline", [c.i], content, src, src_tok=left.root, quoted=quoted)
    f.feats = [
        f"hl_len={len(left)}",
        f"hl_root={left.root.ent_type_ or left.root.pos_}",
        f"hl_para_start={start == 0 or para[start - 1] != para[c.i]}",
    ]
    return f



NOUN_PREPS = {"for", "of", "about", "against", "on", "to", "that"}


def _noun_frame(doc: Doc, q: QuoteIndex, n: Token, para: list[int]) -> Frame | None:
    """ "an assertion that X", "Mr. Obama's calls for X", "criticism of X", "a decision to X"."""
    content_tok = None
    cue_end = n.i
    for c in n.children:
        if c.i <= n.i:
            continue
        if c.dep_ in ("acl", "ccomp") and (
            any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)
            or any(g.dep_ == "aux" and g.lower_ == "to" and g.i == c.left_edge.i for g in c.children)
        ):
            content_tok = c
            break
        if c.dep_ == "prep" and c.lower_ in NOUN_PREPS and c.i == n.i + 1:
            g = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
            if g is not None:
                content_tok, cue_end = g, c.i
                break
    if content_tok is None:
        return None
    runs = _clip_para(_trim_runs(doc, [(content_tok.left_edge.i, content_tok.right_edge.i)]), para, n.i)
    if not runs:
        return None
    content, quoted = _snap(doc, q, runs, n.idx)
    if not content:
        return None
    src = next((c for c in n.children if c.dep_ == "poss"), None)
    cue = list(range(n.i, cue_end + 1))
    # adjectives and compounds right before the noun belong to the cue ("repeated emphasis")
    k = n.i - 1
    while (
        k >= 0
        and doc[k].head.i == n.i
        and doc[k].dep_ in ("amod", "compound")
        and (src is None or k > src.right_edge.i)
    ):
        cue.insert(0, k)
        k -= 1
    f = Frame(n, "noun", cue, content, _source_piece(doc, src) if src is not None else None, src_tok=src, quoted=quoted)
    f.feats = [f"noun_prep={n.lemma_.lower()}|{doc[cue_end].lower_ if cue_end != n.i else content_tok.dep_}"]
    return f


def _acomp_frame(doc: Doc, q: QuoteIndex, v: Token, adj: Token, src: Token | None, para: list[int]) -> Frame | None:
    """ "are shocked that X", "is critical of X", "is willing to X": the adjective is part of the cue.

    PolNeAR marks "are still uneasy about" as the cue and only the adjective's complement as the
    content; the plain acomp frame (cue "are", content "still uneasy about X") gets neither span
    right, so this variant competes with it and the classifier picks (train: ~270 such relations).
    """
    if adj.i < v.i or adj.i - v.i > 4:
        return None
    cue_end = adj.i
    comp = None
    for c in sorted(adj.children, key=lambda t: t.i):
        if c.i <= adj.i:
            continue
        if c.dep_ in ("ccomp", "xcomp"):
            comp = c
            break
        if c.dep_ == "prep":
            g = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
            if g is not None:
                comp, cue_end = g, c.i
                # "unclear as to X": a two-word preposition
                if g.dep_ == "pcomp" and g.pos_ == "ADP":
                    g2 = next((x for x in g.children if x.dep_ in ("pobj", "pcomp")), None)
                    if g2 is not None:
                        comp, cue_end = g2, g.i
                break
    if comp is None:
        return None
    runs = _clip_para(_trim_runs(doc, [(comp.left_edge.i, comp.right_edge.i)]), para, v.i)
    if not runs or runs[0][0] <= cue_end:
        return None
    content, quoted = _snap(doc, q, runs, v.idx)
    if not content:
        return None
    srcp = _source_piece(doc, src) if src is not None else None
    if srcp is not None and any(srcp[0] < e and s < srcp[1] for s, e in content):
        return None
    cue = sorted(set(cue_tokens(v)) | set(range(v.i, cue_end + 1)))
    f = Frame(v, "acomp_adj", cue, content, srcp, src_tok=src, quoted=quoted, kids=[comp])
    f.feats = [
        f"acomp_lemma={adj.lemma_.lower()}",
        f"acomp_comp={adj.lemma_.lower()}|{doc[cue_end].lower_ if cue_end != adj.i else comp.dep_}",
    ]
    return f


def _as_frame(doc: Doc, q: QuoteIndex, v: Token, src: Token, para: list[int]) -> Frame | None:
    """"..., as Gawker points out", "as The Hollywood Reporter revealed in April, he left": the clause the
    as-clause hangs on is the content, the as-clause's subject the source."""
    if v.dep_ != "advcl" or v.head is v or not any(c.dep_ == "mark" and c.lower_ == "as" for c in v.children):
        return None
    content, quoted = _rest_of_clause(doc, q, v.head, set(range(v.left_edge.i, v.right_edge.i + 1)), v, para)
    if not content:
        return None
    return Frame(v, "as_clause", cue_tokens(v), content, _source_piece(doc, src), src_tok=src, quoted=quoted)


def _rest_of_clause(doc: Doc, q: QuoteIndex, head: Token | None, excl: set[int], v: Token,
                    para: list[int]) -> tuple[list[Piece], bool]:
    """What "according to X" or "as X reported" is said of: the clause `head` heads (the sentence when there is
    none), less the attribution's own tokens `excl`."""
    sent = v.sent
    a, b = _subtree_range(head) if head is not None else (sent.start, sent.end - 1)
    a, b = max(a, sent.start), min(b, sent.end - 1)
    runs = _clip_para(_trim_runs(doc, _runs([i for i in range(a, b + 1) if i not in excl])), para, v.i)
    return _snap(doc, q, runs, v.idx) if runs else ([], False)


def _according_frame(doc: Doc, q: QuoteIndex, v: Token, para: list[int]) -> Frame | None:
    """"According to X": the clause it attaches to (or its sentence) is the content, X the source."""
    to = next((c for c in v.children if c.lower_ == "to"), None)
    if to is None and v.i + 1 < len(doc) and doc[v.i + 1].lower_ == "to":
        to = doc[v.i + 1]
    if to is None:
        return None
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if pobj is None:
        return None
    head = v.head if v.head.i != v.i else None
    content, quoted = _rest_of_clause(doc, q, head, set(range(v.left_edge.i, v.right_edge.i + 1)) | {to.i}, v, para)
    if not content:
        return None
    cue = [v.i, to.i]
    return Frame(v, "according", cue, content, _source_piece(doc, pobj), src_tok=pobj, quoted=quoted)


def _dobj_prep_frame(doc: Doc, q: QuoteIndex, v: Token, d: Token, src: Token | None, para: list[int]) -> Frame | None:
    """The verb, its object and a preposition as the cue, the prepositional object as the content:
    "expressed concern about | X", "offered his congratulations to | X"."""
    pp = next((c for c in d.children if c.dep_ == "prep" and c.i == d.i + 1), None) or next(
        (c for c in v.children if c.dep_ == "prep" and c.i == d.right_edge.i + 1), None
    )
    if pp is None or d.right_edge.i - v.i > 5:
        return None
    pobj = next((g for g in pp.children if g.dep_ in ("pobj", "pcomp")), None)
    if pobj is None:
        return None
    runs = _clip_para(_trim_runs(doc, [(pobj.left_edge.i, pobj.right_edge.i)]), para, v.i)
    content, quoted = _snap(doc, q, runs, v.idx)
    if not content:
        return None
    f = Frame(
        v,
        "dobj_prep",
        sorted(set(cue_tokens(v)) | set(range(v.i, pp.i + 1))),
        content,
        _source_piece(doc, src) if src is not None else None,
        src_tok=src,
        quoted=quoted,
    )
    f.feats = [f"dobj_lemma={d.lemma_.lower()}", f"dobj_prep={d.lemma_.lower()}|{pp.lower_}"]
    return f


def _obj_quote_frame(doc: Doc, q: QuoteIndex, v: Token, obj: Token, src: Token | None) -> Frame | None:
    """A short object, then a quotation: "asking Trump, “Should ...?”", "told cheering supporters on Monday: “...”"."""
    k = obj.right_edge.i + 1
    while k < len(doc) and k <= obj.right_edge.i + 6 and not doc[k].is_sent_start and q.at(doc[k].idx) is None:
        if doc[k].is_punct and doc[k].text not in (",", ":"):
            break
        k += 1
    if k >= len(doc) or k <= obj.right_edge.i + 1 or doc[k - 1].text not in (",", ":"):
        return None
    nq = q.at(doc[k].idx)
    if nq is None or nq.start != doc[k].idx:
        return None
    qpieces = list(nq.pieces) if len(nq.pieces) > 1 else [(nq.start, nq.end)]
    return Frame(v, "obj_quote", cue_tokens(v), qpieces,
                 _source_piece(doc, src) if src is not None else None,
                 _source_piece(doc, obj) if v.lemma_.lower() in ADDRESSEE_LEMMAS else None,
                 src_tok=src, quoted=True)  # fmt: skip


def _frames(doc: Doc, q: QuoteIndex) -> list[Frame]:
    """Every frame the parse offers, in token order; a verb may give several (its complement, a quotation
    before or after it, its object and a preposition as the cue), and the classifier picks among them."""
    frames: list[Frame] = []
    para = _para_ids(doc)
    for v in doc:
        if v.lower_ == "according":
            af = _according_frame(doc, q, v, para)
            if af is not None:
                frames.append(af)
            continue
        if v.text == ":":
            hf = _headline_colon(doc, q, v, para)
            if hf is not None:
                frames.append(hf)
            continue
        if v.pos_ == "NOUN" and v.dep_ not in ("dobj", "dative", "oprd"):
            # (an object noun belongs to its verb's frame: "offered kind words about X")
            nf = _noun_frame(doc, q, v, para)
            if nf is not None:
                frames.append(nf)
            continue
        if v.pos_ not in ("VERB", "AUX") and v.tag_ not in ("VB", "VBD", "VBG", "VBN", "VBP", "VBZ"):
            continue
        kids, obj = _content_children(v)
        src = _source_of(v)
        if src is None and (inverted := _inverted_subject(v)) is not None:
            src, clause = inverted
            kids = [k for k in kids if k.i != clause.i]
        if src is not None and not kids:
            asf = _as_frame(doc, q, v, src, para)
            if asf is not None:
                frames.append(asf)
                continue
            pf = _parenthetical(doc, q, v, src, para)
            if pf is not None:
                frames.append(pf)
                continue
        ftype = ""
        runs: list[tuple[int, int]] = []
        prep_cue: list[int] = []
        if not kids and v.pos_ == "VERB" and src is not None:
            qa = _quote_after(doc, q, v)
            if qa is not None:
                frames.append(
                    Frame(v, "quote_post", cue_tokens(v), qa, _source_piece(doc, src), src_tok=src, quoted=True)
                )
                continue
        # "told reporters in a briefing that X": the object is then whom it was told to
        objects_only = bool(kids) and obj is None and v.lemma_.lower() in ADDRESSEE_LEMMAS and all(
            c.dep_ in ("dobj", "dative") and c.i > v.i for c in kids)
        stray = _clause_on_prep_object(v) if (not kids or objects_only) and v.pos_ == "VERB" else None
        if stray is not None:
            obj = kids[0] if kids else None
            kids = [stray]
        elif not kids and v.pos_ == "VERB":
            pc = _prep_child(v)
            if pc is not None:
                kids = [pc[1]]
                prep_cue = [pc[0].i]
        if kids and kids[0].dep_ == "dobj" and len(kids) == 1 and kids[0].right_edge.i - kids[0].left_edge.i < 6:
            oq = _obj_quote_frame(doc, q, v, kids[0], src)
            if oq is not None:
                frames.append(oq)
                continue
        if kids:
            ftype = kids[0].dep_
            excl = set()
            if src is not None:
                excl = set(range(src.left_edge.i, src.right_edge.i + 1))
            runs = _clip_para(_content_runs(doc, v, kids, excl), para, v.i)
            if kids[0].i < v.i:
                ftype = "pre_" + ftype
            if prep_cue:
                ftype = "prep"
            if stray is not None:
                ftype = "prep_clause"
        elif (
            v.dep_ in ("parataxis", "ccomp", "advcl", "conj")
            and v.head.i < v.i
            and src is not None
            and v.left_edge.i > 0
            and doc[v.left_edge.i - 1].text in (",", "”", '"', "''", "—", "--")
            and not any(c.dep_ == "mark" for c in v.children)
        ):
            # "“...,” he said" parsed with the quote as the head
            h = v.head
            a = _subtree_range(h)[0]
            sub = set(range(v.left_edge.i, v.right_edge.i + 1))
            runs = _clip_para(_trim_runs(doc, _runs([i for i in range(a, v.left_edge.i) if i not in sub])), para, v.i)
            ftype = "inverted"
        elif src is not None and (clause := _reported_before(doc, v, src)) is not None:
            runs = _clip_para(_trim_runs(doc, [clause]), para, v.i)
            ftype = "inverted"
        only_objs = (
            bool(kids)
            and all(c.i > v.i and c.dep_ in ("dobj", "dative") for c in kids)
            and (v.lemma_.lower() in ADDRESSEE_LEMMAS)
        )
        if (not runs or only_objs) and src is not None and v.pos_ == "VERB":
            # a quotation right before the reporting clause: “...,” the senator said / told Putin
            content = _quote_before(doc, q, v, src)
            ftype2 = "quote_pre"
            if content is None and not only_objs:
                content = _quote_after(doc, q, v)
                ftype2 = "quote_post"
            if content is not None:
                if ftype2 == "quote_pre":
                    content = _split_quote(doc, q, v, cue_tokens(v), _source_piece(doc, src), content)
                adr = _source_piece(doc, kids[0]) if only_objs else None
                frames.append(
                    Frame(v, ftype2, cue_tokens(v), content, _source_piece(doc, src), adr, src_tok=src, quoted=True)
                )
                continue
        if not runs:
            # "X said:" + quotation / rest of the sentence
            j = v.i + 1
            while j < len(doc) and j <= v.i + 3 and doc[j].text != ":":
                j += 1
            if j < len(doc) and doc[j].text == ":":
                qq = q.at(doc[j].idx + 1) or (q.at(doc[j + 1].idx) if j + 1 < len(doc) else None)
                if qq is not None:
                    content = [qq.pieces[0]] if len(qq.pieces) == 1 else list(qq.pieces)
                    content = [(qq.start, qq.end)] if len(qq.pieces) == 1 else content
                    frames.append(
                        Frame(v, "colon", cue_tokens(v), content,
                              _source_piece(doc, src) if src is not None else None, src_tok=src, quoted=True)
                    )  # fmt: skip
                    continue
                sent = v.sent
                if j + 1 < sent.end:
                    runs = _trim_runs(doc, [(j + 1, sent.end - 1)])
                    ftype = "colon"
        if ftype == "dobj" and len(kids) == 1:
            dp = _dobj_prep_frame(doc, q, v, kids[0], src, para)
            if dp is not None:
                frames.append(dp)
        if ftype == "acomp":
            af = _acomp_frame(doc, q, v, kids[0], src, para)
            if af is not None:
                frames.append(af)
        if not runs:
            continue
        content, quoted = _snap(doc, q, runs, v.idx)
        if not content:
            continue
        cue_toks = cue_tokens(v)
        if prep_cue:
            cue_toks = sorted(set(cue_toks) | set(range(v.i, prep_cue[0] + 1)))
        addressee = _source_piece(doc, obj) if obj is not None else None
        if addressee is None and v.lemma_.lower() in ADDRESSEE_LEMMAS:
            for c in v.children:
                if (
                    c.dep_ in ("dative", "dobj", "iobj")
                    and c.i > v.i
                    and (ftype in ("ccomp", "xcomp", "pre_ccomp", "inverted", "colon") or c.dep_ == "dative")
                    and not any(a <= c.i <= b for a, b in runs)
                ):
                    addressee = _source_piece(doc, c)
                    break
        srcp = _source_piece(doc, src) if src is not None else None
        if src is None and v.dep_ == "acl" and v.head.pos_ in ("NOUN", "PROPN") and v.head.i < v.i:
            # "a super PAC supporting X", "precedents requiring X": the noun is the source
            h = v.head
            j = v.left_edge.i - 1
            while j > h.left_edge.i and (doc[j].text in PUNCT_TRIM or doc[j].is_space):
                j -= 1
            if j >= h.left_edge.i:
                srcp, src = _tok_range(doc, h.left_edge.i, j), h
        if srcp is not None and any(srcp[0] < e and s < srcp[1] for s, e in content):
            srcp, src = None, None
        if quoted and ftype in ("pre_ccomp", "inverted", "pre_xcomp", "pre_dobj") and content[-1][1] <= v.idx:
            content = _split_quote(doc, q, v, cue_toks, srcp, content)
        f = Frame(v, ftype, cue_toks, content, srcp, addressee, src_tok=src, quoted=quoted)
        if kids and kids[-1].i > v.i and ftype in ("ccomp", "xcomp", "dobj", "prep", "oprd", "acomp"):
            f.kids = kids
        frames.append(f)
    for f in frames:
        f.in_quote = q.at(f.verb.idx) is not None
        f.quotes = q
    return frames


# --------------------------------------------------------------------------- features


def frame_features(doc: Doc, f: Frame) -> list[str]:
    v = f.verb
    lem = v.lemma_.lower() if f.type != "according" else "according_to"
    src = f.src_tok
    if src is None:
        st = "none"
    elif src.ent_type_:
        st = "ent_" + src.ent_type_
    else:
        st = src.pos_
    clen = sum(e - s for s, e in f.content)
    cb = "s" if clen < 20 else "m" if clen < 60 else "l" if clen < 200 else "xl"
    has_mark = any(c.dep_ == "mark" and c.lower_ == "that" for k in v.children if k.dep_ == "ccomp" for c in k.children)
    feats = [
        "bias_" + f.type,
        f"lemma={lem}",
        f"lemma_type={lem}|{f.type}",
        f"type={f.type}",
        f"dep={v.dep_}",
        f"tag={v.tag_}",
        f"src={st}",
        f"lemma_src={lem}|{'y' if src is not None else 'n'}",
        f"clen={cb}",
        f"type_clen={f.type}|{cb}",
        f"inq={f.in_quote}",
        f"quoted={f.quoted}",
        f"lemma_quoted={lem}|{f.quoted}",
        f"that={has_mark}",
        f"lemma_that={lem}|{has_mark}",
        f"srcpos={'pre' if src is not None and src.i < v.i else 'post' if src is not None else 'none'}",
        f"tag_type={v.tag_}|{f.type}",
    ]
    if src is not None:
        feats.append(f"srclemma={src.lemma_.lower()}")
    if f.type == "prep":
        prep = doc[max(f.cue_toks)].lower_
        feats.append(f"lemma_prep={lem}|{prep}")
        feats.append(f"prep={prep}")
    if any(c.dep_ == "neg" for c in v.children):
        feats.append("neg")
    if f.addressee is not None:
        feats.append("addressee")
    return feats


def candidate_frames(doc: Doc) -> list[Frame]:
    """All candidate frames with their features (used by training too)."""
    q = QuoteIndex(doc_text(doc))
    frames = _frames(doc, q)
    for f in frames:
        f.feats = frame_features(doc, f) + f.feats
    return frames


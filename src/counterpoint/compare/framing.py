"""How each outlet frames the story: what it leads with, whose voices, how it hedges.

The same claim reads differently as "NBC News has cited White House sources,
claiming that Trump said" and "Trump reportedly told Putin": framing is read
off the statements each outlet carries (hedges, loaded cue verbs, anonymous
sourcing, who gets quoted) and compared claim by claim.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from counterpoint.compare.findings import Context, _ordered
from counterpoint.compare.units import Unit
from counterpoint.model import Article, Evidence, Finding, Framing, Span, Statement

# Words that distance an outlet from what it reports (the analyse stage marks a statement
# hedged when one of them governs it; here we point at the word itself).
_HEDGE = re.compile(
    r"\b(?:reportedly|allegedly|purportedly|apparently|supposedly|claim(?:ing|ed|s)?|alleg(?:ing|ed|es)"
    r"|(?:is|are|was|were) (?:said|reported|believed) to|according to|cited|citing)\b",
    re.I,
)


def outlet_framing(outlet: str, articles: Sequence[Article], speaker_ids: dict[int, str]) -> Framing:
    statements = [s for a in articles for s in (a.analysis.statements if a.analysis else [])]
    speakers: Counter[str] = Counter(speaker_ids[id(s)] for s in statements if id(s) in speaker_ids)
    hedged: list[Evidence] = []
    loaded: list[Evidence] = []
    for a in articles:
        for s in a.analysis.statements if a.analysis else []:
            if s.hedged:
                hedged.extend(hedge_words(a, s))
            if s.cue_connotation == "loaded":
                loaded.extend(Evidence(a.id, c, "cue") for c in s.cue)
    lead = None
    first = articles[0] if articles else None
    if first is not None and first.analysis and first.analysis.sentences:
        sent = first.analysis.sentences[0]
        text = sent.text.strip()
        start = sent.start + sent.text.index(text) if text else sent.start
        lead = Evidence(first.id, Span.of(first.text, start, start + len(text)), "sentence")
    return Framing(
        outlet=outlet, lead=lead, statements=len(statements), speakers=dict(speakers.most_common()),
        hedged=sorted(set(hedged), key=lambda e: (e.article, e.span.start)),
        loaded=sorted(set(loaded), key=lambda e: (e.article, e.span.start)),
        anonymous=sum(1 for s in statements if _anonymous(s)),
        direct=sum(1 for s in statements if s.kind != "indirect"),
    )


def hedge_words(article: Article, s: Statement) -> list[Evidence]:
    """The hedging words in the statement's sentence before its content ("reportedly told", "claiming that")."""
    if not s.cue:
        return []
    sentences = article.analysis.sentences if article.analysis else []
    cue = s.cue[0]
    sent = next((x for x in sentences if x.start <= cue.start < x.end), None)
    lo = sent.start if sent else max(0, cue.start - 200)
    hi = max(cue.end, *(c.end for c in s.cue))
    return _hedges_in(article.id, Span.of(article.text, lo, hi), exclude=s.content)


def _hedges_in(article: str, window: Span, exclude: Sequence[Span] = ()) -> list[Evidence]:
    """Each hedging word in `window` (a span of the article), outside the `exclude` spans."""
    out = []
    for m in _HEDGE.finditer(window.text):
        start = window.start + m.start()
        if not any(c.start <= start < c.end for c in exclude):
            out.append(Evidence(article, Span(start, start + len(m.group()), m.group()), "cue"))
    return out


def framing_findings(ctx: Context, framing: Sequence[Framing], names: dict[str, str]) -> list[Finding]:
    """Differences between outlets: leads, wording of the claims they share, whose voices they carry."""
    out = []
    by_outlet = {f.outlet: f for f in framing}
    leads = {o: f.lead for o, f in by_outlet.items() if f.lead is not None}
    if len(leads) >= 2:
        lead_groups = {o: _group_at(ctx, e) for o, e in leads.items()}
        if len(set(lead_groups.values())) > 1:
            parts = [f"{ctx.describe.get(o, o)} leads with “{_clip(e.span.text)}”" for o, e in leads.items()]
            out.append(Finding("", "framing", "Different leads: " + "; ".join(parts) + ".", 0.9, [],
                               _ordered(ctx, set(leads)), list(leads.values())))
    # The same claim, worded with different hedges or loaded verbs.
    for g in ctx.alignment.groups:
        words: dict[str, list[Evidence]] = {}
        for i in g:
            u = ctx.units[i]
            if u.status == "denied" or u.statement is None:
                continue
            words.setdefault(u.outlet, []).extend(_wording(ctx, u))
        if len(words) < 2:
            continue
        sets = {o: {_norm(e.span.text) for e in ev} for o, ev in words.items()}
        if len({frozenset(v) for v in sets.values()}) < 2 or not any(sets.values()):
            continue
        rep = next(ctx.units[i] for i in g if ctx.units[i].status != "denied")
        parts = [f"{ctx.describe.get(o, o)}: {', '.join(sorted(v)) or 'no hedge'}" for o, v in sets.items()]
        ev = [e for v in words.values() for e in v]
        out.append(Finding("", "framing", f"Worded differently — {rep.shown[:120]}: " + "; ".join(parts) + ".", 0.7,
                           [], _ordered(ctx, set(words)), sorted(set(ev), key=lambda e: (e.article, e.span.start))))
    # Whose voices each outlet carries.
    if len(by_outlet) >= 2:
        parts = []
        for o, f in by_outlet.items():
            if not f.speakers:
                continue
            top, n = next(iter(f.speakers.items()))
            anon = f" ({f.anonymous} resting on anonymous sources)" if f.anonymous else ""
            parts.append(f"{ctx.describe.get(o, o)} quotes {names.get(top, top)} most ({n} of {f.statements})"
                         f"{anon}, uses {len(f.hedged)} hedges and {len(f.loaded)} loaded verbs")
        if parts:
            ev = [e for f in by_outlet.values() for e in (*f.hedged, *f.loaded)]
            out.append(Finding("", "framing", "Voices and wording: " + "; ".join(parts) + ".", 0.6, [],
                               _ordered(ctx, set(by_outlet)), ev))
    return out


def _wording(ctx: Context, u: Unit) -> list[Evidence]:
    s = u.statement
    assert s is not None
    out = [e for e in u.evidence if e.role == "cue" and s.cue_connotation == "loaded"]
    if s.hedged and u.sentence is not None:
        out += _hedges_in(u.article, u.sentence)
    return out


def _group_at(ctx: Context, e: Evidence) -> object:
    """The claim a lead sentence makes (its group), or the sentence itself when it makes none we aligned."""
    for gi, g in enumerate(ctx.alignment.groups):
        for i in g:
            u = ctx.units[i]
            if u.article == e.article and any(x.span.start < e.span.end and e.span.start < x.span.end
                                               for x in u.evidence):
                return gi
    return e


def _anonymous(s: Statement) -> bool:
    return bool(s.speaker and s.speaker.kind == "anonymous") or any(v.kind == "anonymous" for v in s.via)


def _norm(word: str) -> str:
    return " ".join(word.lower().split())


def _clip(text: str, n: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


StanceFn = Callable[[Sequence[tuple[str, str]]], Sequence[Any]]


def stance_findings(disputed: Sequence[tuple[Finding, str]], texts: dict[str, str], outlet_of: dict[str, str],
                    classify: StanceFn) -> list[Finding]:
    """How each outlet's article leans on a disputed claim, by the stance model (FNC-1 trained).

    The model reads the whole article against the claim, so it sees what the claim-level
    findings cannot: whether the article as a whole sides with the assertion, the denial,
    or only reports both. It is coarse (it was trained on headline/body pairs), so these
    findings carry the model's own probability as their confidence.
    """
    out = []
    for f, claim in disputed:
        articles = list(dict.fromkeys(e.article for e in f.evidence if e.article in texts))
        if not claim or len(articles) < 2:
            continue
        results = classify([(claim, texts[a]) for a in articles])
        parts, confidence = [], []
        for a, r in zip(articles, results, strict=True):
            parts.append(f"{outlet_of[a]} {r.stance} ({r.scores[r.stance]:.2f})")
            confidence.append(r.scores[r.stance])
        if len({r.stance for r in results}) < 2:
            continue
        out.append(Finding(
            "", "framing", f"Leaning on the disputed claim “{_clip(claim, 100)}” (stance model, whole article): "
            + "; ".join(parts) + ".", min(confidence), list(f.statements),
            list(dict.fromkeys(outlet_of[a] for a in articles)), list(f.evidence), claims=list(f.claims),
        ))
    return out


__all__ = ["framing_findings", "hedge_words", "outlet_framing", "stance_findings"]

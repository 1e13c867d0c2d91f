"""The HTML report of a Comparison: one self-contained file, and the pages of the web app.

Both render the same Jinja2 partial (`_story.html.j2`) from the same view
model (`story_view`), so the file a user mails around and the page the app
serves cannot drift apart.

Everything shown comes from untrusted pages (text, titles, outlet names,
URLs), so nothing is ever pasted into markup as a string: Jinja2 autoescapes
every value, and highlights are built by cutting the text at evidence
offsets and escaping each piece on its own (`segments`). The report file
carries its CSS and JavaScript inline under a Content-Security-Policy
``<meta>`` that allows exactly those two blocks (by hash) and no network
access, so opening it offline can neither fetch nor run anything else.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from counterpoint import __version__
from counterpoint.model import Comparison, Evidence, Finding, Statement, confidence_words

# Findings a fact-checker should see first: disagreement before agreement.
FINDING_ORDER = ["disputed", "contradicted", "omitted", "single_sourced", "framing", "corroborated"]
FINDING_LABELS = {
    "disputed": "Disputed", "contradicted": "Contradicted", "omitted": "Omitted by some outlets",
    "single_sourced": "Single-sourced", "framing": "Framing", "corroborated": "Corroborated",
}
STATUS_SYMBOLS = {"asserted": "✔", "hedged": "≈", "denied": "✖", "absent": "—"}
STATUS_HELP = {
    "asserted": "reported as fact or as a plain attribution",
    "hedged": "reported with a hedge (reportedly, allegedly, claiming...)",
    "denied": "reported as denied, or the outlet carries the denial",
    "absent": "not mentioned by this outlet",
}
KIND_HELP = {
    "direct": "direct quote (solid underline)",
    "mixed": "partial quote (dashed underline)",
    "indirect": "reported speech (dotted underline)",
}


_QUOTES = "\"'“”‘’«» ,."


@dataclass(slots=True)
class Segment:
    """A run of an article's text covered by the same set of marks."""

    text: str
    kind: str | None = None  # the innermost statement's kind, for its underline style
    statements: list[str] = field(default_factory=list)  # statement ids (innermost last)
    cue: bool = False
    source: bool = False
    ev: list[str] = field(default_factory=list)  # evidence tokens ("f0", "c3-1")
    anchors: list[str] = field(default_factory=list)  # element ids that start here
    title: str | None = None  # tooltip: kind and speaker

    @property
    def marked(self) -> bool:
        return bool(self.statements or self.ev or self.cue or self.source or self.anchors)


@dataclass(slots=True)
class _Mark:
    start: int
    end: int
    what: str  # "st", "cue", "src", "ev"
    token: str
    kind: str | None = None
    title: str | None = None


def segments(text: str, marks: Iterable[_Mark], prefix: str) -> list[Segment]:
    """Cut `text` at every mark boundary; each piece knows which marks cover it.

    Overlapping and nested marks (a quote inside a reported claim, two
    findings citing one sentence) need no tree: every boundary starts a new
    piece, and a piece lists all the marks over it. Marks outside the text
    (stale offsets) are dropped rather than trusted.
    """
    marks = [m for m in marks if 0 <= m.start < m.end <= len(text)]
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    starts: dict[int, list[_Mark]] = {}
    for m in marks:
        starts.setdefault(m.start, []).append(m)
    out: list[Segment] = []
    seen_anchor: set[str] = set()
    for a, b in pairwise(cuts):
        over = [m for m in marks if m.start <= a and b <= m.end]
        seg = Segment(text[a:b])
        sts = sorted((m for m in over if m.what == "st"), key=lambda m: -(m.end - m.start))
        if sts:
            seg.statements = [m.token for m in sts]
            seg.kind, seg.title = sts[-1].kind, sts[-1].title
        seg.cue = any(m.what == "cue" for m in over)
        seg.source = any(m.what == "src" for m in over)
        seg.ev = sorted({m.token for m in over if m.what == "ev"})
        for m in starts.get(a, []):
            anchor = f"{prefix}-{m.token}" if m.what == "ev" else f"{prefix}-st-{m.token}" if m.what == "st" else ""
            if anchor and anchor not in seen_anchor:
                seen_anchor.add(anchor)
                seg.anchors.append(anchor)
        out.append(seg)
    return out


def safe_url(url: str | None) -> str | None:
    """Only http(s) links are shown as links: a `javascript:` URL from a page must never be clickable."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in {"http", "https"} else None


def _speaker_label(st: Statement) -> str:
    if st.speaker is None:
        return "unknown speaker"
    return f"{st.speaker.name} ({st.speaker.role})" if st.speaker.role else st.speaker.name


def _sorted_findings(findings: list[Finding]) -> list[Finding]:
    """By type; within a type, the comparison's own order (omissions by how much they matter, not by
    confidence), so the report lists them as the terminal and the JSON do."""
    rank = {t: i for i, t in enumerate(FINDING_ORDER)}
    return sorted(findings, key=lambda f: rank.get(f.type, 99))


def story_view(c: Comparison, prefix: str = "") -> dict[str, Any]:
    """Everything the story template shows, computed once, as plain values.

    `prefix` keeps element ids unique when one report holds several stories.
    """
    outlets = c.outlets
    oidx = {o: i for i, o in enumerate(outlets)}
    art_index = {a.id: i for i, a in enumerate(c.articles)}
    speakers = {s.id: s for s in c.speakers}
    marks: dict[str, list[_Mark]] = {a.id: [] for a in c.articles}

    def add_ev(ev: Evidence, token: str) -> None:
        if ev.article in marks:
            marks[ev.article].append(_Mark(ev.span.start, ev.span.end, "ev", token))

    for cs in c.statements:
        st = cs.statement
        if cs.article not in marks:
            continue
        title = f"{KIND_HELP.get(st.kind, st.kind).split(' (')[0]}: {_speaker_label(st)}"
        for sp in st.content:
            marks[cs.article].append(_Mark(sp.start, sp.end, "st", st.id, st.kind, title))
        for sp in st.cue:
            marks[cs.article].append(_Mark(sp.start, sp.end, "cue", st.id))
        for sp in st.source or []:
            marks[cs.article].append(_Mark(sp.start, sp.end, "src", st.id))

    findings = []
    for i, f in enumerate(_sorted_findings(c.findings)):
        token = f"f{i}"
        for ev in f.evidence:
            add_ev(ev, token)
        in_articles = sorted({art_index[ev.article] for ev in f.evidence if ev.article in art_index})
        findings.append({
            "token": token, "id": f.id, "type": f.type, "label": FINDING_LABELS.get(f.type, f.type),
            "summary": f.summary, "confidence": f.confidence, "outlets": f.outlets, "absent": f.absent,
            "quotes": [{"outlet": c.articles[art_index[ev.article]].outlet,
                        "text": _short(ev.span.text.strip(_QUOTES)), "role": ev.role}
                       for ev in _round_robin(f.evidence, art_index)][:4],
            "articles": [c.articles[i].outlet for i in in_articles], "claims": f.claims,
        })

    claim_rows = []
    claim_token: dict[str, str] = {}
    for ci, claim in enumerate(c.claims):
        claim_token[claim.id] = f"c{ci}"
        cells = []
        for o in outlets:
            status = claim.outlets.get(o, "absent")
            token = f"c{ci}-{oidx[o]}"
            has_ev = False
            for m in claim.mentions:
                if m.outlet == o:
                    for ev in m.evidence:
                        add_ev(ev, token)
                        has_ev = True
            cells.append({"outlet": o, "status": status, "symbol": STATUS_SYMBOLS.get(status, "?"),
                          "token": token if has_ev else None})
        claim_rows.append({"id": claim.id, "text": claim.text, "cells": cells, "token": f"c{ci}"})

    # The sourcing chain of each claim behind a disputed or contradicted finding, one line per outlet.
    chains = []
    by_claim = {cl.id: cl for cl in c.claims}
    for f in findings:
        if f["type"] not in {"disputed", "contradicted"}:
            continue
        for cid in f["claims"]:
            claim = by_claim.get(cid)
            if claim is None:
                continue
            lines = []
            for m in claim.mentions:
                sp = speakers.get(m.speaker_id or "")
                nodes = [{"name": m.outlet, "kind": "outlet"}]
                nodes += [{"name": v, "kind": "source"} for v in m.via]
                if sp is not None:
                    nodes.append({"name": sp.name + (f", {sp.role}" if sp.role else ""), "kind": sp.kind,
                                  "speaker": sp.id})
                denier = speakers.get(m.denied_by or "")
                lines.append({"outlet": m.outlet, "status": m.status, "symbol": STATUS_SYMBOLS.get(m.status, "?"),
                              "nodes": nodes, "denied_by": denier.name if denier else None,
                              "token": f"c{list(by_claim).index(cid)}-{oidx.get(m.outlet, 0)}"})
            chains.append({"finding": f["token"], "claim": claim.text, "lines": lines})

    framing = []
    for fr in c.framing:
        total = sum(fr.speakers.values()) or 1
        bars = []
        for sid, n in sorted(fr.speakers.items(), key=lambda kv: -kv[1]):
            sp = speakers.get(sid)
            bars.append({"name": sp.name if sp else sid, "n": n, "pct": round(100 * n / total, 1),
                         "speaker": sp.id if sp else None})
        hedges, loaded = [], []
        for j, ev in enumerate(fr.hedged):
            add_ev(ev, f"h{oidx.get(fr.outlet, 0)}-{j}")
            hedges.append({"text": ev.span.text, "token": f"h{oidx.get(fr.outlet, 0)}-{j}"})
        for j, ev in enumerate(fr.loaded):
            add_ev(ev, f"l{oidx.get(fr.outlet, 0)}-{j}")
            loaded.append({"text": ev.span.text, "token": f"l{oidx.get(fr.outlet, 0)}-{j}"})
        lead = None
        if fr.lead is not None:
            add_ev(fr.lead, f"lead{oidx.get(fr.outlet, 0)}")
            lead = {"text": _short(fr.lead.span.text, 200), "token": f"lead{oidx.get(fr.outlet, 0)}"}
        framing.append({"outlet": fr.outlet, "statements": fr.statements, "direct": fr.direct,
                        "anonymous": fr.anonymous, "bars": bars[:8], "hedged": hedges, "loaded": loaded,
                        "lead": lead})

    articles = []
    for i, a in enumerate(c.articles):
        articles.append({
            "index": i, "id": a.id, "outlet": a.outlet, "title": a.title, "published": a.published,
            "url": safe_url(a.url), "raw_url": a.url, "lang": a.lang, "notes": a.notes,
            "duplicate_of": a.duplicate_of, "info": a.outlet_info,
            "segments": segments(a.text, marks[a.id], f"{prefix}a{i}"),
            "words": len(a.text.split()),
        })

    # Where a link to each evidence token lands without JavaScript: its first occurrence.
    href: dict[str, str] = {}
    for art in articles:
        for seg in art["segments"]:
            for anchor in seg.anchors:
                token = anchor.removeprefix(f"{prefix}a{art['index']}-")
                href.setdefault(token, anchor)
    speaker_rows = sorted(
        ({"id": s.id, "name": s.name, "role": s.role, "kind": s.kind, "outlets": s.outlets,
          "total": sum(s.outlets.values())} for s in c.speakers),
        key=lambda r: -r["total"],
    )
    counts = Counter(f.type for f in c.findings)
    return {
        "story": c.story, "title": next((a.title for a in c.articles if a.title), None) or _untitled(c),
        "outlets": outlets, "articles": articles, "findings": findings, "claims": claim_rows, "chains": chains,
        "framing": framing, "speakers": speaker_rows, "notes": c.notes,
        "prefix": prefix, "uid": prefix + c.story, "href": href,
        "counts": [(t, FINDING_LABELS[t], counts[t]) for t in FINDING_ORDER if counts.get(t)],
        "status_help": STATUS_HELP, "status_symbols": STATUS_SYMBOLS, "kind_help": KIND_HELP,
    }


def article_view(article_id: str, outlet: str, text: str, statements: list[Statement]) -> list[Segment]:
    """An article's text cut into highlighted pieces, for the app's article page (no comparison needed)."""
    marks: list[_Mark] = []
    for st in statements:
        title = f"{KIND_HELP.get(st.kind, st.kind).split(' (')[0]}: {_speaker_label(st)}"
        marks += [_Mark(sp.start, sp.end, "st", st.id, st.kind, title) for sp in st.content]
        marks += [_Mark(sp.start, sp.end, "cue", st.id) for sp in st.cue]
        marks += [_Mark(sp.start, sp.end, "src", st.id) for sp in st.source or []]
    return segments(text, marks, "a0")


def render_segments(segs: list[Segment]) -> Markup:
    """The article body as markup: every piece of text and every attribute value escaped on its own.

    Written in Python rather than in the template because the body is shown
    with `white-space: pre-wrap` (offsets and paragraphs kept exactly), so
    not one stray space may slip between pieces.
    """
    out: list[str] = []
    for seg in segs:
        for anchor in seg.anchors:
            out.append(f'<span class="anchor" id="{escape(anchor)}"></span>')
        if not seg.marked or not (seg.statements or seg.ev or seg.cue or seg.source):
            out.append(str(escape(seg.text)))
            continue
        classes = []
        if seg.kind:
            classes += ["st", f"k-{seg.kind}"]
        if seg.cue:
            classes.append("cue")
        if seg.source:
            classes.append("src")
        if seg.ev:
            classes.append("ev")
        attrs = f' class="{escape(" ".join(classes))}"'
        if seg.ev:
            attrs += f' data-ev="{escape(" ".join(seg.ev))}"'
        if seg.statements:
            attrs += f' data-st="{escape(" ".join(seg.statements))}"'
        if seg.title:
            attrs += f' title="{escape(seg.title)}"'
        out.append(f"<span{attrs}>{escape(seg.text)}</span>")
    return Markup("".join(out))


def _round_robin(evidence: list[Evidence], art_index: dict[str, int]) -> list[Evidence]:
    """Content evidence taking one article after another, so a short list quotes every outlet; in each article the
    longest first, so a claim's own words come before a fragment nested in its sentence ("media reports")."""
    per: dict[str, list[Evidence]] = {}
    for ev in evidence:
        if ev.article in art_index and ev.role == "content":
            per.setdefault(ev.article, []).append(ev)
    for lst in per.values():
        lst.sort(key=lambda e: -len(e.span.text))
    out: list[Evidence] = []
    while any(per.values()):
        for lst in per.values():
            if lst:
                out.append(lst.pop(0))
    return out


def _untitled(c: Comparison) -> str:
    """A heading for a story whose pages gave no title: its first article's opening words."""
    for a in c.articles:
        first = a.text.strip().split("\n", 1)[0]
        if first:
            return _short(first, 100)
    return f"Story {c.story}"


def _short(text: str, width: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


# -- rendering ---------------------------------------------------------------------------------

@cache
def environment() -> Environment:
    """One Jinja2 environment with autoescaping on for every template (the app shares it)."""
    env = Environment(
        loader=PackageLoader("counterpoint.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True, lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    env.filters["segments"] = render_segments
    env.filters["confidence_words"] = confidence_words
    return env


@cache
def static_text(name: str) -> str:
    """A file of report/static (CSS, JS), inlined into the report and served by the app."""
    return resources.files("counterpoint.report").joinpath("static", name).read_text("utf-8")


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def render_html(comparisons: list[Comparison]) -> str:
    """The whole report, one file: every story of the comparison, CSS and JS inline, nothing fetched."""
    css, js = static_text("report.css"), static_text("report.js")
    csp = (f"default-src 'none'; style-src {_csp_hash(css)}; script-src {_csp_hash(js)}; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    views = [story_view(c, f"s{k}") for k, c in enumerate(comparisons)]
    return environment().get_template("report.html.j2").render(
        stories=views, css=Markup(css), js=Markup(js), csp=csp, links=False,
    )

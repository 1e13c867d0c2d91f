"""The HTML report: one self-contained, escaped, navigable file built from a Comparison.

The comparisons here are made by hand over the real example texts (and a
hostile page), so these tests do not depend on the compare stage's output
changing; the web and browser tests import the same builders.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest

from counterpoint.model import (
    CanonicalSpeaker,
    Claim,
    ComparedArticle,
    ComparedStatement,
    Comparison,
    Evidence,
    Finding,
    Framing,
    Mention,
    Span,
    Speaker,
    Statement,
    Via,
)
from counterpoint.report.csv_export import write_csv
from counterpoint.report.html import render_html, safe_url, segments, story_view

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "arms-race-2018"


def find(text: str, phrase: str, after: int = 0) -> Span:
    """The span of `phrase` in `text`, any space in it matching a no-break space too."""
    pattern = r"[\s\u00a0]+".join(re.escape(w) for w in phrase.split())
    m = re.compile(pattern).search(text, after)
    assert m, phrase
    return Span.of(text, m.start(), m.end())


@cache
def example_texts() -> dict[str, tuple[str, str | None, str]]:
    """outlet -> (clean text, published, article id) of the bundled example, through the real extractor."""
    from counterpoint.extract import extract
    from counterpoint.ingest import read_sources

    out = {}
    for doc in read_sources([str(EXAMPLE)]):
        a = extract(doc)
        out[a.outlet or doc.source] = (a.text, a.published, a.id)
    return out


KEYS = {"sp:person-donald-trump": "person:donald trump", "sp:person-dmitry-peskov": "person:dmitry peskov",
        "sp:org-nbc-news": "org:nbc news", "sp:anon-white-house-official": "anon:white house official"}


def example_comparison() -> Comparison:
    """The arms-race story as the compare stage should see it: one disputed quote, denied by Peskov."""
    texts = example_texts()
    sp_text, sp_pub, sp = texts["Sputnik"]
    mt_text, mt_pub, mt = texts["Moscow Times"]
    articles = [
        ComparedArticle(sp, "Sputnik", sp_text, "Kremlin denies Trump 'arms race' remark", sp_pub,
                        "https://sputniknews.com/example", "en",
                        notes=["The page is dated 04 August 2020; the events are of March 2018."]),
        ComparedArticle(mt, "Moscow Times", mt_text, "Trump Warned Putin He Would Win Arms Race, Report Says", mt_pub,
                        "https://www.themoscowtimes.com/example", "en"),
    ]
    trump = CanonicalSpeaker("sp:person-donald-trump", "Donald Trump", "U.S. President", "person",
                             {"Sputnik": 1, "Moscow Times": 1})
    peskov = CanonicalSpeaker("sp:person-dmitry-peskov", "Dmitry Peskov", "Kremlin spokesman", "person",
                              {"Sputnik": 2, "Moscow Times": 1})
    nbc = CanonicalSpeaker("sp:org-nbc-news", "NBC News", None, "organisation", {"Sputnik": 1, "Moscow Times": 1})
    officials = CanonicalSpeaker("sp:anon-white-house-official", "two White House officials", None, "anonymous",
                                 {"Sputnik": 1})

    def stmt(sid: str, kind: str, text: str, content: str, cue: str, source: str, speaker: CanonicalSpeaker,
             via: tuple[str, ...] = (), hedged: bool = False, denial: bool = False, after: int = 0) -> Statement:
        c = find(text, content, after)
        try:  # the cue right after the quote ("..., Peskov said"), else the one before it
            cue_span = find(text, cue, c.end)
            assert cue_span.start - c.end < 60
        except AssertionError:
            cue_span = find(text, cue, max(0, c.start - 200))
        return Statement(sid, kind, [c], [cue_span],  # type: ignore[arg-type]
                         [find(text, source, max(0, c.start - 300))],
                         Speaker(speaker.name, speaker.role, speaker.kind, KEYS[speaker.id]),
                         via=[Via(v, "organisation") for v in via], hedged=hedged, denial=denial)

    s_quote = stmt("sputnik-s9", "direct", sp_text, '"If you want to have an arms race we can do that, but I\'ll win."',
                   "said", "Trump", trump, ("NBC News", "White House sources"), hedged=True)
    s_deny = stmt("sputnik-s5", "direct", sp_text, '"No, this phrase was not said during the conversation',
                  "said", "Peskov", peskov, denial=True)
    s_claiming = stmt("sputnik-s3", "mixed", sp_text,
                      'that Donald Trump told Russian President Vladimir Putin that Washington was going to prevail',
                      "claiming", "Kremlin spokesman Dmitry Peskov", peskov, denial=True)
    m_quote = stmt("mt-s8", "direct", mt_text, '"If you want to have an arms race we can do that, but I\'ll win,”',
                   "told", "Trump", trump, ("NBC", "two White House officials"), hedged=True)
    m_deny = stmt("mt-s19", "indirect", mt_text, "that Trump had said the arms race quote reported by NBC",
                  "denied", "Kremlin spokesperson Dmitry Peskov", peskov, denial=True)
    m_budget = stmt("mt-s13", "indirect", mt_text, "his recently-secured record $700 billion defense budget",
                    "touting", "Trump reportedly", trump)
    s_advisers = stmt("sputnik-s10", "mixed", sp_text,
                      'that Trump\'s national security advisers unsuccessfully tried to "motivate" Trump',
                      "reported", "NBC", nbc)
    statements = [ComparedStatement(sp, s, sid) for s, sid in
                  [(s_quote, trump.id), (s_deny, peskov.id), (s_claiming, peskov.id), (s_advisers, nbc.id)]]
    statements += [ComparedStatement(mt, s, sid) for s, sid in
                   [(m_quote, trump.id), (m_deny, peskov.id), (m_budget, trump.id)]]

    def ev(article: str, s: Statement) -> Evidence:
        return Evidence(article, s.content[0])

    quote = Claim("claim-1", "If you want to have an arms race we can do that, but I'll win", [
        Mention(sp, "Sputnik", "hedged", s_quote.content_text, [ev(sp, s_quote)], s_quote.id, trump.id,
                ["NBC News", "White House sources"], peskov.id),
        Mention(mt, "Moscow Times", "hedged", m_quote.content_text, [ev(mt, m_quote)], m_quote.id, trump.id,
                ["NBC", "two White House officials"], peskov.id),
    ], {"Sputnik": "hedged", "Moscow Times": "hedged"})
    denial = Claim("claim-2", "The Kremlin denies that Trump said it", [
        Mention(sp, "Sputnik", "asserted", s_deny.content_text, [ev(sp, s_deny)], s_deny.id, peskov.id),
        Mention(mt, "Moscow Times", "asserted", m_deny.content_text, [ev(mt, m_deny)], m_deny.id, peskov.id),
    ], {"Sputnik": "asserted", "Moscow Times": "asserted"})
    advisers = Claim("claim-3", "Trump's advisers tried to make him tougher on Putin", [
        Mention(sp, "Sputnik", "asserted", s_advisers.content_text, [ev(sp, s_advisers)], s_advisers.id, nbc.id,
                ["NBC News"]),
    ], {"Sputnik": "asserted", "Moscow Times": "absent"})
    budget = Claim("claim-4", "Trump touted a record $700 billion defense budget", [
        Mention(mt, "Moscow Times", "asserted", m_budget.content_text, [ev(mt, m_budget)], m_budget.id, trump.id),
    ], {"Sputnik": "absent", "Moscow Times": "asserted"})
    findings = [
        Finding("f-corr", "corroborated", "Both outlets carry the Kremlin's denial.", 0.9, [s_deny.id, m_deny.id],
                ["Sputnik", "Moscow Times"], [ev(sp, s_deny), ev(mt, m_deny)], ["claim-2"]),
        Finding("f-disp", "disputed",
                "Trump's \"I'll win\" arms-race remark, reported by NBC News from White House officials, "
                "is denied by Kremlin spokesman Dmitry Peskov.", 0.85,
                [s_quote.id, m_quote.id, s_deny.id, m_deny.id], ["Sputnik", "Moscow Times"],
                [ev(sp, s_quote), ev(mt, m_quote), ev(sp, s_deny), ev(mt, m_deny)], ["claim-1"]),
        Finding("f-omit", "omitted", "Only Sputnik reports the advisers' failed attempt to make Trump tougher.", 0.7,
                [s_advisers.id], ["Sputnik"], [ev(sp, s_advisers)], ["claim-3"], absent=["Moscow Times"]),
        Finding("f-single", "single_sourced", "The quote rests on anonymous White House officials cited by NBC.",
                0.6, [s_quote.id, m_quote.id], ["Sputnik", "Moscow Times"], [ev(sp, s_quote), ev(mt, m_quote)],
                ["claim-1"]),
    ]
    framing = [
        Framing("Sputnik", Evidence(sp, find(sp_text, "Russian President Vladimir Putin specifically underscored")),
                4, {peskov.id: 2, trump.id: 1, nbc.id: 1}, [Evidence(sp, s_claiming.cue[0])], [], 1, 2),
        Framing("Moscow Times", Evidence(mt, find(mt_text, "U.S. President Donald Trump has reportedly warned")),
                3, {trump.id: 2, peskov.id: 1}, [Evidence(mt, find(mt_text, "reportedly told"))],
                [Evidence(mt, m_budget.cue[0])], 1, 1),
    ]
    return Comparison("arms-race", articles, [trump, peskov, nbc, officials], statements,
                      [quote, denial, advisers, budget], findings, framing)


HOSTILE_TEXT = (
    'Officials said "<script>window.__pwned=1;alert(1)</script> is fine" on Monday.\n'
    "<img src=x onerror=\"window.__pwned=2\"> and <a href=\"javascript:window.__pwned=3\">click</a> "
    "were reported, a spokesman denied.\n"
    "</div></pre><svg onload=window.__pwned=4>"
)


def hostile_comparison() -> Comparison:
    """Every field that comes from a page carries markup that would run if it were not escaped."""
    t = HOSTILE_TEXT
    a1 = ComparedArticle("aaaa1111", '"><script>window.__pwned=5</script>', t,
                         "<img src=x onerror=window.__pwned=6>Title", "2024-01-01", "javascript:window.__pwned=7", "en",
                         notes=["<b onmouseover=window.__pwned=8>note</b>"])
    a2 = ComparedArticle("bbbb2222", "Outlet <i>B</i>", t, '</title><script>window.__pwned=9</script>', None,
                         "https://example.org/x?a=<script>", "en")
    spk = CanonicalSpeaker("sp-x", "<script>window.__pwned=10</script>", "<b>role</b>", "person", {a1.outlet: 1})
    content = find(t, '"<script>window.__pwned=1;alert(1)</script> is fine"')
    st = Statement("s1", "direct", [content], [find(t, "said")], [find(t, "Officials")],
                   Speaker(spk.name, spk.role, "person", spk.id))
    ev1, ev2 = Evidence(a1.id, content), Evidence(a2.id, content)
    claim = Claim("c1", "<script>window.__pwned=11</script>",
                  [Mention(a1.id, a1.outlet, "asserted", content.text, [ev1], "s1", "sp-x", ["<b>via</b>"]),
                   Mention(a2.id, a2.outlet, "denied", content.text, [ev2], None, "sp-x", [], "sp-x")],
                  {a1.outlet: "asserted", a2.outlet: "denied"})
    finding = Finding("f1", "disputed", "<img src=x onerror=window.__pwned=12> disputed", 0.5, ["s1"],
                      [a1.outlet, a2.outlet], [ev1, ev2], ["c1"])
    framing = [Framing(a1.outlet, ev1, 1, {"sp-x": 1}, [ev1], [ev2], 0, 1)]
    return Comparison("hostile", [a1, a2], [spk], [ComparedStatement(a1.id, st, "sp-x")], [claim], [finding],
                      framing, notes=["<script>window.__pwned=13</script>"])


class _Collector(HTMLParser):
    """Collects the tags and attributes a browser would build from the markup."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def parse(html: str) -> list[tuple[str, dict[str, str | None]]]:
    p = _Collector()
    p.feed(html)
    return p.tags


# -- tests ----------------------------------------------------------------------------------------

def test_segments_cover_the_text_exactly_and_nest() -> None:
    from counterpoint.report.html import _Mark

    text = "abcdefghij"
    segs = segments(text, [_Mark(1, 8, "st", "outer", "indirect"), _Mark(3, 5, "st", "inner", "direct"),
                           _Mark(4, 9, "ev", "f0"), _Mark(5, 99, "ev", "bad")], "a0")
    assert "".join(s.text for s in segs) == text
    by_text = {s.text: s for s in segs}
    assert by_text["d"].statements == ["outer", "inner"] and by_text["d"].kind == "direct"
    assert by_text["e"].ev == ["f0"] and by_text["e"].kind == "direct"
    assert "bad" not in {t for s in segs for t in s.ev}
    assert by_text["fgh"].kind == "indirect"


def test_report_is_one_self_contained_file(tmp_path: Path) -> None:
    c = example_comparison()
    html = render_html([c])
    assert len(html.encode("utf-8")) < 1_000_000
    tags = parse(html)
    # Nothing is fetched: no external scripts, styles, images, frames or fonts.
    for tag, attrs in tags:
        assert not (tag in {"script", "img", "iframe", "link", "source", "video", "audio"} and attrs.get("src"))
        assert tag != "link"
    assert not re.search(r"url\(|@import|https?://[^\"'<> ]+\.(js|css)", html)
    csp = next(a["content"] for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "sha256-" in csp
    # The CSP hashes match the inline blocks exactly (or the browser would block them).
    import base64
    import hashlib
    for block in re.findall(r"<(?:script|style)>(.*?)</(?:script|style)>", html, re.S):
        digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
        assert f"sha256-{digest}" in csp


def test_report_shows_disputed_first_with_evidence_in_both_columns() -> None:
    c = example_comparison()
    html = render_html([c])
    order = [m.group(1) for m in re.finditer(r'class="finding t-(\w+)"', html)]
    assert order[0] == "disputed" and order[-1] == "corroborated"
    view = story_view(c)
    token = view["findings"][0]["token"]
    cols = [a for a in view["articles"] if any(token in s.ev for s in a["segments"])]
    assert {a["outlet"] for a in cols} == {"Sputnik", "Moscow Times"}
    # The highlighted pieces are exactly the evidence text.
    for a, art in zip(view["articles"], c.articles, strict=True):
        assert "".join(s.text for s in a["segments"]) == art.text
    # The sourcing chain: outlet -> NBC -> officials -> Trump, and who denies it.
    chain = view["chains"][0]
    names = [[n["name"] for n in line["nodes"]] for line in chain["lines"]]
    assert names[1] == ["Moscow Times", "NBC", "two White House officials", "Donald Trump, U.S. President"]
    assert all(line["denied_by"] == "Dmitry Peskov" for line in chain["lines"])
    assert "Sourcing chains of disputed claims" in html and "denied by" in html
    # Claim matrix: symbols and words, never colour alone.
    assert re.search(r'class="cell s-absent"><span aria-hidden="true">—</span> absent', html)
    # Framing: an inline SVG bar chart.
    assert "<svg class=\"bars\"" in html and "<rect" in html


def test_every_untrusted_value_is_escaped() -> None:
    html = render_html([hostile_comparison()])
    tags = parse(html)
    # The only script element is the report's own; no tag carries an event handler or a javascript: URL.
    assert [t for t, _ in tags].count("script") == 1
    for tag, attrs in tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        assert not any((v or "").strip().lower().startswith("javascript:") for v in attrs.values()), (tag, attrs)
        assert tag not in {"img", "svg"} or attrs.get("class") == "bars"
    assert "&lt;script&gt;window.__pwned=1" in html
    assert 'href="javascript:' not in html


def test_safe_url_allows_only_http() -> None:
    assert safe_url("https://x.org/a") == "https://x.org/a"
    for bad in ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "vbscript:x", "", None, "//x"]:
        assert safe_url(bad) is None


def test_csv_export(tmp_path: Path) -> None:
    import csv

    paths = write_csv([example_comparison()], tmp_path / "out")
    names = sorted(p.name for p in paths)
    assert names == ["claims.csv", "findings.csv"]
    rows = list(csv.DictReader((tmp_path / "out" / "claims.csv").open(encoding="utf-8")))
    assert rows[0]["Sputnik"] == "hedged" and rows[2]["Moscow Times"] == "absent"
    frows = list(csv.DictReader((tmp_path / "out" / "findings.csv").open(encoding="utf-8")))
    assert frows[0]["type"] == "disputed" and "Peskov" in frows[0]["summary"]


def test_csv_neutralises_formulas(tmp_path: Path) -> None:
    import csv

    c = hostile_comparison()
    c.findings[0].summary = "=HYPERLINK(\"http://evil\")"
    c.articles[0].outlet = "@SUM(1+1)*cmd|' /C calc'!A0"  # outlet names come from pages too: the header
    write_csv([c], tmp_path)
    frows = list(csv.DictReader((tmp_path / "findings.csv").open(encoding="utf-8")))
    assert frows[0]["summary"].startswith("'=")
    for name in ("claims.csv", "findings.csv"):
        for row in csv.reader((tmp_path / name).open(encoding="utf-8")):
            assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row), (name, row)


@pytest.mark.parametrize("n", [0, 2])
def test_report_of_zero_or_many_stories(n: int) -> None:
    html = render_html([example_comparison()] * n)
    assert html.startswith("<!DOCTYPE html>")
    if n == 2:
        ids = re.findall(r' id="([^"]+)"', html)
        assert len(ids) == len(set(ids)), "element ids must stay unique across stories"


def test_confidence_is_explained_in_words() -> None:
    from counterpoint.model import confidence_words

    assert [confidence_words(p) for p in (0.95, 0.7, 0.5, 0.1)] == [
        "likely right", "probably right", "uncertain", "doubtful: check it"]
    html = render_html([example_comparison()])
    assert "the estimated probability that this finding is right" in html
    assert any(w in html for w in ("likely right", "probably right", "uncertain"))


def test_a_findings_quotes_take_each_outlets_longest_words_first():
    from counterpoint.model import Evidence, Span
    from counterpoint.report.html import _round_robin

    def ev(article: str, start: int, text: str) -> Evidence:
        return Evidence(article, Span(start, start + len(text), text), "content")

    fragment = ev("a", 10, "media reports")
    claim = ev("a", 90, "that Trump had said the arms race quote reported by NBC")
    denial = ev("b", 5, "No, this phrase was not said during the conversation")
    cue = Evidence("b", Span(0, 4, "said"), "cue")
    assert _round_robin([fragment, claim, denial, cue], {"a": 0, "b": 1}) == [claim, denial, fragment]


def test_report_and_csv_list_findings_in_the_comparisons_order(tmp_path: Path) -> None:
    """Omissions come ranked by how much they matter, not by confidence: the report and the CSV keep that order,
    as the terminal and the JSON do."""
    c = example_comparison()
    base = next(f for f in c.findings if f.evidence)
    ranked = [replace(base, id=f"omitted-{k}", type="omitted", summary=f"Only in Sputnik: claim {k}", confidence=conf,
                      absent=["Moscow Times"]) for k, conf in ((1, 0.2), (2, 0.9), (3, 0.5))]
    c = replace(c, findings=[f for f in c.findings if f.type != "omitted"] + ranked)
    listed = [f["id"] for f in story_view(c)["findings"] if f["type"] == "omitted"]
    assert listed == ["omitted-1", "omitted-2", "omitted-3"]
    write_csv([c], tmp_path)
    rows = (tmp_path / "findings.csv").read_text(encoding="utf-8")
    assert rows.index("claim 1") < rows.index("claim 2") < rows.index("claim 3")

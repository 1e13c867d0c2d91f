"""The example story end to end, as `counterpoint compare` sees it.

These tests state what a fact-checker should learn from the two articles —
the expectations of the issue — not how the code gets there: the Trump quote
is disputed, asserted via NBC News citing White House officials and denied by
Peskov, in both outlets; each outlet carries material the other leaves out;
their framing differs. Nothing in the code is keyed to this story.
"""

from __future__ import annotations

import json
import unicodedata

import pytest
from conftest import EXAMPLE, run_cli

from counterpoint.model import Comparison, Finding
from counterpoint.store import Store
from counterpoint.workflow import compare_stored, ingest_sources

MT, SPUTNIK = "Moscow Times", "Sputnik"


def norm(text: str) -> str:
    """Compare words, not typography: the Sputnik page uses no-break spaces and curly quotes."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.split())


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    with Store(tmp_path_factory.mktemp("cmp") / "c.db") as s:
        yield s


@pytest.fixture(scope="module")
def comparison(store) -> Comparison:
    report = ingest_sources(store, [str(EXAMPLE)])
    assert not report.errors
    comparisons = compare_stored(store, report.article_ids)
    assert len(comparisons) == 1, "the two articles are one story"
    return comparisons[0]


def evidence_text(c: Comparison, f: Finding, outlet: str) -> str:
    ids = {a.id for a in c.articles if a.outlet == outlet}
    return norm(" ".join(e.span.text for e in f.evidence if e.article in ids))


def only_in(c: Comparison, present: str, absent: str) -> list[Finding]:
    return [f for f in c.findings if f.type == "omitted" and f.outlets == [present] and absent in f.absent]


def test_one_story_two_outlets(comparison):
    assert sorted(comparison.outlets) == [MT, SPUTNIK]
    sputnik = next(a for a in comparison.articles if a.outlet == SPUTNIK)
    assert any("2020" in n for n in sputnik.notes), "the 2020 page stamp on a 2018 story is flagged"


def test_every_evidence_span_is_verbatim(comparison):
    texts = {a.id: a.text for a in comparison.articles}
    spans = [e for f in comparison.findings for e in f.evidence]
    spans += [e for c in comparison.claims for m in c.mentions for e in m.evidence]
    spans += [e for fr in comparison.framing for e in (*fr.hedged, *fr.loaded, *([fr.lead] if fr.lead else []))]
    assert spans
    for e in spans:
        assert texts[e.article][e.span.start : e.span.end] == e.span.text


def test_trump_quote_is_disputed_on_nbc_authority_and_denied_by_peskov(comparison):
    quote = "If you want to have an arms race we can do that, but I'll win"
    disputed = [f for f in comparison.findings if f.type == "disputed" and quote in evidence_text(comparison, f, MT)]
    assert len(disputed) == 1
    f = disputed[0]
    assert comparison.findings[0] is f, "disputed findings come first"
    assert set(f.outlets) == {MT, SPUTNIK}
    for outlet in (MT, SPUTNIK):
        text = evidence_text(comparison, f, outlet)
        assert quote in text, f"the quote is evidence in {outlet}"
        assert "Peskov" in text and "denied" in text, f"Peskov's denial is evidence in {outlet}"
    assert "NBC" in f.summary and "White House officials" in f.summary, "asserted on whose authority"
    assert "denied by Dmitry Peskov" in f.summary
    claim = next(c for c in comparison.claims if c.id in f.claims and any(quote in norm(m.text) for m in c.mentions))
    assert claim.outlets == {MT: "denied", SPUTNIK: "denied"}, "both outlets report it with its denial"


def test_what_only_sputnik_reports(comparison):
    found = " | ".join(evidence_text(comparison, f, SPUTNIK) for f in only_in(comparison, SPUTNIK, MT))
    assert "no one is going to launch some kind of an arms race" in found, "Putin's pledge"
    assert "He digs in his heels" in found, "the one official's remark"
    assert "meeting with the presidential candidates" in found or "conceding presidential candidates" in found


def test_what_only_the_moscow_times_reports(comparison):
    found = " | ".join(evidence_text(comparison, f, MT) for f in only_in(comparison, MT, SPUTNIK))
    assert "$700 billion defense budget" in found
    assert "arm Ukraine" in found
    assert 'Antonov characterized the phone call between the two presidents as "warm' in found
    assert "really got under the president's skin" in found


def test_shared_claims_are_not_reported_as_omitted(comparison):
    for f in comparison.findings:
        if f.type == "omitted":
            text = " ".join(evidence_text(comparison, f, o) for o in f.outlets)
            assert "I'll win" not in text
            assert "Peskov denied" not in text and "Peskov has denied" not in text


@pytest.mark.xfail(strict=True, reason="a paraphrase the claim-pair model does not see: 'he would win a possible "
                   "nuclear arms race' / 'Washington was going to prevail in an arms race' score P(same) about 0.2, "
                   "below the cross-validated 0.30 at which an outlet carries a claim (v0.1.0 merged them by "
                   "grouping on raw similarity, which cost precision elsewhere)")
def test_a_paraphrased_claim_is_not_reported_as_omitted(comparison):
    for f in comparison.findings:
        if f.type == "omitted":
            text = " ".join(evidence_text(comparison, f, o) for o in f.outlets)
            assert "would win a possible nuclear arms race" not in text, "Sputnik reports it too (and its denial)"


def test_framing_differences_are_stated(comparison):
    framing = [f for f in comparison.findings if f.type == "framing"]
    leads = [f for f in framing if f.summary.startswith("Different leads")]
    assert leads and MT in leads[0].summary and SPUTNIK in leads[0].summary
    wording = [f for f in framing if "claiming" in f.summary and "reportedly" in f.summary]
    assert wording, "Sputnik's 'claiming' against The Moscow Times' 'reportedly'"
    by_outlet = {fr.outlet: fr for fr in comparison.framing}
    assert any(e.span.text == "claiming" for e in by_outlet[SPUTNIK].hedged)
    assert any(e.span.text == "reportedly" for e in by_outlet[MT].hedged)


def test_speakers_are_merged_across_outlets(comparison):
    peskov = [s for s in comparison.speakers if "Peskov" in s.name]
    assert len(peskov) == 1 and set(peskov[0].outlets) == {MT, SPUTNIK}


def test_findings_are_stored(store, comparison):
    assert store.count("findings") == len(comparison.findings)
    again = store.comparison(comparison.story)
    assert again is not None and again.to_dict() == comparison.to_dict()
    rows = store.story_rows(finding_type="disputed")
    assert [r["story"] for r in rows] == [comparison.story]
    assert store.story_rows(query="no such words anywhere") == []


def test_comparing_again_replaces_not_duplicates(store, comparison):
    again = compare_stored(store)
    assert [c.story for c in again] == [comparison.story]
    assert store.count("stories") == 1 and store.count("findings") == len(again[0].findings)


def test_cli_json_follows_the_published_schema(tmp_path):
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the test extra")
    from counterpoint.report.json_report import json_schema

    out = tmp_path / "c.json"
    r = run_cli("compare", str(EXAMPLE), "--db", str(tmp_path / "c.db"), "--json", str(out), "--no-color")
    assert r.returncode == 0, r.stderr.decode()
    assert "Disputed" in r.stdout.decode()
    document = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(document, json_schema())
    assert document["schema_version"] == 1 and len(document["stories"]) == 1
    assert max(len(line) for line in r.stdout.decode().splitlines()) <= 80, "fits an 80-column terminal"


# -- awkward input -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def analysed(store, comparison):
    return sorted(store.articles(), key=lambda a: a.outlet)


def test_one_article_alone(analysed):
    from counterpoint.compare import compare_story

    c = compare_story(analysed[:1])
    assert any("Only one outlet" in n for n in c.notes)
    assert not [f for f in c.findings if f.type in {"omitted", "corroborated"}]
    assert c.claims and c.statements, "its own claims and statements are still listed"


def test_articles_without_statements_or_analysis(analysed):
    import dataclasses

    from counterpoint.compare import compare_story
    from counterpoint.model import Analysis

    german = dataclasses.replace(analysed[0], id="d" * 64, outlet="Der Standard", analysis=None, text="Der Kreml...")
    empty = dataclasses.replace(analysed[1], id="e" * 64, outlet="Quiet News", analysis=Analysis())
    c = compare_story([*analysed, german, empty])
    assert any("no analysis" in n for n in c.notes)
    assert {"Der Standard", "Quiet News"} <= set(c.outlets)
    assert all(cl.outlets["Quiet News"] == "absent" for cl in c.claims)


def test_a_story_of_500_articles_with_wire_copies(analysed):
    import dataclasses
    import time

    from counterpoint.compare import compare_story

    many = [dataclasses.replace(a, id=f"{n:05d}" + a.id[5:], outlet=f"Outlet {n % 40}")
            for n in range(500) for a in [analysed[n % 2]]]
    copies = {a.id: many[n % 2].id for n, a in enumerate(many) if n >= 2}
    start = time.perf_counter()
    c = compare_story(many, duplicates=copies)
    assert time.perf_counter() - start < 60
    assert len(c.articles) == 500 and any("copy another article" in n for n in c.notes)
    disputed = [f for f in c.findings if f.type == "disputed"]
    assert disputed and set(disputed[0].outlets) == {"Outlet 0", "Outlet 1"}, "the two originals"
    carried = max(sum(v != "absent" for v in cl.outlets.values()) for cl in c.claims if cl.id in disputed[0].claims)
    assert carried == 40, "copies carry their original's claims"
    corroborated = [f for f in c.findings if f.type == "corroborated"]
    assert all(len({e.article for e in f.evidence}) <= 2 for f in corroborated), "copies are not independent"


def test_cli_mixed_languages_duplicates_and_an_outlets_file(tmp_path, example_dir):
    (tmp_path / "in").mkdir()
    for name in ("a.txt", "b.txt"):  # the same file twice
        (tmp_path / "in" / name).write_text((example_dir / "sputnik.txt").read_text(encoding="utf-8"),
                                           encoding="utf-8")
    (tmp_path / "in" / "mt.txt").write_text((example_dir / "moscow-times.txt").read_text(encoding="utf-8"),
                                            encoding="utf-8")
    (tmp_path / "in" / "de.txt").write_text(
        "Der Kreml hat Berichte dementiert, wonach Trump zu Putin gesagt habe, er werde ein Wettrüsten gewinnen. "
        "Kremlsprecher Dmitri Peskow sagte, diese Aussage sei in dem Gespräch nicht gefallen.\n", encoding="utf-8")
    outlets = tmp_path / "outlets.csv"
    outlets.write_text("outlet,country,ownership,notes\nA,Russia,state,re-stamped pages\nMt,Russia,private,\n",
                       encoding="utf-8")
    out = tmp_path / "c.json"
    r = run_cli("compare", str(tmp_path / "in"), "--db", str(tmp_path / "c.db"), "--outlets", str(outlets),
                "--json", str(out))
    err = r.stderr.decode()
    assert r.returncode == 0, err
    assert "de.txt: unsupported language 'de'" in err and "Traceback" not in err
    stories = json.loads(out.read_text(encoding="utf-8"))["stories"]
    main = max(stories, key=lambda s: len(s["articles"]))
    assert len(main["articles"]) == 2, "the same bytes twice are one article"
    assert any("Russia, state-owned" in f["summary"] for f in main["findings"]), "outlets file enriches findings"
    bad = tmp_path / "bad.csv"
    bad.write_text("name,country\nA,Russia\n", encoding="utf-8")
    r = run_cli("compare", str(tmp_path / "in"), "--db", str(tmp_path / "c.db"), "--outlets", str(bad))
    assert r.returncode == 2 and r.stderr.decode().count("\n") == 1 and "outlet" in r.stderr.decode()


def test_the_example_html_report_is_one_small_file(comparison):
    from counterpoint.report.html import render_html

    html = render_html([comparison])
    assert len(html.encode("utf-8")) < 1_000_000
    assert "<script src=" not in html and "<link " not in html, "self-contained: nothing to fetch"
    assert "Content-Security-Policy" in html


def _two_outlets(one: str, two: str) -> list:
    """Two analysed articles, "Wire One" and "Daily Two": the smallest story with something to compare."""
    from counterpoint.analyse import analyse
    from counterpoint.model import Article

    return [analyse(Article(id="a" * 64, text=one, outlet="Wire One", lang="en")),
            analyse(Article(id="b" * 64, text=two, outlet="Daily Two", lang="en"))]


def _found(one: str, two: str, kind: str) -> list:
    from counterpoint.compare import compare_story

    return [f for f in compare_story(_two_outlets(one, two)).findings if f.type == kind]


def test_contradicted_details_point_at_the_differing_values():
    from counterpoint.compare import compare_story

    one = ("A magnitude 6.1 earthquake struck the Indonesian province of Aceh on Tuesday, destroying hundreds of "
           "homes. At least 12 people were killed in the town of Takengon, the national disaster agency said. "
           "Rescue teams searched collapsed buildings through the night.")
    two = ("A magnitude 6.4 earthquake hit Indonesia's Aceh province on Tuesday, flattening hundreds of houses. "
           "At least 15 people died in the town of Takengon, the national disaster agency said. "
           "The president promised aid to the families of the victims.")
    c = compare_story(_two_outlets(one, two))
    contradicted = [f for f in c.findings if f.type == "contradicted"]
    values = sorted(tuple(sorted(e.span.text for e in f.evidence if e.span.text[0].isdigit())) for f in contradicted)
    assert values == [("12", "15"), ("6.1", "6.4")]
    assert not [f for f in contradicted if "Tuesday" in f.summary.split(" — ")[0]], "the same day is no conflict"
    corroborated = [" ".join(e.span.text for e in f.evidence) for f in c.findings if f.type == "corroborated"]
    assert not [t for t in corroborated if "12" in t or "6.1" in t], "two values of one slot corroborate nothing"
    only = {f.outlets[0]: f.summary for f in c.findings if f.type == "omitted"}
    assert "Rescue teams" in only["Wire One"] and "promised aid" in only["Daily Two"]


def test_two_places_are_no_contradiction():
    """ "In Lyon" against "in Marseille" is not called a contradiction: one place so often holds the other
    ("Berlin" / "Germany", "Carlisle" / "Cumbria") that without a gazetteer a place conflict is a guess."""
    fire = "A fire destroyed a historic theatre in {} on Sunday night, officials said, and no one was hurt."
    assert _found(fire.format("Lyon"), fire.format("Marseille"), "contradicted") == []
    assert _found(fire.format("Berlin"), fire.format("Germany"), "contradicted") == []


def test_records_of_one_json_lines_file_are_not_one_outlet():
    """A JSON-lines file is a collection: without an outlet or a URL, each record stands for itself."""
    from counterpoint.analyse import analyse
    from counterpoint.compare import compare_story
    from counterpoint.model import Article

    text = "The city council voted on Monday to close the bridge for repairs, the mayor said."
    arts = [analyse(Article(id=c * 64, text=text, lang="en", source=f"/data/feed.jsonl#{src}"))
            for c, src in (("a", "wire-17"), ("b", "daily-4"))]
    arts.append(analyse(Article(id="c" * 64, text=text, lang="en", source="stdin:3")))
    arts.append(analyse(Article(id="d" * 64, text=text, lang="en", source="/data/sputnik.txt")))
    assert compare_story(arts).outlets == ["wire-17", "daily-4", "stdin:3", "sputnik"]


def test_a_denial_nested_in_a_statement_does_not_dispute_that_statement():
    """'X said: "We deny that ..."' is one party speaking; nobody asserts what it denies."""
    one = ('Ohio State spokesman James Zeszutek said: "We deny that we engaged in any improper conduct under '
           'NCAA bylaws." The university will appeal the ruling, he added.')
    two = ('The university denied that it had engaged in any improper conduct under NCAA bylaws, '
           'spokesman James Zeszutek said. Ohio State plans to appeal.')
    assert [f.summary for f in _found(one, two, "disputed")] == []


def test_one_value_spelled_two_ways_is_no_contradiction_and_headings_are_not_claims():
    from counterpoint.compare import compare_story
    from counterpoint.compare.units import article_units

    one = ("Police said the driver had a blood alcohol level of 0.41% when he hit the car on Friday night.\n\n"
           "Both scientific and religious\n\nThe driver was charged with manslaughter on Saturday.")
    two = ("Police said the driver had a blood alcohol level of 0.41 percent when he hit the car on Friday night. "
           "He was charged with manslaughter.")
    arts = _two_outlets(one, two)
    assert [f.summary for f in compare_story(arts).findings if f.type == "contradicted"] == []
    haul = "Police said they had recovered {} of the stolen jewels, worth $40m, in a raid on the 22 November."
    other = haul.format("80%").replace("22 November", "November 22")
    assert [f.summary for f in _found(haul.format("80 percent"), other, "contradicted")] == []
    texts = [u.text for u in article_units(arts[0], "Wire One")]
    assert "Both scientific and religious" not in texts and any("manslaughter" in t for t in texts)


def test_one_person_named_two_ways_does_not_dispute_himself():
    one = "Fred LaRue denied that he was Deep Throat, the secret source behind the Watergate stories."
    two = ("If there ever was a Deep Throat, LaRue believes that he was the secret source behind the Watergate "
           "stories, as a friend.")
    assert [f.summary for f in _found(one, two, "disputed")] == []



def test_a_denial_that_states_the_charges_it_denies_is_a_dispute_of_its_own():
    """'X denied charges of ...' says what is denied even when no outlet reports the charges themselves; a
    denial that names nothing ('denied any wrongdoing', 'denied the reports') disputes nothing."""
    one = ("Club captain Mark Ellison denied allegations that he had struck a referee after Saturday's match. "
           "The league will review the incident next week.")
    two = "The league will review Saturday's incident next week, a spokeswoman said. The club made no comment."
    found = _found(one, two, "disputed")
    assert [("struck a referee" in f.summary, "Mark Ellison" in f.summary) for f in found] == [(True, True)]
    assert all(e.span.text in one for f in found for e in f.evidence)
    for vague in ("Club captain Mark Ellison denied any wrongdoing after Saturday's match.",
                  "Club captain Mark Ellison denied the reports after Saturday's match."):
        assert _found(vague + " The league will review the incident next week.", two, "disputed") == []


def test_a_sentence_is_listed_once_among_what_outlets_left_out(shared_data, tmp_path):
    """A statement and the sentence around it can be grouped apart; the sentence is still one omission."""
    story = shared_data / "findings" / "dev" / "ecb-34_ecbplus"
    with Store(tmp_path / "s.db") as store:
        report = ingest_sources(store, [str(p) for p in sorted(story.glob("a*.txt"))])
        omitted = [f for c in compare_stored(store, report.article_ids) for f in c.findings if f.type == "omitted"]
    shown = [(tuple(f.outlets), f.summary.split("): ", 1)[1]) for f in omitted]
    assert len(omitted) > 20 and len(set(shown)) == len(shown)


def test_a_sentence_telling_of_a_denial_does_not_assert_what_is_denied():
    import numpy as np

    from counterpoint.compare.align import Alignment
    from counterpoint.compare.findings import Context, _asserting
    from counterpoint.compare.units import Unit

    def asserts(text: str) -> bool:
        unit = Unit("a" * 64, "Wire One", 0, text, text, [])
        ctx = Context([unit], Alignment([[0]], np.zeros((1, 1))), ["Wire One"], {}, {}, {}, {}, {}, {})
        return _asserting(ctx, [0], set(), [])

    assert asserts("Israeli authorities opened dams near the border, flooding the Gaza Valley.")
    assert not asserts("Israel has denied the claim as “entirely false.”")  # the claim it disputes lies elsewhere


def _outlets(*texts: str) -> list:
    from counterpoint.analyse import analyse
    from counterpoint.model import Article

    names = ("Wire One", "Daily Two", "Checker Three")
    return [analyse(Article(id=c * 64, text=t, outlet=n, lang="en"))
            for c, t, n in zip("abc", texts, names, strict=True)]


RUMOUR = ("Pop singer Lena Marsh died in a car crash in Los Angeles on Sunday night, her publicist said. "
          "She was 34. Her last album topped the charts in the spring.",
          "Singer Lena Marsh has died in a car crash in Los Angeles, according to reports on Sunday. "
          "Fans left flowers outside her home in Malibu.",
          "Reports that singer Lena Marsh died in a car crash in Los Angeles are a hoax. "
          "The story is fake: Marsh is alive and performed in Denver on Monday night. "
          "It began on a satirical website that publishes made-up celebrity deaths.")


def test_an_outlet_that_calls_the_story_false_disputes_it():
    """A rumour is most often disputed in an outlet's own voice, with no denial statement to read."""
    from counterpoint.compare import compare_story

    one, two, three = RUMOUR
    c = compare_story(_outlets(one, two, three))
    disputed = [f for f in c.findings if f.type == "disputed"]
    assert len(disputed) == 1, [f.summary for f in disputed]
    f = disputed[0]
    assert "called false by Checker Three itself" in f.summary
    shown = {a: " ".join(e.span.text for e in f.evidence if e.article == a) for a in ("a" * 64, "b" * 64, "c" * 64)}
    assert "car crash" in shown["a" * 64] and "car crash" in shown["b" * 64], "the claim, where it is reported"
    assert "hoax" in shown["c" * 64], "and the verdict"
    assert not [g for g in c.findings if g.type == "corroborated" and "car crash" in g.summary], "not corroborated"

    # a charge of false statements, or fake passports, is no verdict on a report
    fraud = ("The businessman was arrested in Miami on Monday on charges of wire fraud, police said. "
             "He was also charged with making false statements to federal investigators in March. "
             "Officers found two fake passports and a large amount of cash in his car at the airport.")
    arrest = ("A businessman was arrested in Miami on Monday on wire fraud charges, police said. "
              "He is due in court on Friday.")
    assert [f for f in compare_story(_outlets(arrest, arrest.replace("Friday", "Thursday"), fraud)).findings
            if f.type == "disputed"] == []
    # one "false" in passing is no verdict on the story
    passing = ("Singer Lena Marsh died in a car crash in Los Angeles on Sunday, police said. "
               "A false rumour of a second victim spread online overnight.")
    assert [f for f in compare_story(_outlets(one, two, passing)).findings if f.type == "disputed"] == []


def test_an_outlet_that_calls_the_story_false_is_named_beside_a_denial():
    """A denial by the police and an outlet's own verdict are two deniers a reader wants named: the verdict is
    not dropped because a denial already disputes the claim."""
    from counterpoint.compare import compare_story

    one, two, three = RUMOUR
    found = [f.summary for f in compare_story(_outlets(one, two + " Police denied that Marsh had died in a crash.",
                                                       three)).findings if f.type == "disputed"]
    assert any("denied by Police" in s for s in found), found
    assert any("called false by Checker Three itself" in s for s in found), found


def test_the_terminal_shows_a_debunk_in_the_outlets_own_words(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in zip(("wire-one", "daily-two", "checker-three"), RUMOUR, strict=True):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    r = run_cli("compare", str(folder), "--db", str(tmp_path / "c.db"), "--no-color")
    out = " ".join(r.stdout.decode("utf-8").split())
    assert r.returncode == 0, r.stderr
    assert "called false by Checker Three itself" in out
    assert "Checker Three says: “Reports that singer Lena Marsh died in a car crash in Los Angeles are a hoax.”" in out


def test_a_misprinted_hotline_number_is_a_contradiction_and_two_lines_are_not():
    from counterpoint.compare import compare_story

    one = ("A warehouse fire closed the ring road in Leeds on Sunday, and no one was hurt. "
           "Anyone with information is asked to call West Yorkshire Police on 0113 496 0123.")
    two = ("A fire at a warehouse closed the Leeds ring road on Sunday; nobody was injured. "
           "Anyone with information is asked to call West Yorkshire Police on 0113 496 0132.")
    found = [f for f in compare_story(_two_outlets(one, two)).findings if f.type == "contradicted"]
    assert len(found) == 1 and found[0].summary.startswith("Contradicted telephone number: ")
    assert "Wire One says 0113 496 0123" in found[0].summary and "Daily Two says 0113 496 0132" in found[0].summary
    assert {e.span.text for e in found[0].evidence} >= {"0113 496 0123", "0113 496 0132"}

    lines = two.replace("call West Yorkshire Police on 0113 496 0132", "call Crimestoppers on 0800 555 111")
    assert [f for f in compare_story(_two_outlets(one, lines)).findings if f.type == "contradicted"] == []


def test_omissions_keep_their_ranking_and_the_other_findings_are_numbered_by_reach():
    """The comparison lists omissions by how much they matter (salience before a sure absence of colour), not by
    confidence; other findings, most widely carried first."""
    from counterpoint.compare import _number
    from counterpoint.model import Evidence, Finding, Span

    ev = [Evidence("a" * 64, Span(0, 4, "Text"), "content")]
    omitted = [Finding("", "omitted", f"claim {k}", conf, [], ["A"], ev, absent=["B"])
               for k, conf in ((1, 0.2), (2, 0.9), (3, 0.5))]
    wide = Finding("", "corroborated", "wide", 0.5, [], ["A", "B", "C"], ev)
    narrow = Finding("", "corroborated", "narrow", 0.9, [], ["A", "B"], ev)
    numbered = _number([narrow, *omitted, wide], [])
    assert [f.summary for f in numbered] == ["wide", "narrow", "claim 1", "claim 2", "claim 3"]
    assert [f.id for f in numbered] == ["corroborated-1", "corroborated-2", "omitted-1", "omitted-2", "omitted-3"]


def test_centrality_reads_only_the_other_articles():
    """A claim other outlets retell is central to the story; its own article's restatements say nothing of that."""
    import numpy as np

    from counterpoint.compare.salience import centrality

    likeness = np.array([[1.0, 0.99, 0.9, 0.8],
                         [0.99, 1.0, 0.1, 0.2],
                         [0.9, 0.1, 1.0, 0.95],
                         [0.8, 0.2, 0.95, 1.0]])
    assert np.allclose(centrality(likeness, ["a", "a", "b", "b"]), [0.85, 0.15, 0.5, 0.5])
    assert np.allclose(centrality(likeness, ["a", "a", "b", "b"], k=1), [0.9, 0.2, 0.9, 0.8])
    assert np.allclose(centrality(likeness, ["a"] * 4), 0.0)  # one article: nothing to retell it


def test_the_shipped_salience_model_ranks_a_retold_claim_above_one_nobody_retells():
    import numpy as np

    from counterpoint.compare.salience import FEATURES, salience_model

    model = salience_model()
    x = np.tile(np.asarray(model.mean, dtype=np.float64), (2, 1))
    x[:, FEATURES.index("central")] = [0.2, 0.7]
    low, high = model.predict(x)
    assert high > low + 0.1


def test_salience_reads_what_a_claim_is_about():
    """The shipped salience model ranks a death toll above a singer's mood by the sentences' embeddings alone
    (every hand-made feature held at its mean); without embeddings (no pair model) they count as the mean."""
    import numpy as np

    from counterpoint.compare.salience import HANDMADE, salience_model
    from counterpoint.models.embeddings import sentence_encoder

    model = salience_model()
    meaning = np.asarray(sentence_encoder().encode([
        "The earthquake killed at least 40 people and destroyed hundreds of homes, officials said.",
        "She said she felt wonderful and could not stop smiling all evening."]), dtype=np.float64)
    x = np.tile(np.asarray(model.mean, dtype=np.float64), (2, 1))
    x[:, len(HANDMADE):] = meaning
    toll, mood = model.predict(x)
    assert toll > mood + 0.03
    from counterpoint.compare.salience import salience
    from counterpoint.compare.units import Unit

    unit, likeness = Unit("a", "A", 0, "The quake killed 40 people.", "x", []), np.zeros((1, 1))
    without = salience([unit], {}, {"a": 100}, likeness, None, model)
    at_mean = salience([unit], {}, {"a": 100}, likeness, np.asarray(model.mean)[None, len(HANDMADE):], model)
    assert np.allclose(without, at_mean)


def test_two_named_events_are_two_facts_not_a_contradiction():
    """A date or figure belongs to the event it is told of: Hugo's year is not a wrong year for Andrew."""
    base = "The harbour authority said on Tuesday that the pier would stay closed for repairs until the spring. "
    told = "The old pier, wrecked by Hurricane {} in {}, was rebuilt with state money."
    assert _found(base + told.format("Hugo", 1989), base + told.format("Andrew", 1992), "contradicted") == []
    same = _found(base + told.format("Hugo", 1989), base + told.format("Hugo", 1992), "contradicted")
    assert len(same) == 1 and "1989" in same[0].summary and "1992" in same[0].summary


def test_a_claim_a_source_stresses_rests_on_that_source():
    """"stressed", "emphasised", "pointed out" vouch for a claim as "said" does."""
    one = ("Dock workers voted on Monday to authorise a strike at the port of Leith. Union president Maria Lopez "
           "stressed that a strike vote does not mean the port will close, and that talks would go on next week.")
    two = "Dock workers voted on Monday to authorise a strike at the port of Leith, the union said."
    found = [f.summary for f in _found(one, two, "single_sourced") if "Maria Lopez" in f.summary]
    assert len(found) == 1 and "a strike vote does not mean the port will close" in found[0]


def test_a_post_and_a_source_adding_a_detail_are_what_a_claim_rests_on():
    """An embedded post rests on its author ("— Name (@handle) date" is the cue), and "adding" vouches as
    "added" does. 5-fold story CV on our 149 keyed stories: single-sourced F1 0.523 -> 0.532."""
    one = ("Residents packed the hall on Pier Street on Monday evening to hear the council's flood plan. "
           "The seawall at the north end of the harbour cracked again this morning and the water reached the "
           "ferry office — Dana Whitfield (@danawhit) March 3, 2025\n\nThe council will meet again next week.")
    two = "Residents packed the hall on Pier Street on Monday evening to hear the council's flood plan."
    found = [f.summary for f in _found(one, two, "single_sourced")]
    assert any("Dana Whitfield" in f and "seawall" in f for f in found), found
    one = ("Dock workers voted on Monday to authorise a strike at the port of Leith, with union president Maria "
           "Lopez adding that the container terminal would be the first to stop work next month.")
    found = [f.summary for f in _found(one, two, "single_sourced")]
    assert any("Maria Lopez" in f and "container terminal" in f for f in found), found


def test_an_unnamed_group_of_people_is_a_source_even_when_not_listed_as_a_speaker():
    """"Two people with knowledge of the purchase" is what a claim rests on, whatever the speaker model says of
    listing them. 5-fold story CV on our 149 keyed stories: single-sourced F1 0.532 -> 0.534, found 840 -> 853."""
    one = ("The search company bought the ranch outside Salinas last spring. The price was about $120 million, two "
           "people with knowledge of the purchase said, far above what the county had valued the land at.")
    two = "The search company bought the ranch outside Salinas last spring, the county records show."
    found = [f.summary for f in _found(one, two, "single_sourced")]
    assert any("two people with knowledge of the purchase" in f and "(an anonymous source)" in f for f in found), found
    from counterpoint.compare.speakers import names_people
    from counterpoint.model import Speaker

    assert not names_people(Speaker("hoax report", kind="anonymous"))
    assert not names_people(Speaker("several factors", kind="anonymous"))


def test_a_finding_that_repeats_an_earlier_ones_evidence_in_every_article_is_dropped():
    """A statement and the sentence around it, grouped apart, would be one claim reported twice."""
    from counterpoint.compare.findings import _new_evidence
    from counterpoint.model import Evidence, Span

    def finding(confidence: float, *spans: tuple[str, int, int]) -> Finding:
        return Finding("", "corroborated", "x", confidence, [], ["A", "B"],
                       [Evidence(a, Span(x, y, "t" * (y - x))) for a, x, y in spans])

    sentence = finding(0.9, ("a", 0, 80), ("b", 10, 90))
    statement = finding(0.7, ("a", 20, 60), ("b", 30, 70))
    elsewhere = finding(0.6, ("a", 20, 60), ("b", 200, 260))  # the same in one article only: another claim
    assert _new_evidence([statement, elsewhere, sentence]) == [sentence, elsewhere]
    # two claims of one speaker share the speaker's source span: what is claimed decides, not who claims it
    one = ("Income taxes will rise by two points next year, the finance minister said on Tuesday, adding that state "
           "pensions would be cut by a tenth for those who retire early.")
    two = "The harbour authority said on Tuesday that the pier would stay closed for repairs until the spring."
    found = [f.summary for f in _found(one, two, "single_sourced") if "finance minister" in f.summary]
    assert any("Income taxes" in f for f in found) and any("pensions" in f for f in found), found


def test_an_outlets_verdicts_are_all_shown_up_to_a_passage():
    """A debunk's evidence holds every verdict sentence of the outlet up to five, not only the first three: the
    one a reader (or an answer key) takes as the verdict is often not the first."""
    from counterpoint.compare import compare_story

    three = (RUMOUR[2].rsplit(" It began", 1)[0] + " Her manager posted a photo of her at breakfast on Tuesday. "
             "The website's other stories are fake too. That claim is false.")
    disputed = [f for f in compare_story(_outlets(RUMOUR[0], RUMOUR[1], three)).findings if f.type == "disputed"]
    assert len(disputed) == 1 and "Checker Three itself" in disputed[0].summary, [f.summary for f in disputed]
    shown = [e.span.text for e in disputed[0].evidence if e.article == "c" * 64]
    assert "That claim is false." in shown and not any("breakfast" in t for t in shown), shown


def test_a_denial_that_points_back_disputes_the_claim_told_just_before_it():
    """'X denied the accusations' names no claim: it answers the one told just before it, as a reader takes it."""
    one = ("Some speculated that Mark Felt was the secret source who guided the two Washington Post reporters. "
           "Felt steadfastly denied the accusations for more than thirty years.")
    two = ("Mark Felt was the secret source who guided the two Washington Post reporters, the newspaper said. "
           "Felt died on Thursday at his home in California.")
    found = _found(one, two, "disputed")
    assert len(found) == 1 and "Mark Felt" in found[0].summary, [f.summary for f in found]
    shown = " ".join(e.span.text for e in found[0].evidence)
    assert "guided the two Washington Post reporters" in shown and "denied the accusations" in shown
    # the claim before it must be one some outlet asserts: a denial of nothing reported disputes nothing
    alone = ("Felt died on Thursday at his home in California. The funeral will be private. "
             "Felt steadfastly denied the accusations for more than thirty years.")
    assert _found(alone, two.split(". ", 1)[1], "disputed") == []


def test_what_a_claim_rests_on_is_said_plainly():
    """A printed report is where the words are, not an anonymous source; a refusal or a denial of having said
    something vouches for nothing ("declined to comment on Tuesday" rests nothing on anyone)."""
    one = ("According to a report in the Los Angeles Times, the Angels have made an eight-year offer to the "
           "free-agent first baseman. The team's general manager declined to comment on Tuesday.")
    two = "The Angels open their season in April against Seattle. Tickets go on sale next week at the stadium."
    found = [f.summary for f in _found(one, two, "single_sourced")]
    assert len(found) == 1 and found[0].startswith("Rests on report in the Los Angeles Times alone, as"), found
    officials = ("Officials familiar with the talks said the Angels have made an eight-year offer to the "
                 "free-agent first baseman. The team's general manager never said that a deal was close.")
    found = [f.summary for f in _found(officials, two, "single_sourced")]
    assert len(found) == 1 and "(an anonymous source)" in found[0], found


def test_a_chain_of_sources_names_its_anonymous_link():
    """"Rests on NBC → two White House officials → Trump (an anonymous source)" read as if Trump were unnamed: in a
    chain, the summary says which link is. A medium that cites unnamed sources once rests the rest of its account
    in that article on them ("NBC News said ..." later on)."""
    one = ("NBC News, citing two White House officials, reported that Trump told Putin he would win any arms race. "
           "The Kremlin has not commented on the call.")
    two = "The Kremlin has not commented on the call between the two presidents on Tuesday."
    found = [f.summary for f in _found(one, two, "single_sourced")]
    assert found and all("→" in f for f in found), found
    assert any("(two White House officials: an anonymous source)" in f for f in found), found
    # what NBC reports elsewhere in the article rests on the officials it cites too
    one += (" NBC News said the Russian leader's address with animated simulations of a nuclear attack had angered "
            "the president.")
    found = [f.summary for f in _found(one, two, "single_sourced")]
    assert any(f.startswith("Rests on NBC News → two White House officials alone (an anonymous source)")
               and "animated simulations" in f for f in found), found


def test_two_figures_of_one_measure_are_not_corroborated_even_when_too_loosely_tied_to_contradict():
    """"Outside for nine minutes" and "re-entered ten minutes later" may be one fact told two ways: not a
    contradiction the parse can stand behind, but no corroboration either."""
    one = ("After being escorted from the snack plant, the worker was outside for nine minutes before coming back "
           "with a handgun. The plant was closed on Friday.")
    two = ("After being escorted from the snack plant, the worker re-entered ten minutes later with a handgun. "
           "Police praised the response.")
    assert _found(one, two, "corroborated") == [] and _found(one, two, "contradicted") == []
    same = one.replace("was outside for nine minutes before coming back", "came back ten minutes later")
    assert len(_found(same, two, "corroborated")) == 1


def test_one_person_named_fully_in_one_outlet_and_partly_in_another_is_one_speaker():
    """An outlet that writes only "Halvorsen", or only "the Vermont governor", speaks of the person another
    outlet names in full and titles so: one speaker, not three."""
    from counterpoint.compare import compare_story

    one = ("Vermont Gov. Karen Halvorsen toured the flooded valley on Sunday. "
           "Halvorsen said the state would ask for federal aid within days.")
    two = ("The Vermont governor said on Sunday that the state would seek federal money. "
           "Rain is expected to continue through Wednesday, forecasters said.")
    c = compare_story(_two_outlets(one, two))
    people = [sp for sp in c.speakers if sp.kind == "person"]
    assert [sp.name for sp in people] == ["Karen Halvorsen"]
    assert set(people[0].outlets) == {"Wire One", "Daily Two"}


def test_a_statement_reads_as_a_sentence_in_a_finding():
    """'The ministry said: "..."' reads "ministry said: ...", never "said:: ..."; "..., according to the
    ministry" reads "according to ministry: ...", not "ministry according to: ..."."""
    from counterpoint.compare import compare_story

    one = ('The ministry said: "The bridge will reopen in May after repairs to its deck." '
           "Traffic will use the old ferry route until then.")
    two = "Engineers began work on the bridge deck on Monday. The ferry route is open to all traffic."
    shown = [f.summary for f in compare_story(_two_outlets(one, two)).findings]
    assert any("said: " in s for s in shown) and not any("::" in s for s in shown), shown
    one = "The bridge will reopen in May after repairs to its deck, according to the ministry."
    shown = [f.summary for f in compare_story(_two_outlets(one, two)).findings]
    assert any("according to ministry: " in s for s in shown), shown


def test_one_source_named_two_ways_is_still_one_source():
    """"Nat Kerris, an Apple spokeswoman" in one outlet and "an Apple spokesperson" in another are one source;
    "Paul Martens" and "Paul Peavler" are two, and so are two officials of one place. 5-fold story CV on our 149
    keyed stories: single-sourced 1,831 predicted / 1,220 right -> 1,864 / 1,248 (F1 0.508 -> 0.517)."""
    from counterpoint.compare.speakers import one_source

    one = ("Apple will start selling its smartwatch in April, Nat Kerris, an Apple spokeswoman, said on Monday, "
           "adding that the cheapest model would cost $349.")
    two = "An Apple spokesperson said on Monday that the smartwatch would go on sale in April and cost at least $349."
    found = [f.summary for f in _found(one, two, "single_sourced")]
    assert any("Rests on Nat Kerris" in f and "reported by Wire One and Daily Two" in f and "anonymous" not in f
               for f in found), found
    assert one_source(["Central Bedfordshire Council", "spokesman for Central Bedfordshire Council"])
    assert not one_source(["Paul Martens", "Paul Peavler"])
    assert not one_source(["governor of Qeshm island", "head of Qeshm's free-trade zone, Ali Rezapour"],
                           frozenset({"qeshm"}))
    assert not one_source(["officials", "Oregon State Police"])
    assert one_source(["NBC", "NBC News"])  # two words, the last a kind of body: the first names it
    assert not one_source(["NBC News", "Fox News"])


def test_script_a_page_left_in_its_text_is_not_a_claim_left_out():
    """Ad code pasted into an article's text ("google_ad_width = 468; ...") is not news an outlet left out; a
    sentence with one equals sign is still a sentence."""
    from counterpoint.compare.units import article_units

    one = ("The council approved the new bridge on Tuesday after a two-year review of its cost.\n\n"
           '<!-- google_ad_client = "pub-123"; google_ad_width = 468; google_ad_height = 60; //-->\n\n'
           'var AdArgs = new Object(); AdArgs.version = 2; AdArgs.units = "4";\n\n'
           "Engineers said the load test showed a safety factor = 2.5 under the heaviest trucks.")
    two = "The council approved the new bridge on Tuesday after reviewing its cost for two years."
    omitted = " ".join(f.summary for f in _found(one, two, "omitted"))
    assert "google_ad" not in omitted and "AdArgs" not in omitted and "safety factor" in omitted, omitted
    texts = [u.text for u in article_units(_two_outlets(one, two)[0], "Wire One")]
    assert not any("google_ad" in t or "AdArgs" in t for t in texts)

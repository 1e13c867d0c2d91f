"""The analyse stage as a user meets it: speakers, chains, markers, refusals, offsets."""

import json

import pytest
from conftest import run_cli

from counterpoint.analyse import analyse_text
from counterpoint.analyse.speakers import role_key
from counterpoint.errors import InputError


def by_content(analysis, fragment):
    found = [s for s in analysis.statements if fragment in s.content_text]
    assert found, f"no statement with {fragment!r} in {[s.content_text for s in analysis.statements]}"
    return found[0]


def test_name_variants_titles_and_pronouns_make_one_speaker():
    text = ("Kremlin spokesman Dmitry Peskov said on Friday that the reports were not true. "
            "Peskov added that the conversation had been confidential. "
            "He said the Russian side never publicises such talks.")
    a = analyse_text(text)
    peskov = [s for s in a.speakers if s.name == "Dmitry Peskov"]
    assert len(peskov) == 1 and peskov[0].role == "Kremlin spokesman" and peskov[0].kind == "person"
    for fragment in ("the reports were not true", "had been confidential", "never publicises"):
        assert by_content(a, fragment).speaker.name == "Dmitry Peskov"
    assert len(peskov[0].mentions) == 3


def test_anonymous_groups_and_their_members():
    text = ("Two White House officials said the president was angry. "
            "\"He digs in his heels,\" one of the officials said.")
    a = analyse_text(text)
    group = by_content(a, "the president was angry").speaker
    assert group.kind == "anonymous"
    assert by_content(a, "He digs in his heels").speaker is group


def test_chain_through_a_relay_named_in_the_source():
    text = ("\"If you want to have an arms race we can do that, but I'll win,\" Trump reportedly told Putin "
            "during a March 21 call, according to two White House officials cited by NBC.")
    a = analyse_text(text)
    quote = by_content(a, "If you want to have an arms race")
    assert quote.speaker is not None and quote.speaker.name == "Trump"
    assert [v.name for v in quote.via] == ["NBC", "two White House officials"]
    assert quote.hedged and quote.addressee is not None and quote.addressee.text == "Putin"


def test_denial_confirmation_and_loaded_cues():
    a = analyse_text("Peskov denied that Trump had said it. The ministry confirmed that talks took place. "
                     "The senator claimed that the vote was rigged. The mayor said the road will reopen.")
    assert by_content(a, "Trump had said it").denial
    assert by_content(a, "talks took place").confirmation
    claimed = by_content(a, "the vote was rigged")
    assert claimed.cue_connotation == "loaded" and claimed.hedged
    plain = by_content(a, "the road will reopen")
    assert (plain.cue_connotation, plain.hedged, plain.denial, plain.confirmation) == ("neutral", False, False, False)


def test_a_negated_denial_or_confirmation_is_neither():
    a = analyse_text("Gupta did not deny that he had been offered the job. "
                     "The ministry never confirmed that talks took place. "
                     "The spokesman did not say that the report was false.")
    for fragment in ("he had been offered the job", "talks took place", "the report was false"):
        s = by_content(a, fragment)
        assert not s.denial and not s.confirmation, fragment


def test_a_refusal_or_a_bare_no_is_not_a_denial_of_a_claim():
    a = analyse_text("Insurers will continue to deny coverage to Americans with pre-existing conditions, "
                     "the senator said. \"No, no, no!\" her husband screamed. "
                     "The ministry rejected the accusations. Peskov said: \"No, this phrase was not said.\"")
    assert not by_content(a, "coverage to Americans").denial
    assert not by_content(a, "No, no, no").denial
    assert by_content(a, "the accusations").denial
    assert by_content(a, "this phrase was not said").denial
    b = analyse_text("The indictment also said she submitted false documents to the agency in 2008. "
                     "The spokesman said the report was false.")
    assert not by_content(b, "false documents").denial and by_content(b, "the report was false").denial


def test_role_variants_share_a_key():
    assert role_key("Kremlin spokesman") == role_key("Kremlin spokesperson") == "kremlin spokesperson"


@pytest.mark.parametrize(
    ("text", "problem"),
    [("", "no text to analyse"), ("   \n ", "no text to analyse"),
     ("Пресс-секретарь Кремля Дмитрий Песков заявил, что сообщения СМИ не соответствуют действительности.",
      "unsupported language 'ru'")],
)
def test_refused_texts(text, problem):
    with pytest.raises(InputError, match=problem):
        analyse_text(text, source="doc-1")


def test_text_without_sentences_or_speech_gives_no_statements():
    assert analyse_text("... !!! ???").statements == []
    assert analyse_text("The river rose by two metres overnight and the bridge was closed.").statements == []


def test_statements_contract_keeps_keys_and_valid_offsets(example_dir):
    lines = [json.dumps({"id": f.stem, "text": f.read_text(encoding="utf-8"), "keep": 1})
             for f in sorted(example_dir.glob("*.txt"))]
    lines += ["{bad json", json.dumps({"id": "ru", "text": "Песков заявил, что это неправда, и добавил ещё кое-что."})]
    result = run_cli("statements", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [o["id"] for o in out] == ["moscow-times", "sputnik", 3, "ru"]  # an unreadable line: its number
    assert set(out[2]) == {"id", "error"} and "input line 3: not valid JSON" in out[2]["error"]
    assert out[3]["statements"] == [] and "unsupported language 'ru'" in out[3]["error"]
    texts = {f.stem: f.read_text(encoding="utf-8") for f in example_dir.glob("*.txt")}
    for record in out[:2]:
        assert record["keep"] == 1 and record["statements"]
        text = texts[record["id"]]
        ids = {s["id"] for s in record["statements"]}
        for st in record["statements"]:
            for role in ("content", "cue", "source", "addressee"):
                value = st[role]
                for span in value if isinstance(value, list) else [value] if value else []:
                    assert text[span["start"]:span["end"]] == span["text"]
            assert st["nested"] == (st["parent"] is not None)
            assert st["parent"] is None or st["parent"] in ids


def test_a_two_megabyte_article_is_analysed_in_pieces_with_valid_offsets(example_dir):
    """Long texts are parsed in paragraph-aligned pieces; the cost stays linear in length."""
    article = (example_dir / "moscow-times.txt").read_text(encoding="utf-8")
    text = (article + "\n\n") * (2_000_000 // (len(article) + 2) + 1)
    assert len(text) >= 2_000_000
    a = analyse_text(text)
    copies = text.count("If you want to have an arms race")
    quotes = [s for s in a.statements if "If you want to have an arms race" in s.content_text]
    assert len(quotes) >= copies  # found in every copy, whichever piece it fell in
    assert all(span.valid_in(text) for s in a.statements for span in s.content + s.cue + (s.source or []))
    assert all(span.valid_in(text) for span in a.sentences)


def test_institutions_are_on_the_record_and_a_relative_pronoun_speaks_for_its_noun():
    a = analyse_text("State police say a bomb exploded at an Oregon bank. Witnesses say the blast shook the street. "
                     "Collins said that Christians who reject evolutionary theory are rejecting a God-given skill.")
    police = by_content(a, "a bomb exploded").speaker
    assert police is not None and police.kind == "organisation"
    witnesses = by_content(a, "the blast shook").speaker
    assert witnesses is not None and witnesses.kind == "anonymous"
    assert [s.speaker for s in analyse_text("Several aides were asked about the plan. All denied it.").statements
            if s.content_text == "it"] == [None]
    rejecting = [s.speaker for s in a.statements if s.content_text == "evolutionary theory"]
    assert rejecting and rejecting[0] is not None and rejecting[0].name == "Christians"


def test_a_text_twice_in_a_batch_is_parsed_once_and_each_copy_gets_its_analysis(monkeypatch):
    """Wire copies: the same text from two outlets costs one parse, and each gets the same analysis
    (an error keeps the copy's own source)."""
    import counterpoint.analyse as analyse_module

    text = "The minister said on Monday that the plant would close. Unions denied that talks had failed."
    calls = []
    real = analyse_module.build_analysis
    monkeypatch.setattr(analyse_module, "build_analysis", lambda t, docs: calls.append(t) or real(t, docs))
    results = list(analyse_module.analyse_many([(text, "a", "en"), ("", "b", "en"), (text, "c", "en"),
                                                ("", "d", "en")]))
    assert len(calls) == 1
    assert results[0].to_dict() == results[2].to_dict() and results[0].statements
    assert [r.source for r in (results[1], results[3])] == ["b", "d"]


def test_speaker_names_a_reader_would_give():
    """Sources named the way a careful reader names them: the maker of a document, an acronym spelt out,
    both people of a coordinated source, a role resolved to the person holding it, an institution
    not taken for the person whose title mentions it, no bracket left open by the mention's cut."""
    def speakers(text):
        a = analyse_text(text)
        return {s.name: s for s in a.speakers}, a

    found, _ = speakers("The telecast drew 32 million viewers, according to figures from Nielsen Media Research.")
    assert list(found) == ["Nielsen Media Research"] and found["Nielsen Media Research"].kind == "organisation"
    found, _ = speakers("The Screen Actors Guild (SAG) has been without a contract since June. "
                        "SAG leaders say a strike is possible.")
    assert list(found) == ["Screen Actors Guild leaders"]
    found, a = speakers("Producers Craig Zadan and Neil Meron said that the show would be funny.")
    assert set(found) == {"Craig Zadan", "Neil Meron"} and {s.role for s in found.values()} == {"Producers"}
    assert all(len(s.mentions) == 1 for s in found.values())
    assert by_content(a, "the show would be funny").speaker.name == "Craig Zadan"
    found, a = speakers("Alaska Gov. Sarah Palin attended the service on Sunday. "
                        "Later the Alaska governor said that the church had been rebuilt.")
    assert by_content(a, "the church had been rebuilt").speaker.name == "Sarah Palin"
    found, a = speakers("President Obama spoke at the White House on Monday. "
                        "The president of the bank said that rates would rise.")
    assert by_content(a, "rates would rise").speaker.name != "Obama"
    found, a = speakers("Academy President Sid Ganis said the show would be shorter. "
                        "The academy is hoping that viewers return.")
    assert by_content(a, "viewers return").speaker.kind == "organisation"
    assert by_content(a, "the show would be shorter").speaker.name == "Sid Ganis"
    from counterpoint.analyse.speakers import clean_name
    assert clean_name("Barbara Kay (") == "Barbara Kay"
    assert clean_name("website “Injustice Stories") == "website Injustice Stories"
    assert clean_name('"feminist" blogger') == '"feminist" blogger'
    # the full name is taken from an entity cut inside a tweet's signature: cleaned as well
    found, _ = speakers("Critics piled in on social media.\n\n— Barbara Kay (@BarbaraRKay) February 9, 2015\n\n"
                        "Kay said the post was a hoax designed to stir anger.")
    assert list(found) == ["Barbara Kay"]


def test_an_embedded_post_is_credited_to_the_account_that_signed_it():
    """A quoted tweet is its text and a signature; the account speaks it, whatever the case of its name."""
    text = ("Readers were quick to react.\n\n"
            "Best news I have heard all week, the bridge is finally open http://t.co/abc\n\n"
            "— mary lou smith (@marylou) March 3, 2015\n\n"
            "Others doubted it.  Still closed this morning. #traffic— Jon Park (@jpark) March 3, 2015"
            "Not again.— (@roadwatch) March 4, 2015\n\n"
            "The council said the bridge would reopen in May.")
    a = analyse_text(text)
    post = by_content(a, "Best news I have heard all week")
    assert post.speaker.name == "mary lou smith" and post.speaker.kind == "person"
    assert text[post.content[0].start:post.content[0].end].endswith("http://t.co/abc")
    assert [c.text for c in post.cue] == ["(@marylou) March 3, 2015"]
    inline = by_content(a, "Still closed this morning")
    assert inline.speaker.name == "Jon Park" and not inline.content[0].text.startswith("Others doubted")
    assert by_content(a, "Not again").speaker.name == "@roadwatch"  # a signature without a name: the handle
    # the parse runs the next sentence's subject back over the signatures: no source is a signature
    assert not any("(@" in src.text for st in a.statements for src in st.source or [])


def test_a_document_speaks_for_the_organisation_that_made_it():
    """"a Washington Post report" is the Post's word; "media reports" stay a document, and an organisation
    whose name ends in a document word ("Nielsen Media Research") keeps its whole name."""
    a = analyse_text("The talks failed, according to a Washington Post report. "
                     "Media reports said the envoy had left. "
                     "The telecast drew 32 million viewers, according to figures from Nielsen Media Research.")
    assert by_content(a, "The talks failed").speaker.name == "Washington Post"
    assert by_content(a, "the envoy had left").speaker.kind == "anonymous"
    assert {s.name for s in a.speakers} >= {"Washington Post", "Nielsen Media Research"}


def test_a_definite_institution_noun_is_the_organisation_named_before_it():
    """"The agency said" after the Nordic Weather Agency was named is the Nordic Weather Agency; "the company
    said" after "Apple unveiled" is Apple; with no such name before it, "the department" stays."""
    a = analyse_text("The Nordic Weather Agency issued a storm warning on Monday. The agency said winds would reach "
                     "gale force. Apple unveiled a new phone on Tuesday. The company said it would ship in May. "
                     "The department said schools would stay open.")
    assert by_content(a, "winds would reach gale force").speaker.name == "Nordic Weather Agency"
    assert by_content(a, "it would ship in May").speaker.name == "Apple"
    assert by_content(a, "schools would stay open").speaker.name == "department"


def test_a_name_that_starts_with_the_has_no_role_the():
    """"according to The Daily Planet": the article is part of the name as written, not a role."""
    a = analyse_text("According to The Daily Planet, the singer is very much alive and well in his home.")
    assert [(s.name, s.role) for s in a.speakers] == [("Daily Planet", None)]


def test_names_in_another_script_are_not_one_speaker():
    """Two accounts named in Arabic are two speakers, with two ids: folded to ASCII both names were empty."""
    from counterpoint.model import speaker_id

    a = analyse_text("Supporters posted messages online on Friday about the attack.\n\n"
                     "The city fell today http://t.co/abc\n\n— الرقة تذبح بصمت (@first_account) February 27, 2015\n\n"
                     "Another message said the opposite http://t.co/xyz\n\n— عاجل المملكة (@second_account) "
                     "February 4, 2015\n\nOfficials said the reports could not be confirmed.")
    names = {s.name: s.key for s in a.speakers}
    assert {"الرقة تذبح بصمت", "عاجل المملكة"} <= set(names)
    assert len({speaker_id(names["الرقة تذبح بصمت"]), speaker_id(names["عاجل المملكة"])}) == 2
    assert all(speaker_id(k).isascii() for k in names.values())  # ids go in URLs

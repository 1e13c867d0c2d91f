"""The furniture cleaner: what it removes, what it must never touch, and the span contract."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from counterpoint.extract.furniture import clean_text

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "arms-race-2018"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _check_contract(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Clean `text` and check what every result must satisfy; return the cleaned text and (reason, block) pairs."""
    cleaned, removed = clean_text(text)
    for r in removed:
        assert r.span.valid_in(text), r
        assert r.span.text == r.span.text.strip() and r.span.text, r
        assert re.fullmatch(r"[a-z]+(?:_[a-z]+)*", r.reason), r.reason
    # the cleaned text is the input minus the removed lines: kept lines in order, verbatim
    removed_lines = {(r.span.start, r.span.end) for r in removed}
    kept = []
    for m in re.finditer(r"[^\n]+", text):
        stripped = m.group().strip()
        start = m.start() + len(m.group()) - len(m.group().lstrip())
        if stripped and (start, start + len(stripped)) not in removed_lines:
            kept.append(m.group())
    assert [line for line in cleaned.splitlines() if line.strip()] == kept
    for line in cleaned.splitlines():
        assert line in text
    # cleaning is idempotent: what is left has no furniture to find
    assert clean_text(cleaned) == (cleaned, [])
    return cleaned, [(r.reason, r.span.text) for r in removed]


# -- the example story ------------------------------------------------------------------

MOSCOW_TIMES_REMOVED = [
    ("appeal", "A Message from The Moscow Times:"),
    ("appeal", "Dear readers,"),
    ("appeal", "We are facing unprecedented challenges."),
    ("appeal", "These actions are direct attempts to silence independent journalism in Russia."),
    ("appeal", "We, the journalists of The Moscow Times, refuse to be silenced."),
    ("appeal", "Your support, no matter how small, makes a world of difference."),
    ("appeal", "By supporting The Moscow Times, you're defending open, independent journalism"),
    ("appeal", "Remind me later."),
]
SPUTNIK_REMOVED = [
    ("dateline", "20:32 GMT04 August 2020"),
    ("widget", "Listen Live"),
    ("widget", "Get short URL"),
    ("read_more", "READ MORE: Twitter Slams McCain for\xa0Condemning Trump's Congratulatory Message to\xa0Putin"),
    ("read_more", "READ MORE: Trump Angry Over Leak About Warning Not to\xa0Congratulate Putin\xa0— Reports"),
    ("related_headlines", "Trump Discusses Israel-Palestine Peace Deal in Phone Call with Putin"),
    ("related_headlines", "Putin Thanked Trump for Help Offer to Investigate An-148 Crash - Kremlin"),
    ("related_headlines", "Erdogan Hopes to Continue Talks on Syria With Putin Rather Than Trump"),
    ("tags", "defense capability, meeting, arms race, efforts, Vladimir Putin, Donald Trump, United States, Russia"),
    ("comments", "Community standardsDiscussion"),
]


@pytest.mark.parametrize(
    ("name", "expected", "paragraphs"),
    [("moscow-times.txt", MOSCOW_TIMES_REMOVED, 9), ("sputnik.txt", SPUTNIK_REMOVED, 11)],
)
def test_example_story(name: str, expected: list[tuple[str, str]], paragraphs: int) -> None:
    text = (EXAMPLE / name).read_text(encoding="utf-8")
    cleaned, removed = _check_contract(text)
    assert len(removed) == len(expected)
    for (reason, block), (want_reason, want_start) in zip(removed, expected, strict=True):
        assert reason == want_reason and block.startswith(want_start), (reason, block)
    # every article paragraph is kept: all lines of the input but the removed blocks, in order
    blocks = {block for _, block in removed}
    article = [line for line in _lines(text) if line not in blocks]
    assert len(article) == paragraphs
    assert _lines(cleaned) == article


def test_example_story_keeps_the_credit_line_and_drops_the_appeal_whole() -> None:
    cleaned, _ = clean_text((EXAMPLE / "moscow-times.txt").read_text(encoding="utf-8"))
    assert cleaned.endswith("Reuters contributed reporting to this article.")
    assert "Dear readers" not in cleaned and "Remind me later" not in cleaned


def test_example_story_has_no_furniture_left() -> None:
    for name in ("moscow-times.txt", "sputnik.txt"):
        cleaned, _ = clean_text((EXAMPLE / name).read_text(encoding="utf-8"))
        for phrase in ("READ MORE", "Listen Live", "Get short URL", "GMT", "Community standards", "Discussion",
                       "A Message from", "support us", "arms race, efforts", "Erdogan Hopes"):
            assert phrase not in cleaned, (name, phrase)


# -- one fixture per furniture family -------------------------------------------------

ARTICLE = (
    "The talks in Geneva ended without an agreement on Tuesday, officials said.\n"
    "Both delegations will meet again next month, according to a joint statement.\n"
)


@pytest.mark.parametrize(
    ("block", "reason"),
    [
        ("READ MORE: Kremlin Denies Report on Phone Call", "read_more"),
        ("Read also: Five things to know about the treaty", "read_more"),
        ("See also - The history of arms control", "read_more"),
        ("[Related: Putin and Trump Meet in Helsinki]", "read_more"),
        ("Also on example.com Lavrov says talks were productive", "read_more"),
        ("Share this article", "widget"),
        ("Share on Facebook | Tweet | Email", "widget"),
        ("Listen Live", "widget"),
        ("Get short URL", "widget"),
        ("Advertisement", "widget"),
        ("Comments", "comments"),
        ("12 Comments", "comments"),
        ("Community standardsDiscussion", "comments"),
        ("Tags: arms control, Russia, United States", "tags"),
        ("Filed under: Politics |", "tags"),
        ("20:32 GMT04 August 2020", "dateline"),
        ("Updated 1:39 am EST, Wednesday, November 20, 2019", "dateline"),
        ("Published: 18 Nov 2019 9:38 pm", "dateline"),
        ("Sign up for our daily newsletter.", "appeal"),
        ("Subscribe to our newsletter to get the day's top stories in your inbox.", "appeal"),
        ("Like this story? Share it with a friend!", "appeal"),
        ("Follow us on Twitter and Facebook.", "contact"),
        ("Photo: Alexei Druzhinin, AP", "caption"),
        ("By Jane Smith and John Doe", "byline"),
    ],
)
def test_family_line(block: str, reason: str) -> None:
    text = ARTICLE + block + "\n" + "Officials declined to comment further on the negotiations.\n"
    cleaned, removed = _check_contract(text)
    assert removed == [(reason, block)]
    assert cleaned == ARTICLE + "Officials declined to comment further on the negotiations.\n"


def test_related_headlines_under_a_label() -> None:
    text = ARTICLE + "Related stories\nKremlin says no plans for summit\nNATO allies weigh response\n"
    cleaned, removed = _check_contract(text)
    assert [r for r, _ in removed] == ["related_headlines"] * 3
    assert cleaned == ARTICLE


def test_trailing_related_headlines_and_tags() -> None:
    text = ARTICLE + (
        "Putin Thanked Trump for Help Offer to Investigate Crash\n"
        "Erdogan Hopes to Continue Talks on Syria With Putin\n"
        "Lavrov Says Moscow Open to New Arms Talks\n"
        "arms race, Vladimir Putin, Donald Trump, Russia, United States\n"
    )
    cleaned, removed = _check_contract(text)
    assert [r for r, _ in removed] == ["related_headlines"] * 3 + ["tags"]
    assert cleaned == ARTICLE


def test_tags_under_a_label() -> None:
    cleaned, removed = _check_contract(ARTICLE + "Tags\nRussia, arms control, Kremlin\n")
    assert removed == [("tags", "Tags"), ("tags", "Russia, arms control, Kremlin")]
    assert cleaned == ARTICLE


def test_appeal_is_removed_from_its_opening_to_its_end() -> None:
    appeal = (
        "Dear readers,\n"
        "Independent reporting on the region has never been harder. Our newsroom faces new restrictions.\n"
        "We rely on readers like you. Please support our work with a monthly contribution.\n"
        "Remind me later.\n"
    )
    cleaned, removed = _check_contract(ARTICLE + appeal)
    assert [r for r, _ in removed] == ["appeal"] * 4
    assert cleaned == ARTICLE


def test_appeal_ends_at_a_line_that_reports_speech() -> None:
    appeal = "Dear readers,\nWe rely on readers like you. Please support our work.\n"
    news = (
        "\u201cWe will keep looking for as long as it takes,\u201d the coastguard said on Sunday.\n"
        "Our crews were joined by volunteers from three villages, and we thank them, the station added.\n"
    )
    cleaned, removed = _check_contract(ARTICLE + appeal + news)
    assert [r for r, _ in removed] == ["appeal"] * 2
    assert cleaned == ARTICLE + news


def test_rules_that_follow_their_neighbours_never_take_most_of_a_long_text() -> None:
    """A live blog written as 'we' under an appeal-like first line: the run-on would take every entry."""
    entries = "".join(
        f"{19 + i // 12}:{i * 5 % 60:02d} We are at the arena, where our reporter has news of award number {i}."
        f" Around us the crowd is on its feet for the best night of the year so far.\n"
        for i in range(30)
    )
    text = "We need your help\n" + entries + "Share this article\n"
    cleaned, removed = _check_contract(text)
    assert removed == [("widget", "Share this article")]  # the line-by-line removals still stand
    assert cleaned == "We need your help\n" + entries


def test_a_short_text_may_still_lose_more_furniture_than_it_keeps() -> None:
    """Under a long related list a brief is the smaller part, and the list still goes (it is short in itself)."""
    related = "Related stories\n" + "".join(f"Council votes on plan number {i} for the harbour\n" for i in range(10))
    cleaned, removed = _check_contract(ARTICLE + related)
    assert [r for r, _ in removed] == ["related_headlines"] * 11
    assert cleaned == ARTICLE


def test_blank_lines_between_paragraphs_are_kept_as_they_were() -> None:
    text = "\n    First paragraph of the story.\n\n    READ MORE: Something Else\n\n    Second paragraph.\n"
    cleaned, removed = _check_contract(text)
    assert removed == [("read_more", "READ MORE: Something Else")]
    assert cleaned == "\n    First paragraph of the story.\n\n    Second paragraph.\n"


# -- what must never be removed ----------------------------------------------------------

NEGATIVES = [
    "Read more than 50 reports and you will find the same claim, the analyst said.",
    "He said he would read the full transcript before commenting.",
    "Share prices in Moscow fell 3% after the announcement.",
    "Both countries share a border of more than 4,000 kilometres.",
    "Readers who subscribe to the paper's print edition will get the full report on Sunday.",
    "Subscribers who donate more than $100 receive a tote bag, the station said.",
    "Donate blood if you can, the Red Cross urged on Tuesday.",
    "Support for the treaty has fallen among younger voters.",
    "Follow the money, the investigators told reporters.",
    "Comments from the minister angered officials in Kyiv.",
    "Attending were Sergei Lavrov, Mike Pompeo, John Bolton and Yuri Ushakov.",
    "The delegation included Lavrov, Ushakov, Peskov, Antonov and two aides.",
    "The Kremlin Did Not Comment.",
    "On 4 August 2020, the talks resumed in Vienna.",
    "Listen to the full interview below, the station said.",
    "Copyright law was not part of the negotiations.",
    "Reuters contributed reporting to this article.",
]


@pytest.mark.parametrize("sentence", NEGATIVES)
def test_real_sentences_are_kept_anywhere(sentence: str) -> None:
    for text in (sentence + "\n" + ARTICLE, ARTICLE + sentence + "\n", ARTICLE + sentence):
        cleaned, removed = _check_contract(text)
        assert removed == [], (sentence, removed)
        assert cleaned == text


def test_a_real_list_at_the_end_of_an_article_is_kept() -> None:
    schedule = "".join(f"June {d} -- Arena Number {d}, Springfield\n" for d in range(1, 10))
    text = ARTICLE + "The tour stops at:\n" + schedule
    cleaned, removed = _check_contract(text)
    assert removed == []
    assert cleaned == text


def test_a_subheading_inside_the_article_is_kept() -> None:
    text = ARTICLE + "What Happens Next for the Treaty\n" + ARTICLE
    assert clean_text(text) == (text, [])


def test_text_without_furniture_is_returned_as_is() -> None:
    for text in ("", "\n\n", "One line.", ARTICLE):
        assert clean_text(text) == (text, [])

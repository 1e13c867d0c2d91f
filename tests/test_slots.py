"""Values tied to their slots: only two values of one slot can contradict each other."""

from __future__ import annotations

import pytest

from counterpoint.compare.slots import conflict, parse_values


def _values(*texts: str):
    return parse_values(list(texts))


def _only(values, kind="number"):
    found = [v for v in values if v.kind == kind]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(("a", "b"), [
    ("The blast killed one person in the square.", "The blast killed four people in the square."),
    ("The quake had a magnitude of 6.1, officials said.", "The quake had a magnitude of 5.9, officials said."),
    ("She spent the next two days crying.", "She spent three days mourning."),
    ("The flood that hit the valley left 40 people dead.", "The flood that hit the valley killed 45 people."),
])
def test_two_values_of_one_slot_conflict(a: str, b: str) -> None:
    va, vb = _values(a, b)
    assert conflict(_only(va), _only(vb))


@pytest.mark.parametrize(("a", "b"), [
    ("Laci Peterson, 23, vanished in December.", "Scott Peterson, 32, was arrested in April."),  # two people
    ("A 26-year-old teacher was named.", "A 16-year-old boy was named."),  # two holders
    ("About 300 people attended the rally.", "300 people attended the rally."),  # a rounding
    ("The storm destroyed 12 homes.", "The storm injured 15 people."),  # two quantities
    ("The storm left 300 people homeless.", "The storm killed 310 people."),  # left homeless is not dead
])
def test_values_of_different_slots_or_roundings_do_not(a: str, b: str) -> None:
    va, vb = _values(a, b)
    assert not any(conflict(x, y) for x in va for y in vb)


def test_scraped_thousands_are_one_number() -> None:
    (values,) = _values("The island is home to 120, 000 people.")
    v = _only(values)
    assert v.key == "120000" and v.measure == "person"


def test_a_misprinted_telephone_number_conflicts_with_the_right_one_and_other_lines_do_not() -> None:
    a, b = _values("Residents can call the council hotline on 0161 496 0000 or the police on 0845 125 2222.",
                   "Residents can call the council hotline on 0161 496 000, the county said.")
    assert [v.key for v in a if v.kind == "phone"] == ["01614960000", "08451252222"]
    assert conflict(a[0], _only(b, "phone"))
    assert not conflict(a[1], _only(b, "phone"))  # another line (area code), not another number for this one
    assert not any(conflict(x, y) for x in a for y in a)  # and no number splits into counts that conflict


def test_sums_of_money_are_read_with_their_currency_and_scale() -> None:
    pounds, euros, us, dollars, crater = _values(
        "Thieves stole jewellery worth £88m.", "Thieves stole jewellery worth €103 million.",
        "Thieves stole jewellery worth US$136 million.", "Thieves stole jewellery worth $136 million.",
        "A 12 m crater was found near the airport.")
    assert [(v.kind, v.key) for v in pounds] == [("amount", "£8.8e+07")]  # "m." at the sentence's end: million
    assert _only(euros, "amount").key == "€1.03e+08"
    assert _only(us, "amount").key == _only(dollars, "amount").key == "$1.36e+08"  # US$ is $
    assert _only(crater).key == "12"  # a short "m" after a bare number is metres, not a million...
    (people,) = _values("The floods have driven 5m people from their homes.")
    assert _only(people).key == "5e+06"  # ...unless what follows is counted
    # one sum told in two currencies is no contradiction; two sums in one currency can be
    jewels = "Thieves made off with jewels worth {}."
    a, b = _values(jewels.format("£88 million"), jewels.format("$136 million"))
    assert not conflict(_only(a, "amount"), _only(b, "amount"))
    c, d = _values(jewels.format("$88 million"), jewels.format("US$136 million"))
    assert conflict(_only(c, "amount"), _only(d, "amount"))


def test_year_ranges_are_years_not_telephone_numbers() -> None:
    (values,) = _values("He served as mayor 1990-1995 and again 2001-2004.")
    assert {v.kind for v in values} == {"year"}


def test_weekdays_and_clock_times_are_values() -> None:
    (values,) = _values("He died on Thursday with 7:42 left on the clock.")
    assert {v.kind for v in values} >= {"weekday", "time"}


def test_a_relative_clause_gives_its_value_to_the_noun_it_describes() -> None:
    va, vb = _values("Hansbrough needed just nine points to pass Ford.",
                     "Hansbrough, who needed nine points coming in, tied Ford early.")
    assert _only(va).holder == _only(vb).holder == "hansbrough"


def test_abbreviated_dates_are_dates_with_the_fact_they_date() -> None:
    (a,), (b,), (c,) = _values("The Oscars will be held on Feb. 22 in Los Angeles.",
                               "The Oscars will be held on 22 February.", "The Oscars will be held on March 1.")
    assert a.kind == b.kind == c.kind == "date"
    assert a.key == b.key == "february 22" and a.predicate == "hold"
    assert not conflict(a, b) and conflict(a, c)


def test_every_value_is_made_of_words_the_cheap_filter_sees():
    """Comparing claims skips the parse when two texts share all their value words; that is only safe if
    every value the parse finds is made of such words."""
    from counterpoint.compare.slots import parse_values, value_words

    texts = ["A magnitude 6.1 earthquake struck on Tuesday, killing twelve people.",
             "The 1,500 homes were destroyed at 7:42 on Feb. 22, and dozens of families left.",
             "Three hundred soldiers arrived in March; about $800 million was pledged, 40% more than in 2013.",
             "Call 0845 125 2222 or (555) 123-4567 if you saw the van."]
    for text, values in zip(texts, parse_values(texts), strict=True):
        words = value_words(text)
        assert values
        for v in values:
            found = value_words(text[v.start:v.end])
            assert found and found <= words, (text[v.start:v.end], words)


def test_a_figure_within_the_other_outlets_bound_is_no_contradiction() -> None:
    """"About 1,500 injured" and "more than 1,000 injured" can both be right; two floors are two figures."""
    def conflicts(a: str, b: str) -> bool:
        va, vb = _values(a, b)
        return any(conflict(x, y) for x in va for y in vb)

    assert not conflicts("The blast injured about 1,500 people.", "The blast injured more than 1,000 people.")
    assert not conflicts("The storm destroyed 40 homes.", "The storm destroyed up to 50 homes.")
    assert conflicts("The blast injured 700 people.", "The blast injured more than 1,000 people.")  # below the floor
    assert conflicts("A quake killed more than 26,000 people.", "A quake killed more than 31,000 people.")


def test_late_one_day_and_early_the_next_may_be_one_night():
    """"Killed late Friday" and "killed early Saturday" may be one night told from two time zones; a plain
    Friday against Thursday is a contradiction."""
    def conflicts(a: str, b: str) -> bool:
        va, vb = _values(a, b)
        return any(conflict(x, y) for x in va for y in vb)

    assert not conflicts("He was killed during a rescue attempt late Friday.",
                         "He was killed during a failed rescue attempt early Saturday.")
    assert not conflicts("The quake struck on Sunday night.", "The quake struck on Monday.")
    assert conflicts("He died on Friday.", "He died Thursday.")
    assert conflicts("The quake struck on Sunday.", "The quake struck early Tuesday.")  # not the next day

"""Story grouping: the example story, copies, dates, determinism, a quality floor, bounded memory."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from counterpoint.stories import Assignment, StoryGrouper, StoryInput, group


def _example(example_dir: Path) -> list[StoryInput]:
    mt = (example_dir / "moscow-times.txt").read_text(encoding="utf-8")
    sp = (example_dir / "sputnik.txt").read_text(encoding="utf-8")
    return [
        StoryInput("moscow-times", "Trump warned Putin he would win an arms race, NBC reports", mt, "2018-03-30"),
        StoryInput("sputnik", "Kremlin denies Trump told Putin he would win arms race", sp, "2020-08-04"),
    ]


QUAKE = ("A magnitude 6.1 earthquake struck the Indonesian province of Aceh on Tuesday, killing at least 12 "
         "people and destroying hundreds of homes in Bener Meriah, officials from the national disaster agency "
         "said. Rescue teams from Banda Aceh were searching collapsed buildings in the town of Takengon, where "
         "a mosque and a school were flattened. The quake was followed by several aftershocks, the Meteorology "
         "and Geophysics Agency said, and frightened residents spent the night outside.")
OSCARS = ("Hugh Jackman will host the 81st Academy Awards ceremony at the Kodak Theatre in Los Angeles on "
          "February 22, producer Laurence Mark announced. The Australian actor, known for the X-Men films, "
          "has hosted the Tony Awards three times and was chosen because the producers want the telecast to "
          "be fun, Mark said. Jackman said he was honoured and would sing and dance during the ceremony.")


def test_example_story_joins_with_a_date_conflict(example_dir: Path) -> None:
    out = list(group(_example(example_dir)))
    assert out[0].story == out[1].story
    assert out[0].date_conflict is None
    note = out[1].date_conflict
    assert note and "2020-08-04" in note and "2018" in note and "March" in note
    assert out[1].duplicate_of is None  # two outlets' own reports, not copies


def test_example_story_joins_in_either_order(example_dir: Path) -> None:
    out = list(group(reversed(_example(example_dir))))
    assert out[0].story == out[1].story


def test_unrelated_articles_open_two_stories() -> None:
    out = list(group([StoryInput("a", "Earthquake kills 12 in Aceh", QUAKE, "2013-07-02"),
                      StoryInput("b", "Jackman to host the Oscars", OSCARS, "2013-07-02")]))
    assert out[0].story != out[1].story
    assert all(a.duplicate_of is None and a.date_conflict is None for a in out)


def test_exact_and_lightly_edited_copies_are_flagged() -> None:
    edited = QUAKE.replace("killing at least 12", "killing at least twelve").replace(
        "officials from the national disaster agency said", "officials said") + " (Reuters)"
    out = list(group([
        StoryInput("orig", "Earthquake kills 12 in Aceh", QUAKE, "2013-07-02"),
        StoryInput("other", "Jackman to host the Oscars", OSCARS, "2013-07-02"),
        StoryInput("copy", "Earthquake kills 12 in Aceh", QUAKE, "2013-07-02"),
        StoryInput("wire", "Aceh quake kills twelve", edited, "2013-07-03"),
    ]))
    by = {a.id: a for a in out}
    assert by["copy"].duplicate_of == "orig" and by["copy"].story == by["orig"].story
    assert by["wire"].duplicate_of in {"orig", "copy"} and by["wire"].story == by["orig"].story
    assert by["other"].duplicate_of is None and by["orig"].duplicate_of is None


def test_a_page_year_the_text_never_names_is_noted() -> None:
    text = QUAKE + " It was the strongest quake in the region since 2004 and since the 2006 floods."
    (a,) = group([StoryInput("a", None, text, "2019-05-01")])
    assert a.date_conflict and "2019-05-01" in a.date_conflict


def test_output_is_deterministic(example_dir: Path) -> None:
    arts = [*_example(example_dir), StoryInput("q", None, QUAKE, None), StoryInput("o", None, OSCARS, None)]
    first = [a.to_dict() for a in group(arts)]
    assert first == [a.to_dict() for a in group(arts)]
    assert all(isinstance(a, Assignment) for a in group(arts))


def _bcubed_f1(gold: list[str], pred: list[str]) -> float:
    cells = Counter(zip(gold, pred, strict=True))
    g, p = Counter(gold), Counter(pred)
    prec = sum(c * c / p[pc] for (_, pc), c in cells.items()) / len(gold)
    rec = sum(c * c / g[gc] for (gc, _), c in cells.items()) / len(gold)
    return 2 * prec * rec / (prec + rec)


def test_ecbplus_train_slice_floor(shared_data: Path) -> None:
    path = shared_data / "ecbplus" / "train.jsonl"
    if not path.exists():
        pytest.skip(f"ECB+ train split not found at {path}")
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    rows = [r for r in rows if int(r["gold_topic"]) <= 16]  # a third of the train topics, in file order
    pred = [a.story for a in group(StoryInput(r["id"], r["title"], r["text"], r["date"]) for r in rows)]
    f1 = _bcubed_f1([r["gold_cluster"] for r in rows], pred)
    assert f1 >= 0.85, f"B-cubed F1 {f1:.3f} on ECB+ train topics 1-16"


def test_retired_stories_keep_the_index_bounded() -> None:
    rng = random.Random(3)
    words = [f"w{i}" for i in range(3000)]
    grouper = StoryGrouper(retire_days=10)
    start = date(2020, 1, 1)
    peak = 0
    for i in range(5000):
        day = start + timedelta(days=i // 10)  # ten articles a day for 500 days
        topic = rng.randrange(1_000_000)
        text = " ".join([f"Name{topic}", f"Place{topic}", *rng.sample(words, 40)]) + "."
        grouper.add(StoryInput(f"a{i}", None, text, day.isoformat()))
        peak = max(peak, grouper.live_stories)
    size = grouper.index_size()
    assert size["retired"] > 4000
    assert peak < 200 and size["live_stories"] < 200
    assert size["duplicate_index"] < 200 * 2
    assert size["postings"] < 200 * grouper.index_terms

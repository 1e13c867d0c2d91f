"""The articles a user names are one story unless some are plainly about another event."""

from __future__ import annotations

from counterpoint.stories import StoryInput, events

QUAKE = [
    "A magnitude 6.1 earthquake struck Qeshm island in southern Iran on Sunday, killing at least ten people.",
    "At least 10 people died when an earthquake hit Iran's Qeshm island, state media said on Sunday.",
    "Rescuers searched villages on Qeshm island after Sunday's earthquake killed ten people in southern Iran.",
]
FOOTBALL = "The Colts beat the Jaguars 31-24 as Peyton Manning threw for 364 yards and three touchdowns."


def test_reports_of_one_event_are_one_story() -> None:
    assert events([StoryInput(str(i), None, t) for i, t in enumerate(QUAKE)]) == [[0, 1, 2]]


def test_an_article_about_another_event_is_split_off() -> None:
    items = [StoryInput(str(i), None, t) for i, t in enumerate([*QUAKE, FOOTBALL])]
    assert events(items) == [[0, 1, 2], [3]]

"""Only people, organisations and anonymous groups speak: the learned speaker filter."""

from __future__ import annotations

import pytest

from counterpoint.compare.speakers import shown_role, speaker_features, speaker_model, speaker_scores
from counterpoint.model import Entity, Span, Speaker, Statement
from counterpoint.models.embeddings import sentence_encoder


def _p(name: str, kind: str, cue: str = "said", role: str | None = None, label: str | None = None) -> float:
    span = Span(0, len(name), name)
    sp = Speaker(name, role, kind, name.lower(), [span])
    entities = [Entity(span, label)] if label else []
    said = Statement("s1", "indirect", [Span(len(name) + len(cue) + 2, len(name) + len(cue) + 6, "that")],
                     [Span(len(name) + 1, len(name) + 1 + len(cue), cue)], [span], sp)
    return speaker_scores([sp], entities, [said], speaker_model(), sentence_encoder())[sp.key]


@pytest.mark.parametrize(("name", "kind"), [("nothing", "person"), ("two", "person"), ("the report", "anonymous"),
                                            ("pictures", "anonymous"), ("their", "person")])
def test_words_that_are_not_speakers_are_not_listed(name: str, kind: str) -> None:
    assert _p(name, kind) < speaker_model().threshold


@pytest.mark.parametrize(("name", "kind", "role", "label"), [
    ("Dmitry Peskov", "person", "Kremlin spokesman", "PERSON"), ("Human Rights Watch", "organisation", None, "ORG")])
def test_people_and_organisations_are(name: str, kind: str, role: str | None, label: str | None) -> None:
    assert _p(name, kind, role=role, label=label) >= speaker_model().threshold


def test_a_group_keeps_its_statements():
    """A bare group noun quoted once ("police said") sits at the list threshold (0.598 with the model trained on
    149 stories): what the model must get right is that it keeps its statements, as the source a single-sourced
    claim rests on, far above words that are no speaker."""
    police = _p("police", "anonymous")
    assert police >= speaker_model().keep_at
    assert police > max(_p("the report", "anonymous"), _p("pictures", "anonymous")) + 0.2


def test_both_people_of_a_coordinated_source_are_credited_with_its_cue():
    from counterpoint.analyse import analyse_text
    from counterpoint.compare.speakers import cues_by_speaker

    a = analyse_text('"We are thrilled to have her back," said producers Craig Zadan and Neil Meron on Monday.')
    cues = cues_by_speaker(a.statements, a.speakers)
    assert {s.name for s in a.speakers} == {"Craig Zadan", "Neil Meron"}
    assert all(cues.get(s.key) == ["said"] for s in a.speakers)
    assert set(cues_by_speaker(a.statements)) == {a.statements[0].speaker.key}  # without the speakers: only the first


def test_a_group_named_with_what_follows_it_is_read_by_its_head():
    """"Officials familiar with the talks" are officials, not talks: the commonest way news names an
    anonymous source, kept as one."""
    from counterpoint.compare.speakers import FEATURES

    head = FEATURES.index("speaker_head")
    for name in ("Officials familiar with the talks", "sources close to the investigation",
                 "two people with knowledge of the matter"):
        sp = Speaker(name, None, "anonymous", name.lower(), [Span(0, len(name), name)])
        assert speaker_features(sp, [], ["said"])[head] == 1.0, name
    for name in ("Officials familiar with the talks", "sources close to the investigation"):
        assert _p(name, "anonymous") >= speaker_model().keep_at, name


@pytest.mark.parametrize(("role", "shown"), [
    ("rumour that has been", None), ("’s official website", None), ("26-year-old", None), ("himself", None),
    ("CNN’s", "CNN"), ("of Metropolis", "Metropolis"), ("its head ( )", "its head"), ("staff at The", "staff"),
    ("fire service ’ s", "fire service"), ("spokeswoman for Google", "spokeswoman for Google"),
    ("Pentagon spokesman", "Pentagon spokesman"), ("health ministry’s spokesman", "health ministry’s spokesman"),
    ("head of Iran's Seismic Research Center", "head of Iran's Seismic Research Center")])
def test_a_role_is_shown_without_the_scraps_of_its_sentence(role: str, shown: str | None) -> None:
    """Read off our keyed stories' comparisons, where such scraps printed "Banksy (rumour that has been)"."""
    assert shown_role(role) == shown

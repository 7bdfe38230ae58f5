"""coach review, pure: the seed-content fixture of buiv (§2.1.4), evidence, tips, answers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from coach.model import SessionInfo, Transcript, TranscriptTurn
from coach.review import answers_of, review, to_dict
from coach.review_markdown import review_markdown
from coach.rubric_files import load_rubric
from coach.ui.review_view import highlighted, show_review

REPO = Path(__file__).resolve().parent.parent
BUIV = load_rubric(REPO / "rubrics" / "buiv.yaml")

# The constructed gold and weak answers of the seed brief's worked example (§2.1.4), with
# "Paul" as the other person; each weak answer scores what the table there says.
GOLD = {
    "beleven": (
        "In het directieberaad van dinsdag zei Paul twee keer dat we te veel tijd kwijt zijn "
        "aan de problemen van andere scholen, en hij liet doorschemeren dat die scholen dat aan "
        "hun eigen weifelende houding te danken hebben. Ik zat tegenover hem en werd kortaf; in "
        "mijn ogen deed hij arrogant."
    ),
    "uitleven": (
        "Ik was geïrriteerd en eerlijk gezegd ook boos namens mijn collega-rectoren. En ergens "
        "onzeker: doe ik als bestuurder genoeg voor die scholen?"
    ),
    "inleven": (
        "Als ik me in Paul verplaats: misschien ergert hij zich aan hoeveel vergadertijd naar "
        "andermans problemen gaat, terwijl hij met onderwijs bezig wil zijn. Voor hem is "
        "vakinhoud waarschijnlijk belangrijk; hij was ooit leraar. Eigenlijk weet ik weinig van "
        "hem."
    ),
    "voorleven": (
        'Ik begin in zijn werkkamer met echte interesse en vraag eerst: "Hoe ben jij eigenlijk '
        'in het onderwijs terechtgekomen?" Daarna vertel ik eerlijk dat ik me in het beraad '
        "ergerde."
    ),
    "opening": "Hoe ben jij eigenlijk in het onderwijs terechtgekomen?",
}
WEAK = {
    "beleven": "Paul was weer eens arrogant, zoals altijd.",
    "uitleven": "Ik had het gevoel dat hij zich boven de anderen plaatste.",
    "inleven": "Hij vindt zichzelf gewoon beter dan de rest.",
    "voorleven": "Ik ga hem duidelijk maken dat dit gedrag niet kan en dat hij zich moet aanpassen.",
}
VAGUE_VOORLEVEN = "Ik wil gewoon open staan en een goed gesprek hebben."


def session(status: str = "completed") -> SessionInfo:
    return SessionInfo(
        id=7,
        uuid="0" * 32,
        dialogue_id="buiv",
        dialogue_version=2,
        dialogue_hash="h",
        dialogue_title="Beleven, Uitleven, Inleven, Voorleven",
        dialogue_path=None,
        subject="Paul",
        status=status,
        started_at="2026-11-24T10:00:00.000Z",
        updated_at="2026-11-24T10:20:00.000Z",
        ended_at="2026-11-24T10:20:00.000Z",
        answers=5,
    )


def transcript_of(*answers: tuple[str, str, str], status: str = "completed") -> Transcript:
    """A transcript from (node, kind, text) user turns, each after a coach question."""
    turns = []
    for node, kind, text in answers:
        turns.append(TranscriptTurn(len(turns) + 1, node, node, kind, "coach", "Vraag?", None, "t"))
        turns.append(TranscriptTurn(len(turns) + 1, node, node, kind, "user", text, None, "t"))
    return Transcript(session(status), tuple(turns))


def levels(answers: dict[str, str]) -> dict[str, int]:
    record = transcript_of(*((node, "ask", text) for node, text in answers.items()))
    return {item.criterion.id: item.level.level for item in review(BUIV, record).criteria}


def test_the_gold_answers_score_2_on_every_step_and_as_a_whole() -> None:
    assert levels(GOLD) == {
        "beleven": 2,
        "uitleven": 2,
        "inleven": 2,
        "voorleven": 2,
        "opening": 2,
        "compleet": 2,
        "samenhang": 2,  # 'onderwijs' in both inleven and voorleven
        "nieuwsgierig": 2,  # no judgement left in voorleven, and a question
    }


def test_the_weak_answers_score_what_the_seed_table_says() -> None:
    found = levels(WEAK)
    assert (found["beleven"], found["uitleven"], found["voorleven"]) == (0, 1, 0)
    assert found["inleven"] in (0, 1)  # the table: 1, or 0 when a judgement is found
    assert found["nieuwsgierig"] == 0


def test_a_good_but_vague_voorleven_scores_1() -> None:
    assert levels({**GOLD, "voorleven": VAGUE_VOORLEVEN})["voorleven"] == 1


def test_a_level_1_beleven_names_the_event_but_not_what_was_said() -> None:
    found = levels({"beleven": "In het directieberaad deed hij nogal uit de hoogte."})
    assert found["beleven"] == 1


def test_every_criterion_below_the_top_has_evidence_or_a_need_and_a_tip() -> None:
    record = transcript_of(*((node, "ask", text) for node, text in WEAK.items()))
    for item in review(BUIV, record).criteria:
        if item.level.level < item.criterion.top:
            assert item.tip, item.criterion.id
            assert item.evidence or item.lacking, item.criterion.id
        else:
            assert item.tip == ""


def test_evidence_points_at_the_words_in_the_answer() -> None:
    record = transcript_of(*((node, "ask", text) for node, text in WEAK.items()))
    result = {item.criterion.id: item for item in review(BUIV, record).criteria}
    beleven = result["beleven"]
    assert {(e.text, e.reason) for e in beleven.evidence} >= {
        ("arrogant", "oordelen"),
        ("weer eens", "generaliseren"),
    }
    for found in beleven.evidence:
        assert WEAK["beleven"][found.start : found.end] == found.text
        assert found.answer == "beleven"
    in_the_way = [e.text for e in result["voorleven"].evidence if not e.supports]
    assert "duidelijk maken" in in_the_way
    assert result["uitleven"].lacking == ("een woord uit ‘Gevoelswoorden’",)
    assert result["uitleven"].next_level == 2


def test_what_a_higher_level_needs_is_one_line_for_an_or() -> None:
    record = transcript_of(("beleven", "ask", "Hij doet altijd zo."))
    beleven = review(BUIV, record).criteria[0]
    assert beleven.level.level == 0
    assert beleven.lacking == (
        "een woord uit ‘Tijd, plaats en gelegenheid’ of een woord uit ‘Wat iemand zei of deed’",
    )


def test_an_unanswered_step_scores_the_lowest_level() -> None:
    record = transcript_of(("beleven", "skip", ""), ("uitleven", "ask", "Boos."))
    result = {item.criterion.id: item for item in review(BUIV, record).criteria}
    assert result["beleven"].level.level == 0
    assert result["beleven"].answer == ""
    assert result["beleven"].lacking == ("een antwoord op deze vraag",)
    assert result["compleet"].level.level == 1
    assert result["inleven"].answer == ""  # never asked: no answer either


def test_the_same_transcript_and_rubric_give_the_same_review() -> None:
    record = transcript_of(*((node, "ask", text) for node, text in GOLD.items()))
    first, second = to_dict(review(BUIV, record)), to_dict(review(BUIV, record))
    assert first == second
    assert first["rubric"] == {
        "id": "buiv",
        "version": 1,
        "hash": BUIV.content_hash,
        "title": BUIV.title,
    }
    assert (first["total"], first["top"]) == (16, 16)


def test_answers_join_follow_ups_and_keep_the_last_visit() -> None:
    turns = [
        TranscriptTurn(1, "beleven", "beleven", "ask", "user", "Eerste.", None, "t"),
        TranscriptTurn(2, "beleven", "beleven", "probe", "coach", "En?", None, "t"),
        TranscriptTurn(3, "beleven", "beleven", "probe", "user", "Tweede.", None, "t"),
        TranscriptTurn(4, "inleven", "inleven", "ask", "user", "Oud.", None, "t"),
        TranscriptTurn(5, "inleven", "inleven", "ask", "user", "Nieuw.", None, "t"),
        TranscriptTurn(6, "zekerheid", None, "scale", "user", "7/10", 7, "t"),
        TranscriptTurn(7, "voorbereiden", None, "choose", "user", "2", "Nee", "t"),
        TranscriptTurn(8, "voorbereiding/uitleven", "uitleven", "ask", "user", "Boos.", None, "t"),
        TranscriptTurn(9, "onbekend", None, "skip", "user", "", None, "t"),
        TranscriptTurn(10, "uitleven", "uitleven", "safety", "user", "1", "Ja", "t"),
    ]
    answers = answers_of(Transcript(session(), tuple(turns)))
    assert answers == {
        "beleven": "Eerste.\nTweede.",
        "inleven": "Nieuw.",
        "zekerheid": 7,
        "voorbereiden": "Nee",
        "voorbereiding.uitleven": "Boos.",
        "onbekend": "",
    }


def test_highlighting_stays_on_the_words_when_control_characters_are_shown() -> None:
    text = "Hij\x1b[2J was arrogant."
    record = transcript_of(("beleven", "ask", text))
    beleven = review(BUIV, record).criteria[0]
    shown = highlighted(text, beleven.evidence)
    assert shown.plain == "Hij␛[2J was arrogant."
    marked = [shown.plain[span.start : span.end] for span in shown.spans]
    assert marked == ["arrogant"]


def test_the_screen_shows_levels_evidence_and_tips(tmp_path: Path) -> None:
    record = transcript_of(*((node, "ask", text) for node, text in WEAK.items()))
    console = Console(record=True, width=100, color_system=None)
    show_review(console, review(BUIV, record), record)
    screen = " ".join(console.export_text().split())  # the columns pad with spaces
    assert "Beleven 0 van 2 · alleen een oordeel of een algemeen beeld" in screen
    assert "gevonden: arrogant (Oordelen over een persoon)" in screen
    assert "in de weg: duidelijk maken" in screen
    assert "voor 2 nodig: een woord uit ‘Gevoelswoorden’" in screen
    assert "tip: Kies één moment" in screen
    assert "Totaal:" in screen


def test_the_markdown_review_escapes_answers_and_bolds_evidence() -> None:
    record = transcript_of(("beleven", "ask", "# Hij was *weer* arrogant"))
    text = review_markdown(review(BUIV, record), record)
    assert "> \\# Hij was \\*weer\\* **arrogant**" in text
    assert "## Beleven: 0 van 2" in text


@pytest.mark.parametrize("status", ["completed", "paused"])
def test_session_names_are_readable_in_conditions(status: str) -> None:
    from coach.expr import Scope, holds, parse

    record = transcript_of(("beleven", "ask", "x"), status=status)
    names = {
        "session.completed": record.session.status == "completed",
    }
    assert holds(parse("session.completed"), Scope(names.get)) is (status == "completed")


def test_a_follow_up_that_replaces_takes_the_place_of_the_answer() -> None:
    turns = [
        TranscriptTurn(1, "voorleven", "voorleven", "ask", "user", "Ik ga het zeggen.", None, "t"),
        TranscriptTurn(
            2,
            "voorleven",
            "voorleven",
            "probe",
            "coach",
            "Hoe?",
            {"rule": "r", "replace": True},
            "t",
        ),
        TranscriptTurn(3, "voorleven", "voorleven", "probe", "user", "Ik vraag eerst.", None, "t"),
        TranscriptTurn(4, "voorleven", "voorleven", "probe", "coach", "En?", {"rule": "s"}, "t"),
        TranscriptTurn(
            5, "voorleven", "voorleven", "probe", "user", "Daarna luister ik.", None, "t"
        ),
    ]
    answers = answers_of(Transcript(session(), tuple(turns)))
    assert answers == {"voorleven": "Ik vraag eerst.\nDaarna luister ik."}


def test_the_review_sees_the_answers_the_dialogue_kept(
    run_cli: Callable[..., Any], coach_home: Path
) -> None:
    """Played through the real engine and store, follow-ups that add and follow-ups that
    replace: the answers a review rebuilds from the transcript are the ones the engine kept."""
    from coach.engine import Engine
    from coach.store import Store

    answers = [
        "zijn houding in het overleg",
        WEAK["beleven"],
        "Dat weet ik niet precies meer.",
        "Gewoon, zoals altijd.",
        WEAK["uitleven"],
        "Dat hij zich beter voelt dan wij.",
        "Weet ik niet.",
        WEAK["inleven"],
        "Hij denkt dat hij gelijk heeft.",
        "Geen idee.",
        "",
        WEAK["voorleven"],
        "Hij moet gewoon normaal doen.",
        "Waarom doe je zo?",
        "Waarom doe je zo?",
        "Wat maakte dat je dat zei?",
        "2",
        "3",
        "1",
    ]
    result = run_cli("run", "buiv", "--met", "Paul", input="\n".join(answers) + "\n")
    assert result.code == 0, result.out
    store = Store.open(coach_home)
    try:
        rebuilt = answers_of(store.transcript(1))
        kept = Engine.answers_in(store.state(1))
    finally:
        store.close()
    for name in ("beleven", "uitleven", "inleven", "voorleven", "opening", "zekerheid"):
        assert rebuilt[name] == kept[name], name
    assert rebuilt["voorleven"] == "Hij moet gewoon normaal doen.\nWaarom doe je zo?"
    assert rebuilt["opening"] == "Wat maakte dat je dat zei?"


def test_overlapping_evidence_is_one_bold_stretch_in_markdown() -> None:
    from coach.review import CriterionReview, Evidence

    item = review(BUIV, transcript_of(("beleven", "ask", "Ben ik te snel?"))).criteria[0]
    marks = (
        Evidence("beleven", 0, 6, "Ben ik", "a", "A", True),
        Evidence("beleven", 4, 9, "ik te", "b", "B", False),
    )
    overlapping = CriterionReview(item.criterion, item.level, item.answer, marks, (), None)
    from coach.review_markdown import _criterion

    assert "> **Ben ik te** snel?" in _criterion(overlapping)


def test_words_that_show_a_level_and_block_the_next_are_shown_once_as_in_the_way() -> None:
    record = transcript_of(("voorleven", "ask", "Ik ga hem duidelijk maken dat het zo niet kan."))
    voorleven = {item.criterion.id: item for item in review(BUIV, record).criteria}["voorleven"]
    places = [(e.start, e.end) for e in voorleven.evidence]
    assert len(places) == len(set(places))
    assert [e.supports for e in voorleven.evidence if e.text == "duidelijk maken"] == [False]

"""The buiv conversation: strong answers flow through, weak ones get their follow-up."""

from __future__ import annotations

import pytest

from coach.catalog import load
from coach.engine import Engine
from coach.model import Dialogue
from coach.steps import Advance, Ask, End, Invalid

STRONG = {
    "aanleiding": "hoe hij in het directieberaad over collega-rectoren praat",
    "beleven": "Dinsdag in het directieberaad zei hij twee keer dat de andere scholen hun problemen "
    "aan zichzelf te danken hebben. Ik werd stil en keek naar mijn papieren.",
    "uitleven": "Ik was geïrriteerd en eerlijk gezegd ook onzeker over mijn eigen rol.",
    "inleven": "Misschien ergert hij zich aan hoeveel tijd het overleg kost; voor hem is goed "
    "onderwijs belangrijk en hij wil dat zijn school gezien wordt.",
    "onbekend": "Hoe hij ooit leraar werd.",
    "voorleven": "Ik begin in zijn werkkamer met een vraag over zijn loopbaan en vertel daarna "
    "eerlijk dat ik me in het beraad ergerde.",
    "opening": "Hoe kijk jij terug op het laatste directieberaad?",
    "voorbereiden": "2",
    "zekerheid": "6",
}


@pytest.fixture(scope="module")
def buiv() -> Dialogue:
    return load("buiv")[0]


def walk_to(buiv: Dialogue, node: str) -> Engine:
    engine = Engine(buiv, {"ander": "Paul"})
    engine.start()
    while engine.prompt is not None and engine.prompt.node != node:
        result = engine.answer(STRONG[engine.prompt.node])
        assert isinstance(result, Advance), result
    return engine


def test_strong_answers_get_no_follow_up_and_end_with_the_card(buiv: Dialogue) -> None:
    engine = walk_to(buiv, "afronden")
    result = engine.answer("1")
    assert isinstance(result, Advance)
    end = result.steps[-1]
    assert isinstance(end, End)
    assert end.title == "Gesprekskaart · gesprek met Paul"
    card = dict((line.label, line.text) for line in end.card)
    for step in ("beleven", "inleven", "voorleven"):
        assert card[step.capitalize()] == STRONG[step]
    assert card["Uitleven"] == "Je was geïrriteerd en eerlijk gezegd ook onzeker over je eigen rol."
    assert card["Openingsvraag"] == STRONG["opening"]
    kinds = [turn.kind for turn in result.turns]
    assert "probe" not in kinds


@pytest.mark.parametrize(
    ("node", "weak", "follow_up"),
    [
        ("aanleiding", "het overleg", "Kun je iets meer zeggen"),
        ("beleven", "Hij was weer arrogant.", "Je schrijft ‘arrogant’. Dat is jouw oordeel"),
        (
            "beleven",
            "Hij doet altijd zo in het overleg, dat ken je wel van hem, echt waar.",
            "Je schrijft ‘altijd’. Kun je één moment beschrijven",
        ),
        ("beleven", "geen idee", "Neem gerust even de tijd."),
        (
            "uitleven",
            "Ik had het gevoel dat hij zich boven ons plaatste.",
            "‘gevoel dat’ gaat vooral over wat je dacht dat Paul deed",
        ),
        (
            "uitleven",
            "Het was gewoon een rare situatie in het overleg.",
            "Je noemt het ‘rare’. Welk woord komt er dichter bij?",
        ),
        ("uitleven", "Daar zat ik niet mee.", "Welk gevoel hoort erbij?"),
        (
            "inleven",
            "Hij is gewoon arrogant en vindt zichzelf beter dan de rest.",
            "Je schrijft ‘arrogant’. Stel dat Paul dit moment zelf aan een collega vertelt.",
        ),
        ("inleven", "Ik denk dat ik het te druk had die dag.", "Je schrijft vooral over jezelf"),
        (
            "inleven",
            "Hij keek er anders naar dan ik.",
            "Wat zou voor Paul echt belangrijk zijn geweest",
        ),
        (
            "voorleven",
            "Ik ga hem duidelijk maken dat dit niet kan.",
            "Je schrijft ‘duidelijk maken’. Een gelijkwaardig gesprek begint vaak met een verhaal",
        ),
        (
            "voorleven",
            "Ik wil open staan en een goed gesprek hebben.",
            "Wat ga je dan concreet doen of zeggen",
        ),
        (
            "opening",
            "Vind je het overleg zinvol?",
            "Op die vraag kan Paul met ja of nee antwoorden.",
        ),
        ("opening", "Waarom zeg je dat soort dingen?", "‘Waarom’ kan in een gespannen gesprek"),
    ],
)
def test_each_weak_answer_gets_its_follow_up(
    buiv: Dialogue, node: str, weak: str, follow_up: str
) -> None:
    engine = walk_to(buiv, node)
    result = engine.answer(weak)
    assert isinstance(result, Advance)
    asked = result.steps[-1]
    assert isinstance(asked, Ask) and asked.probe, asked
    assert asked.text.startswith(follow_up), asked.text


def test_a_better_opening_replaces_the_closed_one_on_the_card(buiv: Dialogue) -> None:
    engine = walk_to(buiv, "opening")
    engine.answer("Vind je het overleg zinvol?")
    engine.answer(STRONG["opening"])
    assert engine.answers["opening"] == STRONG["opening"]


def test_sharpening_a_step_comes_back_to_the_closing_choice(buiv: Dialogue) -> None:
    engine = walk_to(buiv, "afronden")
    engine.answer("Inleven aanscherpen")
    prompt = engine.prompt
    assert isinstance(prompt, Ask) and prompt.node == "inleven"
    assert prompt.previous == STRONG["inleven"]  # offered for editing
    engine.answer(STRONG["inleven"] + " Misschien voelt hij zich niet gehoord.")
    assert engine.prompt is not None and engine.prompt.node == "afronden"


def test_met_skips_the_who_question(buiv: Dialogue) -> None:
    engine = Engine(buiv, {"ander": "Paul"})
    advance = engine.start()
    assert engine.prompt is not None and engine.prompt.node == "aanleiding"
    assert "met Paul over" in advance.steps[-1].text


def test_the_who_question_keeps_names_short(buiv: Dialogue) -> None:
    engine = Engine(buiv)
    engine.start()
    assert engine.answer("x" * 81) == Invalid("too_long", {"limit": 80, "length": 81})


def test_a_third_run_explains_less_than_the_first(buiv: Dialogue) -> None:
    def said(session_count: int) -> str:
        engine = Engine(buiv, {"ander": "Paul"}, session_count=session_count)
        return " ".join(step.text for step in engine.start().steps if not isinstance(step, Ask))

    first, second, third = said(1), said(2), said(3)
    assert first == second
    assert len(third) < len(first) / 3
    assert "/hulp" in third  # the way to the full explanation stays

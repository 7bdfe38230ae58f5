"""Mirroring: the user's own words back in the second person."""

from __future__ import annotations

import pytest
from helpers import play

from coach.loader import load_dialogue_text
from coach.reflect import reflect
from coach.steps import Advance, End


@pytest.mark.parametrize(
    ("text", "mirrored"),
    [
        ("ik ben moe", "je bent moe"),
        ("ik heb het gezegd", "je hebt het gezegd"),
        ("ik vind het lastig", "je vindt het lastig"),
        ("ik werk hard", "je werkt hard"),
        ("ik word boos", "je wordt boos"),
        ("ik kan het niet", "je kunt het niet"),
    ],
)
def test_the_verb_after_ik_gets_the_je_form(text: str, mirrored: str) -> None:
    assert reflect(text) == mirrored


@pytest.mark.parametrize(
    ("text", "mirrored"),
    [
        ("dat vind ik lastig", "dat vind je lastig"),
        ("soms heb ik twijfels", "soms heb je twijfels"),
    ],
)
def test_a_verb_before_ik_stays_as_it_is(text: str, mirrored: str) -> None:
    assert reflect(text) == mirrored


@pytest.mark.parametrize(
    ("text", "mirrored"),
    [
        ("hij gaf mij de schuld", "hij gaf je de schuld"),
        ("hij zag me niet", "hij zag je niet"),
        ("dit is voor mij belangrijk", "dit is voor jou belangrijk"),
        ("met mij gaat het goed", "met jou gaat het goed"),
        ("mijn team en m'n collega", "je team en je collega"),
        ("ik schaam me voor mezelf", "je schaamt je voor jezelf"),
    ],
)
def test_pronouns_become_second_person(text: str, mirrored: str) -> None:
    assert reflect(text) == mirrored


def test_capitals_are_kept() -> None:
    assert reflect("Ik ben boos. Mijn team ook.") == "Je bent boos. Je team ook."
    assert reflect("IK BEN KLAAR") == "JE BENT KLAAR"


@pytest.mark.parametrize("text", ["ik vond het lastig", "ik was boos", "ik liep weg"])
def test_the_past_tense_is_unchanged(text: str) -> None:
    assert reflect(text) == "je" + text.removeprefix("ik")


def test_other_words_and_punctuation_are_untouched() -> None:
    text = "De sectie vond, na lang overleg, dat het plan (nog) niet deugt!"
    assert reflect(text) == text


def test_punctuation_ends_the_verb_position() -> None:
    assert reflect("ik, ben") == "je, ben"


def test_the_reflect_filter_in_a_dialogue() -> None:
    dialogue = load_dialogue_text(
        "id: r\nversion: 1\ntitle: R\ndescription: d\nnodes:\n  wat:\n    ask: Wat speelt er?\n"
        "  klaar:\n    end: 'Je schreef: {wat|reflect}.'\n"
    )
    engine = play(dialogue, [])
    advance = engine.answer("Ik vind dat mijn team mij niet hoort")
    assert isinstance(advance, Advance)
    end = advance.steps[-1]
    assert isinstance(end, End)
    assert end.text == "Je schreef: Je vindt dat je team je niet hoort."

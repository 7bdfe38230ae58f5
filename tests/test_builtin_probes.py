"""The two follow-ups coach adds to every question that has follow-ups: one for an answer
that says nothing yet (`weet ik niet`, `zie boven`), one for an answer in English."""

from __future__ import annotations

from helpers import play, questions

from coach.loader import BUILTIN_PROBES, load_dialogue_text
from coach.steps import Advance

DIALOGUE = load_dialogue_text(
    """
id: mini
version: 1
title: Mini
description: Een klein gesprek.
nodes:
  vraag:
    ask: Wat gebeurde er?
    probes:
      - id: kort
        when: words(answer) < 3
        ask: Vertel eens meer.
  einde:
    end: Klaar.
"""
)
NO_ANSWER, ENGLISH = (text for _, _, text in BUILTIN_PROBES)


def first_follow_up(answer: str) -> list[str]:
    engine = play(DIALOGUE, [])
    result = engine.answer(answer)
    assert isinstance(result, Advance)
    return questions(result)


def test_a_non_answer_gets_a_follow_up_when_no_rule_of_the_author_fires() -> None:
    assert first_follow_up("dat staat er toch al boven") == [NO_ANSWER]
    assert first_follow_up("geen idee") == ["Vertel eens meer."]  # the author's rule first


def test_an_answer_in_english_is_noticed_before_the_authors_rules_read_it() -> None:
    assert first_follow_up("I was angry because he ignored me in the meeting") == [ENGLISH]
    assert first_follow_up("Hij negeerde me in de vergadering en ik werd boos") == ["Klaar."]


def test_the_authors_follow_ups_keep_their_place_and_the_builtins_come_after() -> None:
    [node] = [node for node in DIALOGUE.nodes if node.id == "vraag"]
    ids = [probe.id for probe in node.probes]  # what a snapshot's indices point into
    assert ids == ["kort", "geen-antwoord", "engels"]
    assert [probe.id for _, probe in node.probe_order()] == ["engels", "kort", "geen-antwoord"]


def test_a_question_without_follow_ups_gets_none() -> None:
    dialogue = load_dialogue_text(
        "id: m\nversion: 1\ntitle: M\ndescription: D.\nnodes:\n  v:\n    ask: Wat?\n  e:\n    end: x\n"
    )
    [node, _] = dialogue.nodes
    assert node.probes == ()  # type: ignore[union-attr]

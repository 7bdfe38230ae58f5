"""The engine, tested as conversations: answers in, questions and turns out."""

from __future__ import annotations

import json

import pytest
from helpers import play, questions

from coach.engine import MAX_ANSWER_CHARS, Engine, EngineError, pick_option
from coach.loader import load_dialogue_text
from coach.model import Dialogue
from coach.steps import Advance, Ask, Choose, End, Invalid, Rewind, Say, Scale


def accepted(result: Advance | Invalid) -> Advance:
    assert isinstance(result, Advance), result
    return result


def test_start_shows_says_up_to_the_first_question(mini: Dialogue) -> None:
    engine = Engine(mini)
    advance = engine.start()
    assert [type(step) for step in advance.steps] == [Say, Ask]
    assert questions(advance) == ["Welkom.", "Met wie?"]
    assert [(t.seq, t.kind, t.speaker) for t in advance.turns] == [
        (1, "say", "coach"),
        (2, "ask", "coach"),
    ]


def test_a_whole_conversation_ends_with_the_card(mini: Dialogue) -> None:
    engine = play(mini, ["Paul", "Hij zei dat ons plan niet deugt.", "7"])
    assert engine.finished and engine.prompt is None
    assert engine.answers == {
        "ander": "Paul",
        "wat": "Hij zei dat ons plan niet deugt.",
        "zeker": 7,
    }


def test_the_end_step_carries_the_card(mini: Dialogue) -> None:
    engine = play(mini, ["Paul", "Hij zei dat ons plan niet deugt."])
    advance = accepted(engine.answer("7"))
    end = advance.steps[-1]
    assert isinstance(end, End)
    assert end.title == "Kaart voor Paul"
    assert [(line.label, line.text) for line in end.card] == [
        ("Wat", "Hij zei dat ons plan niet deugt."),
        ("Zeker", "7"),
    ]
    assert advance.turns[-1].value == {
        "title": "Kaart voor Paul",
        "card": [["Wat", "Hij zei dat ons plan niet deugt."], ["Zeker", "7"]],
    }


def test_when_skips_a_node_whose_condition_fails(mini: Dialogue) -> None:
    engine = Engine(mini, {"ander": "Paul"})
    assert questions(engine.start()) == ["Welkom.", "Wat gebeurde er met Paul?"]


def test_a_probe_fires_on_its_rule_and_names_the_match(mini: Dialogue) -> None:
    engine = play(mini, ["Paul"])
    advance = accepted(engine.answer("Hij was weer arrogant."))
    assert questions(advance) == ["Je schrijft ‘arrogant’. Wat deed Paul precies?"]
    probe_turn = advance.turns[-1]
    assert (probe_turn.kind, probe_turn.speaker) == ("probe", "coach")
    assert probe_turn.value == {"rule": 'matches(answer, "arrogant|altijd")', "match": "arrogant"}
    prompt = engine.prompt
    assert isinstance(prompt, Ask) and prompt.probe


def test_a_good_answer_gets_no_follow_up(mini: Dialogue) -> None:
    engine = play(mini, ["Paul"])
    advance = accepted(engine.answer("Hij zei in het overleg dat ons plan niet deugt."))
    assert isinstance(advance.steps[-1], Scale)


def test_probe_answers_add_to_the_answer_and_each_probe_fires_once(mini: Dialogue) -> None:
    engine = play(mini, ["Paul", "altijd"])
    advance = accepted(engine.answer("nee"))  # still short: the second probe fires
    assert questions(advance) == ["Kun je meer vertellen?"]
    advance = accepted(engine.answer("Hij keek weg toen ik sprak."))
    assert isinstance(advance.steps[-1], Scale)
    assert engine.answers["wat"] == "altijd\nnee\nHij keek weg toen ik sprak."
    assert [t.kind for t in advance.turns] == ["probe", "scale"]


def test_max_probes_is_never_exceeded() -> None:
    dialogue = load_dialogue_text(
        "id: p\nversion: 1\ntitle: P\ndescription: d\nnodes:\n  a:\n    ask: Vraag?\n"
        "    max_probes: 1\n    probes:\n      - {when: 'true', ask: Een}\n      - {when: 'true', ask: Twee}\n"
        "  b:\n    end: Klaar.\n"
    )
    engine = play(dialogue, ["x"])
    assert engine.prompt is not None and engine.prompt.text == "Een"
    accepted(engine.answer("y"))
    assert engine.finished


def test_verder_skips_the_rest_of_the_follow_ups(mini: Dialogue) -> None:
    engine = play(mini, ["Paul", "arrogant"])
    advance = accepted(engine.skip_probes())
    assert isinstance(advance.steps[-1], Scale)
    assert engine.answers["wat"] == "arrogant"
    assert engine.skip_probes() == Invalid("no_probe")


def test_empty_answers_are_refused(mini: Dialogue) -> None:
    engine = play(mini, [])
    assert engine.answer("   \n") == Invalid("empty")


def test_enter_alone_passes_by_a_follow_up_or_an_optional_question(mini: Dialogue) -> None:
    engine = play(mini, ["Paul", "arrogant"])
    advance = accepted(engine.answer(""))  # at the follow-up: like /verder
    assert isinstance(advance.steps[-1], Scale)
    dialogue = load_dialogue_text(
        "id: s\nversion: 1\ntitle: S\ndescription: d\nnodes:\n  a:\n    ask: Mag overslaan?\n"
        "    optional: true\n  b:\n    end: Klaar.\n"
    )
    engine = play(dialogue, [])
    advance = accepted(engine.answer("  "))
    assert advance.turns[0].kind == "skip" and engine.finished


def test_overlong_answers_are_refused_with_numbers(mini: Dialogue) -> None:
    engine = play(mini, [])
    result = engine.answer("x" * (MAX_ANSWER_CHARS + 1))
    assert result == Invalid(
        "too_long", {"limit": MAX_ANSWER_CHARS, "length": MAX_ANSWER_CHARS + 1}
    )


def test_answers_are_kept_exactly_as_typed(mini: Dialogue) -> None:
    hostile = "  [bold]x[/bold] \x1b[2J {ander} %s\r\n\u202e "
    engine = play(mini, ["Paul", hostile])
    assert engine.answers["wat"] == hostile


def test_limits_max_chars_and_a_single_nudge_for_min_words() -> None:
    dialogue = load_dialogue_text(
        "id: l\nversion: 1\ntitle: L\ndescription: d\nnodes:\n  naam:\n    ask: Naam?\n"
        "    limits: {max_chars: 5}\n  verhaal:\n    ask: Vertel.\n    limits: {min_words: 5}\n"
        "  b:\n    end: Klaar.\n"
    )
    engine = play(dialogue, [])
    assert engine.answer("Pietje") == Invalid("too_long", {"limit": 5, "length": 6})
    accepted(engine.answer("Piet"))
    assert engine.answer("te kort") == Invalid("too_short", {"minimum": 5})
    accepted(engine.answer("nog steeds kort"))  # asked once, never trapped
    assert engine.finished


def test_choose_by_number_label_part_or_near_miss() -> None:
    labels = ["Toon mijn gesprekskaart", "Nog eens naar Inleven kijken", "Voorleven aanscherpen"]
    assert pick_option("2", labels) == 1
    assert pick_option(" 3. ", labels) == 2
    assert pick_option("toon mijn gesprekskaart", labels) == 0
    assert pick_option("nog", labels) == 1
    assert pick_option("inleven", labels) == 1
    assert pick_option("Voorleven aanscherpn", labels) == 2
    assert pick_option("4", labels) == Invalid("no_such_option", {"count": 3})
    assert pick_option("zzz", labels) == Invalid("no_such_option", {"count": 3})
    assert pick_option("ven", labels) == Invalid("ambiguous", {"options": labels[1:]})


def test_choose_follows_goto_and_stores_value_or_label() -> None:
    dialogue = load_dialogue_text(
        "id: c\nversion: 1\ntitle: C\ndescription: d\nnodes:\n  keuze:\n    choose: Verder?\n"
        "    options:\n      - {label: Ja graag, value: ja}\n      - {label: Nee, goto: stop}\n"
        "  door:\n    end: Door.\n  stop:\n    end: Stop.\n"
    )
    engine = play(dialogue, ["nee"])
    assert engine.answers == {"keuze": "Nee"}
    assert engine.finished
    engine = play(dialogue, ["1"])
    assert engine.answers == {"keuze": "ja"}


def test_scale_accepts_whole_numbers_in_range(mini: Dialogue) -> None:
    engine = play(mini, ["Paul", "Hij zei dat ons plan niet deugt."])
    assert engine.answer("elf") == Invalid("not_a_number", {"low": 1, "high": 10})
    assert engine.answer("11") == Invalid("out_of_range", {"low": 1, "high": 10})
    advance = accepted(engine.answer(" 8/10 "))
    assert advance.turns[0].value == 8 and advance.turns[0].text == " 8/10 "


def test_branch_takes_the_first_rule_that_holds() -> None:
    dialogue = load_dialogue_text(
        "id: b\nversion: 1\ntitle: B\ndescription: d\nnodes:\n  n:\n    scale: Hoe?\n    range: [1, 10]\n"
        "  splits:\n    branch:\n      - {when: n >= 7, goto: hoog}\n      - {when: n >= 4, goto: midden}\n"
        "      - goto: laag\n  hoog:\n    end: Hoog.\n  midden:\n    end: Midden.\n  laag:\n    end: Laag.\n"
    )
    for answer, text in (("9", "Hoog."), ("5", "Midden."), ("1", "Laag.")):
        engine = Engine(dialogue)
        engine.start()
        end = accepted(engine.answer(answer)).steps[-1]
        assert isinstance(end, End) and end.text == text


def test_skip_only_for_optional_questions() -> None:
    dialogue = load_dialogue_text(
        "id: s\nversion: 1\ntitle: S\ndescription: d\nnodes:\n  a:\n    ask: Verplicht?\n"
        "  b:\n    ask: Mag overslaan?\n    optional: true\n  c:\n    end: 'Klaar: {b}'\n"
    )
    engine = play(dialogue, [])
    assert engine.skip() == Invalid("not_optional")
    accepted(engine.answer("x"))
    advance = accepted(engine.skip())
    skipped = advance.turns[0]
    assert (skipped.kind, skipped.speaker, skipped.text) == ("skip", "user", "")
    end = advance.steps[-1]
    assert isinstance(end, End) and end.text == "Klaar: …"


def test_undo_asks_the_last_question_again_and_forgets_the_answer(mini: Dialogue) -> None:
    engine = play(mini, ["Paul", "arrogant"])
    result = engine.undo()
    assert isinstance(result, Rewind)
    assert result.previous == "arrogant"
    assert result.keep_turns == 4  # welcome, who?, Paul, what happened?
    assert result.prompt.text == "Wat gebeurde er met Paul?" and not result.prompt.probe
    assert "wat" not in engine.answers
    advance = accepted(engine.answer("Hij zei dat ons plan niet deugt."))
    assert advance.turns[0].seq == 5


def test_undo_twice_and_undo_with_nothing_to_undo(mini: Dialogue) -> None:
    engine = play(mini, ["Paul"])
    assert isinstance(engine.undo(), Rewind)
    assert engine.undo() == Invalid("nothing_to_undo")
    assert engine.prompt is not None and engine.prompt.text == "Met wie?"


def test_snapshot_restores_to_the_same_place(mini: Dialogue) -> None:
    engine = play(mini, ["Paul", "arrogant"])
    snapshot = json.loads(json.dumps(engine.snapshot()))  # it must survive JSON
    again = Engine.restore(mini, snapshot)
    assert again.prompt == engine.prompt
    assert again.answers == engine.answers
    assert isinstance(again.undo(), Rewind)
    advance = accepted(Engine.restore(mini, snapshot).answer("Hij keek weg toen ik sprak."))
    assert advance.turns[0].seq == 7


def test_restore_refuses_a_snapshot_that_no_longer_fits(mini: Dialogue) -> None:
    engine = play(mini, ["Paul"])
    snapshot = engine.snapshot()
    snapshot["state"]["node"] = "verdwenen"
    with pytest.raises(EngineError, match="bestaat niet meer"):
        Engine.restore(mini, snapshot)
    with pytest.raises(EngineError, match="onleesbaar"):
        Engine.restore(mini, {"version": 1, "state": "kapot"})


def test_a_loop_without_questions_is_stopped() -> None:
    dialogue = load_dialogue_text(
        # The way out (x == 1) is never taken: only the engine can notice that at run time.
        "id: k\nversion: 1\ntitle: K\ndescription: d\nnodes:\n  a:\n    say: Rond.\n    next: b\n"
        "  b:\n    branch:\n      - {when: x == 1, goto: c}\n      - goto: a\n"
        "  c:\n    ask: Klaar?\n    into: x\n"
    )
    with pytest.raises(EngineError, match="rondgaan"):
        Engine(dialogue).start()


def test_running_off_the_end_finishes_quietly() -> None:
    dialogue = load_dialogue_text(
        "id: e\nversion: 1\ntitle: E\ndescription: d\nnodes:\n  a:\n    ask: Ja?\n"
    )
    engine = play(dialogue, ["ja"])
    assert engine.finished


def test_choose_step_lists_rendered_options() -> None:
    dialogue = load_dialogue_text(
        "id: o\nversion: 1\ntitle: O\ndescription: d\nnodes:\n  wie:\n    ask: Wie?\n"
        "  keuze:\n    choose: Wat nu?\n    options: ['Verder met {wie}', Stoppen]\n  eind:\n    end: Klaar.\n"
    )
    engine = play(dialogue, ["Paul"])
    assert isinstance(engine.prompt, Choose)
    assert engine.prompt.options == ("Verder met Paul", "Stoppen")


def test_the_engine_imports_no_terminal_storage_or_yaml_library() -> None:
    import subprocess
    import sys

    code = (
        "import sys, coach.engine\n"
        "bad = {'rich', 'prompt_toolkit', 'sqlite_utils', 'sqlite3', 'yaml', 'jsonschema'} & set(sys.modules)\n"
        "print(sorted(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


REPLACING = """\
id: r
version: 1
title: R
description: d
nodes:
  opening:
    ask: Met welke vraag open je?
    probes:
      - when: matches(answer, "^(vind|ben|is)\\b")
        ask: Kun je hem open stellen?
        replace: true
      - when: words(answer) < 4
        ask: Wat nog meer?
  terug:
    choose: Klaar?
    options: [Ja, {label: Nog eens, goto: opening}]
  einde:
    end: Klaar.
    summary: [opening]
"""


def test_a_replacing_follow_up_replaces_the_answer() -> None:
    dialogue = load_dialogue_text(REPLACING)
    engine = play(dialogue, ["Vind je het overleg zinvol?", "Hoe kijk jij terug op het overleg?"])
    assert engine.answers["opening"] == "Hoe kijk jij terug op het overleg?"


def test_an_adding_follow_up_adds_to_the_answer() -> None:
    dialogue = load_dialogue_text(REPLACING)
    engine = play(dialogue, ["Hoe gaat het?", "En met de klas?"])
    assert engine.answers["opening"] == "Hoe gaat het?\nEn met de klas?"


def test_a_question_asked_again_offers_the_earlier_answer() -> None:
    dialogue = load_dialogue_text(REPLACING)
    engine = play(dialogue, ["Hoe kijk jij terug op het overleg van dinsdag?"])
    assert isinstance(engine.prompt, Choose) and engine.prompt.previous == ""
    accepted(engine.answer("nog eens"))
    assert isinstance(engine.prompt, Ask)
    assert engine.prompt.previous == "Hoe kijk jij terug op het overleg van dinsdag?"


def test_the_card_so_far_has_only_answered_lines(mini: Dialogue) -> None:
    engine = play(mini, ["Paul"])
    assert engine.card_so_far() == ("Kaart voor Paul", ())
    engine = play(mini, ["Paul", "Hij zei dat ons plan niet deugt."])
    _, lines = engine.card_so_far()
    assert [(line.label, line.text) for line in lines] == [
        ("Wat", "Hij zei dat ons plan niet deugt.")
    ]


def test_base_prompt_is_the_question_behind_a_follow_up(mini: Dialogue) -> None:
    engine = play(mini, ["Paul", "arrogant"])
    assert engine.prompt is not None and engine.prompt.text.startswith("Je schrijft")
    base = engine.base_prompt()
    assert base is not None and base.text == "Wat gebeurde er met Paul?"

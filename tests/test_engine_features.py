"""The engine's newer features, tested as conversations: variants, session count, memory,
sub-dialogues, validation of what they refer to, the safety net and old snapshots."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import play, questions

from coach.engine import GENTLY, Engine
from coach.errors import DialogueError, Issue
from coach.expr import Value
from coach.loader import inspect_dialogue, load_dialogue, load_dialogue_text
from coach.model import Dialogue
from coach.safety import CHECK_IN
from coach.steps import Advance, Ask, Choose, End, Invalid, Rewind, Say

HEAD = "id: {id}\nversion: 1\ntitle: T\ndescription: d\n"


def dialogue(body: str, id: str = "t") -> Dialogue:
    return load_dialogue_text(HEAD.format(id=id) + body, f"{id}.yaml")


def accepted(result: Advance | Invalid) -> Advance:
    assert isinstance(result, Advance), result
    return result


def issues_of(text: str) -> list[Issue]:
    with pytest.raises(DialogueError) as caught:
        load_dialogue_text(HEAD.format(id="t") + text, "t.yaml")
    return caught.value.issues


def codes(issues: list[Issue]) -> list[str]:
    return [issue.code for issue in issues]


# -- variants and the session count ------------------------------------------------------------

VARIANTS = dialogue(
    """\
nodes:
  hallo:
    say: [Welkom., Fijn dat je er bent., Goed je te zien.]
  uitleg:
    when: session.count == 1
    say: Ik leg eerst uit hoe dit gaat.
  vraag:
    ask: [Wat speelt er?, Waar denk je aan?]
  klaar:
    end: Klaar.
"""
)


def welcome(seed: int, session_count: int = 1) -> list[str]:
    return questions(Engine(VARIANTS, seed=seed, session_count=session_count).start())


def test_the_same_seed_always_gives_the_same_text() -> None:
    assert all(welcome(seed) == welcome(seed) for seed in range(20))


def test_different_seeds_can_give_different_texts() -> None:
    assert len({welcome(seed)[0] for seed in range(20)}) > 1


def test_every_variant_appears_for_some_seed() -> None:
    shown = [welcome(seed) for seed in range(100)]
    assert {texts[0] for texts in shown} == {"Welkom.", "Fijn dat je er bent.", "Goed je te zien."}
    assert {texts[-1] for texts in shown} == {"Wat speelt er?", "Waar denk je aan?"}


def test_session_count_shortens_the_welcome() -> None:
    assert "Ik leg eerst uit hoe dit gaat." in welcome(0, session_count=1)
    assert "Ik leg eerst uit hoe dit gaat." not in welcome(0, session_count=2)
    assert len(welcome(0, session_count=2)) == 2


# -- memory ------------------------------------------------------------------------------------

REMEMBERING = dialogue(
    """\
subject: ander
remember: [doel]
nodes:
  wie:
    when: not answered(ander)
    ask: Met wie?
    into: ander
  terug:
    when: answered(previous.doel)
    say: 'Vorige keer wilde je: {previous.doel}.'
  doel:
    ask: Wat wil je bereiken met {ander}?
  klaar:
    end: Klaar.
"""
)


class Recorder:
    """A memory that remembers one thing about Paul, and notes what it was asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str, tuple[str, ...]]] = []

    def __call__(self, dialogue_id: str, subject: str, names: tuple[str, ...]) -> dict[str, Value]:
        self.asked.append((dialogue_id, subject, names))
        if subject == "Paul":
            return {"doel": "dat hij op tijd komt", "geheim": "niet onthouden"}
        return {}


def test_previous_answers_appear_once_the_subject_is_answered() -> None:
    memory = Recorder()
    engine = Engine(REMEMBERING, memory=memory)
    assert questions(engine.start()) == ["Met wie?"]
    advance = accepted(engine.answer("Paul"))
    assert questions(advance) == [
        "Vorige keer wilde je: dat hij op tijd komt.",
        "Wat wil je bereiken met Paul?",
    ]
    assert memory.asked == [("t", "Paul", ("doel",))]


def test_previous_answers_appear_for_a_preset_subject() -> None:
    engine = Engine(REMEMBERING, {"ander": "Paul"}, memory=Recorder())
    assert questions(engine.start())[0] == "Vorige keer wilde je: dat hij op tijd komt."


def test_nothing_is_remembered_about_someone_else() -> None:
    engine = Engine(REMEMBERING, {"ander": "Mira"}, memory=Recorder())
    assert questions(engine.start()) == ["Wat wil je bereiken met Mira?"]


def test_only_names_under_remember_are_kept() -> None:
    engine = Engine(REMEMBERING, {"ander": "Paul"}, memory=Recorder())
    engine.start()
    previous = engine.snapshot()["state"]["frames"][0]["previous"]
    assert previous == {"doel": "dat hij op tijd komt"}


# -- sub-dialogues -----------------------------------------------------------------------------

CALLER = """\
id: hoofd
version: 1
title: Hoofd
description: d
nodes:
  wie:
    ask: Met wie?
    into: ander
  spanning:
    call: gevoel
{bindings}    into: gevoel
  slot:
    ask: Wat neem je mee over {{gevoel.wat}}?
  klaar:
    end: Klaar met {{ander}}.
"""

CALLEE = """\
id: gevoel
version: 1
title: Gevoel
description: d
nodes:
  persoon:
    when: not answered(persoon)
    ask: Over wie gaat het?
  wat:
    ask: Wat voelde je bij {persoon}?
  sterk:
    scale: Hoe sterk?
    range: [1, 10]
  einde:
    end: Dat was het gevoel.
"""


@pytest.fixture
def calling(tmp_path: Path) -> Callable[..., Dialogue]:
    def load(bindings: str = "    with: {persoon: ander}\n") -> Dialogue:
        (tmp_path / "gevoel.yaml").write_text(CALLEE, encoding="utf-8")
        path = tmp_path / "hoofd.yaml"
        path.write_text(CALLER.format(bindings=bindings), encoding="utf-8")
        return load_dialogue(path)

    return load


def test_with_presets_the_callees_answer_so_its_question_is_skipped(
    calling: Callable[..., Dialogue],
) -> None:
    engine = play(calling(), [])
    advance = accepted(engine.answer("Paul"))
    assert questions(advance) == ["Wat voelde je bij Paul?"]


def test_session_called_is_true_inside_a_sub_dialogue_only(
    calling: Callable[..., Dialogue], tmp_path: Path
) -> None:
    callee = CALLEE.replace(
        "nodes:\n",
        "nodes:\n  uitleg:\n    when: not session.called\n    say: Lange uitleg.\n"
        "  kort:\n    when: session.called\n    say: Kort.\n",
    )
    (tmp_path / "gevoel.yaml").write_text(callee, encoding="utf-8")
    alone = Engine(load_dialogue(tmp_path / "gevoel.yaml"))
    assert alone.start().steps[0].text == "Lange uitleg."
    path = tmp_path / "hoofd.yaml"
    path.write_text(CALLER.format(bindings="    with: {persoon: ander}\n"), encoding="utf-8")
    engine = play(load_dialogue(path), [])
    assert accepted(engine.answer("Paul")).steps[0].text == "Kort."


def test_without_with_the_callee_asks_for_it(calling: Callable[..., Dialogue]) -> None:
    engine = play(calling(bindings=""), [])
    advance = accepted(engine.answer("Paul"))
    assert questions(advance) == ["Over wie gaat het?"]


def test_the_callees_answers_come_back_under_into(calling: Callable[..., Dialogue]) -> None:
    engine = play(calling(), ["Paul", "Boos", "7"])
    assert engine.prompt is not None
    assert engine.prompt.text == "Wat neem je mee over Boos?"
    assert engine.answers == {
        "ander": "Paul",
        "gevoel.persoon": "Paul",
        "gevoel.wat": "Boos",
        "gevoel.sterk": 7,
    }


def test_the_callees_end_is_shown_but_does_not_finish(calling: Callable[..., Dialogue]) -> None:
    engine = play(calling(), ["Paul", "Boos"])
    advance = accepted(engine.answer("7"))
    end = advance.steps[0]
    assert isinstance(end, End) and end.text == "Dat was het gevoel." and not end.final
    assert not engine.finished


def test_the_callees_turns_are_named_after_the_call(calling: Callable[..., Dialogue]) -> None:
    engine = play(calling(), ["Paul", "Boos"])
    advance = accepted(engine.answer("7"))
    assert [(turn.node, turn.kind) for turn in advance.turns] == [
        ("spanning/sterk", "scale"),
        ("spanning/einde", "end"),
        ("slot", "ask"),
    ]


def test_undo_goes_back_into_the_callee(calling: Callable[..., Dialogue]) -> None:
    engine = play(calling(), ["Paul", "Boos", "7"])
    rewind = engine.undo()
    assert isinstance(rewind, Rewind)
    assert rewind.prompt.node == "spanning/sterk" and rewind.previous == "7"
    assert "gevoel.sterk" not in engine.answers
    accepted(engine.answer("3"))
    assert engine.answers["gevoel.sterk"] == 3


def test_undo_goes_back_out_of_the_callee(calling: Callable[..., Dialogue]) -> None:
    engine = play(calling(), ["Paul"])
    rewind = engine.undo()
    assert isinstance(rewind, Rewind)
    assert rewind.prompt.node == "wie" and rewind.previous == "Paul"


def test_a_snapshot_inside_the_callee_restores_and_continues(
    calling: Callable[..., Dialogue],
) -> None:
    hoofd = calling()
    engine = play(hoofd, ["Paul", "Boos"])
    snapshot = json.loads(json.dumps(engine.snapshot()))
    again = Engine.restore(hoofd, snapshot)
    assert again.prompt == engine.prompt
    assert again.current_dialogue.id == "gevoel"
    assert again.answer("7") == engine.answer("7")
    accepted(again.answer("Dat ik het eerder zeg."))
    assert again.finished
    assert again.answers["gevoel.sterk"] == 7


# -- validation --------------------------------------------------------------------------------


def test_an_unknown_lexicon_is_an_error_with_a_suggestion() -> None:
    [issue] = issues_of(
        "nodes:\n  a:\n    ask: Wat?\n    probes:\n      - when: mentions(answer, 'emotie')\n"
        "        ask: Meer?\n"
    )
    assert (issue.code, issue.line) == ("UNKNOWN_LEXICON", 9)
    assert issue.hint == "bedoel je 'emoties'?"


def test_an_unknown_dialogue_is_an_error() -> None:
    [issue] = issues_of("nodes:\n  a:\n    call: bestaat-niet\n")
    assert (issue.code, issue.line) == ("UNKNOWN_DIALOGUE", 7)


def test_a_dialogue_calling_itself_is_a_cycle(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(HEAD.format(id="c") + "nodes:\n  a:\n    ask: Wat?\n  b:\n    call: c\n")
    result = inspect_dialogue(path)
    assert result.dialogue is None
    assert [(i.code, i.line) for i in result.issues] == [("CALL_CYCLE", 9)]


def write_cycle(tmp_path: Path) -> Path:
    for here, there in (("a", "b"), ("b", "a")):
        (tmp_path / f"{here}.yaml").write_text(
            HEAD.format(id=here) + f"nodes:\n  v:\n    ask: Wat?\n  naar:\n    call: {there}\n"
        )
    return tmp_path / "a.yaml"


def test_a_dialogue_calling_itself_via_another_is_refused_and_named(tmp_path: Path) -> None:
    result = inspect_dialogue(write_cycle(tmp_path))
    assert result.dialogue is None
    assert any("a → b → a" in issue.format() for issue in result.issues)


def test_a_dialogue_calling_itself_via_another_has_the_code_call_cycle(tmp_path: Path) -> None:
    result = inspect_dialogue(write_cycle(tmp_path))
    assert "CALL_CYCLE" in codes(result.issues)


def test_a_binding_to_an_answer_the_callee_does_not_have(
    calling: Callable[..., Dialogue],
) -> None:
    with pytest.raises(DialogueError) as caught:
        calling(bindings="    with: {persoom: ander}\n")
    [issue] = caught.value.issues
    assert (issue.code, issue.path) == ("UNKNOWN_BINDING", "nodes.spanning.with.persoom")
    assert issue.hint == "bedoel je 'persoon'?"


def test_a_binding_from_an_answer_that_does_not_exist_here(
    calling: Callable[..., Dialogue],
) -> None:
    with pytest.raises(DialogueError) as caught:
        calling(bindings="    with: {persoon: andere}\n")
    assert codes(caught.value.issues) == ["UNDEFINED_NAME"]


def test_remember_must_name_an_answer() -> None:
    [issue] = issues_of("remember: [a, b]\nnodes:\n  a:\n    ask: Wat?\n")
    assert (issue.code, issue.path) == ("UNKNOWN_REMEMBER", "remember[1]")


def test_previous_of_a_name_not_remembered_is_undefined() -> None:
    [issue] = issues_of("remember: [a]\nnodes:\n  a:\n    ask: 'Vorige keer: {previous.b}'\n")
    assert (issue.code, issue.line) == ("UNDEFINED_NAME", 8)
    assert "remember" in issue.hint


# -- the safety net ----------------------------------------------------------------------------

SAFE = dialogue(
    """\
nodes:
  hoe:
    ask: Hoe gaat het?
    probes:
      - when: words(answer) < 8
        ask: Vertel eens meer.
  daarna:
    ask: Wat wil je bespreken?
  klaar:
    end: Klaar.
"""
)
WORRY = "Ik slaap al weken nauwelijks."
LONG = "Het gaat, maar {} met deze klas en dit rooster."


def held(text: str = WORRY) -> tuple[Engine, Advance]:
    engine = play(SAFE, [])
    return engine, accepted(engine.answer(text))


def test_a_worrying_answer_shows_where_to_find_help_then_asks_to_go_on() -> None:
    engine, advance = held()
    say, choose = advance.steps
    assert isinstance(say, Say) and say.style == "safety"
    for name in ("vertrouwenspersoon", "bedrijfsarts", "huisarts", "113", "0800-0113"):
        assert name in say.text
    assert isinstance(choose, Choose) and choose.options == ("Ja, ga verder", "Nee, stop voor nu")
    assert engine.prompt == choose


def test_the_answer_is_kept_before_the_pause() -> None:
    engine, advance = held()
    turns = [(turn.kind, turn.speaker, turn.text) for turn in advance.turns]
    assert turns[0] == ("ask", "user", WORRY)
    assert turns[1][:2] == ("safety", "coach")
    assert advance.turns[1].value == {"level": "zorg", "match": "slaap al weken nauwelijks"}
    assert engine.answers == {"hoe": WORRY}


def test_going_on_never_probes_the_answer_and_goes_gently_to_the_next_question() -> None:
    engine, _ = held()  # a short answer: "Vertel eens meer." was due
    advance = accepted(engine.answer("1"))
    assert advance.turns[0].value == "Ja, ga verder"
    assert questions(advance) == [GENTLY, "Wat wil je bespreken?"]
    assert "probe" not in [turn.kind for turn in advance.turns]


def test_going_on_asks_the_next_question_when_no_follow_up_is_due() -> None:
    engine, _ = held(LONG.format("ik slaap al weken nauwelijks"))
    advance = accepted(engine.answer("1"))
    assert questions(advance) == [GENTLY, "Wat wil je bespreken?"] and not advance.pause


def test_stopping_pauses_and_a_resume_goes_on_at_the_next_question() -> None:
    engine, _ = held()
    advance = accepted(engine.answer("2"))
    assert advance.pause and advance.steps == ()
    again = Engine.restore(SAFE, json.loads(json.dumps(engine.snapshot())))
    assert again.prompt is not None and again.prompt.text == "Wat wil je bespreken?"


def test_only_a_choice_is_accepted_while_held() -> None:
    engine, _ = held()
    assert engine.answer("Ik weet het niet") == Invalid("no_such_option", {"count": 2})
    assert engine.skip() == Invalid("held")
    assert isinstance(engine.prompt, Choose)


def test_the_same_level_is_not_shown_twice_in_a_session() -> None:
    engine, _ = held()
    accepted(engine.answer("1"))
    advance = accepted(engine.answer("Echt, ik slaap al weken nauwelijks."))
    assert "safety" not in [turn.kind for turn in advance.turns]
    assert [step.text for step in advance.steps] == [CHECK_IN["einde"]]  # not the card yet


def test_a_crisis_signal_shows_the_crisis_text() -> None:
    engine, advance = held("Soms denk ik: ik wil er niet meer zijn.")
    say = advance.steps[0]
    assert isinstance(say, Say) and say.style == "safety"
    assert "0800-0113" in say.text and "112" in say.text
    assert isinstance(engine.prompt, Choose)
    assert advance.turns[1].value["level"] == "crisis"
    assert "wil er niet meer zijn" in advance.turns[1].value["match"]


def test_a_crisis_signal_is_shown_after_a_worry_was() -> None:
    engine, _ = held()
    accepted(engine.answer("1"))
    advance = accepted(engine.answer("Ik wil er niet meer zijn."))
    assert advance.turns[-1].value["level"] == "crisis"
    assert "wil er niet meer zijn" in advance.turns[-1].value["match"]


def test_a_held_conversation_resumes_at_the_choice_with_its_message() -> None:
    engine, _ = held()
    again = Engine.restore(SAFE, json.loads(json.dumps(engine.snapshot())))
    steps = again.current_steps()
    assert [type(step) for step in steps] == [Say, Choose]
    assert "bedrijfsarts" in steps[0].text


# -- snapshots ---------------------------------------------------------------------------------


def v1_state(node: str | None, answers: dict[str, Any], turns: int, answer_text: str = "") -> Any:
    return {
        "node": node,
        "answers": answers,
        "probing": {"fired": [], "pending": None, "text": ""},
        "nudged": False,
        "turns": turns,
        "started": True,
        "finished": False,
        "answer_text": answer_text,
    }


def test_a_version_1_snapshot_restores(mini: Dialogue) -> None:
    snapshot = {
        "version": 1,
        "state": v1_state("wat", {"ander": "Paul"}, 4),
        "history": [v1_state("wie", {}, 2, answer_text="Paul")],
    }
    engine = Engine.restore(mini, snapshot)
    assert engine.prompt is not None and engine.prompt.text == "Wat gebeurde er met Paul?"
    assert engine.answers == {"ander": "Paul"}
    advance = accepted(engine.answer("Hij zei dat ons plan niet deugt."))
    assert advance.turns[0].seq == 5
    assert engine.snapshot()["version"] == 2


def test_a_version_1_snapshot_keeps_its_undo_history(mini: Dialogue) -> None:
    snapshot = {
        "version": 1,
        "state": v1_state("wat", {"ander": "Paul"}, 4),
        "history": [v1_state("wie", {}, 2, answer_text="Paul")],
    }
    rewind = Engine.restore(mini, snapshot).undo()
    assert isinstance(rewind, Rewind)
    assert (rewind.prompt.text, rewind.previous) == ("Met wie?", "Paul")


def test_answers_in_reads_both_snapshot_versions(mini: Dialogue) -> None:
    v2 = play(mini, ["Paul"]).snapshot()
    v1 = {"version": 1, "state": v1_state("wat", {"ander": "Paul"}, 4), "history": []}
    assert Engine.answers_in(v2) == Engine.answers_in(v1) == {"ander": "Paul"}
    assert Engine.answers_in({"version": 2, "state": "kapot"}) == {}


def test_a_snapshot_does_not_change_when_the_conversation_goes_on(mini: Dialogue) -> None:
    engine = play(mini, ["Paul"])
    snapshot = engine.snapshot()
    kept = json.loads(json.dumps(snapshot))
    accepted(engine.answer("Hij zei dat ons plan niet deugt."))
    assert snapshot == kept


def test_the_seed_and_session_count_are_kept_in_a_snapshot() -> None:
    seed = next(s for s in range(100) if welcome(s)[-1] != welcome(0)[-1])
    engine = Engine(VARIANTS, seed=seed, session_count=3)
    engine.start()
    again = Engine.restore(VARIANTS, json.loads(json.dumps(engine.snapshot())))
    assert isinstance(again.prompt, Ask) and again.prompt.text == welcome(seed)[-1]
    assert again.snapshot()["state"]["session_count"] == 3

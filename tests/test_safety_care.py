"""After the safety net opened: what coach says, what it leaves alone, and how it checks in.

The engine is tested with word lists of its own, so these tests hold whatever the shipped
lists of signals (crisissignalen, zorgsignalen) come to hold: they are about what happens
after a signal, not about which words give one.
"""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import pytest
from helpers import play
from rich.console import Console

from coach import safety
from coach.engine import GENTLY, Engine
from coach.lexicon import make_lexicon
from coach.loader import load_dialogue_text
from coach.model import Safety, SafetyRule, SessionInfo, Transcript, TranscriptTurn
from coach.review import NOT_SCORED, answers_of, held_back, review, to_dict
from coach.review_markdown import review_markdown
from coach.rubric_files import load_rubric
from coach.steps import Advance, Ask, Choose, End, Invalid, Say, Scale, Turn
from coach.ui.review_view import show_review
from coach.ui.terminal import LineReader, TerminalInterface
from coach.ui.views import transcript

RULES = Safety(
    (
        SafetyRule("crisis", make_lexicon("crisis", "Crisis", [("wil er niet meer zijn", "")])),
        SafetyRule(
            "ander", make_lexicon("ander", "Zorg om een ander", [("bang dat ze zichzelf", "")])
        ),
        SafetyRule("zorg", make_lexicon("zorg", "Zorg", [("ik kan niet meer", "")])),
    )
)

TEXT = """\
id: care
version: 1
title: Zorg
description: d
phases: [een, twee]
nodes:
  hoe:
    phase: een
    ask: Wat gebeurde er?
    probes:
      - when: words(answer) < 30
        ask: Over welk moment gaat het precies?
  daarna:
    phase: twee
    ask: Wat wil je nu?
  zeker:
    scale: Hoe zeker ben je?
    range: [1, 10]
  klaar:
    end: Dank je wel.
    title: Kaart
    summary: [hoe, daarna]
"""
CARE = dataclasses.replace(load_dialogue_text(TEXT, "care.yaml"), safety=RULES)
CRISIS = "Soms denk ik: ik wil er niet meer zijn."
PUPIL = "Ik ben bang dat ze zichzelf iets aandoet, die leerling uit 3b."
TIRED = "Ik kan niet meer, al weken."


def accepted(result: Advance | Invalid) -> Advance:
    assert isinstance(result, Advance), result
    return result


def opened(text: str = CRISIS) -> tuple[Engine, Advance]:
    engine = play(CARE, [])
    return engine, accepted(engine.answer(text))


def box(advance: Advance) -> str:
    [say] = [step for step in advance.steps if isinstance(step, Say) and step.style == "safety"]
    return say.text


def restored(engine: Engine) -> Engine:
    return Engine.restore(CARE, json.loads(json.dumps(engine.snapshot())))


# -- what the help box says --------------------------------------------------------------------


def test_worry_about_someone_else_gets_a_referral_for_that() -> None:
    engine, advance = opened(PUPIL)
    text = box(advance)
    assert advance.turns[1].value == {"level": "ander", "match": "bang dat ze zichzelf"}
    assert "zorg om iemand anders" in text
    for words in (
        "112",
        "0800-0113",
        "113.nl",
        "zorgen maakt om een ander",  # 113 also advises those who worry about someone
        "huisarts",
        "vertrouwenspersoon",
        "zorgcoördinator",
        "Veilig Thuis",
        "0800-2000",
        "meldcode",
    ):
        assert words in text, words
    assert isinstance(engine.prompt, Choose) and engine.prompt.options == safety.OPTIONS


@pytest.mark.parametrize(
    ("answer", "noticed"),
    [
        (CRISIS, "wil er niet meer zijn"),
        (PUPIL, "bang dat ze zichzelf"),
        (TIRED, "Ik kan niet meer"),
    ],
)
def test_the_help_box_says_what_was_noticed(answer: str, noticed: str) -> None:
    engine, advance = opened(answer)
    assert box(advance).startswith(f"Je schreef: ‘{noticed}’.")
    # Also when the session is picked up again at the choice, and in its /hulp text.
    again = restored(engine)
    say = again.current_steps()[0]
    assert isinstance(say, Say) and say.text == box(advance)
    assert again.prompt is not None and again.prompt.help == box(advance)


def test_the_noticed_words_are_one_short_line() -> None:
    assert safety.quoted("ik kan\n  niet\tmeer") == "ik kan niet meer"
    long = safety.quoted("woord " * 40)
    assert len(long) == safety.QUOTE_CHARS and long.endswith("…")
    assert safety.referral(None, "zorg").startswith("Wat je schrijft klinkt")  # nothing quoted


def test_the_noticed_words_are_shown_visibly_in_the_terminal() -> None:
    console = Console(record=True, width=80, color_system=None)
    ui = TerminalInterface(console, LineReader(io.BytesIO(b""), console))
    ui.show(Say("hoe", None, safety.referral(None, "zorg", "ik kan \x1b[2Jniet meer"), "safety"))
    screen = console.export_text()
    assert "Je schreef: ‘ik kan ␛[2Jniet meer’." in screen and "\x1b" not in screen


def test_the_referrals_stay_correct_for_the_netherlands() -> None:
    crisis, zorg = safety.referral(None, "crisis"), safety.referral(None, "zorg")
    assert all(words in crisis for words in ("0800-0113", "113.nl", "112", "huisartsenpost"))
    assert all(words in zorg for words in ("bedrijfsarts", "vertrouwenspersoon", "0800-0113"))
    for level in ("crisis", "zorg", "ander"):
        text = safety.referral(None, level)
        assert "diagnose" not in text or "geen diagnose" in text
        assert "0800-0113" in text


# -- after "Ja, ga verder" ---------------------------------------------------------------------


def test_going_on_leaves_the_answer_alone_and_goes_on_at_the_next_question() -> None:
    engine, advance = opened()  # a short answer: the follow-up question was due
    assert advance.turns[0].value == {"safety": "crisis"}  # the answer is marked
    going = accepted(engine.answer("Ja"))
    assert [step.text for step in going.steps] == [GENTLY, "Wat wil je nu?"]
    assert all(not (isinstance(s, Ask) and s.probe) for s in going.steps)
    assert "probe" not in [turn.kind for turn in going.turns]
    assert engine.answers["hoe"] == CRISIS  # kept as written


def test_a_signal_in_a_follow_up_answer_ends_the_follow_ups_too() -> None:
    engine = play(CARE, ["Het overleg van dinsdag."])  # the follow-up question waits
    advance = accepted(engine.answer(TIRED))
    assert [t.kind for t in advance.turns if t.speaker == "user"] == ["probe"]
    assert advance.turns[0].value == {"safety": "zorg"}
    going = accepted(engine.answer("1"))
    assert going.steps[-1].text == "Wat wil je nu?"


# -- the check-in ------------------------------------------------------------------------------


def to_the_end(engine: Engine) -> Advance:
    accepted(engine.answer("1"))  # go on at the safety net
    accepted(engine.answer("Een rustig gesprek met mijn bestuurder."))
    return accepted(engine.answer("6"))


def test_before_the_card_coach_asks_how_it_goes_now() -> None:
    engine, _ = opened()
    advance = to_the_end(engine)
    [choose] = advance.steps
    assert isinstance(choose, Choose)
    assert choose.text == safety.CHECK_IN["einde"] and "Hoe gaat het nu met je?" in choose.text
    assert choose.options == safety.CHECK_IN_OPTIONS
    assert "0800-0113" in (choose.help or "")  # the help lines are under /hulp as well
    assert not engine.finished
    [turn] = advance.turns[-1:]
    assert (turn.kind, turn.speaker, turn.node) == ("checkin", "coach", "klaar")
    done = accepted(engine.answer("1"))
    assert isinstance(done.steps[-1], End) and done.steps[-1].card and engine.finished
    first = done.turns[0]
    assert (first.kind, first.speaker, first.value) == (
        "checkin",
        "user",
        "Gaat wel, ga door",
    )


def test_the_answer_at_which_the_net_opened_stays_off_the_card_but_in_the_transcript() -> None:
    engine, opening = opened()
    assert [turn.text for turn in opening.turns if turn.speaker == "user"] == [CRISIS]
    to_the_end(engine)
    done = accepted(engine.answer("1"))
    [end] = [step for step in done.steps if isinstance(step, End)]
    assert [line.label for line in end.card] == ["Daarna"]  # `hoe` held the signal
    assert all(CRISIS not in line.text for line in end.card)


def test_an_answer_given_again_without_a_signal_is_on_the_card() -> None:
    engine, _ = opened()
    accepted(engine.answer("1"))  # go on
    assert not isinstance(engine.undo(), Invalid)  # back to the safety choice
    assert not isinstance(engine.undo(), Invalid)  # back to the answer with the signal
    accepted(engine.answer("Het overleg over het rooster liep vast, dinsdag in de sectie."))
    accepted(engine.answer("Dat we samen een voorstel doen, met twee opties erin."))
    accepted(engine.answer("Een rustig gesprek met mijn bestuurder."))
    advance = accepted(engine.answer("6"))
    [end] = [step for step in advance.steps if isinstance(step, End)]
    assert [line.label for line in end.card] == ["Hoe", "Daarna"]


def test_a_restored_session_keeps_the_answer_off_the_card() -> None:
    engine, _ = opened()
    accepted(engine.answer("1"))
    engine = restored(engine)
    accepted(engine.answer("Een rustig gesprek met mijn bestuurder."))
    accepted(engine.answer("6"))
    done = accepted(engine.answer("1"))
    [end] = [step for step in done.steps if isinstance(step, End)]
    assert [line.label for line in end.card] == ["Daarna"]


def test_what_came_before_the_reply_that_opened_the_net_stays_on_the_card() -> None:
    engine = play(CARE, [])
    probe = accepted(engine.answer("Het overleg liep vast."))  # short: a follow-up
    assert [s.text for s in probe.steps if isinstance(s, Ask)] == [
        "Over welk moment gaat het precies?"
    ]
    accepted(engine.answer(CRISIS))  # the reply to the follow-up opens the net
    accepted(engine.answer("1"))  # go on
    engine = restored(engine)
    accepted(engine.answer("Een rustig gesprek met mijn bestuurder."))
    accepted(engine.answer("6"))
    done = accepted(engine.answer("1"))
    [end] = [step for step in done.steps if isinstance(step, End)]
    assert (end.card[0].label, end.card[0].text) == ("Hoe", "Het overleg liep vast.")
    assert all(CRISIS not in line.text for line in end.card)


def test_the_help_lines_are_one_keystroke_away_at_the_check_in() -> None:
    engine, _ = opened(PUPIL)
    to_the_end(engine)
    shown = accepted(engine.answer("2"))
    say, choose = shown.steps
    assert isinstance(say, Say) and say.style == "safety"
    assert "Veilig Thuis" in say.text and "0800-0113" in say.text
    assert isinstance(choose, Choose) and choose.options == safety.OPTIONS
    assert [t.kind for t in shown.turns] == ["checkin", "safety", "checkin"]
    # Picked up again here, the lines are shown again with the choice.
    assert [type(step) for step in restored(engine).current_steps()] == [Say, Choose]
    done = accepted(engine.answer("1"))
    assert isinstance(done.steps[-1], End) and engine.finished


def test_stopping_at_the_check_in_pauses_before_the_card() -> None:
    engine, _ = opened()
    to_the_end(engine)
    stopped = accepted(engine.answer("3"))
    assert stopped.pause and not engine.finished
    again = restored(engine)
    assert again.check_in() is None  # the check-in still waits: it is not asked twice
    [choose] = again.current_steps()
    assert isinstance(choose, Choose) and choose.options == safety.CHECK_IN_OPTIONS
    done = accepted(again.answer("Gaat wel"))
    assert isinstance(done.steps[-1], End) and again.finished


def test_no_check_in_without_a_signal() -> None:
    engine = play(CARE, ["Het overleg van dinsdag.", ""])  # "": no answer to the follow-up
    accepted(engine.answer("Een rustig gesprek."))
    advance = accepted(engine.answer("6"))
    assert isinstance(advance.steps[-1], End) and engine.finished  # no signal: the card
    assert engine.check_in() is None


def test_on_resume_coach_first_asks_how_it_goes_then_shows_the_question() -> None:
    engine, _ = opened()
    accepted(engine.answer("Nee"))  # stop for now
    again = restored(engine)
    asked = again.check_in()
    assert asked is not None
    [choose] = asked.steps
    assert isinstance(choose, Choose) and choose.text == safety.CHECK_IN["hervat"]
    assert [(t.kind, t.speaker, t.node) for t in asked.turns] == [("checkin", "coach", "daarna")]
    assert again.check_in() is None  # once per resume
    assert again.skip() == Invalid("held") and again.undo() == Invalid("held")
    going = accepted(again.answer("1"))
    assert [step.text for step in going.steps] == ["Wat wil je nu?"]
    # Before the card it is asked as well: once per session, and once per resume.
    accepted(again.answer("Een rustig gesprek."))
    asked = accepted(again.answer("6"))
    assert asked.steps[-1].text == safety.CHECK_IN["einde"]


def test_stopping_at_the_check_in_on_resume_asks_again_next_time() -> None:
    engine, _ = opened()
    accepted(engine.answer("2"))
    again = restored(engine)
    assert again.check_in() is not None
    assert accepted(again.answer("Stop voor nu")).pause
    later = restored(again)
    assert later.check_in() is not None


def test_no_check_in_on_resume_while_the_safety_choice_waits() -> None:
    engine, _ = opened()
    again = restored(engine)
    assert again.check_in() is None
    assert isinstance(again.prompt, Choose) and again.prompt.options == safety.OPTIONS


def test_a_new_signal_after_the_check_in_asks_again_before_the_card() -> None:
    engine, _ = opened(TIRED)
    accepted(engine.answer("2"))
    again = restored(engine)
    again.check_in()
    accepted(again.answer("1"))
    advance = accepted(again.answer(PUPIL))  # a new kind of signal
    assert "safety" in [turn.kind for turn in advance.turns]
    accepted(again.answer("1"))
    asked = accepted(again.answer("6"))
    assert isinstance(asked.steps[-1], Choose) and asked.steps[-1].text == safety.CHECK_IN["einde"]


# -- the review --------------------------------------------------------------------------------

BUIV = load_rubric(Path(__file__).resolve().parent.parent / "rubrics" / "buiv.yaml")
INFO = SessionInfo(
    id=3,
    uuid="1" * 32,
    dialogue_id="buiv",
    dialogue_version=2,
    dialogue_hash="h",
    dialogue_title="Beleven, Uitleven, Inleven, Voorleven",
    dialogue_path=None,
    subject="Paul",
    status="completed",
    started_at="2026-11-24T10:00:00.000Z",
    updated_at="2026-11-24T10:20:00.000Z",
    ended_at="2026-11-24T10:20:00.000Z",
    answers=4,
)


def record(turns: list[Turn]) -> Transcript:
    return Transcript(
        INFO,
        tuple(
            TranscriptTurn(i + 1, t.node, t.phase, t.kind, t.speaker, t.text, t.value, "t")
            for i, t in enumerate(turns)
        ),
    )


SIGNALLED = [
    Turn(1, "beleven", None, "ask", "coach", "Wat gebeurde er?"),
    Turn(
        2,
        "beleven",
        None,
        "ask",
        "user",
        "Paul was arrogant. Ik kan niet meer.",
        {"safety": "zorg"},
    ),
    Turn(3, "beleven", None, "safety", "coach", "Je schreef…", {"level": "zorg", "match": "x"}),
    Turn(4, "beleven", None, "safety", "user", "1", "Ja, ga verder"),
    Turn(5, "uitleven", None, "ask", "coach", "Wat voelde je?"),
    Turn(6, "uitleven", None, "ask", "user", "Ik was geïrriteerd en boos."),
    Turn(7, "klaar", None, "checkin", "coach", safety.CHECK_IN["einde"], {"moment": "einde"}),
    Turn(8, "klaar", None, "checkin", "user", "1", "Gaat wel, ga door"),
]


def test_the_answer_at_which_the_net_opened_is_not_scored() -> None:
    transcript = record(SIGNALLED)
    assert held_back(transcript) == {"beleven"}
    assert "klaar" not in answers_of(transcript)  # a check-in is never an answer
    result = review(BUIV, transcript)
    items = {item.criterion.id: item for item in result.criteria}
    assert items["beleven"].level is None and not items["beleven"].scored
    assert items["uitleven"].level is not None  # the other answers are scored as ever
    left_out = sum(item.criterion.top for item in result.criteria if not item.scored)
    assert left_out >= items["beleven"].criterion.top and result.top == BUIV.top - left_out
    data = {item["id"]: item for item in to_dict(result)["criteria"]}
    assert data["beleven"]["level"] is None and data["beleven"]["label"] == NOT_SCORED
    assert data["beleven"]["scored"] is False and data["uitleven"]["scored"] is True


def test_a_criterion_that_reads_the_answer_is_not_scored_and_all_leaves_it_out() -> None:
    result = review(BUIV, record(SIGNALLED))
    for item in result.criteria:
        reads_beleven = item.criterion.answer == "beleven" or any(
            "beleven" in (level.when.source if level.when else "")
            for level in item.criterion.levels
        )
        if reads_beleven:
            assert item.level is None, item.criterion.id
    found = [e.text for item in result.criteria for e in item.evidence]
    assert "arrogant" not in found  # the marked answer is not read through `all` either


def test_an_answer_given_again_without_a_signal_is_scored() -> None:
    again = [
        *SIGNALLED[:4],
        Turn(5, "beleven", None, "ask", "user", "Paul was arrogant in het overleg."),
    ]
    assert held_back(record(again)) == set()


def test_the_review_screens_say_not_scored_and_do_not_show_the_answer() -> None:
    transcript = record(SIGNALLED)
    result = review(BUIV, transcript)
    console = Console(record=True, width=100, color_system=None)
    show_review(console, result, transcript)
    screen = " ".join(console.export_text().split())
    assert f"Beleven {NOT_SCORED}" in screen
    assert "Ik kan niet meer" not in screen
    assert "niet beoordeeld)" in screen  # after the total
    markdown = review_markdown(result, transcript)
    assert f"## Beleven: {NOT_SCORED}" in markdown and "Ik kan niet meer" not in markdown


def test_a_played_session_marks_the_answer_for_the_review() -> None:
    engine, advance = opened()
    assert advance.turns[0].value == {"safety": "crisis"}
    going = accepted(engine.answer("1"))
    assert all(turn.value is None for turn in going.turns if turn.kind == "ask")
    assert isinstance(engine.prompt, Ask | Scale)


def test_transcripts_show_marks_the_answer_at_which_the_net_opened() -> None:
    console = Console(record=True, width=100, color_system=None)
    transcript(console, record(SIGNALLED))
    screen = " ".join(console.export_text().split())
    assert "Ik kan niet meer. (hier ging het vangnet open)" in screen
    assert "Hoe gaat het nu met je? (vangnet)" in screen

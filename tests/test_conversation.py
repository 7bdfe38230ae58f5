"""The conversation loop: every answer is saved before the next question appears."""

from __future__ import annotations

import contextlib
import dataclasses
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from coach import messages, safety
from coach.conversation import Conversation, Progress
from coach.engine import GENTLY
from coach.errors import StoreError
from coach.lexicon import make_lexicon
from coach.model import Dialogue, Safety, SafetyRule
from coach.steps import CardLine, Prompt, Step
from coach.store import SessionGone, Store


class FakeInterface:
    """Answers from a list; records what was shown, and what the store held at each question."""

    def __init__(self, store: Store, answers: list[str | type[BaseException]]) -> None:
        self.store = store
        self.answers = list(answers)
        self.shown: list[str] = []
        self.notices: list[tuple[str, str]] = []
        self.defaults: list[str] = []
        self.warnings: list[str] = []
        self.progress: list[Progress] = []
        self.saved_before_shown: list[bool] = []
        self.cards: list[tuple[str, list[tuple[str, str]]]] = []
        self.typing = ""  # what was "typed" when an interruption comes

    def show(self, step: Step) -> None:
        self.shown.append(step.text)
        sessions = self.store.sessions()
        if sessions:
            texts = [turn.text for turn in self.store.transcript(sessions[0].id).turns]
            self.saved_before_shown.append(step.text in texts or not step.text)

    def read(self, prompt: Prompt, progress: Progress, default: str = "", warning: str = "") -> str:
        self.defaults.append(default)
        self.warnings.append(warning)
        self.progress.append(progress)
        if not self.answers:
            raise EOFError
        answer = self.answers.pop(0)
        if isinstance(answer, type):
            raise answer()
        return answer

    def notice(self, text: str, tone: str = "info") -> None:
        self.notices.append((tone, text))

    def card(self, title: str, lines: tuple[CardLine, ...]) -> None:
        self.cards.append((title, [(line.label, line.text) for line in lines]))

    def draft(self) -> str:
        return self.typing


@pytest.fixture
def store(coach_home: Path) -> Iterator[Store]:
    opened = Store.open(coach_home)
    yield opened
    opened.close()


Begin = Callable[..., tuple[Conversation, FakeInterface]]


@pytest.fixture
def begin(store: Store, mini: Dialogue) -> Begin:
    def start(
        answers: list[str | type[BaseException]], subject: str | None = None
    ) -> tuple[Conversation, FakeInterface]:
        interface = FakeInterface(store, answers)
        return Conversation.begin(mini, store, interface, subject=subject), interface

    return start


def test_a_full_run_completes_and_saves_every_turn_before_showing_the_next(
    begin: Begin, store: Store
) -> None:
    conversation, ui = begin(["Paul", "Hij zei dat ons plan niet deugt.", "7"])
    outcome = conversation.run()
    assert outcome.status == "completed"
    assert ui.saved_before_shown and all(ui.saved_before_shown)
    info = store.session(outcome.session_id)
    assert (info.status, info.subject, info.answers) == ("completed", "Paul", 3)


def test_progress_names_the_phase(begin: Begin) -> None:
    conversation, ui = begin(["Paul", "Hij zei dat ons plan niet deugt.", "7"])
    conversation.run()
    assert [(p.step, p.steps, p.phase) for p in ui.progress] == [
        (None, 0, ""),
        (1, 2, "Een"),
        (2, 2, "Twee"),
    ]


def test_met_sets_the_subject_and_skips_the_who_question(begin: Begin, store: Store) -> None:
    conversation, ui = begin(["Hij zei dat ons plan niet deugt.", "7"], subject="Paul")
    outcome = conversation.run()
    assert "Met wie?" not in ui.shown
    assert store.session(outcome.session_id).subject == "Paul"


def test_back_reopens_the_last_answer_for_editing(begin: Begin, store: Store) -> None:
    conversation, ui = begin(
        ["Paul", "arrogant", "/terug", "Hij zei dat ons plan niet deugt.", "/pauze"]
    )
    outcome = conversation.run()
    assert outcome.status == "paused"
    assert ui.defaults[-2] == "arrogant"  # the old answer, ready to edit
    texts = [t.text for t in store.transcript(outcome.session_id).turns]
    assert "arrogant" not in texts and "Hij zei dat ons plan niet deugt." in texts


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, EOFError])
def test_ctrl_c_and_ctrl_d_pause_with_a_resume_hint(
    interruption: type[BaseException], begin: Begin, store: Store
) -> None:
    conversation, ui = begin(["Paul", interruption])
    outcome = conversation.run()
    assert outcome.status == "paused"
    assert outcome.interrupted is (interruption is KeyboardInterrupt)
    assert store.session(outcome.session_id).status == "paused"
    assert any(f"coach resume {outcome.session_id}" in text for _, text in ui.notices)


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP on this system")
def test_a_hangup_whose_exception_python_swallowed_still_pauses_before_the_next_question(
    begin: Begin, store: Store
) -> None:
    # A signal that lands while a weak reference's callback runs (the import system's module
    # locks, at the first answer) raises inside it, and Python prints "Exception ignored"
    # and goes on. The conversation must not then wait on a terminal that is gone.
    conversation, ui = begin(["Paul", "Hij zei dat ons plan niet deugt.", "7"])
    read = ui.read

    def read_then_hang_up(*args: object, **kwargs: object) -> str:
        answer = read(*args, **kwargs)  # type: ignore[arg-type]
        if answer == "Paul":
            with contextlib.suppress(KeyboardInterrupt):  # swallowed, as Python does there
                signal.raise_signal(signal.SIGHUP)
        return answer

    ui.read = read_then_hang_up  # type: ignore[method-assign]
    outcome = conversation.run()
    assert outcome.status == "paused" and outcome.interrupted
    assert len(ui.progress) == 1  # no second question was waited for
    assert store.session(outcome.session_id).answers == 1  # `Paul` is kept


def test_stop_keeps_what_was_said(begin: Begin, store: Store) -> None:
    conversation, _ = begin(["Paul", "/stop"])
    outcome = conversation.run()
    assert outcome.status == "stopped"
    assert store.session(outcome.session_id).answers == 1


def test_help_summary_and_unknown_commands_do_not_move_on(begin: Begin) -> None:
    conversation, ui = begin(["/hulp", "/samenvatting", "/bestaatniet", "/help", "Paul", "/pause"])
    conversation.run()
    tones = [tone for tone, _ in ui.notices]
    assert tones[:4] == ["quiet", "quiet", "warning", "quiet"]
    assert "/terug (/back)" in ui.notices[0][1]
    assert "nog niets op je gesprekskaart" in ui.notices[1][1]
    assert "/bestaatniet is geen commando" in ui.notices[2][1]


def test_summary_shows_the_card_so_far(begin: Begin) -> None:
    conversation, ui = begin(
        ["Paul", "Hij zei dat ons plan niet deugt.", "/samenvatting", "/pauze"]
    )
    conversation.run()
    assert ui.cards == [("Kaart voor Paul", [("Wat", "Hij zei dat ons plan niet deugt.")])]


def test_what_was_being_typed_at_ctrl_c_comes_back_on_resume(
    begin: Begin, store: Store, mini: Dialogue
) -> None:
    conversation, ui = begin(["Paul", KeyboardInterrupt])
    ui.typing = "half getypt antwoord"
    outcome = conversation.run()
    assert "wat je aan het typen was" in ui.notices[-1][1]
    interface = FakeInterface(store, ["/pauze"])
    Conversation.resume(mini, store, interface, outcome.session_id).run()
    assert interface.defaults[0] == "half getypt antwoord"
    assert (
        "quiet",
        "Je was dit aan het typen toen je stopte; het staat hieronder klaar.",
    ) in interface.notices


def test_an_answer_that_starts_with_a_slash_is_still_an_answer(begin: Begin, store: Store) -> None:
    conversation, _ = begin(["/ik weet het niet", "/pauze"])
    outcome = conversation.run()
    assert store.session(outcome.session_id).subject == "/ik weet het niet"


def test_refused_answers_explain_and_too_long_ones_come_back(begin: Begin) -> None:
    conversation, ui = begin(["", "x" * 20_001, "/pauze"])
    conversation.run()
    assert "leeg" in ui.notices[0][1]
    assert "20001 tekens" in ui.notices[1][1]
    assert ui.defaults[2] == "x" * 20_001  # nothing the user typed is lost
    assert ui.warnings[2] == "te lang: 20001 tekens, hoogstens 20000"  # the reason stays in view


def test_a_failed_save_shows_the_answer_that_was_not_saved(
    begin: Begin, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversation, ui = begin(["Mijn lange, belangrijke antwoord"])

    def broken_save(*args: object, **kwargs: object) -> None:
        raise StoreError("de schijf is vol")

    monkeypatch.setattr(store, "save", broken_save)
    with pytest.raises(StoreError):
        conversation.run()
    assert ui.notices[-1][0] == "error"
    assert "Mijn lange, belangrijke antwoord" in ui.notices[-1][1]


def test_resume_continues_at_the_same_question(begin: Begin, store: Store, mini: Dialogue) -> None:
    conversation, _ = begin(["Paul", "arrogant", "/pauze"])
    outcome = conversation.run()
    interface = FakeInterface(store, ["Hij keek weg toen ik sprak.", "7"])
    resumed = Conversation.resume(mini, store, interface, outcome.session_id)
    assert resumed.run().status == "completed"
    # the follow-up question is shown below its own question, so "precies" has something to refer to
    assert interface.shown[:2] == [
        "Wat gebeurde er met Paul?",
        "Je schrijft ‘arrogant’. Wat deed Paul precies?",
    ]
    seqs = [t.seq for t in store.transcript(outcome.session_id).turns]
    assert seqs == list(range(1, len(seqs) + 1))


def test_enter_alone_at_a_follow_up_says_what_happened(begin: Begin) -> None:
    conversation, ui = begin(["Paul", "arrogant", "", "/pauze"])
    conversation.run()
    assert ("quiet", "Geen vervolgvraag meer hier; door naar de volgende vraag.") in ui.notices
    assert ui.shown[-1] == "Hoe zeker ben je?"


# -- after the safety net opened ---------------------------------------------------------------

CRISIS_LIST = make_lexicon("crisis", "Crisis", [("zelfmoord", "")])


@pytest.fixture
def cared(mini: Dialogue) -> Dialogue:
    """mini with a safety net of its own: these tests are about what follows a signal."""
    return dataclasses.replace(mini, safety=Safety((SafetyRule("crisis", CRISIS_LIST),)))


def test_after_the_safety_net_the_answer_is_left_alone_and_coach_checks_in_before_the_card(
    store: Store, cared: Dialogue
) -> None:
    ui = FakeInterface(store, ["Paul", "Zelfmoord, soms.", "1", "7", "1"])
    outcome = Conversation.begin(cared, store, ui).run()
    assert outcome.status == "completed"
    assert "Kun je meer vertellen?" not in ui.shown  # the follow-up that was due
    assert GENTLY in ui.shown
    check_in = ui.shown.index(safety.CHECK_IN["einde"])
    assert check_in < ui.shown.index("Dank je, Paul-gesprek is voorbereid.")
    unsaved = [
        text for text, saved in zip(ui.shown, ui.saved_before_shown, strict=True) if not saved
    ]
    assert unsaved == [safety.QUESTION]  # the check-in and the gentle words are kept
    turns = store.transcript(outcome.session_id).turns
    [answer] = [t for t in turns if t.kind == "ask" and t.speaker == "user" and t.node == "wat"]
    assert answer.value == {"safety": "crisis"}
    assert [(t.kind, t.speaker, t.node) for t in turns if t.kind == "checkin"] == [
        ("checkin", "coach", "klaar"),
        ("checkin", "user", "klaar"),
    ]


def test_a_resumed_session_first_asks_how_it_goes_and_keeps_the_draft_for_the_question(
    store: Store, cared: Dialogue
) -> None:
    first = Conversation.begin(cared, store, FakeInterface(store, ["Paul", "Zelfmoord.", "2"]))
    session_id = first.run().session_id
    store.set_status(session_id, "paused", draft="8")  # typed, not sent, when it stopped
    stopping = FakeInterface(store, ["Stop voor nu"])
    assert Conversation.resume(cared, store, stopping, session_id).run().status == "paused"
    assert stopping.shown == [safety.CHECK_IN["hervat"]]
    assert store.draft(session_id) == "8"  # a stop at the check-in keeps it

    ui = FakeInterface(store, ["1", "8", "1"])
    outcome = Conversation.resume(cared, store, ui, session_id).run()
    assert outcome.status == "completed"
    assert ui.shown[:2] == [safety.CHECK_IN["hervat"], "Hoe zeker ben je?"]
    assert ui.defaults[:2] == ["", "8"]  # the draft waits for the question, not the check-in
    assert ("quiet", messages.DRAFT_BACK) in ui.notices
    assert ui.shown[-2] == safety.CHECK_IN["einde"]  # and once before the card
    turns = store.transcript(session_id).turns
    moments = [t.value["moment"] for t in turns if t.kind == "checkin" and t.speaker == "coach"]
    assert moments == ["hervat", "hervat", "einde"]  # every check-in is kept


class Killed(BaseException):
    """A kill -9: nothing in coach gets to run after it."""


def test_an_answer_taken_back_with_terug_survives_a_kill_before_the_new_one(
    begin: Begin, coach_home: Path, mini: Dialogue
) -> None:
    conversation, _ = begin(["Paul", "arrogant", "/terug", Killed])
    with pytest.raises(Killed):
        conversation.run()
    fresh = Store.open(coach_home)  # what a new process finds on disk
    try:
        number = fresh.sessions()[0].id
        assert fresh.draft(number) == "arrogant"
        interface = FakeInterface(fresh, ["/pauze"])
        Conversation.resume(mini, fresh, interface, number).run()
        assert interface.defaults[0] == "arrogant"
    finally:
        fresh.close()


class DeletingFirst(FakeInterface):
    """Answers from a list; before the answer at `when`, another window deletes session 1."""

    def __init__(self, store: Store, answers: list[str | type[BaseException]], when: int) -> None:
        super().__init__(store, answers)
        self.when = when
        self.reads = 0

    def read(self, prompt: Prompt, progress: Progress, default: str = "", warning: str = "") -> str:
        self.reads += 1
        if self.reads == self.when:
            other = Store.open(self.store.path.parent)
            try:
                other.delete_sessions([1])
            finally:
                other.close()
        return super().read(prompt, progress, default, warning)


def test_a_window_open_while_an_earlier_session_is_deleted_never_writes_its_words_back(
    coach_home: Path,
) -> None:
    """Session 2 remembered session 1's plan when it started; session 1 is deleted while
    session 2 is still open. Its next answers are saved without the plan."""
    from reliability.store_harness import VOORLEVEN, Canary, buiv_answers

    from coach.catalog import load

    buiv, _ = load("buiv")
    plan = Canary.new()
    store = Store.open(coach_home)
    try:
        first = buiv_answers("Paul", plan, where=VOORLEVEN).splitlines()
        Conversation.begin(buiv, store, FakeInterface(store, [*first])).run()
        again = buiv_answers("Paul", Canary.new(), again=True).splitlines()[1:5]
        ui = DeletingFirst(store, [*again], when=3)
        Conversation.begin(buiv, store, ui, subject="Paul").run()
    finally:
        store.close()
    assert plan.text in "\n".join(ui.shown)  # quoted before the delete: how did it go?
    assert ui.reads == 5  # the delete came in the middle of the session
    for path in coach_home.rglob("*"):
        assert plan.tail not in path.read_bytes(), path


class DeletingOwn(FakeInterface):
    """Before the second answer, another window deletes this session and starts another."""

    def __init__(self, store: Store, answers: list[str | type[BaseException]], mini: Dialogue):
        super().__init__(store, answers)
        self.mini = mini
        self.reads = 0

    def read(self, prompt: Prompt, progress: Progress, default: str = "", warning: str = "") -> str:
        self.reads += 1
        if self.reads == 2:
            other = Store.open(self.store.path.parent)
            try:
                other.delete_sessions([1])
                Conversation.begin(self.mini, other, FakeInterface(other, ["Marie"])).run()
            finally:
                other.close()
        return super().read(prompt, progress, default, warning)


def test_a_window_whose_session_was_deleted_stops_and_saves_nothing_elsewhere(
    store: Store, mini: Dialogue
) -> None:
    ui = DeletingOwn(store, ["Paul", "Hij zei dat ons plan niet deugt."], mini)
    conversation = Conversation.begin(mini, store, ui)
    with pytest.raises(SessionGone) as stopped:
        conversation.run()
    assert "sessie 1 bestaat niet meer" in stopped.value.format()
    assert "Er is niets bewaard, ook niet in een ander gesprek" in stopped.value.format()
    assert ui.notices[-1][0] == "error" and "Hij zei dat" in ui.notices[-1][1]  # to copy
    [marie] = store.sessions()
    assert marie.id == 2 and marie.subject == "Marie"
    texts = [turn.text for turn in store.transcript(2).turns]
    assert "Paul" not in texts and "Hij zei dat ons plan niet deugt." not in texts

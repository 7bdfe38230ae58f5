"""Memory across real sessions: what coach remembers about a person, kept in the store."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from coach.conversation import Conversation, Outcome, Progress
from coach.engine import Engine
from coach.loader import load_dialogue_text
from coach.memory import remembered, same_subject
from coach.model import Dialogue
from coach.steps import CardLine, Prompt, Step
from coach.store import Store

TEXT = """\
id: terugblik
version: 1
title: Terugblik
description: Een gesprek dat onthoudt wat je vorige keer wilde.
subject: ander
remember: [doel]
nodes:
  sessie:
    say: 'Dit is gesprek {session.count}.'
  wie:
    when: not answered(ander)
    ask: Met wie?
    into: ander
  terug:
    when: answered(previous.doel)
    say: 'Vorige keer wilde je: {previous.doel}.'
  doel:
    ask:
      - Wat wil je bereiken met {ander}?
      - Wat is je doel met {ander}?
      - Waar wil je met {ander} naartoe?
  klaar:
    end: Klaar.
"""


class Script:
    """An interface that answers from a list and keeps what was shown."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = list(answers)
        self.shown: list[str] = []

    def show(self, step: Step) -> None:
        self.shown.append(step.text)

    def read(self, prompt: Prompt, progress: Progress, default: str = "", warning: str = "") -> str:
        if not self.answers:
            raise EOFError
        return self.answers.pop(0)

    def notice(self, text: str, tone: str = "info") -> None:
        pass

    def card(self, title: str, lines: tuple[CardLine, ...]) -> None:
        pass

    def draft(self) -> str:
        return ""


@pytest.fixture
def dialogue() -> Dialogue:
    return load_dialogue_text(TEXT, "terugblik.yaml")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "data")


def session(
    dialogue: Dialogue, store: Store, answers: list[str], subject: str | None = None
) -> tuple[Outcome, Script]:
    script = Script(answers)
    outcome = Conversation.begin(dialogue, store, script, subject=subject).run()
    return outcome, script


def test_a_second_session_about_the_same_person_sees_the_earlier_answer(
    dialogue: Dialogue, store: Store
) -> None:
    first, _ = session(dialogue, store, ["Paul", "Dat hij op tijd komt"])
    assert first.status == "completed"
    _, script = session(dialogue, store, ["paul", "Dat hij vragen stelt."])
    assert "Vorige keer wilde je: Dat hij op tijd komt." in script.shown


def test_the_person_may_be_written_with_other_capitals_and_accents(
    dialogue: Dialogue, store: Store
) -> None:
    session(dialogue, store, ["Zoë", "Dat ze meer delegeert"])
    _, script = session(dialogue, store, [], subject="  zoe ")
    assert "Vorige keer wilde je: Dat ze meer delegeert." in script.shown


def test_a_different_person_sees_nothing_remembered(dialogue: Dialogue, store: Store) -> None:
    session(dialogue, store, ["Paul", "Dat hij op tijd komt"])
    _, script = session(dialogue, store, ["Mira", "Dat ze meer deelt."])
    assert not any(text.startswith("Vorige keer") for text in script.shown)


def test_a_session_of_another_dialogue_is_not_remembered(dialogue: Dialogue, store: Store) -> None:
    other = load_dialogue_text(TEXT.replace("id: terugblik", "id: ander-gesprek"), "a.yaml")
    session(other, store, ["Paul", "Dat hij op tijd komt"])
    _, script = session(dialogue, store, [], subject="Paul")
    assert not any(text.startswith("Vorige keer") for text in script.shown)
    assert "Dit is gesprek 1." in script.shown


def test_the_newest_answer_is_remembered(dialogue: Dialogue, store: Store) -> None:
    session(dialogue, store, ["Paul", "Eerste doel"])
    session(dialogue, store, ["Paul", "Tweede doel"])
    _, script = session(dialogue, store, [], subject="Paul")
    assert "Vorige keer wilde je: Tweede doel." in script.shown


def test_a_first_session_remembers_nothing_about_itself(dialogue: Dialogue, store: Store) -> None:
    _, script = session(dialogue, store, ["Paul", "Dat hij op tijd komt"])
    assert not any(text.startswith("Vorige keer") for text in script.shown)


def test_session_count_is_one_then_two_then_three(dialogue: Dialogue, store: Store) -> None:
    _, first = session(dialogue, store, ["Paul", "Iets."])
    _, second = session(dialogue, store, ["Mira"])  # a paused session counts too
    _, third = session(dialogue, store, [])
    assert "Dit is gesprek 1." in first.shown
    assert "Dit is gesprek 2." in second.shown
    assert "Dit is gesprek 3." in third.shown


def test_a_resumed_session_shows_the_same_variant(
    dialogue: Dialogue, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def question(seed: int) -> str:
        return Engine(dialogue, {"ander": "Paul"}, seed=seed).start().steps[-1].text

    seed = next(s for s in range(100) if question(s) != question(0))
    monkeypatch.setattr(secrets, "randbelow", lambda _: seed)
    outcome, script = session(dialogue, store, ["Paul"])
    assert outcome.status == "paused"
    assert script.shown[-1] == question(seed)
    assert store.state(outcome.session_id)["state"]["seed"] == seed
    resumed = Script([])
    Conversation.resume(dialogue, store, resumed, outcome.session_id).run()
    assert resumed.shown == [question(seed)]


def test_remembered_reads_old_snapshots_and_skips_other_people() -> None:
    v1 = {"version": 1, "state": {"answers": {"ander": "Paul", "doel": "Oud doel."}}}
    v2 = {"version": 2, "state": {"frames": [{"answers": {"ander": "Mira", "doel": "Ander."}}]}}
    found = remembered([("Mira", v2), ("Paul", v1)], "PAUL", ["doel"])
    assert found == {"doel": "Oud doel."}


def test_same_subject_ignores_case_accents_and_spaces() -> None:
    assert same_subject("Zoë  de Vries", "zoe de vries")
    assert not same_subject("Paul", "Paula")
    assert not same_subject(None, "Paul")

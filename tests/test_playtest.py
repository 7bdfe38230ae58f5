"""The playthrough runner: test files for dialogues, what passes, what fails and why."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import MINIMAL

from coach.errors import DialogueError
from coach.loader import load_dialogue_text
from coach.model import Dialogue
from coach.playtest import UPDATE_GOLDEN, CaseResult, read_play_file, run_case

PASSING = """\
dialogue: mini
cases:
  - name: volledig
    steps:
      - answer: Paul
        at: wie
      - answer: Hij zei in het overleg dat ons plan niet deugt.
        at: wat
        probe: false
      - answer: "7"
        at: zeker
    expect:
      end: klaar
      card: {Wat: plan niet deugt, Zeker: "7"}
      answers: {ander: Paul, zeker: 7}
"""


@pytest.fixture(autouse=True)
def no_golden_update(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(UPDATE_GOLDEN, raising=False)


def run(tmp_path: Path, text: str, dialogue: Dialogue | None = None) -> CaseResult:
    path = tmp_path / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    [case] = read_play_file(path).cases
    return run_case(dialogue or load_dialogue_text(MINIMAL, "mini.yaml"), case, tmp_path)


def test_a_passing_case(tmp_path: Path) -> None:
    result = run(tmp_path, PASSING)
    assert result.failures == []
    assert result.nodes == {"wie", "wat", "zeker"}
    assert "[wat] jij\nHij zei in het overleg dat ons plan niet deugt." in result.transcript


def test_an_unexpected_follow_up_fails_naming_the_step_line(tmp_path: Path) -> None:
    text = PASSING.replace("dat ons plan niet deugt.", "arrogant")
    result = run(tmp_path, text)
    assert result.failures[0].startswith("stap 2 (regel 7): onverwachte vervolgvraag")
    assert "Je schrijft ‘arrogant’" in result.failures[0]


def test_an_expected_follow_up_that_does_not_come_fails(tmp_path: Path) -> None:
    text = PASSING.replace("probe: false", "probe: precies")
    result = run(tmp_path, text)
    assert result.failures == [
        "stap 2 (regel 7): verwacht een vervolgvraag met 'precies', maar die kwam niet"
    ]


def test_an_expected_follow_up_is_found_by_a_part_of_its_text(tmp_path: Path) -> None:
    text = (
        "dialogue: mini\ncases:\n  - name: doorvragen\n    steps:\n      - Paul\n"
        "      - answer: Hij was arrogant.\n        probe: WAT DEED PAUL\n"
        "      - answer: Hij keek weg.\n        probe: false\n"
    )
    result = run(tmp_path, text)
    assert result.failures == []
    assert result.probes == {("wat", 'matches(answer, "arrogant|altijd")')}


def test_a_wrong_at_fails(tmp_path: Path) -> None:
    text = PASSING.replace("at: zeker", "at: wat")
    result = run(tmp_path, text)
    assert result.failures[0] == (
        "stap 3 (regel 10): verwacht bij 'wat', maar de vraag is bij 'zeker'"
    )


def test_a_refused_answer_stops_the_case(tmp_path: Path) -> None:
    result = run(tmp_path, PASSING.replace('answer: "7"', "answer: elf"))
    assert result.failures[0].startswith("stap 3 (regel 10): het antwoord 'elf' werd niet")
    assert "het gesprek kwam niet bij het einde 'klaar'" in result.failures


def test_a_wrong_card_or_answer_fails(tmp_path: Path) -> None:
    text = PASSING.replace('Zeker: "7"', "Zeker: '8'").replace("ander: Paul", "ander: Mira")
    result = run(tmp_path, text)
    assert result.failures == [
        "kaartregel 'Zeker' bevat '8' niet: '7'",
        "antwoord 'ander' is 'Paul', verwacht 'Mira'",
    ]


GOLDEN = PASSING + "      golden: golden/mini.txt\n"


def test_a_golden_file_is_written_on_the_first_passing_run(tmp_path: Path) -> None:
    result = run(tmp_path, GOLDEN)
    assert result.passed
    golden = tmp_path / "golden" / "mini.txt"
    assert golden.read_text(encoding="utf-8") == result.transcript
    assert golden.read_text(encoding="utf-8").startswith("[hallo] coach\nWelkom.\n\n[wie] coach")
    assert run(tmp_path, GOLDEN).passed  # the same run again matches it


def test_a_changed_dialogue_text_fails_with_a_diff(tmp_path: Path) -> None:
    run(tmp_path, GOLDEN)
    changed = load_dialogue_text(MINIMAL.replace("Welkom.", "Goedemorgen."), "mini.yaml")
    result = run(tmp_path, GOLDEN, changed)
    [failure] = result.failures
    assert failure.startswith("het transcript wijkt af van mini.txt")
    assert "\n-Welkom.\n+Goedemorgen." in failure
    assert "Welkom." in (tmp_path / "golden" / "mini.txt").read_text(encoding="utf-8")


def test_update_golden_rewrites_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(tmp_path, GOLDEN)
    changed = load_dialogue_text(MINIMAL.replace("Welkom.", "Goedemorgen."), "mini.yaml")
    monkeypatch.setenv(UPDATE_GOLDEN, "1")
    assert run(tmp_path, GOLDEN, changed).passed
    assert "Goedemorgen." in (tmp_path / "golden" / "mini.txt").read_text(encoding="utf-8")


def test_a_failing_case_never_writes_a_golden_file(tmp_path: Path) -> None:
    result = run(tmp_path, GOLDEN.replace("at: zeker", "at: wat"))
    assert not result.passed
    assert not (tmp_path / "golden" / "mini.txt").exists()
    assert "mini.txt bestaat nog niet; het wordt geschreven als de case slaagt" in result.failures


def test_history_and_seed_feed_memory_and_session_count(tmp_path: Path) -> None:
    dialogue = load_dialogue_text(
        "id: mini\nversion: 1\ntitle: M\ndescription: d\nsubject: ander\nremember: [doel]\n"
        "nodes:\n  wie:\n    ask: Met wie?\n    into: ander\n"
        "  terug:\n    when: answered(previous.doel) and session.count == 3\n"
        "    say: 'Vorige keer: {previous.doel}'\n  doel:\n    ask: Doel?\n  klaar:\n    end: Klaar.\n",
        "mini.yaml",
    )
    text = (
        "dialogue: mini\ncases:\n  - name: terug\n    history:\n      - {doel: oud}\n"
        "      - {doel: nieuw}\n    steps:\n      - answer: Paul\n        shows: 'Vorige keer: nieuw'\n"
    )
    assert run(tmp_path, text, dialogue).failures == []


def test_the_safety_expectation(tmp_path: Path) -> None:
    text = (
        "dialogue: mini\ncases:\n  - name: vangnet\n    steps:\n      - Paul\n"
        "      - answer: Ik slaap al weken nauwelijks.\n        safety: true\n"
        "        shows: bedrijfsarts\n      - answer: '2'\n"
    )
    assert run(tmp_path, text).failures == []
    assert run(tmp_path, text.replace("safety: true", "safety: false")).failures == [
        "stap 2 (regel 6): het vangnet pauzeerde het gesprek onverwacht"
    ]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kapot.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_test_file_without_a_dialogue_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "cases:\n  - name: a\n    steps: [x]\n")
    with pytest.raises(DialogueError, match=r"kapot\.yaml:1: een testbestand begint met"):
        read_play_file(path)


def test_unknown_keys_are_refused_with_their_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "dialogue: mini\ncases:\n  - name: a\n    stepz: [x]\n    steps:\n"
        "      - answer: x\n        prob: false\n    expect:\n      eind: klaar\n",
    )
    with pytest.raises(DialogueError) as caught:
        read_play_file(path)
    assert [(i.code, i.line, i.path) for i in caught.value.issues] == [
        ("BAD_TEST", 4, "cases[0].stepz"),
        ("BAD_TEST", 7, "cases[0].steps[0].prob"),
        ("BAD_TEST", 9, "cases[0].expect.eind"),
    ]
    assert "kapot.yaml:7: cases[0].steps[0].prob: onbekende sleutel 'prob'" in str(caught.value)


def test_a_step_without_an_answer_and_a_repeated_name_are_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "dialogue: mini\ncases:\n  - name: a\n    steps:\n      - at: wie\n"
        "  - name: a\n    steps: [x]\n",
    )
    with pytest.raises(DialogueError) as caught:
        read_play_file(path)
    assert [(i.line, i.message) for i in caught.value.issues] == [
        (5, "een stap heeft een 'answer'"),
        (6, "de naam 'a' komt twee keer voor"),
    ]

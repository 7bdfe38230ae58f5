"""`coach test`: playthrough tests from the command line, their coverage, and a reviewed
session turned into a regression test with --from-transcript."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, Result

from coach.coverage import coverage, parts
from coach.loader import load_dialogue, load_dialogue_text
from coach.playtest import UPDATE_GOLDEN, read_play_file, run_case
from coach.shipped import shipped_dir
from coach.store import Store

Run = Callable[..., Result]

DIALOGUE = """\
id: klein
version: 1
title: Klein
description: Een klein gesprek om coach test mee te proberen.
subject: ander
nodes:
  wie:
    when: not answered(ander)
    ask: Met wie had je het gesprek?
    into: ander
  wat:
    ask: Wat gebeurde er?
    probes:
      - when: words(answer) < 4
        ask: Kun je meer vertellen?
      - when: matches(answer, "altijd")
        ask: Je schrijft {match|quote}. Wanneer precies?
  hoe:
    choose: Hoe kijk je terug?
    options:
      - Tevreden
      - {label: Ontevreden, goto: anders}
  verder:
    branch:
      - when: hoe == 'Tevreden'
        goto: kaart
      - goto: anders
  anders:
    ask: Wat zou je anders doen?
    optional: true
  kaart:
    end: Dank je.
    title: Kaart voor {ander}
    summary: [wat, hoe]
"""

PASSING = """\
dialogue: klein
cases:
  - name: tevreden
    steps:
      - {answer: Sam, at: wie}
      - answer: Ik liet haar eerst uitpraten en vatte samen.
        at: wat
        probe: false
      - {answer: Tevreden, at: hoe}
    expect:
      end: kaart
      card: {Wat: uitpraten, Hoe: Tevreden}
      golden: golden/klein-tevreden.txt
"""

FAILING = """\
dialogue: klein
cases:
  - name: tevreden
    steps:
      - {answer: Sam, at: wie}
      - answer: Ging goed.
        at: wat
        probe: false
  - name: ontevreden
    subject: Sam
    steps:
      - {answer: Ik liet haar eerst uitpraten en vatte samen., at: wat}
      - {answer: "2", at: hoe}
      - {answer: Eerder vragen., at: anders}
    expect: {end: kaart}
"""


@pytest.fixture(autouse=True)
def no_golden_update(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(UPDATE_GOLDEN, raising=False)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A coach's own folder with dialogues/klein.yaml, as the working directory."""
    work = tmp_path / "werk"
    (work / "dialogues" / "tests").mkdir(parents=True)
    (work / "dialogues" / "klein.yaml").write_text(DIALOGUE, encoding="utf-8")
    monkeypatch.chdir(work)
    return work


def write_tests(folder: Path, text: str) -> Path:
    path = folder / "dialogues" / "tests" / "klein.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_passing_test_file_passes_and_writes_its_golden_file(run_cli: Run, folder: Path) -> None:
    write_tests(folder, PASSING)
    result = run_cli("test", "dialogues/tests/klein.yaml")
    assert result.code == 0, result.out + result.err
    lines = result.out.splitlines()
    assert lines[0] == "dialogues/tests/klein.yaml (klein)"
    assert "  ✓ tevreden" in lines
    assert "      nieuw: golden/klein-tevreden.txt geschreven — lees het na" in lines
    assert lines[-1] == "1 case: 1 geslaagd, 0 mislukt"
    golden = folder / "dialogues" / "tests" / "golden" / "klein-tevreden.txt"
    assert "[wat] jij\nIk liet haar eerst uitpraten en vatte samen." in golden.read_text("utf-8")
    again = run_cli("test", "dialogues/tests/klein.yaml")
    assert again.code == 0 and "geschreven" not in again.out


def test_a_failing_case_is_marked_with_its_failures_and_exit_code_1(
    run_cli: Run, folder: Path
) -> None:
    write_tests(folder, FAILING)
    result = run_cli("test")  # without paths: the tests of ./dialogues
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0] == "dialogues/tests/klein.yaml (klein)"
    assert lines[1] == "  ✗ tevreden"
    assert lines[2] == "      stap 2 (regel 6): onverwachte vervolgvraag: 'Kun je meer vertellen?'"
    assert lines[3] == "  ✓ ontevreden"
    assert lines[-1].endswith(" geslaagd, 1 mislukt")
    assert "buiv" not in result.out  # a coach's own folder: only their dialogues


def test_without_a_dialogues_folder_the_shipped_dialogues_are_tested(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("test")
    assert result.code == 0, result.out
    assert "(buiv)" in result.out and " 0 mislukt" in result.out


def test_a_dialogue_path_means_its_test_file(run_cli: Run, folder: Path) -> None:
    write_tests(folder, PASSING)
    result = run_cli("test", "dialogues/klein.yaml")
    assert result.code == 0
    assert "  ✓ tevreden" in result.out and "buiv" not in result.out
    folder_run = run_cli("test", "dialogues")
    assert folder_run.code == 0 and "  ✓ tevreden" in folder_run.out


def test_a_dialogue_without_tests_is_reported(run_cli: Run, folder: Path) -> None:
    named = run_cli("test", "dialogues/klein.yaml")
    assert named.code == 1
    assert (
        "dialogues/klein.yaml: nog geen tests (dialogues/tests/klein.yaml bestaat niet)"
        in named.out
    )
    assert named.out.splitlines()[-1] == "0 cases: 0 geslaagd, 0 mislukt; 1 gesprek zonder tests"
    everything = run_cli("test")  # not named: reported, but the shipped tests decide
    assert everything.code == 0
    assert "dialogues/klein.yaml: nog geen tests" in everything.out


def test_a_broken_test_file_or_missing_path(run_cli: Run, folder: Path) -> None:
    write_tests(folder, "dialogue: klein\ncases:\n  - name: x\n    steps: [{antwoord: ja}]\n")
    broken = run_cli("test", "dialogues/klein.yaml")
    assert broken.code == 1
    assert "dialogues/tests/klein.yaml: dit testbestand bevat fouten:" in broken.out
    assert "dialogues/tests/klein.yaml:4: cases[0].steps[0]: een stap heeft een 'answer'" in (
        broken.out
    )
    missing = run_cli("test", "nergens.yaml")
    assert missing.code == 2 and "nergens.yaml bestaat niet" in missing.err


def test_coverage_names_what_no_case_reaches_with_file_and_line(run_cli: Run, folder: Path) -> None:
    write_tests(folder, PASSING)
    result = run_cli("test", "dialogues/klein.yaml")
    assert (
        "  dekking: nodes 5/6 (83%) · keuzes 1/2 (50%) · branch-regels 1/2 (50%) · "
        "vervolgvragen 0/2 (0%)" in result.out
    )
    missed = result.out.split("  nooit bereikt:\n")[1].split("\n\n")[0].splitlines()
    assert missed == [
        "    dialogues/klein.yaml:14: vervolgvraag 1 van 'wat': when words(answer) < 4",
        "    dialogues/klein.yaml:16: vervolgvraag 2 van 'wat': when matches(answer, \"altijd\")",
        "    dialogues/klein.yaml:22: keuze 'Ontevreden' van 'hoe'",
        "    dialogues/klein.yaml:27: de standaardregel van 'verder' (goto anders)",
        "    dialogues/klein.yaml:28: node 'anders' (ask)",
    ]


def test_coverage_counts_every_kind_of_node_and_the_fall_through_arm(folder: Path) -> None:
    dialogue = load_dialogue(folder / "dialogues" / "klein.yaml")
    results = []
    for text in (PASSING, FAILING):  # together: both options, one rule, one follow-up
        path = write_tests(folder, text)
        results += [run_case(dialogue, case, path.parent) for case in read_play_file(path).cases]
    found = coverage(dialogue, results)
    assert (found.nodes.reached, found.nodes.total) == (6, 6)  # also the branch and the end
    assert (found.probes.reached, found.probes.total) == (1, 2)
    assert [(part.description, part.loc.line) for part in found.missed] == [
        ("vervolgvraag 2 van 'wat': when matches(answer, \"altijd\")", 16),
        ("de standaardregel van 'verder' (goto anders)", 27),
    ]
    text = DIALOGUE.replace("      - goto: anders\n  anders:", "  anders:")
    without_default = load_dialogue_text(text, "klein.yaml")
    arms = [(part.kind, part.index) for part in parts(without_default) if part.node == "verder"]
    assert arms == [("node", None), ("rule", 0), ("rule", 1)]  # 1: no rule holds, fall through


# -- --from-transcript ------------------------------------------------------------------------

ANSWERS = [
    "Sam",
    "Ging goed.",  # a follow-up question comes
    "Ik liet haar eerst uitpraten en vatte samen wat ik hoorde.",
    "2",
    "/overslaan",
]


def test_a_session_becomes_a_passing_case_and_catches_a_changed_question(
    run_cli: Run, folder: Path
) -> None:
    session = run_cli("run", "dialogues/klein.yaml", input="\n".join(ANSWERS) + "\n")
    assert session.code == 0, session.err
    result = run_cli("test", "--from-transcript", "1")
    assert result.code == 0, result.out + result.err
    tests = folder / "dialogues" / "tests" / "klein.yaml"
    assert "Sessie 1 staat als case 'sessie 1 van " in result.out
    assert "in dialogues/tests/klein.yaml." in result.out
    assert "nieuw: golden/klein-sessie-1.txt geschreven — lees het na" in result.out
    [case] = read_play_file(tests).cases
    assert [(step.answer, step.at, step.probe) for step in case.steps] == [
        ("Sam", "wie", False),
        ("Ging goed.", "wat", "Kun je meer vertellen?"),
        ("Ik liet haar eerst uitpraten en vatte samen wat ik hoorde.", None, False),
        ("2", "hoe", False),
        ("/overslaan", "anders", False),
    ]
    assert case.expect["end"] == "kaart"
    assert case.expect["card"] == {
        "Wat": "Ging goed. Ik liet haar eerst uitpraten en",
        "Hoe": "Ontevreden",
    }
    assert case.subject is None  # answered in the conversation, not given with --met

    assert run_cli("test").code == 0
    dialogue = folder / "dialogues" / "klein.yaml"
    dialogue.write_text(
        DIALOGUE.replace("Wat zou je anders doen?", "Wat doe je de volgende keer anders?"),
        encoding="utf-8",
    )
    changed = run_cli("test", "dialogues/klein.yaml")
    assert changed.code == 1
    assert "  ✗ sessie 1 van " in changed.out
    assert "-Wat zou je anders doen?" in changed.out
    assert "+Wat doe je de volgende keer anders?" in changed.out


def test_a_session_with_met_and_a_skipped_follow_up(run_cli: Run, folder: Path) -> None:
    answers = ["Het is altijd hetzelfde met haar.", "/verder", "Tevreden"]
    run_cli("run", "dialogues/klein.yaml", "--met", "Sam", input="\n".join(answers) + "\n")
    write_tests(folder, PASSING)  # an existing file: the case is added below, comments kept
    result = run_cli("test", "--from-transcript", "1")
    assert result.code == 0, result.out + result.err
    tests = folder / "dialogues" / "tests" / "klein.yaml"
    assert tests.read_text("utf-8").startswith(PASSING)
    _, session = read_play_file(tests).cases
    assert session.subject == "Sam"
    assert [(step.answer, step.probe) for step in session.steps] == [
        ("Het is altijd hetzelfde met haar.", "Je schrijft ‘altijd’. Wanneer precies?"),
        ("/verder", False),
        ("Tevreden", False),
    ]
    again = run_cli("test", "--from-transcript", "1")
    assert again.code == 1 and "staat al een case 'sessie 1 van " in again.err


def test_a_session_the_dialogue_no_longer_plays_the_same_is_refused(
    run_cli: Run, folder: Path
) -> None:
    run_cli("run", "dialogues/klein.yaml", input="\n".join(ANSWERS) + "\n")
    dialogue = folder / "dialogues" / "klein.yaml"
    dialogue.write_text(DIALOGUE.replace("Hoe kijk je terug?", "Hoe kijk je erop terug?"), "utf-8")
    result = run_cli("test", "--from-transcript", "1")
    assert result.code == 1
    assert "sessie 1 wordt geen test: het gesprek is aangepast sinds deze sessie" in result.err
    assert "in de sessie: Hoe kijk je terug?\n  nu: Hoe kijk je erop terug?" in result.err
    assert not (folder / "dialogues" / "tests" / "klein.yaml").exists()


def test_a_short_answer_given_twice_replays_with_nudge(run_cli: Run, folder: Path) -> None:
    dialogue = folder / "dialogues" / "klein.yaml"
    limited = DIALOGUE.replace(
        "    ask: Wat gebeurde er?\n", "    ask: Wat gebeurde er?\n    limits: {min_words: 6}\n"
    )
    dialogue.write_text(limited, encoding="utf-8")
    answers = ["Sam", "Ging goed.", "Ging goed.", "/verder", "Tevreden"]
    run_cli("run", "dialogues/klein.yaml", input="\n".join(answers) + "\n")
    result = run_cli("test", "--from-transcript", "1")
    assert result.code == 0, result.out + result.err
    [case] = read_play_file(folder / "dialogues" / "tests" / "klein.yaml").cases
    assert (case.steps[1].answer, case.steps[1].nudge) == ("Ging goed.", True)
    dialogue.write_text(DIALOGUE, encoding="utf-8")  # no minimum any more: no nudge comes
    changed = run_cli("test", "dialogues/klein.yaml")
    assert changed.code == 1
    assert "stap 2 (regel 9): coach vroeg niet om iets meer te schrijven" in changed.out


def test_a_session_keeps_its_text_variants_and_earlier_sessions(
    run_cli: Run, folder: Path, coach_home: Path
) -> None:
    variants = "    ask:\n" + "".join(f"      - Wat gebeurde er ({n})?\n" for n in range(1, 9))
    text = DIALOGUE.replace("    ask: Wat gebeurde er?\n", variants)
    text = text.replace("subject: ander\n", "subject: ander\nremember: [wat]\n")
    (folder / "dialogues" / "klein.yaml").write_text(text, encoding="utf-8")
    first = ["Ik liet haar eerst uitpraten en vatte samen wat ik hoorde.", "Tevreden"]
    run_cli("run", "dialogues/klein.yaml", "--met", "Sam", input="\n".join(first) + "\n")
    run_cli("run", "dialogues/klein.yaml", "--met", "Kim", input="\n".join(first) + "\n")
    second = ["Ik stelde eerst een vraag en wachtte toen rustig af.", "Tevreden"]
    run_cli("run", "dialogues/klein.yaml", "--met", "Sam", input="\n".join(second) + "\n")
    result = run_cli("test", "--from-transcript", "3")
    assert result.code == 0, result.out + result.err
    [case] = read_play_file(folder / "dialogues" / "tests" / "klein.yaml").cases
    store = Store.open(coach_home)
    try:
        assert case.seed == store.state(3)["state"]["seed"]
    finally:
        store.close()
    assert case.subject == "Sam"
    assert case.history == ({"wat": first[0]},)  # Kim's session is not about Sam


def test_a_resumed_session_after_the_safety_net_replays_without_the_resume_check_in(
    run_cli: Run, folder: Path
) -> None:
    answers = ["Sam", "Soms denk ik aan zelfmoord.", "1", "/pauze"]
    run_cli("run", "dialogues/klein.yaml", input="\n".join(answers) + "\n")
    # On resume: how it goes now (1: go on), the choice, and before the card the check-in.
    resumed = run_cli("resume", input="1\nTevreden\n1\n")
    screen = " ".join(resumed.out.split())
    assert "Hoe gaat het nu met je?" in screen and "Dank je." in screen
    assert "Je laatste antwoord was: Sam" in screen  # not a choice at the safety net
    result = run_cli("test", "--from-transcript", "1")
    assert result.code == 0, result.out + result.err
    [case] = read_play_file(folder / "dialogues" / "tests" / "klein.yaml").cases
    assert [step.answer for step in case.steps] == [
        "Sam",
        "Soms denk ik aan zelfmoord.",
        "1",
        "Tevreden",
        "1",  # the check-in before the card; the one on resume is left out
    ]
    assert case.expect["end"] == "kaart"
    assert run_cli("test").code == 0


def test_hostile_text_is_kept_in_the_case_and_shown_harmlessly(run_cli: Run, folder: Path) -> None:
    hostile = "[bold]x[/bold] \x1b[2J {ander} \u202eabc: - 'nee' # niet"
    answers = ["Sam", f"Ik liet haar eerst uitpraten {hostile}", "Tevreden"]
    run_cli("run", "dialogues/klein.yaml", input="\n".join(answers) + "\n")
    result = run_cli("test", "--from-transcript", "1")
    assert result.code == 0, result.out + result.err
    tests = folder / "dialogues" / "tests" / "klein.yaml"
    [case] = read_play_file(tests).cases
    assert case.steps[1].answer == answers[1]
    named = re.sub(r"name: (sessie 1.*)", r'name: "\\e[2J \1"', tests.read_text("utf-8"))
    tests.write_text(named, "utf-8")
    again = run_cli("test", "dialogues/klein.yaml")
    assert again.code == 0
    assert "\x1b" not in again.out and "  ✓ ␛[2J sessie 1" in again.out


def test_from_transcript_without_a_session_or_dialogue(run_cli: Run, folder: Path) -> None:
    none = run_cli("test", "--from-transcript", "1")
    assert none.code == 2 and "er is geen sessie 1" in none.err
    run_cli("run", "dialogues/klein.yaml", input="Sam\n")
    (folder / "dialogues" / "klein.yaml").unlink()
    gone = run_cli("test", "--from-transcript", "1")
    assert gone.code == 1
    assert "het gesprek 'klein' van sessie 1 is niet te vinden" in gone.err
    both = run_cli("test", "dialogues", "--from-transcript", "1")
    assert both.code == 2 and "gaat niet samen" in both.err


def test_the_guides_coach_test_example_is_what_coach_test_says(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    guide = (REPO / "docs" / "authoring.md").read_text("utf-8")
    yaml_blocks = re.findall(r"```yaml\n(.*?)```", guide, flags=re.DOTALL)
    (tmp_path / "dialogues" / "tests").mkdir(parents=True)
    (tmp_path / "dialogues" / "terugblik.yaml").write_text(yaml_blocks[0], encoding="utf-8")
    tests = next(block for block in yaml_blocks if "cases:" in block)
    (tmp_path / "dialogues" / "tests" / "terugblik.yaml").write_text(tests, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_cli("test", "dialogues/terugblik.yaml")
    expected = next(
        block for block in re.findall(r"```text\n(.*?)```", guide, re.DOTALL) if "dekking" in block
    )
    assert result.out == expected
    assert result.code == 0


def test_from_transcript_writes_the_case_and_its_golden_file_for_this_user_only(
    run_cli: Run, folder: Path
) -> None:
    tests = write_tests(folder, PASSING)
    tests.chmod(0o644)
    previous = os.umask(0o022)  # a usual umask: new files readable by everyone
    try:
        run_cli("run", "dialogues/klein.yaml", input="\n".join(ANSWERS) + "\n")
        result = run_cli("test", "--from-transcript", "1")
    finally:
        os.umask(previous)
    assert result.code == 0, result.out + result.err
    golden = folder / "dialogues" / "tests" / "golden" / "klein-sessie-1.txt"
    assert ANSWERS[2] in golden.read_text("utf-8")
    for path in (tests, golden):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert not list(tests.parent.glob(".*.deel"))


def test_from_transcript_never_writes_into_the_shipped_dialogues(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # outside any project: no ./dialogues
    shipped = shipped_dir()
    before = sorted((p, p.stat().st_mtime_ns) for p in shipped.rglob("*"))
    run_cli("run", "buiv", "--met", "Sam", input="Ze zei dat het rooster niet klopte.\n")
    result = run_cli("test", "--from-transcript", "1")
    assert result.code == 1
    assert "'buiv' is een meegeleverd gesprek; daar kunnen geen tests bij" in result.err
    assert "kopieer " in result.err and "dialogues/ in je eigen projectmap" in result.err
    assert sorted((p, p.stat().st_mtime_ns) for p in shipped.rglob("*")) == before


def test_deleting_a_session_says_that_the_test_made_from_it_keeps_its_words(
    run_cli: Run, folder: Path
) -> None:
    run_cli("run", "dialogues/klein.yaml", input="\n".join(ANSWERS) + "\n")
    assert run_cli("test", "--from-transcript", "1").code == 0
    result = run_cli("transcripts", "delete", "1", "--ja")
    assert result.code == 0, result.err
    tests = folder / "dialogues" / "tests"
    assert "Je maakte hiervan een test met coach test --from-transcript." in result.out
    assert f"  {(tests / 'klein.yaml').resolve()}\n" in result.out
    assert f"  {(tests / 'golden' / 'klein-sessie-1.txt').resolve()}\n" in result.out
    assert ANSWERS[2] in (tests / "klein.yaml").read_text("utf-8")  # coach leaves it alone
    run_cli("run", "dialogues/klein.yaml", input="\n".join(ANSWERS) + "\n")
    other = run_cli("transcripts", "delete", "2", "--ja")
    assert other.code == 0 and "coach test" not in other.out  # no test was made of this one

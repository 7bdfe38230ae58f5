"""Loading dialogues: one defect each gives exactly its code and line; a good script gives none."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Result
from helpers import MINIMAL

from coach.errors import DialogueError
from coach.loader import inspect_dialogue, load_dialogue, load_dialogue_text
from coach.model import Ask, Choose, End, Say, Scale

GOOD = """\
id: goed
version: 1
title: Goed
description: Een script zonder fouten.
phases: [een, twee]
nodes:
  hallo:
    say: Welkom.
  vraag:
    phase: een
    ask: Wat is er gebeurd?
    probes:
      - when: words(answer) < 3
        ask: Kun je meer vertellen over {match}?
  keuze:
    phase: twee
    choose: Verder?
    options:
      - Ja
      - {label: Nee, goto: vraag}
  einde:
    end: Klaar met {vraag}.
    summary: [vraag]
"""


def issues_of(text: str, tmp_path: Path) -> list[tuple[str, int]]:
    path = tmp_path / "script.yaml"
    path.write_text(text, encoding="utf-8")
    return [(issue.code, issue.line) for issue in inspect_dialogue(path).issues]


def test_a_good_script_has_no_issues(tmp_path: Path) -> None:
    assert issues_of(GOOD, tmp_path) == []
    assert issues_of(MINIMAL, tmp_path) == []


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        (
            "yaml syntax error",
            "    ask: Wat is er gebeurd?",
            "    ask: Wat: is er gebeurd?",
            ("YAML_SYNTAX", 11),
        ),
        ("tab indentation", "    say: Welkom.", "\tsay: Welkom.", ("YAML_SYNTAX", 8)),
        (
            "unreachable node",
            "    summary: [vraag]\n",
            "    summary: [vraag]\n  los:\n    say: Nooit.\n",
            ("UNREACHABLE_NODE", 24),
        ),
        (
            "loop without a way out",
            "      - Ja\n      - {label: Nee, goto: vraag}\n  einde:",
            "      - {label: Ja, goto: einde}\n      - {label: Nee, goto: lus}\n"
            "  lus:\n    say: Rond.\n    next: lus\n  einde:",
            ("DEAD_END", 21),
        ),
        (
            "branch without a default",
            "  einde:",
            "  kies:\n    branch:\n      - when: words(vraag) > 3\n        goto: einde\n  einde:",
            ("NO_DEFAULT_BRANCH", 21),
        ),
        (
            "unused answer",
            "  einde:",
            "  extra:\n    ask: Nog iets?\n  einde:",
            ("UNUSED_ANSWER", 21),
        ),
        (
            "je and u mixed",
            "    say: Welkom.",
            "    say: Welkom. Neemt u er de tijd voor.",
            ("MIXED_REGISTER", 8),
        ),
        (
            "closed question",
            "    ask: Wat is er gebeurd?",
            "    ask: Is er iets gebeurd?",
            ("CLOSED_QUESTION", 11),
        ),
        (
            "unknown lexicon",
            "words(answer) < 3",
            "mentions(answer, 'emotie')",
            ("UNKNOWN_LEXICON", 13),
        ),
        (
            "unknown next target",
            "    say: Welkom.",
            "    say: Welkom.\n    next: vraaag",
            ("UNKNOWN_TARGET", 9),
        ),
        ("unknown goto", "goto: vraag}", "goto: nergens}", ("UNKNOWN_TARGET", 20)),
        (
            "duplicate node id",
            "  einde:",
            "  vraag:\n    say: dubbel\n  einde:",
            ("DUPLICATE_ID", 21),
        ),
        (
            "alias",
            "    say: Welkom.",
            "    say: &groet Welkom.\n  tweede:\n    say: *groet",
            ("ANCHOR", 8),
        ),
        ("unknown key", "    say: Welkom.", "    say: Welkom.\n    nxt: vraag", ("SCHEMA", 9)),
        ("missing title", "title: Goed\n", "", ("SCHEMA", 1)),
        ("number as text", "    say: Welkom.", "    say: 42", ("SCHEMA", 8)),
        ("no kind", "    say: Welkom.", "    phase: een", ("NO_KIND", 7)),
        ("two kinds", "    say: Welkom.", "    say: Welkom.\n    ask: En?", ("MANY_KINDS", 7)),
        (
            "misplaced key",
            "    say: Welkom.",
            "    say: Welkom.\n    options: [a]",
            ("MISPLACED_KEY", 9),
        ),
        ("bad condition", "words(answer) < 3", "words(answer) <", ("BAD_CONDITION", 13)),
        ("unknown function", "words(answer) < 3", "woorden(answer) < 3", ("BAD_CONDITION", 13)),
        (
            "bad template",
            "Klaar met {vraag}.",
            "Klaar met {vraag.__class__}.",
            ("BAD_TEMPLATE", 22),
        ),
        (
            "undefined template name",
            "Klaar met {vraag}.",
            "Klaar met {vragen}.",
            ("UNDEFINED_NAME", 22),
        ),
        (
            "undefined condition name",
            "words(answer) < 3",
            "words(antwoord) < 3",
            ("UNDEFINED_NAME", 13),
        ),
        (
            "match outside a probe",
            "Klaar met {vraag}.",
            "Klaar met {match}.",
            ("UNDEFINED_NAME", 22),
        ),
        ("unknown phase", "    phase: twee", "    phase: drie", ("UNKNOWN_PHASE", 16)),
        ("missing start", "nodes:", "start: begin\nnodes:", ("UNKNOWN_TARGET", 6)),
        ("scale without range", "    say: Welkom.", "    scale: Hoe?", ("SCHEMA", 7)),
        (
            "reserved answer name",
            "  einde:",
            "  extra:\n    ask: En?\n    into: answer\n  einde:",
            ("RESERVED_NAME", 23),
        ),
        ("duplicate option", "      - Ja\n", "      - Ja\n      - ja\n", ("DUPLICATE_OPTION", 20)),
    ],
)
def test_one_defect_one_issue(
    name: str, old: str, new: str, expected: tuple[str, int], tmp_path: Path
) -> None:
    assert old in GOOD, name
    found = issues_of(GOOD.replace(old, new, 1), tmp_path)
    assert expected in found, f"{name}: {found}"
    errors = [issue for issue in found if issue[0] != "ALIAS"]  # an alias comes with its anchor
    assert len(errors) == 1, f"{name}: {found}"


def test_all_errors_of_a_file_come_at_once_sorted_by_line(tmp_path: Path) -> None:
    text = (
        GOOD.replace("    say: Welkom.", "    say: Welkom.\n    next: nergens")
        .replace("Klaar met {vraag}.", "Klaar met {onbekend}.")
        .replace("    phase: twee", "    phase: drie")
    )
    found = issues_of(text, tmp_path)
    assert [code for code, _ in found] == ["UNKNOWN_TARGET", "UNKNOWN_PHASE", "UNDEFINED_NAME"]
    assert [line for _, line in found] == sorted(line for _, line in found)


def test_messages_are_file_line_path_message_and_hint(tmp_path: Path) -> None:
    path = tmp_path / "script.yaml"
    path.write_text(GOOD.replace("    say: Welkom.", "    say: Welkom.\n    next: vraaag"), "utf-8")
    with pytest.raises(DialogueError) as caught:
        load_dialogue(path, "dialogues/script.yaml")
    assert str(caught.value) == (
        "dialogues/script.yaml:9: nodes.hallo.next: onbekende node 'vraaag'\n"
        "  hint: bedoel je 'vraag'?"
    )


def test_warnings_do_not_stop_loading(tmp_path: Path) -> None:
    text = GOOD.replace(
        "  einde:",
        "  splits:\n    branch:\n      - goto: einde\n      - when: answered(vraag)\n        goto: vraag\n  einde:",
    )
    path = tmp_path / "script.yaml"
    path.write_text(text, encoding="utf-8")
    result = inspect_dialogue(path)
    assert [(i.code, i.severity) for i in result.issues] == [("UNUSED_RULE", "warning")]
    assert result.dialogue is not None


def test_the_model_is_built_in_file_order_with_phases_carried_down() -> None:
    dialogue = load_dialogue_text(GOOD)
    assert [type(node) for node in dialogue.nodes] == [Say, Ask, Choose, End]
    assert [node.phase for node in dialogue.nodes] == [None, "een", "twee", "twee"]
    assert dialogue.start.target == "hallo"
    assert dialogue.successor(dialogue.node("hallo")) == "vraag"
    vraag = dialogue.node("vraag")
    assert isinstance(vraag, Ask) and vraag.into == "vraag" and vraag.max_probes == 2


def test_authored_text_is_reflowed_into_paragraphs() -> None:
    text = GOOD.replace(
        "    say: Welkom.",
        "    say: |\n      Eerste regel\n      loopt door.\n\n      Nieuwe alinea:\n      - een punt",
    )
    hallo = load_dialogue_text(text).node("hallo")
    assert isinstance(hallo, Say)
    assert hallo.text.source == "Eerste regel loopt door.\n\nNieuwe alinea:\n- een punt"


def test_scale_labels_become_numbers() -> None:
    zeker = load_dialogue_text(MINIMAL).node("zeker")
    assert isinstance(zeker, Scale)
    assert (zeker.low, zeker.high, zeker.labels) == (1, 10, ((1, "onzeker"), (10, "zeker")))


def test_shipped_dialogues_are_clean() -> None:
    from coach.catalog import shipped_dir

    for path in sorted(shipped_dir().glob("*.yaml")):
        result = inspect_dialogue(path)
        assert result.issues == [], [issue.format() for issue in result.issues]


HUGE = "9" * 5000  # Python refuses to read a whole number of more than 4,300 digits


@pytest.mark.parametrize(
    ("change", "line", "code"),
    [
        (("version: 1", f"version: {HUGE}"), 2, "NUMBER_TOO_LONG"),
        (("words(answer) < 3", f"words(answer) < {HUGE}"), 13, "BAD_CONDITION"),
        (("words(answer) < 3", f"words(answer) < -{HUGE}.5"), 13, "BAD_CONDITION"),
    ],
)
def test_a_number_too_long_to_read_is_an_issue_at_its_line(
    change: tuple[str, str], line: int, code: str, tmp_path: Path
) -> None:
    found = issues_of(GOOD.replace(*change), tmp_path)
    assert (code, line) in found


def test_every_yaml_file_reports_a_number_too_long_with_file_and_line(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    """Dialogues, word lists, rubrics and test files are all read by coach.yamldoc."""
    from coach.yamldoc import parse_yaml

    document = parse_yaml(f"naam: x\ngetallen:\n  - 1\n  - {HUGE}\n", "lijst.yaml")
    assert [(i.file, i.line, i.code) for i in document.issues] == [
        ("lijst.yaml", 4, "NUMBER_TOO_LONG")
    ]
    assert document.data["getallen"][1] == HUGE  # kept as text, so reading goes on
    (tmp_path / "groot.yaml").write_text(GOOD.replace("version: 1", f"version: {HUGE}"), "utf-8")
    result = run_cli("validate", str(tmp_path / "groot.yaml"))
    assert result.code == 1
    assert "groot.yaml:2: version: een getal van 5000 cijfers is te lang" in result.out
    assert "niet had mogen gebeuren" not in result.out + result.err

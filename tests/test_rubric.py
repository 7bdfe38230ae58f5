"""Rubric files: every defect gets its own code at its own line; the shipped rubrics load."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.errors import DialogueError
from coach.rubric_files import (
    find_rubric,
    inspect_rubric,
    load_rubric,
    rubric_paths,
    rubrics_for,
)

REPO = Path(__file__).resolve().parent.parent

GOOD = """\
id: proef
version: 1
title: Proef
dialogues: [buiv]
criteria:
  - id: uitleven
    title: Uitleven
    answer: uitleven
    levels:
      - level: 2
        when: mentions(answer, 'emoties')
      - level: 1
        when: words(answer) >= 3
      - level: 0
    tip: Noem een gevoel.
  - id: samen
    title: Samenhang
    levels:
      - level: 2
        when: shared(inleven, voorleven) >= 1
      - level: 0
"""


def issues_of(text: str, tmp_path: Path, name: str = "proef") -> list[tuple[str, int]]:
    folder = tmp_path / "rubrics"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return [(issue.code, issue.line) for issue in inspect_rubric(path).issues]


def test_the_good_rubric_has_no_issues(tmp_path: Path) -> None:
    assert issues_of(GOOD, tmp_path) == []


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        ("unknown key", "    tip: Noem", "    tips: Noem", ("SCHEMA", 15)),
        (
            "no levels",
            "    levels:\n      - level: 2\n        when: shared(inleven, voorleven) >= 1\n      - level: 0\n",
            "    levels: []\n",
            ("SCHEMA", 18),
        ),
        ("id is not the file name", "id: proef", "id: anders", ("RUBRIC_ID", 1)),
        (
            "condition does not parse",
            "words(answer) >= 3",
            "words(answer) >= ",
            ("BAD_CONDITION", 13),
        ),
        ("unknown lexicon", "'emoties'", "'emoties2'", ("UNKNOWN_LEXICON", 11)),
        (
            "unknown answer name",
            "shared(inleven, voorleven)",
            "shared(inlevn, voorleven)",
            ("UNDEFINED_NAME", 20),
        ),
        (
            "answer of no question",
            "    answer: uitleven",
            "    answer: uitleve",
            ("UNDEFINED_NAME", 8),
        ),
        (
            "answer without answer:",
            "shared(inleven, voorleven) >= 1",
            "words(answer) > 1",
            ("UNDEFINED_NAME", 20),
        ),
        (
            "unknown dialogue",
            "dialogues: [buiv]",
            "dialogues: [buiv, bestaat-niet]",
            ("UNKNOWN_DIALOGUE", 4),
        ),
        ("levels upside down", "      - level: 1\n", "      - level: 3\n", ("LEVEL_ORDER", 12)),
        (
            "last level with a condition",
            "      - level: 0\n    tip",
            "      - level: 0\n        when: words(answer) > 0\n    tip",
            ("NO_DEFAULT_LEVEL", 15),
        ),
        (
            "a level without condition too early",
            "        when: words(answer) >= 3\n",
            "",
            ("NO_DEFAULT_LEVEL", 12),
        ),
        ("duplicate criterion", "  - id: samen", "  - id: uitleven", ("DUPLICATE_ID", 16)),
    ],
)
def test_one_defect_one_issue(
    name: str, old: str, new: str, expected: tuple[str, int], tmp_path: Path
) -> None:
    assert old in GOOD, name
    found = issues_of(GOOD.replace(old, new, 1), tmp_path)
    assert found == [expected], f"{name}: {found}"


def test_a_broken_rubric_raises_with_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "rubrics"
    folder.mkdir()
    path = folder / "proef.yaml"
    path.write_text(GOOD.replace("'emoties'", "'emotie'"), encoding="utf-8")
    with pytest.raises(DialogueError) as caught:
        load_rubric(path, "rubrics/proef.yaml")
    assert str(caught.value).startswith("rubrics/proef.yaml:11: criteria[0].levels[0].when")
    assert "bedoel je 'emoties'?" in str(caught.value)


def test_not_yaml_and_not_a_mapping_are_issues_not_crashes(tmp_path: Path) -> None:
    assert issues_of("id: [", tmp_path)[0][0] == "YAML_SYNTAX"
    assert issues_of("- een lijst\n", tmp_path) == [("", 1)]


def test_every_shipped_rubric_loads_without_issues() -> None:
    paths = sorted((REPO / "rubrics").glob("*.yaml"))
    assert {path.stem for path in paths} >= {"buiv", "feedback-vraag", "ontwikkelgesprek"}
    for path in paths:
        assert inspect_rubric(path).issues == [], path


def test_shipped_rubrics_start_with_the_schema_modeline() -> None:
    for path in sorted((REPO / "rubrics").glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../coach/schemas/rubric.schema.json"


def test_rubrics_are_found_by_dialogue_and_by_name(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./rubrics here: the shipped ones
    assert [path.stem for path in rubrics_for("buiv")] == ["buiv"]
    assert rubrics_for("grow") == []
    assert find_rubric("buiv").stem == "buiv"
    assert "buiv" in [path.stem for path in rubric_paths()]


def test_a_local_rubric_comes_before_the_shipped_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "rubrics").mkdir()
    (tmp_path / "rubrics" / "buiv.yaml").write_text(GOOD.replace("id: proef", "id: buiv"), "utf-8")
    monkeypatch.chdir(tmp_path)
    assert find_rubric("buiv") == (tmp_path / "rubrics" / "buiv.yaml").resolve()


def test_an_unknown_rubric_name_gets_a_suggestion(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from coach.errors import UsageError

    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError) as caught:
        find_rubric("buif")
    assert caught.value.hint == "bedoel je 'buiv'?"

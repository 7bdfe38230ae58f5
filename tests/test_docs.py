"""The documentation stays true: commands, formats and examples are checked against the code."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import click
import pytest
from conftest import REPO, Result
from helpers import PAUL_ARROGANT

from coach.catalog import shipped_dir
from coach.cli import cli
from coach.loader import inspect_dialogue

README = (REPO / "README.md").read_text("utf-8")


def code_blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def command_paths(group: click.Group, prefix: str = "coach") -> Iterator[str]:
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            yield from command_paths(command, path)
        else:
            yield path


def test_readme_opens_with_the_two_commands_and_ci_runs_the_second() -> None:
    first_block = code_blocks(README, "sh")[0]
    assert README.index("```sh") < README.index("\n## ")
    install_and_run, install_and_test = first_block.strip().splitlines()
    assert install_and_run.endswith(".venv/bin/coach")
    assert install_and_test.endswith(".venv/bin/pytest")
    ci = (REPO / ".ci" / "run").read_text("utf-8")
    assert install_and_test in ci.splitlines()


def test_readme_lists_every_command() -> None:
    for path in command_paths(cli):
        assert f"`{path}" in README, f"{path} is not in README.md"


def test_transcript_format_documents_every_exported_field(run_cli: Callable[..., Result]) -> None:
    doc = (REPO / "docs" / "transcript-format.md").read_text("utf-8")
    run_cli("run", "buiv", "--met", "Paul", input=PAUL_ARROGANT)
    data = json.loads(run_cli("transcripts", "export", "1").out)
    fields = set(data) | set(data["session"]) | {key for turn in data["turns"] for key in turn}
    for field in fields:
        assert f"`{field}`" in doc, f"{field} is not documented"
    for kind in {turn["kind"] for turn in data["turns"]}:
        assert f"| `{kind}` |" in doc


def test_the_authoring_guide_example_is_a_working_dialogue(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    guide = (REPO / "docs" / "authoring.md").read_text("utf-8")
    example = code_blocks(guide, "yaml")[0]
    path = tmp_path / "terugblik.yaml"
    path.write_text(example, encoding="utf-8")
    assert inspect_dialogue(path).issues == []
    result = run_cli(
        "run",
        str(path),
        input="Sam\nDat ging goed\nIk liet haar eerst uitpraten.\n8\nEerder vragen.\n",
    )
    assert result.code == 0
    assert "Kun je een moment noemen?" in result.out
    assert "Terugblik op het gesprek met Sam" in result.out


def test_the_guides_validation_example_is_what_validate_says(
    tmp_path: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    guide = (REPO / "docs" / "authoring.md").read_text("utf-8")
    example = code_blocks(guide, "yaml")[0]
    broken = example.replace("    into: ander\n", "    into: ander\n    next: wat2\n", 1)
    (tmp_path / "dialogues").mkdir()
    (tmp_path / "dialogues" / "terugblik.yaml").write_text(broken, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_cli("validate", "dialogues/terugblik.yaml")
    expected = next(block for block in code_blocks(guide, "text") if "wat2" in block)
    assert result.out == expected
    assert result.code == 1


def test_the_guide_names_every_issue_code() -> None:
    guide = (REPO / "docs" / "authoring.md").read_text("utf-8")
    sources = "".join(
        (REPO / "coach" / f"{name}.py").read_text("utf-8")
        for name in (
            "yamldoc",
            "schema",
            "loader",
            "check",
            "links",
            "lexicon_files",
            "playtest",
            "wording",
            "rubric_files",
        )
    )
    codes = set(re.findall(r'"([A-Z]{2,}(?:_[A-Z0-9]+)*)"', sources))
    for code in codes:
        assert f"`{code}`" in guide, f"{code} is not explained in docs/authoring.md"


def test_shipped_dialogues_have_an_editor_schema_line_and_a_source() -> None:
    for path in sorted(shipped_dir().glob("*.yaml")):
        text = path.read_text("utf-8")
        assert text.startswith(
            "# yaml-language-server: $schema=../coach/schemas/dialogue.schema.json\n"
        ), path
        assert "\nsource: " in text, path


def test_the_guides_test_file_example_passes_against_its_dialogue(tmp_path: Path) -> None:
    from coach.loader import load_dialogue
    from coach.playtest import read_play_file, run_case

    guide = (REPO / "docs" / "authoring.md").read_text("utf-8")
    dialogue_path = tmp_path / "terugblik.yaml"
    dialogue_path.write_text(code_blocks(guide, "yaml")[0], encoding="utf-8")
    example = next(block for block in code_blocks(guide, "yaml") if "cases:" in block)
    (tmp_path / "tests").mkdir()
    test_path = tmp_path / "tests" / "terugblik.yaml"
    test_path.write_text(example, encoding="utf-8")
    play = read_play_file(test_path)
    results = [
        run_case(load_dialogue(dialogue_path), case, test_path.parent) for case in play.cases
    ]
    assert [result.failures for result in results] == [[], []]
    assert (tmp_path / "tests" / "golden" / "terugblik-goed.txt").exists()


def test_the_guides_fragments_use_only_known_keys() -> None:
    """Every YAML fragment in the guide parses, and its keys are ones the schema knows."""
    import yaml

    schema = json.loads((REPO / "coach" / "schemas" / "dialogue.schema.json").read_text("utf-8"))
    known = set(schema["properties"]) | set(schema["$defs"]["node"]["properties"])
    known |= {"when", "ask", "replace", "label", "goto", "value", "text", "id", "title"}
    known |= set(schema["properties"]["safety"]["properties"])
    guide = (REPO / "docs" / "authoring.md").read_text("utf-8")
    for block in code_blocks(guide, "yaml"):
        data = yaml.safe_load(block)
        if isinstance(data, list):  # a list of probes
            data = {"x": {"probes": data}}
        assert isinstance(data, dict), block
        if "cases" in data or "words" in data or "criteria" in data:
            continue  # a test file, a lexicon or a rubric: checked by their own tests
        # A fragment either starts at the top of a file or lists nodes by their ids.
        top = data if set(data) & set(schema["properties"]) else {"nodes": data}
        for key in _keys(top, skip={"nodes", "with", "labels"}):
            assert key in known, f"unknown key {key!r} in the guide:\n{block}"


def _keys(data: object, skip: set[str]) -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key in skip and isinstance(value, dict):
                for inner in value.values():
                    yield from _keys(inner, skip)
                continue
            yield str(key)
            yield from _keys(value, skip)
    elif isinstance(data, list):
        for item in data:
            yield from _keys(item, skip)


def test_the_guides_rubric_example_loads_for_its_example_dialogue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coach.rubric_files import inspect_rubric

    guide = (REPO / "docs" / "authoring.md").read_text("utf-8")
    dialogue = code_blocks(guide, "yaml")[0]
    rubric = next(block for block in code_blocks(guide, "yaml") if "criteria:" in block)
    (tmp_path / "dialogues").mkdir()
    (tmp_path / "dialogues" / "terugblik.yaml").write_text(dialogue, encoding="utf-8")
    (tmp_path / "rubrics").mkdir()
    path = tmp_path / "rubrics" / "terugblik.yaml"
    path.write_text(rubric, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert inspect_rubric(path).issues == []


def test_the_readmes_review_example_is_what_review_prints(
    run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "92")
    examples = sorted((REPO / "transcripts").glob("*.json"))
    assert run_cli("transcripts", "import", *map(str, examples)).code == 0
    shown = [line.rstrip() for line in run_cli("review", "1").out.splitlines()]
    sample = next(block for block in code_blocks(README, "text") if "Review van sessie 1" in block)
    expected = sample.rstrip("\n").splitlines()
    assert shown[: len(expected)] == expected


def test_the_guides_pattern_example_is_a_lexicon_whose_examples_hold(tmp_path: Path) -> None:
    from coach.lexicon import hits
    from coach.lexicon_files import inspect_lexicon

    guide = (REPO / "docs" / "authoring.md").read_text("utf-8")
    [example] = [block for block in code_blocks(guide, "yaml") if "voorbeeld-patronen" in block]
    path = tmp_path / "voorbeeld-patronen.yaml"
    path.write_text(example, encoding="utf-8")
    result = inspect_lexicon(path)
    assert result.issues == [] and result.lexicon is not None
    assert hits(result.lexicon, "We kijken er over zes weken op terug.")
    path.write_text(
        example.replace('    - "De vergaderstress loopt op."\n', '    - "Niets hier."\n'),
        encoding="utf-8",
    )
    assert [issue.code for issue in inspect_lexicon(path).issues] == ["EXAMPLE"]

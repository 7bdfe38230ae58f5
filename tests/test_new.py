"""Writing a dialogue, as a coach new to the tool: `coach new`, `coach play`, `coach schema`,
and the editor line at the top of every shipped file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, Result

from coach.loader import load_dialogue
from coach.playtest import read_play_file, run_case

Run = Callable[..., Result]

DIALOGUE_LINE = "# yaml-language-server: $schema=../coach/schemas/dialogue.schema.json\n"
LEXICON_LINE = "# yaml-language-server: $schema=../../coach/schemas/lexicon.schema.json\n"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty folder to work in, as a coach would start."""
    folder = tmp_path / "werk"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def test_new_writes_a_dialogue_a_test_file_and_the_schemas(run_cli: Run, here: Path) -> None:
    result = run_cli("new", "x")
    assert result.code == 0, result.err
    dialogue = here / "dialogues" / "x.yaml"
    tests = here / "dialogues" / "tests" / "x.yaml"
    assert dialogue.is_file() and tests.is_file()
    text = dialogue.read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=.schema/dialogue.schema.json\n")
    assert "\nid: x\n" in text and "{id}" not in text and "{title}" not in text
    assert "mentions(answer, 'vaag')" in text
    for kind in ("dialogue", "lexicon"):
        copy = here / "dialogues" / ".schema" / f"{kind}.schema.json"
        assert copy.read_text("utf-8") == (
            REPO / "coach" / "schemas" / f"{kind}.schema.json"
        ).read_text("utf-8")
    for shown in (
        "dialogues/x.yaml",
        "dialogues/tests/x.yaml",
        "coach validate dialogues/x.yaml",
        "coach play dialogues/x.yaml",
        "coach test",
    ):
        assert shown in result.out


def test_the_new_dialogue_validates_strictly_and_its_cases_pass(run_cli: Run, here: Path) -> None:
    run_cli("new", "x")
    result = run_cli("validate", "--strict", "dialogues/x.yaml", "dialogues/tests/x.yaml")
    assert result.code == 0, result.out
    assert result.out.strip() == "2 bestanden gecontroleerd: geen fouten."

    dialogue = load_dialogue(here / "dialogues" / "x.yaml")
    play = read_play_file(here / "dialogues" / "tests" / "x.yaml")
    assert play.dialogue == "x"
    results = [run_case(dialogue, case, here / "dialogues" / "tests") for case in play.cases]
    assert [r.failures for r in results] == [[], []]
    strong, weak = results
    assert not strong.probes  # a concrete answer gets no follow-up
    assert weak.probes == {("moment", "mentions(answer, 'vaag')")}
    assert not (here / "dialogues" / "tests" / "golden").exists()


def test_coach_test_passes_in_the_new_folder(run_cli: Run, here: Path) -> None:
    run_cli("new", "x")
    result = run_cli("test", "dialogues/x.yaml")
    assert result.code == 0, result.out + result.err
    assert run_cli("test").code == 0


def test_play_checks_the_new_dialogue_and_plays_it_to_the_card(run_cli: Run, here: Path) -> None:
    run_cli("new", "x")
    answers = [
        "Het ging eigenlijk wel goed.",
        "Woensdag sprak ik een leraar aan op zijn te laat komen. Hij keek weg.",
        "2",
        "Eerst vragen hoe het met hem gaat.",
    ]
    result = run_cli("play", "dialogues/x.yaml", input="\n".join(answers) + "\n")
    assert result.code == 0, result.err
    assert result.out.startswith("1 bestand gecontroleerd: geen fouten.\n")
    assert "↳ Je schrijft ‘eigenlijk’." in result.out
    assert "Terugblik op je week" in result.out
    assert "Ik had het anders willen doen" in result.out
    assert "Bewaard op deze computer" in result.out


def test_new_never_overwrites(run_cli: Run, here: Path) -> None:
    run_cli("new", "x")
    dialogue = here / "dialogues" / "x.yaml"
    dialogue.write_text("# mijn eigen werk\n", encoding="utf-8")
    again = run_cli("new", "x")
    assert again.code == 2
    assert "dialogues/x.yaml bestaat al" in again.err and "Traceback" not in again.err
    assert dialogue.read_text("utf-8") == "# mijn eigen werk\n"

    dialogue.unlink()  # only the test file is left: still nothing is overwritten
    tests = here / "dialogues" / "tests" / "x.yaml"
    before = tests.read_text("utf-8")
    assert run_cli("new", "x").code == 2
    assert not dialogue.exists() and tests.read_text("utf-8") == before


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("Mijn Gesprek", "coach new mijn-gesprek"),
        ("9x", "begin met een letter"),
        ("../x", "coach new x"),
        ("true", "betekent in YAML iets anders"),
        ("a" * 65, "kleine letters"),
    ],
)
def test_new_refuses_a_name_that_cannot_be_an_id(
    run_cli: Run, here: Path, name: str, hint: str
) -> None:
    result = run_cli("new", name)
    assert result.code == 2
    assert "kan geen naam van een gesprek zijn" in result.err and hint in result.err
    assert not (here / "dialogues").exists()
    assert not (here.parent / "x.yaml").exists()


def test_new_says_when_it_goes_before_a_shipped_dialogue(run_cli: Run, here: Path) -> None:
    result = run_cli("new", "buiv")
    assert result.code == 0
    assert "coach levert ook een gesprek 'buiv' mee" in result.out


@pytest.mark.parametrize("kind", ["dialogue", "lexicon"])
def test_schema_prints_the_published_schema(run_cli: Run, kind: str) -> None:
    args = ("schema", kind) if kind == "lexicon" else ("schema",)
    result = run_cli(*args)
    assert result.code == 0
    published = (REPO / "coach" / "schemas" / f"{kind}.schema.json").read_text("utf-8")
    assert result.out == published
    assert json.loads(result.out)["$schema"].startswith("https://json-schema.org/")


def test_schema_refuses_an_unknown_kind(run_cli: Run) -> None:
    result = run_cli("schema", "transcript")
    assert result.code == 2 and "Traceback" not in result.err


def test_play_shows_every_error_with_file_and_line_and_asks_nothing(
    run_cli: Run, here: Path
) -> None:
    run_cli("new", "x")
    path = here / "dialogues" / "x.yaml"
    text = path.read_text("utf-8")
    broken = text.replace("    phase: vooruitkijken\n", "    phase: vooruitkijke\n    nxt: kaart\n")
    assert broken != text
    path.write_text(broken, encoding="utf-8")
    result = run_cli("play", "dialogues/x.yaml", input="Een antwoord\n")
    assert result.code == 1
    lines = broken.splitlines()
    phase_line = lines.index("    phase: vooruitkijke") + 1
    assert f"dialogues/x.yaml:{phase_line}: nodes.voornemen.phase:" in result.out
    assert f"dialogues/x.yaml:{phase_line + 1}: nodes.voornemen.nxt:" in result.out
    assert "bedoel je 'next'?" in result.out
    assert "2 fouten in 1 bestand" in result.out
    assert "Denk aan één moment" not in result.out and "›" not in result.out
    assert "Traceback" not in result.err


def test_play_shows_warnings_and_then_plays(run_cli: Run, here: Path) -> None:
    run_cli("new", "x")
    path = here / "dialogues" / "x.yaml"
    text = path.read_text("utf-8")
    path.write_text(
        text.replace("Wat neem je mee naar een volgend moment zoals dit?", "Vond je het lastig?"),
        encoding="utf-8",
    )
    result = run_cli("play", str(path), input="Dinsdag op de gang.\n1\nJa.\n")
    assert result.code == 0, result.err
    assert "waarschuwing" in result.out and "met ja of nee te beantwoorden" in result.out
    assert result.out.index("1 waarschuwing.") < result.out.index("Denk aan één moment")
    assert "Terugblik op je week" in result.out


def test_play_refuses_a_test_file_and_a_missing_file(run_cli: Run, here: Path) -> None:
    run_cli("new", "x")
    result = run_cli("play", "dialogues/tests/x.yaml")
    assert result.code == 2 and "is een testbestand, geen gesprek" in result.err
    missing = run_cli("play", "dialogues/y.yaml")
    assert missing.code == 2 and "bestaat niet" in missing.err


def test_every_shipped_dialogue_and_lexicon_starts_with_the_editor_line() -> None:
    dialogues = sorted((REPO / "dialogues").glob("*.yaml"))
    lexicons = sorted((REPO / "dialogues" / "lexicons").glob("*.yaml"))
    assert dialogues and lexicons
    for path in dialogues:
        assert path.read_text("utf-8").startswith(DIALOGUE_LINE), path
    for path in lexicons:
        assert path.read_text("utf-8").startswith(LEXICON_LINE), path
    # The lines point at files that exist, seen from where the files are.
    assert (REPO / "dialogues" / "../coach/schemas/dialogue.schema.json").is_file()
    assert (REPO / "dialogues" / "lexicons" / "../../coach/schemas/lexicon.schema.json").is_file()


def test_new_writes_all_or_nothing(run_cli: Run, here: Path) -> None:
    (here / "dialogues").mkdir()
    (here / "dialogues" / "tests").write_text("geen map\n", encoding="utf-8")
    result = run_cli("new", "x")
    assert result.code == 2 and "dialogues/tests bestaat al" in result.err
    assert not (here / "dialogues" / "x.yaml").exists()
    assert "Traceback" not in result.err

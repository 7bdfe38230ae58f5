"""The command line, as a user meets it: output, exit codes, Dutch messages, no tracebacks."""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Result
from helpers import PAUL_ARROGANT, STRONG_BUIV

Run = Callable[..., Result]


def test_list_shows_buiv_with_title_and_description(run_cli: Run) -> None:
    result = run_cli("list")
    assert result.code == 0
    assert "buiv" in result.out
    assert "Beleven, Uitleven, Inleven, Voorleven" in result.out
    assert "Bereid een gesprek voor" in result.out


def test_run_with_piped_answers_completes_and_prints_the_card(
    run_cli: Run, coach_home: Path
) -> None:
    result = run_cli("run", "buiv", input="\n".join(STRONG_BUIV) + "\n")
    assert result.code == 0, result.err
    assert "Gesprekskaart · gesprek met Paul" in result.out
    for label in ("Beleven", "Uitleven", "Inleven", "Voorleven", "Openingsvraag"):
        assert label in result.out
    assert f"Bewaard op deze computer in {coach_home / 'coach.db'} (sessie 1)" in result.out
    assert "↳" not in result.out  # strong answers get no follow-up questions


def test_export_json_holds_every_answer_byte_for_byte(run_cli: Run) -> None:
    answers = list(STRONG_BUIV)
    answers[2] += " [bold]x[/bold] {ander} %s \x1b[2J\t«tab»"
    run_cli("run", "buiv", input="\n".join(answers) + "\n")
    result = run_cli("transcripts", "export", "1", "--format", "json")
    assert result.code == 0
    data = json.loads(result.out)
    user_texts = [turn["text"] for turn in data["turns"] if turn["speaker"] == "user"]
    assert user_texts == answers
    assert data["session"]["status"] == "completed"
    assert set(data["turns"][0]) == {
        "seq",
        "node",
        "phase",
        "kind",
        "speaker",
        "text",
        "value",
        "created_at",
    }


def test_hostile_answers_are_shown_literally_and_stored_unchanged(run_cli: Run) -> None:
    hostile = "[bold]x[/bold] \x1b[2J {ander} \x1b]52;c;cGF5bG9hZA==\x07 \u202eabc"
    result = run_cli("run", "buiv", input=f"{hostile}\n")
    assert "[bold]x[/bold]" in result.out
    assert "{ander}" in result.out
    assert (
        "\x1b[2J" not in result.out and "\x1b]52" not in result.out and "\u202e" not in result.out
    )
    assert "␛[2J" in result.out and "␛]52;c;" in result.out and "⟨U+202E⟩" in result.out
    exported = json.loads(run_cli("transcripts", "export", "1").out)
    assert [t["text"] for t in exported["turns"] if t["speaker"] == "user"] == [hostile]
    shown = run_cli("transcripts", "show", "1").out
    assert "\x1b[2J" not in shown and "␛[2J" in shown


def test_end_of_input_pauses_and_resume_continues(run_cli: Run) -> None:
    first = run_cli("run", "buiv", "--met", "Paul", input="het overleg van dinsdag met de sectie\n")
    assert first.code == 0
    assert "(einde van de invoer)" in first.out
    assert "Gepauzeerd" in first.out and "coach resume 1" in first.out
    listing = run_cli("transcripts", "list")
    assert re.search(r"1\s+buiv\s+Paul\s+gepauzeerd", listing.out)
    second = run_cli("resume", input="\n".join(STRONG_BUIV[2:]) + "\n")
    assert second.code == 0, second.err
    assert "Verder met sessie 1" in second.out
    assert "Je laatste antwoord was: het overleg van dinsdag met de sectie" in second.out
    assert "Gesprekskaart" in second.out
    assert run_cli("resume").code == 1  # nothing left to resume


def test_resume_a_completed_session_says_so(run_cli: Run) -> None:
    run_cli("run", "buiv", input="\n".join(STRONG_BUIV) + "\n")
    result = run_cli("resume", "1")
    assert result.code == 1
    assert "sessie 1 is al afgerond" in result.err
    assert "Traceback" not in result.err


def test_show_marks_follow_up_questions(run_cli: Run) -> None:
    run_cli("run", "buiv", "--met", "Paul", input=PAUL_ARROGANT)
    shown = run_cli("transcripts", "show", "1").out
    assert "↳ Je schrijft ‘arrogant’" in shown
    assert "(vervolgvraag)" in shown


def test_export_markdown_to_a_private_file(run_cli: Run, tmp_path: Path) -> None:
    run_cli("run", "buiv", input="\n".join(STRONG_BUIV) + "\n")
    target = tmp_path / "gesprek.md"
    result = run_cli("transcripts", "export", "1", "--format", "md", "--output", str(target))
    assert result.code == 0
    text = target.read_text("utf-8")
    assert text.startswith("# Beleven, Uitleven, Inleven, Voorleven\n")
    assert "## Voorleven" in text and "> Hoe kijk jij terug op het laatste directieberaad?" in text
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    again = run_cli("transcripts", "export", "1", "--format", "md", "--output", str(target))
    assert again.code == 2 and "bestaat al" in again.err


@pytest.mark.parametrize(
    ("name", "old", "new", "where"),
    [
        ("syntax", "    ask: Wat is er gebeurd?", "    ask: Wat: is er gebeurd?", ":11:"),
        (
            "target",
            "    next: vraag",
            "    next: vraaag",
            ":9: nodes.hallo.next: onbekende node 'vraaag'",
        ),
        (
            "duplicate",
            "  einde:",
            "  vraag:\n    say: dubbel\n  einde:",
            ":13: nodes.vraag: de node-id 'vraag' komt twee keer voor",
        ),
        (
            "alias",
            "    say: Welkom.",
            "    say: &a Welkom.\n  b:\n    say: *a",
            ":8: nodes.hallo.say: anker '&a' is niet toegestaan",
        ),
    ],
)
def test_validate_reports_file_and_line_with_exit_1(
    name: str, old: str, new: str, where: str, run_cli: Run, write_dialogue: Callable[..., Path]
) -> None:
    good = (
        "id: t\nversion: 1\ntitle: T\ndescription: d\nphases: [een]\nnodes:\n  hallo:\n    say: Welkom.\n"
        "    next: vraag\n  vraag:\n    ask: Wat is er gebeurd?\n    phase: een\n  einde:\n    end: Klaar.\n"
    )
    assert old in good
    path = write_dialogue(good.replace(old, new))
    result = run_cli("validate", str(path))
    assert result.code == 1, name
    assert f"{path}{where}" in result.out, result.out
    assert "Traceback" not in result.out + result.err
    run = run_cli("run", str(path))
    assert run.code == 1 and "dit gesprek bevat fouten" in run.err and "Traceback" not in run.err


def test_validate_without_paths_checks_the_shipped_dialogues(run_cli: Run) -> None:
    result = run_cli("validate")
    assert result.code == 0
    assert "gecontroleerd: geen fouten." in result.out


def test_validate_a_folder_and_a_missing_path(
    run_cli: Run, tmp_path: Path, write_dialogue: Callable[..., Path]
) -> None:
    write_dialogue(
        "id: a\nversion: 1\ntitle: A\ndescription: d\nnodes:\n  x:\n    end: Klaar.\n", "a.yaml"
    )
    assert run_cli("validate", str(tmp_path)).code == 0
    missing = run_cli("validate", str(tmp_path / "weg.txt"))
    assert missing.code == 2 and "bestaat niet" in missing.err


def test_run_an_unknown_dialogue_suggests_a_name(run_cli: Run) -> None:
    result = run_cli("run", "buif")
    assert result.code == 2
    assert "er is geen gesprek 'buif'" in result.err and "bedoel je 'buiv'?" in result.err


def test_usage_errors_are_dutch(run_cli: Run) -> None:
    result = run_cli("rn")
    assert (
        result.code == 2
        and "Onbekend commando 'rn'" in result.err
        and "Bedoel je 'run'?" in result.err
    )
    result = run_cli("run")
    assert result.code == 2 and "Ontbreekt: 'NAAM'" in result.err
    result = run_cli("transcripts", "show", "abc")
    assert result.code == 2 and "'abc' is geen sessienummer" in result.err
    result = run_cli("transcripts", "export", "1", "--format", "pdf")
    assert result.code == 2 and "'pdf' kan hier niet; kies uit 'json', 'md'." in result.err


def test_unknown_session_is_a_clear_error(run_cli: Run) -> None:
    result = run_cli("transcripts", "show", "99")
    assert result.code == 2 and "er is geen sessie 99" in result.err


def test_empty_transcripts_list_names_the_folder(run_cli: Run, coach_home: Path) -> None:
    result = run_cli("transcripts", "list")
    assert (
        result.code == 0
        and f"Nog geen gesprekken bewaard in {coach_home / 'coach.db'}" in result.out
    )


def test_a_corrupt_database_gives_a_dutch_error_and_stays_untouched(
    run_cli: Run, coach_home: Path
) -> None:
    coach_home.mkdir()
    (coach_home / "coach.db").write_bytes(b"kapot" * 1000)
    result = run_cli("transcripts", "list")
    assert result.code == 1
    assert "beschadigd" in result.err and "Traceback" not in result.err
    assert (coach_home / "coach.db").read_bytes() == b"kapot" * 1000


def test_home_option_wins_over_the_environment(run_cli: Run, tmp_path: Path) -> None:
    other = tmp_path / "elders"
    result = run_cli("--home", str(other), "run", "buiv", input="Paul\n")
    assert result.code == 0 and (other / "coach.db").exists()


def test_menu_starts_a_conversation(run_cli: Run) -> None:
    result = run_cli(input="1\nPaul\n")
    assert result.code == 0
    assert "Welkom bij coach." in result.out and "Een nieuw gesprek" in result.out
    assert "Met wie ga je het gesprek voeren?" in result.out


def test_menu_offers_to_resume(run_cli: Run) -> None:
    run_cli("run", "buiv", "--met", "Paul", input="het overleg van dinsdag met de sectie\n")
    result = run_cli(input="1\n")
    assert "Verder met sessie 1: Beleven, Uitleven, Inleven, Voorleven met Paul" in result.out


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["list"],
        ["run"],
        ["resume"],
        ["validate"],
        ["transcripts"],
        ["transcripts", "list"],
        ["transcripts", "show"],
        ["transcripts", "export"],
    ],
)
def test_every_command_has_dutch_help_with_an_example(command: list[str], run_cli: Run) -> None:
    result = run_cli(*command, "--help")
    assert result.code == 0
    assert result.out.startswith("Gebruik: coach")
    assert "Voorbeeld" in result.out
    assert "Toon deze hulp." in result.out


def test_version(run_cli: Run) -> None:
    from coach import __version__

    result = run_cli("--version")
    assert result.code == 0 and result.out.strip() == f"coach, versie {__version__}"


def test_looking_at_transcripts_never_creates_a_database(run_cli: Run, coach_home: Path) -> None:
    assert run_cli("transcripts", "list").code == 0
    assert run_cli("transcripts", "show", "1").code == 2
    assert run_cli("resume").code == 1
    assert not (coach_home / "coach.db").exists()


def test_resume_names_the_other_paused_session(run_cli: Run) -> None:
    run_cli("run", "buiv", "--met", "Mark", input="")
    run_cli("run", "buiv", "--met", "Paul", input="")
    result = run_cli("resume", input="")
    flat = " ".join(result.out.split())
    assert (
        "Je hebt nog een gepauzeerd gesprek: sessie 1, Beleven, Uitleven, Inleven, Voorleven met Mark"
        in flat
    )
    assert "coach resume 1" in flat
    assert "Verder met sessie 2" in result.out


def test_export_into_a_missing_folder_says_why_in_dutch(run_cli: Run, tmp_path: Path) -> None:
    run_cli("run", "buiv", input="Paul\n")
    result = run_cli("transcripts", "export", "1", "--output", str(tmp_path / "weg" / "x.json"))
    assert result.code == 1
    assert "die map of dat bestand bestaat niet" in result.err


def test_markdown_keeps_line_breaks_inside_card_lines(run_cli: Run) -> None:
    answers = list(STRONG_BUIV)
    answers[2] = "Hij was weer arrogant."
    answers.insert(3, "Dinsdag zei hij dat de andere scholen hun problemen zelf veroorzaken.")
    run_cli("run", "buiv", input="\n".join(answers) + "\n")
    text = run_cli("transcripts", "export", "1", "--format", "md").out
    assert "- **Beleven:** Hij was weer arrogant.  \n  Dinsdag zei hij" in text


def test_show_lays_out_the_card_under_the_closing_text(run_cli: Run) -> None:
    run_cli("run", "buiv", input="\n".join(STRONG_BUIV) + "\n")
    shown = run_cli("transcripts", "show", "1").out
    lines = [line.rstrip() for line in shown.splitlines()]
    card = [line for line in lines if line.strip().startswith(("Beleven  ", "Openingsvraag  "))]
    assert len(card) == 2
    assert " ".join(card[1].split()) == (
        "Openingsvraag Hoe kijk jij terug op het laatste directieberaad?"
    )
    # The answers start in one column, under each other.
    assert card[0].index("Dinsdag") == card[1].index("Hoe kijk")


def test_validate_checks_word_lists_and_test_files_as_what_they_are(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "dialogues" / "lexicons").mkdir(parents=True)
    (tmp_path / "dialogues" / "tests").mkdir()
    (tmp_path / "dialogues" / "lexicons" / "mijn.yaml").write_text(
        "id: mijn\ntitle: Mijn lijst\nwords:\n  - boos\n  - '!!'\n", encoding="utf-8"
    )
    (tmp_path / "dialogues" / "tests" / "weg.yaml").write_text(
        "dialogue: weg\ncases:\n  - name: a\n    steps: [x]\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    result = run_cli("validate", "dialogues/")
    assert "dialogues/lexicons/mijn.yaml:5: words[1]: '!!' is geen woord" in result.out
    assert "dialogues/tests/weg.yaml:1: dialogue: er is geen gesprek 'weg'" in result.out
    assert "2 bestanden gecontroleerd: 2 fouten in 2 bestanden." in result.out
    assert result.code == 1


def test_the_safety_net_is_marked_in_show_and_in_the_markdown_export(run_cli: Run) -> None:
    result = run_cli("run", "buiv", input="Paul\nEerlijk gezegd kan ik niet meer.\n2\n")
    assert result.code == 0
    assert "0800-0113" in result.out
    assert "coach resume 1" in result.out  # stopping at the safety net keeps the session
    shown = run_cli("transcripts", "show", "1").out
    assert "(vangnet)" in shown and "Eerlijk gezegd kan ik niet meer." in shown
    markdown = run_cli("transcripts", "export", "1", "--format", "md").out
    assert "**Coach (vangnet):** " in markdown


WARNED = """\
id: w
version: 1
title: W
description: d
nodes:
  vraag:
    ask: Vond je het lastig?
  einde:
    end: Klaar met {vraag}.
"""


def test_strict_fails_on_warnings_and_json_lists_every_issue(run_cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(WARNED, encoding="utf-8")
    relaxed = run_cli("validate", str(path))
    assert relaxed.code == 0 and "CLOSED" not in relaxed.out and "ja of nee" in relaxed.out
    strict = run_cli("validate", "--strict", str(path))
    assert strict.code == 1
    result = run_cli("validate", "--strict", "--format", "json", str(path))
    assert result.code == 1
    data = json.loads(result.out)
    assert data["passed"] is False and data["errors"] == 0 and data["warnings"] == 1
    assert data["issues"] == [
        {
            "file": str(path),
            "line": 7,
            "path": "nodes.vraag.text",
            "code": "CLOSED_QUESTION",
            "severity": "warning",
            "message": "‘Vond je het lastig?’ is met ja of nee te beantwoorden",
            "hint": "begin de vraag met hoe, wat, welke of waar, zodat er een verhaal komt",
        }
    ]
    clean = run_cli("validate", "--strict", "--format", "json", "dialogues/buiv.yaml")
    assert clean.code == 0 and json.loads(clean.out)["passed"] is True


def test_the_shipped_dialogues_pass_strict_validation(run_cli: Run) -> None:
    result = run_cli("validate", "--strict")
    assert result.code == 0, result.out

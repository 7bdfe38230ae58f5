"""`coach review` end to end: a stored session, its rubric, the three formats, the store."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from coach.store import Store

REPO = Path(__file__).resolve().parent.parent
WEAK = REPO / "transcripts" / "buiv-paul-1-zwak.json"
STRONG = REPO / "transcripts" / "buiv-paul-2-sterk.json"

Run = Callable[..., Any]


@pytest.fixture
def imported(run_cli: Run) -> Run:
    assert run_cli("transcripts", "import", str(WEAK), str(STRONG)).code == 0
    return run_cli


def test_review_shows_level_evidence_need_and_tip_below_the_top(imported: Run) -> None:
    result = imported("review", "1")
    assert result.code == 0, result.err
    out = result.out
    assert "Review van sessie 1 · Beleven, Uitleven, Inleven, Voorleven · met Paul" in out
    assert "Rubric buiv (versie 1)" in out
    blocks = out.split("\n\n")
    criteria = [block for block in blocks if re.search(r"^\S.*  \d van \d", block, re.M)]
    assert len(criteria) == 8
    for block in criteria:
        level, top = map(int, re.search(r"  (\d) van (\d)", block).groups())  # type: ignore[union-attr]
        if level < top:
            assert "tip: " in block, block
            assert "gevonden: " in block or "nodig: " in block or "in de weg: " in block, block
    assert "Totaal: 5 van 16" in out


def test_the_strong_session_reaches_the_top_without_tips(imported: Run) -> None:
    out = imported("review", "4").out
    assert "Totaal: 16 van 16" in out
    assert "tip: " not in out


def test_the_review_is_stored_with_the_rubric_id_version_and_hash(
    imported: Run, coach_home: Path
) -> None:
    first = json.loads(imported("review", "1", "--format", "json").out)
    again = json.loads(imported("review", "1", "--format", "json").out)
    assert first == again
    store = Store.open(coach_home)
    try:
        (kept,) = store.reviews(1)
    finally:
        store.close()
    assert (kept["rubric_id"], kept["rubric_version"]) == ("buiv", 1)
    assert kept["rubric_hash"] == first["rubric"]["hash"]
    assert kept["result"]["total"] == first["total"] == 5


def test_the_json_review_is_documented_field_by_field(imported: Run) -> None:
    doc = (REPO / "docs" / "transcript-format.md").read_text("utf-8")
    section = doc[doc.index("## Reviews") :]
    data = json.loads(imported("review", "1", "--format", "json").out)
    exported = json.loads(imported("transcripts", "export", "1").out)
    assert data["session"] == exported["session"]  # documented with the export
    fields = set(data) | set(data["rubric"])
    for criterion in data["criteria"]:
        fields |= set(criterion)
        for found in criterion["evidence"]:
            fields |= set(found)
    for field in fields:
        assert f"`{field}`" in section, f"{field} is not documented"


def test_markdown_review_bolds_the_evidence(imported: Run) -> None:
    out = imported("review", "1", "--format", "md").out
    assert out.startswith("# Review: Beleven, Uitleven, Inleven, Voorleven")
    assert "**arrogant**" in out
    assert "- Tip: " in out


def test_an_annotation_shows_in_the_review_and_leaves_the_answers_alone(
    imported: Run, coach_home: Path
) -> None:
    before = imported("transcripts", "export", "1").out
    assert imported("annotate", "1", "--turn", "5", "--door", "Mira", "Wat zei hij?").code == 0
    text = imported("review", "1").out
    beleven = text[text.index("Beleven  ") : text.index("Uitleven  ")]
    assert re.search(r"✎ +opmerking door Mira", beleven) and "Wat zei hij?" in beleven
    data = json.loads(imported("review", "1", "--format", "json").out)
    assert data["annotations"][0]["text"] == "Wat zei hij?"
    assert "Wat zei hij?" in imported("review", "1", "--format", "md").out
    after = json.loads(imported("transcripts", "export", "1").out)
    assert after["turns"] == json.loads(before)["turns"]


def test_a_rubric_for_another_dialogue_is_refused(imported: Run) -> None:
    result = imported("review", "1", "--rubric", "feedback-vraag")
    assert result.code == 2
    assert "is voor feedback-vraag, niet voor buiv" in result.err


def test_a_dialogue_without_rubric_says_so(run_cli: Run) -> None:
    assert run_cli("run", "grow", "--met", "het rooster", input="").code in (0, 130)
    result = run_cli("review", "1")
    assert result.code == 2
    assert "er is geen rubric voor het gesprek 'grow'" in result.err
    assert "bekende rubrics: buiv" in result.err


def test_an_unknown_session_or_rubric_is_a_usage_error(imported: Run) -> None:
    assert imported("review", "99").code == 2
    assert imported("review", "abc").code == 2
    result = imported("review", "1", "--rubric", "buif")
    assert result.code == 2 and "bedoel je 'buiv'?" in result.err


@pytest.fixture
def broken_local_rubric(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A ./rubrics/buiv.yaml with an unknown word list, here in the working folder."""
    (tmp_path / "rubrics").mkdir()
    broken = (REPO / "rubrics" / "buiv.yaml").read_text("utf-8").replace("'emoties'", "'emotie'")
    (tmp_path / "rubrics" / "buiv.yaml").write_text(broken, encoding="utf-8")
    monkeypatch.chdir(tmp_path)


@pytest.mark.usefixtures("broken_local_rubric")
def test_a_broken_local_rubric_is_reported_with_file_and_line(imported: Run) -> None:
    result = imported("review", "1", "--rubric", "rubrics/buiv.yaml")
    assert result.code == 1
    assert re.search(r"rubrics/buiv\.yaml:\d+: .*onbekende woordenlijst 'emotie'", result.err)


def test_review_help_has_examples(run_cli: Run) -> None:
    out = run_cli("review", "--help").out
    assert "Gebruik: coach review [OPTIES] SESSIE" in out
    assert "coach review 12 --format md" in out


@pytest.mark.usefixtures("broken_local_rubric")
def test_a_broken_rubric_of_the_dialogue_is_reported_not_ignored(imported: Run) -> None:
    result = imported("review", "1")
    assert result.code == 1
    assert "onbekende woordenlijst 'emotie'" in result.err


def test_the_json_review_writes_control_characters_as_escapes(run_cli: Run) -> None:
    """The subject is the leader's text too: a right-to-left override in it is written as
    an escape, as in the export, and reads back as typed."""
    answers = "Pa\u202eul\nhet overleg van dinsdag\nHij was arrogant.\n"
    run_cli("run", "buiv", input=answers)
    out = run_cli("review", "1", "--format", "json").out
    assert "\u202e" not in out and "\\u202e" in out
    assert json.loads(out)["session"]["subject"] == "Pa\u202eul"

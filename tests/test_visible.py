"""The visibility rule: what coach did not write itself is shown, never obeyed or hidden."""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Result

from coach.memory import same_subject
from coach.visible import UNSAFE, safe_json, visible

# Default_Ignorable_Code_Point from Unicode's DerivedCoreProperties.txt (15.1).
DEFAULT_IGNORABLE = [
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160),
    (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
]  # fmt: skip
PAULS = ["Paul", "Pa\u200dul", "Pau\u00adl", "P\u200caul", "Paul\u2063", "\U000e0050Paul"]


def test_every_format_character_is_made_visible() -> None:
    format_characters = [
        chr(code) for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) == "Cf"
    ]
    hidden = [f"U+{ord(char):04X}" for char in format_characters if visible(char) == char]
    assert not hidden, f"format characters printed raw: {hidden}"


def test_every_default_ignorable_character_is_made_visible() -> None:
    for first, last in DEFAULT_IGNORABLE:
        for code in range(first, last + 1):
            assert visible(chr(code)) == f"⟨U+{code:04X}⟩"


def test_the_named_invisibles_are_shown_by_code_point() -> None:
    assert visible("Pa\u200dul Pau\u00adl \u180e\u2061\U000e0041") == (
        "Pa⟨U+200D⟩ul Pau⟨U+00AD⟩l ⟨U+180E⟩⟨U+2061⟩⟨U+E0041⟩"
    )
    assert visible("gewoon: één café, ½ — “zo”\n\tklaar") == "gewoon: één café, ½ — “zo”\n\tklaar"


def test_bytes_that_were_no_utf8_are_shown_as_bytes() -> None:
    argument = b"a\x9b31m\xff".decode("utf-8", "surrogateescape")
    assert visible(argument) == "a⟨0x9B⟩31m⟨0xFF⟩"
    assert not UNSAFE.search(visible(argument))
    assert "\\udc9b" in safe_json({"x": argument})  # escaped: the JSON is valid UTF-8
    safe_json({"x": argument}).encode("utf-8")


@pytest.mark.parametrize("other", PAULS[1:])
def test_names_that_print_alike_are_one_person(other: str) -> None:
    assert same_subject("Paul", other)
    assert same_subject("paul", other.upper())
    assert not same_subject("Paula", other)


def test_delete_met_removes_every_spelling_that_prints_alike(
    run_cli: Callable[..., Result],
) -> None:
    for name in PAULS:
        assert run_cli("run", "buiv", "--met", name, input="iets over het rooster\n").code == 0
    assert run_cli("run", "buiv", "--met", "Marie", input="iets anders\n").code == 0
    listed = run_cli("transcripts", "list", "--met", "Paul")
    assert listed.out.count(" buiv ") == len(PAULS)
    assert "⟨U+200D⟩" in listed.out and "\u200d" not in listed.out

    result = run_cli("transcripts", "delete", "--met", "PAUL", "--ja")
    assert result.code == 0, result.err
    left = run_cli("transcripts", "list").out
    assert "Marie" in left
    assert "Pa" not in left.replace("Marie", "")
    assert "Nog geen" not in left
    assert "Je hebt nog geen gesprekken met" in run_cli("progress", "Pau\u00adl").out


BAD_BYTES = b"a\x9b31m\xff".decode("utf-8", "surrogateescape")  # as Python reads such an argv


@pytest.mark.parametrize(
    "args",
    [
        ["transcripts", "list", "--met", BAD_BYTES],
        ["transcripts", "list", "--gesprek", BAD_BYTES],
        ["transcripts", "search", BAD_BYTES],
        ["transcripts", "search", "rooster", "--met", BAD_BYTES],
        ["progress", BAD_BYTES],
        ["progress", BAD_BYTES, "--format", "json"],
        ["run", "buiv", "--met", BAD_BYTES],
        ["transcripts", "delete", "--met", BAD_BYTES, "--ja"],
    ],
)
def test_arguments_that_are_no_utf8_are_refused_and_shown_visibly(
    args: list[str], run_cli: Callable[..., Result]
) -> None:
    assert run_cli("run", "buiv", "--met", "Paul", input="iets over het rooster\n").code == 0
    result = run_cli(*args)
    assert result.code == 2
    assert "'a⟨0x9B⟩31m⟨0xFF⟩' bevat tekens die geen UTF-8 zijn" in result.err
    assert not UNSAFE.search(result.out + result.err)


def test_progress_never_prints_raw_c1_controls_and_its_json_is_valid(
    run_cli: Callable[..., Result],
) -> None:
    name = "Pa\x9b31mul\u202e"
    assert run_cli("run", "buiv", "--met", name, input="iets over het rooster\n").code == 0
    shown = run_cli("progress", name)
    assert shown.code == 0 and "Pa⟨U+009B⟩31mul⟨U+202E⟩" in shown.out
    as_json = run_cli("progress", name, "--format", "json")
    assert not UNSAFE.search(as_json.out)
    assert json.loads(as_json.out)["subject"] == name


OSC52 = "\x1b]52;c;aGVsbG8=\x07\u202e"  # writes the clipboard, then turns the line around


def test_what_coach_did_not_write_itself_is_shown_visibly_everywhere(
    run_cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """File names (coach list, the 'bedoel je' suggestion), arguments echoed in errors (ours
    and click's), and paths (the 'Bewaard … in' line, export and back-up)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dialogues").mkdir()
    buiv = (Path(__file__).parents[1] / "dialogues" / "buiv.yaml").read_text("utf-8")
    (tmp_path / "dialogues" / f"gesprek{OSC52}.yaml").write_text(
        buiv.replace("id: buiv", "id: gesprek"), "utf-8"
    )
    home = tmp_path / f"map{OSC52}"
    monkeypatch.setenv("COACH_HOME", str(home))
    shown = [
        run_cli("list"),
        run_cli("run", f"gesprex{OSC52}"),  # bedoel je 'gesprek…'?
        run_cli("run", "buiv", "--met", "Paul", input="iets over het rooster\n"),
        run_cli("transcripts", "show", OSC52),
        run_cli("transcripts", "show", "1", OSC52),  # click: unexpected extra argument
        run_cli(OSC52),  # click: no such command
        run_cli("transcripts", "export", "1", "--output", str(tmp_path / f"e{OSC52}.json")),
        run_cli("transcripts", "backup", str(tmp_path / f"b{OSC52}.db")),
        run_cli("transcripts", "purge", "--older-than", OSC52),
    ]
    everything = "".join(result.out + result.err for result in shown)
    assert not UNSAFE.search(everything), sorted(set(UNSAFE.findall(everything)))
    stand_in = "␛]52;c;aGVsbG8=␇⟨U+202E⟩"
    assert f"\ngesprek{stand_in}  " in shown[0].out
    assert f"bedoel je 'gesprek{stand_in}'?" in shown[1].err
    assert f"Bewaard op deze computer in {tmp_path}/map{stand_in}/coach.db" in shown[2].out
    assert stand_in in shown[3].err and stand_in in shown[4].err
    assert f"e{stand_in}.json" in shown[6].out and f"b{stand_in}.db" in shown[7].out


def test_validate_json_escapes_control_and_invisible_characters_in_names(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    broken = tmp_path / f"kapot{OSC52}\u200d.yaml"
    broken.write_text("id: [\n", "utf-8")
    result = run_cli("validate", "--format", "json", str(broken))
    assert result.code == 1
    assert not UNSAFE.search(result.out)
    assert json.loads(result.out)["issues"][0]["file"].endswith(f"kapot{OSC52}\u200d.yaml")

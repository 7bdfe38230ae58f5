"""Promise 6: whatever an answer contains, it is stored exactly as typed (or refused with a
clear message when it is over the documented limit), and everywhere it is shown (the
conversation, the safety-net panel, the closing card, the resume line, `coach transcripts
show` and `list`, the Markdown export) its control characters are made visible and never
reach the terminal; the JSON export has the exact text, escaped.

Most of it runs the CLI in-process with the answers on standard input (a pipe); the worst
sequences also go through the real program in a pseudo-terminal, where the raw bytes the
program writes are checked.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
from conftest import Result
from test_real_terminal import Terminal

from coach.engine import MAX_ANSWER_CHARS

ECHO = """\
id: echo
version: 1
title: Echo
description: Een gesprek dat elk antwoord terugtoont, op elke plek waar coach tekst toont.
phases: [een]
subject: ander
nodes:
  wie:
    ask: Met wie voer je het gesprek?
    into: ander
  wat:
    phase: een
    ask: Wat wil je tegen {ander} zeggen?
  klaar:
    end: Klaar voor het gesprek met {ander}.
    title: Kaart voor {ander}
    summary:
      - {label: Met, text: "{ander}"}
      - wat
"""

# Everything a terminal could act on, written out here rather than taken from coach: C0
# controls but newline and tab, DEL, C1 controls, bidi controls, zero-width characters,
# line and paragraph separators.
RAW = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029"
    "\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)

# name, the answer, what must be seen of it wherever it is shown
HOSTILE = [
    ("clear-screen-csi", "\x1b[2J\x1b[3J\x1b[H weg", "␛[2J␛[3J␛[H weg"),
    ("osc-0-window-title", "\x1b]0;OVERGENOMEN\x07Paul", "␛]0;OVERGENOMEN␇Paul"),
    ("osc-52-clipboard", "\x1b]52;c;cm0gLXJmIH4=\x07Paul", "␛]52;c;cm0gLXJmIH4=␇Paul"),
    (
        "osc-8-hyperlink",
        "\x1b]8;;https://kwaad.example\x1b\\klik\x1b]8;;\x1b\\",
        "␛]8;;https://kwaad.example␛\\klik␛]8;;␛\\",
    ),
    ("c1-csi", "\x9b2J\x9b31mrood", "⟨U+009B⟩2J⟨U+009B⟩31mrood"),
    ("c1-osc", "\x9d0;titel\x9c Paul", "⟨U+009D⟩0;titel⟨U+009C⟩ Paul"),
    ("carriage-return", "goed gegaan\rSLECHT", "goed gegaan␍SLECHT"),
    ("backspaces", "ja\x08\x08nee", "ja␈␈nee"),
    ("bell-and-delete", "piep\x07 weg\x7f", "piep␇ weg␡"),
    ("bidi-override", "\u202eluaP\u202c en Piet", "⟨U+202E⟩luaP⟨U+202C⟩ en Piet"),
    ("bidi-isolate", "\u2067Paul\u2069 \u061c", "⟨U+2067⟩Paul⟨U+2069⟩ ⟨U+061C⟩"),
    ("zero-width", "Pa\u200bul\u2060 \ufeff", "Pa⟨U+200B⟩ul⟨U+2060⟩ ⟨U+FEFF⟩"),
    ("line-separator", "een\u2028twee\x85drie", "een⟨U+2028⟩twee⟨U+0085⟩drie"),
    ("rich-markup", "[bold red]rood[/bold red]", "[bold red]rood[/bold red]"),
    ("rich-link", "[link=https://kwaad.example]klik[/link]", "[link=https://kwaad.example]klik[/link]"),
    ("rich-emoji-code", ":warning: :red_circle:", ":warning: :red_circle:"),
    ("template-name", "{ander}", "{ander}"),
    ("template-attribute", "{0.__class__} {x.__globals__}", "{0.__class__} {x.__globals__}"),
    ("printf", "%s %(x)s %d %%", "%s %(x)s %d %%"),
    ("nul-byte", "voor\x00na", "voor␀na"),
]  # fmt: skip
CASES = [pytest.param(answer, shown, id=name) for name, answer, shown in HOSTILE]


def markdown(text: str) -> str:
    """`text` as it must read in the Markdown export: Markdown's own characters escaped."""
    return re.sub(r"([\\`*_\[\]<>#|~])", r"\\\1", text)


def no_raw(output: str, where: str) -> None:
    found = sorted({f"U+{ord(char):04X}" for char in RAW.findall(output)})
    assert not found, f"{where} let through {', '.join(found)}"


@pytest.fixture
def echo(tmp_path: Path) -> Path:
    path = tmp_path / "echo.yaml"
    path.write_text(ECHO, "utf-8")
    return path


def stored(home: Path) -> tuple[list[bytes], list[bytes | None]]:
    """The user turns and the session subjects, as the bytes SQLite holds."""
    with closing(sqlite3.connect(home / "coach.db")) as db:
        db.text_factory = bytes
        turns = [
            row[0]
            for row in db.execute("SELECT text FROM turns WHERE speaker = 'user' ORDER BY id")
        ]
        subjects = [row[0] for row in db.execute("SELECT subject FROM sessions ORDER BY id")]
    return turns, subjects


@pytest.mark.parametrize(("answer", "shown"), CASES)
def test_a_hostile_answer_is_stored_exactly_and_shown_visibly_everywhere(
    answer: str, shown: str, echo: Path, run_cli: Callable[..., Result], coach_home: Path
) -> None:
    # Met wie: the answer (it becomes the subject: in questions, card, list); then an answer
    # that calls the safety net with the hostile text in it; then go on to the closing card
    # (after "how are you doing now?").
    session = run_cli("run", str(echo), input=f"{answer}\nik kan niet meer. {answer}\n1\n1\n")
    assert session.code == 0, session
    turns, subjects = stored(coach_home)
    assert turns == [answer.encode(), f"ik kan niet meer. {answer}".encode(), b"1", b"1"]
    assert subjects == [answer.encode()]

    no_raw(session.out + session.err, "the conversation")
    assert f"› {shown}\n" in session.out  # the answer, printed back
    assert f"Wat wil je tegen {shown} zeggen?" in session.out  # in the next question
    assert "Even stilstaan" in session.out and "zelfdoding denkt." in session.out  # the panel
    assert f"Kaart voor {shown}" in session.out  # the card's title
    assert f"Met  {shown}" in session.out  # and a line on it

    show = run_cli("transcripts", "show", "1")
    no_raw(show.out + show.err, "transcripts show")
    assert f"jij    {shown}" in show.out and f"met {shown}" in show.out

    listed = run_cli("transcripts", "list")
    no_raw(listed.out + listed.err, "transcripts list")
    assert shown[:10] in listed.out

    md = run_cli("transcripts", "export", "1", "--format", "md")
    no_raw(md.out, "the Markdown export")
    assert f"> {markdown(shown)}\n" in md.out and f"- Met: {markdown(shown)}\n" in md.out

    exported = run_cli("transcripts", "export", "1", "--format", "json")
    no_raw(exported.out, "the JSON export")
    said = [t["text"] for t in json.loads(exported.out)["turns"] if t["speaker"] == "user"]
    assert said == [answer, f"ik kan niet meer. {answer}", "1", "1"]
    assert json.loads(exported.out)["session"]["subject"] == answer


@pytest.mark.parametrize(("answer", "shown"), CASES)
def test_a_hostile_answer_is_shown_visibly_when_the_session_is_resumed(
    answer: str, shown: str, echo: Path, run_cli: Callable[..., Result]
) -> None:
    first = run_cli("run", str(echo), input=f"{answer}\n")  # then the input ends: paused
    assert first.code == 0, first
    again = run_cli("resume", input="")
    assert again.code == 0, again
    no_raw(again.out + again.err, "the resume line")
    assert f"Verder met sessie 1: Echo met {shown}." in again.out
    assert f"Je laatste antwoord was: {shown}" in again.out


# -- over the limit ------------------------------------------------------------------------

TOO_LONG = "Je antwoord is {length} tekens lang; hier passen er hoogstens 20000. Maak het korter."


def paste(length: int) -> str:
    """A pasted text of exactly `length` characters, ending in a full stop."""
    return ("Dit heb ik gezien en gehoord. " * (length // 30 + 1))[: length - 1] + "."


@pytest.mark.parametrize(
    "length", [MAX_ANSWER_CHARS - 1, MAX_ANSWER_CHARS], ids=["just-under", "at-the-limit"]
)
def test_a_long_paste_within_the_limit_is_stored_exactly(
    length: int, echo: Path, run_cli: Callable[..., Result], coach_home: Path
) -> None:
    text = paste(length)
    result = run_cli("run", str(echo), input=f"Paul\n{text}\n")
    assert result.code == 0, result
    assert stored(coach_home)[0] == [b"Paul", text.encode()]
    assert "tekens lang" not in result.out


@pytest.mark.parametrize(
    "length", [MAX_ANSWER_CHARS + 1, 1_000_000], ids=["one-over", "a-megabyte"]
)
def test_a_paste_over_the_limit_is_refused_with_the_documented_message_and_not_stored(
    length: int, echo: Path, run_cli: Callable[..., Result], coach_home: Path
) -> None:
    result = run_cli("run", str(echo), input=f"Paul\n{paste(length)}\n")
    assert result.code == 0, result
    assert TOO_LONG.format(length=length) in " ".join(result.out.split())  # wrapped
    assert stored(coach_home)[0] == [b"Paul"]  # nothing of it is kept
    assert "coach resume 1" in result.out  # the question still waits
    readme = (Path(__file__).parents[2] / "README.md").read_text("utf-8")
    assert "20.000 tekens" in readme


# -- not UTF-8 -----------------------------------------------------------------------------

NOT_UTF8 = "(je invoer bevatte tekens die geen UTF-8 zijn; die zijn vervangen door �)"


def test_bytes_that_are_not_utf8_from_a_pipe_are_replaced_with_a_notice(
    echo: Path, run_cli: Callable[..., Result], coach_home: Path
) -> None:
    # Latin-1, a lone continuation byte, a cut-off sequence, an encoded surrogate, a NUL.
    lines = [b"Jos\xe9 \x80 \xe2\x82\n", b"caf\xc3\xa9 \xed\xa0\x80 \x00 ok\n"]
    result = run_cli("run", str(echo), input=b"".join(lines))
    assert result.code == 0, result
    assert result.out.count(NOT_UTF8) == 2
    expected = [line[:-1].decode("utf-8", "replace") for line in lines]
    assert stored(coach_home)[0] == [text.encode() for text in expected]
    assert f"› {expected[0]}\n" in result.out and "␀ ok" in result.out
    readme = (Path(__file__).parents[2] / "README.md").read_text("utf-8")
    assert "geen geldige UTF-8" in readme


# -- the real program in a terminal --------------------------------------------------------

WORST = "\x1b]52;c;cm0gLXJmIH4=\x07 \x1b]0;OVERGENOMEN\x07 \x1b[2J\x1b[3J \x9b2J \x1b]8;;https://kwaad.example\x1b\\klik"
WORST_SHOWN = "␛]52;c;cm0gLXJmIH4=␇ ␛]0;OVERGENOMEN␇ ␛[2J␛[3J ⟨U+009B⟩2J ␛]8;;https://kwaad.example␛\\klik"  # fmt: skip
ACTING = [b"\x1b]52", b"\x1b]0;", b"\x1b]2;", b"\x1b[2J", b"\x1b[3J", b"\xc2\x9b", b"\x1b]8;"]


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    started: list[Terminal] = []
    yield started
    for terminal in started:
        if terminal.child.isalive():
            terminal.child.terminate(force=True)


def terminal(terminals: list[Terminal], home: Path, *args: str) -> Terminal:
    started = Terminal(list(args), home)
    terminals.append(started)
    return started


def acting(raw: bytes) -> list[bytes]:
    return [sequence for sequence in ACTING if sequence in raw]


def test_the_worst_sequences_never_reach_a_real_terminal(
    terminals: list[Terminal], coach_home: Path, echo: Path
) -> None:
    term = terminal(terminals, coach_home, "run", str(echo))
    term.wait_for("Met wie voer je het gesprek?")
    term.wait_for_input()
    term.child.send("\x1b[200~" + WORST + "\x1b[201~")  # pasted: the escapes arrive raw
    term.child.send("\r")
    term.wait_for("Wat wil je tegen")
    term.wait_for_input()
    term.child.send("\x1b[200~" + WORST + "\x1b[201~")
    term.child.send("\r")
    screen = term.wait_for("Kaart voor")
    assert term.exit_status() == 0
    assert acting(term.raw) == []
    assert "Met wie voer je het gesprek?" in screen  # the screen was not cleared
    for part in WORST_SHOWN.split():  # the answer printed back, wrapped between words
        assert part in screen, part
    with closing(sqlite3.connect(coach_home / "coach.db")) as db:
        said = [row[0] for row in db.execute("SELECT text FROM turns WHERE speaker = 'user'")]
    assert said == [WORST, WORST]

    show = terminal(terminals, coach_home, "transcripts", "show", "1")
    assert show.exit_status() == 0
    assert acting(show.raw) == []
    assert "␛]52;c;cm0gLXJmIH4=␇".encode() in show.raw
    export = terminal(terminals, coach_home, "transcripts", "export", "1")
    assert export.exit_status() == 0
    assert acting(export.raw) == []
    assert b"\\u001b]52;c;cm0gLXJmIH4=\\u0007" in export.raw and b"\\u009b2J" in export.raw


def test_bytes_that_are_not_utf8_in_a_real_terminal_are_replaced_with_a_notice(
    terminals: list[Terminal], coach_home: Path, echo: Path
) -> None:
    term = terminal(terminals, coach_home, "run", str(echo))
    term.wait_for("Met wie voer je het gesprek?")
    term.wait_for_input()
    term.child.send(b"Jos\xe9 en \xff\xfe")
    term.child.send("\r")
    screen = term.wait_for("Wat wil je tegen")
    assert "geen UTF-8" in screen and "er ging iets mis" not in screen
    term.wait_for_input()
    term.child.send(b"half \xff getypt")
    term.child.sendintr()  # Ctrl-C: the half-typed answer is kept as the draft
    term.wait_for("Gepauzeerd")
    assert term.exit_status() == 130
    with closing(sqlite3.connect(coach_home / "coach.db")) as db:
        (said,) = db.execute("SELECT text FROM turns WHERE speaker = 'user'").fetchone()
        (draft,) = db.execute("SELECT draft FROM sessions").fetchone()
    assert said == "Jos\ufffd en \ufffd\ufffd"
    assert draft == "half \ufffd getypt"

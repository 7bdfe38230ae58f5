"""Rendering and reading: user text is shown literally; Enter sends, Alt+Enter adds a line."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.input.base import PipeInput
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from coach.conversation import Progress
from coach.model import Dialogue
from coach.steps import Ask, CardLine, Choose, End, Say, Scale
from coach.ui.terminal import Bar, LineReader, PromptReader, TerminalInterface, make_console
from coach.visible import visible


def recorded(width: int = 80) -> Console:
    console = make_console(io.StringIO())
    console.width = width
    return console


def output(console: Console) -> str:
    file = console.file
    assert isinstance(file, io.StringIO)
    return file.getvalue()


@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    with (
        create_pipe_input() as pipe_input,
        create_app_session(input=pipe_input, output=DummyOutput()),
    ):
        yield pipe_input


def test_visible_draws_controls_and_keeps_newlines_and_tabs() -> None:
    assert visible("a\x1b[2Jb") == "a␛[2Jb"
    assert visible("x\x00y\x7fz\r") == "x␀y␡z␍"
    assert visible("\x9b31m") == "⟨U+009B⟩31m"
    assert visible("abc\u202edef\u200b") == "abc⟨U+202E⟩def⟨U+200B⟩"
    assert visible("regel 1\nregel\t2 😀 café") == "regel 1\nregel\t2 😀 café"


def test_markup_and_escapes_in_text_are_never_interpreted(mini: Dialogue) -> None:
    console = recorded()
    ui = TerminalInterface(console, LineReader(io.BytesIO(b""), console), mini)
    ui.show(
        Say(
            "x",
            None,
            "[bold red]x[/] [link=https://example.invalid]klik[/link] :thumbs_up: \x1b]0;titel\x07",
        )
    )
    text = output(console)
    assert "[bold red]x[/] [link=https://example.invalid]klik[/link] :thumbs_up:" in text
    assert "␛]0;titel␇" in text
    assert "\x1b" not in text


def test_a_phase_header_appears_when_the_phase_changes(mini: Dialogue) -> None:
    console = recorded()
    ui = TerminalInterface(console, LineReader(io.BytesIO(b""), console), mini)
    ui.show(Ask("wat", "een", "Wat gebeurde er?"))
    ui.show(Ask("wat", "een", "Kun je meer vertellen?", probe=True))
    ui.show(Scale("zeker", "twee", "Hoe zeker?", 1, 10, ((1, "onzeker"), (10, "zeker"))))
    text = output(console)
    assert text.count("Een · stap 1 van 2") == 1
    assert "Twee · stap 2 van 2" in text
    assert "↳ Kun je meer vertellen?" in text
    assert "1 = onzeker · 10 = zeker   (typ een getal van 1 tot 10)" in text


def test_choices_are_numbered() -> None:
    console = recorded()
    ui = TerminalInterface(console, LineReader(io.BytesIO(b""), console))
    ui.show(Choose("k", None, "Verder?", ("Ja", "Nee")))
    lines = [line.rstrip() for line in output(console).splitlines()]
    assert lines[2:4] == ["   1  Ja", "   2  Nee"]


def test_the_card_is_a_panel_with_every_line(mini: Dialogue) -> None:
    console = recorded()
    ui = TerminalInterface(console, LineReader(io.BytesIO(b""), console), mini)
    card = (CardLine("Beleven", "Hij zei [b]iets[/b]."), CardLine("Voorleven", "Vragen \x1b[31m"))
    ui.show(End("kaart", None, "Succes.", "Gesprekskaart · gesprek met Paul", card))
    text = output(console)
    assert "╭─ Gesprekskaart · gesprek met Paul" in text
    assert "Beleven" in text and "Hij zei [b]iets[/b]." in text
    assert "Vragen ␛[31m" in text


def test_plain_reader_reads_lines_and_echoes_them_visibly() -> None:
    console = recorded()
    reader = LineReader(io.BytesIO(b"eerste\r\ntweede \x1b[2J\n"), console)
    ui = TerminalInterface(console, reader, plain=True)
    prompt = Ask("a", None, "?")
    assert ui.read(prompt, Progress("T")) == "eerste"
    assert ui.read(prompt, Progress("T")) == "tweede \x1b[2J"
    assert "› tweede ␛[2J" in output(console)
    with pytest.raises(EOFError):
        ui.read(prompt, Progress("T"))


def test_plain_reader_replaces_invalid_utf8_and_says_so() -> None:
    console = recorded()
    reader = LineReader(io.BytesIO(b"caf\xe9\n"), console)
    assert reader.read(Bar("", ""), "") == "caf\ufffd"
    assert "geen UTF-8" in output(console)


def test_prompt_reader_enter_sends_and_alt_enter_adds_a_line(pipe: PipeInput) -> None:
    pipe.send_text("eerste regel\x1b\rtweede regel\r")
    assert PromptReader().read(Bar("T", ""), "") == "eerste regel\ntweede regel"


def test_prompt_reader_offers_the_previous_answer_for_editing(pipe: PipeInput) -> None:
    pipe.send_text(" en meer\r")
    assert PromptReader().read(Bar("T", ""), "oud antwoord") == "oud antwoord en meer"


def test_prompt_reader_keeps_pasted_text_whole(pipe: PipeInput) -> None:
    pipe.send_text("\x1b[200~regel een\nregel twee\x1b[201~\r")
    assert PromptReader().read(Bar("T", ""), "") == "regel een\nregel twee"


@pytest.mark.parametrize(("keys", "error"), [("\x03", KeyboardInterrupt), ("\x04", EOFError)])
def test_prompt_reader_ctrl_c_and_ctrl_d(
    keys: str, error: type[BaseException], pipe: PipeInput
) -> None:
    pipe.send_text(keys)
    with pytest.raises(error):
        PromptReader().read(Bar("T", ""), "")


def test_the_input_line_never_writes_bidi_or_invisible_characters_to_the_terminal() -> None:
    """Typed, pasted and offered again (a resumed draft, /terug): the field keeps them, the
    terminal only ever sees ⟨U+202E⟩."""
    from prompt_toolkit.data_structures import Size
    from prompt_toolkit.output.vt100 import Vt100_Output

    with create_pipe_input() as pipe_input:

        class Screen(io.StringIO):
            def write(self, text: str) -> int:
                if "plak" in text:  # what was typed is drawn: now send it
                    pipe_input.send_text("\r")
                return super().write(text)

        screen = Screen()
        terminal = Vt100_Output(screen, lambda: Size(rows=24, columns=80), term="xterm")
        never_hang = threading.Timer(30, pipe_input.send_text, ["\r"])  # only if never drawn
        never_hang.start()
        with create_app_session(input=pipe_input, output=terminal):
            pipe_input.send_text("typ \u202eb\u200d\x1b[200~plak\u2066 \U000e0041\x1b[201~")
            answer = PromptReader().read(Bar("Titel", ""), "draft\u202e\u00ad ")
        never_hang.cancel()
    assert answer == "draft\u202e\u00ad typ \u202eb\u200dplak\u2066 \U000e0041"
    drawn = screen.getvalue()
    for hidden in ("\u202e", "\u200d", "\u2066", "\u00ad", "\U000e0041"):
        assert hidden not in drawn
    assert "⟨U+202E⟩" in drawn and "⟨U+2066⟩" in drawn and "⟨U+E0041⟩" in drawn

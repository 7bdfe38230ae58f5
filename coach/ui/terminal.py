"""The conversation in a terminal: rich draws, prompt-toolkit (or plain lines) reads.

All text goes to the screen as `rich.text.Text` built from `visible(...)`: no markup, no
emoji codes, no escape sequences are interpreted, whoever wrote the text. On a terminal,
prompt-toolkit reads answers with editing, a bottom bar and multi-line input (Enter sends,
Alt+Enter adds a line). When standard input is not a terminal, each line is one answer.
"""

from __future__ import annotations

import os
import re
import signal
import sys
from dataclasses import dataclass
from typing import IO, Any, Protocol, cast

from rich.console import Console
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from coach.conversation import Progress
from coach.model import Dialogue
from coach.steps import Ask, CardLine, Choose, End, Prompt, Say, Scale, Step
from coach.ui import keys
from coach.ui.console import make_console as make_console  # where tests and callers look
from coach.visible import hidden_characters, stand_in, visible

TEXT_WIDTH = 78
_TONES = {"info": "", "quiet": "dim", "warning": "yellow", "error": "bold red"}
_HELD_SIGNALS = {
    s for s in (signal.SIGINT, getattr(signal, "SIGHUP", None), signal.SIGTERM) if s is not None
}
# Bytes that were not UTF-8: prompt-toolkit keeps them as lone surrogates, which no file,
# terminal or database can hold. They become U+FFFD, as they do from a pipe.
_UNDECODABLE = re.compile("[\ud800-\udfff]")
NOT_UTF8 = "(je invoer bevatte tekens die geen UTF-8 zijn; die zijn vervangen door �)"


@dataclass(frozen=True)
class Bar:
    """The bottom bar while an answer is typed: where you are, which keys, what went wrong."""

    title: str
    keys: str
    warning: str = ""


class Reader(Protocol):
    def read(self, bar: Bar, default: str) -> str: ...

    def draft(self) -> str: ...


def prose(console: Console, text: str, style: str = "") -> None:
    """Print text as a paragraph: made visible, wrapped between words at a readable width."""
    width = min(console.width, TEXT_WIDTH)
    console.print(Text(visible(text), style=style), width=width, soft_wrap=False)


class TerminalInterface:
    """Shows steps and notices on a console and reads answers with a Reader."""

    def __init__(
        self,
        console: Console,
        reader: Reader,
        dialogue: Dialogue | None = None,
        plain: bool = False,
    ) -> None:
        self.console = console
        self.reader = reader
        self.dialogue = dialogue
        self.plain = plain  # answers come as lines from a pipe or a file, not from a terminal
        # A dumb terminal cannot erase what prompt-toolkit echoed: then we do not echo again.
        self.echo = not _is_dumb(reader)
        self._phase: str | None = None
        self._sent = ""  # an answer read and not yet handed over: the draft if stopped now

    # -- Interface -------------------------------------------------------------------------

    def show(self, step: Step) -> None:
        self._phase_header(step)
        if isinstance(step, Say) and step.style == "safety":
            self._safety(step.text)
        elif isinstance(step, Say):
            self._paragraph(step.text)
        elif isinstance(step, Ask):
            self._paragraph(step.text, "bold", marker="↳ " if step.probe else "")
        elif isinstance(step, Choose):
            self._paragraph(step.text, "bold")
            options = Table.grid()
            options.add_column(no_wrap=True, style="cyan")
            options.add_column()
            for number, label in enumerate(step.options, start=1):
                options.add_row(f"  {number:>2}  ", Text(visible(label)))
            self.console.print(options, width=self._width())
            self.console.print()
        elif isinstance(step, Scale):
            self._paragraph(step.text, "bold", gap=False)
            prose(self.console, _scale_legend(step), "dim")
            self.console.print()
        elif isinstance(step, End):
            self._end(step)

    def read(self, prompt: Prompt, progress: Progress, default: str = "", warning: str = "") -> str:
        bar = Bar(_toolbar(progress), _keys(prompt), warning)
        if default and self.plain:  # nothing to edit in a pipe: at least show what was there
            prose(self.console, f"(eerder antwoord: {default})", "dim")
        self._sent = ""
        try:
            answer = self.reader.read(bar, default)
        except EOFError:
            if self.plain:  # say why the conversation stops here
                prose(self.console, "(einde van de invoer)", "dim")
            raise
        if _UNDECODABLE.search(answer):
            answer = _UNDECODABLE.sub("\ufffd", answer)
            prose(self.console, NOT_UTF8, "yellow")
        self._sent = answer
        # The terminal's own echo is erased (or there was none): print the answer back,
        # wrapped at word boundaries and with control characters made visible.
        if answer.strip():
            if self.echo:
                grid = Table.grid()
                grid.add_column(no_wrap=True, style="green")
                grid.add_column()
                grid.add_row("› ", Text(visible(answer)))
                self.console.print(grid, width=self._width())
            self.console.print()
        self._sent = ""
        return answer

    def notice(self, text: str, tone: str = "info") -> None:
        prose(self.console, text.strip(), _TONES.get(tone, ""))
        self.console.print()

    def card(self, title: str, lines: tuple[CardLine, ...]) -> None:
        grid = Table.grid(padding=(0, 2, 1, 0))
        grid.add_column(style="bold cyan", no_wrap=True)
        grid.add_column()
        for line in lines:
            grid.add_row(Text(visible(line.label)), Text(visible(line.text.strip())))
        heading = Text(visible(title or "Gesprekskaart"), style="bold")
        panel = Panel(grid, title=heading, title_align="left", border_style="cyan", padding=(1, 2))
        self.console.print(panel, width=self._width())
        self.console.print()

    def draft(self) -> str:
        return self.reader.draft() or self._sent

    # -- drawing ---------------------------------------------------------------------------

    def _width(self) -> int:
        return min(self.console.width, TEXT_WIDTH)

    def _paragraph(self, text: str, style: str = "", marker: str = "", gap: bool = True) -> None:
        if not text.strip():
            return
        body = Text.assemble((marker, "cyan"), (visible(text.strip()), style))
        self.console.print(body, width=self._width(), soft_wrap=False)
        if gap:
            self.console.print()

    def _phase_header(self, step: Step) -> None:
        if self.dialogue is None or isinstance(step, End) or step.phase == self._phase:
            return
        self._phase = step.phase
        # A sub-dialogue's steps are numbered in that dialogue.
        for dialogue in (self.dialogue, *self.dialogue.callees.values()):
            position = dialogue.phase_position(step.phase)
            if position is not None:
                break
        else:
            return
        index, phase = position
        title = f"{phase.title} · stap {index} van {len(dialogue.phases)}"
        self.console.print(
            Rule(Text(visible(title), style="bold cyan"), align="left", style="cyan"),
            width=self._width(),
        )
        self.console.print()

    def _safety(self, text: str) -> None:
        body = Text(visible(text.strip()))
        panel = Panel(
            body,
            title=Text("Even stilstaan", style="bold"),
            title_align="left",
            border_style="yellow",
            padding=(1, 2),
        )
        # soft_wrap=False: the console's default (soft wrap) would cut every line at the border.
        self.console.print(panel, width=self._width(), soft_wrap=False)
        self.console.print()

    def _end(self, step: End) -> None:
        self._paragraph(step.text)
        if step.card:
            self.card(step.title, step.card)


def _scale_legend(step: Scale) -> str:
    labels = dict(step.labels)
    low = f"{step.low} = {labels[step.low]}" if step.low in labels else str(step.low)
    high = f"{step.high} = {labels[step.high]}" if step.high in labels else str(step.high)
    middle = [f"{n} = {text}" for n, text in step.labels if n not in (step.low, step.high)]
    return (
        "  "
        + " · ".join([low, *middle, high])
        + f"   (typ een getal van {step.low} tot {step.high})"
    )


def _keys(prompt: Prompt) -> str:
    if isinstance(prompt, Ask) and prompt.probe:
        return "Enter: versturen · leeg: volgende vraag · /hulp"
    if prompt.optional:
        return "Enter: versturen · leeg: overslaan · /hulp"
    if isinstance(prompt, Choose | Scale):
        return "typ een nummer · /hulp"
    return "Enter: versturen · Alt+Enter: nieuwe regel · /hulp"


def _toolbar(progress: Progress) -> str:
    if progress.step is not None:
        return f"Stap {progress.step} van {progress.steps} · {progress.phase}"
    return progress.title


class LineReader:
    """One answer per line from a stream that is not a terminal (a pipe, a file)."""

    def __init__(self, stream: IO[bytes], console: Console) -> None:
        self.stream = stream
        self.console = console

    def read(self, bar: Bar, default: str) -> str:
        line = self.stream.readline()
        if not line:
            raise EOFError
        line = line.removesuffix(b"\n").removesuffix(b"\r")
        try:
            return line.decode("utf-8")
        except UnicodeDecodeError:
            prose(
                self.console,
                "(je invoer bevatte tekens die geen UTF-8 zijn; die zijn vervangen door �)",
                "yellow",
            )
            return line.decode("utf-8", errors="replace")

    def draft(self) -> str:
        return ""  # a line from a pipe arrives whole or not at all


class PromptReader:
    """prompt-toolkit on a real terminal: editing, history of this session, a bottom bar."""

    def __init__(self) -> None:
        self._made: Any = None  # the PromptSession, made at the first read (see `session`)
        self._draft = ""
        self._mask: set[int] | None = None  # the signal mask before Enter held the signals

    @property
    def session(self) -> Any:
        """prompt-toolkit is loaded when the first answer is read, after the first question
        is on the screen: importing it takes longer than everything before (bench/). What is
        typed until then waits, unechoed, as typeahead (coach/ui/keys.py)."""
        if self._made is None:
            self._made = self._make_session()
        return self._made

    def _make_session(self) -> Any:
        from prompt_toolkit import PromptSession
        from prompt_toolkit.key_binding import KeyBindings
        from prompt_toolkit.output.color_depth import ColorDepth

        _draw_hidden_characters_visibly()
        bindings = KeyBindings()

        @bindings.add("enter")
        def _send(event: Any) -> None:
            self._hold_signals()
            event.current_buffer.validate_and_handle()

        @bindings.add("escape", "enter")
        def _newline(event: Any) -> None:
            event.current_buffer.insert_text("\n")

        return PromptSession(
            multiline=True,
            key_bindings=bindings,
            prompt_continuation="  ",
            reserve_space_for_menu=0,
            enable_open_in_editor=False,
            enable_system_prompt=False,
            enable_suspend=False,
            color_depth=ColorDepth.from_env(),
            style=_prompt_style(),
            erase_when_done=True,  # the answer is printed back, wrapped at word boundaries
        )

    def _hold_signals(self) -> None:
        """From Enter until read() returns, Ctrl-C, a closed terminal and SIGTERM wait:
        prompt-toolkit then closes its asyncio event loop, which cannot be interrupted
        halfway (Python would print the loop's error at exit). The answer is in the field
        when they arrive, and is kept as the draft."""
        if self._mask is None and hasattr(signal, "pthread_sigmask"):
            self._mask = set(signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_SIGNALS))

    def _release_signals(self) -> None:
        if self._mask is not None:
            mask, self._mask = self._mask, None
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)

    def read(self, bar: Bar, default: str) -> str:
        from prompt_toolkit.document import Document
        from prompt_toolkit.formatted_text import FormattedText

        toolbar = FormattedText(
            [("class:bottom-toolbar.title", f" {bar.title} ")]
            + (
                [("class:bottom-toolbar.warning", f" {bar.warning} ")]
                if bar.warning
                else [("class:bottom-toolbar", f" {bar.keys} ")]
            )
        )
        placeholder = FormattedText([("class:placeholder", "typ je antwoord")])
        self._draft = ""
        # The field holds the previous answer until prompt() resets it: a stop before then
        # must not keep that (saved) answer as the draft.
        self.session.default_buffer.reset(Document(default))
        try:
            try:
                answer: str = self.session.prompt(
                    FormattedText([("class:prompt", "› ")]),
                    default=default,
                    bottom_toolbar=toolbar,
                    placeholder=placeholder,
                )
            finally:
                self._release_signals()  # one held since Enter arrives here
                keys.paste(True)  # prompt-toolkit turned it off: a paste until the next
                # prompt is one answer too
        except BaseException:  # Ctrl-C, Ctrl-D, a closed terminal: keep what was typed
            self._draft = self.session.default_buffer.text
            raise
        return answer

    def draft(self) -> str:
        return _UNDECODABLE.sub("\ufffd", self._draft)


def _draw_hidden_characters_visibly() -> None:
    """prompt-toolkit draws C0 and C1 controls as ^[ and <9b>, but writes a bidi override
    (U+202E), a zero-width joiner or a tag character straight to the terminal, where it
    turns around or hides what is typed, pasted, or put back in the field (a resumed draft,
    the answer /terug offers again), and the dialogue title in the bottom bar. Let it draw
    them as visible() does, ⟨U+202E⟩; the text in the field stays exactly what was typed."""
    from prompt_toolkit.layout.screen import Char

    for char in hidden_characters():
        Char.display_mappings.setdefault(char, stand_in(char))


def _prompt_style() -> Any:
    from prompt_toolkit.styles import Style

    return Style.from_dict(
        {
            "prompt": "ansigreen bold",
            "placeholder": "ansibrightblack italic",
            "bottom-toolbar": "noreverse bg:ansibrightblack fg:ansiwhite",
            "bottom-toolbar.title": "noreverse bg:ansicyan fg:ansiblack bold",
            "bottom-toolbar.warning": "noreverse bg:ansiyellow fg:ansiblack",
        }
    )


def _is_dumb(reader: Reader) -> bool:
    return isinstance(reader, PromptReader) and os.environ.get("TERM") == "dumb"


def interface_for(
    dialogue: Dialogue | None, console: Console | None = None, stdin: IO[Any] | None = None
) -> TerminalInterface:
    """A prompt-toolkit interface when input is a terminal, plain lines otherwise."""
    console = console or make_console()
    stream = stdin or sys.stdin
    if stream.isatty() and sys.stdout.isatty():
        keys.reading()  # the first question comes next: Ctrl-C waits its turn as a key
        return TerminalInterface(console, PromptReader(), dialogue)
    binary = cast(IO[bytes], getattr(stream, "buffer", stream))
    return TerminalInterface(console, LineReader(binary, console), dialogue, plain=True)

"""The real program in a pseudo-terminal, read back through a terminal emulator (pyte).

prompt-toolkit behaves differently on a real terminal than with piped input, so these
tests start `python -m coach` in a pty, type like a user, and look at the screen.

They never wait for time alone, which a busy machine stretches: each waits for a state the
program shows (a question, the bottom bar of the input line, a message) before it types,
unless what is typed before the input line exists is the point of the test.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pyte
import pytest
from helpers import feed_terminal

from coach.store import Store

COLS, ROWS = 100, 60
# How long a state may take to show: only a bound for a test that fails, never a pause. A
# busy 2-core machine needs seconds to start Python and coach cold.
WAIT = 60.0
# The bottom bar of the input line: " title  keys " (see coach/ui/terminal.py, _keys)
BOTTOM_BAR = re.compile(r"^ .+ {2}(Enter: versturen|typ een nummer) .*/hulp\s*$")


class Terminal:
    def __init__(self, args: list[str], home: Path, **extra_env: str) -> None:
        env = {
            **os.environ,
            "COACH_HOME": str(home),
            "TERM": "xterm",
            "COLUMNS": str(COLS),
            "LINES": str(ROWS),
        }
        env.pop("NO_COLOR", None)
        env.update(extra_env)
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = b""
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "coach", *args],
            env=env,
            dimensions=(ROWS, COLS),
            cwd=str(home.parent),
        )

    def pump(self) -> None:
        while True:
            try:
                data = self.child.read_nonblocking(65536, timeout=0.05)
            except (pexpect.TIMEOUT, pexpect.EOF):
                return
            self.raw += data
            feed_terminal(self.child, self.stream, self.screen, data)

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for(self, needle: str, timeout: float = WAIT, count: int = 1) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump()
            if self.text().count(needle) >= count:
                return self.text()
            time.sleep(0.05)
        raise AssertionError(f"{needle!r} not on screen:\n{self.text()}")

    def wait_for_input(self, timeout: float = WAIT) -> str:
        """Wait until the input line is open: its bottom bar, with the keys, is drawn."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump()
            if any(BOTTOM_BAR.search(line) for line in self.screen.display):
                return self.text()
            time.sleep(0.05)
        raise AssertionError(f"no input line on screen:\n{self.text()}")

    def answer(self, text: str) -> None:
        self.child.send(text)
        self.child.send("\r")

    def paste(self, text: str) -> None:
        """Paste as a terminal does: marked as a paste when the program asked for that
        (bracketed paste, ESC [?2004h), else as if typed."""
        self.pump()
        asked = self.raw.rfind(b"\x1b[?2004h") > self.raw.rfind(b"\x1b[?2004l")
        self.child.send(f"\x1b[200~{text}\x1b[201~" if asked else text.replace("\n", "\r"))

    def exit_status(self, timeout: float = WAIT) -> int:
        deadline = time.monotonic() + timeout
        while self.child.isalive() and time.monotonic() < deadline:
            self.pump()
            time.sleep(0.05)
        self.pump()
        self.child.close()
        if self.child.signalstatus is not None:  # killed: report it the way a shell does
            return 128 + int(self.child.signalstatus)
        assert self.child.exitstatus is not None, self.text()
        return int(self.child.exitstatus)


@pytest.fixture
def terminals(coach_home: Path) -> Iterator[list[Terminal]]:
    started: list[Terminal] = []
    yield started
    for terminal in started:
        if terminal.child.isalive():
            terminal.child.terminate(force=True)


def start(terminals: list[Terminal], home: Path, *args: str, **env: str) -> Terminal:
    terminal = Terminal(list(args), home, **env)
    terminals.append(terminal)
    return terminal


def at_beleven(terminals: list[Terminal], home: Path) -> Terminal:
    """A session with Paul, its first question answered, its input line open at Beleven."""
    term = start(terminals, home, "run", "buiv", "--met", "Paul")
    term.wait_for("met Paul over")
    term.wait_for_input()
    term.answer("het overleg van dinsdag met de sectie")
    term.wait_for("hoe beleefde jij")
    term.wait_for_input()
    return term


def user_answers(home: Path, session_id: int = 1) -> list[str]:
    store = Store.open(home)
    try:
        return [t.text for t in store.transcript(session_id).turns if t.speaker == "user"]
    finally:
        store.close()


def test_revise_pause_and_resume_in_a_real_terminal(
    terminals: list[Terminal], coach_home: Path
) -> None:
    term = start(terminals, coach_home, "run", "buiv")
    term.wait_for("Met wie ga je het gesprek voeren?")
    term.wait_for_input()
    term.answer("Paul")
    term.wait_for("met Paul over")
    term.wait_for_input()
    term.answer("het overleg van dinsdag met de sectie")
    term.wait_for("hoe beleefde jij")
    term.wait_for(" Stap 1 van 4 · Beleven ")  # the bottom bar
    term.answer("/terug")
    term.wait_for("Geef je nieuwe antwoord.")
    # the old answer, once as given and once in the prompt, ready to edit
    term.wait_for("› het overleg van dinsdag met de sectie", count=2)
    term.wait_for_input()
    term.child.send("\x15")  # Ctrl-U: clear the line
    term.answer("de afspraak over de toetsweek")
    term.wait_for("hoe beleefde jij")
    term.wait_for_input()
    term.answer("/pauze")
    term.wait_for("coach resume 1")
    assert term.exit_status() == 0
    assert user_answers(coach_home) == ["Paul", "de afspraak over de toetsweek"]

    again = start(terminals, coach_home, "resume")
    screen = again.wait_for("hoe beleefde jij")
    assert "Verder met sessie 1" in screen
    assert "Je laatste antwoord was: de afspraak over de toetsweek" in screen
    again.wait_for_input()
    again.answer("/pauze")
    assert again.exit_status() == 0


def test_ctrl_c_pauses_and_nothing_is_lost(terminals: list[Terminal], coach_home: Path) -> None:
    term = at_beleven(terminals, coach_home)
    term.child.send("half getypt")
    term.child.sendintr()
    screen = term.wait_for("Gepauzeerd")
    assert "coach resume 1" in screen and "Traceback" not in screen
    assert "wat je aan het typen was" in screen
    assert term.exit_status() == 130
    assert user_answers(coach_home) == ["het overleg van dinsdag met de sectie"]

    again = start(terminals, coach_home, "resume")
    again.wait_for("Je was dit aan het typen toen je stopte")
    again.wait_for("› half getypt")
    again.wait_for_input()
    again.answer(" over dinsdag, toen hij zei dat wij het zelf verknald hebben en ik stil werd")
    again.wait_for("Uitleven · stap 2 van 4")
    again.wait_for_input()
    again.answer("/pauze")
    assert again.exit_status() == 0
    assert user_answers(coach_home)[-1].startswith("half getypt over dinsdag")


def test_multi_line_answers_and_hostile_text(terminals: list[Terminal], coach_home: Path) -> None:
    term = start(terminals, coach_home, "run", "buiv")
    term.wait_for("Met wie ga je het gesprek voeren?")
    term.wait_for_input()
    hostile = "[bold]P[/bold] \x1b[2J {ander}"
    term.child.send("\x1b[200~" + hostile + "\x1b[201~")  # pasted: escapes arrive raw
    term.child.send("\r")
    screen = term.wait_for("Een zin of twee")
    assert "met [bold]P[/bold] ␛[2J {ander} over" in screen
    assert "Je bereidt een gesprek voor" in screen  # the screen was not cleared
    term.wait_for_input()
    term.child.send("regel een over het rooster")
    term.child.send("\x1b\r")  # Alt+Enter
    term.answer("regel twee over de sectie")
    term.wait_for("hoe beleefde jij")
    term.wait_for_input()
    term.child.sendcontrol("d")
    assert term.exit_status() == 0
    assert user_answers(coach_home) == [
        hostile,
        "regel een over het rooster\nregel twee over de sectie",
    ]
    assert b"\x1b[2J" not in term.raw.split(b"Een zin of twee")[-1]


def test_no_color_means_no_colour_anywhere(terminals: list[Terminal], coach_home: Path) -> None:
    term = start(terminals, coach_home, "run", "buiv", "--met", "Paul", NO_COLOR="1")
    term.wait_for("met Paul over")
    term.wait_for_input()
    term.answer("het overleg van dinsdag met de sectie")
    term.wait_for("Stap 1 van 4 · Beleven")
    colours = re.findall(rb"\x1b\[[0-9;]*m", term.raw)
    assert colours, "the test must see the styling codes it checks"
    for code in colours:
        numbers = [int(n) for n in code[2:-1].split(b";") if n]
        assert not [n for n in numbers if 30 <= n <= 49 or 90 <= n <= 107], code


def test_ctrl_c_in_the_menu_exits_with_130(terminals: list[Terminal], coach_home: Path) -> None:
    term = start(terminals, coach_home)
    term.wait_for("Een nieuw gesprek")
    term.wait_for_input()
    term.child.sendintr()
    assert term.exit_status() == 130


def test_a_closed_terminal_pauses_and_keeps_the_half_typed_answer(
    terminals: list[Terminal], coach_home: Path
) -> None:
    term = at_beleven(terminals, coach_home)
    term.child.send("half over dinsdag")
    term.wait_for("› half over dinsdag")  # in the input line before the terminal goes
    term.child.kill(signal.SIGHUP)
    term.exit_status()
    store = Store.open(coach_home)
    try:
        assert store.session(1).status == "paused"
        assert store.draft(1) == "half over dinsdag"
    finally:
        store.close()


def test_a_killed_process_loses_no_answer_and_resumes_at_the_next_question(
    terminals: list[Terminal], coach_home: Path
) -> None:
    term = at_beleven(terminals, coach_home)
    term.child.kill(signal.SIGKILL)
    assert term.exit_status() == 128 + signal.SIGKILL
    assert user_answers(coach_home) == ["het overleg van dinsdag met de sectie"]
    again = start(terminals, coach_home, "resume")
    screen = again.wait_for("hoe beleefde jij")
    assert "Verder met sessie 1" in screen
    again.wait_for_input()
    again.answer("/pauze")
    assert again.exit_status() == 0


def test_the_safety_net_pauses_with_help_and_the_answer_is_kept(
    terminals: list[Terminal], coach_home: Path
) -> None:
    term = at_beleven(terminals, coach_home)
    term.answer("Ik kan niet meer. Dinsdag zei hij dat ik het niet aankan.")
    screen = term.wait_for("Wil je verder met dit gesprek?")
    for words in ("Even stilstaan", "vertrouwenspersoon", "bedrijfsarts", "huisarts", "0800-0113"):
        assert words in screen, words
    term.wait_for_input()
    term.answer("2")
    assert term.exit_status() == 0
    assert user_answers(coach_home)[-2:] == [
        "Ik kan niet meer. Dinsdag zei hij dat ik het niet aankan.",
        "2",
    ]
    again = start(terminals, coach_home, "resume")
    screen = again.wait_for("Laat de hulplijnen nog eens zien")  # first: how it goes now
    assert "Hoe gaat het nu met je?" in " ".join(screen.split())
    again.wait_for_input()
    again.answer("1")
    again.wait_for("Wat deed dat moment met je?")  # then on, at the question after the answer
    again.wait_for_input()  # Ctrl-D before the input line exists is tested on its own
    again.child.sendcontrol("d")
    assert again.exit_status() == 0


# -- before the input line exists --------------------------------------------------------
# prompt-toolkit is loaded after the first question is on the screen. These tests type at
# once when the question shows, in that gap: what they type must wait there, unechoed,
# and be read as if typed at the prompt.

ACTING = (b"\x1b]52", b"\xc2\x9b", b"\x1b[2J")


def test_a_paste_before_the_input_line_is_one_answer_and_never_echoed_raw(
    terminals: list[Terminal], coach_home: Path
) -> None:
    term = start(terminals, coach_home, "run", "buiv", "--met", "Paul")
    term.wait_for("met Paul over")
    pasted = "het overleg \x1b]52;c;aGVsbG8=\x07 van dinsdag \x9b2J\nmet de sectie"
    term.paste(pasted)
    term.child.send("\r")
    term.wait_for("hoe beleefde jij")
    term.wait_for_input()
    term.child.sendcontrol("d")
    assert term.exit_status() == 0
    assert user_answers(coach_home) == [pasted]
    assert [sequence for sequence in ACTING if sequence in term.raw] == []


def test_ctrl_d_before_the_input_line_exists_pauses(
    terminals: list[Terminal], coach_home: Path
) -> None:
    term = start(terminals, coach_home, "run", "buiv", "--met", "Paul")
    term.wait_for("met Paul over")
    term.child.sendcontrol("d")
    assert term.exit_status() == 0
    store = Store.open(coach_home)
    try:
        assert store.session(1).status == "paused"
    finally:
        store.close()


def test_ctrl_c_before_the_input_line_exists_keeps_what_was_typed(
    terminals: list[Terminal], coach_home: Path
) -> None:
    term = start(terminals, coach_home, "run", "buiv", "--met", "Paul")
    term.wait_for("met Paul over")
    term.child.send("half getypt")
    term.child.sendintr()
    term.wait_for("Gepauzeerd")
    assert term.exit_status() == 130
    store = Store.open(coach_home)
    try:
        assert store.draft(1) == "half getypt"
    finally:
        store.close()


def test_the_terminal_mode_is_set_at_once_and_given_back(tmp_path: Path) -> None:
    code = (
        "import termios; from coach.ui import keys; "
        "before = termios.tcgetattr(0); keys.hold(); held = termios.tcgetattr(0); "
        "keys.reading(); reading = termios.tcgetattr(0); keys.release(); "
        "after = termios.tcgetattr(0); "
        "print('given back' if after == before else 'changed', "
        "'no echo' if not held[3] & termios.ECHO else 'echo', "
        "'no lines' if not held[3] & termios.ICANON else 'lines', "
        "'ctrl-c stops' if held[3] & termios.ISIG else 'ctrl-c is a key', "
        "'then a key' if not reading[3] & termios.ISIG else 'then stops', "
        "'ctrl-z off' if held[6][termios.VSUSP] == b'\\0' else 'ctrl-z on')"
    )
    child = pexpect.spawn(sys.executable, ["-c", code], cwd=str(tmp_path), env=dict(os.environ))
    child.expect(pexpect.EOF, timeout=30)
    output = child.before.decode()
    assert "given back no echo no lines ctrl-c stops then a key ctrl-z off" in output, output
    assert output.startswith("\x1b[?2004h\x1b[?2004l")  # pastes marked, then no longer

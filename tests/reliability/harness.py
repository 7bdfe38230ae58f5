"""Real coach processes for the reliability tests, and what their database must hold after.

A process runs piped (`Piped`, fast: one line is one answer) or in a pseudo-terminal (`Pty`,
prompt-toolkit as a user has it). An answer is *acknowledged* once the question that follows
it is on the output: coach commits an answer with its turns before it shows the next question,
so from then on the answer must survive anything. Which question follows, the test knows from
the engine itself, restored from the same snapshot and fed the same answers.

`check_session` reads the database without writing to it and checks the promise: the file is
intact, every acknowledged answer is there once and in order, the turns are numbered without
gaps, and the stored snapshot is exactly the state those turns lead to (no half turn).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pexpect
import pyte
from helpers import feed_terminal

from coach.engine import Engine
from coach.loader import load_dialogue
from coach.model import Dialogue
from coach.shipped import shipped_dir
from coach.steps import Advance, Choose, End, Invalid, Scale

DIALOGUE = "buiv"
COLS, ROWS = 100, 60
TIMEOUT = 20.0  # for what takes a fraction of a second; generous for a busy CI machine
PROMPT_KINDS = {"ask", "probe", "choose", "scale"}
PLACEHOLDER = "typ je antwoord"  # in the empty input field
ALARMS = ("Traceback", "locked", "bezet", "busy", "Fout:")

# Answers a school leader might give: vague ones that draw a follow-up question, concrete
# ones that do not. Short enough to stay on one line of the pseudo-terminal.
ANSWERS = (
    "Hij was weer arrogant, zoals altijd.",
    "lastig",
    "weet ik niet goed",
    "Dinsdag zei hij twee keer dat de andere scholen het aan zichzelf te danken hebben.",
    "Ik werd stil en voelde me geïrriteerd, en ook onzeker over mijn eigen rol.",
    "Misschien ergert hij zich aan hoeveel tijd het overleg kost.",
    "Ik begin met een vraag over zijn loopbaan en luister eerst.",
    "Hoe kijk jij terug op het laatste directieberaad?",
    "In de sectievergadering van maandag om half vier, over de toetsweek.",
    "Ik wil laten zien dat ik ook twijfel, en dat dat mag.",
    "Het gaat over de afspraken rond de mentorlessen.",
    "Ik vraag hem wat hij nodig heeft van mij.",
)
NAMES = ("Paul", "Saskia", "Mehmet", "Anouk", "Joost", "Fatima", "Bram", "Ilse")

_ESCAPE = re.compile(
    rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()][0-9A-Za-z]|[@-Z\\-_])"
)


def flat(text: str) -> str:
    """Text with every run of white space as one space: wrapping does not matter."""
    return " ".join(text.split())


def shown(raw: bytes) -> str:
    """What a process wrote, without the terminal's escape sequences, flattened."""
    return flat(_ESCAPE.sub(b"", raw).decode("utf-8", errors="replace"))


def child_env(home: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "COACH_HOME": str(home),
        "TERM": "xterm",
        "COLUMNS": str(COLS),
        "LINES": str(ROWS),
    }
    for name in ("NO_COLOR", "COACH_TRACEBACK"):
        env.pop(name, None)
    return env


def the_dialogue() -> Dialogue:
    return load_dialogue(shipped_dir() / f"{DIALOGUE}.yaml")


# -- processes ------------------------------------------------------------------------------


class Process:
    """A running `coach`; `raw` is everything it wrote so far."""

    raw: bytes

    def pump(self, wait: float = 0.0) -> None:
        raise NotImplementedError

    def send(self, text: str) -> None:
        raise NotImplementedError

    def enter(self) -> None:
        raise NotImplementedError

    def signal(self, signum: int) -> None:
        raise NotImplementedError

    def poll(self) -> int | None:
        """None while it runs; then the exit code, or minus the signal that ended it."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def answer(self, text: str) -> None:
        self.send(text)
        self.enter()

    def mark(self) -> int:
        """A position in the output: `wait_for` after it sees only what came later."""
        self.pump()
        return len(self.raw)

    def text(self, since: int = 0) -> str:
        return shown(self.raw[since:])

    def wait_for(self, needle: str, since: int = 0, timeout: float = TIMEOUT) -> None:
        wanted = flat(needle)
        deadline = time.monotonic() + timeout
        while True:
            self.pump(0.01)
            if wanted in self.text(since):
                return
            status = self.poll()
            if status is not None:
                self.pump()
                if wanted in self.text(since):
                    return
                raise AssertionError(
                    f"coach ended (status {status}) without showing {wanted!r}:\n"
                    + self.text()[-1500:]
                )
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{wanted!r} not shown in {timeout} s:\n" + self.text()[-1500:]
                )

    def wait_exit(self, timeout: float = TIMEOUT) -> int:
        deadline = time.monotonic() + timeout
        while (status := self.poll()) is None:
            if time.monotonic() > deadline:
                raise AssertionError("coach did not end by itself:\n" + self.text()[-1500:])
            self.pump(0.01)
        self.pump()
        self.close()
        return status

    def kill(self) -> int:
        self.signal(signal.SIGKILL)
        return self.wait_exit()


class Piped(Process):
    """coach with standard input and output as pipes: each line is one answer."""

    def __init__(self, args: list[str], home: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "coach", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=child_env(home),
            cwd=str(home.parent),
        )
        self._data = bytearray()
        self._more = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while data := os.read(fd, 65536):
            with self._more:
                self._data += data
                self._more.notify_all()

    @property
    def raw(self) -> bytes:  # type: ignore[override]
        with self._more:
            return bytes(self._data)

    def pump(self, wait: float = 0.0) -> None:
        if wait:
            with self._more:
                self._more.wait(wait)

    def send(self, text: str) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(text.encode("utf-8"))
            self.proc.stdin.flush()
        except BrokenPipeError:  # it already ended; the caller finds out from poll()
            pass

    def enter(self) -> None:
        self.send("\n")

    def end_input(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()

    def signal(self, signum: int) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signum)

    def poll(self) -> int | None:
        return self.proc.poll()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._reader.join(timeout=5)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None and not stream.closed:
                with contextlib.suppress(BrokenPipeError):
                    stream.close()


class Pty(Process):
    """coach in a pseudo-terminal, read through a terminal emulator: the real interface."""

    def __init__(self, args: list[str], home: Path) -> None:
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = b""
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "coach", *args],
            env=child_env(home),
            dimensions=(ROWS, COLS),
            cwd=str(home.parent),
        )
        self._status: int | None = None

    def pump(self, wait: float = 0.0) -> None:
        timeout = wait
        while True:
            try:
                data = self.child.read_nonblocking(65536, timeout=timeout)
            except (pexpect.TIMEOUT, pexpect.EOF):
                return
            timeout = 0
            self.raw += data
            feed_terminal(self.child, self.stream, self.screen, data)

    def screen_text(self) -> str:
        return flat("\n".join(self.screen.display))

    def wait_on_screen(self, needle: str, timeout: float = TIMEOUT) -> None:
        wanted = flat(needle)
        deadline = time.monotonic() + timeout
        while wanted not in self.screen_text():
            if time.monotonic() > deadline or self.poll() is not None:
                raise AssertionError(f"{wanted!r} not on screen:\n{self.screen_text()[-1500:]}")
            self.pump(0.01)

    def wait_for_input(self, text: str, timeout: float = TIMEOUT) -> None:
        """Wait until the input field holds `text` (its placeholder when ''): prompt-toolkit
        reads keys from here on, and what was typed has arrived."""
        first, *more = (text or PLACEHOLDER).split("\n")
        wanted = [("› " + first).rstrip()] + [("  " + line).rstrip() for line in more]
        deadline = time.monotonic() + timeout
        while True:
            bottom = self.screen.cursor.y + 1
            rows = self.screen.display[max(0, bottom - len(wanted)) : bottom]
            if [row.rstrip() for row in rows] == wanted:
                return
            if time.monotonic() > deadline or self.poll() is not None:
                raise AssertionError(f"{wanted} not in the input field:\n" + self.screen_text())
            self.pump(0.01)

    def send(self, text: str) -> None:
        if self.child.isalive():
            self.child.send(text)

    def enter(self) -> None:
        self.send("\r")

    def signal(self, signum: int) -> None:
        if not self.child.isalive():
            return
        if signum == signal.SIGINT:
            self.child.sendintr()  # Ctrl-C on the keyboard, as the terminal delivers it
        else:
            self.child.kill(signum)

    def poll(self) -> int | None:
        if self._status is None and not self.child.isalive():
            signalled = self.child.signalstatus
            self._status = -int(signalled) if signalled is not None else self.child.exitstatus
        return self._status

    def close(self) -> None:
        self.child.close(force=True)


# -- the engine as oracle -------------------------------------------------------------------


def pick_answer(
    engine: Engine, dialogue: Dialogue, rng: random.Random, tag: str
) -> tuple[str, Engine, Advance]:
    """An answer coach accepts at the current question, the engine after it, and what it
    shows next. `engine` itself is left as it was."""
    prompt = engine.prompt
    assert prompt is not None, "no question waits"
    for _ in range(50):
        if isinstance(prompt, Choose):
            first = rng.random() < 0.6  # the first option tends to lead to the end
            raw = "1" if first else str(rng.randint(1, len(prompt.options)))
        elif isinstance(prompt, Scale):
            raw = str(rng.randint(prompt.low, prompt.high))
        else:
            raw = f"{rng.choice(ANSWERS)} ({tag})"
        trial = Engine.restore(dialogue, engine.snapshot())
        result = trial.answer(raw)
        if not isinstance(result, Invalid):
            return raw, trial, result
    raise AssertionError(f"no accepted answer found for {prompt}")


def shows_last(advance: Advance) -> str:
    """The text coach shows last after an answer: the next question, or the end."""
    last = advance.last
    assert last is not None
    if isinstance(last, End):
        return last.text.strip().splitlines()[0]
    return last.text


def first_questions(dialogue: Dialogue, subject: str, session_count: int) -> set[str]:
    """Every question a new session can open with (variants depend on a random seed)."""
    preset = {dialogue.subject: subject} if dialogue.subject else {}
    texts = set()
    for seed in range(64):
        engine = Engine(dialogue, preset, seed=seed, session_count=session_count)
        advance = engine.start()
        texts.add(flat(shows_last(advance)))
    return texts


# -- the database, read without writing ------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    """One session as the database holds it."""

    id: int
    subject: str | None
    status: str
    draft: str
    snapshot: dict[str, Any]
    turns: tuple[dict[str, Any], ...]

    @property
    def answers(self) -> list[str]:
        return [turn["text"] for turn in self.turns if turn["speaker"] == "user"]

    @property
    def finished(self) -> bool:
        return bool(self.snapshot["state"]["finished"])


def read_sessions(home: Path) -> list[Stored]:
    """All sessions, after checking the file is intact; [] when there is no database yet."""
    path = home / "coach.db"
    if not path.exists():
        return []
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    connection.row_factory = sqlite3.Row
    try:
        integrity = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        assert integrity == ["ok"], f"PRAGMA integrity_check: {integrity}"
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        if "sessions" not in tables or "turns" not in tables:
            return []  # stopped before the schema was committed: nothing was shown yet
        broken = list(connection.execute("PRAGMA foreign_key_check"))
        assert not broken, f"turns without a session: {[tuple(row) for row in broken]}"
        sessions = []
        for row in connection.execute("SELECT * FROM sessions ORDER BY id"):
            turns = tuple(
                dict(turn)
                for turn in connection.execute(
                    "SELECT seq, node, phase, kind, speaker, text FROM turns "
                    "WHERE session_id = ? ORDER BY seq",
                    [row["id"]],
                )
            )
            sessions.append(
                Stored(
                    row["id"],
                    row["subject"],
                    row["status"],
                    row["draft"] or "",
                    json.loads(row["state"]),
                    turns,
                )
            )
        return sessions
    finally:
        connection.close()


def schema_version(home: Path) -> int:
    """PRAGMA user_version of the database, read without writing."""
    path = home / "coach.db"
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        return int(connection.execute("PRAGMA user_version").fetchone()[0])
    finally:
        connection.close()


def check_session(
    stored: Stored, dialogue: Dialogue, acknowledged: list[str], sent: list[str]
) -> None:
    """The promise for one session: every acknowledged answer there, once and in order;
    nothing that was not sent; turns without gaps; the snapshot exactly where they lead."""
    answers = stored.answers
    assert answers[: len(acknowledged)] == acknowledged, (
        f"acknowledged answers lost or changed: stored {answers}, acknowledged {acknowledged}"
    )
    assert answers == sent[: len(answers)], f"stored {answers}, but sent {sent}"
    seqs = [turn["seq"] for turn in stored.turns]
    assert seqs == list(range(1, len(seqs) + 1)), f"turn numbers with gaps: {seqs}"
    state = stored.snapshot["state"]
    assert state["turns"] == len(seqs), (
        f"half a turn: the snapshot counts {state['turns']} turns, the table holds {len(seqs)}"
    )
    # Replay the stored answers on a fresh engine with the session's seed: the turns and the
    # snapshot must be exactly what the engine makes of them.
    preset = {dialogue.subject: stored.subject} if dialogue.subject and stored.subject else {}
    engine = Engine(dialogue, preset, seed=state["seed"], session_count=state["session_count"])
    replayed = list(engine.start().turns)
    for answer in answers:
        result = engine.answer(answer)
        assert not isinstance(result, Invalid), f"a stored answer is refused: {answer!r}"
        replayed += result.turns
    expected = [(t.seq, t.node, t.phase, t.kind, t.speaker, t.text) for t in replayed]
    actual = [
        (t["seq"], t["node"], t["phase"], t["kind"], t["speaker"], t["text"]) for t in stored.turns
    ]
    assert actual == expected, "the stored turns are not what the answers produced"
    assert stored.snapshot == engine.snapshot(), "the snapshot does not match the turns"
    if engine.finished:
        assert stored.status == "completed", f"finished, but status {stored.status}"
        assert stored.turns[-1]["kind"] == "end"
    else:
        assert stored.status in ("active", "paused"), stored.status
        last = stored.turns[-1]
        prompt = Engine.restore(dialogue, stored.snapshot).prompt
        assert prompt is not None
        assert last["speaker"] == "coach" and last["kind"] in PROMPT_KINDS, last
        assert last["text"] == prompt.text, "resuming would ask another question than the last"


def waiting_question(stored: Stored, dialogue: Dialogue) -> str:
    """The question `coach resume` must show (the last one asked)."""
    prompt = Engine.restore(dialogue, stored.snapshot).prompt
    assert prompt is not None
    return prompt.text


def alarms(text: str) -> list[str]:
    """Signs of trouble that must never reach the user."""
    return [word for word in ALARMS if word in text]


# -- sessions driven from outside ------------------------------------------------------------


def opened_session(
    process: Process, home: Path, dialogue: Dialogue, subject: str
) -> tuple[Stored, Engine]:
    """Wait until a new session with `subject` shows its first question (other sessions may
    exist or start at the same time); the session as stored, and its engine."""
    openings = set().union(*(first_questions(dialogue, subject, n) for n in range(1, 6)))
    deadline = time.monotonic() + TIMEOUT
    while not any(text in process.text() for text in openings):
        assert process.poll() is None, "coach ended:\n" + process.text()[-1500:]
        assert time.monotonic() < deadline, "no first question:\n" + process.text()[-1500:]
        process.pump(0.01)
    ours = [stored for stored in read_sessions(home) if stored.subject == subject]
    assert len(ours) == 1, f"the first question was shown before its session was saved: {ours}"
    return ours[0], Engine.restore(dialogue, ours[0].snapshot)


@dataclass
class Answering:
    """One answer on its way: sent, and acknowledged once `shows` appears after `mark`."""

    raw: str
    after: Engine
    shows: str
    mark: int


def send_answer(
    process: Process, engine: Engine, dialogue: Dialogue, rng: random.Random, tag: str
) -> Answering:
    raw, after, advance = pick_answer(engine, dialogue, rng, tag)
    mark = process.mark()
    process.answer(raw)
    return Answering(raw, after, shows_last(advance), mark)

"""Crash safety: whatever stops coach, nothing the user saw acknowledged is lost.

One chain of real coach processes shares a data folder. Each process starts a session
(`coach run`) or continues the unfinished one (`coach resume`, which must show exactly the
question the database says is next), answers a few questions, and is stopped at a random
moment: while starting, while waiting, right after an answer was sent, halfway through typing
one. After every stop the database is checked (see `harness.check_session`).

The number of kills: COACH_KILL_LOOPS, else 30 when CI is set, else 100 (tests/reliability/
README.md). The random choices come from a fixed seed (COACH_KILL_SEED to change it), printed
when a test fails; the timing of the processes still varies from run to run.
"""

from __future__ import annotations

import os
import random
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from coach.engine import Engine
from coach.messages import DRAFT_BACK
from coach.model import Dialogue
from coach.store import Store
from reliability.harness import (
    DIALOGUE,
    NAMES,
    Piped,
    Process,
    Pty,
    Stored,
    alarms,
    check_session,
    first_questions,
    pick_answer,
    read_sessions,
    shows_last,
    the_dialogue,
    waiting_question,
)

SEED = int(os.environ.get("COACH_KILL_SEED", "20261124"))
ON_CI = os.environ.get("CI", "").lower() not in ("", "0", "false")
KILLS = int(os.environ.get("COACH_KILL_LOOPS") or (30 if ON_CI else 100))
PTY_EVERY = 5  # every fifth kill in a pseudo-terminal, the others piped (faster)
SIGNAL_STOPS = max(4, KILLS // 10)  # closed terminals, and as many Ctrl-C's
CLEAR_LINE = "\x15"  # Ctrl-U: empties the input line (of a draft or an earlier answer)
BACKSPACE = "\x7f"


@dataclass
class Chain:
    """Processes one after another in one data folder, and what the test knows of them."""

    home: Path
    dialogue: Dialogue
    rng: random.Random
    processes: list[Process]
    log: list[str] = field(default_factory=list)
    current: Stored | None = None  # the unfinished session that coach resume continues
    highest: int = 0  # the highest session number seen
    finished: dict[int, list[str]] = field(default_factory=dict)  # answers of ended sessions
    tags: int = 0
    latency: dict[str, list[float]] = field(default_factory=dict)  # send to acknowledgement

    # -- starting ----------------------------------------------------------------------------

    def start(self, pty: bool) -> Process:
        if self.current is None:
            number = self.highest + 1
            subject = f"{NAMES[number % len(NAMES)]}-{number}"  # new: nothing remembered
            args = ["run", DIALOGUE, "--met", subject]
        else:
            args = ["resume"]
        self.log.append(f"{'pty' if pty else 'pipe'}: coach {' '.join(args)}")
        process = Pty(args, self.home) if pty else Piped(args, self.home)
        self.processes.append(process)
        return process

    def first_question(self, process: Process) -> Engine:
        """Wait for the first question; the engine that stands where the session stands."""
        if self.current is not None:
            process.wait_for(waiting_question(self.current, self.dialogue))
            assert f"Verder met sessie {self.current.id}" in process.text()
            if self.current.draft and isinstance(process, Pty):
                process.wait_for(DRAFT_BACK)
                process.wait_for_input(self.current.draft)
            return Engine.restore(self.dialogue, self.current.snapshot)
        subject = f"{NAMES[(self.highest + 1) % len(NAMES)]}-{self.highest + 1}"
        openings = first_questions(self.dialogue, subject, len(self.finished) + 1)
        deadline = time.monotonic() + 20
        while not any(text in process.text() for text in openings):
            assert time.monotonic() < deadline, "no first question:\n" + process.text()[-1500:]
            assert process.poll() is None, "coach ended:\n" + process.text()[-1500:]
            process.pump(0.01)
        new = [stored for stored in read_sessions(self.home) if stored.id > self.highest]
        assert len(new) == 1, f"the first question was shown before its session was saved: {new}"
        self.current = new[0]
        self.highest = new[0].id
        return Engine.restore(self.dialogue, new[0].snapshot)

    # -- answering ---------------------------------------------------------------------------

    def type(self, process: Process, engine: Engine, text: str, draft: str = "") -> None:
        """Type an answer without sending it. In a terminal, first wait for the input field
        (keys typed before it are the terminal's, not coach's) and clear what it holds."""
        if isinstance(process, Pty):
            prompt = engine.prompt
            holds = draft or (prompt.previous if prompt is not None else "")
            process.wait_for_input(holds)
            if holds:  # line by line: empty the line, then join it to the one above
                process.send((CLEAR_LINE + BACKSPACE) * holds.count("\n") + CLEAR_LINE)
                process.wait_for_input("")
        process.send(text)

    def answer(
        self, process: Process, engine: Engine, acknowledged: list[str], sent: list[str]
    ) -> Engine:
        """Give one accepted answer and wait for its acknowledgement: the next question."""
        self.tags += 1
        raw, after, advance = pick_answer(engine, self.dialogue, self.rng, f"a{self.tags}")
        mark = process.mark()
        self.type(process, engine, raw, self._draft_once())
        sent_at = time.monotonic()
        process.enter()
        sent.append(raw)
        process.wait_for(shows_last(advance), since=mark)
        acknowledged.append(raw)
        kind = self.latency.setdefault(type(process).__name__, [])
        kind[:] = [*kind[-19:], time.monotonic() - sent_at]
        return after

    def delay_after_sending(self, process: Process) -> float:
        """How long to wait before stopping coach after an answer was sent. Half the time
        aimed at the commit: an answer is committed within a millisecond or two (fsync is
        fast here), just before the next question shows, so delays up to 1.5 times the
        usual time to that question land in or around the commit."""
        seen = sorted(self.latency.get(type(process).__name__, [])) or [0.002]
        if self.rng.random() < 0.5:
            return self.rng.uniform(0, 1.5 * seen[len(seen) // 2])
        return self.rng.choice([0.0, self.rng.uniform(0, 0.015), self.rng.uniform(0, 0.08)])

    def _draft_once(self) -> str:
        """The draft in the input field, for the first answer after a resume only."""
        draft = self.current.draft if self.current is not None else ""
        if self.current is not None and draft:
            self.current = replace(self.current, draft="")
        return draft

    # -- after a stop ------------------------------------------------------------------------

    def settle(self, acknowledged: list[str], sent: list[str]) -> Stored | None:
        """Check the database after a process ended; remember where the session stands."""
        sessions = read_sessions(self.home)
        for stored in sessions:  # ended sessions are never touched again
            if stored.id in self.finished:
                assert stored.answers == self.finished[stored.id], f"session {stored.id} changed"
        if self.current is not None:
            ours = [stored for stored in sessions if stored.id == self.current.id]
            assert ours, f"session {self.current.id} is gone"
        else:  # a `coach run` stopped before its first question showed: maybe saved, maybe not
            ours = [stored for stored in sessions if stored.id > self.highest]
            assert len(ours) <= 1, ours
            if not ours:
                assert not acknowledged
                return None
        stored = ours[0]
        check_session(stored, self.dialogue, acknowledged, sent)
        self.highest = max(self.highest, stored.id)
        if stored.finished:
            self.finished[stored.id] = stored.answers
            self.current = None
        else:
            self.current = stored
        return stored

    def known_answers(self) -> list[str]:
        return list(self.current.answers) if self.current is not None else []

    # -- one stop ----------------------------------------------------------------------------

    def kill(self, pty: bool) -> None:
        """Start, answer a few questions, and SIGKILL at a random moment."""
        acknowledged, sent = self.known_answers(), self.known_answers()
        process = self.start(pty)
        moment = self.rng.choices(["starting", "waiting", "sent", "typing"], [15, 25, 40, 20])[0]
        if moment == "starting":
            delay = self.rng.uniform(0, 0.4)
            self.log.append(f"  SIGKILL {delay * 1000:.0f} ms after the start")
            time.sleep(delay)
        else:
            engine = self.first_question(process)
            for _ in range(self.rng.randint(0, 4)):
                engine = self.answer(process, engine, acknowledged, sent)
                if engine.finished:
                    break
            if engine.finished:
                self.log.append(f"  completed after {len(acknowledged)} answers")
                assert process.wait_exit() == 0
                self.settle(acknowledged, sent)
                return
            delay = self.rng.choice([0.0, self.rng.uniform(0, 0.015), self.rng.uniform(0, 0.08)])
            if moment == "sent":
                delay = self.delay_after_sending(process)
                self.tags += 1
                raw, _, _ = pick_answer(engine, self.dialogue, self.rng, f"a{self.tags}")
                self.type(process, engine, raw, self._draft_once())
                process.enter()
                sent.append(raw)
            elif moment == "typing":
                self.tags += 1
                raw, _, _ = pick_answer(engine, self.dialogue, self.rng, f"a{self.tags}")
                typed = raw[: self.rng.randint(1, len(raw))]
                self.type(process, engine, typed, self._draft_once())
            self.log.append(
                f"  {len(acknowledged)} answers acknowledged; SIGKILL {delay * 1000:.1f} ms "
                f"after {moment}"
            )
            time.sleep(delay)
        status = process.kill()
        assert status in (-signal.SIGKILL, 0), status
        assert not alarms(process.text()), process.text()[-1500:]
        stored = self.settle(acknowledged, sent)
        if status == 0:  # the answer sent last ended the conversation before the kill
            assert stored is not None and stored.finished

    def stop(self, signum: int) -> None:
        """In a terminal: answer a few questions, then close the terminal or press Ctrl-C,
        halfway through typing an answer or just after sending one."""
        acknowledged, sent = self.known_answers(), self.known_answers()
        process = self.start(pty=True)
        assert isinstance(process, Pty)
        engine = self.first_question(process)
        for _ in range(self.rng.randint(0, 2)):
            engine = self.answer(process, engine, acknowledged, sent)
            if engine.finished:
                break
        if engine.finished:
            self.log.append(f"  completed after {len(acknowledged)} answers")
            assert process.wait_exit() == 0
            self.settle(acknowledged, sent)
            return
        self.tags += 1
        raw, after, _ = pick_answer(engine, self.dialogue, self.rng, f"a{self.tags}")
        name = signal.Signals(signum).name
        if self.rng.random() < 0.5:
            typed = raw[: self.rng.randint(1, len(raw))]
            self.type(process, engine, typed, self._draft_once())
            process.wait_for_input(typed)  # the keys arrived: this is what must be kept
            self.log.append(f"  {len(acknowledged)} acknowledged; {name} while typing {typed!r}")
            process.signal(signum)
        else:
            self.type(process, engine, raw, self._draft_once())
            process.wait_for_input(raw)
            process.enter()
            sent.append(raw)
            delay = self.delay_after_sending(process)
            time.sleep(delay)
            self.log.append(
                f"  {len(acknowledged)} acknowledged; {name} {delay * 1000:.1f} ms after "
                f"sending {raw!r}"
            )
            process.signal(signum)
            typed = ""
        status = process.wait_exit()
        text = process.text()
        assert not alarms(text), text[-1500:]
        stored = self.settle(acknowledged, sent)
        assert stored is not None
        if stored.finished:
            return
        assert status == 130, f"exit status {status}, not a pause:\n{text[-1500:]}"
        assert stored.status == "paused", stored.status
        if typed:  # stopped halfway: the answers as they were, and the half answer as draft
            assert stored.answers == acknowledged
            assert stored.draft == typed, f"draft {stored.draft!r}, typed {typed!r}"
        else:  # the answer sent last is either saved, or kept as the draft
            prefilled = after.prompt.previous if after.prompt is not None else ""
            kept_as_answer = stored.answers == [*acknowledged, raw] and stored.draft in (
                "",
                prefilled,
            )
            kept_as_draft = stored.answers == acknowledged and stored.draft == raw
            assert kept_as_answer or kept_as_draft, (
                f"typed {raw!r}; stored {stored.answers[len(acknowledged) :]}, "
                f"draft {stored.draft!r}"
            )

    def final_resume(self) -> None:
        """After the last stop: coach resume shows the right question, and pauses cleanly."""
        if self.current is None:
            return
        acknowledged = self.known_answers()
        process = self.start(pty=False)
        assert isinstance(process, Piped)
        self.first_question(process)
        process.end_input()
        assert process.wait_exit() == 0
        assert not alarms(process.text())
        stored = self.settle(acknowledged, list(acknowledged))
        assert stored is not None and stored.status == "paused" and stored.draft == ""

    def failure(self, step: int, error: AssertionError) -> str:
        return (
            f"{error}\n\nseed {SEED} (COACH_KILL_SEED), step {step}; the last steps:\n"
            + "\n".join(self.log[-40:])
        )


@pytest.fixture
def processes() -> Iterator[list[Process]]:
    started: list[Process] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.close()


def chain(home: Path, processes: list[Process], salt: int) -> Chain:
    return Chain(home, the_dialogue(), random.Random(SEED * 10 + salt), processes)


def test_a_killed_session_keeps_every_acknowledged_answer_and_resumes_at_the_next_question(
    coach_home: Path, processes: list[Process]
) -> None:
    run = chain(coach_home, processes, 0)
    started = time.monotonic()
    for step in range(KILLS):
        try:
            run.kill(pty=step % PTY_EVERY == PTY_EVERY - 1)
        except AssertionError as error:
            pytest.fail(run.failure(step, error))
    try:
        run.final_resume()
    except AssertionError as error:
        pytest.fail(run.failure(KILLS, error))
    sessions = read_sessions(coach_home)
    print(
        f"{KILLS} kills in {time.monotonic() - started:.1f} s: {len(sessions)} sessions, "
        f"{sum(len(s.answers) for s in sessions)} answers, seed {SEED}"
    )
    assert sessions, "the loop must get as far as saving sessions"


@pytest.mark.parametrize(
    "signum",
    [signal.SIGHUP, signal.SIGINT],
    ids=["a-closed-terminal", "ctrl-c"],
)
def test_a_closed_terminal_or_ctrl_c_pauses_and_keeps_every_answer_and_what_was_typed(
    signum: int, coach_home: Path, processes: list[Process]
) -> None:
    run = chain(coach_home, processes, signum)
    for step in range(SIGNAL_STOPS):
        try:
            run.stop(signum)
        except AssertionError as error:
            pytest.fail(run.failure(step, error))
    try:
        run.final_resume()
    except AssertionError as error:
        pytest.fail(run.failure(SIGNAL_STOPS, error))


def test_every_commit_is_flushed_to_disk_so_a_power_cut_loses_no_acknowledged_answer(
    coach_home: Path,
) -> None:
    """A killed process cannot show this (the operating system still writes out what it was
    given); a power cut or a crash of the computer can. So this checks what coach's own
    connection promises: WAL, with `synchronous=FULL`, which flushes (fsync) every commit
    before coach goes on to the next question."""
    store = Store.open(coach_home)
    try:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    finally:
        store.close()

"""Concurrency: coach in two windows at once, or reading back while a session writes.

No 'database is locked' (or its Dutch 'bezet') and no traceback ever reaches the user, every
command ends with exit code 0, and every answer is there afterwards.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from coach.store import SCHEMA_VERSION
from reliability.harness import (
    DIALOGUE,
    Piped,
    Process,
    alarms,
    check_session,
    child_env,
    opened_session,
    read_sessions,
    schema_version,
    send_answer,
    the_dialogue,
)

SEED = int(os.environ.get("COACH_KILL_SEED", "20261124"))
# Rounds of two processes opening a brand-new database at the same instant (under a second
# for 100); a long run (COACH_KILL_LOOPS=1000) does more, for the rarer interleavings.
FIRST_OPENS = max(100, int(os.environ.get("COACH_KILL_LOOPS") or 0))

# A coach process that opens the store once per line of input: both children are ready
# and waiting, so one write to each starts them within microseconds of each other.
OPENER = """
import sys
from pathlib import Path
from coach.errors import CoachError
from coach.store import Store
print("ready", flush=True)
for line in sys.stdin:
    try:
        Store.open(Path(line.strip())).close()
        print("ok", flush=True)
    except CoachError as exc:
        print("Fout: " + exc.format().replace("\\n", " "), flush=True)
"""


@pytest.fixture
def processes() -> Iterator[list[Process]]:
    started: list[Process] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.close()


def test_two_coaches_creating_the_database_at_the_same_moment_both_open_it(
    tmp_path: Path,
) -> None:
    env = child_env(tmp_path)
    children = [
        subprocess.Popen(
            [sys.executable, "-c", OPENER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tmp_path,
        )
        for _ in range(2)
    ]
    try:
        for child in children:
            assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        failures = []
        for round in range(FIRST_OPENS):
            home = tmp_path / f"round-{round}" / "coach"  # nothing exists yet, not even the folder
            for child in children:
                assert child.stdin is not None
                child.stdin.write(f"{home}\n")
            for child in children:
                assert child.stdin is not None
                child.stdin.flush()
            said = [child.stdout.readline().strip() for child in children if child.stdout]
            if said != ["ok", "ok"]:
                failures.append(f"round {round}: {said}")
            assert read_sessions(home) == []  # intact (integrity_check), and empty
            assert schema_version(home) == SCHEMA_VERSION
        assert not failures, "\n".join(failures)
    finally:
        for child in children:
            if child.stdin is not None:
                child.stdin.close()
            child.wait(timeout=20)
            if child.stdout is not None:
                child.stdout.close()


def test_two_sessions_at_once_keep_every_answer_and_never_say_locked(
    coach_home: Path, processes: list[Process]
) -> None:
    dialogue = the_dialogue()
    rng = random.Random(SEED)
    subjects = ["Paul", "Saskia"]
    # Both start on a new data folder at the same moment, then answer at the same moments.
    pair = [Piped(["run", DIALOGUE, "--met", subject], coach_home) for subject in subjects]
    processes.extend(pair)
    opened = [
        opened_session(p, coach_home, dialogue, s) for p, s in zip(pair, subjects, strict=True)
    ]
    assert opened[0][0].id != opened[1][0].id
    engines = [engine for _, engine in opened]
    sent: list[list[str]] = [[], []]
    for turn in range(14):
        answering = [
            send_answer(process, engine, dialogue, rng, f"{'ab'[i]}{turn}")
            if not engine.finished
            else None
            for i, (process, engine) in enumerate(zip(pair, engines, strict=True))
        ]
        for i, on_its_way in enumerate(answering):
            if on_its_way is None:
                continue
            sent[i].append(on_its_way.raw)
            pair[i].wait_for(on_its_way.shows, since=on_its_way.mark)
            engines[i] = on_its_way.after
    for process in pair:
        if process.poll() is None:
            assert isinstance(process, Piped)
            process.end_input()  # Ctrl-D: pauses
    for process in pair:
        assert process.wait_exit() == 0, process.text()[-1500:]
        assert not alarms(process.text()), process.text()[-1500:]
    stored = {s.subject: s for s in read_sessions(coach_home)}
    for i, subject in enumerate(subjects):
        check_session(stored[subject], dialogue, sent[i], sent[i])
        assert stored[subject].answers == sent[i]


READERS = [
    ["transcripts", "list"],
    ["transcripts", "show", "1"],
    ["transcripts", "export", "1", "--format", "json"],
    ["transcripts", "export", "1", "--format", "md"],
]


def test_reading_back_and_exporting_while_a_session_writes_never_says_locked(
    coach_home: Path, processes: list[Process]
) -> None:
    dialogue = the_dialogue()
    rng = random.Random(SEED + 1)
    writer = Piped(["run", DIALOGUE, "--met", "Paul"], coach_home)
    processes.append(writer)
    subject = "Paul"
    _, engine = opened_session(writer, coach_home, dialogue, subject)
    sent: dict[str, list[str]] = {subject: []}
    results: list[tuple[list[str], int, str]] = []
    stop = threading.Event()

    def read_back() -> None:
        env = child_env(coach_home)
        while not stop.is_set():
            for args in READERS:
                done = subprocess.run(
                    [sys.executable, "-m", "coach", *args],
                    capture_output=True,
                    text=True,
                    env=env,
                    cwd=coach_home.parent,
                    timeout=60,
                )
                results.append((args, done.returncode, done.stdout + done.stderr))

    reader = threading.Thread(target=read_back)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        # Keep writing (one session, then the next) until the readers had three rounds.
        while len(results) < 3 * len(READERS) and time.monotonic() < deadline:
            if engine.finished:
                assert writer.wait_exit() == 0, writer.text()[-1500:]
                subject = f"Paul-{len(sent) + 1}"
                sent[subject] = []
                writer = Piped(["run", DIALOGUE, "--met", subject], coach_home)
                processes.append(writer)
                _, engine = opened_session(writer, coach_home, dialogue, subject)
            tag = f"w{sum(map(len, sent.values()))}"
            on_its_way = send_answer(writer, engine, dialogue, rng, tag)
            sent[subject].append(on_its_way.raw)
            writer.wait_for(on_its_way.shows, since=on_its_way.mark)
            engine = on_its_way.after
            time.sleep(rng.uniform(0, 0.03))
    finally:
        stop.set()
        reader.join(timeout=120)
    if writer.poll() is None:
        assert isinstance(writer, Piped)
        writer.end_input()  # Ctrl-D: pauses
    assert writer.wait_exit() == 0, writer.text()[-1500:]
    assert not alarms(writer.text()), writer.text()[-1500:]
    assert len(results) >= 3 * len(READERS), "the reading must overlap with the writing"
    for args, code, output in results:
        assert code == 0 and not alarms(output), f"coach {' '.join(args)}: {code}\n{output}"
        if args[-1] == "json":  # one consistent moment: whole turns, numbered without gaps
            turns = json.loads(output)["turns"]
            assert [t["seq"] for t in turns] == list(range(1, len(turns) + 1))
            answers = [t["text"] for t in turns if t["speaker"] == "user"]
            assert answers == sent["Paul"][: len(answers)]
    stored = {s.subject: s for s in read_sessions(coach_home)}
    assert set(stored) == set(sent)
    for name, answers in sent.items():
        check_session(stored[name], dialogue, answers, answers)
        assert stored[name].answers == answers

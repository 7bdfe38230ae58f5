"""What the store-failure, privacy and migration tests share: canaries, child processes, raw bytes.

A canary is an answer nobody else would type (`kanarie` and random hex). Where the tests look
for it in raw bytes they look for the random hex alone: a full-text index stores words with
their front shared with the word before, so only the tail is sure to be there in one piece.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import STRONG_BUIV

import coach.store
from coach.sqlite import Database

DB_FILES = ("coach.db", "coach.db-wal", "coach.db-shm")

BUIV = STRONG_BUIV
BELEVEN, VOORLEVEN = 2, 6  # where a canary goes in BUIV


@dataclass(frozen=True)
class Canary:
    text: str  # what is typed
    tail: bytes  # what is looked for

    @classmethod
    def new(cls) -> Canary:
        tail = secrets.token_hex(8)
        return cls(f"kanarie{tail}", tail.encode())


def buiv_answers(person: str, canary: Canary, where: int = BELEVEN, again: bool = False) -> str:
    """Piped input for a complete buiv session with `person`, the canary inside one answer.

    `again`: coach remembers an earlier session with this person and first asks how it went.
    """
    answers = list(BUIV)
    answers[0] = person
    answers[where] = answers[where].replace(" ", f" {canary.text} ", 1)
    if again:
        answers.insert(1, "Het ging beter dan ik dacht.")
    return "\n".join(answers) + "\n"


def child_env(home: Path, tmpdir: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "COACH_HOME": str(home), "COLUMNS": "100", "NO_COLOR": "1"}
    env.pop("COACH_TRACEBACK", None)
    if tmpdir is not None:
        env["TMPDIR"] = str(tmpdir)
    return env


def coach_command(args: Sequence[str], prelude: str = "") -> list[str]:
    """`python -m coach ARGS`, or with `prelude` (Python run first) `python -c ...`."""
    if not prelude:
        return [sys.executable, "-m", "coach", *args]
    program = prelude + "\nimport sys\nfrom coach.cli import main\nmain(sys.argv[1:])\n"
    return [sys.executable, "-c", program, *args]


def run_child(
    args: Sequence[str],
    home: Path,
    input: str = "",
    prelude: str = "",
    umask: int = -1,
    tmpdir: Path | None = None,
    wrapper: Sequence[str] = (),
) -> subprocess.CompletedProcess[str]:
    """Run coach as its own process, as a user would; `wrapper` goes before python."""
    return subprocess.run(
        [*wrapper, *coach_command(args, prelude)],
        input=input,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=child_env(home, tmpdir),
        umask=umask,
        timeout=60,
        check=False,
    )


def short_busy_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """coach waits 10 s for a lock; in this test, 0.2 s (nothing else changes)."""
    original = coach.store._configure

    def configure(db: Database) -> None:
        original(db)
        db.execute("PRAGMA busy_timeout = 200")

    monkeypatch.setattr(coach.store, "_configure", configure)


def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """The database cannot grow by a single page: SQLite's own 'database or disk is full'."""
    original = coach.store._configure

    def configure(db: Database) -> None:
        original(db)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")

    monkeypatch.setattr(coach.store, "_configure", configure)


# The same two for a child process: the real program, with one SQLite limit changed.
SHORT_BUSY_WAIT = """
import coach.store as _store
_configure = _store._configure
def _quick(db):
    _configure(db)
    db.execute("PRAGMA busy_timeout = 200")
_store._configure = _quick
"""

FULL_DISK = """
import coach.store as _store
_configure = _store._configure
def _full(db):
    _configure(db)
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")
_store._configure = _full
"""


def raw_bytes(home: Path) -> dict[str, bytes]:
    """The database and its -wal and -shm files as they are on disk (those that exist)."""
    return {name: (home / name).read_bytes() for name in DB_FILES if (home / name).exists()}


def traces(home: Path, needle: bytes) -> list[str]:
    """The files beside the database that hold `needle` anywhere in their bytes."""
    return [name for name, data in raw_bytes(home).items() if needle.lower() in data.lower()]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def query(home: Path, sql: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
    """Read or change the database from outside coach (each statement commits)."""
    connection = sqlite3.connect(home / "coach.db", isolation_level=None)
    try:
        return list(connection.execute(sql, params))
    finally:
        connection.close()


_HOLDER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
for statement in sys.argv[2:]:
    connection.execute(statement).fetchall()
print("klaar", flush=True)
sys.stdin.read()
if connection.in_transaction:
    connection.execute("ROLLBACK")
connection.close()
"""


@contextmanager
def holding(home: Path, *statements: str) -> Iterator[None]:
    """Another process with the database open, after these statements, until the block ends.

    Its own process, as another coach window or program is: SQLite's locks are POSIX locks,
    which this process would drop on its connection the moment the test reads the file
    with open() and closes it.
    """
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(home / "coach.db"), *statements],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline().strip() == "klaar"
        yield
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
        holder.stdout.close()


def another_window(home: Path) -> contextlib.AbstractContextManager[None]:
    """Another coach window, open and idle. While it is open, coach closing its own
    connection does not checkpoint and remove the -wal file: what a test finds there is
    what coach itself left behind."""
    return holding(home, "SELECT count(*) FROM sqlite_master")


def another_writer(home: Path) -> contextlib.AbstractContextManager[None]:
    """Another program in the middle of writing: it holds the write lock."""
    return holding(home, "SELECT count(*) FROM sqlite_master", "BEGIN IMMEDIATE")


def without_root_powers() -> list[str]:
    """A command prefix under which file permissions hold, also for root (CI runs as root).

    Root passes every permission check through CAP_DAC_OVERRIDE; setpriv drops it (and
    CAP_DAC_READ_SEARCH) for the child, so a read-only folder is read-only to it too.
    """
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return ["false"]
    prefix = [
        setpriv,
        "--bounding-set=-dac_override,-dac_read_search",
        "--inh-caps=-dac_override,-dac_read_search",
        "--",
    ]
    probe = subprocess.run([*prefix, "true"], capture_output=True, check=False)
    return prefix if probe.returncode == 0 else ["false"]

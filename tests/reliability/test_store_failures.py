"""Promise 3: when the database cannot be used, coach says so clearly and touches nothing.

A damaged database (random bytes, a header gone, a file cut off), another program's SQLite
file, a read-only folder or file, a full disk, a database locked by another program: every
command ends with a Dutch message (`Fout: …` and a hint), a non-zero exit code, no
traceback, none of the user's answers in the message, and the file byte for byte as it was.

The in-process runs (`run_cli`) go through `main()` as the installed command does; the
child-process runs are the real program. Root passes every permission check, so the
read-only tests run the child without those powers (store_harness.without_root_powers).
A full disk is a SQLite page limit (`max_page_count`, the error SQLite gives on a full
disk), and where this machine allows mounting, a real, tiny tmpfs. A lock waits 10 s in
coach; the tests shorten only that wait.
"""

from __future__ import annotations

import contextlib
import random
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import coach.store
from coach.store import Store
from reliability.store_harness import (
    FULL_DISK,
    SHORT_BUSY_WAIT,
    Canary,
    another_window,
    another_writer,
    buiv_answers,
    digest,
    full_disk,
    query,
    run_child,
    short_busy_wait,
    without_root_powers,
)

Run = Callable[..., Any]

# Every command that opens the database; the last item is piped input.
COMMANDS: dict[str, tuple[list[str], str]] = {
    "menu": ([], "1\n"),
    "run": (["run", "buiv"], "Joost\n"),
    "resume": (["resume"], "Een antwoord.\n"),
    "list": (["transcripts", "list"], ""),
    "show": (["transcripts", "show", "1"], ""),
    "export": (["transcripts", "export", "1"], ""),
    "delete": (["transcripts", "delete", "1", "--ja"], ""),
    "purge": (["transcripts", "purge", "--older-than", "1d", "--ja"], ""),
    "backup": (["transcripts", "backup", "BACKUP"], ""),
}


def assert_refused(code: int, out: str, err: str, expect: str, canary: Canary) -> None:
    """The promise, for one command: exit 1, a Dutch message with a hint, nothing else."""
    assert code == 1, (code, out, err)
    assert err.startswith("Fout: "), err
    assert expect in err, err
    assert "\n  hint: " in err, err
    assert "Traceback" not in out + err
    assert canary.text not in err and canary.tail.decode() not in err


@pytest.fixture
def canary() -> Canary:
    return Canary.new()


@pytest.fixture
def saved(coach_home: Path, run_cli: Run, canary: Canary) -> Path:
    """A database with a finished session and a paused one, both holding the canary."""
    assert run_cli("run", "buiv", input=buiv_answers("Paul", canary)).code == 0
    start = "\n".join(buiv_answers("Marie", canary).splitlines()[:3]) + "\n"
    assert run_cli("run", "buiv", input=start).code == 0  # paused at the end of input
    path = coach_home / "coach.db"
    assert canary.tail in path.read_bytes()
    return path


def cli_args(name: str, tmp_path: Path) -> tuple[list[str], str]:
    args, piped = COMMANDS[name]
    return [str(tmp_path / "backup.db") if a == "BACKUP" else a for a in args], piped


# -- a damaged database ---------------------------------------------------------------------


def random_bytes(data: bytes) -> bytes:
    return random.Random(3).randbytes(len(data))


def header_gone(data: bytes) -> bytes:
    return random.Random(4).randbytes(100) + data[100:]


def cut_off(data: bytes) -> bytes:
    return data[: len(data) // 2]


@pytest.mark.parametrize("damage", [random_bytes, header_gone, cut_off])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_damaged_database_is_refused_clearly_and_left_untouched(
    saved: Path,
    run_cli: Run,
    canary: Canary,
    tmp_path: Path,
    command: str,
    damage: Callable[[bytes], bytes],
) -> None:
    saved.write_bytes(damage(saved.read_bytes()))
    before = digest(saved)
    args, piped = cli_args(command, tmp_path)
    result = run_cli(*args, input=piped + canary.text + "\n")
    assert_refused(result.code, result.out, result.err, "beschadigd", canary)
    assert digest(saved) == before
    assert not (tmp_path / "backup.db").exists()


def test_a_damaged_database_is_refused_by_the_real_program(saved: Path, canary: Canary) -> None:
    saved.write_bytes(header_gone(saved.read_bytes()))
    before = digest(saved)
    done = run_child(["run", "buiv"], saved.parent, input=buiv_answers("Paul", canary))
    assert_refused(done.returncode, done.stdout, done.stderr, "beschadigd", canary)
    assert digest(saved) == before


# -- a database of another program -----------------------------------------------------------


def other_program(path: Path, user_version: int, canary: Canary) -> None:
    """A SQLite file as another program writes it: its own tables, a rollback journal."""
    path.parent.mkdir(mode=0o700, exist_ok=True)
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE recepten (naam TEXT, bereiding TEXT)")
    connection.execute("INSERT INTO recepten VALUES ('soep', ?)", [canary.text])
    connection.execute(f"PRAGMA user_version = {user_version}")
    connection.commit()
    connection.close()


@pytest.mark.parametrize("user_version", [0, 1, 7])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_another_programs_database_is_refused_and_left_byte_for_byte(
    coach_home: Path,
    run_cli: Run,
    canary: Canary,
    tmp_path: Path,
    command: str,
    user_version: int,
) -> None:
    path = coach_home / "coach.db"
    other_program(path, user_version, canary)
    before = digest(path)
    args, piped = cli_args(command, tmp_path)
    result = run_cli(*args, input=piped)
    assert_refused(result.code, result.out, result.err, "niet van coach", canary)
    assert digest(path) == before
    assert sorted(p.name for p in coach_home.iterdir()) == ["coach.db"]


# -- a read-only folder or file --------------------------------------------------------------


@pytest.fixture
def powerless() -> list[str]:
    prefix = without_root_powers()
    if prefix == ["false"]:
        pytest.skip("cannot run a child without root's permission override here")
    return prefix


@pytest.mark.parametrize("command", ["run", "resume", "delete"])
def test_a_read_only_folder_is_refused_clearly(
    saved: Path, canary: Canary, powerless: list[str], tmp_path: Path, command: str
) -> None:
    home = saved.parent
    before = digest(saved)
    args, piped = cli_args(command, tmp_path)
    home.chmod(0o500)
    try:
        done = run_child(args, home, input=piped + canary.text + "\n", wrapper=powerless)
    finally:
        home.chmod(0o700)
    assert_refused(done.returncode, done.stdout, done.stderr, "niet openen om te schrijven", canary)
    assert digest(saved) == before


READING = {
    "list": (["transcripts", "list"], "Paul"),
    "show": (["transcripts", "show", "1"], "Beleven"),
    "search": (["transcripts", "search", "CANARY"], "Sessie 1"),
    "export": (["transcripts", "export", "1", "--format", "json"], '"uuid"'),
    "review": (["review", "1"], "Review van sessie 1"),
}


@pytest.mark.parametrize("as_backup", [False, True], ids=["coach.db", "backup"])
@pytest.mark.parametrize("command", list(READING))
def test_reading_commands_work_in_a_read_only_folder(
    saved: Path,
    run_cli: Run,
    canary: Canary,
    powerless: list[str],
    tmp_path: Path,
    command: str,
    as_backup: bool,
) -> None:
    """What docs/privacy.md recommends: look at a back-up on a read-only stick or mount with
    --home. The database as coach leaves it (WAL mode, no -shm beside it) and a back-up
    (one file) both open without writing a byte, and nothing is made beside them."""
    folder = tmp_path / "stick"
    folder.mkdir()
    if as_backup:
        assert run_cli("transcripts", "backup", str(folder / "coach.db")).code == 0
    else:
        shutil.copyfile(saved, folder / "coach.db")  # coach closed: no -wal, no -shm
    (folder / "coach.db").chmod(0o400)
    before = digest(folder / "coach.db")
    args, expected = READING[command]
    args = [canary.text if arg == "CANARY" else arg for arg in args]
    folder.chmod(0o500)
    try:
        done = run_child(["--home", str(folder), *args], folder, wrapper=powerless)
    finally:
        folder.chmod(0o700)
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout, done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert digest(folder / "coach.db") == before
    assert sorted(path.name for path in folder.iterdir()) == ["coach.db"]
    if command == "review":
        assert "de beoordeling is niet bewaard" in done.stderr


def test_review_never_writes_to_a_database_it_found_damaged(
    saved: Path, run_cli: Run, canary: Canary
) -> None:
    """A broken page the transcript does not need: the review is shown all the same, kept
    nowhere, and the file is left byte for byte."""
    [(root, size)] = query(
        saved.parent,
        "SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM sqlite_master "
        "WHERE name = 'test_cases'",
    )
    data = bytearray(saved.read_bytes())
    data[(int(root) - 1) * int(size)] = 0x42  # not a b-tree page type
    saved.write_bytes(bytes(data))
    before = digest(saved)
    result = run_cli("review", "1")
    assert result.code == 0, result.err
    assert "Review van sessie 1" in result.out
    assert "Let op: de beoordeling is niet bewaard" in result.err and "beschadigd" in result.err
    assert "Traceback" not in result.out + result.err
    assert digest(saved) == before


@pytest.mark.parametrize("command", ["run", "resume", "delete"])
def test_a_read_only_database_is_refused_clearly(
    saved: Path, canary: Canary, powerless: list[str], tmp_path: Path, command: str
) -> None:
    before = digest(saved)
    args, piped = cli_args(command, tmp_path)
    saved.chmod(0o400)
    try:
        done = run_child(args, saved.parent, input=piped + canary.text + "\n", wrapper=powerless)
    finally:
        saved.chmod(0o600)
    assert_refused(done.returncode, done.stdout, done.stderr, "alleen-lezen", canary)
    assert digest(saved) == before


def test_a_new_folder_where_none_can_be_made_is_refused_clearly(
    tmp_path: Path, canary: Canary, powerless: list[str]
) -> None:
    parent = tmp_path / "alleen-lezen"
    parent.mkdir(mode=0o500)
    try:
        done = run_child(
            ["run", "buiv"], parent / "coach", input=canary.text + "\n", wrapper=powerless
        )
    finally:
        parent.chmod(0o700)
    assert_refused(done.returncode, done.stdout, done.stderr, "kan de map", canary)
    assert list(parent.iterdir()) == []


# -- a full disk -----------------------------------------------------------------------------


def long_answer(canary: Canary) -> str:
    """An answer that needs new pages in the database: it cannot fit on a full disk."""
    return f"Dinsdag zei hij {canary.text} " + "iets over de andere scholen. " * 200 + "\n"


def answers_in(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute("SELECT text FROM turns WHERE speaker = 'user' ORDER BY id")
        return [row[0] for row in rows]
    finally:
        connection.close()


def test_a_full_disk_stops_with_a_clear_message_and_loses_nothing_saved(
    saved: Path, run_cli: Run, canary: Canary, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, kept = digest(saved), answers_in(saved)
    full_disk(monkeypatch)
    result = run_cli("resume", input=long_answer(canary))
    assert_refused(result.code, result.out, result.err, "de schijf is vol", canary)
    # The answer that could not be saved is shown on the screen, to copy, and nowhere else.
    assert "kopieer het" in result.out and canary.text in result.out
    assert digest(saved) == before
    assert answers_in(saved) == kept


def test_a_full_disk_in_the_real_program(saved: Path, canary: Canary) -> None:
    before, kept = digest(saved), answers_in(saved)
    done = run_child(["resume"], saved.parent, input=long_answer(canary), prelude=FULL_DISK)
    assert_refused(done.returncode, done.stdout, done.stderr, "de schijf is vol", canary)
    assert digest(saved) == before
    assert answers_in(saved) == kept


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 256 kB file system (tmpfs), where this machine lets the tests mount one."""
    mount = tmp_path / "schijf"
    mount.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (it needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> None:
    with (disk / "vol").open("wb") as filler, contextlib.suppress(OSError):
        filler.write(bytes(10**7))
        filler.flush()


@pytest.mark.parametrize("window", ["closed", "open"])
def test_a_really_full_disk_is_named_as_such(tiny_disk: Path, canary: Canary, window: str) -> None:
    """With no other coach open, the disk is full before coach can make its -shm file;
    with one open, while it writes to the -wal file. Both are a full disk to the user."""
    home = tiny_disk / "coach"
    first = "\n".join(buiv_answers("Paul", canary).splitlines()[:2]) + "\n"
    assert run_child(["run", "buiv"], home, input=first).returncode == 0
    before, kept = digest(home / "coach.db"), answers_in(home / "coach.db")
    with contextlib.ExitStack() as stack:
        if window == "open":
            stack.enter_context(another_window(home))
        fill(tiny_disk)
        done = run_child(["resume"], home, input=long_answer(canary))
    assert_refused(done.returncode, done.stdout, done.stderr, "de schijf is vol", canary)
    (tiny_disk / "vol").unlink()
    assert digest(home / "coach.db") == before
    assert answers_in(home / "coach.db") == kept


# -- a locked database -----------------------------------------------------------------------


@pytest.mark.parametrize("command", ["run", "resume", "delete", "purge"])
def test_a_database_locked_by_another_program_is_refused_clearly(
    saved: Path,
    run_cli: Run,
    canary: Canary,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
) -> None:
    short_busy_wait(monkeypatch)
    args, piped = cli_args(command, tmp_path)
    query(saved.parent, "UPDATE sessions SET updated_at = '2020-01-01T00:00:00.000Z'")  # purge
    with another_writer(saved.parent):
        before = digest(saved)
        result = run_cli(*args, input=piped + long_answer(canary))
        assert_refused(result.code, result.out, result.err, "bezet", canary)
        assert digest(saved) == before


def test_a_locked_database_in_the_real_program(saved: Path, canary: Canary) -> None:
    with another_writer(saved.parent):
        before = digest(saved)
        done = run_child(
            ["resume"], saved.parent, input=long_answer(canary), prelude=SHORT_BUSY_WAIT
        )
        assert_refused(done.returncode, done.stdout, done.stderr, "bezet", canary)
        assert digest(saved) == before


# -- and when all is well again ---------------------------------------------------------------


def test_after_a_failure_the_same_database_works_again(
    saved: Path, run_cli: Run, canary: Canary, monkeypatch: pytest.MonkeyPatch
) -> None:
    healthy = coach.store._configure
    full_disk(monkeypatch)
    assert run_cli("resume", input=long_answer(canary)).code == 1
    # Only the disk gets its space back: monkeypatch.undo() would also take away this
    # test's COACH_HOME, and the resume would go to another data folder.
    monkeypatch.setattr(coach.store, "_configure", healthy)
    result = run_cli("resume", input=long_answer(canary))
    assert result.code == 0, result.err
    assert any(canary.text in text for text in answers_in(saved))
    store = Store.open(saved.parent)
    try:
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        store.close()

"""Promise 5: nobody else can read what you wrote, and 'delete' means gone.

Permissions: the data folder is made 0700 and the database with its -wal and -shm files
0600, exports and backups 0600, under any umask (checked on the real program, while it
runs). A canary (an answer nobody else would type) never shows up in any process's argv or
environment, in a log line, in a file under $TMPDIR or in an error message. After
`coach transcripts delete` (one session, or everything about a person) or `purge`, the
canary is in none of the bytes of coach.db, coach.db-wal and coach.db-shm, a full-text
index included, and what coach remembered about the person is gone. Backups are made with
SQLite's backup API, never a file copy. docs/privacy.md says all this to the user.

Most of these tests keep `another_window` open: another process with the database open, as
a second coach window would be. Without it, the last connection to close checkpoints and
removes the -wal file by itself, and a test could not tell whether delete did.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pexpect
import pytest

from coach.store import Store
from reliability.store_harness import (
    VOORLEVEN,
    Canary,
    another_window,
    buiv_answers,
    child_env,
    coach_command,
    holding,
    query,
    run_child,
    short_busy_wait,
    traces,
)

REPO = Path(__file__).resolve().parents[2]
Run = Callable[..., Any]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def canary() -> Canary:
    return Canary.new()


def wait_until(check: Callable[[], bool], what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def saved(home: Path, canary: Canary) -> bool:
    if not (home / "coach.db").exists():
        return False
    try:
        found = query(home, "SELECT count(*) FROM turns WHERE text LIKE ?", [f"%{canary.text}%"])
    except sqlite3.Error:
        return False
    return bool(found[0][0])


@contextmanager
def live_session(
    home: Path, canary: Canary, umask: int = -1, prelude: str = "", tmpdir: Path | None = None
) -> Iterator[subprocess.Popen[str]]:
    """coach running buiv, with the canary answer saved and the next question waiting."""
    answers = buiv_answers("Paul", canary).splitlines(keepends=True)
    process = subprocess.Popen(
        coach_command(["run", "buiv"], prelude),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=child_env(home, tmpdir),
        umask=umask,
    )
    assert process.stdin is not None
    process.stdin.write("".join(answers[:3]))
    process.stdin.flush()
    try:
        wait_until(lambda: saved(home, canary), "the canary answer to be saved")
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()


# -- who can read it -------------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o000, 0o002, 0o022, 0o077], ids=oct)
def test_the_folder_is_0700_and_the_database_wal_and_shm_0600_whatever_the_umask(
    tmp_path: Path, canary: Canary, umask: int
) -> None:
    home = tmp_path / "nieuw" / "coach"
    with live_session(home, canary, umask=umask) as process:
        wal, shm = home / "coach.db-wal", home / "coach.db-shm"
        assert wal.exists() and shm.exists(), "coach runs in WAL mode"
        assert mode(home) == 0o700
        assert (mode(home / "coach.db"), mode(wal), mode(shm)) == (0o600, 0o600, 0o600)
        assert process.poll() is None  # all this while coach is running
    assert mode(home / "coach.db") == 0o600


def test_a_database_put_back_with_looser_permissions_is_made_private_again(
    coach_home: Path, run_cli: Run
) -> None:
    assert run_cli("run", "buiv", input="Paul\n").code == 0
    (coach_home / "coach.db").chmod(0o644)  # as `cp backup.db coach.db` leaves it
    assert run_cli("transcripts", "list").code == 0
    assert mode(coach_home / "coach.db") == 0o600


@pytest.mark.parametrize("umask", [0o000, 0o022], ids=oct)
def test_exports_and_backups_are_0600_whatever_the_umask(
    coach_home: Path, tmp_path: Path, run_cli: Run, umask: int
) -> None:
    assert run_cli("run", "buiv", input="Paul\n").code == 0
    out = tmp_path / "uit"
    out.mkdir()
    commands = {
        "gesprek.md": ["transcripts", "export", "1", "--format", "md", "-o"],
        "gesprek.json": ["transcripts", "export", "1", "-o"],
        "backup.db": ["transcripts", "backup"],
    }
    old = os.umask(umask)  # the umask belongs to the process: this is what coach runs under
    try:
        for name, args in commands.items():
            done = run_cli(*args, str(out / name))
            assert done.code == 0, done.err
            assert mode(out / name) == 0o600, name
            (out / name).chmod(0o644)  # an older copy, readable by others: --force replaces it
            done = run_cli(*args, str(out / name), "--force")
            assert done.code == 0, done.err
            assert mode(out / name) == 0o600, name
    finally:
        os.umask(old)
    assert sorted(p.name for p in out.iterdir()) == sorted(commands)  # nothing left beside


def test_the_database_never_spills_into_temporary_files(coach_home: Path) -> None:
    store = Store.open(coach_home)
    try:
        assert store.db.execute("PRAGMA temp_store").fetchone()[0] == 2  # MEMORY
        assert store.db.execute("PRAGMA secure_delete").fetchone()[0] == 1
    finally:
        store.close()


# -- where your text never goes --------------------------------------------------------------

# In the child: every log line at debug level to stderr (coach has no logging today; this
# catches any that comes), and every file Python opens or folder it makes under $TMPDIR.
WATCH = """
import atexit, logging, os, sys, tempfile
logging.basicConfig(level=logging.DEBUG)
_temp = os.path.realpath(tempfile.gettempdir())
_seen = []
def _watch(event, args):
    if event in ("tempfile.mkstemp", "tempfile.mkdtemp"):
        _seen.append(event)
    elif event in ("open", "os.mkdir", "os.rename", "os.replace", "shutil.copyfile") and args:
        if isinstance(args[0], (str, bytes, os.PathLike)):
            path = os.path.realpath(os.fsdecode(args[0]))
            if path == _temp or path.startswith(_temp + os.sep):  # the folder: O_TMPFILE
                _seen.append(path)
sys.addaudithook(_watch)
atexit.register(lambda: _seen and print("TEMP: " + " ".join(_seen), file=sys.stderr))
"""


def files_holding(folder: Path, needle: bytes) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and needle in path.read_bytes():
            found.append(str(path))
    return found


def processes_holding(needle: bytes) -> list[str]:
    """Processes whose command line or environment holds `needle`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        for part in ("cmdline", "environ"):
            try:
                if needle in (entry / part).read_bytes():
                    found.append(f"{entry.name}/{part}")
            except OSError:
                continue
    return found


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc (Linux)")
def test_answers_never_reach_argv_the_environment_logs_or_temporary_files(
    tmp_path: Path, canary: Canary
) -> None:
    home, temp = tmp_path / "coach", tmp_path / "tmp"
    temp.mkdir()
    with live_session(home, canary, prelude=WATCH, tmpdir=temp) as process:
        assert processes_holding(canary.tail) == []
        assert files_holding(temp, canary.tail) == []
        for fd in Path(f"/proc/{process.pid}/fd").iterdir():
            with pytest.raises(ValueError):  # no file open under $TMPDIR, not even a deleted one
                Path(os.readlink(fd)).relative_to(temp)
        assert process.stdin is not None
        rest = buiv_answers("Paul", canary).splitlines(keepends=True)[3:]
        out, err = process.communicate("".join(rest), timeout=60)
    assert process.returncode == 0, err
    assert "Gesprekskaart" in out
    assert canary.text not in err and canary.tail.decode() not in err
    assert "TEMP:" not in err
    assert files_holding(temp, canary.tail) == []


def test_no_command_that_reads_or_writes_answers_uses_temporary_files(
    tmp_path: Path, canary: Canary
) -> None:
    """Reading, searching, annotating, exporting, importing, backing up, deleting, and
    `coach test --from-transcript`, which once checked a new test case in a temporary file."""
    home, temp, work = tmp_path / "coach", tmp_path / "tmp", tmp_path / "werk"
    temp.mkdir()
    shutil.copytree(REPO / "dialogues", work / "dialogues")
    first = run_child(["run", "buiv"], home, input=buiv_answers("Paul", canary), tmpdir=temp)
    assert first.returncode == 0, first.stderr
    commands = [
        ["transcripts", "list"],
        ["transcripts", "list", "--met", "paul", "--sinds", "2000-01-01"],
        ["annotate", "1", "--turn", "3", "Een opmerking."],
        ["transcripts", "show", "1"],
        ["transcripts", "search", canary.text],
        ["transcripts", "export", "1", "--format", "md"],
        ["transcripts", "export", "1", "-o", str(tmp_path / "export.json")],
        ["transcripts", "backup", str(tmp_path / "backup.db")],
        ["test", "--from-transcript", "1"],
        ["transcripts", "purge", "--older-than", "1d", "--ja"],
        ["transcripts", "delete", "1", "--ja"],
        ["transcripts", "import", str(tmp_path / "export.json")],
    ]
    for args in commands:
        done = subprocess.run(
            coach_command(args, WATCH),
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=child_env(home, temp),
            cwd=work,
            check=False,
        )
        assert done.returncode == 0, (args, done.stderr)
        assert "TEMP:" not in done.stderr, args
        assert canary.tail.decode() not in done.stderr, args
    assert list(temp.iterdir()) == []
    assert canary.text in (work / "dialogues" / "tests" / "buiv.yaml").read_text("utf-8")


def test_error_messages_never_hold_an_answer(
    coach_home: Path, tmp_path: Path, run_cli: Run, canary: Canary, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_cli("run", "buiv", input=buiv_answers("Paul", canary)).code == 0
    taken = tmp_path / "bestaat.md"
    taken.write_text("van mij\n")
    failures = [
        ("transcripts", "export", "1", "-o", str(tmp_path / "geen-map" / "x.md")),
        ("transcripts", "export", "1", "-o", str(taken)),
        ("transcripts", "backup", str(tmp_path / "geen-map" / "x.db")),
        ("transcripts", "show", "1", "2"),
        ("transcripts", "delete", "1"),  # no terminal, no --ja
    ]
    for args in failures:
        result = run_cli(*args)
        assert result.code != 0, args
        assert result.err.startswith(("Fout: ", "Gebruik:")), result.err
        assert canary.tail.decode() not in result.err + result.out, args

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError(f"stuk bij {canary.text}")  # an unforeseen error that quotes text

    monkeypatch.setattr(Store, "save", broken)
    result = run_cli("run", "buiv", input=buiv_answers("Marie", canary))
    assert result.code == 1
    assert "RuntimeError" in result.err and canary.tail.decode() not in result.err
    assert "Traceback" not in result.err


# -- delete means gone -----------------------------------------------------------------------


def test_deleting_a_session_leaves_no_trace_in_the_database_or_its_wal(
    coach_home: Path, run_cli: Run
) -> None:
    paul, marie = Canary.new(), Canary.new()
    assert run_cli("run", "buiv", input=buiv_answers("Paul", paul)).code == 0
    with another_window(coach_home):
        assert run_cli("run", "buiv", input=buiv_answers("Marie", marie)).code == 0
        # Paul's answers are in the database, Marie's still in the -wal file, both twice
        # over (the turn and the snapshot), with older versions of their pages beside them.
        assert traces(coach_home, paul.tail) and traces(coach_home, marie.tail)
        result = run_cli("transcripts", "delete", "1", "--ja")
        assert result.code == 0, result.err
        assert "Sessie 1 is verwijderd" in result.out and "met Paul" in result.out
        assert traces(coach_home, paul.tail) == []
        assert traces(coach_home, marie.tail) == ["coach.db"]  # the rest is kept, WAL emptied
        result = run_cli("transcripts", "delete", "2", "--ja")
        assert result.code == 0, result.err
        assert traces(coach_home, marie.tail) == []
    assert traces(coach_home, paul.tail) == traces(coach_home, marie.tail) == []
    assert "geen sessie 1" in run_cli("transcripts", "show", "1").err


def test_deleting_removes_a_half_typed_draft_and_the_snapshot(
    coach_home: Path, run_cli: Run, canary: Canary
) -> None:
    draft = Canary.new()
    start = "\n".join(buiv_answers("Paul", canary).splitlines()[:3]) + "\n"
    assert run_cli("run", "buiv", input=start).code == 0
    with another_window(coach_home):
        store = Store.open(coach_home)
        store.set_status(1, "paused", draft=f"ik wilde nog zeggen {draft.text}")
        store.close()
        assert query(coach_home, "SELECT draft FROM sessions")[0][0].endswith(draft.text)
        assert run_cli("transcripts", "delete", "1", "--ja").code == 0
        assert traces(coach_home, draft.tail) == traces(coach_home, canary.tail) == []
    assert query(coach_home, "SELECT count(*) FROM sessions") == [(0,)]


def test_deleting_everything_about_a_person_removes_what_coach_remembers(
    coach_home: Path, run_cli: Run
) -> None:
    first, second, other = Canary.new(), Canary.new(), Canary.new()
    runs = [("Joëlle", first, False), ("joelle", second, True), ("Marie", other, False)]
    for person, canary, again in runs:
        answers = buiv_answers(person, canary, where=VOORLEVEN, again=again)
        assert run_cli("run", "buiv", input=answers).code == 0
    assert run_cli("transcripts", "list", "--status", "completed").out.count("buiv") == 3
    # coach remembers what you wanted to do with Joëlle, however her name is written.
    asked = run_cli("run", "buiv", input="JOËLLE  \n")
    assert "Vorige keer" in asked.out, asked.out
    assert second.text in asked.out, asked.out
    with another_window(coach_home):
        result = run_cli("transcripts", "delete", "--met", "joëlle", "--ja")
        assert result.code == 0, result.err
        assert "3 gesprekken met joëlle (sessies 1, 2 en 4)" in result.out
        assert "wat coach over joëlle onthield" in result.out
        for canary in (first, second):
            assert traces(coach_home, canary.tail) == []
        for name in ("Joëlle".encode(), b"joelle", "JOËLLE".encode()):
            assert traces(coach_home, name) == [], name
        assert traces(coach_home, other.tail) == ["coach.db"]
    again = run_cli("run", "buiv", input="Joëlle\n")
    assert "Vorige keer" not in again.out and first.text not in again.out
    assert second.text not in again.out
    kept = run_cli("run", "buiv", input="Marie\n")
    assert "Vorige keer" in kept.out and other.text in kept.out  # only Joëlle was forgotten


def test_deleting_a_session_takes_its_words_out_of_later_sessions_too(
    coach_home: Path, run_cli: Run, tmp_path: Path
) -> None:
    """The next session with the same person remembers the plan of the first (its snapshot
    keeps it as previous.voorleven) and quotes it in a coach turn: both copies go with the
    session they came from, replaced by a neutral marker."""
    first, second, other = Canary.new(), Canary.new(), Canary.new()
    runs = [("Paul", first, False), ("paul", second, True), ("Marie", other, False)]
    for person, canary, again in runs:
        answers = buiv_answers(person, canary, where=VOORLEVEN, again=again)
        assert run_cli("run", "buiv", input=answers).code == 0
    assert first.text in run_cli("transcripts", "show", "2").out  # quoted: "Vorige keer …"
    cache = tmp_path / "coach-cache"
    with another_window(coach_home):
        result = run_cli("transcripts", "delete", "1", "--ja")
        assert result.code == 0, result.err
        assert files_holding(coach_home, first.tail) == files_holding(cache, first.tail) == []
        assert traces(coach_home, second.tail) == traces(coach_home, other.tail) == ["coach.db"]
    assert files_holding(coach_home, first.tail) == files_holding(cache, first.tail) == []
    shown = run_cli("transcripts", "show", "2").out
    assert "Vorige keer" in shown and "[verwijderd]" in shown and first.text not in shown
    assert second.text in shown  # what was typed in session 2 itself stays
    assert "Sessie 2" in run_cli("transcripts", "search", second.text).out
    assert "Niets gevonden" in run_cli("transcripts", "search", first.text).out
    nothing_left = run_cli("run", "buiv", input="Paul\n")  # remembers session 2 now
    assert first.text not in nothing_left.out and second.text in nothing_left.out
    integrity = "INSERT INTO turns_fts (turns_fts, rank) VALUES ('integrity-check', 1)"
    query(coach_home, integrity)  # raises if the index and the answers disagree


def test_deleting_someone_without_sessions_says_so_and_removes_nothing(
    coach_home: Path, run_cli: Run
) -> None:
    assert run_cli("run", "buiv", input="Paul\n").code == 0
    result = run_cli("transcripts", "delete", "--met", "Pual", "--ja")
    assert result.code == 2 and "geen gesprekken met Pual" in result.err
    assert run_cli("transcripts", "show", "1").code == 0


def days_ago(days: float) -> str:
    moment = datetime.now(UTC) - timedelta(days=days)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@pytest.mark.parametrize(
    "age, removed",
    [("180d", [1]), ("26w", [1]), ("6m", [1]), ("1j", []), ("150 D", [1, 2]), ("6 maanden", [1])],
)
def test_purge_removes_the_sessions_older_than_the_retention(
    coach_home: Path, run_cli: Run, age: str, removed: list[int]
) -> None:
    canaries = [Canary.new() for _ in range(3)]
    for person, canary in zip(["Paul", "Marie", "Sam"], canaries, strict=True):
        assert run_cli("run", "buiv", input=buiv_answers(person, canary)).code == 0
    with another_window(coach_home):
        query(coach_home, "UPDATE sessions SET updated_at = ? WHERE id = 1", [days_ago(200)])
        query(coach_home, "UPDATE sessions SET updated_at = ? WHERE id = 2", [days_ago(179)])
        result = run_cli("transcripts", "purge", "--older-than", age, "--ja")
        assert result.code == 0, result.err
        for number, canary in enumerate(canaries, start=1):
            assert bool(traces(coach_home, canary.tail)) == (number not in removed), number
    left = [row[0] for row in query(coach_home, "SELECT id FROM sessions ORDER BY id")]
    assert left == [n for n in (1, 2, 3) if n not in removed]
    if not removed:
        assert "niets verwijderd" in result.out


@pytest.mark.parametrize("age", ["180", "6 minuten", "0d", "-3d", "d", "1.5w"])
def test_purge_needs_a_duration_it_understands(coach_home: Path, run_cli: Run, age: str) -> None:
    assert run_cli("run", "buiv", input="Paul\n").code == 0
    result = run_cli("transcripts", "purge", "--older-than", age, "--ja")
    assert result.code == 2
    assert "180d (dagen), 26w (weken), 6m (maanden)" in result.err


def test_deleting_clears_the_full_text_index(coach_home: Path, run_cli: Run) -> None:
    """The search index (turns_fts) keeps the words of every answer; its segments keep them
    after the rows are gone, unless delete rebuilds it. Both delete and purge do."""
    canary, other, old = Canary.new(), Canary.new(), Canary.new()
    for person, bird in (("Paul", canary), ("Marie", other), ("Sam", old)):
        assert run_cli("run", "buiv", input=buiv_answers(person, bird)).code == 0

    def found(word: str) -> int:
        sql = "SELECT count(*) FROM turns_fts WHERE turns_fts MATCH ?"
        return int(query(coach_home, sql, [f'"{word}"'])[0][0])

    assert found(canary.text) and found(other.text) and found(old.text)
    assert canary.text in run_cli("transcripts", "search", canary.text).out
    with another_window(coach_home):
        assert run_cli("transcripts", "delete", "1", "--ja").code == 0
        assert found(canary.text) == 0 and found(other.text) > 0
        assert traces(coach_home, canary.tail) == []
        assert "Niets gevonden" in run_cli("transcripts", "search", canary.text).out
        assert run_cli("transcripts", "delete", "--met", "marie", "--ja").code == 0
        assert traces(coach_home, other.tail) == []
        query(coach_home, "UPDATE sessions SET updated_at = ? WHERE id = 3", [days_ago(400)])
        assert run_cli("transcripts", "purge", "--older-than", "1j", "--ja").code == 0
        assert traces(coach_home, old.tail) == [] and found(old.text) == 0
    integrity = "INSERT INTO turns_fts (turns_fts, rank) VALUES ('integrity-check', 1)"
    query(coach_home, integrity)  # raises if the index and the answers disagree


@pytest.mark.parametrize("how", ["delete", "delete --met", "purge"])
def test_deleting_removes_a_reviewers_annotations_and_reviews(
    coach_home: Path, run_cli: Run, how: str
) -> None:
    answer, note, review = Canary.new(), Canary.new(), Canary.new()
    assert run_cli("run", "buiv", input=buiv_answers("Paul", answer)).code == 0
    assert run_cli("annotate", "1", "--turn", "7", f"Goed gezien {note.text}").code == 0
    store = Store.open(coach_home)
    store.save_review(1, "buiv-basis", 1, "0" * 64, {"tip": f"Vraag door {review.text}"})
    store.close()
    with another_window(coach_home):
        for bird in (answer, note, review):
            assert traces(coach_home, bird.tail), bird
        if how == "purge":
            query(coach_home, "UPDATE sessions SET updated_at = ?", [days_ago(400)])
            result = run_cli("transcripts", "purge", "--older-than", "1j", "--ja")
        elif how == "delete":
            result = run_cli("transcripts", "delete", "1", "--ja")
        else:
            result = run_cli("transcripts", "delete", "--met", "paul", "--ja")
        assert result.code == 0, result.err
        for bird in (answer, note, review):
            assert traces(coach_home, bird.tail) == [], bird
    for table in ("annotations", "reviews", "turns", "sessions"):
        assert query(coach_home, f"SELECT count(*) FROM {table}") == [(0,)], table


def test_deleting_asks_first_and_without_a_terminal_needs_ja(
    coach_home: Path, run_cli: Run, canary: Canary
) -> None:
    assert run_cli("run", "buiv", input=buiv_answers("Paul", canary)).code == 0
    query(coach_home, "UPDATE sessions SET updated_at = ?", [days_ago(400)])
    for args in (["delete", "1"], ["delete", "--met", "Paul"], ["purge", "--older-than", "1j"]):
        result = run_cli("transcripts", *args, input="j\n")
        assert result.code == 2, args
        assert "niet van een terminal" in result.err and "--ja" in result.err
    assert traces(coach_home, canary.tail)
    for yes in ("--ja", "--yes"):
        assert run_cli("run", "buiv", input="Sam\n").code == 0
        assert run_cli("transcripts", "delete", "--met", "Sam", yes).code == 0


def test_deleting_in_a_terminal_asks_and_takes_no_for_an_answer(
    coach_home: Path, run_cli: Run, canary: Canary
) -> None:
    assert run_cli("run", "buiv", input=buiv_answers("Paul", canary)).code == 0

    def delete(answer: str) -> tuple[str, str, int | None]:
        env = {**child_env(coach_home), "TERM": "xterm"}
        child = pexpect.spawn(
            sys.executable,
            ["-m", "coach", "transcripts", "delete", "--met", "paul"],
            env=env,
            encoding="utf-8",
            timeout=20,
            dimensions=(40, 100),
        )
        child.expect(r"Alles over paul voorgoed verwijderen \(1 gesprek\)\? .*\[j/N\]")
        listed = child.before  # what is about to go, shown before the question
        child.sendline(answer)
        child.expect(pexpect.EOF)
        said = child.before
        child.close()
        return listed, said, child.exitstatus

    listed, said, code = delete("nee")
    assert "Paul" in listed and "afgerond" in listed
    assert code == 0 and "Er is niets verwijderd." in said
    assert traces(coach_home, canary.tail)
    listed, said, code = delete("j")
    assert code == 0 and "Verwijderd: 1 gesprek met paul (sessie 1)" in said
    assert traces(coach_home, canary.tail) == []


def test_delete_says_so_when_another_program_keeps_the_text_in_the_wal(
    coach_home: Path, run_cli: Run, canary: Canary, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_cli("run", "buiv", input=buiv_answers("Paul", canary)).code == 0
    short_busy_wait(monkeypatch)
    with holding(coach_home, "BEGIN", "SELECT count(*) FROM turns"):  # in the middle of reading
        result = run_cli("transcripts", "delete", "1", "--ja")
        assert result.code == 1
        assert "staat nog in coach.db-wal" in result.err
        assert "sluit andere vensters met coach" in result.err
        assert canary.tail.decode() not in result.err
    # The reader was the last to close: it emptied the -wal file into the database.
    assert traces(coach_home, canary.tail) == []


# -- backups ---------------------------------------------------------------------------------


def sessions_in(path: Path) -> int:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(connection.execute("SELECT count(*) FROM sessions").fetchone()[0])
    finally:
        connection.close()


def test_a_backup_is_made_with_sqlites_backup_api_and_holds_what_is_still_in_the_wal(
    coach_home: Path, tmp_path: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    paul, marie = Canary.new(), Canary.new()
    assert run_cli("run", "buiv", input=buiv_answers("Paul", paul)).code == 0
    with another_window(coach_home):
        assert run_cli("run", "buiv", input=buiv_answers("Marie", marie)).code == 0
        copied = tmp_path / "kopie.db"
        shutil.copyfile(coach_home / "coach.db", copied)  # what a file copy would get
        assert sessions_in(copied) == 1

        def no_copies(*args: Any, **kwargs: Any) -> None:
            raise AssertionError("the database is copied as a file")

        for name in ("copy", "copy2", "copyfile", "copyfileobj"):
            monkeypatch.setattr(shutil, name, no_copies)
        backup = tmp_path / "backup.db"
        result = run_cli("transcripts", "backup", str(backup))
        assert result.code == 0, result.err
        assert f"Back-up van 2 gesprekken geschreven naar {backup}" in result.out
    assert sessions_in(backup) == 2 and marie.tail in backup.read_bytes()
    assert mode(backup) == 0o600
    connection = sqlite3.connect(backup)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file
    connection.close()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("backup")) == [
        "backup.db"
    ]


def test_a_backup_never_overwrites_without_force(
    coach_home: Path, tmp_path: Path, run_cli: Run
) -> None:
    assert run_cli("run", "buiv", input="Paul\n").code == 0
    target = tmp_path / "backup.db"
    target.write_text("iets anders\n")
    result = run_cli("transcripts", "backup", str(target))
    assert result.code == 2 and "bestaat al" in result.err and "--force" in result.err
    assert target.read_text() == "iets anders\n"
    assert run_cli("transcripts", "backup", str(target), "--force").code == 0
    assert sessions_in(target) == 1
    itself = run_cli("transcripts", "backup", str(coach_home / "coach.db"), "--force")
    assert itself.code == 2 and "de database zelf" in itself.err
    assert sessions_in(coach_home / "coach.db") == 1
    folder = tmp_path / "stick"
    folder.mkdir()
    result = run_cli("transcripts", "backup", str(folder))
    assert result.code == 0
    assert [p.name for p in folder.iterdir()] == [f"coach-backup-{datetime.now():%Y-%m-%d}.db"]


def test_delete_cannot_reach_into_a_backup_made_before(
    coach_home: Path, tmp_path: Path, run_cli: Run, canary: Canary
) -> None:
    """What docs/privacy.md warns about: a backup keeps what you delete afterwards."""
    assert run_cli("run", "buiv", input=buiv_answers("Paul", canary)).code == 0
    backup = tmp_path / "backup.db"
    assert run_cli("transcripts", "backup", str(backup)).code == 0
    assert run_cli("transcripts", "delete", "1", "--ja").code == 0
    assert traces(coach_home, canary.tail) == []
    assert canary.tail in backup.read_bytes()
    restored = tmp_path / "terug"
    restored.mkdir(mode=0o700)
    shutil.copyfile(backup, restored / "coach.db")
    shown = run_cli("--home", str(restored), "transcripts", "show", "1")
    assert shown.code == 0 and canary.text in shown.out


# -- what the user is told -------------------------------------------------------------------


def test_the_privacy_page_tells_the_user_every_promise_and_its_limits() -> None:
    page = (REPO / "docs" / "privacy.md").read_text("utf-8")
    readme = (REPO / "README.md").read_text("utf-8")
    assert "docs/privacy.md" in readme
    for text in [
        "coach.db-wal",
        "coach.db-shm",
        "0700",
        "0600",
        "coach transcripts delete SESSIE",
        "coach transcripts delete --met WIE",
        "coach transcripts purge --older-than 180d",
        "coach transcripts backup",
        "coach transcripts export",
        "niet versleuteld",
        "--ja",
    ]:
        assert text in page, text
    for unit in ("d", "w", "m", "j"):
        assert re.search(rf"`\d+{unit}`", page), unit
    assert re.findall(r"```sh\n(.*?)```", page, flags=re.DOTALL), "the page shows the commands"

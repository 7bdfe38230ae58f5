"""The transcript store: durable settings, one transaction per answer, clear refusals."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from coach.engine import Engine
from coach.errors import StoreError, UsageError
from coach.model import Dialogue
from coach.steps import Advance
from coach.store import SCHEMA_VERSION, SessionGone, Store


def open_store(home: Path) -> Store:
    return Store.open(home)


def new_session(store: Store, dialogue: Dialogue) -> tuple[int, Engine]:
    engine = Engine(dialogue)
    advance = engine.start()
    return store.create_session(dialogue, engine.snapshot(), advance.turns, path=None), engine


def test_database_settings_protect_every_answer(coach_home: Path) -> None:
    store = open_store(coach_home)
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.db.execute("PRAGMA secure_delete").fetchone()[0] == 1


def test_folder_and_database_are_private(coach_home: Path) -> None:
    old = os.umask(0o022)
    try:
        open_store(coach_home / "nieuw").close()
    finally:
        os.umask(old)
    assert stat.S_IMODE((coach_home / "nieuw").stat().st_mode) == 0o700
    assert stat.S_IMODE((coach_home / "nieuw" / "coach.db").stat().st_mode) == 0o600


def test_a_session_and_its_turns_round_trip(coach_home: Path, mini: Dialogue) -> None:
    store = open_store(coach_home)
    session_id, engine = new_session(store, mini)
    result = engine.answer("Paul")
    assert isinstance(result, Advance)
    store.save(session_id, result.turns, engine.snapshot(), subject="Paul")
    record = store.transcript(session_id)
    assert record.session.subject == "Paul" and record.session.status == "active"
    assert [(t.seq, t.speaker, t.text) for t in record.turns] == [
        (1, "coach", "Welkom."),
        (2, "coach", "Met wie?"),
        (3, "user", "Paul"),
        (4, "coach", "Wat gebeurde er met Paul?"),
    ]
    assert record.session.answers == 1
    assert store.state(session_id) == engine.snapshot()


def test_completion_sets_end_time_and_status(coach_home: Path, mini: Dialogue) -> None:
    store = open_store(coach_home)
    session_id, engine = new_session(store, mini)
    for answer in ["Paul", "Hij zei dat ons plan niet deugt.", "7"]:
        result = engine.answer(answer)
        assert isinstance(result, Advance)
        store.save(
            session_id,
            result.turns,
            engine.snapshot(),
            status="completed" if engine.finished else "active",
        )
    info = store.session(session_id)
    assert info.status == "completed" and info.ended_at is not None
    assert store.transcript(session_id).turns[-1].value["title"] == "Kaart voor Paul"


def test_rewind_removes_the_undone_turns(coach_home: Path, mini: Dialogue) -> None:
    store = open_store(coach_home)
    session_id, engine = new_session(store, mini)
    for answer in ["Paul", "arrogant"]:
        result = engine.answer(answer)
        assert isinstance(result, Advance)
        store.save(session_id, result.turns, engine.snapshot())
    rewind = engine.undo()
    store.rewind(session_id, rewind.keep_turns, engine.snapshot())  # type: ignore[union-attr]
    assert [t.text for t in store.transcript(session_id).turns][-1] == "Wat gebeurde er met Paul?"


def test_a_failed_transaction_leaves_no_half_turn(coach_home: Path, mini: Dialogue) -> None:
    store = open_store(coach_home)
    session_id, engine = new_session(store, mini)
    result = engine.answer("Paul")
    assert isinstance(result, Advance)
    clash = (*result.turns, result.turns[0])  # a repeated seq violates the unique index
    with pytest.raises(StoreError):
        store.save(session_id, clash, engine.snapshot())
    assert len(store.transcript(session_id).turns) == 2
    assert store.state(session_id)["state"]["turns"] == 2


def test_unknown_session_is_a_usage_error(coach_home: Path) -> None:
    with pytest.raises(UsageError, match="geen sessie 42"):
        open_store(coach_home).session(42)


def test_unfinished_lists_paused_and_cut_off_sessions_newest_first(
    coach_home: Path, mini: Dialogue
) -> None:
    times = iter(f"2026-11-24T10:00:0{n}.000Z" for n in range(10))
    store = Store.open(coach_home, clock=lambda: next(times))
    first, _ = new_session(store, mini)
    second, _ = new_session(store, mini)
    third, _ = new_session(store, mini)
    store.set_status(first, "paused")
    store.set_status(third, "completed")
    assert [info.id for info in store.unfinished()] == [first, second]


def test_a_corrupt_database_is_refused_and_left_untouched(coach_home: Path) -> None:
    coach_home.mkdir(mode=0o700)
    path = coach_home / "coach.db"
    garbage = b"dit is geen database\n" * 200
    path.write_bytes(garbage)
    with pytest.raises(StoreError, match="beschadigd") as caught:
        open_store(coach_home)
    assert "hernoem" in caught.value.hint
    assert path.read_bytes() == garbage


def test_a_foreign_database_is_refused(coach_home: Path) -> None:
    coach_home.mkdir(mode=0o700)
    connection = sqlite3.connect(coach_home / "coach.db")
    connection.execute("CREATE TABLE recepten (naam TEXT)")
    connection.commit()
    connection.close()
    with pytest.raises(StoreError, match="niet van coach"):
        open_store(coach_home)


def test_a_newer_database_is_refused(coach_home: Path) -> None:
    open_store(coach_home).close()
    connection = sqlite3.connect(coach_home / "coach.db")
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.commit()
    connection.close()
    with pytest.raises(StoreError, match="nieuwere versie"):
        open_store(coach_home)


def test_opening_twice_is_idempotent(coach_home: Path, mini: Dialogue) -> None:
    store = open_store(coach_home)
    session_id, _ = new_session(store, mini)
    store.close()
    assert open_store(coach_home).session(session_id).dialogue_id == "mini"


def test_a_folder_that_cannot_be_made_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "bestand"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="geen map"):
        open_store(blocker)


# -- session numbers are never given twice ---------------------------------------------------


def test_the_number_of_a_deleted_session_is_never_given_again(
    coach_home: Path, mini: Dialogue
) -> None:
    store = open_store(coach_home)
    try:
        first, _ = new_session(store, mini)
        second, _ = new_session(store, mini)
        store.delete_sessions([second])  # the highest: its number would be free again
        third, _ = new_session(store, mini)
        store.delete_sessions([first, third])  # as purge does: everything there was
        fourth, _ = new_session(store, mini)
    finally:
        store.close()
    assert (first, second, third, fourth) == (1, 2, 3, 4)
    reopened = open_store(coach_home)
    try:
        assert new_session(reopened, mini)[0] == 5
        assert reopened.free_session_id(2) == 6  # an import never takes a deleted number
        assert reopened.free_session_id(9) == 9  # one never given here is kept
    finally:
        reopened.close()


def test_a_backup_put_back_never_gives_a_number_again(coach_home: Path, mini: Dialogue) -> None:
    store = open_store(coach_home)
    try:
        new_session(store, mini)
        store.backup(coach_home.parent / "backup.db")
        assert new_session(store, mini)[0] == 2
    finally:
        store.close()
    for name in ("coach.db", "coach.db-wal", "coach.db-shm"):
        (coach_home / name).unlink(missing_ok=True)
    (coach_home.parent / "backup.db").rename(coach_home / "coach.db")  # as docs/privacy.md says
    restored = open_store(coach_home)
    try:
        assert [info.id for info in restored.sessions()] == [1]
        assert restored.free_session_id(2) == 3  # session 2 may exist in an export
        assert new_session(restored, mini)[0] == 3
    finally:
        restored.close()


def test_a_window_whose_session_was_deleted_saves_nothing_anywhere(
    coach_home: Path, mini: Dialogue
) -> None:
    window = open_store(coach_home)
    other = open_store(coach_home)
    try:
        session_id, engine = new_session(window, mini)
        result = engine.answer("Paul")
        assert isinstance(result, Advance)
        other.delete_sessions([session_id])
        replaced, _ = new_session(other, mini)  # another person's session, a new number
        before = other.transcript(replaced)
        for write in (
            lambda: window.save(session_id, result.turns, engine.snapshot(), subject="Paul"),
            lambda: window.rewind(session_id, 1, engine.snapshot(), "Paul"),
            lambda: window.set_status(session_id, "paused", draft="Paul"),
        ):
            with pytest.raises(SessionGone, match=f"sessie {session_id} bestaat niet meer"):
                write()
        assert other.transcript(replaced) == before
        rows = other.db.execute("SELECT count(*) FROM turns WHERE text = 'Paul'").fetchone()
        assert rows[0] == 0
    finally:
        window.close()
        other.close()


def test_a_write_checks_the_uuid_of_the_session_it_opened(coach_home: Path, mini: Dialogue) -> None:
    """Should a number ever be given again (a database edited by hand), a window never
    writes into the new session: it checks the uuid and the rows it changed."""
    window = open_store(coach_home)
    try:
        session_id, _ = new_session(window, mini)
        window.db.execute("UPDATE sessions SET uuid = 'een-ander' WHERE id = ?", [session_id])
        with pytest.raises(SessionGone):
            window.set_status(session_id, "paused")
        assert window.session(session_id).status == "active"
    finally:
        window.close()

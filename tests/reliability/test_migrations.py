"""Promise 4: a database of every earlier version opens in this coach, with nothing lost.

tests/reliability/fixtures/ holds a database for every schema version (`PRAGMA
user_version`) a coach has written: version 0 as an empty file and as a SQLite file without
tables, and versions 1 to 3, made by the store's own code with a finished, a paused (with
a half-typed draft) and a stopped session, their rows frozen in `vN-coach.json`; versions 2
(annotations, reviews, full-text search) and 3 (numbers never given twice; the current one)
also with two annotations and a review on the finished session. Each fixture migrates to the current version with the same schema as a new database, its
rows intact; opening again changes nothing, not even a byte; a failing migration leaves the
old version; a newer version or another program's file is refused and left byte for byte.
When MIGRATIONS grows, make_fixtures.py freezes the version before the change.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import coach.store
from coach.errors import StoreError
from coach.sqlite import Database
from coach.store import MIGRATIONS, SCHEMA_VERSION, Store
from reliability.fixtures.make_fixtures import rows
from reliability.store_harness import digest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DATABASES = sorted(FIXTURES.glob("v*.db"))


def version_of(fixture: Path) -> int:
    return int(fixture.name[1:].split("-")[0])


def schema(path: Path) -> list[tuple[str, str, str]]:
    """The tables and indexes, as SQLite keeps their definitions."""
    connection = sqlite3.connect(path)
    try:
        return sorted(
            connection.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
            )
        )
    finally:
        connection.close()


def user_version(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute("PRAGMA user_version").fetchone()[0])
    finally:
        connection.close()


def install(fixture: Path, home: Path) -> Path:
    """The fixture as the user's database (a copy: opening it may migrate it)."""
    home.mkdir(mode=0o700, exist_ok=True)
    target = home / "coach.db"
    shutil.copyfile(fixture, target)
    return target


def expected_rows(fixture: Path) -> dict[str, list[dict[str, Any]]]:
    frozen = fixture.with_suffix(".json")
    if not frozen.exists():  # version 0: nothing stored yet
        return {"sessions": [], "turns": []}
    data: dict[str, list[dict[str, Any]]] = json.loads(frozen.read_text("utf-8"))
    return data


def kept(now: dict[str, list[dict[str, Any]]], then: dict[str, list[dict[str, Any]]]) -> Any:
    """The rows as they are now, in the columns the old version had."""
    return {
        table: [
            {key: row[key] for key in (then[table][0] if then[table] else {})} for row in now[table]
        ]
        for table in then
    }


def open_and_close(home: Path) -> None:
    Store.open(home).close()


@pytest.fixture(scope="module")
def fresh_schema(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str, str]]:
    home = tmp_path_factory.mktemp("fresh") / "coach"
    open_and_close(home)
    return schema(home / "coach.db")


def test_every_version_has_a_fixture() -> None:
    versions = {version_of(fixture) for fixture in DATABASES}
    missing = set(range(SCHEMA_VERSION + 1)) - versions
    assert not missing, (
        f"no fixture database for user_version {sorted(missing)}: "
        "run tests/reliability/fixtures/make_fixtures.py before changing the schema"
    )
    assert len(MIGRATIONS) == SCHEMA_VERSION


def test_the_fixtures_are_what_their_names_say() -> None:
    for fixture in DATABASES:
        if fixture.stat().st_size:
            assert user_version(fixture) == version_of(fixture), fixture.name
    assert (FIXTURES / "v0-empty.db").read_bytes() == b""


@pytest.mark.parametrize("fixture", DATABASES, ids=lambda path: path.name)
def test_each_version_migrates_to_the_current_one_with_its_rows_intact(
    fixture: Path, coach_home: Path, fresh_schema: list[tuple[str, str, str]]
) -> None:
    path = install(fixture, coach_home)
    store = Store.open(coach_home)
    try:
        sessions = store.sessions()
        transcripts = [store.transcript(info.id) for info in sessions]
    finally:
        store.close()
    assert user_version(path) == SCHEMA_VERSION
    assert schema(path) == fresh_schema
    then = expected_rows(fixture)
    assert kept(rows(path), then) == then
    assert len(sessions) == len(then["sessions"])
    assert sum(len(record.turns) for record in transcripts) == len(then["turns"])


@pytest.mark.parametrize("fixture", DATABASES, ids=lambda path: path.name)
def test_opening_again_changes_nothing(fixture: Path, coach_home: Path) -> None:
    path = install(fixture, coach_home)
    open_and_close(coach_home)
    after_first, rows_first, schema_first = digest(path), rows(path), schema(path)
    open_and_close(coach_home)
    open_and_close(coach_home)
    assert digest(path) == after_first
    assert rows(path) == rows_first and schema(path) == schema_first
    assert sorted(p.name for p in coach_home.iterdir()) == ["coach.db"]


def test_the_migrated_sessions_work_as_before(
    coach_home: Path, run_cli: Callable[..., Any]
) -> None:
    """The current fixture through the commands: read, exported, resumed, then a new one."""
    install(FIXTURES / f"v{SCHEMA_VERSION}-coach.db", coach_home)
    listing = run_cli("transcripts", "list")
    assert listing.code == 0 and "Joëlle" in listing.out and "Marie" in listing.out
    export = json.loads(run_cli("transcripts", "export", "2").out)
    assert [t["text"] for t in export["turns"] if t["speaker"] == "user"][-1] == (
        "de roosters «van» {ander} [bold]x[/bold] \t ✓"
    )
    resumed = run_cli("resume", "2", input="Een antwoord na de migratie.\n")
    assert resumed.code == 0, resumed.err
    assert run_cli("run", "buiv", input="Sam\n").code == 0
    assert "Sam" in run_cli("transcripts", "list").out


def test_version_1_answers_are_indexed_for_search_when_it_migrates(coach_home: Path) -> None:
    """Version 2 added full-text search: the migration indexes what was already there."""
    install(FIXTURES / "v1-coach.db", coach_home)
    store = Store.open(coach_home)
    try:
        irritated = [hit.session_id for hit in store.search("geirriteerd")]
        rosters = [(hit.session_id, hit.text) for hit in store.search("ROOSTERS")]
        coach_turns = store.search("beleven")  # words of the coach's questions: not indexed
        # FTS5 checks the index against the answers it should hold; raises if they differ.
        store.db.execute("INSERT INTO turns_fts (turns_fts, rank) VALUES ('integrity-check', 1)")
        notes = [store.annotations(info.id) + store.reviews(info.id) for info in store.sessions()]
    finally:
        store.close()
    assert irritated == [1]
    assert rosters == [(2, "de roosters «van» {ander} [bold]x[/bold] \t ✓")]
    assert coach_turns == [] and notes == [[], [], []]


def test_a_migration_that_fails_leaves_the_database_at_its_old_version(
    coach_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = install(FIXTURES / f"v{SCHEMA_VERSION}-coach.db", coach_home)
    before = rows(path)

    def half_then_fail(db: Database) -> None:
        db.execute("ALTER TABLE sessions ADD COLUMN half TEXT")
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(coach.store, "MIGRATIONS", [*MIGRATIONS, half_then_fail])
    monkeypatch.setattr(coach.store, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(StoreError):
        Store.open(coach_home)
    assert user_version(path) == SCHEMA_VERSION
    assert rows(path) == before  # and no column 'half'


def test_a_new_migration_runs_once(coach_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = install(FIXTURES / f"v{SCHEMA_VERSION}-coach.db", coach_home)
    before = rows(path)
    runs: list[int] = []

    def add_column(db: Database) -> None:
        runs.append(1)
        db.execute("ALTER TABLE sessions ADD COLUMN nieuw TEXT")

    monkeypatch.setattr(coach.store, "MIGRATIONS", [*MIGRATIONS, add_column])
    monkeypatch.setattr(coach.store, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    open_and_close(coach_home)
    open_and_close(coach_home)
    assert runs == [1]
    assert user_version(path) == SCHEMA_VERSION + 1
    assert kept(rows(path), before) == before


def test_a_database_of_a_newer_coach_is_refused_and_left_byte_for_byte(coach_home: Path) -> None:
    path = install(FIXTURES / f"v{SCHEMA_VERSION}-coach.db", coach_home)
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.commit()
    connection.close()
    before = digest(path)
    with pytest.raises(StoreError, match="nieuwere versie") as refused:
        Store.open(coach_home)
    assert "werk coach bij" in refused.value.hint
    assert digest(path) == before


@pytest.mark.parametrize(
    "tables, version",
    [
        (["CREATE TABLE recepten (naam TEXT)"], 0),
        (["CREATE TABLE sessions (id INTEGER PRIMARY KEY, wie TEXT)"], 0),  # a name like ours
        (["CREATE TABLE recepten (naam TEXT)"], 1),
        (["CREATE TABLE recepten (naam TEXT)"], SCHEMA_VERSION + 5),
    ],
    ids=["other-tables", "a-table-named-sessions", "version-1", "high-version"],
)
def test_a_file_of_another_program_is_refused_and_left_byte_for_byte(
    coach_home: Path, tables: list[str], version: int
) -> None:
    coach_home.mkdir(mode=0o700)
    path = coach_home / "coach.db"
    connection = sqlite3.connect(path)  # a rollback journal, as most programs have
    for statement in tables:
        connection.execute(statement)
    connection.execute(f"PRAGMA user_version = {version}")
    connection.commit()
    connection.close()
    before = digest(path)
    with pytest.raises(StoreError, match="niet van coach"):
        Store.open(coach_home)
    assert digest(path) == before
    assert sorted(p.name for p in coach_home.iterdir()) == ["coach.db"]


@pytest.mark.parametrize("fixture", DATABASES, ids=lambda path: path.name)
def test_a_reading_command_brings_an_old_database_up_to_date_where_it_may_write(
    fixture: Path, coach_home: Path, run_cli: Callable[..., Any]
) -> None:
    """Reading commands open the database read-only; one too old to read that way is
    migrated first, as before, when the folder allows it."""
    path = install(fixture, coach_home)
    result = run_cli("transcripts", "list")
    assert result.code == 0, result.err
    then = expected_rows(fixture)
    assert len(then["sessions"]) == 0 or "buiv" in result.out
    if version_of(fixture) >= 1 and path.stat().st_size:
        assert user_version(path) >= 2

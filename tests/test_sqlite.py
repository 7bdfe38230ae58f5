"""coach.sqlite keeps sqlite-utils' transaction rules, which the store was built on."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from conftest import REPO

from coach.sqlite import Database


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(sqlite3.connect(tmp_path / "t.db"))
    database.execute("CREATE TABLE t (x INTEGER PRIMARY KEY, y TEXT)")
    yield database
    database.close()


def other_view(tmp_path: Path) -> list[tuple[int, str]]:
    # closing(): `with connection` only ends a transaction, it leaves the connection open
    with closing(sqlite3.connect(tmp_path / "t.db")) as other:
        return list(other.execute("SELECT x, y FROM t ORDER BY x"))


def test_no_numbered_placeholders_anywhere() -> None:
    """`?3` with a sequence of values: Python 3.14 refuses it. Plain `?` or `:name` only."""
    numbered = re.compile(r"[\s(,=]\?\d")
    found = [
        f"{path.relative_to(REPO)}:{number}"
        for folder in ("coach", "tests")
        for path in sorted((REPO / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if numbered.search(line)
    ]
    assert found == []


def test_a_write_outside_a_transaction_is_committed_at_once(db: Database, tmp_path: Path) -> None:
    db.execute("INSERT INTO t VALUES (1, 'een')")
    assert not db.conn.in_transaction
    assert other_view(tmp_path) == [(1, "een")]


def test_a_failed_statement_leaves_no_transaction(db: Database) -> None:
    db.execute("INSERT INTO t VALUES (1, 'een')")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO t VALUES (1, 'nog een')")
    assert not db.conn.in_transaction


def test_atomic_commits_or_rolls_back_and_nests_as_savepoints(db: Database, tmp_path: Path) -> None:
    with db.atomic():
        db.execute("INSERT INTO t VALUES (1, 'een')")
        with pytest.raises(ValueError), db.atomic():
            db.execute("INSERT INTO t VALUES (2, 'twee')")
            raise ValueError
        assert db.conn.in_transaction
    assert other_view(tmp_path) == [(1, "een")]
    with pytest.raises(ValueError), db.atomic():
        db.execute("INSERT INTO t VALUES (3, 'drie')")
        raise ValueError
    assert other_view(tmp_path) == [(1, "een")]


def test_query_gives_dictionaries_and_refuses_statements_without_rows(db: Database) -> None:
    db.execute("INSERT INTO t VALUES (1, 'een')")
    assert list(db.query("SELECT x, y FROM t WHERE x = ?", [1])) == [{"x": 1, "y": "een"}]
    with pytest.raises(ValueError):
        db.query("UPDATE t SET y = 'x'")


def test_wal_and_table_names(db: Database) -> None:
    db.enable_wal()
    db.enable_wal()  # a second time changes nothing
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.table_names() == ["t"]


def test_query_refuses_a_write_before_it_runs(db: Database, tmp_path: Path) -> None:
    db.execute("INSERT INTO t VALUES (1, 'een')")
    with pytest.raises(ValueError):
        db.query("UPDATE t SET y = 'twee'")
    assert other_view(tmp_path) == [(1, "een")]

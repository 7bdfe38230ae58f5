"""The few things the store asks of a SQLite connection, with sqlite-utils' transaction rules.

coach/store.py was written against sqlite-utils' `Database`, and keeps its rules: a write
outside a transaction is committed at once, `atomic()` is a transaction (a savepoint when
one is open already), and a statement that fails leaves no transaction behind. Importing
sqlite-utils takes longer than all of coach's own start-up (it brings dateutil, pluggy and
tabulate; see bench/), so every command pays only for this; sqlite-utils itself is imported
when a new database gets its tables (coach/store.py, `_create_v1`).
"""

from __future__ import annotations

import re
import secrets
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

Params = Sequence[Any] | dict[str, Any] | None

_READING = {"SELECT", "WITH", "PRAGMA", "VALUES", "EXPLAIN"}
_TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"}
_FIRST_WORD = re.compile(r"(?:\s|--[^\n]*\n?|/\*.*?\*/|;|\ufeff)*(\w*)", re.DOTALL)


class Database:
    """A connection with `execute`, `query`, `atomic` and the other methods the store uses."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.execute("PRAGMA recursive_triggers = on")  # as sqlite-utils sets it

    def execute(self, sql: str, params: Params = None) -> sqlite3.Cursor:
        """Run one statement. Outside a transaction a write is committed at once, and a
        failed statement rolls back the transaction it opened, so none is left open."""
        was_in_transaction = self.conn.in_transaction
        try:
            cursor = (
                self.conn.execute(sql, params) if params is not None else self.conn.execute(sql)
            )
        except Exception:
            if not was_in_transaction and self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        if (
            not was_in_transaction
            and self.conn.in_transaction
            and cursor.description is None
            and _first_word(sql) not in _TRANSACTION_CONTROL
        ):
            self.conn.execute("COMMIT")
        return cursor

    def query(self, sql: str, params: Params = None) -> Iterator[dict[str, Any]]:
        """The rows of a SELECT (or a PRAGMA that returns rows) as dictionaries. Anything
        else is refused before it runs, so a mistaken write never happens halfway."""
        if _first_word(sql) not in _READING:
            raise ValueError("query() is for statements that return rows")
        cursor = self.execute(sql, params)
        if cursor.description is None:
            raise ValueError("query() is for statements that return rows")
        keys = [column[0] for column in cursor.description]
        return (dict(zip(keys, row, strict=True)) for row in cursor)

    @contextmanager
    def atomic(self) -> Iterator[Database]:
        """A transaction; inside one already, a savepoint."""
        if self.conn.in_transaction:
            savepoint = f"coach_{secrets.token_hex(8)}"
            self.conn.execute(f"SAVEPOINT {savepoint}")
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:  # a failed trigger may have ended it already
                    self.conn.execute(f"ROLLBACK TO SAVEPOINT {savepoint}")
                    self.conn.execute(f"RELEASE SAVEPOINT {savepoint}")
                raise
            self.conn.execute(f"RELEASE SAVEPOINT {savepoint}")
            return
        self.conn.execute("BEGIN")
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        self.conn.execute("COMMIT")

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def table_names(self) -> list[str]:
        rows = self.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        return [name for (name,) in rows]

    def enable_wal(self) -> None:
        """Switch to WAL; SQLite only allows that outside a transaction."""
        if self.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
            return
        if self.conn.in_transaction:
            raise sqlite3.OperationalError("cannot change into wal mode from within a transaction")
        previous = self.conn.isolation_level
        self.conn.isolation_level = None
        try:
            self.execute("PRAGMA journal_mode = wal")
        finally:
            self.conn.isolation_level = previous

    def close(self) -> None:
        self.conn.close()


def _first_word(sql: str) -> str:
    found = _FIRST_WORD.match(sql)
    return found.group(1).upper() if found else ""

"""Transcripts in SQLite: sessions, their turns, and the engine's snapshot to resume from;
beside them a reviewer's annotations and rubric reviews, and a full-text index over the
leader's answers.

Durability is the point of this module. The database runs in WAL mode with
`synchronous=FULL`, and every answer is written in one transaction together with the turns
it produced and the new snapshot, before the caller shows the next question: a killed
terminal loses nothing that was acknowledged, and never leaves half a turn. The schema
version is kept in `PRAGMA user_version`; `MIGRATIONS` brings any older database up to date.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import shutil
import sqlite3
import stat
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from coach import annotations as notes
from coach import forget
from coach.errors import CoachError, StoreError, UsageError, os_reason
from coach.home import DATABASE_NAME, ensure_home
from coach.model import Annotation, Dialogue, SessionInfo, Transcript, TranscriptTurn
from coach.search import (
    SNIPPET_TOKENS,
    Piece,
    SearchHit,
    choose_markers,
    fts_query,
    split_snippet,
)
from coach.sqlite import Database
from coach.steps import Turn
from coach.text import subject_key as text_subject_key

Clock = Callable[[], str]
NUMBERS_FILE = "laatste-sessienummer"  # beside coach.db: see Store._highest_number
OUR_TABLES = {"sessions", "turns"}
UNFINISHED = ("active", "paused")


class SessionGone(StoreError):
    """The session a window opened is no longer there (deleted meanwhile): nothing was saved."""

    def __init__(self, session_id: int) -> None:
        super().__init__(
            f"sessie {session_id} bestaat niet meer: hij is verwijderd terwijl dit gesprek "
            "openstond. Er is niets bewaard, ook niet in een ander gesprek",
            "begin zo nodig een nieuw gesprek met coach run",
        )
        self.session_id = session_id


class TooOldToRead(StoreError):
    """Opened only to read, a database of an older schema that must be migrated first."""


def utc_now() -> str:
    """The current time as `2026-11-24T17:10:03.123Z`: sortable, unambiguous."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _create_v1(db: Database) -> None:
    # sqlite-utils writes the DDL; imported here, where a new database gets its tables.
    from sqlite_utils import Database as Tables

    tables = Tables(db.conn, execute_plugins=False)
    tables.table("sessions").create(
        {
            "id": int,
            "uuid": str,
            "dialogue_id": str,
            "dialogue_version": int,
            "dialogue_hash": str,
            "dialogue_title": str,
            "dialogue_path": str,
            "subject": str,
            "status": str,
            "started_at": str,
            "updated_at": str,
            "ended_at": str,
            "state": str,
            "draft": str,
        },
        pk="id",
        not_null=[
            "uuid",
            "dialogue_id",
            "dialogue_version",
            "dialogue_hash",
            "dialogue_title",
            "status",
            "started_at",
            "updated_at",
            "state",
        ],
    )
    tables.table("sessions").create_index(["uuid"], unique=True)
    tables.table("sessions").create_index(["updated_at"])
    tables.table("turns").create(
        {
            "id": int,
            "session_id": int,
            "seq": int,
            "node": str,
            "phase": str,
            "kind": str,
            "speaker": str,
            "text": str,
            "value": str,
            "created_at": str,
        },
        pk="id",
        not_null=["session_id", "seq", "node", "kind", "speaker", "text", "created_at"],
        foreign_keys=[("session_id", "sessions", "id")],
    )
    tables.table("turns").create_index(["session_id", "seq"], unique=True)


# Version 2: a reviewer's annotations, rubric reviews, and full-text search.
#
# The search index holds the leader's answers only (`user_turns`), as an external-content
# FTS5 table: it keeps the words, not a second copy of the text. The triggers keep it in
# step with `turns`; a delete hands FTS5 the old text, which it needs to find the words to
# take out (a revised answer, `rewind`, deletes turns too). `remove_diacritics 2` folds
# accents, also those typed as a separate combining mark, so `geirriteerd` finds
# `geïrriteerd`. 'rebuild' indexes what a version 1 database already holds.
_V2 = [
    """CREATE TABLE annotations (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        turn INTEGER,
        text TEXT NOT NULL,
        author TEXT,
        created_at TEXT NOT NULL
    )""",
    "CREATE INDEX idx_annotations_session_id ON annotations (session_id)",
    """CREATE TABLE reviews (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        rubric_id TEXT NOT NULL,
        rubric_version INTEGER NOT NULL,
        rubric_hash TEXT NOT NULL,
        result TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (session_id, rubric_id)
    )""",
    "CREATE VIEW user_turns AS "
    "SELECT id, text FROM turns WHERE speaker = 'user' AND kind != 'skip'",
    """CREATE VIRTUAL TABLE turns_fts USING fts5(
        text, content='user_turns', content_rowid='id',
        tokenize="unicode61 remove_diacritics 2"
    )""",
    """CREATE TRIGGER turns_fts_insert AFTER INSERT ON turns
        WHEN new.speaker = 'user' AND new.kind != 'skip'
    BEGIN
        INSERT INTO turns_fts (rowid, text) VALUES (new.id, new.text);
    END""",
    """CREATE TRIGGER turns_fts_delete AFTER DELETE ON turns
        WHEN old.speaker = 'user' AND old.kind != 'skip'
    BEGIN
        INSERT INTO turns_fts (turns_fts, rowid, text) VALUES ('delete', old.id, old.text);
    END""",
    # coach never changes a stored turn; should a later version do so, the index follows.
    """CREATE TRIGGER turns_fts_update AFTER UPDATE ON turns
    BEGIN
        INSERT INTO turns_fts (turns_fts, rowid, text)
            SELECT 'delete', old.id, old.text WHERE old.speaker = 'user' AND old.kind != 'skip';
        INSERT INTO turns_fts (rowid, text)
            SELECT new.id, new.text WHERE new.speaker = 'user' AND new.kind != 'skip';
    END""",
    "INSERT INTO turns_fts (turns_fts) VALUES ('rebuild')",
]


def _create_v2(db: Database) -> None:
    for statement in _V2:
        db.execute(statement)


# Version 3: session numbers are never given twice, and tests made from a session are known.
#
# `session_numbers` keeps every number ever given (by coach, an import, or anything else
# that inserts a session: the trigger), and keeps it when its session is deleted: the next
# session never gets the number of a deleted one, where a window still open on the deleted
# session would otherwise write into someone else's. `test_cases` records where `coach test
# --from-transcript` put a session's words, so that deleting it can say they are still there.
_V3 = [
    "CREATE TABLE session_numbers (id INTEGER PRIMARY KEY)",
    "INSERT INTO session_numbers (id) SELECT id FROM sessions",
    """CREATE TRIGGER sessions_numbered AFTER INSERT ON sessions
    BEGIN
        INSERT OR IGNORE INTO session_numbers (id) VALUES (new.id);
    END""",
    """CREATE TABLE test_cases (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        path TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    "CREATE INDEX idx_test_cases_session_id ON test_cases (session_id)",
]


def _create_v3(db: Database) -> None:
    for statement in _V3:
        db.execute(statement)


# Each function brings the database from version N to N + 1 (index N). Never edit a
# released one: add the next, and a fixture database of the old version for the tests.
MIGRATIONS: list[Callable[[Database], None]] = [_create_v1, _create_v2, _create_v3]
SCHEMA_VERSION = len(MIGRATIONS)


class Store:
    """The transcript database of one user."""

    def __init__(self, db: Database, path: Path, clock: Clock = utc_now) -> None:
        self.db = db
        self.path = path
        self.clock = clock
        # The uuid of each session this store opened or made: a write to a session number
        # checks that it is still that session (see `_claim`).
        self._uuids: dict[int, str] = {}

    @classmethod
    def open(cls, home: Path, clock: Clock = utc_now) -> Store:
        """Open (or create) the database in `home`; StoreError with a clear message if it can't."""
        ensure_home(home)
        path = home / DATABASE_NAME
        _create_private(path)
        try:
            connection = sqlite3.connect(path, timeout=10)
        except sqlite3.Error as exc:
            raise _open_error(path, exc) from None
        try:
            db = Database(connection)
            _refuse_others(db, path)  # before anything writes: a refused file stays untouched
            _keep_private(path)
            _configure(db)
            _register_functions(db)
            _migrate(db, path)
        except sqlite3.Error as exc:
            connection.close()
            raise _open_error(path, exc) from None
        except BaseException:  # refused, a file that went, Ctrl-C: never a connection left open
            connection.close()
            raise
        return cls(db, path, clock)

    @classmethod
    def open_read_only(cls, home: Path, clock: Clock = utc_now) -> Store:
        """Open an existing database only to read it: nothing is created, changed or
        migrated, so a back-up on a read-only stick or mount can be looked at, and a
        damaged database is never written to. StoreError with a clear message if it can't.

        A database in WAL mode needs its -shm file, which SQLite cannot make in a read-only
        folder: then it is opened as immutable (nobody can write there either).
        """
        path = home / DATABASE_NAME
        uri = path.resolve().as_uri() + "?mode=ro"
        for extra in ("", "&immutable=1"):
            try:
                connection = sqlite3.connect(uri + extra, uri=True, timeout=10)
            except sqlite3.Error as exc:
                raise _open_error(path, exc) from None
            try:
                db = Database(connection)
                _refuse_others(db, path)
                _refuse_too_old_to_read(db, path)
                db.execute("PRAGMA busy_timeout = 10000")
                db.execute("PRAGMA temp_store = MEMORY")  # sorting never spills into $TMPDIR
                _register_functions(db)
            except StoreError:
                connection.close()
                raise
            except sqlite3.Error as exc:
                connection.close()
                if extra or not _cannot_write(exc):
                    raise _open_error(path, exc) from None
                continue
            _keep_private(path)  # only takes permissions away; on a read-only mount it can't
            return cls(db, path, clock)
        raise AssertionError("unreachable")  # the immutable attempt returns or raises

    def damaged(self) -> str | None:
        """What SQLite's quick check finds wrong with the database (None if nothing)."""
        try:
            rows = self.db.execute("PRAGMA quick_check").fetchall()
        except sqlite3.Error as exc:
            return str(exc)
        found = [str(row[0]) for row in rows]
        return None if found == ["ok"] else "; ".join(found[:3])

    def close(self) -> None:
        self.db.close()

    # -- writing ---------------------------------------------------------------------------

    def create_session(
        self,
        dialogue: Dialogue,
        state: dict[str, Any],
        turns: Iterable[Turn],
        subject: str | None = None,
        path: str | None = None,
    ) -> int:
        """A new session with its first turns, in one transaction; returns its id."""
        now = self.clock()
        session_uuid = uuid.uuid4().hex
        with self._writing():
            session_id = self._highest_number() + 1
            self.db.execute(
                "INSERT INTO sessions (id, uuid, dialogue_id, dialogue_version, dialogue_hash, "
                "dialogue_title, dialogue_path, subject, status, started_at, updated_at, state) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?)",
                [
                    session_id,
                    session_uuid,
                    dialogue.id,
                    dialogue.version,
                    dialogue.content_hash,
                    dialogue.title,
                    path,
                    subject,
                    now,
                    now,
                    json.dumps(state, ensure_ascii=False),
                ],
            )
            self._insert_turns(session_id, turns, now)
            self._note_number(session_id)
        self._uuids[session_id] = session_uuid
        return session_id

    def save(
        self,
        session_id: int,
        turns: Iterable[Turn],
        state: dict[str, Any],
        subject: str | None = None,
        status: str = "active",
    ) -> bool:
        """Add turns and replace the snapshot, in one durable transaction.

        Returns True when the snapshot held words that a delete took out of this session
        meanwhile (see coach/forget.py): they were left out again, and the caller should
        continue from `state(session_id)`, not from what it remembers.
        """
        now = self.clock()
        ended = now if status == "completed" else None
        with self._writing():
            session_uuid = self._claim(session_id)
            state, turns, forgotten = self._still_forgotten(session_id, state, list(turns))
            self._insert_turns(session_id, turns, now)
            self._update_one(
                session_id,
                "UPDATE sessions SET state = ?, status = ?, updated_at = ?, draft = NULL, "
                "ended_at = coalesce(?, ended_at), subject = coalesce(?, subject) "
                "WHERE id = ? AND uuid = ?",
                [
                    json.dumps(state, ensure_ascii=False),
                    status,
                    now,
                    ended,
                    subject,
                    session_id,
                    session_uuid,
                ],
            )
        return forgotten

    def _still_forgotten(
        self, session_id: int, state: dict[str, Any], turns: list[Turn]
    ) -> tuple[dict[str, Any], list[Turn], bool]:
        """`state` and `turns` without what a delete took out of this session while it was
        open (a cheap test first: the marker in the stored snapshot)."""
        rows = self.db.execute(
            "SELECT state FROM sessions WHERE id = ? AND instr(state, ?) > 0",
            [session_id, json.dumps(forget.REMOVED)],
        ).fetchall()
        if not rows:
            return state, turns, False
        scrubbed = forget.still_forgotten(_loads(rows[0][0]), copy.deepcopy(state))
        if not scrubbed.changed:
            return state, turns, False
        removed = scrubbed.quotes
        kept = [
            dataclasses.replace(
                turn,
                text=forget.scrub_text(turn.text, removed),
                value=forget.scrub_value(turn.value, removed),
            )
            if turn.speaker != "user"
            else turn
            for turn in turns
        ]
        return scrubbed.snapshot, kept, True

    def rewind(
        self, session_id: int, keep_turns: int, state: dict[str, Any], draft: str = ""
    ) -> None:
        """Remove the turns after `keep_turns` (a revised answer) and store the snapshot.

        `draft` is the answer taken back: it is kept as the draft in the same transaction,
        so that a kill before the new answer is committed never loses it (`resume` offers
        it again). A reviewer's note on a removed turn goes too: it was about text that is
        gone, and the next turn to get that number is another one.
        """
        with self._writing():
            session_uuid = self._claim(session_id)
            state, _, _ = self._still_forgotten(session_id, state, [])
            self.db.execute(
                "DELETE FROM turns WHERE session_id = ? AND seq > ?", [session_id, keep_turns]
            )
            self.db.execute(
                "DELETE FROM annotations WHERE session_id = ? AND turn > ?",
                [session_id, keep_turns],
            )
            self._update_one(
                session_id,
                "UPDATE sessions SET state = ?, status = 'active', updated_at = ?, draft = ? "
                "WHERE id = ? AND uuid = ?",
                [
                    json.dumps(state, ensure_ascii=False),
                    self.clock(),
                    draft or None,
                    session_id,
                    session_uuid,
                ],
            )

    def set_status(self, session_id: int, status: str, draft: str | None = None) -> None:
        """Change the status; `draft` keeps an answer that was being typed when it stopped."""
        with self._writing():
            session_uuid = self._claim(session_id)
            self._update_one(
                session_id,
                "UPDATE sessions SET status = ?, updated_at = ?, draft = ? "
                "WHERE id = ? AND uuid = ?",
                [status, self.clock(), draft or None, session_id, session_uuid],
            )

    def _claim(self, session_id: int) -> str:
        """The uuid of the session this store opened as `session_id`, checked inside the write
        transaction: SessionGone if it was deleted meanwhile (by another window, or purge),
        so that nothing is written, and certainly not into another session."""
        rows = self.db.execute("SELECT uuid FROM sessions WHERE id = ?", [session_id]).fetchall()
        found = str(rows[0][0]) if rows else None
        if found is None or found != self._uuids.get(session_id, found):
            raise SessionGone(session_id)
        self._uuids[session_id] = found
        return found

    def _update_one(self, session_id: int, sql: str, params: list[Any]) -> None:
        """Run an UPDATE of one session; SessionGone (and the transaction undone) if it did
        not change exactly one row."""
        if self.db.execute(sql, params).rowcount != 1:
            raise SessionGone(session_id)

    def _highest_number(self) -> int:
        """The highest session number ever given here: in the database, or (for a database
        put back from a back-up, which remembers less) in the file beside it."""
        return max(self._highest_in_database(), self._numbers_file_value())

    def _highest_in_database(self) -> int:
        row = self.db.execute(
            "SELECT max(coalesce((SELECT max(id) FROM sessions), 0), "
            "coalesce((SELECT max(id) FROM session_numbers), 0))"
        ).fetchone()
        return int(row[0])

    def _numbers_file_value(self) -> int:
        try:
            return int(self._numbers_file.read_text(encoding="ascii").strip() or 0)
        except (OSError, ValueError):
            return 0

    def _note_number(self, number: int) -> None:
        """Remember `number` in the file beside the database too, inside the write
        transaction (two coaches never write it at once). Best effort: the database itself
        remembers it as well, the file only matters after a back-up is put back."""
        if number <= self._numbers_file_value():
            return
        partial = self._numbers_file.with_name(f".{NUMBERS_FILE}.{uuid.uuid4().hex[:8]}")
        try:
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                handle.write(f"{number}\n")
            os.replace(partial, self._numbers_file)
        except OSError:
            partial.unlink(missing_ok=True)

    @property
    def _numbers_file(self) -> Path:
        return self.path.with_name(NUMBERS_FILE)

    def draft(self, session_id: int) -> str:
        """The unfinished answer saved when the session was interrupted ('' if none)."""
        rows = list(self._query("SELECT draft FROM sessions WHERE id = ?", [session_id]))
        return str(rows[0]["draft"] or "") if rows else ""

    # -- reading ---------------------------------------------------------------------------

    def session(self, session_id: int) -> SessionInfo:
        """One session; UsageError if there is no such session."""
        rows = list(self._query(_SESSION_SQL + " WHERE s.id = ?", [session_id]))
        if not rows:
            raise UsageError(
                f"er is geen sessie {session_id}",
                "coach transcripts list toont je sessies met hun nummers",
            )
        return _session_info(rows[0])

    def state(self, session_id: int) -> dict[str, Any]:
        """The snapshot to resume from; the session is this store's from now on (`_claim`)."""
        rows = list(self._query("SELECT state, uuid FROM sessions WHERE id = ?", [session_id]))
        if not rows:
            raise UsageError(f"er is geen sessie {session_id}")
        self._uuids.setdefault(session_id, str(rows[0]["uuid"]))
        try:
            state: dict[str, Any] = json.loads(rows[0]["state"])
        except (TypeError, ValueError):
            raise StoreError(f"de opgeslagen stand van sessie {session_id} is beschadigd") from None
        return state

    def sessions(
        self,
        statuses: Iterable[str] | None = None,
        limit: int | None = None,
        *,
        dialogue_id: str | None = None,
        subject: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> list[SessionInfo]:
        """Sessions, most recently active first.

        Filters: the dialogue, the subject (without case or accents, as memory compares
        people), and the last activity (`updated_at`) at or after `since` and before `until`
        (UTC times as stored).
        """
        where, params = _session_filters(dialogue_id, subject)
        wanted = list(statuses or [])
        if wanted:
            where.append(f"s.status IN ({', '.join('?' for _ in wanted)})")
            params += wanted
        if since is not None:
            where.append("s.updated_at >= ?")
            params.append(since)
        if until is not None:
            where.append("s.updated_at < ?")
            params.append(until)
        sql = _SESSION_SQL + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY s.updated_at DESC, s.id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [_session_info(row) for row in self._query(sql, params)]

    def count_sessions(self, dialogue_id: str) -> int:
        """How many sessions of a dialogue there are, in any status."""
        rows = list(
            self._query("SELECT count(*) AS n FROM sessions WHERE dialogue_id = ?", [dialogue_id])
        )
        return int(rows[0]["n"])

    def snapshots(
        self, dialogue_id: str, before: int | None = None
    ) -> Iterator[tuple[str | None, dict[str, Any]]]:
        """(subject, snapshot) of the sessions of a dialogue, newest first; with `before`,
        only sessions started before that one."""
        sql = "SELECT subject, state FROM sessions WHERE dialogue_id = ?"
        params: list[Any] = [dialogue_id]
        if before is not None:
            sql += " AND id < ?"
            params.append(before)
        for row in self._query(sql + " ORDER BY id DESC", params):
            try:
                state = json.loads(row["state"])
            except (TypeError, ValueError):
                continue  # a damaged snapshot is skipped, not fatal for a new session
            if isinstance(state, dict):
                yield row["subject"], state

    def unfinished(self) -> list[SessionInfo]:
        """Sessions that can be resumed: paused, or cut off while active; not an imported
        one whose snapshot could not be rebuilt (see `resumable`)."""
        sql = (
            _SESSION_SQL + " WHERE s.status IN (?, ?) AND CASE WHEN json_valid(s.state) "
            "THEN coalesce(json_extract(s.state, '$.resumable'), 1) ELSE 1 END != 0 "
            "ORDER BY s.updated_at DESC, s.id DESC"
        )
        return [_session_info(row) for row in self._query(sql, list(UNFINISHED))]

    def resumable(self, session_id: int) -> bool:
        """False for an imported session whose snapshot could not be rebuilt: the engine
        cannot go on from it, though what coach remembers is in it."""
        return self.state(session_id).get("resumable") is not False

    def transcript(self, session_id: int) -> Transcript:
        info = self.session(session_id)
        rows = self._query(
            "SELECT seq, node, phase, kind, speaker, text, value, created_at FROM turns "
            "WHERE session_id = ? ORDER BY seq",
            [session_id],
        )
        turns = tuple(
            TranscriptTurn(
                row["seq"],
                row["node"],
                row["phase"],
                row["kind"],
                row["speaker"],
                row["text"],
                _json_or_none(row["value"]),
                row["created_at"],
            )
            for row in rows
        )
        return Transcript(info, turns, tuple(self.annotations(session_id)))

    # -- annotations and reviews -----------------------------------------------------------

    def annotate(
        self, session_id: int, text: str, turn: int | None = None, author: str | None = None
    ) -> int:
        """Keep a reviewer's note on a session, or on one turn of it; returns its id.

        UsageError for a session or turn that does not exist, and for text that cannot be
        kept (see coach/annotations.py). The turns themselves are never touched.
        """
        text, author = notes.clean_text(text), notes.clean_author(author)
        with self._writing():
            self.session(session_id)
            if turn is not None and not self._has_turn(session_id, turn):
                raise UsageError(
                    f"sessie {session_id} heeft geen beurt {turn}",
                    f"coach transcripts show {session_id} toont de beurten met hun nummers",
                )
            return self._insert_annotation(
                session_id, Annotation(0, turn, text, author, self.clock())
            )

    def annotations(self, session_id: int) -> list[Annotation]:
        """The notes on a session, in the order they were written."""
        rows = self._query(
            "SELECT id, turn, text, author, created_at FROM annotations WHERE session_id = ? "
            "ORDER BY id",
            [session_id],
        )
        return [
            Annotation(row["id"], row["turn"], row["text"], row["author"], row["created_at"])
            for row in rows
        ]

    def save_review(
        self,
        session_id: int,
        rubric_id: str,
        rubric_version: int,
        rubric_hash: str,
        result: dict[str, Any],
    ) -> None:
        """Keep the review of a session with a rubric, in one durable transaction; it
        replaces an earlier review of that session with the same rubric."""
        with self._writing():
            self.session(session_id)
            self.db.execute(
                "INSERT INTO reviews (session_id, rubric_id, rubric_version, rubric_hash, "
                "result, created_at) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (session_id, rubric_id) DO UPDATE SET "
                "rubric_version = excluded.rubric_version, rubric_hash = excluded.rubric_hash, "
                "result = excluded.result, created_at = excluded.created_at",
                [
                    session_id,
                    rubric_id,
                    rubric_version,
                    rubric_hash,
                    json.dumps(result, ensure_ascii=False),
                    self.clock(),
                ],
            )

    def reviews(self, session_id: int) -> list[dict[str, Any]]:
        """The reviews of a session, oldest first: rubric_id, rubric_version, rubric_hash,
        result (as it was saved) and created_at."""
        rows = self._query(
            "SELECT rubric_id, rubric_version, rubric_hash, result, created_at FROM reviews "
            "WHERE session_id = ? ORDER BY created_at, id",
            [session_id],
        )
        return [{**row, "result": _json_or_none(row["result"])} for row in rows]

    # -- search ----------------------------------------------------------------------------

    def search(
        self,
        text: str,
        limit: int = 20,
        *,
        dialogue_id: str | None = None,
        subject: str | None = None,
    ) -> list[SearchHit]:
        """The leader's answers that hold every word of `text`, newest first, each with a
        snippet around the words found. UsageError if `text` has no word to look for.

        Newest first is by the time the answer was given (`created_at`; an imported session
        keeps its own times), and of two with the same time the one stored later first:
        exactly the order of `ORDER BY created_at DESC, id DESC` over all matches.

        Sorting all matches is slow for a common word (half a million of them in 100,000
        sessions), so they are read the way FTS5 gives them without sorting: most recently
        stored first (rowid = turns.id, descending), in batches, keeping the `limit` newest
        that pass the filters. Stored order is time order for what this machine made, but
        an imported session is stored later than its time, so the reading stops only when
        no match not read yet can be newer than the oldest kept (`_unread_newer`). That
        relies on what coach writes: no answer is later than its session's `updated_at`.
        """
        query = fts_query(text)
        if limit < 1:
            return []
        where, params = _session_filters(dialogue_id, subject)
        with self._reading():
            rows = self._newest_matches(query, limit, where, params)
            snippets = self._snippets(query, rows)
        return [
            SearchHit(
                row["session_id"],
                row["seq"],
                row["node"],
                row["created_at"],
                row["dialogue_id"],
                row["subject"],
                row["text"],
                snippets.get(row["id"], ((row["text"], False),)),
            )
            for row in rows
        ]

    def _newest_matches(
        self, query: str, limit: int, where: list[str], params: list[Any]
    ) -> list[dict[str, Any]]:
        """The `limit` newest answers that match `query` and pass the filters (see search)."""
        kept: list[dict[str, Any]] = []
        below: int | None = None  # the matches from this rowid up have been read
        size = max(BATCH_FIRST, limit)
        while True:
            read, lowest = self._batch_bounds(query, below, size)
            if read:
                conditions = [*where, "turns_fts.rowid >= ?"]
                values = [*params, lowest]
                if below is not None:
                    conditions.append("turns_fts.rowid < ?")
                    values.append(below)
                if len(kept) == limit:  # only what would displace one kept
                    conditions.append("(t.created_at, t.id) > (?, ?)")
                    values += [kept[-1]["created_at"], kept[-1]["id"]]
                found = self._search_query(
                    _HIT_SQL + " FROM turns_fts JOIN turns t ON t.id = turns_fts.rowid "
                    "JOIN sessions s ON s.id = t.session_id WHERE turns_fts MATCH ?"
                    + "".join(f" AND {condition}" for condition in conditions)
                    + " ORDER BY t.created_at DESC, t.id DESC LIMIT ?",
                    [query, *values, limit],
                )
                kept = _newest(kept + found, limit)
            if read < size:
                return kept  # every match has been read
            below = lowest
            if len(kept) == limit:
                done = self._unread_newer(query, kept, below, where, params)
                if done is not None:
                    return done
            size = min(size * 2, BATCH_MAX)

    def _batch_bounds(self, query: str, below: int | None, size: int) -> tuple[int, int]:
        """How many matches the next batch holds (at most `size`, the most recently stored
        below rowid `below`), and the lowest rowid among them."""
        sql = (
            "SELECT count(*) AS read, min(rowid) AS lowest FROM (SELECT rowid FROM turns_fts "
            "WHERE turns_fts MATCH ?"
            + ("" if below is None else " AND rowid < ?")
            + " ORDER BY rowid DESC LIMIT ?)"
        )
        row = self._search_query(sql, [query, *([] if below is None else [below]), size])[0]
        return int(row["read"]), int(row["lowest"] or 0)

    def _unread_newer(
        self,
        query: str,
        kept: list[dict[str, Any]],
        below: int,
        where: list[str],
        params: list[Any],
    ) -> list[dict[str, Any]] | None:
        """`kept` (full, newest first) with the matches below rowid `below`, not read yet,
        that are newer than its oldest; None if that takes looking through too many sessions.

        Such a match is an answer later than the oldest kept, so (as coach writes, see
        search) in a session whose `updated_at` is too: those sessions are found with the
        index on `updated_at`, and their answers are checked against the full-text index,
        newest first, until none can displace one kept.
        """
        oldest = kept[-1]["created_at"]
        recent = [
            row["id"]
            for row in self._search_query(
                "SELECT id FROM sessions WHERE updated_at >= ? LIMIT ?",
                [oldest, RECENT_SESSIONS_MAX + 1],
            )
        ]
        if len(recent) > RECENT_SESSIONS_MAX:
            return None
        if not recent:
            return kept
        marks = ", ".join("?" for _ in recent)
        # +t.id: the turns are found by session, never by a scan of all ids below `below`.
        candidates = self._search_query(
            _HIT_SQL + " FROM turns t JOIN sessions s ON s.id = t.session_id "
            f"WHERE t.session_id IN ({marks}) AND +t.id < ? AND t.created_at >= ? "
            "AND t.speaker = 'user' AND t.kind != 'skip'"
            + "".join(f" AND {condition}" for condition in where)
            + " ORDER BY t.created_at DESC, t.id DESC",
            [*recent, below, oldest, *params],
        )
        for start in range(0, len(candidates), CHECK_CHUNK):
            chunk = candidates[start : start + CHECK_CHUNK]
            if _order_key(chunk[0]) < _order_key(kept[-1]):
                break  # these and all after them are older than every answer kept
            ids = [row["id"] for row in chunk]
            matching = {
                row["id"]
                for row in self._search_query(
                    "SELECT rowid AS id FROM turns_fts WHERE turns_fts MATCH ? "
                    f"AND rowid IN ({', '.join('?' for _ in ids)})",
                    [query, *ids],
                )
            }
            kept = _newest(kept + [row for row in chunk if row["id"] in matching], len(kept))
        return kept

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """One read transaction, so that a search made of several queries sees one state of
        the database even while another coach writes (WAL). Inside a transaction: as is."""
        if self.db.conn.in_transaction:
            yield
            return
        try:
            self.db.conn.execute("BEGIN")
        except sqlite3.Error as exc:
            raise self._read_error(exc) from None
        try:
            yield
        finally:
            with suppress(sqlite3.Error):
                self.db.conn.execute("COMMIT")  # nothing was written: only ends the read

    def _snippets(self, query: str, rows: list[dict[str, Any]]) -> dict[int, tuple[Piece, ...]]:
        """FTS5's snippet of each hit, only for the hits shown (not for every match)."""
        if not rows:
            return {}
        markers = choose_markers(row["text"] for row in rows)
        start, end = markers or ("", "")
        ids = [row["id"] for row in rows]
        sql = (
            "SELECT rowid AS id, snippet(turns_fts, 0, ?, ?, ?, ?) AS snippet FROM turns_fts "
            f"WHERE turns_fts MATCH ? AND rowid IN ({', '.join('?' for _ in ids)})"
        )
        found = self._search_query(sql, [start, end, "…", SNIPPET_TOKENS, query, *ids])
        return {row["id"]: split_snippet(row["snippet"], markers) for row in found}

    def _search_query(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        try:
            return list(self.db.query(sql, params))
        except sqlite3.Error as exc:
            if "fts5" in str(exc).lower():  # fts_query should prevent it; never a traceback
                raise UsageError(
                    "coach kan met deze zoekwoorden niet zoeken", "probeer het met minder woorden"
                ) from None
            raise self._read_error(exc) from None

    # -- import ----------------------------------------------------------------------------

    def free_session_id(self, wanted: int) -> int:
        """`wanted` if that number was never given here, else the next after the highest:
        a number that belonged to a deleted session is never given again. Above the highest
        in the database but not above the one in the file beside it (a back-up was put
        back), a number may have been given since the back-up: it counts as given."""
        try:
            given = self.db.execute(
                "SELECT 1 FROM session_numbers WHERE id = ? UNION ALL "
                "SELECT 1 FROM sessions WHERE id = ?",
                [wanted, wanted],
            ).fetchall()
            in_database = self._highest_in_database()
        except sqlite3.Error as exc:
            raise self._read_error(exc) from None
        in_file = self._numbers_file_value()
        maybe_given = in_database < wanted <= in_file
        return max(in_database, in_file) + 1 if given or maybe_given else wanted

    def session_with_uuid(self, session_uuid: str) -> int | None:
        rows = list(self._query("SELECT id FROM sessions WHERE uuid = ?", [session_uuid]))
        return int(rows[0]["id"]) if rows else None

    def import_transcript(
        self, record: Transcript, state: dict[str, Any], path: str | None = None
    ) -> int:
        """Store a session from another machine exactly as it was, in one transaction: its
        uuid, fields, turns with their times, and annotations; `state` is the snapshot to
        keep with it. Its number is kept when free (see `free_session_id`); returns it.
        CoachError if a session with that uuid is already here."""
        info = record.session
        with self._writing():
            existing = self.session_with_uuid(info.uuid)
            if existing is not None:
                raise CoachError(
                    f"dit gesprek is al geïmporteerd: het staat hier als sessie {existing}",
                    f"coach transcripts show {existing} laat het zien",
                )
            number = self.free_session_id(info.id)
            self._insert_session(info, number, state, path)
            for turn in record.turns:
                self._insert_turn(number, turn, turn.created_at)
            for note in record.annotations:
                self._insert_annotation(number, note)
            self._note_number(number)
        return number

    def _insert_annotation(self, session_id: int, note: Annotation) -> int:
        cursor = self.db.execute(
            "INSERT INTO annotations (session_id, turn, text, author, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [session_id, note.turn, note.text, note.author, note.created_at],
        )
        return int(cursor.lastrowid or 0)

    def _insert_session(
        self, info: SessionInfo, number: int, state: dict[str, Any], path: str | None
    ) -> None:
        self.db.execute(
            "INSERT INTO sessions (id, uuid, dialogue_id, dialogue_version, dialogue_hash, "
            "dialogue_title, dialogue_path, subject, status, started_at, updated_at, ended_at, "
            "state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                number,
                info.uuid,
                info.dialogue_id,
                info.dialogue_version,
                info.dialogue_hash,
                info.dialogue_title,
                path,
                info.subject,
                info.status,
                info.started_at,
                info.updated_at,
                info.ended_at,
                json.dumps(state, ensure_ascii=False),
            ],
        )

    def _has_turn(self, session_id: int, seq: int) -> bool:
        rows = self._query(
            "SELECT 1 FROM turns WHERE session_id = ? AND seq = ?", [session_id, seq]
        )
        return bool(list(rows))

    # -- forgetting and keeping: delete, purge, backup -------------------------------------

    def inactive_since(self, moment: str) -> list[SessionInfo]:
        """Sessions whose last activity (`updated_at`) is before `moment`, oldest first."""
        sql = _SESSION_SQL + " WHERE s.updated_at < ? ORDER BY s.updated_at, s.id"
        return [_session_info(row) for row in self._query(sql, [moment])]

    def delete_sessions(self, session_ids: Iterable[int]) -> bool:
        """Remove sessions for good; False if the write-ahead log could not be emptied yet.

        One transaction removes their turns, a reviewer's annotations and rubric reviews,
        and their session rows, and with those rows the engine snapshot (every answer, and
        so what coach remembers about the person) and the draft. Then no copy of the text
        may stay behind: `secure_delete` (see `_configure`) has overwritten the freed space
        with zeros, `_clear_search_indexes` rebuilds the full-text index, and `_empty_log`
        checkpoints and truncates the -wal file, which still holds the pages as they were
        before. False means another coach was reading at
        that moment; the log is emptied when it closes. Never VACUUM here: it copies the
        whole database through a temporary file.
        """
        ids = sorted(set(session_ids))
        if ids:
            marks = ", ".join("?" for _ in ids)
            with self._writing():
                self._forget_copies(ids)
                for table in ("annotations", "reviews", "test_cases", "turns"):
                    self.db.execute(f"DELETE FROM {table} WHERE session_id IN ({marks})", ids)
                self.db.execute(f"DELETE FROM sessions WHERE id IN ({marks})", ids)
                self._clear_search_indexes()
        return self._empty_log()

    def test_cases(self, session_ids: Iterable[int]) -> list[str]:
        """Where `coach test --from-transcript` put these sessions' answers (paths as it
        wrote them), oldest first."""
        ids = sorted(set(session_ids))
        if not ids:
            return []
        rows = self._query(
            f"SELECT DISTINCT path FROM test_cases WHERE session_id IN ({_marks(ids)}) ORDER BY id",
            ids,
        )
        return [str(row["path"]) for row in rows]

    def note_test_case(self, session_id: int, path: str) -> None:
        """Remember that a test file now holds this session's answers (see `test_cases`)."""
        with self._writing():
            self.db.execute(
                "INSERT INTO test_cases (session_id, path, created_at) VALUES (?, ?, ?)",
                [session_id, path, self.clock()],
            )

    def _forget_copies(self, ids: list[int]) -> None:
        """Take the words of the sessions `ids` out of the sessions that are kept: what coach
        remembered from them in a later session with the same person (`previous.X` in its
        snapshot) and the coach turns that quoted it (see coach/forget.py). Inside the
        delete's transaction; the words then go from the file as the deleted ones do."""
        marks = _marks(ids)
        deleted = self.db.execute(
            f"SELECT subject, state FROM sessions WHERE id IN ({marks})", ids
        ).fetchall()
        pairs = forget.answered(_loads(state) for _, state in deleted)
        people = sorted({key for subject, _ in deleted if (key := subject_key(subject))})
        if not pairs or not people:
            return
        kept = self.db.execute(
            f"SELECT id, state FROM sessions WHERE id NOT IN ({marks}) "
            f"AND coach_subject(subject) IN ({_marks(people)})",
            [*ids, *people],
        ).fetchall()
        for session_id, state in kept:
            scrubbed = forget.scrub_snapshot(_loads(state), pairs)
            if scrubbed.changed:
                self._scrub_session(session_id, scrubbed.snapshot, scrubbed.quotes)

    def _scrub_session(self, session_id: int, snapshot: Any, removed: list[str]) -> None:
        self.db.execute(
            "UPDATE sessions SET state = ? WHERE id = ?",
            [json.dumps(snapshot, ensure_ascii=False), session_id],
        )
        turns = self.db.execute(
            "SELECT id, text, value FROM turns WHERE session_id = ? AND speaker != 'user'",
            [session_id],
        ).fetchall()
        for turn_id, text, value in turns:
            new_text, new_value = (
                forget.scrub_text(text, removed),
                forget.scrub_json(value, removed),
            )
            if (new_text, new_value) != (text, value):
                self.db.execute(
                    "UPDATE turns SET text = ?, value = ? WHERE id = ?",
                    [new_text, new_value, turn_id],
                )

    def backup(self, target: Path, force: bool = False) -> None:
        """A consistent copy of the whole database in `target`, readable by this user only.

        Made with SQLite's backup API, never by copying the file: the copy holds what is
        still in the -wal file, and is consistent even while another coach writes. It is
        written beside `target` under a temporary name and renamed when complete, so a
        failed backup leaves nothing; an existing `target` is replaced only with `force`.
        """
        if target.resolve().parent == self.path.resolve().parent and target.name.startswith(
            self.path.name
        ):
            raise UsageError(
                f"{target} is de database zelf, of een bestand ernaast",
                "kies voor de back-up een andere plek dan de gegevensmap",
            )
        if target.exists() and not force:
            raise UsageError(f"{target} bestaat al", "kies een andere naam, of gebruik --force")
        partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.deel")
        try:
            os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except OSError as exc:
            raise StoreError(f"kan {target} niet schrijven ({os_reason(exc)})") from None
        with suppress(OSError):  # a USB stick with FAT has no permissions to set
            os.chmod(partial, 0o600)  # os.open's mode is filtered by the umask; chmod's is not
        try:
            copy = sqlite3.connect(partial)
            try:
                self.db.conn.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside it
            finally:
                copy.close()
            os.replace(partial, target)
        except (sqlite3.Error, OSError) as exc:
            for leftover in (partial, partial.with_name(partial.name + "-journal")):
                leftover.unlink(missing_ok=True)
            reason = os_reason(exc) if isinstance(exc, OSError) else str(exc)
            if "full" in reason.lower():
                reason = "de schijf is vol"
            raise StoreError(f"kan de back-up niet schrijven naar {target} ({reason})") from None

    def _clear_search_indexes(self) -> None:
        """Rebuild every full-text (FTS) index, so no word of deleted text stays in one.

        `turns_fts` is an external-content index over the view `user_turns`: deleting rows
        does not take their words out of the index segments (the delete trigger only adds
        a delete marker beside the old segment, which keeps them); 'rebuild' writes the
        index anew from the rows that are left, and `secure_delete` zeroes the old pages.
        """
        rows = self.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND sql LIKE 'CREATE VIRTUAL TABLE%USING FTS%'"
        ).fetchall()
        for (name,) in rows:
            table = '"' + name.replace('"', '""') + '"'
            self.db.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")

    def _empty_log(self) -> bool:
        """Copy the -wal file into the database and truncate it to zero bytes."""
        try:
            busy = self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        except sqlite3.Error as exc:
            raise _write_error(self.path, exc) from None
        return int(busy) == 0

    # -- internals -------------------------------------------------------------------------

    def _insert_turns(self, session_id: int, turns: Iterable[Turn], now: str) -> None:
        for turn in turns:
            self._insert_turn(session_id, turn, now)

    def _insert_turn(self, session_id: int, turn: Turn | TranscriptTurn, now: str) -> None:
        self.db.execute(
            "INSERT INTO turns (session_id, seq, node, phase, kind, speaker, text, value, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                session_id,
                turn.seq,
                turn.node,
                turn.phase,
                turn.kind,
                turn.speaker,
                turn.text,
                None if turn.value is None else json.dumps(turn.value, ensure_ascii=False),
                now,
            ],
        )

    @contextmanager
    def _writing(self) -> Iterator[None]:
        try:
            with _immediate(self.db):  # never 'locked' halfway when two coaches write
                yield
        except sqlite3.Error as exc:
            raise _write_error(self.path, exc) from None

    def _query(self, sql: str, params: list[Any]) -> Iterator[dict[str, Any]]:
        try:
            return iter(list(self.db.query(sql, params)))
        except sqlite3.Error as exc:
            raise self._read_error(exc) from None

    def _read_error(self, exc: sqlite3.Error) -> StoreError:
        return StoreError(
            f"kan de database {self.path} niet lezen ({exc})",
            "is het bestand beschadigd? Zet het apart en start coach opnieuw",
        )


_SESSION_SQL = (
    "SELECT s.id, s.uuid, s.dialogue_id, s.dialogue_version, s.dialogue_hash, s.dialogue_title, "
    "s.dialogue_path, s.subject, s.status, s.started_at, s.updated_at, s.ended_at, "
    "(SELECT count(*) FROM turns t WHERE t.session_id = s.id AND t.speaker = 'user' "
    "AND t.kind != 'skip') AS answers FROM sessions s"
)


# Store.search reads matches in batches, most recently stored first: the first batch holds
# BATCH_FIRST (or `limit`), every next one twice as many, up to BATCH_MAX. Once the sessions
# active since the oldest hit kept are at most RECENT_SESSIONS_MAX, it looks through their
# answers instead, CHECK_CHUNK at a time against the full-text index (see `_unread_newer`).
BATCH_FIRST = 32
BATCH_MAX = 8192
RECENT_SESSIONS_MAX = 256
CHECK_CHUNK = 64
_HIT_SQL = (
    "SELECT t.id, t.session_id, t.seq, t.node, t.text, t.created_at, s.dialogue_id, s.subject"
)


def _order_key(row: dict[str, Any]) -> tuple[str, int]:
    """Search order, newest first when sorted in reverse: `created_at DESC, id DESC`."""
    return (row["created_at"], row["id"])


def _newest(rows: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    return sorted(rows, key=_order_key, reverse=True)[:limit]


def _session_filters(dialogue_id: str | None, subject: str | None) -> tuple[list[str], list[Any]]:
    """SQL conditions on `sessions s` for a dialogue and a subject."""
    where: list[str] = []
    params: list[Any] = []
    if dialogue_id is not None:
        where.append("s.dialogue_id = ?")
        params.append(dialogue_id)
    if subject is not None:
        where.append("coach_subject(s.subject) = ?")
        params.append(subject_key(subject))
    return where, params


def subject_key(subject: str | None) -> str | None:
    """A subject as coach.memory.same_subject compares them (coach.text.subject_key):
    `  JOËLLE ` → `joelle`, `Pa\u200dul` → `paul`."""
    return None if subject is None else text_subject_key(subject)


def _register_functions(db: Database) -> None:
    """SQL functions for this connection only; never use them in the schema (views,
    triggers, indexes), which other programs must be able to read."""
    db.conn.create_function("coach_subject", 1, subject_key, deterministic=True)


def _session_info(row: dict[str, Any]) -> SessionInfo:
    return SessionInfo(**{name: row[name] for name in _SESSION_FIELDS})


_SESSION_FIELDS = [field.name for field in fields(SessionInfo)]


def _marks(values: list[Any]) -> str:
    return ", ".join("?" for _ in values)


def _loads(text: str | None) -> Any:
    """A stored snapshot; None if it cannot be read (then nothing in it is looked at)."""
    try:
        return json.loads(text or "null")
    except ValueError:
        return None


def _json_or_none(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _configure(db: Database) -> None:
    db.execute("PRAGMA busy_timeout = 10000")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA secure_delete = ON")  # deleted text is overwritten, not left in free pages
    db.execute("PRAGMA temp_store = MEMORY")  # sorting never spills answers into $TMPDIR
    _enable_wal(db)
    db.execute(
        "PRAGMA synchronous = FULL"
    )  # a committed turn survives a power cut, not just a crash


def _enable_wal(db: Database, wait: float = 10.0) -> None:
    """Switch a new database to WAL. That needs the file to itself, and SQLite says
    'database is locked' at once, without the busy timeout, while another coach opens the
    same new file: then try again (usually to find that one has switched it already)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            db.enable_wal()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _create_private(path: Path) -> None:
    """Create a new database file as 0600 before SQLite opens it, whatever the umask.

    SQLite gives the -wal and -shm files it makes beside it the same permissions. An
    empty file is an empty database to SQLite; if it cannot be made here (a read-only
    folder), sqlite3.connect reports why.
    """
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.chmod(path, 0o600)  # os.open's mode is filtered by the umask; chmod's is not
    except OSError:
        return


def _keep_private(path: Path) -> None:
    """Take away what others may do with the database and its -wal and -shm files (a copy
    put back with `cp` is often 0644); what the owner may do stays as it was."""
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            mode = stat.S_IMODE(file.stat().st_mode)
            if mode & 0o077:
                os.chmod(file, mode & 0o700)
        except OSError:
            continue


def _refuse_others(db: Database, path: Path) -> None:
    """Refuse a database of another program or of a newer coach, by reading only."""
    with db.atomic():  # one snapshot: another coach may be creating the tables right now
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        tables = set(db.table_names())
    # coach sets user_version in the transaction that makes its tables: tables at version 0,
    # or a version without coach's tables, are another program's.
    if (version == 0 and tables) or (version > 0 and OUR_TABLES - tables):
        raise StoreError(
            f"{path} is een SQLite-database, maar niet van coach",
            "kies met --home of COACH_HOME een andere map; het bestand blijft onaangeroerd",
        )
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path} is gemaakt door een nieuwere versie van coach",
            "werk coach bij (pip install --upgrade coach) om deze gesprekken te openen",
        )


READABLE_VERSION = 2  # the oldest schema the reading commands can read without migrating


def _refuse_too_old_to_read(db: Database, path: Path) -> None:
    """Opened only to read, an older database cannot be brought up to date first."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version < READABLE_VERSION:
        raise TooOldToRead(
            f"{path} is gemaakt door een oudere versie van coach en kan alleen-lezend niet "
            "worden bijgewerkt",
            "open hem één keer met coach in een map waarin je mag schrijven (bijvoorbeeld "
            "een kopie); daarna kan het ook alleen-lezend",
        )


def _cannot_write(exc: sqlite3.Error) -> bool:
    """SQLite could not make or write a file it needs beside the database (the -shm)."""
    text = str(exc).lower()
    return "readonly" in text or "read-only" in text or "unable to open" in text


def _migrate(db: Database, path: Path) -> None:
    if int(db.execute("PRAGMA user_version").fetchone()[0]) >= SCHEMA_VERSION:
        return
    # Another coach may be creating or updating this database at this very moment: take the
    # write lock first (waiting for it), then look again at what is there.
    with _immediate(db):
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with db.atomic():
                MIGRATIONS[target - 1](db)
                db.execute(f"PRAGMA user_version = {target}")


@contextmanager
def _immediate(db: Database) -> Iterator[None]:
    """A write transaction that takes the write lock at BEGIN, waiting for another coach up
    to the busy timeout. A plain BEGIN takes it at the first write, and if another coach
    committed after this transaction first read, SQLite says 'database is locked' at once,
    without waiting. Inside a transaction already: a savepoint."""
    if db.conn.in_transaction:
        with db.atomic():
            yield
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        db.conn.execute("COMMIT")
    except BaseException:
        db.rollback()
        raise


def _disk_full(path: Path, exc: sqlite3.Error) -> bool:
    """SQLite says 'full' when the database cannot grow; a full disk while it makes the -shm
    file beside it is only 'disk I/O error', so then the free space decides."""
    text = str(exc).lower()
    if "full" in text:
        return True
    if "disk i/o error" in text:
        with suppress(OSError):
            return shutil.disk_usage(path.parent).free < 1_000_000
    return False


def _open_error(path: Path, exc: sqlite3.Error) -> StoreError:
    text = str(exc).lower()
    if _disk_full(path, exc):
        return _write_error(path, exc)
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return StoreError(
            f"{path} is beschadigd of geen database van coach",
            "zet het bestand apart (hernoem het) en start coach opnieuw; je krijgt dan een lege "
            "database, en het oude bestand blijft onaangeroerd",
        )
    if "unable to open" in text or "readonly" in text or "read-only" in text:
        return StoreError(
            f"kan {path} niet openen om te schrijven",
            "controleer of je in deze map mag schrijven, of kies met --home een andere map",
        )
    if "locked" in text or "busy" in text:
        return StoreError(
            f"{path} is bezet door een ander programma",
            "sluit andere vensters met coach en probeer het opnieuw",
        )
    return StoreError(f"kan {path} niet openen ({exc})")


def _write_error(path: Path, exc: sqlite3.Error) -> StoreError:
    text = str(exc).lower()
    if _disk_full(path, exc):
        return StoreError(
            f"de schijf is vol: kan niet schrijven naar {path}",
            "maak ruimte vrij en ga verder met coach resume",
        )
    if "readonly" in text or "read-only" in text:
        return StoreError(
            f"{path} is alleen-lezen", "controleer de rechten van het bestand en van de map"
        )
    if "locked" in text or "busy" in text:
        return StoreError(
            f"{path} is bezet door een ander programma",
            "sluit andere vensters met coach en probeer het opnieuw",
        )
    return _open_error(path, exc)

"""Saved sessions as the commands name them: the store if there is one, a session number as
typed, the transcript of one session.

Apart from coach/app.py so that the commands that only read what was saved (`transcripts
list`, `show`, `search`, `review` …) do not load the loader, the engine and the terminal
conversation they never use (bench/ measures what that costs).
"""

from __future__ import annotations

from pathlib import Path

from coach.errors import StoreError, UsageError
from coach.home import DATABASE_NAME
from coach.model import Transcript
from coach.store import Store, TooOldToRead


def existing_store(home: Path, read_only: bool = False) -> Store | None:
    """The store if there is one: looking at transcripts never creates a database. With
    `read_only` (the commands that only look) it is opened without writing anything, so a
    back-up on read-only media can be read."""
    if not (home / DATABASE_NAME).exists():
        return None
    if not read_only:
        return Store.open(home)
    try:
        return Store.open_read_only(home)
    except TooOldToRead as old:
        try:  # brought up to date first, where coach may write (as any command did before)
            return Store.open(home)
        except StoreError:
            raise old from None


def session_number(text: str) -> int:
    try:
        number = int(text.strip().lstrip("#"))
    except ValueError:
        number = 0
    if number < 1:
        raise UsageError(
            f"'{text}' is geen sessienummer",
            "coach transcripts list toont je sessies met hun nummers",
        )
    return number


def transcript(home: Path, session: str) -> Transcript:
    """The transcript of a session given as typed on the command line."""
    number = session_number(session)
    store = existing_store(home, read_only=True)
    if store is None:
        raise UsageError(f"er is geen sessie {number}", "er zijn nog geen gesprekken bewaard")
    try:
        return store.transcript(number)
    finally:
        store.close()

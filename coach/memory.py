"""What coach remembers about a person between sessions: the `remember` answers.

A dialogue names who it is about (`subject`) and which answers to keep (`remember`). The
next session of that dialogue with the same subject (compared without case, accents or
invisible characters, so `Paul`, `paul` and `Pa\u200dul` are one person) offers them as
`previous.X`: for each name, the most recent session in which it was answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from coach.engine import Engine
from coach.expr import Value
from coach.text import subject_key


def same_subject(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and subject_key(a) == subject_key(b)


def remembered(
    snapshots: Iterable[tuple[str | None, Mapping[str, Any]]],
    subject: str,
    names: Iterable[str],
) -> dict[str, Value]:
    """The latest answer per name among earlier sessions about `subject`, newest first."""
    wanted = list(names)
    found: dict[str, Value] = {}
    for session_subject, snapshot in snapshots:
        if not same_subject(session_subject, subject):
            continue
        answers = Engine.answers_in(snapshot)
        for name in wanted:
            value = answers.get(name)
            if name not in found and value not in (None, ""):
                found[name] = value
        if len(found) == len(wanted):
            break
    return found

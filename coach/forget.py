"""What deleting a session must also take out of the sessions that are kept: the copies coach
made of its answers.

coach remembers answers between sessions with the same person (coach/memory.py): a later
session keeps them in its snapshot as `previous.X`, and its coach turns may quote them
(`Vorige keer nam je je voor: ‘…’`). Deleting the earlier session must not leave its words
there. The store (Store.delete_sessions) hands the snapshots of the sessions it deletes and
of the ones it keeps to these functions, and writes back what they return.

A remembered value is recognised by name and value: `previous.X` in a kept session is
replaced when a deleted session answered X with exactly that. The coach turns and the rest
of that kept session's snapshot lose every quote of such a value, as a template can have
written it (as is, without its full stop, reflected into the second person, any case),
replaced by REMOVED. What the user typed in the kept session itself is never changed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from coach.reflect import reflect

REMOVED = "[verwijderd]"

# Keys of a snapshot whose strings are what the user typed in that session: kept as they are.
_OWN_WORDS = {"answers", "answer_text", "held"}

Pair = tuple[str, str]  # (answer name, the value as canonical JSON)


def answered(snapshots: Iterable[Any]) -> set[Pair]:
    """Every (name, value) answered in these snapshots, in any frame, now or in the history."""
    pairs: set[Pair] = set()
    for snapshot in snapshots:
        for answers in _dicts_under(snapshot, "answers"):
            for name, value in answers.items():
                if value not in (None, "", []):
                    pairs.add((str(name), _canonical(value)))
    return pairs


@dataclass(frozen=True)
class Scrubbed:
    """A kept session's snapshot after scrubbing: whether anything changed, and the texts
    whose quotes must go from its coach turns too."""

    snapshot: Any
    changed: bool
    quotes: list[str]


def scrub_snapshot(snapshot: Any, deleted: set[Pair]) -> Scrubbed:
    """The snapshot without the remembered values that came from deleted sessions."""
    return _scrub(snapshot, lambda name, value: (str(name), _canonical(value)) in deleted)


def still_forgotten(stored: Any, snapshot: Any) -> Scrubbed:
    """A new snapshot of a session whose words from a deleted session were taken out
    (`stored`, as it is in the database now) while a window had it open: the window's
    engine still remembers them. Every `previous.X` that is REMOVED in `stored` becomes
    REMOVED in `snapshot` too."""
    names = {
        name
        for previous in _dicts_under(stored, "previous")
        for name, value in previous.items()
        if value == REMOVED
    }
    return _scrub(snapshot, lambda name, value: name in names and value != REMOVED)


def _scrub(snapshot: Any, forgotten: Callable[[str, Any], bool]) -> Scrubbed:
    """Replace the `previous` values that are `forgotten`, and their quotes elsewhere in the
    snapshot. A text the user also typed in this session itself is not looked for in the
    quotes: those words are this session's own (its answers keep them in any case)."""
    removed: list[str] = []
    for previous in _dicts_under(snapshot, "previous"):
        for name, value in list(previous.items()):
            if forgotten(name, value):
                removed.append(_as_text(value))
                previous[name] = REMOVED
    own = {
        _as_text(value)
        for answers in _dicts_under(snapshot, "answers")
        for value in answers.values()
    }
    quotes = [text for text in dict.fromkeys(removed) if text not in own]
    if quotes:
        snapshot = _scrub_strings(snapshot, _pattern(quotes))
    return Scrubbed(snapshot, bool(removed), quotes)


def scrub_text(text: str, removed: list[str]) -> str:
    """`text` with every quote of these values replaced by REMOVED."""
    return _pattern(removed).sub(REMOVED, text) if removed else text


def scrub_value(value: Any, removed: list[str]) -> Any:
    """A turn's value (a card, a probe's rule) with every quote of these values replaced."""
    return _scrub_strings(value, _pattern(removed), skip=set()) if removed else value


def scrub_json(text: str | None, removed: list[str]) -> str | None:
    """A turn's JSON value with every quote of these values replaced in its strings."""
    if text is None or not removed:
        return text
    try:
        data = json.loads(text)
    except ValueError:
        return scrub_text(text, removed)
    return json.dumps(_scrub_strings(data, _pattern(removed), skip=set()), ensure_ascii=False)


def _pattern(removed: list[str]) -> re.Pattern[str]:
    """Every form a template can give these values, longest first, as whole words."""
    forms: set[str] = set()
    for text in removed:
        for form in (text, _without_full_stop(text)):
            forms |= {form.strip(), reflect(form).strip(), _without_full_stop(reflect(form))}
    ordered = sorted((form for form in forms if form), key=len, reverse=True)
    alternatives = "|".join(re.escape(form) for form in ordered)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _scrub_strings(data: Any, pattern: re.Pattern[str], skip: set[str] = _OWN_WORDS) -> Any:
    if isinstance(data, str):
        return pattern.sub(REMOVED, data)
    if isinstance(data, list):
        return [_scrub_strings(item, pattern, skip) for item in data]
    if isinstance(data, dict):
        return {
            key: value if key in skip else _scrub_strings(value, pattern, skip)
            for key, value in data.items()
        }
    return data


def _dicts_under(data: Any, key: str) -> Iterable[dict[str, Any]]:
    """Every dictionary kept under `key` anywhere in `data`."""
    if isinstance(data, dict):
        for name, value in data.items():
            if name == key and isinstance(value, dict):
                yield value
            else:
                yield from _dicts_under(value, key)
    elif isinstance(data, list):
        for item in data:
            yield from _dicts_under(item, key)


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _as_text(value: Any) -> str:
    """As coach/templates.py `as_text` puts a value in a sentence (a list: comma-separated)."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, list | tuple):
        return ", ".join(_as_text(item) for item in value)
    return str(value)


def _without_full_stop(text: str) -> str:
    stripped = text.strip()
    if stripped.endswith(".") and not stripped.endswith(".."):
        return stripped[:-1]
    return stripped

"""Full-text search over the leader's answers: the query, the hits, and their snippets.

The store keeps an FTS5 index over what the leader typed (`turns_fts`, see coach/store.py):
case- and accent-insensitive, so `geirriteerd` finds `geïrriteerd`. What a user types is
never handed to FTS5 as a query: it is split into words, and each word becomes a quoted FTS5
string (a trailing `*` makes it a prefix), so `AND`, `NEAR(`, `"` or `-` are just text.

Snippets come from FTS5's `snippet()`, which marks the found words with two marker
characters. The marked text is the leader's own text, which may hold any character, so the
markers are chosen per search among control characters that none of the hits contains:
they can never be confused with what was typed. `visible()` would show them, never obey them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from coach.errors import UsageError

MAX_WORDS = 32  # FTS5 nests AND-ed phrases; its parser refuses a tree more than 256 deep
SNIPPET_TOKENS = 16
ELLIPSIS = "…"
_WORD_CHAR = re.compile(r"[^\W_]")  # a letter or digit: something FTS5 indexes
# Candidate markers: C0 controls that are neither whitespace nor something a terminal keeps.
_MARKERS = [chr(code) for code in (*range(0x01, 0x09), *range(0x0E, 0x20))]

Piece = tuple[str, bool]  # a stretch of text, and whether it is a found word


@dataclass(frozen=True)
class SearchHit:
    """One answer that holds the words searched for."""

    session_id: int
    seq: int
    node: str
    created_at: str  # when the answer was saved
    dialogue_id: str
    subject: str | None
    text: str  # the whole answer, exactly as typed
    snippet: tuple[Piece, ...]  # the part around the found words, those marked True


def fts_query(text: str) -> str:
    """The FTS5 query for what the user typed: every word a quoted string, all required.

    UsageError when there is no word to look for, or too many.
    """
    phrases = []
    for chunk in text.split():
        prefix = chunk.endswith("*")
        word = chunk.rstrip("*")
        if not _WORD_CHAR.search(word):
            continue  # only punctuation or symbols: FTS5 would find no word in it
        phrases.append('"' + word.replace('"', '""') + '"' + ("*" if prefix else ""))
    if not phrases:
        raise UsageError(
            "geef een of meer woorden om naar te zoeken",
            "bijvoorbeeld: coach transcripts search geïrriteerd (met * erachter: woorden die "
            "zo beginnen)",
        )
    if len(phrases) > MAX_WORDS:
        raise UsageError(
            f"je zoekt met {len(phrases)} woorden; het kan met hoogstens {MAX_WORDS}",
            "kies de paar woorden die het meest zeggen",
        )
    return " ".join(phrases)


def choose_markers(texts: Iterable[str]) -> tuple[str, str] | None:
    """Two marker characters that occur in none of `texts`; None if there are no two left."""
    seen = set("".join(texts))
    free = [char for char in _MARKERS if char not in seen]
    return (free[0], free[1]) if len(free) >= 2 else None


def split_snippet(snippet: str, markers: tuple[str, str] | None) -> tuple[Piece, ...]:
    """A snippet from FTS5 as pieces of text, the found words marked True."""
    if markers is None:
        return ((snippet, False),)
    start, end = markers
    pieces: list[Piece] = []
    for index, part in enumerate(re.split(f"[{re.escape(start + end)}]", snippet)):
        # FTS5 never nests its marks: every odd part stands between a start and an end.
        if part:
            pieces.append((part, index % 2 == 1))
    return tuple(pieces)

"""A reviewer's notes on a session: what may be written in one, and by whom.

An annotation is kept beside the transcript, never in it: the leader's answers stay exactly
as they were typed. Its text is shown in `transcripts show` and in exports, so it is held to
what can be shown safely: line breaks and tabs, no other control characters, no invisible
or bidirectional formatting, and valid UTF-8.
"""

from __future__ import annotations

from coach.errors import UsageError
from coach.visible import ACTING, visible

MAX_CHARS = 4000
MAX_AUTHOR_CHARS = 80


def clean_text(text: str) -> str:
    """The text of an annotation without the blank space around it; UsageError if it
    cannot be kept."""
    text = text.strip()
    if not text:
        raise UsageError(
            "de opmerking is leeg",
            "schrijf de tekst na het sessienummer, of geef - en geef de tekst via de invoer",
        )
    if len(text) > MAX_CHARS:
        raise UsageError(
            f"de opmerking is {_number(len(text))} tekens lang; het mag hoogstens "
            f"{_number(MAX_CHARS)}",
            "kort haar in, of verdeel haar over meer opmerkingen",
        )
    _refuse_unsafe(text, "de opmerking")
    return text


def clean_author(author: str | None) -> str | None:
    """Who wrote the annotation, on one line; None when not given."""
    if author is None:
        return None
    author = author.strip()
    if not author or len(author) > MAX_AUTHOR_CHARS:
        raise UsageError(f"--door verwacht een naam van hoogstens {MAX_AUTHOR_CHARS} tekens")
    if "\n" in author or "\t" in author:
        raise UsageError("--door verwacht een naam op één regel")
    _refuse_unsafe(author, "--door")
    return author


def _number(count: int) -> str:
    """`4000` as Dutch readers write it: `4.000`."""
    return f"{count:,}".replace(",", ".")


def _refuse_unsafe(text: str, what: str) -> None:
    if any("\ud800" <= char <= "\udfff" for char in text):  # bytes that were no UTF-8
        raise UsageError(f"{what} bevat tekens die geen UTF-8 zijn", "typ de tekst opnieuw")
    found = ACTING.search(text)
    if found:
        raise UsageError(
            f"{what} bevat een stuurteken ({visible(found.group())}); alleen regelovergangen "
            "en tabs mogen",
            "haal het teken weg; het komt vaak mee bij kopiëren uit een ander programma",
        )

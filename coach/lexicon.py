"""Word lists that follow-up rules test answers against: `mentions(answer, 'emoties')`.

A lexicon is a list of entries: single words (`boos`), phrases (`ergerde me`), and words
with a wildcard (`irrit*` for any word starting with `irrit`, `*stress` for compounds such
as `werkstress`). Answers and entries are compared word by word after folding (case,
accents) and Dutch stemming, so `geïrriteerd`, `geirriteerde` and `irritatie` all match the
entry `irritatie`. In a lexicon with negation on, a hit that follows `niet`, `geen`, `nooit`,
`allerminst` or `nauwelijks` within three words, in the same clause, does not count:
`niet boos` is not an emotion, but in `niet boos maar teleurgesteld` the second word is.

Pure functions on frozen data; reading lexicon files is in `coach.lexicon_files`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from coach.text import Token, analyse, fold, stem, words

NEGATORS = frozenset({"niet", "geen", "nooit", "allerminst", "nauwelijks", "niks", "niets"})
# A negation does not reach past a contrast or a new clause: "niet boos, wel teleurgesteld".
SCOPE_ENDS = frozenset({"maar", "wel", "en", "of", "want", "dus", "omdat", "terwijl", "toch"})
NEGATION_REACH = 3  # words


@dataclass(frozen=True)
class Part:
    """One word of an entry: a stem to compare, or a folded prefix or suffix."""

    text: str
    how: str  # "stem", "prefix" or "suffix"

    def fits(self, token: Token) -> bool:
        if self.how == "prefix":
            return token.folded.startswith(self.text)
        if self.how == "suffix":
            return token.folded.endswith(self.text)
        return token.stem == self.text


@dataclass(frozen=True)
class Entry:
    source: str  # as written in the lexicon file
    parts: tuple[Part, ...]
    group: str = ""


@dataclass(frozen=True)
class Lexicon:
    id: str
    title: str
    entries: tuple[Entry, ...]
    negation: bool = True
    description: str = ""

    @cached_property
    def _by_first_stem(self) -> dict[str, list[Entry]]:
        index: dict[str, list[Entry]] = {}
        for entry in self.entries:
            if entry.parts[0].how == "stem":
                index.setdefault(entry.parts[0].text, []).append(entry)
        return index

    @cached_property
    def _wildcard_first(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.parts[0].how != "stem"]

    def warm(self) -> None:
        """Build the indexes now (they are kept when the lexicon is cached with a dialogue)."""
        _ = self._by_first_stem, self._wildcard_first

    def candidates(self, token: Token) -> list[Entry]:
        """The entries that could start at this word."""
        return self._by_first_stem.get(token.stem, []) + self._wildcard_first

    def groups(self) -> dict[str, list[str]]:
        """The entries per family, in file order (for menus and documentation)."""
        grouped: dict[str, list[str]] = {}
        for entry in self.entries:
            grouped.setdefault(entry.group, []).append(entry.source)
        return grouped


@dataclass(frozen=True)
class Hit:
    start: int  # character positions in the text
    end: int
    text: str  # the words as the user wrote them
    entry: Entry


class EntryError(ValueError):
    """An entry that is not a usable word or phrase."""


def make_entry(source: str, group: str = "") -> Entry:
    """Compile one entry as written in a lexicon file; EntryError if it has no words."""
    parts = []
    for raw in source.split():
        folded = fold(raw)
        if folded.startswith("*") and folded.endswith("*"):
            raise EntryError(f"'{raw}': gebruik * aan het begin óf aan het eind, niet allebei")
        core = folded.strip("*")
        found = words(core)
        if len(found) != 1 or found[0] != core:
            raise EntryError(f"'{raw}' is geen woord")
        if folded.endswith("*"):
            parts.append(Part(core, "prefix"))
        elif folded.startswith("*"):
            parts.append(Part(core, "suffix"))
        else:
            parts.append(Part(stem(core), "stem"))
    if not parts:
        raise EntryError("een lege regel is geen woord")
    return Entry(source, tuple(parts), group)


def make_lexicon(
    lexicon_id: str,
    title: str,
    entries: list[tuple[str, str]],
    negation: bool = True,
    description: str = "",
) -> Lexicon:
    """A lexicon from (entry, family) pairs; EntryError names the first bad entry."""
    return Lexicon(
        lexicon_id,
        title,
        tuple(make_entry(source, group) for source, group in entries),
        negation,
        description,
    )


def hits(lexicon: Lexicon, text: str) -> list[Hit]:
    """Every place the text mentions the lexicon, left to right, not overlapping.

    At each word the longest entry that fits wins, so `in de war` is one hit, not two.
    """
    tokens = analyse(text)
    found: list[Hit] = []
    index = 0
    while index < len(tokens):
        length = _longest_at(lexicon, tokens, index)
        if length and not (lexicon.negation and _negated(tokens, index)):
            first, last = tokens[index], tokens[index + length - 1]
            entry = _entry_at(lexicon, tokens, index, length)
            found.append(Hit(first.start, last.end, text[first.start : last.end], entry))
            index += length
        else:
            index += max(length, 1)
    return found


def starts(lexicon: Lexicon, text: str) -> Hit | None:
    """The first sentence (or quotation) of the text that begins with an entry, if any."""
    tokens = analyse(text)
    for index, token in enumerate(tokens):
        if token.sentence_start:
            length = _longest_at(lexicon, tokens, index)
            if length:
                last = tokens[index + length - 1]
                entry = _entry_at(lexicon, tokens, index, length)
                return Hit(token.start, last.end, text[token.start : last.end], entry)
    return None


def _fits_at(entry: Entry, tokens: tuple[Token, ...], index: int) -> bool:
    if index + len(entry.parts) > len(tokens):
        return False
    return all(part.fits(tokens[index + offset]) for offset, part in enumerate(entry.parts))


def _longest_at(lexicon: Lexicon, tokens: tuple[Token, ...], index: int) -> int:
    return max(
        (
            len(entry.parts)
            for entry in lexicon.candidates(tokens[index])
            if _fits_at(entry, tokens, index)
        ),
        default=0,
    )


def _entry_at(lexicon: Lexicon, tokens: tuple[Token, ...], index: int, length: int) -> Entry:
    return next(
        entry
        for entry in lexicon.candidates(tokens[index])
        if len(entry.parts) == length and _fits_at(entry, tokens, index)
    )


def _negated(tokens: tuple[Token, ...], index: int) -> bool:
    """A negating word shortly before this one, in the same clause."""
    position = index
    for _ in range(NEGATION_REACH):
        if tokens[position].clause_start:
            return False
        position -= 1
        word = tokens[position].folded
        if word in NEGATORS:
            return True
        if word in SCOPE_ENDS:
            return False
    return False

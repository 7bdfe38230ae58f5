"""Plain-text helpers: folding for matching, counting words, and laying out authored text.

Folding maps every character to exactly one character (lower case, accents removed), so a
position found in the folded text is the same position in the original, and a match can
be shown to the user in their own spelling.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from coach.visible import without_invisible

_WORD = re.compile(r"\w+(?:['’-]\w+)*")


@lru_cache(maxsize=4096)
def _base_char(char: str) -> str:
    return unicodedata.normalize("NFD", char)[0]


def strip_accents(text: str) -> str:
    """Remove accents, one character for one: `geïrriteerd` → `geirriteerd`."""
    if text.isascii():
        return text
    return "".join(_base_char(char) for char in text)


def fold(text: str) -> str:
    """Lower case and strip accents, one character for one: `Geïrriteerd` → `geirriteerd`."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few letters grow when lowered (İ); keep positions
        lowered = "".join(char if len(char.lower()) != 1 else char.lower() for char in text)
    return strip_accents(lowered)


def subject_key(subject: str) -> str:
    """Who a session is about, as coach compares people: lower case, no accents, single
    spaces, and without invisible characters, so `Paul`, `PAUL`, `Pa\u200dul` (a zero-width
    joiner) and `Pau\u00adl` (a soft hyphen), which all print as Paul, are one person."""
    return " ".join(fold(without_invisible(subject)).split())


def words(text: str) -> list[str]:
    """The words of a text, keeping `zo'n` and `collega-rector` whole."""
    return _WORD.findall(text)


def word_count(text: str) -> int:
    return len(words(text))


_LIST_ITEM = re.compile(r"\s*([-*•]|\d+[.)])\s")


def reflow(text: str) -> str:
    """Authored text as paragraphs: a single line break is a space (the screen wraps at its
    own width); blank lines between paragraphs and line breaks before list items are kept."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        joined = ""
        for line in (line.strip() for line in block.splitlines()):
            if not line:
                continue
            if joined and not _LIST_ITEM.match(line):
                joined += " " + line
            else:
                joined += ("\n" if joined else "") + line
        paragraphs.append(joined)
    return "\n\n".join(paragraphs)


# -- analysis for lexicon matching ----------------------------------------------------------

_SENTENCE_BREAK = re.compile(r"[.!?;:\n\"“”‘«»]|(?:^|\s)'")
_CLAUSE_BREAK = re.compile(r"[.,!?;:()\n\"“”‘’«»–—]")


@dataclass(frozen=True)
class Token:
    """One word of a text: where it is, and the forms used to compare it."""

    start: int
    end: int
    folded: str  # lower case, accents removed
    stem: str  # the folded word reduced by the Dutch Snowball stemmer
    clause_start: bool  # punctuation separates it from the word before
    sentence_start: bool  # the first word of the text, of a sentence or of a quotation


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    # Imported on first use: start-up does not pay for a stemmer a dialogue may not need.
    from snowballstemmer.dutch_stemmer import DutchStemmer  # type: ignore[import-untyped]

    return DutchStemmer()


@lru_cache(maxsize=65536)
def stem(folded_word: str) -> str:
    """The Dutch stem of a folded word: `irritatie`, `geirriteerd` → `irriteer`."""
    return str(_stemmer().stemWord(folded_word))


@lru_cache(maxsize=256)
def analyse(text: str) -> tuple[Token, ...]:
    """The words of a text with their folded and stemmed forms, in order."""
    folded = fold(text)
    tokens: list[Token] = []
    previous_end = 0
    for found in _WORD.finditer(folded):
        gap = folded[previous_end : found.start()]
        word = found.group()
        tokens.append(
            Token(
                found.start(),
                found.end(),
                word,
                stem(word),
                clause_start=not tokens or _CLAUSE_BREAK.search(gap) is not None,
                sentence_start=not tokens or _SENTENCE_BREAK.search(gap) is not None,
            )
        )
        previous_end = found.end()
    return tuple(tokens)


# Words that two answers share without sharing a subject: articles, pronouns, auxiliaries,
# prepositions, conjunctions and fillers. shared() compares what is left (the content words).
FUNCTION_WORDS = frozenset(
    """
    aan al alle alles als alsof altijd ander andere anders ben bij bijna binnen blijft
    daar daarna daarom dan dat de deze die dit doe doen doet door dus echt een eens eerst
    eigenlijk en er ergens erg even gaan gaat geen gewoon had hadden heb hebben heeft hem
    hen het hier hij hoe hun iemand iets ik in is ja je jij jou jouw juist kan kon kunnen
    laat laten later maar me meer mee men mensen met mij mijn misschien moet moeten na
    naar natuurlijk nee niet niets nog nou nu of ofwel om omdat ons onze ook op over
    precies te tegen toch toe tot u uit van veel voor vooral waar waarom wanneer want was
    waren wat we wel welk welke werd wie wil willen word wordt worden zal ze zei zelf zich
    zij zijn zo zou zouden zulke zodat zoals terwijl doordat hoewel toen nadat voordat
    daardoor daarbij waardoor haar jullie wij elkaar zichzelf mezelf jezelf niemand heel
    zeer alleen kun kunt wilt mag mogen zullen hebt bent
    """.split()  # noqa: SIM905 -- a block of words is easier to keep up than 140 strings
)


def content_words(text: str) -> dict[str, list[tuple[int, int]]]:
    """The content words of a text by stem, each with where it occurs, in order: words of
    three letters or more that are not function words."""
    found: dict[str, list[tuple[int, int]]] = {}
    for token in analyse(text):
        if len(token.folded) >= 3 and token.folded not in FUNCTION_WORDS:
            found.setdefault(token.stem, []).append((token.start, token.end))
    return found

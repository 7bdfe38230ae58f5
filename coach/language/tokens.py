"""Words with their place in the text: sentences, clauses and quotations.

Every token keeps its character span in the original text, so whatever the layer finds can
be shown in the user's own spelling and highlighted exactly. Folding keeps positions (one
character for one), so spans found in the folded text are spans in the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.language.spelling import standard
from coach.text import fold, stem

WORD = re.compile(r"\w+(?:['’-]\w+)*")
_SENTENCE_END = re.compile(r"(?<!\.)\.(?!\.)|[!?\n]")  # an ellipsis (`ik... wil`) goes on
# A quotation's own full stop or exclamation mark, its closing mark, and a space.
_SPEECH_TAG = re.compile(r"[.!?…]+[”»›’\"']+[ \t]+")
_CLAUSE_END = re.compile(r"[,:;()–—\-]\s|[,:;()–—]")
# `'s ochtends`, `'t is`, `'n keer`: an apostrophe that elides a word opens no quotation.
_ELISIONS = frozenset({"s", "t", "n", "k", "m"})
_OPENING_QUOTES = "“„«‹‘\"'"
_CLOSING_QUOTES = "”»›’\"'"
_QUOTED_PUNCTUATION = ".,;:!?…"  # may stand inside a quotation, before its closing mark

# Words that open a new clause: a contrast, a reason, a time. A negation or an attribution
# does not reach across them.
CLAUSE_OPENERS = frozenset(
    [
        "maar",
        "want",
        "omdat",
        "terwijl",
        "hoewel",
        "doordat",
        "zodat",
        "nadat",
        "voordat",
        "zodra",
        "totdat",
        "tenzij",
        "behalve",
    ]
)
# `en` and `of` start a new clause only when a new subject follows: `niet boos of
# geïrriteerd` is one list, `niet boos en ik voelde me rustig` is two clauses.
LIST_JOINERS = frozenset({"en", "of", "dus"})
# `dat` opens a clause when a subject follows (`ze zei dat haar vader …`), not as a pronoun
# (`dat gesprek`); `en`/`of` likewise (`… gehad en mijn bloeddruk is te hoog`).
DETERMINERS = frozenset(
    ["de", "het", "een", "mijn", "m'n", "zijn", "haar", "ons", "onze", "hun", "jouw", "je"]
)
SUBJECT_WORDS = frozenset(
    [
        "ik",
        "je",
        "jij",
        "we",
        "wij",
        "hij",
        "zij",
        "ze",
        "u",
        "het",
        "dat",
        "dit",
        "er",
        "die",
        "men",
        "iedereen",
        "niemand",
    ]
)


@dataclass(frozen=True)
class Token:
    """One word: where it is in the text, and the forms used to compare it."""

    index: int
    start: int
    end: int
    folded: str  # lower case, accents removed: `geirriteerd`
    stem: str  # the Snowball stem of the folded word
    sentence: int  # the number of its sentence, from 0
    clause: int  # the number of its clause, from 0, across the whole text
    quoted: bool  # inside quotation marks
    capital: bool  # written with a capital letter
    clause_start: bool  # the first word of its clause
    sentence_start: bool  # the first word of the text, of a sentence or of a quotation


def tokenize(text: str) -> tuple[Token, ...]:
    """The words of a text in order, with their sentence, clause and quotation."""
    folded = fold(text)
    tokens: list[Token] = []
    sentence = clause = 0
    quoted = False
    previous_end = 0
    matches = list(WORD.finditer(folded))
    for number, found in enumerate(matches):
        gap = folded[previous_end : found.start()]
        raw = found.group()
        word = standard(raw)
        new_sentence = bool(tokens) and _SENTENCE_END.search(gap) is not None
        if new_sentence and quoted and _SPEECH_TAG.fullmatch(gap) and text[found.start()].islower():
            new_sentence = False  # `'Kom hier!' riep ze`: the sentence goes on after the quote
        new_clause = bool(tokens) and (new_sentence or _CLAUSE_END.search(gap) is not None)
        quote_open, quote_close = _quote_marks(gap, bool(tokens))
        if quote_open and raw in _ELISIONS and gap.endswith(("'", "’")):
            quote_open = False
        if quote_close and quoted:
            quoted = False
            new_clause = bool(tokens)
        if quote_open and not quoted:
            quoted = True
            new_clause = bool(tokens)
        if tokens and not new_clause:
            following = standard(matches[number + 1].group()) if number + 1 < len(matches) else ""
            new_clause = word in CLAUSE_OPENERS or (
                word in (*LIST_JOINERS, "dat")
                and (following in SUBJECT_WORDS or following in DETERMINERS)
            )
        if new_sentence:
            sentence += 1
        if new_clause:
            clause += 1
        tokens.append(
            Token(
                index=len(tokens),
                start=found.start(),
                end=found.end(),
                folded=word,
                stem=stem(word),
                sentence=sentence,
                clause=clause,
                quoted=quoted,
                capital=text[found.start()].isupper(),
                clause_start=not tokens or new_clause,
                sentence_start=not tokens or new_sentence or quote_open or ":" in gap,
            )
        )
        previous_end = found.end()
    return tuple(tokens)


def _quote_marks(gap: str, after_word: bool) -> tuple[bool, bool]:
    """(opens a quotation, closes one) for the characters between two words.

    A mark right after a word closes, also after the quotation's own punctuation (`… niet
    meer.'`, `… zitten?!”`); a mark right before the next word opens. Apostrophes inside
    words (`zo'n`, `collega's`) are part of the word and never reach here."""
    stripped = gap.strip()
    if not stripped:
        return False, False
    closes = after_word and gap.lstrip(_QUOTED_PUNCTUATION)[:1] in tuple(_CLOSING_QUOTES)
    opens = gap[-1] in _OPENING_QUOTES
    return opens, closes

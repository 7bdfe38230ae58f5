"""A light tone: laughter and jokes around words that would otherwise sound alarming.

`'ik wil dood' zei een jongen toen hij moest voorlezen; we hebben er samen om gelachen` and
`als ik die mail nog één keer lees, spring ik uit het raam, haha` are ways of speaking. A
quotation is read together with the whole answer (the laughter often follows it); the
leader's own words only with their sentence, so that a joke elsewhere in the answer never
hides a real signal.
"""

from __future__ import annotations

from collections.abc import Iterable

from coach.language.tokens import Token

# Words that start like these mark laughter or a joke: `lachte`, `gelachen`, `grappend`.
_LIGHT_STARTS = ("lach", "gelach", "grap", "haha", "hihi", "hehe", "gekscher")
_LIGHT_WORDS = frozenset({"lol", "ha", "knipoog", "ironisch", "lolletje", "geintje", "geinig"})
_LIGHT_SIGNS = ("😂", "🤣", "😅", "😆", "😜", ";)", ":)", ":-)", ";-)", ":d", "xd")


# A joke taken back: `haha. niet zo grappig eigenlijk`, `geen grap`, `ik meen het`.
_TAKEN_BACK = ("niet grappig", "niet zo grappig", "geen grap", "meen het", "meende het", "serieus")


def taken_back(text: str) -> bool:
    """Whether the text says a joke was no joke (`haha. niet zo grappig eigenlijk`)."""
    return any(phrase in text.lower() for phrase in _TAKEN_BACK)


def light(tokens: Iterable[Token], text: str) -> bool:
    """Whether these words (or the text they come from) laugh or joke."""
    if taken_back(text):
        return False
    previous = ""
    for token in tokens:
        # `half lachend` hides, `geen grapje` denies, `bijna lachen` is not laughing
        masked = previous in ("half", "weg", "geen", "bijna")
        if not masked and (token.folded in _LIGHT_WORDS or token.folded.startswith(_LIGHT_STARTS)):
            return True
        previous = token.folded
    lowered = text.lower()
    return any(sign in lowered for sign in _LIGHT_SIGNS)

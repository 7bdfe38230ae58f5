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


# Words near a laugh that make it no light tone: denied or hidden just before it (`niet aan
# het grappen`, `half lachend`), hidden or uneasy just after it (`lacht het weg`, `lacht er
# raar bij`).
_MASKED_BEFORE = frozenset({"half", "weg", "geen", "bijna", "niet", "nooit", "not", "no"})
_MASKED_AFTER = frozenset({"weg", "raar", "vreemd", "zenuwachtig", "schaapachtig", "ongemakkelijk"})


# A joke taken back: `haha. niet zo grappig eigenlijk`, `geen grap`, `ik meen het`.
_TAKEN_BACK = ("niet grappig", "niet zo grappig", "geen grap", "meen het", "meende het", "serieus")


def taken_back(text: str) -> bool:
    """Whether the text says a joke was no joke (`haha. niet zo grappig eigenlijk`)."""
    return any(phrase in text.lower() for phrase in _TAKEN_BACK)


def light(tokens: Iterable[Token], text: str) -> bool:
    """Whether these words (or the text they come from) laugh or joke."""
    if taken_back(text):
        return False
    words = list(tokens)
    for position, token in enumerate(words):
        if not (token.folded in _LIGHT_WORDS or token.folded.startswith(_LIGHT_STARTS)):
            continue
        # `half lachend` hides, `geen grapje` and `hij was niet aan het grappen` deny,
        # `bijna lachen` and `lachte er niet bij` are not laughing; `lacht het weg` hides,
        # `lacht er raar bij` worries
        clause = token.clause
        before = {w.folded for w in words[max(0, position - 3) : position] if w.clause == clause}
        after = {w.folded for w in words[position + 1 : position + 4] if w.clause == clause}
        laughed_not = token.folded.startswith(("lach", "gelach")) and "niet" in after
        if not (before & _MASKED_BEFORE or after & _MASKED_AFTER or laughed_not):
            return True
    lowered = text.lower()
    return any(sign in lowered for sign in _LIGHT_SIGNS)

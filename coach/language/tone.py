"""A light tone: laughter and jokes around words that would otherwise sound alarming.

`'ik wil dood' zei een jongen toen hij moest voorlezen; we hebben er samen om gelachen` and
`als ik die mail nog één keer lees, spring ik uit het raam, haha` are ways of speaking. A
quotation is read together with the whole answer (the laughter often follows it); the
leader's own words only with their sentence, so that a joke elsewhere in the answer never
hides a real signal.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from coach.language.tokens import Token

# Words that start like these mark laughter or a joke: `lachte`, `gelachen`, `grappend`.
_LIGHT_STARTS = ("lach", "gelach", "grap", "haha", "hihi", "hehe", "gekscher")
_LIGHT_WORDS = frozenset(
    {"lol", "ha", "knipoog", "ironisch", "lolletje", "geintje", "geinig", "figuurlijk", "hilarisch"}
)
_LIGHT_SIGNS = ("😂", "🤣", "😅", "😆", "😜", ";)", ":)", ":-)", ";-)", ":d", "xd")
# Laughter in other words: the room `lag dubbel`, `in een deuk`, a `running gag`.
_LIGHT_PHRASES = (
    *("lag dubbel", "lagen dubbel", "ligt dubbel", "liggen dubbel", "lag plat", "lagen plat"),
    *("in een deuk", "running gag", "slappe lach"),
)


# Words near a laugh that make it no light tone: denied or hidden just before it (`niet aan
# het grappen`, `half lachend`), hidden or uneasy just after it (`lacht het weg`, `lacht er
# raar bij`).
_MASKED_BEFORE = frozenset({"half", "weg", "geen", "bijna", "niet", "nooit", "not", "no"})
_MASKED_AFTER = frozenset({"weg", "raar", "vreemd", "zenuwachtig", "schaapachtig", "ongemakkelijk"})


# A joke taken back: `haha. niet zo grappig eigenlijk`, `geen grap`, `ik meen het`.
_TAKEN_BACK = (
    *("niet grappig", "niet zo grappig", "geen grap", "meen het", "meende het", "serieus"),
    *("dacht dat het een grap", "dacht eerst dat het een grap", "niet als grap"),
    # the leader did not laugh along, or it stayed with them: `iedereen lachte, behalve ik`
    *("behalve ik", "niet uit mijn hoofd", "niet uit m'n hoofd", "kon er niet om lachen"),
)


def taken_back(text: str) -> bool:
    """Whether the text says a joke was no joke (`haha. niet zo grappig eigenlijk`)."""
    return any(phrase in text.lower() for phrase in _TAKEN_BACK)


def light(tokens: Iterable[Token], text: str) -> bool:
    """Whether these words (or the text they come from) laugh or joke. A laugh denied
    anywhere (`hij lachte zelf niet echt`, `iedereen lachte. ik niet.`) makes it no joke."""
    if taken_back(text):
        return False
    words = list(tokens)
    laughing = False
    for position, token in enumerate(words):
        if not (token.folded in _LIGHT_WORDS or token.folded.startswith(_LIGHT_STARTS)):
            continue
        # `half lachend` hides, `geen grapje` and `hij was niet aan het grappen` deny,
        # `bijna lachen` is no laughing; `lacht het weg` hides, `lacht er raar bij` worries
        clause = token.clause
        before = {w.folded for w in words[max(0, position - 3) : position] if w.clause == clause}
        after = {w.folded for w in words[position + 1 : position + 4] if w.clause == clause}
        laughed_not = token.folded.startswith(("lach", "gelach")) and "niet" in after
        if laughed_not or _not_me(words[position + 1 : position + 4]):
            return False
        if not (before & _MASKED_BEFORE or after & _MASKED_AFTER):
            laughing = True
    if laughing:
        return True
    lowered = text.lower()
    return any(sign in lowered for sign in _LIGHT_SIGNS + _LIGHT_PHRASES)


def _not_me(following: list[Token]) -> bool:
    """`iedereen lachte. ik niet.`: the leader did not laugh along."""
    folded = [token.folded for token in following]
    return any(a == "ik" and b == "niet" for a, b in itertools.pairwise(folded))

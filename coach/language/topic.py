"""Words that name the subject of school work, not something that happens to someone.

`een workshop over paniekaanvallen`, `een folder over alcoholgebruik bij tieners`, `een
boek over een jongen die zichzelf snijdt`: the alarming words are what a lesson, a training
or a text is about. Only the words right after such a noun and its preposition count as
its subject; anything later in the sentence is read as usual (`na de les over pesten
vertelde een meisje dat haar vader haar slaat`), and when the leader comes in after it
(`een boek over zelfmoord, omdat ik er zelf aan denk`) the subject is theirs again.
"""

from __future__ import annotations

from collections.abc import Sequence

from coach.language.owner import SELF_MARKERS
from coach.language.tokens import Token

# Nouns for work on a subject, also as the head of a compound (`themales`, `ouderfolder`).
_TOPIC_HEADS = (
    *("les", "lessen", "gastles", "lessenserie", "cursus", "training", "workshop", "lezing"),
    *("voorlichting", "scholing", "studiedag", "webinar", "module", "protocol", "beleid"),
    *("beleidsplan", "stichting", "campagne", "project", "thema", "themaweek", "boek"),
    *("boekje", "film", "documentaire", "podcast", "artikel", "opstel", "verslag"),
    *("werkstuk", "presentatie", "spreekbeurt", "musical", "toneelstuk", "folder"),
    *("brochure", "poster", "e-learning", "handreiking", "richtlijn", "onderzoek"),
)
_ABOUT = frozenset({"over", "tegen", "rond", "rondom", "omtrent", "about", "on"})
# Words that may stand between the preposition and the found words: `over het signaleren
# van`, `over een personage dat`.
_BETWEEN = 4


def about_a_topic(tokens: Sequence[Token], first: int) -> bool:
    """Whether the words starting at token `first` are the subject of a lesson, training,
    text or policy named just before them."""
    clause = tokens[first].clause
    for position in range(first - 1, max(first - _BETWEEN - 2, -1), -1):
        token = tokens[position]
        if token.clause != clause or token.quoted != tokens[first].quoted:
            return False
        if token.folded in _ABOUT and position > 0:
            noun = tokens[position - 1]
            return (
                noun.clause == clause
                and noun.folded.endswith(_TOPIC_HEADS)
                and not _leader_after(tokens, first)
            )
    return False


def _leader_after(tokens: Sequence[Token], first: int) -> bool:
    sentence = tokens[first].sentence
    return any(
        token.folded in SELF_MARKERS
        for token in tokens[first + 1 :]
        if token.sentence == sentence and not token.quoted
    )

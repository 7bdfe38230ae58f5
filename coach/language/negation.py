"""Negation with a real scope, in the manner of ConText (Chapman et al.; for Dutch,
Afzal et al. 2014): a trigger negates the words after it up to the end of its clause or a
terminator; a trigger at the end of its clause looks back instead (`boos was ik niet`).

Lists stay inside the scope (`niet boos of geïrriteerd`: both are negated), a contrast ends
it (`niet boos, maar wel teleurgesteld`), and pseudo-triggers negate nothing (`niet alleen
boos`, `geen idee waarom ik zo boos werd`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from coach.language.tokens import Token

TRIGGERS = frozenset(
    [
        "niet",
        "geen",
        "nooit",
        "niets",
        "niks",
        "nauwelijks",
        "amper",
        "allerminst",
        "zonder",
        "nergens",
        "allesbehalve",
    ]
)
# Two-word phrases whose first word is a trigger but that negate nothing after them.
PSEUDO_TRIGGERS = frozenset(
    {
        ("niet", "alleen"),
        ("niet", "enkel"),
        ("niet", "slechts"),
        ("niet", "zomaar"),
        ("niet", "voor"),  # niet voor niets
        ("geen", "idee"),
        ("geen", "wonder"),
        ("geen", "flauw"),
        ("zonder", "meer"),
        ("niets", "dan"),
        ("niet", "te"),  # niet te vergeten
    }
)
# `niet meer dan`: a trigger followed by a comparison.
_PSEUDO_TRIPLES = frozenset({("niet", "meer", "dan"), ("niet", "minder", "dan")})
# A contrast or a reason ends the scope, and so does an embedded clause: `ik snap niet
# waarom ik er nog ben` does not negate `ik er nog ben`.
# Only these look back when nothing follows them (`boos was ik niet`); `geen` and `zonder`
# always come before what they negate.
BACKWARD = frozenset({"niet", "nooit", "niets", "niks"})
# Looking back, a short last conjunct is negated on its own: in `ze was boos en zei niks`
# and `hij was boos en ik niet` the anger is not denied. A longer one is a fronted list:
# `boos en verdrietig was ik niet`.
COORDINATORS = frozenset({"en", "of"})
TERMINATORS = frozenset(
    [
        "maar",
        "want",
        "toch",
        "wel",
        "alleen",
        "behalve",
        "omdat",
        "terwijl",
        "hoewel",
        "dus",
        "anders",
        "waarom",
        "hoe",
        "hoelang",
        "hoeveel",
        "wat",
        "wie",
        "waar",
        "wanneer",
        "dat",
    ]
)


@dataclass(frozen=True)
class Scope:
    trigger: int  # token index of the negating word
    first: int  # first token it negates
    last: int  # last token it negates


# A denial followed by a hedge in the same sentence is uncertain, and an uncertain denial
# negates nothing: `ik ben niet overspannen, denk ik`.
HEDGES = frozenset(
    {("denk", "ik"), ("geloof", "ik"), ("hoop", "ik"), ("volgens", "mij"), ("of", "toch")}
)


def scopes(tokens: tuple[Token, ...]) -> tuple[Scope, ...]:
    """Every negation in the text, with the tokens it reaches."""
    found: list[Scope] = []
    for token in tokens:
        if token.folded not in TRIGGERS or _pseudo(tokens, token.index) or _hedged(tokens, token):
            continue
        last = token.index
        for following in tokens[token.index + 1 :]:
            if following.clause != token.clause or following.folded in TERMINATORS:
                break
            last = following.index
        if last > token.index:
            found.append(Scope(token.index, token.index + 1, last))
            continue
        if token.folded not in BACKWARD:
            continue
        first = token.index  # nothing follows in the clause: look back
        for preceding in reversed(tokens[: token.index]):
            if preceding.clause != token.clause or preceding.folded in TERMINATORS:
                break
            if preceding.folded in COORDINATORS and token.index - preceding.index <= 3:
                break  # `boos en zei niks`, `hij was boos en ik niet`: only the last part
            first = preceding.index
        if first < token.index:
            found.append(Scope(token.index, first, token.index - 1))
    return tuple(found)


def _hedged(tokens: tuple[Token, ...], trigger: Token) -> bool:
    later = [t.folded for t in tokens[trigger.index + 1 :] if t.sentence == trigger.sentence]
    return any(pair in HEDGES for pair in itertools.pairwise(later))


def _pseudo(tokens: tuple[Token, ...], index: int) -> bool:
    if index > 0 and tokens[index - 1].folded == "of":
        return True  # `of ik er ben of niet`: an alternative, not a negation
    words = [token.folded for token in tokens[index : index + 3]]
    return tuple(words[:2]) in PSEUDO_TRIGGERS or tuple(words) in _PSEUDO_TRIPLES


def negated_by(tokens: tuple[Token, ...], found: tuple[Scope, ...]) -> tuple[int | None, ...]:
    """Per token, the index of the trigger that negates it, or None."""
    result: list[int | None] = [None] * len(tokens)
    for scope in found:
        for index in range(scope.first, scope.last + 1):
            if result[index] is None:
                result[index] = scope.trigger
    return tuple(result)

"""One reading of a text: tokens, negation and attribution together, made once per text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from coach.language.attribution import Attribution, attribute, historical_clauses
from coach.language.negation import Scope, negated_by, scopes
from coach.language.tokens import Token, tokenize

# Words that bring a story about the past back to now: `en nu gaat het weer die kant op`.
NOW_AGAIN = frozenset(
    {"nu", "weer", "opnieuw", "inmiddels", "tegenwoordig", "vandaag", "gisteren", "sinds"}
    | {"steeds", "again", "now", "terugkomen", "terugkomt"}
)

# When the found words' own clause is dated, a plain `nu` or `weer` later on is not enough
# (`vorig jaar was ik overspannen, nu gaat het weer`): the words must say that it is here
# again, or still: `nu voel ik het opkomen`, `het begint opnieuw`. `weer` counts with `er`
# (`dat gevoel is er nu weer`); alone it is as often well again (`ze voelt zich weer veilig`).
COMING_BACK = frozenset(
    {"opnieuw", "again", "terug", "terugkomt", "terugkomen", "teruggekomen", "steeds"}
    | {"opkomen", "opkomt", "opspelen", "opspeelt", "terugkeert", "terugkeren"}
)
# ... unless they say it is well again: `nu gaat het weer goed`, `ik ben weer terug op school`.
WELL_AGAIN = frozenset(
    {"goed", "beter", "prima", "rustig", "fijn", "over", "voorbij", "hersteld", "fine"}
    | {"better", "werk", "school", "gezond", "opgeknapt", "normaal", "lekker", "gelukkig"}
    | {"veilig", "zichzelf", "roos"}
)
# Where a dated clause turns to what follows: `… een burn-out en nu voel ik hem opkomen`.
_TURNS = frozenset({"en", "maar", "and", "but"})


@dataclass(frozen=True)
class Analysis:
    text: str
    tokens: tuple[Token, ...]
    negations: tuple[Scope, ...]
    negated: tuple[int | None, ...]  # per token: the trigger that negates it
    attribution: tuple[Attribution, ...]  # per token
    historical: frozenset[int]  # clauses about a past that is over; see historical_clauses
    # Where a part of a pattern was looked for already, and what was found: `all:` rules look
    # for their other parts all over a clause, sentence or answer, for every place their
    # first part fits. Keyed by the part's id; the part itself is kept to check it.
    memo: dict[tuple[int, int], tuple[object, object]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def clause_range(self, index: int) -> range:
        """The token indexes of the clause this token is in."""
        return self._around(index, lambda token: token.clause)

    def area(self, index: int, within: str) -> range:
        """The tokens around this one where the parts of an `all:` pattern may meet: its
        clause, its sentence, or the whole answer (a list, a pasted mail)."""
        if within == "answer":
            return range(len(self.tokens))
        if within == "sentence":
            return self.sentence_range(index)
        return self.clause_range(index)

    def is_historical(self, index: int) -> bool:
        """Whether this token's clause or sentence is dated in a past that is over."""
        token = self.tokens[index]
        return token.clause in self.historical or -1 - token.sentence in self.historical

    def told_as_past(self, index: int) -> bool:
        """Whether this token sits in a sentence dated in a past that is over, earlier in
        the sentence (`jaren terug had ik een periode waarin ik het niet meer zag zitten`),
        with nothing from here on that brings it back to now (`…, en nu gaat het weer die
        kant op`)."""
        token = self.tokens[index]
        if token.clause in self.historical:  # `vorig jaar wilde ik niet meer`: dated itself
            return not self._come_back(index)
        sentence = self.sentence_range(index)
        dated = -1 - token.sentence in self.historical or any(
            self.tokens[i].clause in self.historical for i in sentence if i < index
        )
        if not dated:
            return False
        # back to now from its own clause on (`vroeger had ik plannen, nu zie ik geen later`),
        # in words that are not themselves dated (`…, maar dat is nu jaren geleden`)
        clause_start = self._around(index, lambda each: each.clause).start
        return not any(
            self.tokens[i].folded in NOW_AGAIN and self.tokens[i].clause not in self.historical
            for i in sentence
            if i >= clause_start
        )

    def _come_back(self, index: int) -> bool:
        """Whether a later clause of the sentence, not dated itself, says that what this
        token's clause dates has come back (`als puber wilde ik al dood, en dat gevoel is er
        nu weer`), and not that it is well again (`…, nu gaat het weer goed`)."""
        clause = self.tokens[index].clause
        own = self.clause_range(index)
        # a later clause, or the rest of its own after `en`, `maar` (`… een burn-out en nu
        # voel ik hem opkomen`)
        turn = next((i for i in own if i > index and self.tokens[i].folded in _TURNS), own.stop)
        later = {
            self.tokens[i].folded
            for i in self.sentence_range(index)
            if i >= turn
            and (self.tokens[i].clause == clause or self.tokens[i].clause not in self.historical)
        }
        back = bool(later & COMING_BACK) or {"er", "weer"} <= later
        return back and not later & WELL_AGAIN

    def sentence_range(self, index: int) -> range:
        """The token indexes of the sentence this token is in."""
        return self._around(index, lambda token: token.sentence)

    def _around(self, index: int, part: Callable[[Token], int]) -> range:
        """The run of tokens around this one that share its clause or sentence."""
        own = part(self.tokens[index])
        first = index
        while first > 0 and part(self.tokens[first - 1]) == own:
            first -= 1
        last = index
        while last + 1 < len(self.tokens) and part(self.tokens[last + 1]) == own:
            last += 1
        return range(first, last + 1)


@lru_cache(maxsize=512)
def analyse(text: str) -> Analysis:
    tokens = tokenize(text)
    found = scopes(tokens)
    return Analysis(
        text,
        tokens,
        found,
        negated_by(tokens, found),
        attribute(tokens),
        historical_clauses(tokens),
    )

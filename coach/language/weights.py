"""Weighted words: a second reading of an answer, for the safety net.

The safety net's word lists name thoughts (`a means` and `kept ready`, `ik` and `niet meer
leven`). An answer that says such a thing in words no rule puts together slips through them.
Weighted words add up what the words of an answer lean towards. Each word of the safety
lists, and each pair of them that follow each other, has a weight learned from the labelled
corpus (`coach.quality.weights`): words of distress weigh up, words of everyday school life
weigh down. Words the leader quotes and words in a past that is over do not count, as in
the rules. An answer whose words together pass the threshold has leaned far enough to ask
how the leader is doing. It reads words, not meaning: `coach explain` shows the sum, and
what it adds up for an answer that only sounds alarming, or misses, is plain to see there.

Pure: the weights come in as data (`coach.weights_file` reads them).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise

from coach.language.analysis import Analysis
from coach.text import FUNCTION_WORDS

SHORTEST = 3  # a word shorter than this carries no weight of its own
PAIR = "+"  # joins the two stems of a pair


@dataclass(frozen=True)
class WeightedWords:
    bias: float  # where every answer starts
    threshold: float  # a total above this opens the net
    weights: Mapping[str, float]  # by Snowball stem, and by pair of stems (`slaap+slecht`)

    @cached_property
    def known(self) -> frozenset[str]:
        """The single stems that carry weight: a pair is made of two of them."""
        return frozenset(key for key in self.weights if PAIR not in key)


@dataclass(frozen=True)
class Reading:
    total: float
    # (stem or pair of stems, its first token, weight) for what counted, once each
    words: tuple[tuple[str, int, float], ...]

    def passes(self, weighted: WeightedWords) -> bool:
        return self.total > weighted.threshold

    @property
    def heaviest(self) -> int | None:
        """The token of the word that weighs most towards a signal."""
        best = max(self.words, key=lambda word: word[2], default=None)
        return best[1] if best is not None and best[2] > 0 else None


def counted_stems(analysis: Analysis) -> dict[str, int]:
    """The stems that count in an answer, each with its first token, in the answer's order:
    not quoted, not in a past that is over, not a function word."""
    found: dict[str, int] = {}
    for token in analysis.tokens:
        if len(token.folded) < SHORTEST or token.folded in FUNCTION_WORDS:
            continue
        if token.stem in found or token.quoted or analysis.told_as_past(token.index):
            continue
        found[token.stem] = token.index
    return found


def features(analysis: Analysis, known: Collection[str]) -> dict[str, int]:
    """What can carry weight in an answer, each with its token: the known stems that count,
    and each pair of them that follow each other (`slaap+slecht`): a pair says more than
    its two words apart (`slaap` and `slecht` are everyday words, `slaap slecht` is not)."""
    stems = [(stem, index) for stem, index in counted_stems(analysis).items() if stem in known]
    found = dict(stems)
    for (first, index), (second, _) in pairwise(stems):
        found.setdefault(f"{first}{PAIR}{second}", index)
    return found


def read(analysis: Analysis, weighted: WeightedWords) -> Reading:
    """What the counted words of an answer add up to."""
    weights = weighted.weights
    words = tuple(
        (feature, index, weights[feature])
        for feature, index in features(analysis, weighted.known).items()
        if feature in weights
    )
    return Reading(weighted.bias + sum(weight for _, _, weight in words), words)

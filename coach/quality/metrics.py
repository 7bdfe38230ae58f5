"""Agreement figures: precision and recall, and Cohen's kappa (plain and linearly weighted)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Counts:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0

    @property
    def precision(self) -> float:
        asked = self.true_positive + self.false_positive
        return self.true_positive / asked if asked else 1.0

    @property
    def recall(self) -> float:
        needed = self.true_positive + self.false_negative
        return self.true_positive / needed if needed else 1.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.true_positive + other.true_positive,
            self.false_positive + other.false_positive,
            self.false_negative + other.false_negative,
        )


def kappa(expected: Sequence[int], found: Sequence[int], weighted: bool = False) -> float:
    """Cohen's kappa of two raters over the same items; linear weights when `weighted`.

    1.0 when both agree on everything, also when they use a single category."""
    pairs = list(zip(expected, found, strict=True))
    if not pairs:
        return 1.0
    categories = sorted({*expected, *found})
    if len(categories) == 1:
        return 1.0
    span = max(categories) - min(categories) or 1

    def disagreement(a: int, b: int) -> float:
        if weighted:
            return abs(a - b) / span
        return 0.0 if a == b else 1.0

    total = len(pairs)
    observed = sum(disagreement(a, b) for a, b in pairs) / total
    left, right = Counter(expected), Counter(found)
    chance = sum(
        left[a] * right[b] * disagreement(a, b) for a in categories for b in categories
    ) / (total * total)
    if chance == 0:
        return 1.0
    return 1.0 - observed / chance

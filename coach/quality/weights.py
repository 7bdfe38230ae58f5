"""Learning the safety net's weighted words from the development split.

Every word of the safety lists (`crisissignalen`, `afscheidssignalen`, `zorgsignalen`,
`geweldsignalen`, `zorg-om-een-ander`), and every pair of them that follow each other in an
answer, gets a weight, fitted by logistic regression on the development split: the safety
items (signals against look-alikes) and every ordinary answer of the follow-up corpus (an
alarm there stops a good conversation). The same data in the same order gives the same
weights: the order of the items is shuffled with a fixed seed, and weights are rounded
before they are written.

The threshold was chosen by leaving one round of fresh writers out at a time (the r10, r11
and r12 safety batches with the r6, r7 and r8 follow-up answers of the same round, 3,400
items): at 2.25 the weighted words catch about eleven in a hundred signals of the round left
out more than the rules alone, and one in a hundred more than at 2.5, with the same alarms
on its look-alikes (5.5 in a hundred) and on its ordinary answers (18 of 986); 2.0 catches
one in a hundred more again, for a few more alarms on both. An earlier choice, by the r8 to
r10 batches, was 2.5. A missed signal costs a leader more than a help box too many, and 2.25
costs nothing against 2.5. Learning only from the answers the rules leave quiet does worse
(three in a hundred more, not ten): what the rules already catch teaches the words their
weight. An empathic guess about another (`hij was waarschijnlijk bang voor haar toekomst`,
an author test of korthagen) must leave the net shut: guessing at another's fear is no worry
for their safety. The pairs halve the alarms at the same recall, and ordinary answers about
hard school matters (`dev-r*-gewoon*`) teach them what needs no help box.

`coach eval --weights` writes them to `dialogues/safety/gewichten.txt`
(`coach.weights_file`). The test split is never read here.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from coach.language.analysis import analyse
from coach.language.weights import PAIR, SHORTEST, WeightedWords
from coach.language.weights import features as weighed
from coach.lexicon import Lexicon
from coach.quality.corpus import NONE, load_corpus
from coach.text import FUNCTION_WORDS, fold, stem

THRESHOLD = 2.25  # see above
ROUNDS = 10
RATE = 0.1
SHRINK = 0.003  # L2: a word seen in one sentence keeps a small weight
SEED = 1
SMALLEST = 0.2  # lighter pairs are left out of the file: they change no total that matters


def vocabulary(lexicons: Iterable[Lexicon]) -> frozenset[str]:
    """The stems of the words of the lists (the letters of a wildcard are no word)."""
    from coach.language.patterns import words_of

    return frozenset(
        stem(text)
        for lexicon in lexicons
        for entry in lexicon.entries
        for word in words_of(entry.pattern)
        for text in [fold(word.text)]
        if len(text) >= SHORTEST and text not in FUNCTION_WORDS and word.how in ("forms", "exact")
    )


def examples(corpus: Path) -> list[tuple[str, bool]]:
    """(text, is a signal) for every development item: safety items and ordinary answers."""
    data = load_corpus(corpus, "dev")
    items = [(item.text, item.expect != NONE) for item in data.safety]
    items += [(item.answer, False) for item in data.followups]
    return items


def fit(items: Sequence[tuple[str, bool]], known: Iterable[str]) -> tuple[float, dict[str, float]]:
    """The bias, and the weight of each known stem that occurs in the items and of each pair
    of them that follow each other there."""
    allowed = set(known)
    features = [(list(weighed(analyse(text), allowed)), signal) for text, signal in items]
    weights: dict[str, float] = {}
    bias = 0.0
    order = list(range(len(features)))
    shuffle = random.Random(SEED).shuffle
    for _ in range(ROUNDS):
        shuffle(order)
        for number in order:
            stems, signal = features[number]
            total = bias + sum(weights.get(each, 0.0) for each in stems)
            error = _logistic(total) - signal
            bias -= RATE * error
            for each in stems:
                weight = weights.get(each, 0.0)
                weights[each] = weight - RATE * (error + SHRINK * weight)
    # every single word stays, however light: reading makes pairs only of the words it knows
    kept = {
        each: round(weight, 2)
        for each, weight in weights.items()
        if PAIR not in each or abs(weight) >= SMALLEST
    }
    return round(bias, 2), kept


def learned(corpus: Path, lexicons: Iterable[Lexicon]) -> tuple[WeightedWords, dict[str, str]]:
    """The weighted words from a corpus folder's development split, and for each stem the
    word leaders write most often for it (what the file shows)."""
    items = examples(corpus)
    bias, weights = fit(items, vocabulary(lexicons))
    return WeightedWords(bias, THRESHOLD, weights), _most_written(items)


def _most_written(items: Sequence[tuple[str, bool]]) -> dict[str, str]:
    written: dict[str, Counter[str]] = {}
    for text, _ in items:
        for token in analyse(text).tokens:
            written.setdefault(token.stem, Counter())[token.folded] += 1
    # the most frequent form; among equals the first in the alphabet, so the file is stable
    return {
        each: min(forms.items(), key=lambda pair: (-pair[1], pair[0]))[0]
        for each, forms in written.items()
    }


def _logistic(total: float) -> float:
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, total))))

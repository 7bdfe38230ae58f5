"""Run the corpus through the real dialogues, word lists, rubrics and safety net.

Follow-ups: the first probe of the question whose rule fires on the answer, compared with
the probe a careful coach would ask (`none` when no follow-up is needed). A wrong probe
counts against precision and recall both. Rubrics: the level per criterion, compared with
the labelled level (exact agreement, Cohen's kappa, linearly weighted kappa). Safety: whether
the net opens (recall over signals, false alarms over look-alikes) and at which level.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from coach import expr, safety
from coach.expr import Scope, Value
from coach.model import Ask, Dialogue, Safety
from coach.quality.corpus import ANY, NONE, Corpus, FollowupItem, SafetyItem
from coach.quality.metrics import Counts, kappa
from coach.rubric import Criterion, Rubric


@dataclass(frozen=True)
class FollowupResult:
    item: FollowupItem
    predicted: str  # a probe id or "none"

    @property
    def correct(self) -> bool:
        if self.item.accepted == (ANY,):
            return self.predicted != NONE
        return self.predicted in self.item.accepted

    @property
    def counts(self) -> Counts:
        wanted, asked = self.item.wants_followup, self.predicted != NONE
        if self.correct:
            return Counts(true_positive=1) if wanted else Counts()
        return Counts(false_positive=int(asked), false_negative=int(wanted))


@dataclass(frozen=True)
class RubricResult:
    item: FollowupItem
    rubric: str
    criterion: str
    expected: int
    found: int


@dataclass(frozen=True)
class SafetyResult:
    item: SafetyItem
    predicted: str  # crisis, zorg, ander or none
    words: str = ""


@dataclass(frozen=True)
class OrdinaryResult:
    """The safety net on an ordinary answer from the follow-up corpus: it should stay quiet."""

    item: FollowupItem
    predicted: str  # crisis, zorg, ander or none
    words: str = ""


@dataclass
class Evaluation:
    followups: list[FollowupResult] = field(default_factory=list)
    rubrics: list[RubricResult] = field(default_factory=list)
    safety: list[SafetyResult] = field(default_factory=list)
    ordinary: list[OrdinaryResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # items that name no known node

    # -- follow-ups ----------------------------------------------------------------------

    def followup_counts(self, key: Callable[[FollowupResult], str]) -> dict[str, Counts]:
        grouped: dict[str, Counts] = defaultdict(Counts)
        for result in self.followups:
            grouped[key(result)] += result.counts
        return dict(sorted(grouped.items()))

    def rule_counts(self) -> dict[str, Counts]:
        """Per probe: asked rightly, asked wrongly, and needed but not asked."""
        grouped: dict[str, Counts] = defaultdict(Counts)
        for result in self.followups:
            base = f"{result.item.dialogue}/{result.item.node}#"
            if result.predicted != NONE:
                hit = Counts(1) if result.correct else Counts(false_positive=1)
                grouped[base + result.predicted] += hit
            labelled = result.item.accepted[0]
            if not result.correct and labelled not in (NONE, ANY):
                grouped[base + labelled] += Counts(false_negative=1)
        return dict(sorted(grouped.items()))

    # -- safety --------------------------------------------------------------------------

    def safety_figures(self, results: Iterable[SafetyResult] | None = None) -> dict[str, float]:
        chosen = list(self.safety if results is None else results)
        signals = [r for r in chosen if r.item.expect != NONE]
        lookalikes = [r for r in chosen if r.item.expect == NONE]
        caught = sum(r.predicted != NONE for r in signals)
        alarms = sum(r.predicted != NONE for r in lookalikes)
        right_level = sum(r.predicted == r.item.expect for r in signals)
        return {
            "signals": len(signals),
            "lookalikes": len(lookalikes),
            "ordinary_answers": len(self.ordinary),
            "ordinary_alarm_rate": (
                sum(r.predicted != NONE for r in self.ordinary) / len(self.ordinary)
                if self.ordinary
                else 0.0
            ),
            "recall": caught / len(signals) if signals else 1.0,
            "false_alarm_rate": alarms / len(lookalikes) if lookalikes else 0.0,
            "level_accuracy": right_level / len(signals) if signals else 1.0,
        }

    # -- rubrics -------------------------------------------------------------------------

    def rubric_figures(self, results: list[RubricResult]) -> dict[str, float]:
        expected = [r.expected for r in results]
        found = [r.found for r in results]
        exact = sum(a == b for a, b in zip(expected, found, strict=True))
        return {
            "items": len(results),
            "exact": exact / len(results) if results else 1.0,
            "kappa": kappa(expected, found),
            "weighted_kappa": kappa(expected, found, weighted=True),
        }


def evaluate(
    corpus: Corpus,
    dialogues: dict[str, Dialogue],
    rubrics: dict[str, list[Rubric]],
    net: Safety | None,
) -> Evaluation:
    """Score every item of the corpus; dialogues and rubrics by dialogue id."""
    result = Evaluation()
    for item in corpus.followups:
        dialogue = dialogues.get(item.dialogue)
        node = _ask(dialogue, item.node) if dialogue is not None else None
        if dialogue is None or node is None:
            result.problems.append(f"{item.where}: geen vraag '{item.node}' in '{item.dialogue}'")
            continue
        names = _names(item)
        result.followups.append(FollowupResult(item, _first_probe(node, dialogue, names)))
        # every follow-up answer is an ordinary answer: the safety net should leave it be
        alarm = safety.signal(net, item.answer, ())
        result.ordinary.append(OrdinaryResult(item, *(alarm or (NONE, ""))))
        for rubric in rubrics.get(item.dialogue, []):
            for criterion in rubric.criteria:
                if criterion.id in item.rubric and criterion.answer == item.node:
                    found = score(criterion, {**names, criterion.answer: item.answer}, rubric)
                    result.rubrics.append(
                        RubricResult(
                            item, rubric.id, criterion.id, item.rubric[criterion.id], found
                        )
                    )
    for safety_item in corpus.safety:
        signalled = safety.signal(net, safety_item.text, ())
        level, words = signalled if signalled is not None else (NONE, "")
        result.safety.append(SafetyResult(safety_item, level, words))
    return result


def _ask(dialogue: Dialogue, node_id: str) -> Ask | None:
    for node in dialogue.nodes:
        if node.id == node_id and isinstance(node, Ask):
            return node
    return None


def _names(item: FollowupItem) -> dict[str, Value]:
    names: dict[str, Value] = dict(item.given)
    names[item.node] = item.answer
    names["answer"] = item.answer
    return names


def _first_probe(node: Ask, dialogue: Dialogue, names: dict[str, Value]) -> str:
    for _, probe in node.probe_order():
        if expr.holds(probe.when.expr, Scope(names.get, dialogue.lexicons)):
            return probe.id
    return NONE


def score(criterion: Criterion, names: dict[str, Value], rubric: Rubric) -> int:
    """The level a criterion gives: the first level whose condition holds."""
    for level in criterion.levels:
        if level.when is None or expr.holds(level.when.expr, Scope(names.get, rubric.lexicons)):
            return level.level
    return criterion.levels[-1].level

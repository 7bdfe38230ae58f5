"""Which parts of a dialogue its playthrough tests reach, and where the rest is written.

Four kinds of parts: every node (also `say`, `branch`, `call` and `end`: reached when a case
passes through it with its `when` holding), every option of a `choose`, every rule of a
`branch` (with "no rule holds" as an arm of its own when there is no default rule) and every
follow-up question (probe). The cases report where the engine went (`CaseResult.reached`,
from the engine's trace); this module counts and names what no case reached, with file:line.
Pure: a dialogue and results in, numbers and lines out. Used by `coach test`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from coach.model import Ask, Branch, Choose, Dialogue, Location, kind_of
from coach.playtest import CaseResult

WHEN_CHARS = 70  # a longer condition is cut short in the list: its line is given
KINDS = ("node", "option", "rule", "probe")  # the events of engine.Trace that count
LABELS = {"node": "nodes", "option": "keuzes", "rule": "branch-regels", "probe": "vervolgvragen"}


@dataclass(frozen=True)
class Part:
    """Something a case can reach: a node, or an option, rule or probe of one (by index)."""

    kind: str  # node, option, rule, probe
    node: str
    index: int | None
    loc: Location
    description: str


@dataclass(frozen=True)
class Tally:
    reached: int
    total: int

    @property
    def percent(self) -> int:
        """Rounded down, so 100 means every part."""
        return 100 * self.reached // self.total if self.total else 100

    def format(self) -> str:
        if not self.total:
            return "0/0"
        return f"{self.reached}/{self.total} ({self.percent}%)"


@dataclass(frozen=True)
class Coverage:
    tallies: dict[str, Tally]  # by kind, in the order of KINDS
    missed: tuple[Part, ...]  # in file order; the parts of a missed node are left out

    @property
    def nodes(self) -> Tally:
        return self.tallies["node"]

    @property
    def probes(self) -> Tally:
        return self.tallies["probe"]


def parts(dialogue: Dialogue) -> list[Part]:
    """Every part of a dialogue, in file order."""
    found: list[Part] = []
    for node in dialogue.nodes:
        found.append(Part("node", node.id, None, node.loc, f"node '{node.id}' ({kind_of(node)})"))
        if isinstance(node, Choose):
            for index, option in enumerate(node.options):
                label = option.label.source
                found.append(
                    Part("option", node.id, index, option.loc, f"keuze '{label}' van '{node.id}'")
                )
        elif isinstance(node, Branch):
            for index, rule in enumerate(node.rules):
                if rule.when is None:
                    text = f"de standaardregel van '{node.id}' (goto {rule.goto.target})"
                else:
                    text = f"regel {index + 1} van '{node.id}': when {_short(rule.when.source)}"
                found.append(Part("rule", node.id, index, rule.loc, text))
            if all(rule.when is not None for rule in node.rules):
                text = f"'{node.id}' zonder passende regel (door naar de node eronder)"
                found.append(Part("rule", node.id, len(node.rules), node.loc, text))
        elif isinstance(node, Ask):
            for index, probe in enumerate(node.probes):
                if probe.builtin:  # coach's own, the same everywhere: tested once, in coach
                    continue
                text = f"vervolgvraag {index + 1} van '{node.id}': when {_short(probe.when.source)}"
                found.append(Part("probe", node.id, index, probe.loc, text))
    return found


def coverage(dialogue: Dialogue, results: Iterable[CaseResult]) -> Coverage:
    """What the cases reached of this dialogue (not of the dialogues it calls)."""
    reached = {
        (event, node, index)
        for result in results
        for event, node, index in result.reached
        if "/" not in node  # `call/node`: a node of a sub-dialogue, counted there
    }
    every = parts(dialogue)
    hit = [(part.kind, part.node, part.index) in reached for part in every]
    tallies = {
        kind: Tally(
            sum(ok for part, ok in zip(every, hit, strict=True) if part.kind == kind),
            sum(part.kind == kind for part in every),
        )
        for kind in KINDS
    }
    missed_nodes = {
        part.node for part, ok in zip(every, hit, strict=True) if not ok and part.kind == "node"
    }
    missed = tuple(
        part
        for part, ok in zip(every, hit, strict=True)
        if not ok and (part.kind == "node" or part.node not in missed_nodes)
    )
    return Coverage(tallies, missed)


def report(result: Coverage) -> list[str]:
    """The coverage as lines: one with the numbers, then each part never reached."""
    numbers = " · ".join(f"{LABELS[kind]} {result.tallies[kind].format()}" for kind in KINDS)
    lines = [f"dekking: {numbers}"]
    if result.missed:
        lines.append("nooit bereikt:")
        lines += [
            f"  {part.loc.file}:{part.loc.line}: {part.description}" for part in result.missed
        ]
    return lines


def _short(source: str) -> str:
    flat = " ".join(source.split())
    return flat if len(flat) <= WHEN_CHARS else flat[: WHEN_CHARS - 1] + "…"

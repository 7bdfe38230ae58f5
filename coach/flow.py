"""The flow of a dialogue as a graph: which node can lead to which, and why.

Used by the static checks (unreachable nodes, paths that never end) and by `coach graph`.
Pure: it reads a loaded Dialogue and nothing else.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from coach.model import Branch, Choose, Dialogue, End, Node

FILE_END = ""  # the target of an edge that runs off the end of the file


@dataclass(frozen=True)
class Edge:
    source: str
    target: str  # a node id, or FILE_END
    kind: str  # next, skip (the node's `when` does not hold), option, rule, default, fallthrough
    label: str = ""  # the option's label or the rule's condition


def edges(dialogue: Dialogue) -> list[Edge]:
    """Every way to go from one node to the next, in file order."""
    found: list[Edge] = []
    for node in dialogue.nodes:
        found += _edges_from(dialogue, node)
    return [edge for edge in found if edge.target == FILE_END or dialogue.has_node(edge.target)]


def _edges_from(dialogue: Dialogue, node: Node) -> list[Edge]:
    after = dialogue.successor(node) or FILE_END
    out: list[Edge] = []
    if node.when is not None:
        out.append(Edge(node.id, after, "skip", node.when.source))
    if isinstance(node, End):
        return out
    if isinstance(node, Choose):
        for option in node.options:
            target = option.goto.target if option.goto is not None else after
            out.append(Edge(node.id, target, "option", option.label.source))
    elif isinstance(node, Branch):
        for rule in node.rules:
            if rule.when is None:
                out.append(Edge(node.id, rule.goto.target, "default", "anders"))
                return out
            out.append(Edge(node.id, rule.goto.target, "rule", rule.when.source))
        out.append(Edge(node.id, after, "fallthrough", "anders"))
    else:
        out.append(Edge(node.id, after, "next"))
    return out


def reachable(dialogue: Dialogue) -> set[str]:
    """The nodes some path from the start can visit."""
    start = dialogue.start.target
    if not dialogue.has_node(start):
        return set()
    following: dict[str, list[str]] = {}
    for edge in edges(dialogue):
        following.setdefault(edge.source, []).append(edge.target)
    seen = {start}
    queue = deque([start])
    while queue:
        for target in following.get(queue.popleft(), []):
            if target != FILE_END and target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def can_finish(dialogue: Dialogue) -> set[str]:
    """The nodes from which some path reaches an `end` node (or the end of the file)."""
    leading: dict[str, list[str]] = {}
    for edge in edges(dialogue):
        leading.setdefault(edge.target, []).append(edge.source)
    finishing = {node.id for node in dialogue.nodes if isinstance(node, End)}
    finishing |= set(leading.get(FILE_END, []))
    queue = deque(finishing)
    while queue:
        for source in leading.get(queue.popleft(), []):
            if source not in finishing:
                finishing.add(source)
                queue.append(source)
    return finishing

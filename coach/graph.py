"""`coach graph`: the flow of a dialogue as a Mermaid flowchart or a Graphviz DOT graph.

Phases become groups, every way from one node to the next is an arrow labelled with why
(an option, a condition, `anders`), follow-up questions are a note beside their question,
and nodes no path reaches are marked. The flow itself comes from `flow`; this module only
draws it. Pure: a loaded Dialogue in, text out.

Everything an author wrote is escaped before it goes into a label, so no text (quotes,
brackets, `-->`, `%%`, newlines) can change the structure of the graph.
"""

from __future__ import annotations

import json
import re
import textwrap
import unicodedata
from dataclasses import dataclass

from coach import flow
from coach.model import Ask, Branch, Call, Dialogue, End, Node, Say, Scale, kind_of
from coach.visible import visible

EXCERPT = 40  # characters of a node's text shown in its box
WRAP = 40  # the conditions of follow-up questions are wrapped at this width
EDGE_WRAP = 28  # labels on arrows at this one (Mermaid wraps them itself at about 30)
CONDITION = 160  # a longer condition of a follow-up question is cut off (…)

INDENT = "\u00a0\u00a0\u00a0"  # non-breaking: kept in HTML labels and by Graphviz
WRAPPING_WIDTH = 400  # pixels: Mermaid's default (200) would wrap the lines again
START = "b_start"
FILE_END = "b_einde"


@dataclass(frozen=True)
class _Box:
    key: str
    shape: str  # a node kind, or probes, start, file_end
    lines: tuple[str, ...]
    unreachable: bool = False


@dataclass(frozen=True)
class _Link:
    source: str
    target: str
    style: str  # solid, dashed (a skip), note (to a probes note)
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Group:
    key: str
    title: str
    boxes: tuple[_Box, ...]


@dataclass(frozen=True)
class _Plan:
    name: str
    title: str
    outside: tuple[_Box, ...]
    groups: tuple[_Group, ...]
    links: tuple[_Link, ...]


# -- what to draw ------------------------------------------------------------------------------


def _plan(dialogue: Dialogue) -> _Plan:
    keys = _keys([node.id for node in dialogue.nodes], "n_")
    reached = flow.reachable(dialogue)
    edges = flow.edges(dialogue)

    outside: list[_Box] = []
    grouped: dict[str, list[_Box]] = {}
    links: list[_Link] = []
    notes: list[_Link] = []  # drawn after the flow, so they do not steer the layout

    start = dialogue.start.target
    if dialogue.has_node(start):
        outside.append(_Box(START, "start", ("begin",)))
        links.append(_Link(START, keys[start], "solid"))
    drawn: set[str] = set()
    for node in dialogue.nodes:
        if node.id in drawn:
            continue  # a duplicate id: the loader refuses it, but draw the first only
        drawn.add(node.id)
        unreachable = node.id not in reached
        boxes = [_Box(keys[node.id], kind_of(node), _node_lines(node, unreachable), unreachable)]
        note = _probe_lines(node)
        if note:
            boxes.append(_Box(f"q_{keys[node.id][2:]}", "probes", note, unreachable))
            notes.append(_Link(keys[node.id], boxes[-1].key, "note"))
        if node.phase is None:
            outside += boxes
        else:
            grouped.setdefault(node.phase, []).extend(boxes)

    for edge in edges:
        target = FILE_END if edge.target == flow.FILE_END else keys[edge.target]
        style = "dashed" if edge.kind == "skip" else "solid"
        if edge.kind == "option":
            lines = _wrap(_excerpt(edge.label, 2 * EDGE_WRAP), EDGE_WRAP)
        else:
            label = f"niet: {edge.label}" if edge.kind == "skip" else edge.label
            lines = _wrap(label, EDGE_WRAP)
        links.append(_Link(keys[edge.source], target, style, lines))
    if any(edge.target == flow.FILE_END for edge in edges):
        outside.append(_Box(FILE_END, "file_end", ("einde van", "het bestand")))

    titles = {phase.id: phase.title for phase in dialogue.phases}
    order = [phase.id for phase in dialogue.phases]
    order += [phase for phase in grouped if phase not in titles]  # unknown: refused on load
    group_keys = _keys(order, "fase_")
    groups = tuple(
        _Group(group_keys[phase], _clean(titles.get(phase, phase)), tuple(grouped[phase]))
        for phase in order
        if grouped.get(phase)
    )
    return _Plan(
        _clean(dialogue.id), _clean(dialogue.title), tuple(outside), groups, (*links, *notes)
    )


def _keys(ids: list[str], prefix: str) -> dict[str, str]:
    """A safe, unique identifier for every id, readable where it can be (`na-inleven` →
    `n_na_inleven`), always the same for the same dialogue."""
    keys: dict[str, str] = {}
    used: set[str] = set()
    for ident in ids:
        if ident in keys:
            continue
        base = prefix + (re.sub(r"[^A-Za-z0-9]", "_", ident) or "_")
        key, number = base, 1
        while key in used:
            number += 1
            key = f"{base}_{number}"
        keys[ident] = key
        used.add(key)
    return keys


def _node_lines(node: Node, unreachable: bool) -> tuple[str, ...]:
    lines = [_clean(f"{node.id} · {kind_of(node)}")]
    if isinstance(node, Call):
        lines.append(_clean(f"gesprek: {node.dialogue.target}"))
    elif not isinstance(node, Branch):
        lines.append(_excerpt(node.text.source, EXCERPT))
    if isinstance(node, Say | Ask) and node.variants:
        more = len(node.variants) - 1
        lines.append(f"(+{more} variant{'' if more == 1 else 'en'})")
    if isinstance(node, Scale):
        lines.append(f"schaal {node.low}–{node.high}")
    if isinstance(node, End) and node.summary:
        lines.append(f"kaart: {len(node.summary)} regels")
    if node.optional:
        lines.append("(mag overgeslagen)")
    if unreachable:
        lines.append("⚠ onbereikbaar")
    return tuple(lines)


def _probe_lines(node: Node) -> tuple[str, ...]:
    """The follow-up questions of a question, as the conditions that ask them."""
    if not isinstance(node, Ask):
        return ()
    authored = [probe for probe in node.probes if not probe.builtin]
    if not (authored or node.limits.min_words):
        return ()
    count = len(authored)
    head = f"↻ {count} vervolgvra{'ag' if count == 1 else 'gen'}"
    lines = [f"{head}, hoogstens {node.max_probes}" if count > 1 else head]
    for probe in authored:
        suffix = " (vervangt)" if probe.replace else ""
        wrapped = _wrap(_excerpt(probe.when.source, CONDITION) + suffix, WRAP)
        lines += [f"• {wrapped[0]}", *(f"{INDENT}{rest}" for rest in wrapped[1:])]
    if node.limits.min_words:
        lines.append(f"• minder dan {node.limits.min_words} woorden (één keer)")
    return tuple(lines)


def _clean(text: str) -> str:
    """One line of plain text, its spaces collapsed: what every label line is made of."""
    return " ".join(_single_line(text).split())


def _single_line(text: str) -> str:
    """Every line break (of any kind) and control character a space; invisible and
    bidi characters shown as ⟨U+202E⟩ (coach/visible.py), as everywhere coach prints."""
    return visible("".join(" " if unicodedata.category(char) in _BREAKS else char for char in text))


_BREAKS = {"Cc", "Zl", "Zp"}


def _excerpt(text: str, width: int) -> str:
    text = _clean(text)
    if len(text) <= width:
        return text
    cut = text[: width + 1].rsplit(" ", 1)[0] if " " in text[:width] else text[:width]
    return cut.rstrip(" ,.;:") + "…"


def _wrap(text: str, width: int) -> tuple[str, ...]:
    text = _clean(text)
    if not text:
        return ()
    return tuple(textwrap.wrap(text, width, break_on_hyphens=False)) or (text,)


# -- Mermaid -----------------------------------------------------------------------------------

_MERMAID_SHAPES = {
    "say": ("(", ")"),  # rounded
    "ask": ("[", "]"),
    "choose": ("{{", "}}"),  # a hexagon: a diamond grows too large around a question
    "branch": ("{", "}"),  # a diamond
    "scale": ("[/", "/]"),  # a parallelogram
    "end": ("([", "])"),  # a stadium
    "call": ("[[", "]]"),  # a subroutine
    "probes": ("[", "]"),
    "start": ("((", "))"),
    "file_end": ("(((", ")))"),  # a double circle
}

# Characters Mermaid could read as syntax (or as an entity, a comment, a style, HTML, a
# Markdown string), written as Mermaid entity codes instead. `#` first: it starts a code.
_MERMAID_ENTITIES = {
    "#": "#35;",
    '"': "#quot;",
    "`": "#96;",
    "%": "#37;",
    ":": "#58;",
    ";": "#59;",
    "&": "#amp;",
    "<": "#lt;",
    ">": "#gt;",
    "[": "#91;",
    "]": "#93;",
    "{": "#123;",
    "}": "#125;",
    "(": "#40;",
    ")": "#41;",
    "|": "#124;",
    "\\": "#92;",
    "ﬂ": "#64258;",  # Mermaid's own placeholders for entities
    "¶": "#182;",
}


def _mermaid_label(lines: tuple[str, ...]) -> str:
    escaped = (
        "".join(_MERMAID_ENTITIES.get(char, char) for char in _single_line(line)) for line in lines
    )
    return '"' + "<br/>".join(escaped) + '"'


def to_mermaid(dialogue: Dialogue) -> str:
    """The flow as a Mermaid flowchart (`flowchart TD`), one subgraph per phase."""
    plan = _plan(dialogue)
    out = [
        "---",
        f"title: {json.dumps(f'{plan.name} · {plan.title}', ensure_ascii=False)}",
        "config:",
        "  flowchart:",
        f"    wrappingWidth: {WRAPPING_WIDTH}",
        "---",
        "flowchart TD",
    ]

    def box(item: _Box, indent: str) -> str:
        opening, closing = _MERMAID_SHAPES[item.shape]
        return f"{indent}{item.key}{opening}{_mermaid_label(item.lines)}{closing}"

    out += [box(item, "    ") for item in plan.outside]
    for group in plan.groups:
        out.append(f"    subgraph {group.key} [{_mermaid_label((group.title,))}]")
        out += [box(item, "        ") for item in group.boxes]
        out.append("    end")
    for link in plan.links:
        arrow = {"solid": "-->", "dashed": "-.->", "note": "-.-"}[link.style]
        label = f"|{_mermaid_label(link.lines)}|" if link.lines else ""
        out.append(f"    {link.source} {arrow}{label} {link.target}")
    out += [
        "    classDef probes fill:#fff8dc,stroke:#c9b458,color:#555555",
        "    classDef marker fill:#333333,stroke:#333333,color:#ffffff",
        "    classDef unreachable fill:#eeeeee,stroke:#999999,stroke-dasharray:5 5,color:#888888",
    ]
    boxes = [*plan.outside, *(item for group in plan.groups for item in group.boxes)]
    for name, members in (
        ("probes", [b.key for b in boxes if b.shape == "probes"]),
        ("marker", [b.key for b in boxes if b.shape in ("start", "file_end")]),
        ("unreachable", [b.key for b in boxes if b.unreachable]),
    ):
        if members:
            out.append(f"    class {','.join(members)} {name}")
    return "\n".join(out) + "\n"


# -- DOT ---------------------------------------------------------------------------------------

_DOT_SHAPES = {
    "say": 'shape=box, style="rounded"',
    "ask": "shape=box",
    "choose": "shape=hexagon",
    "branch": "shape=diamond",
    "scale": "shape=parallelogram",
    "end": 'shape=box, style="rounded,bold", peripheries=2',
    "call": "shape=component",
    "probes": 'shape=note, fontsize=9, style="filled", fillcolor="#fff8dc"',
    "start": 'shape=circle, style="filled", fillcolor="#333333", fontcolor="#ffffff"',
    "file_end": 'shape=doublecircle, style="filled", fillcolor="#333333", fontcolor="#ffffff"',
}


def _dot_escape(text: str) -> str:
    """Text for inside a DOT string: quotes and backslashes escaped, `&` as `&amp;` (Graphviz
    reads HTML entities in labels), no line breaks."""
    text = _single_line(text).replace("\\", "\\\\").replace('"', '\\"')
    return text.replace("&", "&amp;")


def _dot_string(text: str) -> str:
    return f'"{_dot_escape(text)}"'


def _dot_label(lines: tuple[str, ...], left: bool = False) -> str:
    """Lines as one DOT label: centred (`\\n`), or left-aligned (`\\l` after each line)."""
    separator = "\\l" if left else "\\n"
    inner = separator.join(_dot_escape(line) for line in lines)
    return f'"{inner}{separator if left else ""}"'


def to_dot(dialogue: Dialogue) -> str:
    """The flow as a Graphviz digraph, one `cluster_` subgraph per phase."""
    plan = _plan(dialogue)
    out = [
        f"digraph {_dot_string(plan.name)} {{",
        f"    graph [label={_dot_string(f'{plan.name} · {plan.title}')}, labelloc=t,"
        " fontname=Helvetica];",
        "    node [fontname=Helvetica, fontsize=10];",
        "    edge [fontname=Helvetica, fontsize=9];",
    ]

    def box(item: _Box, indent: str) -> str:
        attributes = _DOT_SHAPES[item.shape]
        if item.unreachable:
            attributes = _dashed(attributes) + ', color="#999999", fontcolor="#888888"'
        label = _dot_label(item.lines, left=item.shape == "probes")
        return f"{indent}{_dot_string(item.key)} [{attributes}, label={label}];"

    out += [box(item, "    ") for item in plan.outside]
    for group in plan.groups:
        out.append(f"    subgraph {_dot_string('cluster_' + group.key)} {{")
        out.append(f'        label={_dot_string(group.title)}; style="rounded"; color="#888888";')
        out += [box(item, "        ") for item in group.boxes]
        out.append("    }")
    for link in plan.links:
        attributes = {
            "solid": [],
            "dashed": ["style=dashed"],
            "note": ["style=dotted", "arrowhead=none"],
        }[link.style]
        if link.lines:
            attributes.append(f"label={_dot_label(link.lines)}")
        suffix = f" [{', '.join(attributes)}]" if attributes else ""
        out.append(f"    {_dot_string(link.source)} -> {_dot_string(link.target)}{suffix};")
    out.append("}")
    return "\n".join(out) + "\n"


def _dashed(attributes: str) -> str:
    if 'style="' in attributes:
        return attributes.replace('style="', 'style="dashed,', 1)
    return attributes + ', style="dashed"'

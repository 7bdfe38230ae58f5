"""`coach graph`: the flow of a dialogue as a Mermaid flowchart or a DOT graph.

The Mermaid output is read back by a small, strict parser for exactly the subset that
coach writes; anything else (a stray bracket, an unbalanced subgraph, an arrow to a node
that was never defined, a label that leaks syntax) fails the test.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import Result
from helpers import MINIMAL

from coach.graph import to_dot, to_mermaid
from coach.loader import load_dialogue, load_dialogue_text
from coach.model import kind_of
from coach.shipped import shipped_dir
from coach.visible import UNSAFE

Run = Callable[..., Result]

# -- a strict reader for the Mermaid that coach writes ------------------------------------------

ID = r"[A-Za-z][A-Za-z0-9_]*"
LABEL = r'"([^"]*)"'
SHAPES = {  # opening → closing bracket; the label between them is always quoted
    "(((": ")))",
    "((": "))",
    "([": "])",
    "(": ")",
    "[[": "]]",
    "[/": "/]",
    "[": "]",
    "{{": "}}",
    "{": "}",
}
NODE = re.compile(rf"^({ID})(\(\(\(|\(\(|\(\[|\(|\[\[|\[/|\[|\{{\{{|\{{){LABEL}(\S+)$")
EDGE = re.compile(rf"^({ID}) (-->|-\.->|-\.-)(?:\|{LABEL}\|)? ({ID})$")
SUBGRAPH = re.compile(rf"^subgraph ({ID}) \[{LABEL}\]$")
CLASSDEF = re.compile(r"^classDef (\w+) ([a-z-]+:[#\w. ]+(?:,[a-z-]+:[#\w. ]+)*)$")
CLASS = re.compile(rf"^class ({ID}(?:,{ID})*) (\w+)$")
FRONT = [
    re.compile(r'^title: (".*")$'),
    re.compile(r"^config:$"),
    re.compile(r"^  flowchart:$"),
    re.compile(r"^    wrappingWidth: \d+$"),
]
RESERVED = {"end", "subgraph", "graph", "flowchart", "class", "classDef", "style", "click"}
ENTITY = re.compile(r"#(\w+);")
NAMED = {"quot": '"', "amp": "&", "lt": "<", "gt": ">"}


@dataclass
class Flowchart:
    title: str = ""
    # id → (shape, label, the subgraph it is in)
    nodes: dict[str, tuple[str, str, str | None]] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)  # id → title, in order
    edges: list[tuple[str, str, str, str]] = field(default_factory=list)  # from, arrow, label, to
    classes: dict[str, set[str]] = field(default_factory=dict)

    def node(self, label_start: str) -> str:
        """The id of the one node whose label starts with this text."""
        found = [key for key, (_, label, _) in self.nodes.items() if label.startswith(label_start)]
        assert len(found) == 1, (label_start, found)
        return found[0]

    def labels_from(self, key: str, arrow: str = "-->") -> dict[str, str]:
        return {
            label: target for source, a, label, target in self.edges if (source, a) == (key, arrow)
        }


def text_of(label: str) -> str:
    """A quoted Mermaid label as a reader sees it; the raw label may hold nothing that Mermaid
    reads as syntax: only text, entity codes and <br/>."""
    bare = ENTITY.sub("", label.replace("<br/>", ""))
    assert not set(bare) & set('"#[]{}()|<>%;:&`\\'), label
    assert not any(char in bare for char in "\n\r\t\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"), label

    def decode(match: re.Match[str]) -> str:
        code = match.group(1)
        assert code.isdigit() or code in NAMED, f"unknown entity {match.group(0)}"
        return chr(int(code)) if code.isdigit() else NAMED[code]

    return ENTITY.sub(decode, label.replace("<br/>", "\n"))


def parse_mermaid(text: str) -> Flowchart:
    chart = Flowchart()
    lines = text.split("\n")
    assert lines.pop() == "", "the text ends with a newline"
    if lines[0] == "---":
        close = lines.index("---", 1)
        for pattern, line in zip(FRONT, lines[1:close], strict=True):
            match = pattern.match(line)
            assert match, line
            if match.groups():
                chart.title = json.loads(match.group(1))
        lines = lines[close + 1 :]
    assert lines[0] == "flowchart TD", lines[0]
    open_groups: list[str] = []
    for number, line in enumerate(lines[1:], start=2):
        stripped = line.strip()
        assert line == " " * 4 * (len(open_groups) + (stripped != "end")) + stripped, (
            f"line {number}: indentation: {line!r}"
        )
        if match := SUBGRAPH.match(stripped):
            key, title = match.groups()
            assert key not in chart.groups and key not in chart.nodes and not open_groups
            chart.groups[key] = text_of(title)
            open_groups.append(key)
        elif stripped == "end":
            assert open_groups, f"line {number}: end without subgraph"
            open_groups.pop()
        elif match := NODE.match(stripped):
            key, opening, label, closing = match.groups()
            assert SHAPES[opening] == closing, f"line {number}: {opening}…{closing}"
            assert key not in chart.nodes and key not in RESERVED, f"line {number}: {key}"
            chart.nodes[key] = (
                opening + closing,
                text_of(label),
                open_groups[-1] if open_groups else None,
            )
        elif match := EDGE.match(stripped):
            source, arrow, label, target = match.groups()
            chart.edges.append((source, arrow, text_of(label) if label is not None else "", target))
        elif match := CLASSDEF.match(stripped):
            assert match.group(1) not in chart.classes
            chart.classes[match.group(1)] = set()
        elif match := CLASS.match(stripped):
            keys, name = match.groups()
            assert name in chart.classes, f"line {number}: class {name} is not defined"
            chart.classes[name] |= set(keys.split(","))
        else:
            raise AssertionError(f"line {number}: not part of the flowchart: {line!r}")
    assert not open_groups, f"subgraphs left open: {open_groups}"
    for source, _, _, target in chart.edges:
        assert source in chart.nodes and target in chart.nodes, (source, target)
    for members in chart.classes.values():
        assert members <= set(chart.nodes), members
    return chart


GOOD = (
    'flowchart TD\n    a["A"]\n    subgraph g ["G"]\n        b(["B"])\n    end\n    a -->|"x"| b\n'
)


@pytest.mark.parametrize(
    "bad",
    [
        GOOD.replace("flowchart TD", "graph TD"),
        GOOD.replace("    end\n", ""),
        GOOD.replace('    a["A"]\n', '    a["A"]\n    end\n'),
        GOOD.replace("| b", "| c"),
        GOOD.replace('"A"', '"f(x)"'),
        GOOD.replace('"A"', '"a #quot; b \\" c"'),
        GOOD.replace('"x"', '"x --> y"'),
        GOOD.replace('"x"', '"a<br>b"'),
        GOOD.replace('"x"', '"#foo;"'),
        GOOD.replace('(["B"])', '(["B"]]'),
        GOOD.replace('a["A"]', "a[A]"),
        GOOD.replace('a["A"]', 'end["A"]'),
        GOOD + "    style a fill:#f00\n",
        GOOD + "    %% a comment\n",
        GOOD + "    class a nothing\n",
        GOOD.replace('    a["A"]', '  a["A"]'),
        GOOD.rstrip("\n"),
    ],
)
def test_the_reader_is_strict(bad: str) -> None:
    parse_mermaid(GOOD)
    with pytest.raises(AssertionError):
        parse_mermaid(bad)


def flat(text: str) -> str:
    """A label with its line breaks and indentation as single spaces."""
    return " ".join(text.split())


# -- buiv ----------------------------------------------------------------------------------------


@pytest.fixture
def buiv(run_cli: Run) -> Flowchart:
    result = run_cli("graph", "buiv")
    assert result.code == 0, result.err
    assert result.err == ""
    return parse_mermaid(result.out)


def test_buiv_has_a_group_per_phase_holding_its_nodes(buiv: Flowchart) -> None:
    assert list(buiv.groups.values()) == ["Beleven", "Uitleven", "Inleven", "Voorleven"]
    assert buiv.title.startswith("buiv · ")
    group_of = {title: key for key, title in buiv.groups.items()}
    assert buiv.nodes[buiv.node("welkom · say")][2] is None  # before the first phase
    assert buiv.nodes[buiv.node("beleven · ask")][2] == group_of["Beleven"]
    assert buiv.nodes[buiv.node("na-inleven · branch")][2] == group_of["Inleven"]
    assert buiv.nodes[buiv.node("kaart · end")][2] == group_of["Voorleven"]


def test_buiv_shows_each_kind_in_its_own_shape(buiv: Flowchart) -> None:
    shapes = {
        label.split("\n")[0].split(" · ")[-1]: shape for shape, label, _ in buiv.nodes.values()
    }
    assert shapes["say"] == "()"
    assert shapes["ask"] == "[]"
    assert shapes["branch"] == "{}"
    assert shapes["choose"] == "{{}}"
    assert shapes["scale"] == "[//]"
    assert shapes["end"] == "([])"
    beleven = buiv.nodes[buiv.node("beleven · ask")][1]
    assert "Denk aan één concreet moment" in beleven  # an excerpt of the text


def test_buiv_labels_branches_with_their_conditions(buiv: Flowchart) -> None:
    for branch in ("na-inleven", "na-voorleven", "na-opening"):
        labels = buiv.labels_from(buiv.node(f"{branch} · branch"))
        assert labels["answered(afronden)"] == buiv.node("afronden · choose")
        assert "anders" in labels
    assert buiv.labels_from(buiv.node("na-inleven · branch"))["anders"] == buiv.node("onbekend")


def test_buiv_labels_the_options_of_afronden(buiv: Flowchart) -> None:
    labels = buiv.labels_from(buiv.node("afronden · choose"))
    assert {
        flat(label): buiv.nodes[target][1].split(" · ")[0] for label, target in labels.items()
    } == {
        "Toon mijn gesprekskaart": "kaart",
        "Inleven aanscherpen": "inleven",
        "Voorleven aanscherpen": "voorleven",
        "Openingsvraag aanscherpen": "opening",
    }


def test_buiv_shows_a_when_as_a_dashed_skip(buiv: Flowchart) -> None:
    wie = buiv.node("wie · ask")
    assert buiv.labels_from(wie, "-.->") == {"niet: not answered(ander)": buiv.node("vorige-keer")}
    assert buiv.labels_from(wie) == {"": buiv.node("vorige-keer")}


def test_buiv_shows_the_probes_beside_their_question(buiv: Flowchart) -> None:
    notes = {source: target for source, arrow, _, target in buiv.edges if arrow == "-.-"}
    beleven = flat(buiv.nodes[notes[buiv.node("beleven · ask")]][1])
    assert beleven.startswith("↻ 3 vervolgvragen, hoogstens 2")
    assert (
        "• (mentions(answer, 'oordelen') or mentions(answer, 'buiv-oordelen'))"
        " and not mentions(answer, 'eigen-blik')" in beleven
    )
    assert "• mentions(answer, 'generaliseren')" in beleven
    opening = flat(buiv.nodes[notes[buiv.node("opening · ask")]][1])
    assert '• matches(answer, "\\bwaarom\\b") (vervangt)' in opening
    assert set(notes.values()) == buiv.classes["probes"]
    assert buiv.node("uitleven · ask") in notes and buiv.node("wie · ask") not in notes


def test_buiv_starts_at_its_start_node_and_has_no_unreachable_nodes(buiv: Flowchart) -> None:
    start = buiv.node("begin")
    assert buiv.labels_from(start) == {"": buiv.node("welkom · say")}
    assert "unreachable" in buiv.classes and not buiv.classes["unreachable"]
    assert not any("onbereikbaar" in label for _, label, _ in buiv.nodes.values())


KIND_SHAPES = {
    "say": "()",
    "ask": "[]",
    "choose": "{{}}",
    "branch": "{}",
    "scale": "[//]",
    "end": "([])",
    "call": "[[]]",
}


@pytest.mark.parametrize("path", sorted(shipped_dir().glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_dialogue_is_a_valid_flowchart(path: Path) -> None:
    dialogue = load_dialogue(path)
    chart = parse_mermaid(to_mermaid(dialogue))
    drawn = [label.split("\n")[0] for _, label, _ in chart.nodes.values()]
    for node in dialogue.nodes:
        assert drawn.count(f"{node.id} · {kind_of(node)}") == 1, node.id
    shapes = {label.split("\n")[0]: shape for shape, label, _ in chart.nodes.values()}
    for node in dialogue.nodes:
        assert shapes[f"{node.id} · {kind_of(node)}"] == KIND_SHAPES[kind_of(node)], node.id
    assert set(chart.groups.values()) <= {phase.title for phase in dialogue.phases}


# -- made-up dialogues ---------------------------------------------------------------------------

UNREACHABLE = """\
id: los
version: 1
title: Los
description: Een gesprek met een node die nooit aan de beurt komt.
nodes:
  vraag:
    choose: Verder?
    options:
      - {label: Ja, goto: klaar}
      - {label: Nee, goto: weg}
  weg:
    say: Tot ziens.
    next: klaar
  klaar:
    end: Klaar.
  vergeten:
    say: Hier komt niemand.
"""


def test_an_unreachable_node_is_marked(write_dialogue: Callable[..., Path], run_cli: Run) -> None:
    path = write_dialogue(UNREACHABLE, "los.yaml")
    chart = parse_mermaid(run_cli("graph", str(path)).out)
    vergeten = chart.node("vergeten · say")
    assert chart.classes["unreachable"] == {vergeten}
    assert chart.nodes[vergeten][1].endswith("⚠ onbereikbaar")
    # Nothing leads to it, and it runs off the end of the file: one terminal node for that.
    assert chart.labels_from(vergeten) == {"": chart.node("einde van\nhet bestand")}
    assert not any(target == vergeten for _, _, _, target in chart.edges)
    dot = run_cli("graph", str(path), "--format", "dot").out
    assert re.search(r'"n_vergeten" \[[^\]]*style="dashed,rounded"[^\]]*color="#999999"', dot)


HOSTILE = [
    'a "quote" and a #quot; entity',
    "brackets ] [ }} {{ ) ( and | pipes |",  # {{ and }} are how an author writes a brace
    "an arrow --> b and -.-> c and ==> d",
    "%% a comment and %%{{init: {{}}}}%%",
    "a line\nend\nsubgraph x\n  flowchart LR",
    "<b>html</b> <br/> &amp; `markdown` ; style:#f00;",
    "back\\slash \\n \u2028 \x1b[2J \u0085 ﬂ°°12¶ß",
]
CONDITION = """matches(answer, '"\\]\\) --> x\\{y\\} %% \\|z\\| <b>; #quot;')"""


def hostile_dialogue() -> str:
    """A dialogue whose every author-written text tries to break the graph."""
    options = "\n".join(
        f"      - {{label: {json.dumps(text)}, goto: {target}}}"
        for text, target in zip(HOSTILE, ["end", "a-b", "a_b"] * 3, strict=False)
    )
    return f"""\
id: vijandig
version: 1
title: {json.dumps('Vijandig "x" ]]> --> %% <br/>' + chr(10) + "end")}
description: Tekst die de grafiek probeert te breken.
phases:
  - {{id: een, title: {json.dumps(HOSTILE[4])}}}
  - {{id: twee, title: {json.dumps(HOSTILE[3])}}}
nodes:
  begin:
    phase: een
    say: {json.dumps(chr(10).join(HOSTILE))}
  keuze:
    choose: {json.dumps(HOSTILE[2])}
    options:
{options}
  end:
    phase: twee
    ask: {json.dumps(HOSTILE[1])}
    probes:
      - when: {json.dumps(CONDITION)}
        ask: Echt?
  a-b:
    branch:
      - when: {json.dumps(CONDITION.replace("answer", "end"))}
        goto: a_b
      - goto: end
  a_b:
    end: {json.dumps(HOSTILE[5])}
"""


def test_hostile_text_cannot_break_the_mermaid_syntax() -> None:
    dialogue = load_dialogue_text(hostile_dialogue(), "vijandig.yaml")
    chart = parse_mermaid(to_mermaid(dialogue))
    firsts = sorted(label.split("\n")[0] for _, label, _ in chart.nodes.values())
    assert firsts == sorted(
        [
            "begin",
            "begin · say",
            "keuze · choose",
            "end · ask",
            "↻ 1 vervolgvraag",
            "a-b · branch",
            "a_b · end",
        ]
    )
    keys = [chart.node(f"{name} · ") for name in ("end", "a-b", "a_b")]
    assert len(set(keys)) == 3  # a-b and a_b stay apart; `end` is not a keyword here
    assert list(chart.groups.values()) == [
        "a line end subgraph x flowchart LR",
        "%% a comment and %%{{init: {{}}}}%%",
    ]
    assert chart.title == 'vijandig · Vijandig "x" ]]> --> %% <br/> end'
    labels = {flat(label) for _, _, label, _ in chart.edges}
    for text in HOSTILE[:4]:
        assert flat(text) in labels
    assert flat(f"niet: {CONDITION}") not in labels  # no `when` on a node here
    assert flat(CONDITION.replace("answer", "end")) in labels
    assert flat(HOSTILE[1]) in flat(chart.nodes[keys[0]][1])
    assert flat(HOSTILE[5])[:34] in flat(chart.nodes[keys[2]][1])  # an excerpt
    assert flat(CONDITION) in flat(chart.nodes[chart.node("↻ 1 vervolgvraag")][1])
    begin = flat(chart.nodes[chart.node("begin · say")][1])
    assert begin.startswith('begin · say a "quote" and a #quot;')
    first_option = next(iter(chart.labels_from(chart.node("keuze · choose"))))
    assert flat(first_option) == flat(HOSTILE[0])
    assert "back\\slash \\n [2J ﬂ°°12¶ß" in labels  # line breaks and escapes as spaces


def test_hostile_text_cannot_break_the_dot_syntax() -> None:
    dialogue = load_dialogue_text(hostile_dialogue(), "vijandig.yaml")
    labels = check_dot(to_dot(dialogue))
    for node in dialogue.nodes:
        assert any(label.startswith(f"{node.id} · ") for label in labels.values()), node.id
    assert any(flat(HOSTILE[1]) in flat(label) for label in labels.values())
    assert flat(HOSTILE[5])[:34] in flat(labels["n_a_b_2"])  # & stays &, not an entity
    assert 'label="een\\"' not in to_dot(dialogue)


# -- DOT -----------------------------------------------------------------------------------------

DOT_STRING = r'"(?:[^"\\\n]|\\.)*"'


def check_dot(dot: str) -> dict[str, str]:
    """Check that a DOT text is balanced and each string is closed on its own line; return the
    label of every node statement, unescaped, by node name."""
    assert dot.startswith('digraph "') and dot.endswith("}\n")
    bare = re.sub(DOT_STRING, "S", dot)
    assert '"' not in bare and "\\" not in bare, bare
    depth = 0
    for char in bare:
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0
    assert depth == 0 and bare.count("[") == bare.count("]")
    labels = {}
    for match in re.finditer(rf"^\s*({DOT_STRING}) \[[^\n]*?label=({DOT_STRING})\];$", dot, re.M):
        name, label = (json.loads(part) if "\\l" not in part else part for part in match.groups())
        labels[name] = html.unescape(label)  # Graphviz reads HTML entities in labels
    return labels


def test_dot_is_balanced_and_names_every_node(run_cli: Run) -> None:
    result = run_cli("graph", "buiv", "--format", "dot")
    assert result.code == 0, result.err
    labels = check_dot(result.out)
    dialogue = load_dialogue(shipped_dir() / "buiv.yaml")
    for node in dialogue.nodes:
        assert any(label.startswith(f"{node.id} · ") for label in labels.values()), node.id
    for phase in dialogue.phases:
        assert (
            f'subgraph "cluster_fase_{phase.id}" {{\n        label="{phase.title}";' in result.out
        )
    assert '"n_na_inleven" -> "n_afronden" [label="answered(afronden)"];' in result.out
    assert (
        '"n_wie" -> "n_vorige_keer" [style=dashed, label="niet: not answered(ander)"];'
        in result.out
    )


# -- the command ---------------------------------------------------------------------------------


def test_an_unknown_name_is_a_usage_error_in_dutch(run_cli: Run) -> None:
    result = run_cli("graph", "bui")
    assert result.code == 2
    assert result.out == ""
    assert "Fout: er is geen gesprek 'bui'" in result.err
    assert "bedoel je 'buiv'?" in result.err
    assert "Traceback" not in result.err


def test_an_unknown_format_is_a_usage_error(run_cli: Run) -> None:
    result = run_cli("graph", "buiv", "--format", "svg")
    assert result.code == 2
    assert result.out == ""


def test_a_broken_dialogue_is_exit_code_1(
    write_dialogue: Callable[..., Path], run_cli: Run
) -> None:
    path = write_dialogue(UNREACHABLE.replace("goto: weg", "goto: wek"), "kapot.yaml")
    result = run_cli("graph", str(path))
    assert result.code == 1
    assert "onbekende node 'wek'" in result.err
    assert result.out == ""


def test_help_has_dutch_examples(run_cli: Run) -> None:
    result = run_cli("graph", "--help")
    assert result.code == 0
    assert "coach graph buiv > buiv.mmd" in result.out
    assert "--format [mermaid|dot]" in result.out


def test_invisible_and_bidi_characters_are_shown_in_both_formats() -> None:
    text = MINIMAL.replace("title: Mini", 'title: "Mi\\u202eni\\u200d"').replace(
        "say: Welkom.", 'say: "Wel\\u00adkom \\U000E0041"'
    )
    dialogue = load_dialogue_text(text, "mini.yaml")
    for chart in (to_mermaid(dialogue), to_dot(dialogue)):
        assert "Mi⟨U+202E⟩ni⟨U+200D⟩" in chart and "Wel⟨U+00AD⟩kom ⟨U+E0041⟩" in chart
        assert not UNSAFE.search(chart)

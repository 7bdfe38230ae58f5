"""What a dialogue is, once loaded: frozen data, each authored part with its location.

The loader builds these from YAML; the checker, the engine and the CLI only read them.
Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from coach.expr import Expr
from coach.lexicon import Lexicon
from coach.templates import Template


@dataclass(frozen=True)
class Location:
    file: str
    line: int


@dataclass(frozen=True)
class Phrase:
    """Authored text that may hold `{name}` fields."""

    template: Template
    loc: Location

    @property
    def source(self) -> str:
        return self.template.source


@dataclass(frozen=True)
class Condition:
    source: str
    expr: Expr
    loc: Location


@dataclass(frozen=True)
class Ref:
    """A reference to a node by id (`next`, `goto`, `start`)."""

    target: str
    loc: Location
    path: str


@dataclass(frozen=True)
class SafetyRule:
    """Signals of one level of distress: `crisis` (acute danger) or `zorg` (worry)."""

    level: str
    lexicon: Lexicon

    @classmethod
    def later(cls, level: str, make: Callable[[], Lexicon]) -> SafetyRule:
        """A rule whose word list is made when first used: from the cache of checked
        dialogues, where the first question needs no word list (coach/dialogue_cache.py)."""
        rule = object.__new__(cls)
        object.__setattr__(rule, "level", level)
        object.__setattr__(rule, "_make", make)
        return rule

    if not TYPE_CHECKING:  # for the type checker `lexicon` is always there, as it is to use

        def __getattr__(self, name: str) -> object:
            # Only called for what is not set: the word list of a rule made by `later`.
            make = self.__dict__.get("_make") if name == "lexicon" else None
            if make is None:
                raise AttributeError(name)
            made = make()
            object.__setattr__(self, "lexicon", made)
            return made


@dataclass(frozen=True)
class Safety:
    """The safety net: always on; authors may add word lists and a sentence of their own."""

    rules: tuple[SafetyRule, ...]
    message: str = ""


@dataclass(frozen=True)
class Phase:
    id: str
    title: str


@dataclass(frozen=True)
class Limits:
    min_words: int | None = None
    max_chars: int | None = None


@dataclass(frozen=True)
class Probe:
    """A follow-up question, asked when its condition holds for the answer just given."""

    when: Condition
    text: Phrase
    loc: Location
    replace: bool = False  # the answer to this follow-up replaces the answer so far
    id: str = ""  # unique within its question; "1", "2", ... when the author gave none
    builtin: bool = False  # added by coach to every question with follow-ups (loader)
    early: bool = False  # tried before the author's own (an answer in English)
    fires: tuple[str, ...] = ()  # example answers on which the rule must fire (validate)
    quiet: tuple[str, ...] = ()  # example answers on which it must not


@dataclass(frozen=True)
class Option:
    label: Phrase
    value: str | None
    goto: Ref | None
    loc: Location


@dataclass(frozen=True)
class Rule:
    """One arm of a branch; `when` is None for the default arm."""

    when: Condition | None
    goto: Ref
    loc: Location


@dataclass(frozen=True)
class CardItem:
    """One line of the closing card (gesprekskaart)."""

    label: str
    text: Phrase
    loc: Location


@dataclass(frozen=True, kw_only=True)
class NodeBase:
    id: str
    loc: Location
    phase: str | None = None
    when: Condition | None = None
    next: Ref | None = None
    optional: bool = False
    help: Phrase | None = None
    key_lines: tuple[tuple[str, int], ...] = ()  # the line of each key, for precise messages

    def loc_of(self, key: str) -> Location:
        """Where a key of this node is written (the node's own line if it is absent)."""
        for name, line in self.key_lines:
            if name == key:
                return Location(self.loc.file, line)
        return self.loc


@dataclass(frozen=True, kw_only=True)
class Say(NodeBase):
    text: Phrase
    variants: tuple[Phrase, ...] = ()  # alternatives to `text` (itself the first); one per session


@dataclass(frozen=True, kw_only=True)
class Ask(NodeBase):
    text: Phrase
    variants: tuple[Phrase, ...] = ()
    into: str
    probes: tuple[Probe, ...] = ()
    max_probes: int = 2
    limits: Limits = Limits()

    def probe_order(self) -> list[tuple[int, Probe]]:
        """The follow-ups in the order they are tried, with their index in `probes` (which
        snapshots keep): `early` ones first, then as written."""
        return sorted(enumerate(self.probes), key=lambda pair: not pair[1].early)


@dataclass(frozen=True, kw_only=True)
class Choose(NodeBase):
    text: Phrase
    into: str
    options: tuple[Option, ...]


@dataclass(frozen=True, kw_only=True)
class Scale(NodeBase):
    text: Phrase
    into: str
    low: int
    high: int
    labels: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True, kw_only=True)
class Branch(NodeBase):
    rules: tuple[Rule, ...]


@dataclass(frozen=True, kw_only=True)
class End(NodeBase):
    text: Phrase
    title: Phrase | None = None
    summary: tuple[CardItem, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Call(NodeBase):
    """Run another dialogue, then go on here; its answers come back as `into.name`."""

    dialogue: Ref  # the id of the dialogue to run
    bindings: tuple[tuple[str, str], ...] = ()  # (name there, name here): answers it starts with
    into: str = ""


Node = Say | Ask | Choose | Scale | Branch | End | Call
Question = Ask | Choose | Scale  # the nodes that wait for the user and store an answer
QUESTION_TYPES = (Ask, Choose, Scale)

KIND_OF: dict[type[NodeBase], str] = {
    Say: "say",
    Ask: "ask",
    Choose: "choose",
    Scale: "scale",
    Branch: "branch",
    End: "end",
    Call: "call",
}


def kind_of(node: NodeBase) -> str:
    return KIND_OF[type(node)]


@dataclass(frozen=True)
class Dialogue:
    id: str
    version: int
    title: str
    description: str
    file: str
    content_hash: str
    nodes: tuple[Node, ...]
    start: Ref
    language: str = "nl"
    duration: str = ""
    source: str = ""
    phases: tuple[Phase, ...] = ()
    subject: str | None = None
    remember: tuple[str, ...] = ()
    safety_lexicons: tuple[Ref, ...] = ()  # the author's extra lists for the safety net
    safety_message: str = ""
    safety: Safety | None = None  # set when the dialogue is linked (links.py)
    loc: Location = Location("", 1)
    key_lines: tuple[tuple[str, int], ...] = ()  # top-level keys (and remember[i]) → line
    lexicons: Mapping[str, Lexicon] = field(default_factory=dict, compare=False, repr=False)
    callees: Mapping[str, Dialogue] = field(default_factory=dict, compare=False, repr=False)
    _by_id: dict[str, Node] = field(default_factory=dict, compare=False, repr=False)
    _order: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for index, node in enumerate(self.nodes):
            self._by_id.setdefault(node.id, node)
            self._order.setdefault(node.id, index)

    def loc_of(self, key: str) -> Location:
        """Where a top-level key (or `remember[i]`) is written; line 1 if it is absent."""
        for name, line in self.key_lines:
            if name == key:
                return Location(self.loc.file, line)
        return self.loc

    def node(self, node_id: str) -> Node:
        return self._by_id[node_id]

    def has_node(self, node_id: str) -> bool:
        return node_id in self._by_id

    def successor(self, node: Node) -> str | None:
        """Where a node leads by default: its `next`, else the node below it in the file."""
        if node.next is not None:
            return node.next.target
        index = self._order[node.id] + 1
        return self.nodes[index].id if index < len(self.nodes) else None

    def phase_position(self, phase_id: str | None) -> tuple[int, Phase] | None:
        """(1-based step number, phase) for a phase id, or None when it is not a phase."""
        for index, phase in enumerate(self.phases, start=1):
            if phase.id == phase_id:
                return index, phase
        return None

    def answer_names(self) -> set[str]:
        """Every name an answer can be stored under in this dialogue, those that sub-dialogues
        bring back (`into.name`) included."""
        names = {node.into for node in self.nodes if isinstance(node, QUESTION_TYPES)}
        for node in self.nodes:
            if isinstance(node, Call) and node.dialogue.target in self.callees:
                callee = self.callees[node.dialogue.target]
                names |= {f"{node.into}.{name}" for name in callee.answer_names()}
        return names


# -- transcripts -----------------------------------------------------------------------------

STATUSES = ("active", "paused", "stopped", "completed")


@dataclass(frozen=True)
class SessionInfo:
    """One run of a dialogue by a user, as kept in the store."""

    id: int
    uuid: str
    dialogue_id: str
    dialogue_version: int
    dialogue_hash: str
    dialogue_title: str
    dialogue_path: str | None
    subject: str | None
    status: str  # active (running, or cut off), paused, stopped, completed
    started_at: str
    updated_at: str
    ended_at: str | None
    answers: int = 0  # how many answers the user gave


@dataclass(frozen=True)
class TranscriptTurn:
    seq: int
    node: str
    phase: str | None
    kind: str
    speaker: str
    text: str
    value: Any
    created_at: str


@dataclass(frozen=True)
class Annotation:
    """A reviewer's comment on a session, or on one turn of it; kept apart from what the
    leader wrote, which an annotation never changes."""

    id: int
    turn: int | None  # the `seq` of the turn it is about; None: the session as a whole
    text: str
    author: str | None
    created_at: str


@dataclass(frozen=True)
class Transcript:
    session: SessionInfo
    turns: tuple[TranscriptTurn, ...]
    annotations: tuple[Annotation, ...] = ()


def locate(dialogue: Dialogue, ref: str) -> tuple[Dialogue, Node] | None:
    """The node a transcript names, with the dialogue it is in: `node`, or `call/node`
    inside a sub-dialogue; None if it is not (or no longer) there."""
    *calls, node_id = ref.split("/")
    here = dialogue
    for call_id in calls:
        call = here.node(call_id) if here.has_node(call_id) else None
        if not isinstance(call, Call) or call.dialogue.target not in here.callees:
            return None
        here = here.callees[call.dialogue.target]
    return (here, here.node(node_id)) if here.has_node(node_id) else None

"""A conversation as a pure state machine: data in, data out.

The engine walks a Dialogue: it shows `say` nodes, stops at each question, takes the
user's answer, asks the follow-up questions (probes) whose rules fire, runs sub-dialogues
(`call`), pauses at the safety net when an answer shows signs of distress, and ends at an
`end` node with the closing card (when the safety net opened, it first asks how the user is
doing; `check_in()` asks it on resume). It prints nothing, reads nothing and stores nothing:
the caller saves the turns it returns, shows the steps, and keeps `snapshot()` to resume
later. That is what lets every conversation be tested without a terminal.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import re
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from coach import model as m
from coach import safety
from coach.errors import CoachError
from coach.expr import Scope, Value, holds
from coach.steps import (
    Advance,
    Ask,
    CardLine,
    Choose,
    End,
    Invalid,
    Prompt,
    Rewind,
    Say,
    Scale,
    Step,
    Turn,
)
from coach.text import fold, word_count

MAX_ANSWER_CHARS = 20_000  # one answer; longer pastes are refused with a clear message
MAX_HOPS = 10_000  # nodes passed without a question before the engine calls it a loop
MAX_CALL_DEPTH = 8  # sub-dialogues inside sub-dialogues
SNAPSHOT_VERSION = 2
SAFETY_NODE = "vangnet"
# Said after "Ja, ga verder" at the safety net, before the next question.
GENTLY = (
    "Goed. We gaan rustig verder, met de volgende vraag. Wordt het je toch te veel, typ dan "
    "/pauze: je kunt later verder waar je was."
)

# What coach remembers: (dialogue id, subject, names to remember) → the remembered answers.
Memory = Callable[[str, str, tuple[str, ...]], Mapping[str, Value]]

# Told where the conversation goes, for coverage in `coach test`: (event, node ref, index).
# Events: "node" (a node passed or asked; index None), "option" (the option chosen), "rule"
# (the branch rule taken; len(rules) when none holds) and "probe" (the follow-up asked).
Trace = Callable[[str, str, int | None], None]


class EngineError(CoachError):
    """The dialogue cannot go on (a loop without questions, or a snapshot that no longer fits)."""


@dataclass
class _Probing:
    """Follow-up questions at the current `ask` node."""

    fired: list[int] = field(default_factory=list)
    pending: int | None = None  # index of the probe waiting for an answer
    text: str = ""  # that probe's question, as rendered when it fired


@dataclass
class _Frame:
    """One dialogue in progress: the one the user started, or a sub-dialogue it called."""

    dialogue: str  # its id
    call: str = ""  # the `call` node in the dialogue above that started it ("" at the top)
    answers: dict[str, Value] = field(default_factory=dict)
    previous: dict[str, Value] = field(default_factory=dict)  # remembered from earlier sessions


@dataclass
class _State:
    node: str | None = None  # the question waiting for an answer; None before start and at the end
    frames: list[_Frame] = field(default_factory=list)  # the top dialogue first
    probing: _Probing = field(default_factory=_Probing)
    nudged: bool = False  # the user was asked once to write more; a second short answer counts
    turns: int = 0
    started: bool = False
    finished: bool = False
    answer_text: str = ""  # in a history frame: the answer given from this state
    seed: int = 0  # chooses the variant of each text, the same on every replay of a session
    session_count: int = 1  # how often the user started this dialogue, this time included
    safety_shown: list[str] = field(default_factory=list)  # levels the safety net showed
    held: str | None = None  # the safety net waits for "go on or stop" (the level shown)
    noticed: str = ""  # while held: the words that gave the signal
    checkin: str | None = None  # a check-in waits: "einde" (before the card) or "hervat"
    checkin_again: bool = False  # the help lines were shown again: now "go on or stop"
    ending: str = ""  # at the check-in before the card: the end node to finish at
    checked_in: bool = False  # asked how the user is before the closing card
    # answers at which the safety net opened ("dialogue/name"): kept, but not on the card
    unsaid: list[str] = field(default_factory=list)
    # the replies that opened it, per answer: the rest of that answer may stay on the card
    unsaid_replies: dict[str, list[str]] = field(default_factory=dict)

    @property
    def frame(self) -> _Frame:
        return self.frames[-1]


class Engine:
    """Runs one dialogue for one user. Create it fresh, or `restore` it from a snapshot."""

    def __init__(
        self,
        dialogue: m.Dialogue,
        answers: dict[str, Value] | None = None,
        *,
        seed: int = 0,
        session_count: int = 1,
        memory: Memory | None = None,
        trace: Trace | None = None,
    ) -> None:
        self.dialogue = dialogue
        self.memory = memory
        self.trace = trace
        top = _Frame(dialogue.id, "", dict(answers or {}))
        self.state = _State(frames=[top], seed=seed, session_count=session_count)
        self._recall(top, dialogue)
        self.history: list[_State] = []

    # -- reading ---------------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self.state.finished

    @property
    def answers(self) -> dict[str, Value]:
        """The answers of the dialogue the user started (a sub-dialogue's as `into.name`)."""
        return dict(self.state.frames[0].answers)

    @property
    def current_dialogue(self) -> m.Dialogue:
        """The dialogue the current question belongs to (a sub-dialogue while one runs)."""
        return self._dialogue_at(len(self.state.frames))

    @property
    def prompt(self) -> Prompt | None:
        """The question waiting for an answer, or None before start and after the end."""
        if self.state.checkin is not None:
            return self._check_in_prompt()
        if self.state.node is None:
            return None
        node = self._here().node(self.state.node)
        if self.state.held is not None:
            return Choose(
                self._ref(node.id),
                node.phase,
                safety.QUESTION,
                safety.OPTIONS,
                help=safety.referral(self._here().safety, self.state.held, self.state.noticed),
            )
        if self.state.probing.pending is not None:
            return Ask(
                self._ref(node.id),
                node.phase,
                self.state.probing.text,
                probe=True,
                help=self._help(node),
            )
        return self._prompt_for(node)

    @property
    def checking_in(self) -> bool:
        """Whether coach waits for the answer to "how are you doing now?" (or, after the
        help lines, to "go on or stop")."""
        return self.state.checkin is not None

    def base_prompt(self) -> Prompt | None:
        """The question itself, also while one of its follow-up questions waits."""
        if self.state.node is None:
            return None
        return self._prompt_for(self._here().node(self.state.node))

    def current_steps(self) -> tuple[Step, ...]:
        """What to show to pick up where the user left off: the question, with the follow-up
        question or the safety net's message that waits below it."""
        prompt, base = self.prompt, self.base_prompt()
        if self.state.checkin is not None and prompt is not None:
            if self.state.checkin_again:  # the help lines were asked for: show them again
                ref, phase = self._check_in_place()
                lines = safety.help_lines(self.state.safety_shown)
                return (Say(ref, phase, lines, style="safety"), prompt)
            return (prompt,)
        if prompt is None or base is None:
            return ()
        if self.state.held is not None:
            node = self._here().node(self.state.node or "")
            text = safety.referral(self._here().safety, self.state.held, self.state.noticed)
            return (Say(self._ref(node.id), node.phase, text, style="safety"), prompt)
        if getattr(prompt, "probe", False):
            return (base, prompt)
        return (prompt,)

    def card_so_far(self) -> tuple[str, tuple[CardLine, ...]]:
        """The closing card as far as it is filled in: its title and the answered lines."""
        answers = self.state.frames[0].answers
        lookup = self._lookup_in(self.state.frames[0])
        for node in self.dialogue.nodes:
            if isinstance(node, m.End) and node.summary:
                title = node.title.template.render(lookup) if node.title is not None else ""
                lines = tuple(
                    CardLine(item.label, item.text.template.render(lookup))
                    for item in node.summary
                    if all(
                        answers.get(name) not in (None, "") for name in item.text.template.names()
                    )
                )
                return title, lines
        return "", ()

    # -- acting ----------------------------------------------------------------------------

    def start(self) -> Advance:
        """Begin at the start node: the steps up to and including the first question."""
        if self.state.started:
            raise EngineError("dit gesprek is al begonnen")
        self.state.started = True
        turns: list[Turn] = []
        steps: list[Step] = []
        self._walk(self.dialogue.start.target, turns, steps)
        return Advance(tuple(turns), tuple(steps))

    def answer(self, raw: str) -> Advance | Invalid:
        """Take the user's answer to the current question. `raw` is stored exactly as given."""
        if self.state.checkin is not None:
            return self._answer_check_in(raw)
        node = self._current()
        if node is None:
            return Invalid("finished")
        if len(raw) > MAX_ANSWER_CHARS:
            return Invalid("too_long", {"limit": MAX_ANSWER_CHARS, "length": len(raw)})
        if self.state.held is not None:
            return self._answer_held(node, raw)
        if not raw.strip():
            # Nothing typed: a follow-up question or an optional one is passed by, like
            # /verder or /overslaan; a required question asks again.
            if self.state.probing.pending is not None:
                return self.skip_probes()
            if node.optional:
                return self.skip()
            return Invalid("empty")
        if isinstance(node, m.Ask):
            return self._answer_ask(node, raw)
        if isinstance(node, m.Choose):
            return self._answer_choose(node, raw)
        assert isinstance(node, m.Scale)
        return self._answer_scale(node, raw)

    def skip(self) -> Advance | Invalid:
        """Skip an optional question (`/overslaan`); at a follow-up question, skip that."""
        if self.state.checkin is not None:
            return Invalid("held")
        node = self._current()
        if node is None:
            return Invalid("finished")
        if self.state.held is not None:
            return Invalid("held")
        if self.state.probing.pending is not None:
            return self.skip_probes()
        if not node.optional:
            return Invalid("not_optional")
        turns: list[Turn] = []
        self._push("")
        self._emit(turns, node, "skip", "user", "")
        steps: list[Step] = []
        self._walk(self._here().successor(node), turns, steps)
        return Advance(tuple(turns), tuple(steps))

    def skip_probes(self) -> Advance | Invalid:
        """No more follow-up questions here (`/verder`): go on to the next node."""
        if self.state.checkin is not None:
            return Invalid("held")
        node = self._current()
        if node is None:
            return Invalid("finished")
        if self.state.held is not None:
            return Invalid("held")
        if self.state.probing.pending is None:
            return Invalid("no_probe")
        self.state.probing = _Probing()
        turns: list[Turn] = []
        steps: list[Step] = []
        self._walk(self._here().successor(node), turns, steps)
        return Advance(tuple(turns), tuple(steps))

    def undo(self) -> Rewind | Invalid:
        """Take back the last answer (`/terug`): that question is asked again."""
        if self.state.checkin == "hervat" and not self.state.checkin_again:
            return Invalid("held")  # first the check-in; the last answer is from another sitting
        if not self.history:
            return Invalid("nothing_to_undo")
        frame = self.history.pop()
        previous = frame.answer_text
        frame.answer_text = ""
        self.state = frame
        prompt = self.prompt
        assert prompt is not None
        return Rewind(frame.turns, prompt, previous)

    def check_in(self) -> Advance | None:
        """On resume of a session in which the safety net opened: ask how the user is doing
        now, before the question that waits. None when there is nothing to ask (the net did
        not open, or a choice about it already waits)."""
        state = self.state
        if (
            not state.safety_shown
            or state.finished
            or state.node is None
            or state.held is not None
            or state.checkin is not None
        ):
            return None
        turns: list[Turn] = []
        steps: list[Step] = []
        self._ask_check_in("hervat", turns, steps)
        return Advance(tuple(turns), tuple(steps))

    # -- snapshots -------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """Everything needed to resume, as JSON-ready data."""
        return copy.deepcopy(
            {
                "version": SNAPSHOT_VERSION,
                "state": _state_to_json(self.state),
                "history": [_state_to_json(frame) for frame in self.history],
            }
        )

    @classmethod
    def restore(
        cls, dialogue: m.Dialogue, snapshot: dict[str, Any], memory: Memory | None = None
    ) -> Engine:
        """An engine continuing from `snapshot`; EngineError if it no longer fits the dialogue."""
        try:
            version = snapshot.get("version")
            if version not in (1, SNAPSHOT_VERSION):
                raise ValueError("version")
            state = _state_from_json(snapshot["state"], dialogue.id)
            history = [
                _state_from_json(frame, dialogue.id) for frame in snapshot.get("history", [])
            ]
        except (KeyError, TypeError, ValueError, AttributeError):
            raise EngineError("de opgeslagen stand van dit gesprek is onleesbaar") from None
        engine = cls(dialogue, memory=memory)
        for frame in [state, *history]:
            engine.state = frame
            if not engine._fits():
                raise EngineError(
                    f"het gesprek is sinds deze sessie veranderd: de vraag '{frame.node}' "
                    "bestaat niet meer",
                    "begin een nieuwe sessie; de oude blijft bewaard",
                )
        engine.state = state
        engine.history = history
        return engine

    @staticmethod
    def answers_in(snapshot: Mapping[str, Any]) -> dict[str, Value]:
        """The answers of the top dialogue kept in a snapshot ({} if it cannot be read)."""
        try:
            state = snapshot["state"]
            if snapshot.get("version") == 1:
                return dict(state["answers"])
            return dict(state["frames"][0]["answers"])
        except (KeyError, TypeError, ValueError, IndexError):
            return {}

    # -- internals: where we are -----------------------------------------------------------

    def _dialogue_at(self, depth: int) -> m.Dialogue:
        dialogue = self.dialogue
        for frame in self.state.frames[1:depth]:
            dialogue = dialogue.callees[frame.dialogue]
        return dialogue

    def _here(self) -> m.Dialogue:
        return self._dialogue_at(len(self.state.frames))

    def _fits(self) -> bool:
        """Whether the state (a restored one) still fits the dialogue as it is now."""
        try:
            here = self._here()
        except KeyError:
            return False
        node, ending = self.state.node, self.state.ending
        if self.state.checkin == "einde" and ending:
            return here.has_node(ending) and isinstance(here.node(ending), m.End)
        return node is None or (
            here.has_node(node) and isinstance(here.node(node), m.QUESTION_TYPES)
        )

    def _ref(self, node_id: str) -> str:
        """A node's name in the transcript: `spanning/beleven` inside a sub-dialogue."""
        calls = [frame.call for frame in self.state.frames[1:]]
        return "/".join([*calls, node_id])

    def _current(self) -> m.Question | None:
        if self.state.node is None:
            return None
        node = self._here().node(self.state.node)
        assert isinstance(node, m.QUESTION_TYPES)
        return node

    def _push(self, answer_text: str) -> None:
        frame = copy.deepcopy(self.state)
        frame.answer_text = answer_text
        self.history.append(frame)

    def _emit(
        self,
        turns: list[Turn],
        node: m.NodeBase,
        kind: str,
        speaker: str,
        text: str,
        value: Any = None,
    ) -> None:
        self._emit_at(turns, self._ref(node.id), node.phase, kind, speaker, text, value)

    def _emit_at(
        self,
        turns: list[Turn],
        ref: str,
        phase: str | None,
        kind: str,
        speaker: str,
        text: str,
        value: Any = None,
    ) -> None:
        self.state.turns += 1
        turns.append(Turn(self.state.turns, ref, phase, kind, speaker, text, value))

    def _note(self, event: str, node: m.NodeBase, index: int | None = None) -> None:
        if self.trace is not None:
            self.trace(event, self._ref(node.id), index)

    # -- internals: names, texts and conditions --------------------------------------------

    def _lookup_in(self, frame: _Frame, extra: dict[str, Value] | None = None) -> Any:
        state = self.state

        def lookup(name: str) -> Value:
            if extra is not None and name in extra:
                return extra[name]
            if name == "session.count":
                return state.session_count
            if name == "session.called":  # this dialogue runs inside another one
                return frame is not state.frames[0]
            if name.startswith("previous."):
                return frame.previous.get(name.removeprefix("previous."))
            return frame.answers.get(name)

        return lookup

    def _lookup(self, extra: dict[str, Value] | None = None) -> Any:
        return self._lookup_in(self.state.frame, extra)

    def _render(self, phrase: m.Phrase, extra: dict[str, Value] | None = None) -> str:
        return phrase.template.render(self._lookup(extra))

    def _text(self, node: m.Say | m.Ask | m.Choose | m.Scale | m.End) -> str:
        """A node's text; of a node with variants, the one this session's seed picks."""
        variants = getattr(node, "variants", ())
        if not variants:
            return self._render(node.text)
        return self._render(
            variants[variant_index(self.state.seed, self._ref(node.id), len(variants))]
        )

    def _scope(self, extra: dict[str, Value] | None = None) -> Scope:
        return Scope(self._lookup(extra), self._here().lexicons)

    def _holds(self, condition: m.Condition | None) -> bool:
        return condition is None or holds(condition.expr, self._scope())

    def _help(self, node: m.NodeBase) -> str | None:
        return self._render(node.help) if node.help is not None else None

    def _store(self, name: str, value: Value) -> None:
        """Keep an answer; the subject's answer also brings back what was remembered."""
        frame = self.state.frame
        frame.answers[name] = value
        dialogue = self._here()
        if name == dialogue.subject:
            self._recall(frame, dialogue)

    def _recall(self, frame: _Frame, dialogue: m.Dialogue) -> None:
        subject = frame.answers.get(dialogue.subject or "")
        frame.previous = {}
        if self.memory is None or not dialogue.remember or not isinstance(subject, str):
            return
        if subject.strip():
            remembered = self.memory(dialogue.id, subject, dialogue.remember)
            frame.previous = {k: v for k, v in remembered.items() if k in dialogue.remember}

    def _prompt_for(self, node: m.Node) -> Prompt:
        help_text = self._help(node)
        ref = self._ref(node.id)
        if not isinstance(node, m.QUESTION_TYPES):
            raise EngineError(f"'{node.id}' is geen vraag")
        text = self._text(node)
        earlier = self.state.frame.answers.get(node.into)
        previous = "" if earlier is None or isinstance(earlier, tuple) else str(earlier)
        if isinstance(node, m.Ask):
            return Ask(ref, node.phase, text, node.optional, help=help_text, previous=previous)
        if isinstance(node, m.Choose):
            labels = tuple(self._render(option.label) for option in node.options)
            # A choice is a step, not content: offering the last one would make Enter repeat it.
            return Choose(ref, node.phase, text, labels, node.optional, help_text)
        return Scale(
            ref,
            node.phase,
            text,
            node.low,
            node.high,
            node.labels,
            node.optional,
            help_text,
            previous,
        )

    # -- internals: walking ----------------------------------------------------------------

    def _walk(self, node_id: str | None, turns: list[Turn], steps: list[Step]) -> None:
        """Pass say, branch, call and skipped nodes until a question or an end; record what
        is shown."""
        hops = 0
        while True:
            while node_id is not None:
                hops += 1
                if hops > MAX_HOPS:
                    raise EngineError(
                        "het gesprek blijft rondgaan zonder een vraag te stellen "
                        f"(bij '{node_id}')",
                        "controleer de next- en goto-verwijzingen van deze dialoog",
                    )
                here = self._here()
                node = here.node(node_id)
                if not self._holds(node.when):
                    node_id = here.successor(node)
                    continue
                self._note("node", node)
                if isinstance(node, m.Say):
                    text = self._text(node)
                    steps.append(Say(self._ref(node.id), node.phase, text))
                    self._emit(turns, node, "say", "coach", text)
                    node_id = here.successor(node)
                elif isinstance(node, m.Branch):
                    rules = node.rules
                    arm = next((i for i, r in enumerate(rules) if self._holds(r.when)), len(rules))
                    self._note("rule", node, arm)  # len(rules): none holds, fall through
                    node_id = rules[arm].goto.target if arm < len(rules) else here.successor(node)
                elif isinstance(node, m.Call):
                    node_id = self._enter(node)
                elif isinstance(node, m.End):
                    if len(self.state.frames) == 1:
                        self._close(node, turns, steps)
                        return
                    node_id = self._return(node, turns, steps)
                else:
                    self._ask(node, turns, steps)
                    return
            if len(self.state.frames) == 1:
                self._close(None, turns, steps)
                return
            node_id = self._return(None, turns, steps)  # the sub-dialogue ran out of nodes

    def _enter(self, node: m.Call) -> str:
        """Start a sub-dialogue; the id of its first node."""
        if len(self.state.frames) >= MAX_CALL_DEPTH:
            raise EngineError(f"te veel gesprekken in elkaar bij '{node.id}'")
        callee = self._here().callees[node.dialogue.target]
        parent = self.state.frame
        given = {
            there: parent.answers[here] for there, here in node.bindings if here in parent.answers
        }
        frame = _Frame(callee.id, node.id, given)
        self.state.frames.append(frame)
        self._recall(frame, callee)
        return callee.start.target

    def _return(self, end: m.End | None, turns: list[Turn], steps: list[Step]) -> str | None:
        """Close a sub-dialogue at its end: show its closing text and card, bring its
        answers back as `into.name`; the id of the node after the `call`."""
        if end is not None:
            card = self._card(end)
            title = self._render(end.title) if end.title is not None else ""
            step = End(
                self._ref(end.id), end.phase, self._render(end.text), title, card, final=False
            )
            steps.append(step)
            closing = {"title": title, "card": [[line.label, line.text] for line in card]}
            self._emit(turns, end, "end", "coach", step.text, closing)
        frame = self.state.frames.pop()
        here = self._here()
        call = here.node(frame.call)
        assert isinstance(call, m.Call)
        for name, value in frame.answers.items():
            self.state.frame.answers[f"{call.into}.{name}"] = value
        return here.successor(call)

    def _card(self, end: m.End) -> tuple[CardLine, ...]:
        """The closing card: a line for each item whose answers were given (a skipped
        question leaves no empty line). A reply at which the safety net opened is kept in the
        transcript but is not put on a card to read again before the conversation; what the
        leader wrote before it at that question stays."""
        answers = dict(self.state.frame.answers)
        for key in self.state.unsaid:
            dialogue, name = key.split("/", 1)
            if dialogue == self.state.frame.dialogue and name in answers:
                answers[name] = _without(answers[name], self.state.unsaid_replies.get(key))
        return tuple(
            CardLine(item.label, self._render(item.text, answers))
            for item in end.summary
            if all(answers.get(name) not in (None, "") for name in item.text.template.names())
        )

    def _ask(self, node: m.Question, turns: list[Turn], steps: list[Step]) -> None:
        self.state.node = node.id
        self.state.probing = _Probing()
        self.state.nudged = False
        prompt = self._prompt_for(node)
        steps.append(prompt)
        value: Any = None
        if isinstance(prompt, Choose):
            value = list(prompt.options)
        elif isinstance(prompt, Scale):
            value = [prompt.low, prompt.high]
        self._emit(turns, node, m.kind_of(node), "coach", prompt.text, value)

    def _close(self, node: m.End | None, turns: list[Turn], steps: list[Step]) -> None:
        """At the end of the conversation: the closing card, or first, when the safety net
        opened in this session, the check-in (once per session; one asked on resume does
        not count, so a replay without the resume goes the same way)."""
        if self.state.safety_shown and not self.state.checked_in:
            self.state.checked_in = True
            self.state.node = None
            self.state.probing = _Probing()
            self.state.ending = node.id if node is not None else ""
            self._ask_check_in("einde", turns, steps)
            return
        self._finish(node, turns, steps)

    def _finish(self, node: m.End | None, turns: list[Turn], steps: list[Step]) -> None:
        self.state.node = None
        self.state.finished = True
        self.state.probing = _Probing()
        if node is None:  # the file ran out without an end node
            steps.append(End("", None, ""))
            return
        card = self._card(node)
        title = self._render(node.title) if node.title is not None else ""
        end = End(node.id, node.phase, self._render(node.text), title, card)
        steps.append(end)
        value = {"title": title, "card": [[line.label, line.text] for line in card]}
        self._emit(turns, node, "end", "coach", end.text, value)

    # -- answers ---------------------------------------------------------------------------

    def _answer_ask(self, node: m.Ask, raw: str) -> Advance | Invalid:
        probing = self.state.probing.pending is not None
        limit = node.limits.max_chars
        if limit is not None and len(raw.strip()) > limit:
            return Invalid("too_long", {"limit": limit, "length": len(raw.strip())})
        minimum = node.limits.min_words
        if not probing and minimum and word_count(raw) < minimum and not self.state.nudged:
            self.state.nudged = True
            return Invalid("too_short", {"minimum": minimum})
        self._push(raw)
        turns: list[Turn] = []
        if probing:
            pending = self.state.probing.pending
            assert pending is not None
            earlier = self.state.frame.answers.get(node.into)
            replace = node.probes[pending].replace or not isinstance(earlier, str)
            self._store(node.into, raw if replace else f"{earlier}\n{raw}")
            self.state.probing.pending = None
            self._emit(turns, node, "probe", "user", raw)
        else:
            self._store(node.into, raw)
            self._emit(turns, node, "ask", "user", raw)
            unsaid = f"{self.state.frame.dialogue}/{node.into}"
            if unsaid in self.state.unsaid:  # answered anew: this answer may be on the card
                self.state.unsaid.remove(unsaid)
                self.state.unsaid_replies.pop(unsaid, None)
        steps: list[Step] = []
        if not self._hold_for_safety(node, raw, turns, steps):
            self._go_on_from(node, turns, steps)
        return Advance(tuple(turns), tuple(steps))

    def _go_on_from(self, node: m.Ask, turns: list[Turn], steps: list[Step]) -> None:
        """After an answer to an ask node: its next follow-up question, or the next node."""
        if not self._probe(node, turns, steps):
            self.state.probing = _Probing()
            self._walk(self._here().successor(node), turns, steps)

    def _hold_for_safety(self, node: m.Ask, raw: str, turns: list[Turn], steps: list[Step]) -> bool:
        """Pause for the safety net if the answer shows a signal not yet responded to."""
        here = self._here()
        found = safety.signal(here.safety, raw, self.state.safety_shown)
        if found is None:
            return False
        level, match = found
        self.state.safety_shown.append(level)
        self.state.held = level
        self.state.noticed = match
        key = f"{self.state.frame.dialogue}/{node.into}"
        if key not in self.state.unsaid:
            self.state.unsaid.append(key)
        self.state.unsaid_replies.setdefault(key, []).append(raw)
        # The answer is kept, marked: no follow-up question asks about it, and a review
        # does not score it as an ordinary answer.
        mine = max(i for i, turn in enumerate(turns) if turn.speaker == "user")
        turns[mine] = dataclasses.replace(turns[mine], value={"safety": level})
        text = safety.referral(here.safety, level, match)
        steps.append(Say(self._ref(node.id), node.phase, text, style="safety"))
        self._emit(turns, node, "safety", "coach", text, {"level": level, "match": match})
        prompt = self.prompt
        assert prompt is not None
        steps.append(prompt)
        return True

    def _answer_held(self, node: m.Question, raw: str) -> Advance | Invalid:
        chosen = pick_option(raw, list(safety.OPTIONS))
        if isinstance(chosen, Invalid):
            return chosen
        self._push(raw)
        self.state.held = None
        self.state.noticed = ""
        turns: list[Turn] = []
        self._emit(turns, node, "safety", "user", raw, safety.OPTIONS[chosen])
        steps: list[Step] = []
        if chosen != safety.STOP:
            steps.append(Say(self._ref(node.id), node.phase, GENTLY))
            self._emit(turns, node, "say", "coach", GENTLY)
        # The answer that gave the signal is never probed: on to the next question. Stopping
        # keeps the place there too, so a resume goes on from it.
        self.state.probing = _Probing()
        self._walk(self._here().successor(node), turns, steps)
        if chosen == safety.STOP:
            return Advance(tuple(turns), (), pause=True)
        return Advance(tuple(turns), tuple(steps))

    # -- the check-in after the safety net opened --------------------------------------------

    def _check_in_place(self) -> tuple[str, str | None]:
        """Where a check-in is kept in the transcript: at the question that waits (resume),
        or at the end node (before the closing card)."""
        node_id = self.state.node if self.state.checkin == "hervat" else self.state.ending
        if not node_id:
            return "", None
        node = self._here().node(node_id)
        return self._ref(node.id), node.phase

    def _check_in_prompt(self) -> Choose:
        ref, phase = self._check_in_place()
        lines = safety.help_lines(self.state.safety_shown)
        if self.state.checkin_again:
            return Choose(ref, phase, safety.QUESTION, safety.OPTIONS, help=lines)
        text = safety.CHECK_IN[self.state.checkin or "einde"]
        return Choose(ref, phase, text, safety.CHECK_IN_OPTIONS, help=lines)

    def _ask_check_in(self, moment: str, turns: list[Turn], steps: list[Step]) -> None:
        self.state.checkin = moment
        self.state.checkin_again = False
        prompt = self._check_in_prompt()
        steps.append(prompt)
        value = {"moment": moment, "options": list(prompt.options)}
        self._emit_at(turns, prompt.node, prompt.phase, "checkin", "coach", prompt.text, value)

    def _answer_check_in(self, raw: str) -> Advance | Invalid:
        prompt = self._check_in_prompt()
        chosen = pick_option(raw, list(prompt.options))
        if isinstance(chosen, Invalid):
            return chosen
        self._push(raw)
        turns: list[Turn] = []
        steps: list[Step] = []
        ref, phase = prompt.node, prompt.phase
        self._emit_at(turns, ref, phase, "checkin", "user", raw, prompt.options[chosen])
        if not self.state.checkin_again and chosen == safety.HELP_LINES:
            lines = safety.help_lines(self.state.safety_shown)
            steps.append(Say(ref, phase, lines, style="safety"))
            self._emit_at(turns, ref, phase, "safety", "coach", lines, {"checkin": True})
            self.state.checkin_again = True
            again = self._check_in_prompt()
            steps.append(again)
            value = {"moment": self.state.checkin, "options": list(again.options)}
            self._emit_at(turns, ref, phase, "checkin", "coach", again.text, value)
            return Advance(tuple(turns), tuple(steps))
        stop = safety.STOP if self.state.checkin_again else safety.STOP_NOW
        moment = self.state.checkin
        self.state.checkin_again = False
        if chosen == stop:
            if moment == "hervat":  # the next resume asks again
                self.state.checkin = None
            return Advance(tuple(turns), (), pause=True)  # before the card: it waits there
        self.state.checkin = None
        if moment == "hervat":
            return Advance(tuple(turns), self.current_steps())
        ending = self.state.ending
        end = self._here().node(ending) if ending else None
        assert end is None or isinstance(end, m.End)
        self.state.ending = ""
        self._finish(end, turns, steps)
        return Advance(tuple(turns), tuple(steps))

    def _probe(self, node: m.Ask, turns: list[Turn], steps: list[Step]) -> bool:
        """Ask the first follow-up whose rule fires on the answer so far; False if none does."""
        probing = self.state.probing
        if len(probing.fired) >= node.max_probes:
            return False
        answer = self.state.frame.answers.get(node.into)
        for index, probe in node.probe_order():
            if index in probing.fired:
                continue
            scope = self._scope({"answer": answer})
            if not holds(probe.when.expr, scope):
                continue
            text = self._render(probe.text, {"answer": answer, "match": scope.match})
            probing.fired.append(index)
            self._note("probe", node, index)
            probing.pending = index
            probing.text = text
            ref = self._ref(node.id)
            steps.append(Ask(ref, node.phase, text, probe=True, help=self._help(node)))
            why: dict[str, Any] = {"rule": probe.when.source, "match": scope.match}
            if probe.replace:  # a review rebuilds the answer from the transcript: it must know
                why["replace"] = True
            self._emit(turns, node, "probe", "coach", text, why)
            return True
        return False

    def _answer_choose(self, node: m.Choose, raw: str) -> Advance | Invalid:
        labels = [self._render(option.label) for option in node.options]
        chosen = pick_option(raw, labels)
        if isinstance(chosen, Invalid):
            return chosen
        self._note("option", node, chosen)
        option = node.options[chosen]
        value = option.value if option.value is not None else labels[chosen]
        self._push(raw)
        self._store(node.into, value)
        turns: list[Turn] = []
        self._emit(turns, node, "choose", "user", raw, value)
        steps: list[Step] = []
        target = option.goto.target if option.goto is not None else self._here().successor(node)
        self._walk(target, turns, steps)
        return Advance(tuple(turns), tuple(steps))

    def _answer_scale(self, node: m.Scale, raw: str) -> Advance | Invalid:
        found = re.fullmatch(r"\s*(-?\d{1,6})\s*(?:/\s*\d{1,6}\s*)?", raw)
        if found is None:
            return Invalid("not_a_number", {"low": node.low, "high": node.high})
        number = int(found.group(1))
        if not node.low <= number <= node.high:
            return Invalid("out_of_range", {"low": node.low, "high": node.high})
        self._push(raw)
        self._store(node.into, number)
        turns: list[Turn] = []
        self._emit(turns, node, "scale", "user", raw, number)
        steps: list[Step] = []
        self._walk(self._here().successor(node), turns, steps)
        return Advance(tuple(turns), tuple(steps))


def variant_index(seed: int, ref: str, count: int) -> int:
    """Which of `count` variants the text at node `ref` shows in a session with `seed`: the
    same on every replay, so a resumed session keeps its wording (and an imported one can
    find a seed that gives the wording it had)."""
    return zlib.crc32(f"{seed}/{ref}".encode()) % count


def pick_option(raw: str, labels: list[str]) -> int | Invalid:
    """Which option an answer means: its number, its label, or a clear part of the label."""
    wanted = fold(raw.strip()).rstrip(".)")
    if not wanted:
        return Invalid("empty")
    if wanted.isdecimal():  # not isdigit(): `²` is a digit, but int() refuses it
        number = int(wanted)
        if 1 <= number <= len(labels):
            return number - 1
        return Invalid("no_such_option", {"count": len(labels)})
    folded = [fold(label) for label in labels]
    close = difflib.get_close_matches(wanted, folded, 2, 0.75)
    # From strict to lenient: the whole label, its start, a part of it, a near miss.
    for found in (
        [i for i, label in enumerate(folded) if label == wanted],
        [i for i, label in enumerate(folded) if label.startswith(wanted)],
        [i for i, label in enumerate(folded) if len(wanted) >= 3 and wanted in label],
        [folded.index(match) for match in close],
    ):
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            return Invalid("ambiguous", {"options": [labels[i] for i in found]})
    return Invalid("no_such_option", {"count": len(labels)})


def _without(answer: Value, replies: list[str] | None) -> Value:
    """The answer without the replies that opened the safety net (a follow-up's reply is
    added on a line of its own). Without the replies known, none of it."""
    if replies is None or not isinstance(answer, str):
        return ""
    rest = answer
    for reply in replies:
        if rest == reply:
            rest = ""
        elif rest.endswith("\n" + reply):
            rest = rest[: -len(reply) - 1]
        elif rest.startswith(reply + "\n"):
            rest = rest[len(reply) + 1 :]
    return rest


def _state_to_json(state: _State) -> dict[str, Any]:
    return {
        "node": state.node,
        "frames": [
            {
                "dialogue": frame.dialogue,
                "call": frame.call,
                "answers": frame.answers,
                "previous": frame.previous,
            }
            for frame in state.frames
        ],
        "probing": {
            "fired": state.probing.fired,
            "pending": state.probing.pending,
            "text": state.probing.text,
        },
        "nudged": state.nudged,
        "turns": state.turns,
        "started": state.started,
        "finished": state.finished,
        "answer_text": state.answer_text,
        "seed": state.seed,
        "session_count": state.session_count,
        "safety_shown": state.safety_shown,
        "held": state.held,
        "noticed": state.noticed,
        "checkin": state.checkin,
        "checkin_again": state.checkin_again,
        "ending": state.ending,
        "checked_in": state.checked_in,
        "unsaid": state.unsaid,
        "unsaid_replies": state.unsaid_replies,
    }


def _state_from_json(data: dict[str, Any], top: str) -> _State:
    """A state from a snapshot; version 1 (before sub-dialogues) kept answers at the top."""
    probing = data["probing"]
    if "frames" in data:
        frames = [
            _Frame(
                str(frame["dialogue"]),
                str(frame["call"]),
                _mapping(frame["answers"]),
                _mapping(frame.get("previous", {})),
            )
            for frame in data["frames"]
        ]
    else:
        frames = [_Frame(top, "", _mapping(data["answers"]))]
    if not frames:
        raise ValueError("frames")
    held = data.get("held")
    checkin = data.get("checkin")
    return _State(
        node=data["node"],
        frames=frames,
        probing=_Probing(
            [int(i) for i in probing["fired"]], probing["pending"], str(probing["text"])
        ),
        nudged=bool(data["nudged"]),
        turns=int(data["turns"]),
        started=bool(data["started"]),
        finished=bool(data["finished"]),
        answer_text=str(data.get("answer_text", "")),
        seed=int(data.get("seed", 0)),
        session_count=int(data.get("session_count", 1)),
        safety_shown=[str(level) for level in data.get("safety_shown", [])],
        held=str(held) if held is not None else None,
        noticed=str(data.get("noticed", "")),
        checkin=str(checkin) if checkin in ("einde", "hervat") else None,
        checkin_again=bool(data.get("checkin_again", False)),
        ending=str(data.get("ending", "")),
        checked_in=bool(data.get("checked_in", False)),
        unsaid=[str(name) for name in data.get("unsaid", [])],
        unsaid_replies={
            str(key): [str(reply) for reply in replies]
            for key, replies in dict(data.get("unsaid_replies", {})).items()
            if isinstance(replies, list)
        },
    )


def _mapping(value: Any) -> dict[str, Value]:
    if not isinstance(value, dict):
        raise ValueError("answers")
    return dict(value)

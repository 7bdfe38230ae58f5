"""A conversation as a pure state machine: data in, data out.

The engine walks a Dialogue: it shows `say` nodes, stops at each question, takes the
user's answer, asks the follow-up questions (probes) whose rules fire, and ends at an `end`
node with the closing card. It prints nothing, reads nothing and stores nothing: the caller
saves the turns it returns, shows the steps, and keeps `snapshot()` to resume later. That
is what lets every conversation be tested without a terminal.
"""

from __future__ import annotations

import copy
import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from coach import model as m
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
SNAPSHOT_VERSION = 1


class EngineError(CoachError):
    """The dialogue cannot go on (a loop without questions, or a snapshot that no longer fits)."""


@dataclass
class _Probing:
    """Follow-up questions at the current `ask` node."""

    fired: list[int] = field(default_factory=list)
    pending: int | None = None  # index of the probe waiting for an answer
    text: str = ""  # that probe's question, as rendered when it fired


@dataclass
class _State:
    node: str | None = None  # the question waiting for an answer; None before start and at the end
    answers: dict[str, Value] = field(default_factory=dict)
    probing: _Probing = field(default_factory=_Probing)
    nudged: bool = False  # the user was asked once to write more; a second short answer counts
    turns: int = 0
    started: bool = False
    finished: bool = False
    answer_text: str = ""  # in a history frame: the answer given from this state


class Engine:
    """Runs one dialogue for one user. Create it fresh, or `restore` it from a snapshot."""

    def __init__(self, dialogue: m.Dialogue, answers: dict[str, Value] | None = None) -> None:
        self.dialogue = dialogue
        self.state = _State(answers=dict(answers or {}))
        self.history: list[_State] = []

    # -- reading ---------------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self.state.finished

    @property
    def answers(self) -> dict[str, Value]:
        return dict(self.state.answers)

    @property
    def prompt(self) -> Prompt | None:
        """The question waiting for an answer, or None before start and after the end."""
        if self.state.node is None:
            return None
        node = self.dialogue.node(self.state.node)
        if self.state.probing.pending is not None:
            return Ask(
                node.id, node.phase, self.state.probing.text, probe=True, help=self._help(node)
            )
        return self._prompt_for(node)

    def base_prompt(self) -> Prompt | None:
        """The question itself, also while one of its follow-up questions waits."""
        if self.state.node is None:
            return None
        return self._prompt_for(self.dialogue.node(self.state.node))

    def card_so_far(self) -> tuple[str, tuple[CardLine, ...]]:
        """The closing card as far as it is filled in: its title and the answered lines."""
        for node in self.dialogue.nodes:
            if isinstance(node, m.End) and node.summary:
                title = self._render(node.title) if node.title is not None else ""
                lines = tuple(
                    CardLine(item.label, self._render(item.text))
                    for item in node.summary
                    if all(
                        self.state.answers.get(name) not in (None, "")
                        for name in item.text.template.names()
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
        node = self._current()
        if node is None:
            return Invalid("finished")
        if len(raw) > MAX_ANSWER_CHARS:
            return Invalid("too_long", {"limit": MAX_ANSWER_CHARS, "length": len(raw)})
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
        node = self._current()
        if node is None:
            return Invalid("finished")
        if self.state.probing.pending is not None:
            return self.skip_probes()
        if not node.optional:
            return Invalid("not_optional")
        turns: list[Turn] = []
        self._push("")
        self._emit(turns, node, "skip", "user", "")
        steps: list[Step] = []
        self._walk(self.dialogue.successor(node), turns, steps)
        return Advance(tuple(turns), tuple(steps))

    def skip_probes(self) -> Advance | Invalid:
        """No more follow-up questions here (`/verder`): go on to the next node."""
        node = self._current()
        if node is None:
            return Invalid("finished")
        if self.state.probing.pending is None:
            return Invalid("no_probe")
        self.state.probing = _Probing()
        turns: list[Turn] = []
        steps: list[Step] = []
        self._walk(self.dialogue.successor(node), turns, steps)
        return Advance(tuple(turns), tuple(steps))

    def undo(self) -> Rewind | Invalid:
        """Take back the last answer (`/terug`): that question is asked again."""
        if not self.history:
            return Invalid("nothing_to_undo")
        frame = self.history.pop()
        previous = frame.answer_text
        frame.answer_text = ""
        self.state = frame
        prompt = self.prompt
        assert prompt is not None
        return Rewind(frame.turns, prompt, previous)

    # -- snapshots -------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """Everything needed to resume, as JSON-ready data."""
        return {
            "version": SNAPSHOT_VERSION,
            "state": _state_to_json(self.state),
            "history": [_state_to_json(frame) for frame in self.history],
        }

    @classmethod
    def restore(cls, dialogue: m.Dialogue, snapshot: dict[str, Any]) -> Engine:
        """An engine continuing from `snapshot`; EngineError if it no longer fits the dialogue."""
        try:
            if snapshot.get("version") != SNAPSHOT_VERSION:
                raise ValueError("version")
            state = _state_from_json(snapshot["state"])
            history = [_state_from_json(frame) for frame in snapshot.get("history", [])]
        except (KeyError, TypeError, ValueError, AttributeError):
            raise EngineError("de opgeslagen stand van dit gesprek is onleesbaar") from None
        for frame in [state, *history]:
            if frame.node is not None and not (
                dialogue.has_node(frame.node)
                and isinstance(dialogue.node(frame.node), m.QUESTION_TYPES)
            ):
                raise EngineError(
                    f"het gesprek is sinds deze sessie veranderd: de vraag '{frame.node}' "
                    "bestaat niet meer",
                    "begin een nieuwe sessie; de oude blijft bewaard",
                )
        engine = cls(dialogue)
        engine.state = state
        engine.history = history
        return engine

    # -- internals -------------------------------------------------------------------------

    def _current(self) -> m.Question | None:
        if self.state.node is None:
            return None
        node = self.dialogue.node(self.state.node)
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
        self.state.turns += 1
        turns.append(Turn(self.state.turns, node.id, node.phase, kind, speaker, text, value))

    def _lookup(self, extra: dict[str, Value] | None = None) -> Any:
        answers = self.state.answers

        def lookup(name: str) -> Value:
            if extra is not None and name in extra:
                return extra[name]
            return answers.get(name)

        return lookup

    def _render(self, phrase: m.Phrase, extra: dict[str, Value] | None = None) -> str:
        return phrase.template.render(self._lookup(extra))

    def _holds(self, condition: m.Condition | None) -> bool:
        return condition is None or holds(condition.expr, Scope(self._lookup()))

    def _help(self, node: m.NodeBase) -> str | None:
        return self._render(node.help) if node.help is not None else None

    def _prompt_for(self, node: m.Node) -> Prompt:
        help_text = self._help(node)
        text = self._render(node.text) if isinstance(node, m.QUESTION_TYPES) else ""
        earlier = self.state.answers.get(node.into) if isinstance(node, m.QUESTION_TYPES) else None
        previous = "" if earlier is None or isinstance(earlier, tuple) else str(earlier)
        if isinstance(node, m.Ask):
            return Ask(node.id, node.phase, text, node.optional, help=help_text, previous=previous)
        if isinstance(node, m.Choose):
            labels = tuple(self._render(option.label) for option in node.options)
            # A choice is a step, not content: offering the last one would make Enter repeat it.
            return Choose(node.id, node.phase, text, labels, node.optional, help_text)
        assert isinstance(node, m.Scale)
        return Scale(
            node.id,
            node.phase,
            text,
            node.low,
            node.high,
            node.labels,
            node.optional,
            help_text,
            previous,
        )

    def _walk(self, node_id: str | None, turns: list[Turn], steps: list[Step]) -> None:
        """Pass say, branch and skipped nodes until a question or an end; record what is shown."""
        hops = 0
        while node_id is not None:
            hops += 1
            if hops > MAX_HOPS:
                raise EngineError(
                    f"het gesprek blijft rondgaan zonder een vraag te stellen (bij '{node_id}')",
                    "controleer de next- en goto-verwijzingen van deze dialoog",
                )
            node = self.dialogue.node(node_id)
            if not self._holds(node.when):
                node_id = self.dialogue.successor(node)
            elif isinstance(node, m.Say):
                text = self._render(node.text)
                steps.append(Say(node.id, node.phase, text))
                self._emit(turns, node, "say", "coach", text)
                node_id = self.dialogue.successor(node)
            elif isinstance(node, m.Branch):
                chosen = next((rule for rule in node.rules if self._holds(rule.when)), None)
                node_id = chosen.goto.target if chosen else self.dialogue.successor(node)
            elif isinstance(node, m.End):
                self._finish(node, turns, steps)
                return
            else:
                self._ask(node, turns, steps)
                return
        self._finish(None, turns, steps)

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

    def _finish(self, node: m.End | None, turns: list[Turn], steps: list[Step]) -> None:
        self.state.node = None
        self.state.finished = True
        self.state.probing = _Probing()
        if node is None:  # the file ran out without an end node
            steps.append(End("", None, ""))
            return
        card = tuple(CardLine(item.label, self._render(item.text)) for item in node.summary)
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
            earlier = self.state.answers.get(node.into)
            replace = node.probes[pending].replace or not isinstance(earlier, str)
            self.state.answers[node.into] = raw if replace else f"{earlier}\n{raw}"
            self.state.probing.pending = None
            self._emit(turns, node, "probe", "user", raw)
        else:
            self.state.answers[node.into] = raw
            self._emit(turns, node, "ask", "user", raw)
        steps: list[Step] = []
        if not self._probe(node, turns, steps):
            self.state.probing = _Probing()
            self._walk(self.dialogue.successor(node), turns, steps)
        return Advance(tuple(turns), tuple(steps))

    def _probe(self, node: m.Ask, turns: list[Turn], steps: list[Step]) -> bool:
        """Ask the first follow-up whose rule fires on the answer so far; False if none does."""
        probing = self.state.probing
        if len(probing.fired) >= node.max_probes:
            return False
        answer = self.state.answers.get(node.into)
        for index, probe in enumerate(node.probes):
            if index in probing.fired:
                continue
            scope = Scope(self._lookup({"answer": answer}))
            if not holds(probe.when.expr, scope):
                continue
            text = self._render(probe.text, {"answer": answer, "match": scope.match})
            probing.fired.append(index)
            probing.pending = index
            probing.text = text
            steps.append(Ask(node.id, node.phase, text, probe=True, help=self._help(node)))
            why = {"rule": probe.when.source, "match": scope.match}
            self._emit(turns, node, "probe", "coach", text, why)
            return True
        return False

    def _answer_choose(self, node: m.Choose, raw: str) -> Advance | Invalid:
        labels = [self._render(option.label) for option in node.options]
        chosen = pick_option(raw, labels)
        if isinstance(chosen, Invalid):
            return chosen
        option = node.options[chosen]
        value = option.value if option.value is not None else labels[chosen]
        self._push(raw)
        self.state.answers[node.into] = value
        turns: list[Turn] = []
        self._emit(turns, node, "choose", "user", raw, value)
        steps: list[Step] = []
        target = option.goto.target if option.goto is not None else self.dialogue.successor(node)
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
        self.state.answers[node.into] = number
        turns: list[Turn] = []
        self._emit(turns, node, "scale", "user", raw, number)
        steps: list[Step] = []
        self._walk(self.dialogue.successor(node), turns, steps)
        return Advance(tuple(turns), tuple(steps))


def pick_option(raw: str, labels: list[str]) -> int | Invalid:
    """Which option an answer means: its number, its label, or a clear part of the label."""
    wanted = fold(raw.strip()).rstrip(".)")
    if not wanted:
        return Invalid("empty")
    if wanted.isdigit():
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


def _state_to_json(state: _State) -> dict[str, Any]:
    return {
        "node": state.node,
        "answers": state.answers,
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
    }


def _state_from_json(data: dict[str, Any]) -> _State:
    probing = data["probing"]
    answers = data["answers"]
    if not isinstance(answers, dict):
        raise ValueError("answers")
    return _State(
        node=data["node"],
        answers=answers,
        probing=_Probing(
            [int(i) for i in probing["fired"]], probing["pending"], str(probing["text"])
        ),
        nudged=bool(data["nudged"]),
        turns=int(data["turns"]),
        started=bool(data["started"]),
        finished=bool(data["finished"]),
        answer_text=str(data.get("answer_text", "")),
    )

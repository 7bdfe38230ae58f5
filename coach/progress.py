"""Progress over time with one person: sessions, agreements and how they went, scale trends.

`coach progress WIE` shows everything about one person, oldest first. Per session: its
agreements, the answers its dialogue keeps in `remember`; under each agreement, how it was
followed up: the answer, in a later session, to a question that showed it as `previous.X`
(buiv's `vorige-keer`). Scale answers to the same question in more than one session become
a trend. Pure: transcripts and the dialogues they were run with in, plain data out; the CLI
(coach/cli_progress.py) reads the store and loads the dialogues.

Answers are rebuilt from the transcript turns, not from the engine's snapshot: an imported
transcript has turns only. As the engine does (coach/engine.py), an answer is the last
answer given at its question plus its follow-up answers, joined by line breaks, unless a
follow-up rule says `replace`. Which earlier session a later one looked back on follows
coach/memory.py: for each name, the latest earlier session of that dialogue about the same
person in which it was answered.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from coach.expr import names as condition_names
from coach.memory import same_subject
from coach.model import (
    QUESTION_TYPES,
    Ask,
    Call,
    Dialogue,
    End,
    Node,
    SessionInfo,
    Transcript,
    TranscriptTurn,
    locate,
)

FORMAT_NAME = "coach-progress"
FORMAT_VERSION = 1
BARS = "▁▂▃▄▅▆▇█"
_ANSWER_KINDS = ("ask", "choose", "scale")
_PREVIOUS = "previous."


@dataclass(frozen=True)
class FollowUp:
    """The answer, in a later session, to a question that showed an agreement again."""

    session_id: int
    node: str  # as the transcript names it: `vorige-keer`, or `voorbereiding/vorige-keer`
    text: str | None  # None: the question was skipped
    answered_at: str


@dataclass(frozen=True)
class Agreement:
    """A `remember` answer of one session."""

    name: str
    label: str  # as the closing card calls it, else the step's title, else the name
    node: str
    text: str
    answered_at: str
    asked_again: bool  # whether the dialogue asks about it in a later session at all
    follow_ups: tuple[FollowUp, ...] = ()


@dataclass(frozen=True)
class SessionProgress:
    info: SessionInfo
    dialogue_found: bool  # False: its dialogue could not be loaded, so no agreements are known
    keeps_agreements: bool  # its dialogue has a `remember` list
    agreements: tuple[Agreement, ...]


@dataclass(frozen=True)
class Reading:
    session_id: int
    value: int | float
    answered_at: str


@dataclass(frozen=True)
class Trend:
    """Every answer to one scale question, in order."""

    dialogue_id: str
    node: str
    question: str
    low: int | float
    high: int | float
    readings: tuple[Reading, ...]

    @property
    def change(self) -> int | float | None:
        """Last minus first; None for a single answer."""
        if len(self.readings) < 2:
            return None
        return self.readings[-1].value - self.readings[0].value


@dataclass(frozen=True)
class Progress:
    subject: str  # as the leader wrote it in the most recent session
    sessions: tuple[SessionProgress, ...]
    scales: tuple[Trend, ...]
    dialogue_id: str | None = None  # the `--gesprek` filter, if any


@dataclass
class _Found:
    """An agreement being collected; follow-ups are added as later sessions are read."""

    agreement: Agreement
    follow_ups: list[FollowUp] = field(default_factory=list)


def progress(
    subject: str,
    transcripts: Iterable[Transcript],
    dialogues: Mapping[int, Dialogue | None],
    dialogue_id: str | None = None,
) -> Progress:
    """Progress with `subject` over `transcripts` (those about someone else are left out).

    `dialogues` maps a session id to the dialogue as it is now (None: it cannot be loaded).
    With `dialogue_id`, only that dialogue's sessions and scale answers are shown; a
    follow-up in a session of another dialogue (a sub-dialogue) still counts.
    """
    records = sorted(
        (record for record in transcripts if _about(record.session, subject)),
        key=lambda record: (record.session.started_at, record.session.id),
    )
    found: dict[int, dict[str, _Found]] = {}
    for position, record in enumerate(records):
        dialogue = dialogues.get(record.session.id)
        if dialogue is not None:
            _follow_up(record, dialogue, records[:position], found)
        if dialogue is not None:
            found[record.session.id] = {
                item.name: _Found(item) for item in agreements(record, dialogue)
            }
    shown = [r for r in records if dialogue_id is None or r.session.dialogue_id == dialogue_id]
    sessions = tuple(_session(record, dialogues.get(record.session.id), found) for record in shown)
    return Progress(
        _spelling([record.session.subject or "" for record in records]) or subject,
        sessions,
        trends(shown, dialogues),
        dialogue_id,
    )


def _about(info: SessionInfo, subject: str) -> bool:
    """Whether a session is about `subject`. A redacted session's subject is a role in
    brackets (`[de ander]`), the same for everyone: it is about no one in particular
    (docs/transcript-format.md, redacted exports)."""
    who = (info.subject or "").strip()
    role = who.startswith("[") and who.endswith("]")
    return not role and same_subject(who, subject)


def _spelling(names: Sequence[str]) -> str:
    """How the leader writes the name most often; of equally frequent ones, one with a
    capital (`Paul` over a hasty `paul`), then the most recent."""
    spelled = [" ".join(name.split()) for name in names]
    counts = Counter(spelled)
    return max(reversed(spelled), key=lambda name: (counts[name], not name.islower()), default="")


def _session(
    record: Transcript, dialogue: Dialogue | None, found: dict[int, dict[str, _Found]]
) -> SessionProgress:
    collected = found.get(record.session.id, {}).values()
    return SessionProgress(
        record.session,
        dialogue is not None,
        bool(dialogue and dialogue.remember),
        tuple(_with_follow_ups(item) for item in collected),
    )


def _with_follow_ups(found: _Found) -> Agreement:
    item = found.agreement
    return Agreement(
        item.name,
        item.label,
        item.node,
        item.text,
        item.answered_at,
        item.asked_again,
        tuple(found.follow_ups),
    )


# -- agreements ------------------------------------------------------------------------------


def agreements(record: Transcript, dialogue: Dialogue) -> list[Agreement]:
    """The `remember` answers a session gave, in the order the dialogue lists them."""
    asked_again = set(_names_looked_back_on(dialogue))
    result = []
    for name in dialogue.remember:
        found = latest_answer(record.turns, answer_refs(dialogue, name))
        if found is None or not found[0].strip():
            continue  # memory keeps no empty answer either
        text, ref, at = found
        result.append(Agreement(name, label_of(dialogue, name), ref, text, at, name in asked_again))
    return result


def answer_refs(dialogue: Dialogue, name: str, prefix: str = "") -> list[tuple[str, Node]]:
    """The questions that store an answer under `name`, as the transcript names them;
    `voorbereiding.voorleven` is `voorleven` in the sub-dialogue of call node `voorbereiding`."""
    refs: list[tuple[str, Node]] = [
        (prefix + node.id, node)
        for node in dialogue.nodes
        if isinstance(node, QUESTION_TYPES) and node.into == name
    ]
    for node in dialogue.nodes:
        if isinstance(node, Call) and name.startswith(node.into + "."):
            callee = dialogue.callees.get(node.dialogue.target)
            if callee is not None:
                rest = name.removeprefix(node.into + ".")
                refs += answer_refs(callee, rest, f"{prefix}{node.id}/")
    return refs


def latest_answer(
    turns: Sequence[TranscriptTurn], refs: Sequence[tuple[str, Node]]
) -> tuple[str, str, str] | None:
    """(answer, node, time) of the last answer given at any of `refs`; None if none was.

    A skipped question keeps the answer it had, as in the engine, so skips are passed by.
    """
    nodes = dict(refs)
    for index in range(len(turns) - 1, -1, -1):
        turn = turns[index]
        if turn.speaker == "user" and turn.kind in _ANSWER_KINDS and turn.node in nodes:
            text, at = _answer_from(turns, index, nodes[turn.node])
            return text, turn.node, at
    return None


def _answer_from(turns: Sequence[TranscriptTurn], index: int, node: Node) -> tuple[str, str]:
    """The answer that starts at `turns[index]`, with the follow-up answers after it."""
    first = turns[index]
    if first.kind != "ask":
        # A choice is stored as its option's value, a scale as its number.
        return (first.text if first.value is None else str(first.value)), first.created_at
    text, at, replace = first.text, first.created_at, False
    for turn in turns[index + 1 :]:
        if turn.node != first.node:
            break  # follow-ups come right after their question
        if turn.kind != "probe":
            continue  # the safety net's turns at the same question
        if turn.speaker == "coach":
            replace = _replaces(node, turn.value)
        else:
            text, at = (turn.text if replace else f"{text}\n{turn.text}"), turn.created_at
    return text, at


def _replaces(node: Node, why: Any) -> bool:
    """Whether the answer to a follow-up replaces the answer so far. The coach turn says so
    (`"replace": true`); a transcript from before it did is matched to the dialogue by the
    rule that fired, and a rule no longer there counts as adding, as most follow-ups do."""
    if not isinstance(why, dict):
        return False
    if why.get("replace") is True:
        return True
    rule = why.get("rule")
    return isinstance(node, Ask) and any(
        probe.replace for probe in node.probes if probe.when.source == rule
    )


def label_of(dialogue: Dialogue, name: str) -> str:
    """How to call an answer: its line on the closing card (`{opening}` is `Openingsvraag`),
    else the title of its question's step, else its name."""
    for node in dialogue.nodes:
        if isinstance(node, End):
            for item in node.summary:
                if list(item.text.template.names()) == [name]:
                    return item.label
    for _, node in answer_refs(dialogue, name):
        position = dialogue.phase_position(node.phase)
        if position is not None:
            return position[1].title
    return name[:1].upper() + name[1:]


# -- follow-ups ------------------------------------------------------------------------------


def looks_back_on(node: Node) -> set[str]:
    """The remembered names a question shows or depends on: `previous.X` in its text, its
    variants or its `when` (its help only explains, so it does not count)."""
    found: set[str] = set()
    if node.when is not None:
        found |= set(condition_names(node.when.expr))
    for phrase in (getattr(node, "text", None), *getattr(node, "variants", ())):
        if phrase is not None:
            found |= set(phrase.template.names())
    return {name.removeprefix(_PREVIOUS) for name in found if name.startswith(_PREVIOUS)}


def _names_looked_back_on(dialogue: Dialogue) -> Iterator[str]:
    for node in dialogue.nodes:
        if isinstance(node, QUESTION_TYPES):
            yield from looks_back_on(node)


def _follow_up(
    record: Transcript,
    dialogue: Dialogue,
    earlier: Sequence[Transcript],
    found: dict[int, dict[str, _Found]],
) -> None:
    """Add what `record` answered about earlier agreements to those agreements."""
    seen: set[str] = set()
    for turn in record.turns:
        if turn.speaker != "user" or turn.node in seen:
            continue
        seen.add(turn.node)
        located = locate(dialogue, turn.node)
        if located is None or not isinstance(located[1], QUESTION_TYPES):
            continue
        owner, node = located
        for name in sorted(looks_back_on(node)):
            source = _source(owner.id, name, earlier, found)
            if source is not None:
                source.follow_ups.append(_follow_up_at(record, turn.node, node))


def _source(
    dialogue_id: str,
    name: str,
    earlier: Sequence[Transcript],
    found: dict[int, dict[str, _Found]],
) -> _Found | None:
    """The agreement a session was shown as `previous.<name>`, as coach/memory.py chooses
    it: the latest earlier session of that dialogue in which it was answered."""
    for other in reversed(earlier):
        if other.session.dialogue_id == dialogue_id and name in found.get(other.session.id, {}):
            return found[other.session.id][name]
    return None


def _follow_up_at(record: Transcript, ref: str, node: Node) -> FollowUp:
    answer = latest_answer(record.turns, [(ref, node)])
    if answer is None:  # only skipped
        skipped = next(t for t in record.turns if t.node == ref and t.speaker == "user")
        return FollowUp(record.session.id, ref, None, skipped.created_at)
    return FollowUp(record.session.id, ref, answer[0], answer[2])


# -- scale trends ----------------------------------------------------------------------------


def trends(
    records: Sequence[Transcript], dialogues: Mapping[int, Dialogue | None]
) -> tuple[Trend, ...]:
    """Every scale question answered in these sessions, with all its answers in order.

    The same question in a sub-dialogue (buiv's `zekerheid` inside ontwikkelgesprek) is the
    same question; that needs the dialogue, so without it the transcript's names are used.
    """
    groups: dict[tuple[str, str], list[tuple[Reading, str, Any]]] = {}
    for record in records:
        dialogue = dialogues.get(record.session.id)
        asked: dict[str, TranscriptTurn] = {}
        for turn in record.turns:
            if turn.kind != "scale":
                continue
            if turn.speaker == "coach":
                asked[turn.node] = turn
            elif _is_number(turn.value):
                question = asked.get(turn.node)
                key = _scale_key(record.session.dialogue_id, turn.node, dialogue)
                reading = Reading(record.session.id, turn.value, turn.created_at)
                groups.setdefault(key, []).append(
                    (
                        reading,
                        question.text if question else "",
                        question.value if question else None,
                    )
                )
    return tuple(_trend(key, items) for key, items in groups.items())


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _scale_key(dialogue_id: str, ref: str, dialogue: Dialogue | None) -> tuple[str, str]:
    located = locate(dialogue, ref) if dialogue is not None else None
    if located is None:
        return dialogue_id, ref
    return located[0].id, located[1].id


def _trend(key: tuple[str, str], items: list[tuple[Reading, str, Any]]) -> Trend:
    """A trend over its answers; the range is the widest the question had (a dialogue can
    have changed between sessions), the question text the latest one."""
    readings = tuple(reading for reading, _, _ in items)
    ranges = [
        r for _, _, r in items if isinstance(r, list) and len(r) == 2 and all(map(_is_number, r))
    ]
    values = [reading.value for reading in readings]
    low = min([r[0] for r in ranges] + values)
    high = max([r[1] for r in ranges] + values)
    question = next((text for _, text, _ in reversed(items) if text), key[1])
    return Trend(key[0], key[1], question, low, high, readings)


def sparkline(values: Sequence[int | float], low: int | float, high: int | float) -> str:
    """`▂▅█`: one bar per value, its height the value's place between low and high."""
    top = len(BARS) - 1
    span = high - low
    bars = []
    for value in values:
        place = (value - low) / span if span > 0 else 1.0
        bars.append(BARS[max(0, min(top, int(place * top + 0.5)))])  # not round(): 2.5 → 2
    return "".join(bars)


def signed(number: int | float) -> str:
    """`+3`, `-2`, `0`: a change, always with its sign."""
    text = f"{number:g}"
    return f"+{text}" if number > 0 else text


# -- as data ---------------------------------------------------------------------------------


def to_data(result: Progress) -> dict[str, Any]:
    """The progress as plain JSON-ready data (docs/transcript-format.md, `coach progress`)."""
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "subject": result.subject,
        "dialogue_id": result.dialogue_id,
        "sessions": [_session_data(item) for item in result.sessions],
        "scales": [_trend_data(trend) for trend in result.scales],
    }


def _session_data(item: SessionProgress) -> dict[str, Any]:
    info = item.info
    return {
        "id": info.id,
        "uuid": info.uuid,
        "dialogue_id": info.dialogue_id,
        "dialogue_title": info.dialogue_title,
        "subject": info.subject,
        "status": info.status,
        "started_at": info.started_at,
        "updated_at": info.updated_at,
        "ended_at": info.ended_at,
        "dialogue_found": item.dialogue_found,
        "keeps_agreements": item.keeps_agreements,
        "agreements": [
            {
                "name": agreement.name,
                "label": agreement.label,
                "node": agreement.node,
                "text": agreement.text,
                "answered_at": agreement.answered_at,
                "asked_again": agreement.asked_again,
                "follow_ups": [
                    {
                        "session": follow.session_id,
                        "node": follow.node,
                        "text": follow.text,
                        "skipped": follow.text is None,
                        "answered_at": follow.answered_at,
                    }
                    for follow in agreement.follow_ups
                ],
            }
            for agreement in item.agreements
        ],
    }


def _trend_data(trend: Trend) -> dict[str, Any]:
    return {
        "dialogue_id": trend.dialogue_id,
        "node": trend.node,
        "question": trend.question,
        "range": [trend.low, trend.high],
        "readings": [
            {"session": r.session_id, "value": r.value, "answered_at": r.answered_at}
            for r in trend.readings
        ],
        "change": trend.change,
    }

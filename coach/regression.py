"""A reviewed session as a playthrough test case: what the user answered, what the coach did
after each answer, and how it ended.

Each answer in the transcript becomes a step, in order: a skipped question becomes
`/overslaan`, a follow-up question passed by (no answer under it) `/verder`, an answer to a
follow-up or to the safety net is just the next answer; the check-in of a resume ("how are
you now?") is left out, as a replay does not resume. After each step the case expects
what the coach did: `probe: false` when no follow-up came, the first words of the follow-up
when one did, `safety: true` when the safety net paused. A completed session also expects
its end node and the lines of its closing card. Pure: a transcript in, plain data out;
`coach test --from-transcript` (coach/testing.py) reads the store and writes the files.
"""

from __future__ import annotations

from typing import Any

from coach import safety
from coach.expr import Value
from coach.model import (
    QUESTION_TYPES,
    Ask,
    Dialogue,
    Transcript,
    TranscriptTurn,
    locate,
)
from coach.steps import Turn
from coach.text import word_count
from coach.timefmt import local_time

PROBE_WORDS = 6  # how many words of a follow-up question the case expects
CARD_WORDS = 8  # how many words of each line of the closing card
_QUESTION_KINDS = ("ask", "choose", "scale", "probe", "end")


def kept_turns(turns: tuple[TranscriptTurn, ...]) -> tuple[TranscriptTurn, ...]:
    """The turns a test case can replay: all of them, unless the user stopped at the safety
    net (a case ends at a pause); then up to the question shown after that choice. A replay
    does not resume: the check-ins asked on resume are left out."""
    turns = _without_resume_check_ins(turns)
    stop = safety.OPTIONS[safety.STOP]
    for index, turn in enumerate(turns):
        if turn.speaker == "user" and turn.kind == "safety" and turn.value == stop:
            for end in range(index + 1, len(turns)):
                if turns[end].speaker == "coach" and turns[end].kind in _QUESTION_KINDS:
                    return turns[: end + 1]
            return turns
    return turns


def _without_resume_check_ins(turns: tuple[TranscriptTurn, ...]) -> tuple[TranscriptTurn, ...]:
    kept: list[TranscriptTurn] = []
    resumed = False  # in a check-in asked on resume
    for turn in turns:
        if turn.kind == "checkin" and turn.speaker == "coach":
            resumed = isinstance(turn.value, dict) and turn.value.get("moment") == "hervat"
        elif turn.kind not in ("checkin", "safety"):
            resumed = False
        if not (resumed and turn.kind in ("checkin", "safety")):
            kept.append(turn)
    return tuple(kept)


def as_turns(turns: tuple[TranscriptTurn, ...]) -> list[Turn]:
    """Stored turns as the engine hands them out (for the plain-text transcript)."""
    return [Turn(t.seq, t.node, t.phase, t.kind, t.speaker, t.text, t.value) for t in turns]


def case_data(
    record: Transcript,
    dialogue: Dialogue,
    *,
    name: str,
    seed: int,
    history: list[dict[str, Value]],
    golden: str,
) -> dict[str, Any]:
    """The case, as it is written in a test file."""
    info = record.session
    turns = kept_turns(record.turns)
    steps: list[dict[str, Any]] = []
    for index, turn in enumerate(turns):
        if turn.speaker == "coach" and turn.kind == "probe":
            following = turns[index + 1] if index + 1 < len(turns) else None
            if following is not None and (following.speaker, following.kind) != ("user", "probe"):
                steps.append({"answer": "/verder", **_after(turns, index)})  # or Enter alone
            continue
        if turn.speaker != "user":
            continue
        step: dict[str, Any] = {"answer": "/overslaan" if turn.kind == "skip" else turn.text}
        if turn.kind in ("ask", "choose", "scale", "skip"):
            step["at"] = turn.node
        if turn.kind == "ask" and _nudged(dialogue, turn):
            step["nudge"] = True
        step.update(_after(turns, index))
        steps.append(step)
    data: dict[str, Any] = {
        "name": name,
        "description": (
            f"Sessie {info.id} ({info.uuid[:8]}) van {local_time(info.started_at)}, "
            "via --from-transcript."
        ),
    }
    if info.subject and dialogue.subject and not _subject_asked(turns, dialogue):
        data["subject"] = info.subject  # given with --met, not answered in the conversation
    if seed and _has_variants(dialogue):
        data["seed"] = seed  # the same text variants as the user saw
    if history:
        data["history"] = history
    data["steps"] = steps
    expect: dict[str, Any] = {}
    last = turns[-1] if turns else None
    if (
        info.status == "completed"
        and last is not None
        and (last.speaker, last.kind) == ("coach", "end")
        and "/" not in last.node
    ):
        expect["end"] = last.node
        card = last.value.get("card") if isinstance(last.value, dict) else None
        lines = {str(line[0]): first_words(str(line[1]), CARD_WORDS) for line in card or []}
        if lines:
            expect["card"] = lines
    expect["golden"] = golden
    data["expect"] = expect
    return data


def first_words(text: str, count: int) -> str:
    """The first words of a text, as one line."""
    return " ".join(text.split()[:count])


def _after(turns: tuple[TranscriptTurn, ...], index: int) -> dict[str, Any]:
    """What the coach did after the answer at `index`, up to the next answer."""
    for turn in turns[index + 1 :]:
        if turn.speaker == "user":
            break
        if turn.kind == "safety":
            return {"safety": True}
        if turn.kind == "probe":
            return {"probe": first_words(turn.text, PROBE_WORDS)}
    return {"probe": False}


def _nudged(dialogue: Dialogue, turn: TranscriptTurn) -> bool:
    """Whether an answer is shorter than its question's `min_words`: then coach asked once
    for a bit more, and the user sent a short answer again (the first one is not kept)."""
    located = locate(dialogue, turn.node)
    node = located[1] if located else None
    minimum = node.limits.min_words if isinstance(node, Ask) else None
    return bool(minimum) and word_count(turn.text) < (minimum or 0)


def _subject_asked(turns: tuple[TranscriptTurn, ...], dialogue: Dialogue) -> bool:
    """Whether the user answered who the conversation is about during the conversation."""
    asking = {
        node.id
        for node in dialogue.nodes
        if isinstance(node, QUESTION_TYPES) and node.into == dialogue.subject
    }
    return any(turn.speaker == "user" and turn.node in asking for turn in turns)


def _has_variants(dialogue: Dialogue) -> bool:
    if any(getattr(node, "variants", ()) for node in dialogue.nodes):
        return True
    return any(_has_variants(callee) for callee in dialogue.callees.values())
